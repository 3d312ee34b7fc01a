/** describeValue: one safe description of any value for error messages (never throws, never runs user code). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeName, describeValue } from "../../src/core/describe.js";

describe("describeValue", () => {
  it("spells out the values an error message must name", () => {
    expect(describeValue("rate")).toBe('"rate"');
    expect(describeValue(1.5)).toBe("1.5");
    expect(describeValue(NaN)).toBe("NaN");
    expect(describeValue(10n)).toBe("10n (a BigInt)");
    expect(describeValue(Symbol("s"))).toBe("a Symbol");
    expect(describeValue(() => 1)).toBe("a function");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue([1, "a", 2n, Symbol("x")])).toBe('[1, "a", 2n, a Symbol]');
    expect(describeValue(new Array(20).fill(0))).toBe("an array of length 20");
    expect(describeValue([])).toBe("an array of length 0");
    expect(describeValue(new Float64Array(3))).toBe("a Float64Array of length 3");
    expect(describeValue({ rule: "x", k: 3 })).toBe('{ rule: "x", k: 3 }');
    expect(describeValue({})).toBe("{}");
    expect(describeValue(Object.create(null))).toBe("an object");
    expect(describeName(Symbol("s"))).toBe("a Symbol");
    expect(describeName("weight_mV")).toBe("weight_mV");
  });

  it("never throws and never calls user code (toString, getters, Proxy get traps)", () => {
    let called = 0;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const trap = new Proxy(
      {},
      { get: () => (called++, Symbol("t")), getPrototypeOf: () => Object.prototype },
    );
    const revocable = Proxy.revocable([], {});
    revocable.revoke();
    const getter = Object.defineProperty({}, "x", { get: () => (called++, 1), enumerable: true });
    const hostile = [
      cyclic,
      trap,
      revocable.proxy,
      getter,
      { toString: () => (called++, "boom") },
      Object.create(null),
      [cyclic],
      [Object.create(null)],
    ];
    for (const v of hostile) expect(typeof describeValue(v)).toBe("string");
    expect(called).toBe(0);
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withNullPrototype: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
        }),
        (v) => typeof describeValue(v) === "string",
      ),
      { seed: 17, numRuns: 500 },
    );
  });
});
