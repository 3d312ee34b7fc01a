/**
 * Reward-modulated (dopamine) STDP as a synapse model (Izhikevich 2007, Cereb Cortex 17:2443,
 * eq. 1-2; NEST's `stdp_dopamine_synapse`, Potjans, Morrison & Diesmann 2010):
 *   dc/dt = -c/tau_c + STDP(Δt),   dn/dt = -n/tau_n + Σ_dopamine δ(t - t_d)/tau_n,   dw/dt = c (n - b),
 * where pair STDP (all-to-all traces with tau_plus, tau_minus) moves the eligibility trace c
 * (+A_plus at a post spike, -A_minus at a pre spike) instead of the weight. Between events w
 * follows the closed form of the linear system, as NEST's update:
 *   w <- clip(w + c0 [ n0 (1 - e^{-Δ/τs}) τs - b τc (1 - e^{-Δ/τc}) ], Wmin, Wmax),  1/τs = 1/τc + 1/τn,
 * evaluated at every pre, post and dopamine event of the synapse (the `advance` statements below).
 * Dopamine comes from a neuromodulator population (`dopamine: population`, each spike adds
 * 1/tau_n to n, NEST's volume transmitter) or from a callback (`syn.modulate(t_ms)` adds 1/tau_n
 * now, e.g. from `net.addOperation` every k steps). Delays: as stdpPair (NEST's dendritic by default;
 * there every event of the synapse runs d after NEST's clock, so the population's dopamine
 * spikes are delayed by d too, and a dopamine spike reaching NEST's volume transmitter at t
 * equals one of the population at t).
 */
import type { Population } from "../network/populations.js";
import type { SynapticValue } from "../synapses/equationSynapses.js";
import { checkNumber } from "../core/checks.js";
import {
  delays,
  nonNegative,
  positive,
  type DelayConvention,
  type SynapseModel,
} from "./common.js";
import { describeValue } from "../core/describe.js";

/** Options of {@link stdpDopamine}; defaults are NEST 3.10's `stdp_dopamine_synapse`. */
export interface StdpDopamineOptions {
  /** The neuromodulator population: each of its spikes adds 1/tau_n to every synapse's n. Omit to drive n only through `syn.modulate(t_ms)`. */
  dopamine?: Population;
  /** Eligibility increment at a post spike, per unit of presynaptic trace (default 1). */
  A_plus?: number;
  /** Eligibility decrement at a pre spike, per unit of postsynaptic trace (default 1.5). */
  A_minus?: number;
  /** Presynaptic trace time constant, ms (default 20). */
  tau_plus_ms?: number;
  /** Postsynaptic trace time constant, ms (default 20; NEST: a parameter of the postsynaptic neuron). */
  tau_minus_ms?: number;
  /** Eligibility trace time constant, ms (default 1000). */
  tau_c_ms?: number;
  /** Dopamine trace time constant, ms (default 200). */
  tau_n_ms?: number;
  /** Dopamine baseline, 1/ms (default 0): dw/dt = c (n - b); a negative b is a tonic dopamine level (Izhikevich 2007's baseline). */
  b_per_ms?: number;
  /** Lower weight bound (default 0). */
  Wmin?: number;
  /** Upper weight bound (default 200). */
  Wmax?: number;
  /** Synaptic delay, ms (default 1). */
  delay_ms?: number;
  /** "dendritic" (default, NEST) or "axonal" (Brian2), as in stdpPair. */
  delayConvention?: DelayConvention;
  /** Unit of w in the model text (default "1"). */
  weightUnit?: string;
  /** Initial weight (default 1, NEST's). */
  w0?: SynapticValue;
  /** What a presynaptic spike does to the postsynaptic neuron after the update, e.g. `"ge_post += w"`. */
  transmit?: string;
}

/** What {@link stdpDopamine} returns: a synapse model with the neuromodulator wiring. */
export type DopamineSynapseModel = SynapseModel & {
  on_modulator: string;
  modulator?: Population;
  delay_modulator_ms: number;
  state: string[];
};

