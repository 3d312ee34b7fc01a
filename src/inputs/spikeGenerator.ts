/**
 * A spike generator emits given (neuron, time) spikes. As in NEST, a spike at time t is
 * emitted in the step that ends at t, so times must lie on the grid t = k * dt with k >= 1
 * (off-grid times are rounded to the nearest step end).
 */
import { checkFiniteArray, checkInteger, checkNumber } from "../core/checks.js";
import {
  checkArrayLike,
  checkNumberArray,
  checkOptions,
  checkPopulationSize,
} from "../core/validate.js";
import { describeName } from "../core/describe.js";

/** Spikes sorted by emission step. */
export interface SpikeSchedule {
  /** Step index at whose end each spike is emitted (sorted ascending; float64 holds exact integers to 2^53, so no step count wraps). */
  steps: Float64Array;
  /** Neuron index of each spike. */
  neurons: Int32Array;
}

/**
 * Checks the options of a spike generator called `name` (known keys, size, integer neuron
 * indices in [0, size), finite times, equal lengths); returns the size.
 *
 * @example
 * ```ts
 * import { checkSpikeGeneratorOptions } from "neurolab";
 * checkSpikeGeneratorOptions({ size: 2, neurons: [0, 1], times_ms: [5, 10] }, "stimulus"); // throws if invalid
 * ```
 */
export function checkSpikeGeneratorOptions(
  opts: { size: number; neurons: ArrayLike<number>; times_ms: ArrayLike<number> },
  name: string,
): number {
  name = describeName(name);
  if (opts === undefined)
    throw new TypeError(`${name}: options must be { size, neurons, times_ms }, got undefined`);
  checkOptions(opts, ["size", "neurons", "times_ms"], `${name}: options`);
  const size = checkPopulationSize(opts.size, `${name}: size`);
  const neurons = checkNumberArray(opts.neurons, `${name}: neurons`, {
    integer: true,
    min: 0,
    max: size - 1,
  });
  const times = checkNumberArray(opts.times_ms, `${name}: times_ms`);
  if (neurons.length !== times.length)
    throw new RangeError(
      `${name}: neurons and times_ms must have equal lengths, got ${neurons.length} and ${times.length}`,
    );
  return size;
}

/** Validates and sorts (neuron, time in ms) pairs into a schedule for `dt_ms`. @internal */
export function spikeSchedule(
  size: number,
  neurons: ArrayLike<number>,
  times_ms: ArrayLike<number>,
  dt_ms: number,
): SpikeSchedule {
  checkPopulationSize(size, "spike generator: size");
  checkNumber(dt_ms, "dt_ms", { min: 0, minExclusive: true });
  checkArrayLike(neurons, "spike generator: neurons");
  checkArrayLike(times_ms, "spike generator: times_ms");
  if (neurons.length !== times_ms.length) {
    throw new RangeError(
      `spike generator: neurons and times_ms must have equal lengths, got ${neurons.length} and ${times_ms.length}`,
    );
  }
  checkFiniteArray(times_ms, "times_ms", {
    min: dt_ms * 0.5,
    max: Number.MAX_SAFE_INTEGER * dt_ms,
  });
  const order = Array.from({ length: neurons.length }, (_, k) => k);
  const stepOf = (k: number) => Math.round(times_ms[k] / dt_ms) - 1;
  for (let k = 0; k < neurons.length; k++) checkInteger(neurons[k], `neurons[${k}]`, 0, size - 1);
  order.sort((a, b) => stepOf(a) - stepOf(b) || a - b);
  return {
    steps: Float64Array.from(order, stepOf),
    neurons: Int32Array.from(order, (k) => neurons[k]),
  };
}
