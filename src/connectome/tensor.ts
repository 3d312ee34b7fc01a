/**
 * Non-negative CP (PARAFAC) decomposition of 3-way tensors with missing entries, seeded restarts
 * with a stability score across restarts, and an error-vs-rank diagnostic.
 *
 * Model: X[a,b,c] ~ sum_r A[a,r] B[b,r] C[c,r], A, B, C >= 0, fitted by minimising the masked
 * Frobenius loss sum_{observed} (X - model)^2 with multiplicative updates (Lee & Seung 2001,
 * extended to tensors by Welling & Weber 2001; with a 0/1 weight per entry as in weighted NMF,
 * e.g. Mao & Saul 2004): A <- A * [(M * X)_(1) (C kr B)] / [(M * model)_(1) (C kr B)]. Entries with
 * mask 0 (an unrecorded neuron, a worm shorter than the others) take no part in the fit.
 *
 * Stability across restarts is the factor match score (FMS) of Tomasi & Bro 2006 as used by
 * tensortools (Williams et al. 2018): components of two models are paired one-to-one (Hungarian
 * algorithm) to maximise the mean over pairs of
 *   (1 - |w_r - w_s| / max(w_r, w_s)) * prod_modes <a_r, b_s>   (unit-norm columns),
 * which is 1 for identical models.
 */
import { checkInteger, checkNonNegative } from "../core/checks.js";
import { checkOptionsObject, describeValue } from "../core/validate.js";
import { Rng } from "../random/rng.js";
import { describeName } from "../core/describe.js";

/** A dense non-negative 3-way tensor, row-major over dims [d0, d1, d2]. */
export interface Tensor3 {
  readonly dims: readonly [number, number, number];
  readonly data: Float64Array;
  /** 1 where the entry was observed, 0 where it is missing (its `data` value is then ignored). Absent: all observed. */
  readonly mask?: Uint8Array;
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
  /** Factor matrices, row-major (dims[m] x rank), each column of unit Euclidean norm (or all 0). */
  readonly factors: readonly [Float64Array, Float64Array, Float64Array];
  /** Component weights (the norms absorbed from the factors), sorted decreasing. */
  readonly weights: Float64Array;
  /** ||M * (X - model)|| / ||M * X|| over the observed entries M. */
  readonly relativeError: number;
  readonly iterations: number;
}

/** @internal Checks a CP model argument (as {@link fitNonnegativeCP} returns). */
export function checkCPModel(model: unknown, name = "model"): CPModel {
  name = describeName(name);
  const m = model as CPModel;
  const ok =
    typeof m === "object" &&
    m !== null &&
    Number.isInteger(m.rank) &&
    m.rank >= 1 &&
    Array.isArray(m.factors) &&
    m.factors.length === 3 &&
    m.factors.every((f) => f instanceof Float64Array && f.length % m.rank === 0) &&
    m.weights instanceof Float64Array &&
    m.weights.length === m.rank;
  if (!ok)
    throw new TypeError(
      `${name} must be a CP model { rank, factors: [3 Float64Arrays], weights } as fitNonnegativeCP returns, got ${describeValue(model)}`,
    );
  return m;
}

/** @internal Checks a 3-way tensor argument { dims, data, mask? }. */
export function checkTensor3(x: unknown, name = "x"): Tensor3 {
  name = describeName(name);
  const t = x as Tensor3;
  const ok =
    typeof t === "object" &&
    t !== null &&
    Array.isArray(t.dims) &&
    t.dims.length === 3 &&
    t.dims.every((d) => Number.isInteger(d) && d >= 1) &&
    t.data instanceof Float64Array &&
    t.data.length === t.dims[0] * t.dims[1] * t.dims[2] &&
    (t.mask === undefined || (t.mask instanceof Uint8Array && t.mask.length === t.data.length));
  if (!ok)
    throw new TypeError(
      `${name} must be a tensor { dims: [3 positive integers], data: Float64Array of their product, mask?: Uint8Array }, got ${describeValue(x)}`,
    );
  return t;
}

