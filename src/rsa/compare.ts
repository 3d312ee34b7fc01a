/**
 * RDM comparisons (rsatoolbox's `compare`): cosine, Pearson, Spearman, rho-a, Kendall tau-a and
 * tau-b (exact tie handling, O(m log m)), whitened cosine/correlation with the pairwise-contrast
 * covariance, Bures similarity and metric.
 */
import { checkArrayLike } from "../core/validate.js";
import { cholesky, doubleCenter, symmetricEigen } from "./linalg.js";
import { checkRdms, nPairs, type Rdms } from "./rdms.js";
import { checkOptions } from "../core/validate.js";
import { rankdata } from "./ranks.js";
import { describeValue } from "../core/describe.js";

/** Comparison methods of {@link compareRdm} (rsatoolbox names in camelCase; "kendall" = "tauB"). */
export type CompareMethod =
  | "cosine"
  | "corr"
  | "spearman"
  | "rhoA"
  | "tauA"
  | "tauB"
  | "kendall"
  | "cosineCov"
  | "corrCov"
  | "bures"
  | "buresMetric";

/** Options of {@link compareRdm}. */
export interface CompareOptions {
  /** Default "cosine". */
  method?: CompareMethod;
  /**
   * Covariance of the pattern estimates for "cosineCov"/"corrCov": a vector (nConditions, diagonal)
   * or a row-major nConditions x nConditions matrix. Default: identity.
   */
  sigmaK?: Float64Array | readonly number[] | readonly (readonly number[])[];
}

/**
 * Similarity of every RDM of `rdm1` with every RDM of `rdm2`: result[i][j] compares rdm1's RDM i
 * with rdm2's RDM j. A pair that is NaN in any RDM is left out of all comparisons; both sets must
 * have their NaNs at the same pairs (RangeError otherwise), as in rsatoolbox.
 * Zero-variance inputs follow rsatoolbox: cosine/corr/spearman/rho-a/tau-a give 0 (a zero vector
 * has no angle), tau-b gives NaN (scipy), Bures gives NaN (0/0).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const a = rsa.makeRdms([[1, 2, 3, 4, 5, 6]]); // one RDM over 4 conditions
 * const b = rsa.makeRdms([[2, 1, 3, 5, 4, 6]]);
 * rsa.compareRdm(a, b, { method: "spearman" }); // [[0.886]]
 * ```
 */
export function compareRdm(rdm1: Rdms, rdm2: Rdms, opts: CompareOptions = {}): number[][] {
  checkRdms(rdm1, "rdm1");
  checkRdms(rdm2, "rdm2");
  checkOptions(opts, ["method", "sigmaK"], "compareRdm options");
  const method = opts.method ?? "cosine";
  if (rdm1.nConditions !== rdm2.nConditions) {
    throw new RangeError(
      `rdm1 and rdm2 must have the same number of conditions, got ${rdm1.nConditions} and ${rdm2.nConditions}`,
    );
  }
  const n = rdm1.nConditions;
  const { v1, v2, valid, m } = parseInputRdms(rdm1, rdm2);
  const rows1 = rdm1.nRdm;
  const rows2 = rdm2.nRdm;
  switch (method) {
    case "cosine":
      return cosineMatrix(v1, rows1, v2, rows2, m);
    case "corr":
      return cosineMatrix(centerRows(v1, rows1, m), rows1, centerRows(v2, rows2, m), rows2, m);
    case "spearman":
      return cosineMatrix(
        centerRows(rankRows(v1, rows1, m), rows1, m),
        rows1,
        centerRows(rankRows(v2, rows2, m), rows2, m),
        rows2,
        m,
      );
    case "rhoA": {
      const r1 = centerRows(rankRows(v1, rows1, m), rows1, m);
      const r2 = centerRows(rankRows(v2, rows2, m), rows2, m);
      return allCombinations(
        rows1,
        rows2,
        (i, j) => (dot(r1, i * m, r2, j * m, m) / (m ** 3 - m)) * 12,
      );
    }
    case "tauA":
    case "tauB":
    case "kendall": {
      const variant = method === "tauA" ? "a" : "b";
      return allCombinations(rows1, rows2, (i, j) =>
        kendallTau(v1.subarray(i * m, (i + 1) * m), v2.subarray(j * m, (j + 1) * m), variant),
      );
    }
    case "cosineCov":
    case "corrCov": {
      const a = method === "corrCov" ? centerRows(v1, rows1, m) : v1;
      const b = method === "corrCov" ? centerRows(v2, rows2, m) : v2;
      return cosineCovWeighted(a, rows1, b, rows2, n, valid, opts.sigmaK);
    }
    case "bures":
    case "buresMetric": {
      if (m !== nPairs(n))
        throw new RangeError(`${method} needs complete RDMs: ${nPairs(n) - m} pair(s) are NaN`);
      const g1 = Array.from({ length: rows1 }, (_, i) =>
        centeredKernel(v1.subarray(i * m, (i + 1) * m), n),
      );
      const g2 = Array.from({ length: rows2 }, (_, j) =>
        centeredKernel(v2.subarray(j * m, (j + 1) * m), n),
      );
      const roots = g1.map((g) => psdSqrt(g, n));
      return allCombinations(rows1, rows2, (i, j) =>
        bures(g1[i], roots[i], g2[j], n, method === "buresMetric"),
      );
    }
    default:
      throw new RangeError(
        `method must be one of cosine, corr, spearman, rhoA, tauA, tauB, kendall, cosineCov, corrCov, bures, buresMetric, got ${describeValue(method)}`,
      );
  }
}

