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
 * Schedule within a step (as Brian2): the neuron integrates with the receptor's value at the
 * step's start; then the receptor decays over the step and the weights arriving in it are added.
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { Arena } from "../wasm/arena.js";
import { describeValue, describeName } from "../core/describe.js";

/** What a receptor carries. */
export type ReceptorKind = "delta" | "current" | "conductance";

/** A receptor's specification. */
export type ReceptorSpec =
  | { kind: "delta" }
  | { kind: "current"; kernel?: "exp" | "alpha"; tau_ms: number }
  | { kind: "conductance"; kernel?: "exp" | "alpha"; tau_ms: number; eRev_mV: number };

/** Receptor state of a population: one value per neuron (plus the alpha kernel's auxiliary). */
export interface ReceptorState {
  readonly name: string;
  readonly spec: ReceptorSpec;
  /** Current (pA) or conductance (nS) per neuron; unused for delta. */
  readonly value: Float64Array;
  /** Alpha kernel's rising variable, same unit as `value`; empty otherwise. */
  readonly rise: Float64Array;
  /** exp(-dt / tau). */
  readonly decay: number;
  /** e dt / tau (alpha kernel's coupling of rise into value over a step). */
  readonly riseGain: number;
}

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

/** Number of per-neuron arrays a receptor keeps (for sizing an arena). @internal */
export function receptorArrays(spec: ReceptorSpec): number {
  return spec.kind === "delta" ? 0 : spec.kernel === "alpha" ? 2 : 1;
}

/** A zeroed receptor state for `n` neurons at step `dt_ms` (arrays from `arena` if given). @internal */
export function receptorState(
  name: string,
  spec: ReceptorSpec,
  n: number,
  dt_ms: number,
  arena?: Arena,
): ReceptorState {
  if (spec.kind === "delta")
    return {
      name,
      spec,
      value: new Float64Array(0),
      rise: new Float64Array(0),
      decay: 0,
      riseGain: 0,
    };
  const alpha = spec.kernel === "alpha";
  const zeros = (k: number) => (arena ? arena.f64(k) : new Float64Array(k));
  return {
    name,
    spec,
    value: zeros(n),
    rise: zeros(alpha ? n : 0),
    decay: Math.exp(-dt_ms / spec.tau_ms),
    riseGain: alpha ? (Math.E * dt_ms) / spec.tau_ms : 0,
  };
}

/**
 * Advances a receptor by one step and adds the weights arriving in it (`arriving`, one value
 * per neuron). Exact for both kernels: exp: s <- s E + in; alpha: value <- (value + gain rise) E,
 * rise <- rise E + in.
 * @internal
 */
export function receptorStep(r: ReceptorState, arriving: Float64Array): void {
  const v = r.value;
  const e = r.decay;
  const n = v.length;
  if (r.rise.length === 0) {
    for (let i = 0; i < n; i++) v[i] = v[i] * e + arriving[i];
  } else {
    const x = r.rise;
    const gain = r.riseGain;
    for (let i = 0; i < n; i++) {
      v[i] = (v[i] + gain * x[i]) * e;
      x[i] = x[i] * e + arriving[i];
    }
  }
}

/**
 * Synaptic drive of a population in one step, summed over receptors: what the neuron models
 * read. Linear in V: I_syn = current_pA + gE_nSmV - g_nS V.
 */
export interface SynapticDrive {
  /** External plus current-based synaptic current, pA. */
  current_pA: Float64Array;
  /** Total synaptic conductance, nS. */
  g_nS: Float64Array;
  /** Sum over conductance receptors of g E_rev, nS mV (= pA). */
  gE_pA: Float64Array;
  /** Voltage jumps arriving in this step (delta receptors), mV. */
  jump_mV: Float64Array;
  /** True when any conductance receptor exists (models may take a faster path otherwise). */
  hasConductance: boolean;
}

/** Zeroed drive arrays for `n` neurons. @internal */
export function synapticDrive(n: number, hasConductance: boolean): SynapticDrive {
  return {
    current_pA: new Float64Array(n),
    g_nS: new Float64Array(hasConductance ? n : 0),
    gE_pA: new Float64Array(hasConductance ? n : 0),
    jump_mV: new Float64Array(n),
    hasConductance,
  };
}

/**
 * One pass per receptor: adds each receptor's value at the step's start to `drive` (with the
 * external current and any gap-junction current), then advances the receptor over the step and adds the weights arriving in
 * it (`arriving[r]`, or nothing when null). The drive is complete before any value changes, so
 * this equals gathering first and stepping the receptors after the neuron update.
 * @internal
 */
export function gatherDriveAndAdvance(
  drive: SynapticDrive,
  external_pA: Float64Array,
  receptors: readonly ReceptorState[],
  arriving: readonly Float64Array[] | null,
  coupling_pA: Float64Array | null = null,
): void {
  const cur = drive.current_pA;
  cur.set(external_pA);
  if (coupling_pA !== null) for (let i = 0; i < cur.length; i++) cur[i] += coupling_pA[i];
  const g = drive.g_nS;
  const ge = drive.gE_pA;
  if (arriving !== null && isTwoExpConductances(receptors)) {
    // The common excitatory + inhibitory case in one pass (same arithmetic as the general path).
    const a = receptors[1];
    const b = receptors[2];
    const va = a.value;
    const vb = b.value;
    const ia = arriving[1];
    const ib = arriving[2];
    const ea = a.decay;
    const eb = b.decay;
    const Ea = (a.spec as { eRev_mV: number }).eRev_mV;
    const Eb = (b.spec as { eRev_mV: number }).eRev_mV;
    for (let i = 0; i < va.length; i++) {
      const xa = va[i];
      const xb = vb[i];
      g[i] = xa + xb;
      ge[i] = xa * Ea + xb * Eb;
      va[i] = xa * ea + ia[i];
      vb[i] = xb * eb + ib[i];
    }
    return;
  }
  let firstConductance = true;
  for (let r = 0; r < receptors.length; r++) {
    const rec = receptors[r];
    const spec = rec.spec;
    if (spec.kind === "delta") continue;
    const v = rec.value;
    const n = v.length;
    const e = rec.decay;
    const inp = arriving === null ? null : arriving[r];
    if (spec.kind === "current") {
      for (let i = 0; i < n; i++) cur[i] += v[i];
    } else {
      const eRev = spec.eRev_mV;
      if (firstConductance) {
        for (let i = 0; i < n; i++) {
          g[i] = v[i];
          ge[i] = v[i] * eRev;
        }
        firstConductance = false;
      } else {
        for (let i = 0; i < n; i++) {
          g[i] += v[i];
          ge[i] += v[i] * eRev;
        }
      }
    }
    if (rec.rise.length > 0) receptorStep(rec, inp ?? new Float64Array(n));
    else if (inp === null) for (let i = 0; i < n; i++) v[i] *= e;
    else for (let i = 0; i < n; i++) v[i] = v[i] * e + inp[i];
  }
}

/** Receptors are [delta, exp conductance, exp conductance]. */
function isTwoExpConductances(receptors: readonly ReceptorState[]): boolean {
  return (
    receptors.length === 3 &&
    receptors[1].spec.kind === "conductance" &&
    receptors[2].spec.kind === "conductance" &&
    receptors[1].rise.length === 0 &&
    receptors[2].rise.length === 0
  );
}