/**
 * Non-negative CP decomposition by multiplicative updates on the (masked) Frobenius loss.
 * Seeded; components are returned in decreasing weight. With a mask, missing entries are left
 * out of the loss (not treated as 0).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [2, 2, 2] as [number, number, number], data: new Float64Array([1, 2, 2, 4, 2, 4, 4, 8]) }; // rank 1
 * const model = connectome.nonnegativeCP(x, 1, { seed: 1 });
 * connectome.cpValue(model, 1, 1, 1); // ~8
 * ```
 */
export function nonnegativeCP(x: Tensor3, rank: number, opts: NonnegativeCPOptions = {}): CPModel {
  const R = checkInteger(rank, "rank", 1);
  const maxIter = checkInteger(opts.iterations ?? 500, "iterations", 1);
  const tol = checkNonNegative(opts.tolerance ?? 1e-7, "tolerance");
  const { normX2, observed } = checkTensor(x);
  const [I, J, K] = x.dims;
  const rng = new Rng(opts.seed ?? 0);
  const scale = Math.cbrt(Math.sqrt(normX2 / Math.max(1, observed)) / R) || 1;
  const F = [I, J, K].map((d) =>
    Float64Array.from({ length: d * R }, () => (0.1 + rng.uniform()) * scale),
  ) as [Float64Array, Float64Array, Float64Array];
  const fit = x.mask
    ? maskedUpdates(x, F, R, maxIter, tol, normX2)
    : denseUpdates(x, F, R, maxIter, tol, normX2);
  return normalisedModel(F, R, fit.error, fit.iterations);
}

/** Options of {@link fitNonnegativeCP} and {@link cpRankDiagnostic}. */
export interface CPFitOptions extends NonnegativeCPOptions {
  /** Number of random starts (>= 1). Default 10. */
  restarts?: number;
}

/** The best of several seeded fits and how much the fits agree. */
export interface CPFit {
  /** The restart with the lowest relative error. */
  readonly best: CPModel;
  /** Index of `best` among the restarts. */
  readonly bestRestart: number;
  /** Seed of each restart (drawn from `seed`). */
  readonly seeds: Uint32Array;
  /** Relative error of each restart. */
  readonly errors: Float64Array;
  /** Factor match score of each restart against the best (1 for the best itself). */
  readonly similarity: Float64Array;
  /** Mean factor match score of the other restarts against the best (1 with one restart). */
  readonly meanSimilarity: number;
}

/**
 * Non-negative CP with `restarts` seeded random starts: keeps the lowest-error fit and reports the
 * factor match score of every restart against it (values near 1: the decomposition is unique and
 * found reliably; low values: the rank is too high or the fit is unstable).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [2, 2, 2] as [number, number, number], data: new Float64Array([1, 2, 2, 4, 2, 4, 4, 8]) };
 * const fit = connectome.fitNonnegativeCP(x, 1, { restarts: 5, seed: 1 }); // best of 5 starts, with stability
 * ```
 */
export function fitNonnegativeCP(x: Tensor3, rank: number, opts: CPFitOptions = {}): CPFit {
  checkTensor3(x);
  opts = checkOptionsObject(opts, "fitNonnegativeCP options");
  const restarts = checkInteger(opts.restarts ?? 10, "restarts", 1);
  const seeder = new Rng(checkInteger(opts.seed ?? 0, "seed", 0, 0xffffffff));
  const seeds = Uint32Array.from({ length: restarts }, () => seeder.nextUint32());
  const models = Array.from(seeds, (seed) => nonnegativeCP(x, rank, { ...opts, seed }));
  const errors = Float64Array.from(models, (m) => m.relativeError);
  let bestRestart = 0;
  for (let k = 1; k < restarts; k++) if (errors[k] < errors[bestRestart]) bestRestart = k;
  const best = models[bestRestart];
  const similarity = Float64Array.from(models, (m, k) =>
    k === bestRestart ? 1 : factorMatchScore(best, m).score,
  );
  let sum = 0;
  for (let k = 0; k < restarts; k++) if (k !== bestRestart) sum += similarity[k];
  return {
    best,
    bestRestart,
    seeds,
    errors,
    similarity,
    meanSimilarity: restarts > 1 ? sum / (restarts - 1) : 1,
  };
}

