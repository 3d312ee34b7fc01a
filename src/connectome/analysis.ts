/**
 * Graph analyses on a directed weighted CSR (`WeightedCsr`, e.g. `connectome.chemical` or
 * `synapseGraph(c, "both")`): degree and strength, reciprocity, shortest paths (hop and
 * weighted), betweenness, rich-club coefficient, triad (3-node motif) census against a
 * degree-preserving null, and Louvain communities. All functions are pure; randomised ones take
 * a seed.
 *
 * Conventions: weights are synapse counts (strengths). Weighted path lengths use
 * length = 1 / weight by default (more synapses = shorter), or the weight itself.
 */
import { checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import { checkGraph, csrFromEntries, type WeightedCsr } from "./connectome.js";
import { checkAllocation, checkBoolean, checkNumberArray, checkOptions } from "../core/validate.js";
import { describeValue } from "../core/describe.js";

/** In/out degree (number of partners per direction) and strength (sum of weights). */
export interface DegreeStats {
  readonly inDegree: Int32Array;
  readonly outDegree: Int32Array;
  readonly inStrength: Float64Array;
  readonly outStrength: Float64Array;
}

/**
 * Degrees and strengths of every node (a self loop counts once in each direction).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(3, [0, 0, 1], [1, 2, 2], [5, 1, 2]); // 0->1 (5), 0->2 (1), 1->2 (2)
 * connectome.degreeStats(g); // inDegree [0, 1, 2], outStrength [6, 2, 0], ...
 * ```
 */
export function degreeStats(g: WeightedCsr): DegreeStats {
  checkGraph(g, "g");
  const n = g.nPre;
  const inDegree = new Int32Array(n);
  const outDegree = new Int32Array(n);
  const inStrength = new Float64Array(n);
  const outStrength = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      outDegree[i]++;
      inDegree[j]++;
      outStrength[i] += g.weight[k];
      inStrength[j] += g.weight[k];
    }
  }
  return { inDegree, outDegree, inStrength, outStrength };
}

/** A distribution of values: sorted distinct values and how often each occurs. */
export interface Distribution {
  readonly values: Float64Array;
  readonly counts: Int32Array;
}

/**
 * Distribution (histogram over distinct values) of e.g. degrees or strengths.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.distribution([1, 3, 1, 2, 1]); // values [1, 2, 3], counts [3, 1, 1]
 * ```
 */
export function distribution(values: ArrayLike<number>): Distribution {
  checkNumberArray(values, "values");
  const sorted = Float64Array.from(values).sort();
  const vs: number[] = [];
  const cs: number[] = [];
  for (const v of sorted) {
    if (vs.length > 0 && vs[vs.length - 1] === v) cs[cs.length - 1]++;
    else {
      vs.push(v);
      cs.push(1);
    }
  }
  return { values: Float64Array.from(vs), counts: Int32Array.from(cs) };
}

/**
 * Reciprocity: fraction of directed edges i -> j (i != j) whose reverse j -> i also exists.
 * Self loops are ignored. NaN for a graph without edges.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(3, [0, 1, 1], [1, 0, 2], [1, 1, 1]);
 * connectome.reciprocity(g); // 2/3 of the edges have a reverse edge
 * ```
 */
export function reciprocity(g: WeightedCsr): number {
  checkGraph(g, "g");
  let edges = 0;
  let reciprocated = 0;
  for (let i = 0; i < g.nPre; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (j === i) continue;
      edges++;
      if (hasEdge(g, j, i)) reciprocated++;
    }
  }
  return edges === 0 ? NaN : reciprocated / edges;
}

/**
 * Whether the CSR has an entry (i, j) (columns are sorted: binary search).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(2, [0], [1], [3]);
 * [connectome.hasEdge(g, 0, 1), connectome.hasEdge(g, 1, 0)]; // [true, false]
 * ```
 */
