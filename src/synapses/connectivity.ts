/**
 * Connectivity rules producing compressed sparse row (CSR) matrices: row = presynaptic
 * neuron, column indices = postsynaptic neurons. Each rule is a small function of
 * (nPre, nPost, rng) so rules compose and stay free of hidden state.
 */
import { checkInteger, checkProbability } from "../core/checks.js";
import {
  checkAllocation,
  checkArrayLike,
  checkBoolean,
  checkFunction,
  checkNumberArray,
  checkOptions,
  describeValue,
  MAX_POPULATION_SIZE,
} from "../core/validate.js";
import type { Rng } from "../random/rng.js";
import { describeName } from "../core/describe.js";

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

/**
 * Number of synapses of a CSR matrix.
 *
 * @example
 * ```ts
 * import { applyRule, fixedProbability, synapseCount, Rng } from "neurolab";
 * synapseCount(applyRule(fixedProbability(0.1), 100, 100, new Rng(1))); // about 1000
 * ```
 */
export function synapseCount(c: Csr): number {
  return c.rowPtr[c.nPre];
}

/**
 * Every source to every target (`allowSelf: false` drops i -> i).
 *
 * @example
 * ```ts
 * import { Network, allToAll } from "neurolab";
 * const net = new Network();
 * const a = net.addPoisson("a", { size: 10, rate_Hz: 5 });
 * const b = net.addLif("b", { size: 5 });
 * net.connect(a, b, { rule: allToAll(), weight_mV: 0.5 }); // 50 synapses
 * ```
 */
export function allToAll(opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  const allowSelf = checkBoolean(
    checkOptions(opts, ["allowSelf"], "allToAll options").allowSelf,
    "allowSelf",
    true,
  );
  return (nPre, nPost) => {
    checkSizes("allToAll", nPre, nPost);
    const self = allowSelf ? 0 : Math.min(nPre, nPost);
    const colIdx = new Int32Array(
      checkAllocation(nPre * nPost - self, 4, `allToAll: ${nPre} x ${nPost} synapses`),
    );
    const rowPtr = new Int32Array(nPre + 1);
    let nnz = 0;
    for (let i = 0; i < nPre; i++) {
      for (let j = 0; j < nPost; j++) if (allowSelf || i !== j) colIdx[nnz++] = j;
      rowPtr[i + 1] = nnz;
    }
    return { nPre, nPost, rowPtr, colIdx };
  };
}

/**
 * Source i to target i; requires equal sizes.
 *
 * @example
 * ```ts
 * import { Network, oneToOne } from "neurolab";
 * const net = new Network();
 * const a = net.addPoisson("a", { size: 10, rate_Hz: 5 });
 * const b = net.addLif("b", { size: 10 });
 * net.connect(a, b, { rule: oneToOne(), weight_mV: 2 }); // i -> i
 * ```
 */
