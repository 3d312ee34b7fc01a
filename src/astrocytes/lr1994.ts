/**
 * Astrocytic calcium dynamics of Li & Rinzel (1994) with the input and output of Nadkarni & Jung
 * (2003), as NEST 3.10's `astrocyte_lr_1994` (and its `sic_connection` to neurons), written as
 * equations (Brian2's notation) that a user can read, copy and change.
 *
 * State (NEST's names): IP3 concentration `IP3` (µM), cytosolic calcium `Ca_astro` (µM), and the
 * fraction of IP3 receptors not inactivated by calcium `h_IP3R`:
 *   dIP3/dt     = (IP3_0 - IP3) / tau_IP3                      (+ delta_IP3 · w per input spike)
 *   dCa/dt      = J_channel - J_pump + J_leak
 *   dh_IP3R/dt  = alpha_h (1 - h_IP3R) - beta_h h_IP3R
 * with c = clip(Ca, 0, Ca_tot), Ca_ER = (Ca_tot - c) / ratio_ER_cyt,
 *   J_channel = ratio_ER_cyt rate_IP3R m_inf^3 n_inf^3 h_IP3R^3 (Ca_ER - c),
 *   m_inf = IP3 / (IP3 + Kd_IP3_1), n_inf = c / (c + Kd_act),
 *   J_pump = rate_SERCA c^2 / (Km_SERCA^2 + c^2),  J_leak = ratio_ER_cyt rate_L (Ca_ER - c),
 *   alpha_h = k_IP3R Kd_inh (IP3 + Kd_IP3_1) / (IP3 + Kd_IP3_2),  beta_h = k_IP3R c.
 * A presynaptic spike of weight w (>= 0) raises IP3 by delta_IP3 · w after the step's integration
 * (NEST adds the step's summed input weight after its ODE step; here `on_pre` runs in the
 * synapses slot, after the groups slot: the same order). The slow inward current that a
 * `sic_connection` of weight w delivers is
 *   I_SIC = w · SIC_scale · H(ln y) ln y  pA,   y = (Ca - SIC_th) / nM,
 * summed over the astrocytes connected to a neuron (a summed variable, e.g. `I_sic : amp` in the
 * neuron's model).
 *
 * Conventions (see src/astrocytes/README.md): NEST integrates with GSL's adaptive RKF45 (absolute
 * error 1e-3) inside each resolution step; the preset uses RK4 at the network's dt (the dynamics
 * are slow: seconds). NEST clamps Ca to [0, Ca_tot] after each step; that interval is invariant
 * under the equations (at Ca = 0 the leak is positive, at Ca = Ca_tot the ER is empty and leak
 * and pump are negative), so the clamp inside the fluxes is kept and the one after the step
 * omitted (a current input to the calcium, NEST's J_noise, is not modelled). NEST's SIC reaches a
 * neuron after the connection's delay (at least one step); the summed variable here is computed
 * from the calcium at the start of a step and drives the neuron in that step: the same values as
 * NEST's with delay = dt, acting one step earlier.
 */
import { checkNumber } from "../core/checks.js";
import type { EquationGroupOptions } from "../network/equationGroup.js";
import type { Network } from "../network/network.js";
import type { Population } from "../network/populations.js";
import type { ConnectivityRule } from "../synapses/connectivity.js";
import type { StateArray } from "../equations/codegen.js";
import type { Synapses, SynapsesOptions, SynapticValue } from "../synapses/equationSynapses.js";

/**
 * Parameters of the Li-Rinzel astrocyte under NEST's names and in NEST's units (µM, ms, 1/ms,
 * µM/ms, 1/(µM·ms)), so a NEST status dictionary can be passed as it is.
 */
