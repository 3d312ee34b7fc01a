/**
 * The shared validation helper (src/core/validate.ts) and the issue-16 reproductions that are not
 * properties: each case was a crash, a silently accepted option or garbage before.
 */
import { describe, expect, it } from "vitest";
import os from "node:os";
import { makeTable, parquetInfo, readParquetTable } from "../../src/data/index.js";
import {
  allToAll,
  checkSynapseValue,
  connectome as C,
  fixedProbability,
  Network,
  Rng,
  rsa,
  synapseCount,
} from "../../src/index.js";
import {
  checkAllocation,
  checkArrayLike,
  checkEachOneOf,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  formatBytes,
  lookupOwn,
  MAX_POPULATION_SIZE,
} from "../../src/core/validate.js";

describe("core/validate", { timeout: 60_000 }, () => {
  it("checkOptions accepts known keys (and undefined values), refuses unknown ones listing the allowed", () => {
    expect(checkOptions({ a: 1, b: undefined }, ["a"], "opts")).toEqual({ a: 1, b: undefined });
    expect(checkOptions(undefined, ["a"], "opts")).toEqual({});
    expect(() => checkOptions({ c: 1 }, ["a", "b"], "opts")).toThrow(
      'opts: unknown key "c"; allowed keys are "a", "b"',
    );
    expect(() => checkOptions(JSON.parse('{"__proto__": 1}'), ["a"], "opts")).toThrow(
      /unknown key "__proto__"/,
    );
    expect(() => checkOptions(5 as never, ["a"], "opts")).toThrow(
      /opts must be an options object with keys among "a", got 5/,
    );
    expect(() => checkOptions([] as never, ["a"], "opts")).toThrow(/got an array of length 0/);
  });

  it("checkOneOf / checkEachOneOf / lookupOwn name the argument and list the allowed values", () => {
    expect(checkOneOf("max", ["max", "sum"], "merge")).toBe("max");
    expect(() => checkOneOf("median", ["max", "sum"], "merge")).toThrow(
      'merge must be one of "max", "sum", got "median"',
    );
    expect(() => checkEachOneOf(["a", "x"], ["a"], "kinds")).toThrow(
      'kinds[1] must be one of "a", got "x"',
    );
    expect(() => checkEachOneOf("a", ["a"], "kinds")).toThrow(/kinds must be an array/);
    const record = Object.freeze({ RS: 1 });
    expect(lookupOwn(record, "RS", "preset")).toBe(1);
    for (const key of ["toString", "__proto__", "hasOwnProperty", 3])
      expect(() => lookupOwn(record, key, "preset")).toThrow('preset must be one of "RS"');
  });

  it("array checks report the index, the expected kind and the value", () => {
    expect(() => checkArrayLike("abc", "xs")).toThrow(
      'xs must be an array or typed array, got "abc"',
    );
    expect(() => checkArrayLike(null, "xs")).toThrow(
      "xs must be an array or typed array, got null",
    );
    expect(() => checkNumberArray([1, "2"], "xs")).toThrow(
      'xs[1] must be a finite number in [-Infinity, Infinity], got "2"',
    );
    expect(() => checkNumberArray([0, 1.5], "xs", { integer: true, min: 0, max: 3 })).toThrow(
      "xs[1] must be an integer in [0, 3], got 1.5",
    );
    expect(() => checkNumberArray([1], "xs", { length: 2 })).toThrow(
      "xs must have 2 entries, got 1",
    );
  });

  it("checkAllocation states the sizes and bytes instead of V8's 'Invalid typed array length'", () => {
    expect(checkAllocation(100, 8, "x")).toBe(100);
    expect(() => checkAllocation(11_001_000_001, 4, "allToAll: 104886 x 104886 synapses")).toThrow(
      "allToAll: 104886 x 104886 synapses: 11,001,000,001 entries of 4 bytes (41.0 GiB) exceed the limit of 536,870,912 entries (2.00 GiB) per array",
    );
    expect(() => checkAllocation(NaN, 4, "x")).toThrow(/NaN entries/);
    expect(formatBytes(1536)).toBe("1.50 KiB");
  });
});