/**
 * Dopamine-modulated STDP (NEST's `stdp_dopamine_synapse`) as a synapse model to spread into
 * `net.connect`: `net.connect(pre, post, { rule, ...stdpDopamine({ dopamine: vta, w0: 35 }) })`.
 *
 * @example
 * ```ts
 * import { Network, fixedProbability, plasticity } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const pre = net.addPoisson("pre", { size: 50, rate_Hz: 10 });
 * const post = net.addNeurons("post", { size: 5, model: "dv/dt = -v/(20*ms) : volt", threshold: "v > 10*mV", reset: "v = 0*mV" });
 * const da = net.addPoisson("dopamine", { size: 1, rate_Hz: 1 }); // each spike releases one dopamine quantum
 * const rule = plasticity.stdpDopamine({ dopamine: da, Wmax: 5, w0: 1, transmit: "v_post += w*mV" });
 * net.connect(pre, post, { rule: fixedProbability(0.5), ...rule });
 * net.run(2000);
 * ```
 */
export function stdpDopamine(opts: StdpDopamineOptions = {}): DopamineSynapseModel {
  for (const k of Object.keys(opts)) {
    if (!DOPAMINE_KEYS.includes(k))
      throw new RangeError(
        `stdpDopamine: unknown option "${k}" (allowed: ${DOPAMINE_KEYS.join(", ")})`,
      );
  }
  const tau_c = positive(opts.tau_c_ms, 1000, "tau_c_ms");
  const tau_n = positive(opts.tau_n_ms, 200, "tau_n_ms");
  const Wmin = checkNumber(opts.Wmin ?? 0, "Wmin");
  const Wmax = checkNumber(opts.Wmax ?? 200, "Wmax", { min: Wmin });
  const unit = opts.weightUnit ?? "1";
  if (typeof unit !== "string" || unit.trim() === "")
    throw new RangeError(
      `weightUnit must be a unit such as "1", "nS" or "pA", got ${describeValue(unit)}`,
    );
  const { delay_ms, delay_post_ms, convention } = delays(opts.delay_ms, opts.delayConvention);
  // Brings w, c and n from the synapse's last event (tlast) to now, in closed form.
  const advance = [
    "w = clip(w - c*(n/taus*expm1(-taus*(t - tlast)) - b*tau_c*expm1(-(t - tlast)/tau_c)), Wmin, Wmax)",
    "c = c*exp(-(t - tlast)/tau_c)",
    "n = n*exp(-(t - tlast)/tau_n)",
    "tlast = t",
  ];
  return {
    model: [
      `w : ${unit}`,
      "c : 1",
      "n : Hz",
      "tlast : second",
      "dapre/dt = -apre/tau_plus : 1 (event-driven)",
      "dapost/dt = -apost/tau_minus : 1 (event-driven)",
    ].join("\n"),
    on_pre: [
      ...advance,
      "c = c - A_minus*apost",
      "apre += 1",
      ...(opts.transmit === undefined ? [] : [opts.transmit]),
    ].join("\n"),
    on_post: [...advance, "c = c + A_plus*apre", "apost += 1"].join("\n"),
    on_modulator: [...advance, "n = n + 1/tau_n"].join("\n"),
    ...(opts.dopamine === undefined ? {} : { modulator: opts.dopamine }),
    // Dendritic convention: every event of the synapse runs d after NEST's clock (see stdpPair), dopamine too.
    delay_modulator_ms: convention === "dendritic" ? delay_ms : 0,
    namespace: {
      A_plus: nonNegative(opts.A_plus, 1, "A_plus"),
      A_minus: nonNegative(opts.A_minus, 1.5, "A_minus"),
      tau_plus: positive(opts.tau_plus_ms, 20, "tau_plus_ms"),
      tau_minus: positive(opts.tau_minus_ms, 20, "tau_minus_ms"),
      tau_c,
      tau_n,
      taus: (tau_c + tau_n) / (tau_c * tau_n),
      b: checkNumber(opts.b_per_ms ?? 0, "b_per_ms"),
      Wmin,
      Wmax,
    },
    init: { w: opts.w0 ?? 1 },
    // Eligibility, dopamine and the time of the last update restart on net.reset(); w is learned and kept.
    state: ["c", "n", "tlast"],
    delay_ms,
    delay_post_ms,
  };
}

const DOPAMINE_KEYS = [
  "dopamine",
  "A_plus",
  "A_minus",
  "tau_plus_ms",
  "tau_minus_ms",
  "tau_c_ms",
  "tau_n_ms",
  "b_per_ms",
  "Wmin",
  "Wmax",
  "delay_ms",
  "delayConvention",
  "weightUnit",
  "w0",
  "transmit",
];
