/**
 * neurolab-jupyterlab: JupyterLab MIME renderers for neurolab results — spike rasters, RDMs
 * (representational geometry), connectomes and activity heatmaps. Every renderer is safe: the
 * payload is validated data, never markup.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { ACTIVITY_MIME, CONNECTOME_MIME, RASTER_MIME, RDM_MIME } from "neurolab/schema";
import { ActivityRenderer } from "./activity.js";
import { ConnectomeRenderer } from "./connectome.js";
import { RdmRenderer } from "./rdm.js";
import { RasterRenderer } from "./widget.js";

export { RasterRenderer, RASTER_CLASS, ERROR_CLASS } from "./widget.js";
export { buildFigure, defaultBinMs, groupSpikes, rateHistogram, plotlyText } from "./figure.js";
export { RdmRenderer, RDM_CLASS, squareRows } from "./rdm.js";
export { ConnectomeRenderer, CONNECTOME_CLASS, partnersOf } from "./connectome.js";
export { ActivityRenderer, ACTIVITY_CLASS, binActivity } from "./activity.js";

function factory(
  mime: string,
  create: (o: IRenderMime.IRendererOptions) => IRenderMime.IRenderer,
): IRenderMime.IRendererFactory {
  return { safe: true, mimeTypes: [mime], defaultRank: 0, createRenderer: create };
}

/** Renderer factory for raster payloads. Safe: the payload is data, never markup. */
export const rendererFactory: IRenderMime.IRendererFactory = factory(
  RASTER_MIME,
  (o) => new RasterRenderer(o),
);
export const rdmRendererFactory = factory(RDM_MIME, (o) => new RdmRenderer(o));
export const connectomeRendererFactory = factory(CONNECTOME_MIME, (o) => new ConnectomeRenderer(o));
export const activityRendererFactory = factory(ACTIVITY_MIME, (o) => new ActivityRenderer(o));

const extensions: IRenderMime.IExtension[] = [
  {
    id: "neurolab-jupyterlab:raster",
    description: "Renders neurolab spike rasters with a population-rate panel (plotly.js).",
    rendererFactory,
    rank: 0,
    dataType: "json",
  },
  {
    id: "neurolab-jupyterlab:rdm",
    description:
      "Renders neurolab RDMs: heatmaps, live tRSA thresholds, MDS, model comparison (plotly.js).",
    rendererFactory: rdmRendererFactory,
    rank: 0,
    dataType: "json",
  },
  {
    id: "neurolab-jupyterlab:connectome",
    description:
      "Renders neurolab connectomes: node-link and adjacency views with partner highlighting (plotly.js).",
    rendererFactory: connectomeRendererFactory,
    rank: 0,
    dataType: "json",
  },
  {
    id: "neurolab-jupyterlab:activity",
    description: "Renders neurolab activity heatmaps (neurons x time, plotly.js).",
    rendererFactory: activityRendererFactory,
    rank: 0,
    dataType: "json",
  },
];

export default extensions;
