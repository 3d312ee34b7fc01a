/**
 * Small validators for payloads of unknown origin. Each throws a {@link SchemaError}
 * whose message names the field and the allowed range.
 */

/** A payload failed validation; `message` names the field and what was expected. */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaError";
  }
}

/** A plain (non-array, non-null) object. */
export function expectObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new SchemaError(`${what} must be an object, got ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}`);
  }
  return v as Record<string, unknown>;
}

/** A finite number (no NaN, no Infinity). */
export function expectFiniteNumber(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new SchemaError(`${what} must be a finite number, got ${String(v)}`);
  }
  return v;
}

/** An integer in `[min, max]`. */
export function expectInteger(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new SchemaError(`${what} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

/** A string of at most `maxLength` characters. */
export function expectString(v: unknown, what: string, maxLength = Number.MAX_SAFE_INTEGER): string {
  if (typeof v !== "string") throw new SchemaError(`${what} must be a string, got ${typeof v}`);
  if (v.length > maxLength) throw new SchemaError(`${what} must be at most ${maxLength} characters, got ${v.length}`);
  return v;
}

/** An optional string (undefined passes through). */
export function optionalString(v: unknown, what: string, maxLength?: number): string | undefined {
  return v === undefined ? undefined : expectString(v, what, maxLength);
}

/** An array of at most `maxLength` entries. */
export function expectArray(v: unknown, what: string, maxLength: number): unknown[] {
  if (!Array.isArray(v)) throw new SchemaError(`${what} must be an array, got ${typeof v}`);
  if (v.length > maxLength) throw new SchemaError(`${what} must have at most ${maxLength} entries, got ${v.length}`);
  return v;
}

/** The exact schema version this reader understands. */
export function expectVersion(v: unknown, version: number, what: string): void {
  if (v !== version) {
    throw new SchemaError(`${what} must be ${version} (this reader understands version ${version}), got ${String(v)}`);
  }
}
