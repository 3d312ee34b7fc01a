// Homeostasis: the adaptive-threshold neuron (adaptiveThresholdEquations) against its closed form
// and against Brian2 2.9 running the same equations (test/reference/brian2_equations.py), and
// the homeostatic threshold's convergence to its target rate; synaptic scaling (addSynapticScaling)
// against its closed form and its convergence to the target rate from too much and too little drive.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  Network,
  adaptiveThresholdEquations,
  allToAll,
  fixedProbability,
  plasticity,
} from "../../src/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

/** Our adaptive-threshold group with per-neuron input currents (pA); spikes and the final state. */
function runAdaptive(
  params: Parameters<typeof adaptiveThresholdEquations>[0],
  currents_pA: number[],
  duration_ms: number,
  dt_ms = 0.1,
) {
  const net = new Network({ dt_ms, seed: 1 });
  const spec = adaptiveThresholdEquations(params);
  const g = net.addNeurons("G", {
    size: currents_pA.length,
    ...spec,
    init: { ...spec.init, I: (_rng, k) => currents_pA[k] },
  });
  const spikes = net.monitorSpikes([g]);
  net.run(duration_ms);
  const trains = currents_pA.map(() => [] as number[]);
  spikes.neurons.forEach((n, k) => trains[n].push(spikes.times_ms[k]));
  return { trains, vt: Array.from(g.variable("vt")) };
}

describe("adaptiveThresholdEquations: closed form", () => {
  // LIF defaults (tau_m 10 ms, C 250 pF, E_L = V_r = -70 mV, V_th = -55 mV), no refractory period,
  // I = 500 pA: v_inf = -50 mV. Threshold jump 2 mV relaxing with 20 ms.
  const taum = 10,
    vinf = -70 + (10 / 250) * 500,
    Vr = -70,
    Vth = -55,
    J = 2,
    tau = 20,
    dt = 0.1;
  const params = { tRef_ms: 0, thresholdJump_mV: J, tauThreshold_ms: tau };

  it("spike times equal the closed form on the time grid (v and vt from the last reset)", () => {
    const ours = runAdaptive(params, [500], 400, dt).trains[0];
    // Closed form: after a reset at grid time tr, v(t) = v_inf + (V_r - v_inf) e^{-(t - tr)/tau_m} and
    // vt(t) = V_th + (vt(tr) - V_th) e^{-(t - tr)/tau}; the next spike is the first grid time with v >= vt.
    const want: number[] = [];
    let tr = 0;
    let vtr = Vth;
    for (let n = 1; n * dt <= 400 + 1e-9; n++) {
      const s = n * dt - tr;
      const v = vinf + (Vr - vinf) * Math.exp(-s / taum);
      const vt = Vth + (vtr - Vth) * Math.exp(-s / tau);
      if (v >= vt) {
        want.push(n * dt);
        tr = n * dt;
        vtr = vt + J;
      }
    }
    expect(want.length).toBeGreaterThan(10);
    expect(ours.length).toBe(want.length);
    ours.forEach((t, k) => expect(t).toBeCloseTo(want[k], 9));
    // Adaptation: the intervals lengthen.
    expect(want[1] - want[0]).toBeLessThan(want.at(-1)! - want.at(-2)!);
  });

  it("the adapted interval equals the periodic solution T* of v(T) = V_th + J e^{-T/tau}/(1 - e^{-T/tau}) (within dt)", () => {
    const F = (T: number) =>
      vinf +
      (Vr - vinf) * Math.exp(-T / taum) -
      Vth -
      (J * Math.exp(-T / tau)) / (1 - Math.exp(-T / tau));
    let lo = 0.5,
      hi = 500;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (F(mid) < 0) lo = mid;
      else hi = mid;
    }
    const tStar = lo;
    const tr = runAdaptive(params, [500], 2000, dt).trains[0];
    const late = tr.slice(-20);
    const meanIsi = (late.at(-1)! - late[0]) / (late.length - 1);
    expect(tStar).toBeGreaterThan(10);
    expect(Math.abs(meanIsi - tStar)).toBeLessThan(dt);
  });

  it("the homeostatic offset theta = eta (count - rho0 t) drives every neuron to the target rate", () => {
    // Five neurons with inputs 300..700 pA fire at very different rates without it; target 20 Hz.
    const currents = [300, 400, 500, 600, 700];
    const p = {
      tRef_ms: 2,
      thresholdJump_mV: 1,
      tauThreshold_ms: 30,
      target_Hz: 20,
      homeostasisStep_mV: 0.5,
    };
    const free = runAdaptive({ ...p, homeostasisStep_mV: 0 }, currents, 2000);
    const freeRates = free.trains.map((t) => t.length / 2);
    expect(Math.min(...freeRates)).toBeLessThan(10);
    expect(Math.max(...freeRates)).toBeGreaterThan(40);
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const spec = adaptiveThresholdEquations(p);
    const g = net.addNeurons("G", {
      size: 5,
      ...spec,
      init: { ...spec.init, I: (_rng, k) => currents[k] },
    });
    const spikes = net.monitorSpikes([g]);
    net.run(20_000);
    const n0 = spikes.counts();
    net.run(20_000);
    const n1 = spikes.counts();
    // Over the second 20 s every neuron fires at 20 Hz within 2% (theta's change over the window
    // is eta (N - rho0 T), bounded by the threshold's range: |N/T - rho0| < range / (eta T)).
    for (let k = 0; k < 5; k++) expect(Math.abs((n1[k] - n0[k]) / 20 - 20)).toBeLessThan(0.4);
    expect(Array.from(g.variable("count"))).toEqual(Array.from(n1));
  });

  it("refuses bad parameters with their names", () => {
    expect(() => adaptiveThresholdEquations({ tauThreshold_ms: 0 })).toThrow(/tauThreshold_ms/);
    expect(() => adaptiveThresholdEquations({ homeostasisStep_mV: -1 })).toThrow(
      /homeostasisStep_mV/,
    );
    expect(() => adaptiveThresholdEquations({ target_Hz: Number.NaN })).toThrow(/target_Hz/);
  });
});

