/**
 * Izhikevich (2003) simple model, "Simple model of spiking neurons", IEEE TNN 14:1569:
 *
 *   v' = 0.04 v^2 + 5 v + 140 - u + I,   u' = a (b v - u),
 *   if v >= 30 mV: v <- c, u <- u + d.
 *
 * Units as in the paper: v in mV, t in ms, and I (bias, external and synaptic current) entering
 * the equation directly, i.e. in mV/ms (our `_pA` inputs are used as that number; conductance
 * receptors contribute g (E - v) with g read as 1/ms).
 *
 * Integration scheme (as the paper's published code, generalised to any dt): v takes two
 * forward-Euler half steps of dt/2, then u one forward-Euler step of dt using the new v. With
 * dt = 1 ms this is the paper's code exactly. Delta-receptor jumps are added to v at the end.
 * The model runs as equations (`izhikevich.equations`: the half steps written as
 * subexpressions of one Euler step, completed with the receptors by `groupEquations`; the
 * synaptic current of both half steps is the one at the step's start).
 * {@link izhikevichEquations} is the same model in Brian2's usual form (one Euler step).
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions, lookupOwn } from "../core/validate.js";
import { describeValue } from "../core/describe.js";
import { checkOptionsObject } from "../core/validate.js";
import type { ModelEquations, NeuronModel } from "./model.js";

/** Izhikevich parameters (dimensionless a, b, d as in the paper; c and the peak in mV). */
export interface IzhikevichParams {
  /** Time scale of the recovery variable u, 1/ms. */
  a: number;
  /** Sensitivity of u to subthreshold v. */
  b: number;
  /** Reset value of v after a spike, mV. */
  c_mV: number;
  /** Increment of u after a spike. */
  d: number;
  /** Spike cut-off, mV (30 in the paper). */
  vPeak_mV: number;
  /** Constant input I (the paper's units). */
  iBias: number;
}

/** The firing classes of the 2003 paper (Fig. 2), as (a, b, c, d). */
export const IZHIKEVICH_PRESETS = ownKeysOnly({
  /** Regular spiking (excitatory cortical cells): tonic spiking with adaptation. */
  RS: { a: 0.02, b: 0.2, c_mV: -65, d: 8 },
  /** Intrinsically bursting: an initial burst, then tonic spikes. */
  IB: { a: 0.02, b: 0.2, c_mV: -55, d: 4 },
  /** Chattering: repetitive bursts of closely spaced spikes. */
  CH: { a: 0.02, b: 0.2, c_mV: -50, d: 2 },
  /** Fast spiking (inhibitory interneurons): high rate, no adaptation. */
  FS: { a: 0.1, b: 0.2, c_mV: -65, d: 2 },
  /** Low-threshold spiking (inhibitory): adaptation, low threshold. */
  LTS: { a: 0.02, b: 0.25, c_mV: -65, d: 2 },
  /** Thalamo-cortical: tonic firing when depolarised, rebound burst after hyperpolarisation. */
  TC: { a: 0.02, b: 0.25, c_mV: -65, d: 0.05 },
  /** Resonator: damped subthreshold oscillations. */
  RZ: { a: 0.1, b: 0.26, c_mV: -65, d: 2 },
} satisfies Record<string, Partial<IzhikevichParams>>);

/** Names of the Izhikevich parameters. */
const IZHIKEVICH_PARAMS = ["a", "b", "c_mV", "d", "vPeak_mV", "iBias"];

/**
 * A frozen record without a prototype, so that `name in IZHIKEVICH_PRESETS` is true only for the
 * presets themselves ("toString" or "__proto__" are not presets).
 */
function ownKeysOnly<T extends object>(record: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, record));
}

/**
 * The parameters of an Izhikevich preset by name; RangeError listing the presets otherwise.
 *
 * @example
 * ```ts
 * import { Network, izhikevichEquations, izhikevichPreset } from "neurolab";
 * izhikevichPreset("CH"); // chattering: { a: 0.02, b: 0.2, c_mV: -50, d: 2 }
 * const net = new Network();
 * net.addNeurons("ch", { size: 1, ...izhikevichEquations({ preset: "CH" }), init: { I: 10 } });
 * ```
 */
export function izhikevichPreset(name: string): Readonly<Partial<IzhikevichParams>> {
  return lookupOwn<Partial<IzhikevichParams>>(IZHIKEVICH_PRESETS, name, "preset");
}

/** Name of an Izhikevich preset. */
export type IzhikevichPreset = keyof typeof IZHIKEVICH_PRESETS;

/** The Izhikevich model (see the module documentation); state: v_mV and u. */
export const izhikevich: NeuronModel<IzhikevichParams> = {
  name: "izhikevich",
  variables: ["v_mV", "u"],
  equationNames: { v_mV: "v", u: "u" },
  params(partial = {}) {
    const p: IzhikevichParams = {
      ...IZHIKEVICH_PRESETS.RS,
      vPeak_mV: 30,
      iBias: 0,
      ...checkOptions(partial, IZHIKEVICH_PARAMS, "izhikevich params"),
    };
    checkPositive(p.a, "a");
    checkNumber(p.b, "b");
    checkNumber(p.c_mV, "c_mV", { max: p.vPeak_mV, maxExclusive: true });
    checkNumber(p.d, "d");
    checkNumber(p.vPeak_mV, "vPeak_mV");
    checkNumber(p.iBias, "iBias");
    return p;
  },
  // v0 = -65 mV and u0 = b v0, as in the paper's code.
  initial: (p) => ({ v_mV: -65, u: p.b * -65 }),
  equations: (p) => {
    const f = (v: string) => `(0.04*${v}**2/mV + 5*${v} + 140*mV - u + (I + Ibias)*mV)/ms`;
    return {
      ...izhikevichEquations(p),
      model: `dv/dt = (vnew - v)/dt : volt
du/dt = a*(b*vnew - u)/ms : volt
vhalf = v + dt/2*${f("v")} : volt
vnew = vhalf + dt/2*${f("vhalf")} : volt
I : 1`,
    };
  },
};

/**
 * Izhikevich (2003) in Brian2's notation (v and u in mV, time in ms), input `I` (the paper's
 * units, per neuron), one Euler step for v and u (`addIzhikevich` takes the paper's two half
 * steps for v instead).
 *
 * @example
 * ```ts
 * import { Network, izhikevichEquations } from "neurolab";
 * const net = new Network();
 * const rs = net.addNeurons("rs", { size: 50, ...izhikevichEquations({ preset: "RS" }), init: { v: "-65*mV", u: "-13*mV", I: 10 } });
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
  const p = izhikevich.params({ ...IZHIKEVICH_PRESETS[preset ?? "RS"], ...rest });
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
