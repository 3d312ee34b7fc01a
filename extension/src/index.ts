/**
 * neurolab-jupyterlab: JupyterLab MIME renderer for neurolab spike rasters
 * (`application/vnd.neurolab.raster.v1+json`).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { RASTER_MIME } from "neurolab/schema";
import { RasterRenderer } from "./widget.js";

export { RasterRenderer, RASTER_CLASS, ERROR_CLASS } from "./widget.js";
export { buildFigure, defaultBinMs, groupSpikes, rateHistogram, plotlyText } from "./figure.js";

/** Renderer factory for raster payloads. Safe: the payload is data, never markup. */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [RASTER_MIME],
  defaultRank: 0,
  createRenderer: (options) => new RasterRenderer(options),
};

const extension: IRenderMime.IExtension = {
  id: "neurolab-jupyterlab:raster",
  description: "Renders neurolab spike rasters with a population-rate panel (plotly.js).",
  rendererFactory,
  rank: 0,
  dataType: "json",
};

export default extension;
