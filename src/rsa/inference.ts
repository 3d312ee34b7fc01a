/**
 * Inference on RDM model comparisons (rsatoolbox's `rsatoolbox.inference`): fixed models
 * evaluated over subjects, bootstraps over RDMs (subjects), patterns (conditions) or both, the
 * dual-bootstrap variance correction, k-fold cross-validation, the noise ceiling, pairwise model
 * tests and a condition-label permutation test (which rsatoolbox lacks). Seeded and reproducible.
 */
import { checkInteger } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import { compareRdm, type CompareMethod } from "./compare.js";
import { rankdata } from "./ranks.js";
import {
  checkRdms,
  makeRdms,
  nPairs,
  rdmVector,
  rdmsFromVectors,
  subsetPatterns,
  subsetRdms,
  type Rdms,
} from "./rdms.js";
import {
  checkArray,
  checkArrayLike,
  checkOptions,
  checkString,
  describeValue,
} from "../core/validate.js";

/** Most bootstrap samples or permutations one call draws (rsatoolbox's default is 1000). */
export const MAX_RESAMPLES = 100_000;

/** A fixed model: a named RDM prediction over the data's conditions. */
export interface FixedModel {
  readonly name: string;
  readonly rdm: Rdms;
}

/**
 * A fixed model from an RDM set (its first RDM) or a condensed vector.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const model = rsa.modelFixed("graded", [1, 2, 3]); // an RDM over 3 conditions as a vector
 * ```
 */
export function modelFixed(name: string, rdm: Rdms | ArrayLike<number>): FixedModel {
  checkString(name, "name");
  if (rdm === null || typeof rdm !== "object")
    throw new TypeError(`rdm must be an RDM set or a condensed vector, got ${describeValue(rdm)}`);
  const r =
    "dissimilarities" in (rdm as Rdms)
      ? subsetRdms(rdm as Rdms, [0])
      : makeRdms([rdm as ArrayLike<number>]);
  return Object.freeze({ name, rdm: r });
}

function checkModels(models: readonly FixedModel[], data: Rdms): void {
  checkArrayLike(models, "models");
  checkRdms(data, "data");
  models.forEach((m, k) => {
    if (m === null || typeof m !== "object")
      throw new TypeError(`models[${k}] must be a model from modelFixed, got ${describeValue(m)}`);
    checkRdms(m.rdm, `models[${k}].rdm`);
  });
  if (models.length === 0) throw new RangeError("models must hold at least one model, got 0");
  models.forEach((m, k) => {
    if (m.rdm.nConditions !== data.nConditions)
      throw new RangeError(
        `models[${k}] (${m.name}) must have ${data.nConditions} conditions like the data, got ${m.rdm.nConditions}`,
      );
  });
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/**
 * The RDM that best represents a set under `method` (rsatoolbox's `pool_rdm`): mean of
 * RMS-normalised RDMs (cosine, cosineCov), of z-scored RDMs shifted to a zero minimum (corr,
 * corrCov), or of ranks (spearman, rhoA, tauA, tauB). NaN pairs of the first RDM stay NaN.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3], [2, 3, 4]]);
 * rsa.poolRdm(data, "corr"); // the mean RDM after the normalisation the method implies
 * ```
 */
export function poolRdm(rdms: Rdms, method: CompareMethod = "cosine"): Float64Array {
  checkRdms(rdms);
  const p = nPairs(rdms.nConditions);
  const rows: Float64Array[] = [];
  for (let r = 0; r < rdms.nRdm; r++) {
    const v = rdmVector(rdms, r);
    let w: Float64Array;
    if (method === "cosine" || method === "cosineCov") {
      const rms = Math.sqrt(nanMean(v.map((x) => x * x)));
      w = v.map((x) => x / rms);
    } else if (method === "corr" || method === "corrCov") {
      const m = nanMean(v);
      const sd = Math.sqrt(nanMean(v.map((x) => (x - m) ** 2)));
      w = v.map((x) => (x - m) / sd);
    } else if (
      method === "spearman" ||
      method === "rhoA" ||
      method === "tauA" ||
      method === "tauB" ||
      method === "kendall"
    ) {
      w = rankdata(v);
    } else
      throw new RangeError(
        `method ${describeValue(method)} has no pooled RDM (noise ceiling); use cosine, corr, spearman, rhoA, tauA, tauB, cosineCov or corrCov`,
      );
    rows.push(w);
  }
  const first = rows[0];
  const out = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    if (Number.isNaN(first[k])) {
      out[k] = NaN;
      continue;
    }
    let s = 0;
    for (const w of rows) s += w[k];
    out[k] = s / rows.length;
  }
  if (method === "corr" || method === "corrCov") {
    let lo = Infinity;
    for (const x of out) if (x < lo) lo = x;
    for (let k = 0; k < p; k++) out[k] -= lo;
  }
  return out;
}

function nanMean(v: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const x of v)
    if (!Number.isNaN(x)) {
      s += x;
      n++;
    }
  return s / n;
}

/** Lower and upper bound of the noise ceiling. */
export interface NoiseCeiling {
  /** Mean similarity of each subject (RDM group) with the pool of the others (leave one out). */
  lower: number;
  /** Mean similarity of each subject with the pool of all subjects (itself included). */
  upper: number;
}

/**
 * Noise ceiling by leave-one-subject-out (lower) and all subjects (upper), as rsatoolbox's
 * `boot_noise_ceiling`. `rdmDescriptor` groups RDMs (default "index": each RDM, and copies of one
 * RDM in a bootstrap sample stay together).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 4, 5, 6]]);
 * rsa.noiseCeiling(data, { method: "corr" }); // { lower, upper } (leave-one-out and all-subjects)
 * ```
 */
