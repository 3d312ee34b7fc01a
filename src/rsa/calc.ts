/**
 * RDMs from datasets (rsatoolbox's `calc_rdm`): euclidean, correlation, mahalanobis,
 * crossnobis, poisson and cross-validated poisson dissimilarities, plus the noise precision
 * estimates used by the mahalanobis family (`prec_from_residuals`).
 */
import { checkArray, checkArrayLike, checkOptions, checkOptionsObject } from "../core/validate.js";
import { checkNumber } from "../core/checks.js";
import {
  averageGroups,
  checkDataset,
  makeDataset,
  obsDescriptor,
  type Dataset,
} from "./dataset.js";
import { groupBy, type DescriptorValue } from "./descriptors.js";
import { crossRows, gramRows, invert, matmul } from "./linalg.js";
import { nPairs, rdmsFromVectors, type Rdms } from "./rdms.js";
import { describeValue } from "../core/describe.js";

/** Dissimilarity measures of {@link calcRdm} (rsatoolbox names in camelCase). */
export type RdmMethod =
  "euclidean" | "correlation" | "mahalanobis" | "crossnobis" | "poisson" | "poissonCv";

/** Options of {@link calcRdm}. */
export interface CalcRdmOptions {
  /** Dissimilarity measure; default "euclidean". */
  method?: RdmMethod;
  /** Observation descriptor whose values are the conditions (observations are averaged per value, conditions sorted). Default: one condition per observation. */
  descriptor?: string;
  /** Noise precision matrix (channels x channels), row-major Float64Array or rows; mahalanobis and crossnobis. Default identity. */
  noise?: Float64Array | readonly (readonly number[])[];
  /** Observation descriptor of the cross-validation folds (runs/sessions); crossnobis and poissonCv. Default: k-th repetition of each condition is fold k (rsatoolbox's default, needs equal repetitions). */
  cvDescriptor?: string;
  /**
   * Cross-validation scheme of crossnobis: "leaveOneOut" (rsatoolbox `calc_rdm`: each fold against the
   * average of the others; needs every condition in every fold), "allPairs" (rsatoolbox
   * `calc_rdm_unbalanced`: all pairs of observations from different folds), or "auto" (default:
   * leaveOneOut when every condition occurs in every fold, allPairs otherwise).
   */
  crossValidation?: "auto" | "leaveOneOut" | "allPairs";
  /** Poisson prior rate λ (default 1) and weight w (default 0.1): patterns become (x + λ w) / (1 + w). */
  priorLambda?: number;
  priorWeight?: number;
  /** Subtract each pattern's mean over channels first (euclidean, mahalanobis, crossnobis). Default false. */
  removeMean?: boolean;
}

/** A dataset from plain rows; errors name the argument as the user gave it (`dataset`). */
function datasetFromRows(rows: readonly (readonly number[])[]): Dataset {
  try {
    return makeDataset(rows);
  } catch (e) {
    const err = e as Error;
    throw new (err.constructor as ErrorConstructor)(`dataset (rows of numbers): ${err.message}`);
  }
}

/**
 * Computes one RDM from a dataset. Conditions are the sorted distinct values of `descriptor`
 * (observations averaged per condition), dissimilarities are divided by the number of channels
 * (except correlation), as in rsatoolbox. A NaN measurement makes every dissimilarity of its
 * condition NaN (crossnobis "allPairs" without a noise matrix instead skips NaN channels per pair,
 * as rsatoolbox does). Plain arrays (one row of channel values per observation, each its own
 * condition) are read with `makeDataset` first.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * // 3 conditions x 4 channels, as plain rows (each row its own condition)
 * const rdms = rsa.calcRdm([[1, 2, 3, 4], [2, 3, 4, 5], [4, 1, 0, 2]], { method: "euclidean" });
 * rdms.dissimilarities; // Float64Array of 3 pairs, squareform order: (0,1), (0,2), (1,2)
 * ```
 */
