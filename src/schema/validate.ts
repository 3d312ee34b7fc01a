/**
 * Small validators for payloads of unknown origin. Each throws a {@link SchemaError}
 * whose message names the field and the allowed range.
 */

import { describeValue } from "./describe.js";
import { base64ToTypedArray, type DType } from "./base64.js";

/**
 * A payload failed validation; `message` names the field and what was expected.
 *
 * @example
 * ```ts
 * import { SchemaError, decodeRaster } from "neurolab/schema";
 * try {
 *   decodeRaster({ version: 99 });
 * } catch (e) {
 *   if (!(e instanceof SchemaError)) throw e; // the widget shows its message in an error box
 * }
 * ```
 */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaError";
  }
}

/**
 * `s` cut to at most `maxLength` characters (the last one an ellipsis) so that an encoder never
 * emits a string its own decoder rejects; shorter strings are returned unchanged.
 *
 * @example
 * ```ts
 * import { fitText } from "neurolab/schema";
 * fitText("a very long population name", 10); // cut to 10 characters with an ellipsis
 * ```
 */
export function fitText(s: string, maxLength: number): string {
  if (typeof maxLength !== "number" || !Number.isInteger(maxLength) || maxLength < 1)
    throw new RangeError(`maxLength must be an integer >= 1, got ${describeValue(maxLength)}`);
  if (typeof s === "symbol") throw new TypeError(`s must be a string, got ${describeValue(s)}`);
  const text = String(s);
  if (text.length <= maxLength) return text;
  let cut = maxLength - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // never split a surrogate pair
  return `${text.slice(0, cut)}\u2026`;
}

/**
 * A plain (non-array, non-null) object.
 *
 * @example
 * ```ts
 * import { expectObject } from "neurolab/schema";
 * expectObject({ a: 1 }, "payload"); // returns it; null, arrays and primitives throw naming "payload"
 * ```
 */
export function expectObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new SchemaError(
      `${what} must be an object, got ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}`,
    );
  }
  return v as Record<string, unknown>;
}

/**
 * A finite number (no NaN, no Infinity).
 *
 * @example
 * ```ts
 * import { expectFiniteNumber } from "neurolab/schema";
 * expectFiniteNumber(0.1, "payload.dt_ms"); // 0.1; NaN, Infinity or a string throw
 * ```
 */