export function noiseCeiling(
  data: Rdms,
  opts: { method?: CompareMethod; rdmDescriptor?: string } = {},
): NoiseCeiling {
  checkRdms(data, "data");
  checkOptions(opts, ["method", "rdmDescriptor"], "noiseCeiling options");
  const method = opts.method ?? "cosine";
  const col = Object.hasOwn(data.rdmDescriptors, opts.rdmDescriptor ?? "index")
    ? data.rdmDescriptors[opts.rdmDescriptor ?? "index"]
    : undefined;
  if (!col)
    throw new RangeError(
      `rdmDescriptor must be an RDM descriptor (${Object.keys(data.rdmDescriptors).join(", ")}), got ${describeValue(opts.rdmDescriptor)}`,
    );
  const groups = [...new Set(col)];
  if (groups.length < 2)
    throw new RangeError(
      `noise ceiling needs at least 2 RDM groups (subjects), got ${groups.length}`,
    );
  const n = data.nConditions;
  const all = rdmsFromVectors(poolRdm(data, method), n);
  let lower = 0;
  let upper = 0;
  for (const g of groups) {
    const test: number[] = [];
    const train: number[] = [];
    col.forEach((v, i) => (v === g ? test : train).push(i));
    const testRdms = subsetRdms(data, test);
    const pooled = rdmsFromVectors(poolRdm(subsetRdms(data, train), method), n);
    lower += mean(compareRdm(pooled, testRdms, { method })[0]);
    upper += mean(compareRdm(all, testRdms, { method })[0]);
  }
  return { lower: lower / groups.length, upper: upper / groups.length };
}

/** Result of {@link evalFixed}. */
export interface FixedEvaluation {
  models: string[];
  method: CompareMethod;
  /** evaluations[m][r]: model m compared with RDM r. */
  evaluations: number[][];
  /** Mean evaluation per model. */
  means: number[];
  /** Covariance of the model means over RDMs (np.cov(..., ddof=0) / nRdm, as rsatoolbox); NaN for one RDM. */
  covariance: number[][];
  noiseCeiling: NoiseCeiling | undefined;
  /** Degrees of freedom for t-tests: nRdm - 1. */
  dof: number;
}

/**
 * Evaluates fixed models against every RDM (subject), as rsatoolbox's `eval_fixed`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 4, 5, 6]]);
 * const models = [rsa.modelFixed("graded", [1, 2, 3, 4, 5, 6]), rsa.modelFixed("flat", [1, 1, 2, 1, 1, 2])];
 * rsa.evalFixed(models, data, { method: "corr" }).means;
 * ```
 */
export function evalFixed(
  models: readonly FixedModel[],
  data: Rdms,
  opts: { method?: CompareMethod } = {},
): FixedEvaluation {
  checkModels(models, data);
  const method = opts.method ?? "cosine";
  const evaluations = models.map((m) => compareRdm(m.rdm, data, { method })[0]);
  const means = evaluations.map(mean);
  const k = data.nRdm;
  const covariance = means.map((mi, i) =>
    means.map((mj, j) =>
      k > 1
        ? evaluations[i].reduce((s, v, r) => s + (v - mi) * (evaluations[j][r] - mj), 0) / k / k
        : NaN,
    ),
  );
  return {
    models: models.map((m) => m.name),
    method,
    evaluations,
    means,
    covariance,
    noiseCeiling: k > 1 ? noiseCeiling(data, { method }) : undefined,
    dof: k - 1,
  };
}

/** One bootstrap sample: RDM indices (with repeats) and condition indices (with repeats). */
export interface BootstrapSample {
  rdmIndices: number[];
  patternIndices: number[];
}

/** What a bootstrap resamples: RDMs (subjects), patterns (conditions) or both. */
export type BootstrapKind = "both" | "rdm" | "pattern";

/**
 * Draws `n` seeded bootstrap samples of RDMs and/or patterns (the identity where not resampled).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3], [2, 3, 1]]);
 * rsa.bootstrapSamples(data, 10, { kind: "rdm", seed: 1 }); // 10 resamples of the subjects (RDMs)
 * ```
 */
export function bootstrapSamples(
  data: Rdms,
  n: number,
  opts: { kind?: BootstrapKind; seed?: number } = {},
): BootstrapSample[] {
  checkRdms(data, "data");
  checkInteger(n, "n", 1, MAX_RESAMPLES);
  checkOptions(opts, ["kind", "seed"], "bootstrapSamples options");
  const kind = opts.kind ?? "both";
  if (!["both", "rdm", "pattern"].includes(kind))
    throw new RangeError(`kind must be "both", "rdm" or "pattern", got ${describeValue(kind)}`);
  const rng = new Rng(opts.seed ?? 0);
  const identity = (k: number) => Array.from({ length: k }, (_, i) => i);
  const draw = (k: number) => Array.from({ length: k }, () => rng.int(k));
  return Array.from({ length: n }, () => {
    const rdmIndices = kind === "pattern" ? identity(data.nRdm) : draw(data.nRdm);
    const patternIndices =
      kind === "rdm" ? identity(data.nConditions) : draw(data.nConditions).sort((a, b) => a - b);
    return { rdmIndices, patternIndices };
  });
}

