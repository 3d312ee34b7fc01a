/**
 * Spike data representations for the analysis functions, their validation, and the
 * conversion from the simulator's event list to per-neuron trains.
 *
 * Window convention (as Elephant's `mean_firing_rate`): only spikes with
 * `tStart_ms <= t <= tStop_ms` (closed at both ends) are analysed; spikes outside are ignored.
 */
import { checkInteger, checkNumber } from "../core/checks.js";
import {
  checkAllocation,
  checkArrayLike,
  describeValue,
  MAX_POPULATION_SIZE,
} from "../core/validate.js";

/**
 * Spikes as a {@link SpikeMonitor} exposes them: parallel arrays of spike times (ms, sorted by
 * time, ties in any order) and neuron indices in `[0, nNeurons)`, plus the analysis window (ms).
 */
export interface SpikeEvents {
  /** Spike times, ms, non-decreasing. */
  readonly times_ms: Float64Array;
  /** Neuron index of each spike, in `[0, nNeurons)`. */
  readonly neurons: Int32Array;
  /** Number of neurons (silent ones included). */
  readonly nNeurons: number;
  /** Start of the analysis window, ms (inclusive). */
  readonly tStart_ms: number;
  /** End of the analysis window, ms (inclusive); must be > `tStart_ms`. */
  readonly tStop_ms: number;
}

/**
 * Per-neuron spike trains in CSR layout: neuron `i`'s spike times (ms, non-decreasing) are
 * `times_ms[offsets[i] .. offsets[i + 1])`. `offsets` has `nNeurons + 1` entries.
 */
export interface SpikeTrains {
  /** Row pointers, length `nNeurons + 1`, `offsets[0] = 0`, `offsets[nNeurons] = times_ms.length`. */
  readonly offsets: Int32Array;
  /** Spike times, ms, sorted within each neuron's segment. */
  readonly times_ms: Float64Array;
  /** Number of neurons. */
  readonly nNeurons: number;
  /** Start of the analysis window, ms (inclusive). */
  readonly tStart_ms: number;
  /** End of the analysis window, ms (inclusive); must be > `tStart_ms`. */
  readonly tStop_ms: number;
}

/** Either spike representation; every statistic that takes it accepts both. */
export type SpikeInput = SpikeEvents | SpikeTrains;

/**
 * Wraps a spike monitor's recording (or anything with `times_ms`, `neurons` and `size`) as
 * {@link SpikeEvents} over the window `[tStart_ms, tStop_ms]` (ms). Copies nothing beyond the
 * monitor's own getters.
 *
 * @example
 * ```ts
 * import { Network, spikeEventsFromMonitor, isiIntervals } from "neurolab";
 * const net = new Network({ seed: 3 });
 * const inp = net.addPoisson("in", { size: 20, rate_Hz: 30 });
 * const mon = net.monitorSpikes([inp]);
 * net.run(1000);
 * isiIntervals(spikeEventsFromMonitor(mon, 0, 1000)).isi_ms.length;
 * ```
 */
export function spikeEventsFromMonitor(
  monitor: { readonly times_ms: Float64Array; readonly neurons: Int32Array; readonly size: number },
  tStart_ms: number,
  tStop_ms: number,
): SpikeEvents {
  if (monitor === null || typeof monitor !== "object")
    throw new TypeError(
      `monitor must be a spike monitor (times_ms, neurons, size), got ${describeValue(monitor)}`,
    );
  const ev: SpikeEvents = {
    times_ms: monitor.times_ms,
    neurons: monitor.neurons,
    nNeurons: monitor.size,
    tStart_ms,
    tStop_ms,
  };
  checkEvents(ev);
  return ev;
}

/**
 * Splits time-sorted spike events into per-neuron trains (stable counting sort, O(spikes +
 * neurons)), keeping only spikes in `[tStart_ms, tStop_ms]`. Each train stays sorted by time.
 *
 * @example
 * ```ts
 * import { spikeTrainsByNeuron, neuronTrain_ms } from "neurolab";
 * const events = { times_ms: new Float64Array([1, 2, 3]), neurons: new Int32Array([1, 0, 1]), nNeurons: 2, tStart_ms: 0, tStop_ms: 5 };
 * const trains = spikeTrainsByNeuron(events);
 * neuronTrain_ms(trains, 1); // Float64Array [1, 3]
 * ```
 */