export function oneToOne(): ConnectivityRule {
  return (nPre, nPost) => {
    checkSizes("oneToOne", nPre, nPost);
    if (nPre !== nPost)
      throw new RangeError(`oneToOne needs equal sizes, got nPre = ${nPre} and nPost = ${nPost}`);
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
 *
 * @example
 * ```ts
 * import { Network, fixedProbability } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const e = net.addLif("e", { size: 400 });
 * net.connect(e, e, { rule: fixedProbability(0.02, { allowSelf: false }), weight_mV: 0.2 });
 * ```
 */
export function fixedProbability(p: number, opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  checkProbability(p, "p");
  const allowSelf = checkBoolean(
    checkOptions(opts, ["allowSelf"], "fixedProbability options").allowSelf,
    "allowSelf",
    true,
  );
  return (nPre, nPost, rng) => {
    checkSizes("fixedProbability", nPre, nPost);
    const total = nPre * nPost;
    const what = `fixedProbability(${p}): ${nPre} x ${nPost} pairs, about ${Math.round(total * p)} synapses`;
    checkAllocation(Math.ceil(total * p), 4, what);
    let cap = Math.min(
      Math.max(16, Math.ceil(total * p * 1.1 + 10 * Math.sqrt(total * p + 1))),
      total + 1,
    );
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
          cap = checkAllocation(Math.min(cap * 2, total), 4, what);
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

/**
 * Explicit synapses from (pre, post) index pairs (COO), kept in input order within each row; duplicates stay separate synapses.
 *
 * @example
 * ```ts
 * import { Network, fromPairs } from "neurolab";
 * const net = new Network();
 * const a = net.addLif("a", { size: 3 });
 * net.connect(a, a, { rule: fromPairs([0, 1], [1, 2]), weight_mV: 1 }); // 0 -> 1 and 1 -> 2
 * ```
 */
export function fromPairs(pre: ArrayLike<number>, post: ArrayLike<number>): ConnectivityRule {
  checkNumberArray(pre, "fromPairs: pre", { integer: true, min: 0 });
  checkNumberArray(post, "fromPairs: post", { integer: true, min: 0 });
  if (pre.length !== post.length) {
    throw new RangeError(
      `fromPairs: pre and post must have equal lengths, got ${pre.length} and ${post.length}`,
    );
  }
  return (nPre, nPost) => {
    checkSizes("fromPairs", nPre, nPost);
    checkAllocation(pre.length, 4, `fromPairs: ${pre.length} synapses`);
    const counts = new Int32Array(nPre + 1);
    for (let k = 0; k < pre.length; k++) {
      checkInteger(pre[k], `fromPairs: pre[${k}]`, 0, nPre - 1);
      checkInteger(post[k], `fromPairs: post[${k}]`, 0, nPost - 1);
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
 *
 * @example
 * ```ts
 * import { Network, fixedInDegree } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const src = net.addPoisson("src", { size: 1000, rate_Hz: 8 });
 * const tgt = net.addLif("tgt", { size: 100 });
 * net.connect(src, tgt, { rule: fixedInDegree(100), weight_mV: 0.1 }); // each target gets exactly 100 inputs
 * ```
 */
export function fixedInDegree(k: number, opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  checkInteger(k, "k", 0, MAX_POPULATION_SIZE);
  const allowSelf = checkBoolean(
    checkOptions(opts, ["allowSelf"], "fixedInDegree options").allowSelf,
    "allowSelf",
    true,
  );
  return (nPre, nPost, rng) => {
    checkSizes("fixedInDegree", nPre, nPost);
    if (k > nPre)
      throw new RangeError(
        `fixedInDegree: k must be at most ${nPre} (nPre, the number of candidate sources), got ${k}`,
      );
    const pre = new Int32Array(
      checkAllocation(nPost * k, 4, `fixedInDegree(${k}): ${nPost} targets x ${k} synapses`),
    );
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

/**
 * Every source makes exactly `k` synapses onto distinct targets drawn uniformly (NEST's `fixed_outdegree`).
 *
 * @example
 * ```ts
 * import { Network, fixedOutDegree } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const src = net.addPoisson("src", { size: 100, rate_Hz: 8 });
 * const tgt = net.addLif("tgt", { size: 100 });
 * net.connect(src, tgt, { rule: fixedOutDegree(10), weight_mV: 0.1 }); // each source projects to 10 targets
 * ```
 */
export function fixedOutDegree(k: number, opts: { allowSelf?: boolean } = {}): ConnectivityRule {
  checkInteger(k, "k", 0, MAX_POPULATION_SIZE);
  const allowSelf = checkBoolean(
    checkOptions(opts, ["allowSelf"], "fixedOutDegree options").allowSelf,
    "allowSelf",
    true,
  );
  return (nPre, nPost, rng) => {
    checkSizes("fixedOutDegree", nPre, nPost);
    if (k > nPost)
      throw new RangeError(
        `fixedOutDegree: k must be at most ${nPost} (nPost, the number of candidate targets), got ${k}`,
      );
    const rowPtr = new Int32Array(nPre + 1);
    const colIdx = new Int32Array(
      checkAllocation(nPre * k, 4, `fixedOutDegree(${k}): ${nPre} sources x ${k} synapses`),
    );
    for (let i = 0; i < nPre; i++) {
      colIdx.set(sampleDistinct(nPost, k, rng, allowSelf ? -1 : i, "k"), i * k);
      rowPtr[i + 1] = (i + 1) * k;
    }
    return { nPre, nPost, rowPtr, colIdx };
  };
}

/**
 * Synapses where a dense matrix (rows = sources, columns = targets) is non-zero.
 *
 * @example
 * ```ts
 * import { Network, fromDense } from "neurolab";
 * const net = new Network();
 * const a = net.addLif("a", { size: 2 });
 * net.connect(a, a, { rule: fromDense([[0, 1], [1, 0]]), weight_mV: 1 }); // non-zero entries become synapses
 * ```
 */
export function fromDense(matrix: ArrayLike<ArrayLike<number>>): ConnectivityRule {
  const rows = checkArrayLike<ArrayLike<number>>(matrix, "fromDense: matrix");
  for (let i = 0; i < rows.length; i++) checkNumberArray(rows[i], `fromDense: matrix[${i}]`);
  return (nPre, nPost) => {
    checkSizes("fromDense", nPre, nPost);
    if (rows.length !== nPre)
      throw new RangeError(`fromDense: matrix must have nPre = ${nPre} rows, got ${rows.length}`);
    const rowPtr = new Int32Array(nPre + 1);
    for (let i = 0; i < nPre; i++) {
      const row = rows[i];
      if (row.length !== nPost)
        throw new RangeError(
          `fromDense: row ${i} must have nPost = ${nPost} entries, got ${row.length}`,
        );
      let count = 0;
      for (let j = 0; j < nPost; j++) if (row[j] !== 0) count++;
      rowPtr[i + 1] = rowPtr[i] + count;
    }
    const colIdx = new Int32Array(rowPtr[nPre]);
    for (let i = 0, k = 0; i < nPre; i++) {
      const row = rows[i];
      for (let j = 0; j < nPost; j++) if (row[j] !== 0) colIdx[k++] = j;
    }
    return { nPre, nPost, rowPtr, colIdx };
  };
}

/** `k` distinct integers from [0, n) other than `exclude`, sorted (Floyd's algorithm). */
function sampleDistinct(n: number, k: number, rng: Rng, exclude: number, name: string): Int32Array {
  const pool = exclude >= 0 && exclude < n ? n - 1 : n;
  if (k > pool)
    throw new RangeError(`${name} must be at most ${pool} (the number of candidates), got ${k}`);
  const chosen = new Set<number>();
  for (let j = pool - k; j < pool; j++) {
    const t = Math.floor(rng.uniform() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  // Map [0, pool) onto [0, n) skipping `exclude`.
  return Int32Array.from(chosen, (x) => (exclude >= 0 && x >= exclude ? x + 1 : x)).sort();
}

/**
 * Explicit CSR connectivity (row = source): validated, copied, used as given.
 *
 * @example
 * ```ts
 * import { Network, fromCsr } from "neurolab";
 * const net = new Network();
 * const a = net.addLif("a", { size: 3 });
 * // row i lists the targets of neuron i: 0 -> {1, 2}, 1 -> {}, 2 -> {0}
 * net.connect(a, a, { rule: fromCsr([0, 2, 2, 3], [1, 2, 0]), weight_mV: 1 });
 * ```
 */
export function fromCsr(rowPtr: ArrayLike<number>, colIdx: ArrayLike<number>): ConnectivityRule {
  checkNumberArray(colIdx, "fromCsr: colIdx", {
    integer: true,
    min: 0,
    max: MAX_POPULATION_SIZE - 1,
  });
  checkNumberArray(rowPtr, "fromCsr: rowPtr", {
    integer: true,
    min: 0,
    max: colIdx.length,
    minLength: 1,
  });
  return (nPre, nPost) => {
    checkSizes("fromCsr", nPre, nPost);
    if (rowPtr.length !== nPre + 1)
      throw new RangeError(
        `fromCsr: rowPtr must have nPre + 1 = ${nPre + 1} entries, got ${rowPtr.length}`,
      );
    return checkCsr(
      { nPre, nPost, rowPtr: Int32Array.from(rowPtr), colIdx: Int32Array.from(colIdx) },
      nPre,
      nPost,
      "fromCsr",
    );
  };
}

/**
 * Checks what a connectivity rule returned for `nPre` x `nPost` before anything trusts it (a
 * custom rule with an out-of-range index would otherwise make the WebAssembly delivery kernel
 * trap out of bounds): Int32Array `rowPtr` of nPre + 1 non-decreasing offsets from 0 to
 * `colIdx.length`, every column in [0, nPost). Returns the CSR; RangeError/TypeError naming
 * `ruleName` and the first fault otherwise.
 *
 * @example
 * ```ts
 * import { checkCsr } from "neurolab";
 * checkCsr({ nPre: 2, nPost: 2, rowPtr: Int32Array.of(0, 1, 2), colIdx: Int32Array.of(1, 0) }, 2, 2); // throws naming the fault if malformed
 * ```
 */
export function checkCsr(
  csr: unknown,
  nPre: number,
  nPost: number,
  ruleName = "connectivity rule",
): Csr {
  ruleName = describeName(ruleName);
  if (csr === null || typeof csr !== "object")
    throw new TypeError(
      `${ruleName} must return a CSR { nPre, nPost, rowPtr, colIdx }, got ${describeValue(csr)}`,
    );
  const c = csr as Csr;
  if (c.nPre !== nPre || c.nPost !== nPost)
    throw new RangeError(
      `${ruleName} returned a ${describeValue(c.nPre)} x ${describeValue(c.nPost)} CSR for ${describeValue(nPre)} x ${describeValue(nPost)} neurons`,
    );
  if (!(c.rowPtr instanceof Int32Array) || !(c.colIdx instanceof Int32Array))
    throw new TypeError(
      `${ruleName} must return rowPtr and colIdx as Int32Array, got ${describeValue(c.rowPtr)} and ${describeValue(c.colIdx)}`,
    );
  const { rowPtr, colIdx } = c;
  if (rowPtr.length !== nPre + 1)
    throw new RangeError(
      `${ruleName}: rowPtr must have nPre + 1 = ${nPre + 1} entries, got ${rowPtr.length}`,
    );
  if (rowPtr[0] !== 0 || rowPtr[nPre] !== colIdx.length) {
    throw new RangeError(
      `${ruleName}: rowPtr must start at 0 and end at colIdx.length = ${colIdx.length}, got ${rowPtr[0]} and ${rowPtr[nPre]}`,
    );
  }
  for (let i = 0; i < nPre; i++) {
    if (rowPtr[i + 1] < rowPtr[i])
      throw new RangeError(
        `${ruleName}: rowPtr must not decrease, but rowPtr[${i + 1}] = ${rowPtr[i + 1]} < rowPtr[${i}] = ${rowPtr[i]}`,
      );
  }
  for (let k = 0; k < colIdx.length; k++) {
    if (colIdx[k] < 0 || colIdx[k] >= nPost)
      throw new RangeError(
        `${ruleName}: colIdx[${k}] must be an integer in [0, ${nPost - 1}], got ${colIdx[k]}`,
      );
  }
  return c;
}

/**
 * Runs `rule` for `nPre` x `nPost` and validates its output with {@link checkCsr}.
 *
 * @example
 * ```ts
 * import { Rng, applyRule, fixedProbability } from "neurolab";
 * const csr = applyRule(fixedProbability(0.5), 4, 4, new Rng(7)); // the connectivity a rule builds
 * csr.rowPtr; csr.colIdx;
 * ```
 */
export function applyRule(
  rule: ConnectivityRule,
  nPre: number,
  nPost: number,
  rng: Rng,
  ruleName = "connectivity rule",
): Csr {
  checkFunction(
    rule,
    ruleName,
    "a connectivity rule (nPre, nPost, rng) => Csr, e.g. fixedProbability(0.1)",
  );
  return checkCsr(rule(nPre, nPost, rng), nPre, nPost, ruleName);
}

/** Sizes a rule is called with: integers in [0, MAX_POPULATION_SIZE]. */
function checkSizes(rule: string, nPre: number, nPost: number): void {
  checkInteger(nPre, `${rule}: nPre`, 0, MAX_POPULATION_SIZE);
  checkInteger(nPost, `${rule}: nPost`, 0, MAX_POPULATION_SIZE);
}
