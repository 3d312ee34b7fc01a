/**
 * Node layouts for drawing a connectome: a layered layout (sensory -> inter -> motor, then
 * pharyngeal neurons, muscles and other cells) with barycentre ordering within layers, and a
 * seeded force-directed layout (Fruchterman & Reingold 1991). Coordinates are in [0, 1].
 */
import { checkInteger } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import { checkGraph, type Cell, type WeightedCsr } from "./connectome.js";
import { checkArrayLike, checkOptions } from "../core/validate.js";
import { undirected } from "./analysis.js";

/** 2-D node positions in [0, 1]. */
export interface Layout {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** A layered layout: positions plus each node's layer. */
export interface LayeredLayout extends Layout {
  /** Layer index of each node (into `layers`). */
  readonly layer: Int32Array;
  /** Names of the non-empty layers, left to right. */
  readonly layers: readonly string[];
}

/** Layer of a cell: its neuron type, else its kind ("muscle", "other"), else "unknown". */
export type LayerKey =
  "sensory" | "inter" | "motor" | "pharyngeal" | "unknown" | "muscle" | "other";

/** Options of {@link layeredLayout}. */
export interface LayeredLayoutOptions {
  /** Layer order, left to right; cells of unlisted keys go to the last layer. */
  order?: readonly LayerKey[];
  /** Barycentre sweeps (down and up) to reduce edge crossings (>= 0). Default 8. */
  sweeps?: number;
}

const DEFAULT_ORDER: readonly LayerKey[] = [
  "sensory",
  "inter",
  "motor",
  "pharyngeal",
  "unknown",
  "muscle",
  "other",
];

/**
 * The layer key of a cell.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * connectome.layerKey(c.cells[connectome.cellIndex(c, "ASHL")]); // "sensory"
 * ```
 */
export function layerKey(cell: Cell): LayerKey {
  if (cell === null || typeof cell !== "object")
    throw new TypeError(
      `cell must be a connectome cell, got ${cell === null ? "null" : typeof cell}`,
    );
  if (cell.kind !== "neuron") return cell.kind;
  return cell.type ?? "unknown";
}

/**
 * Layered layout: x by layer (evenly spaced), y by position within the layer, ordered to
 * reduce crossings by alternating barycentre sweeps over the undirected graph `g` (first
 * ordering: by name). Nodes of a layer are evenly spaced in [0, 1] (a single node at 0.5).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const { x, y, layers } = connectome.layeredLayout(c.cells, connectome.synapseGraph(c)); // sensory -> inter -> motor
 * ```
 */
export function layeredLayout(
  cells: readonly Cell[],
  g: WeightedCsr,
  opts: LayeredLayoutOptions = {},
): LayeredLayout {
  checkArrayLike(cells, "cells");
  checkGraph(g, "g");
  checkOptions(opts, ["order", "sweeps"], "layeredLayout options");
  const order = opts.order ?? DEFAULT_ORDER;
  const sweeps = checkInteger(opts.sweeps ?? 8, "sweeps", 0, 1000);
  if (g.nPre !== cells.length)
    throw new RangeError(`g must have one row per cell (${cells.length}), got ${g.nPre}`);
  const keyIndex = (cell: Cell) => {
    const k = order.indexOf(layerKey(cell));
    return k < 0 ? order.length : k;
  };
  const rawLayer = cells.map(keyIndex);
  const used = [...new Set(rawLayer)].sort((a, b) => a - b);
  const layer = Int32Array.from(rawLayer, (k) => used.indexOf(k));
  const layers = used.map((k) => (k < order.length ? order[k] : "rest"));
  const members: number[][] = used.map(() => []);
  cells.forEach((_, i) => members[layer[i]].push(i));
  members.forEach((m) =>
    m.sort((a, b) => (cells[a].name < cells[b].name ? -1 : cells[a].name > cells[b].name ? 1 : 0)),
  );
  const u = undirected(g);
  const y = new Float64Array(cells.length);
  const place = () =>
    members.forEach((m) =>
      m.forEach((node, r) => (y[node] = m.length === 1 ? 0.5 : r / (m.length - 1))),
    );
  place();
  for (let s = 0; s < sweeps; s++) {
    const down = s % 2 === 0;
    const seq = down
      ? members.map((_, l) => l).slice(1)
      : members
          .map((_, l) => l)
          .reverse()
          .slice(1);
    for (const l of seq) {
      const ref = down ? l - 1 : l + 1;
      const bary = new Map<number, number>();
      for (const v of members[l]) {
        let sum = 0;
        let cnt = 0;
        for (let k = u.rowPtr[v]; k < u.rowPtr[v + 1]; k++) {
          const w = u.colIdx[k];
          if (layer[w] === ref) {
            sum += y[w] * u.weight[k];
            cnt += u.weight[k];
          }
        }
        bary.set(v, cnt > 0 ? sum / cnt : y[v]);
      }
      members[l].sort((a, b) => bary.get(a)! - bary.get(b)! || y[a] - y[b]);
      place();
    }
  }
  const x = Float64Array.from(layer, (l) => (layers.length === 1 ? 0.5 : l / (layers.length - 1)));
  return { x, y, layer, layers };
}

/** Options of {@link forceLayout}. */
export interface ForceLayoutOptions {
  /** Seed of the initial positions, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Iterations (>= 1). Default 300. */
  iterations?: number;
  /** Attraction grows with log(1 + weight) when true (default), else every edge pulls equally. */
  weighted?: boolean;
}

/** Most iterations {@link forceLayout} runs (each is O(n^2); 300 settle a few hundred nodes). */
export const MAX_FORCE_ITERATIONS = 10_000;

/**
 * Force-directed layout (Fruchterman & Reingold 1991) of the undirected graph of `g`: all pairs
 * repel (k^2 / d), edges attract (d^2 / k), with a linearly cooling step limit. O(n^2) per
 * iteration: meant for a few hundred nodes. Output rescaled to [0, 1] on both axes.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const { x, y } = connectome.forceLayout(connectome.synapseGraph(c), { seed: 1, iterations: 200 });
 * ```
 */
export function forceLayout(g: WeightedCsr, opts: ForceLayoutOptions = {}): Layout {
  checkGraph(g, "g");
  const n = g.nPre;
  checkOptions(opts, ["seed", "iterations", "weighted"], "forceLayout options");
  const iterations = checkInteger(opts.iterations ?? 300, "iterations", 1, MAX_FORCE_ITERATIONS);
  const rng = new Rng(opts.seed ?? 0);
  const u = undirected(g);
  const weighted = opts.weighted ?? true;
  const x = Float64Array.from({ length: n }, () => rng.uniform());
  const y = Float64Array.from({ length: n }, () => rng.uniform());
  if (n <= 1) return { x: x.fill(0.5), y: y.fill(0.5) };
  const k = Math.sqrt(1 / n);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let temperature = 0.1;
  const cooling = temperature / (iterations + 1);
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let ddx = x[i] - x[j];
        let ddy = y[i] - y[j];
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 1e-18) {
          ddx = 1e-9 * (i - j);
          ddy = 1e-9;
          d2 = ddx * ddx + ddy * ddy;
        }
        const f = (k * k) / d2;
        dx[i] += ddx * f;
        dy[i] += ddy * f;
        dx[j] -= ddx * f;
        dy[j] -= ddy * f;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let e = u.rowPtr[i]; e < u.rowPtr[i + 1]; e++) {
        const j = u.colIdx[e];
        if (j <= i) continue;
        const ddx = x[i] - x[j];
        const ddy = y[i] - y[j];
        const d = Math.sqrt(ddx * ddx + ddy * ddy);
        const f = (d / k) * (weighted ? Math.log1p(u.weight[e]) : 1);
        dx[i] -= ddx * f;
        dy[i] -= ddy * f;
        dx[j] += ddx * f;
        dy[j] += ddy * f;
      }
    }
    for (let i = 0; i < n; i++) {
      const d = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      if (d > 0) {
        const step = Math.min(d, temperature) / d;
        x[i] += dx[i] * step;
        y[i] += dy[i] * step;
      }
    }
    temperature -= cooling;
  }
  return { x: rescale(x), y: rescale(y) };
}

function rescale(v: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of v) {
    lo = Math.min(lo, a);
    hi = Math.max(hi, a);
  }
  return v.map((a) => (hi > lo ? (a - lo) / (hi - lo) : 0.5));
}
