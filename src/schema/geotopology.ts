/**
 * The geo-topological transform GT_{l,u} of tRSA (Lin & Kriegeskorte, PNAS 2024) on one
 * condensed RDM, dependency-free so the JupyterLab extension can recompute it live in the
 * browser while the user drags the l / u sliders. The library's `rsa.geotopologicalTransform`
 * is built on these same functions (one definition for both): rank-transform the dissimilarities (average ranks for
 * ties, NaN stays NaN), min-max normalise the ranks to [0, 1], take the l- and u-quantiles g_l,
 * g_u of that (numpy's linear interpolation), then 0 below g_l, 1 above g_u and
 * (d - g_l) / (g_u - g_l) between (0 when g_u = g_l).
 */

/**
 * 1-based average ranks (scipy `rankdata(method="average")`); NaN entries stay NaN.
 *
 * @example
 * ```ts
 * import { averageRanks } from "neurolab/schema";
 * averageRanks([10, 20, 20, 5]); // [2, 3.5, 3.5, 1]
 * ```
 */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) idx.push(i);
  idx.sort((a, b) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : a - b));
  for (let start = 0; start < idx.length;) {
    let end = start + 1;
    while (end < idx.length && x[idx[end]] === x[idx[start]]) end++;
    const r = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) out[idx[k]] = r;
    start = end;
  }
  return out;
}

/**
 * (v - min) / (max - min) over the non-NaN entries; all NaN when the range is 0.
 *
 * @example
 * ```ts
 * import { minmaxNormalise } from "neurolab/schema";
 * minmaxNormalise(Float64Array.of(2, 4, 6)); // [0, 0.5, 1]
 * ```
 */
export function minmaxNormalise(v: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const range = hi - lo;
  return v.map((x) => (range > 0 ? (x - lo) / range : NaN));
}

/**
 * The non-NaN entries of `v`, sorted ascending (a new array).
 *
 * @example
 * ```ts
 * import { sortedFinite } from "neurolab/schema";
 * sortedFinite([3, NaN, 1, 2]); // [1, 2, 3]
 * ```
 */
export function sortedFinite(v: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) count++;
  const s = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) s[k++] = v[i];
  return s.sort();
}

/**
 * q-quantile of an ascending array, numpy's default linear interpolation; NaN if empty.
 *
 * @example
 * ```ts
 * import { quantileOfSorted } from "neurolab/schema";
 * quantileOfSorted([1, 2, 3, 4], 0.5); // 2.5 (linear interpolation, numpy's default)
 * ```
 */
export function quantileOfSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const t = h - lo;
  if (lo + 1 >= s.length) return s[lo];
  const a = s[lo];
  const b = s[lo + 1];
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/**
 * q-quantile of the non-NaN entries, numpy's default linear interpolation; NaN if none.
 *
 * @example
 * ```ts
 * import { linearQuantile } from "neurolab/schema";
 * linearQuantile([4, 1, 3, 2], 0.25); // 1.75
 * ```
 */
export function linearQuantile(v: ArrayLike<number>, q: number): number {
  return quantileOfSorted(sortedFinite(v), q);
}

/**
 * GT_{l,u} of already rank-normalised values `r` (see {@link rankNormalise}); `sorted` may pass
 * `sortedFinite(r)` when it is already known (many thresholds on one RDM).
 *
 * @example
 * ```ts
 * import { geotopologicalFromNormalised } from "neurolab/schema";
 * geotopologicalFromNormalised(Float64Array.of(0, 0.25, 0.5, 1), 0.25, 0.75); // 0 up to the lower quantile, 1 from the upper, rescaled between
 * ```
 */
export function geotopologicalFromNormalised(
  r: Float64Array,
  lower: number,
  upper: number,
  sorted?: Float64Array,
): Float64Array {
  if (!(lower >= 0 && lower <= 1)) throw new RangeError(`lower must be in [0, 1], got ${lower}`);
  if (!(upper >= lower && upper <= 1))
    throw new RangeError(`upper must be in [lower, 1] = [${lower}, 1], got ${upper}`);
  const s = sorted ?? sortedFinite(r);
  const gl = quantileOfSorted(s, lower);
  const gu = quantileOfSorted(s, upper);
  return r.map((d) => {
    if (Number.isNaN(d)) return NaN;
    if (d < gl) return 0;
    if (d > gu) return 1;
    return gu > gl ? (d - gl) / (gu - gl) : 0;
  });
}

/**
 * Ranks min-max normalised to [0, 1]: the first step of the rank-scale GT transform.
 *
 * @example
 * ```ts
 * import { rankNormalise } from "neurolab/schema";
 * rankNormalise([30, 10, 20]); // ranks scaled to [0, 1]: [1, 0, 0.5]
 * ```
 */
export function rankNormalise(v: ArrayLike<number>): Float64Array {
  return minmaxNormalise(averageRanks(v));
}

/**
 * GT_{l,u} (rank scale) of one condensed RDM: values in [0, 1], NaN where `v` is NaN.
 *
 * @example
 * ```ts
 * import { geotopological } from "neurolab/schema";
 * geotopological([1, 2, 3, 4, 5, 6], 0.2, 0.8); // the tRSA transform, as rsa.geotopologicalTransform
 * ```
 */
export function geotopological(v: ArrayLike<number>, lower: number, upper: number): Float64Array {
  return geotopologicalFromNormalised(rankNormalise(v), lower, upper);
}

/**
 * Number of condensed entries of n conditions.
 *
 * @example
 * ```ts
 * import { condensedLength } from "neurolab/schema";
 * condensedLength(4); // 6 pairs
 * ```
 */
export function condensedLength(n: number): number {
  return (n * (n - 1)) / 2;
}

/**
 * Condensed vector (scipy squareform order) -> square n x n rows with `diagonal` on the diagonal.
 *
 * @example
 * ```ts
 * import { condensedToRows } from "neurolab/schema";
 * condensedToRows([1, 2, 3], 3); // [[0, 1, 2], [1, 0, 3], [2, 3, 0]]
 * ```
 */
export function condensedToRows(v: ArrayLike<number>, n: number, diagonal = 0): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(diagonal));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      m[i][j] = v[k];
      m[j][i] = v[k];
    }
  }
  return m;
}
