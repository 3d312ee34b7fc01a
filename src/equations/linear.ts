/**
 * The exact one-step propagator of a linear system x' = M x + c with constant M and c held
 * over the step (the "exact" integrator; Rotter & Diesmann 1999, as NEST's and Brian2's linear
 * solvers): x(t + dt) = P x(t) + Q c with P = exp(M dt) and Q = ∫₀^dt exp(M s) ds, read off
 * the matrix exponential of the augmented matrix [[M, I], [0, 0]] dt = [[P, Q], [0, I]].
 * Matrices here are tiny (one row per state variable): scaling and squaring with a Taylor
 * series summed to convergence.
 */

type Matrix = number[][];

const zeros = (n: number): Matrix => Array.from({ length: n }, () => new Array<number>(n).fill(0));

function matmul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const out = zeros(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i][j] += a[i][k] * b[k][j];
  return out;
}

/** exp(A) by scaling and squaring with a Taylor series. */
export function expm(A: Matrix): Matrix {
  const n = A.length;
  let norm = 0;
  for (const row of A)
    norm = Math.max(
      norm,
      row.reduce((s, x) => s + Math.abs(x), 0),
    );
  if (!Number.isFinite(norm)) throw new RangeError("expm: the matrix has a non-finite entry");
  const squarings = Math.max(0, Math.ceil(Math.log2(norm / 0.25)));
  const scale = 2 ** -squarings;
  const S = A.map((row) => row.map((x) => x * scale));
  let result = zeros(n);
  let term = zeros(n);
  for (let i = 0; i < n; i++) result[i][i] = term[i][i] = 1;
  for (let k = 1; k < 40; k++) {
    term = matmul(term, S).map((row) => row.map((x) => x / k));
    let largest = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        result[i][j] += term[i][j];
        largest = Math.max(largest, Math.abs(term[i][j]));
      }
    if (largest < 1e-18) break;
  }
  for (let s = 0; s < squarings; s++) result = matmul(result, result);
  return result;
}

/** P = exp(M dt) and Q = ∫₀^dt exp(M s) ds for the system x' = M x + c (see the module comment). */
export function expmAugmented(
  M: readonly (readonly number[])[],
  dt: number,
): { P: Matrix; Q: Matrix } {
  const n = M.length;
  const A = zeros(2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) A[i][j] = M[i][j] * dt;
    A[i][n + i] = dt;
  }
  const E = expm(A);
  return {
    P: E.slice(0, n).map((row) => row.slice(0, n)),
    Q: E.slice(0, n).map((row) => row.slice(n)),
  };
}
