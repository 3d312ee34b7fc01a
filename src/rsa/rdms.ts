/**
 * RDM sets: one or more representational dissimilarity matrices over the same conditions,
 * stored as condensed upper-triangle vectors in scipy `squareform` order
 * ((0,1), (0,2), ..., (0,n-1), (1,2), ...). Mirrors rsatoolbox's `RDMs`.
 */
import { checkInteger } from "../core/checks.js";
import {
  checkArray,
  checkArrayLike,
  checkNumberArray,
  checkOptions,
  checkString,
  describeValue,
  MAX_POPULATION_SIZE,
} from "../core/validate.js";
import {
  checkDescriptors,
  pickDescriptors,
  type DescriptorValue,
  type Descriptors,
} from "./descriptors.js";
import { displayAs } from "../display/protocol.js";
import { describeName } from "../core/describe.js";

/** A set of `nRdm` RDMs over `nConditions` conditions. */
export interface Rdms {
  /** nRdm x nPairs, row-major; row `r` is RDM `r` in squareform order. NaN marks a missing pair. */
  readonly dissimilarities: Float64Array;
  readonly nRdm: number;
  readonly nConditions: number;
  /** Name of the dissimilarity measure (e.g. "squared euclidean", "correlation"). */
  readonly measure: string;
  /** One value per condition for each descriptor (always includes `index`). */
  readonly patternDescriptors: Descriptors;
  /** One value per RDM for each descriptor (always includes `index`). */
  readonly rdmDescriptors: Descriptors;
}

/**
 * Checks an RDM-set argument `name` (O(1): the shape, not the values): an object with a
 * Float64Array of `nRdm` x n(n-1)/2 dissimilarities and descriptors. Returns it.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.checkRdms(rsa.makeRdms([[1, 2, 3]]), "data"); // throws naming "data" if malformed
 * ```
 */
export function checkRdms(x: unknown, name = "rdms"): Rdms {
  name = describeName(name);
  const r = x as Rdms;
  if (
    r === null ||
    typeof r !== "object" ||
    !(r.dissimilarities instanceof Float64Array) ||
    r.patternDescriptors === undefined ||
    r.rdmDescriptors === undefined
  ) {
    throw new TypeError(
      `${name} must be an RDM set (from makeRdms, rdmsFromMatrices or calcRdm), got ${describeValue(x)}`,
    );
  }
  if (!(
    Number.isInteger(r.nConditions) &&
    r.nConditions >= 2 &&
    Number.isInteger(r.nRdm) &&
    r.nRdm >= 1 &&
    r.dissimilarities.length === r.nRdm * nPairs(r.nConditions)
  )) {
    throw new RangeError(
      `${name}: dissimilarities must hold nRdm x nConditions (nConditions - 1) / 2 entries, got nRdm = ${r.nRdm}, nConditions = ${r.nConditions}, ${r.dissimilarities.length} entries`,
    );
  }
  return r;
}

/** Dissimilarities a user passes in: finite, or NaN for a missing pair (±Infinity is refused). */
function checkDissimilarities(v: ArrayLike<number>, name: string): void {
  for (let i = 0; i < v.length; i++) {
    const d = v[i];
    if (typeof d !== "number" || d === Infinity || d === -Infinity)
      throw new RangeError(
        `${name}[${i}] must be finite or NaN (a missing pair), got ${describeValue(d)}`,
      );
  }
}

/**
 * Number of condensed entries for `n` conditions: n (n - 1) / 2.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.nPairs(4); // 6
 * ```
 */
export function nPairs(n: number): number {
  checkInteger(n, "n (conditions)");
  return (n * (n - 1)) / 2;
}

/**
 * Number of conditions of a condensed vector of `length` entries; RangeError if it is not triangular.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.nConditionsFromPairs(6); // 4
 * ```
 */
export function nConditionsFromPairs(length: number): number {
  checkInteger(length, "condensed RDM length");
  const n = Math.round((1 + Math.sqrt(1 + 8 * length)) / 2);
  if (nPairs(n) !== length || n < 2)
    throw new RangeError(
      `condensed RDM length must be n(n-1)/2 for an integer n >= 2, got ${length}`,
    );
  return n;
}

/**
 * Condensed index of the pair (i, j), i != j, for n conditions (scipy squareform order).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.pairIndex(4, 1, 3); // 4: the position of (1, 3) in the squareform vector
 * ```
 */