export function calcRdm(
  data: Dataset | readonly (readonly number[])[],
  opts: CalcRdmOptions = {},
): Rdms {
  if (Array.isArray(data) && !data.every((row) => Array.isArray(row) || ArrayBuffer.isView(row))) {
    throw new TypeError(
      `dataset must be a Dataset (rsa.makeDataset) or rows of numbers (number[][]), got an array whose rows are not all arrays`,
    );
  }
  const dataset: Dataset = Array.isArray(data)
    ? datasetFromRows(data as readonly (readonly number[])[])
    : (data as Dataset);
  checkDataset(dataset);
  checkOptions(
    opts,
    [
      "method",
      "descriptor",
      "noise",
      "cvDescriptor",
      "crossValidation",
      "priorLambda",
      "priorWeight",
      "removeMean",
    ],
    "calcRdm options",
  );
  const method = opts.method ?? "euclidean";
  const c = dataset.nChannels;
  const noise = opts.noise === undefined ? undefined : checkNoise(opts.noise, c);
  switch (method) {
    case "euclidean":
    case "correlation":
    case "mahalanobis":
    case "poisson": {
      const { x, labels, n } = conditionPatterns(dataset, opts.descriptor);
      if (n < 2)
        throw new RangeError(`dataset must have at least 2 conditions for an RDM, got ${n}`);
      let v: Float64Array;
      if (method === "correlation") v = correlationDistances(x, n, c);
      else if (method === "poisson") v = poissonDistances(applyPoissonPrior(x, opts), n, c);
      else {
        if (opts.removeMean) removeRowMeans(x, n, c);
        v =
          method === "mahalanobis" && noise
            ? mahalanobisDistances(x, n, c, noise)
            : euclideanDistances(x, n, c);
      }
      const measure =
        method === "euclidean" || (method === "mahalanobis" && !noise)
          ? "squared euclidean"
          : method === "mahalanobis"
            ? "squared mahalanobis"
            : method;
      return build(v, n, measure, dataset, opts.descriptor, labels);
    }
    case "crossnobis":
    case "poissonCv": {
      const folds = crossValidationFolds(dataset, opts.descriptor, opts.cvDescriptor, method);
      const scheme = opts.crossValidation ?? "auto";
      if (!["auto", "leaveOneOut", "allPairs"].includes(scheme))
        throw new RangeError(
          `crossValidation must be "auto", "leaveOneOut" or "allPairs", got ${describeValue(scheme)}`,
        );
      const balanced = folds.everyConditionInEveryFold;
      if (scheme === "leaveOneOut" && !balanced)
        throw new RangeError(
          `crossValidation "leaveOneOut" needs every condition in every fold of ${JSON.stringify(folds.cvName)}; use "allPairs" for unbalanced data`,
        );
      let v: Float64Array;
      if (method === "poissonCv") {
        if (!balanced)
          throw new RangeError(
            `poissonCv needs every condition in every fold of ${JSON.stringify(folds.cvName)}`,
          );
        if (scheme === "allPairs")
          throw new RangeError(`poissonCv supports crossValidation "leaveOneOut" only`);
        v = poissonCvDistances(dataset, folds, opts);
      } else if (scheme === "allPairs" || !balanced) {
        v = crossnobisAllPairs(dataset, folds, noise, opts.removeMean ?? false);
      } else {
        v = crossnobisLeaveOneOut(dataset, folds, noise, opts.removeMean ?? false);
      }
      return build(
        v,
        folds.nConditions,
        method === "crossnobis" ? "crossnobis" : "poisson_cv",
        dataset,
        opts.descriptor,
        folds.labels,
      );
    }
    default:
      throw new RangeError(
        `method must be one of euclidean, correlation, mahalanobis, crossnobis, poisson, poissonCv, got ${describeValue(method)}`,
      );
  }
}