/** The non-NaN columns of both sets (row-major nRdm x m) and the validity mask over all pairs. */
function parseInputRdms(
  rdm1: Rdms,
  rdm2: Rdms,
): { v1: Float64Array; v2: Float64Array; valid: Uint8Array; m: number } {
  const p = nPairs(rdm1.nConditions);
  const nanIn = (r: Rdms): Uint8Array => {
    const bad = new Uint8Array(p);
    for (let i = 0; i < r.dissimilarities.length; i++)
      if (Number.isNaN(r.dissimilarities[i])) bad[i % p] = 1;
    return bad;
  };
  const bad1 = nanIn(rdm1);
  const bad2 = nanIn(rdm2);
  for (let k = 0; k < p; k++) {
    if (bad1[k] !== bad2[k])
      throw new RangeError(
        `rdm1 and rdm2 must have NaNs at the same pairs: pair ${k} is NaN in ${bad1[k] ? "rdm1" : "rdm2"} only`,
      );
  }
  const valid = bad1.map((b) => 1 - b);
  const m = valid.reduce((a, b) => a + b, 0);
  if (m < 2)
    throw new RangeError(`RDMs must share at least 2 non-NaN pairs to be compared, got ${m}`);
  const pick = (r: Rdms): Float64Array => {
    const out = new Float64Array(r.nRdm * m);
    let k = 0;
    for (let row = 0; row < r.nRdm; row++)
      for (let q = 0; q < p; q++) if (valid[q]) out[k++] = r.dissimilarities[row * p + q];
    return out;
  };
  return { v1: pick(rdm1), v2: pick(rdm2), valid, m };
}

function allCombinations(
  rows1: number,
  rows2: number,
  f: (i: number, j: number) => number,
): number[][] {
  return Array.from({ length: rows1 }, (_, i) => Array.from({ length: rows2 }, (_, j) => f(i, j)));
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) s += a[ao + k] * b[bo + k];
  return s;
}

/** Cosine of every row pair; a zero row gives 0 (rsatoolbox's `_cosine`). */
function cosineMatrix(
  a: Float64Array,
  ra: number,
  b: Float64Array,
  rb: number,
  m: number,
): number[][] {
  const na = Array.from({ length: ra }, (_, i) => Math.sqrt(dot(a, i * m, a, i * m, m)));
  const nb = Array.from({ length: rb }, (_, j) => Math.sqrt(dot(b, j * m, b, j * m, m)));
  return allCombinations(ra, rb, (i, j) =>
    na[i] > 0 && nb[j] > 0 ? dot(a, i * m, b, j * m, m) / na[i] / nb[j] : 0,
  );
}

function centerRows(x: Float64Array, rows: number, m: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += x[r * m + k];
    const mean = s / m;
    for (let k = 0; k < m; k++) y[r * m + k] = x[r * m + k] - mean;
  }
  return y;
}

function rankRows(x: Float64Array, rows: number, m: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) y.set(rankdata(x.subarray(r * m, (r + 1) * m)), r * m);
  return y;
}

