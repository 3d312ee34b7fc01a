/**
 * Triplet STDP as a synapse model (Pfister & Gerstner 2006, J Neurosci 26:9673, eq. 3-4;
 * NEST's `stdp_triplet_synapse`): two presynaptic traces r1 (tau_plus), r2 (tau_x) and two
 * postsynaptic traces o1 (tau_minus), o2 (tau_y). A presynaptic spike depresses
 *   w <- max(0, w - o1 (A2_minus + A3_minus r2(t - ε)))
 * and a postsynaptic spike potentiates
 *   w <- min(Wmax, w + r1 (A2_plus + A3_plus o2(t - ε))),
 * where (t - ε) means the trace just before its own increment (so the statements update w first,
 * then the traces). All-to-all interaction adds 1 to each trace per spike; nearest-spike
 * interaction sets it to 1 (the paper's two interaction schemes). Weights are additive and in
 * the weight's own unit, as NEST's. Delays: as {@link stdpPair} (NEST's dendritic convention by default).
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

/** Parameters of the triplet rule (time constants in ms, amplitudes in the weight's unit). */
export interface TripletParameters {
  /** Time constant of the presynaptic pair trace r1, ms. */
  tau_plus_ms: number;
  /** Time constant of the presynaptic triplet trace r2, ms (NEST: tau_plus_triplet). */
  tau_x_ms: number;
  /** Time constant of the postsynaptic pair trace o1, ms. */
  tau_minus_ms: number;
  /** Time constant of the postsynaptic triplet trace o2, ms (NEST: tau_minus_triplet). */
  tau_y_ms: number;
  /** Pair potentiation amplitude (NEST: Aplus). */
  A2_plus: number;
  /** Triplet potentiation amplitude (NEST: Aplus_triplet). */
  A3_plus: number;
  /** Pair depression amplitude (NEST: Aminus). */
  A2_minus: number;
  /** Triplet depression amplitude (NEST: Aminus_triplet). */
  A3_minus: number;
}

/**
 * NEST 3.10's `stdp_triplet_synapse` defaults, the default parameters of {@link stdpTriplet}: the
 * six synapse values are NEST's (checked against NEST in test/unit/plasticity.triplet.test.ts;
 * NEST's source says they come from "data fitting and table 3" of Pfister & Gerstner 2006, the
 * visual-cortex, all-to-all, full fit); tau_minus = 33.7 ms and tau_y = 125 ms are the
 * neuron-side values of the same row (NEST's neurons default to 20 and 110 ms). The same values
 * as {@link TRIPLET_PRESETS}' `visualCortexAllToAllFull`.
 */
export const NEST_TRIPLET_DEFAULTS: Readonly<TripletParameters> = Object.freeze({
  tau_plus_ms: 16.8,
  tau_x_ms: 101,
  tau_minus_ms: 33.7,
  tau_y_ms: 125,
  A2_plus: 5e-10,
  A3_plus: 6.2e-3,
  A2_minus: 7e-3,
  A3_minus: 2.3e-4,
});

/** A named parameter set: a row of Pfister & Gerstner 2006's tables with the interaction scheme it was fitted with. */
export interface TripletPreset extends TripletParameters {
  /** The pairing scheme the row was fitted with (a row's amplitudes belong to its scheme). */
  interaction: "all-to-all" | "nearest";
}

/**
 * The named parameter sets of {@link TRIPLET_PRESETS}. tau_plus = 16.8 ms and tau_minus = 33.7 ms
 * in every row. The paper's tables (Table 3 visual cortex, Sjöström et al. 2001's data; Table 4
 * hippocampal culture, Wang et al. 2005's) could not be read here: a row is shipped only where
 * a reference simulator's code and independent transcriptions agree (src/plasticity/README.md
 * lists every row, its sources, and the rows left out).
 */