export function hasEdge(g: WeightedCsr, i: number, j: number): boolean {
  checkGraph(g, "g");
  let lo = g.rowPtr[i];
  let hi = g.rowPtr[i + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = g.colIdx[mid];
    if (c === j) return true;
    if (c < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Options of the weighted path functions. */
export interface PathOptions {
  /** Use weights (default true for weighted functions); false = hop counts. */
  weighted?: boolean;
  /** Edge length from weight: "inverse" (1 / weight, default) or "weight". */
  length?: "inverse" | "weight";
}

/**
 * Hop distance from `source` to every node along edge direction (-1 when unreachable).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(3, [0, 1], [1, 2], [1, 1]);
 * connectome.hopDistances(g, 0); // [0, 1, 2]; -1 where unreachable
 * ```
 */
export function hopDistances(g: WeightedCsr, source: number): Int32Array {
  checkGraph(g, "g");
  checkInteger(source, "source", 0, g.nPre - 1);
  const dist = new Int32Array(g.nPre).fill(-1);
  const queue = new Int32Array(g.nPre);
  let head = 0;
  let tail = 0;
  dist[source] = 0;
  queue[tail++] = source;
  while (head < tail) {
    const v = queue[head++];
    for (let k = g.rowPtr[v]; k < g.rowPtr[v + 1]; k++) {
      const w = g.colIdx[k];
      if (dist[w] < 0) {
        dist[w] = dist[v] + 1;
        queue[tail++] = w;
      }
    }
  }
  return dist;
}

/** Shortest-path tree: distances (Infinity when unreachable) and predecessors (-1 at roots). */
export interface ShortestPaths {
  readonly distance: Float64Array;
  readonly predecessor: Int32Array;
}

/**
 * Shortest paths from `source` (Dijkstra; lengths from weights, or 1 per edge when `weighted` is false).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(3, [0, 0, 1], [1, 2, 2], [1, 1, 10]);
 * connectome.shortestPathTree(g, 0, { weighted: true }).distance; // lengths 1/weight: strong synapses are short
 * ```
 */
export function shortestPathTree(
  g: WeightedCsr,
  source: number,
  opts: PathOptions = {},
): ShortestPaths {
  checkGraph(g, "g");
  checkInteger(source, "source", 0, g.nPre - 1);
  checkOptions(opts, PATH_OPTION_KEYS, "path options");
  const lengths = edgeLengths(g, opts.weighted === false ? "hops" : opts.length);
  const distance = new Float64Array(g.nPre).fill(Infinity);
  const predecessor = new Int32Array(g.nPre).fill(-1);
  const heap = new MinHeap(g.colIdx.length + 1);
  distance[source] = 0;
  heap.push(0, source);
  while (heap.size > 0) {
    const d = heap.topKey();
    const v = heap.pop();
    if (d > distance[v]) continue;
    for (let k = g.rowPtr[v]; k < g.rowPtr[v + 1]; k++) {
      const w = g.colIdx[k];
      const nd = d + lengths[k];
      if (nd < distance[w]) {
        distance[w] = nd;
        predecessor[w] = v;
        heap.push(nd, w);
      }
    }
  }
  return { distance, predecessor };
}

/**
 * One shortest path from `from` to `to` as node indices (empty when unreachable): by hops when
 * `weighted` is false (default true).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const path = connectome.shortestPath(connectome.synapseGraph(c), connectome.cellIndex(c, "ASHL"), connectome.cellIndex(c, "AVAL"));
 * path.map((i) => c.cells[i].name); // ["ASHL", "AVAL"]: a direct synapse
 * ```
 */
export function shortestPath(
  g: WeightedCsr,
  from: number,
  to: number,
  opts: PathOptions = {},
): number[] {
  checkGraph(g, "g");
  checkInteger(from, "from", 0, g.nPre - 1);
  checkInteger(to, "to", 0, g.nPre - 1);
  const tree = shortestPathTree(g, from, opts);
  if (!Number.isFinite(tree.distance[to])) return [];
  const path = [to];
  for (let v = to; v !== from; v = tree.predecessor[v]) path.push(tree.predecessor[v]);
  return path.reverse();
}

/**
 * All-pairs distances, row-major n x n (Infinity when unreachable): hops or weighted.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(3, [0, 1], [1, 2], [1, 1]);
 * connectome.distanceMatrix(g); // 3 x 3 hop counts, Infinity where unreachable
 * ```
 */
export function distanceMatrix(g: WeightedCsr, opts: PathOptions = {}): Float64Array {
  checkGraph(g, "g");
  checkOptions(opts, PATH_OPTION_KEYS, "path options");
  const n = g.nPre;
  const out = new Float64Array(checkAllocation(n * n, 8, `distanceMatrix: ${n} x ${n} nodes`));
  for (let s = 0; s < n; s++) {
    if (opts.weighted === false) {
      const d = hopDistances(g, s);
      for (let t = 0; t < n; t++) out[s * n + t] = d[t] < 0 ? Infinity : d[t];
    } else {
      out.set(shortestPathTree(g, s, opts).distance, s * n);
    }
  }
  return out;
}

const PATH_OPTION_KEYS = ["weighted", "length"];

/** Options of {@link betweenness}. */
export interface BetweennessOptions extends PathOptions {
  /** Divide by (n - 1)(n - 2), the number of ordered pairs excluding the node (default true). */
  normalized?: boolean;
}

/**
 * Betweenness centrality of every node on directed shortest paths (Brandes 2001): hop paths
 * when `weighted` is false, else weighted lengths (default weighted, length 1 / weight).
 * Matches networkx's `betweenness_centrality` (with `weight` set to the length).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const b = connectome.betweenness(connectome.synapseGraph(c), { normalized: true });
 * c.cells[b.indexOf(Math.max(...b))].name; // the most central neuron
 * ```
 */
export function betweenness(g: WeightedCsr, opts: BetweennessOptions = {}): Float64Array {
  checkGraph(g, "g");
  checkOptions(opts, [...PATH_OPTION_KEYS, "normalized"], "betweenness options");
  const n = g.nPre;
  const weighted = checkBoolean(opts.weighted, "weighted", true);
  const lengths = weighted ? edgeLengths(g, opts.length) : null;
  const cb = new Float64Array(n);
  const sigma = new Float64Array(n);
  const dist = new Float64Array(n);
  const delta = new Float64Array(n);
  const order = new Int32Array(n);
  // predecessors of each node, stored in the slots of its incoming edges
  const predCount = new Int32Array(n);
  const predOf = new Int32Array(g.colIdx.length + n);
  const inStart = new Int32Array(n + 1);
  for (let k = 0; k < g.colIdx.length; k++) inStart[g.colIdx[k] + 1]++;
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i];
  const heap = new MinHeap(g.colIdx.length + 1);
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    sigma.fill(0);
    dist.fill(Infinity);
    predCount.fill(0);
    sigma[s] = 1;
    dist[s] = 0;
    let settled = 0;
    if (!lengths) {
      let head = 0;
      let tail = 0;
      queue[tail++] = s;
      while (head < tail) {
        const v = queue[head++];
        order[settled++] = v;
        for (let k = g.rowPtr[v]; k < g.rowPtr[v + 1]; k++) {
          const w = g.colIdx[k];
          if (w === v) continue;
          if (dist[w] === Infinity) {
            dist[w] = dist[v] + 1;
            queue[tail++] = w;
          }
          if (dist[w] === dist[v] + 1) {
            sigma[w] += sigma[v];
            predOf[inStart[w] + predCount[w]++] = v;
          }
        }
      }
    } else {
      const done = new Uint8Array(n);
      heap.push(0, s);
      while (heap.size > 0) {
        const d = heap.topKey();
        const v = heap.pop();
        if (done[v] || d > dist[v]) continue;
        done[v] = 1;
        order[settled++] = v;
        for (let k = g.rowPtr[v]; k < g.rowPtr[v + 1]; k++) {
          const w = g.colIdx[k];
          if (w === v) continue;
          const nd = d + lengths[k];
          if (nd < dist[w] - 1e-12 * Math.max(1, nd)) {
            dist[w] = nd;
            sigma[w] = sigma[v];
            predCount[w] = 0;
            predOf[inStart[w] + predCount[w]++] = v;
            heap.push(nd, w);
          } else if (Math.abs(nd - dist[w]) <= 1e-12 * Math.max(1, nd) && !done[w]) {
            sigma[w] += sigma[v];
            predOf[inStart[w] + predCount[w]++] = v;
          }
        }
      }
    }
    delta.fill(0);
    for (let t = settled - 1; t >= 0; t--) {
      const w = order[t];
      for (let p = 0; p < predCount[w]; p++) {
        const v = predOf[inStart[w] + p];
        delta[v] += (sigma[v] / sigma[w]) * (1 + delta[w]);
      }
      if (w !== s) cb[w] += delta[w];
    }
  }
  if ((opts.normalized ?? true) && n > 2) {
    const scale = 1 / ((n - 1) * (n - 2));
    for (let i = 0; i < n; i++) cb[i] *= scale;
  }
  return cb;
}

/**
 * The undirected simple graph of `g`: an edge {i, j} (i != j) where i -> j or j -> i exists,
 * weight = sum of both directions. Stored symmetric.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(2, [0], [1], [3]);
 * connectome.undirected(g); // 0 - 1 both ways
 * ```
 */
export function undirected(g: WeightedCsr): WeightedCsr {
  checkGraph(g, "g");
  return bothDirections(g, false);
}

/**
 * Rich-club coefficient phi(k) = 2 E_k / (N_k (N_k - 1)) of the undirected simple graph of `g`,
 * where N_k nodes have degree > k and E_k edges join them; entry k for k = 0, 1, ... while
 * N_k > 1 (as networkx's `rich_club_coefficient(normalized=False)`).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * connectome.richClub(connectome.synapseGraph(c)); // phi(k) for every degree k
 * ```
 */
export function richClub(g: WeightedCsr): Float64Array {
  checkGraph(g, "g");
  const u = undirected(g);
  const n = u.nPre;
  const deg = new Int32Array(n);
  for (let i = 0; i < n; i++) deg[i] = u.rowPtr[i + 1] - u.rowPtr[i];
  const out: number[] = [];
  for (let k = 0; ; k++) {
    let nk = 0;
    for (let i = 0; i < n; i++) if (deg[i] > k) nk++;
    if (nk <= 1) break;
    let ek = 0;
    for (let i = 0; i < n; i++) {
      if (deg[i] <= k) continue;
      for (let p = u.rowPtr[i]; p < u.rowPtr[i + 1]; p++)
        if (u.colIdx[p] > i && deg[u.colIdx[p]] > k) ek++;
    }
    out.push((2 * ek) / (nk * (nk - 1)));
  }
  return Float64Array.from(out);
}

/** Options of the degree-preserving null models. */
export interface NullModelOptions {
  /** Seed of the randomisation, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Number of randomised graphs (>= 1). Default 20. */
  samples?: number;
  /** Attempted edge swaps per edge in each randomised graph (> 0). Default 10. */
  swapsPerEdge?: number;
  /**
   * Motif null only: also keep every node's number of reciprocated (mutual) dyads, by swapping
   * mutual pairs among themselves and one-way edges among themselves (Milo et al. 2002).
   * Default false (in/out degrees only).
   */
  preserveMutual?: boolean;
}

/**
 * Rich-club coefficient normalised by its mean over degree-preserving randomisations of the
 * undirected graph (double edge swaps, Maslov & Sneppen 2002): rho(k) = phi(k) / <phi_rand(k)>.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const { rho } = connectome.richClubNormalized(connectome.synapseGraph(c), { samples: 5, seed: 1 });
 * ```
 */
export function richClubNormalized(
  g: WeightedCsr,
  opts: NullModelOptions = {},
): { phi: Float64Array; phiRandom: Float64Array; rho: Float64Array } {
  checkGraph(g, "g");
  const { rng, samples, swapsPerEdge } = nullParams(opts);
  const phi = richClub(g);
  const u = undirected(g);
  const sum = new Float64Array(phi.length);
  for (let s = 0; s < samples; s++) {
    const r = richClub(swapUndirected(u, swapsPerEdge, rng));
    for (let k = 0; k < phi.length; k++) sum[k] += r[k] ?? 0;
  }
  const phiRandom = sum.map((x) => x / samples);
  return { phi, phiRandom, rho: phi.map((x, k) => x / phiRandom[k]) };
}

/** The 16 triad types in the order of {@link triadCensus} (Holland & Leinhardt MAN codes). */
export const TRIAD_TYPES = [
  "003",
  "012",
  "102",
  "021D",
  "021U",
  "021C",
  "111D",
  "111U",
  "030T",
  "030C",
  "201",
  "120D",
  "120U",
  "120C",
  "210",
  "300",
] as const;

// Batagelj & Mrvar (2001): 6-bit code of a triad -> triad type index (1-based).
const TRICODES = Int8Array.from([
  1, 2, 2, 3, 2, 4, 6, 8, 2, 6, 5, 7, 3, 8, 7, 11, 2, 6, 4, 8, 5, 9, 9, 13, 6, 10, 9, 14, 7, 14, 12,
  15, 2, 5, 6, 7, 6, 9, 10, 14, 4, 9, 9, 12, 8, 13, 14, 15, 3, 7, 8, 11, 7, 12, 14, 15, 8, 14, 13,
  15, 11, 15, 15, 16,
]);

/**
 * Triad census of the directed graph (self loops ignored): how many node triples form each of
 * the 16 triad types of {@link TRIAD_TYPES}; the 13 connected types are the 3-node motifs.
 * Batagelj & Mrvar's O(m * max degree) algorithm, as networkx's `triadic_census`.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(3, [0, 1, 2], [1, 2, 0], [1, 1, 1]);
 * connectome.triadCensus(g); // counts in TRIAD_TYPES order: one "030C" (a cycle)
 * ```
 */
export function triadCensus(g: WeightedCsr): Float64Array {
  checkGraph(g, "g");
  const n = g.nPre;
  // dyad[i * n + j]: bit 1 = edge i -> j, bit 2 = edge j -> i (self loops ignored)
  const dyad = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (j === i) continue;
      dyad[i * n + j] |= 1;
      dyad[j * n + i] |= 2;
    }
  }
  // undirected neighbour lists
  const nbrPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if (dyad[i * n + j]) c++;
    nbrPtr[i + 1] = nbrPtr[i] + c;
  }
  const nbr = new Int32Array(nbrPtr[n]);
  for (let i = 0, p = 0; i < n; i++) for (let j = 0; j < n; j++) if (dyad[i * n + j]) nbr[p++] = j;
  const census = new Float64Array(16);
  const mark = new Int32Array(n).fill(-1);
  const union = new Int32Array(n);
  let stamp = 0;
  for (let v = 0; v < n; v++) {
    for (let a = nbrPtr[v]; a < nbrPtr[v + 1]; a++) {
      const u = nbr[a];
      if (u <= v) continue;
      stamp++;
      mark[u] = stamp;
      mark[v] = stamp;
      let size = 0;
      for (let b = nbrPtr[v]; b < nbrPtr[v + 1]; b++) {
        const w = nbr[b];
        if (mark[w] !== stamp) {
          mark[w] = stamp;
          union[size++] = w;
        }
      }
      for (let b = nbrPtr[u]; b < nbrPtr[u + 1]; b++) {
        const w = nbr[b];
        if (mark[w] !== stamp) {
          mark[w] = stamp;
          union[size++] = w;
        }
      }
      const vu = dyad[v * n + u];
      for (let q = 0; q < size; q++) {
        const w = union[q];
        if (u < w || (v < w && w < u && dyad[v * n + w] === 0)) {
          const vw = dyad[v * n + w];
          const uw = dyad[u * n + w];
          // Batagelj-Mrvar code: v->u 1, u->v 2, v->w 4, w->v 8, u->w 16, w->u 32
          const code =
            (vu & 1) |
            (vu & 2) |
            ((vw & 1) << 2) |
            ((vw & 2) << 2) |
            ((uw & 1) << 4) |
            ((uw & 2) << 4);
          census[TRICODES[code] - 1]++;
        }
      }
      const dyadic = n - size - 2;
      if (vu === 3) census[2] += dyadic;
      else census[1] += dyadic;
    }
  }
  const total = (n * (n - 1) * (n - 2)) / 6;
  census[0] = total - census.reduce((s, x) => s + x, 0);
  return census;
}

