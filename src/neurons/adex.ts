/**
 * Adaptive exponential integrate-and-fire neuron (AdEx; Brette & Gerstner 2005, J Neurophysiol
 * 94:3637):
 *
 *   C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T) / Delta_T) - w + I,
 *   tau_w dw/dt = a (V - E_L) - w,
 *   if V >= V_peak: V <- V_reset, w <- w + b (then clamped for t_ref).
 *
 * Integration: one forward-Euler step for V and w from the values at the step's start (as
 * Brian2's `method='euler'`), with I including bias, external and synaptic current
 * (conductance receptors as g (E - V)). Delta-receptor jumps are added in the step they arrive.
 * The model runs as equations ({@link adexEquations}, completed with the receptors by
 * `groupEquations`).
 * Defaults are the paper's regular-spiking cell, with V_peak = V_T + 5 Delta_T as the spike
 * detection (Brian2's AdEx example).
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import { nestRefractory } from "./lif.js";
import type { ModelEquations, NeuronModel } from "./model.js";

/** AdEx parameters (units in the names). */
export interface AdExParams {
  /** Membrane capacitance, pF. */
  cM_pF: number;
  /** Leak conductance, nS. */
  gL_nS: number;
  /** Leak reversal, mV. */
  eL_mV: number;
  /** Threshold of the exponential term, mV. */
  vT_mV: number;
  /** Slope factor, mV (> 0). */
  deltaT_mV: number;
  /** Adaptation time constant, ms. */
  tauW_ms: number;
  /** Subthreshold adaptation, nS. */
  a_nS: number;
  /** Spike-triggered adaptation increment, pA. */
  b_pA: number;
  /** Reset potential, mV. */
  vReset_mV: number;
  /** Spike detection potential, mV (> vT_mV). */
  vPeak_mV: number;
  /** Refractory period, ms. */
  tRef_ms: number;
  /** Bias current, pA. */
  iBias_pA: number;
}

/** Brette & Gerstner (2005) regular-spiking parameters. */
export const ADEX_DEFAULTS: Readonly<AdExParams> = Object.freeze({
  cM_pF: 281,
  gL_nS: 30,
  eL_mV: -70.6,
  vT_mV: -50.4,
  deltaT_mV: 2,
  tauW_ms: 144,
  a_nS: 4,
  b_pA: 80.5,
  vReset_mV: -70.6,
  vPeak_mV: -40.4,
  tRef_ms: 0,
  iBias_pA: 0,
});

/** The AdEx model (see the module documentation); state: v_mV and w_pA. */
export const adex: NeuronModel<AdExParams> = {
  name: "adex",
  variables: ["v_mV", "w_pA"],
  equationNames: { v_mV: "v", w_pA: "w" },
  params(partial = {}) {
    const p: AdExParams = {
      ...ADEX_DEFAULTS,
      ...checkOptions(partial, Object.keys(ADEX_DEFAULTS), "adex params"),
    };
    checkPositive(p.cM_pF, "cM_pF");
    checkPositive(p.gL_nS, "gL_nS");
    checkNumber(p.eL_mV, "eL_mV");
    checkNumber(p.vT_mV, "vT_mV");
    checkPositive(p.deltaT_mV, "deltaT_mV");
    checkPositive(p.tauW_ms, "tauW_ms");
    checkNumber(p.a_nS, "a_nS");
    checkNumber(p.b_pA, "b_pA");
    checkNumber(p.vReset_mV, "vReset_mV", { max: p.vPeak_mV, maxExclusive: true });
    checkNumber(p.vPeak_mV, "vPeak_mV", { min: p.vT_mV, minExclusive: true });
    checkNonNegative(p.tRef_ms, "tRef_ms");
    checkNumber(p.iBias_pA, "iBias_pA");
    return p;
  },
  initial: (p) => ({ v_mV: p.eL_mV, w_pA: 0 }),
  equations: (p, dt_ms) => {
    const eqs = adexEquations(p);
    return p.tRef_ms > 0 ? { ...eqs, refractory: nestRefractory(p.tRef_ms, dt_ms) } : eqs;
  },
};

/**
 * Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), forward Euler, input
 * current `I` (pA, per neuron); `addAdEx` runs these equations with `I` the sum of its inputs.
 *
 * @example
 * ```ts
 * import { Network, adexEquations } from "neurolab";
 * const net = new Network();
 * net.addNeurons("cells", { size: 100, ...adexEquations(), init: { v: "-70.6*mV", I: "1*nA" } });
 * ```
 */
export function adexEquations(params: Partial<AdExParams> = {}): ModelEquations {
  const p = adex.params(params);
  return {
    model: `dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I + Ibias - w)/C : volt${p.tRef_ms > 0 ? " (unless refractory)" : ""}
dw/dt = (a*(v - EL) - w)/tauw : amp
I : amp`,
    threshold: "v >= Vpeak",
    reset: "v = Vr; w += b",
    ...(p.tRef_ms > 0 ? { refractory: p.tRef_ms } : {}),
    method: "euler",
    namespace: {
      C: p.cM_pF,
      gL: p.gL_nS,
      EL: p.eL_mV,
      VT: p.vT_mV,
      DeltaT: p.deltaT_mV,
      tauw: p.tauW_ms,
      a: p.a_nS,
      b: p.b_pA,
      Vr: p.vReset_mV,
      Vpeak: p.vPeak_mV,
      Ibias: p.iBias_pA,
    },
  };
}
