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
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions, lookupOwn } from "../core/validate.js";
import type { SynapticDrive } from "../synapses/receptors.js";
import type { NeuronModel, NeuronState } from "./model.js";

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

/** Per-step constants. */
export interface IzhikevichConstants {
  dt_ms: number;
}

/** The Izhikevich model (see the module documentation); state: v_mV and u. */
export const izhikevich: NeuronModel<IzhikevichParams, IzhikevichConstants> = {
  name: "izhikevich",
  variables: ["v_mV", "u"],
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
  prepare: (_p, dt_ms) => ({ dt_ms }),
  step: izhikevichStep,
};

/**
 * Advances every Izhikevich neuron by one step.
 *
 * @example
 * ```ts
 * import { izhikevich, izhikevichPreset, izhikevichStep } from "neurolab";
 * const p = izhikevich.params({ ...izhikevichPreset("RS"), iBias: 10 });
 * const k = izhikevich.prepare(p, 0.5);
 * const init = izhikevich.initial(p);
 * const s = { vars: { v_mV: Float64Array.of(init.v_mV), u: Float64Array.of(init.u) }, refractorySteps: new Int32Array(1) };
 * const drive = { current_pA: new Float64Array(1), g_nS: new Float64Array(1), gE_pA: new Float64Array(1),
 *   jump_mV: new Float64Array(1), hasConductance: false };
 * let spikes = 0;
 * for (let t = 0; t < 2000; t++) spikes += izhikevichStep(p, k, s, drive, new Int32Array(1)); // 1 s
 * ```
 */
export function izhikevichStep(
  p: IzhikevichParams,
  k: IzhikevichConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const v = s.vars.v_mV;
  const u = s.vars.u;
  const n = v.length;
  const { current_pA: cur, g_nS: g, gE_pA: gE, jump_mV: jump } = drive;
  const conductance = drive.hasConductance;
  const half = k.dt_ms / 2;
  const dt = k.dt_ms;
  const { a, b, c_mV: c, d, vPeak_mV: peak, iBias } = p;
  let count = 0;
  for (let i = 0; i < n; i++) {
    let vi = v[i];
    const ui = u[i];
    const iIn = iBias + cur[i];
    if (conductance) {
      vi += half * (0.04 * vi * vi + 5 * vi + 140 - ui + iIn + gE[i] - g[i] * vi);
      vi += half * (0.04 * vi * vi + 5 * vi + 140 - ui + iIn + gE[i] - g[i] * vi);
    } else {
      vi += half * (0.04 * vi * vi + 5 * vi + 140 - ui + iIn);
      vi += half * (0.04 * vi * vi + 5 * vi + 140 - ui + iIn);
    }
    let un = ui + dt * a * (b * vi - ui);
    vi += jump[i];
    if (vi >= peak) {
      spikedOut[count++] = i;
      vi = c;
      un += d;
    }
    v[i] = vi;
    u[i] = un;
  }
  return count;
}