/**
 * Kendall's tau between two vectors with exact tie handling (Knight's O(m log m) algorithm, as
 * scipy): tau-a = (C - D) / (m(m-1)/2); tau-b = (C - D) / sqrt((T - Tx)(T - Ty)), NaN when
 * either vector is constant. Results are clipped to [-1, 1] as scipy does.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.kendallTau([1, 2, 3, 4], [1, 3, 2, 4], "a"); // 4/6 = 0.667
 * ```
 */
export function kendallTau(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  variant: "a" | "b" = "b",
): number {
  checkArrayLike(x, "x");
  checkArrayLike(y, "y", { length: x.length });
  const m = x.length;
  if (y.length !== m)
    throw new RangeError(`x and y must have the same length, got ${m} and ${y.length}`);
  for (let i = 0; i < m; i++)
    if (typeof x[i] !== "number" || typeof y[i] !== "number")
      throw new TypeError(
        `x and y must hold numbers, got ${describeValue(typeof x[i] !== "number" ? x[i] : y[i])} at index ${i}`,
      );
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => x[p] - x[q] || y[p] - y[q]);
  let xtie = 0;
  let ntie = 0;
  let runX = 1;
  let runXY = 1;
  for (let k = 1; k <= m; k++) {
    const sameX = k < m && x[order[k]] === x[order[k - 1]];
    const sameXY = sameX && y[order[k]] === y[order[k - 1]];
    if (sameX) runX++;
    else {
      xtie += (runX * (runX - 1)) / 2;
      runX = 1;
    }
    if (sameXY) runXY++;
    else {
      ntie += (runXY * (runXY - 1)) / 2;
      runXY = 1;
    }
  }
  // Merge sort the y values in x-order, counting strict inversions = discordant pairs.
  let ys = Float64Array.from(order, (i) => y[i]);
  let buf = new Float64Array(m);
  let dis = 0;
  for (let width = 1; width < m; width *= 2) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      const mid = Math.min(lo + width, m);
      const hi = Math.min(lo + 2 * width, m);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (ys[j] < ys[i]) {
          dis += mid - i;
          buf[k++] = ys[j++];
        } else buf[k++] = ys[i++];
      }
      while (i < mid) buf[k++] = ys[i++];
      while (j < hi) buf[k++] = ys[j++];
    }
    [ys, buf] = [buf, ys];
  }
  let ytie = 0;
  let runY = 1;
  for (let k = 1; k <= m; k++) {
    if (k < m && ys[k] === ys[k - 1]) runY++;
    else {
      ytie += (runY * (runY - 1)) / 2;
      runY = 1;
    }
  }
  const tot = (m * (m - 1)) / 2;
  const conMinusDis = tot - xtie - ytie + ntie - 2 * dis;
  let tau: number;
  if (variant === "a") tau = conMinusDis / tot;
  else {
    if (xtie === tot || ytie === tot) return NaN;
    tau = conMinusDis / Math.sqrt(tot - xtie) / Math.sqrt(tot - ytie);
  }
  return Math.min(1, Math.max(-1, tau));
}

/** Parses sigmaK into undefined, a diagonal (length n) or a full n x n matrix. */
function parseSigmaK(
  sigmaK: CompareOptions["sigmaK"],
  n: number,
): { diag?: Float64Array; full?: Float64Array } {
  if (sigmaK === undefined) return {};
  let flat: Float64Array;
  if (sigmaK instanceof Float64Array) flat = sigmaK;
  else if (sigmaK.length > 0 && Array.isArray(sigmaK[0])) {
    const rows = sigmaK as readonly (readonly number[])[];
    if (rows.length !== n || rows.some((r) => r.length !== n))
      throw new RangeError(
        `sigmaK must be ${n} x ${n} (one row per condition), got ${rows.length} rows`,
      );
    flat = new Float64Array(n * n);
    rows.forEach((r, i) => flat.set(r, i * n));
  } else flat = Float64Array.from(sigmaK as readonly number[]);
  for (let i = 0; i < flat.length; i++)
    if (!Number.isFinite(flat[i]))
      throw new RangeError(`sigmaK must be finite, got ${flat[i]} at ${i}`);
  if (flat.length === n) {
    for (let i = 0; i < n; i++)
      if (!(flat[i] > 0)) throw new RangeError(`sigmaK[${i}] must be > 0, got ${flat[i]}`);
    return { diag: flat };
  }
  if (flat.length === n * n) return { full: flat };
  throw new RangeError(
    `sigmaK must have ${n} (diagonal) or ${n * n} (full) entries, got ${flat.length}`,
  );
}

