/**
 * Leaky integrate-and-fire neuron (LIF), current- or conductance-driven:
 *
 *   C_m dV/dt = -g_L (V - V_rest) + I_bias + I_ext + I_syn,   g_L = C_m / tau_m,
 *   I_syn = sum(current receptors) + sum(g_r (E_r - V)) over conductance receptors.
 *
 * `integration: "exact"` (default) treats the input and conductances as constant over the step
 * and integrates the linear ODE exactly (for current input this is NEST's iaf_psc_* scheme):
 *   V <- V_inf + (V - V_inf) exp(-dt g_tot / C_m),  V_inf = (g_L V_rest + sum g E + I) / g_tot.
 * `integration: "euler"` takes one forward-Euler step (Brian2's `method='euler'`).
 * Voltage jumps from delta receptors are added at the end of the step; a neuron at or above
 * V_thresh then spikes, is reset to V_reset and clamped there for t_ref (input arriving while
 * refractory is dropped for jumps; conductances keep evolving).
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";
import { checkOptions } from "../core/validate.js";
import type { SynapticDrive } from "../synapses/receptors.js";
import type { FusedInputs, NeuronModel, NeuronState } from "./model.js";
import { lifWasmModule, type CobaEulerKernel } from "./lifWasm.js";
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

/** Per-step constants of the LIF model. */
export interface LifConstants {
  dt_ms: number;
  /** exp(-dt / tau_m). */
  decay: number;
  /** tau_m / C_m, GOhm (mV per pA). */
  resistance_GOhm: number;
  /** Leak conductance C_m / tau_m, nS. */
  gL_nS: number;
  /** Refractory period in whole steps, round(t_ref / dt). */
  refractorySteps: number;
}

/** The LIF model (see the module documentation). */
export const lif: NeuronModel<LifParams, LifConstants> = {
  name: "lif",
  variables: ["v_mV"],
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
  prepare: (p, dt_ms) => ({
    dt_ms,
    decay: Math.exp(-dt_ms / p.tauM_ms),
    resistance_GOhm: p.tauM_ms / p.cM_pF,
    gL_nS: p.cM_pF / p.tauM_ms,
    refractorySteps: Math.round(p.tRef_ms / dt_ms),
  }),
  step: lifStep,
  fusedStep: lifFusedStep,
  wasmModule: lifWasmModule,
};

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
 * Advances every LIF neuron by one step (see the module documentation). Dispatches to one tight
 * loop per integration scheme and drive kind, so the hot loops carry no per-neuron branching on
 * loop-invariant flags.
 *
 * @example
 * ```ts
 * import { lif, lifStep } from "neurolab";
 * // the pure step over an explicit parameter record and state (what a NeuronGroup calls each step)
 * const p = lif.params({ integration: "euler" });
 * const k = lif.prepare(p, 0.1); // dt = 0.1 ms
 * const s = { vars: { v_mV: Float64Array.of(-70, -50.1) }, refractorySteps: new Int32Array(2) };
 * const drive = { current_pA: Float64Array.of(0, 400), g_nS: new Float64Array(2), gE_pA: new Float64Array(2),
 *   jump_mV: new Float64Array(2), hasConductance: false };
 * const spiked = new Int32Array(2);
 * lifStep(p, k, s, drive, spiked); // returns the number of spikes; their indices are in `spiked`
 * ```
 */
export function lifStep(
  p: LifParams,
  k: LifConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  if (drive.hasConductance)
    return p.integration === "exact"
      ? lifConductanceExact(p, k, s, drive, spikedOut)
      : lifConductanceEuler(p, k, s, drive, spikedOut);
  return p.integration === "exact"
    ? lifCurrentExact(p, k, s, drive, spikedOut)
    : lifCurrentEuler(p, k, s, drive, spikedOut);
}

function lifCurrentExact(
  p: LifParams,
  k: LifConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const v = s.vars.v_mV;
  const ref = s.refractorySteps;
  const { current_pA: cur, jump_mV: jump } = drive;
  const { vRest_mV: vRest, vReset_mV: vReset, vThresh_mV: vTh, iBias_pA: bias } = p;
  const { decay, resistance_GOhm: r, refractorySteps: refSteps } = k;
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      continue;
    }
    const vInf = vRest + r * (bias + cur[i]);
    let vi = vInf + (v[i] - vInf) * decay + jump[i];
    if (vi >= vTh) {
      spikedOut[count++] = i;
      vi = vReset;
      ref[i] = refSteps;
    }
    v[i] = vi;
  }
  return count;
}

function lifCurrentEuler(
  p: LifParams,
  k: LifConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const v = s.vars.v_mV;
  const ref = s.refractorySteps;
  const { current_pA: cur, jump_mV: jump } = drive;
  const { vRest_mV: vRest, vReset_mV: vReset, vThresh_mV: vTh, iBias_pA: bias } = p;
  const { gL_nS: gL, refractorySteps: refSteps } = k;
  const dtOverC = k.dt_ms / p.cM_pF;
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      continue;
    }
    const vi0 = v[i];
    let vi = vi0 + dtOverC * (gL * (vRest - vi0) + (bias + cur[i])) + jump[i];
    if (vi >= vTh) {
      spikedOut[count++] = i;
      vi = vReset;
      ref[i] = refSteps;
    }
    v[i] = vi;
  }
  return count;
}