/** A motif census compared with a degree-preserving null model. */
export interface MotifCensus {
  /** Triad types, as {@link TRIAD_TYPES}. */
  readonly types: readonly string[];
  readonly counts: Float64Array;
  /** Mean and standard deviation of the counts over the randomised graphs. */
  readonly nullMean: Float64Array;
  readonly nullStd: Float64Array;
  /** (count - nullMean) / nullStd (NaN when the null has no spread). */
  readonly z: Float64Array;
}

/**
 * 3-node motif (triad) census against a null model preserving every node's in- and out-degree
 * (directed edge swaps a->b, c->d => a->d, c->b that create no self loop or duplicate edge),
 * and optionally every node's mutual dyads (`preserveMutual`).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const census = connectome.motifCensus(connectome.synapseGraph(c, "chemical"), { samples: 5, seed: 1 });
 * census.types; census.z; // z-scores against a degree-preserving null
 * ```
 */
export function motifCensus(g: WeightedCsr, opts: NullModelOptions = {}): MotifCensus {
  checkGraph(g, "g");
  const { rng, samples, swapsPerEdge } = nullParams(opts);
  const counts = triadCensus(g);
  const sum = new Float64Array(16);
  const sumSq = new Float64Array(16);
  for (let s = 0; s < samples; s++) {
    const c = triadCensus(
      opts.preserveMutual
        ? swapDirectedKeepMutual(g, swapsPerEdge, rng)
        : swapDirected(g, swapsPerEdge, rng),
    );
    for (let t = 0; t < 16; t++) {
      sum[t] += c[t];
      sumSq[t] += c[t] * c[t];
    }
  }
  const nullMean = sum.map((x) => x / samples);
  const nullStd = sumSq.map((x, t) => Math.sqrt(Math.max(0, x / samples - nullMean[t] ** 2)));
  const z = counts.map((c, t) => (nullStd[t] > 0 ? (c - nullMean[t]) / nullStd[t] : NaN));
  return { types: TRIAD_TYPES, counts, nullMean, nullStd, z };
}

