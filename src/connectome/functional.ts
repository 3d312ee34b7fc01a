/**
 * Functional connectomes from activity traces: Pearson correlation over sliding windows,
 * non-negative affinities, a time x worm x neuron-pair tensor, and its non-negative CP
 * (PARAFAC) factorisation, whose components are groups of co-active neurons with a time course
 * and a per-worm weight (after Dyballa et al. 2024, "Learning dynamic representations of the
 * functional connectome in neurobiological networks", ICLR).
 *
 * Traces are row-major `steps x neurons` Float64Arrays (as `WormRecording.data`); NaN marks
 * samples or neurons not recorded.
 */
import { checkInteger, checkNonNegative } from "../core/checks.js";
import { Rng } from "../random/rng.js";

/** Traces of one animal: row-major steps x neurons. */
export interface Traces {
  readonly steps: number;
  readonly data: Float64Array;
}

/** Correlation matrices over sliding windows. */
export interface WindowedCorrelation {
  /** Number of neurons. */
  readonly n: number;
  /** First step of each window. */
  readonly starts: Int32Array;
  /** Window length, steps. */
  readonly window: number;
  /** windows x n x n, row-major; NaN where a neuron has missing or constant samples in the window. */
  readonly data: Float64Array;
}

/** Options of the windowed functions. */
export interface WindowOptions {
  /** Window length, steps (>= 2). */
  window: number;
  /** Step between window starts, steps (>= 1). Default `window` (no overlap). */
  step?: number;
}

/** Pearson correlation of every neuron pair in each sliding window (diagonal 1 where defined). */
export function slidingCorrelation(traces: Traces, opts: WindowOptions): WindowedCorrelation {
  const { steps, data } = traces;
  const n = neuronCount(traces);
  const window = checkInteger(opts.window, "window", 2, Math.max(2, steps));
  const step = checkInteger(opts.step ?? window, "step", 1);
  const starts: number[] = [];
  for (let s = 0; s + window <= steps; s += step) starts.push(s);
  const out = new Float64Array(starts.length * n * n);
  const z = new Float64Array(window * n);
  const valid = new Uint8Array(n);
  starts.forEach((s, w) => {
    // z-score each neuron within the window
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let ok = true;
      for (let t = 0; t < window; t++) {
        const v = data[(s + t) * n + i];
        if (!Number.isFinite(v)) ok = false;
        sum += v;
      }
      const mean = sum / window;
      let ss = 0;
      for (let t = 0; t < window; t++) ss += (data[(s + t) * n + i] - mean) ** 2;
      valid[i] = ok && ss > 0 ? 1 : 0;
      const scale = valid[i] ? 1 / Math.sqrt(ss) : 0;
      for (let t = 0; t < window; t++) z[t * n + i] = valid[i] ? (data[(s + t) * n + i] - mean) * scale : 0;
    }
    const base = w * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let r = NaN;
        if (valid[i] && valid[j]) {
          r = 0;
          for (let t = 0; t < window; t++) r += z[t * n + i] * z[t * n + j];
          r = Math.max(-1, Math.min(1, r));
        }
        out[base + i * n + j] = r;
        out[base + j * n + i] = r;
      }
    }
  });
  return { n, starts: Int32Array.from(starts), window, data: out };
}

/** How a correlation r becomes a non-negative affinity. */
export type AffinityKind = "positive" | "absolute" | "shifted";

/** Affinity of a correlation: max(r, 0) ("positive"), |r| ("absolute") or (r + 1) / 2 ("shifted"); NaN -> 0. */
export function affinity(r: number, kind: AffinityKind = "positive"): number {
  if (!Number.isFinite(r)) return 0;
  if (kind === "positive") return r > 0 ? r : 0;
  if (kind === "absolute") return Math.abs(r);
  if (kind === "shifted") return (r + 1) / 2;
  throw new RangeError(`kind must be "positive", "absolute" or "shifted", got ${JSON.stringify(kind)}`);
}

