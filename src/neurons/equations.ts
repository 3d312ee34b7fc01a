/**
 * The shipped neuron models written as equations (Brian2's notation), from the same parameter
 * records as the built-in constructors: `net.addNeurons(name, { size, ...adexEquations() })`.
 * Each spec is plain data a user can read, copy and change, and it is what the built-in
 * constructors run: `addLif`, `addAdEx`, `addIzhikevich` and `addNeurons(name, hh | escapeNoiseLif
 * | metaNeuron, ...)` build an equation group from the model's equations completed with the
 * group's receptors (`groupEquations` in model.ts; `group.equations` shows the result).
 * The functions live next to their models (lif.ts, adex.ts, izhikevich.ts, hh.ts,
 * stochastic.ts); this module holds the default specs as constants and the adaptive threshold.
 *
 * Differences to know: the refractory period of an equation group follows Brian2 (counted from
 * the start of the spiking step), the built-in groups count it from the spike's stamp (NEST),
 * so `tRef_ms: x` there matches `refractory: x + dt` here; `izhikevichEquations` integrates v
 * and u with one Euler step (Brian2's way), `addIzhikevich` takes the paper's two half steps
 * for v.
 */
import { adexEquations } from "./adex.js";
import { hhEquations } from "./hh.js";
import { izhikevichEquations } from "./izhikevich.js";
import { LIF_DEFAULTS, lifEquations, type LifParams } from "./lif.js";
import type { ModelEquations } from "./model.js";
import { escapeNoiseLifEquations, metaNeuronEquations } from "./stochastic.js";

/**
 * The shipped models with their default parameters, as equations (see `lifEquations`,
 * `adexEquations`, `izhikevichEquations`, `hhEquations`, `escapeNoiseLifEquations`,
 * `metaNeuronEquations` for other parameters).
 *
 * @example
 * ```ts
 * import { LIF_EQUATIONS, Network } from "neurolab";
 * LIF_EQUATIONS.model; // "dv/dt = (El - v)/taum + (I + Ibias)/Cm : volt (unless refractory)\nI : amp"
 * const net = new Network();
 * net.addNeurons("cells", { size: 10, ...LIF_EQUATIONS, init: { v: "-70*mV", I: "400*pA" } });
 * ```
 */
export const LIF_EQUATIONS: ModelEquations = lifEquations();
/**
 * AdEx (Brette & Gerstner 2005) with its default (regular spiking) parameters, as equations.
 *
 * @example
 * ```ts
 * import { ADEX_EQUATIONS } from "neurolab";
 * ADEX_EQUATIONS.reset; // "v = Vr; w += b"
 * ```
 */
export const ADEX_EQUATIONS: ModelEquations = adexEquations();
/**
 * Izhikevich (2003), regular spiking, as equations (one Euler step).
 *
 * @example
 * ```ts
 * import { IZHIKEVICH_EQUATIONS } from "neurolab";
 * IZHIKEVICH_EQUATIONS.namespace; // { a: 0.02, b: 0.2, c: -65, d: 8, Vpeak: 30, Ibias: 0 }
 * ```
 */
export const IZHIKEVICH_EQUATIONS: ModelEquations = izhikevichEquations();
/**
 * Hodgkin-Huxley (NEST hh_psc_alpha's parameters), as equations (exponential Euler).
 *
 * @example
 * ```ts
 * import { HH_EQUATIONS } from "neurolab";
 * HH_EQUATIONS.method; // "exponential_euler"
 * ```
 */
export const HH_EQUATIONS: ModelEquations = hhEquations();
/**
 * The escape-noise LIF (Gerstner & Kistler 2002) with its defaults, as equations.
 *
 * @example
 * ```ts
 * import { ESCAPE_NOISE_LIF_EQUATIONS } from "neurolab";
 * ESCAPE_NOISE_LIF_EQUATIONS.threshold; // "rand() < 1 - exp(-rho0*exp((v - Vth)/DeltaV)*dt)"
 * ```
 */
export const ESCAPE_NOISE_LIF_EQUATIONS: ModelEquations = escapeNoiseLifEquations();
/**
 * The probabilistic meta neuron, as equations (its threshold, leak, gain and noise are
 * per-neuron parameters).
 *
 * @example
 * ```ts
 * import { META_NEURON_EQUATIONS } from "neurolab";
 * META_NEURON_EQUATIONS.model.split("\n")[0]; // "dv/dt = ((leak - 1)*v + gain*I)/dt : volt"
 * ```
 */
export const META_NEURON_EQUATIONS: ModelEquations = metaNeuronEquations();