/**
 * A directed degree-preserving randomisation of `g` (binary; self loops dropped): each of
 * `swapsPerEdge * m` attempts picks two edges and exchanges their targets when allowed.
 * Uses an n x n presence matrix (n^2 bytes).
 *
 * @example
 * ```ts
 * import { Rng, connectome } from "neurolab";
 * const g = connectome.csrFromEntries(4, [0, 1, 2, 3], [1, 2, 3, 0], [1, 1, 1, 1]);
 * connectome.swapDirected(g, 10, new Rng(1)); // same in- and out-degrees, rewired
 * ```
 */
export function swapDirected(g: WeightedCsr, swapsPerEdge: number, rng: Rng): WeightedCsr {
  checkGraph(g, "g");
  const n = g.nPre;
  const present = new Uint8Array(n * n);
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      if (g.colIdx[k] === i) continue;
      src.push(i);
      dst.push(g.colIdx[k]);
      present[i * n + g.colIdx[k]] = 1;
    }
  }
  const m = src.length;
  if (m >= 2) {
    const attempts = Math.round(swapsPerEdge * m);
    for (let t = 0; t < attempts; t++) {
      const e = Math.floor(rng.uniform() * m); // = rng.int(m), without the per-call argument check
      const f = Math.floor(rng.uniform() * m);
      const a = src[e],
        b = dst[e],
        c = src[f],
        d = dst[f];
      if (e === f || a === d || c === b || present[a * n + d] || present[c * n + b]) continue;
      present[a * n + b] = 0;
      present[c * n + d] = 0;
      present[a * n + d] = 1;
      present[c * n + b] = 1;
      dst[e] = d;
      dst[f] = b;
    }
  }
  return binaryCsr(n, present);
}

