/**
 * Structural argument checks shared by every public entry point (the numeric ones are in
 * `checks.ts`): option records with unknown keys, names outside an allowed set, arrays of the
 * wrong type or length, functions, and allocations too large to fit. Every failure names the
 * argument and lists what is allowed; unknown keys are errors, never silently dropped (a typo
 * such as `{ tauMs: 5 }` would otherwise leave the default in place without a word).
 */

import { describeValue } from "./describe.js";

export { describeName, describeValue } from "./describe.js";

/** Largest number of elements of one typed array neurolab allocates (CSR offsets are Int32). */
export const MAX_ARRAY_ELEMENTS = 2 ** 31 - 1;

/**
 * Largest single array neurolab allocates, bytes (2 GiB): beyond it a notebook kernel (default
 * memory limit half the RAM, at most 8 GiB) is better refused with a clear error than killed.
 */
export const MAX_ALLOCATION_BYTES = 2 ** 31;

/** Largest population or graph size (neurons, sources, cells): 2^26 = 67,108,864. */
export const MAX_POPULATION_SIZE = 2 ** 26;

/** A population size: an integer in [1, {@link MAX_POPULATION_SIZE}]. */
export function checkPopulationSize(value: unknown, name: string): number {
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_POPULATION_SIZE
  ) {
    throw new RangeError(
      `${name} must be an integer in [1, ${MAX_POPULATION_SIZE}], got ${describeValue(value)}`,
    );
  }
  return value;
}

function list(allowed: readonly unknown[]): string {
  return allowed.map((a) => describeValue(a)).join(", ");
}

/**
 * An options record (undefined counts as `{}`) whose own keys are all in `allowed`; returns it.
 * Keys whose value is `undefined` are accepted like absent ones.
 */
export function checkOptions<T extends object>(
  value: T | undefined,
  allowed: readonly string[],
  name: string,
): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `${name} must be an options object with keys among ${list(allowed)}, got ${describeValue(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key) && (value as Record<string, unknown>)[key] !== undefined) {
      throw new RangeError(
        `${name}: unknown key ${JSON.stringify(key)}; allowed keys are ${list(allowed)}`,
      );
    }
  }
  return value;
}

/** A required options object; a TypeError naming the argument and its required keys otherwise. */
export function checkRequiredOptions<T extends object>(
  value: T,
  name: string,
  required: string,
): T {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError(
      `${name} must be an options object with ${required}, got ${describeValue(value)}`,
    );
  return value;
}

/** An options object (undefined counts as `{}`); a TypeError naming the argument otherwise. */
export function checkOptionsObject<T extends object>(value: T | undefined, name: string): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new TypeError(`${name} must be an options object, got ${describeValue(value)}`);
  return value;
}

/** One of the `allowed` values (compared with `===`). */
export function checkOneOf<T>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T))
    throw new RangeError(`${name} must be one of ${list(allowed)}, got ${describeValue(value)}`);
  return value as T;
}

/** An array whose every entry is one of the `allowed` values. */
export function checkEachOneOf<T>(
  values: unknown,
  allowed: readonly T[],
  name: string,
): readonly T[] {
  if (!Array.isArray(values))
    throw new TypeError(
      `${name} must be an array of values among ${list(allowed)}, got ${describeValue(values)}`,
    );
  values.forEach((v, k) => checkOneOf(v, allowed, `${name}[${k}]`));
  return values as T[];
}

/**
 * The value stored under `key` as an own property of `record` (never one inherited from
 * `Object.prototype`, so "toString" or "__proto__" are not names of presets); RangeError
 * listing the keys otherwise.
 */
export function lookupOwn<V>(record: Readonly<Record<string, V>>, key: unknown, name: string): V {
  if (typeof key !== "string" || !Object.prototype.hasOwnProperty.call(record, key)) {
    throw new RangeError(
      `${name} must be one of ${list(Object.keys(record))}, got ${describeValue(key)}`,
    );
  }
  return record[key];
}

/** An array or typed array (anything with an integer `length` and indexed entries, but not a string). */
export function checkArrayLike<T = number>(
  value: unknown,
  name: string,
  opts: { length?: number; minLength?: number } = {},
): ArrayLike<T> {
  const ok =
    value !== null &&
    typeof value === "object" &&
    Number.isInteger((value as { length?: unknown }).length) &&
    (value as { length: number }).length >= 0;
  if (!ok)
    throw new TypeError(`${name} must be an array or typed array, got ${describeValue(value)}`);
  const n = (value as ArrayLike<T>).length;
  if (opts.length !== undefined && n !== opts.length)
    throw new RangeError(`${name} must have ${opts.length} entries, got ${n}`);
  if (opts.minLength !== undefined && n < opts.minLength)
    throw new RangeError(`${name} must have at least ${opts.minLength} entries, got ${n}`);
  return value as ArrayLike<T>;
}

/** A real array (for arguments iterated with array methods; typed arrays and array-likes are refused). */
export function checkArray<T = unknown>(
  value: unknown,
  name: string,
  opts: { length?: number; minLength?: number } = {},
): readonly T[] {
  if (!Array.isArray(value))
    throw new TypeError(`${name} must be an array, got ${describeValue(value)}`);
  return checkArrayLike<T>(value, name, opts) as readonly T[];
}

/** An array-like of finite numbers (checked entry by entry) of the given length, if any. */
export function checkNumberArray(
  value: unknown,
  name: string,
  opts: { length?: number; minLength?: number; min?: number; max?: number; integer?: boolean } = {},
): ArrayLike<number> {
  const a = checkArrayLike<unknown>(value, name, opts);
  const { min = -Infinity, max = Infinity, integer = false } = opts;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (
      typeof v !== "number" ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      const what = integer ? "an integer" : "a finite number";
      throw new RangeError(
        `${name}[${i}] must be ${what} in [${min}, ${max}], got ${describeValue(v)}`,
      );
    }
  }
  return a as ArrayLike<number>;
}

/** A function (for callbacks and user-supplied rules). */
export function checkFunction<F extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  signature = "a function",
): F {
  if (typeof value !== "function")
    throw new TypeError(`${name} must be ${signature}, got ${describeValue(value)}`);
  return value as F;
}

/** A boolean (or `fallback` when undefined). */
export function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean")
    throw new TypeError(`${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** A string (or `fallback` when undefined), at most `maxLength` characters. */
export function checkString(
  value: unknown,
  name: string,
  fallback?: string,
  maxLength = Infinity,
): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "string")
    throw new TypeError(`${name} must be a string, got ${describeValue(value)}`);
  if (value.length > maxLength)
    throw new RangeError(`${name} must have at most ${maxLength} characters, got ${value.length}`);
  return value;
}

