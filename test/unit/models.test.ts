import { describe, expect, it } from "vitest";
import {
  type IZHIKEVICH_PRESETS,
  Network,
  fixedProbability,
  fromPairs,
  oneToOne,
} from "../../src/index.js";

/** Spike times of one Izhikevich neuron of a preset under a constant input. */
function izhikevichSpikes(preset: keyof typeof IZHIKEVICH_PRESETS, iBias: number, duration = 500) {
  const net = new Network({ dt_ms: 0.1 });
  net.addIzhikevich("n", { size: 1, preset, params: { iBias } });
  const m = net.monitorSpikes();
  net.run(duration);
  const t = Array.from(m.times_ms);
  return { t, isi: t.slice(1).map((x, k) => x - t[k]) };
}

describe("synaptic receptors", () => {
  it("integrate exponential and alpha kernels exactly on the grid, whatever the membrane's method", () => {
    const dt = 0.1;
    const tau = 3;
    for (const integration of ["exact", "euler"] as const)
      for (const kernel of ["exp", "alpha"] as const) {
        const net = new Network({ dt_ms: dt });
        const stim = net.addSpikeGenerator("stim", { size: 1, neurons: [0], times_ms: [1] });
        const cell = net.addLif("cell", {
          size: 1,
          params: { integration },
          receptors: { syn: { kind: "current", kernel, tau_ms: tau } },
        });
        net.connect(stim, cell, { rule: oneToOne(), receptor: "syn", weight_pA: 2 });
        const values: number[] = [];
        for (let m = 0; m < 150; m++) {
          net.run(dt);
          values.push(cell.receptorVariable("syn")[0]);
        }
        // The 2 pA spike arrives at the end of step m0 (exp: value 2 then; alpha: its rise).
        const first = values.findIndex((x) => x !== 0);
        const m0 = kernel === "exp" ? first : first - 1;
        expect(m0).toBeGreaterThan(5);
        for (let m = 1; m <= 100; m++) {
          const t = m * dt;
          const want =
            kernel === "exp" ? 2 * Math.exp(-t / tau) : 2 * (t / tau) * Math.exp(1 - t / tau);
          expect(Math.abs(values[m0 + m] - want)).toBeLessThan(1e-12);
        }
      }
  });

  it("a constant conductance pulls V exactly to the conductance-weighted equilibrium", () => {
    // A conductance receptor with an (effectively) infinite time constant holds g = 20 nS after
    // one spike: V relaxes to (gL E_L + g E) / (gL + g) with time constant C / (gL + g).
    const net = new Network({ dt_ms: 0.1 });
    const gen = net.addSpikeGenerator("gen", { size: 1, neurons: [0], times_ms: [0.1] });
    const cell = net.addLif("cell", {
      size: 1,
      params: { tauM_ms: 10, cM_pF: 250, vRest_mV: -70, vThresh_mV: 100, vReset_mV: -70 },
      receptors: { ampa: { kind: "conductance", tau_ms: 1e12, eRev_mV: 0 } },
    });
    net.connect(gen, cell, { rule: oneToOne(), receptor: "ampa", weight_nS: 20, delay_ms: 0.1 });
    const mon = net.monitorState(cell, ["v_mV"]);
    net.run(30);
    const v = mon.trace("v_mV");
    const t = mon.times_ms;
    const gL = 25;
    const vInf = (gL * -70 + 20 * 0) / (gL + 20);
    const tau = 250 / (gL + 20);
    // The spike arrives at the end of step 1 (t = 0.2 ms): from then on the closed form holds.
    for (let k = 2; k < v.length; k++) {
      const want = vInf + (-70 - vInf) * Math.exp(-(t[k] - 0.2) / tau);
      expect(Math.abs(v[k] - want)).toBeLessThan(1e-9);
    }
    expect(v[0]).toBe(-70);
  });

  it("current-based exponential synapses give the closed-form PSP (CuBa LIF)", () => {
    const dt = 0.01;
    const net = new Network({ dt_ms: dt });
    const gen = net.addSpikeGenerator("gen", { size: 1, neurons: [0], times_ms: [1] });
    const cell = net.addLif("cell", {
      size: 1,
      params: { tauM_ms: 10, cM_pF: 250, vRest_mV: 0, vThresh_mV: 100, vReset_mV: 0 },
      receptors: { exc: { kind: "current", tau_ms: 2 } },
    });
    net.connect(gen, cell, { rule: oneToOne(), receptor: "exc", weight_pA: 100, delay_ms: dt });
    const mon = net.monitorState(cell, ["v_mV"]);
    net.run(40);
    // PSP of a 100 pA exponential current (tau_s 2 ms) on R = 40 MOhm, tau_m 10 ms:
    // V(s) = w R tau_s / (tau_m - tau_s) (exp(-s / tau_m) - exp(-s / tau_s)), s since arrival.
    const arrival = 1 + dt;
    const t = mon.times_ms;
    const v = mon.trace("v_mV");
    let peak = 0;
    for (let k = 0; k < v.length; k++) {
      const s = t[k] - arrival;
      const want =
        s <= 0 ? 0 : ((100 * 0.04 * 2) / (10 - 2)) * (Math.exp(-s / 10) - Math.exp(-s / 2));
      expect(Math.abs(v[k] - want)).toBeLessThan(0.01); // first-order error of the step-wise current, dt = 0.01 ms
      peak = Math.max(peak, v[k]);
    }
    expect(peak).toBeGreaterThan(0.5);
  });
});

