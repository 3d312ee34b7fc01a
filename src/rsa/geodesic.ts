/**
 * Geodesic RDM transforms of topological RSA (tRSA; Lin & Kriegeskorte, "The topology and geometry
 * of neural representations", PNAS 2024, arXiv:2309.11028): a graph on the conditions keeps only
 * some pairs as edges, and the dissimilarity of two conditions becomes their shortest-path length.
 *
 * Two conventions of the same rules (see src/rsa/README.md, "Geodesic transforms"):
 * - "authors" (default): the authors' code (github.com/doerlbh/TopologicalRSA, `geodesic_transform`)
 *   exactly: the graph is networkx's `from_numpy_array`, so entries of weight 0 are *not* edges;
 *   edge weights are min-max normalised ranks (the GT values for "twoStep"); "pShortest" keeps
 *   edges <= the p-quantile of the weights; "pNearest" uses k = int(p n); "kNearest"/"pNearest"
 *   keep an edge (i, j), i < j, only when j is among the k nearest neighbours of i (asymmetric);
 *   path lengths are re-ranked with scipy's average ranks (1..m).
 * - "neurolab": zero-weight pairs are edges, weights are min-max normalised dissimilarities,
 *   "pShortest" keeps round(p m) shortest edges, "pNearest" ceil(p (n - 1)) neighbours, nearest
 *   neighbours are symmetric (the union), path lengths are re-ranked to [0, 1].
 * "rsatoolbox" is rsatoolbox 0.3.2's `geodesic_transform`.
 */
import { checkInteger, checkNumber, checkProbability } from "../core/checks.js";
import {
  geotopologicalFromNormalised,
  linearQuantile,
  minmaxNormalise,
} from "../schema/geotopology.js";
import { rankdata } from "./ranks.js";
import { checkRdms, nPairs, type Rdms } from "./rdms.js";
import { mapRdms } from "./transform.js";
import { describeValue } from "../core/describe.js";

/** Edge-removal rule of {@link geodesicTransform}. */
export type GeodesicRule =
  | { rule: "twoStep"; lower?: number; upper?: number }
  | { rule: "pShortest"; p: number }
  | { rule: "pNearest"; p: number }
  | { rule: "kNearest"; k: number }
  | { rule: "rsatoolbox" };

/** Options of {@link geodesicTransform} besides the rule. */
export interface GeodesicOptions {
  /** "authors" (default: the tRSA authors' code exactly) or "neurolab" (see the module header). */
  convention?: "authors" | "neurolab";
  /** Re-rank the path lengths (default true; ignored by "rsatoolbox", which never re-ranks). */
  rerank?: boolean;
}

/** The paper's geo-topological-then-geodesic transform with the authors' thresholds (l = 0, u = 0.075): the tRSA default. */
export const TRSA_GEODESIC_DEFAULT = Object.freeze({
  rule: "twoStep",
  lower: 0,
  upper: 0.075,
} as const);

/**
 * Geodesic transform of every RDM of a set: build a graph on the conditions, keep the edges chosen
 * by `rule`, take all-pairs shortest paths (Floyd–Warshall; Infinity when disconnected) and, unless
 * `rerank` is false, rank-transform the path lengths (Infinity ties for the top rank).
 *
 * The default, `{ rule: "twoStep", lower: 0, upper: 0.075 }` with the authors' convention, is the
 * paper's RGDM: GT_{l,u} (rank scale) first, then edges whose GT value is strictly between 0 and 1
 * weigh their GT value.
 * - "pShortest" {p}: edges whose weight is <= the p-quantile of the weights ("neurolab": the
 *   round(p m) shortest).
 * - "pNearest" {p}: k-nearest with k = int(p n) ("neurolab": ceil(p (n - 1))).
 * - "kNearest" {k}: edge (i, j), i < j, kept when j is among i's k nearest neighbours (ties by
 *   index; "neurolab": when either is among the other's).
 * - "rsatoolbox": rsatoolbox 0.3.2: min-max normalise, drop edges of weight 1 and of weight 0,
 *   shortest paths, no re-ranking.
 * NaN dissimilarities are missing edges and stay NaN in the ranks of "authors".
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.calcRdm([[0, 0], [1, 0], [2, 0], [3, 0], [3, 1]]);
 * rsa.geodesicTransform(rdms); // the tRSA paper's default: geo-topological (0, 0.075), then graph geodesics
 * rsa.geodesicTransform(rdms, { rule: "kNearest", k: 2 });
 * ```
 */