export interface AstrocyteLr1994Parameters {
  /** Total free calcium in terms of cytosolic volume, µM. */
  Ca_tot: number;
  /** Baseline IP3 concentration, µM. */
  IP3_0: number;
  /** First IP3R dissociation constant of IP3, µM. */
  Kd_IP3_1: number;
  /** Second IP3R dissociation constant of IP3, µM. */
  Kd_IP3_2: number;
  /** IP3R dissociation constant of calcium (activation), µM. */
  Kd_act: number;
  /** IP3R dissociation constant of calcium (inhibition), µM. */
  Kd_inh: number;
  /** Half-activation constant of the SERCA pump, µM. */
  Km_SERCA: number;
  /** Scale of the SIC output (dimensionless; the current is w · SIC_scale · ln(y) pA). */
  SIC_scale: number;
  /** Calcium threshold of the SIC, µM. */
  SIC_th: number;
  /** IP3 increase per unit of input weight, µM. */
  delta_IP3: number;
  /** IP3R binding constant for calcium inhibition, 1/(µM·ms). */
  k_IP3R: number;
  /** Maximum rate of calcium release through IP3R, 1/ms. */
  rate_IP3R: number;
  /** Rate constant of the calcium leak from the ER, 1/ms. */
  rate_L: number;
  /** Maximum rate of calcium uptake by the SERCA pump, µM/ms. */
  rate_SERCA: number;
  /** Ratio of ER to cytosol volume (dimensionless). */
  ratio_ER_cyt: number;
  /** Time constant of IP3's decay to its baseline, ms. */
  tau_IP3: number;
}

/** Initial state under NEST's names: IP3 (µM; NEST's default IP3_0), Ca_astro (µM), h_IP3R. */
export interface AstrocyteLr1994State {
  IP3: number;
  Ca_astro: number;
  h_IP3R: number;
}

/** NEST 3.10's defaults of `astrocyte_lr_1994` (after Nadkarni & Jung 2003). */
export const ASTROCYTE_LR_1994_DEFAULTS: Readonly<AstrocyteLr1994Parameters> = Object.freeze({
  Ca_tot: 2.0,
  IP3_0: 0.16,
  Kd_IP3_1: 0.13,
  Kd_IP3_2: 0.9434,
  Kd_act: 0.08234,
  Kd_inh: 1.049,
  Km_SERCA: 0.1,
  SIC_scale: 1.0,
  SIC_th: 0.19669,
  delta_IP3: 0.0002,
  k_IP3R: 0.0002,
  rate_IP3R: 0.006,
  rate_L: 0.00011,
  rate_SERCA: 0.0009,
  ratio_ER_cyt: 0.185,
  tau_IP3: 7142.0,
});

/** NEST 3.10's initial state of `astrocyte_lr_1994` (IP3 starts at IP3_0). */
export const ASTROCYTE_LR_1994_INITIAL: Readonly<Omit<AstrocyteLr1994State, "IP3">> = Object.freeze(
  { Ca_astro: 0.073, h_IP3R: 0.793 },
);

/** The astrocyte's equations (Brian2 notation); the constants come from the namespace. */
export const ASTROCYTE_LR_1994_EQUATIONS = `
dIP3/dt = (IP3_0 - IP3)/tau_IP3 : umolar
dCa_astro/dt = J_channel - J_pump + J_leak : umolar
dh_IP3R/dt = alpha_h*(1 - h_IP3R) - beta_h*h_IP3R : 1
Ca_c = clip(Ca_astro, 0*umolar, Ca_tot) : umolar
Ca_ER = (Ca_tot - Ca_c)/ratio_ER_cyt : umolar
m_inf = IP3/(IP3 + Kd_IP3_1) : 1
n_inf = Ca_c/(Ca_c + Kd_act) : 1
J_channel = ratio_ER_cyt*rate_IP3R*m_inf**3*n_inf**3*h_IP3R**3*(Ca_ER - Ca_c) : umolar/second
J_pump = rate_SERCA*Ca_c**2/(Km_SERCA**2 + Ca_c**2) : umolar/second
J_leak = ratio_ER_cyt*rate_L*(Ca_ER - Ca_c) : umolar/second
alpha_h = k_IP3R*Kd_inh*(IP3 + Kd_IP3_1)/(IP3 + Kd_IP3_2) : 1/second
beta_h = k_IP3R*Ca_c : 1/second`.trim();

/** Units of each parameter in the model text (NEST's units). */
const PARAMETER_UNITS: Record<keyof AstrocyteLr1994Parameters, string> = {
  Ca_tot: "umolar",
  IP3_0: "umolar",
  Kd_IP3_1: "umolar",
  Kd_IP3_2: "umolar",
  Kd_act: "umolar",
  Kd_inh: "umolar",
  Km_SERCA: "umolar",
  SIC_scale: "1",
  SIC_th: "umolar",
  delta_IP3: "umolar",
  k_IP3R: "1/(umolar*ms)",
  rate_IP3R: "1/ms",
  rate_L: "1/ms",
  rate_SERCA: "umolar/ms",
  ratio_ER_cyt: "1",
  tau_IP3: "ms",
};