/**
 * Checks that `elements` entries of `bytesPerElement` bytes can be allocated as one typed array;
 * otherwise a RangeError naming `what`, the sizes and the bytes needed (instead of V8's
 * "Invalid typed array length" or an uncatchable out-of-memory crash). Returns `elements`.
 */
export function checkAllocation(elements: number, bytesPerElement: number, what: string): number {
  const bytes = elements * bytesPerElement;
  if (!(
    Number.isSafeInteger(elements) &&
    elements >= 0 &&
    elements <= MAX_ARRAY_ELEMENTS &&
    bytes <= MAX_ALLOCATION_BYTES
  )) {
    throw new RangeError(
      `${what}: ${formatCount(elements)} entries of ${bytesPerElement} bytes (${formatBytes(bytes)}) exceed the limit of ` +
        `${formatCount(Math.min(MAX_ARRAY_ELEMENTS, Math.floor(MAX_ALLOCATION_BYTES / bytesPerElement)))} entries (${formatBytes(MAX_ALLOCATION_BYTES)}) per array`,
    );
  }
  return elements;
}

/** A count for messages, e.g. 1.1e10 as "11,001,000,001". */
export function formatCount(n: number): string {
  return Number.isFinite(n) && Math.abs(n) < 1e21
    ? Math.round(n).toLocaleString("en-US")
    : String(n);
}

/** Bytes for messages, e.g. "41 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} bytes` : `${v.toPrecision(3)} ${units[u]}`;
}

/** A precision option: undefined (the default applies), "float64" or "float32". */
export function checkPrecision(value: unknown, name: string): "float64" | "float32" | undefined {
  if (value !== undefined && value !== "float64" && value !== "float32")
    throw new RangeError(`${name} must be "float64" or "float32", got ${describeValue(value)}`);
  return value;
}