/**
 * A directed randomisation of `g` (binary; self loops dropped) that keeps every node's in- and
 * out-degree and its number of mutual dyads: one-way edges a->b, c->d become a->d, c->b, and
 * mutual pairs a<->b, c<->d become a<->d, c<->b, only where the new pairs are unconnected.
 *
 * @example
 * ```ts
 * import { Rng, connectome } from "neurolab";
 * const g = connectome.csrFromEntries(4, [0, 1, 2, 3], [1, 0, 3, 2], [1, 1, 1, 1]);
 * connectome.swapDirectedKeepMutual(g, 10, new Rng(1)); // also keeps the number of reciprocal pairs
 * ```
 */
export function swapDirectedKeepMutual(
  g: WeightedCsr,
  swapsPerEdge: number,
  rng: Rng,
): WeightedCsr {
  checkGraph(g, "g");
  const n = g.nPre;
  const present = new Uint8Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++)
      if (g.colIdx[k] !== i) present[i * n + g.colIdx[k]] = 1;
  const oneSrc: number[] = [];
  const oneDst: number[] = [];
  const mutA: number[] = [];
  const mutB: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (!present[i * n + j]) continue;
      if (!present[j * n + i]) {
        oneSrc.push(i);
        oneDst.push(j);
      } else if (i < j) {
        mutA.push(i);
        mutB.push(j);
      }
    }
  }
  const free = (x: number, y: number) => x !== y && !present[x * n + y] && !present[y * n + x];
  const swapLists = (src: number[], dst: number[], mutual: boolean) => {
    const m = src.length;
    if (m < 2) return;
    const attempts = Math.round(swapsPerEdge * m);
    for (let t = 0; t < attempts; t++) {
      const e = Math.floor(rng.uniform() * m);
      const f = Math.floor(rng.uniform() * m);
      if (mutual && rng.uniform() < 0.5) {
        // a mutual pair has no direction: take either end as its "source"
        [src[f], dst[f]] = [dst[f], src[f]];
      }
      swapPair(e, f, src[e], dst[e], src[f], dst[f]);
    }
    function swapPair(e: number, f: number, a: number, b: number, c: number, d: number): void {
      if (e === f || a === c || b === d || !free(a, d) || !free(c, b)) return;
      present[a * n + b] = present[c * n + d] = 0;
      present[a * n + d] = present[c * n + b] = 1;
      if (mutual) {
        present[b * n + a] = present[d * n + c] = 0;
        present[d * n + a] = present[b * n + c] = 1;
      }
      dst[e] = d;
      dst[f] = b;
    }
  };
  swapLists(oneSrc, oneDst, false);
  swapLists(mutA, mutB, true);
  return binaryCsr(n, present);
}

