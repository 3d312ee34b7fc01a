/**
 * Fuzz: random numbers and connectivity rules with hostile arguments (see fuzzHarness.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allToAll,
  applyRule,
  checkCsr,
  fixedInDegree,
  fixedOutDegree,
  fixedProbability,
  fromCsr,
  fromDense,
  fromPairs,
  oneToOne,
  Rng,
  type ConnectivityRule,
} from "../../src/index.js";
import { MAX_POPULATION_SIZE } from "../../src/core/validate.js";
import {
  badNumber,
  badValue,
  expectCleanError,
  expectGraceful,
  expectRejected,
  params,
  smallSize,
  unknownKey,
  withKey,
  show,
} from "./fuzzHarness.js";

describe("fuzz: Rng", { timeout: 60_000 }, () => {
  it("rejects bad seeds and bad distribution parameters with the argument's name", () => {
    fc.assert(
      fc.property(badValue, (v) => {
        expectRejected(() => new Rng(v as number), ["seed"], `new Rng(${show(v)})`);
        const r = new Rng(1);
        if (!(typeof v === "number" && v >= 0 && v <= 2 ** 52))
          expectRejected(() => r.poisson(v as number), ["lambda"], `poisson(${show(v)})`);
        expectRejected(() => r.int(v as number), ["n"], `int(${show(v)})`);
        if (!(typeof v === "number" && v >= 0 && v <= 1))
          expectRejected(() => r.geometric(v as number), ["p"], `geometric(${show(v)})`);
      }),
      params(1),
    );
  });

  it("draws finite variates for every valid parameter, in bounded time (poisson up to 2^52)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.double({ min: 0, max: 2 ** 52, noNaN: true }),
        fc.double({ min: 1e-12, max: 1, noNaN: true }),
        (seed, lambda, p) => {
          const r = new Rng(seed);
          const k = r.poisson(lambda);
          expect(Number.isInteger(k) && k >= 0).toBe(true);
          const g = r.geometric(p);
          expect(Number.isInteger(g) && g >= 0).toBe(true);
          expect(Number.isFinite(r.normal())).toBe(true);
        },
      ),
      params(2),
    );
  });
});

/** Every rule factory with valid parameters, by name. */
const RULES: Record<string, () => ConnectivityRule> = {
  allToAll: () => allToAll(),
  allToAllNoSelf: () => allToAll({ allowSelf: false }),
  oneToOne: () => oneToOne(),
  fixedProbability: () => fixedProbability(0.3),
  fixedInDegree: () => fixedInDegree(2),
  fixedOutDegree: () => fixedOutDegree(2),
  fromPairs: () => fromPairs([0, 1], [1, 0]),
  fromCsr: () => fromCsr([0, 1, 2], [1, 0]),
  fromDense: () =>
    fromDense([
      [0, 1],
      [1, 0],
    ]),
};

