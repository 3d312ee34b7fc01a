// Plasticity presets against closed forms: single pre/post pairs under NEST's stdp_synapse
// formula (Gütig et al. 2003 normalisation), both delay conventions, nearest vs all-to-all,
// learned weights surviving reset, and the delayed on_post of the synapse machinery.
import { describe, expect, it } from "vitest";
import { Network, allToAll, fromPairs, plasticity } from "../../src/index.js";

/** NEST's facilitate_/depress_ on a normalised weight. */
const facilitate = (w: number, k: number, o = { lambda: 0.01, mu: 1, Wmax: 100 }) =>
  Math.min(w / o.Wmax + o.lambda * (1 - w / o.Wmax) ** o.mu * k, 1) * o.Wmax;
const depress = (w: number, k: number, o = { lambda: 0.01, alpha: 1, mu: 1, Wmax: 100 }) =>
  Math.max(w / o.Wmax - o.alpha * o.lambda * (w / o.Wmax) ** o.mu * k, 0) * o.Wmax;

function pairRun(
  pre: number[],
  post: number[],
  opts: plasticity.StdpPairOptions,
  until = 60,
): number {
  const net = new Network({ dt_ms: 0.1, seed: 1 });
  const a = net.addSpikeGenerator("a", { size: 1, neurons: pre.map(() => 0), times_ms: pre });
  const b = net.addSpikeGenerator("b", { size: 1, neurons: post.map(() => 0), times_ms: post });
  const syn = net.connect(a, b, { rule: allToAll(), ...plasticity.stdpPair(opts) });
  net.run(until);
  return syn.variable("w")[0];
}

describe("stdpPair: single pairs equal the closed form", () => {
  it("NEST defaults, w0 = 50, Δt = +10 ms gives +0.303265 (dendritic delay 1 ms: post 9 ms after pre)", () => {
    const w = pairRun([10], [19], { w0: 50 });
    expect(w - 50).toBeCloseTo(0.303265, 6);
    expect(w).toBeCloseTo(facilitate(50, Math.exp(-10 / 20)), 12);
  });
  it("dendritic (default): a post spike 10 ms after pre with d = 1 ms counts as Δt = 11 ms; axonal as Δt = 9 ms", () => {
    expect(pairRun([10], [20], { w0: 50, delay_ms: 1 })).toBeCloseTo(
      facilitate(50, Math.exp(-11 / 20)),
      12,
    );
    expect(pairRun([10], [20], { w0: 50, delay_ms: 1, delayConvention: "axonal" })).toBeCloseTo(
      facilitate(50, Math.exp(-9 / 20)),
      12,
    );
    // Depression: post 10 ms before pre; dendritic Δt = -10 + 1 = -9 ms, axonal -10 - 1 = -11 ms.
    expect(pairRun([20], [10], { w0: 50, delay_ms: 1 })).toBeCloseTo(
      depress(50, Math.exp(-9 / 20)),
      12,
    );
    expect(pairRun([20], [10], { w0: 50, delay_ms: 1, delayConvention: "axonal" })).toBeCloseTo(
      depress(50, Math.exp(-11 / 20)),
      12,
    );
    // Larger delays, both signs.
    expect(pairRun([10], [20], { w0: 30, delay_ms: 4 })).toBeCloseTo(
      facilitate(30, Math.exp(-14 / 20)),
      12,
    );
    expect(pairRun([10], [20], { w0: 30, delay_ms: 4, delayConvention: "axonal" })).toBeCloseTo(
      facilitate(30, Math.exp(-6 / 20)),
      12,
    );
    expect(pairRun([10], [12], { w0: 30, delay_ms: 4, delayConvention: "axonal" })).toBeCloseTo(
      depress(30, Math.exp(-2 / 20)),
      12,
    );
  });
  it("additive (mu = 0) with hard bounds, Gütig's intermediate mu, custom lambda/alpha/tau", () => {
    const o = {
      weightDependence: "additive" as const,
      lambda: 0.05,
      alpha: 1.2,
      tau_plus_ms: 16.8,
      tau_minus_ms: 33.7,
      Wmax: 10,
      delay_ms: 0,
    };
    expect(pairRun([10], [15], { ...o, w0: 4 })).toBeCloseTo(
      facilitate(4, Math.exp(-5 / 16.8), { lambda: 0.05, mu: 0, Wmax: 10 }),
      12,
    );
    expect(pairRun([15], [10], { ...o, w0: 4 })).toBeCloseTo(
      depress(4, Math.exp(-5 / 33.7), { lambda: 0.05, alpha: 1.2, mu: 0, Wmax: 10 }),
      12,
    );
    // Hard bounds: 200 potentiating pairs saturate at Wmax, 200 depressing ones at 0.
    const ups = Array.from({ length: 200 }, (_, k) => 10 + 50 * k);
    expect(
      pairRun(
        ups,
        ups.map((t) => t + 2),
        { ...o, w0: 4 },
        10_100,
      ),
    ).toBe(10);
    expect(
      pairRun(
        ups.map((t) => t + 2),
        ups,
        { ...o, w0: 4 },
        10_100,
      ),
    ).toBe(0);
    const g = { mu_plus: 0.4, mu_minus: 0.4, delay_ms: 0, w0: 20 };
    expect(pairRun([10], [13], g)).toBeCloseTo(
      facilitate(20, Math.exp(-3 / 20), { lambda: 0.01, mu: 0.4, Wmax: 100 }),
      12,
    );
  });
  it("all-to-all sums every earlier spike; nearest-spike pairs only the latest", () => {
    // Pre at 10, 12, 14; post at 20 (axonal, d = 0): potentiation by K+ = Σ exp(-Δt/20) or exp(-6/20).
    const k = Math.exp(-10 / 20) + Math.exp(-8 / 20) + Math.exp(-6 / 20);
    expect(pairRun([10, 12, 14], [20], { w0: 50, delay_ms: 0 })).toBeCloseTo(facilitate(50, k), 12);
    expect(pairRun([10, 12, 14], [20], { w0: 50, delay_ms: 0, pairing: "nearest" })).toBeCloseTo(
      facilitate(50, Math.exp(-6 / 20)),
      12,
    );
    // Post at 10, 12, pre at 15: depression by K- of both (all-to-all) or the latest.
    expect(pairRun([15], [10, 12], { w0: 50, delay_ms: 0 })).toBeCloseTo(
      depress(50, Math.exp(-5 / 20) + Math.exp(-3 / 20)),
      12,
    );
    expect(pairRun([15], [10, 12], { w0: 50, delay_ms: 0, pairing: "nearest" })).toBeCloseTo(
      depress(50, Math.exp(-3 / 20)),
      12,
    );
  });
  it("refuses bad options with the argument's name", () => {
    expect(() => plasticity.stdpPair({ lambda: -1 })).toThrow(/lambda/);
    expect(() => plasticity.stdpPair({ tau_plus_ms: 0 })).toThrow(/tau_plus_ms/);
    expect(() => plasticity.stdpPair({ pairing: "closest" as never })).toThrow(
      /pairing must be one of/,
    );
    expect(() => plasticity.stdpPair({ delayConvention: "somatic" as never })).toThrow(
      /delayConvention/,
    );
    expect(() => plasticity.stdpPair({ Wmax: Number.NaN })).toThrow(/Wmax/);
    expect(() => plasticity.stdpPair({ tauPlus: 3 } as never)).toThrow(/unknown option "tauPlus"/);
  });
});