/**
 * An undirected degree-preserving randomisation (double edge swaps) of a symmetric simple graph.
 *
 * @example
 * ```ts
 * import { Rng, connectome } from "neurolab";
 * const u = connectome.undirected(connectome.csrFromEntries(4, [0, 2], [1, 3], [1, 1]));
 * connectome.swapUndirected(u, 10, new Rng(1));
 * ```
 */
export function swapUndirected(u: WeightedCsr, swapsPerEdge: number, rng: Rng): WeightedCsr {
  checkGraph(u, "u");
  const n = u.nPre;
  const present = new Uint8Array(n * n);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = u.rowPtr[i]; k < u.rowPtr[i + 1]; k++) {
      const j = u.colIdx[k];
      if (j <= i) continue;
      a.push(i);
      b.push(j);
      present[i * n + j] = 1;
      present[j * n + i] = 1;
    }
  }
  const m = a.length;
  if (m >= 2) {
    const attempts = Math.round(swapsPerEdge * m);
    for (let t = 0; t < attempts; t++) {
      const e = Math.floor(rng.uniform() * m); // = rng.int(m), without the per-call argument check
      const f = Math.floor(rng.uniform() * m);
      if (e === f) continue;
      // {p, q}, {r, s} -> {p, s}, {r, q}, with the second edge's ends in random order
      const p = a[e],
        q = b[e];
      let r = a[f],
        s = b[f];
      if (rng.uniform() < 0.5) [r, s] = [s, r];
      if (p === s || r === q || p === r || q === s || present[p * n + s] || present[r * n + q])
        continue;
      present[p * n + q] = present[q * n + p] = 0;
      present[r * n + s] = present[s * n + r] = 0;
      present[p * n + s] = present[s * n + p] = 1;
      present[r * n + q] = present[q * n + r] = 1;
      a[e] = p;
      b[e] = s;
      a[f] = r;
      b[f] = q;
    }
  }
  return binaryCsr(n, present);
}