export function geodesicTransform(
  rdms: Rdms,
  opts: GeodesicRule & GeodesicOptions = TRSA_GEODESIC_DEFAULT,
): Rdms {
  checkRdms(rdms);
  if (typeof opts !== "object" || opts === null)
    throw new TypeError(
      `geodesicTransform: opts must be an object such as { rule: "twoStep", lower, upper }, got ${describeValue(opts)}`,
    );
  const n = rdms.nConditions;
  const rule = opts.rule;
  const convention = opts.convention ?? "authors";
  if (convention !== "authors" && convention !== "neurolab")
    throw new RangeError(
      `convention must be "authors" or "neurolab", got ${describeValue(convention)}`,
    );
  let lower = 0;
  let upper = 0;
  if (rule === "twoStep") {
    lower = checkProbability(opts.lower ?? TRSA_GEODESIC_DEFAULT.lower, "lower");
    upper = checkNumber(opts.upper ?? TRSA_GEODESIC_DEFAULT.upper, "upper", { min: lower, max: 1 });
  } else if (rule === "pShortest" || rule === "pNearest") checkProbability(opts.p, "p");
  else if (rule === "kNearest") checkInteger(opts.k, "k", 0, n - 1);
  else if (rule !== "rsatoolbox")
    throw new RangeError(
      `rule must be "twoStep", "pShortest", "pNearest", "kNearest" or "rsatoolbox", got ${describeValue(rule)}`,
    );
  const rerank = rule !== "rsatoolbox" && (opts.rerank ?? true);
  const authors = convention === "authors";
  return mapRdms(rdms, `geodesic transformed ${rdms.measure}`.trim(), (v) => {
    let weights: Float64Array;
    let keep: Uint8Array;
    if (opts.rule === "rsatoolbox") {
      weights = minmaxNormalise(v);
      keep = Uint8Array.from(weights, (w) => (Number.isNaN(w) || w === 1 || w === 0 ? 0 : 1));
    } else if (opts.rule === "twoStep") {
      const gt = geotopologicalFromNormalised(minmaxNormalise(rankdata(v)), lower, upper);
      weights = authors ? minmaxNormalise(gt) : gt;
      keep = Uint8Array.from(weights, (w) =>
        Number.isNaN(w) || w === 1 || (authors && w === 0) ? 0 : 1,
      );
    } else if (authors) {
      weights = minmaxNormalise(rankdata(v));
      if (opts.rule === "pShortest") {
        const threshold = linearQuantile(weights, opts.p);
        keep = Uint8Array.from(weights, (w) => (w !== 0 && w <= threshold ? 1 : 0)); // NaN compares false
      } else {
        const k = opts.rule === "kNearest" ? opts.k : Math.trunc(opts.p * n);
        keep = firstEndpointNearest(weights, n, k);
      }
    } else {
      weights = minmaxNormalise(v);
      if (opts.rule === "pShortest") keep = shortestFraction(v, opts.p);
      else
        keep = nearestNeighbourUnion(
          v,
          n,
          opts.rule === "kNearest" ? opts.k : Math.ceil(opts.p * (n - 1)),
        );
    }
    const paths = floydWarshall(weights, keep, n);
    if (!rerank) return paths;
    return authors ? rankdata(paths) : minmaxNormalise(rankdata(paths));
  });
}

