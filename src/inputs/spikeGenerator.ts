/**
 * A spike generator emits given (neuron, time) spikes. As in NEST, a spike at time t is
 * emitted in the step that ends at t, so times must lie on the grid t = k * dt with k >= 1
 * (off-grid times are rounded to the nearest step end).
 */
import { checkFiniteArray, checkInteger } from "../core/checks.js";

/** Spikes sorted by emission step. */
export interface SpikeSchedule {
  /** Step index at whose end each spike is emitted (sorted ascending). */
  steps: Int32Array;
  /** Neuron index of each spike. */
  neurons: Int32Array;
}

/** Validates and sorts (neuron, time in ms) pairs into a schedule for `dt_ms`. @internal */
export function spikeSchedule(
  size: number,
  neurons: ArrayLike<number>,
  times_ms: ArrayLike<number>,
  dt_ms: number,
): SpikeSchedule {
  if (neurons.length !== times_ms.length) {
    throw new RangeError(`spike generator: neurons and times_ms must have equal lengths, got ${neurons.length} and ${times_ms.length}`);
  }
  checkFiniteArray(times_ms, "times_ms", { min: dt_ms * 0.5 });
  const order = Array.from({ length: neurons.length }, (_, k) => k);
  const stepOf = (k: number) => Math.round(times_ms[k] / dt_ms) - 1;
  for (let k = 0; k < neurons.length; k++) checkInteger(neurons[k], `neurons[${k}]`, 0, size - 1);
  order.sort((a, b) => stepOf(a) - stepOf(b) || a - b);
  return {
    steps: Int32Array.from(order, stepOf),
    neurons: Int32Array.from(order, (k) => neurons[k]),
  };
}