function lifConductanceExact(
  p: LifParams,
  k: LifConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const v = s.vars.v_mV;
  const ref = s.refractorySteps;
  const { current_pA: cur, g_nS: g, gE_pA: gE, jump_mV: jump } = drive;
  const { vReset_mV: vReset, vThresh_mV: vTh, iBias_pA: bias, cM_pF: c } = p;
  const { gL_nS: gL, refractorySteps: refSteps, dt_ms: dt } = k;
  const leak = gL * p.vRest_mV;
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      continue;
    }
    const gTot = gL + g[i];
    const vInf = (leak + gE[i] + (bias + cur[i])) / gTot;
    let vi = vInf + (v[i] - vInf) * Math.exp((-dt * gTot) / c) + jump[i];
    if (vi >= vTh) {
      spikedOut[count++] = i;
      vi = vReset;
      ref[i] = refSteps;
    }
    v[i] = vi;
  }
  return count;
}

function lifConductanceEuler(
  p: LifParams,
  k: LifConstants,
  s: NeuronState,
  drive: SynapticDrive,
  spikedOut: Int32Array,
): number {
  const v = s.vars.v_mV;
  const ref = s.refractorySteps;
  const { current_pA: cur, g_nS: g, gE_pA: gE, jump_mV: jump } = drive;
  const { vReset_mV: vReset, vThresh_mV: vTh, iBias_pA: bias } = p;
  const { gL_nS: gL, refractorySteps: refSteps } = k;
  const dtOverC = k.dt_ms / p.cM_pF;
  const leak = gL * p.vRest_mV;
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      continue;
    }
    const vi0 = v[i];
    let vi = vi0 + dtOverC * (leak + gE[i] + (bias + cur[i]) - (gL + g[i]) * vi0) + jump[i];
    if (vi >= vTh) {
      spikedOut[count++] = i;
      vi = vReset;
      ref[i] = refSteps;
    }
    v[i] = vi;
  }
  return count;
}

/**
 * The COBA configuration fused into one pass (Euler integration, receptors [delta, exp
 * conductance, exp conductance], no gap junctions): same arithmetic as gathering the drive
 * (`gatherDriveAndAdvance`) followed by {@link lifStep}; zeroes the arriving rows it consumed.
 * Returns -1 for any other configuration.
 * When the population's arrays live in a wasm arena with the kernels of `lifWasm`, the SIMD
 * kernel runs instead (bitwise identical; `f.wasm` undefined forces this TypeScript loop).
 * @internal
 */
export function lifFusedStep(
  p: LifParams,
  k: LifConstants,
  s: NeuronState,
  f: FusedInputs,
  spikedOut: Int32Array,
): number {
  const r = f.receptors;
  if (p.integration !== "euler" || f.coupling_pA !== null || r.length !== 3) return -1;
  const a = r[1];
  const b = r[2];
  if (
    a.spec.kind !== "conductance" ||
    b.spec.kind !== "conductance" ||
    a.rise.length > 0 ||
    b.rise.length > 0
  )
    return -1;
  const v = s.vars.v_mV;
  const ref = s.refractorySteps;
  const ext = f.external_pA;
  const jump = f.arriving[0];
  const ia = f.arriving[1];
  const ib = f.arriving[2];
  const va = a.value;
  const vb = b.value;
  const ea = a.decay;
  const eb = b.decay;
  const Ea = a.spec.eRev_mV;
  const Eb = b.spec.eRev_mV;
  const { vReset_mV: vReset, vThresh_mV: vTh, iBias_pA: bias } = p;
  const { gL_nS: gL, refractorySteps: refSteps } = k;
  const dtOverC = k.dt_ms / p.cM_pF;
  const leak = gL * p.vRest_mV;
  const kernel = f.wasm?.cobaEuler as CobaEulerKernel | undefined;
  const mem = f.wasmBuffer;
  if (
    kernel !== undefined &&
    mem !== null &&
    v.buffer === mem &&
    ref.buffer === mem &&
    va.buffer === mem &&
    vb.buffer === mem &&
    ia.buffer === mem &&
    ib.buffer === mem &&
    ext.buffer === mem &&
    jump.buffer === mem &&
    spikedOut.buffer === mem
  ) {
    return kernel(
      v.length,
      v.byteOffset,
      ref.byteOffset,
      va.byteOffset,
      vb.byteOffset,
      ia.byteOffset,
      ib.byteOffset,
      ext.byteOffset,
      jump.byteOffset,
      spikedOut.byteOffset,
      ea,
      eb,
      Ea,
      Eb,
      vReset,
      vTh,
      bias,
      gL,
      dtOverC,
      leak,
      refSteps,
    );
  }
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    const xa = va[i];
    const xb = vb[i];
    va[i] = xa * ea + ia[i];
    vb[i] = xb * eb + ib[i];
    ia[i] = 0;
    ib[i] = 0;
    const ji = jump[i];
    jump[i] = 0;
    if (ref[i] > 0) {
      ref[i]--;
      v[i] = vReset;
      continue;
    }
    const vi0 = v[i];
    let vi =
      vi0 + dtOverC * (leak + (xa * Ea + xb * Eb) + (bias + ext[i]) - (gL + (xa + xb)) * vi0) + ji;
    if (vi >= vTh) {
      spikedOut[count++] = i;
      vi = vReset;
      ref[i] = refSteps;
    }
    v[i] = vi;
  }
  return count;
}
