/**
 * Fuzz: the rsa entry points with hostile arguments (see fuzzHarness.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rsa } from "../../src/index.js";
import {
  badNumber,
  badValue,
  expectGraceful,
  expectRejected,
  finite,
  params,
  unknownKey,
  withKey,
  wrongType,
  show,
} from "./fuzzHarness.js";

const good = () =>
  rsa.makeRdms([
    [1, 2, 3, 4, 5, 6],
    [2, 1, 4, 3, 6, 5],
  ]);

/** A value where an RDM set belongs that is not one. */
const notRdms = fc.oneof(
  wrongType,
  fc.constant({ dissimilarities: [1, 2, 3], nRdm: 1, nConditions: 3 }),
  fc.constant({
    dissimilarities: new Float64Array(5),
    nRdm: 1,
    nConditions: 3,
    patternDescriptors: {},
    rdmDescriptors: {},
  }),
);

const CALLS_ON_RDMS: Record<string, (r: unknown) => unknown> = {
  compareRdm: (r) => rsa.compareRdm(r as never, good()),
  rankTransform: (r) => rsa.rankTransform(r as never),
  sqrtTransform: (r) => rsa.sqrtTransform(r as never),
  geotopologicalTransform: (r) =>
    rsa.geotopologicalTransform(r as never, { lower: 0.2, upper: 0.8 }),
  geodesicTransform: (r) => rsa.geodesicTransform(r as never),
  mds: (r) => rsa.mds(r as never),
  subsetRdms: (r) => rsa.subsetRdms(r as never, [0]),
  subsetPatterns: (r) => rsa.subsetPatterns(r as never, [0, 1]),
  concatRdms: (r) => rsa.concatRdms([r as never]),
  rdmVector: (r) => rsa.rdmVector(r as never),
  rdmsToColumns: (r) => rsa.rdmsToColumns(r as never),
  evalFixed: (r) => rsa.evalFixed([rsa.modelFixed("m", good())], r as never),
  bootstrapSamples: (r) => rsa.bootstrapSamples(r as never, 3),
  noiseCeiling: (r) => rsa.noiseCeiling(r as never),
};