export function spikeTrainsByNeuron(events: SpikeEvents): SpikeTrains {
  checkEvents(events);
  const { times_ms, neurons, nNeurons, tStart_ms, tStop_ms } = events;
  const lo = lowerBound(times_ms, tStart_ms, 0, times_ms.length);
  const hi = upperBound(times_ms, tStop_ms, lo, times_ms.length);
  const offsets = new Int32Array(nNeurons + 1);
  for (let k = lo; k < hi; k++) offsets[neurons[k] + 1]++;
  for (let i = 0; i < nNeurons; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, nNeurons);
  const times = new Float64Array(hi - lo);
  for (let k = lo; k < hi; k++) times[cursor[neurons[k]]++] = times_ms[k];
  return { offsets, times_ms: times, nNeurons, tStart_ms, tStop_ms };
}

/**
 * Spike times (ms) of neuron `i` of per-neuron trains, as a view (no copy).
 *
 * @example
 * ```ts
 * import { spikeTrainsByNeuron, neuronTrain_ms } from "neurolab";
 * const trains = spikeTrainsByNeuron({ times_ms: new Float64Array([4, 9]), neurons: new Int32Array([0, 0]), nNeurons: 1, tStart_ms: 0, tStop_ms: 10 });
 * neuronTrain_ms(trains, 0); // Float64Array [4, 9] (a view, not a copy)
 * ```
 */
export function neuronTrain_ms(trains: SpikeTrains, i: number): Float64Array {
  checkTrains(trains);
  checkInteger(i, "i", 0, trains.nNeurons - 1);
  return trains.times_ms.subarray(trains.offsets[i], trains.offsets[i + 1]);
}

/**
 * Time-sorted spike times (ms) of the neurons `[start, start + size)` merged into one train,
 * restricted to the window; e.g. one population of a monitor (`monitor.ranges`). Feed it to
 * {@link crossCorrelogram} for population-level correlograms.
 *
 * @example
 * ```ts
 * import { populationTimes_ms } from "neurolab";
 * const spikes = { times_ms: new Float64Array([1, 2, 3]), neurons: new Int32Array([0, 5, 6]), nNeurons: 8, tStart_ms: 0, tStop_ms: 5 };
 * populationTimes_ms(spikes, 4, 4); // spikes of neurons 4..7: Float64Array [2, 3]
 * ```
 */
export function populationTimes_ms(spikes: SpikeInput, start: number, size: number): Float64Array {
  if (isTrains(spikes)) checkTrains(spikes);
  else checkEvents(spikes);
  checkInteger(start, "start", 0, spikes.nNeurons - 1);
  checkInteger(size, "size", 1, spikes.nNeurons - start);
  const end = start + size;
  if (!isTrains(spikes)) {
    checkEvents(spikes);
    const { times_ms, neurons } = spikes;
    const lo = lowerBound(times_ms, spikes.tStart_ms, 0, times_ms.length);
    const hi = upperBound(times_ms, spikes.tStop_ms, lo, times_ms.length);
    let n = 0;
    for (let k = lo; k < hi; k++) if (neurons[k] >= start && neurons[k] < end) n++;
    const out = new Float64Array(n);
    n = 0;
    for (let k = lo; k < hi; k++)
      if (neurons[k] >= start && neurons[k] < end) out[n++] = times_ms[k];
    return out;
  }
  const t = windowedTrains(spikes);
  return t.times_ms.slice(t.offsets[start], t.offsets[end]).sort();
}

/**
 * Mean of the non-NaN entries (e.g. per-neuron CVs, where NaN marks "too few spikes"); NaN if none.
 *
 * @example
 * ```ts
 * import { meanIgnoringNaN } from "neurolab";
 * meanIgnoringNaN([1, NaN, 3]); // 2
 * ```
 */