/** One rank of {@link cpRankDiagnostic}. */
export interface CPRankRow {
  readonly rank: number;
  /** Relative error of each restart. */
  readonly errors: Float64Array;
  /** Lowest relative error. */
  readonly bestError: number;
  /** Mean factor match score of the restarts against the best. */
  readonly meanSimilarity: number;
  /** The best model of this rank. */
  readonly best: CPModel;
}

/**
 * Error-vs-rank diagnostic: {@link fitNonnegativeCP} at each rank. Choose the rank where the
 * error stops falling steeply while the restarts still agree (mean similarity near 1).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [2, 2, 2] as [number, number, number], data: new Float64Array([1, 2, 2, 4, 2, 4, 4, 8]) };
 * connectome.cpRankDiagnostic(x, [1, 2], { restarts: 3, seed: 1 }); // error per rank
 * ```
 */
export function cpRankDiagnostic(
  x: Tensor3,
  ranks: readonly number[],
  opts: CPFitOptions = {},
): CPRankRow[] {
  checkTensor3(x);
  opts = checkOptionsObject(opts, "cpRankDiagnostic options");
  if (!Array.isArray(ranks))
    throw new TypeError(
      `ranks must be an array of ranks (integers >= 1), got ${describeValue(ranks)}`,
    );
  if (ranks.length === 0) throw new RangeError("ranks must hold at least one rank, got []");
  return ranks.map((rank) => {
    const fit = fitNonnegativeCP(x, checkInteger(rank, "ranks[]", 1), opts);
    return {
      rank,
      errors: fit.errors,
      bestError: fit.best.relativeError,
      meanSimilarity: fit.meanSimilarity,
      best: fit.best,
    };
  });
}

/** Result of {@link factorMatchScore}. */
export interface FactorMatch {
  /** Mean over the matched component pairs of their similarity, in [0, 1]. */
  readonly score: number;
  /** permutation[r] = component of `b` matched to component r of `a`. */
  readonly permutation: Int32Array;
  /** Similarity of each matched pair, in `a`'s component order. */
  readonly componentScores: Float64Array;
}

/**
 * Factor match score of two CP models of the same tensor shape and rank: the best one-to-one
 * pairing of components (Hungarian algorithm) of (1 - |w_r - w_s| / max(w_r, w_s)) times the
 * product over modes of the cosine between the paired factor columns. `weights: false` leaves out
 * the weight term.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [2, 2, 2] as [number, number, number], data: new Float64Array([1, 2, 2, 4, 2, 4, 4, 8]) };
 * connectome.factorMatchScore(connectome.nonnegativeCP(x, 1, { seed: 1 }), connectome.nonnegativeCP(x, 1, { seed: 2 })); // ~1
 * ```
 */
export function factorMatchScore(
  a: CPModel,
  b: CPModel,
  opts: { weights?: boolean } = {},
): FactorMatch {
  checkCPModel(a, "a");
  checkCPModel(b, "b");
  opts = checkOptionsObject(opts, "factorMatchScore options");
  if (a.rank !== b.rank)
    throw new RangeError(`models must have the same rank, got ${a.rank} and ${b.rank}`);
  for (let m = 0; m < 3; m++) {
    if (a.factors[m].length !== b.factors[m].length)
      throw new RangeError(
        `factor ${m} sizes differ: ${a.factors[m].length} and ${b.factors[m].length}`,
      );
  }
  const R = a.rank;
  const useWeights = opts.weights ?? true;
  const sim = new Float64Array(R * R);
  for (let r = 0; r < R; r++) {
    for (let s = 0; s < R; s++) {
      let v = 1;
      if (useWeights) {
        const top = Math.max(a.weights[r], b.weights[s]);
        v = top > 0 ? 1 - Math.abs(a.weights[r] - b.weights[s]) / top : 1;
      }
      for (let m = 0; m < 3; m++) v *= Math.abs(cosine(a.factors[m], r, b.factors[m], s, R));
      sim[r * R + s] = v;
    }
  }
  const permutation = maxAssignment(sim, R);
  const componentScores = Float64Array.from(permutation, (s, r) => sim[r * R + s]);
  let total = 0;
  for (const v of componentScores) total += v;
  return { score: total / R, permutation, componentScores };
}