/** Number of unordered neuron pairs (i < j) of n neurons. */
export function pairCount(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Index of the pair (i, j), i != j, in the order (0,1), (0,2), ..., (0,n-1), (1,2), ... */
export function pairIndex(i: number, j: number, n: number): number {
  if (i === j) throw new RangeError(`i and j must differ, got ${i} and ${j}`);
  const a = Math.min(i, j);
  const b = Math.max(i, j);
  return a * n - (a * (a + 1)) / 2 + (b - a - 1);
}

/** A dense non-negative 3-way tensor, row-major over dims [d0, d1, d2]. */
export interface Tensor3 {
  readonly dims: readonly [number, number, number];
  readonly data: Float64Array;
}

/** Options of {@link functionalTensor}. */
export interface FunctionalTensorOptions extends WindowOptions {
  /** Correlation -> affinity. Default "positive". */
  affinity?: AffinityKind;
}

/**
 * The time x worm x neuron-pair affinity tensor of several animals' traces (same neurons in
 * the same columns). Windows are cut identically in every worm; worms longer than the
 * shortest one are truncated. Missing neurons contribute affinity 0.
 */
export function functionalTensor(worms: readonly Traces[], opts: FunctionalTensorOptions): Tensor3 {
  if (worms.length === 0) throw new RangeError("worms must hold at least one recording, got 0");
  const n = neuronCount(worms[0]);
  worms.forEach((w, k) => {
    if (neuronCount(w) !== n) throw new RangeError(`worms[${k}] has ${neuronCount(w)} neurons, expected ${n} as worms[0]`);
  });
  const steps = Math.min(...worms.map((w) => w.steps));
  const correlations = worms.map((w) => slidingCorrelation({ steps, data: w.data.subarray(0, steps * n) }, opts));
  const T = correlations[0].starts.length;
  const W = worms.length;
  const P = pairCount(n);
  const data = new Float64Array(T * W * P);
  const kind = opts.affinity ?? "positive";
  for (let t = 0; t < T; t++) {
    for (let w = 0; w < W; w++) {
      const c = correlations[w].data;
      const base = (t * W + w) * P;
      let p = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) data[base + p++] = affinity(c[t * n * n + i * n + j], kind);
    }
  }
  return { dims: [T, W, P], data };
}

/** Options of {@link nonnegativeCP}. */
export interface NonnegativeCPOptions {
  /** Seed of the initial factors, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Maximum iterations (>= 1). Default 500. */
  iterations?: number;
  /** Stop when the relative error improves by less than this between iterations (>= 0). Default 1e-7. */
  tolerance?: number;
}

/** A rank-R non-negative CP model: X[a,b,c] ~ sum_r weight[r] A[a,r] B[b,r] C[c,r]. */
export interface CPModel {
  readonly rank: number;
  /** Factor matrices, row-major (dims[m] x rank), each column of unit Euclidean norm. */
  readonly factors: readonly [Float64Array, Float64Array, Float64Array];
  /** Component weights (the norms absorbed from the factors), sorted decreasing. */
  readonly weights: Float64Array;
  /** ||X - model|| / ||X||. */
  readonly relativeError: number;
  readonly iterations: number;
}

/**
 * Non-negative CP (PARAFAC) decomposition by multiplicative updates on the Frobenius loss
 * (Lee & Seung 2001, extended to tensors by Welling & Weber 2001). Seeded; components are
 * returned in decreasing weight.
 */
