/**
 * Pair-based STDP as a synapse model (NEST's `stdp_synapse`; Gütig, Aharonov, Rotter &
 * Sompolinsky 2003, J Neurosci 23:3697, eq. 2-3 with the normalisation of Rubin et al. 2001):
 * with x = w / Wmax, a postsynaptic spike at timing difference Δt = t_post - t_pre > 0 gives
 *   x <- min(1, x + lambda (1 - x)^mu_plus K+),   K+ = Σ_pre exp(-Δt / tau_plus),
 * and a presynaptic spike (Δt < 0)
 *   x <- max(0, x - alpha lambda x^mu_minus K-),   K- = Σ_post exp(Δt / tau_minus).
 * mu = 0 is additive STDP (hard bounds: the clip is what keeps w in [0, Wmax]), mu = 1 is
 * multiplicative STDP (soft bounds: updates shrink to zero at the bounds), between them Gütig's
 * rule. K+ and K- are event-driven traces (`apre`, `apost`): all-to-all pairing adds 1 per spike,
 * nearest-spike pairing (Morrison, Diesmann & Gerstner 2008's symmetric nearest neighbour, NEST's
 * `stdp_nn_symm_synapse`) sets them to 1. Delays: see {@link StdpPairOptions.delayConvention}.
 */
import type { SynapticValue } from "../synapses/equationSynapses.js";
import {
  delays,
  nonNegative,
  oneOf,
  positive,
  type DelayConvention,
  type SynapseModel,
} from "./common.js";
import { describeValue } from "../core/describe.js";

/** Options of {@link stdpPair}; defaults are NEST 3.10's `stdp_synapse` and `iaf_*` neuron's `tau_minus`. */
export interface StdpPairOptions {
  /** Shorthand for mu_plus = mu_minus: "multiplicative" (1, soft bounds; NEST's default) or "additive" (0, hard bounds). */
  weightDependence?: "multiplicative" | "additive";
  /** Exponent of the potentiation's weight dependence (1 - w/Wmax)^mu_plus; overrides weightDependence. */
  mu_plus?: number;
  /** Exponent of the depression's weight dependence (w/Wmax)^mu_minus; overrides weightDependence. */
  mu_minus?: number;
  /** Learning rate of potentiation (relative to Wmax; default 0.01). */
  lambda?: number;
  /** Ratio of depression to potentiation (default 1). */
  alpha?: number;
  /** Time constant of the presynaptic trace, ms (default 20). */
  tau_plus_ms?: number;
  /** Time constant of the postsynaptic trace, ms (default 20; in NEST a parameter of the postsynaptic neuron). */
  tau_minus_ms?: number;
  /** Upper bound of the weight, in the weight's unit (default 100; NEST's default). */
  Wmax?: number;
  /** "all-to-all" (default; every earlier spike of the other side counts) or "nearest" (only the latest). */
  pairing?: "all-to-all" | "nearest";
  /** Synaptic delay, ms (default 1, NEST's default; a multiple of dt). */
  delay_ms?: number;
  /**
   * "dendritic" (default, NEST's convention): the whole delay lies on the dendrite, so a post
   * spike 10 ms after a pre spike with d = 1 ms is paired at Δt = 11 ms; "axonal" (Brian2's with
   * `delay`): the pre spike reaches the synapse after d, so the same pair counts as Δt = 9 ms.
   */
  delayConvention?: DelayConvention;
  /** Unit of w in the model text (default "1"); Wmax and w0 are in this unit (base units: nS, pA, mV). */
  weightUnit?: string;
  /** Initial weight (a number in the weight's unit, a function (rng, i, j) or an expression; default 0). */
  w0?: SynapticValue;
  /** What a presynaptic spike does to the postsynaptic neuron after the weight update, e.g. `"ge_post += w"` (default: nothing). */
  transmit?: string;
}

