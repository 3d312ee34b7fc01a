import { describe, expect, it } from "vitest";
import {
  type SpikeEvents,
  autoCorrelogram,
  coefficientOfVariation,
  crossCorrelogram,
  fanoFactor,
  fanoFactorAcrossTrains,
  fanoFactorPerNeuron,
  firingRates_Hz,
  isiCv,
  isiCv2,
  isiIntervals,
  isiLv,
  localCoefficientOfVariation,
  localVariation,
  meanIgnoringNaN,
  neuronTrain_ms,
  pairwiseSpikeCountCorrelation,
  populationRate_Hz,
  populationTimes_ms,
  smoothBinned,
  spikeCountsPerNeuron,
  spikeEventsFromMonitor,
  spikeTrainSynchrony,
  spikeTrainsByNeuron,
} from "../../src/analysis/index.js";
import { Rng } from "../../src/random/rng.js";

/**
 * N independent Poisson trains of `rate_Hz` over [0, T_ms], generated as one population process
 * of rate N * rate with each spike given to a uniformly drawn neuron (thinning), so the events
 * come out time-sorted without a sort.
 */
function poissonEvents(seed: number, nNeurons: number, rate_Hz: number, T_ms: number): SpikeEvents {
  const rng = new Rng(seed);
  const popRate_per_ms = (nNeurons * rate_Hz) / 1000;
  const cap = Math.ceil(popRate_per_ms * T_ms * 1.1 + 100);
  const times = new Float64Array(cap);
  const neurons = new Int32Array(cap);
  let n = 0;
  let t = 0;
  for (;;) {
    t += -Math.log(1 - rng.uniform()) / popRate_per_ms;
    if (t > T_ms || n === cap) break;
    times[n] = t;
    neurons[n++] = rng.int(nNeurons);
  }
  return {
    times_ms: times.slice(0, n),
    neurons: neurons.slice(0, n),
    nNeurons,
    tStart_ms: 0,
    tStop_ms: T_ms,
  };
}

/** Events from per-neuron time lists (merged and sorted here; for small hand cases). */
function events(trains: number[][], tStart_ms: number, tStop_ms: number): SpikeEvents {
  const all = trains.flatMap((ts, i) => ts.map((t) => [t, i] as const)).sort((a, b) => a[0] - b[0]);
  return {
    times_ms: Float64Array.from(all, (x) => x[0]),
    neurons: Int32Array.from(all, (x) => x[1]),
    nNeurons: trains.length,
    tStart_ms,
    tStop_ms,
  };
}

/** The same train copied to all `nNeurons` neurons (a perfectly synchronous population). */
function synchronousEvents(train: Float64Array, nNeurons: number, T_ms: number): SpikeEvents {
  const times = new Float64Array(train.length * nNeurons);
  const neurons = new Int32Array(train.length * nNeurons);
  for (let k = 0; k < train.length; k++)
    for (let i = 0; i < nNeurons; i++) {
      times[k * nNeurons + i] = train[k];
      neurons[k * nNeurons + i] = i;
    }
  return { times_ms: times, neurons, nNeurons, tStart_ms: 0, tStop_ms: T_ms };
}

