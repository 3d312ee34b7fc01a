// Reward-modulated STDP: a scaled-down Izhikevich 2007 (Cereb Cortex 17:2443, Fig. 1) with
// stdpDopamine. One synapse i -> j (starting at 0) is rewarded, 1-3 s late, whenever j fires
// within 20 ms after i: it grows to the bound while the other 3199 excitatory synapses stay low.
// The scaling (200 neurons x 20 targets, A- = 2, one dopamine quantum per reward, no tonic
// dopamine, 2000 s) is stated in src/plasticity/distalReward.ts and src/plasticity/README.md.
import { describe, expect, it } from "vitest";
import { plasticity } from "../../src/index.js";

describe("distal reward (Izhikevich 2007) with stdpDopamine", () => {
  it("the rewarded synapse grows to the bound and stays there; the others stay low", () => {
    const e = plasticity.distalReward2007({ seed: 1 });
    const w = e.synapses.variable("w");
    expect(w[e.rewarded]).toBe(0);
    expect(w.length).toBe(160 * 20);
    const rewarded: number[] = [];
    for (let s = 0; s < 20; s++) {
      e.net.run(100_000);
      rewarded.push(w[e.rewarded]);
    }
    const others = Array.from(w)
      .filter((_, k) => k !== e.rewarded)
      .sort((a, b) => a - b);
    const mean = others.reduce((a, b) => a + b, 0) / others.length;
    const p95 = others[Math.floor(0.95 * others.length)];
    // It reaches the bound, and after that it stays near it (mean over the later samples).
    const first = rewarded.findIndex((x) => x >= 0.99 * e.Wmax);
    expect(first).toBeGreaterThanOrEqual(0);
    const after = rewarded.slice(first);
    expect(after.reduce((a, b) => a + b, 0) / after.length).toBeGreaterThan(0.85 * e.Wmax);
    // The others: their mean falls below its start (1 mV), 95% of them stay below 3 mV.
    expect(mean).toBeLessThan(1);
    expect(p95).toBeLessThan(0.75 * e.Wmax);
    // The learned synapse makes its own coincidences: rewards come faster at the end than at the start.
    const early = e.rewards_ms.filter((t) => t < 500_000).length;
    const late = e.rewards_ms.filter((t) => t >= 1_500_000).length;
    expect(late).toBeGreaterThan(2 * early);
    expect(early).toBeGreaterThan(3);
  }, 300_000);

  it("refuses unknown options", () => {
    expect(() => plasticity.distalReward2007({ size: 3 } as never)).toThrow(
      /unknown option "size"/,
    );
    expect(() => plasticity.distalReward2007({ quanta: 0.5 })).toThrow(/quanta/);
  });
});
