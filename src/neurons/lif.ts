/**
 * Leaky integrate-and-fire neuron with delta (voltage-jump) synaptic input, integrated
 * exactly per step (as NEST's iaf_psc_delta):
 *
 *   C_m dV/dt = -(C_m / tau_m) (V - V_rest) + I_bias + I_ext(t)
 *
 * With the input current constant over a step of length dt,
 *   V(t + dt) = V_inf + (V(t) - V_inf) exp(-dt / tau_m),   V_inf = V_rest + R (I_bias + I_ext),
 * where R = tau_m / C_m (ms / pF = GOhm, so pA * GOhm = mV). Synaptic input arriving in the
 * step is added to V at the step's end. A neuron whose V reaches V_thresh spikes at the end of
 * the step, is reset to V_reset and held there for t_ref (input arriving then is dropped).
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";

/** LIF parameters (units in the names). */
export interface LifParams {
  /** Membrane time constant, ms (> 0). */
  tauM_ms: number;
  /** Membrane capacitance, pF (> 0). */
  cM_pF: number;
  /** Resting (leak reversal) potential, mV. */
  vRest_mV: number;
  /** Reset potential after a spike, mV. */
  vReset_mV: number;
  /** Spike threshold, mV (> vReset_mV). */
  vThresh_mV: number;
  /** Absolute refractory period, ms (>= 0). */
  tRef_ms: number;
  /** Constant bias current, pA. */
  iBias_pA: number;
}

/** Defaults after NEST's iaf_psc_delta, with the resting potential at -70 mV. */
export const LIF_DEFAULTS: Readonly<LifParams> = Object.freeze({
  tauM_ms: 10,
  cM_pF: 250,
  vRest_mV: -70,
  vReset_mV: -70,
  vThresh_mV: -55,
  tRef_ms: 2,
  iBias_pA: 0,
});

/** LIF state of a population, structure of arrays. */
export interface LifState {
  /** Membrane potential, mV. */
  v_mV: Float64Array;
  /** Remaining refractory steps (0 = not refractory). */
  refractorySteps: Int32Array;
}

/** Per-step constants derived from the parameters and dt (hoisted out of the hot loop). */
export interface LifStepConstants {
  /** exp(-dt / tau_m). */
  decay: number;
  /** tau_m / C_m, GOhm (mV per pA). */
  resistance_GOhm: number;
  /** Refractory period in whole steps, round(t_ref / dt). */
  refractorySteps: number;
}

/** Completes partial parameters with {@link LIF_DEFAULTS} and validates them. */
export function lifParams(partial: Partial<LifParams> = {}): LifParams {
  const p: LifParams = { ...LIF_DEFAULTS, ...partial };
  checkPositive(p.tauM_ms, "tauM_ms");
  checkPositive(p.cM_pF, "cM_pF");
  checkNumber(p.vRest_mV, "vRest_mV");
  checkNumber(p.vReset_mV, "vReset_mV");
  checkNumber(p.vThresh_mV, "vThresh_mV", { min: p.vReset_mV, minExclusive: true });
  checkNonNegative(p.tRef_ms, "tRef_ms");
  checkNumber(p.iBias_pA, "iBias_pA");
  return p;
}

/** Precomputes the step constants for `dt_ms`. */
export function lifConstants(p: LifParams, dt_ms: number): LifStepConstants {
  return {
    decay: Math.exp(-dt_ms / p.tauM_ms),
    resistance_GOhm: p.tauM_ms / p.cM_pF,
    refractorySteps: Math.round(p.tRef_ms / dt_ms),
  };
}

/** A fresh state with every neuron at `v0_mV` and not refractory. */
export function lifState(n: number, v0_mV: ArrayLike<number>): LifState {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = v0_mV[i];
  return { v_mV: v, refractorySteps: new Int32Array(n) };
}

/**
 * Advances every neuron by one step. Pure over its arguments: reads `current_pA` (per-neuron
 * external current over the step, or null) and `jump_mV` (summed synaptic input arriving this
 * step), updates `state` in place and writes the indices of spiking neurons to `spikedOut`.
 * @returns the number of spikes written.
 */
export function lifStep(
  p: LifParams,
  k: LifStepConstants,
  state: LifState,
  current_pA: Float64Array | null,
  jump_mV: Float64Array,
  spikedOut: Int32Array,
): number {
  const v = state.v_mV;
  const ref = state.refractorySteps;
  const n = v.length;
  const decay = k.decay;
  const r = k.resistance_GOhm;
  const vRest = p.vRest_mV;
  const vReset = p.vReset_mV;
  const vTh = p.vThresh_mV;
  const bias = p.iBias_pA;
  const refSteps = k.refractorySteps;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      continue;
    }
    const vInf = vRest + r * (bias + (current_pA === null ? 0 : current_pA[i]));
    let vi = vInf + (v[i] - vInf) * decay + jump_mV[i];
    if (vi >= vTh) {
      spikedOut[count++] = i;
      vi = vReset;
      ref[i] = refSteps;
    }
    v[i] = vi;
  }
  return count;
}
