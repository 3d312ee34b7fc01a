/**
 * Dependency-free geometry shared by the library and the JupyterLab extension: a symmetric
 * eigen-decomposition (Householder tridiagonalisation + implicit QL, the EISPACK tred2/tql2
 * scheme), classical (Torgerson) MDS built on it, and a 2-D Procrustes alignment. `rsa.mds`
 * starts from this classical MDS, and the RDM widget runs it in the browser to redraw the MDS of
 * the geo-topological matrix while the l / u sliders move.
 */

/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major; only the lower triangle is read).
 * Returns the eigenvalues ascending and the eigenvectors as the columns of a row-major n x n
 * matrix (`vectors[i * n + k]` is component i of eigenvector k). O(n^3).
 *
 * @example
 * ```ts
 * import { symmetricEigen } from "neurolab/schema";
 * symmetricEigen([2, 1, 1, 2], 2).values; // [1, 3], with the eigenvectors in .vectors
 * ```
 */
export function symmetricEigen(
  a: ArrayLike<number>,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  if (!(Number.isInteger(n) && n >= 1) || a.length !== n * n)
    throw new RangeError(
      `symmetricEigen: need an n x n matrix, got n = ${n} and ${a.length} values`,
    );
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) v[i * n + j] = v[j * n + i] = a[i * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalise(v, d, e, n);
  // The QL sweeps rotate pairs of columns: work on the transpose so they are contiguous rows.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) w[k * n + i] = v[i * n + k];
  diagonaliseTridiagonal(w, d, e, n);
  const order = Array.from(d.keys()).sort((p, q) => d[p] - d[q]);
  const values = Float64Array.from(order, (k) => d[k]);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) vectors[i * n + k] = w[order[k] * n + i];
  return { values, vectors };
}

/** Householder reduction of symmetric `v` (in place) to tridiagonal form: diagonal d, off-diagonal e; v becomes the transform. */
function tridiagonalise(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j * n + i] = f;
        g = e[j] + v[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j] * d[k];
          e[k] += v[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k];
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
        for (let k = 0; k <= i; k++) v[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j];
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iterations on the tridiagonal (d, e), accumulating into the rows of `w` (row k: eigenvector k). */
function diagonaliseTridiagonal(
  w: Float64Array,
  d: Float64Array,
  e: Float64Array,
  n: number,
): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) throw new Error("symmetricEigen: QL iteration did not converge");
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n;
          const b = a + n;
          for (let k = 0; k < n; k++) {
            h = w[b + k];
            w[b + k] = s * w[a + k] + c * h;
            w[a + k] = c * w[a + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Classical (Torgerson) MDS of a complete symmetric n x n distance matrix (row-major): the top
 * `dims` eigenvectors of the double-centred -D²/2, scaled by the square roots of their
 * (non-negative part of the) eigenvalues. Each axis is signed so that its largest-magnitude
 * coordinate is positive (deterministic plots). Returns coordinates (n x dims, row-major) and
 * all n eigenvalues, descending.
 *
 * @example
 * ```ts
 * import { classicalMds } from "neurolab/schema";
 * // squared distances of 3 points on a line at 0, 1, 3 (row-major 3 x 3)
 * classicalMds([0, 1, 9, 1, 0, 4, 9, 4, 0], 3, 1); // coordinates up to sign and shift
 * ```
 */
export function classicalMds(
  distances: ArrayLike<number>,
  n: number,
  dims: number,
): { x: Float64Array; eigenvalues: Float64Array } {
  if (!(Number.isInteger(dims) && dims >= 1 && dims <= n))
    throw new RangeError(`dims must be an integer in [1, ${n}], got ${dims}`);
  const b = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    const x = distances[k];
    if (!Number.isFinite(x))
      throw new RangeError(
        `classical MDS needs finite distances, got ${x} at (${Math.floor(k / n)}, ${k % n})`,
      );
    b[k] = -0.5 * x * x;
  }
  doubleCentre(b, n);
  const { values, vectors } = symmetricEigen(b, n);
  const x = new Float64Array(n * dims);
  for (let d = 0; d < dims; d++) {
    const col = n - 1 - d;
    const s = Math.sqrt(Math.max(0, values[col]));
    let big = 0;
    for (let i = 0; i < n; i++)
      if (Math.abs(vectors[i * n + col]) > Math.abs(big)) big = vectors[i * n + col];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) x[i * dims + d] = sign * s * vectors[i * n + col];
  }
  return { x, eigenvalues: Float64Array.from(values).reverse() };
}