/** Condition patterns: averages per descriptor value (sorted), or the raw observations. */
function conditionPatterns(
  dataset: Dataset,
  descriptor: string | undefined,
): { x: Float64Array; labels: DescriptorValue[] | undefined; n: number } {
  if (descriptor === undefined)
    return {
      x: Float64Array.from(dataset.measurements),
      labels: undefined,
      n: dataset.nObservations,
    };
  const { labels, groupOf } = groupBy(obsDescriptor(dataset, descriptor));
  const { means } = averageGroups(
    dataset.measurements,
    dataset.nChannels,
    groupOf,
    labels.length,
    labels,
  );
  return { x: means, labels, n: labels.length };
}

function build(
  v: Float64Array,
  n: number,
  measure: string,
  dataset: Dataset,
  descriptor: string | undefined,
  labels: DescriptorValue[] | undefined,
): Rdms {
  const rdmDescriptors: Record<string, DescriptorValue[]> = {};
  for (const [k, val] of Object.entries(dataset.descriptors)) rdmDescriptors[k] = [val];
  let patternDescriptors: Record<string, DescriptorValue[]>;
  if (descriptor === undefined || labels === undefined) {
    patternDescriptors = Object.fromEntries(
      Object.entries(dataset.obsDescriptors)
        .filter(([k]) => k !== "index")
        .map(([k, col]) => [k, [...col]]),
    );
  } else {
    // Keep the observation descriptors that are constant within every condition (rsatoolbox's rule).
    const { groupOf } = groupBy(obsDescriptor(dataset, descriptor));
    patternDescriptors = {};
    for (const [name, col] of Object.entries(dataset.obsDescriptors)) {
      if (name === "index") continue;
      const val: (DescriptorValue | undefined)[] = new Array(n).fill(undefined);
      let constant = true;
      for (let o = 0; o < col.length && constant; o++) {
        const g = groupOf[o];
        if (val[g] === undefined) val[g] = col[o];
        else if (val[g] !== col[o]) constant = false;
      }
      if (constant) patternDescriptors[name] = val as DescriptorValue[];
    }
    patternDescriptors[descriptor] = labels;
  }
  return rdmsFromVectors(v, n, { measure, patternDescriptors, rdmDescriptors });
}

function checkNoise(noise: Float64Array | readonly (readonly number[])[], c: number): Float64Array {
  let p: Float64Array;
  if (noise instanceof Float64Array) {
    if (noise.length !== c * c)
      throw new RangeError(
        `noise must be a ${c} x ${c} precision matrix (${c * c} entries), got ${noise.length} entries`,
      );
    p = noise;
  } else {
    if (noise.length !== c || noise.some((r) => r.length !== c))
      throw new RangeError(
        `noise must be a ${c} x ${c} precision matrix, got ${noise.length} rows`,
      );
    p = new Float64Array(c * c);
    noise.forEach((r, i) => p.set(r, i * c));
  }
  for (let i = 0; i < p.length; i++)
    if (!Number.isFinite(p[i]))
      throw new RangeError(`noise[${Math.floor(i / c)}][${i % c}] must be finite, got ${p[i]}`);
  return p;
}

/**
 * Subtracts from every row of a row-major n x c matrix its mean.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const x = new Float64Array([1, 2, 3, 10, 20, 30]); // 2 rows x 3 channels, row-major
 * rsa.removeRowMeans(x, 2, 3); // in place: [-1, 0, 1, -10, 0, 10]
 * ```
 */
export function removeRowMeans(x: Float64Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += x[i * c + k];
    const m = s / c;
    for (let k = 0; k < c; k++) x[i * c + k] -= m;
  }
}

/** Condensed (g_ii + g_jj - g_ij - g_ji) / c of an n x n kernel matrix. */
function kernelToDistances(g: Float64Array, n: number, c: number): Float64Array {
  const v = new Float64Array(nPairs(n));
  let k = 0;
  for (let i = 0; i < n; i++) {
    const gii = g[i * n + i];
    for (let j = i + 1; j < n; j++) v[k++] = (gii + g[j * n + j] - g[i * n + j] - g[j * n + i]) / c;
  }
  return v;
}