describe("learned weights, reset and the projection handle", () => {
  it("weights learned by stdpPair survive net.reset(), are visible through the handle, and traces restart", () => {
    const net = new Network({ dt_ms: 0.1, seed: 3 });
    const pre = [5, 25, 45, 65];
    const a = net.addSpikeGenerator("a", { size: 2, neurons: [0, 1, 0, 1], times_ms: pre });
    const b = net.addSpikeGenerator("b", {
      size: 1,
      neurons: [0, 0, 0, 0],
      times_ms: pre.map((t) => t + 4),
    });
    const syn = net.connect(a, b, {
      rule: allToAll(),
      ...plasticity.stdpPair({ w0: 50, delay_ms: 0 }),
    });
    net.run(100);
    const learned = syn.get("w");
    expect(learned[0]).toBeGreaterThan(50);
    expect(syn.get("w", "i == 1")[0]).toBe(learned[1]);
    expect(syn.describe().variables.w).toEqual(learned);
    net.reset();
    net.build();
    expect(syn.get("w")).toEqual(learned);
    expect(syn.get("apre")).toEqual(new Float64Array(2));
    // A second run learns on from the learned weights, as a continued simulation of the same spikes would from fresh traces.
    net.run(100);
    const again = syn.get("w");
    expect(again[0]).toBeGreaterThan(learned[0]);
    syn.set("w", 50);
    net.reset();
    net.run(100);
    expect(syn.get("w")).toEqual(learned);
  });
});

describe("delay_post_ms of synapses written as equations", () => {
  it("runs on_post delay_post/dt steps after the postsynaptic spike (uniform and per synapse)", () => {
    for (const delay_post_ms of [2.5, "1*ms + j*ms"] as const) {
      const net = new Network({ dt_ms: 0.5, seed: 1 });
      const a = net.addSpikeGenerator("a", { size: 1, neurons: [], times_ms: [] });
      const b = net.addSpikeGenerator("b", { size: 3, neurons: [0, 1, 2], times_ms: [10, 10, 10] });
      const syn = net.connect(a, b, {
        rule: fromPairs([0, 0, 0], [0, 1, 2]),
        model: "tseen : second",
        on_post: "tseen = t",
        delay_post_ms,
      });
      net.run(30);
      const expected =
        typeof delay_post_ms === "number"
          ? [1, 1, 1].map(() => 10 + 2.5)
          : [0, 1, 2].map((j) => 10 + 1 + j);
      // t in events is the step's start; the generator's spike at 10 ms is in the step starting at 9.5 ms.
      expect(Array.from(syn.get("tseen"))).toEqual(expected.map((x) => x - 0.5));
      expect(Array.from(syn.delay_post_ms)).toEqual(
        typeof delay_post_ms === "number" ? [2.5, 2.5, 2.5] : [1, 2, 3],
      );
    }
  });
});