describe("fuzz: connectivity rules", { timeout: 60_000 }, () => {
  it("give a valid CSR or a clean error for any sizes, including bad and huge ones", () => {
    const size = fc.oneof(
      smallSize,
      fc.constant(0),
      badNumber,
      fc.constant(MAX_POPULATION_SIZE + 1),
      fc.constant(100_000),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(RULES)),
        size,
        size,
        fc.integer({ min: 0, max: 1000 }),
        (name, nPre, nPost, seed) => {
          const rule = RULES[name]();
          const context = `${name}(${nPre}, ${nPost})`;
          // 1e5 x 1e5 all-to-all needs 40 GB: it must be refused with the sizes, never attempted.
          expectGraceful(
            () => rule(nPre, nPost, new Rng(seed)),
            [name.replace("NoSelf", ""), "nPre", "nPost"],
            context,
            (csr) => {
              checkCsr(csr, nPre, nPost, name);
            },
          );
        },
      ),
      params(3),
    );
  });

  it("refuse what does not fit with the rule, the sizes and the bytes needed", () => {
    let message = "";
    try {
      allToAll()(60_000, 60_000, new Rng(1));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /allToAll: 60000 x 60000 synapses: 3,600,000,000 entries of 4 bytes \(13\.4 GiB\) exceed the limit/,
    );
  });

  it("factories reject bad parameters and unknown option keys", () => {
    fc.assert(
      fc.property(badValue, unknownKey, (v, key) => {
        if (!(typeof v === "number" && v >= 0 && v <= 1))
          expectRejected(
            () => fixedProbability(v as number),
            ["p"],
            `fixedProbability(${show(v)})`,
          );
        expectRejected(() => fixedInDegree(v as number), ["k"], `fixedInDegree(${show(v)})`);
        expectRejected(() => fixedOutDegree(v as number), ["k"], `fixedOutDegree(${show(v)})`);
        expectRejected(
          () => fromPairs([0, v as number], [0, 1])(2, 2, new Rng(1)),
          ["pre"],
          `fromPairs pre ${show(v)}`,
        );
        expectRejected(
          () => fromCsr([0, v as number, 2], [0, 1])(2, 2, new Rng(1)),
          ["rowPtr"],
          `fromCsr rowPtr ${show(v)}`,
        );
        if (!(typeof v === "number" && Number.isFinite(v)))
          expectRejected(() => fromDense([[0, v as number]]), ["matrix"], `fromDense ${show(v)}`);
        expectRejected(
          () => fixedProbability(0.1, withKey({}, key, true)),
          [key],
          `fixedProbability option ${key}`,
        );
        expectRejected(() => allToAll(withKey({}, key, true)), [key], `allToAll option ${key}`);
        if (typeof v !== "boolean")
          expectRejected(
            () => allToAll({ allowSelf: v as boolean }),
            ["allowSelf"],
            `allowSelf ${show(v)}`,
          );
      }),
      params(4),
    );
  });

  it("fromCsr rejects non-integer, decreasing and out-of-range entries; fromPairs mismatched lengths", () => {
    expect(() => fromCsr([0, 1.5, 2], [0, 1])).toThrow(/fromCsr: rowPtr\[1\] must be an integer/);
    expect(() => fromCsr([0, 2, 1, 2], [0, 1])(3, 2, new Rng(1))).toThrow(
      /rowPtr must not decrease, but rowPtr\[2\] = 1 < rowPtr\[1\] = 2/,
    );
    expect(() => fromCsr([0, 1, 2], [0, 5])(2, 2, new Rng(1))).toThrow(
      /colIdx\[1\] must be an integer in \[0, 1\], got 5/,
    );
    expect(() => fromPairs([0, 1], [0])).toThrow(/equal lengths/);
  });

  it("a custom rule's output is validated before it can reach the arena (checkCsr / applyRule)", () => {
    const csr = (rowPtr: number[], colIdx: number[]) => ({
      nPre: 2,
      nPost: 2,
      rowPtr: Int32Array.from(rowPtr),
      colIdx: Int32Array.from(colIdx),
    });
    const bad: [string, unknown, RegExp][] = [
      [
        "column past nPost (the WebAssembly trap)",
        csr([0, 1, 2], [0, 1_000_000]),
        /colIdx\[1\] must be an integer in \[0, 1\]/,
      ],
      ["negative column", csr([0, 1, 2], [0, -1]), /colIdx\[1\]/],
      ["rowPtr past colIdx", csr([0, 1, 5], [0, 1]), /end at colIdx.length = 2/],
      [
        "decreasing rowPtr",
        { ...csr([0, 2, 2], [0, 1]), rowPtr: Int32Array.from([0, 2, 1]) },
        /end at colIdx.length|must not decrease/,
      ],
      ["plain arrays", { nPre: 2, nPost: 2, rowPtr: [0, 1, 2], colIdx: [0, 1] }, /Int32Array/],
      ["wrong sizes", { ...csr([0, 1, 2], [0, 1]), nPre: 3 }, /returned a 3 x 2 CSR for 2 x 2/],
      ["nothing", undefined, /must return a CSR/],
    ];
    for (const [what, out, pattern] of bad) {
      const rule = (() => out) as unknown as ConnectivityRule;
      let error: Error | null = null;
      try {
        applyRule(rule, 2, 2, new Rng(1), "myRule");
      } catch (e) {
        error = e as Error;
      }
      expect(error, what).not.toBeNull();
      expect(error!.message, what).toMatch(pattern);
      expectCleanError(error!, ["myRule"], what);
    }
    expect(() =>
      applyRule("nope" as unknown as ConnectivityRule, 2, 2, new Rng(1), "rule"),
    ).toThrow(/rule must be a connectivity rule/);
  });
});