export function pairIndex(n: number, i: number, j: number): number {
  checkInteger(n, "n", 2, MAX_POPULATION_SIZE);
  checkInteger(i, "i", 0, n - 1);
  checkInteger(j, "j", 0, n - 1);
  if (i === j)
    throw new RangeError(`i and j must differ (the diagonal is not stored), got i = j = ${i}`);
  if (i > j) [i, j] = [j, i];
  return n * i - (i * (i + 1)) / 2 + j - i - 1;
}

/** Options of {@link makeRdms}. */
export interface RdmsOptions {
  measure?: string;
  patternDescriptors?: Record<string, readonly DescriptorValue[]>;
  rdmDescriptors?: Record<string, readonly DescriptorValue[]>;
}

/**
 * Builds an RDM set from condensed vectors: an array of vectors, or one Float64Array holding
 * `nRdm` concatenated vectors (then `nConditions` is needed if there is more than one RDM).
 * NaN marks a missing dissimilarity. For square matrices use {@link rdmsFromMatrices}.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.makeRdms([[1, 2, 3], [2, 2, 1]], {
 *   measure: "euclidean", patternDescriptors: { condition: ["a", "b", "c"] }, rdmDescriptors: { subject: [1, 2] },
 * });
 * rdms.nRdm; // 2
 * ```
 */
export function makeRdms(
  input: Float64Array | readonly ArrayLike<number>[],
  opts: RdmsOptions & { nConditions?: number } = {},
): Rdms {
  checkOptions(
    opts,
    ["measure", "patternDescriptors", "rdmDescriptors", "nConditions"],
    "makeRdms options",
  );
  checkArrayLike(input, "dissimilarities");
  if (opts.nConditions !== undefined)
    checkInteger(opts.nConditions, "nConditions", 2, MAX_POPULATION_SIZE);
  if (input instanceof Float64Array) checkDissimilarities(input, "dissimilarities");
  else
    for (let r = 0; r < input.length; r++)
      checkDissimilarities(
        checkArrayLike(input[r], `dissimilarities[${r}]`),
        `dissimilarities[${r}]`,
      );
  if (input instanceof Float64Array) {
    const n = opts.nConditions ?? nConditionsFromPairs(input.length);
    return rdmsFromVectors(Float64Array.from(input), n, opts);
  }
  if (input.length === 0) throw new RangeError("dissimilarities must hold at least one RDM, got 0");
  const n = opts.nConditions ?? nConditionsFromPairs(input[0].length);
  const p = nPairs(n);
  const vectors = new Float64Array(input.length * p);
  input.forEach((v, r) => {
    if (v.length !== p)
      throw new RangeError(
        `dissimilarities[${r}] must have ${p} entries (${n} conditions), got ${v.length}`,
      );
    vectors.set(v, r * p);
  });
  return rdmsFromVectors(vectors, n, opts);
}

/**
 * Builds an RDM set from square symmetric matrices with zero (or NaN) diagonal.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rdmsFromMatrices([[[0, 1, 2], [1, 0, 3], [2, 3, 0]]]).dissimilarities; // [1, 2, 3]
 * ```
 */
export function rdmsFromMatrices(
  matrices: readonly (readonly (readonly number[])[])[],
  opts: RdmsOptions = {},
): Rdms {
  checkOptions(
    opts,
    ["measure", "patternDescriptors", "rdmDescriptors"],
    "rdmsFromMatrices options",
  );
  checkArray(matrices, "matrices");
  matrices.forEach(
    (m, r) =>
      checkArrayLike(m, `matrices[${r}]`).length > 0 &&
      Array.from(m).forEach((row, i) =>
        checkDissimilarities(checkArrayLike(row, `matrices[${r}][${i}]`), `matrices[${r}][${i}]`),
      ),
  );
  if (matrices.length === 0) throw new RangeError("matrices must hold at least one RDM, got 0");
  const n = matrices[0].length;
  const p = nPairs(n);
  const vectors = new Float64Array(matrices.length * p);
  matrices.forEach((m, r) => {
    if (m.length !== n)
      throw new RangeError(`matrices[${r}] must have ${n} rows (as matrices[0]), got ${m.length}`);
    vectors.set(squareToVector(m, `matrices[${r}]`), r * p);
  });
  return rdmsFromVectors(vectors, n, opts);
}

function isSquare(m: readonly (readonly number[])[]): boolean {
  return m.every((row) => Array.isArray(row) && row.length === m.length);
}

/** Display kind of an RDM set (its figure: `rdmFigure`, registered by rsa/figure.ts). @internal */
export const RDMS_DISPLAY = "neurolab.rsa.rdms";

