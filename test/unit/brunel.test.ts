// Brunel (2000): the four regimes of the sparsely connected E-I network with delta synapses are
// told apart by their statistics (network at 1/5 scale with J scaled to keep J C_E, seeded).
import { describe, expect, it } from "vitest";
import {
  brunelNetwork,
  coefficientOfVariation,
  meanIgnoringNaN,
  spikeEventsFromMonitor,
  spikeTrainSynchrony,
} from "../../src/index.js";

/** Frequency (Hz) of the largest peak of the excitatory population's spike-count spectrum, 20-400 Hz. */
function dominantFrequency_Hz(
  times: Float64Array,
  neurons: Int32Array,
  nExc: number,
  from_ms: number,
  to_ms: number,
): number {
  const n = to_ms - from_ms; // 1 ms bins
  const counts = new Float64Array(n);
  for (let k = 0; k < times.length; k++) {
    if (times[k] > from_ms && times[k] <= to_ms && neurons[k] < nExc)
      counts[Math.min(n - 1, Math.floor(times[k] - from_ms))]++;
  }
  const mean = counts.reduce((a, c) => a + c, 0) / n;
  let best = 0;
  let bestF = 0;
  for (let f = 20; f <= 400; f += 5) {
    let re = 0;
    let im = 0;
    for (let k = 0; k < n; k++) {
      re += (counts[k] - mean) * Math.cos((2 * Math.PI * f * k) / 1000);
      im += (counts[k] - mean) * Math.sin((2 * Math.PI * f * k) / 1000);
    }
    if (re * re + im * im > best) {
      best = re * re + im * im;
      bestF = f;
    }
  }
  return bestF;
}

function regime(g: number, eta: number) {
  const b = brunelNetwork({ g, eta, seed: 1, scale: 0.2 });
  b.net.run(500);
  const ev = spikeEventsFromMonitor(b.spikes, 100, 500);
  return {
    rate_Hz: b.spikes.meanRate_Hz("exc"),
    cv: meanIgnoringNaN(coefficientOfVariation(ev)),
    chi: spikeTrainSynchrony(ev, { binWidth_ms: 1 }).chi,
    peak_Hz: dominantFrequency_Hz(b.spikes.times_ms, b.spikes.neurons, b.exc.size, 100, 500),
  };
}

describe("Brunel 2000 regimes", () => {
  it("SR, AI, SI fast and SI slow are distinguishable by rate, regularity, synchrony and rhythm", () => {
    const sr = regime(3, 2);
    const ai = regime(5, 2);
    const siFast = regime(6, 4);
    const siSlow = regime(4.5, 0.9);
    // Synchronous regular: neurons fire near saturation, regularly and together.
    expect(sr.rate_Hz).toBeGreaterThan(200);
    expect(sr.cv).toBeLessThan(0.2);
    expect(sr.chi).toBeGreaterThan(0.35);
    // Asynchronous irregular: Poisson-like single neurons, weak population synchrony.
    expect(ai.cv).toBeGreaterThan(0.8);
    expect(ai.chi).toBeLessThan(0.5 * sr.chi);
    // Synchronous irregular, fast: irregular neurons on a fast (~180 Hz) population rhythm.
    expect(siFast.cv).toBeGreaterThan(0.8);
    expect(siFast.peak_Hz).toBeGreaterThanOrEqual(150);
    expect(siFast.peak_Hz).toBeLessThanOrEqual(230);
    // Synchronous irregular, slow: low rates on a slow population rhythm, more synchronous than AI.
    expect(siSlow.peak_Hz).toBeLessThan(60);
    expect(siSlow.rate_Hz).toBeLessThan(0.5 * ai.rate_Hz);
    expect(siSlow.chi).toBeGreaterThan(ai.chi);
  }, 120_000);
});