/** A CSR with weight 1 at every nonzero of a dense n x n 0/1 matrix. */
function binaryCsr(n: number, present: Uint8Array): WeightedCsr {
  const rowPtr = new Int32Array(n + 1);
  let nnz = 0;
  for (let k = 0; k < present.length; k++) nnz += present[k];
  const colIdx = new Int32Array(nnz);
  for (let i = 0, p = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (present[i * n + j]) colIdx[p++] = j;
    rowPtr[i + 1] = p;
  }
  return { nPre: n, nPost: n, rowPtr, colIdx, weight: new Float64Array(nnz).fill(1) };
}

/** Options of {@link louvain}. */
export interface LouvainOptions {
  /** Seed of the node visiting order, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Resolution gamma (> 0); larger gives smaller communities. Default 1. */
  resolution?: number;
}

/** Communities and their modularity. */
export interface Communities {
  /** Community of each node, 0..count-1, numbered by first appearance. */
  readonly community: Int32Array;
  readonly count: number;
  /** Modularity Q of the partition on the symmetrised graph. */
  readonly modularity: number;
}

/**
 * Louvain community detection (Blondel et al. 2008) on the symmetrised weighted graph
 * W + W^T: local moving in a seeded random order, then aggregation, until no move improves
 * modularity.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const { community, count, modularity } = connectome.louvain(connectome.synapseGraph(c), { seed: 1 });
 * ```
 */
export function louvain(g: WeightedCsr, opts: LouvainOptions = {}): Communities {
  checkGraph(g, "g");
  checkOptions(opts, ["seed", "resolution"], "louvain options");
  const rng = new Rng(opts.seed ?? 0);
  const gamma = checkPositive(opts.resolution ?? 1, "resolution");
  const sym = symmetrised(g);
  let level = sym;
  let membership = Int32Array.from({ length: g.nPre }, (_, i) => i);
  for (;;) {
    const { community, moved } = localMoving(level, gamma, rng);
    if (!moved) break;
    const relabelled = relabel(community);
    membership = membership.map((c) => relabelled.labels[c]);
    level = aggregate(level, relabelled.labels, relabelled.count);
  }
  const final = relabel(membership);
  return {
    community: final.labels,
    count: final.count,
    modularity: modularity(g, final.labels, gamma),
  };
}

/**
 * Modularity Q = sum_c [ L_c / m - gamma (d_c / 2m)^2 ] of a partition of the symmetrised
 * graph W + W^T (self loops counted once in L_c).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromEntries(4, [0, 1, 2, 3], [1, 0, 3, 2], [1, 1, 1, 1]); // two disjoint pairs
 * connectome.modularity(g, [0, 0, 1, 1]); // 0.5
 * ```
 */
export function modularity(g: WeightedCsr, community: ArrayLike<number>, resolution = 1): number {
  checkGraph(g, "g");
  checkNumberArray(community, "community", { length: g.nPre, integer: true });
  checkNumber(resolution, "resolution", { min: 0 });
  const sym = symmetrised(g);
  const n = sym.nPre;
  let twoM = 0;
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = sym.rowPtr[i]; k < sym.rowPtr[i + 1]; k++) degree[i] += sym.weight[k];
  for (let i = 0; i < n; i++) twoM += degree[i];
  if (twoM === 0) return NaN;
  let internal = 0;
  const dc = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    dc.set(community[i], (dc.get(community[i]) ?? 0) + degree[i]);
    for (let k = sym.rowPtr[i]; k < sym.rowPtr[i + 1]; k++)
      if (community[sym.colIdx[k]] === community[i]) internal += sym.weight[k];
  }
  let expected = 0;
  for (const d of dc.values()) expected += (d / twoM) ** 2;
  return internal / twoM - resolution * expected;
}

// ---- helpers ----

/** Most null-model samples a randomised analysis draws (each costs a full randomisation and census). */
export const MAX_NULL_SAMPLES = 10_000;

/** Most edge swaps per edge in one randomisation (mixing is complete long before 100). */
export const MAX_SWAPS_PER_EDGE = 1000;

function nullParams(opts: NullModelOptions) {
  checkOptions(opts, ["seed", "samples", "swapsPerEdge", "preserveMutual"], "null model options");
  return {
    rng: new Rng(opts.seed ?? 0),
    samples: checkInteger(opts.samples ?? 20, "samples", 1, MAX_NULL_SAMPLES),
    swapsPerEdge: checkNumber(opts.swapsPerEdge ?? 10, "swapsPerEdge", {
      min: 0,
      max: MAX_SWAPS_PER_EDGE,
    }),
  };
}