describe("spike representations", () => {
  it("splits events into per-neuron sorted trains, dropping spikes outside the window", () => {
    const ev = events([[1, 5, 9], [], [2, 3, 20]], 0, 10);
    const tr = spikeTrainsByNeuron(ev);
    expect(Array.from(tr.offsets)).toEqual([0, 3, 3, 5]);
    expect(Array.from(tr.times_ms)).toEqual([1, 5, 9, 2, 3]);
    expect(Array.from(neuronTrain_ms(tr, 2))).toEqual([2, 3]);
    expect(Array.from(populationTimes_ms(ev, 0, 3))).toEqual([1, 2, 3, 5, 9]);
    expect(Array.from(populationTimes_ms(tr, 1, 2))).toEqual([2, 3]);
  });

  it("gives the same statistics for events and trains, and restricts trains to the window", () => {
    const ev = poissonEvents(3, 20, 30, 2000);
    const tr = spikeTrainsByNeuron(ev);
    expect(Array.from(firingRates_Hz(tr))).toEqual(Array.from(firingRates_Hz(ev)));
    expect(Array.from(coefficientOfVariation(tr))).toEqual(Array.from(coefficientOfVariation(ev)));
    expect(Array.from(populationRate_Hz(tr, { binWidth_ms: 10 }).rate_Hz)).toEqual(
      Array.from(populationRate_Hz(ev, { binWidth_ms: 10 }).rate_Hz),
    );
    const sub = { ...ev, tStart_ms: 500, tStop_ms: 1500 };
    const subTr = { ...tr, tStart_ms: 500, tStop_ms: 1500 };
    expect(Array.from(localVariation(subTr))).toEqual(Array.from(localVariation(sub)));
    expect(Array.from(spikeCountsPerNeuron(subTr))).toEqual(Array.from(spikeCountsPerNeuron(sub)));
  });

  it("wraps a spike monitor's recording (times_ms, neurons, size)", () => {
    const ev = poissonEvents(2, 100, 15, 1000);
    const monitorLike = { times_ms: ev.times_ms, neurons: ev.neurons, size: 100 };
    const wrapped = spikeEventsFromMonitor(monitorLike, 0, 1000);
    expect(wrapped.nNeurons).toBe(100);
    const counts = new Int32Array(100);
    for (const i of ev.neurons) counts[i]++;
    expect(Array.from(spikeCountsPerNeuron(wrapped))).toEqual(Array.from(counts));
    expect(meanIgnoringNaN(firingRates_Hz(wrapped))).toBeCloseTo(ev.times_ms.length / 100, 10);
    expect(() => spikeEventsFromMonitor(monitorLike, 0, -1)).toThrow(/tStop_ms/);
  });
});

describe("firing rates", () => {
  it("counts spikes in the closed window [tStart, tStop] per second", () => {
    const ev = events([[0, 100, 250, 500], [499.9], []], 0, 500);
    expect(Array.from(firingRates_Hz(ev))).toEqual([8, 2, 0]);
    expect(Array.from(firingRates_Hz({ ...ev, tStart_ms: 100, tStop_ms: 300 }))).toEqual([
      10, 0, 0,
    ]);
  });

  it("bins the population rate in Hz with left-edge times", () => {
    // 2 neurons, 10 ms bins over [0, 40]: counts 1, 3, 0, 2 (the spike at 40 joins the last bin).
    const ev = events(
      [
        [1, 12, 35],
        [15, 19, 40],
      ],
      0,
      40,
    );
    const pr = populationRate_Hz(ev, { binWidth_ms: 10 });
    expect(Array.from(pr.t_ms)).toEqual([0, 10, 20, 30]);
    expect(Array.from(pr.rate_Hz)).toEqual([50, 150, 0, 100]);
    // 40 ms / 15 ms = 2 full bins: spikes in [30, 40] are dropped.
    expect(
      Array.from(populationRate_Hz(ev, { binWidth_ms: 15 }).rate_Hz).map(
        (x) => Math.round(x * 0.015 * 2 * 1e9) / 1e9,
      ),
    ).toEqual([2, 2]);
  });

  it("smooths with Brian2's normalised box and Gaussian windows (zero-padded 'same')", () => {
    const impulse = new Float64Array(11);
    impulse[5] = 3;
    // box of 3 bins (width 3.5 ms at 1 ms bins -> 2*trunc(1.75)+1 = 3 taps)
    expect(
      Array.from(smoothBinned(impulse, 1, { kernel: "box", width_ms: 3.5 })).map(
        (x) => +x.toFixed(12),
      ),
    ).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
    // Gaussian sigma = 1 bin: taps for |k| <= 2, exp(-k^2/2) normalised.
    const g = smoothBinned(impulse, 1, { kernel: "gaussian", sigma_ms: 1 });
    const z = 1 + 2 * Math.exp(-0.5) + 2 * Math.exp(-2);
    expect(g[5]).toBeCloseTo(3 / z, 14);
    expect(g[4]).toBeCloseTo((3 * Math.exp(-0.5)) / z, 14);
    expect(g[7]).toBeCloseTo((3 * Math.exp(-2)) / z, 14);
    expect(g[8]).toBe(0);
    // A flat rate stays flat away from the edges.
    const ev = poissonEvents(1, 50, 20, 1000);
    const raw = populationRate_Hz(ev, { binWidth_ms: 1 });
    const sm = populationRate_Hz(ev, {
      binWidth_ms: 1,
      smoothing: { kernel: "gaussian", sigma_ms: 5 },
    });
    const inner = (x: Float64Array) => x.subarray(10, x.length - 10).reduce((a, b) => a + b, 0);
    expect(Math.abs(inner(sm.rate_Hz) - inner(raw.rate_Hz)) / inner(raw.rate_Hz)).toBeLessThan(
      0.01,
    );
  });
});