describe("Izhikevich presets reproduce the 2003 firing classes (I = 10)", () => {
  it("RS: tonic spiking with spike-frequency adaptation", () => {
    const { isi } = izhikevichSpikes("RS", 10);
    expect(isi.length).toBeGreaterThan(5);
    expect(isi[isi.length - 1] / isi[0]).toBeGreaterThan(1.5);
    expect(Math.min(...isi)).toBeGreaterThan(10);
  });
  it("IB: an initial burst, then tonic spikes", () => {
    const { isi } = izhikevichSpikes("IB", 10);
    expect(isi[0]).toBeLessThan(6);
    expect(isi[1]).toBeLessThan(6);
    expect(Math.min(...isi.slice(3))).toBeGreaterThan(20);
  });
  it("CH: repeated bursts of closely spaced spikes", () => {
    const { isi } = izhikevichSpikes("CH", 10);
    const long = isi.filter((d) => d > 30).length;
    const short = isi.filter((d) => d < 8).length;
    expect(long).toBeGreaterThanOrEqual(3);
    expect(short).toBeGreaterThan(3 * long);
  });
  it("FS: fast spiking with little adaptation", () => {
    const fs = izhikevichSpikes("FS", 10);
    const rs = izhikevichSpikes("RS", 10);
    expect(fs.t.length).toBeGreaterThan(3 * rs.t.length);
    expect(fs.isi[fs.isi.length - 1] / fs.isi[0]).toBeLessThan(2);
    expect(Math.max(...fs.isi)).toBeLessThan(10);
  });
  it("LTS: high initial frequency with strong adaptation", () => {
    const { isi } = izhikevichSpikes("LTS", 10);
    expect(isi[0]).toBeLessThan(5);
    expect(isi[isi.length - 1] / isi[0]).toBeGreaterThan(2);
  });
  it("TC: silent while hyperpolarised, rebound spikes on release", () => {
    const net = new Network({ dt_ms: 0.1 });
    const g = net.addIzhikevich("n", { size: 1, preset: "TC" });
    const m = net.monitorSpikes();
    g.current_pA[0] = -10;
    net.run(200);
    expect(m.count).toBe(0);
    g.current_pA[0] = 0;
    net.run(100);
    expect(m.count).toBeGreaterThanOrEqual(1);
  });
  it("RZ: damped subthreshold oscillations after a brief pulse (RS shows none)", () => {
    const crossings = (preset: "RZ" | "RS") => {
      const net = new Network({ dt_ms: 0.1 });
      const g = net.addIzhikevich("n", { size: 1, preset });
      const s = net.monitorState(g, ["v_mV"]);
      const spikes = net.monitorSpikes();
      net.run(300);
      const before = spikes.count;
      const rest = g.v_mV[0];
      g.current_pA[0] = 0.5;
      net.run(5);
      g.current_pA[0] = 0;
      net.run(200);
      expect(spikes.count).toBe(before); // subthreshold
      const v = s.trace("v_mV").slice(3050);
      let n = 0;
      for (let k = 1; k < v.length; k++) if ((v[k - 1] - rest) * (v[k] - rest) < 0) n++;
      return n;
    };
    expect(crossings("RZ")).toBeGreaterThanOrEqual(4);
    expect(crossings("RS")).toBeLessThanOrEqual(2);
  });
  it("rejects an unknown preset, naming the choices", () => {
    const net = new Network();
    expect(() => net.addIzhikevich("x", { size: 1, preset: "XX" as "RS" })).toThrow(
      /preset must be one of RS, IB, CH, FS, LTS, TC, RZ, got "XX"/,
    );
  });
});

