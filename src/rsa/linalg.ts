/**
 * Dense kernels over row-major Float64Array matrices: inner products of rows in register blocks
 * of 3 x 3 rows over column chunks that stay in cache, in WebAssembly SIMD (f64x2) for large
 * products and in plain JavaScript otherwise (and where WebAssembly is unavailable).
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, inverse } from "ml-matrix";
import { simdKernel, type SimdKernel } from "./simd.js";

const CHUNK = 256; // columns per pass: 6 rows x 256 doubles = 12 KiB, in L1
const TILE = 63; // rows per tile (a multiple of 3): 2 x 63 x 256 doubles = 252 KiB, in L2

/**
 * `A Bᵀ` for row-major A (na x c) and B (nb x c): entry (i, j) is the inner product of row i of A
 * and row j of B. With `symmetric` (A and B the same matrix) only j >= i is computed and mirrored.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const a = new Float64Array([1, 0, 0, 1]); // 2 rows x 2
 * rsa.crossRows(a, 2, a, 2, 2); // a a^T, row-major: [1, 0, 0, 1]
 * ```
 */
export function crossRows(
  a: Float64Array,
  na: number,
  b: Float64Array,
  nb: number,
  c: number,
  symmetric = false,
): Float64Array {
  if (na >= 3 && nb >= 3 && c >= 32 && na * nb * c >= 1e6) {
    const kernel = simdKernel(16 + a.length + (symmetric ? 0 : b.length));
    if (kernel) return crossRowsSimd(kernel, a, na, b, nb, c, symmetric);
  }
  const out = new Float64Array(na * nb);
  for (let k0 = 0; k0 < c; k0 += CHUNK) {
    const k1 = Math.min(c, k0 + CHUNK);
    for (let i0 = 0; i0 < na; i0 += TILE) {
      const i1 = Math.min(na, i0 + TILE);
      for (let j0 = symmetric ? i0 : 0; j0 < nb; j0 += TILE) {
        const j1 = Math.min(nb, j0 + TILE);
        tile(a, b, c, nb, out, i0, i1, j0, j1, k0, k1, symmetric);
      }
    }
  }
  if (symmetric) {
    for (let i = 0; i < na; i++) for (let j = 0; j < i; j++) out[i * nb + j] = out[j * nb + i];
  }
  return out;
}

function tile(
  a: Float64Array,
  b: Float64Array,
  c: number,
  nb: number,
  out: Float64Array,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
  symmetric: boolean,
): void {
  // 3 x 3 register block: 9 accumulators + 3 + 1 operands fit the 16 x64 float registers.
  let i = i0;
  for (; i + 3 <= i1; i += 3) {
    const r0 = i * c,
      r1 = r0 + c,
      r2 = r1 + c;
    let j = symmetric ? Math.max(j0, i) : j0;
    for (; j + 3 <= j1; j += 3) {
      const q0 = j * c,
        q1 = q0 + c,
        q2 = q1 + c;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s20 = 0,
        s21 = 0,
        s22 = 0;
      for (let k = k0; k < k1; k++) {
        const b0 = b[q0 + k],
          b1 = b[q1 + k],
          b2 = b[q2 + k];
        const a0 = a[r0 + k];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s02 += a0 * b2;
        const a1 = a[r1 + k];
        s10 += a1 * b0;
        s11 += a1 * b1;
        s12 += a1 * b2;
        const a2 = a[r2 + k];
        s20 += a2 * b0;
        s21 += a2 * b1;
        s22 += a2 * b2;
      }
      const o0 = i * nb + j,
        o1 = o0 + nb,
        o2 = o1 + nb;
      out[o0] += s00;
      out[o0 + 1] += s01;
      out[o0 + 2] += s02;
      out[o1] += s10;
      out[o1 + 1] += s11;
      out[o1 + 2] += s12;
      out[o2] += s20;
      out[o2 + 1] += s21;
      out[o2 + 2] += s22;
    }
    for (; j < j1; j++) {
      const q0 = j * c;
      let s0 = 0,
        s1 = 0,
        s2 = 0;
      for (let k = k0; k < k1; k++) {
        const b0 = b[q0 + k];
        s0 += a[r0 + k] * b0;
        s1 += a[r1 + k] * b0;
        s2 += a[r2 + k] * b0;
      }
      out[i * nb + j] += s0;
      out[(i + 1) * nb + j] += s1;
      out[(i + 2) * nb + j] += s2;
    }
    // With symmetric, columns j >= i cover the upper triangle of rows i..i+2; the few entries
    // below the diagonal computed on the way are overwritten by the final mirror.
  }
  for (; i < i1; i++) {
    const r0 = i * c;
    for (let j = symmetric ? Math.max(j0, i) : j0; j < j1; j++) {
      const q0 = j * c;
      let s = 0;
      for (let k = k0; k < k1; k++) s += a[r0 + k] * b[q0 + k];
      out[i * nb + j] += s;
    }
  }
}