/**
 * Builds an RDM set around an existing condensed buffer (no copy).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rdmsFromVectors(new Float64Array([1, 2, 3, 4, 5, 6]), 3).nRdm; // 2 RDMs over 3 conditions
 * ```
 */
export function rdmsFromVectors(
  vectors: Float64Array,
  nConditions: number,
  opts: RdmsOptions = {},
): Rdms {
  if (!(vectors instanceof Float64Array))
    throw new TypeError(`vectors must be a Float64Array, got ${describeValue(vectors)}`);
  if (opts.measure !== undefined) checkString(opts.measure, "measure");
  const p = nPairs(nConditions);
  if (!(Number.isInteger(nConditions) && nConditions >= 2))
    throw new RangeError(`nConditions must be an integer >= 2, got ${nConditions}`);
  if (vectors.length === 0 || vectors.length % p !== 0)
    throw new RangeError(
      `dissimilarities.length must be a positive multiple of ${p}, got ${vectors.length}`,
    );
  const nRdm = vectors.length / p;
  const pattern = { index: range(nConditions), ...(opts.patternDescriptors ?? {}) };
  const rdm = { index: range(nRdm), ...(opts.rdmDescriptors ?? {}) };
  // Displays as the RDM widget when it is a cell's last value in the neurolab kernel (rsa/figure.ts).
  return Object.freeze(
    displayAs(
      {
        dissimilarities: vectors,
        nRdm,
        nConditions,
        measure: opts.measure ?? "",
        patternDescriptors: checkDescriptors(pattern, nConditions, "patternDescriptors"),
        rdmDescriptors: checkDescriptors(rdm, nRdm, "rdmDescriptors"),
      },
      RDMS_DISPLAY,
    ),
  );
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Condensed vector of a square symmetric matrix with zero (or NaN) diagonal.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.squareToVector([[0, 1, 2], [1, 0, 3], [2, 3, 0]]); // [1, 2, 3]
 * ```
 */
export function squareToVector(m: readonly (readonly number[])[], name = "matrix"): Float64Array {
  name = describeName(name);
  checkArrayLike(m, name);
  for (let i = 0; i < m.length; i++) checkArrayLike(m[i], `${name}[${i}]`);
  const n = m.length;
  if (n < 2 || !isSquare(m))
    throw new RangeError(`${name} must be square with at least 2 rows, got ${n} rows`);
  const v = new Float64Array(nPairs(n));
  let k = 0;
  for (let i = 0; i < n; i++) {
    const d = m[i][i];
    if (!(d === 0 || Number.isNaN(d)))
      throw new RangeError(`${name}[${i}][${i}] must be 0 (or NaN) on the diagonal, got ${d}`);
    for (let j = i + 1; j < n; j++) {
      const a = m[i][j];
      const b = m[j][i];
      if (!(
        a === b ||
        (Number.isNaN(a) && Number.isNaN(b)) ||
        Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))
      )) {
        throw new RangeError(
          `${name} must be symmetric: [${i}][${j}] = ${a} but [${j}][${i}] = ${b}`,
        );
      }
      v[k++] = a;
    }
  }
  return v;
}

/**
 * Condensed vector of RDM `r` (a view, not a copy).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rdmVector(rsa.makeRdms([[1, 2, 3], [4, 5, 6]]), 1); // [4, 5, 6] (a view)
 * ```
 */
export function rdmVector(rdms: Rdms, r = 0): Float64Array {
  checkRdms(rdms);
  const p = nPairs(rdms.nConditions);
  if (!(Number.isInteger(r) && r >= 0 && r < rdms.nRdm))
    throw new RangeError(`r must be an integer in [0, ${rdms.nRdm - 1}], got ${r}`);
  return rdms.dissimilarities.subarray(r * p, (r + 1) * p);
}

/**
 * RDM `r` as a square matrix (`number[][]`, zero diagonal).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.toMatrix(rsa.makeRdms([[1, 2, 3]])); // [[0, 1, 2], [1, 0, 3], [2, 3, 0]]
 * ```
 */
export function toMatrix(rdms: Rdms, r = 0): number[][] {
  const v = rdmVector(rdms, r);
  const n = rdms.nConditions;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      m[i][j] = v[k];
      m[j][i] = v[k];
      k++;
    }
  }
  return m;
}

/**
 * RDM `r` as a flat n x n Float64Array (row-major, zero diagonal).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.toSquare([1, 2, 3], 3); // row-major 3 x 3 with a zero diagonal
 * ```
 */
export function toSquare(vector: ArrayLike<number>, n: number): Float64Array {
  checkInteger(n, "n", 1, MAX_POPULATION_SIZE);
  checkNumberArray(vector, "vector", { length: nPairs(n) });
  const m = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      m[i * n + j] = vector[k];
      m[j * n + i] = vector[k];
      k++;
    }
  }
  return m;
}

