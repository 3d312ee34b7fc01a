/**
 * Leaky integrate-and-fire neuron (LIF), current- or conductance-driven:
 *
 *   C_m dV/dt = -g_L (V - V_rest) + I_bias + I_ext + I_syn,   g_L = C_m / tau_m,
 *   I_syn = sum(current receptors) + sum(g_r (E_r - V)) over conductance receptors.
 *
 * `integration: "exact"` (default) treats the input and conductances as constant over the step
 * and integrates the linear ODE exactly (for current input this is NEST's iaf_psc_* scheme):
 *   V <- V_inf + (V - V_inf) exp(-dt g_tot / C_m),  V_inf = (g_L V_rest + sum g E + I) / g_tot,
 * which is Brian2's `exponential_euler` of these equations. `integration: "euler"` takes one
 * forward-Euler step (Brian2's `method='euler'`). Voltage jumps from delta receptors are added
 * in the step they arrive; a neuron at or above V_thresh then spikes, is reset to V_reset and
 * clamped there for t_ref (input arriving while refractory is dropped for jumps; conductances
 * keep evolving). The model runs as equations ({@link lifEquations}, completed with the
 * receptors by `groupEquations`); the refractory period counts from the spike's stamp (NEST),
 * i.e. round(t_ref/dt) + 1 steps of Brian2's count.
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { ModelEquations, NeuronModel } from "./model.js";
import { describeValue } from "../core/describe.js";

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
  /** Integration scheme: "exact" (default) or "euler". */
  integration: "exact" | "euler";
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
  integration: "exact",
});

/** The LIF model (see the module documentation). */
export const lif: NeuronModel<LifParams> = {
  name: "lif",
  variables: ["v_mV"],
  equationNames: { v_mV: "v" },
  params(partial = {}) {
    const p: LifParams = {
      ...LIF_DEFAULTS,
      ...checkOptions(partial, Object.keys(LIF_DEFAULTS), "lif params"),
    };
    checkPositive(p.tauM_ms, "tauM_ms");
    checkPositive(p.cM_pF, "cM_pF");
    checkNumber(p.vRest_mV, "vRest_mV");
    checkNumber(p.vReset_mV, "vReset_mV");
    checkNumber(p.vThresh_mV, "vThresh_mV", { min: p.vReset_mV, minExclusive: true });
    checkNonNegative(p.tRef_ms, "tRef_ms");
    checkNumber(p.iBias_pA, "iBias_pA");
    if (p.integration !== "exact" && p.integration !== "euler") {
      throw new RangeError(
        `integration must be "exact" or "euler", got ${describeValue(p.integration)}`,
      );
    }
    return p;
  },
  initial: (p) => ({ v_mV: p.vRest_mV }),
  equations: (p, dt_ms) => ({ ...lifEquations(p), refractory: nestRefractory(p.tRef_ms, dt_ms) }),
  membraneRate: (g) => `1/taum + (${g})/Cm`,
};

/**
 * A refractory period of `tRef_ms` counted from the spike's stamp at the end of its step (NEST,
 * round(t_ref/dt) steps clamped), as Brian2 counts it (from the spiking step's start): ms.
 * @internal
 */
export function nestRefractory(tRef_ms: number, dt_ms: number): number {
  return (Math.round(tRef_ms / dt_ms) + 1) * dt_ms;
}

/**
 * Completes partial LIF parameters with {@link LIF_DEFAULTS} and validates them.
 *
 * @example
 * ```ts
 * import { lifParams } from "neurolab";
 * lifParams({ tauM_ms: 10 }); // the other fields from LIF_DEFAULTS; an out-of-range value throws naming it
 * ```
 */
export function lifParams(partial: Partial<LifParams> = {}): LifParams {
  return lif.params(partial);
}

/**
 * Leaky integrate-and-fire neuron with an input current `I` (pA, a per-neuron parameter):
 * tau_m dv/dt = (E_L - v) + R (I + I_bias), integrated exactly (or by forward Euler with
 * `integration: "euler"`). `addLif` runs these equations, with `I` the sum of the external,
 * gap-junction and synaptic currents of its receptors. The refractory period here is Brian2's
 * (counted from the spiking step's start: `tRef_ms: x` in `addLif` is `refractory: x + dt` here).
 *
 * @example
 * ```ts
 * import { Network, lifEquations } from "neurolab";
 * const net = new Network();
 * const cells = net.addNeurons("cells", { size: 10, ...lifEquations({ tauM_ms: 10 }), init: { I: "400*pA" } });
 * cells.describe().equations; // the model as Brian2-style equations
 * ```
 */
export function lifEquations(params: Partial<LifParams> = {}): ModelEquations {
  const p = lif.params(params);
  return {
    model: `dv/dt = (El - v)/taum + (I + Ibias)/Cm : volt (unless refractory)
I : amp`,
    threshold: "v >= Vth",
    reset: "v = Vr",
    refractory: p.tRef_ms,
    method: p.integration === "euler" ? "euler" : "exact",
    namespace: {
      El: p.vRest_mV,
      taum: p.tauM_ms,
      Cm: p.cM_pF,
      Ibias: p.iBias_pA,
      Vth: p.vThresh_mV,
      Vr: p.vReset_mV,
    },
  };
}
