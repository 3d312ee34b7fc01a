/**
 * Argument checks shared by the library. Every failure is a {@link RangeError} whose
 * message names the argument, the allowed range and the value received.
 */

import { describeValue, describeName } from "./describe.js";
import { checkArrayLike } from "./validate.js";

/** A finite number in `[min, max]` (either bound may be open via `minExclusive`/`maxExclusive`). */
export function checkNumber(
  value: unknown,
  name: string,
  opts: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = opts;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max);
  if (!ok) {
    throw new RangeError(
      `${describeName(name)} must be a finite number in ${interval(min, max, minExclusive, maxExclusive)}, got ${show(value)}`,
    );
  }
  return value as number;
}

/** A finite number > 0. */
export function checkPositive(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0, minExclusive: true });
}

/** A finite number >= 0. */
export function checkNonNegative(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0 });
}

/** A probability in [0, 1]. */
export function checkProbability(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0, max: 1 });
}

/** An integer in `[min, max]`. */
export function checkInteger(
  value: unknown,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${describeName(name)} must be an integer in [${describeValue(min)}, ${describeValue(max)}], got ${show(value)}`,
    );
  }
  return value;
}

/** Every entry of an array-like is a finite number in the given range. */
export function checkFiniteArray(
  values: ArrayLike<number>,
  name: string,
  opts: { min?: number; max?: number } = {},
): void {
  checkArrayLike(values, name);
  const { min = -Infinity, max = Infinity } = opts;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isFinite(v) && v >= min && v <= max)) {
      throw new RangeError(
        `${describeName(name)}[${i}] must be a finite number in ${interval(min, max, false, false)}, got ${show(v)}`,
      );
    }
  }
}

function interval(min: number, max: number, minEx: boolean, maxEx: boolean): string {
  return `${minEx || min === -Infinity ? "(" : "["}${describeValue(min)}, ${describeValue(max)}${maxEx || max === Infinity ? ")" : "]"}`;
}

function show(v: unknown): string {
  return describeValue(v);
}
