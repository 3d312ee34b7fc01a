/**
 * Representational similarity measures computed from the patterns directly (not from RDMs):
 * linear / RBF / debiased CKA (Kornblith et al. 2019; RBF bandwidth as their reference code), the
 * Procrustes shape metric with partial whitening (Williams et al. 2021; whitening as netrep's
 * `LinearMetric`), CCA and SVCCA (Raghu et al. 2017).
 *
 * Every function takes two pattern matrices over the same conditions: row-major Float64Array with
 * explicit columns, or `number[][]` (conditions x channels). Columns may differ between them.
 */
import { SingularValueDecomposition } from "ml-matrix";
import { checkInteger, checkNumber, checkProbability } from "../core/checks.js";
import { checkArrayLike, checkOptionsObject, describeValue } from "../core/validate.js";
import {
  crossRows,
  doubleCenter,
  gramRows,
  symmetricEigen,
  toMlMatrix,
  transpose,
} from "./linalg.js";

/** Patterns: conditions x channels as rows, or a row-major Float64Array with `columns`. */
export type Patterns =
  readonly (readonly number[])[] | { data: Float64Array; rows: number; columns: number };

interface Mat {
  x: Float64Array;
  n: number;
  p: number;
}

function asMat(m: Patterns, name: string): Mat {
  let x: Float64Array;
  let n: number;
  let p: number;
  if (Array.isArray(m)) {
    const rows = m as readonly (readonly number[])[];
    rows.forEach((r, i) => checkArrayLike(r, `${name}[${i}]`));
    n = rows.length;
    p = n > 0 ? rows[0].length : 0;
    x = new Float64Array(n * p);
    rows.forEach((r, i) => {
      if (r.length !== p)
        throw new RangeError(`${name}[${i}] must have ${p} channels (as row 0), got ${r.length}`);
      x.set(r, i * p);
    });
  } else {
    const mm = m as { data: Float64Array; rows: number; columns: number };
    if (
      mm === null ||
      typeof mm !== "object" ||
      !(mm.data instanceof Float64Array) ||
      !Number.isInteger(mm.rows) ||
      !Number.isInteger(mm.columns)
    ) {
      throw new TypeError(
        `${name} must be rows of numbers (number[][]) or { data: Float64Array, rows, columns }, got ${describeValue(m)}`,
      );
    }
    ({ rows: n, columns: p } = mm);
    if (mm.data.length !== n * p)
      throw new RangeError(
        `${name}.data must have rows x columns = ${n * p} entries, got ${mm.data.length}`,
      );
    x = mm.data;
  }
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]))
      throw new RangeError(`${name}[${Math.floor(i / p)}][${i % p}] must be finite, got ${x[i]}`);
  return { x, n, p };
}

function pair(a: Patterns, b: Patterns, minRows: number): [Mat, Mat] {
  const x = asMat(a, "x");
  const y = asMat(b, "y");
  if (x.n !== y.n)
    throw new RangeError(
      `x and y must have the same number of conditions (rows), got ${x.n} and ${y.n}`,
    );
  if (x.n < minRows)
    throw new RangeError(`x and y must have at least ${minRows} conditions, got ${x.n}`);
  return [x, y];
}

/** Column-centred copy. */
function centerColumns(m: Mat): Float64Array {
  const y = Float64Array.from(m.x);
  for (let k = 0; k < m.p; k++) {
    let s = 0;
    for (let i = 0; i < m.n; i++) s += y[i * m.p + k];
    const mean = s / m.n;
    for (let i = 0; i < m.n; i++) y[i * m.p + k] -= mean;
  }
  return y;
}

/** Options of {@link cka}. */
export interface CkaOptions {
  /** "linear" (default) or "rbf" (Gaussian kernel exp(-d² / (2 σ²)), σ set by `rbfBandwidth`). */
  kernel?: "linear" | "rbf";
  /** RBF bandwidth factor (Kornblith et al.'s `threshold`), > 0; default 1. */
  sigma?: number;
  /**
   * How `sigma` sets the RBF bandwidth σ:
   * - "kornblith" (default, Kornblith et al. 2019's reference code `gram_rbf`): σ² = sigma² x the
   *   median of all n x n squared distances between conditions, the n zeros of the diagonal included;
   * - "pairwiseMedian": σ = sigma x the median of the n(n-1)/2 distances between distinct conditions.
   */
  rbfBandwidth?: "kornblith" | "pairwiseMedian";
  /** Use the unbiased HSIC estimator (Song et al. 2012; needs >= 4 conditions). Default false. */
  debiased?: boolean;
}