/**
 * Cosine after whitening with the covariance of RDM entries V = (C Σ Cᵀ) ∘ (C Σ Cᵀ), C the pairwise
 * contrasts (rsatoolbox's `_cosine_cov_weighted`). Without sigmaK or with a diagonal one this is the
 * cosine of the double-centred second-moment matrices G = -D/2 (off-diagonal entries counted twice),
 * rsatoolbox's fast path; with NaN pairs the centring is rsatoolbox's least-squares centring. With a
 * full sigmaK, vᵀ V⁻¹ w is solved exactly (Cholesky) where rsatoolbox uses conjugate gradients
 * (relative tolerance 1e-5).
 */
function cosineCovWeighted(
  a: Float64Array,
  ra: number,
  b: Float64Array,
  rb: number,
  n: number,
  valid: Uint8Array,
  sigmaK: CompareOptions["sigmaK"],
): number[][] {
  const sigma = parseSigmaK(sigmaK, n);
  const m = a.length / ra;
  if (sigma.full) {
    const v = pairCovariance(n, valid, sigma.full);
    const l = cholesky(v, m, "RDM covariance V");
    const wa = solveLower(l, a, ra, m);
    const wb = solveLower(l, b, rb, m);
    return cosineMatrix(wa, ra, wb, rb, m);
  }
  const complete = m === nPairs(n);
  const ext = m + n;
  const weight = (x: Float64Array, rows: number): Float64Array => {
    const out = new Float64Array(rows * ext);
    for (let r = 0; r < rows; r++) {
      const w = complete
        ? centerComplete(x.subarray(r * m, (r + 1) * m), n)
        : centerWithMissing(x.subarray(r * m, (r + 1) * m), n, valid);
      if (sigma.diag) {
        const s = sigma.diag;
        let k = 0;
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++)
            if (valid[pairIdx(n, i, j)]) w[k++] /= Math.sqrt(s[i]) * Math.sqrt(s[j]);
        for (let i = 0; i < n; i++) w[m + i] /= s[i];
      }
      for (let k = 0; k < m; k++) w[k] *= Math.SQRT2;
      out.set(w, r * ext);
    }
    return out;
  };
  return cosineMatrix(weight(a, ra), ra, weight(b, rb), rb, ext);
}

function pairIdx(n: number, i: number, j: number): number {
  return n * i - (i * (i + 1)) / 2 + j - i - 1;
}

/** Double-centred G = -D/2 of a complete RDM as [off-diagonal (squareform order), diagonal]. */
function centerComplete(d: Float64Array, n: number): Float64Array {
  const g = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) g[i * n + j] = g[j * n + i] = -0.5 * d[k++];
  doubleCenter(g, n);
  const out = new Float64Array(d.length + n);
  k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = g[i * n + j];
  for (let i = 0; i < n; i++) out[d.length + i] = g[i * n + i];
  return out;
}

/**
 * rsatoolbox's centring with missing pairs: w - w S (Sᵀ W S)⁻¹ (W S)ᵀ with S the row+column
 * indicators of the valid pairs and of the diagonal (halved), W = diag(1/2 for pairs, 1 for the diagonal).
 */
function centerWithMissing(d: Float64Array, n: number, valid: Uint8Array): Float64Array {
  const m = d.length;
  const w = new Float64Array(m + n);
  for (let k = 0; k < m; k++) w[k] = -0.5 * d[k];
  const mat = new Float64Array(n * n);
  const a = new Float64Array(n);
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (valid[pairIdx(n, i, j)]) pairs.push([i, j]);
  pairs.forEach(([i, j], k) => {
    mat[i * n + i] += 0.5;
    mat[j * n + j] += 0.5;
    mat[i * n + j] += 0.5;
    mat[j * n + i] += 0.5;
    a[i] += w[k];
    a[j] += w[k];
  });
  for (let i = 0; i < n; i++) mat[i * n + i] += 1; // diagonal rows e_i with weight 1 (their w is 0)
  const l = cholesky(mat, n, "centring matrix");
  const bcoef = solveLower(l, a, 1, n);
  // solveLower returns L⁻¹ a; finish with L⁻ᵀ.
  const beta = solveUpperT(l, bcoef, n);
  const out = new Float64Array(m + n);
  pairs.forEach(([i, j], k) => (out[k] = w[k] - 0.5 * (beta[i] + beta[j])));
  for (let i = 0; i < n; i++) out[m + i] = w[m + i] - beta[i];
  return out;
}

