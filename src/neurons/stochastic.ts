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
 *
 * Both run as equations ({@link escapeNoiseLifEquations}, {@link metaNeuronEquations}): the
 * spike draw is a threshold condition on `rand()`, one uniform number per neuron and step from
 * the group's stream; the meta neuron's map is one Euler step of dv/dt = ((leak - 1) v + gain
 * I)/dt.
 */
import { checkNonNegative, checkNumber, checkPositive, checkProbability } from "../core/checks.js";
import { checkOptions, checkOptionsObject } from "../core/validate.js";
import { lif, LIF_DEFAULTS, lifEquations, nestRefractory, type LifParams } from "./lif.js";
import type { ModelEquations, NeuronModel } from "./model.js";

/** Escape-noise LIF parameters: the LIF's plus the escape rate. */
export interface EscapeNoiseParams extends LifParams {
  /** Escape rate at threshold, Hz. */
  rho0_Hz: number;
  /** Softness of the threshold, mV (> 0). */
  deltaV_mV: number;
}

/** LIF with escape noise (see the module documentation). */
export const escapeNoiseLif: NeuronModel<EscapeNoiseParams> = {
  name: "escapeNoiseLif",
  variables: ["v_mV"],
  equationNames: { v_mV: "v" },
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
  equations: (p, dt_ms) => ({
    ...escapeNoiseLifEquations(p),
    refractory: nestRefractory(p.tRef_ms, dt_ms),
  }),
  membraneRate: (g) => `1/taum + (${g})/Cm`,
};

/**
 * The escape-noise LIF as equations: the LIF's ({@link lifEquations}) with the threshold
 * `rand() < 1 - exp(-rho0 exp((v - Vth)/DeltaV) dt)` (Brian2's refractory count: `tRef_ms: x`
 * in a built-in group is `refractory: x + dt` here).
 *
 * @example
 * ```ts
 * import { Network, escapeNoiseLifEquations } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const g = net.addNeurons("g", { size: 100, ...escapeNoiseLifEquations({ deltaV_mV: 2 }), init: { v: "-70*mV", I: "300*pA" } });
 * net.run(100);
 * ```
 */
export function escapeNoiseLifEquations(params: Partial<EscapeNoiseParams> = {}): ModelEquations {
  checkOptionsObject(params, "escapeNoiseLifEquations: params");
  const { integration: _exact, ...given } = params as Partial<LifParams>;
  const p = escapeNoiseLif.params(given);
  const { rho0_Hz, deltaV_mV, ...rest } = p;
  const base = lifEquations(rest);
  return {
    ...base,
    threshold: "rand() < 1 - exp(-rho0*exp((v - Vth)/DeltaV)*dt)",
    namespace: { ...base.namespace, rho0: rho0_Hz * 1e-3, DeltaV: deltaV_mV },
  };
}

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
export const metaNeuron: NeuronModel<MetaNeuronParams> = {
  name: "metaNeuron",
  variables: ["v_mV", "threshold_mV", "leak", "gain_mV_per_pA", "noise_mV"],
  equationNames: {
    v_mV: "v",
    threshold_mV: "threshold",
    leak: "leak",
    gain_mV_per_pA: "gain",
    noise_mV: "noise",
  },
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
  equations: (p) => metaNeuronEquations(p),
};

/**
 * The meta neuron as equations (see the module documentation): per-neuron parameters
 * `threshold`, `leak`, `gain`, `noise` (set them with `init`), input current `I` (pA).
 *
 * @example
 * ```ts
 * import { Network, metaNeuronEquations } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const g = net.addNeurons("g", { size: 10, ...metaNeuronEquations(),
 *   init: { threshold: "1*mV", leak: 0.9, gain: 0.01, noise: "0.1*mV", I: "50*pA" } });
 * net.run(10);
 * ```
 */
export function metaNeuronEquations(params: Partial<MetaNeuronParams> = {}): ModelEquations {
  const p = metaNeuron.params(params);
  return {
    model: `dv/dt = ((leak - 1)*v + gain*I)/dt : volt
threshold : volt
leak : 1
gain : volt/amp
noise : volt
I : amp`,
    threshold: "rand() < 1/(1 + exp(-(v - threshold)/noise))",
    reset: "v = Vr",
    method: "euler",
    namespace: { Vr: p.vReset_mV },
  };
}
