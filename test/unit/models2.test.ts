import { describe, expect, it } from "vitest";
import {
  Network,
  Rng,
  escapeNoiseLif,
  fixedInDegree,
  fixedOutDegree,
  fromDense,
  hh,
  hhGatesAt,
  metaNeuron,
  synapseCount,
} from "../../src/index.js";

describe("Hodgkin-Huxley", () => {
  it("rests near -65 mV without input and fires tonically above rheobase", () => {
    const rest = new Network({ dt_ms: 0.01 });
    const cell = rest.addNeurons("hh", hh, { size: 1 });
    const m0 = rest.monitorSpikes();
    rest.run(100);
    expect(m0.count).toBe(0);
    expect(Math.abs(cell.v_mV[0] + 65)).toBeLessThan(0.5);
    const net = new Network({ dt_ms: 0.01 });
    net.addNeurons("hh", hh, { size: 1, params: { iBias_pA: 1000 } });
    const m = net.monitorSpikes();
    net.run(500);
    // Repetitive firing at a steady rate once the first spike has passed.
    const t = Array.from(m.times_ms);
    const isi = t.slice(2).map((x, k) => x - t[k + 1]);
    expect(t.length).toBeGreaterThan(20);
    expect(Math.max(...isi) - Math.min(...isi)).toBeLessThan(0.2);
  });

  it("is continuous at the removable singularities of its rate functions", () => {
    for (const v of [-55, -40]) {
      const at = hhGatesAt(v);
      const near = hhGatesAt(v + 1e-9);
      for (const g of ["m", "h", "n"] as const)
        expect(Math.abs(at[g] - near[g])).toBeLessThan(1e-8);
    }
  });
});