/** Parameters that must be > 0 (NEST's checks); the others must be >= 0. */
const POSITIVE = new Set<keyof AstrocyteLr1994Parameters>([
  "Ca_tot",
  "Kd_act",
  "Kd_IP3_1",
  "Kd_IP3_2",
  "Km_SERCA",
  "ratio_ER_cyt",
  "SIC_scale",
  "tau_IP3",
]);

/**
 * The full, checked parameter record: NEST's defaults overridden by `params`.
 *
 * @example
 * ```ts
 * import { astrocytes } from "neurolab";
 * astrocytes.astrocyteLr1994Parameters({ tau_IP3: 5000 }); // NEST 3.10's defaults for the rest; bad values throw naming them
 * ```
 */
export function astrocyteLr1994Parameters(
  params: Partial<AstrocyteLr1994Parameters> = {},
): AstrocyteLr1994Parameters {
  if (typeof params !== "object" || params === null)
    throw new TypeError("astrocyte parameters must be an object such as { delta_IP3: 0.01 }");
  const keys = Object.keys(ASTROCYTE_LR_1994_DEFAULTS) as (keyof AstrocyteLr1994Parameters)[];
  for (const k of Object.keys(params)) {
    if (!keys.includes(k as keyof AstrocyteLr1994Parameters))
      throw new RangeError(
        `astrocyte parameter must be one of ${keys.join(", ")}, got ${JSON.stringify(k)}`,
      );
  }
  const out = { ...ASTROCYTE_LR_1994_DEFAULTS };
  for (const k of keys) {
    const v = params[k];
    if (v === undefined || v === null) continue;
    out[k] = checkNumber(v, k, { min: 0, minExclusive: POSITIVE.has(k) });
  }
  return out;
}

/** Options of {@link astrocyteLr1994}. */
export interface AstrocyteLr1994Options {
  /** Parameters (NEST's names and units); unset ones are NEST's defaults. */
  params?: Partial<AstrocyteLr1994Parameters>;
  /** Initial state (µM, µM, 1); default NEST's: IP3 = IP3_0, Ca_astro = 0.073 (at most Ca_tot), h_IP3R = 0.793. */
  init?: Partial<AstrocyteLr1994State>;
  /** Integration method (default "rk4"; the model is non-linear, so "euler", "rk2" or "rk4"). */
  method?: "rk4" | "rk2" | "euler";
}

/**
 * The Li-Rinzel astrocyte as an equation group to spread into `net.addNeurons`:
 * `net.addNeurons("astro", { size: 10, ...astrocyteLr1994({ params: { delta_IP3: 0.01 } }) })`.
 * Model text, namespace (strings with NEST's units) and initial values are plain data.
 *
 * @example
 * ```ts
 * import { Network, astrocytes } from "neurolab";
 * const net = new Network({ dt_ms: 0.1, seed: 1 });
 * const astro = net.addNeurons("astro", { size: 10, ...astrocytes.astrocyteLr1994({ params: { delta_IP3: 0.5 } }) });
 * const ca = net.monitorState(astro, ["Ca_astro"]);
 * net.run(1000);
 * ```
 */
export function astrocyteLr1994(
  opts: AstrocyteLr1994Options = {},
): Omit<EquationGroupOptions, "size"> {
  for (const k of Object.keys(opts)) {
    if (!["params", "init", "method"].includes(k))
      throw new RangeError(
        `astrocyteLr1994: unknown option "${k}" (allowed: params, init, method)`,
      );
  }
  const p = astrocyteLr1994Parameters(opts.params);
  const method = opts.method ?? "rk4";
  if (!["rk4", "rk2", "euler"].includes(method))
    throw new RangeError(
      `method must be one of "rk4", "rk2", "euler", got ${JSON.stringify(method)}`,
    );
  const s = opts.init ?? {};
  for (const k of Object.keys(s)) {
    if (!["IP3", "Ca_astro", "h_IP3R"].includes(k))
      throw new RangeError(`init must name IP3, Ca_astro or h_IP3R, got ${JSON.stringify(k)}`);
  }
  const IP3 = checkNumber(s.IP3 ?? p.IP3_0, "init.IP3", { min: 0 });
  // NEST accepts any Ca >= 0 and clips it to Ca_tot after the first step; the clip is not modelled here (see the module header).
  const Ca = checkNumber(s.Ca_astro ?? ASTROCYTE_LR_1994_INITIAL.Ca_astro, "init.Ca_astro", {
    min: 0,
    max: p.Ca_tot,
  });
  const h = checkNumber(s.h_IP3R ?? ASTROCYTE_LR_1994_INITIAL.h_IP3R, "init.h_IP3R", {
    min: 0,
    max: 1,
  });
  const namespace: Record<string, string> = {};
  for (const [k, unit] of Object.entries(PARAMETER_UNITS)) {
    if (k === "delta_IP3" || k === "SIC_th" || k === "SIC_scale") continue; // used by the synapses
    namespace[k] =
      unit === "1"
        ? String(p[k as keyof AstrocyteLr1994Parameters])
        : `${p[k as keyof AstrocyteLr1994Parameters]}*${unit}`;
  }
  return {
    model: ASTROCYTE_LR_1994_EQUATIONS,
    method,
    namespace,
    init: { IP3: `${IP3}*umolar`, Ca_astro: `${Ca}*umolar`, h_IP3R: h },
  };
}

