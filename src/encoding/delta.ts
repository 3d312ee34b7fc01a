/**
 * Change-driven codes for time series (time-major `signal[t * nInputs + i]`).
 *
 * `deltaEncode` is snnTorch's `spikegen.delta`: an ON spike in step t when
 * `x(t) - x(t-1) >= threshold`, optionally an OFF spike (-1) when `<= -threshold`; `x(-1)` is 0,
 * or `x(0)` with `padding` (then step 0 never spikes).
 *
 * `sendOnDelta` is send-on-delta sampling (Miskowicz 2006, Sensors 6:49; the level-crossing
 * event code of neuromorphic sensors): each channel keeps the last value it reported, starting
 * at `x(0)`; in a step where `|x(t) - reference| >= threshold` it emits an ON (up) or OFF (down)
 * spike and the reference becomes `x(t)`. Unlike `deltaEncode`, slow drifts accumulate until
 * they cross the threshold.
 */
import { checkFiniteArray, checkInteger, checkPositive } from "../core/checks.js";
import { checkArrayLike, checkRequiredOptions } from "../core/validate.js";
import type { SpikeRaster } from "./raster.js";

/** Options shared by the delta codes. */
export interface DeltaOptions {
  /** Number of inputs (channels); `signal.length` must be a multiple of it. */
  nInputs: number;
  /** Change that triggers a spike (> 0), in the signal's units. */
  threshold: number;
  /** Step length, ms (> 0). Default 1. Only labels the raster. */
  dt_ms?: number;
  /** Emit OFF spikes (-1) for decreases. Default false (deltaEncode), true (sendOnDelta). */
  offSpikes?: boolean;
}

function shape(signal: ArrayLike<number>, nInputs: number): number {
  checkInteger(nInputs, "nInputs", 1);
  if (signal.length === 0 || signal.length % nInputs !== 0) {
    throw new RangeError(
      `signal.length must be a positive multiple of nInputs = ${nInputs}, got ${signal.length}`,
    );
  }
  checkFiniteArray(signal, "signal");
  return signal.length / nInputs;
}

/**
 * snnTorch's `spikegen.delta` on a time-major signal (see the module header).
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * // snnTorch's spikegen.delta: a spike where the signal rose by at least the threshold since the last step
 * const raster = encoding.deltaEncode([0, 0.5, 0.6, 0.1], { nInputs: 1, threshold: 0.3, offSpikes: true });
 * raster.spikes; // Int8Array [0, 1, 0, -1]
 * ```
 */
export function deltaEncode(
  signal: ArrayLike<number>,
  opts: DeltaOptions & { padding?: boolean },
): SpikeRaster {
  checkArrayLike(signal, "signal");
  checkRequiredOptions(opts, "deltaEncode options", "nInputs and threshold");
  const { nInputs, dt_ms = 1, offSpikes = false, padding = false } = opts;
  const threshold = checkPositive(opts.threshold, "threshold");
  checkPositive(dt_ms, "dt_ms");
  const nSteps = shape(signal, nInputs);
  const spikes = new Int8Array(signal.length);
  for (let t = 0; t < nSteps; t++) {
    for (let i = 0; i < nInputs; i++) {
      const k = t * nInputs + i;
      const previous = t > 0 ? signal[k - nInputs] : padding ? signal[k] : 0;
      const d = signal[k] - previous;
      spikes[k] = d >= threshold ? 1 : offSpikes && d <= -threshold ? -1 : 0;
    }
  }
  return { nSteps, nInputs, dt_ms, spikes };
}

/**
 * Send-on-delta events of a time-major signal (see the module header).
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * // a spike each time the signal moved by the threshold since the last spike (send-on-delta)
 * encoding.sendOnDelta([0, 0.2, 0.4, 0.5, 0.1], { nInputs: 1, threshold: 0.3, offSpikes: true }).spikes;
 * ```
 */
export function sendOnDelta(signal: ArrayLike<number>, opts: DeltaOptions): SpikeRaster {
  checkArrayLike(signal, "signal");
  checkRequiredOptions(opts, "sendOnDelta options", "nInputs and threshold");
  const { nInputs, dt_ms = 1, offSpikes = true } = opts;
  const threshold = checkPositive(opts.threshold, "threshold");
  checkPositive(dt_ms, "dt_ms");
  const nSteps = shape(signal, nInputs);
  const spikes = new Int8Array(signal.length);
  const reference = new Float64Array(nInputs);
  for (let i = 0; i < nInputs; i++) reference[i] = signal[i];
  for (let t = 1; t < nSteps; t++) {
    for (let i = 0; i < nInputs; i++) {
      const k = t * nInputs + i;
      const d = signal[k] - reference[i];
      if (d >= threshold) {
        spikes[k] = 1;
        reference[i] = signal[k];
      } else if (d <= -threshold) {
        if (offSpikes) spikes[k] = -1;
        reference[i] = signal[k];
      }
    }
  }
  return { nSteps, nInputs, dt_ms, spikes };
}
