/**
 * Firing rates: per-neuron mean rates and the binned (optionally smoothed) population rate.
 */
import { checkOptions } from "../core/validate.js";
import { checkNumber } from "../core/checks.js";
import {
  BIN_TOLERANCE,
  type Binning,
  type SpikeInput,
  checkEvents,
  checkTrains,
  isTrains,
  lowerBound,
  makeBinning,
  upperBound,
} from "./spikes.js";
import { describeValue } from "../core/describe.js";

/**
 * Smoothing of a binned rate, as Brian2's `PopulationRateMonitor.smooth_rate` (a normalised
 * window, zero-padded "same" convolution, so the first/last bins are biased low):
 * - `gaussian`: taps `exp(-k^2 / (2 (sigma_ms / w)^2))` for `|k| <= round(2 sigma_ms / w)`;
 * - `box`: `2 trunc(width_ms / (2 w)) + 1` equal taps (width rounded down to an odd number of bins).
 */
export type RateSmoothing =
  { kernel: "gaussian"; sigma_ms: number } | { kernel: "box"; width_ms: number };

/**
 * Spike count of each neuron in the window `[tStart_ms, tStop_ms]`.
 *
 * @example
 * ```ts
 * import { spikeCountsPerNeuron } from "neurolab";
 * const spikes = { times_ms: new Float64Array([1, 2, 3]), neurons: new Int32Array([0, 2, 0]), nNeurons: 3, tStart_ms: 0, tStop_ms: 10 };
 * spikeCountsPerNeuron(spikes); // Int32Array [2, 0, 1]
 * ```
 */
export function spikeCountsPerNeuron(spikes: SpikeInput): Int32Array {
  const trains = isTrains(spikes);
  const n = spikes.nNeurons;
  if (trains) {
    checkTrains(spikes);
    const { offsets, times_ms, tStart_ms, tStop_ms } = spikes;
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const lo = lowerBound(times_ms, tStart_ms, offsets[i], offsets[i + 1]);
      c[i] = upperBound(times_ms, tStop_ms, lo, offsets[i + 1]) - lo;
    }
    return c;
  }
  checkEvents(spikes);
  const { times_ms, neurons, tStart_ms, tStop_ms } = spikes;
  const lo = lowerBound(times_ms, tStart_ms, 0, times_ms.length);
  const hi = upperBound(times_ms, tStop_ms, lo, times_ms.length);
  const c = new Int32Array(n);
  for (let k = lo; k < hi; k++) c[neurons[k]]++;
  return c;
}

/**
 * Mean firing rate of each neuron, Hz (Elephant `mean_firing_rate`):
 * `r_i = N_i / ((tStop_ms - tStart_ms) / 1000)` with `N_i` the neuron's spikes in
 * `[tStart_ms, tStop_ms]`.
 *
 * @example
 * ```ts
 * import { firingRates_Hz } from "neurolab";
 * const spikes = { times_ms: new Float64Array([100, 200, 300]), neurons: new Int32Array([0, 0, 1]), nNeurons: 2, tStart_ms: 0, tStop_ms: 1000 };
 * firingRates_Hz(spikes); // Float64Array [2, 1] (spikes per second)
 * ```
 */
export function firingRates_Hz(spikes: SpikeInput): Float64Array {
  const counts = spikeCountsPerNeuron(spikes);
  const perSpike = 1000 / (spikes.tStop_ms - spikes.tStart_ms);
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] * perSpike;
  return out;
}

/** Binned population rate: `t_ms[k]` is the left edge of bin `k`, ms; `rate_Hz[k]` its rate, Hz. */
export interface PopulationRate {
  readonly t_ms: Float64Array;
  readonly rate_Hz: Float64Array;
  readonly binWidth_ms: number;
}

/**
 * Population rate histogram, Hz (Elephant `time_histogram(output="rate")` averaged over
 * neurons, i.e. Brian2's `PopulationRateMonitor` at bin resolution):
 * `rate(k) = C(k) / (nNeurons * binWidth_ms / 1000)` with `C(k)` the spikes of all neurons in
 * bin `k`. Bins `[tStart_ms + k w, tStart_ms + (k+1) w)`, `k < floor(D / w)` (D = window
 * length; spikes past the last full bin are dropped; a spike exactly at the last bin's right
 * edge counts in it). Optional {@link RateSmoothing} afterwards.
 *
 * @example
 * ```ts
 * import { Network, populationRate_Hz, spikeEventsFromMonitor } from "neurolab";
 * const net = new Network({ dt_ms: 0.1, seed: 1 });
 * const inp = net.addPoisson("in", { size: 100, rate_Hz: 10 });
 * const mon = net.monitorSpikes([inp]);
 * net.run(500);
 * const rate = populationRate_Hz(spikeEventsFromMonitor(mon, 0, 500), { binWidth_ms: 10, smoothing: { kernel: "gaussian", sigma_ms: 20 } });
 * rate.rate_Hz; // about 10 Hz in every bin
 * ```
 */