/** Parameters of {@link adaptiveThresholdEquations} besides the LIF's. */
export interface AdaptiveThresholdParams {
  /** Jump of the threshold variable vt at each spike, mV (default 2). */
  thresholdJump_mV: number;
  /** Time constant of vt's relaxation back to vThresh_mV, ms (default 50). */
  tauThreshold_ms: number;
  /** Target rate of the slow homeostatic offset theta, Hz (default 5; unused when homeostasisStep_mV is 0). */
  target_Hz: number;
  /** Rise of theta per spike, mV (default 0: no homeostasis); theta falls by this times target_Hz per second. */
  homeostasisStep_mV: number;
}

/** Defaults of {@link adaptiveThresholdEquations}'s threshold parameters. */
export const ADAPTIVE_THRESHOLD_DEFAULTS: Readonly<AdaptiveThresholdParams> = Object.freeze({
  thresholdJump_mV: 2,
  tauThreshold_ms: 50,
  target_Hz: 5,
  homeostasisStep_mV: 0,
});

/**
 * LIF with an adaptive threshold (intrinsic plasticity), exact integration, input current `I` (pA):
 *   tau_m dv/dt = (E_L - v) + R (I + I_bias),   dvt/dt = (V_th - vt)/tau_vt,
 *   theta = eta (count - rho0 t),   spike when v >= vt + theta;  reset v = V_r, vt += dVt, count += 1.
 * `vt` is the fast threshold that jumps at a spike and relaxes back (Brian2's example
 * `adaptive_threshold.py`; spike-frequency adaptation). `theta` is a slow homeostatic offset, an
 * integral controller of the rate (dtheta/dt = eta (Σ δ(t - t_spike) - rho0)): it rises by eta at
 * each spike and falls by eta rho0 per unit time, so over any window of length T with N spikes it
 * changes by eta (N - rho0 T), and while it stays bounded the rate is driven to rho0
 * (`target_Hz`) whatever the input (Diehl & Cook 2015's adaptive theta, with a constant decay
 * instead of an exponential one). It is written through the spike count and t rather than as an
 * ODE because Brian2's exact integrator refuses an integrator without a leak; the two are equal.
 * Namespace constants are in base units (mV, ms, pA, pF; `rho0` in 1/ms); `init` starts v at
 * E_L and vt at V_th (spread it into `addNeurons` with the size, or change it).
 *
 * @example
 * ```ts
 * import { Network, adaptiveThresholdEquations } from "neurolab";
 * const net = new Network();
 * const model = adaptiveThresholdEquations({ homeostasisStep_mV: 0.5, target_Hz: 10 });
 * const cells = net.addNeurons("cells", { size: 10, ...model, init: { ...model.init, I: "500*pA" } });
 * const spikes = net.monitorSpikes([cells]);
 * net.run(4000);
 * spikes.meanRate_Hz(); // driven toward 10 Hz whatever the input (12.5 Hz averaged over these first 4 s)
 * ```
 */
export function adaptiveThresholdEquations(
  params: Partial<LifParams & AdaptiveThresholdParams> = {},
): ModelEquations & { init: Record<string, number> } {
  const p = { ...LIF_DEFAULTS, ...ADAPTIVE_THRESHOLD_DEFAULTS, ...params };
  const positive = (x: number, name: string) => {
    if (!(typeof x === "number" && Number.isFinite(x) && x > 0))
      throw new RangeError(`${name} must be a finite number > 0, got ${x}`);
    return x;
  };
  const nonNegative = (x: number, name: string) => {
    if (!(typeof x === "number" && Number.isFinite(x) && x >= 0))
      throw new RangeError(`${name} must be a finite number >= 0, got ${x}`);
    return x;
  };
  const lif = lifEquations(
    Object.fromEntries(Object.entries(p).filter(([k]) => k in LIF_DEFAULTS)) as Partial<LifParams>,
  );
  return {
    model: `dv/dt = (El - v)/taum + (I + Ibias)/Cm : volt (unless refractory)
dvt/dt = (Vth - vt)/tau_vt : volt
theta = eta*(count - rho0*t) : volt
count : 1
I : amp`,
    threshold: "v >= vt + theta",
    reset: "v = Vr; vt += dVt; count += 1",
    refractory: lif.refractory,
    method: lif.method,
    namespace: {
      ...lif.namespace,
      dVt: nonNegative(p.thresholdJump_mV, "thresholdJump_mV"),
      tau_vt: positive(p.tauThreshold_ms, "tauThreshold_ms"),
      eta: nonNegative(p.homeostasisStep_mV, "homeostasisStep_mV"),
      rho0: nonNegative(p.target_Hz, "target_Hz") * 1e-3,
    },
    init: { v: p.vRest_mV, vt: p.vThresh_mV },
  };
}