describe("ISI statistics", () => {
  it("computes ISI, CV, CV2 and LV of a hand example", () => {
    // ISIs 1, 2, 3, 4
    const ev = events([[1, 2, 4, 7, 11], [3, 8], [5]], 0, 20);
    const isi = isiIntervals(ev);
    expect(Array.from(isi.offsets)).toEqual([0, 4, 5, 5]);
    expect(Array.from(isi.isi_ms)).toEqual([1, 2, 3, 4, 5]);
    const cv = Math.sqrt(1.25) / 2.5;
    const cv2 = (2 / 3) * (1 / 3 + 1 / 5 + 1 / 7);
    const lv = 1 / 9 + 1 / 25 + 1 / 49;
    expect(isiCv([1, 2, 3, 4])).toBeCloseTo(cv, 14);
    expect(isiCv2([1, 2, 3, 4])).toBeCloseTo(cv2, 14);
    expect(isiLv([1, 2, 3, 4])).toBeCloseTo(lv, 14);
    // Per neuron: neurons with < 3 spikes are NaN, skipped by meanIgnoringNaN.
    const c = coefficientOfVariation(ev);
    expect(c[0]).toBeCloseTo(cv, 14);
    expect(Number.isNaN(c[1]) && Number.isNaN(c[2])).toBe(true);
    expect(localCoefficientOfVariation(ev)[0]).toBeCloseTo(cv2, 14);
    expect(localVariation(ev)[0]).toBeCloseTo(lv, 14);
    expect(meanIgnoringNaN(c)).toBeCloseTo(cv, 14);
    expect(meanIgnoringNaN([NaN, NaN])).toBeNaN();
    expect(isiCv([5])).toBeNaN();
    expect(isiLv([])).toBeNaN();
  });

  it("gives CV = CV2 = LV = 0 for a perfectly regular train", () => {
    const train = Array.from({ length: 100 }, (_, k) => 3 + 7.3 * k);
    const ev = events([train, train.map((t) => t + 1)], 0, 1000);
    for (const f of [coefficientOfVariation, localCoefficientOfVariation, localVariation]) {
      for (const v of f(ev)) expect(v).toBeCloseTo(0, 12);
    }
  });

  it("gives CV, CV2, LV ~ 1 for Poisson trains, within tolerances derived from the number of ISIs", () => {
    const ev = poissonEvents(17, 100, 20, 100_000); // ~2000 ISIs per neuron, ~2e5 in all
    const isi = isiIntervals(ev);
    const nIsi = isi.isi_ms.length;
    expect(nIsi).toBeGreaterThan(190_000);
    // sd of the sample CV of exponential ISIs ~ 1/sqrt(n); bias O(1/n per neuron).
    const tolCv = 5 / Math.sqrt(nIsi) + 2 / (nIsi / 100);
    expect(Math.abs(meanIgnoringNaN(coefficientOfVariation(ev)) - 1)).toBeLessThan(tolCv);
    // For exponential ISIs (I1 - I2)/(I1 + I2) is uniform on (-1, 1): E[3U^2] = E[2|U|] = 1 exactly;
    // per-term variances 0.8 and 1/3, adjacent terms correlated (factor 2 allowance).
    expect(Math.abs(meanIgnoringNaN(localVariation(ev)) - 1)).toBeLessThan(
      5 * Math.sqrt((2 * 0.8) / nIsi),
    );
    expect(Math.abs(meanIgnoringNaN(localCoefficientOfVariation(ev)) - 1)).toBeLessThan(
      5 * Math.sqrt(2 / 3 / nIsi),
    );
  });
});

