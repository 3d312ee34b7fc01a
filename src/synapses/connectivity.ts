/**
 * Connectivity rules producing compressed sparse row (CSR) matrices: row = presynaptic
 * neuron, column indices = postsynaptic neurons. Each rule is a small function of
 * (nPre, nPost, rng) so rules compose and stay free of hidden state.
 */
import { checkInteger, checkProbability } from "../core/checks.js";
import type { Rng } from "../random/rng.js";

/** A CSR connectivity matrix from `nPre` sources to `nPost` targets. */
export interface Csr {
  readonly nPre: number;
  readonly nPost: number;
  /** Row offsets, length nPre + 1. */
  readonly rowPtr: Int32Array;
  /** Postsynaptic index of each synapse. */
  readonly colIdx: Int32Array;
}

/** A connectivity rule: builds a CSR matrix, drawing any randomness from `rng`. */
export type ConnectivityRule = (nPre: number, nPost: number, rng: Rng) => Csr;

/** Number of synapses of a CSR matrix. */
export function synapseCount(c: Csr): number {
  return c.rowPtr[c.nPre];
}

/** Every source to every target. */
export function allToAll(opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  const allowSelf = opts.allowSelf ?? true;
  return (nPre, nPost) => {
    const cols: number[] = [];
    const rowPtr = new Int32Array(nPre + 1);
    for (let i = 0; i < nPre; i++) {
      for (let j = 0; j < nPost; j++) if (allowSelf || i !== j) cols.push(j);
      rowPtr[i + 1] = cols.length;
    }
    return { nPre, nPost, rowPtr, colIdx: Int32Array.from(cols) };
  };
}

/** Source i to target i; requires equal sizes. */
export function oneToOne(): ConnectivityRule {
  return (nPre, nPost) => {
    if (nPre !== nPost) throw new RangeError(`oneToOne needs equal sizes, got nPre = ${nPre} and nPost = ${nPost}`);
    const rowPtr = new Int32Array(nPre + 1);
    const colIdx = new Int32Array(nPre);
    for (let i = 0; i < nPre; i++) {
      rowPtr[i + 1] = i + 1;
      colIdx[i] = i;
    }
    return { nPre, nPost, rowPtr, colIdx };
  };
}

/**
 * Each (source, target) pair is connected independently with probability `p` (Bernoulli),
 * sampled by geometric skipping over the row-major pair grid: O(synapses), not O(pairs).
 * `allowSelf` (default true, as Brian2's and NEST's benchmarks) keeps i -> i pairs.
 */
export function fixedProbability(p: number, opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  checkProbability(p, "p");
  const allowSelf = opts.allowSelf ?? true;
  return (nPre, nPost, rng) => {
    const total = nPre * nPost;
    let cap = Math.max(16, Math.ceil(total * p * 1.1 + 10 * Math.sqrt(total * p + 1)));
    let cols = new Int32Array(cap);
    const rowPtr = new Int32Array(nPre + 1);
    let nnz = 0;
    let row = 0;
    let pos = rng.geometric(p);
    while (pos < total) {
      const i = Math.floor(pos / nPost);
      const j = pos - i * nPost;
      while (row < i) rowPtr[++row] = nnz;
      if (allowSelf || i !== j) {
        if (nnz === cap) {
          cap *= 2;
          const grown = new Int32Array(cap);
          grown.set(cols);
          cols = grown;
        }
        cols[nnz++] = j;
      }
      pos += 1 + rng.geometric(p);
    }
    while (row < nPre) rowPtr[++row] = nnz;
    return { nPre, nPost, rowPtr, colIdx: cols.slice(0, nnz) };
  };
}

/** Explicit synapses from (pre, post) index pairs (COO), kept in input order within each row; duplicates stay separate synapses. */
export function fromPairs(pre: ArrayLike<number>, post: ArrayLike<number>): ConnectivityRule {
  if (pre.length !== post.length) {
    throw new RangeError(`fromPairs: pre and post must have equal lengths, got ${pre.length} and ${post.length}`);
  }
  return (nPre, nPost) => {
    const counts = new Int32Array(nPre + 1);
    for (let k = 0; k < pre.length; k++) {
      checkInteger(pre[k], `pre[${k}]`, 0, nPre - 1);
      checkInteger(post[k], `post[${k}]`, 0, nPost - 1);
      counts[pre[k] + 1]++;
    }
    const rowPtr = new Int32Array(nPre + 1);
    for (let i = 0; i < nPre; i++) rowPtr[i + 1] = rowPtr[i] + counts[i + 1];
    const fill = rowPtr.slice(0, nPre);
    const colIdx = new Int32Array(pre.length);
    for (let k = 0; k < pre.length; k++) colIdx[fill[pre[k]]++] = post[k];
    return { nPre, nPost, rowPtr, colIdx };
  };
}