describe("stochastic neurons", () => {
  it("escape-noise LIF: rate rises with drive and tends to the deterministic LIF as deltaV -> 0", () => {
    const rates = [300, 375, 450].map((I) => {
      const net = new Network({ dt_ms: 0.1, seed: 1 });
      net.addNeurons("n", escapeNoiseLif, {
        size: 200,
        params: {
          iBias_pA: I,
          vRest_mV: -70,
          vReset_mV: -70,
          vThresh_mV: -55,
          rho0_Hz: 100,
          deltaV_mV: 1,
        },
      });
      const m = net.monitorSpikes();
      net.run(1000);
      return m.meanRate_Hz();
    });
    expect(rates[0]).toBeLessThan(rates[1]);
    expect(rates[1]).toBeLessThan(rates[2]);
    const sharp = new Network({ dt_ms: 0.1, seed: 2 });
    sharp.addNeurons("n", escapeNoiseLif, {
      size: 1,
      params: {
        iBias_pA: 500,
        vRest_mV: 0,
        vReset_mV: 0,
        vThresh_mV: 15,
        tRef_ms: 2,
        rho0_Hz: 1e7,
        deltaV_mV: 1e-3,
      },
    });
    const det = new Network({ dt_ms: 0.1 });
    det.addLif("n", {
      size: 1,
      params: { iBias_pA: 500, vRest_mV: 0, vReset_mV: 0, vThresh_mV: 15, tRef_ms: 2 },
    });
    const a = sharp.monitorSpikes();
    const b = det.monitorSpikes();
    sharp.run(200);
    det.run(200);
    expect(Array.from(a.times_ms)).toEqual(Array.from(b.times_ms));
  });

  it("meta neuron: per-neuron threshold, leak, gain and noise are state; firing follows the logistic law", () => {
    const net = new Network({ dt_ms: 1, seed: 3 });
    const g = net.addNeurons("meta", metaNeuron, {
      size: 2000,
      params: { leak: 0, gain_mV_per_pA: 0.01, noise_mV: 0.5, threshold_mV: 1 },
    });
    g.current_pA.fill(100); // V = 1 mV = threshold every step: P(spike) = 1/2
    net.build();
    const th = g.variable("threshold_mV");
    th.fill(1);
    for (let i = 1000; i < 2000; i++) th[i] = 1 + 0.5 * Math.log(3); // P = 1/(1+3) = 1/4
    const m = net.monitorSpikes();
    net.run(200);
    const counts = m.counts();
    let a = 0,
      b = 0;
    for (let i = 0; i < 1000; i++) a += counts[i];
    for (let i = 1000; i < 2000; i++) b += counts[i];
    expect(Math.abs(a / 200_000 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(b / 200_000 - 0.25)).toBeLessThan(0.01);
    expect(() => net.addNeurons("bad", metaNeuron, { size: 1, params: { noise_mV: 0 } })).toThrow(
      /noise_mV must be a finite number in \(0, Infinity\), got 0/,
    );
  });
});

describe("connectivity rules", () => {
  it("fixed in- and out-degree give exact degrees without multapses or (optionally) self-connections", () => {
    const rng = new Rng(4);
    const inRule = fixedInDegree(25, { allowSelf: false })(300, 300, rng);
    const inDeg = new Int32Array(300);
    for (let i = 0; i < 300; i++) {
      const row = inRule.colIdx.subarray(inRule.rowPtr[i], inRule.rowPtr[i + 1]);
      expect(new Set(row).size).toBe(row.length);
      for (const j of row) {
        expect(j).not.toBe(i);
        inDeg[j]++;
      }
    }
    expect(Array.from(new Set(inDeg))).toEqual([25]);
    const out = fixedOutDegree(7)(50, 80, rng);
    expect(synapseCount(out)).toBe(350);
    for (let i = 0; i < 50; i++)
      expect(new Set(out.colIdx.subarray(i * 7, i * 7 + 7)).size).toBe(7);
    expect(() => fixedInDegree(301)(300, 300, rng)).toThrow(/k must be at most 300/);
  });

  it("fromDense connects exactly the non-zero entries", () => {
    const c = fromDense([
      [0, 1, 0],
      [2, 0, 3],
    ])(2, 3, new Rng(0));
    expect(Array.from(c.rowPtr)).toEqual([0, 1, 3]);
    expect(Array.from(c.colIdx)).toEqual([1, 0, 2]);
    expect(() => fromDense([[NaN]])(1, 1, new Rng(0))).toThrow(
      /matrix\[0\]\[0\] must be a finite number/,
    );
  });
});

describe("gap junctions, current sources and rate monitors", () => {
  it("gap junctions couple potentials to the analytic steady state, symmetrically", () => {
    const net = new Network({ dt_ms: 0.1 });
    const cells = net.addLif("cells", {
      size: 2,
      params: { tauM_ms: 10, cM_pF: 250, vRest_mV: 0, vThresh_mV: 1e6, vReset_mV: 0 },
    });
    net.connectGap(cells, cells, {
      rule: (nPre, nPost) => ({
        nPre,
        nPost,
        rowPtr: Int32Array.from([0, 1, 1]),
        colIdx: Int32Array.from([1]),
      }),
      g_nS: 10,
    });
    cells.current_pA[0] = 500;
    net.run(500);
    // gL (Va - 0) = I + g (Vb - Va);  gL Vb = g (Va - Vb), gL = 25 nS.
    const gL = 25,
      g = 10,
      I = 500;
    const vb = (g * I) / (gL * (gL + 2 * g));
    const va = (vb * (gL + g)) / g;
    expect(cells.v_mV[0]).toBeCloseTo(va, 6);
    expect(cells.v_mV[1]).toBeCloseTo(vb, 6);
  });

  it("a current source sets a time-varying current, step by step", () => {
    const net = new Network({ dt_ms: 0.1 });
    const cell = net.addLif("cell", {
      size: 1,
      params: { tauM_ms: 10, cM_pF: 250, vRest_mV: 0, vThresh_mV: 1e6, vReset_mV: 0 },
    });
    net.addCurrentSource(cell, (t_ms, current_pA) => current_pA.fill(t_ms >= 10 ? 1000 : 0));
    net.run(15);
    expect(cell.v_mV[0]).toBeCloseTo(40 * (1 - Math.exp(-5 / 10)), 9);
  });

  it("the rate monitor counts every spike of each population", () => {
    const net = new Network({ dt_ms: 0.1, seed: 5 });
    const a = net.addPoisson("a", { size: 100, rate_Hz: 30 });
    const b = net.addPoisson("b", { size: 50, rate_Hz: 10 });
    const spikes = net.monitorSpikes([a, b]);
    const rates = net.monitorRate([a, b]);
    net.run(1000);
    const ra = rates.rate_Hz("a", 100);
    expect(ra.rate_Hz.length).toBe(10);
    const total = ra.rate_Hz.reduce((s, r) => s + r, 0) * 100 * 0.1; // Hz x neurons x bin (s)
    expect(total).toBeCloseTo(spikes.meanRate_Hz("a") * 100 * 1, 6);
    expect(Math.abs(rates.rate_Hz("b", 1000).rate_Hz[0] - 10)).toBeLessThan(1.5);
    expect(() => rates.rate_Hz("a", 0.25)).toThrow(/binWidth_ms must be a whole number/);
  });
});

describe("explicit CSR connectivity", () => {
  it("uses a valid CSR as given and rejects a malformed one by name", async () => {
    const { fromCsr } = await import("../../src/index.js");
    const c = fromCsr([0, 2, 2, 3], [1, 4, 0])(3, 5, new Rng(0));
    expect(Array.from(c.colIdx)).toEqual([1, 4, 0]);
    expect(() => fromCsr([0, 2], [1, 4])(3, 5, new Rng(0))).toThrow(
      /rowPtr must have nPre \+ 1 = 4 entries, got 2/,
    );
    expect(() => fromCsr([0, 2, 1, 3], [1, 4, 0])(3, 5, new Rng(0))).toThrow(
      /rowPtr must not decrease/,
    );
    expect(() => fromCsr([0, 1, 1, 1], [9])(3, 5, new Rng(0))).toThrow(
      /colIdx\[0\] must be an integer in \[0, 4\], got 9/,
    );
  });
});
