/**
 * Spike-train variability: inter-spike intervals (ISIs), CV, CV2, LV and Fano factors.
 *
 * Convention for too-short trains: the ISI statistics need at least two ISIs (three spikes in
 * the window); neurons with fewer get `NaN` (never an exception). Average with
 * {@link meanIgnoringNaN}, which skips them. (Elephant's `cv2`/`lv` with `with_nan=True` return
 * NaN for < 2 ISIs in the same way; its `cv` returns 0 for a single ISI, where we return NaN.)
 */
import { checkOptions } from "../core/validate.js";
import { checkFiniteArray } from "../core/checks.js";
import {
  type SpikeInput,
  binIndices,
  binnedMoments,
  makeBinning,
  windowedTrains,
} from "./spikes.js";
import { spikeCountsPerNeuron } from "./rates.js";

/** Per-neuron ISIs in CSR layout: neuron `i`'s intervals (ms) are `isi_ms[offsets[i] .. offsets[i + 1])`. */
export interface IsiSets {
  readonly offsets: Int32Array;
  readonly isi_ms: Float64Array;
}

/**
 * Inter-spike intervals of each neuron, ms: `I_k = t_{k+1} - t_k` over its spikes in the window
 * (Elephant `isi`). A neuron with `n` spikes has `max(n - 1, 0)` intervals.
 *
 * @example
 * ```ts
 * import { isiIntervals } from "neurolab";
 * const spikes = { times_ms: new Float64Array([0, 10, 30]), neurons: new Int32Array([0, 0, 0]), nNeurons: 1, tStart_ms: 0, tStop_ms: 40 };
 * isiIntervals(spikes).isi_ms; // Float64Array [10, 20]
 * ```
 */
export function isiIntervals(spikes: SpikeInput): IsiSets {
  const t = windowedTrains(spikes);
  const n = t.nNeurons;
  const off = t.offsets;
  const times = t.times_ms;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + Math.max(off[i + 1] - off[i] - 1, 0);
  const isi = new Float64Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    let o = offsets[i];
    for (let k = off[i] + 1; k < off[i + 1]; k++) isi[o++] = times[k] - times[k - 1];
  }
  return { offsets, isi_ms: isi };
}

/**
 * Coefficient of variation of one ISI sequence (Elephant `cv` = `scipy.stats.variation`,
 * population sd): `CV = sqrt(mean((I - mean(I))^2)) / mean(I)`. Dimensionless; 1 for a Poisson
 * process, 0 for a regular train. NaN for fewer than 2 intervals (or a zero mean).
 *
 * @example
 * ```ts
 * import { isiCv } from "neurolab";
 * isiCv([10, 10, 10]); // 0: a regular train
 * isiCv([2, 30, 5, 18]); // near 1 for Poisson-like trains
 * ```
 */
export function isiCv(isi_ms: ArrayLike<number>): number {
  checkFiniteArray(isi_ms, "isi_ms", { min: 0 });
  return cvOf(isi_ms, 0, isi_ms.length);
}

/**
 * CV2 of one ISI sequence (Holt et al. 1996; Elephant `cv2`):
 * `CV2 = 2/(n-1) * sum_{k=1}^{n-1} |I_{k+1} - I_k| / (I_{k+1} + I_k)` for `n` intervals.
 * ~1 for Poisson, 0 for regular. NaN for fewer than 2 intervals.
 *
 * @example
 * ```ts
 * import { isiCv2 } from "neurolab";
 * isiCv2([10, 20, 10, 20]); // Holt's CV2: local variability of neighbouring intervals
 * ```
 */
export function isiCv2(isi_ms: ArrayLike<number>): number {
  checkFiniteArray(isi_ms, "isi_ms", { min: 0 });
  return cv2Of(isi_ms, 0, isi_ms.length);
}

/**
 * Local variation LV of one ISI sequence (Shinomoto et al. 2003; Elephant `lv`):
 * `LV = 3/(n-1) * sum_{k=1}^{n-1} ((I_k - I_{k+1}) / (I_k + I_{k+1}))^2`.
 * 1 for Poisson, 0 for regular. NaN for fewer than 2 intervals.
 *
 * @example
 * ```ts
 * import { isiLv } from "neurolab";
 * isiLv([10, 10, 10]); // 0; Shinomoto's LV is 1 for a Poisson process
 * ```
 */