/**
 * Every target receives exactly `k` synapses from distinct sources drawn uniformly (NEST's
 * `fixed_indegree` without multapses). `allowSelf: false` excludes i -> i (needs nPre = nPost).
 */
export function fixedInDegree(k: number, opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  checkInteger(k, "k", 0);
  const allowSelf = opts.allowSelf ?? true;
  return (nPre, nPost, rng) => {
    const pre = new Int32Array(nPost * k);
    const post = new Int32Array(nPost * k);
    for (let j = 0; j < nPost; j++) {
      const chosen = sampleDistinct(nPre, k, rng, allowSelf ? -1 : j, "k");
      for (let m = 0; m < k; m++) {
        pre[j * k + m] = chosen[m];
        post[j * k + m] = j;
      }
    }
    return fromPairs(pre, post)(nPre, nPost, rng);
  };
}

/** Every source makes exactly `k` synapses onto distinct targets drawn uniformly (NEST's `fixed_outdegree`). */
export function fixedOutDegree(k: number, opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  checkInteger(k, "k", 0);
  const allowSelf = opts.allowSelf ?? true;
  return (nPre, nPost, rng) => {
    const rowPtr = new Int32Array(nPre + 1);
    const colIdx = new Int32Array(nPre * k);
    for (let i = 0; i < nPre; i++) {
      colIdx.set(sampleDistinct(nPost, k, rng, allowSelf ? -1 : i, "k"), i * k);
      rowPtr[i + 1] = (i + 1) * k;
    }
    return { nPre, nPost, rowPtr, colIdx };
  };
}

/** Synapses where a dense matrix (rows = sources, columns = targets) is non-zero. */
export function fromDense(matrix: ArrayLike<ArrayLike<number>>): ConnectivityRule {
  return (nPre, nPost) => {
    if (matrix.length !== nPre) throw new RangeError(`fromDense: matrix must have nPre = ${nPre} rows, got ${matrix.length}`);
    const pre: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < nPre; i++) {
      const row = matrix[i];
      if (row.length !== nPost) throw new RangeError(`fromDense: row ${i} must have nPost = ${nPost} entries, got ${row.length}`);
      for (let j = 0; j < nPost; j++) {
        const w = row[j];
        if (!Number.isFinite(w)) throw new RangeError(`fromDense: matrix[${i}][${j}] must be a finite number, got ${w}`);
        if (w !== 0) {
          pre.push(i);
          post.push(j);
        }
      }
    }
    return fromPairs(pre, post)(nPre, nPost, null as never);
  };
}

/** `k` distinct integers from [0, n) other than `exclude`, sorted (Floyd's algorithm). */
function sampleDistinct(n: number, k: number, rng: Rng, exclude: number, name: string): Int32Array {
  const pool = exclude >= 0 && exclude < n ? n - 1 : n;
  if (k > pool) throw new RangeError(`${name} must be at most ${pool} (the number of candidates), got ${k}`);
  const chosen = new Set<number>();
  for (let j = pool - k; j < pool; j++) {
    const t = Math.floor(rng.uniform() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  // Map [0, pool) onto [0, n) skipping `exclude`.
  return Int32Array.from(chosen, (x) => (exclude >= 0 && x >= exclude ? x + 1 : x)).sort();
}

/** Explicit CSR connectivity (row = source): validated, copied, used as given. */
export function fromCsr(rowPtr: ArrayLike<number>, colIdx: ArrayLike<number>): ConnectivityRule {
  return (nPre, nPost) => {
    if (rowPtr.length !== nPre + 1) throw new RangeError(`fromCsr: rowPtr must have nPre + 1 = ${nPre + 1} entries, got ${rowPtr.length}`);
    if (rowPtr[0] !== 0 || rowPtr[nPre] !== colIdx.length) {
      throw new RangeError(`fromCsr: rowPtr must start at 0 and end at colIdx.length = ${colIdx.length}, got ${rowPtr[0]} and ${rowPtr[nPre]}`);
    }
    for (let i = 0; i < nPre; i++) {
      if (!(rowPtr[i + 1] >= rowPtr[i])) throw new RangeError(`fromCsr: rowPtr must not decrease, but rowPtr[${i + 1}] = ${rowPtr[i + 1]} < rowPtr[${i}] = ${rowPtr[i]}`);
    }
    for (let k = 0; k < colIdx.length; k++) checkInteger(colIdx[k], `colIdx[${k}]`, 0, nPost - 1);
    return { nPre, nPost, rowPtr: Int32Array.from(rowPtr), colIdx: Int32Array.from(colIdx) };
  };
}