/**
 * The RDMs `indices` of a set (in that order; repeats allowed, as for bootstrap samples).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.subsetRdms(rsa.makeRdms([[1, 2, 3], [4, 5, 6]]), [1]).nRdm; // 1
 * ```
 */
export function subsetRdms(rdms: Rdms, indices: readonly number[]): Rdms {
  checkRdms(rdms);
  checkNumberArray(indices, "indices", { integer: true, min: 0, max: rdms.nRdm - 1, minLength: 1 });
  const p = nPairs(rdms.nConditions);
  const out = new Float64Array(indices.length * p);
  indices.forEach((r, k) => out.set(rdmVector(rdms, r), k * p));
  return rdmsFromVectors(out, rdms.nConditions, {
    measure: rdms.measure,
    patternDescriptors: rdms.patternDescriptors as Record<string, DescriptorValue[]>,
    rdmDescriptors: pickDescriptors(rdms.rdmDescriptors, indices) as Record<
      string,
      DescriptorValue[]
    >,
  });
}

/**
 * The RDMs whose descriptor `name` takes one of `values`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.makeRdms([[1, 2, 3], [4, 5, 6]], { rdmDescriptors: { subject: ["s1", "s2"] } });
 * rsa.subsetRdmsBy(rdms, "subject", ["s2"]).nRdm; // 1
 * ```
 */
export function subsetRdmsBy(rdms: Rdms, name: string, values: readonly DescriptorValue[]): Rdms {
  checkRdms(rdms);
  checkArrayLike(values, "values");
  const col = Object.hasOwn(rdms.rdmDescriptors, name) ? rdms.rdmDescriptors[name] : undefined;
  if (!col)
    throw new RangeError(
      `name must be an RDM descriptor (${Object.keys(rdms.rdmDescriptors).join(", ")}), got ${describeValue(name)}`,
    );
  const keep = new Set(values);
  return subsetRdms(
    rdms,
    col.flatMap((v, i) => (keep.has(v) ? [i] : [])),
  );
}

/**
 * The conditions `indices` of every RDM (at least 2). Repeated indices give NaN for the pair of a
 * condition with its copy (as rsatoolbox's `subsample_pattern`), so bootstrap samples stay aligned.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.subsetPatterns(rsa.makeRdms([[1, 2, 3]]), [0, 2]).dissimilarities; // [2]: only the pair (0, 2)
 * ```
 */
export function subsetPatterns(rdms: Rdms, indices: readonly number[]): Rdms {
  checkRdms(rdms);
  checkArrayLike(indices, "indices");
  const n = rdms.nConditions;
  const m = indices.length;
  if (m < 2) throw new RangeError(`indices must select at least 2 conditions, got ${m}`);
  indices.forEach((i, k) => {
    if (!(Number.isInteger(i) && i >= 0 && i < n))
      throw new RangeError(`indices[${k}] must be an integer in [0, ${n - 1}], got ${i}`);
  });
  const p = nPairs(n);
  const q = nPairs(m);
  const out = new Float64Array(rdms.nRdm * q);
  for (let r = 0; r < rdms.nRdm; r++) {
    let k = r * q;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        const i = indices[a];
        const j = indices[b];
        out[k++] = i === j ? NaN : rdms.dissimilarities[r * p + pairIndex(n, i, j)];
      }
    }
  }
  const pattern = pickDescriptors(rdms.patternDescriptors, indices) as Record<
    string,
    DescriptorValue[]
  >;
  return rdmsFromVectors(out, m, {
    measure: rdms.measure,
    patternDescriptors: {
      ...pattern,
      index: indices.map((_, k) => k),
      originalIndex: [...indices],
    },
    rdmDescriptors: rdms.rdmDescriptors as Record<string, DescriptorValue[]>,
  });
}

/**
 * Concatenates RDM sets over the same conditions; RDM descriptors present in all sets are kept.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.concatRdms([rsa.makeRdms([[1, 2, 3]]), rsa.makeRdms([[3, 2, 1]])]).nRdm; // 2
 * ```
 */