function edgeLengths(
  g: WeightedCsr,
  mode: "inverse" | "weight" | "hops" = "inverse",
): Float64Array {
  if (mode === "hops") return new Float64Array(g.colIdx.length).fill(1);
  if (mode !== "inverse" && mode !== "weight")
    throw new RangeError(`length must be "inverse" or "weight", got ${describeValue(mode)}`);
  const out = new Float64Array(g.weight.length);
  for (let k = 0; k < out.length; k++) {
    const w = g.weight[k];
    if (!(w > 0))
      throw new RangeError(`weights must be > 0 for weighted paths, got ${w} at entry ${k}`);
    out[k] = mode === "inverse" ? 1 / w : w;
  }
  return out;
}

/** W + W^T (a self loop i -> i of weight w becomes 2w on the diagonal). */
function symmetrised(g: WeightedCsr): WeightedCsr {
  return bothDirections(g, true);
}

/** Every entry (i, j, w) also as (j, i, w), summed; self loops dropped unless `keepSelf`. */
function bothDirections(g: WeightedCsr, keepSelf: boolean): WeightedCsr {
  const n = g.nPre;
  const m = g.colIdx.length;
  const rows = new Int32Array(2 * m);
  const cols = new Int32Array(2 * m);
  const weights = new Float64Array(2 * m);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      const j = g.colIdx[k];
      if (i === j && !keepSelf) continue;
      rows[p] = i;
      cols[p] = j;
      weights[p++] = g.weight[k];
      rows[p] = j;
      cols[p] = i;
      weights[p++] = g.weight[k];
    }
  }
  return csrFromEntries(n, rows.subarray(0, p), cols.subarray(0, p), weights.subarray(0, p));
}

function localMoving(
  g: WeightedCsr,
  gamma: number,
  rng: Rng,
): { community: Int32Array; moved: boolean } {
  const n = g.nPre;
  const community = Int32Array.from({ length: n }, (_, i) => i);
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) degree[i] += g.weight[k];
  let twoM = 0;
  for (const d of degree) twoM += d;
  if (twoM === 0) return { community, moved: false };
  const total = Float64Array.from(degree);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const linkTo = new Float64Array(n);
  const touched: number[] = [];
  let movedAny = false;
  let improved = true;
  for (let sweep = 0; improved && sweep < 1000; sweep++) {
    improved = false;
    for (const v of order) {
      const own = community[v];
      touched.length = 0;
      for (let k = g.rowPtr[v]; k < g.rowPtr[v + 1]; k++) {
        const w = g.colIdx[k];
        if (w === v) continue;
        const c = community[w];
        if (linkTo[c] === 0) touched.push(c);
        linkTo[c] += g.weight[k];
      }
      total[own] -= degree[v];
      let best = own;
      let bestGain = linkTo[own] - (gamma * total[own] * degree[v]) / twoM;
      for (const c of touched) {
        const gain = linkTo[c] - (gamma * total[c] * degree[v]) / twoM;
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          best = c;
        }
      }
      total[best] += degree[v];
      community[v] = best;
      if (best !== own) {
        improved = true;
        movedAny = true;
      }
      for (const c of touched) linkTo[c] = 0;
      linkTo[own] = 0;
    }
  }
  return { community, moved: movedAny };
}

function relabel(community: ArrayLike<number>): { labels: Int32Array; count: number } {
  const map = new Map<number, number>();
  const labels = new Int32Array(community.length);
  for (let i = 0; i < community.length; i++) {
    let l = map.get(community[i]);
    if (l === undefined) map.set(community[i], (l = map.size));
    labels[i] = l;
  }
  return { labels, count: map.size };
}

function aggregate(g: WeightedCsr, labels: Int32Array, count: number): WeightedCsr {
  const m = g.colIdx.length;
  const rows = new Int32Array(m);
  const cols = new Int32Array(m);
  for (let i = 0; i < g.nPre; i++) {
    for (let k = g.rowPtr[i]; k < g.rowPtr[i + 1]; k++) {
      rows[k] = labels[i];
      cols[k] = labels[g.colIdx[k]];
    }
  }
  return csrFromEntries(count, rows, cols, g.weight);
}

/** Binary min-heap of (key, value) pairs. */
class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(1, capacity));
    this.values = new Int32Array(Math.max(1, capacity));
  }
  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const v = new Int32Array(this.size * 2);
      v.set(this.values);
      this.keys = k;
      this.values = v;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p] <= key) break;
      this.keys[i] = this.keys[p];
      this.values[i] = this.values[p];
      i = p;
    }
    this.keys[i] = key;
    this.values[i] = value;
  }
  topKey(): number {
    return this.keys[0];
  }
  pop(): number {
    const top = this.values[0];
    const key = this.keys[--this.size];
    const value = this.values[this.size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.keys[c + 1] < this.keys[c]) c++;
      if (this.keys[c] >= key) break;
      this.keys[i] = this.keys[c];
      this.values[i] = this.values[c];
      i = c;
    }
    this.keys[i] = key;
    this.values[i] = value;
    return top;
  }
}
