/**
 * Inhibitory plasticity of Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011 (Science 334:1569,
 * eq. 1-2 of the supplement; NEST's `vogels_sprekeler_synapse`, Brian2's example
 * `frompapers/Vogels_et_al_2011`): a symmetric STDP window plus a constant depression at every
 * presynaptic spike,
 *   pre spike:   w <- w + eta (x_post - alpha),     post spike:  w <- w + eta x_pre,
 * with traces x (one per side, tau, +1 per spike) and alpha = 2 rho0 tau. For uncorrelated
 * Poisson trains the mean change is eta r_pre (2 tau r_post - alpha) per unit time, zero exactly
 * when the postsynaptic rate r_post equals the target rho0: inhibition grows while the neuron
 * fires above rho0 and shrinks below it, balancing excitation.
 * NEST's order and bounds: the facilitation by x_post (clipped at Wmax), then the depression
 * (clipped at 0), as two statements; Brian2's example clips their sum once (same result away
 * from the bounds). Delays: as {@link stdpPair} (NEST's dendritic convention by default).
 */
import type { SynapticValue } from "../synapses/equationSynapses.js";
import { checkNumber } from "../core/checks.js";
import {
  delays,
  nonNegative,
  positive,
  type DelayConvention,
  type SynapseModel,
} from "./common.js";

/** Options of {@link vogelsSprekeler}; defaults are NEST 3.10's `vogels_sprekeler_synapse`. */
export interface VogelsSprekelerOptions {
  /** Learning rate, in the weight's unit per unit of trace (default 0.001). */
  eta?: number;
  /** Depression per presynaptic spike in units of eta: 2 rho0 tau (default 0.12 = 2 x 3 Hz x 20 ms). Give this or rho0_Hz. */
  alpha?: number;
  /** Target postsynaptic rate, Hz: sets alpha = 2 rho0 tau (the paper's parametrisation). */
  rho0_Hz?: number;
  /** Time constant of both traces, ms (default 20; in NEST the post trace uses the neuron's tau_minus: set it equal). */
  tau_ms?: number;
  /** Upper bound of the weight, in the weight's unit (default 1). */
  Wmax?: number;
  /** Synaptic delay, ms (default 1, NEST's; a multiple of dt). */
  delay_ms?: number;
  /** "dendritic" (default, NEST) or "axonal" (Brian2's example), as in stdpPair. */
  delayConvention?: DelayConvention;
  /** Unit of w in the model text (default "1"). */
  weightUnit?: string;
  /** Initial weight (default 0.5, NEST's). */
  w0?: SynapticValue;
  /** What a presynaptic spike does to the postsynaptic neuron after the weight update, e.g. `"gi_post += w*nS"`. */
  transmit?: string;
}

/**
 * Vogels-Sprekeler inhibitory STDP (NEST's `vogels_sprekeler_synapse`) as a synapse model to
 * spread into `net.connect`: `net.connect(inh, exc, { rule, ...vogelsSprekeler({ rho0_Hz: 5,
 * transmit: "gi_post += w" }) })`. Weights are non-negative; the transmission statement gives
 * the sign (NEST stores inhibitory weights as negative numbers with Wmax < 0).
 *
 * @example
 * ```ts
 * import { plasticity } from "neurolab";
 * // inhibitory STDP (NEST's vogels_sprekeler_synapse): drives the postsynaptic rate to rho0
 * const istdp = plasticity.vogelsSprekeler({ eta: 0.01, rho0_Hz: 5, Wmax: 100, w0: 1, transmit: "gi_post += w*nS" });
 * istdp.on_pre; istdp.on_post;
 * ```
 */
export function vogelsSprekeler(opts: VogelsSprekelerOptions = {}): SynapseModel {
  for (const k of Object.keys(opts)) {
    if (!VS_KEYS.includes(k))
      throw new RangeError(
        `vogelsSprekeler: unknown option "${k}" (allowed: ${VS_KEYS.join(", ")})`,
      );
  }
  if (opts.alpha !== undefined && opts.rho0_Hz !== undefined)
    throw new RangeError("vogelsSprekeler: give alpha or rho0_Hz, not both (alpha = 2 rho0 tau)");
  const tau = positive(opts.tau_ms, 20, "tau_ms");
  const alpha =
    opts.rho0_Hz !== undefined
      ? 2 * checkNumber(opts.rho0_Hz, "rho0_Hz", { min: 0 }) * tau * 1e-3
      : nonNegative(opts.alpha, 0.12, "alpha");
  const unit = opts.weightUnit ?? "1";
  if (typeof unit !== "string" || unit.trim() === "")
    throw new RangeError(
      `weightUnit must be a unit such as "1", "nS" or "pA", got ${JSON.stringify(unit)}`,
    );
  const { delay_ms, delay_post_ms } = delays(opts.delay_ms, opts.delayConvention);
  return {
    model: [
      `w : ${unit}`,
      "dapre/dt = -apre/tau : 1 (event-driven)",
      "dapost/dt = -apost/tau : 1 (event-driven)",
    ].join("\n"),
    on_pre: [
      "w = clip(w + eta*apost, 0, Wmax)",
      "w = clip(w - eta*alpha, 0, Wmax)",
      "apre += 1",
      ...(opts.transmit === undefined ? [] : [opts.transmit]),
    ].join("\n"),
    on_post: ["apost += 1", "w = clip(w + eta*apre, 0, Wmax)"].join("\n"),
    namespace: {
      tau,
      eta: nonNegative(opts.eta, 0.001, "eta"),
      alpha,
      Wmax: positive(opts.Wmax, 1, "Wmax"),
    },
    init: { w: opts.w0 ?? 0.5 },
    delay_ms,
    delay_post_ms,
  };
}

const VS_KEYS = [
  "eta",
  "alpha",
  "rho0_Hz",
  "tau_ms",
  "Wmax",
  "delay_ms",
  "delayConvention",
  "weightUnit",
  "w0",
  "transmit",
];
