/**
 * The shipped neuron models written as equations (Brian2's notation), from the same parameter
 * records as the hand-written models: `net.addNeurons(name, { size, ...adexEquations() })`.
 * Each spec is plain data a user can read, copy and change. The hand-written models in this
 * folder stay the engine of `addLif`, `addAdEx`, ... for now (their receptors, exporters and
 * NEST cross-checks build on them); `test/unit/model_equations.test.ts` checks that both
 * paths give the same spikes.
 *
 * Differences to know: the refractory period of an equation group follows Brian2 (counted from
 * the start of the spiking step), the hand-written LIF counts it from the spike's stamp (NEST),
 * so `tRef_ms: x` there matches `refractory: x + dt` here; the Izhikevich spec integrates v and
 * u with one Euler step (Brian2's way), the hand-written model takes the paper's two half steps
 * for v.
 */
import { checkOptionsObject } from "../core/validate.js";
import type { EquationModelSpec } from "../equations/model.js";
import { ADEX_DEFAULTS, type AdExParams } from "./adex.js";
import { HH_DEFAULTS, type HhParams } from "./hh.js";
import { IZHIKEVICH_PRESETS, type IzhikevichParams, type IzhikevichPreset } from "./izhikevich.js";
import { LIF_DEFAULTS, type LifParams } from "./lif.js";
import { describeValue } from "../core/describe.js";

/** A model spec without the size (what `addNeurons` takes besides `size`). */
export type ModelEquations = Required<Pick<EquationModelSpec, "model" | "namespace">> &
  Omit<EquationModelSpec, "model" | "namespace">;

/**
 * Leaky integrate-and-fire neuron with an input current `I` (pA, a per-neuron parameter),
 * exact integration: tau_m dv/dt = (E_L - v) + R (I + I_bias).
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
  const p = { ...LIF_DEFAULTS, ...params };
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

/**
 * Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), forward Euler, input current `I` (pA).
 *
 * @example
 * ```ts
 * import { Network, adexEquations } from "neurolab";
 * const net = new Network();
 * net.addNeurons("cells", { size: 100, ...adexEquations(), init: { I: "1*nA" } });
 * ```
 */
export function adexEquations(params: Partial<AdExParams> = {}): ModelEquations {
  const p = { ...ADEX_DEFAULTS, ...params };
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

/**
 * Izhikevich (2003) in Brian2's notation (v and u in mV, time in ms), input `I` (the paper's units, per neuron).
 *
 * @example
 * ```ts
 * import { Network, izhikevichEquations } from "neurolab";
 * const net = new Network();
 * const rs = net.addNeurons("rs", { size: 50, ...izhikevichEquations({ preset: "RS" }), init: { I: 10 } });
 * ```
 */
export function izhikevichEquations(
  params: Partial<IzhikevichParams> & { preset?: IzhikevichPreset } = {},
): ModelEquations {
  const { preset, ...rest } = checkOptionsObject(params, "izhikevichEquations params");
  if (preset !== undefined && !Object.hasOwn(IZHIKEVICH_PRESETS, preset))
    throw new RangeError(
      `preset must be one of ${Object.keys(IZHIKEVICH_PRESETS).join(", ")}, got ${describeValue(preset)}`,
    );
  const p: IzhikevichParams = {
    ...IZHIKEVICH_PRESETS[preset ?? "RS"],
    vPeak_mV: 30,
    iBias: 0,
    ...rest,
  };
  return {
    model: `dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + (I + Ibias)*mV)/ms : volt
du/dt = a*(b*v - u)/ms : volt
I : 1`,
    threshold: "v >= Vpeak",
    reset: "v = c; u += d",
    method: "euler",
    namespace: { a: p.a, b: p.b, c: p.c_mV, d: p.d, Vpeak: p.vPeak_mV, Ibias: p.iBias },
  };
}

/**
 * Hodgkin-Huxley (NEST hh_psc_alpha parameters, as `hh`), exponential Euler; a spike is an
 * upward crossing of `vSpike_mV` (the refractory condition holds while v stays above it).
 *
 * @example
 * ```ts
 * import { Network, hhEquations } from "neurolab";
 * const net = new Network({ dt_ms: 0.01 });
 * net.addNeurons("hh", { size: 1, ...hhEquations(), init: { I: "500*pA" } });
 * net.run(50);
 * ```
 */
export function hhEquations(params: Partial<HhParams> = {}): ModelEquations {
  const p = { ...HH_DEFAULTS, ...params };
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

/** The default parameter sets as equations (see the functions above). */
export const LIF_EQUATIONS: ModelEquations = lifEquations();
export const ADEX_EQUATIONS: ModelEquations = adexEquations();
export const IZHIKEVICH_EQUATIONS: ModelEquations = izhikevichEquations();
export const HH_EQUATIONS: ModelEquations = hhEquations();

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