export function isiLv(isi_ms: ArrayLike<number>): number {
  checkFiniteArray(isi_ms, "isi_ms", { min: 0 });
  return lvOf(isi_ms, 0, isi_ms.length);
}

/**
 * ISI coefficient of variation ({@link isiCv}) of each neuron; NaN for neurons with < 3 spikes in the window.
 *
 * @example
 * ```ts
 * import { coefficientOfVariation } from "neurolab";
 * const spikes = { times_ms: new Float64Array([0, 5, 7, 10, 20]), neurons: new Int32Array([0, 1, 1, 0, 0]), nNeurons: 2, tStart_ms: 0, tStop_ms: 30 };
 * coefficientOfVariation(spikes); // per neuron; NaN where a neuron has fewer than 2 intervals
 * ```
 */
export function coefficientOfVariation(spikes: SpikeInput): Float64Array {
  return perNeuron(spikes, trainCv);
}

/**
 * CV2 ({@link isiCv2}) of each neuron; NaN for neurons with < 3 spikes in the window.
 *
 * @example
 * ```ts
 * import { localCoefficientOfVariation } from "neurolab";
 * const spikes = { times_ms: new Float64Array([0, 10, 30, 40]), neurons: new Int32Array([0, 0, 0, 0]), nNeurons: 1, tStart_ms: 0, tStop_ms: 50 };
 * localCoefficientOfVariation(spikes); // CV2 per neuron
 * ```
 */
export function localCoefficientOfVariation(spikes: SpikeInput): Float64Array {
  return perNeuron(spikes, trainCv2);
}

/**
 * Local variation LV ({@link isiLv}) of each neuron; NaN for neurons with < 3 spikes in the window.
 *
 * @example
 * ```ts
 * import { localVariation } from "neurolab";
 * const spikes = { times_ms: new Float64Array([0, 10, 30, 40]), neurons: new Int32Array([0, 0, 0, 0]), nNeurons: 1, tStart_ms: 0, tStop_ms: 50 };
 * localVariation(spikes); // LV per neuron
 * ```
 */
export function localVariation(spikes: SpikeInput): Float64Array {
  return perNeuron(spikes, trainLv);
}

/**
 * Fano factor of a set of counts (Elephant `fanofactor` on their counts):
 * `F = var(c) / mean(c)` with the population variance (ddof 0). NaN if empty or all zero.
 *
 * @example
 * ```ts
 * import { fanoFactor } from "neurolab";
 * fanoFactor([3, 5, 4, 4]); // variance / mean of the counts
 * ```
 */
export function fanoFactor(counts: ArrayLike<number>): number {
  checkFiniteArray(counts, "counts", { min: 0 });
  const n = counts.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += counts[i];
  const m = s / n;
  if (m === 0) return NaN;
  let v = 0;
  for (let i = 0; i < n; i++) v += (counts[i] - m) * (counts[i] - m);
  return v / n / m;
}

/**
 * Fano factor across trains (Elephant `fanofactor(spiketrains)`): `var(N_i) / mean(N_i)` of the
 * spike counts `N_i` in `[tStart_ms, tStop_ms]` over the neurons `i`. Use it across trials by
 * recording each trial as one "neuron" (same window). NaN if no neuron spiked.
 *
 * @example
 * ```ts
 * import { fanoFactorAcrossTrains } from "neurolab";
 * const spikes = { times_ms: new Float64Array([1, 2, 3, 4]), neurons: new Int32Array([0, 0, 1, 2]), nNeurons: 3, tStart_ms: 0, tStop_ms: 10 };
 * fanoFactorAcrossTrains(spikes); // Fano factor of the per-neuron counts [2, 1, 1]
 * ```
 */
export function fanoFactorAcrossTrains(spikes: SpikeInput): number {
  return fanoFactor(spikeCountsPerNeuron(spikes));
}

