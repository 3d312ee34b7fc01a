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
 * (conductance receptors as g (E - V)). Delta-receptor jumps are added at the end of the step.
 * Defaults are the paper's regular-spiking cell, with V_peak = V_T + 5 Delta_T as the spike
 * detection (Brian2's AdEx example).
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { SynapticDrive } from "../synapses/receptors.js";
import type { NeuronModel, NeuronState } from "./model.js";

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

/** Per-step constants. */
export interface AdExConstants {
  dt_ms: number;
  refractorySteps: number;
}

/** The AdEx model (see the module documentation); state: v_mV and w_pA. */
export const adex: NeuronModel<AdExParams, AdExConstants> = {
  name: "adex",
  variables: ["v_mV", "w_pA"],
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
  prepare: (p, dt_ms) => ({ dt_ms, refractorySteps: Math.round(p.tRef_ms / dt_ms) }),
  step: adexStep,
};

/**
 * Advances every AdEx neuron by one step.
 *
 * @example
 * ```ts
 * import { adex, adexStep } from "neurolab";
 * const p = adex.params({});
 * const k = adex.prepare(p, 0.1);
 * const init = adex.initial(p);
 * const s = { vars: { v_mV: Float64Array.of(init.v_mV), w_pA: Float64Array.of(init.w_pA) }, refractorySteps: new Int32Array(1) };
 * const drive = { current_pA: Float64Array.of(800), g_nS: new Float64Array(1), gE_pA: new Float64Array(1),
 *   jump_mV: new Float64Array(1), hasConductance: false };
 * let spikes = 0;
 * for (let t = 0; t < 5000; t++) spikes += adexStep(p, k, s, drive, new Int32Array(1)); // 500 ms of 800 pA
 * ```
 */
export function adexStep(
  p: AdExParams,
  k: AdExConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const v = s.vars.v_mV;
  const w = s.vars.w_pA;
  const ref = s.refractorySteps;
  const n = v.length;
  const { current_pA: cur, g_nS: g, gE_pA: gE, jump_mV: jump } = drive;
  const conductance = drive.hasConductance;
  const dtC = k.dt_ms / p.cM_pF;
  const dtW = k.dt_ms / p.tauW_ms;
  const {
    gL_nS: gL,
    eL_mV: eL,
    vT_mV: vT,
    deltaT_mV: dT,
    a_nS: a,
    b_pA: b,
    vReset_mV: vReset,
    vPeak_mV: vPeak,
    iBias_pA: bias,
  } = p;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const vi0 = v[i];
    const wi0 = w[i];
    let wi = wi0 + dtW * (a * (vi0 - eL) - wi0);
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      w[i] = wi;
      continue;
    }
    let iIn = bias + cur[i] - wi0;
    if (conductance) iIn += gE[i] - g[i] * vi0;
    // vi0 < vPeak here (it was reset), so the exponential stays bounded by exp(5)-ish.
    let vi = vi0 + dtC * (-gL * (vi0 - eL) + gL * dT * Math.exp((vi0 - vT) / dT) + iIn) + jump[i];
    if (vi >= vPeak) {
      spikedOut[count++] = i;
      vi = vReset;
      wi += b;
      ref[i] = k.refractorySteps;
    }
    v[i] = vi;
    w[i] = wi;
  }
  return count;
}
