/**
 * Postsynaptic receptors: where a projection's spikes land on a neuron group. Each receptor
 * has a kind, fixing the unit of the weights that reach it, and (except "delta") a kernel:
 *
 * - `delta`: a voltage jump, weights in mV, added at the end of the step it arrives in.
 * - `current`: a synaptic current, weights in pA; I_syn enters the membrane equation.
 * - `conductance`: a synaptic conductance, weights in nS; I_syn = g (E_rev - V).
 *
 * Kernels, integrated exactly per step:
 * - `exp`: s(t) = w exp(-t / tau) after a spike of weight w.
 * - `alpha`: s(t) = w (t / tau) exp(1 - t / tau) (peak w at t = tau), as two linear variables.
 *
 * A receptor is a few terms of its group's equations (`groupEquations` in neurons/model.ts:
 * a variable per kernel, a current or g (E - v) in the input I, the jump Jd for delta).
 * Schedule within a step (as Brian2): the neuron integrates with the receptor's value at the
 * step's start; then the receptor decays over the step and the weights arriving in it are added.
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import { describeValue, describeName } from "../core/describe.js";

/** What a receptor carries. */
export type ReceptorKind = "delta" | "current" | "conductance";

/** A receptor's specification. */
export type ReceptorSpec =
  | { kind: "delta" }
  | { kind: "current"; kernel?: "exp" | "alpha"; tau_ms: number }
  | { kind: "conductance"; kernel?: "exp" | "alpha"; tau_ms: number; eRev_mV: number };

/** Unit of the weights of a receptor kind. @internal */
export function weightUnit(kind: ReceptorKind): "mV" | "pA" | "nS" {
  return kind === "delta" ? "mV" : kind === "current" ? "pA" : "nS";
}

/** Validates a receptor specification; `name` is used in error messages. @internal */
export function checkReceptor(spec: ReceptorSpec, name: string): ReceptorSpec {
  name = describeName(name);
  if (spec === null || typeof spec !== "object")
    throw new TypeError(
      `receptor ${name} must be an object { kind, kernel, tau_ms, eRev_mV }, got ${describeValue(spec)}`,
    );
  if (spec.kind === "delta") return checkOptions(spec, ["kind"], `receptor ${name} (delta)`);
  if (spec.kind !== "current" && spec.kind !== "conductance") {
    throw new RangeError(
      `receptor ${name}: kind must be "delta", "current" or "conductance", got ${describeValue((spec as { kind: unknown }).kind)}`,
    );
  }
  checkOptions(
    spec,
    spec.kind === "current"
      ? ["kind", "kernel", "tau_ms"]
      : ["kind", "kernel", "tau_ms", "eRev_mV"],
    `receptor ${name} (${spec.kind})`,
  );
  const kernel = spec.kernel ?? "exp";
  if (kernel !== "exp" && kernel !== "alpha")
    throw new RangeError(
      `receptor ${name}: kernel must be "exp" or "alpha", got ${describeValue(kernel)}`,
    );
  checkPositive(spec.tau_ms, `receptor ${name}: tau_ms`);
  if (spec.kind === "conductance") checkNumber(spec.eRev_mV, `receptor ${name}: eRev_mV`);
  return { ...spec, kernel };
}
