// Vogels-Sprekeler 2011 inhibitory plasticity: single pairs against the closed form, random
// trains against NEST 3.10's vogels_sprekeler_synapse (peers venv, test/reference/nest_stdp.py),
// and the paper's claim in a small network: plastic inhibition brings the postsynaptic rate to
// the target rho0 from above (no inhibition at the start) and from below (too much).
import { describe, expect, it } from "vitest";
import { Network, Rng, fixedProbability, plasticity } from "../../src/index.js";
import { DT, poissonTrain, runNest, runOurs } from "./plasticity.helpers.js";

describe("vogelsSprekeler: single pairs equal the closed form", () => {
  const eta = 0.01,
    alpha = 0.12,
    tau = 20;
  it("dendritic delay (NEST's default, d = 1 ms): pre 10, post 20, pre 50 ms", () => {
    // At pre 10: no post trace, w0 - eta alpha. Post at 20 pairs with pre at Δt = 20 + d - 10 = 11 ms.
    // Pre at 50 reads the post trace at Δt = 50 - (20 + d) = 29 ms, then depresses again.
    const { weights } = runOurs(
      [[10, 50]],
      [[20]],
      plasticity.vogelsSprekeler({ eta, alpha, tau_ms: tau, Wmax: 2, w0: 0.5 }),
      100,
    );
    const w1 = 0.5 - eta * alpha;
    const w2 = w1 + eta * Math.exp(-11 / tau) + eta * Math.exp(-29 / tau) - eta * alpha;
    expect(weights[0][0]).toBeCloseTo(w1, 14);
    expect(weights[0][1]).toBeCloseTo(w2, 14);
  });
  it("axonal delay 0 (Brian2's example), rho0_Hz sets alpha = 2 rho0 tau; two post spikes add", () => {
    const model = plasticity.vogelsSprekeler({
      eta,
      rho0_Hz: 3,
      tau_ms: tau,
      Wmax: 2,
      w0: 0.5,
      delay_ms: 0,
      delayConvention: "axonal",
    });
    expect(model.namespace.alpha).toBeCloseTo(0.12, 15);
    const { weights } = runOurs([[10, 40]], [[15, 25]], model, 100);
    const w =
      0.5 -
      eta * alpha +
      eta * (Math.exp(-5 / tau) + Math.exp(-15 / tau)) +
      eta * (Math.exp(-25 / tau) + Math.exp(-15 / tau)) -
      eta * alpha;
    expect(weights[0][1]).toBeCloseTo(w, 14);
  });
  it("bounds as NEST: facilitation clipped at Wmax, then the depression (clipped at 0)", () => {
    // Post at 10, pre at 12 (axonal, d = 0): from w0 = Wmax the facilitation is lost, the depression is not.
    const m = plasticity.vogelsSprekeler({
      eta: 0.1,
      alpha: 0.5,
      Wmax: 1,
      w0: 1,
      delay_ms: 0,
      delayConvention: "axonal",
    });
    expect(runOurs([[12]], [[10]], m, 50).weights[0][0]).toBeCloseTo(1 - 0.1 * 0.5, 14);
    const low = plasticity.vogelsSprekeler({
      eta: 0.1,
      alpha: 0.5,
      Wmax: 1,
      w0: 0.01,
      delay_ms: 0,
      delayConvention: "axonal",
    });
    expect(runOurs([[12]], [[]], low, 50).weights[0][0]).toBe(0);
  });
  it("refuses bad options with their names", () => {
    expect(() => plasticity.vogelsSprekeler({ alpha: 0.1, rho0_Hz: 3 })).toThrow(
      /alpha or rho0_Hz/,
    );
    expect(() => plasticity.vogelsSprekeler({ tau_ms: 0 })).toThrow(/tau_ms/);
    expect(() => plasticity.vogelsSprekeler({ rho0_Hz: Number.NaN })).toThrow(/rho0_Hz/);
    expect(() => plasticity.vogelsSprekeler({ target: 3 } as never)).toThrow(
      /unknown option "target"/,
    );
  });
});