describe("Fano factor", () => {
  it("computes var/mean (ddof 0) of counts; NaN when all zero", () => {
    expect(fanoFactor([1, 2, 3])).toBeCloseTo(2 / 3 / 2, 14);
    expect(fanoFactor([0, 0])).toBeNaN();
    // Elephant's docstring example: counts 4 and 3 -> 0.0714...
    const ev = events(
      [
        [0.3, 4.5, 6.7, 9.3],
        [1.4, 3.3, 8.2],
      ],
      0,
      10,
    );
    expect(fanoFactorAcrossTrains(ev)).toBeCloseTo(0.07142857142857142, 14);
    // Per neuron over 2.5 ms bins: neuron 0 counts [1, 1, 1, 1] -> 0; neuron 1 [1, 1, 0, 1] -> (3/4 - m^2)/m.
    const f = fanoFactorPerNeuron(ev, { binWidth_ms: 2.5 });
    expect(f[0]).toBeCloseTo(0, 14);
    const m = 3 / 4;
    expect(f[1]).toBeCloseTo((3 / 4 - m * m) / m, 14);
  });

  it("is ~1 for Poisson counts, across bins and across trains", () => {
    // Per neuron: 1000 bins of mean 2 spikes; var of the sample Fano ~ (2 + 1/mu) / M per neuron.
    const ev = poissonEvents(5, 100, 20, 100_000);
    const M = 1000;
    const mu = 2;
    const sdMean = Math.sqrt((2 + 1 / mu) / M / 100);
    expect(
      Math.abs(meanIgnoringNaN(fanoFactorPerNeuron(ev, { binWidth_ms: 100 })) - 1),
    ).toBeLessThan(5 * sdMean + 1 / M);
    // Across 1000 trains of 10 s at 20 Hz (mu = 200).
    const tr = poissonEvents(6, 1000, 20, 10_000);
    expect(Math.abs(fanoFactorAcrossTrains(tr) - 1)).toBeLessThan(
      5 * Math.sqrt((2 + 1 / 200) / 1000),
    );
  });
});

