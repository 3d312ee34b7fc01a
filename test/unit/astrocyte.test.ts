// The astrocyte presets against closed forms (the NEST comparison is astrocyte.nest.test.ts):
// the IP3 jump and its exponential decay, the slow inward current of Nadkarni & Jung's formula
// summed over astrocytes, and clear errors for bad arguments.
import { describe, expect, it } from "vitest";
import { Network, allToAll, astrocytes, fromPairs, lookupUnit } from "../../src/index.js";

const uM = lookupUnit("umolar")!.scale;
/** No calcium fluxes: Ca and h stay where they start, IP3 only decays to its baseline. */
const FROZEN = { rate_IP3R: 0, rate_L: 0, rate_SERCA: 0, k_IP3R: 0 };

describe("astrocyteLr1994 closed forms", () => {
  it("a spike of weight w at T with delay d raises IP3 by delta_IP3*w at T + d, which then decays with tau_IP3", () => {
    const params = { ...FROZEN, delta_IP3: 0.3, tau_IP3: 500 };
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const astro = net.addNeurons("astro", { size: 1, ...astrocytes.astrocyteLr1994({ params }) });
    const gen = net.addSpikeGenerator("in", { size: 1, neurons: [0, 0], times_ms: [10, 10] });
    net.connect(gen, astro, {
      rule: allToAll(),
      ...astrocytes.astrocyteInput({ params, weight: 1.5, delay_ms: 2 }),
    });
    const mon = net.monitorState(astro, ["IP3", "Ca_astro", "h_IP3R"]);
    net.run(300);
    const t = mon.times_ms;
    const ip3 = mon.trace("IP3", 0);
    const jump = 2 * 0.3 * 1.5; // two spikes in the same step add up (NEST: weight x multiplicity)
    for (let k = 0; k < t.length; k++) {
      const expected = t[k] < 12 - 1e-9 ? 0.16 : 0.16 + jump * Math.exp(-(t[k] - 12) / 500);
      expect(Math.abs(ip3[k] / uM - expected)).toBeLessThan(1e-12);
    }
    expect(mon.trace("Ca_astro", 0).every((x) => Math.abs(x / uM - 0.073) < 1e-15)).toBe(true);
    expect(mon.trace("h_IP3R", 0).every((x) => x === 0.793)).toBe(true);
  });

  it("the slow inward current is w*SIC_scale*ln((Ca - SIC_th)/nM) above 1 nM over threshold, summed over astrocytes", () => {
    const params = { ...FROZEN, SIC_scale: 1.7, SIC_th: 0.2 };
    const Ca = [0.5, 0.2005, 0.35, 0.1];
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const astro = net.addNeurons("astro", {
      size: 4,
      ...astrocytes.astrocyteLr1994({ params }),
      init: { Ca_astro: Ca.map((c) => c * uM), IP3: 0.16 * uM, h_IP3R: 0.793 },
    });
    const cells = net.addNeurons("cells", {
      size: 2,
      model: "dv/dt = (I_sic/(100*pF)) - v/(10*ms) : volt\nI_sic : amp",
      method: "euler",
    });
    // astrocytes 0, 1 -> cell 0 (weights 2, 3); 2, 3 -> cell 1 (weights 0.5, 4)
    const { sic } = astrocytes.connectAstrocytes(net, {
      neurons: cells,
      astrocytes: astro,
      params,
      input: { rule: fromPairs([], []) },
      sic: {
        rule: fromPairs([0, 1, 2, 3], [0, 0, 1, 1]),
        weight: "2*(i == 0) + 3*(i == 1) + 0.5*(i == 2) + 4*(i == 3)",
      },
    });
    net.build();
    expect(Array.from(sic.variable("w"))).toEqual([2, 3, 0.5, 4]);
    const mon = net.monitorState(cells, ["I_sic", "v"]);
    net.run(1);
    const sicOf = (c: number) => ((c - 0.2) * 1000 > 1 ? 1.7 * Math.log((c - 0.2) * 1000) : 0);
    const expected = [2 * sicOf(0.5) + 3 * sicOf(0.2005), 0.5 * sicOf(0.35) + 4 * sicOf(0.1)];
    expect(sicOf(0.2005)).toBe(0); // 0.5 nM over threshold: below NEST's 1 nM cut
    for (let j = 0; j < 2; j++)
      expect(
        mon
          .trace("I_sic", j)
          .every((x) => Math.abs(x - expected[j]) < 1e-12 * Math.abs(expected[j])),
      ).toBe(true);
    // the current drives the neuron: v after 1 ms of forward Euler from 0 under a constant current
    expect(mon.trace("v", 0)[9]).toBeGreaterThan(0);
  });

  it("the WebAssembly step equals the JavaScript reference bitwise", () => {
    const run = (wasm: boolean) => {
      const params = { delta_IP3: 0.05 };
      const net = new Network({ dt_ms: 0.1, seed: 3, wasm });
      const astro = net.addNeurons("astro", { size: 5, ...astrocytes.astrocyteLr1994({ params }) });
      const gen = net.addSpikeGenerator("in", {
        size: 5,
        neurons: Array.from({ length: 200 }, (_, k) => k % 5),
        times_ms: Array.from({ length: 200 }, (_, k) => 1 + 5 * k),
      });
      const cells = net.addNeurons("cells", {
        size: 5,
        model: "dv/dt = (I_sic/(100*pF)) - v/(10*ms) : volt\nI_sic : amp",
        method: "euler",
      });
      net.connect(gen, astro, {
        rule: allToAll(),
        ...astrocytes.astrocyteInput({ params, weight: "1 + i" }),
      });
      net.connect(astro, cells, { rule: allToAll(), ...astrocytes.sicConnection({ weight: 0.5 }) });
      net.run(3000);
      expect(astro.target).toBe(wasm ? "wasm" : "js");
      return [
        ...["IP3", "Ca_astro", "h_IP3R"].map((v) => Array.from(astro.variable(v))),
        Array.from(cells.variable("I_sic")),
      ];
    };
    const [a, b] = [run(true), run(false)];
    expect(a[3].some((x) => x > 0)).toBe(true);
    expect(a).toEqual(b);
  });

  it("reset() restarts the astrocyte from its initial state", () => {
    const params = { delta_IP3: 0.05 };
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const astro = net.addNeurons("astro", { size: 1, ...astrocytes.astrocyteLr1994({ params }) });
    const gen = net.addSpikeGenerator("in", {
      size: 1,
      neurons: Array(50).fill(0),
      times_ms: Array.from({ length: 50 }, (_, k) => 1 + 10 * k),
    });
    net.connect(gen, astro, {
      rule: allToAll(),
      ...astrocytes.astrocyteInput({ params, weight: 1 }),
    });
    net.run(2000);
    const first = [
      astro.variable("IP3")[0],
      astro.variable("Ca_astro")[0],
      astro.variable("h_IP3R")[0],
    ];
    expect(first[0] / uM).toBeGreaterThan(1);
    net.reset();
    net.run(2000);
    expect([
      astro.variable("IP3")[0],
      astro.variable("Ca_astro")[0],
      astro.variable("h_IP3R")[0],
    ]).toEqual(first);
  });
});