export function meanIgnoringNaN(values: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      s += v;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

// ---------------------------------------------------------------------------------------------
// Internal helpers (not re-exported from the package).

/** @internal */
export function isTrains(s: SpikeInput): s is SpikeTrains {
  if (s === null || typeof s !== "object") {
    throw new TypeError(
      `spikes must be SpikeEvents { times_ms, neurons, nNeurons, tStart_ms, tStop_ms } or SpikeTrains { offsets, times_ms, nNeurons, tStart_ms, tStop_ms }, got ${describeValue(s)}`,
    );
  }
  return (s as SpikeTrains).offsets !== undefined;
}

/** @internal validates the window; returns its duration, ms. */
export function checkWindow(tStart_ms: number, tStop_ms: number): number {
  checkNumber(tStart_ms, "tStart_ms");
  checkNumber(tStop_ms, "tStop_ms", { min: tStart_ms, minExclusive: true });
  return tStop_ms - tStart_ms;
}

/** @internal every entry finite and non-decreasing over `[from, to)`. */
export function checkSortedTimes(
  times: ArrayLike<number>,
  name: string,
  from = 0,
  to = checkArrayLike(times, name).length,
): void {
  let prev = -Infinity;
  for (let k = from; k < to; k++) {
    const v = times[k];
    if (!(v >= prev && v < Infinity && v > -Infinity)) {
      if (!Number.isFinite(v))
        throw new RangeError(`${name}[${k}] must be a finite number, got ${v}`);
      throw new RangeError(
        `${name}[${k}] must be >= ${name}[${k - 1}] = ${prev} (spike times must be sorted), got ${v}`,
      );
    }
    prev = v;
  }
}

/** @internal */
export function checkEvents(e: SpikeEvents): void {
  isTrains(e);
  checkWindow(e.tStart_ms, e.tStop_ms);
  const n = checkInteger(e.nNeurons, "nNeurons", 1, MAX_POPULATION_SIZE);
  const { times_ms, neurons } = e;
  if (!times_ms || typeof times_ms.length !== "number")
    throw new RangeError(`times_ms must be a Float64Array, got ${describeValue(times_ms)}`);
  if (!neurons || neurons.length !== times_ms.length) {
    throw new RangeError(
      `neurons.length must equal times_ms.length = ${times_ms.length}, got ${neurons ? neurons.length : String(neurons)}`,
    );
  }
  checkSortedTimes(times_ms, "times_ms");
  for (let k = 0; k < neurons.length; k++) {
    const i = neurons[k];
    if (!(i >= 0 && i < n && (i | 0) === i))
      throw new RangeError(`neurons[${k}] must be an integer in [0, ${n - 1}], got ${i}`);
  }
}

/** @internal */
export function checkTrains(t: SpikeTrains): void {
  isTrains(t);
  checkWindow(t.tStart_ms, t.tStop_ms);
  const n = checkInteger(t.nNeurons, "nNeurons", 1, MAX_POPULATION_SIZE);
  const { offsets, times_ms } = t;
  if (!offsets || offsets.length !== n + 1)
    throw new RangeError(
      `offsets.length must be nNeurons + 1 = ${n + 1}, got ${offsets ? offsets.length : String(offsets)}`,
    );
  if (offsets[0] !== 0) throw new RangeError(`offsets[0] must be 0, got ${offsets[0]}`);
  for (let i = 0; i < n; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    if (!(b >= a && b <= times_ms.length))
      throw new RangeError(
        `offsets[${i + 1}] must be an integer in [${a}, ${times_ms.length}], got ${b}`,
      );
    checkSortedTimes(times_ms, "times_ms", a, b);
  }
  if (offsets[n] !== times_ms.length)
    throw new RangeError(
      `offsets[${n}] must equal times_ms.length = ${times_ms.length}, got ${offsets[n]}`,
    );
}

/**
 * @internal validated per-neuron trains holding only in-window spikes: converts events, and
 * for trains copies only if some spike lies outside the window.
 */
export function windowedTrains(s: SpikeInput): SpikeTrains {
  if (!isTrains(s)) return spikeTrainsByNeuron(s);
  checkTrains(s);
  const { offsets, times_ms, nNeurons, tStart_ms, tStop_ms } = s;
  let inside = true;
  for (let i = 0; i < nNeurons && inside; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    if (b > a && (times_ms[a] < tStart_ms || times_ms[b - 1] > tStop_ms)) inside = false;
  }
  if (inside) return s;
  const off = new Int32Array(nNeurons + 1);
  const lo = new Int32Array(nNeurons);
  for (let i = 0; i < nNeurons; i++) {
    lo[i] = lowerBound(times_ms, tStart_ms, offsets[i], offsets[i + 1]);
    off[i + 1] = off[i] + upperBound(times_ms, tStop_ms, lo[i], offsets[i + 1]) - lo[i];
  }
  const times = new Float64Array(off[nNeurons]);
  for (let i = 0; i < nNeurons; i++)
    times.set(times_ms.subarray(lo[i], lo[i] + off[i + 1] - off[i]), off[i]);
  return { offsets: off, times_ms: times, nNeurons, tStart_ms, tStop_ms };
}

/** @internal first index in `[lo, hi)` with `a[k] >= x` (or `hi`). */
export function lowerBound(a: Float64Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** @internal first index in `[lo, hi)` with `a[k] > x` (or `hi`). */
export function upperBound(a: Float64Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * @internal Binning of `[tStart, tStop]` into `nBins = floor(D / w)` bins of width `w` (with
 * Elephant's 1e-8 tolerance on `D / w` and on each spike's bin position). Bins are half-open
 * `[t0 + k w, t0 + (k+1) w)` except the last, which also holds a spike exactly on its right edge.
 * Spikes past the last full bin (when `D` is not a multiple of `w`) get index -1.
 */
export interface Binning {
  readonly t0: number;
  readonly w: number;
  readonly nBins: number;
}

/** Elephant's `round_binning_errors` absolute tolerance (in bins). */
export const BIN_TOLERANCE = 1e-8;

/** @internal */
export function makeBinning(
  tStart_ms: number,
  tStop_ms: number,
  binWidth_ms: number,
  name = "binWidth_ms",
): Binning {
  const duration = checkWindow(tStart_ms, tStop_ms);
  checkNumber(binWidth_ms, name, {
    min: 0,
    minExclusive: true,
    max: duration * (1 + BIN_TOLERANCE),
  });
  const nBins = Math.max(1, Math.floor(duration / binWidth_ms + BIN_TOLERANCE));
  checkAllocation(nBins, 8, `${name}: ${duration} ms in bins of ${binWidth_ms} ms`);
  return { t0: tStart_ms, w: binWidth_ms, nBins };
}

/** @internal bin index of an in-window spike time, or -1 if past the last full bin. */
export function binOf(b: Binning, t: number): number {
  const x = (t - b.t0) / b.w;
  const k = Math.floor(x + BIN_TOLERANCE);
  if (k < b.nBins) return k < 0 ? 0 : k;
  return x <= b.nBins + BIN_TOLERANCE ? b.nBins - 1 : -1;
}

/**
 * @internal Bin index of every spike of the trains (same layout as `times_ms`), -1 for spikes
 * past the last full bin. Indices are non-decreasing within each neuron.
 */
export function binIndices(t: SpikeTrains, b: Binning): Int32Array {
  const out = new Int32Array(t.times_ms.length);
  const { t0, w, nBins } = b;
  const times = t.times_ms;
  for (let k = 0; k < times.length; k++) {
    const x = (times[k] - t0) / w;
    const j = Math.floor(x + BIN_TOLERANCE);
    out[k] = j < nBins ? (j < 0 ? 0 : j) : x <= nBins + BIN_TOLERANCE ? nBins - 1 : -1;
  }
  return out;
}

/**
 * @internal Per-neuron sums over bins of the binned counts `x_i(k)`: `s1[i] = sum_k x_i(k)`,
 * `s2[i] = sum_k x_i(k)^2`, from runs of equal bin indices (no dense matrix).
 */
export function binnedMoments(
  t: SpikeTrains,
  bins: Int32Array,
): { s1: Float64Array; s2: Float64Array } {
  const n = t.nNeurons;
  const s1 = new Float64Array(n);
  const s2 = new Float64Array(n);
  const off = t.offsets;
  for (let i = 0; i < n; i++) {
    let a = off[i];
    const e = off[i + 1];
    let sum = 0;
    let sq = 0;
    while (a < e) {
      const bin = bins[a];
      let c = 0;
      while (a < e && bins[a] === bin) {
        a++;
        c++;
      }
      if (bin >= 0) {
        sum += c;
        sq += c * c;
      }
    }
    s1[i] = sum;
    s2[i] = sq;
  }
  return { s1, s2 };
}