/**
 * Centred kernel alignment between two representations of the same conditions:
 * HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with K, L the condition-by-condition kernels.
 * Linear CKA equals ||Yᵀ X||²_F / (||Xᵀ X||_F ||Yᵀ Y||_F) for column-centred X, Y. The RBF
 * bandwidth follows Kornblith et al.'s reference code by default (see `rbfBandwidth`); debiased CKA
 * equals theirs (U-centred kernels). In [0, 1] (debiased CKA can be slightly negative); NaN when a
 * representation is constant.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const x = [[1, 0], [0, 1], [1, 1], [2, 0]];
 * const y = x.map(([a, b]) => [2 * b, -2 * a]); // x rotated by 90 degrees and scaled
 * rsa.cka(x, y); // linear CKA: 1 (invariant to rotation and isotropic scaling)
 * rsa.cka(x, y, { kernel: "rbf" }); // RBF bandwidth as Kornblith et al.'s code
 * ```
 */
export function cka(a: Patterns, b: Patterns, opts: CkaOptions = {}): number {
  opts = checkOptionsObject(opts, "cka options");
  const debiased = opts.debiased ?? false;
  const [x, y] = pair(a, b, debiased ? 4 : 2);
  const kernel = opts.kernel ?? "linear";
  if (kernel !== "linear" && kernel !== "rbf")
    throw new RangeError(`kernel must be "linear" or "rbf", got ${describeValue(kernel)}`);
  const sigma = checkNumber(opts.sigma ?? 1, "sigma", { min: 0, minExclusive: true });
  const bandwidth = opts.rbfBandwidth ?? "kornblith";
  if (bandwidth !== "kornblith" && bandwidth !== "pairwiseMedian")
    throw new RangeError(
      `rbfBandwidth must be "kornblith" or "pairwiseMedian", got ${describeValue(bandwidth)}`,
    );
  const k = kernel === "linear" ? gramRows(x.x, x.n, x.p) : rbfKernel(x, sigma, bandwidth);
  const l = kernel === "linear" ? gramRows(y.x, y.n, y.p) : rbfKernel(y, sigma, bandwidth);
  const h = debiased ? hsicUnbiased : hsicBiased;
  return h(k, l, x.n) / Math.sqrt(h(k, k, x.n) * h(l, l, x.n));
}

function rbfKernel(m: Mat, sigma: number, bandwidth: "kornblith" | "pairwiseMedian"): Float64Array {
  const n = m.n;
  const g = gramRows(m.x, n, m.p);
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      d2[i * n + j] = Math.max(0, g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]);
  let twoBw2: number; // 2 σ²
  if (bandwidth === "kornblith") {
    twoBw2 = 2 * sigma * sigma * median(Float64Array.from(d2));
  } else {
    const off = new Float64Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off[k++] = Math.sqrt(d2[i * n + j]);
    const bw = sigma * median(off);
    twoBw2 = 2 * bw * bw;
  }
  return d2.map((v) => Math.exp(-v / twoBw2));
}

/** Median (mean of the two middle values for an even count, as numpy); sorts `v` in place. */
function median(v: Float64Array): number {
  v.sort();
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** tr(HKH HLH) (the 1/(n-1)² factor cancels in CKA). */
function hsicBiased(k: Float64Array, l: Float64Array, n: number): number {
  const kc = doubleCenter(Float64Array.from(k), n);
  const lc = doubleCenter(Float64Array.from(l), n);
  let s = 0;
  for (let i = 0; i < n * n; i++) s += kc[i] * lc[i];
  return s;
}

/** Unbiased HSIC of Song et al. (2012) with zeroed kernel diagonals (constant factors dropped). */
function hsicUnbiased(k: Float64Array, l: Float64Array, n: number): number {
  const kt = Float64Array.from(k);
  const lt = Float64Array.from(l);
  for (let i = 0; i < n; i++) kt[i * n + i] = lt[i * n + i] = 0;
  let trKL = 0;
  let sumK = 0;
  let sumL = 0;
  for (let i = 0; i < n * n; i++) {
    trKL += kt[i] * lt[i];
    sumK += kt[i];
    sumL += lt[i];
  }
  let cross = 0; // 1ᵀ K L 1 = Σ_j (K 1)_j (L 1)_j
  for (let j = 0; j < n; j++) {
    let rk = 0;
    let rl = 0;
    for (let i = 0; i < n; i++) {
      rk += kt[i * n + j];
      rl += lt[i * n + j];
    }
    cross += rk * rl;
  }
  return trKL + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 * cross) / (n - 2);
}