describe("astrocyte presets: argument checks", () => {
  it("refuses unknown or out-of-range parameters, initial states, weights and options by name", () => {
    expect(() => astrocytes.astrocyteLr1994({ params: { tau: 5 } as never })).toThrow(
      /astrocyte parameter must be one of .*tau_IP3.*"tau"/,
    );
    expect(() => astrocytes.astrocyteLr1994({ params: { delta_IP3: -1 } })).toThrow(
      /delta_IP3 must be a finite number in \[0/,
    );
    expect(() => astrocytes.astrocyteLr1994({ params: { tau_IP3: 0 } })).toThrow(
      /tau_IP3 must be a finite number in \(0/,
    );
    expect(() => astrocytes.astrocyteLr1994({ params: { Ca_tot: Number.NaN } })).toThrow(/Ca_tot/);
    expect(() => astrocytes.astrocyteLr1994({ init: { h_IP3R: 1.5 } })).toThrow(
      /init.h_IP3R must be a finite number in \[0, 1\]/,
    );
    expect(() => astrocytes.astrocyteLr1994({ init: { Ca_astro: 2.5 } })).toThrow(
      /init.Ca_astro must be a finite number in \[0, 2\]/,
    );
    expect(() => astrocytes.astrocyteLr1994({ method: "exact" as never })).toThrow(
      /method must be one of/,
    );
    expect(() => astrocytes.astrocyteLr1994({ seed: 1 } as never)).toThrow(/unknown option "seed"/);
    expect(() => astrocytes.astrocyteInput({ weight: -1 })).toThrow(
      /weight must be a finite number in \[0/,
    );
    expect(() => astrocytes.astrocyteInput({ delay_ms: 0 })).toThrow(
      /delay_ms must be a finite number in \(0/,
    );
    expect(() => astrocytes.sicConnection({ target: "I sic" })).toThrow(
      /target must name a neuron parameter/,
    );
  });

  it("a neuron model without the SIC target parameter is refused when connecting", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const astro = net.addNeurons("astro", { size: 1, ...astrocytes.astrocyteLr1994() });
    const cells = net.addNeurons("cells", { size: 1, model: "dv/dt = -v/(10*ms) : volt" });
    expect(() =>
      net.connect(astro, cells, { rule: allToAll(), ...astrocytes.sicConnection() }),
    ).toThrow(/I_sic/);
  });

  it("the defaults are NEST 3.10's", () => {
    expect(astrocytes.ASTROCYTE_LR_1994_DEFAULTS).toMatchObject({
      Ca_tot: 2,
      IP3_0: 0.16,
      delta_IP3: 0.0002,
      tau_IP3: 7142,
      SIC_th: 0.19669,
      ratio_ER_cyt: 0.185,
    });
    expect(astrocytes.astrocyteLr1994().init).toEqual({
      IP3: "0.16*umolar",
      Ca_astro: "0.073*umolar",
      h_IP3R: 0.793,
    });
  });
});
