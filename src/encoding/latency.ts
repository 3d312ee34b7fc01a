/**
 * Latency (time-to-first-spike) coding, as snnTorch's `spikegen.latency` (snnTorch 1.0; same
 * options, same values): each input in [0, 1] fires one spike, stronger inputs earlier.
 *
 * Logarithmic code (default; the charging time of an RC circuit with time constant `tau` to
 * `threshold` under a constant input x): `t = tau * ln(x / (x - threshold))`, with x first
 * raised to `threshold + epsilon` (inputs below threshold saturate at the latest time).
 * Linear code: `t = tau * (1 - x)`, capped at `tau * (1 - threshold)`.
 * With `normalize`, times are scaled so the latest spike falls in the last step (linear:
 * `tau = nSteps - 1 - firstSpikeTime`; log: `t -> t * (nSteps - 1 - t0) / max(t)`).
 * `firstSpikeTime` (steps) shifts every spike. Times are in steps; the raster puts the spike in
 * step `round(t)` (round half to even, as `torch.round`), drops spikes past the last step, and
 * with `clip` drops the spikes of inputs below `threshold`.
 */
import { checkFiniteArray, checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { checkArrayLike, checkRequiredOptions } from "../core/validate.js";
import type { SpikeRaster } from "./raster.js";
import { describeValue } from "../core/describe.js";

/** Options of {@link latencyEncode} and {@link latencySpikeTimes} (snnTorch's names in brackets). */
export interface LatencyOptions {
  /** Number of time steps [num_steps] (integer >= 1). */
  nSteps: number;
  /** Step length, ms (> 0). Default 1. Only labels the raster. */
  dt_ms?: number;
  /** Input at which the RC circuit never reaches threshold [threshold], in (0, 1). Default 0.01. */
  threshold?: number;
  /** Time constant, steps [tau] (> 0). Default 1. */
  tau?: number;
  /** Shift of every spike, steps [first_spike_time] (integer in [0, nSteps - 1]). Default 0. */
  firstSpikeTime?: number;
  /** Scale so the latest spike is in the last step [normalize]. Default false. */
  normalize?: boolean;
  /** Linear instead of logarithmic code [linear]. Default false. */
  linear?: boolean;
  /** No spike for inputs below `threshold` [clip]. Default false. */
  clip?: boolean;
  /**
   * Drop spikes later than the last step instead of throwing [bypass, except that nSteps stays
   * as given]. Default false: a spike past the last step is an error, as in snnTorch.
   */
  allowLate?: boolean;
  /** Guard added to `threshold` before the log [epsilon]. Default 1e-7. */
  epsilon?: number;
}

/**
 * Spike time of each input, in steps (not rounded): snnTorch's `latency_code` values. Inputs
 * must lie in [0, 1].
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * // stronger inputs fire earlier (RC latency code as snnTorch's spikegen.latency)
 * encoding.latencySpikeTimes([0.1, 0.5, 1.0], { nSteps: 100, tau: 5, threshold: 0.01 });
 * ```
 */
export function latencySpikeTimes(values: ArrayLike<number>, opts: LatencyOptions): Float64Array {
  checkArrayLike(values, "values");
  checkRequiredOptions(opts, "latencySpikeTimes options", "nSteps");
  const {
    nSteps,
    threshold = 0.01,
    firstSpikeTime = 0,
    normalize = false,
    linear = false,
    epsilon = 1e-7,
  } = opts;
  let tau = opts.tau ?? 1;
  checkInteger(nSteps, "nSteps", 1, 2 ** 31 - 1);
  checkNumber(threshold, "threshold", { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  checkPositive(tau, "tau");
  checkInteger(firstSpikeTime, "firstSpikeTime", 0, nSteps - 1);
  checkNumber(epsilon, "epsilon", { min: 0 });
  checkFiniteArray(values, "values", { min: 0, max: 1 });
  const n = values.length;
  const t = new Float64Array(n);
  if (linear) {
    if (normalize) tau = nSteps - 1 - firstSpikeTime;
    const cap = -tau * (threshold - 1);
    for (let i = 0; i < n; i++) t[i] = Math.min(-tau * (values[i] - 1), cap) + firstSpikeTime;
    // snnTorch rescales when a normalised time is negative; with inputs in [0, 1] none is.
    return t;
  }
  const floor = threshold + epsilon;
  for (let i = 0; i < n; i++) {
    const x = Math.max(values[i], floor);
    t[i] = tau * Math.log(x / (x - threshold)) + firstSpikeTime;
  }
  if (normalize && n > 0) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, t[i] - firstSpikeTime);
    const scale = (nSteps - firstSpikeTime - 1) / max;
    for (let i = 0; i < n; i++) t[i] = (t[i] - firstSpikeTime) * scale + firstSpikeTime;
  }
  return t;
}

/**
 * Latency code of `values` in [0, 1] as a time-major raster (one spike per input at most).
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * const raster = encoding.latencyEncode([0.2, 0.9], { nSteps: 50, linear: true, normalize: true });
 * encoding.rasterToEvents(raster).times_ms; // one spike per input; the strong one first
 * ```
 */
export function latencyEncode(values: ArrayLike<number>, opts: LatencyOptions): SpikeRaster {
  checkArrayLike(values, "values");
  checkRequiredOptions(opts, "latencyEncode options", "nSteps");
  const { nSteps, dt_ms = 1, threshold = 0.01, clip = false, allowLate = false } = opts;
  checkPositive(dt_ms, "dt_ms");
  const times = latencySpikeTimes(values, opts);
  const n = values.length;
  const spikes = new Int8Array(nSteps * n);
  for (let i = 0; i < n; i++) {
    const step = roundHalfEven(times[i]);
    if (step > nSteps - 1) {
      if (!allowLate) {
        throw new RangeError(
          `values[${i}] = ${values[i]} spikes at step ${step}, past the last step ${nSteps - 1}: raise nSteps, lower tau, set normalize, or allowLate to drop such spikes`,
        );
      }
      continue;
    }
    if (clip && values[i] < threshold) continue;
    spikes[step * n + i] = 1;
  }
  return { nSteps, nInputs: n, dt_ms, spikes };
}

/**
 * Round half to even (IEEE `roundTiesToEven`, as `torch.round` and numpy's `round`).
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * [encoding.roundHalfEven(2.5), encoding.roundHalfEven(3.5)]; // [2, 4], as torch.round
 * ```
 */
export function roundHalfEven(x: number): number {
  if (typeof x !== "number") throw new TypeError(`x must be a number, got ${describeValue(x)}`);
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