describe("fuzz: rsa", { timeout: 60_000 }, () => {
  it("every function taking an RDM set rejects what is not one, naming the argument", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(CALLS_ON_RDMS)), notRdms, (name, r) => {
        expectRejected(() => CALLS_ON_RDMS[name](r), ["rdms", "rdm1", "data", "sets[0]"], name);
      }),
      params(21),
    );
  });

  it("makeRdms: ±Infinity, wrong types, non-triangular lengths and unknown keys are refused; NaN marks missing pairs", () => {
    fc.assert(
      fc.property(
        fc.array(finite, { minLength: 1, maxLength: 12 }),
        fc.oneof(fc.constantFrom(Infinity, -Infinity), wrongType),
        fc.nat(11),
        unknownKey,
        (values, bad, at, key) => {
          const v = values.slice();
          v[at % v.length] = bad as number;
          expectRejected(
            () => rsa.makeRdms([v]),
            ["dissimilarities", "condensed RDM length"],
            `makeRdms with ${show(bad)}`,
          );
          expectRejected(
            () => rsa.makeRdms([[1, 2, 3]], withKey({}, key, 1)),
            [`unknown key ${JSON.stringify(key)}`],
            `makeRdms option ${key}`,
          );
          expectGraceful(
            () => rsa.makeRdms([values]),
            ["condensed RDM length"],
            "makeRdms finite",
            (r) => expect((r as rsa.Rdms).dissimilarities).toEqual(Float64Array.from(values)),
          );
        },
      ),
      params(22),
    );
    expect(rsa.makeRdms([[1, NaN, 3]]).dissimilarities[1]).toBeNaN();
  });

  it("pairIndex and toSquare check n, i, j and the vector length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.oneof(badValue, fc.integer({ min: -3, max: 40 })),
        fc.integer({ min: 0, max: 29 }),
        (n, i, j) => {
          const valid =
            typeof i === "number" && Number.isInteger(i) && i >= 0 && i < n && j < n && i !== j;
          if (valid) {
            const k = rsa.pairIndex(n, i as number, j);
            expect(Number.isInteger(k) && k >= 0 && k < rsa.nPairs(n)).toBe(true);
          } else
            expectRejected(
              () => rsa.pairIndex(n, i as number, j),
              ["i", "j"],
              `pairIndex(${n}, ${show(i)}, ${j})`,
            );
          expectRejected(
            () => rsa.toSquare(new Float64Array(rsa.nPairs(n) + 1), n),
            ["vector"],
            `toSquare wrong length n=${n}`,
          );
          if (i !== n)
            expectRejected(
              () => rsa.toSquare(new Float64Array(rsa.nPairs(n)), i as number),
              ["n", "vector"],
              `toSquare n=${show(i)}`,
            );
        },
      ),
      params(23),
    );
    expect(() => rsa.pairIndex(5, 2, 2)).toThrow(/i and j must differ/);
    expect(() => rsa.toSquare([1, 2, 3], 4)).toThrow(/vector must have 6 entries, got 3/);
  });

  it("inference: sample counts are bounded and bad ones refused by name", () => {
    const data = good();
    const m = rsa.modelFixed("m", rsa.makeRdms([[1, 2, 3, 4, 5, 6]]));
    fc.assert(
      // null, like undefined, means "the default" everywhere (the `??` convention).
      fc.property(
        fc.oneof(badValue, fc.constant(1e7), fc.constant(0)).filter((n) => n !== null),
        (n) => {
          expectRejected(
            () => rsa.evalBootstrap([m], data, { n: n as number }),
            ["n"],
            `evalBootstrap n=${show(n)}`,
          );
          expectRejected(
            () => rsa.bootstrapSamples(data, n as number),
            ["n"],
            `bootstrapSamples n=${show(n)}`,
          );
          expectRejected(
            () => rsa.permutationTest(m, data, { n: n as number }),
            ["n"],
            `permutationTest n=${show(n)}`,
          );
        },
      ),
      params(24, 60),
    );
    expect(() => rsa.evalBootstrap([m], data, { n: 1e7 })).toThrow(
      /n must be an integer in \[1, 100000\], got 10000000/,
    );
  });

  it("compareRdm and transforms: valid random RDMs give finite results (NaN only where a pair is missing)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom("cosine", "corr", "spearman", "rhoA", "tauA", "tauB"),
        (n, nRdm, seed, method) => {
          let x = seed;
          const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32) * 10 + 0.1;
          const vectors = Array.from({ length: nRdm }, () =>
            Array.from({ length: rsa.nPairs(n) }, next),
          );
          const r = rsa.makeRdms(vectors);
          expectGraceful(
            () => rsa.compareRdm(r, r, { method: method as rsa.CompareMethod }),
            ["method"],
            `compareRdm ${method}`,
          );
          expectGraceful(() => rsa.rankTransform(r).dissimilarities, [], "rankTransform");
          expectGraceful(() => rsa.mds(r).coordinates, [], "mds");
          expectRejected(
            () => rsa.compareRdm(r, r, { method: "median" as never }),
            ["method"],
            "compareRdm unknown method",
          );
        },
      ),
      params(25, 100),
    );
  });

  it("mds: unknown options and unbounded iterations are refused", () => {
    expect(() => rsa.mds(good(), { maxIterations: 1e12 })).toThrow(
      /maxIterations must be an integer in \[1, 100000\], got 1000000000000/,
    );
    expect(() => rsa.mds(good(), { iterations: 5 } as never)).toThrow(
      /mds options: unknown key "iterations"/,
    );
  });

  it("rgtmTransform presets are the presets' own names only", () => {
    for (const name of ["toString", "__proto__", "constructor", "valueOf"]) {
      expect(() => rsa.rgtmTransform(good(), name as never), name).toThrow(
        /preset must be one of "geometrySensitive", "topologySensitive"/,
      );
    }
  });

  it("datasets: wrong types, infinities and unknown keys are refused by name", () => {
    fc.assert(
      fc.property(fc.oneof(badNumber, wrongType), unknownKey, (v, key) => {
        if (!(typeof v === "number" && (Number.isFinite(v) || Number.isNaN(v)))) {
          expectRejected(
            () =>
              rsa.makeDataset([
                [1, 2],
                [3, v as number],
              ]),
            ["measurements"],
            `makeDataset value ${show(v)}`,
          );
        }
        expectRejected(
          () =>
            rsa.makeDataset(
              [
                [1, 2],
                [3, 4],
              ],
              withKey({}, key, 1),
            ),
          [`unknown key ${JSON.stringify(key)}`],
          `makeDataset option ${key}`,
        );
        expectRejected(() => rsa.calcRdm(v as never), ["dataset"], `calcRdm(${show(v)})`);
        expectRejected(
          () =>
            rsa.calcRdm(
              rsa.makeDataset([
                [1, 2],
                [3, 4],
                [5, 6],
              ]),
              withKey({}, key, 1),
            ),
          [`unknown key ${JSON.stringify(key)}`],
          `calcRdm option ${key}`,
        );
      }),
      params(26, 100),
    );
  });
});