/**
 * Squared euclidean distances between rows divided by the number of channels.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.euclideanDistances(new Float64Array([0, 0, 3, 4]), 2, 2); // [12.5]: squared distance / channels
 * ```
 */
export function euclideanDistances(x: Float64Array, n: number, c: number): Float64Array {
  return kernelToDistances(gramRows(x, n, c), n, c);
}

/**
 * Squared mahalanobis distances (x_i - x_j)ᵀ P (x_i - x_j) / c for a precision matrix P.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const identity = new Float64Array([1, 0, 0, 1]);
 * rsa.mahalanobisDistances(new Float64Array([0, 0, 3, 4]), 2, 2, identity); // equals the euclidean [12.5]
 * ```
 */
export function mahalanobisDistances(
  x: Float64Array,
  n: number,
  c: number,
  precision: Float64Array,
): Float64Array {
  const xp = matmul(x, n, c, precision, c);
  return kernelToDistances(crossRows(xp, n, x, n, c), n, c);
}

/**
 * Correlation distances 1 - r between rows (not divided by channels; a constant row gives NaN).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.correlationDistances(new Float64Array([1, 2, 3, 3, 2, 1]), 2, 3); // [2]: 1 - r with r = -1
 * ```
 */
export function correlationDistances(x: Float64Array, n: number, c: number): Float64Array {
  const z = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += z[i * c + k];
    const m = s / c;
    let ss = 0;
    for (let k = 0; k < c; k++) {
      const d = z[i * c + k] - m;
      z[i * c + k] = d;
      ss += d * d;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let k = 0; k < c; k++) z[i * c + k] *= inv;
  }
  const g = gramRows(z, n, c);
  const v = new Float64Array(nPairs(n));
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) v[k++] = 1 - g[i * n + j];
  return v;
}

function applyPoissonPrior(x: Float64Array, opts: CalcRdmOptions): Float64Array {
  const lambda = checkNumber(opts.priorLambda ?? 1, "priorLambda", { min: 0 });
  const w = checkNumber(opts.priorWeight ?? 0.1, "priorWeight", { min: 0 });
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = (x[i] + lambda * w) / (1 + w);
  return y;
}

function logOf(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.log(x[i]);
  return y;
}

/**
 * Symmetrised Poisson KL divergences Σ (x_i - x_j)(log x_i - log x_j) / c of prior-smoothed rates (negative rates give NaN).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.poissonDistances(new Float64Array([1, 2, 2, 1]), 2, 2); // symmetrised KL divergence per channel
 * ```
 */
export function poissonDistances(rates: Float64Array, n: number, c: number): Float64Array {
  return kernelToDistances(crossRows(rates, n, logOf(rates), n, c), n, c);
}

/** Cross-validation fold structure of a dataset. */
interface Folds {
  cvName: string;
  nConditions: number;
  labels: DescriptorValue[];
  conditionOf: Int32Array;
  nFolds: number;
  foldOf: Int32Array;
  everyConditionInEveryFold: boolean;
}

