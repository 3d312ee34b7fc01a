/**
 * Rate (Poisson) coding.
 *
 * `rateEncode`: in every step each input spikes independently with probability
 * `p_i = clamp(gain * x_i, 0, 1)` (snnTorch `spikegen.rate`: a Bernoulli draw per step, the
 * discrete-time Poisson process). The spike count of an input over `T` steps is Binomial(T, p):
 * mean `T p`, Fano factor `1 - p`.
 *
 * `poissonSpikeTimes`: a homogeneous Poisson process in continuous time per input (exponential
 * inter-spike intervals with mean `1000 / rate_Hz` ms): count in a window of `D` ms is
 * Poisson(rate * D / 1000), Fano factor 1.
 */
import { checkFiniteArray, checkNonNegative, checkPositive } from "../core/checks.js";
import { checkArrayLike, checkRequiredOptions } from "../core/validate.js";
import type { SpikeEvents } from "../analysis/spikes.js";
import { type RandomSource, type SpikeRaster, checkSteps, rngFrom } from "./raster.js";

/** Options of {@link rateEncode}. */
export interface RateEncodeOptions {
  /** Number of time steps (integer >= 1). */
  nSteps: number;
  /** Step length, ms (> 0). Default 1. Only labels the raster; `p` is per step. */
  dt_ms?: number;
  /** Factor applied to the inputs before clamping to [0, 1] (snnTorch's `gain`). Default 1. */
  gain?: number;
  /** Seed (integer) or generator. Required. */
  seed: RandomSource;
}

/**
 * Bernoulli rate code of `values` (spike probability per step, clamped to [0, 1] after `gain`,
 * as snnTorch's `spikegen.rate`): a time-major raster of `nSteps` x `values.length`.
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * // Bernoulli spikes with probability = value per step (snnTorch's spikegen.rate), seeded
 * const raster = encoding.rateEncode([0.1, 0.5, 0.9], { nSteps: 1000, seed: 42 });
 * raster.spikes.length; // nSteps x nInputs, time-major
 * ```
 */
export function rateEncode(values: ArrayLike<number>, opts: RateEncodeOptions): SpikeRaster {
  checkArrayLike(values, "values");
  checkRequiredOptions(opts, "rateEncode options", "nSteps");
  const { nSteps, dt_ms = 1, gain = 1 } = opts;
  checkSteps(nSteps, dt_ms);
  checkFiniteArray(values, "values");
  if (!Number.isFinite(gain)) throw new RangeError(`gain must be a finite number, got ${gain}`);
  const rng = rngFrom(opts.seed);
  const n = values.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = Math.min(Math.max(gain * values[i], 0), 1);
  const spikes = new Int8Array(nSteps * n);
  for (let t = 0, k = 0; t < nSteps; t++)
    for (let i = 0; i < n; i++, k++) spikes[k] = rng.uniform() < p[i] ? 1 : 0;
  return { nSteps, nInputs: n, dt_ms, spikes };
}

/** Options of {@link poissonSpikeTimes}. */
export interface PoissonSpikeTimesOptions {
  /** Length of the window `[0, duration_ms)`, ms (> 0). */
  duration_ms: number;
  /** Seed (integer) or generator. Required. */
  seed: RandomSource;
}

/**
 * Independent homogeneous Poisson spike trains in continuous time, one per entry of `rates_Hz`
 * (>= 0), in `[0, duration_ms)`, as time-sorted {@link SpikeEvents}. Each train is drawn from
 * exponential intervals; inputs are drawn in index order, so a seed fixes every spike.
 *
 * @example
 * ```ts
 * import { encoding, firingRates_Hz } from "neurolab";
 * const spikes = encoding.poissonSpikeTimes([5, 20, 80], { duration_ms: 10_000, seed: 7 });
 * firingRates_Hz(spikes); // about [5, 20, 80]
 * ```
 */
export function poissonSpikeTimes(
  rates_Hz: ArrayLike<number>,
  opts: PoissonSpikeTimesOptions,
): SpikeEvents {
  checkArrayLike(rates_Hz, "rates_Hz");
  checkRequiredOptions(opts, "poissonSpikeTimes options", "duration_ms");
  const duration_ms = checkPositive(opts.duration_ms, "duration_ms");
  checkFiniteArray(rates_Hz, "rates_Hz", { min: 0 });
  const rng = rngFrom(opts.seed);
  const times: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < rates_Hz.length; i++) {
    const rate_per_ms = checkNonNegative(rates_Hz[i], `rates_Hz[${i}]`) / 1000;
    if (rate_per_ms === 0) continue;
    let t = 0;
    for (;;) {
      let u = 0;
      while (u === 0) u = rng.uniform();
      t += -Math.log(u) / rate_per_ms;
      if (t >= duration_ms) break;
      times.push(t);
      ids.push(i);
    }
  }
  const order = Int32Array.from(times.keys()).sort(
    (a, b) => times[a] - times[b] || ids[a] - ids[b],
  );
  return {
    times_ms: Float64Array.from(order, (k) => times[k]),
    neurons: Int32Array.from(order, (k) => ids[k]),
    nNeurons: rates_Hz.length,
    tStart_ms: 0,
    tStop_ms: duration_ms,
  };
}