describe("issue 16 reproductions", { timeout: 60_000 }, () => {
  it("allToAll builds typed arrays of known size (no JS array growth) and counts exactly", () => {
    const r = new Rng(1);
    const all = allToAll()(300, 200, r);
    expect(synapseCount(all)).toBe(60_000);
    expect(Array.from(all.colIdx.subarray(200, 203))).toEqual([0, 1, 2]);
    const noSelf = allToAll({ allowSelf: false })(300, 200, r);
    expect(synapseCount(noSelf)).toBe(60_000 - 200);
    expect(noSelf.rowPtr[1]).toBe(199);
    let selfPairs = 0;
    for (let i = 0; i < 200; i++)
      for (let k = noSelf.rowPtr[i]; k < noSelf.rowPtr[i + 1]; k++)
        if (noSelf.colIdx[k] === i) selfPairs++;
    expect(selfPairs).toBe(0);
  });

  it("fixedProbability refuses a matrix whose expected synapses do not fit, naming p and the sizes", () => {
    expect(() => fixedProbability(1)(50_000, 50_000, new Rng(1))).toThrow(
      /fixedProbability\(1\): 50000 x 50000 pairs, about 2500000000 synapses: 2,500,000,000 entries of 4 bytes \(9\.31 GiB\) exceed/,
    );
  });

  it("group and graph sizes are bounded", () => {
    expect(() => new Network().addLif("big", { size: 1e9 })).toThrow(
      `big: size must be an integer in [1, ${MAX_POPULATION_SIZE}], got 1000000000`,
    );
    expect(() => C.csrFromEntries(1e9, [], [], [])).toThrow(
      /csrFromEntries: n must be an integer in \[0, 67108864\]/,
    );
  });

  it("a per-synapse value of the wrong type names the argument (checkSynapseValue, for connect)", () => {
    expect(() => checkSynapseValue("1", "weight_mV")).toThrow(
      'weight_mV must be a number or a function (rng, pre, post) => number, got "1"',
    );
    expect(() => checkSynapseValue(NaN, "weight_mV")).toThrow(/weight_mV must be a finite number/);
    expect(checkSynapseValue(2, "weight_mV")).toBe(2);
    const f = () => 1;
    expect(checkSynapseValue(f, "weight_mV")).toBe(f);
  });

  it("selectCells: an unknown class or key is an error, not an empty or full connectome", () => {
    const c = C.buildConnectome([
      { pre: "AVAL", post: "AVAR", type: "chemical", count: 2 },
      { pre: "ADAL", post: "AVAL", type: "electrical", count: 1 },
    ]);
    expect(() => C.selectCells(c, { classes: ["AVX"] })).toThrow(
      /filter.classes: no cell of connectome has "AVX"; present: ADA, AVA/,
    );
    expect(() => C.selectCells(c, { class: ["AVA"] } as never)).toThrow(
      /filter: unknown key "class"; allowed keys are "names", "classes"/,
    );
    expect(C.selectCells(c, { classes: ["AVA"] }).cells.map((x) => x.name)).toEqual([
      "AVAL",
      "AVAR",
    ]);
    expect(() => C.selectCells(c, { names: "AVAL" as never })).toThrow(
      /filter.names must be an array of strings/,
    );
  });

  it("modularity with a short community array, and rsa index helpers, refuse instead of returning garbage", () => {
    const g = C.csrFromEntries(3, [0, 1], [1, 2], [1, 1]);
    expect(() => C.modularity(g, [0, 0])).toThrow("community must have 3 entries, got 2");
    expect(C.modularity(g, [0, 0, 0])).toBeCloseTo(0, 12);
    expect(() => rsa.pairIndex(4, 1, 1)).toThrow(/i and j must differ/);
    expect(rsa.pairIndex(4, 1, 3)).toBe(4);
    expect(() => rsa.makeRdms([[1, Infinity, 3]])).toThrow(
      "dissimilarities[0][1] must be finite or NaN (a missing pair), got Infinity",
    );
  });

  it("data: Parquet inputs and tables name what is wrong (type, directory, content) instead of engine errors", async () => {
    await expect(parquetInfo(42 as never)).rejects.toThrow(
      "input must be a file path, a Uint8Array or an ArrayBuffer, got 42",
    );
    await expect(readParquetTable(os.tmpdir())).rejects.toThrow(
      `${os.tmpdir()} is a directory, not a Parquet file`,
    );
    await expect(parquetInfo(new Uint8Array(10))).rejects.toThrow(
      /the Uint8Array of 10 bytes: parquet file invalid/,
    );
    expect(() => makeTable(null as never)).toThrow(/columns must be an object of named columns/);
    expect(() => makeTable({ a: [1, 2], b: [1] })).toThrow(
      "columns must have equal lengths: columns.b has 1 values, the columns before it 2",
    );
    expect(makeTable({ a: [1, 2], b: Float64Array.from([3, 4]) }).numRows()).toBe(2);
  });
});