/** Result of {@link evalBootstrap}. */
export interface BootstrapEvaluation {
  models: string[];
  method: CompareMethod;
  kind: BootstrapKind;
  /** evaluations[s][m]: mean similarity of model m with the RDMs of sample s (NaN when < 3 distinct conditions). */
  evaluations: number[][];
  /** Per sample [lower, upper] noise ceiling (NaN for invalid samples). */
  noiseCeilings: [number, number][];
  /** Mean over valid samples per model. */
  means: number[];
  /** Covariance over valid samples of [models..., lower, upper] (np.cov, ddof 1), as rsatoolbox. */
  covariance: number[][];
  /** min(nRdm, nConditions) - 1 for "both", nRdm - 1 for "rdm", nConditions - 1 for "pattern". */
  dof: number;
  /** Number of RDMs (subjects) and of conditions of the data: the n of the n/(n-1) variance correction. */
  nRdm: number;
  nPattern: number;
}

/**
 * Bootstrap evaluation of fixed models (rsatoolbox's `eval_bootstrap`, `eval_bootstrap_rdm`,
 * `eval_bootstrap_pattern`): per sample, the mean similarity of each model with the resampled RDMs
 * and the sample's noise ceiling. Pass `samples` to reuse given indices, else `n` (default 1000)
 * are drawn with `seed`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 4, 5, 6], [1, 2, 4, 3, 5, 6]]);
 * const models = [rsa.modelFixed("graded", [1, 2, 3, 4, 5, 6])];
 * const result = rsa.evalBootstrap(models, data, { method: "corr", n: 200, kind: "rdm", seed: 1 });
 * rsa.evaluationSummary(result).sems;
 * ```
 */
export function evalBootstrap(
  models: readonly FixedModel[],
  data: Rdms,
  opts: {
    method?: CompareMethod;
    n?: number;
    kind?: BootstrapKind;
    seed?: number;
    samples?: readonly BootstrapSample[];
  } = {},
): BootstrapEvaluation {
  checkModels(models, data);
  checkOptions(opts, ["method", "n", "kind", "seed", "samples"], "evalBootstrap options");
  const method = opts.method ?? "cosine";
  const kind = opts.kind ?? "both";
  const samples = opts.samples ?? bootstrapSamples(data, opts.n ?? 1000, { kind, seed: opts.seed });
  const fast =
    FAST_METHODS.has(method) &&
    !data.dissimilarities.some(Number.isNaN) &&
    models.every((m) => !m.rdm.dissimilarities.some(Number.isNaN));
  const { evaluations, noiseCeilings } = fast
    ? bootstrapFast(models, data, samples, method)
    : bootstrapGeneric(models, data, samples, method);
  const ok = evaluations.map((e) => Number.isFinite(e[0]));
  const columns = [
    ...models.map((_, m) => evaluations.map((e) => e[m])),
    noiseCeilings.map((c) => c[0]),
    noiseCeilings.map((c) => c[1]),
  ].map((col) => col.filter((_, i) => ok[i]));
  const dof =
    kind === "both"
      ? Math.min(data.nRdm, data.nConditions) - 1
      : kind === "rdm"
        ? data.nRdm - 1
        : data.nConditions - 1;
  return {
    models: models.map((m) => m.name),
    method,
    kind,
    evaluations,
    noiseCeilings,
    means: columns.slice(0, models.length).map(mean),
    covariance: sampleCovariance(columns),
    dof,
    nRdm: data.nRdm,
    nPattern: data.nConditions,
  };
}

/** Per-sample evaluations through the public building blocks (any comparison method). */
function bootstrapGeneric(
  models: readonly FixedModel[],
  data: Rdms,
  samples: readonly BootstrapSample[],
  method: CompareMethod,
): { evaluations: number[][]; noiseCeilings: [number, number][] } {
  const evaluations: number[][] = [];
  const noiseCeilings: [number, number][] = [];
  for (const s of samples) {
    if (new Set(s.patternIndices).size < 3) {
      evaluations.push(models.map(() => NaN));
      noiseCeilings.push([NaN, NaN]);
      continue;
    }
    const sample = subsetPatterns(subsetRdms(data, s.rdmIndices), s.patternIndices);
    evaluations.push(
      models.map((m) =>
        mean(compareRdm(subsetPatterns(m.rdm, s.patternIndices), sample, { method })[0]),
      ),
    );
    if (new Set(s.rdmIndices).size < 2) noiseCeilings.push([NaN, NaN]);
    else {
      const nc = noiseCeiling(sample, { method });
      noiseCeilings.push([nc.lower, nc.upper]);
    }
  }
  return { evaluations, noiseCeilings };
}

/** Methods whose similarity is a dot product of per-vector "prepared" vectors (bootstrap fast path). */
const FAST_METHODS = new Set<CompareMethod>(["cosine", "corr", "spearman", "rhoA"]);

/** The prepared vector u(v) with similarity(a, b) = u(a)·u(b) for the FAST_METHODS. */
function prepare(v: Float64Array, method: CompareMethod): Float64Array {
  const q = v.length;
  let u: Float64Array =
    method === "spearman" || method === "rhoA" ? rankdata(v) : Float64Array.from(v);
  if (method !== "cosine") {
    const m = mean(u);
    for (let k = 0; k < q; k++) u[k] -= m;
  }
  if (method === "rhoA") {
    const scale = Math.sqrt(12 / (q ** 3 - q));
    for (let k = 0; k < q; k++) u[k] *= scale;
    return u;
  }
  let ss = 0;
  for (let k = 0; k < q; k++) ss += u[k] * u[k];
  const norm = Math.sqrt(ss);
  if (norm > 0) for (let k = 0; k < q; k++) u[k] /= norm;
  else u = new Float64Array(q); // a zero vector has similarity 0 (rsatoolbox's `_cosine`)
  return u;
}

