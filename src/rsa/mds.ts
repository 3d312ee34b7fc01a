/**
 * Multidimensional scaling of an RDM for plotting: classical (Torgerson) MDS and metric MDS by
 * SMACOF stress majorisation started from the classical solution (deterministic, no random starts).
 */
import { checkInteger, checkPositive } from "../core/checks.js";
import { classicalMds } from "../schema/geometry.js";
import { checkRdms, rdmVector, type Rdms } from "./rdms.js";
import { checkOptions } from "../core/validate.js";
import { describeValue } from "../core/describe.js";

/** An embedding: `coordinates[i]` are the `dims` coordinates of condition i. */
export interface Embedding {
  coordinates: number[][];
  /** Kruskal stress-1: sqrt(Σ (d_ij - δ_ij)² / Σ δ_ij²) over pairs. */
  stress: number;
  /** Eigenvalues of the double-centred matrix (classical MDS; descending, all n). */
  eigenvalues?: Float64Array;
}

/** Options of {@link mds}. */
export interface MdsOptions {
  /** Embedding dimensions (default 2). */
  dims?: number;
  /** "classical" (Torgerson) or "metric" (SMACOF; default). */
  method?: "classical" | "metric";
  /**
   * How dissimilarities become distances: "sqrt" (default for the measures "squared euclidean",
   * "squared mahalanobis" and "crossnobis": negative values clipped to 0) or "identity" (default
   * for every other measure, including transformed RDMs).
   */
  distances?: "sqrt" | "identity";
  /** Which RDM of the set (default 0). */
  rdm?: number;
  /** SMACOF iterations (default 300) and relative stress tolerance (default 1e-9). */
  maxIterations?: number;
  tolerance?: number;
}

/** Most SMACOF iterations {@link mds} runs (each is O(n^2); it converges in a few hundred). */
export const MAX_MDS_ITERATIONS = 100_000;

/**
 * Embeds the conditions of one RDM in `dims` dimensions so that euclidean distances approximate
 * the dissimilarities. NaN dissimilarities are ignored by metric MDS (zero weight) and rejected by
 * classical MDS.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.calcRdm([[0, 0], [1, 0], [0, 1], [1, 1]]);
 * const { coordinates, stress } = rsa.mds(rdms, { dims: 2 }); // classical MDS of one RDM
 * ```
 */
export function mds(rdms: Rdms, opts: MdsOptions = {}): Embedding {
  checkRdms(rdms);
  checkOptions(
    opts,
    ["dims", "method", "distances", "rdm", "maxIterations", "tolerance"],
    "mds options",
  );
  if (opts.maxIterations !== undefined)
    checkInteger(opts.maxIterations, "maxIterations", 1, MAX_MDS_ITERATIONS);
  const n = rdms.nConditions;
  const dims = checkInteger(opts.dims ?? 2, "dims", 1, n - 1);
  const method = opts.method ?? "metric";
  if (method !== "classical" && method !== "metric")
    throw new RangeError(`method must be "classical" or "metric", got ${describeValue(method)}`);
  const transform =
    opts.distances ??
    (/^(squared euclidean|squared mahalanobis|crossnobis)$/.test(rdms.measure)
      ? "sqrt"
      : "identity");
  const v = rdmVector(rdms, opts.rdm ?? 0);
  const delta = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      const d = transform === "sqrt" ? Math.sqrt(Math.max(0, v[k])) : v[k];
      delta[i * n + j] = delta[j * n + i] = d;
    }
  }
  const hasNaN = delta.some(Number.isNaN);
  if (method === "classical" && hasNaN)
    throw new RangeError(
      'classical MDS needs a complete RDM (it has NaN dissimilarities); use method "metric"',
    );
  const start = classicalMds(hasNaN ? delta.map((d) => (Number.isNaN(d) ? 0 : d)) : delta, n, dims);
  if (method === "classical")
    return {
      coordinates: rowsOf(start.x, n, dims),
      stress: stress(start.x, delta, n, dims),
      eigenvalues: start.eigenvalues,
    };
  const x = smacof(
    start.x,
    delta,
    n,
    dims,
    checkInteger(opts.maxIterations ?? 300, "maxIterations", 1),
    checkPositive(opts.tolerance ?? 1e-9, "tolerance"),
  );
  return { coordinates: rowsOf(x, n, dims), stress: stress(x, delta, n, dims) };
}

function distancesOf(x: Float64Array, n: number, dims: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) s += (x[i * dims + k] - x[j * dims + k]) ** 2;
      d[i * n + j] = d[j * n + i] = Math.sqrt(s);
    }
  }
  return d;
}

function stress(x: Float64Array, delta: Float64Array, n: number, dims: number): number {
  const d = distancesOf(x, n, dims);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = delta[i * n + j];
      if (Number.isNaN(t)) continue;
      num += (d[i * n + j] - t) ** 2;
      den += t * t;
    }
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

/** SMACOF with unit weights on known pairs (zero on NaN pairs), via the Guttman transform. */
function smacof(
  x0: Float64Array,
  delta: Float64Array,
  n: number,
  dims: number,
  maxIterations: number,
  tolerance: number,
): Float64Array {
  let x: Float64Array = Float64Array.from(x0);
  const weight = delta.map((d) => (Number.isNaN(d) ? 0 : 1));
  const complete = weight.every((w, i) => w === 1 || i % (n + 1) === 0);
  let prev = stress(x, delta, n, dims);
  for (let it = 0; it < maxIterations; it++) {
    const d = distancesOf(x, n, dims);
    const bx = new Float64Array(n * dims);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j || weight[i * n + j] === 0 || d[i * n + j] === 0) continue;
        const r = delta[i * n + j] / d[i * n + j];
        for (let k = 0; k < dims; k++) bx[i * dims + k] += r * (x[i * dims + k] - x[j * dims + k]);
      }
    }
    let next: Float64Array;
    if (complete) next = bx.map((v) => v / n);
    else next = weightedGuttman(bx, weight, n, dims);
    x = next;
    const s = stress(x, delta, n, dims);
    if (prev - s <= tolerance * Math.max(prev, 1e-300)) break;
    prev = s;
  }
  return x;
}

/** Solves V X = B X with V the weighted Laplacian (pseudo-inverse via (V + 11ᵀ/n)⁻¹, Jacobi-free). */
function weightedGuttman(
  bx: Float64Array,
  weight: Float64Array,
  n: number,
  dims: number,
): Float64Array {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      v[i * n + j] = -weight[i * n + j] + 1 / n;
      v[i * n + i] += weight[i * n + j];
    }
    v[i * n + i] += 1 / n;
  }
  // Gaussian elimination with partial pivoting on [V | BX]
  const cols = n + dims;
  const a = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * cols + j] = v[i * n + j];
    for (let k = 0; k < dims; k++) a[i * cols + n + k] = bx[i * dims + k];
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs(a[r * cols + c]) > Math.abs(a[p * cols + c])) p = r;
    if (p !== c)
      for (let j = 0; j < cols; j++)
        [a[c * cols + j], a[p * cols + j]] = [a[p * cols + j], a[c * cols + j]];
    const piv = a[c * cols + c];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * cols + c] / piv;
      if (f === 0) continue;
      for (let j = c; j < cols; j++) a[r * cols + j] -= f * a[c * cols + j];
    }
  }
  const x = new Float64Array(n * dims);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dims; k++) x[i * dims + k] = a[i * cols + n + k] / a[i * cols + i];
  return x;
}

function rowsOf(x: Float64Array, n: number, dims: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * dims, (i + 1) * dims)));
}