function crossValidationFolds(
  dataset: Dataset,
  descriptor: string | undefined,
  cvDescriptor: string | undefined,
  method: string,
): Folds {
  if (descriptor === undefined)
    throw new RangeError(
      `descriptor is required for ${method}: cross-validation needs repeated measurements grouped into conditions`,
    );
  const conds = groupBy(obsDescriptor(dataset, descriptor));
  const n = conds.labels.length;
  if (n < 2) throw new RangeError(`dataset must have at least 2 conditions for an RDM, got ${n}`);
  let foldOf: Int32Array;
  let nFolds: number;
  let cvName: string;
  if (cvDescriptor === undefined) {
    // rsatoolbox's default: the k-th occurrence of each condition forms fold k (equal repetitions required).
    const seen = new Int32Array(n);
    foldOf = new Int32Array(dataset.nObservations);
    for (let o = 0; o < foldOf.length; o++) foldOf[o] = seen[conds.groupOf[o]]++;
    if (seen.some((s) => s !== seen[0]))
      throw new RangeError(
        `cvDescriptor is required when conditions have different numbers of repetitions (${Array.from(seen).join(", ")})`,
      );
    nFolds = seen[0];
    cvName = "(repetition)";
  } else {
    const g = groupBy(obsDescriptor(dataset, cvDescriptor));
    foldOf = g.groupOf;
    nFolds = g.labels.length;
    cvName = cvDescriptor;
  }
  if (nFolds < 2)
    throw new RangeError(
      `${method} needs at least 2 cross-validation folds (runs) in ${JSON.stringify(cvName)}, got ${nFolds}`,
    );
  const present = new Uint8Array(n * nFolds);
  for (let o = 0; o < foldOf.length; o++) present[foldOf[o] * n + conds.groupOf[o]] = 1;
  return {
    cvName,
    nConditions: n,
    labels: conds.labels,
    conditionOf: conds.groupOf,
    nFolds,
    foldOf,
    everyConditionInEveryFold: present.every((p) => p === 1),
  };
}

/** Per-fold per-condition sums (nFolds x n x c) and counts (nFolds x n). */
function foldSums(dataset: Dataset, folds: Folds): { sums: Float64Array; counts: Float64Array } {
  const c = dataset.nChannels;
  const n = folds.nConditions;
  const sums = new Float64Array(folds.nFolds * n * c);
  const counts = new Float64Array(folds.nFolds * n);
  const x = dataset.measurements;
  for (let o = 0; o < dataset.nObservations; o++) {
    const cell = folds.foldOf[o] * n + folds.conditionOf[o];
    counts[cell]++;
    const dst = cell * c;
    const src = o * c;
    for (let k = 0; k < c; k++) sums[dst + k] += x[src + k];
  }
  return { sums, counts };
}

/** Leave-one-fold-out train/test means per fold (rsatoolbox's `calc_rdm_crossnobis` folds). */
function* leaveOneOutMeans(
  dataset: Dataset,
  folds: Folds,
): Generator<{ train: Float64Array; test: Float64Array }> {
  const c = dataset.nChannels;
  const n = folds.nConditions;
  const { sums, counts } = foldSums(dataset, folds);
  const total = new Float64Array(n * c);
  const totalCount = new Float64Array(n);
  for (let f = 0; f < folds.nFolds; f++) {
    for (let i = 0; i < n * c; i++) total[i] += sums[f * n * c + i];
    for (let i = 0; i < n; i++) totalCount[i] += counts[f * n + i];
  }
  for (let f = 0; f < folds.nFolds; f++) {
    const train = new Float64Array(n * c);
    const test = new Float64Array(n * c);
    for (let i = 0; i < n; i++) {
      const nTest = counts[f * n + i];
      const nTrain = totalCount[i] - nTest;
      for (let k = 0; k < c; k++) {
        const s = sums[(f * n + i) * c + k];
        test[i * c + k] = s / nTest;
        train[i * c + k] = (total[i * c + k] - s) / nTrain;
      }
    }
    yield { train, test };
  }
}

function crossnobisLeaveOneOut(
  dataset: Dataset,
  folds: Folds,
  noise: Float64Array | undefined,
  removeMean: boolean,
): Float64Array {
  const c = dataset.nChannels;
  const n = folds.nConditions;
  if (!noise) {
    const fast = crossnobisEqualCells(dataset, folds, removeMean);
    if (fast) return fast;
  }
  const acc = new Float64Array(nPairs(n));
  for (const { train, test } of leaveOneOutMeans(dataset, folds)) {
    if (removeMean) {
      removeRowMeans(train, n, c);
      removeRowMeans(test, n, c);
    }
    const left = noise ? matmul(train, n, c, noise, c) : train;
    const v = kernelToDistances(crossRows(left, n, test, n, c), n, c);
    for (let k = 0; k < v.length; k++) acc[k] += v[k];
  }
  for (let k = 0; k < acc.length; k++) acc[k] /= folds.nFolds;
  return acc;
}