describe("projections", () => {
  it("deliver per-synapse delays exactly", () => {
    const net = new Network({ dt_ms: 0.1 });
    const gen = net.addSpikeGenerator("gen", { size: 1, neurons: [0], times_ms: [5] });
    const out = net.addLif("out", { size: 3 });
    net.connect(gen, out, {
      rule: fromPairs([0, 0, 0], [0, 1, 2]),
      weight_mV: 50,
      delay_ms: (_rng, _pre, post) => [0.1, 2.5, 10][post],
    });
    const m = net.monitorSpikes([out]);
    net.run(20);
    expect(Array.from(m.neurons)).toEqual([0, 1, 2]);
    expect(Array.from(m.times_ms, (t) => Number(t.toFixed(6)))).toEqual([5.1, 7.5, 15]);
  });
});

describe("one-step delivery", () => {
  it("spikes with one step of delay go straight into the receptor, as through the ring buffer", () => {
    // Two identical cells get the same spike train into an exp and an alpha conductance: one
    // through a shared one-step delay (delivered straight into the variable), one through
    // per-synapse delays of one step (the ring buffer). Same kernels up to the order of additions.
    const net = new Network({ dt_ms: 0.1, seed: 4 });
    const times_ms = [1, 1, 2.5, 2.6, 2.6, 7, 12.3];
    const stim = net.addSpikeGenerator("stim", {
      size: 3,
      neurons: [0, 1, 2, 0, 1, 2, 0],
      times_ms,
    });
    const receptors = {
      e: { kind: "conductance", tau_ms: 3, eRev_mV: 0 },
      a: { kind: "conductance", kernel: "alpha", tau_ms: 2, eRev_mV: -80 },
    } as const;
    const direct = net.addLif("direct", { size: 2, receptors });
    const ring = net.addLif("ring", { size: 2, receptors });
    for (const [post, delay_ms] of [
      [direct, 0.1],
      [ring, () => 0.1],
    ] as const)
      for (const receptor of ["e", "a"])
        net.connect(stim, post, { rule: fixedProbability(1), receptor, weight_nS: 4, delay_ms });
    const plan = String(net.schedule());
    expect(plan).toContain("spike delivery into e (last step's spikes");
    expect(plan).toMatch(/stim -> ring +spike delivery/);
    let nonzero = 0;
    for (let k = 0; k < 200; k++) {
      net.run(0.1);
      for (const r of ["e", "a"]) {
        const x = direct.receptorVariable(r);
        const y = ring.receptorVariable(r);
        for (let i = 0; i < 2; i++) {
          expect(Math.abs(x[i] - y[i])).toBeLessThanOrEqual(1e-12 * Math.abs(y[i]));
          if (y[i] !== 0) nonzero++;
        }
      }
      for (let i = 0; i < 2; i++)
        expect(Math.abs(direct.v_mV[i] - ring.v_mV[i])).toBeLessThan(1e-9);
    }
    expect(nonzero).toBeGreaterThan(500);
  });
});