/** Condensed index of the pair (i, j), i != j. */
function pairOf(n: number, i: number, j: number): number {
  return i < j ? n * i - (i * (i + 1)) / 2 + j - i - 1 : n * j - (j * (j + 1)) / 2 + i - j - 1;
}

/** Neighbours of i with an edge (non-zero, non-NaN weight when `zeroIsEdge` is false), nearest first, ties by index. */
function neighbours(
  w: Float64Array,
  n: number,
  i: number,
  zeroIsEdge: boolean,
): { j: number; pair: number }[] {
  const out: { j: number; pair: number }[] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const pair = pairOf(n, i, j);
    const x = w[pair];
    if (!Number.isNaN(x) && (zeroIsEdge || x !== 0)) out.push({ j, pair });
  }
  return out.sort((a, b) => w[a.pair] - w[b.pair] || a.j - b.j);
}

/** The authors' k-nearest rule: edge (i, j), i < j, kept iff j is among the k nearest neighbours of i. */
function firstEndpointNearest(w: Float64Array, n: number, k: number): Uint8Array {
  const keep = new Uint8Array(w.length);
  for (let i = 0; i < n; i++) {
    const near = neighbours(w, n, i, false);
    for (let t = 0; t < Math.min(k, near.length); t++) if (near[t].j > i) keep[near[t].pair] = 1;
  }
  return keep;
}

/** Symmetric k-nearest: an edge is kept when either end is among the other's k nearest (ties by condensed order). */
function nearestNeighbourUnion(v: Float64Array, n: number, k: number): Uint8Array {
  const keep = new Uint8Array(v.length);
  for (let i = 0; i < n; i++) {
    const near = neighbours(v, n, i, true).sort((a, b) => v[a.pair] - v[b.pair] || a.pair - b.pair);
    for (let t = 0; t < Math.min(k, near.length); t++) keep[near[t].pair] = 1;
  }
  return keep;
}

/** The round(p m) smallest non-NaN entries (ties by condensed order). */
function shortestFraction(v: Float64Array, p: number): Uint8Array {
  const idx = Array.from(v.keys()).filter((k) => !Number.isNaN(v[k]));
  idx.sort((a, b) => v[a] - v[b] || a - b);
  const keep = new Uint8Array(v.length);
  const count = Math.round(p * idx.length);
  for (let k = 0; k < count; k++) keep[idx[k]] = 1;
  return keep;
}

/**
 * All-pairs shortest path lengths (condensed) over the kept edges; Infinity when disconnected.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * // condensed pairs (0,1), (0,2), (1,2): a path graph 0 - 1 - 2; the pair (0, 2) is not an edge
 * const w = new Float64Array([1, 9, 1]);
 * const keep = new Uint8Array([1, 0, 1]);
 * rsa.floydWarshall(w, keep, 3); // [1, 2, 1]
 * ```
 */
export function floydWarshall(weights: Float64Array, keep: Uint8Array, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`n (conditions) must be an integer >= 0, got ${n}`);
  if (weights.length !== nPairs(n) || keep.length !== nPairs(n))
    throw new RangeError(
      `weights and keep must be condensed over n = ${n} conditions (length ${nPairs(n)}), got ${weights.length} and ${keep.length}`,
    );
  const d = new Float64Array(n * n).fill(Infinity);
  let k = 0;
  for (let i = 0; i < n; i++) {
    d[i * n + i] = 0;
    for (let j = i + 1; j < n; j++, k++) if (keep[k]) d[i * n + j] = d[j * n + i] = weights[k];
  }
  for (let m = 0; m < n; m++) {
    const rowM = m * n;
    for (let i = 0; i < n; i++) {
      const dim = d[i * n + m];
      if (dim === Infinity) continue;
      const rowI = i * n;
      for (let j = 0; j < n; j++) {
        const alt = dim + d[rowM + j];
        if (alt < d[rowI + j]) d[rowI + j] = alt;
      }
    }
  }
  const out = new Float64Array(nPairs(n));
  k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = d[i * n + j];
  return out;
}