/** {@link crossRows} with the 3 x 3 blocks in WebAssembly SIMD (rows copied into its memory). */
function crossRowsSimd(
  kernel: SimdKernel,
  a: Float64Array,
  na: number,
  b: Float64Array,
  nb: number,
  c: number,
  symmetric: boolean,
): Float64Array {
  const { heap, dot3x3 } = kernel;
  const aOff = 16; // doubles 0..8: the kernel's output
  heap.set(a, aOff);
  const bOff = symmetric ? aOff : aOff + a.length;
  if (!symmetric) heap.set(b, bOff);
  const out = new Float64Array(na * nb);
  const rowBytes = c * 8;
  for (let k0 = 0; k0 < c; k0 += CHUNK) {
    const k1 = Math.min(c, k0 + CHUNK);
    const even = k0 + ((k1 - k0) & ~1);
    const bytes = (even - k0) * 8;
    for (let i0 = 0; i0 < na; i0 += TILE) {
      const i1 = Math.min(na, i0 + TILE);
      for (let j0 = symmetric ? i0 : 0; j0 < nb; j0 += TILE) {
        const j1 = Math.min(nb, j0 + TILE);
        let i = i0;
        for (; i + 3 <= i1; i += 3) {
          const pa = (aOff + i * c + k0) * 8;
          let j = symmetric ? Math.max(j0, i) : j0;
          for (; j + 3 <= j1; j += 3) {
            const pb = (bOff + j * c + k0) * 8;
            dot3x3(
              pa,
              pa + rowBytes,
              pa + 2 * rowBytes,
              pb,
              pb + rowBytes,
              pb + 2 * rowBytes,
              bytes,
              0,
            );
            for (let r = 0; r < 3; r++) {
              const o = (i + r) * nb + j;
              out[o] += heap[3 * r];
              out[o + 1] += heap[3 * r + 1];
              out[o + 2] += heap[3 * r + 2];
            }
            if (even < k1) {
              // odd chunk length: the last column in scalar arithmetic
              for (let r = 0; r < 3; r++)
                for (let t = 0; t < 3; t++)
                  out[(i + r) * nb + j + t] +=
                    heap[aOff + (i + r) * c + even] * heap[bOff + (j + t) * c + even];
            }
          }
          for (; j < j1; j++)
            for (let r = 0; r < 3; r++)
              out[(i + r) * nb + j] += dotRange(
                heap,
                aOff + (i + r) * c,
                heap,
                bOff + j * c,
                k0,
                k1,
              );
        }
        for (; i < i1; i++) {
          for (let j = symmetric ? Math.max(j0, i) : j0; j < j1; j++)
            out[i * nb + j] += dotRange(heap, aOff + i * c, heap, bOff + j * c, k0, k1);
        }
      }
    }
  }
  if (symmetric) {
    for (let i = 0; i < na; i++) for (let j = 0; j < i; j++) out[i * nb + j] = out[j * nb + i];
  }
  return out;
}

function dotRange(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  k0: number,
  k1: number,
): number {
  let s = 0;
  for (let k = k0; k < k1; k++) s += a[ao + k] * b[bo + k];
  return s;
}

/**
 * Gram matrix `X Xᵀ` of the rows of a row-major n x c matrix (n x n, symmetric).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.gramRows(new Float64Array([1, 2, 3, 4]), 2, 2); // x x^T: [5, 11, 11, 25]
 * ```
 */
export function gramRows(x: Float64Array, n: number, c: number): Float64Array {
  return crossRows(x, n, x, n, c, true);
}

/** Matrix product A (n x k) B (k x m), row-major. */
export function matmul(
  a: Float64Array,
  n: number,
  k: number,
  b: Float64Array,
  m: number,
): Float64Array {
  return crossRows(a, n, transpose(b, k, m), m, k);
}

/** Transpose of a row-major r x c matrix. */
export function transpose(x: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = x[i * c + j];
  return t;
}

/** An ml-matrix view of a row-major Float64Array. */
export function toMlMatrix(x: Float64Array, r: number, c: number): Matrix {
  const m = new Matrix(r, c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.set(i, j, x[i * c + j]);
  return m;
}

/** Row-major Float64Array of an ml-matrix. */
export function fromMlMatrix(m: Matrix): Float64Array {
  const r = m.rows;
  const c = m.columns;
  const x = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) x[i * c + j] = m.get(i, j);
  return x;
}

/** Inverse of a square row-major matrix (LU; RangeError when singular or not finite). */
export function invert(x: Float64Array, n: number, name = "matrix"): Float64Array {
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]))
      throw new RangeError(
        `${name} must be finite, got ${x[i]} at [${Math.floor(i / n)}][${i % n}]`,
      );
  const inv = fromMlMatrix(inverse(toMlMatrix(x, n, n)));
  for (let i = 0; i < inv.length; i++)
    if (!Number.isFinite(inv[i]))
      throw new RangeError(`${name} must be invertible (it is singular)`);
  return inv;
}

/** Lower Cholesky factor L (L Lᵀ = x) of a symmetric positive definite matrix. */
export function cholesky(x: Float64Array, n: number, name = "matrix"): Float64Array {
  const sym = toMlMatrix(x, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) sym.set(i, j, sym.get(j, i)); // exact symmetry for ml-matrix
  const d = new CholeskyDecomposition(sym);
  if (!d.isPositiveDefinite()) throw new RangeError(`${name} must be symmetric positive definite`);
  return fromMlMatrix(d.lowerTriangularMatrix);
}

/** Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns (row-major n x n). */
export function symmetricEigen(
  x: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const sym = toMlMatrix(x, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) sym.set(i, j, sym.get(j, i));
  const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const values = Float64Array.from(e.realEigenvalues);
  const vecs = e.eigenvectorMatrix;
  const order = Array.from(values.keys()).sort((p, q) => values[p] - values[q]);
  const sortedValues = Float64Array.from(order, (k) => values[k]);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) vectors[i * n + k] = vecs.get(i, order[k]);
  return { values: sortedValues, vectors };
}

/** Double-centres a symmetric n x n matrix in place: H M H with H = I - 11ᵀ/n (shared with `neurolab/schema`). */
export { doubleCentre as doubleCenter } from "../schema/geometry.js";
