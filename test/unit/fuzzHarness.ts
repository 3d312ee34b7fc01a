/**
 * Shared pieces of the fuzz suite (test/unit/fuzz_*.test.ts): seeded fast-check settings, hostile
 * values, and the property every public entry point must satisfy: either a valid result, or an
 * Error whose message names the argument: never a crash, a hang, an internal TypeError
 * ("Cannot read properties of undefined", "f is not a function", ...), a WebAssembly trap or a
 * silent NaN.
 */
import fc from "fast-check";
import { expect } from "vitest";

/** Seeded runs: the same cases on every machine; `FUZZ_RUNS` scales them (default 200 per property). */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** fast-check parameters of every property: fixed seed, RUNS cases, no shrinking time blow-up. */
export function params(seedOffset: number, numRuns = RUNS): fc.Parameters<unknown> {
  return { seed: 20261206 + seedOffset, numRuns, endOnFailure: true };
}

/** Messages that betray an unchecked argument reaching the engine instead of a validation. */
const INTERNAL =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|Invalid typed array length|Invalid array length|Array buffer allocation failed|is not a constructor|Cannot convert|Cannot destructure|Maximum call stack|out of bounds|unreachable|Cannot create property|undefined is not|null is not/;

/** The outcome of a call: its value, or the Error it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** Calls `f`, catching what it throws (anything thrown that is not an Error fails the test). */
export function attempt(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    expect(error, `threw a non-Error: ${String(error)}`).toBeInstanceOf(Error);
    return { ok: false, error: error as Error };
  }
}

/** The error is one of ours: a clear message naming one of `names` (the argument or the function). */
export function expectCleanError(error: Error, names: readonly string[], context = ""): void {
  expect(error).not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect(error.message, `${context}: internal error leaked`).not.toMatch(INTERNAL);
  expect(
    names.some((n) => error.message.includes(n)),
    `${context}: "${error.message}" should name one of ${names.join(", ")}`,
  ).toBe(true);
}

/** Every number reachable from `value` (arrays, typed arrays, plain objects) is finite (NaN allowed where `allowNaN`). */
export function expectFiniteResult(
  value: unknown,
  context = "result",
  allowNaN = false,
  depth = 0,
): void {
  if (depth > 6 || value === null || value === undefined) return;
  if (typeof value === "number") {
    const ok = Number.isFinite(value) || (allowNaN && Number.isNaN(value));
    expect(ok, `${context} = ${value}`).toBe(true);
    return;
  }
  if (typeof value !== "object") return;
  if (ArrayBuffer.isView(value)) {
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) {
      const v = Number(a[i]);
      if (!(Number.isFinite(v) || (allowNaN && Number.isNaN(v))))
        expect.fail(`${context}[${i}] = ${v}`);
    }
    return;
  }
  if (value instanceof Map || value instanceof Set) return;
  for (const [k, v] of Object.entries(value))
    expectFiniteResult(v, `${context}.${k}`, allowNaN, depth + 1);
}

/**
 * Calls `f` on arguments that hold at least one invalid value: it must throw an Error naming one
 * of `names`; returning anything is a silently accepted bad input.
 */
export function expectRejected(f: () => unknown, names: readonly string[], context: string): void {
  const out = attempt(f);
  if (out.ok) expect.fail(`${context}: accepted silently, returned ${describe(out.value)}`);
  else expectCleanError(out.error, names, context);
}

/** Either a finite result (checked by `check`, default {@link expectFiniteResult}) or a clean error naming one of `names`. */
export function expectGraceful(
  f: () => unknown,
  names: readonly string[],
  context: string,
  check: (v: unknown) => void = (v) => expectFiniteResult(v, context),
): void {
  const out = attempt(f);
  if (out.ok) check(out.value);
  else expectCleanError(out.error, names, context);
}

function describe(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x) =>
      ArrayBuffer.isView(x)
        ? `${x.constructor.name}(${(x as unknown as ArrayLike<number>).length})`
        : x,
    );
    return s === undefined ? String(v) : s.slice(0, 200);
  } catch {
    return String(v);
  }
}

/** Numbers no size, index, rate or time may take: NaN, ±Infinity, negative, fractional, huge. */
export const badNumber = fc.constantFrom(
  NaN,
  Infinity,
  -Infinity,
  -1,
  -0.5,
  0.5,
  1e300,
  2 ** 53,
  -(2 ** 31),
);

/** An object that contains itself (JSON.stringify throws on it). */
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

/**
 * Values of the wrong type where a number is expected, including those a careless message cannot
 * print: Symbols (template interpolation throws), BigInts (JSON.stringify and mixed arithmetic
 * throw), objects without a prototype (no toString), cyclic objects and functions.
 */
export const wrongType = fc.constantFrom<unknown>(
  "1",
  "",
  null,
  {},
  [],
  [1],
  true,
  Symbol.for("x"),
  Symbol("s"),
  () => 1,
  10n,
  -(2n ** 64n),
  [1n],
  [Symbol("s")],
  Object.create(null),
  cyclic,
);

/** A bad value for a number argument: out of range or of the wrong type. */
export const badValue = fc.oneof(badNumber, wrongType);

/** Keys that are not options of anything (typos and prototype names). */
export const unknownKey = fc.constantFrom(
  "tauMs",
  "sizee",
  "rate",
  "toString",
  "__proto__",
  "constructor",
  "seeed",
  "weight",
);

/** Small valid sizes. */
export const smallSize = fc.integer({ min: 1, max: 12 });

/** Finite doubles of moderate magnitude. */
export const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

/** A record `base` with key `key` set to `value` (own data property, even for "__proto__"). */
export function withKey<T extends object>(base: T, key: string, value: unknown): T {
  const out = { ...base } as Record<string, unknown>;
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out as T;
}

/** A test-side description of any value for failure contexts (never throws: Symbols, BigInts, prototype-less and cyclic objects). */
export function show(v: unknown): string {
  if (typeof v === "symbol") return v.toString();
  if (typeof v === "bigint") return `${v.toString()}n`;
  if (typeof v === "function") return "a function";
  if (v === null || typeof v !== "object") return String(v);
  try {
    return (
      JSON.stringify(v, (_k, x) =>
        typeof x === "bigint" ? `${x.toString()}n` : typeof x === "symbol" ? x.toString() : x,
      ) ?? "an object"
    );
  } catch {
    return "a cyclic object";
  }
}