/** Options of {@link astrocyteInput}. */
export interface AstrocyteInputOptions {
  /** Astrocyte parameters; only delta_IP3 (µM per unit weight) is used here. */
  params?: Partial<AstrocyteLr1994Parameters>;
  /** Synaptic weight (dimensionless, >= 0 as NEST requires): a number, a function (rng, i, j) or an expression; default 1. */
  weight?: SynapticValue;
  /** Delay, ms (default 1, NEST's default; a multiple of dt, >= dt as in NEST). */
  delay_ms?: number;
}

/**
 * Neuron -> astrocyte synapses: each presynaptic spike raises the astrocyte's IP3 by
 * delta_IP3 · w (NEST's spike input to `astrocyte_lr_1994`). Spread into `net.connect(neurons,
 * astrocytes, { rule, ...astrocyteInput({ params, weight: 1 }) })`.
 *
 * @example
 * ```ts
 * import { Network, allToAll, astrocytes } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const neurons = net.addPoisson("neurons", { size: 50, rate_Hz: 10 });
 * const astro = net.addNeurons("astro", { size: 1, ...astrocytes.astrocyteLr1994() });
 * net.connect(neurons, astro, { rule: allToAll(), ...astrocytes.astrocyteInput({ weight: 1, delay_ms: 1 }) }); // each spike raises IP3
 * ```
 */
export function astrocyteInput(opts: AstrocyteInputOptions = {}): Omit<SynapsesOptions, "rule"> {
  for (const k of Object.keys(opts)) {
    if (!["params", "weight", "delay_ms"].includes(k))
      throw new RangeError(
        `astrocyteInput: unknown option "${k}" (allowed: params, weight, delay_ms)`,
      );
  }
  const p = astrocyteLr1994Parameters(opts.params);
  const w = opts.weight ?? 1;
  if (typeof w === "number") checkNumber(w, "weight", { min: 0 });
  return {
    model: "w : 1",
    on_pre: "IP3_post += delta_IP3*w",
    namespace: { delta_IP3: `${p.delta_IP3}*umolar` },
    init: { w },
    delay_ms: checkNumber(opts.delay_ms ?? 1, "delay_ms", { min: 0, minExclusive: true }),
  };
}

/** Options of {@link sicConnection}. */
export interface SicConnectionOptions {
  /** Astrocyte parameters; only SIC_th (µM) and SIC_scale are used here. */
  params?: Partial<AstrocyteLr1994Parameters>;
  /** Weight of the connection (the current is weight · SIC in pA; NEST's default 1): a number, a function (rng, i, j) or an expression. */
  weight?: SynapticValue;
  /** The neuron parameter (unit amp) that receives the summed current, e.g. "I_sic" (default). */
  target?: string;
}

/**
 * Astrocyte -> neuron slow inward current as a summed variable (NEST's `sic_connection`; it acts
 * in the step whose starting calcium it is computed from, one step before NEST's shortest delay): `I_sic_post = w · SIC_scale · H(ln y) ln y · pA`, y = (Ca_astro_pre - SIC_th)
 * / nM. The neuron's model needs the target as a current parameter, e.g. `I_sic : amp` used in
 * its `dv/dt`. Spread into `net.connect(astrocytes, neurons, { rule, ...sicConnection() })`.
 *
 * @example
 * ```ts
 * import { Network, allToAll, astrocytes } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const astro = net.addNeurons("astro", { size: 1, ...astrocytes.astrocyteLr1994() });
 * const cells = net.addNeurons("cells", { size: 5, model: "dv/dt = I_sic/(100*pF) - v/(10*ms) : volt\nI_sic : amp" });
 * net.connect(astro, cells, { rule: allToAll(), ...astrocytes.sicConnection({ weight: 1 }) }); // the slow inward current, a summed variable
 * ```
 */
