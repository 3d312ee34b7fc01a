/**
 * Connectome figures: the layered (sensory -> inter -> motor) and force layouts and the Louvain
 * communities a figure shows are computed here and handed as plain {@link ConnectomeData} to the
 * figure code (src/display/connectome.ts). Also registers the figure of a connectome, so a
 * `Connectome` value displays itself.
 */
import { checkOptions, describeValue } from "../core/validate.js";
import { ConnectomeFigure } from "../display/connectome.js";
import { registerDisplay } from "../display/protocol.js";
import type { EdgeList } from "../schema/index.js";
import { louvain } from "./analysis.js";
import {
  checkConnectome,
  CONNECTOME_DISPLAY,
  synapseGraph,
  type Connectome,
  type WeightedCsr,
} from "./connectome.js";
import { forceLayout, layeredLayout, layerKey } from "./layout.js";

/** Options of {@link connectomeFigure}. */
export interface ConnectomeFigureOptions {
  /** Title (default: the connectome's name). */
  title?: string;
  /** Seed of the force layout and the Louvain communities (default 1). */
  seed?: number;
  /** Force-layout iterations (default 300). */
  forceIterations?: number;
}

const CONNECTOME_FIGURE_KEYS: Record<keyof ConnectomeFigureOptions, true> = {
  title: true,
  seed: true,
  forceIterations: true,
};

function edgesOf(g: WeightedCsr, undirectedOnce: boolean): EdgeList {
  const pre: number[] = [];
  const post: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < g.nPre; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (undirectedOnce && j < i) continue;
      pre.push(i);
      post.push(j);
      weight.push(g.weight[k]);
    }
  }
  return {
    pre: Uint32Array.from(pre),
    post: Uint32Array.from(post),
    weight: Float32Array.from(weight),
  };
}

/**
 * A displayable figure of a connectome: layered (sensory -> inter -> motor) and force layouts,
 * Louvain communities on chemical + electrical synapses, and both edge lists. Meant for a few
 * hundred cells (the whole C. elegans nervous system: ~300 neurons, ~5,000 connections).
 *
 * @example
 * ```ts
 * import { connectome, connectomeFigure } from "neurolab";
 * const c = connectome.selectCells(await connectome.loadConnectome("cook2019"), { types: ["inter"] });
 * connectomeFigure(c, { title: "C. elegans interneurons" }); // layered and force views, adjacency, search
 * ```
 */
export function connectomeFigure(
  c: Connectome,
  opts: ConnectomeFigureOptions = {},
): ConnectomeFigure {
  checkConnectome(c, "connectomeFigure: c");
  checkOptions(opts, Object.keys(CONNECTOME_FIGURE_KEYS), "connectomeFigure options");
  if (opts.title !== undefined && typeof opts.title !== "string")
    throw new TypeError(
      `connectomeFigure options.title must be a string, got ${describeValue(opts.title)}`,
    );
  const seed = opts.seed ?? 1;
  const both = synapseGraph(c, "both");
  const layered = layeredLayout(c.cells, both);
  const force = forceLayout(both, { seed, iterations: opts.forceIterations ?? 300 });
  const communities = c.cells.length > 0 ? louvain(both, { seed }).community : new Int32Array(0);
  return new ConnectomeFigure({
    title: opts.title ?? c.name,
    citation: c.citation,
    names: c.cells.map((x) => x.name),
    types: c.cells.map((x) => layerKey(x)),
    neurotransmitters: c.cells.map((x) => x.neurotransmitters[0] ?? ""),
    classes: c.cells.map((x) => x.cellClass),
    communities: Int32Array.from(communities),
    layers: [...layered.layers],
    layouts: {
      layered: { x: Float32Array.from(layered.x), y: Float32Array.from(layered.y) },
      force: { x: Float32Array.from(force.x), y: Float32Array.from(force.y) },
    },
    chemical: edgesOf(c.chemical, false),
    electrical: edgesOf(c.electrical, true),
  });
}

// A connectome displays as its figure (connectome.ts tags it; this module draws it).
registerDisplay(CONNECTOME_DISPLAY, (c: Connectome) => connectomeFigure(c));
