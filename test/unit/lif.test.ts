import { describe, expect, it } from "vitest";
import { Network, lifParams } from "../../src/index.js";

/** A single LIF neuron with constant current; threshold out of reach unless given. */
function neuron(dt_ms: number, iBias_pA: number, extra: Record<string, number> = {}) {
  const net = new Network({ dt_ms });
  const g = net.addLif("n", {
    size: 1,
    params: {
      tauM_ms: 10,
      cM_pF: 250,
      vRest_mV: 0,
      vReset_mV: 0,
      vThresh_mV: 1e9,
      tRef_ms: 2,
      iBias_pA,
      ...extra,
    },
  });
  return { net, g };
}

describe("LIF neuron", () => {
  it("reproduces NEST's iaf accuracy case: V(5 ms) = 15.7387736 mV for I = 1000 pA", () => {
    for (const dt of [0.1, 0.05, 0.01, 1]) {
      const { net, g } = neuron(dt, 1000);
      net.run(5);
      expect(g.v_mV[0]).toBeCloseTo(15.7387736, 6);
    }
  });

  it("follows the closed-form trajectory V(t) = R I (1 - exp(-t / tau)) at every step", () => {
    const { net, g } = neuron(0.1, 400);
    for (let k = 1; k <= 300; k++) {
      net.run(0.1);
      const t = k * 0.1;
      expect(Math.abs(g.v_mV[0] - 0.04 * 400 * (1 - Math.exp(-t / 10)))).toBeLessThan(1e-10);
    }
  });

  it("fires at the closed-form f-I rate f = 1 / (t_ref + tau ln(V_inf / (V_inf - theta))), on the dt grid", () => {
    const dt = 0.1;
    for (const I of [400, 500, 700, 1000, 1500, 3000]) {
      const net = new Network({ dt_ms: dt });
      net.addLif("n", {
        size: 1,
        params: {
          tauM_ms: 10,
          cM_pF: 250,
          vRest_mV: 0,
          vReset_mV: 0,
          vThresh_mV: 15,
          tRef_ms: 2,
          iBias_pA: I,
        },
      });
      const mon = net.monitorSpikes();
      net.run(2000);
      const times = mon.times_ms;
      const vInf = 0.04 * I;
      const T = 10 * Math.log(vInf / (vInf - 15));
      const isiExact = 2 + T;
      const isiGrid = 2 + Math.ceil(T / dt - 1e-9) * dt;
      const isis = Array.from(times.subarray(1), (t, k) => t - times[k]);
      expect(isis.length).toBeGreaterThan(10);
      for (const isi of isis) expect(isi).toBeCloseTo(isiGrid, 9);
      expect(Math.abs(isiGrid - isiExact)).toBeLessThanOrEqual(dt);
      // First spike: from V = 0 at t = 0, crossing at the end of the step after T.
      expect(times[0]).toBeCloseTo(Math.ceil(T / dt - 1e-9) * dt, 9);
    }
  });

  it("holds the reset potential for exactly t_ref and drops input arriving then", () => {
    const net = new Network({ dt_ms: 0.1 });
    const gen = net.addSpikeGenerator("gen", {
      size: 1,
      neurons: [0, 0, 0],
      times_ms: [1, 1.5, 5],
    });
    const g = net.addLif("n", {
      size: 1,
      params: { vRest_mV: -70, vReset_mV: -75, vThresh_mV: -55, tRef_ms: 2 },
    });
    net.connect(gen, g, {
      rule: (nPre, nPost) => ({
        nPre,
        nPost,
        rowPtr: Int32Array.from([0, 1]),
        colIdx: Int32Array.from([0]),
      }),
      weight_mV: 20,
      delay_ms: 0.1,
    });
    const mon = net.monitorSpikes([g]);
    net.run(10);
    // Input at 1.1 ms fires it; input at 1.6 ms lands in the refractory period; input at 5.1 ms fires again.
    expect(Array.from(mon.times_ms, (t) => Number(t.toFixed(6)))).toEqual([1.1, 5.1]);
  });

  it("adds a delta jump whole in the step it arrives, then lets it decay with the conductance-weighted time constant", () => {
    // Two cells under the same constant conductance (one spike into a receptor that does not
    // decay, tau 1e12 ms, g = 20 nS); one also gets a 3 mV jump. Their difference is the jump,
    // exactly, in its arrival step, then w exp(-k dt (gL + g) / C) (exact) or w (1 - dt (gL + g)
    // / C)^k (Euler): the jump enters the step as NEST's iaf_psc_delta adds it.
    for (const integration of ["exact", "euler"] as const) {
      const net = new Network({ dt_ms: 0.1 });
      const gen = net.addSpikeGenerator("gen", { size: 2, neurons: [0, 1], times_ms: [0.5, 2] });
      const params = { tauM_ms: 10, cM_pF: 250, vThresh_mV: 100, integration };
      const receptors = { g: { kind: "conductance", tau_ms: 1e12, eRev_mV: 0 } } as const;
      const a = net.addLif("a", { size: 1, params, receptors });
      const b = net.addLif("b", { size: 1, params, receptors });
      // Source 0 (at 0.5 ms) opens the conductance of both cells, source 1 (at 2 ms) jumps b.
      const from = (source: number) => (nPre: number, nPost: number) => ({
        nPre,
        nPost,
        rowPtr: Int32Array.from(source === 0 ? [0, 1, 1] : [0, 0, 1]),
        colIdx: Int32Array.from([0]),
      });
      for (const post of [a, b])
        net.connect(gen, post, { rule: from(0), receptor: "g", weight_nS: 20, delay_ms: 0.1 });
      net.connect(gen, b, { rule: from(1), weight_mV: 3, delay_ms: 1 });
      const diff: number[] = [];
      for (let k = 0; k < 100; k++) {
        net.run(0.1);
        diff.push(b.v_mV[0] - a.v_mV[0]);
      }
      const k0 = diff.findIndex((x) => x !== 0);
      expect(k0).toBeGreaterThan(10);
      const rate = (25 + 20) / 250; // (gL + g) / C, 1/ms (gL = C / tau_m = 25 nS)
      for (let k = 0; k < 50; k++) {
        const want =
          integration === "exact" ? 3 * Math.exp(-k * 0.1 * rate) : 3 * (1 - 0.1 * rate) ** k;
        expect(Math.abs(diff[k0 + k] - want)).toBeLessThan(1e-9);
      }
    }
  });

  it("rejects impossible parameters with the argument's name and range", () => {
    expect(() => lifParams({ cM_pF: -1 })).toThrow(
      /cM_pF must be a finite number in \(0, Infinity\), got -1/,
    );
    expect(() => lifParams({ tauM_ms: 0 })).toThrow(/tauM_ms/);
    expect(() => lifParams({ tRef_ms: NaN })).toThrow(
      /tRef_ms must be a finite number in \[0, Infinity\), got NaN/,
    );
    expect(() => lifParams({ vThresh_mV: -80, vReset_mV: -70 })).toThrow(
      /vThresh_mV must be a finite number in \(-70, Infinity\)/,
    );
    expect(() => lifParams({ iBias_pA: Infinity })).toThrow(/iBias_pA/);
  });
});