/**
 * The model's value at entry (a, b, c): sum_r weight[r] A[a,r] B[b,r] C[c,r].
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [2, 2, 2] as [number, number, number], data: new Float64Array([1, 2, 2, 4, 2, 4, 4, 8]) };
 * connectome.cpValue(connectome.nonnegativeCP(x, 1, { seed: 1 }), 0, 0, 0); // ~1
 * ```
 */
export function cpValue(model: CPModel, a: number, b: number, c: number): number {
  checkCPModel(model);
  const R = model.rank;
  const [A, B, C] = model.factors;
  let v = 0;
  for (let r = 0; r < R; r++) v += model.weights[r] * A[a * R + r] * B[b * R + r] * C[c * R + r];
  return v;
}

// ---- helpers ----

function checkTensor(x: Tensor3): { normX2: number; observed: number } {
  const [I, J, K] = x.dims;
  for (const [m, d] of x.dims.entries()) checkInteger(d, `dims[${m}]`, 1);
  const size = I * J * K;
  if (x.data.length !== size)
    throw new RangeError(`tensor data must have ${size} entries, got ${x.data.length}`);
  if (x.mask && x.mask.length !== size)
    throw new RangeError(`tensor mask must have ${size} entries, got ${x.mask.length}`);
  let normX2 = 0;
  let observed = 0;
  for (let e = 0; e < size; e++) {
    if (x.mask && !x.mask[e]) continue;
    const v = x.data[e];
    if (!(v >= 0 && v < Infinity))
      throw new RangeError(
        `observed tensor entries must be finite and >= 0, got ${v} at entry ${e}`,
      );
    normX2 += v * v;
    observed++;
  }
  if (observed === 0)
    throw new RangeError("tensor mask must mark at least one entry as observed, got none");
  return { normX2, observed };
}

const EPS = 1e-12;

/** Unmasked updates: numerators by MTTKRP, denominators from Gram matrices (no model entries needed). */
function denseUpdates(
  x: Tensor3,
  F: Float64Array[],
  R: number,
  maxIter: number,
  tol: number,
  normX2: number,
) {
  let previous = Infinity;
  let error = NaN;
  let it: number;
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
          f[a * R + r] *= num[a * R + r] / (den + EPS);
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
  return { error, iterations: Math.min(it, maxIter) };
}