export function concatRdms(sets: readonly Rdms[]): Rdms {
  checkArrayLike(sets, "sets");
  for (let k = 0; k < sets.length; k++) checkRdms(sets[k], `sets[${k}]`);
  if (sets.length === 0) throw new RangeError("sets must hold at least one RDM set, got 0");
  const n = sets[0].nConditions;
  sets.forEach((s, k) => {
    if (s.nConditions !== n)
      throw new RangeError(
        `sets[${k}] must have ${n} conditions (as sets[0]), got ${s.nConditions}`,
      );
  });
  const total = sets.reduce((a, s) => a + s.dissimilarities.length, 0);
  const out = new Float64Array(total);
  let off = 0;
  for (const s of sets) {
    out.set(s.dissimilarities, off);
    off += s.dissimilarities.length;
  }
  const names = Object.keys(sets[0].rdmDescriptors).filter(
    (k) => k !== "index" && sets.every((s) => s.rdmDescriptors[k]),
  );
  const rdmDescriptors: Record<string, DescriptorValue[]> = {};
  for (const k of names) rdmDescriptors[k] = sets.flatMap((s) => [...s.rdmDescriptors[k]]);
  const measures = new Set(sets.map((s) => s.measure));
  return rdmsFromVectors(out, n, {
    measure: measures.size === 1 ? sets[0].measure : "mixed",
    patternDescriptors: sets[0].patternDescriptors as Record<string, DescriptorValue[]>,
    rdmDescriptors,
  });
}

/**
 * Reorders the conditions of every RDM (e.g. to sort by a pattern descriptor).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.reorderPatterns(rsa.makeRdms([[1, 2, 3]]), [2, 1, 0]).dissimilarities; // [3, 2, 1]
 * ```
 */
export function reorderPatterns(rdms: Rdms, order: readonly number[]): Rdms {
  checkRdms(rdms);
  checkNumberArray(order, "order", { integer: true, min: 0, max: rdms.nConditions - 1 });
  if (order.length !== rdms.nConditions || new Set(order).size !== order.length) {
    throw new RangeError(
      `order must be a permutation of 0..${rdms.nConditions - 1}, got ${order.length} entries`,
    );
  }
  const r = subsetPatterns(rdms, order);
  const { originalIndex: _drop, ...pattern } = r.patternDescriptors;
  void _drop;
  return rdmsFromVectors(r.dissimilarities, r.nConditions, {
    measure: r.measure,
    patternDescriptors: pattern as Record<string, DescriptorValue[]>,
    rdmDescriptors: r.rdmDescriptors as Record<string, DescriptorValue[]>,
  });
}

/**
 * Long table columns (rdm, i, j, conditions, dissimilarity, RDM descriptors): pass to `aq.table(...)`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rdmsToColumns(rsa.makeRdms([[1, 2, 3]])); // long format: one row per RDM and pair
 * ```
 */
export function rdmsToColumns(
  rdms: Rdms,
  conditionDescriptor = "index",
): Record<string, (number | string)[]> {
  checkRdms(rdms);
  const n = rdms.nConditions;
  const p = nPairs(n);
  const labels = Object.hasOwn(rdms.patternDescriptors, conditionDescriptor)
    ? rdms.patternDescriptors[conditionDescriptor]
    : undefined;
  if (!labels)
    throw new RangeError(
      `conditionDescriptor must be a pattern descriptor (${Object.keys(rdms.patternDescriptors).join(", ")}), got ${describeValue(conditionDescriptor)}`,
    );
  const cols: Record<string, (number | string)[]> = {
    rdm: [],
    i: [],
    j: [],
    condition_i: [],
    condition_j: [],
    dissimilarity: [],
  };
  const extra = Object.keys(rdms.rdmDescriptors).filter((k) => k !== "index");
  for (const k of extra) cols[k] = [];
  for (let r = 0; r < rdms.nRdm; r++) {
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        cols.rdm.push(r);
        cols.i.push(i);
        cols.j.push(j);
        cols.condition_i.push(labels[i]);
        cols.condition_j.push(labels[j]);
        cols.dissimilarity.push(rdms.dissimilarities[r * p + k++]);
        for (const e of extra) cols[e].push(rdms.rdmDescriptors[e][r]);
      }
    }
  }
  return cols;
}

/**
 * The RDM set as a long arquero table (one row per RDM and pair); see {@link rdmsToColumns}.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rdmsToTable(rsa.makeRdms([[1, 2, 3]])); // the same columns as an arquero table
 * ```
 */
export function rdmsToTable(rdms: Rdms, conditionDescriptor = "index"): unknown {
  // arquero is ESM-only; Node >= 20.19 loads it through require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- arquero is ESM-only and this function is synchronous (a dynamic import() would make it async)
  const aq = require("arquero") as { table: (cols: Record<string, unknown[]>) => unknown };
  return aq.table(rdmsToColumns(rdms, conditionDescriptor));
}
