// Plasticity presets against NEST 3.10 (peers venv): the same spike times drive NEST's synapse
// models (spike generators -> parrot neurons, pre parrot -> post parrot's ignored receptor 1) and
// ours (spike generators); the weight after every presynaptic spike must agree.
// Exact coincidences (t_pre = t_post + d: NEST drops such pairs; neurolab, as Brian2, runs on_pre
// then on_post in that step) are excluded from the random trains; src/plasticity/README.md says so.
import { describe, expect, it } from "vitest";
import { Rng, plasticity } from "../../src/index.js";
import { DT, poissonTrain, runNest, runOurs } from "./plasticity.helpers.js";

/**
 * Random pre/post trains with no exact coincidence t_pre = t_post + shift; with `postAfterFirstPre`
 * no post spike is paired before the first pre spike (NEST's stdp_nn_symm_synapse pairs those with a
 * presynaptic spike at t = 0, its initial t_lastspike; neurolab pairs nothing there).
 */
function randomPairs(
  seed: number,
  pairs: number,
  rate_Hz: number,
  duration_ms: number,
  shift_ms: number,
  postAfterFirstPre = false,
): { pre: number[][]; post: number[][] } {
  const rng = new Rng(seed);
  const pre: number[][] = [];
  const post: number[][] = [];
  for (let k = 0; k < pairs; k++) {
    const a = poissonTrain(rng, rate_Hz, 1, duration_ms - 5);
    const pres = new Set(a.map((t) => Math.round(t / DT)));
    const b = poissonTrain(rng, rate_Hz, 1, duration_ms - 5).filter(
      (t) =>
        !pres.has(Math.round((t + shift_ms) / DT)) && !(postAfterFirstPre && t + shift_ms <= a[0]),
    );
    pre.push(a);
    post.push(b);
  }
  return { pre, post };
}

function expectSame(
  ours: { weights: number[][] },
  nest: { weights: number[][] },
  tol: number,
): number {
  expect(ours.weights.map((w) => w.length)).toEqual(nest.weights.map((w) => w.length));
  let worst = 0;
  ours.weights.forEach((w, k) =>
    w.forEach((x, n) => (worst = Math.max(worst, Math.abs(x - nest.weights[k][n])))),
  );
  expect(worst).toBeLessThan(tol);
  return worst;
}

describe("stdpPair against NEST 3.10 on random spike trains", () => {
  const cases: {
    name: string;
    model: string;
    opts: plasticity.StdpPairOptions;
    syn: Record<string, number>;
  }[] = [
    {
      name: "multiplicative, all-to-all, d = 1 ms (NEST defaults)",
      model: "stdp_synapse",
      opts: { w0: 50 },
      syn: { weight: 50, delay: 1 },
    },
    {
      name: "additive, all-to-all, d = 2.5 ms, lambda 0.05, alpha 1.1",
      model: "stdp_synapse",
      opts: {
        w0: 40,
        weightDependence: "additive",
        lambda: 0.05,
        alpha: 1.1,
        Wmax: 60,
        tau_plus_ms: 16.8,
        tau_minus_ms: 33.7,
        delay_ms: 2.5,
      },
      syn: {
        weight: 40,
        delay: 2.5,
        mu_plus: 0,
        mu_minus: 0,
        lambda: 0.05,
        alpha: 1.1,
        Wmax: 60,
        tau_plus: 16.8,
      },
    },
    {
      name: "Gütig mu = 0.4, nearest-spike (stdp_nn_symm_synapse), d = 1.5 ms",
      model: "stdp_nn_symm_synapse",
      opts: {
        w0: 30,
        mu_plus: 0.4,
        mu_minus: 0.4,
        lambda: 0.03,
        alpha: 1.05,
        pairing: "nearest",
        delay_ms: 1.5,
      },
      syn: { weight: 30, delay: 1.5, mu_plus: 0.4, mu_minus: 0.4, lambda: 0.03, alpha: 1.05 },
    },
  ];
  for (const c of cases) {
    it(
      c.name,
      () => {
        const d = c.opts.delay_ms ?? 1;
        const duration = 3000;
        const { pre, post } = randomPairs(7, 12, 25, duration, d, c.opts.pairing === "nearest");
        const nest = runNest({
          dt_ms: DT,
          duration_ms: duration,
          synapse_model: c.model,
          syn: c.syn,
          post: { tau_minus: c.opts.tau_minus_ms ?? 20 },
          pre_times: pre,
          post_times: post,
        });
        const ours = runOurs(pre, post, plasticity.stdpPair(c.opts), duration);
        expect(nest.weights.flat().length).toBeGreaterThan(500);
        expectSame(ours, nest, 1e-9);
      },
      120_000,
    );
  }
});