export interface TripletPresets {
  /**
   * Visual cortex, all-to-all, full model: A2+ 5e-10, A3+ 6.2e-3, A2- 7e-3, A3- 2.3e-4,
   * tau_x 101 ms, tau_y 125 ms. Sources: NEST 3.10's defaults (= {@link NEST_TRIPLET_DEFAULTS})
   * and two transcriptions.
   */
  visualCortexAllToAllFull: Readonly<TripletPreset>;
  /**
   * Visual cortex, all-to-all, minimal model: A2+ 0, A3+ 6.5e-3, A2- 7.1e-3, A3- 0,
   * tau_y 114 ms. A3+ and tau_y as in Auryn's `TripletConnection` (Zenke & Gerstner's
   * simulator); A2- from the transcriptions. tau_x is unused (A3- = 0 multiplies r2 away; the
   * table leaves it blank, per the transcriptions): 101 ms is a placeholder that changes no weight.
   */
  visualCortexAllToAllMinimal: Readonly<TripletPreset>;
  /**
   * Hippocampal culture, all-to-all, minimal model: A2+ 5.3e-3, A3+ 8e-3, A2- 3.5e-3, A3- 0,
   * tau_y 40 ms. Sources: Auryn's `MinimalTripletConnection` (all five values) and two
   * transcriptions. tau_x unused, as in the visual-cortex minimal row.
   */
  hippocampalAllToAllMinimal: Readonly<TripletPreset>;
}

/**
 * Named parameter sets of Pfister & Gerstner 2006 (see {@link TripletPresets} for each row's
 * sources): `visualCortexAllToAllFull`, `visualCortexAllToAllMinimal`,
 * `hippocampalAllToAllMinimal`. None could be checked against the paper's own table here.
 */
export const TRIPLET_PRESETS: Readonly<TripletPresets> = Object.freeze({
  visualCortexAllToAllFull: Object.freeze({
    ...NEST_TRIPLET_DEFAULTS,
    interaction: "all-to-all" as const,
  }),
  visualCortexAllToAllMinimal: Object.freeze({
    tau_plus_ms: 16.8,
    tau_x_ms: 101,
    tau_minus_ms: 33.7,
    tau_y_ms: 114,
    A2_plus: 0,
    A3_plus: 6.5e-3,
    A2_minus: 7.1e-3,
    A3_minus: 0,
    interaction: "all-to-all" as const,
  }),
  hippocampalAllToAllMinimal: Object.freeze({
    tau_plus_ms: 16.8,
    tau_x_ms: 101,
    tau_minus_ms: 33.7,
    tau_y_ms: 40,
    A2_plus: 5.3e-3,
    A3_plus: 8e-3,
    A2_minus: 3.5e-3,
    A3_minus: 0,
    interaction: "all-to-all" as const,
  }),
});

/** Options of {@link stdpTriplet}: any {@link TripletParameters} (defaults {@link NEST_TRIPLET_DEFAULTS}) and the following. */
export interface StdpTripletOptions extends Partial<TripletParameters> {
  /** A named parameter set of {@link TRIPLET_PRESETS} (its interaction scheme comes with it); explicit parameters and `interaction` override it. */
  preset?: keyof TripletPresets;
  /** "all-to-all" (default, or the preset's; NEST's only scheme) or "nearest" (traces set to 1 at each spike). */
  interaction?: "all-to-all" | "nearest";
  /** Upper bound of the weight, in the weight's unit (default 100, NEST's). */
  Wmax?: number;
  /** Synaptic delay, ms (default 1; a multiple of dt). */
  delay_ms?: number;
  /** "dendritic" (default, NEST) or "axonal" (Brian2): as in stdpPair. */
  delayConvention?: DelayConvention;
  /** Unit of w in the model text (default "1"). */
  weightUnit?: string;
  /** Initial weight (default 1, NEST's). */
  w0?: SynapticValue;
  /** What a presynaptic spike does to the postsynaptic neuron after the weight update, e.g. `"ge_post += w"`. */
  transmit?: string;
}