export function nonnegativeCP(x: Tensor3, rank: number, opts: NonnegativeCPOptions = {}): CPModel {
  const R = checkInteger(rank, "rank", 1);
  const maxIter = checkInteger(opts.iterations ?? 500, "iterations", 1);
  const tol = checkNonNegative(opts.tolerance ?? 1e-7, "tolerance");
  const [I, J, K] = x.dims;
  if (x.data.length !== I * J * K) throw new RangeError(`tensor data must have ${I * J * K} entries, got ${x.data.length}`);
  let normX2 = 0;
  for (const v of x.data) {
    if (!(v >= 0)) throw new RangeError(`tensor entries must be finite and >= 0, got ${v}`);
    normX2 += v * v;
  }
  const rng = new Rng(opts.seed ?? 0);
  const scale = Math.cbrt(Math.sqrt(normX2 / (I * J * K)) / R) || 1;
  const F = [I, J, K].map((d) => Float64Array.from({ length: d * R }, () => (0.1 + rng.uniform()) * scale)) as [Float64Array, Float64Array, Float64Array];
  const eps = 1e-12;
  let previous = Infinity;
  let error = NaN;
  let it = 0;
  for (it = 1; it <= maxIter; it++) {
    let inner = 0;
    for (let mode = 0; mode < 3; mode++) {
      const num = mttkrp(x, F, mode, R);
      const others = [0, 1, 2].filter((m) => m !== mode);
      const gram = hadamard(gramOf(F[others[0]], R), gramOf(F[others[1]], R));
      const f = F[mode];
      const rows = f.length / R;
      for (let a = 0; a < rows; a++) {
        for (let r = 0; r < R; r++) {
          let den = 0;
          for (let s = 0; s < R; s++) den += f[a * R + s] * gram[s * R + r];
          f[a * R + r] *= num[a * R + r] / (den + eps);
        }
      }
      if (mode === 2) for (let k = 0; k < f.length; k++) inner += f[k] * num[k];
    }
    const g = hadamard(hadamard(gramOf(F[0], R), gramOf(F[1], R)), gramOf(F[2], R));
    let model2 = 0;
    for (const v of g) model2 += v;
    error = Math.sqrt(Math.max(0, normX2 - 2 * inner + model2) / (normX2 || 1));
    if (previous - error < tol) break;
    previous = error;
  }
  // normalise columns, absorb norms into weights, sort by weight
  const weights = new Float64Array(R).fill(1);
  for (const f of F) {
    for (let r = 0; r < R; r++) {
      let s = 0;
      for (let a = r; a < f.length; a += R) s += f[a] * f[a];
      const norm = Math.sqrt(s);
      weights[r] *= norm;
      if (norm > 0) for (let a = r; a < f.length; a += R) f[a] /= norm;
    }
  }
  const order = Array.from({ length: R }, (_, r) => r).sort((a, b) => weights[b] - weights[a]);
  const permute = (f: Float64Array) => {
    const out = new Float64Array(f.length);
    for (let a = 0; a < f.length / R; a++) order.forEach((r, k) => (out[a * R + k] = f[a * R + r]));
    return out;
  };
  return {
    rank: R,
    factors: [permute(F[0]), permute(F[1]), permute(F[2])],
    weights: Float64Array.from(order, (r) => weights[r]),
    relativeError: error,
    iterations: Math.min(it, maxIter),
  };
}

/**
 * Neurons of component `r` of a CP model of a functional tensor (pair factor = factors[2]):
 * each neuron's strength is the sum of its pair loadings; returns the neurons whose strength is
 * at least `fraction` (default 0.5) of the largest, strongest first.
 */
export function componentNeurons(model: CPModel, r: number, n: number, opts: { fraction?: number } = {}): number[] {
  checkInteger(r, "r", 0, model.rank - 1);
  const fraction = checkNonNegative(opts.fraction ?? 0.5, "fraction");
  const pairs = model.factors[2];
  if (pairs.length !== pairCount(n) * model.rank) throw new RangeError(`n must match the pair factor (${pairs.length / model.rank} pairs), got ${n}`);
  const strength = new Float64Array(n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = pairs[p++ * model.rank + r];
      strength[i] += v;
      strength[j] += v;
    }
  }
  const max = Math.max(...strength);
  return Array.from({ length: n }, (_, i) => i)
    .filter((i) => max > 0 && strength[i] >= fraction * max)
    .sort((a, b) => strength[b] - strength[a]);
}

// ---- helpers ----

function neuronCount(t: Traces): number {
  checkInteger(t.steps, "steps", 1);
  const n = t.data.length / t.steps;
  if (!Number.isInteger(n)) throw new RangeError(`data length ${t.data.length} is not a multiple of steps = ${t.steps}`);
  return n;
}

/** Matricised tensor times Khatri-Rao product for `mode` (dims[mode] x R). */
function mttkrp(x: Tensor3, F: readonly Float64Array[], mode: number, R: number): Float64Array {
  const [I, J, K] = x.dims;
  const out = new Float64Array(x.dims[mode] * R);
  const [A, B, C] = F;
  const d = x.data;
  for (let a = 0; a < I; a++) {
    for (let b = 0; b < J; b++) {
      const base = (a * J + b) * K;
      for (let c = 0; c < K; c++) {
        const v = d[base + c];
        if (v === 0) continue;
        for (let r = 0; r < R; r++) {
          if (mode === 0) out[a * R + r] += v * B[b * R + r] * C[c * R + r];
          else if (mode === 1) out[b * R + r] += v * A[a * R + r] * C[c * R + r];
          else out[c * R + r] += v * A[a * R + r] * B[b * R + r];
        }
      }
    }
  }
  return out;
}

function gramOf(f: Float64Array, R: number): Float64Array {
  const g = new Float64Array(R * R);
  for (let a = 0; a < f.length / R; a++) for (let r = 0; r < R; r++) for (let s = 0; s < R; s++) g[r * R + s] += f[a * R + r] * f[a * R + s];
  return g;
}

function hadamard(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, k) => v * b[k]);
}