describe("correlograms", () => {
  it("counts spike-time differences per lag bin (hand example)", () => {
    const a = Float64Array.from([10, 20]);
    const b = Float64Array.from([12, 19, 35]);
    // differences b - a: 2, 9, 25, -8, -1, 15
    const c = crossCorrelogram(a, b, { binWidth_ms: 1, maxLag_ms: 5 });
    expect(Array.from(c.lags_ms)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(Array.from(c.values)).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
    const c2 = crossCorrelogram(a, b, { binWidth_ms: 4, maxLag_ms: 8 }); // bins centred -8, -4, 0, 4, 8
    // bins [-10,-6), [-6,-2), [-2,2), [2,6), [6,10): -8; -1; 2 (edge -> upper bin); 9
    expect(Array.from(c2.values)).toEqual([1, 0, 1, 1, 1]);
    // B relative to A is the mirror image of A relative to B.
    expect(Array.from(crossCorrelogram(b, a, { binWidth_ms: 1, maxLag_ms: 5 }).values)).toEqual(
      Array.from(c.values).reverse(),
    );
    // rate_Hz: counts / (nA * w / 1000)
    expect(
      crossCorrelogram(a, b, { binWidth_ms: 1, maxLag_ms: 5, normalization: "rate_Hz" }).values[7],
    ).toBe(500);
  });

  it("excludes only the self-pairs from the auto-correlogram", () => {
    const ac = autoCorrelogram(Float64Array.from([0, 1, 1, 3]), { binWidth_ms: 1, maxLag_ms: 3 });
    expect(Array.from(ac.values)).toEqual([1, 2, 2, 2, 2, 2, 1]);
  });

  it("is flat at the mean rate for Poisson trains (rate_Hz normalisation)", () => {
    const ev = poissonEvents(8, 2, 50, 200_000);
    const tr = spikeTrainsByNeuron(ev);
    const a = neuronTrain_ms(tr, 0);
    const b = neuronTrain_ms(tr, 1);
    const c = crossCorrelogram(a, b, { binWidth_ms: 5, maxLag_ms: 50, normalization: "rate_Hz" });
    const rateB = (b.length / 200_000) * 1000;
    // each bin: count ~ Poisson(nA * rateB * w) ~ 2500 -> relative sd 2%
    const expected = a.length * rateB * 0.005;
    for (const v of c.values)
      expect(Math.abs(v - rateB)).toBeLessThan((5 * rateB) / Math.sqrt(expected));
    const ac = autoCorrelogram(a, { binWidth_ms: 5, maxLag_ms: 50, normalization: "rate_Hz" });
    const rateA = (a.length / 200_000) * 1000;
    for (const v of ac.values)
      expect(Math.abs(v - rateA)).toBeLessThan((5 * rateA) / Math.sqrt(expected));
  });

  it("gives a coefficient of 1 at lag 0 for identical grid-aligned trains", () => {
    const t = Float64Array.from([1, 4, 5, 9, 13, 14, 18]);
    const c = crossCorrelogram(t, t, {
      binWidth_ms: 1,
      maxLag_ms: 2,
      normalization: "coefficient",
      tStart_ms: 0,
      tStop_ms: 20,
    });
    expect(c.values[2]).toBeCloseTo(1, 14);
    // Off-zero lag: (C(k) - n^2/T) / (n - n^2/T) with C(1) = 2 (4->5, 13->14).
    expect(c.values[3]).toBeCloseTo((2 - 49 / 20) / (7 - 49 / 20), 14);
  });
});

describe("synchrony", () => {
  it("gives chi = 1 and r = 1 for a fully synchronous population", () => {
    const one = poissonEvents(4, 1, 20, 5000).times_ms;
    const ev = synchronousEvents(one, 50, 5000);
    expect(spikeTrainSynchrony(ev, { binWidth_ms: 5 }).chi).toBeCloseTo(1, 12);
    expect(
      spikeTrainSynchrony(ev, { binWidth_ms: 1, smoothing: { kernel: "gaussian", sigma_ms: 5 } })
        .chi,
    ).toBeCloseTo(1, 12);
    const pc = pairwiseSpikeCountCorrelation(ev, { binWidth_ms: 5, nPairs: 30, seed: 1 });
    expect(pc.nValid).toBe(30);
    expect(pc.mean).toBeCloseTo(1, 12);
  });

  it("gives chi ~ 1/sqrt(N) and r ~ 0 for independent Poisson trains", () => {
    const T = 20_000;
    const w = 10;
    const nBins = T / w;
    for (const N of [25, 100]) {
      const ev = poissonEvents(100 + N, N, 20, T);
      const s = spikeTrainSynchrony(ev, { binWidth_ms: w });
      // chi^2 ~ 1/N with relative sd ~ sqrt(2 / nBins).
      expect(Math.abs(s.chiSquared * N - 1)).toBeLessThan(5 * Math.sqrt(2 / nBins));
      const pc = pairwiseSpikeCountCorrelation(ev, { binWidth_ms: w, nPairs: 200, seed: 3 });
      expect(Math.abs(pc.mean)).toBeLessThan(5 / Math.sqrt(nBins));
    }
  });

  it("counts silent neurons unless excluded; computes a hand Pearson r", () => {
    const ev = events([[1, 11, 12], [2, 25], []], 0, 30);
    // bins of 10 ms: x0 = [1, 2, 0], x1 = [1, 0, 1]
    const r = pairwiseSpikeCountCorrelation(ev, { binWidth_ms: 10, pairs: [0, 1, 1, 2] });
    const pearson = (x: number[], y: number[]) => {
      const mx = x.reduce((a, b) => a + b) / x.length;
      const my = y.reduce((a, b) => a + b) / y.length;
      let sxy = 0,
        sxx = 0,
        syy = 0;
      for (let k = 0; k < x.length; k++) {
        sxy += (x[k] - mx) * (y[k] - my);
        sxx += (x[k] - mx) ** 2;
        syy += (y[k] - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(r.r[0]).toBeCloseTo(pearson([1, 2, 0], [1, 0, 1]), 14);
    expect(r.r[1]).toBeNaN();
    expect(r.nValid).toBe(1);
    expect(Array.from(r.pairs)).toEqual([0, 1, 1, 2]);
    const all = spikeTrainSynchrony(ev, { binWidth_ms: 10 });
    const active = spikeTrainSynchrony(ev, { binWidth_ms: 10, excludeSilent: true });
    expect(all.nNeurons).toBe(3);
    expect(active.nNeurons).toBe(2);
    // m(k) = [2, 2, 1]/N; var x0 = 2/3, var x1 = 2/9
    const popVar = (n: number) => {
      const m = [2 / n, 2 / n, 1 / n];
      const mu = m.reduce((a, b) => a + b) / 3;
      return m.reduce((a, b) => a + (b - mu) ** 2, 0) / 3;
    };
    expect(active.chiSquared).toBeCloseTo(popVar(2) / ((2 / 3 + 2 / 9) / 2), 14);
    expect(all.chiSquared).toBeCloseTo(popVar(3) / ((2 / 3 + 2 / 9) / 3), 14);
  });

  it("samples pairs reproducibly per seed, without repeats", () => {
    const ev = poissonEvents(9, 40, 20, 2000);
    const a = pairwiseSpikeCountCorrelation(ev, { binWidth_ms: 10, nPairs: 100, seed: 7 });
    const b = pairwiseSpikeCountCorrelation(ev, { binWidth_ms: 10, nPairs: 100, seed: 7 });
    const c = pairwiseSpikeCountCorrelation(ev, { binWidth_ms: 10, nPairs: 100, seed: 8 });
    expect(Array.from(b.pairs)).toEqual(Array.from(a.pairs));
    expect(Array.from(c.pairs)).not.toEqual(Array.from(a.pairs));
    const keys = new Set<number>();
    for (let p = 0; p < 100; p++) keys.add(a.pairs[2 * p] * 40 + a.pairs[2 * p + 1]);
    expect(keys.size).toBe(100);
    // All pairs when there are few.
    expect(
      pairwiseSpikeCountCorrelation({ ...ev, nNeurons: 40 }, { binWidth_ms: 10, nPairs: 780 }).pairs
        .length,
    ).toBe(2 * 780);
  });
});

describe("argument checks", () => {
  const ok = events([[1, 2, 3], [1.5]], 0, 10);

  it("rejects unsorted and non-finite spike times, naming the entry", () => {
    const bad = { ...ok, times_ms: Float64Array.from([1, 2, 1.5, 3]) };
    expect(() => firingRates_Hz(bad)).toThrow(RangeError);
    expect(() => firingRates_Hz(bad)).toThrow(
      /times_ms\[2\] must be >= times_ms\[1\] = 2 .*got 1.5/,
    );
    expect(() =>
      coefficientOfVariation({ ...ok, times_ms: Float64Array.from([1, NaN, 2, 3]) }),
    ).toThrow(/times_ms\[1\] must be a finite number, got NaN/);
    expect(() =>
      crossCorrelogram(Float64Array.from([2, 1]), Float64Array.from([1]), {
        binWidth_ms: 1,
        maxLag_ms: 1,
      }),
    ).toThrow(/timesA_ms\[1\]/);
    expect(() =>
      autoCorrelogram(Float64Array.from([1, Infinity]), { binWidth_ms: 1, maxLag_ms: 1 }),
    ).toThrow(/times_ms\[1\] must be a finite/);
    const tr = spikeTrainsByNeuron(ok);
    expect(() => localVariation({ ...tr, times_ms: Float64Array.from([3, 2, 1, 1.5]) })).toThrow(
      /times_ms\[1\] must be >= times_ms\[0\]/,
    );
  });

  it("rejects bad bin widths, lags, windows, neuron indices and ISIs", () => {
    expect(() => populationRate_Hz(ok, { binWidth_ms: -1 })).toThrow(
      /binWidth_ms must be a finite number in \(0, .*got -1/,
    );
    expect(() => populationRate_Hz(ok, { binWidth_ms: 20 })).toThrow(/binWidth_ms/);
    expect(() => fanoFactorPerNeuron(ok, { binWidth_ms: NaN })).toThrow(/binWidth_ms .*got NaN/);
    expect(() =>
      crossCorrelogram(ok.times_ms, ok.times_ms, { binWidth_ms: 0, maxLag_ms: 1 }),
    ).toThrow(/binWidth_ms/);
    expect(() =>
      crossCorrelogram(ok.times_ms, ok.times_ms, { binWidth_ms: 1, maxLag_ms: -1 }),
    ).toThrow(/maxLag_ms/);
    expect(() =>
      crossCorrelogram(ok.times_ms, ok.times_ms, {
        binWidth_ms: 1,
        maxLag_ms: 1,
        normalization: "coefficient",
      }),
    ).toThrow(/tStart_ms/);
    expect(() => firingRates_Hz({ ...ok, tStart_ms: 10, tStop_ms: 0 })).toThrow(
      /tStop_ms must be a finite number in \(10, .*got 0/,
    );
    expect(() => firingRates_Hz({ ...ok, tStart_ms: NaN })).toThrow(/tStart_ms .*got NaN/);
    expect(() => firingRates_Hz({ ...ok, neurons: Int32Array.from([0, 2, 0, 0]) })).toThrow(
      /neurons\[1\] must be an integer in \[0, 1\], got 2/,
    );
    expect(() => firingRates_Hz({ ...ok, neurons: Int32Array.from([0]) })).toThrow(
      /neurons.length/,
    );
    expect(() => firingRates_Hz({ ...ok, nNeurons: 0 })).toThrow(/nNeurons/);
    expect(() => isiCv([1, NaN])).toThrow(/isi_ms\[1\]/);
    expect(() => isiLv([1, -2])).toThrow(/isi_ms\[1\]/);
    expect(() => fanoFactor([1, -1])).toThrow(/counts\[1\]/);
    expect(() => smoothBinned([1], 1, { kernel: "gaussian", sigma_ms: -1 })).toThrow(
      /smoothing.sigma_ms/,
    );
    expect(() => pairwiseSpikeCountCorrelation(ok, { binWidth_ms: 1, pairs: [0, 0] })).toThrow(
      /pairs\[1\]/,
    );
    expect(() => spikeTrainsByNeuron({ ...ok, nNeurons: 1 })).toThrow(
      /neurons\[\d\] must be an integer in \[0, 0\]/,
    );
    const tr = spikeTrainsByNeuron(ok);
    expect(() => coefficientOfVariation({ ...tr, offsets: Int32Array.from([0, 3]) })).toThrow(
      /offsets.length must be nNeurons \+ 1 = 3/,
    );
  });
});

describe("performance", () => {
  it("handles 1e6 spikes over 1000 neurons: rates, ISIs and CV each well under 100 ms", () => {
    const ev = poissonEvents(1, 1000, 100, 10_000);
    expect(ev.times_ms.length).toBeGreaterThan(990_000);
    const time = (f: () => unknown) => {
      f(); // warm-up
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        f();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const tr = spikeTrainsByNeuron(ev);
    const ms = {
      spikeTrainsByNeuron: time(() => spikeTrainsByNeuron(ev)),
      firingRates_events: time(() => firingRates_Hz(ev)),
      isiIntervals_trains: time(() => isiIntervals(tr)),
      cv_trains: time(() => coefficientOfVariation(tr)),
      cv_events: time(() => coefficientOfVariation(ev)),
      populationRate_1ms: time(() => populationRate_Hz(ev, { binWidth_ms: 1 })),
    };
    console.log(
      `analysis timings (best of 5, ms): ${JSON.stringify(Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, +v.toFixed(1)])))}`,
    );
    // Loose bounds (shared CI machines); typical values are 3-30 ms.
    for (const v of Object.values(ms)) expect(v).toBeLessThan(250);
  });
});
