/**
 * A projection: static synapses from one population to another over CSR connectivity, with
 * a weight per synapse and a delay per projection. Delivery is event-driven: only the rows of
 * neurons that spiked are visited, adding each weight to the target's delay ring buffer.
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import type { Csr } from "./connectivity.js";

/** Static synapses over a CSR matrix. */
export interface Projection {
  readonly csr: Csr;
  /** Weight of each synapse (voltage jump at the target), mV. */
  readonly weight_mV: Float64Array;
  /** Transmission delay in whole steps (>= 1). */
  readonly delaySteps: number;
}

/** Converts a delay in ms to whole steps; delays must be at least one step (as in NEST). */
export function delayToSteps(delay_ms: number, dt_ms: number, name = "delay_ms"): number {
  checkPositive(delay_ms, name);
  const steps = Math.round(delay_ms / dt_ms);
  checkNumber(steps, `${name} / dt_ms`, { min: 1 });
  return steps;
}

/**
 * A ring buffer of per-step input for one target population: `slots` rows of `size` values.
 * Input for step s lives in row s mod slots.
 */
export interface DelayBuffer {
  readonly size: number;
  readonly slots: number;
  readonly data: Float64Array;
}

/** A zeroed ring buffer able to hold delays of up to `maxDelaySteps`. */
export function delayBuffer(size: number, maxDelaySteps: number): DelayBuffer {
  const slots = maxDelaySteps + 1;
  return { size, slots, data: new Float64Array(size * slots) };
}

/** The row of input arriving in `step` (a view; clear it with {@link clearSlot} once consumed). */
export function slotOf(buf: DelayBuffer, step: number): Float64Array {
  const row = step % buf.slots;
  return buf.data.subarray(row * buf.size, (row + 1) * buf.size);
}

/** Zeroes the row of `step`. */
export function clearSlot(buf: DelayBuffer, step: number): void {
  const row = step % buf.slots;
  buf.data.fill(0, row * buf.size, (row + 1) * buf.size);
}

/**
 * Delivers the spikes of one step (`spiked[0..count)`, source indices) emitted in `step`
 * through `proj` into `buf`: each arrives in step + delaySteps.
 */
export function propagate(proj: Projection, spiked: Int32Array, count: number, step: number, buf: DelayBuffer): void {
  const { rowPtr, colIdx } = proj.csr;
  const w = proj.weight_mV;
  const data = buf.data;
  const offset = ((step + proj.delaySteps) % buf.slots) * buf.size;
  for (let s = 0; s < count; s++) {
    const i = spiked[s];
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) data[offset + colIdx[k]] += w[k];
  }
}
