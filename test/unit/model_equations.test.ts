// The shipped models as equations (src/neurons/equations.ts and the model files): the built-in
// groups run them (group.equations), and the Izhikevich model keeps the paper's published
// scheme. The specs' spikes are checked against Brian2 in brian2.reference.test.ts.
import { describe, expect, it } from "vitest";
import {
  LIF_EQUATIONS,
  Network,
  fixedProbability,
  izhikevichEquations,
  type SpikeMonitor,
} from "../../src/index.js";

function spikeTimes(m: SpikeMonitor, neuron: number): number[] {
  return Array.from(m.times_ms).filter((_, k) => m.neurons[k] === neuron);
}

/** The published code of Izhikevich (2003) for one neuron at dt = 1 ms: spike steps. */
function paperSpikes(a: number, b: number, c: number, d: number, I: number, steps: number) {
  let v = -65;
  let u = b * v;
  const out: number[] = [];
  for (let t = 0; t < steps; t++) {
    v += 0.5 * (0.04 * v * v + 5 * v + 140 - u + I);
    v += 0.5 * (0.04 * v * v + 5 * v + 140 - u + I);
    u += a * (b * v - u);
    if (v >= 30) {
      out.push(t);
      v = c;
      u += d;
    }
  }
  return out;
}

describe("shipped models as equations", () => {
  it("built-in groups run their model's equations, completed with receptors, current and jumps", () => {
    const net = new Network({ dt_ms: 0.1 });
    const a = net.addLif("a", {
      size: 2,
      receptors: {
        exc: { kind: "conductance", tau_ms: 5, eRev_mV: 0 },
        syn: { kind: "current", kernel: "alpha", tau_ms: 2 },
      },
    });
    net.connect(a, a, { rule: fixedProbability(0.5), weight_mV: 0.5 });
    expect(a.equations).toBeNull();
    net.build();
    const eqs = a.equations!;
    expect(eqs.model.split("\n")[0]).toContain(LIF_EQUATIONS.model.split(" : ")[0].slice(8));
    expect(eqs.model).toContain("I = Iext + g_exc*(E_exc - v) + I_syn : amp");
    expect(eqs.model).toContain("dx_syn/dt = -x_syn*k_syn : amp");
    expect(eqs.model).toContain("Jd : volt");
    expect(eqs.method).toBe("exponential_euler");
    expect(a.receptorVariable("exc")).toHaveLength(2);
    expect(() => a.receptorVariable("delta")).toThrow(/has no state/);
  });

  it("Izhikevich: addIzhikevich at dt = 1 ms is the paper's published code, spike for spike up to rounding", () => {
    for (const [preset, a, b, c, d] of [
      ["RS", 0.02, 0.2, -65, 8],
      ["CH", 0.02, 0.2, -50, 2],
      ["FS", 0.1, 0.2, -65, 2],
    ] as const) {
      const net = new Network({ dt_ms: 1 });
      net.addIzhikevich("n", { size: 1, preset, params: { iBias: 10 } });
      const m = net.monitorSpikes();
      net.run(1000);
      const want = paperSpikes(a, b, c, d, 10, 1000);
      expect(want.length).toBeGreaterThan(10);
      // neurolab stamps a spike at the end of its step. One Euler step of (vnew - v)/dt lands
      // within an ulp of the paper's vnew; the tonic firing amplifies that over many spikes.
      const ours = spikeTimes(m, 0);
      expect(ours.slice(0, 10)).toEqual(want.slice(0, 10).map((t) => t + 1));
      expect(Math.abs(ours.length - want.length)).toBeLessThanOrEqual(0.05 * want.length);
    }
  });

  it("Izhikevich: regular spiking at I = 10 with the paper's rate (Euler instead of the two half steps)", () => {
    const a = new Network({ dt_ms: 0.1 });
    a.addIzhikevich("hand", { size: 1, preset: "RS", params: { iBias: 10 } });
    const ma = a.monitorSpikes();
    a.run(1000);
    const b = new Network({ dt_ms: 0.1 });
    const eq = b.addNeurons("eq", {
      size: 1,
      ...izhikevichEquations({ preset: "RS", iBias: 10 }),
      init: { v: -65, u: -13 },
    });
    const mb = b.monitorSpikes([eq]);
    b.run(1000);
    expect(Math.abs(mb.count - ma.count)).toBeLessThanOrEqual(Math.max(1, 0.05 * ma.count));
    expect(() => izhikevichEquations({ preset: "toString" as never })).toThrow(
      /preset must be one of RS/,
    );
  });
});
