/**
 * Hodgkin-Huxley neuron (Hodgkin & Huxley 1952, squid axon, shifted to rest near -65 mV), with the
 * parameters of NEST's `hh_psc_alpha` (C_m 100 pF, i.e. a 1e-4 cm^2 membrane at 1 uF/cm^2):
 *
 *   C dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L) + I,
 *   dx/dt = alpha_x(V) (1 - x) - beta_x(V) x,  x in {m, h, n},
 *   alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55) / 10)),  beta_n = 0.125 exp(-(V + 65) / 80),
 *   alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40) / 10)),   beta_m = 4 exp(-(V + 65) / 18),
 *   alpha_h = 0.07 exp(-(V + 65) / 20),                   beta_h = 1 / (1 + exp(-(V + 35) / 10)),
 * rates in 1/ms, V in mV.
 *
 * Integration: exponential Euler (as Brian2's `exponential_euler`): every variable is advanced
 * exactly over the step with the others held at their values at the step's start (gates towards
 * x_inf with tau_x; V towards the conductance-weighted reversal). A spike is an upward crossing
 * of `vSpike_mV` (no reset). Synaptic conductances enter the V equation like the channels.
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { SynapticDrive } from "../synapses/receptors.js";
import type { NeuronModel, NeuronState } from "./model.js";

/** Hodgkin-Huxley parameters (units in the names). */
export interface HhParams {
  cM_pF: number;
  gNa_nS: number;
  gK_nS: number;
  gL_nS: number;
  eNa_mV: number;
  eK_mV: number;
  eL_mV: number;
  /** Spike detection: upward crossing of this potential, mV. */
  vSpike_mV: number;
  iBias_pA: number;
}

/** NEST hh_psc_alpha's parameters. */
export const HH_DEFAULTS: Readonly<HhParams> = Object.freeze({
  cM_pF: 100,
  gNa_nS: 12000,
  gK_nS: 3600,
  gL_nS: 30,
  eNa_mV: 50,
  eK_mV: -77,
  eL_mV: -54.402,
  vSpike_mV: 0,
  iBias_pA: 0,
});

/** x / (1 - exp(-x / 10)), continuous at x = 0 (limit 10). */
function vtrap(x: number): number {
  return Math.abs(x) < 1e-6 ? 10 + x / 2 : x / (1 - Math.exp(-x / 10));
}

/** Steady-state gate values at `v_mV`: the resting state of the channels. @internal */
export function hhGatesAt(v_mV: number): { m: number; h: number; n: number } {
  const am = 0.1 * vtrap(v_mV + 40);
  const bm = 4 * Math.exp(-(v_mV + 65) / 18);
  const ah = 0.07 * Math.exp(-(v_mV + 65) / 20);
  const bh = 1 / (1 + Math.exp(-(v_mV + 35) / 10));
  const an = 0.01 * vtrap(v_mV + 55);
  const bn = 0.125 * Math.exp(-(v_mV + 65) / 80);
  return { m: am / (am + bm), h: ah / (ah + bh), n: an / (an + bn) };
}

/** Per-step constants. */
export interface HhConstants {
  dt_ms: number;
}

/** The Hodgkin-Huxley model; state: v_mV, m, h, n. */
export const hh: NeuronModel<HhParams, HhConstants> = {
  name: "hh",
  variables: ["v_mV", "m", "h", "n"],
  params(partial = {}) {
    const p: HhParams = {
      ...HH_DEFAULTS,
      ...checkOptions(partial, Object.keys(HH_DEFAULTS), "hh params"),
    };
    checkPositive(p.cM_pF, "cM_pF");
    for (const k of ["gNa_nS", "gK_nS", "gL_nS"] as const) checkNumber(p[k], k, { min: 0 });
    for (const k of ["eNa_mV", "eK_mV", "eL_mV", "vSpike_mV", "iBias_pA"] as const)
      checkNumber(p[k], k);
    return p;
  },
  initial: () => ({ v_mV: -65, ...hhGatesAt(-65) }),
  prepare: (_p, dt_ms) => ({ dt_ms }),
  step: hhStep,
};

/**
 * Advances every Hodgkin-Huxley neuron by one step (exponential Euler).
 *
 * @example
 * ```ts
 * import { hh, hhStep } from "neurolab";
 * const p = hh.params({});
 * const k = hh.prepare(p, 0.01);
 * const init = hh.initial(p);
 * const s = { vars: { v_mV: Float64Array.of(init.v_mV), m: Float64Array.of(init.m), h: Float64Array.of(init.h), n: Float64Array.of(init.n) },
 *   refractorySteps: new Int32Array(1) };
 * const drive = { current_pA: Float64Array.of(500), g_nS: new Float64Array(1), gE_pA: new Float64Array(1),
 *   jump_mV: new Float64Array(1), hasConductance: false };
 * let spikes = 0;
 * for (let t = 0; t < 10_000; t++) spikes += hhStep(p, k, s, drive, new Int32Array(1)); // 100 ms
 * ```
 */
export function hhStep(
  p: HhParams,
  k: HhConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const { v_mV: v, m, h, n } = s.vars;
  const size = v.length;
  const dt = k.dt_ms;
  const { current_pA: cur, g_nS: gs, gE_pA: gsE, jump_mV: jump } = drive;
  const conductance = drive.hasConductance;
  let count = 0;
  for (let i = 0; i < size; i++) {
    const vi = v[i];
    const mi = m[i];
    const hi = h[i];
    const ni = n[i];
    // Channel conductances at the step's start; V relaxes exactly towards their weighted reversal.
    const gNa = p.gNa_nS * mi * mi * mi * hi;
    const n2 = ni * ni;
    const gK = p.gK_nS * n2 * n2;
    let gTot = gNa + gK + p.gL_nS;
    let num = gNa * p.eNa_mV + gK * p.eK_mV + p.gL_nS * p.eL_mV + p.iBias_pA + cur[i];
    if (conductance) {
      gTot += gs[i];
      num += gsE[i];
    }
    const vInf = num / gTot;
    const vNew = vInf + (vi - vInf) * Math.exp((-dt * gTot) / p.cM_pF) + jump[i];
    // Gates, each towards x_inf(V) with tau_x(V) at the step's start.
    const am = 0.1 * vtrap(vi + 40);
    const bm = 4 * Math.exp(-(vi + 65) / 18);
    const ah = 0.07 * Math.exp(-(vi + 65) / 20);
    const bh = 1 / (1 + Math.exp(-(vi + 35) / 10));
    const an = 0.01 * vtrap(vi + 55);
    const bn = 0.125 * Math.exp(-(vi + 65) / 80);
    m[i] = gate(mi, am, bm, dt);
    h[i] = gate(hi, ah, bh, dt);
    n[i] = gate(ni, an, bn, dt);
    if (vNew >= p.vSpike_mV && vi < p.vSpike_mV) spikedOut[count++] = i;
    v[i] = vNew;
  }
  return count;
}

function gate(x: number, alpha: number, beta: number, dt: number): number {
  const sum = alpha + beta;
  const inf = alpha / sum;
  return inf + (x - inf) * Math.exp(-dt * sum);
}