/** poolRdm's per-RDM transform for the FAST_METHODS (complete vectors). */
function poolTransform(v: Float64Array, method: CompareMethod): Float64Array {
  if (method === "spearman" || method === "rhoA") return rankdata(v);
  const q = v.length;
  if (method === "cosine") {
    let ss = 0;
    for (let k = 0; k < q; k++) ss += v[k] * v[k];
    const rms = Math.sqrt(ss / q);
    return v.map((x) => x / rms);
  }
  const m = mean(v);
  let ss = 0;
  for (let k = 0; k < q; k++) ss += (v[k] - m) ** 2;
  const sd = Math.sqrt(ss / q);
  return v.map((x) => (x - m) / sd);
}

function dotOf(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/**
 * The same numbers as {@link bootstrapGeneric} for cosine/corr/spearman/rhoA on complete data,
 * without building RDM objects: each sample gathers the valid pairs once, prepares every distinct
 * RDM once, and gets leave-one-group-out pools from the total by subtraction.
 */
function bootstrapFast(
  models: readonly FixedModel[],
  data: Rdms,
  samples: readonly BootstrapSample[],
  method: CompareMethod,
): { evaluations: number[][]; noiseCeilings: [number, number][] } {
  const n = data.nConditions;
  const p = nPairs(n);
  const evaluations: number[][] = [];
  const noiseCeilings: [number, number][] = [];
  const gather = (src: Float64Array, offset: number, pairs: Int32Array): Float64Array => {
    const out = new Float64Array(pairs.length);
    for (let k = 0; k < pairs.length; k++) out[k] = src[offset + pairs[k]];
    return out;
  };
  for (const s of samples) {
    const pats = s.patternIndices;
    if (new Set(pats).size < 3) {
      evaluations.push(models.map(() => NaN));
      noiseCeilings.push([NaN, NaN]);
      continue;
    }
    const pairList: number[] = [];
    for (let a = 0; a < pats.length; a++) {
      for (let b = a + 1; b < pats.length; b++) {
        const i = pats[a];
        const j = pats[b];
        if (i !== j)
          pairList.push(
            i < j ? n * i - (i * (i + 1)) / 2 + j - i - 1 : n * j - (j * (j + 1)) / 2 + i - j - 1,
          );
      }
    }
    const pairs = Int32Array.from(pairList);
    const q = pairs.length;
    const counts = new Map<number, number>();
    for (const r of s.rdmIndices) counts.set(r, (counts.get(r) ?? 0) + 1);
    const total = s.rdmIndices.length;
    const prepared = new Map<number, Float64Array>();
    const pooled = new Map<number, Float64Array>();
    const meanPrepared = new Float64Array(q);
    const poolSum = new Float64Array(q);
    for (const [r, c] of counts) {
      const x = gather(data.dissimilarities, r * p, pairs);
      const u = prepare(x, method);
      const w = poolTransform(x, method);
      prepared.set(r, u);
      pooled.set(r, w);
      for (let k = 0; k < q; k++) {
        meanPrepared[k] += (c * u[k]) / total;
        poolSum[k] += c * w[k];
      }
    }
    evaluations.push(
      models.map((m) =>
        dotOf(prepare(gather(m.rdm.dissimilarities, 0, pairs), method), meanPrepared),
      ),
    );
    if (counts.size < 2) {
      noiseCeilings.push([NaN, NaN]);
      continue;
    }
    const all = prepare(
      poolSum.map((v) => v / total),
      method,
    );
    let lower = 0;
    let upper = 0;
    const rest = new Float64Array(q);
    for (const [r, c] of counts) {
      const u = prepared.get(r) as Float64Array;
      const w = pooled.get(r) as Float64Array;
      for (let k = 0; k < q; k++) rest[k] = (poolSum[k] - c * w[k]) / (total - c);
      lower += dotOf(prepare(rest, method), u);
      upper += dotOf(all, u);
    }
    noiseCeilings.push([lower / counts.size, upper / counts.size]);
  }
  return { evaluations, noiseCeilings };
}

/** np.cov of variables given as columns (ddof 1). */
function sampleCovariance(columns: number[][]): number[][] {
  const means = columns.map(mean);
  const n = columns[0]?.length ?? 0;
  return columns.map((a, i) =>
    columns.map(
      (b, j) => a.reduce((s, v, k) => s + (v - means[i]) * (b[k] - means[j]), 0) / (n - 1),
    ),
  );
}

/** Result of {@link evalDualBootstrap}. */
export interface DualBootstrapEvaluation {
  models: string[];
  method: CompareMethod;
  /** Means over the "both" bootstrap. */
  means: number[];
  /** Corrected variance of each model's evaluation. */
  modelVariances: number[];
  /** Corrected variance of each pairwise difference, in squareform order of model pairs. */
  differenceVariances: number[];
  /** Corrected variance of each model's difference to the [lower, upper] noise ceiling. */
  noiseCeilingVariances: [number, number][];
  noiseCeiling: NoiseCeiling;
  dof: number;
  /** The three bootstraps, run on the same samples. */
  both: BootstrapEvaluation;
  rdm: BootstrapEvaluation;
  pattern: BootstrapEvaluation;
}

/**
 * Dual bootstrap of fixed models: bootstraps over both factors, over RDMs only and over patterns
 * only from the same draws, combined by rsatoolbox's small-sample formula (`_dual_bootstrap`):
 * v = n_r/(n_r-1) v_rdm + n_p/(n_p-1) v_pattern - n_r n_p/((n_r-1)(n_p-1)) (v_both - v_rdm - v_pattern),
 * bounded below by each single-factor term and above by v_both. Counters the double counting of
 * the plain two-factor bootstrap. (rsatoolbox's `eval_dual_bootstrap` also cross-validates fitted
 * models; fixed models need no cross-validation, so this is its k = 1 case.)
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 4, 5, 6], [1, 2, 4, 3, 5, 6]]);
 * const models = [rsa.modelFixed("graded", [1, 2, 3, 4, 5, 6])];
 * rsa.evalDualBootstrap(models, data, { method: "corr", n: 100, seed: 1 }).modelVariances;
 * ```
 */
export function evalDualBootstrap(
  models: readonly FixedModel[],
  data: Rdms,
  opts: { method?: CompareMethod; n?: number; seed?: number } = {},
): DualBootstrapEvaluation {
  checkModels(models, data);
  checkOptions(opts, ["method", "n", "seed"], "evalDualBootstrap options");
  const samples = bootstrapSamples(data, opts.n ?? 1000, { kind: "both", seed: opts.seed });
  const rdmOnly = samples.map((s) => ({
    rdmIndices: s.rdmIndices,
    patternIndices: Array.from({ length: data.nConditions }, (_, i) => i),
  }));
  const patternOnly = samples.map((s) => ({
    rdmIndices: Array.from({ length: data.nRdm }, (_, i) => i),
    patternIndices: s.patternIndices,
  }));
  const run = (kind: BootstrapKind, ss: BootstrapSample[]) =>
    evalBootstrap(models, data, { method: opts.method, kind, samples: ss });
  const both = run("both", samples);
  const rdm = run("rdm", rdmOnly);
  const pattern = run("pattern", patternOnly);
  const nr = data.nRdm;
  const np = data.nConditions;
  const combine = (vb: number, vr: number, vp: number): number => {
    let v =
      (nr / (nr - 1)) * vr +
      (np / (np - 1)) * vp -
      ((np * nr) / (np - 1) / (nr - 1)) * (vb - vr - vp);
    v = Math.max(v, (nr / (nr - 1)) * vr, (np / (np - 1)) * vp);
    return Math.min(v, vb);
  };
  const m = models.length;
  const contrast = (cov: number[][], i: number, j: number) => cov[i][i] + cov[j][j] - 2 * cov[i][j];
  const modelVariances = models.map((_, i) =>
    combine(both.covariance[i][i], rdm.covariance[i][i], pattern.covariance[i][i]),
  );
  const differenceVariances: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++)
      differenceVariances.push(
        combine(
          contrast(both.covariance, i, j),
          contrast(rdm.covariance, i, j),
          contrast(pattern.covariance, i, j),
        ),
      );
  const noiseCeilingVariances = models.map(
    (_, i) =>
      [m, m + 1].map((c) =>
        combine(
          contrast(both.covariance, i, c),
          contrast(rdm.covariance, i, c),
          contrast(pattern.covariance, i, c),
        ),
      ) as [number, number],
  );
  return {
    models: models.map((x) => x.name),
    method: both.method,
    means: both.means,
    modelVariances,
    differenceVariances,
    noiseCeilingVariances,
    noiseCeiling: noiseCeiling(data, { method: both.method }),
    dof: Math.min(nr, np) - 1,
    both,
    rdm,
    pattern,
  };
}