/**
 * Classical MDS of a condensed (scipy `squareform` order) dissimilarity vector of n conditions.
 *
 * @example
 * ```ts
 * import { classicalMdsCondensed } from "neurolab/schema";
 * classicalMdsCondensed([1, 3, 2], 3); // 2-D coordinates from condensed distances (0,1), (0,2), (1,2)
 * ```
 */
export function classicalMdsCondensed(
  v: ArrayLike<number>,
  n: number,
  dims = 2,
): { x: Float64Array; eigenvalues: Float64Array } {
  if (v.length !== (n * (n - 1)) / 2)
    throw new RangeError(
      `a condensed vector of ${n} conditions has ${(n * (n - 1)) / 2} entries, got ${v.length}`,
    );
  const delta = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++, k++) delta[i * n + j] = delta[j * n + i] = v[k];
  return classicalMds(delta, n, dims);
}

/**
 * Double-centres a symmetric n x n matrix in place: H M H with H = I - 11ᵀ/n.
 *
 * @example
 * ```ts
 * import { doubleCentre } from "neurolab/schema";
 * doubleCentre(Float64Array.of(0, 1, 1, 0), 2); // -1/2 J D J
 * ```
 */
export function doubleCentre(m: Float64Array, n: number): Float64Array {
  const rowMean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j];
    rowMean[i] = s / n;
    total += s;
  }
  const mean = total / (n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) m[i * n + j] += mean - rowMean[i] - rowMean[j];
  return m;
}

/**
 * Kruskal stress-1 of a configuration (n x dims) against a condensed dissimilarity vector.
 *
 * @example
 * ```ts
 * import { classicalMdsCondensed, kruskalStress } from "neurolab/schema";
 * const d = [1, 3, 2];
 * kruskalStress(classicalMdsCondensed(d, 3, 2).x, d, 3, 2); // ~0: three points embed exactly in 2-D
 * ```
 */
export function kruskalStress(
  x: ArrayLike<number>,
  v: ArrayLike<number>,
  n: number,
  dims: number,
): number {
  let num = 0;
  let den = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      const t = v[k];
      if (Number.isNaN(t)) continue;
      let s = 0;
      for (let c = 0; c < dims; c++) s += (x[i * dims + c] - x[j * dims + c]) ** 2;
      num += (Math.sqrt(s) - t) ** 2;
      den += t * t;
    }
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

/**
 * Rotates (and, when that fits better, reflects) a centred 2-D configuration `x` (n x 2,
 * row-major) to best match `reference` (orthogonal Procrustes, no scaling, no translation of
 * `x`). Keeps an MDS plot from flipping or spinning as its input changes.
 *
 * @example
 * ```ts
 * import { alignPlanar } from "neurolab/schema";
 * alignPlanar([0, 1, 1, 0], [1, 0, 0, 1], 2); // rotated/reflected onto the reference (no jumps between redraws)
 * ```
 */
export function alignPlanar(
  x: ArrayLike<number>,
  reference: ArrayLike<number>,
  n: number,
): Float64Array {
  let rx = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rx += reference[2 * i];
    ry += reference[2 * i + 1];
  }
  rx /= n;
  ry /= n;
  // Cross-covariance M = Σ x_iᵀ r_i (2 x 2).
  let m00 = 0;
  let m01 = 0;
  let m10 = 0;
  let m11 = 0;
  for (let i = 0; i < n; i++) {
    const a = x[2 * i];
    const b = x[2 * i + 1];
    const c = reference[2 * i] - rx;
    const d = reference[2 * i + 1] - ry;
    m00 += a * c;
    m01 += a * d;
    m10 += b * c;
    m11 += b * d;
  }
  // Best rotation: angle maximising trace(Rᵀ M); best reflection likewise with y flipped.
  const rotScore = Math.hypot(m00 + m11, m01 - m10);
  const refScore = Math.hypot(m00 - m11, m01 + m10);
  const out = new Float64Array(2 * n);
  if (rotScore >= refScore) {
    const t = Math.atan2(m01 - m10, m00 + m11);
    const c = Math.cos(t);
    const s = Math.sin(t);
    for (let i = 0; i < n; i++) {
      const a = x[2 * i];
      const b = x[2 * i + 1];
      out[2 * i] = c * a - s * b;
      out[2 * i + 1] = s * a + c * b;
    }
  } else {
    const t = Math.atan2(m01 + m10, m00 - m11);
    const c = Math.cos(t);
    const s = Math.sin(t);
    for (let i = 0; i < n; i++) {
      const a = x[2 * i];
      const b = -x[2 * i + 1];
      out[2 * i] = c * a - s * b;
      out[2 * i + 1] = s * a + c * b;
    }
  }
  return out;
}