export function sicConnection(opts: SicConnectionOptions = {}): Omit<SynapsesOptions, "rule"> {
  for (const k of Object.keys(opts)) {
    if (!["params", "weight", "target"].includes(k))
      throw new RangeError(
        `sicConnection: unknown option "${k}" (allowed: params, weight, target)`,
      );
  }
  const p = astrocyteLr1994Parameters(opts.params);
  const target = opts.target ?? "I_sic";
  if (typeof target !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(target))
    throw new RangeError(
      `target must name a neuron parameter such as "I_sic", got ${JSON.stringify(target)}`,
    );
  const w = opts.weight ?? 1;
  if (typeof w === "number") checkNumber(w, "weight");
  // ln(y) where y > 1, else ln(1) = 0 (NEST's Heaviside of ln y).
  const y = "(Ca_astro_pre - SIC_th)/nmolar";
  return {
    model: `w : 1\n${target}_post = w*SIC_scale*log(${y}*(${y} > 1) + (${y} <= 1))*pA : amp (summed)`,
    namespace: { SIC_th: `${p.SIC_th}*umolar`, SIC_scale: p.SIC_scale },
    init: { w },
  };
}

/** Options of {@link connectAstrocytes}. */
export interface ConnectAstrocytesOptions {
  /** The neurons whose spikes reach the astrocytes (any population). */
  neurons: Population;
  /** The astrocyte group (built with {@link astrocyteLr1994}). */
  astrocytes: Population;
  /** The neurons that receive the slow inward current (an equation group with the `sic.target` parameter); default `neurons`. */
  targets?: Population;
  /** Astrocyte parameters (the same record given to {@link astrocyteLr1994}). */
  params?: Partial<AstrocyteLr1994Parameters>;
  /** Neuron -> astrocyte: connectivity rule, weight (default 1) and delay (ms, default 1). */
  input: { rule: ConnectivityRule; weight?: SynapticValue; delay_ms?: number };
  /** Astrocyte -> neuron: connectivity rule, weight (pA per unit SIC, default 1) and the neurons' current parameter (default "I_sic"). */
  sic: { rule: ConnectivityRule; weight?: SynapticValue; target?: string };
}

/**
 * Wires a neuron-astrocyte circuit in one call: neurons -> astrocytes ({@link astrocyteInput})
 * and astrocytes -> neurons ({@link sicConnection}); returns both projection handles.
 *
 * @example
 * ```ts
 * import { Network, allToAll, astrocytes, fixedProbability } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const cells = net.addNeurons("cells", { size: 20, model: "dv/dt = I_sic/(100*pF) - v/(10*ms) : volt\nI_sic : amp" });
 * const spikes = net.addPoisson("spikes", { size: 20, rate_Hz: 20 });
 * const astro = net.addNeurons("astro", { size: 2, ...astrocytes.astrocyteLr1994() });
 * astrocytes.connectAstrocytes(net, { neurons: spikes, astrocytes: astro, targets: cells,
 *   input: { rule: fixedProbability(0.5), weight: 1 }, sic: { rule: allToAll(), weight: 1 } });
 * net.run(500);
 * ```
 */
export function connectAstrocytes(
  net: Network,
  opts: ConnectAstrocytesOptions,
): { input: Synapses<StateArray>; sic: Synapses<StateArray> } {
  for (const k of Object.keys(opts)) {
    if (!["neurons", "astrocytes", "targets", "params", "input", "sic"].includes(k))
      throw new RangeError(
        `connectAstrocytes: unknown option "${k}" (allowed: neurons, astrocytes, targets, params, input, sic)`,
      );
  }
  if (!opts.input || !opts.sic)
    throw new TypeError(
      "connectAstrocytes: input and sic must be given, e.g. { input: { rule: fixedProbability(0.1) }, sic: { rule: oneToOne() } }",
    );
  const input = net.connect(opts.neurons, opts.astrocytes, {
    rule: opts.input.rule,
    ...astrocyteInput({
      params: opts.params,
      weight: opts.input.weight,
      delay_ms: opts.input.delay_ms,
    }),
  });
  const sic = net.connect(opts.astrocytes, opts.targets ?? opts.neurons, {
    rule: opts.sic.rule,
    ...sicConnection({ params: opts.params, weight: opts.sic.weight, target: opts.sic.target }),
  });
  return { input, sic };
}
