/**
 * Population synchrony: Golomb's chi on binned spike counts.
 */
import { checkOptions } from "../core/validate.js";
import { type RateSmoothing, convolveSame, smoothingKernel } from "./rates.js";
import {
  type SpikeInput,
  binIndices,
  binnedMoments,
  makeBinning,
  windowedTrains,
} from "./spikes.js";

/** Result of {@link spikeTrainSynchrony}. Variances are of counts per bin (spikes^2). */
export interface SpikeTrainSynchrony {
  /** Golomb's synchrony measure `chi = sqrt(chiSquared)`, in [0, 1] (1 = identical trains). */
  readonly chi: number;
  /** `populationVariance / meanNeuronVariance`. */
  readonly chiSquared: number;
  /** `Var_k(m(k))` of the population-averaged signal `m(k) = (1/N) sum_i x_i(k)`. */
  readonly populationVariance: number;
  /** `(1/N) sum_i Var_k(x_i(k))`. */
  readonly meanNeuronVariance: number;
  /** Neurons averaged over (`N`). */
  readonly nNeurons: number;
}

/**
 * Golomb's synchrony measure (Golomb & Rinzel 1994; Golomb 2007, Scholarpedia "Neuronal
 * synchrony measures") on binned spike counts `x_i(k)` (bin width `binWidth_ms`, ms; bins as in
 * {@link populationRate_Hz}), optionally smoothed per neuron with a {@link RateSmoothing} window:
 * `chi^2 = Var_k[(1/N) sum_i x_i(k)] / ((1/N) sum_i Var_k[x_i(k)])`, variances over time bins
 * (ddof 0). chi = 1 for identical trains; for N independent trains chi ~ 1/sqrt(N) (plus a
 * finite-duration bias). All `nNeurons` neurons count (silent ones add 0 variance and lower
 * chi) unless `excludeSilent`. NaN if every signal is constant. O(spikes + bins) without
 * smoothing; O(N * bins * kernel) with it.
 *
 * @example
 * ```ts
 * import { spikeTrainSynchrony } from "neurolab";
 * const same = { times_ms: new Float64Array([10, 10, 50, 50]), neurons: new Int32Array([0, 1, 0, 1]), nNeurons: 2, tStart_ms: 0, tStop_ms: 100 };
 * spikeTrainSynchrony(same, { binWidth_ms: 1, smoothing: { kernel: "gaussian", sigma_ms: 2 } }).chi; // 1 (identical trains)
 * ```
 */
export function spikeTrainSynchrony(
  spikes: SpikeInput,
  opts: { binWidth_ms: number; smoothing?: RateSmoothing; excludeSilent?: boolean },
): SpikeTrainSynchrony {
  const t = windowedTrains(spikes);
  const b = makeBinning(
    t.tStart_ms,
    t.tStop_ms,
    checkOptions(opts, ["binWidth_ms", "smoothing", "excludeSilent"], "options").binWidth_ms,
  );
  const bins = binIndices(t, b);
  const T = b.nBins;
  const off = t.offsets;
  const { s1, s2 } = binnedMoments(t, bins);
  let n = 0;
  for (let i = 0; i < t.nNeurons; i++) if (!opts.excludeSilent || s1[i] > 0) n++;
  const pop = new Float64Array(T);
  let sumVar = 0;
  if (!opts.smoothing) {
    for (let k = 0; k < bins.length; k++) if (bins[k] >= 0) pop[bins[k]]++;
    for (let i = 0; i < t.nNeurons; i++) sumVar += (T * s2[i] - s1[i] * s1[i]) / (T * T);
  } else {
    const kernel = smoothingKernel(opts.smoothing, b.w);
    const x = new Float64Array(T);
    const y = new Float64Array(T);
    for (let i = 0; i < t.nNeurons; i++) {
      if (s1[i] === 0) continue;
      x.fill(0);
      for (let k = off[i]; k < off[i + 1]; k++) if (bins[k] >= 0) x[bins[k]]++;
      convolveSame(x, kernel, y);
      sumVar += variance(y);
      for (let k = 0; k < T; k++) pop[k] += y[k];
    }
  }
  for (let k = 0; k < T; k++) pop[k] /= n;
  const populationVariance = variance(pop);
  const meanNeuronVariance = sumVar / n;
  const chiSquared = meanNeuronVariance > 0 ? populationVariance / meanNeuronVariance : NaN;
  return {
    chi: Math.sqrt(chiSquared),
    chiSquared,
    populationVariance,
    meanNeuronVariance,
    nNeurons: n,
  };
}

/** Population variance (ddof 0), two-pass. */
function variance(x: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  const m = s / x.length;
  let v = 0;
  for (let k = 0; k < x.length; k++) v += (x[k] - m) * (x[k] - m);
  return v / x.length;
}