/** Result of {@link evalCrossval}. */
export interface CrossvalEvaluation {
  models: string[];
  method: CompareMethod;
  /** evaluations[f][m]: model m on test fold f (RDM fold x pattern fold). */
  evaluations: number[][];
  /** Per fold [lower, upper] noise ceiling: pool of the training RDMs / of all RDMs against the test RDMs. */
  noiseCeilings: [number, number][];
  means: number[];
}

/**
 * k-fold cross-validation over RDMs (subjects) and patterns (conditions), seeded: every test set
 * is one RDM fold restricted to one pattern fold (>= 3 conditions). Fixed models need no
 * training; the training RDMs give the fold's lower noise ceiling.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 4, 5, 6], [1, 2, 4, 3, 5, 6]]);
 * rsa.evalCrossval([rsa.modelFixed("graded", [1, 2, 3, 4, 5, 6])], data, { kRdm: 2, kPattern: 1, seed: 1 }).means;
 * ```
 */
export function evalCrossval(
  models: readonly FixedModel[],
  data: Rdms,
  opts: { method?: CompareMethod; kRdm?: number; kPattern?: number; seed?: number } = {},
): CrossvalEvaluation {
  checkModels(models, data);
  checkOptions(opts, ["method", "kRdm", "kPattern", "seed"], "evalCrossval options");
  const method = opts.method ?? "cosine";
  const kRdm = checkInteger(opts.kRdm ?? Math.min(5, data.nRdm), "kRdm", 2, data.nRdm);
  const kPattern = checkInteger(
    opts.kPattern ?? 1,
    "kPattern",
    1,
    Math.floor(data.nConditions / 3),
  );
  const rng = new Rng(opts.seed ?? 0);
  const rdmFolds = folds(data.nRdm, kRdm, rng);
  const patternFolds = folds(data.nConditions, kPattern, rng);
  const evaluations: number[][] = [];
  const noiseCeilings: [number, number][] = [];
  const n = data.nConditions;
  const all = rdmsFromVectors(poolRdm(data, method), n);
  for (const testR of rdmFolds) {
    const trainR = Array.from({ length: data.nRdm }, (_, i) => i).filter((i) => !testR.includes(i));
    const pooledTrain = rdmsFromVectors(poolRdm(subsetRdms(data, trainR), method), n);
    for (const testP of patternFolds) {
      const pats = [...testP].sort((a, b) => a - b);
      const test = subsetPatterns(subsetRdms(data, testR), pats);
      evaluations.push(
        models.map((m) => mean(compareRdm(subsetPatterns(m.rdm, pats), test, { method })[0])),
      );
      noiseCeilings.push([
        mean(compareRdm(subsetPatterns(pooledTrain, pats), test, { method })[0]),
        mean(compareRdm(subsetPatterns(all, pats), test, { method })[0]),
      ]);
    }
  }
  return {
    models: models.map((m) => m.name),
    method,
    evaluations,
    noiseCeilings,
    means: models.map((_, m) => mean(evaluations.map((e) => e[m]))),
  };
}

