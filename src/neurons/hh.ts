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
 * The model runs as equations ({@link hhEquations}, completed with the receptors by
 * `groupEquations`).
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { ModelEquations, NeuronModel } from "./model.js";

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

/** The Hodgkin-Huxley model; state: v_mV, m, h, n. */
export const hh: NeuronModel<HhParams> = {
  name: "hh",
  variables: ["v_mV", "m", "h", "n"],
  equationNames: { v_mV: "v", m: "m", h: "h", n: "n" },
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
  equations: (p) => hhEquations(p),
  membraneRate: (g) => `(gL + gNa*m**3*h + gK*n**4 + ${g})/C`,
};

/**
 * Hodgkin-Huxley (NEST hh_psc_alpha parameters, as `hh`), exponential Euler, input current `I`
 * (pA, per neuron); a spike is an upward crossing of `vSpike_mV` (the refractory condition
 * holds while v stays above it). `net.addNeurons(name, hh, ...)` runs these equations.
 *
 * @example
 * ```ts
 * import { Network, hhEquations } from "neurolab";
 * const net = new Network({ dt_ms: 0.01 });
 * net.addNeurons("hh", { size: 1, ...hhEquations(), init: { v: "-65*mV", I: "500*pA" } });
 * net.run(50);
 * ```
 */
export function hhEquations(params: Partial<HhParams> = {}): ModelEquations {
  const p = hh.params(params);
  return {
    model: `dv/dt = (gL*(EL - v) - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) + I + Ibias)/C : volt
dm/dt = alpham*(1 - m) - betam*m : 1
dh/dt = alphah*(1 - h) - betah*h : 1
dn/dt = alphan*(1 - n) - betan*n : 1
alpham = 1/ms / exprel(-(v + 40*mV)/(10*mV)) : Hz
betam = 4/ms * exp(-(v + 65*mV)/(18*mV)) : Hz
alphah = 0.07/ms * exp(-(v + 65*mV)/(20*mV)) : Hz
betah = 1/ms / (1 + exp(-(v + 35*mV)/(10*mV))) : Hz
alphan = 0.1/ms / exprel(-(v + 55*mV)/(10*mV)) : Hz
betan = 0.125/ms * exp(-(v + 65*mV)/(80*mV)) : Hz
I : amp`,
    threshold: "v >= Vspike",
    refractory: "v >= Vspike",
    method: "exponential_euler",
    namespace: {
      C: p.cM_pF,
      gNa: p.gNa_nS,
      gK: p.gK_nS,
      gL: p.gL_nS,
      ENa: p.eNa_mV,
      EK: p.eK_mV,
      EL: p.eL_mV,
      Vspike: p.vSpike_mV,
      Ibias: p.iBias_pA,
    },
  };
}