/**
 * Fano factor of each neuron's spike counts over consecutive bins of `binWidth_ms` (ms):
 * `F_i = var_k(x_i(k)) / mean_k(x_i(k))` (ddof 0) over the `floor(D / w)` bins of the window.
 * ~1 for Poisson; NaN for silent neurons.
 *
 * @example
 * ```ts
 * import { fanoFactorPerNeuron } from "neurolab";
 * const spikes = { times_ms: new Float64Array([1, 2, 11, 25]), neurons: new Int32Array([0, 0, 0, 0]), nNeurons: 1, tStart_ms: 0, tStop_ms: 30 };
 * fanoFactorPerNeuron(spikes, { binWidth_ms: 10 }); // counts per 10 ms window: [2, 1, 1]
 * ```
 */
export function fanoFactorPerNeuron(
  spikes: SpikeInput,
  opts: { binWidth_ms: number },
): Float64Array {
  const t = windowedTrains(spikes);
  const b = makeBinning(
    t.tStart_ms,
    t.tStop_ms,
    checkOptions(opts, ["binWidth_ms"], "options").binWidth_ms,
  );
  const { s1, s2 } = binnedMoments(t, binIndices(t, b));
  const out = new Float64Array(t.nNeurons);
  const T = b.nBins;
  for (let i = 0; i < out.length; i++) {
    const m = s1[i] / T;
    out[i] = m > 0 ? (s2[i] / T - m * m) / m : NaN;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function perNeuron(
  spikes: SpikeInput,
  stat: (t: Float64Array, a: number, b: number) => number,
): Float64Array {
  const t = windowedTrains(spikes);
  const out = new Float64Array(t.nNeurons);
  const off = t.offsets;
  for (let i = 0; i < out.length; i++)
    out[i] = off[i + 1] - off[i] >= 3 ? stat(t.times_ms, off[i], off[i + 1]) : NaN;
  return out;
}

/** CV of the ISIs of spikes `t[a..b)`, `b - a >= 3`; the mean ISI is exact: `(t_last - t_first) / n`. */
function trainCv(t: Float64Array, a: number, b: number): number {
  const n = b - a - 1;
  const m = (t[b - 1] - t[a]) / n;
  let v = 0;
  for (let k = a + 1; k < b; k++) {
    const d = t[k] - t[k - 1] - m;
    v += d * d;
  }
  return Math.sqrt(v / n) / m;
}

function trainCv2(t: Float64Array, a: number, b: number): number {
  let s = 0;
  let prev = t[a + 1] - t[a];
  for (let k = a + 2; k < b; k++) {
    const cur = t[k] - t[k - 1];
    s += Math.abs(cur - prev) / (cur + prev);
    prev = cur;
  }
  return (2 * s) / (b - a - 2);
}

function trainLv(t: Float64Array, a: number, b: number): number {
  let s = 0;
  let prev = t[a + 1] - t[a];
  for (let k = a + 2; k < b; k++) {
    const cur = t[k] - t[k - 1];
    const r = (prev - cur) / (prev + cur);
    s += r * r;
    prev = cur;
  }
  return (3 * s) / (b - a - 2);
}

function cvOf(x: ArrayLike<number>, a: number, b: number): number {
  const n = b - a;
  if (n < 2) return NaN;
  let s = 0;
  for (let k = a; k < b; k++) s += x[k];
  const m = s / n;
  let v = 0;
  for (let k = a; k < b; k++) v += (x[k] - m) * (x[k] - m);
  return Math.sqrt(v / n) / m;
}

function cv2Of(x: ArrayLike<number>, a: number, b: number): number {
  if (b - a < 2) return NaN;
  let s = 0;
  for (let k = a + 1; k < b; k++) s += Math.abs(x[k] - x[k - 1]) / (x[k] + x[k - 1]);
  return (2 * s) / (b - a - 1);
}

function lvOf(x: ArrayLike<number>, a: number, b: number): number {
  if (b - a < 2) return NaN;
  let s = 0;
  for (let k = a + 1; k < b; k++) {
    const r = (x[k - 1] - x[k]) / (x[k - 1] + x[k]);
    s += r * r;
  }
  return (3 * s) / (b - a - 1);
}
