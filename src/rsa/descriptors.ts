/**
 * Descriptors (labels per observation, channel, pattern or RDM) and the small helpers that
 * group and sort by them. A descriptor value is a string or a finite number.
 */
import { checkArray, checkArrayLike } from "../core/validate.js";
import { describeName, describeValue } from "../core/describe.js";

/** One descriptor value: a condition name, a run number, a subject id, ... */
export type DescriptorValue = string | number;

/** Named descriptor columns; every column has one value per described item. */
export type Descriptors = Readonly<Record<string, readonly DescriptorValue[]>>;

/**
 * Compares two descriptor values as numpy's `np.sort` does: numbers numerically, strings by code point.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * [10, 2, 33].sort(rsa.compareDescriptorValues); // [2, 10, 33]; strings compare as strings, never mixed with numbers
 * ```
 */
export function compareDescriptorValues(a: DescriptorValue, b: DescriptorValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number" || typeof b === "number") {
    throw new RangeError(
      `descriptor values must be all numbers or all strings, got ${describeValue(a)} and ${describeValue(b)}`,
    );
  }
  if (typeof a !== "string" || typeof b !== "string") {
    throw new TypeError(
      `descriptor values must be numbers or strings, got ${describeValue(a)} and ${describeValue(b)}`,
    );
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Distinct values in ascending order (rsatoolbox's `sort_by(..., 'alpha')`).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.sortedUnique(["b", "a", "b", "c"]); // ["a", "b", "c"]
 * ```
 */
export function sortedUnique(values: readonly DescriptorValue[]): DescriptorValue[] {
  checkArray(values, "values");
  return [...new Set(values)].sort(compareDescriptorValues);
}

/**
 * Groups items by a descriptor: `labels` are the sorted distinct values and `groupOf[i]` is the
 * index into `labels` of item `i`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.groupBy(["b", "a", "b"]); // labels ["a", "b"], index of each value's group [1, 0, 1]
 * ```
 */
export function groupBy(values: readonly DescriptorValue[]): {
  labels: DescriptorValue[];
  groupOf: Int32Array;
} {
  checkArray(values, "values");
  const labels = sortedUnique(values);
  const index = new Map<DescriptorValue, number>();
  labels.forEach((v, i) => index.set(v, i));
  const groupOf = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) groupOf[i] = index.get(values[i]) as number;
  return { labels, groupOf };
}

/**
 * Checks that every column of `descriptors` has `length` valid values; returns a frozen copy.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.checkDescriptors({ run: [0, 1, 0] }, 3, "obsDescriptors"); // throws if a column's length is not 3
 * ```
 */
export function checkDescriptors(
  descriptors: Record<string, readonly DescriptorValue[]> | undefined,
  length: number,
  what: string,
): Descriptors {
  what = describeName(what);
  const out: Record<string, readonly DescriptorValue[]> = {};
  for (const [name, col] of Object.entries(descriptors ?? {})) {
    if (!Array.isArray(col) || col.length !== length) {
      throw new RangeError(
        `${what}.${name} must have ${describeValue(length)} values (one per item), got ${Array.isArray(col) ? col.length : typeof col}`,
      );
    }
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (!(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) {
        throw new RangeError(
          `${what}.${name}[${i}] must be a string or a finite number, got ${describeValue(v)}`,
        );
      }
    }
    out[name] = Object.freeze([...col]);
  }
  return Object.freeze(out);
}

/**
 * Picks the entries `indices` of every descriptor column.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.pickDescriptors({ condition: ["a", "b", "c"] }, [2, 0]); // { condition: ["c", "a"] }
 * ```
 */
export function pickDescriptors(descriptors: Descriptors, indices: ArrayLike<number>): Descriptors {
  if (descriptors === null || typeof descriptors !== "object")
    throw new TypeError("descriptors must be an object of descriptor columns");
  checkArrayLike(indices, "indices");
  const out: Record<string, readonly DescriptorValue[]> = {};
  for (const [name, col] of Object.entries(descriptors))
    out[name] = Array.from(indices, (i) => col[i]);
  return out;
}
