// The shipped models written as equations (src/neurons/equations.ts) give the same spikes as
// the hand-written models, so users can start from either and change the equations.
import { describe, expect, it } from "vitest";
import {
  Network,
  adexEquations,
  hh,
  hhEquations,
  izhikevichEquations,
  lifEquations,
  type SpikeMonitor,
} from "../../src/index.js";

function spikeTimes(m: SpikeMonitor, neuron: number): number[] {
  return Array.from(m.times_ms).filter((_, k) => m.neurons[k] === neuron);
}

describe("shipped models as equations", () => {
  it("AdEx: the same spike times as addAdEx (both forward Euler)", () => {
    const a = new Network({ dt_ms: 0.1 });
    const hand = a.addAdEx("hand", { size: 2 });
    hand.current_pA.set([700, 1000]);
    const ma = a.monitorSpikes();
    a.run(500);
    const b = new Network({ dt_ms: 0.1 });
    const eq = b.addNeurons("eq", {
      size: 2,
      ...adexEquations(),
      init: { v: -70.6, I: "(700 + 300*i)*pA" },
    });
    const mb = b.monitorSpikes([eq]);
    b.run(500);
    for (const i of [0, 1]) {
      const x = spikeTimes(ma, i);
      const y = spikeTimes(mb, i);
      expect(x.length).toBeGreaterThan(3);
      expect(y).toEqual(x);
    }
  });

  it("Hodgkin-Huxley: the same spike times as the hh model (exponential Euler)", () => {
    const a = new Network({ dt_ms: 0.01 });
    const hand = a.addNeurons("hand", hh, { size: 1 });
    hand.current_pA[0] = 1000;
    const ma = a.monitorSpikes();
    a.build();
    const rest = hand.snapshot(); // the hand-written model starts at rest with its gates at steady state
    a.run(100);
    const b = new Network({ dt_ms: 0.01 });
    const eq = b.addNeurons("eq", {
      size: 1,
      ...hhEquations(),
      init: { v: rest.v_mV[0], m: rest.m[0], h: rest.h[0], n: rest.n[0], I: 1000 },
    });
    const mb = b.monitorSpikes([eq]);
    b.run(100);
    const x = spikeTimes(ma, 0);
    const y = spikeTimes(mb, 0);
    expect(x.length).toBeGreaterThan(3);
    expect(y.length).toBe(x.length);
    y.forEach((t, k) => expect(Math.abs(t - x[k])).toBeLessThanOrEqual(0.02));
  });

  it("LIF: the same intervals as addLif, with the refractory period counted Brian2's way (+ dt)", () => {
    const a = new Network({ dt_ms: 0.1 });
    const hand = a.addLif("hand", { size: 1, params: { tRef_ms: 2 } });
    hand.current_pA[0] = 500;
    const ma = a.monitorSpikes();
    a.run(300);
    const b = new Network({ dt_ms: 0.1 });
    const eq = b.addNeurons("eq", {
      size: 1,
      ...lifEquations({ tRef_ms: 2.1 }),
      init: { v: -70, I: 500 },
    });
    const mb = b.monitorSpikes([eq]);
    b.run(300);
    const x = spikeTimes(ma, 0);
    const y = spikeTimes(mb, 0);
    expect(x.length).toBeGreaterThan(5);
    expect(y.length).toBe(x.length);
    y.forEach((t, k) => expect(t).toBeCloseTo(x[k], 9));
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
