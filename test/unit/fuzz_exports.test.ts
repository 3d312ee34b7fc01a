/**
 * Fuzz sweep over every exported synchronous function of rsa, connectome, analysis, inputs,
 * random, connectivity and the schema: called with arguments of the wrong type or shape, each
 * must return or throw an Error of its own, never an engine error from inside ("Cannot read
 * properties of undefined", "x is not a function", "is not iterable", ...).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as nl from "../../src/index.js";
import { attempt, params } from "./fuzzHarness.js";

const INTERNAL =
  /Do not know how to serialize a BigInt|Cannot mix BigInt|circular structure|Cannot read propert|Cannot set propert|is not a function|is not iterable|Invalid typed array length|Invalid array length|Array buffer allocation failed|is not a constructor|Cannot convert|Cannot destructure|Maximum call stack|undefined is not|null is not/;

/** Functions that read files or the network, or are another module's own (tested there). */
const SKIP = new Set([
  // I/O (async): covered by the loader tests
  "loadEdgeList",
  "loadConnectome",
  "loadMasterSheet",
  "loadOwmetaCells",
  "loadBentleyExpression",
  "loadGanglia",
  "loadCellMetadata",
  "loadActivityTable",
  // hot-path internals exported for the kernels' tests (documented as unchecked)
  "poissonStep",
  "propagate",
  // rsa's numeric kernels on (Float64Array, rows, columns): building blocks that the checked
  // entry points (calcRdm, compareRdm, transforms) call after validating
  "crossRows",
  "gramRows",
  "poissonDistances",
  "correlationDistances",
  "euclideanDistances",
  "mahalanobisDistances",
  "removeRowMeans",
  "floydWarshall",
  "averageGroups",
  "centeredKernel",
]);

/** name -> function of the namespaces under test. */
function entryPoints(): [string, (...args: unknown[]) => unknown][] {
  const out: [string, (...args: unknown[]) => unknown][] = [];
  const add = (prefix: string, ns: Record<string, unknown>, only?: (name: string) => boolean) => {
    for (const [name, f] of Object.entries(ns)) {
      if (typeof f !== "function" || SKIP.has(name) || (only && !only(name))) continue;
      if (/^[A-Z]/.test(name)) continue; // classes and constructors: covered by their own tests
      if (f.constructor.name === "AsyncFunction") continue;
      out.push([`${prefix}${name}`, f as (...args: unknown[]) => unknown]);
    }
  };
  add("rsa.", nl.rsa as unknown as Record<string, unknown>, (n) => !["simdKernel"].includes(n));
  add("connectome.", nl.connectome as unknown as Record<string, unknown>, (n) => n !== "pairIndex");
  // the schema's public contract with untrusted data is its decoders (the rest are helpers of encoders and renderers)
  add(
    "schema.",
    nl.schema as unknown as Record<string, unknown>,
    (n) => n.startsWith("decode") || n === "fitText",
  );
  const top = new Set([
    "spikeCountsPerNeuron",
    "firingRates_Hz",
    "populationRate_Hz",
    "isiIntervals",
    "isiCv",
    "isiCv2",
    "isiLv",
    "coefficientOfVariation",
    "localCoefficientOfVariation",
    "localVariation",
    "fanoFactor",
    "fanoFactorAcrossTrains",
    "fanoFactorPerNeuron",
    "crossCorrelogram",
    "autoCorrelogram",
    "pairwiseSpikeCountCorrelation",
    "spikeTrainSynchrony",
    "spikeEventsFromMonitor",
    "spikeTrainsByNeuron",
    "neuronTrain_ms",
    "populationTimes_ms",
    "allToAll",
    "oneToOne",
    "fixedProbability",
    "fixedInDegree",
    "fixedOutDegree",
    "fromPairs",
    "fromCsr",
    "fromDense",
    "checkCsr",
    "applyRule",
    "spikeSchedule",
    "checkRate",
    "checkPoissonOptions",
    "checkSpikeGeneratorOptions",
    "izhikevichPreset",
    "lifParams",
    "checkReceptor",
    "checkSynapseValue",
    "delayToSteps",
  ]);
  add("encoding.", nl.encoding as unknown as Record<string, unknown>);
  // models as equations: the parsers, the unit lookup, model resolution and the shipped models' equations
  for (const n of [
    "parseEquations",
    "parseExpression",
    "parseStatements",
    "lookupUnit",
    "resolveNeuronModel",
    "lifEquations",
    "adexEquations",
    "izhikevichEquations",
    "hhEquations",
    "escapeNoiseLifEquations",
    "metaNeuronEquations",
    "gapJunctionEquations",
  ])
    top.add(n);
  add("", nl as unknown as Record<string, unknown>, (n) => top.has(n));
  return out;
}

/** An object that refers to itself (JSON.stringify throws on it). */
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;
/** Every property read gives a Symbol (as an options record or array, each field is one). */
const symbolFields = new Proxy(
  {},
  {
    get: (_t, key) =>
      key === Symbol.toPrimitive || key === "toString" || key === "valueOf"
        ? undefined
        : Symbol("field"),
  },
);
/** Every property read gives a BigInt. */
const bigintFields = new Proxy(
  {},
  {
    get: (_t, key) =>
      typeof key === "symbol" || key === "toString" || key === "valueOf" ? undefined : 7n,
  },
);

/**
 * Values of every type, including those that break a careless message: Symbols (String(s) works,
 * but template interpolation and `+` throw), BigInts (JSON.stringify and arithmetic with numbers
 * throw), functions, cyclic objects and records whose every field is one of those.
 */
const hostile = fc.constantFrom<unknown>(
  undefined,
  null,
  0,
  -1,
  NaN,
  Infinity,
  "x",
  "",
  true,
  {},
  [],
  [NaN],
  new Float64Array(0),
  () => 1,
  [[1, 2], [3]],
  { length: 2 },
  Symbol("s"),
  Symbol.iterator,
  10n,
  -(2n ** 70n),
  [Symbol("s")],
  [1n, 2n],
  { length: 3n },
  cyclic,
  [cyclic],
  symbolFields,
  bigintFields,
  Object.create(null),
  class Foo {},
);

function safeJson(a: unknown): string {
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return typeof a === "bigint" ? `${a}n` : "a cyclic object";
  }
}

describe("fuzz: every exported function", { timeout: 60_000 }, () => {
  const fns = entryPoints();

  it("covers the public surface", () => {
    expect(fns.length).toBeGreaterThan(100);
  });

  it("answers wrong types with its own Error, never an engine error from inside", () => {
    const leaks = new Map<string, string>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: fns.length - 1 }),
        fc.array(hostile, { minLength: 0, maxLength: 3 }),
        (k, args) => {
          const [name, f] = fns[k];
          const out = attempt(() => f(...args));
          if (
            !out.ok &&
            (INTERNAL.test(out.error.message) || out.error instanceof WebAssembly.RuntimeError)
          ) {
            if (!leaks.has(name))
              leaks.set(
                name,
                `${out.error.message} @ ${(out.error.stack ?? "")
                  .split("\n")
                  .filter((l) => l.includes("/src/"))
                  .slice(0, 2)
                  .map((l) => l.replace(/.*\/src\//, "").replace(/\)$/, ""))
                  .join(
                    " < ",
                  )} (args: ${args.map((a) => (typeof a === "symbol" ? "symbol" : typeof a === "function" ? "function" : safeJson(a))).join(", ")})`,
              );
          }
          if (out.ok && out.value instanceof Promise) out.value.catch(() => undefined);
        },
      ),
      params(61, 12000),
    );
    expect(Object.fromEntries(leaks)).toEqual({});
  });
});