/**
 * Triplet STDP (Pfister & Gerstner 2006; NEST's `stdp_triplet_synapse` for all-to-all) as a
 * synapse model to spread into `net.connect`: `net.connect(pre, post, { rule, ...stdpTriplet({
 * w0: 1, transmit: "ge_post += w*nS" }) })`.
 *
 * @example
 * ```ts
 * import { plasticity } from "neurolab";
 * // Pfister & Gerstner 2006, visual cortex, all-to-all, minimal model (only triplet potentiation)
 * const triplet = plasticity.stdpTriplet({ preset: "visualCortexAllToAllMinimal", Wmax: 1, w0: 0.5, transmit: "ge_post += w" });
 * triplet.model; triplet.on_pre; triplet.on_post; // read, copy and change them as equations
 * ```
 */
export function stdpTriplet(opts: StdpTripletOptions = {}): SynapseModel {
  for (const k of Object.keys(opts)) {
    if (!TRIPLET_KEYS.includes(k))
      throw new RangeError(
        `stdpTriplet: unknown option "${k}" (allowed: ${TRIPLET_KEYS.join(", ")})`,
      );
  }
  const preset: Readonly<TripletParameters> & { interaction?: TripletPreset["interaction"] } =
    opts.preset === undefined
      ? NEST_TRIPLET_DEFAULTS
      : TRIPLET_PRESETS[
          oneOf(
            opts.preset,
            "visualCortexAllToAllFull",
            Object.keys(TRIPLET_PRESETS) as (keyof TripletPresets)[],
            "preset",
          )
        ];
  const p = {
    ...preset,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
  } as TripletParameters & StdpTripletOptions;
  const interaction = oneOf(
    opts.interaction,
    preset.interaction ?? "all-to-all",
    ["all-to-all", "nearest"],
    "interaction",
  );
  const unit = opts.weightUnit ?? "1";
  if (typeof unit !== "string" || unit.trim() === "")
    throw new RangeError(
      `weightUnit must be a unit such as "1", "nS" or "pA", got ${describeValue(unit)}`,
    );
  const { delay_ms, delay_post_ms } = delays(opts.delay_ms, opts.delayConvention);
  const bump = interaction === "all-to-all" ? "+= 1" : "= 1";
  return {
    model: [
      `w : ${unit}`,
      "dr1/dt = -r1/tau_plus : 1 (event-driven)",
      "dr2/dt = -r2/tau_x : 1 (event-driven)",
      "do1/dt = -o1/tau_minus : 1 (event-driven)",
      "do2/dt = -o2/tau_y : 1 (event-driven)",
    ].join("\n"),
    on_pre: [
      "w = clip(w - o1*(A2_minus + A3_minus*r2), 0, Wmax)",
      `r1 ${bump}`,
      `r2 ${bump}`,
      ...(opts.transmit === undefined ? [] : [opts.transmit]),
    ].join("\n"),
    on_post: ["w = clip(w + r1*(A2_plus + A3_plus*o2), 0, Wmax)", `o1 ${bump}`, `o2 ${bump}`].join(
      "\n",
    ),
    namespace: {
      tau_plus: positive(p.tau_plus_ms, 0, "tau_plus_ms"),
      tau_x: positive(p.tau_x_ms, 0, "tau_x_ms"),
      tau_minus: positive(p.tau_minus_ms, 0, "tau_minus_ms"),
      tau_y: positive(p.tau_y_ms, 0, "tau_y_ms"),
      A2_plus: nonNegative(p.A2_plus, 0, "A2_plus"),
      A3_plus: nonNegative(p.A3_plus, 0, "A3_plus"),
      A2_minus: nonNegative(p.A2_minus, 0, "A2_minus"),
      A3_minus: nonNegative(p.A3_minus, 0, "A3_minus"),
      Wmax: positive(opts.Wmax, 100, "Wmax"),
    },
    init: { w: opts.w0 ?? 1 },
    delay_ms,
    delay_post_ms,
  };
}

const TRIPLET_KEYS = [
  "preset",
  "tau_plus_ms",
  "tau_x_ms",
  "tau_minus_ms",
  "tau_y_ms",
  "A2_plus",
  "A3_plus",
  "A2_minus",
  "A3_minus",
  "interaction",
  "Wmax",
  "delay_ms",
  "delayConvention",
  "weightUnit",
  "w0",
  "transmit",
];