describe("adaptiveThresholdEquations against Brian2 2.9 (same equations, exact integration)", () => {
  it("spike times equal (Brian2's + dt), with the fast threshold and the homeostatic offset", () => {
    const params = {
      tRef_ms: 2,
      thresholdJump_mV: 1.5,
      tauThreshold_ms: 40,
      target_Hz: 25,
      homeostasisStep_mV: 0.3,
    };
    const spec = adaptiveThresholdEquations(params);
    const units: Record<string, string> = {
      El: "mV",
      Vth: "mV",
      Vr: "mV",
      dVt: "mV",
      eta: "mV",
      taum: "ms",
      tau_vt: "ms",
      Cm: "pF",
      Ibias: "pA",
    };
    const namespace = Object.fromEntries(
      Object.entries(spec.namespace).map(([k, v]) => [
        k,
        k === "rho0" ? `${(v as number) * 1000}*Hz` : `${v}*${units[k]}`,
      ]),
    );
    // Inputs drive v well above the threshold (v_inf >= -50 mV): a neuron creeping up to its
    // threshold asymptotically can cross it one step apart in the two simulators from rounding alone.
    const init = { v: "El", vt: "Vth", I: "(500 + 60*i)*pA" };
    const c = {
      name: "adaptive_threshold",
      dt_ms: 0.1,
      duration_ms: 1500,
      namespace,
      groups: [
        {
          name: "G",
          N: 6,
          model: spec.model,
          threshold: spec.threshold,
          reset: spec.reset,
          refractory: spec.refractory,
          method: spec.method,
          init,
        },
      ],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brian2-adaptive-"));
    fs.writeFileSync(path.join(dir, "cases.json"), JSON.stringify([c]));
    execFileSync(
      peersPython(),
      [
        path.join(__dirname, "..", "reference", "brian2_equations.py"),
        path.join(dir, "cases.json"),
        path.join(dir, "out.json"),
      ],
      { stdio: ["ignore", "ignore", "inherit"], timeout: 600_000 },
    );
    const brian = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")).adaptive_threshold
      .spikes.G as { i: number[]; t_ms: number[] };
    fs.rmSync(dir, { recursive: true, force: true });
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const g = net.addNeurons("G", { size: 6, ...spec, init });
    const spikes = net.monitorSpikes([g]);
    net.run(1500);
    expect(brian.i.length).toBeGreaterThan(100);
    // The homeostatic offset acts within the run (fewer spikes than without it).
    expect(
      runAdaptive(
        { ...params, homeostasisStep_mV: 0 },
        [500, 560, 620, 680, 740, 800],
        1500,
      ).trains.flat().length,
    ).toBeGreaterThan(brian.i.length + 50);
    expect(Array.from(spikes.neurons)).toEqual(brian.i);
    brian.t_ms.forEach((tb, k) =>
      expect(Math.abs(spikes.times_ms[k] - 0.1 - tb)).toBeLessThan(1e-6),
    );
  }, 600_000);
});

describe("addSynapticScaling", () => {
  it("one scaling step equals the closed form w exp(T (1 - a/rho0)/tau_s), a = Σ e^{-(t - t_k)/tau_r}/tau_r", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const pre = net.addSpikeGenerator("pre", { size: 2, neurons: [], times_ms: [] });
    // Post neuron 0 spikes at 10, 30, 70 ms, neuron 1 at 50 ms, neuron 2 never.
    const post = net.addSpikeGenerator("post", {
      size: 3,
      neurons: [0, 0, 0, 1],
      times_ms: [10, 30, 70, 50],
    });
    const syn = net.connect(pre, post, {
      rule: allToAll(),
      model: "w : 1",
      init: { w: "1 + i + 3*j" },
    });
    const sc = plasticity.addSynapticScaling(net, syn, {
      target_Hz: 10,
      tau_rate_ms: 200,
      tau_scaling_ms: 1000,
      interval_ms: 100,
    });
    net.run(99.9);
    expect(sc.applied).toBe(0);
    const w0 = Array.from(syn.variable("w"));
    net.run(0.1);
    expect(sc.applied).toBe(1);
    const a_per_ms = [[10, 30, 70], [50], []].map((ts) =>
      ts.reduce((s, t) => s + Math.exp(-(100 - t) / 200) / 200, 0),
    );
    const factor = a_per_ms.map((a) => Math.exp((100 * (1 - a / 0.01)) / 1000));
    const w = syn.variable("w");
    const j = syn.j;
    for (let k = 0; k < w.length; k++) expect(w[k]).toBeCloseTo(w0[k] * factor[j[k]], 12);
    expect(factor[0]).toBeLessThan(1); // 3 spikes in 100 ms: above 10 Hz, scaled down
    expect(factor[2]).toBeCloseTo(Math.exp(0.1), 14); // silent: scaled up
    for (let q = 0; q < 3; q++) expect(sc.trace_Hz[q]).toBeCloseTo(1000 * a_per_ms[q], 10);
    expect(String(net.schedule())).toMatch(/synaptic scaling/);
  });

  it("a neuron driven too hard or too weakly converges to the target rate", () => {
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const drive = (w0: number, seed: number) => {
      // 20 conductance-based LIF neurons, each with about 200 of 400 Poisson inputs at 10 Hz.
      const net = new Network({ dt_ms: 0.1, seed });
      const post = net.addNeurons("post", {
        size: 20,
        model:
          "dv/dt = (El - v + ge*(Ee - v))/taum : volt (unless refractory)\ndge/dt = -ge/taue : 1",
        threshold: "v > Vt",
        reset: "v = Vr",
        refractory: 5,
        method: "euler",
        namespace: {
          taum: "20*ms",
          taue: "5*ms",
          El: "-60*mV",
          Ee: "0*mV",
          Vt: "-50*mV",
          Vr: "-60*mV",
        },
        init: { v: "Vr" },
      });
      const exc = net.addPoisson("exc", { size: 400, rate_Hz: 10 });
      const syn = net.connect(exc, post, {
        rule: fixedProbability(0.5),
        model: "w : 1",
        on_pre: "ge_post += w",
        init: { w: w0 },
      });
      plasticity.addSynapticScaling(net, syn, {
        target_Hz: 10,
        tau_rate_ms: 500,
        tau_scaling_ms: 3000,
        interval_ms: 100,
      });
      const spikes = net.monitorSpikes([post]);
      const rates: number[] = [];
      for (let s = 0, last = 0; s < 40; s++) {
        net.run(1000);
        rates.push((spikes.count - last) / 20);
        last = spikes.count;
      }
      return rates;
    };
    const hard = drive(0.05, 1);
    const weak = drive(0.005, 2);
    expect(hard[0]).toBeGreaterThan(30);
    expect(weak[0]).toBeLessThan(1);
    // The last 20 s: 10 Hz within 10% (the rate then fluctuates by about ±2 Hz from second to second).
    for (const r of [hard, weak]) expect(Math.abs(mean(r.slice(-20)) - 10)).toBeLessThan(1);
  }, 120_000);

  it("refuses bad options with their names", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const a = net.addSpikeGenerator("a", { size: 1, neurons: [], times_ms: [] });
    const syn = net.connect(a, a, { rule: allToAll(), model: "w : 1" });
    expect(() => plasticity.addSynapticScaling(net, syn, { target_Hz: 0 })).toThrow(/target_Hz/);
    expect(() =>
      plasticity.addSynapticScaling(net, syn, { target_Hz: 5, interval_ms: 0.05 }),
    ).toThrow(/interval_ms/);
    expect(() => plasticity.addSynapticScaling(net, syn, { target_Hz: 5, variable: "g" })).toThrow(
      /variable/,
    );
    expect(() => plasticity.addSynapticScaling(net, syn, { target_Hz: 5, when: "start" })).toThrow(
      /when/,
    );
    expect(() =>
      plasticity.addSynapticScaling(net, syn, { target_Hz: 5, rate: 3 } as never),
    ).toThrow(/unknown option "rate"/);
  });
});