/**
 * Leave-one-fold-out crossnobis without a noise matrix when every (fold, condition) cell holds the
 * same number m of observations: with fold sums S_f and total T, train_f = (T - S_f) / (m (R - 1))
 * and test_f = S_f / m, so Σ_f train_f test_fᵀ = (T Tᵀ - Σ_f S_f S_fᵀ) / (m² (R - 1)): symmetric
 * Gram products only (half the work of R cross products). Returns undefined for unequal cells.
 */
function crossnobisEqualCells(
  dataset: Dataset,
  folds: Folds,
  removeMean: boolean,
): Float64Array | undefined {
  const c = dataset.nChannels;
  const n = folds.nConditions;
  const r = folds.nFolds;
  const { sums, counts } = foldSums(dataset, folds);
  const m = counts[0];
  if (!counts.every((k) => k === m)) return undefined;
  const total = new Float64Array(n * c);
  const gram = new Float64Array(n * n);
  for (let f = 0; f < r; f++) {
    const sf = sums.subarray(f * n * c, (f + 1) * n * c);
    if (removeMean) removeRowMeans(sf, n, c); // linear: de-meaning the sums de-means train and test means
    for (let i = 0; i < n * c; i++) total[i] += sf[i];
    const g = gramRows(sf, n, c);
    for (let i = 0; i < n * n; i++) gram[i] -= g[i];
  }
  const tt = gramRows(total, n, c);
  for (let i = 0; i < n * n; i++) gram[i] = (gram[i] + tt[i]) / (m * m * (r - 1));
  const v = kernelToDistances(gram, n, c);
  for (let k = 0; k < v.length; k++) v[k] /= r;
  return v;
}

/**
 * Crossnobis over all pairs of observations from different folds (rsatoolbox's
 * `calc_rdm_unbalanced`, weighting "number"): G_ij = mean over cross-fold pairs of x_a P x_b / c,
 * d_ij = G_ii + G_jj - 2 G_ij. Uses per-fold sums: Σ_{fold a ≠ fold b} = T_i P T_j - Σ_f S_fi P S_fj.
 */
function crossnobisAllPairs(
  dataset: Dataset,
  folds: Folds,
  noise: Float64Array | undefined,
  removeMean: boolean,
): Float64Array {
  const c = dataset.nChannels;
  const n = folds.nConditions;
  let x = dataset.measurements;
  if (removeMean) {
    x = Float64Array.from(x);
    removeRowMeans(x, dataset.nObservations, c);
  }
  const hasNaN = x.some((v) => Number.isNaN(v));
  // NaN-aware without a noise matrix (as rsatoolbox's euclid kernel): zero the NaNs, count valid channels per pair.
  const skipNaN = hasNaN && !noise;
  const value = new Float64Array(x.length);
  const valid = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const ok = !(skipNaN && Number.isNaN(x[i]));
    value[i] = ok ? x[i] : 0;
    valid[i] = ok ? 1 : 0;
  }
  const ds = { ...dataset, measurements: value };
  const { sums } = foldSums(ds, folds);
  const { sums: validSums } = foldSums({ ...dataset, measurements: valid }, folds);
  const cross = (s: Float64Array, useNoise: boolean): Float64Array => {
    const total = new Float64Array(n * c);
    const within = new Float64Array(n * n);
    for (let f = 0; f < folds.nFolds; f++) {
      const sf = s.subarray(f * n * c, (f + 1) * n * c);
      for (let i = 0; i < n * c; i++) total[i] += sf[i];
      const left = useNoise && noise ? matmul(sf, n, c, noise, c) : sf;
      const w = crossRows(left, n, sf, n, c);
      for (let i = 0; i < n * n; i++) within[i] += w[i];
    }
    const left = useNoise && noise ? matmul(total, n, c, noise, c) : total;
    const all = crossRows(left, n, total, n, c);
    for (let i = 0; i < n * n; i++) all[i] -= within[i];
    return all;
  };
  const num = cross(sums, true);
  const den = cross(validSums, false); // Σ over cross-fold pairs of the number of channels valid in both
  const g = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) g[i] = den[i] > 0 ? num[i] / den[i] : NaN;
  const v = new Float64Array(nPairs(n));
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      v[k++] = g[i * n + i] + g[j * n + j] - g[i * n + j] - g[j * n + i];
  return v;
}

