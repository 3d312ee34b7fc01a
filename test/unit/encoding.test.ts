/**
 * Encoders: rate-code statistics against their closed forms (Binomial / Poisson counts), latency
 * and delta codes against snnTorch's spikegen on the same inputs (test/reference/snntorch_spikegen.py
 * in the peers' Python), send-on-delta and population codes against hand-computed cases,
 * reproducibility and argument errors.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  deltaEncode,
  gaussianPopulation,
  gaussianReceptiveFields,
  latencyEncode,
  latencySpikeTimes,
  poissonSpikeTimes,
  rasterToEvents,
  rateEncode,
  roundHalfEven,
  sendOnDelta,
} from "../../src/encoding/index.js";
import { encoding } from "../../src/index.js";
import { Rng } from "../../src/random/rng.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "snntorch_spikegen.py");

function countStats(counts: number[]): { mean: number; fano: number } {
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1);
  return { mean, fano: variance / mean };
}

describe("rate codes", () => {
  it("rateEncode: counts are Binomial(T, p): mean T p and Fano factor 1 - p over seeds", () => {
    const T = 200;
    const p = [0.02, 0.1, 0.3, 0.7];
    const counts: number[][] = p.map(() => []);
    for (let seed = 0; seed < 400; seed++) {
      const r = rateEncode(p, { nSteps: T, seed });
      for (let i = 0; i < p.length; i++) {
        let c = 0;
        for (let t = 0; t < T; t++) c += r.spikes[t * p.length + i];
        counts[i].push(c);
      }
    }
    for (let i = 0; i < p.length; i++) {
      const { mean, fano } = countStats(counts[i]);
      const sdMean = Math.sqrt((T * p[i] * (1 - p[i])) / 400);
      expect(Math.abs(mean - T * p[i])).toBeLessThan(4 * sdMean);
      // sd of a sample variance ratio ~ sqrt(2 / (N - 1)) for near-normal counts
      expect(Math.abs(fano - (1 - p[i]))).toBeLessThan(4 * (1 - p[i]) * Math.sqrt(2 / 399) + 0.02);
    }
  });

  it("rateEncode: gain and clamping as snnTorch (p = clamp(gain x, 0, 1))", () => {
    const r = rateEncode([-1, 0, 2, 1], { nSteps: 50, seed: 3, gain: 1 });
    for (let t = 0; t < 50; t++)
      expect(Array.from(r.spikes.subarray(t * 4, t * 4 + 4))).toEqual([0, 0, 1, 1]);
  });

  it("poissonSpikeTimes: counts are Poisson (mean rate D, Fano 1), ISIs exponential", () => {
    const rates = [5, 40];
    const D = 1000;
    const counts: number[][] = [[], []];
    for (let seed = 0; seed < 300; seed++) {
      const ev = poissonSpikeTimes(rates, { duration_ms: D, seed });
      for (let k = 1; k < ev.times_ms.length; k++)
        expect(ev.times_ms[k]).toBeGreaterThanOrEqual(ev.times_ms[k - 1]);
      for (let i = 0; i < 2; i++) counts[i].push(ev.neurons.filter((n) => n === i).length);
    }
    for (let i = 0; i < 2; i++) {
      const lambda = (rates[i] * D) / 1000;
      const { mean, fano } = countStats(counts[i]);
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / 300));
      expect(Math.abs(fano - 1)).toBeLessThan(4 * Math.sqrt(2 / 299) + 0.02);
    }
    const long = poissonSpikeTimes([40], { duration_ms: 200_000, seed: 11 }).times_ms;
    const isis = Array.from(long.subarray(1), (t, k) => t - long[k]);
    const m = isis.reduce((a, b) => a + b, 0) / isis.length;
    const sd = Math.sqrt(isis.reduce((a, b) => a + (b - m) ** 2, 0) / (isis.length - 1));
    expect(Math.abs(m - 25)).toBeLessThan((4 * 25) / Math.sqrt(isis.length)); // 1000 / 40 Hz
    expect(sd / m).toBeGreaterThan(0.95); // CV of an exponential = 1
    expect(sd / m).toBeLessThan(1.05);
  });

  it("is seeded: same seed, bitwise-identical output; different seed, different output", () => {
    const a = rateEncode([0.2, 0.5], { nSteps: 100, seed: 9 });
    const b = rateEncode([0.2, 0.5], { nSteps: 100, seed: 9 });
    expect(Buffer.from(a.spikes.buffer).equals(Buffer.from(b.spikes.buffer))).toBe(true);
    expect(
      Buffer.from(rateEncode([0.2, 0.5], { nSteps: 100, seed: 10 }).spikes.buffer).equals(
        Buffer.from(a.spikes.buffer),
      ),
    ).toBe(false);
    const p = poissonSpikeTimes([10, 20], { duration_ms: 500, seed: new Rng(4) });
    const q = poissonSpikeTimes([10, 20], { duration_ms: 500, seed: new Rng(4) });
    expect(Buffer.from(p.times_ms.buffer).equals(Buffer.from(q.times_ms.buffer))).toBe(true);
  });
});

describe("latency and delta codes vs snnTorch spikegen", () => {
  const rng = new Rng(2006);
  const values = [
    0,
    0.005,
    0.01,
    0.0100001,
    0.02,
    0.125,
    0.25,
    0.5,
    0.75,
    1,
    ...Array.from({ length: 30 }, () => rng.uniform()),
  ];
  const latency = [
    { nSteps: 15 },
    { nSteps: 10, tau: 2, allowLate: true },
    { nSteps: 25, normalize: true },
    { nSteps: 25, normalize: true, linear: true },
    { nSteps: 25, linear: true, tau: 5, firstSpikeTime: 3 },
    { nSteps: 30, normalize: true, firstSpikeTime: 4, threshold: 0.05, clip: true },
    { nSteps: 8, linear: true, tau: 7, threshold: 0.3, clip: true },
  ];
  const signal = Array.from({ length: 12 }, (_, t) => [
    Math.sin(t / 2) * 2,
    t * 0.3,
    rng.uniform() * 3,
  ]);
  const delta = [
    { threshold: 1 },
    { threshold: 0.3, padding: true },
    { threshold: 0.5, offSpikes: true },
    { threshold: 0.5, offSpikes: true, padding: true },
  ];
  const ref = (() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikegen-"));
    const input = path.join(dir, "input.json");
    fs.writeFileSync(input, JSON.stringify({ values, latency, delta: { signal, cases: delta } }));
    const out = execFileSync(peersPython(), [SCRIPT, input], {
      encoding: "utf8",
      timeout: 120_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return JSON.parse(out) as {
      latency: { times: number[]; raster: number[][] }[];
      delta: number[][][];
    };
  })();

  it("latency: the same spike times (to 1e-12) and the same rasters, log and linear codes", () => {
    latency.forEach((opts, c) => {
      const times = latencySpikeTimes(values, opts);
      ref.latency[c].times.forEach((t, i) => expect(times[i]).toBeCloseTo(t, 12));
      const r = latencyEncode(values, opts);
      const ours = Array.from({ length: opts.nSteps }, (_, t) =>
        Array.from(r.spikes.subarray(t * values.length, (t + 1) * values.length)),
      );
      expect(ours).toEqual(ref.latency[c].raster);
    });
  });

  it("delta: the same rasters (threshold, padding, OFF spikes)", () => {
    const flat = signal.flat();
    delta.forEach((opts, c) => {
      const r = deltaEncode(flat, { nInputs: 3, ...opts });
      const ours = Array.from({ length: signal.length }, (_, t) =>
        Array.from(r.spikes.subarray(t * 3, t * 3 + 3)),
      );
      expect(ours).toEqual(ref.delta[c]);
    });
  });

  it("snnTorch's documented examples", () => {
    // spikegen.latency([0.02, 0.5, 1], num_steps=5, normalize=True, linear=True) -> times [3.92, 2, 0]
    const t = latencySpikeTimes([0.02, 0.5, 1], { nSteps: 5, normalize: true, linear: true });
    expect(Array.from(t).map((x) => +x.toFixed(6))).toEqual([3.92, 2, 0]);
    // spikegen.delta([1, 2, 0, 2, 2.9], threshold=1, off_spike=True) -> [1, 1, -1, 1, 0]
    expect(
      Array.from(
        deltaEncode([1, 2, 0, 2, 2.9], { nInputs: 1, threshold: 1, offSpikes: true }).spikes,
      ),
    ).toEqual([1, 1, -1, 1, 0]);
    expect(
      Array.from(
        deltaEncode([1, 2, 0, 2, 2.9], { nInputs: 1, threshold: 1, offSpikes: true, padding: true })
          .spikes,
      ),
    ).toEqual([0, 1, -1, 1, 0]);
    expect([0.5, 1.5, 2.5, 3.5, 2.4999].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2]);
  });

  it("rejects what snnTorch rejects, naming the argument", () => {
    expect(() => latencyEncode([0.5, 1.2], { nSteps: 5 })).toThrow(/values\[1\].*\[0, 1\]/);
    expect(() => latencyEncode([0.5], { nSteps: 5, threshold: 1 })).toThrow(/threshold/);
    expect(() => latencyEncode([0.5], { nSteps: 5, tau: 0 })).toThrow(/tau/);
    expect(() => latencyEncode([0.5], { nSteps: 5, firstSpikeTime: 5 })).toThrow(/firstSpikeTime/);
    expect(() => latencyEncode([0.011], { nSteps: 2 })).toThrow(/past the last step 1/); // t = ln(11) = 2.4
    expect(() => deltaEncode([1, 2, 3], { nInputs: 2, threshold: 1 })).toThrow(/signal.length/);
    expect(() => deltaEncode([1, NaN], { nInputs: 1, threshold: 1 })).toThrow(/signal\[1\]/);
    expect(() => rateEncode([0.5], { nSteps: 0, seed: 1 })).toThrow(/nSteps/);
    expect(() => rateEncode([0.5], { nSteps: 3 } as never)).toThrow(/seed/);
    expect(() => poissonSpikeTimes([-1], { duration_ms: 10, seed: 1 })).toThrow(/rates_Hz\[0\]/);
  });
});

describe("send-on-delta and population codes", () => {
  it("sendOnDelta: a hand-computed case", () => {
    // reference starts at 0; 0.4 (d 0.4 <1), 1.2 (d 1.2: ON, ref 1.2), 1.9 (d .7), 2.3 (d 1.1: ON, ref 2.3),
    // 1.0 (d -1.3: OFF, ref 1.0), 0.5 (d -.5), 0.0 (d -1.0: OFF, ref 0), 0.9 (d .9)
    const x = [0, 0.4, 1.2, 1.9, 2.3, 1.0, 0.5, 0.0, 0.9];
    expect(Array.from(sendOnDelta(x, { nInputs: 1, threshold: 1 }).spikes)).toEqual([
      0, 0, 1, 0, 1, -1, 0, -1, 0,
    ]);
    expect(
      Array.from(sendOnDelta(x, { nInputs: 1, threshold: 1, offSpikes: false }).spikes),
    ).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0]);
    // snnTorch's delta on the same signal compares with the previous sample only: no drift detection
    expect(Array.from(deltaEncode(x, { nInputs: 1, threshold: 1, padding: true }).spikes)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    const ev = rasterToEvents(sendOnDelta(x, { nInputs: 1, threshold: 1, dt_ms: 2 }));
    expect(Array.from(ev.times_ms)).toEqual([4, 8]);
    expect(
      Array.from(
        rasterToEvents(sendOnDelta(x, { nInputs: 1, threshold: 1, dt_ms: 2 }), { signed: "off" })
          .times_ms,
      ),
    ).toEqual([10, 14]);
  });

  it("gaussianPopulation: Bohte et al. 2002 centres and widths; the neuron centred on x fires at 0", () => {
    const { centres, sigma } = gaussianReceptiveFields({ nNeurons: 6, min: 0, max: 1 });
    // spacing 1/4: centres -1/8, 1/8, 3/8, 5/8, 7/8, 9/8; sigma = (1/4) / 1.5
    expect(Array.from(centres)).toEqual([-0.125, 0.125, 0.375, 0.625, 0.875, 1.125]);
    expect(sigma).toBeCloseTo(1 / 6, 15);
    const code = gaussianPopulation([0.375, 0.5], { nNeurons: 6, min: 0, max: 1, tMax_ms: 10 });
    expect(code.responses[2]).toBe(1);
    expect(code.responses[6 + 2]).toBeCloseTo(Math.exp(-0.5 * (0.125 / sigma) ** 2), 15);
    expect(code.events.times_ms[0]).toBe(0);
    expect(code.events.neurons[0]).toBe(2);
    // every fired neuron: t = (1 - r) tMax and r >= 0.1
    for (let k = 0; k < code.events.times_ms.length; k++) {
      const r = code.responses[code.events.neurons[k]];
      expect(r).toBeGreaterThanOrEqual(0.1);
      expect(code.events.times_ms[k]).toBeCloseTo((1 - r) * 10, 12);
    }
    expect(code.events.neurons.length).toBe(
      Array.from(code.responses).filter((r) => r >= 0.1).length,
    );
    expect(() => gaussianPopulation([1.5], { nNeurons: 6, min: 0, max: 1 })).toThrow(/values\[0\]/);
    expect(() => gaussianReceptiveFields({ nNeurons: 2, min: 0, max: 1 })).toThrow(/nNeurons/);
    expect(() => gaussianReceptiveFields({ nNeurons: 4, min: 1, max: 1 })).toThrow(/max/);
  });

  it("is exported as neurolab's encoding namespace", () => {
    expect(encoding.rateEncode).toBe(rateEncode);
  });
});
