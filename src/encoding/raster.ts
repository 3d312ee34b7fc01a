/**
 * The encoders' common output: a dense, time-major spike raster (`spikes[t * nInputs + i]`, the
 * layout snnTorch's `spikegen` returns as `[num_steps x input_size]`), and its conversion to the
 * spike events the analysis functions take.
 */
import { checkInteger, checkPositive } from "../core/checks.js";
import { checkOptionsObject, checkRequiredOptions } from "../core/validate.js";
import type { SpikeEvents } from "../analysis/spikes.js";
import { Rng } from "../random/rng.js";

/** A time-major spike raster: `spikes[t * nInputs + i]` is the value of input `i` in step `t`. */
export interface SpikeRaster {
  /** Number of time steps. */
  readonly nSteps: number;
  /** Number of inputs (channels). */
  readonly nInputs: number;
  /** Step length, ms. */
  readonly dt_ms: number;
  /** 1 for a spike, 0 otherwise; -1 for an OFF spike of the signed delta encoders. Length nSteps x nInputs. */
  readonly spikes: Int8Array;
}

/**
 * The raster's spikes as {@link SpikeEvents} (times in ms, a spike in step `t` stamped at
 * `t * dt_ms`; window `[0, nSteps * dt_ms]`). OFF spikes (-1) are kept only with `signed: "off"`
 * (then ON spikes are dropped) and dropped by default.
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * const raster = encoding.rateEncode([0.2, 0.8], { nSteps: 100, seed: 1 });
 * encoding.rasterToEvents(raster); // spike times (ms) and neuron indices, ready for analysis or a raster
 * ```
 */
export function rasterToEvents(
  raster: SpikeRaster,
  opts: { signed?: "on" | "off" } = {},
): SpikeEvents {
  checkRequiredOptions(
    raster,
    "raster",
    "nSteps, nInputs, dt_ms and spikes (as the encoders return)",
  );
  const r = raster as Partial<SpikeRaster>;
  if (
    !(r.spikes instanceof Int8Array) ||
    !Number.isInteger(r.nSteps) ||
    !Number.isInteger(r.nInputs) ||
    r.spikes.length !== r.nSteps! * r.nInputs! ||
    !(typeof r.dt_ms === "number" && r.dt_ms > 0)
  ) {
    throw new RangeError(
      `raster must be { nSteps, nInputs, dt_ms, spikes: Int8Array of nSteps x nInputs } as the encoders return`,
    );
  }
  opts = checkOptionsObject(opts, "rasterToEvents options");
  const want = opts.signed === "off" ? -1 : 1;
  const { nSteps, nInputs, dt_ms, spikes } = raster;
  let n = 0;
  for (let k = 0; k < spikes.length; k++) if (spikes[k] === want) n++;
  const times_ms = new Float64Array(n);
  const neurons = new Int32Array(n);
  let o = 0;
  for (let t = 0; t < nSteps; t++) {
    for (let i = 0; i < nInputs; i++) {
      if (spikes[t * nInputs + i] === want) {
        times_ms[o] = t * dt_ms;
        neurons[o++] = i;
      }
    }
  }
  return { times_ms, neurons, nNeurons: nInputs, tStart_ms: 0, tStop_ms: nSteps * dt_ms };
}

/** A seed (integer) or a generator; a seed builds a fresh {@link Rng}. */
export type RandomSource = number | Rng;

/** @internal The generator for a `seed` option. */
export function rngFrom(seed: RandomSource | undefined, name = "seed"): Rng {
  if (seed instanceof Rng) return seed;
  if (seed === undefined)
    throw new RangeError(
      `${name} must be given (an integer seed or an Rng): encoders are reproducible by construction`,
    );
  return new Rng(checkInteger(seed, name, 0, 0xffffffff));
}

/** @internal Checks `nSteps` (integer >= 1) and `dt_ms` (> 0). */
export function checkSteps(nSteps: number, dt_ms: number): void {
  checkInteger(nSteps, "nSteps", 1, 2 ** 31 - 1);
  checkPositive(dt_ms, "dt_ms");
}