/**
 * Cross-validated Poisson KL: per fold, (train_i - train_j)·(log test_i - log test_j) / c with
 * prior-smoothed leave-one-fold-out means, averaged over all folds (rsatoolbox 0.3.2 returns only
 * the last fold's RDM).
 */
function poissonCvDistances(dataset: Dataset, folds: Folds, opts: CalcRdmOptions): Float64Array {
  const c = dataset.nChannels;
  const n = folds.nConditions;
  const acc = new Float64Array(nPairs(n));
  for (const { train, test } of leaveOneOutMeans(dataset, folds)) {
    const v = kernelToDistances(
      crossRows(applyPoissonPrior(train, opts), n, logOf(applyPoissonPrior(test, opts)), n, c),
      n,
      c,
    );
    for (let k = 0; k < v.length; k++) acc[k] += v[k];
  }
  for (let k = 0; k < acc.length; k++) acc[k] /= folds.nFolds;
  return acc;
}

/** Covariance estimators of {@link covarianceFromResiduals} (rsatoolbox names in camelCase). */
export type CovarianceMethod = "shrinkageDiag" | "shrinkageEye" | "diag" | "full";

/**
 * Channel covariance from residuals (nResiduals x nChannels, row-major or rows), as rsatoolbox's
 * `cov_from_residuals`: residuals are de-meaned per channel; `dof` defaults to nResiduals - 1.
 * "shrinkageDiag" (default) shrinks towards the diagonal (Schäfer & Strimmer 2005),
 * "shrinkageEye" towards a multiple of the identity (Ledoit & Wolf 2004).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const residuals = [[0.1, -0.2], [-0.1, 0.3], [0.05, -0.1], [-0.05, 0.0]];
 * rsa.covarianceFromResiduals(residuals, { method: "shrinkageDiag" }); // 2 x 2, row-major
 * ```
 */