/** Random partition of 0..n-1 into k folds of (nearly) equal size. */
function folds(n: number, k: number, rng: Rng): number[][] {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return Array.from({ length: k }, (_, f) => perm.filter((_, i) => i % k === f));
}

/**
 * Two-sided t-tests of every pair of models: t = (mean_i - mean_j) / sqrt(var of the difference),
 * p = 2 (1 - T_dof(|t|)) (rsatoolbox's `t_tests`). `differenceVariances` in squareform order of
 * model pairs; returns an m x m matrix with 1 on the diagonal.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.pairwiseTTests([0.5, 0.2], [0.01], 9); // p-values of model differences, 2 x 2
 * ```
 */
export function pairwiseTTests(
  means: readonly number[],
  differenceVariances: readonly number[],
  dof: number,
): number[][] {
  checkArrayLike(means, "means");
  checkArrayLike(differenceVariances, "differenceVariances");
  const m = means.length;
  if (differenceVariances.length !== nPairs(m))
    throw new RangeError(
      `differenceVariances must have ${nPairs(m)} entries (model pairs), got ${differenceVariances.length}`,
    );
  checkInteger(dof, "dof", 1);
  const p = Array.from({ length: m }, () => new Array<number>(m).fill(1));
  let k = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const t =
        (means[i] - means[j]) / Math.sqrt(Math.max(differenceVariances[k++], Number.EPSILON));
      p[i][j] = p[j][i] = 2 * (1 - studentTCdf(Math.abs(t), dof));
    }
  }
  return p;
}

/**
 * One-sided t-tests of each model against 0: p = 1 - T_dof(mean / sd) (rsatoolbox's `t_test_0`).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.zeroTTests([0.5, 0.02], [0.01, 0.01], 9); // one-sided p-values against 0
 * ```
 */
export function zeroTTests(
  means: readonly number[],
  variances: readonly number[],
  dof: number,
): number[] {
  checkArrayLike(means, "means");
  checkArrayLike(variances, "variances", { length: means.length });
  if (variances.length !== means.length)
    throw new RangeError(
      `variances must have ${means.length} entries (one per model), got ${variances.length}`,
    );
  checkInteger(dof, "dof", 1);
  return means.map(
    (m, i) => 1 - studentTCdf(m / Math.sqrt(Math.max(variances[i], Number.EPSILON)), dof),
  );
}

/**
 * Two-sided t-tests of each model against the (lower) noise ceiling: t = (mean - ceiling) / sd of
 * the difference, p = 2 (1 - T_dof(|t|)) (rsatoolbox's `t_test_nc`).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.noiseCeilingTTests([0.5, 0.2], [0.01, 0.01], 0.6, 9); // p-values of "model below the lower ceiling"
 * ```
 */
export function noiseCeilingTTests(
  means: readonly number[],
  differenceToCeilingVariances: readonly number[],
  ceiling: number,
  dof: number,
): number[] {
  checkArrayLike(means, "means");
  checkArrayLike(differenceToCeilingVariances, "differenceToCeilingVariances", {
    length: means.length,
  });
  if (differenceToCeilingVariances.length !== means.length)
    throw new RangeError(
      `differenceToCeilingVariances must have ${means.length} entries (one per model), got ${differenceToCeilingVariances.length}`,
    );
  checkInteger(dof, "dof", 1);
  return means.map(
    (m, i) =>
      2 *
      (1 -
        studentTCdf(
          Math.abs(
            (m - ceiling) / Math.sqrt(Math.max(differenceToCeilingVariances[i], Number.EPSILON)),
          ),
          dof,
        )),
  );
}

/**
 * Variances of pairwise differences (squareform order of model pairs) from a covariance matrix of the models.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.differenceVariances([[0.04, 0.01], [0.01, 0.09]]); // [0.04 + 0.09 - 2 * 0.01] = [0.11]
 * ```
 */
export function differenceVariances(
  covariance: readonly (readonly number[])[],
  nModels?: number,
): number[] {
  checkArray(covariance, "covariance");
  covariance.forEach((row, k) =>
    checkArrayLike(row, `covariance[${k}]`, { minLength: covariance.length }),
  );
  nModels =
    nModels === undefined
      ? covariance.length
      : checkInteger(nModels, "nModels", 0, covariance.length);
  const out: number[] = [];
  for (let i = 0; i < nModels; i++)
    for (let j = i + 1; j < nModels; j++)
      out.push(covariance[i][i] + covariance[j][j] - 2 * covariance[i][j]);
  return out;
}