/** Covariance of the valid RDM entries V = (C Σ Cᵀ)∘(C Σ Cᵀ) (rsatoolbox's `_get_v`). */
function pairCovariance(n: number, valid: Uint8Array, sigma: Float64Array): Float64Array {
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (valid[pairIdx(n, i, j)]) pairs.push([i, j]);
  const m = pairs.length;
  const v = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    const [i, j] = pairs[p];
    for (let q = 0; q < m; q++) {
      const [k, l] = pairs[q];
      const xi = sigma[i * n + k] - sigma[i * n + l] - sigma[j * n + k] + sigma[j * n + l];
      v[p * m + q] = xi * xi;
    }
  }
  return v;
}

/** L⁻¹ x for each of `rows` row vectors (forward substitution; L lower triangular m x m). */
function solveLower(l: Float64Array, x: Float64Array, rows: number, m: number): Float64Array {
  const y = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < m; i++) {
      let s = x[r * m + i];
      for (let k = 0; k < i; k++) s -= l[i * m + k] * y[r * m + k];
      y[r * m + i] = s / l[i * m + i];
    }
  }
  return y;
}

/** L⁻ᵀ y (back substitution with the transpose of lower-triangular L). */
function solveUpperT(l: Float64Array, y: Float64Array, m: number): Float64Array {
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * x[k];
    x[i] = s / l[i * m + i];
  }
  return x;
}

/**
 * Double-centred second moment H(-D/2)H of a complete condensed RDM (n x n, row-major).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.centeredKernel([1, 4, 1], 3); // -0.5 H D H for the 3 x 3 RDM, row-major
 * ```
 */
export function centeredKernel(d: ArrayLike<number>, n: number): Float64Array {
  const g = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) g[i * n + j] = g[j * n + i] = -0.5 * d[k++];
  return doubleCenter(g, n);
}

/** Square root of a symmetric PSD matrix via its eigendecomposition (negative eigenvalues set to 0). */
function psdSqrt(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const floor = roundingFloor(values, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = values[k] > floor ? Math.sqrt(values[k]) : 0;
    if (s === 0) continue;
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + k] * s;
      for (let j = 0; j < n; j++) out[i * n + j] += vi * vectors[j * n + k];
    }
  }
  return out;
}

/** Eigenvalues below n·eps·max|λ| are rounding noise of exact zeros (their square roots would be ~1e-8). */
function roundingFloor(values: Float64Array, n: number): number {
  let big = 0;
  for (const v of values) big = Math.max(big, Math.abs(v));
  return n * Number.EPSILON * big;
}

function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}

/** Bures similarity tr((A^½ B A^½)^½) / sqrt(tr A tr B), or the squared Bures metric tr A + tr B - 2 tr((A^½ B A^½)^½). */
function bures(
  a: Float64Array,
  aSqrt: Float64Array,
  b: Float64Array,
  n: number,
  metric: boolean,
): number {
  const tmp = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const s = aSqrt[i * n + k];
      for (let j = 0; j < n; j++) tmp[i * n + j] += s * b[k * n + j];
    }
  const mid = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const s = tmp[i * n + k];
      for (let j = 0; j < n; j++) mid[i * n + j] += s * aSqrt[k * n + j];
    }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++)
      mid[i * n + j] = mid[j * n + i] = 0.5 * (mid[i * n + j] + mid[j * n + i]);
  const { values } = symmetricEigen(mid, n);
  const floor = roundingFloor(values, n);
  let fid = 0;
  for (const v of values) if (v > floor) fid += Math.sqrt(v);
  return metric ? trace(a, n) + trace(b, n) - 2 * fid : fid / Math.sqrt(trace(a, n) * trace(b, n));
}