export function populationRate_Hz(
  spikes: SpikeInput,
  opts: { binWidth_ms: number; smoothing?: RateSmoothing },
): PopulationRate {
  isTrains(spikes);
  const b = makeBinning(
    spikes.tStart_ms,
    spikes.tStop_ms,
    checkOptions(opts, ["binWidth_ms", "smoothing"], "options").binWidth_ms,
  );
  const counts = new Float64Array(b.nBins);
  if (isTrains(spikes)) {
    checkTrains(spikes);
    const { offsets, times_ms, tStart_ms, tStop_ms } = spikes;
    for (let i = 0; i < spikes.nNeurons; i++) {
      const hi = upperBound(times_ms, tStop_ms, offsets[i], offsets[i + 1]);
      histogramInto(counts, b, times_ms, lowerBound(times_ms, tStart_ms, offsets[i], hi), hi);
    }
  } else {
    checkEvents(spikes);
    const { times_ms, tStart_ms, tStop_ms } = spikes;
    const hi = upperBound(times_ms, tStop_ms, 0, times_ms.length);
    histogramInto(counts, b, times_ms, lowerBound(times_ms, tStart_ms, 0, hi), hi);
  }
  const scale = 1000 / (spikes.nNeurons * b.w);
  for (let k = 0; k < counts.length; k++) counts[k] *= scale;
  const rate = opts.smoothing ? smoothBinned(counts, b.w, opts.smoothing) : counts;
  const t = new Float64Array(b.nBins);
  for (let k = 0; k < t.length; k++) t[k] = b.t0 + k * b.w;
  return { t_ms: t, rate_Hz: rate, binWidth_ms: b.w };
}

/** Adds the in-window spikes `times[lo..hi)` to their bins (see {@link binOf}). */
function histogramInto(
  counts: Float64Array,
  b: Binning,
  times: Float64Array,
  lo: number,
  hi: number,
): void {
  const { t0, w, nBins } = b;
  const last = nBins + BIN_TOLERANCE;
  for (let k = lo; k < hi; k++) {
    const x = (times[k] - t0) / w;
    const j = Math.floor(x + BIN_TOLERANCE);
    if (j < nBins) counts[j < 0 ? 0 : j]++;
    else if (x <= last) counts[nBins - 1]++;
  }
}

/**
 * Smooths a binned signal (bin width `binWidth_ms`, ms) with a {@link RateSmoothing} window,
 * zero-padded "same" convolution as `numpy.convolve(x, window / sum(window), "same")`.
 *
 * @example
 * ```ts
 * import { smoothBinned } from "neurolab";
 * smoothBinned([0, 0, 100, 0, 0], 1, { kernel: "box", width_ms: 3 }); // the peak spread over 3 bins
 * ```
 */
export function smoothBinned(
  values: ArrayLike<number>,
  binWidth_ms: number,
  smoothing: RateSmoothing,
): Float64Array {
  checkNumber(binWidth_ms, "binWidth_ms", { min: 0, minExclusive: true });
  const kernel = smoothingKernel(smoothing, binWidth_ms);
  const out = new Float64Array(values.length);
  convolveSame(values, kernel, out);
  return out;
}

/** @internal normalised, odd-length, symmetric taps of a smoothing window. */
export function smoothingKernel(s: RateSmoothing, w: number): Float64Array {
  let taps: Float64Array;
  if (s && s.kernel === "gaussian") {
    const sigma = checkNumber(s.sigma_ms, "smoothing.sigma_ms", { min: 0, minExclusive: true }) / w;
    const h = Math.round(2 * sigma);
    taps = new Float64Array(2 * h + 1);
    for (let k = -h; k <= h; k++) taps[k + h] = Math.exp((-k * k) / (2 * sigma * sigma));
  } else if (s && s.kernel === "box") {
    const width = checkNumber(s.width_ms, "smoothing.width_ms", { min: 0, minExclusive: true });
    taps = new Float64Array(2 * Math.trunc(width / (2 * w) + 1e-9) + 1).fill(1);
  } else {
    throw new RangeError(
      `smoothing.kernel must be one of "gaussian", "box", got ${describeValue((s as { kernel?: unknown })?.kernel)}`,
    );
  }
  let sum = 0;
  for (let k = 0; k < taps.length; k++) sum += taps[k];
  for (let k = 0; k < taps.length; k++) taps[k] /= sum;
  return taps;
}

/** @internal `out[k] = sum_j x[k + j - h] * kernel[j]`, zero outside `x` (kernel symmetric, length 2h+1). */
export function convolveSame(x: ArrayLike<number>, kernel: Float64Array, out: Float64Array): void {
  const n = x.length;
  const h = (kernel.length - 1) >> 1;
  for (let k = 0; k < n; k++) {
    const jLo = Math.max(0, h - k);
    const jHi = Math.min(kernel.length, n + h - k);
    let s = 0;
    for (let j = jLo; j < jHi; j++) s += x[k + j - h] * kernel[j];
    out[k] = s;
  }
}
