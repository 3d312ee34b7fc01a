/**
 * PyNN's standard cell `IF_curr_exp` written as equations (Brian2 notation), with PyNN's parameter
 * names, units (ms, mV, nF, nA) and defaults, so a network of equation groups and equation
 * synapses (e.g. plastic ones) can be exported by {@link toPyNN}: the exporter recognises a group
 * built from {@link ifCurrExpEquations} and writes `sim.IF_curr_exp(...)` with the same values.
 *
 * The model is NEST's `iaf_psc_exp` (PyNN's NEST backend maps IF_curr_exp to it): a leaky
 * membrane driven by exponentially decaying excitatory and inhibitory currents (an inhibitory
 * weight is negative, PyNN's convention), integrated exactly per step (`method: "exact"`, NEST's
 * propagators). A spike at v >= v_thresh resets v to v_reset and holds it there for tau_refrac,
 * counted from the spike's stamp as in NEST (the refractory expression is `tau_refrac + dt`
 * because an equation group counts from the start of the spiking step, Brian2's way). Synapses
 * add to `i_syn_E` / `i_syn_I` in their `on_pre` (`"i_syn_E_post += w"`, w in amp units).
 */
import { checkNumber } from "../core/checks.js";
import type { EquationModelSpec } from "../equations/model.js";

/** Parameters of PyNN's `IF_curr_exp` (PyNN's names and units). */
export interface IfCurrExpParameters {
  /** Membrane time constant, ms (default 20). */
  tau_m: number;
  /** Membrane capacitance, nF (default 1). */
  cm: number;
  /** Resting potential, mV (default -65). */
  v_rest: number;
  /** Reset potential, mV (default -65). */
  v_reset: number;
  /** Threshold, mV (default -50). */
  v_thresh: number;
  /** Refractory period, ms (default 0.1; a multiple of dt). */
  tau_refrac: number;
  /** Decay time of the excitatory current, ms (default 5). */
  tau_syn_E: number;
  /** Decay time of the inhibitory current, ms (default 5). */
  tau_syn_I: number;
  /** Constant input current, nA (default 0). */
  i_offset: number;
}

/** PyNN's defaults of `IF_curr_exp`. */
export const IF_CURR_EXP_DEFAULTS: Readonly<IfCurrExpParameters> = Object.freeze({
  tau_m: 20,
  cm: 1,
  v_rest: -65,
  v_reset: -65,
  v_thresh: -50,
  tau_refrac: 0.1,
  tau_syn_E: 5,
  tau_syn_I: 5,
  i_offset: 0,
});

/** Units of the parameters in the namespace (PyNN's). */
export const IF_CURR_EXP_UNITS: Readonly<Record<keyof IfCurrExpParameters, string>> = Object.freeze(
  {
    tau_m: "ms",
    cm: "nF",
    v_rest: "mV",
    v_reset: "mV",
    v_thresh: "mV",
    tau_refrac: "ms",
    tau_syn_E: "ms",
    tau_syn_I: "ms",
    i_offset: "nA",
  },
);

/** The equations of {@link ifCurrExpEquations}. */
export const IF_CURR_EXP_EQUATIONS = `dv/dt = (v_rest - v)/tau_m + (i_syn_E + i_syn_I + i_offset)/cm : volt (unless refractory)
di_syn_E/dt = -i_syn_E/tau_syn_E : amp
di_syn_I/dt = -i_syn_I/tau_syn_I : amp`;

const POSITIVE: (keyof IfCurrExpParameters)[] = ["tau_m", "cm", "tau_syn_E", "tau_syn_I"];

/**
 * PyNN's `IF_curr_exp` as an equation group spec (model, threshold, reset, refractory, method,
 * namespace, init v = v_rest) to spread into `net.addNeurons(name, { size, ...ifCurrExpEquations({
 * tau_m: 10 }) })`.
 *
 * @example
 * ```ts
 * import { Network, ifCurrExpEquations } from "neurolab";
 * const net = new Network();
 * net.addNeurons("cells", { size: 10, ...ifCurrExpEquations({ tau_m: 10, i_offset: 1 }) }); // PyNN's IF_curr_exp, exportable by toPyNN
 * ```
 */
export function ifCurrExpEquations(params: Partial<IfCurrExpParameters> = {}): Omit<
  EquationModelSpec,
  "namespace"
> & {
  namespace: Record<string, string>;
  init: { v: string };
} {
  if (typeof params !== "object" || params === null)
    throw new TypeError("ifCurrExpEquations: params must be an object such as { tau_m: 10 }");
  const keys = Object.keys(IF_CURR_EXP_DEFAULTS) as (keyof IfCurrExpParameters)[];
  for (const k of Object.keys(params)) {
    if (!keys.includes(k as keyof IfCurrExpParameters))
      throw new RangeError(
        `IF_curr_exp parameter must be one of ${keys.join(", ")}, got ${JSON.stringify(k)}`,
      );
  }
  const p = { ...IF_CURR_EXP_DEFAULTS, ...params };
  const namespace: Record<string, string> = {};
  for (const k of keys) {
    const v = checkNumber(
      p[k],
      k,
      POSITIVE.includes(k) ? { min: 0, minExclusive: true } : k === "tau_refrac" ? { min: 0 } : {},
    );
    namespace[k] = `${v}*${IF_CURR_EXP_UNITS[k]}`;
  }
  return {
    model: IF_CURR_EXP_EQUATIONS,
    threshold: "v >= v_thresh",
    reset: "v = v_reset",
    refractory: "tau_refrac + dt",
    method: "exact",
    namespace,
    init: { v: "v_rest" },
  };
}

/**
 * The PyNN parameters of an equation group spec made by {@link ifCurrExpEquations}, or null when
 * the spec is anything else (different text, method, threshold, reset or refractoriness).
 * @internal
 */
export function recogniseIfCurrExp(spec: EquationModelSpec): IfCurrExpParameters | null {
  const ns = spec.namespace ?? {};
  const p: Partial<IfCurrExpParameters> = {};
  for (const [k, unit] of Object.entries(IF_CURR_EXP_UNITS)) {
    const m =
      typeof ns[k] === "string"
        ? /^(-?[0-9.]+(?:e[-+]?[0-9]+)?)\*([A-Za-z]+)$/.exec(ns[k] as string)
        : null;
    if (!m || m[2] !== unit) return null;
    p[k as keyof IfCurrExpParameters] = Number(m[1]);
  }
  if (Object.keys(ns).length !== Object.keys(IF_CURR_EXP_UNITS).length) return null;
  let expected: ReturnType<typeof ifCurrExpEquations>;
  try {
    expected = ifCurrExpEquations(p);
  } catch {
    return null;
  }
  const same =
    spec.model === expected.model &&
    spec.threshold === expected.threshold &&
    spec.reset === expected.reset &&
    spec.refractory === expected.refractory &&
    spec.method === expected.method;
  return same ? (p as IfCurrExpParameters) : null;
}
