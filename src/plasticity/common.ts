/** Shared checks and types of the plasticity presets. */
import { checkNumber } from "../core/checks.js";
import type { NamespaceValue } from "../equations/model.js";
import type { SynapsesOptions } from "../synapses/equationSynapses.js";
import { describeValue } from "../core/describe.js";

/** What a preset returns: everything of `net.connect`'s options except the connectivity rule. */
export type SynapseModel = Required<
  Pick<SynapsesOptions, "model" | "on_pre" | "on_post" | "namespace" | "init">
> &
  Pick<SynapsesOptions, "delay_ms" | "delay_post_ms">;

/** How a synaptic delay enters spike timing (see src/plasticity/README.md). */
export type DelayConvention = "dendritic" | "axonal";

/** A checked positive number (ms, or a plain factor). */
export function positive(x: number | undefined, fallback: number, name: string): number {
  return checkNumber(x ?? fallback, name, { min: 0, minExclusive: true });
}

/** A checked non-negative number. */
export function nonNegative(x: number | undefined, fallback: number, name: string): number {
  return checkNumber(x ?? fallback, name, { min: 0 });
}

/** One of the allowed strings, or a clear error naming the argument. */
export function oneOf<T extends string>(
  x: T | undefined,
  fallback: T,
  allowed: readonly T[],
  name: string,
): T {
  const v = x ?? fallback;
  if (!allowed.includes(v))
    throw new RangeError(
      `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describeValue(x)}`,
    );
  return v;
}

/**
 * The delays of a synapse under a convention: `dendritic` (NEST: the whole delay d lies between
 * the soma and the synapse, so the timing difference is t_post + d - t_pre) runs `on_pre` at
 * t_pre + d and `on_post` at t_post + 2d, which keeps that difference and lets the weight sent at
 * t_pre + d include exactly the postsynaptic spikes NEST includes; `axonal` (Brian2's default
 * with `delay`) runs `on_pre` at t_pre + d and `on_post` at t_post (difference t_post - t_pre - d).
 */
export function delays(
  delay_ms: number | undefined,
  convention: DelayConvention | undefined,
): { delay_ms: number; delay_post_ms: number; convention: DelayConvention } {
  const d = nonNegative(delay_ms, 1, "delay_ms");
  const c = oneOf(convention, "dendritic", ["dendritic", "axonal"], "delayConvention");
  return { delay_ms: d, delay_post_ms: c === "dendritic" ? 2 * d : 0, convention: c };
}

/** A namespace value from a number in base units or a string with units. */
export function namespaceValue(
  x: number | string | undefined,
  fallback: number,
  name: string,
): NamespaceValue {
  if (x === undefined) return fallback;
  if (typeof x === "string") return x;
  return checkNumber(x, name, { min: 0, minExclusive: true });
}