describe("vogelsSprekeler against NEST 3.10 vogels_sprekeler_synapse on random trains", () => {
  for (const d of [1, 2.5]) {
    it(`d = ${d} ms, eta 0.02, alpha 0.3, tau 15 ms, Wmax 1.2: weights after every pre spike to 1e-9`, () => {
      const rng = new Rng(11 + d * 10);
      const duration = 3000;
      const pre: number[][] = [];
      const post: number[][] = [];
      for (let k = 0; k < 10; k++) {
        const a = poissonTrain(rng, 20, 1, duration - 5);
        const pres = new Set(a.map((t) => Math.round(t / DT)));
        // No exact coincidence t_pre = t_post + d (NEST drops such pairs; see the README).
        post.push(
          poissonTrain(rng, 15 + 3 * k, 1, duration - 5).filter(
            (t) => !pres.has(Math.round((t + d) / DT)),
          ),
        );
        pre.push(a);
      }
      const syn = { weight: 0.6, delay: d, eta: 0.02, alpha: 0.3, tau: 15, Wmax: 1.2 };
      const nest = runNest({
        dt_ms: DT,
        duration_ms: duration,
        synapse_model: "vogels_sprekeler_synapse",
        syn,
        post: { tau_minus: 15 },
        pre_times: pre,
        post_times: post,
      });
      const ours = runOurs(
        pre,
        post,
        plasticity.vogelsSprekeler({
          w0: 0.6,
          delay_ms: d,
          eta: 0.02,
          alpha: 0.3,
          tau_ms: 15,
          Wmax: 1.2,
        }),
        duration,
      );
      expect(ours.weights.map((w) => w.length)).toEqual(nest.weights.map((w) => w.length));
      expect(nest.weights.flat().length).toBeGreaterThan(400);
      let worst = 0;
      let moved = 0;
      ours.weights.forEach((w, k) =>
        w.forEach((x, n) => {
          worst = Math.max(worst, Math.abs(x - nest.weights[k][n]));
          moved = Math.max(moved, Math.abs(nest.weights[k][n] - 0.6));
        }),
      );
      // The weights moved (some reach the bounds) and agree.
      expect(moved).toBeGreaterThan(0.3);
      expect(worst).toBeLessThan(1e-9);
    }, 120_000);
  }
});

/**
 * 50 conductance-based LIF neurons (Brian2's Vogels et al. example neuron, dimensionless
 * conductances) driven by 250 of 500 excitatory Poisson inputs (10 Hz, fixed) and about 62 of 125
 * inhibitory Poisson inputs (10 Hz) through vogelsSprekeler synapses; the rate per second.
 */
function balancing(
  wi0: number,
  rho0_Hz: number,
  seed: number,
  seconds: number,
): { rates_Hz: number[]; meanW: number } {
  const net = new Network({ dt_ms: 0.1, seed });
  const post = net.addNeurons("post", {
    size: 50,
    model:
      "dv/dt = (El - v + ge*(Ee - v) + gi*(Ei - v))/taum : volt (unless refractory)\ndge/dt = -ge/taue : 1\ndgi/dt = -gi/taui : 1",
    threshold: "v > Vt",
    reset: "v = Vr",
    refractory: 5,
    method: "euler",
    namespace: {
      taum: "20*ms",
      taue: "5*ms",
      taui: "10*ms",
      El: "-60*mV",
      Ee: "0*mV",
      Ei: "-80*mV",
      Vt: "-50*mV",
      Vr: "-60*mV",
    },
    init: { v: "Vr" },
  });
  const exc = net.addPoisson("exc", { size: 500, rate_Hz: 10 });
  const inh = net.addPoisson("inh", { size: 125, rate_Hz: 10 });
  net.connect(exc, post, {
    rule: fixedProbability(0.5),
    on_pre: "ge_post += we",
    namespace: { we: 0.03 },
  });
  const syn = net.connect(inh, post, {
    rule: fixedProbability(0.5),
    ...plasticity.vogelsSprekeler({
      rho0_Hz,
      eta: 0.01,
      Wmax: 10,
      w0: wi0,
      delay_ms: 0,
      delayConvention: "axonal",
      transmit: "gi_post += w",
    }),
  });
  const spikes = net.monitorSpikes([post]);
  const rates_Hz: number[] = [];
  for (let s = 0, last = 0; s < seconds; s++) {
    net.run(1000);
    rates_Hz.push((spikes.count - last) / 50);
    last = spikes.count;
  }
  return { rates_Hz, meanW: syn.variable("w").reduce((a, b) => a + b, 0) / syn.size };
}

describe("vogelsSprekeler balances excitation: the rate approaches rho0 (Vogels et al. 2011)", () => {
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  for (const rho0 of [5, 10]) {
    it(`rho0 = ${rho0} Hz, from no inhibition (rate far above) and from too much (silent)`, () => {
      const above = balancing(0, rho0, 1, 60);
      const below = balancing(0.4, rho0, 2, 60);
      expect(above.rates_Hz[0]).toBeGreaterThan(2 * rho0);
      expect(below.rates_Hz[0]).toBeLessThan(0.1 * rho0);
      // Over the last 20 s both runs fire at rho0: within 20% (the rule's fixed point is rho0 for
      // uncorrelated trains; inhibition makes post spikes rarer right after pre spikes, which
      // shifts it slightly upwards: measured 5.6 and 10.8 Hz), and the learned weights agree.
      for (const r of [above, below])
        expect(Math.abs(mean(r.rates_Hz.slice(-20)) - rho0)).toBeLessThan(0.2 * rho0);
      expect(Math.abs(above.meanW - below.meanW)).toBeLessThan(0.1 * above.meanW);
    }, 120_000);
  }
});