/** Options of {@link procrustesDistance}. */
export interface ProcrustesOptions {
  /** Partial whitening α in [0, 1]: 1 = no whitening (default), 0 = full whitening (CCA-like). */
  alpha?: number;
  /** "angular" (default): arccos of the aligned cosine, in [0, π/2]; "euclidean": the aligned Frobenius distance. */
  metric?: "angular" | "euclidean";
}

/** netrep's `eigval_tol`: eigenvalues of XᵀX are clipped to at least this. */
const WHITEN_EIGENVALUE_FLOOR = 1e-7;

/**
 * Procrustes shape metric (Williams et al. 2021), netrep's `LinearMetric(alpha, center_columns=True,
 * zero_pad=True)`: centre the columns, partially whiten X ← X Z with
 * Z = V diag(d) Vᵀ, XᵀX = V diag(λ) Vᵀ (the scatter matrix, not divided by the number of conditions),
 * λ clipped below at 1e-7, d = (α + (1 - α) λ^{-1/2}) sqrt(Σλ / Σ(α λ^{1/2} + 1 - α)²) (netrep's
 * variance-preserving rescaling), then the best rotation aligns X with Y: angular distance
 * arccos(||Xᵀ Y||_* / (||X||_F ||Y||_F)), euclidean sqrt(||X||² + ||Y||² - 2 ||XᵀY||_*).
 * Channel counts may differ: the narrower representation is zero-padded (the padded channels
 * enter the rescaling with the clipped eigenvalue, as in netrep).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const x = [[1, 0], [0, 1], [1, 1], [2, 0]];
 * rsa.procrustesDistance(x, x.map(([a, b]) => [b, -a])); // ~0: a rotation
 * ```
 */
export function procrustesDistance(a: Patterns, b: Patterns, opts: ProcrustesOptions = {}): number {
  opts = checkOptionsObject(opts, "procrustesDistance options");
  const [x, y] = pair(a, b, 2);
  const alpha = checkProbability(opts.alpha ?? 1, "alpha");
  const metric = opts.metric ?? "angular";
  if (metric !== "angular" && metric !== "euclidean")
    throw new RangeError(`metric must be "angular" or "euclidean", got ${describeValue(metric)}`);
  const width = Math.max(x.p, y.p);
  const xw = partialWhiten(x, alpha, width);
  const yw = partialWhiten(y, alpha, width);
  const nx = Math.sqrt(xw.reduce((s, v) => s + v * v, 0));
  const ny = Math.sqrt(yw.reduce((s, v) => s + v * v, 0));
  // Xᵀ Y (p x q) = rows of Xᵀ against rows of Yᵀ
  const xty = crossRows(transpose(xw, x.n, x.p), x.p, transpose(yw, y.n, y.p), y.p, x.n);
  const nuclear = new SingularValueDecomposition(toMlMatrix(xty, x.p, y.p), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  }).diagonal.reduce((s, v) => s + v, 0);
  if (metric === "angular") return Math.acos(Math.min(1, Math.max(-1, nuclear / (nx * ny))));
  return Math.sqrt(Math.max(0, nx * nx + ny * ny - 2 * nuclear));
}

/**
 * netrep's `whiten(X - mean, alpha, preserve_variance=True)` of one representation zero-padded to
 * `width` channels (the padded columns are returned implicitly: they stay zero). Directions of
 * XᵀX that are numerically null (λ <= n p ε max λ) contribute X v = 0 exactly, instead of the
 * rounding noise amplified by the clipped λ^{-1/2} in netrep.
 */
function partialWhiten(m: Mat, alpha: number, width: number): Float64Array {
  const xc = centerColumns(m);
  if (alpha > 1 - WHITEN_EIGENVALUE_FLOOR) return xc;
  const { n, p } = m;
  const scatter = gramRows(transpose(xc, n, p), p, n); // XᵀX
  const { values, vectors } = symmetricEigen(scatter, p);
  const nullTol = n * p * Number.EPSILON * Math.max(0, ...values);
  // Σλ and the variance after whitening over all `width` channels (padded ones have λ = 0 -> floor).
  let total = 0;
  let whitened = 0;
  const lambdas = Array.from({ length: width }, (_, k) =>
    Math.max(k < p ? values[k] : 0, WHITEN_EIGENVALUE_FLOOR),
  );
  for (const lam of lambdas) {
    total += lam;
    whitened += (alpha * Math.sqrt(lam) + 1 - alpha) ** 2;
  }
  const scale = Math.sqrt(total / whitened);
  const z = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    if (values[k] <= nullTol) continue;
    const d = (alpha + (1 - alpha) / Math.sqrt(lambdas[k])) * scale;
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) z[i * p + j] += d * vectors[i * p + k] * vectors[j * p + k];
  }
  return crossRows(xc, n, transpose(z, p, p), p, p);
}