/** Masked updates: numerator and denominator sums run over the observed entries only. */
function maskedUpdates(
  x: Tensor3,
  F: Float64Array[],
  R: number,
  maxIter: number,
  tol: number,
  normX2: number,
) {
  const [I, J, K] = x.dims;
  const mask = x.mask!;
  const d = x.data;
  const [A, B, C] = F;
  let previous = Infinity;
  let error = NaN;
  let it: number;
  const prod = new Float64Array(R);
  for (it = 1; it <= maxIter; it++) {
    for (let mode = 0; mode < 3; mode++) {
      const f = F[mode];
      const [G, H] = mode === 0 ? [B, C] : mode === 1 ? [A, C] : [A, B];
      const num = new Float64Array(f.length);
      const den = new Float64Array(f.length);
      for (let a = 0; a < I; a++) {
        for (let b = 0; b < J; b++) {
          const base = (a * J + b) * K;
          for (let c = 0; c < K; c++) {
            if (!mask[base + c]) continue;
            // row of the updated factor and of the two others for this entry
            const t = (mode === 0 ? a : mode === 1 ? b : c) * R;
            const g = (mode === 0 ? b : a) * R;
            const h = (mode === 2 ? b : c) * R;
            let model = 0;
            for (let r = 0; r < R; r++) {
              prod[r] = G[g + r] * H[h + r];
              model += f[t + r] * prod[r];
            }
            const v = d[base + c];
            for (let r = 0; r < R; r++) {
              num[t + r] += v * prod[r];
              den[t + r] += model * prod[r];
            }
          }
        }
      }
      for (let k = 0; k < f.length; k++) f[k] *= num[k] / (den[k] + EPS);
    }
    let residual2 = 0;
    for (let a = 0; a < I; a++) {
      for (let b = 0; b < J; b++) {
        const base = (a * J + b) * K;
        for (let c = 0; c < K; c++) {
          if (!mask[base + c]) continue;
          let model = 0;
          for (let r = 0; r < R; r++) model += A[a * R + r] * B[b * R + r] * C[c * R + r];
          residual2 += (d[base + c] - model) ** 2;
        }
      }
    }
    error = Math.sqrt(residual2 / (normX2 || 1));
    if (previous - error < tol) break;
    previous = error;
  }
  return { error, iterations: Math.min(it, maxIter) };
}

/** Normalise columns, absorb the norms into weights, sort components by decreasing weight. */
function normalisedModel(F: Float64Array[], R: number, error: number, iterations: number): CPModel {
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
  const order = Array.from({ length: R }, (_, r) => r).sort(
    (a, b) => weights[b] - weights[a] || a - b,
  );
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
    iterations,
  };
}

/** Matricised tensor times Khatri-Rao product for `mode` (dims[mode] x R). */
function mttkrp(x: Tensor3, F: readonly Float64Array[], mode: number, R: number): Float64Array {
  const [I, J, K] = x.dims;
  const out = new Float64Array(x.dims[mode] * R);
  const [A, B, C] = F;
  const [G, H] = mode === 0 ? [B, C] : mode === 1 ? [A, C] : [A, B];
  const d = x.data;
  for (let a = 0; a < I; a++) {
    for (let b = 0; b < J; b++) {
      const base = (a * J + b) * K;
      for (let c = 0; c < K; c++) {
        const v = d[base + c];
        if (v === 0) continue;
        const t = (mode === 0 ? a : mode === 1 ? b : c) * R;
        const g = (mode === 0 ? b : a) * R;
        const h = (mode === 2 ? b : c) * R;
        for (let r = 0; r < R; r++) out[t + r] += v * G[g + r] * H[h + r];
      }
    }
  }
  return out;
}

function gramOf(f: Float64Array, R: number): Float64Array {
  const g = new Float64Array(R * R);
  for (let a = 0; a < f.length / R; a++)
    for (let r = 0; r < R; r++)
      for (let s = 0; s < R; s++) g[r * R + s] += f[a * R + r] * f[a * R + s];
  return g;
}

function hadamard(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, k) => v * b[k]);
}

function cosine(f: Float64Array, r: number, g: Float64Array, s: number, R: number): number {
  let fg = 0;
  let ff = 0;
  let gg = 0;
  for (let a = 0; a < f.length / R; a++) {
    const u = f[a * R + r];
    const v = g[a * R + s];
    fg += u * v;
    ff += u * u;
    gg += v * v;
  }
  return ff > 0 && gg > 0 ? fg / Math.sqrt(ff * gg) : 0;
}

/**
 * Assignment maximising the total of an n x n score matrix (row r -> column out[r]): the
 * Hungarian algorithm with potentials (Kuhn 1955, Munkres 1957), O(n^3), on cost = -score.
 */
function maxAssignment(score: Float64Array, n: number): Int32Array {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j] = row matched to column j (1-based), 0 = none
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = -score[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Int32Array(n);
  for (let j = 1; j <= n; j++) out[p[j] - 1] = j - 1;
  return out;
}