export function covarianceFromResiduals(
  residuals: Float64Array | readonly (readonly number[])[],
  opts: { nChannels?: number; dof?: number; method?: CovarianceMethod } = {},
): Float64Array {
  opts = checkOptionsObject(opts, "covarianceFromResiduals options");
  if (!(residuals instanceof Float64Array))
    checkArray(residuals, "residuals").forEach((row, k) => checkArrayLike(row, `residuals[${k}]`));
  const { x, r, c } = rows(residuals, opts.nChannels);
  if (r < 2) throw new RangeError(`residuals must have at least 2 rows, got ${r}`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]))
      throw new RangeError(`residuals[${Math.floor(i / c)}][${i % c}] must be finite, got ${x[i]}`);
  for (let k = 0; k < c; k++) {
    let s = 0;
    for (let i = 0; i < r; i++) s += x[i * c + k];
    const m = s / r;
    for (let i = 0; i < r; i++) x[i * c + k] -= m;
  }
  const dof = checkNumber(opts.dof ?? r - 1, "dof", { min: 0, minExclusive: true });
  const method = opts.method ?? "shrinkageDiag";
  const xt = new Float64Array(c * r);
  for (let i = 0; i < r; i++) for (let k = 0; k < c; k++) xt[k * r + i] = x[i * c + k];
  const sSum = gramRows(xt, c, r); // Σ_rows x xᵀ
  if (method === "full") return sSum.map((v) => v / dof);
  if (method === "diag") {
    const out = new Float64Array(c * c);
    for (let k = 0; k < c; k++) out[k * c + k] = sSum[k * c + k] / dof;
    return out;
  }
  const sq = new Float64Array(c * r);
  for (let i = 0; i < xt.length; i++) sq[i] = xt[i] * xt[i];
  const s2Sum = gramRows(sq, c, r); // Σ_rows (x xᵀ)²
  if (method === "shrinkageEye") {
    const s = sSum.map((v) => v / r);
    let b2 = 0;
    for (let i = 0; i < c * c; i++) b2 += s2Sum[i] / r - s[i] * s[i];
    b2 /= r;
    let m = 0;
    for (let k = 0; k < c; k++) m += s[k * c + k];
    m /= c;
    let d2 = 0;
    for (let i = 0; i < c; i++)
      for (let j = 0; j < c; j++) d2 += (s[i * c + j] - (i === j ? m : 0)) ** 2;
    b2 = Math.min(d2, b2);
    const out = new Float64Array(c * c);
    for (let i = 0; i < c; i++)
      for (let j = 0; j < c; j++)
        out[i * c + j] =
          (((i === j ? (b2 / d2) * m : 0) + ((d2 - b2) / d2) * s[i * c + j]) * r) / dof;
    return out;
  }
  if (method === "shrinkageDiag") {
    const s = sSum.map((v) => v / dof);
    const std = new Float64Array(c);
    for (let k = 0; k < c; k++) std[k] = Math.sqrt(s[k * c + k]);
    let num = 0;
    let den = 0;
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < c; j++) {
        if (i === j) continue;
        const sMean = sSum[i * c + j] / std[i] / std[j] / (r - 1);
        const s2Mean = s2Sum[i * c + j] / (std[i] * std[i]) / (std[j] * std[j]) / (r - 1);
        num += (r / (dof * dof)) * (s2Mean - sMean * sMean);
        den += sMean * sMean;
      }
    }
    const lambda = Math.max(Math.min(num / den, 1), 0);
    return s.map((v, i) => (i % (c + 1) === 0 ? v : v * (1 - lambda)));
  }
  throw new RangeError(
    `method must be "shrinkageDiag", "shrinkageEye", "diag" or "full", got ${describeValue(method)}`,
  );
}

/**
 * Noise precision: the inverse of {@link covarianceFromResiduals} (rsatoolbox's `prec_from_residuals`).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const residuals = [[0.1, -0.2], [-0.1, 0.3], [0.05, -0.1], [-0.05, 0.0]];
 * const precision = rsa.precisionFromResiduals(residuals);
 * rsa.calcRdm([[1, 2], [2, 0], [0, 1]], { method: "mahalanobis", noise: precision });
 * ```
 */
export function precisionFromResiduals(
  residuals: Float64Array | readonly (readonly number[])[],
  opts: { nChannels?: number; dof?: number; method?: CovarianceMethod } = {},
): Float64Array {
  if (!(residuals instanceof Float64Array))
    checkArray(residuals, "residuals").forEach((row, k) => checkArrayLike(row, `residuals[${k}]`));
  const cov = covarianceFromResiduals(residuals, opts);
  const c = Math.round(Math.sqrt(cov.length));
  return invert(cov, c, "covariance");
}

function rows(
  m: Float64Array | readonly (readonly number[])[],
  nChannels: number | undefined,
): { x: Float64Array; r: number; c: number } {
  if (m instanceof Float64Array) {
    if (!(
      nChannels !== undefined &&
      Number.isInteger(nChannels) &&
      nChannels > 0 &&
      m.length % nChannels === 0
    )) {
      throw new RangeError(
        `nChannels must be a positive integer dividing the length ${m.length}, got ${nChannels}`,
      );
    }
    return { x: Float64Array.from(m), r: m.length / nChannels, c: nChannels };
  }
  const r = m.length;
  const c = r > 0 ? m[0].length : 0;
  const x = new Float64Array(r * c);
  m.forEach((row, i) => {
    if (row.length !== c)
      throw new RangeError(`residuals[${i}] must have ${c} channels (as row 0), got ${row.length}`);
    x.set(row, i * c);
  });
  return { x, r, c };
}