/** Result of {@link cca} / {@link svcca}. */
export interface CcaResult {
  /** Canonical correlations, descending. */
  correlations: Float64Array;
  /** Their mean (the usual CCA / SVCCA similarity). */
  mean: number;
}

/**
 * Canonical correlation analysis: the singular values of Qxᵀ Qy, with Qx, Qy orthonormal bases
 * of the column-centred patterns (directions with singular value below 1e-10 of the largest are
 * dropped, so rank-deficient inputs are fine). Needs more conditions than retained dimensions
 * for a meaningful result (otherwise all correlations are 1).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const x = [[1, 0], [0, 1], [1, 1], [2, 0], [0, 3]];
 * rsa.cca(x, x.map(([a, b]) => [a + b, a - b])).mean; // 1: a linear transform
 * ```
 */
export function cca(a: Patterns, b: Patterns): CcaResult {
  const [x, y] = pair(a, b, 2);
  return ccaOfBases(
    orthonormalBasis(centerColumns(x), x.n, x.p, Infinity, 1),
    orthonormalBasis(centerColumns(y), y.n, y.p, Infinity, 1),
    x.n,
  );
}

/**
 * SVCCA: keep the top singular directions of each representation (`dims` of them, or enough to
 * explain `varianceFraction` of the variance; default 0.99), then CCA on those.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const x = [[1, 0, 0], [0, 1, 0], [1, 1, 1], [2, 0, 1], [0, 3, 1], [1, 2, 0]];
 * rsa.svcca(x, x, { dims: 2 }).correlations;
 * ```
 */
export function svcca(
  a: Patterns,
  b: Patterns,
  opts: { dims?: number; varianceFraction?: number } = {},
): CcaResult {
  opts = checkOptionsObject(opts, "svcca options");
  const [x, y] = pair(a, b, 2);
  const dims = opts.dims === undefined ? Infinity : checkInteger(opts.dims, "dims", 1);
  const fraction = checkNumber(opts.varianceFraction ?? 0.99, "varianceFraction", {
    min: 0,
    minExclusive: true,
    max: 1,
  });
  return ccaOfBases(
    orthonormalBasis(centerColumns(x), x.n, x.p, dims, fraction),
    orthonormalBasis(centerColumns(y), y.n, y.p, dims, fraction),
    x.n,
  );
}

/** Left singular vectors (n x r, row-major) of the top directions. */
function orthonormalBasis(
  xc: Float64Array,
  n: number,
  p: number,
  dims: number,
  fraction: number,
): { u: Float64Array; r: number } {
  const svd = new SingularValueDecomposition(toMlMatrix(xc, n, p), {
    autoTranspose: true,
    computeRightSingularVectors: false,
  });
  const s = svd.diagonal;
  const total = s.reduce((acc, v) => acc + v * v, 0);
  let r = 0;
  let explained = 0;
  while (
    r < s.length &&
    r < dims &&
    s[r] > 1e-10 * s[0] &&
    (fraction >= 1 || explained < fraction * total)
  ) {
    explained += s[r] * s[r];
    r++;
  }
  const left = svd.leftSingularVectors;
  const u = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) u[i * r + k] = left.get(i, k);
  return { u, r };
}

function ccaOfBases(
  bx: { u: Float64Array; r: number },
  by: { u: Float64Array; r: number },
  n: number,
): CcaResult {
  if (bx.r === 0 || by.r === 0) return { correlations: new Float64Array(0), mean: NaN };
  const m = crossRows(transpose(bx.u, n, bx.r), bx.r, transpose(by.u, n, by.r), by.r, n);
  const s = new SingularValueDecomposition(toMlMatrix(m, bx.r, by.r), {
    autoTranspose: true,
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  }).diagonal;
  const correlations = Float64Array.from(s.slice(0, Math.min(bx.r, by.r)), (v) => Math.min(1, v))
    .sort()
    .reverse();
  return { correlations, mean: correlations.reduce((acc, v) => acc + v, 0) / correlations.length };
}