/**
 * Pair STDP (NEST's `stdp_synapse`, or `stdp_nn_symm_synapse` with `pairing: "nearest"`) as a
 * synapse model to spread into `net.connect`: `net.connect(pre, post, { rule, ...stdpPair({
 * w0: 50, transmit: "ge_post += w*nS" }) })`. The returned model text, statements and
 * namespace are plain strings and numbers: print, copy and change them.
 *
 * @example
 * ```ts
 * import { Network, fixedProbability, plasticity } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const pre = net.addPoisson("pre", { size: 100, rate_Hz: 10 });
 * const post = net.addNeurons("post", { size: 10, model: "dv/dt = -v/(20*ms) : volt", threshold: "v > 10*mV", reset: "v = 0*mV" });
 * // NEST's stdp_synapse, additive; the presynaptic spike adds w (mV) to v
 * const stdp = plasticity.stdpPair({ weightDependence: "additive", Wmax: 5, w0: 1, transmit: "v_post += w*mV" });
 * const syn = net.connect(pre, post, { rule: fixedProbability(0.5), ...stdp });
 * net.run(1000);
 * syn.variable("w"); // the learned weights (live view)
 * ```
 */
export function stdpPair(opts: StdpPairOptions = {}): SynapseModel {
  for (const k of Object.keys(opts)) {
    if (!STDP_PAIR_KEYS.includes(k))
      throw new RangeError(
        `stdpPair: unknown option "${k}" (allowed: ${STDP_PAIR_KEYS.join(", ")})`,
      );
  }
  const dep = oneOf(
    opts.weightDependence,
    "multiplicative",
    ["multiplicative", "additive"],
    "weightDependence",
  );
  const mu = dep === "multiplicative" ? 1 : 0;
  const pairing = oneOf(opts.pairing, "all-to-all", ["all-to-all", "nearest"], "pairing");
  const unit = opts.weightUnit ?? "1";
  if (typeof unit !== "string" || unit.trim() === "")
    throw new RangeError(
      `weightUnit must be a unit such as "1", "nS" or "pA", got ${describeValue(unit)}`,
    );
  const { delay_ms, delay_post_ms } = delays(opts.delay_ms, opts.delayConvention);
  const bump = pairing === "all-to-all" ? "+= 1" : "= 1";
  const transmit = opts.transmit === undefined ? [] : [opts.transmit];
  return {
    model: [
      `w : ${unit}`,
      "dapre/dt = -apre/tau_plus : 1 (event-driven)",
      "dapost/dt = -apost/tau_minus : 1 (event-driven)",
    ].join("\n"),
    on_pre: [
      "w = clip(w/Wmax - alpha*lambda*(w/Wmax)**mu_minus*apost, 0, 1)*Wmax",
      `apre ${bump}`,
      ...transmit,
    ].join("\n"),
    on_post: [
      `apost ${bump}`,
      "w = clip(w/Wmax + lambda*(1 - w/Wmax)**mu_plus*apre, 0, 1)*Wmax",
    ].join("\n"),
    namespace: {
      tau_plus: positive(opts.tau_plus_ms, 20, "tau_plus_ms"),
      tau_minus: positive(opts.tau_minus_ms, 20, "tau_minus_ms"),
      lambda: nonNegative(opts.lambda, 0.01, "lambda"),
      alpha: nonNegative(opts.alpha, 1, "alpha"),
      mu_plus: nonNegative(opts.mu_plus, mu, "mu_plus"),
      mu_minus: nonNegative(opts.mu_minus, mu, "mu_minus"),
      Wmax: positive(opts.Wmax, 100, "Wmax"),
    },
    init: { w: opts.w0 ?? 0 },
    delay_ms,
    delay_post_ms,
  };
}

const STDP_PAIR_KEYS = [
  "weightDependence",
  "mu_plus",
  "mu_minus",
  "lambda",
  "alpha",
  "tau_plus_ms",
  "tau_minus_ms",
  "Wmax",
  "pairing",
  "delay_ms",
  "delayConvention",
  "weightUnit",
  "w0",
  "transmit",
];