/**
 * Bootstrap pair tests (rsatoolbox's `bootstrap_pair_tests`): p = 2 min(P(e_i < e_j), 1 - ...)
 * over samples (ties excluded), shrunk as (N - 1)/N p + 1/N. NaN samples are skipped.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const evaluations = [[0.5, 0.2], [0.6, 0.1], [0.4, 0.3], [0.55, 0.25]]; // bootstrap samples x models
 * rsa.bootstrapPairTests(evaluations); // two-sided p-values per model pair
 * ```
 */
export function bootstrapPairTests(evaluations: readonly (readonly number[])[]): number[][] {
  checkArray(evaluations, "evaluations");
  evaluations.forEach((row, k) => checkArrayLike(row, `evaluations[${k}]`));
  const rows = evaluations.filter((e) => e.every(Number.isFinite));
  const m = evaluations[0]?.length ?? 0;
  const n = rows.length;
  const p = Array.from({ length: m }, () => new Array<number>(m).fill(1));
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      let less = 0;
      let ties = 0;
      for (const e of rows) {
        if (e[i] < e[j]) less++;
        else if (e[i] === e[j]) ties++;
      }
      const prop = less / (n - ties);
      const two = Math.min(prop, 1 - prop) * 2;
      p[i][j] = p[j][i] = ((n - 1) / n) * two + 1 / n;
    }
  }
  return p;
}

/** Result of {@link permutationTest}. */
export interface PermutationTest {
  model: string;
  /** Mean similarity of the model with the data RDMs. */
  observed: number;
  /** One-sided p = (1 + #{null >= observed}) / (1 + n). */
  p: number;
  null: Float64Array;
}

/**
 * Condition-label randomisation test (Nili et al. 2014; not in rsatoolbox): the model RDM's
 * conditions are permuted `n` times (default 10000, seeded) and the mean similarity with the data
 * recomputed; p is the share of permutations at least as similar as the true labelling.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5]]);
 * rsa.permutationTest(rsa.modelFixed("graded", [1, 2, 3, 4, 5, 6]), data, { n: 200, seed: 1 }).p;
 * ```
 */
