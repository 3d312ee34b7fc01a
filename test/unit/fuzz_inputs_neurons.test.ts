/**
 * Fuzz: neuron, receptor and input options as a user types them (typos, prototype names, wrong
 * types, bad sizes). Groups are only constructed here; the network's run-time cases live with
 * the network's tests.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adex,
  escapeNoiseLif,
  hh,
  izhikevich,
  izhikevichPreset,
  IZHIKEVICH_PRESETS,
  lif,
  metaNeuron,
  Network,
  type NeuronModel,
} from "../../src/index.js";
import { MAX_POPULATION_SIZE } from "../../src/core/validate.js";
import { badValue, expectRejected, params, unknownKey, withKey, show } from "./fuzzHarness.js";

const MODELS: Record<string, NeuronModel<any>> = {
  lif,
  adex,
  hh,
  izhikevich,
  escapeNoiseLif,
  metaNeuron,
};

describe("fuzz: neuron group options", { timeout: 60_000 }, () => {
  it("unknown parameter keys are errors listing the allowed keys", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(MODELS)), unknownKey, (name, key) => {
        const net = new Network();
        const model = MODELS[name];
        expectRejected(
          () => net.addNeurons("g", model, { size: 3, params: withKey({}, key, 5) }),
          [`unknown key ${JSON.stringify(key)}`],
          `${name} params.${key}`,
        );
        expectRejected(
          () => net.addNeurons("g", model, withKey({ size: 3 }, key, 5)),
          [`unknown key ${JSON.stringify(key)}`],
          `${name} options.${key}`,
        );
      }),
      params(11, 100),
    );
    expect(() => new Network().addLif("g", undefined as never)).toThrow(
      /g: options must be \{ size/,
    );
    expect(() => new Network().addLif("g", { size: 3, params: { tauMs: 5 } as never })).toThrow(
      /lif params: unknown key "tauMs"; allowed keys are "tauM_ms", "cM_pF"/,
    );
  });

  it("sizes outside [1, 2^26] and of the wrong type are refused naming the group", () => {
    fc.assert(
      fc.property(
        fc.oneof(badValue, fc.constant(0), fc.constant(MAX_POPULATION_SIZE + 1), fc.constant(1e9)),
        (size) => {
          const net = new Network();
          expectRejected(
            () => net.addLif("exc", { size: size as number }),
            ["exc: size"],
            `addLif size ${show(size)}`,
          );
          expectRejected(
            () => net.addPoisson("in", { size: size as number, rate_Hz: 5 }),
            ["in: size"],
            `addPoisson size ${show(size)}`,
          );
          expectRejected(
            () => net.addSpikeGenerator("sg", { size: size as number, neurons: [], times_ms: [] }),
            ["sg: size"],
            `addSpikeGenerator size ${show(size)}`,
          );
        },
      ),
      params(12, 100),
    );
  });

  it("parameter values of the wrong type or out of range are refused by name", () => {
    fc.assert(
      fc.property(badValue, (v) => {
        const net = new Network();
        if (typeof v === "number" && v > 0 && Number.isFinite(v)) return;
        expectRejected(
          () => net.addLif("g", { size: 2, params: { tauM_ms: v as number } }),
          ["tauM_ms"],
          `tauM_ms ${show(v)}`,
        );
        expectRejected(
          () => net.addAdEx("g", { size: 2, params: { cM_pF: v as number } }),
          ["cM_pF"],
          `cM_pF ${show(v)}`,
        );
      }),
      params(13, 100),
    );
  });

  it("receptors: unknown kinds and keys, and keys of another kind, are errors", () => {
    const net = new Network();
    expect(() =>
      net.addLif("a", { size: 2, receptors: { e: { kind: "alien" } as never } }),
    ).toThrow(/kind must be "delta", "current" or "conductance"/);
    expect(() =>
      net.addLif("b", {
        size: 2,
        receptors: { e: { kind: "current", tau_ms: 5, eRev_mV: 0 } as never },
      }),
    ).toThrow(/receptor b.e \(current\): unknown key "eRev_mV"/);
    expect(() =>
      net.addLif("c", {
        size: 2,
        receptors: { e: { kind: "conductance", tau_ms: 5, eRev_mV: 0, tauMs: 1 } as never },
      }),
    ).toThrow(/unknown key "tauMs"/);
    expect(() => net.addLif("d", { size: 2, receptors: { e: null as never } })).toThrow(
      /receptor d.e must be an object/,
    );
  });

  it("Izhikevich presets are only the presets' own names", () => {
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty", "rs", ""]) {
      expect(() => izhikevichPreset(name), name).toThrow(
        /preset must be one of "RS", "IB", "CH", "FS", "LTS", "TC", "RZ"/,
      );
      expect(
        () => new Network().addIzhikevich("g", { size: 2, preset: name as never }),
        name,
      ).toThrow(/preset must be one of RS, IB/);
    }
    expect(izhikevichPreset("FS")).toEqual({ a: 0.1, b: 0.2, c_mV: -65, d: 2 });
    expect(Object.keys(IZHIKEVICH_PRESETS)).toEqual(["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"]);
  });
});

describe("fuzz: input options", { timeout: 60_000 }, () => {
  it("Poisson rates and spike-generator spikes: bad values and unknown keys are refused by name", () => {
    fc.assert(
      fc.property(badValue, unknownKey, (v, key) => {
        const net = new Network();
        if (!(typeof v === "number" && v >= 0 && Number.isFinite(v)))
          expectRejected(
            () => net.addPoisson("in", { size: 3, rate_Hz: v as number }),
            ["in: rate_Hz"],
            `rate_Hz ${show(v)}`,
          );
        expectRejected(
          () => net.addPoisson("in", withKey({ size: 3, rate_Hz: 5 }, key, 1)),
          [`unknown key ${JSON.stringify(key)}`],
          `poisson key ${key}`,
        );
        expectRejected(
          () =>
            net.addSpikeGenerator("sg", { size: 3, neurons: [0, v as number], times_ms: [1, 2] }),
          ["sg: neurons"],
          `neurons ${show(v)}`,
        );
        if (!(typeof v === "number" && Number.isFinite(v)))
          expectRejected(
            () =>
              net.addSpikeGenerator("sg", { size: 3, neurons: [0, 1], times_ms: [1, v as number] }),
            ["sg: times_ms"],
            `times ${show(v)}`,
          );
        if (!Array.isArray(v))
          expectRejected(
            () => net.addSpikeGenerator("sg", { size: 3, neurons: v as never, times_ms: [1] }),
            ["sg: neurons"],
            `neurons array ${show(v)}`,
          );
      }),
      params(14, 100),
    );
    expect(() =>
      new Network().addSpikeGenerator("sg", { size: 3, neurons: [0, 1], times_ms: [1] }),
    ).toThrow(/sg: neurons and times_ms must have equal lengths, got 2 and 1/);
  });
});
