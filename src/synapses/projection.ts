/**
 * A projection: static synapses from one population to a receptor of another, over CSR
 * connectivity, with a weight per synapse (or one shared by all) and a delay per projection or
 * per synapse. Delivery is event-driven: only the rows of neurons that spiked are visited,
 * adding each weight to the target receptor's delay ring buffer. Storage: 4 bytes of column
 * index per synapse, plus 4 bytes of weight when weights differ between synapses (as GeNN's
 * individual vs global weights) and 2 bytes when delays do.
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { describeValue } from "../core/validate.js";
import { arenaBytes, type Arena } from "../wasm/arena.js";
import type { Csr } from "./connectivity.js";
import { describeName } from "../core/describe.js";

/** Static synapses over a CSR matrix. */
export interface Projection {
  readonly csr: Csr;
  /**
   * Weight of each synapse, in the target receptor's unit (mV, pA or nS), rounded to float32;
   * a number when all synapses share one weight.
   */
  readonly weight: Float32Array | number;
  /** Transmission delay in whole steps (>= 1): one for all synapses, or one per synapse. */
  readonly delaySteps: number | Uint16Array;
}

/** Every synapse's weight (a new array when the projection stores one shared weight). @internal */
export function synapseWeights(p: Projection): Float32Array {
  return typeof p.weight === "number"
    ? new Float32Array(p.csr.colIdx.length).fill(p.weight)
    : p.weight;
}

/**
 * Checks a per-synapse value argument (`weight_mV`, `delay_ms`, `g_nS`, ...): a finite number in
 * `[min, max]` or a function `(rng, pre, post) => number`; a string such as "1" or any other type
 * is a TypeError naming the argument (instead of "f is not a function" at build time).
 *
 * @example
 * ```ts
 * import { checkSynapseValue } from "neurolab";
 * checkSynapseValue(1.5, "weight_mV"); // 1.5
 * checkSynapseValue((_rng: unknown, pre: number, post: number) => 0.1 * (pre + post), "weight_mV"); // a function (rng, pre, post) => number
 * ```
 */
export function checkSynapseValue(
  value: unknown,
  name: string,
  range: { min?: number; max?: number } = {},
): number | ((rng: never, pre: number, post: number) => number) {
  name = describeName(name);
  if (range === null || typeof range !== "object")
    throw new TypeError(
      `${name}: range must be an object { min?, max? }, got ${describeValue(range)}`,
    );
  if (typeof value === "function")
    return value as (rng: never, pre: number, post: number) => number;
  if (typeof value === "number") return checkNumber(value, name, range);
  throw new TypeError(
    `${name} must be a number or a function (rng, pre, post) => number, got ${describeValue(value)}`,
  );
}

/** Largest delay in steps a projection may have. */
export const MAX_DELAY_STEPS = 65535;

/** Converts a delay in ms to whole steps; delays must be at least one step (as in NEST). @internal */
export function delayToSteps(delay_ms: number, dt_ms: number, name = "delay_ms"): number {
  checkPositive(delay_ms, name);
  const steps = Math.round(delay_ms / dt_ms);
  if (!(steps >= 1 && steps <= MAX_DELAY_STEPS)) {
    throw new RangeError(
      `${name} must be in [dt_ms, ${MAX_DELAY_STEPS} dt_ms] = [${dt_ms}, ${MAX_DELAY_STEPS * dt_ms}] ms, got ${delay_ms}`,
    );
  }
  return steps;
}

/** Largest delay of a projection, in steps. @internal */
export function maxDelaySteps(p: Projection): number {
  if (typeof p.delaySteps === "number") return p.delaySteps;
  let m = 1;
  for (let k = 0; k < p.delaySteps.length; k++) if (p.delaySteps[k] > m) m = p.delaySteps[k];
  return m;
}

/**
 * A ring buffer of per-step input for one receptor of a target population: `slots` rows of
 * `size` values, each row starting `stride` values after the previous one (rows are padded to
 * 16 bytes for SIMD kernels). Input for step s lives in row s mod slots.
 */
export interface DelayBuffer {
  readonly size: number;
  readonly slots: number;
  readonly stride: number;
  readonly data: Float64Array;
  /** One view per row, made once (no allocation per step). */
  readonly rows: readonly Float64Array[];
}

/** Bytes of a ring buffer for `size` neurons and delays of up to `maxDelaySteps`, in an arena. @internal */
export function delayBufferBytes(size: number, maxDelaySteps: number): number {
  return arenaBytes(size, 8) * (maxDelaySteps + 1);
}

/** A zeroed ring buffer able to hold delays of up to `maxDelaySteps` (from `arena` if given). @internal */
export function delayBuffer(size: number, maxDelaySteps: number, arena?: Arena): DelayBuffer {
  const slots = maxDelaySteps + 1;
  const stride = arenaBytes(size, 8) / 8;
  const data = arena ? arena.f64(stride * slots) : new Float64Array(stride * slots);
  const rows = Array.from({ length: slots }, (_, r) =>
    data.subarray(r * stride, r * stride + size),
  );
  return { size, slots, stride, data, rows };
}

/** The row of input arriving in `step` (a view; its consumer zeroes it for the ring's next round). @internal */
export function slotOf(buf: DelayBuffer, step: number): Float64Array {
  return buf.rows[step % buf.slots];
}

/**
 * Delivers the spikes of one step (`spiked[0..count)`, source indices) emitted in `step`
 * through `proj` into `buf`: each arrives in step + delay.
 * @internal
 */
export function propagate(
  proj: Projection,
  spiked: Int32Array,
  count: number,
  step: number,
  buf: DelayBuffer,
): void {
  const { rowPtr, colIdx } = proj.csr;
  const w = proj.weight;
  const data = buf.data;
  const stride = buf.stride;
  const slots = buf.slots;
  const d = proj.delaySteps;
  if (typeof d === "number") {
    const offset = ((step + d) % slots) * stride;
    if (typeof w === "number") {
      for (let s = 0; s < count; s++) {
        const i = spiked[s];
        const end = rowPtr[i + 1];
        for (let k = rowPtr[i]; k < end; k++) data[offset + colIdx[k]] += w;
      }
    } else {
      for (let s = 0; s < count; s++) {
        const i = spiked[s];
        const end = rowPtr[i + 1];
        for (let k = rowPtr[i]; k < end; k++) data[offset + colIdx[k]] += w[k];
      }
    }
  } else {
    for (let s = 0; s < count; s++) {
      const i = spiked[s];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++)
        data[((step + d[k]) % slots) * stride + colIdx[k]] += typeof w === "number" ? w : w[k];
    }
  }
}
