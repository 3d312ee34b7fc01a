/**
 * Stochastic neurons.
 *
 * `escapeNoiseLif`: a LIF neuron (as `neurons/lif`, exact integration, current drive) whose
 * threshold is soft: in each step it fires with probability 1 - exp(-rho(V) dt), with the escape
 * rate rho(V) = rho0 exp((V - V_thresh) / Delta_V) (Gerstner & Kistler 2002, ch. 5.3). As
 * Delta_V -> 0 it becomes the deterministic LIF.
 *
 * `metaNeuron`: a probabilistic unit whose internal parameters are per-neuron state, so they can
 * be set, inspected and later trained neuron by neuron:
 *   V <- leak V + gain I + jumps,  P(spike) = 1 / (1 + exp(-(V - threshold) / noise)),
 * and V <- V_reset after a spike. Variables: v_mV, threshold_mV, leak (per-step factor in
 * [0, 1]), gain_mV_per_pA, noise_mV (> 0).
 */
import { checkNonNegative, checkNumber, checkPositive, checkProbability } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { Rng } from "../random/rng.js";
import type { SynapticDrive } from "../synapses/receptors.js";
import { lif, LIF_DEFAULTS, type LifConstants, type LifParams } from "./lif.js";
import type { NeuronModel, NeuronState } from "./model.js";

/** Escape-noise LIF parameters: the LIF's plus the escape rate. */
export interface EscapeNoiseParams extends LifParams {
  /** Escape rate at threshold, Hz. */
  rho0_Hz: number;
  /** Softness of the threshold, mV (> 0). */
  deltaV_mV: number;
}

/** LIF with escape noise (see the module documentation). */
export const escapeNoiseLif: NeuronModel<EscapeNoiseParams, LifConstants> = {
  name: "escapeNoiseLif",
  variables: ["v_mV"],
  params(partial = {}) {
    const {
      rho0_Hz = 100,
      deltaV_mV = 1,
      ...rest
    } = checkOptions(
      partial,
      [...Object.keys(LIF_DEFAULTS).filter((k) => k !== "integration"), "rho0_Hz", "deltaV_mV"],
      "escapeNoiseLif params",
    );
    const p = { ...lif.params({ ...rest, integration: "exact" }), rho0_Hz, deltaV_mV };
    checkNonNegative(p.rho0_Hz, "rho0_Hz");
    checkPositive(p.deltaV_mV, "deltaV_mV");
    return p;
  },
  initial: (p) => ({ v_mV: p.vRest_mV }),
  prepare: (p, dt_ms) => lif.prepare(p, dt_ms),
  step(p, k, s, drive, spikedOut, rng) {
    const v = s.vars.v_mV;
    const ref = s.refractorySteps;
    const { current_pA: cur, jump_mV: jump } = drive;
    const rateDt = p.rho0_Hz * 1e-3 * k.dt_ms;
    let count = 0;
    for (let i = 0; i < v.length; i++) {
      if (ref[i] > 0) {
        ref[i]--;
        v[i] = p.vReset_mV;
        continue;
      }
      const vInf = p.vRest_mV + k.resistance_GOhm * (p.iBias_pA + cur[i]);
      const vi = vInf + (v[i] - vInf) * k.decay + jump[i];
      const hazard = rateDt * Math.exp((vi - p.vThresh_mV) / p.deltaV_mV);
      if (rng.uniform() < 1 - Math.exp(-hazard)) {
        spikedOut[count++] = i;
        v[i] = p.vReset_mV;
        ref[i] = k.refractorySteps;
      } else v[i] = vi;
    }
    return count;
  },
};

/** Meta-neuron defaults: the per-neuron variables' initial values and the reset. */
export interface MetaNeuronParams {
  /** Initial threshold, mV. */
  threshold_mV: number;
  /** Initial per-step leak factor in [0, 1]. */
  leak: number;
  /** Initial input gain, mV per pA. */
  gain_mV_per_pA: number;
  /** Initial noise scale of the spike probability, mV (> 0). */
  noise_mV: number;
  /** Potential after a spike, mV. */
  vReset_mV: number;
}

/** Defaults of the meta neuron. */
export const META_NEURON_DEFAULTS: Readonly<MetaNeuronParams> = Object.freeze({
  threshold_mV: 1,
  leak: 0.9,
  gain_mV_per_pA: 0.01,
  noise_mV: 0.1,
  vReset_mV: 0,
});

/** The probabilistic meta neuron (see the module documentation). */
export const metaNeuron: NeuronModel<MetaNeuronParams, null> = {
  name: "metaNeuron",
  variables: ["v_mV", "threshold_mV", "leak", "gain_mV_per_pA", "noise_mV"],
  params(partial = {}) {
    const p = {
      ...META_NEURON_DEFAULTS,
      ...checkOptions(partial, Object.keys(META_NEURON_DEFAULTS), "metaNeuron params"),
    };
    checkNumber(p.threshold_mV, "threshold_mV");
    checkProbability(p.leak, "leak");
    checkNumber(p.gain_mV_per_pA, "gain_mV_per_pA");
    checkPositive(p.noise_mV, "noise_mV");
    checkNumber(p.vReset_mV, "vReset_mV");
    return p;
  },
  initial: (p) => ({
    v_mV: p.vReset_mV,
    threshold_mV: p.threshold_mV,
    leak: p.leak,
    gain_mV_per_pA: p.gain_mV_per_pA,
    noise_mV: p.noise_mV,
  }),
  prepare: () => null,
  step: metaNeuronStep,
};

/**
 * Advances every meta neuron by one step.
 *
 * @example
 * ```ts
 * import { Rng, metaNeuron, metaNeuronStep } from "neurolab";
 * const p = metaNeuron.params({});
 * const init = metaNeuron.initial(p);
 * const vars: Record<string, Float64Array> = {};
 * for (const name of metaNeuron.variables) vars[name] = Float64Array.of(init[name]);
 * const s = { vars, refractorySteps: new Int32Array(1) };
 * const drive = { current_pA: Float64Array.of(50), g_nS: new Float64Array(1), gE_pA: new Float64Array(1),
 *   jump_mV: new Float64Array(1), hasConductance: false };
 * const rng = new Rng(1);
 * metaNeuronStep(p, null, s, drive, new Int32Array(1), rng); // 1 if it fired this step
 * ```
 */
export function metaNeuronStep(
  p: MetaNeuronParams,
  _k: null,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
  rng: Rng,
): number {
  const { v_mV: v, threshold_mV: th, leak, gain_mV_per_pA: gain, noise_mV: noise } = s.vars;
  const { current_pA: cur, jump_mV: jump } = drive;
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    const vi = leak[i] * v[i] + gain[i] * cur[i] + jump[i];
    const pSpike = 1 / (1 + Math.exp(-(vi - th[i]) / noise[i]));
    if (rng.uniform() < pSpike) {
      spikedOut[count++] = i;
      v[i] = p.vReset_mV;
    } else v[i] = vi;
  }
  return count;
}
