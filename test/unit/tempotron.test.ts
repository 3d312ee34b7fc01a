/**
 * Tempotron (Gütig & Sompolinsky 2006): the normalised kernel, the event-driven maximum of V
 * against a brute-force sum on a fine grid, the paper's capacity task (N = 500 afferents, one
 * spike each in T = 500 ms, P = 500 random patterns learned without error), reproducibility and
 * argument errors.
 */
import { describe, expect, it } from "vitest";
import { type SpikePattern, Tempotron, spikePattern } from "../../src/train/rules/index.js";
import { Rng } from "../../src/random/rng.js";

/** P patterns of N afferents with one spike each, uniform in [0, T) ms; labels 0/1 with p = 1/2. */
function onceEach(
  N: number,
  P: number,
  T_ms: number,
  seed: number,
): { patterns: SpikePattern[]; labels: Uint8Array } {
  const rng = new Rng(seed);
  const patterns = Array.from({ length: P }, () =>
    spikePattern(Array.from({ length: N }, () => [rng.uniform() * T_ms])),
  );
  const labels = Uint8Array.from({ length: P }, () => (rng.uniform() < 0.5 ? 1 : 0));
  return { patterns, labels };
}

/** V(t) - V_rest by direct summation over all input spikes (no shunting), the definition. */
function potential(tp: Tempotron, p: SpikePattern, t: number): number {
  let v = 0;
  for (let k = 0; k < p.times_ms.length; k++)
    v += tp.weights[p.afferents[k]] * tp.kernel(t - p.times_ms[k]);
  return v;
}

describe("Tempotron", () => {
  it("kernel: K peaks at exactly 1 at t = tau tau_s ln(tau/tau_s) / (tau - tau_s) (7.0 ms for 15 / 3.75)", () => {
    const tp = new Tempotron({ nAfferents: 1, seed: 1 });
    const tPeak = (15 * 3.75 * Math.log(4)) / (15 - 3.75);
    expect(tp.kernel(tPeak)).toBeCloseTo(1, 14);
    expect(tp.kernel(tPeak - 0.01)).toBeLessThan(1);
    expect(tp.kernel(tPeak + 0.01)).toBeLessThan(1);
    expect(tp.kernel(0)).toBe(0);
    expect(tp.kernel(-1)).toBe(0);
  });

  it("event-driven V_max and t_max equal a brute-force scan of V on a 2 us grid", () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 10; trial++) {
      const tp = new Tempotron({
        nAfferents: 30,
        seed: trial,
        initialWeightSd: 0.3,
        threshold: 1e9,
      });
      const p = spikePattern(
        Array.from({ length: 30 }, () => (rng.uniform() < 0.7 ? [rng.uniform() * 100] : [])),
      );
      const r = tp.respond(p);
      let best = 0;
      let tBest = 0;
      for (let t = 0; t <= 130; t += 0.002) {
        const v = potential(tp, p, t);
        if (v > best) {
          best = v;
          tBest = t;
        }
      }
      expect(r.fired).toBe(false);
      expect(r.vMax).toBeGreaterThanOrEqual(best - 1e-12); // continuous max >= grid max
      expect(r.vMax - best).toBeLessThan(2e-4); // grid points miss a maximum at a kink (an input time) by < 1 us
      expect(Math.abs(r.tMax_ms - tBest)).toBeLessThan(0.02);
      expect(potential(tp, p, r.tMax_ms)).toBeCloseTo(r.vMax, 12);
    }
  });

  it("shunting: after the first crossing, t_max is the peak of the trajectory of the inputs before it", () => {
    // afferent 0 alone crosses threshold (w = 1.5); afferent 1 arrives 20 ms later and would push V higher
    const tp = new Tempotron({ nAfferents: 2, seed: 1, initialWeightSd: 0 });
    tp.weights.set([1.5, 5]);
    const r = tp.respond(spikePattern([[10], [30]]));
    expect(r.fired).toBe(true);
    const tPeak = (15 * 3.75 * Math.log(4)) / (15 - 3.75);
    expect(r.tMax_ms).toBeCloseTo(10 + tPeak, 12);
    expect(r.vMax).toBeCloseTo(1.5, 12);
  });

  it("learns 500 random patterns of 500 afferents (one spike each in 500 ms) without error", () => {
    const { patterns, labels } = onceEach(500, 500, 500, 2006);
    const tp = new Tempotron({ nAfferents: 500, seed: 7 });
    const t0 = performance.now();
    const result = tp.train(patterns, labels, { maxEpochs: 300 });
    const elapsed = performance.now() - t0;
    expect(result.errorsPerEpoch.at(-1)).toBe(0);
    expect(Array.from(tp.classify(patterns))).toEqual(Array.from(labels));
    console.log(
      `tempotron capacity task: ${result.epochs} epochs, ${elapsed.toFixed(0)} ms, errors per epoch ${result.errorsPerEpoch.slice(0, 5).join(",")}...`,
    );
  }, 60_000);

  it("same seed -> bitwise-identical weights after training", () => {
    const { patterns, labels } = onceEach(100, 60, 500, 3);
    const a = new Tempotron({ nAfferents: 100, seed: 11, momentum: 0.9 });
    const b = new Tempotron({ nAfferents: 100, seed: 11, momentum: 0.9 });
    a.train(patterns, labels, { maxEpochs: 5, stopWhenPerfect: false });
    b.train(patterns, labels, { maxEpochs: 5, stopWhenPerfect: false });
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
  });

  it("rejects bad arguments, naming them", () => {
    expect(() => new Tempotron({ nAfferents: 0, seed: 1 })).toThrow(/nAfferents/);
    expect(() => new Tempotron({ nAfferents: 2, seed: 1, tauS_ms: 15 })).toThrow(/tauS_ms/);
    expect(() => new Tempotron({ nAfferents: 2, seed: 1, learningRate: 0 })).toThrow(
      /learningRate/,
    );
    const tp = new Tempotron({ nAfferents: 2, seed: 1 });
    expect(() =>
      tp.respond({ times_ms: Float64Array.of(2, 1), afferents: Int32Array.of(0, 1) }),
    ).toThrow(/times_ms\[1\]/);
    expect(() => tp.respond({ times_ms: Float64Array.of(1), afferents: Int32Array.of(2) })).toThrow(
      /afferents\[0\].*\[0, 1\]/,
    );
    expect(() => tp.train([spikePattern([[1], []])], [2], { maxEpochs: 1 })).toThrow(/labels\[0\]/);
    expect(() => tp.train([spikePattern([[1], []])], [1, 0], { maxEpochs: 1 })).toThrow(
      /labels.length/,
    );
    expect(() => spikePattern([[NaN]])).toThrow(/trains\[0\]\[0\]/);
  });
});