export function permutationTest(
  model: FixedModel,
  data: Rdms,
  opts: { method?: CompareMethod; n?: number; seed?: number } = {},
): PermutationTest {
  checkModels([model], data);
  checkOptions(opts, ["method", "n", "seed"], "permutationTest options");
  const method = opts.method ?? "cosine";
  const n = checkInteger(opts.n ?? 10000, "n", 1, MAX_RESAMPLES);
  const rng = new Rng(opts.seed ?? 0);
  const observed = mean(compareRdm(model.rdm, data, { method })[0]);
  const k = data.nConditions;
  const perm = Array.from({ length: k }, (_, i) => i);
  const nul = new Float64Array(n);
  let atLeast = 0;
  for (let s = 0; s < n; s++) {
    for (let i = k - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const permuted = subsetPatterns(model.rdm, perm);
    nul[s] = mean(compareRdm(rdmsFromVectors(permuted.dissimilarities, k), data, { method })[0]);
    if (nul[s] >= observed) atLeast++;
  }
  return { model: model.name, observed, p: (1 + atLeast) / (1 + n), null: nul };
}

/** Result of {@link evaluationSummary}: what rsatoolbox's `Result` reports (`get_sem`, `test_zero`, `test_noise`, `test_pairwise`). */
export interface EvaluationSummary {
  models: string[];
  method: CompareMethod;
  /** Mean evaluation per model. */
  means: number[];
  /** Variance of each model's mean evaluation, small-sample corrected (rsatoolbox's `model_var`). */
  variances: number[];
  /** Standard errors sqrt(max(variance, 0)) (rsatoolbox's `get_sem()`). */
  sems: number[];
  /** Corrected variances of pairwise differences (squareform order of model pairs). */
  differenceVariances: number[];
  /** Corrected variances of each model's difference to the [lower, upper] noise ceiling. */
  noiseCeilingVariances: [number, number][];
  /** Noise ceiling [lower, upper] (mean over valid bootstrap samples), or null. */
  noiseCeiling: [number, number] | null;
  /** One-sided t-test p-values of "evaluation > 0" (`t_test_0`); NaN without a variance estimate. */
  pZero: number[];
  /** Two-sided t-test p-values against the lower noise ceiling (`t_test_nc`); NaN without one. */
  pNoiseCeiling: number[];
  /** Two-sided pairwise t-test p-values (`t_tests`), models x models. */
  pPairwise: number[][];
  dof: number;
  /** The factor n/(n-1) applied to the covariance (1 for the dual bootstrap, which corrects itself). */
  correction: number;
}

/**
 * SEMs and t-tests of a model evaluation exactly as rsatoolbox's `Result` computes them: the
 * covariance of the evaluation is multiplied by n/(n-1) (`extract_variances` / `_correct_1d`), with
 * n = the number of RDMs for `evalFixed` and RDM bootstraps, the number of conditions for pattern
 * bootstraps and min(nRdm, nConditions) for the two-factor bootstrap; the dual bootstrap's variances
 * are already corrected. The RDM widget's error bars and significance marks come from here.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 6, 5], [2, 1, 3, 4, 5, 6]]);
 * const summary = rsa.evaluationSummary(rsa.evalFixed([rsa.modelFixed("graded", [1, 2, 3, 4, 5, 6])], data));
 * summary.sems; summary.pZero; // as rsatoolbox's results.get_sem() and test_zero()
 * ```
 */
export function evaluationSummary(
  result: FixedEvaluation | BootstrapEvaluation | DualBootstrapEvaluation,
): EvaluationSummary {
  const r = result as Partial<FixedEvaluation>;
  if (typeof r !== "object" || r === null || !Array.isArray(r.models) || !Array.isArray(r.means)) {
    throw new TypeError(
      `result must be an evaluation result (evalFixed, evalBootstrap, ...), got ${describeValue(result)}`,
    );
  }
  const m = result.models.length;
  const { means, dof, method } = result;
  let variances: number[];
  let diffs: number[];
  let ncVars: [number, number][];
  let noiseCeiling: [number, number] | null = null;
  let correction = 1;
  if ("modelVariances" in result) {
    variances = [...result.modelVariances];
    diffs = [...result.differenceVariances];
    ncVars = result.noiseCeilingVariances.map((v) => [v[0], v[1]]);
    noiseCeiling = [result.noiseCeiling.lower, result.noiseCeiling.upper];
  } else {
    const cov = result.covariance;
    let n: number;
    if ("kind" in result) {
      n =
        result.kind === "both"
          ? Math.min(result.nRdm, result.nPattern)
          : result.kind === "rdm"
            ? result.nRdm
            : result.nPattern;
      const lows = result.noiseCeilings.map((c) => c[0]).filter((v) => !Number.isNaN(v));
      const highs = result.noiseCeilings.map((c) => c[1]).filter((v) => !Number.isNaN(v));
      if (lows.length > 0 && highs.length > 0) noiseCeiling = [mean(lows), mean(highs)];
    } else {
      n = result.evaluations[0]?.length ?? 0;
      if (result.noiseCeiling)
        noiseCeiling = [result.noiseCeiling.lower, result.noiseCeiling.upper];
    }
    correction = n > 1 ? n / (n - 1) : NaN;
    const ncIncluded = cov.length === m + 2;
    variances = means.map((_, i) => correction * cov[i][i]);
    diffs = differenceVariances(cov, m).map((v) => correction * v);
    ncVars = means.map((_, i) =>
      ncIncluded
        ? ([m, m + 1].map((c) => correction * (cov[i][i] - 2 * cov[i][c] + cov[c][c])) as [
            number,
            number,
          ])
        : [variances[i], variances[i]],
    );
  }
  const testable = dof >= 1;
  const pZero = testable
    ? zeroTTests(
        means,
        variances.map((v) => (Number.isNaN(v) ? NaN : v)),
        dof,
      )
    : means.map(() => NaN);
  const pNoiseCeiling =
    testable && noiseCeiling
      ? noiseCeilingTTests(
          means,
          ncVars.map((v) => v[0]),
          noiseCeiling[0],
          dof,
        )
      : means.map(() => NaN);
  const pPairwise = testable
    ? pairwiseTTests(means, diffs, dof)
    : means.map(() => means.map(() => NaN));
  return {
    models: [...result.models],
    method,
    means: [...means],
    variances,
    sems: variances.map((v) => Math.sqrt(Math.max(v, 0))),
    differenceVariances: diffs,
    noiseCeilingVariances: ncVars,
    noiseCeiling,
    pZero,
    pNoiseCeiling,
    pPairwise,
    dof,
    correction,
  };
}

/**
 * Student's t cumulative distribution function with `dof` degrees of freedom.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.studentTCdf(0, 10); // 0.5
 * ```
 */
export function studentTCdf(t: number, dof: number): number {
  if (typeof t !== "number") throw new TypeError(`t must be a number, got ${describeValue(t)}`);
  if (typeof dof !== "number" || !(dof > 0))
    throw new RangeError(`dof must be a number > 0, got ${describeValue(dof)}`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const x = dof / (dof + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, dof / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** I_x(a, b) by Lentz's continued fraction (Numerical Recipes `betacf`), relative error ~1e-15. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = Math.log(x) * a + Math.log1p(-x) * b - logBeta(a, b);
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(lnFront) * f) / a;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
function logGamma(x: number): number {
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = coef[0];
  const t = y + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += coef[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Long table columns of model evaluations, one row per model and RDM (fixed) or sample
 * (bootstrap / cross-validation): pass to `aq.table(...)`.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3], [1, 3, 2]]);
 * const result = rsa.evalFixed([rsa.modelFixed("graded", [1, 2, 3])], data);
 * aq.table(rsa.evaluationsToColumns(result)); // one row per model and evaluation
 * ```
 */
export function evaluationsToColumns(
  result: FixedEvaluation | BootstrapEvaluation | CrossvalEvaluation,
): { model: string[]; index: number[]; evaluation: number[] } {
  if (
    result === null ||
    typeof result !== "object" ||
    !Array.isArray(result.models) ||
    !Array.isArray((result as { evaluations?: unknown }).evaluations)
  )
    throw new TypeError(
      "result must be an evaluation from evalFixed, evalBootstrap or evalCrossval",
    );
  const cols = { model: [] as string[], index: [] as number[], evaluation: [] as number[] };
  if ("covariance" in result && "noiseCeiling" in result) {
    // fixed: evaluations[model][rdm]
    result.evaluations.forEach((row, m) =>
      row.forEach((v, r) => {
        cols.model.push(result.models[m]);
        cols.index.push(r);
        cols.evaluation.push(v);
      }),
    );
  } else {
    // bootstrap / crossval: evaluations[sample][model]
    result.evaluations.forEach((row, s) =>
      row.forEach((v, m) => {
        cols.model.push(result.models[m]);
        cols.index.push(s);
        cols.evaluation.push(v);
      }),
    );
  }
  return cols;
}