export function expectFiniteNumber(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new SchemaError(`${what} must be a finite number, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * An integer in `[min, max]`.
 *
 * @example
 * ```ts
 * import { expectInteger } from "neurolab/schema";
 * expectInteger(3, "payload.n_neurons", 0, 10); // 3; outside [0, 10] throws
 * ```
 */
export function expectInteger(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new SchemaError(
      `${what} must be an integer in [${min}, ${max}], got ${describeValue(v)}`,
    );
  }
  return v;
}

/**
 * A string of at most `maxLength` characters.
 *
 * @example
 * ```ts
 * import { expectString } from "neurolab/schema";
 * expectString("exc", "payload.name", 200); // "exc"; longer than 200 characters throws
 * ```
 */
export function expectString(
  v: unknown,
  what: string,
  maxLength = Number.MAX_SAFE_INTEGER,
): string {
  if (typeof v !== "string") throw new SchemaError(`${what} must be a string, got ${typeof v}`);
  if (v.length > maxLength)
    throw new SchemaError(`${what} must be at most ${maxLength} characters, got ${v.length}`);
  return v;
}

/**
 * An optional string (undefined passes through).
 *
 * @example
 * ```ts
 * import { optionalString } from "neurolab/schema";
 * [optionalString(undefined, "payload.title"), optionalString("COBA", "payload.title")]; // [undefined, "COBA"]
 * ```
 */
export function optionalString(v: unknown, what: string, maxLength?: number): string | undefined {
  return v === undefined ? undefined : expectString(v, what, maxLength);
}

/**
 * An array of at most `maxLength` entries.
 *
 * @example
 * ```ts
 * import { expectArray } from "neurolab/schema";
 * expectArray([1, 2], "payload.populations", 100); // at most 100 entries
 * ```
 */
export function expectArray(v: unknown, what: string, maxLength: number): unknown[] {
  if (!Array.isArray(v)) throw new SchemaError(`${what} must be an array, got ${typeof v}`);
  if (v.length > maxLength)
    throw new SchemaError(`${what} must have at most ${maxLength} entries, got ${v.length}`);
  return v;
}

/**
 * The exact schema version this reader understands.
 *
 * @example
 * ```ts
 * import { expectVersion } from "neurolab/schema";
 * expectVersion(1, 1, "raster payload"); // a newer version throws, saying to update the extension
 * ```
 */
export function expectVersion(v: unknown, version: number, what: string): void {
  if (v !== version) {
    throw new SchemaError(
      `${what} must be ${version} (this reader understands version ${version}), got ${describeValue(v)}`,
    );
  }
}

/**
 * An array of exactly `length` strings (each at most `maxLength` characters).
 *
 * @example
 * ```ts
 * import { expectStringArray } from "neurolab/schema";
 * expectStringArray(["AVAL", "AVAR"], "payload.names", 2); // exactly 2 strings
 * ```
 */
export function expectStringArray(
  v: unknown,
  what: string,
  length: number,
  maxLength = 200,
): string[] {
  const a = expectArray(v, what, length);
  if (a.length !== length)
    throw new SchemaError(`${what} must have ${length} entries, got ${a.length}`);
  return a.map((s, i) => expectString(s, `${what}[${i}]`, maxLength));
}

/**
 * An array of exactly `length` finite numbers in `[min, max]`.
 *
 * @example
 * ```ts
 * import { expectNumberArray } from "neurolab/schema";
 * expectNumberArray([0, 0.5, 1], "payload.edges", 3, 0, 1); // 3 finite numbers in [0, 1]
 * ```
 */
export function expectNumberArray(
  v: unknown,
  what: string,
  length: number,
  min = -Infinity,
  max = Infinity,
): number[] {
  const a = expectArray(v, what, length);
  if (a.length !== length)
    throw new SchemaError(`${what} must have ${length} entries, got ${a.length}`);
  return a.map((x, i) => {
    const n = expectFiniteNumber(x, `${what}[${i}]`);
    if (n < min || n > max)
      throw new SchemaError(`${what}[${i}] must be in [${min}, ${max}], got ${n}`);
    return n;
  });
}

/**
 * An optional finite number in `[min, max]` (undefined passes through).
 *
 * @example
 * ```ts
 * import { optionalNumber } from "neurolab/schema";
 * optionalNumber(undefined, "payload.lower", 0, 1); // undefined; a number outside [0, 1] throws
 * ```
 */
export function optionalNumber(
  v: unknown,
  what: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  if (v === undefined) return undefined;
  const n = expectFiniteNumber(v, what);
  if (n < min || n > max) throw new SchemaError(`${what} must be in [${min}, ${max}], got ${n}`);
  return n;
}

/**
 * Checks every value of a decoded numeric array: `nan: "allow"` lets NaN through (missing
 * values), infinities are always rejected; `min`/`max` bound the finite values. Throws naming
 * the first offending index.
 *
 * @example
 * ```ts
 * import { checkValues } from "neurolab/schema";
 * checkValues(Float32Array.of(0, 1, 2), "payload.values"); // throws at the first non-finite value
 * ```
 */
export function checkValues(
  a: ArrayLike<number>,
  what: string,
  opts: { nan?: "allow" | "reject"; min?: number; max?: number } = {},
): void {
  const min = opts.min ?? -Infinity;
  const max = opts.max ?? Infinity;
  const allowNaN = opts.nan === "allow";
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x !== x) {
      if (allowNaN) continue;
      throw new SchemaError(`${what}[${i}] must be a finite number, got NaN`);
    }
    if (!(x >= min && x <= max) || x === Infinity || x === -Infinity) {
      throw new SchemaError(`${what}[${i}] must be a finite number in [${min}, ${max}], got ${x}`);
    }
  }
}

const DTYPE_BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, uint32: 4 };

/**
 * A base64 typed array of exactly `length` values of `dtype`. The text length is checked
 * before decoding, so a huge or truncated field fails fast, with a {@link SchemaError}
 * naming the field.
 *
 * @example
 * ```ts
 * import { expectBase64Array, typedArrayToBase64 } from "neurolab/schema";
 * expectBase64Array(typedArrayToBase64(Float64Array.of(1, 2)), "payload.x", "float64", 2); // Float64Array [1, 2]
 * ```
 */
export function expectBase64Array(
  v: unknown,
  what: string,
  dtype: "float32",
  length: number,
): Float32Array;
export function expectBase64Array(
  v: unknown,
  what: string,
  dtype: "float64",
  length: number,
): Float64Array;
export function expectBase64Array(
  v: unknown,
  what: string,
  dtype: "int32",
  length: number,
): Int32Array;
export function expectBase64Array(
  v: unknown,
  what: string,
  dtype: "uint32",
  length: number,
): Uint32Array;
export function expectBase64Array(
  v: unknown,
  what: string,
  dtype: DType,
  length: number,
): Float32Array | Float64Array | Int32Array | Uint32Array {
  if (typeof v !== "string")
    throw new SchemaError(`${what} must be a base64 string, got ${v === null ? "null" : typeof v}`);
  const bytes = length * DTYPE_BYTES[dtype];
  const chars = 4 * Math.ceil(bytes / 3);
  if (v.length !== chars) {
    throw new SchemaError(
      `${what} must hold ${length} ${dtype} values (${chars} base64 characters), got ${v.length} characters`,
    );
  }
  try {
    return base64ToTypedArray(v, dtype as "float32", what);
  } catch (err) {
    throw new SchemaError(err instanceof Error ? err.message : String(err));
  }
}
