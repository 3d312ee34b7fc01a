/**
 * The neuron-astrocyte liquid state machine (NALSM; Ivanov & Michmizos 2021, "Increasing liquid
 * state machine performance with edge-of-chaos dynamics organized by astrocyte-modulated
 * plasticity", NeurIPS 34). One astrocyte listens to the whole liquid and to the input; it is a
 * leaky integrator of liquid minus input spiking whose value A is the depression rate of the
 * liquid's E->E STDP:
 *
 *     A <- A + (w_A (S_liquid - S_input) + b - A) * Δ / tau_A            (every Δ = 1 ms)
 *
 * with S_liquid, S_input the spikes of the liquid and of the input in the last Δ, tau_A = 100 ms,
 * w_A = 0.015 (their 1000-neuron liquids; 0.0075 for 8000), b = A(0) = the potentiation rate
 * (their bias offset 0). Liquid spiking above the input's raises A, depression overtakes
 * potentiation, E->E weights fall and the liquid's activity with them; below, the reverse. The
 * authors show this drives the liquid's branching factor (their estimator, `branchingFactor`
 * with `segment_ms: 250`) to about 1. The set point, liquid spiking = input spiking (their
 * `ASTRO_W_MASK`, bias offset 0), is only within reach when the input spikes about as often as the
 * liquid would without E->E transmission, as with their 784 MNIST pixel neurons into 1000; with
 * far fewer input spikes A stays high and the E->E weights fall as far as they go (README).
 *
 * The E->E synapses are `plasticity.stdpPair` (additive, hard bounds) with its ratio of
 * depression to potentiation `alpha` turned from a constant into a per-synapse parameter that the
 * astrocyte sets to A / potentiation rate after each update (the preset's text otherwise
 * unchanged): in the preset's terms the potentiation per pairing is Wmax lambda apre, the
 * depression Wmax alpha lambda apost. The authors' code (TensorFlow) updates its traces by
 * multiplying per 1 ms step; here traces are exact exponentials (event-driven).
 */
import { checkNumber } from "../core/checks.js";
import type { Network } from "../network/network.js";
import type { Population } from "../network/populations.js";
import { stdpPair } from "../plasticity/stdpPair.js";
import type { Synapses, SynapsesOptions } from "../synapses/equationSynapses.js";
import { liquidStateMachine, MAASS_2002, type Liquid, type LiquidOptions } from "./liquid.js";

/** Options of {@link addAstrocyte}. */
export interface AstrocyteOptions {
  /** The liquid (its spikes count +1). */
  liquid: Population;
  /** The input population (its spikes count -1). */
  input: Population;
  /** The plastic synapses whose per-synapse depression ratio the astrocyte sets. */
  synapses: Synapses;
  /** Name of that per-synapse parameter (default "alpha"). */
  variable?: string;
  /** Potentiation rate of the STDP (the astrocyte's initial value and bias b; default 0.15, NALSM's). */
  potentiationRate?: number;
  /** Initial value A(0) (default: the potentiation rate). */
  A0?: number;
  /** Bias b (default: the potentiation rate; the authors' bias offset 0). */
  bias?: number;
  /** Weight w_A of the spike difference (default 0.015, the authors' value for 1000-neuron liquids). */
  weight?: number;
  /** Time constant tau_A, ms (default 100). */
  tau_ms?: number;
  /** Update interval Δ, ms (default 1, the authors' time step; a multiple of dt). */
  interval_ms?: number;
}

/**
 * The astrocyte: its state A (the depression rate) and a record of A after each update.
 *
 * @example
 * ```ts
 * import { Network, reservoir } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const input = net.addPoisson("input", { size: 20, rate_Hz: 20 });
 * const model = reservoir.nalsm(net, { liquid: { grid: [5, 5, 4], input: { population: input } } });
 * net.run(300);
 * const astro: reservoir.Astrocyte = model.astrocyte!;
 * astro.ratio; // the current depression / potentiation ratio of the liquid's STDP
 * ```
 */
export class Astrocyte {
  /** Current value of A (the STDP depression rate). */
  A: number;
  /** Times of the updates, ms. */
  readonly times_ms: number[] = [];
  /** A after each update. */
  readonly values: number[] = [];

  constructor(readonly opts: Required<Omit<AstrocyteOptions, "liquid" | "input" | "synapses">>) {
    this.A = opts.A0;
  }

  /** Depression-to-potentiation ratio the synapses see now (A / potentiation rate). */
  get ratio(): number {
    return this.A / this.opts.potentiationRate;
  }
}

/**
 * Adds the NALSM astrocyte to `net` (see the module header): an operation at the end of every
 * step counts liquid minus input spikes, and every `interval_ms` updates A and writes A /
 * potentiation rate into the synapses' `variable` (all synapses share it).
 *
 * @example
 * ```ts
 * import { Network, reservoir } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const input = net.addPoisson("input", { size: 20, rate_Hz: 20 });
 * const { liquid, plastic } = reservoir.nalsm(net, { liquid: { grid: [5, 5, 4], input: { population: input } }, withAstrocyte: false });
 * const astro = reservoir.addAstrocyte(net, { liquid: liquid.group, input, synapses: plastic });
 * net.run(300);
 * astro.values; // the astrocyte's trace, which sets the E -> E depression ratio
 * ```
 */
export function addAstrocyte(net: Network, opts: AstrocyteOptions): Astrocyte {
  const keys = [
    "liquid",
    "input",
    "synapses",
    "variable",
    "potentiationRate",
    "A0",
    "bias",
    "weight",
    "tau_ms",
    "interval_ms",
  ];
  for (const k of Object.keys(opts))
    if (!keys.includes(k))
      throw new RangeError(`addAstrocyte: unknown option "${k}" (allowed: ${keys.join(", ")})`);
  const variable = opts.variable ?? "alpha";
  if (
    !opts.synapses ||
    typeof opts.synapses.variable !== "function" ||
    !opts.synapses.variables.includes(variable)
  ) {
    throw new RangeError(
      `addAstrocyte: synapses must be equation synapses with a per-synapse parameter "${variable}" (e.g. those of nalsm())`,
    );
  }
  const eta = checkNumber(opts.potentiationRate ?? 0.15, "potentiationRate", {
    min: 0,
    minExclusive: true,
  });
  const interval = checkNumber(opts.interval_ms ?? 1, "interval_ms", {
    min: 0,
    minExclusive: true,
  });
  const steps = Math.round(interval / net.dt_ms);
  if (steps < 1 || Math.abs(steps * net.dt_ms - interval) > 1e-9 * interval)
    throw new RangeError(`interval_ms must be a multiple of dt_ms = ${net.dt_ms}, got ${interval}`);
  const astro = new Astrocyte({
    variable,
    potentiationRate: eta,
    A0: checkNumber(opts.A0 ?? eta, "A0"),
    bias: checkNumber(opts.bias ?? eta, "bias"),
    weight: checkNumber(opts.weight ?? 0.015, "weight"),
    tau_ms: checkNumber(opts.tau_ms ?? 100, "tau_ms", { min: interval }),
    interval_ms: interval,
  });
  const { liquid, input, synapses } = opts;
  let count = 0;
  let step = 0;
  const gain = interval / astro.opts.tau_ms;
  net.addOperation(
    (t_ms) => {
      if (t_ms === 0) {
        // A new run from time 0 (first run or after reset): restart the astrocyte.
        astro.A = astro.opts.A0;
        step = 0;
        count = 0;
        astro.times_ms.length = 0;
        astro.values.length = 0;
        synapses.variable(variable).fill(astro.ratio);
      }
      count += liquid.spikeCount - input.spikeCount;
      if (++step % steps !== 0) return;
      astro.A += (astro.opts.weight * count + astro.opts.bias - astro.A) * gain;
      count = 0;
      synapses.variable(variable).fill(astro.ratio);
      astro.times_ms.push(t_ms + net.dt_ms);
      astro.values.push(astro.A);
    },
    { when: "end", name: "astrocyte (NALSM)" },
  );
  return astro;
}

/** Options of {@link nalsm}. */
export interface NalsmOptions {
  /** The liquid (the input is required); its E->E synapses become plastic. Default synapses: "static". */
  liquid: LiquidOptions & { input: NonNullable<LiquidOptions["input"]> };
  /** STDP of the E->E synapses. */
  stdp?: {
    /** Potentiation per pairing relative to Wmax (stdpPair's lambda; default 0.01). */
    lambda?: number;
    /** Trace time constants, ms (default 10, NALSM's). */
    tau_ms?: number;
    /** Upper weight bound, nA (default 2 x the E->E amplitude). */
    Wmax_nA?: number;
  };
  /** Astrocyte options (default: NALSM's: potentiation rate 0.15, w_A 0.015, tau_A 100 ms, Δ 1 ms). */
  astrocyte?: Omit<AstrocyteOptions, "liquid" | "input" | "synapses" | "variable">;
  /** false builds the same liquid with the same plastic E->E synapses but no astrocyte (alpha stays 1). */
  withAstrocyte?: boolean;
}

/** What {@link nalsm} built. */
export interface Nalsm {
  readonly liquid: Liquid;
  /** The plastic E->E synapses (variables w, apre, apost, alpha). */
  readonly plastic: Synapses;
  /** The astrocyte (absent with `withAstrocyte: false`). */
  readonly astrocyte?: Astrocyte;
}

/**
 * The E->E synapse model of the NALSM: `plasticity.stdpPair` (additive) with `alpha` a
 * per-synapse parameter (`alpha : 1`) instead of a constant, starting at `alpha0`.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const rule = reservoir.astrocyteModulatedStdp({ lambda: 0.01, tau_ms: 20, Wmax_nA: 60, w0_nA: 30, delay_ms: 1.5, transmit: "Ie_post += w*nA" });
 * rule.model; // pair STDP whose depression ratio is a per-synapse parameter the astrocyte sets
 * ```
 */
export function astrocyteModulatedStdp(opts: {
  lambda: number;
  tau_ms: number;
  Wmax_nA: number;
  w0_nA: number;
  delay_ms: number;
  transmit: string;
  alpha0?: number;
}): Omit<SynapsesOptions, "rule"> {
  const base = stdpPair({
    weightDependence: "additive",
    lambda: opts.lambda,
    tau_plus_ms: opts.tau_ms,
    tau_minus_ms: opts.tau_ms,
    Wmax: opts.Wmax_nA * 1000,
    weightUnit: "amp",
    w0: opts.w0_nA * 1000,
    delay_ms: opts.delay_ms,
    transmit: opts.transmit,
  });
  const { alpha: _unused, ...namespace } = base.namespace;
  void _unused;
  return {
    ...base,
    model: `${base.model}\nalpha : 1`,
    namespace,
    init: { ...base.init, alpha: opts.alpha0 ?? 1 },
  };
}

/**
 * Builds a NALSM into `net`: a liquid ({@link liquidStateMachine}, static synapses by default)
 * whose E->E synapses follow {@link astrocyteModulatedStdp}, and the astrocyte
 * ({@link addAstrocyte}) that sets their depression ratio.
 *
 * @example
 * ```ts
 * import { Network, reservoir } from "neurolab";
 * // Ivanov & Michmizos 2021: a liquid with STDP on E -> E and an astrocyte that tunes it toward criticality
 * const net = new Network({ seed: 1 });
 * const input = net.addPoisson("input", { size: 20, rate_Hz: 20 });
 * const { liquid, astrocyte } = reservoir.nalsm(net, { liquid: { grid: [5, 5, 4], input: { population: input } } });
 * net.run(300);
 * ```
 */
export function nalsm(net: Network, opts: NalsmOptions): Nalsm {
  if (!opts || typeof opts !== "object" || !opts.liquid || !opts.liquid.input)
    throw new TypeError(
      "nalsm: options must be { liquid: { ..., input: { population } }, stdp?, astrocyte? }",
    );
  for (const k of Object.keys(opts))
    if (!["liquid", "stdp", "astrocyte", "withAstrocyte"].includes(k))
      throw new RangeError(
        `nalsm: unknown option "${k}" (allowed: liquid, stdp, astrocyte, withAstrocyte)`,
      );
  const A_EE = opts.liquid.amplitude_nA?.EE ?? MAASS_2002.amplitude_nA.EE;
  if (!(A_EE > 0)) throw new RangeError(`nalsm: the E->E amplitude must be positive, got ${A_EE}`);
  const s = opts.stdp ?? {};
  const ee = astrocyteModulatedStdp({
    lambda: checkNumber(s.lambda ?? 0.01, "stdp.lambda", { min: 0 }),
    tau_ms: checkNumber(s.tau_ms ?? 10, "stdp.tau_ms", { min: 0, minExclusive: true }),
    Wmax_nA: checkNumber(s.Wmax_nA ?? 2 * A_EE, "stdp.Wmax_nA", { min: 0, minExclusive: true }),
    w0_nA: A_EE,
    delay_ms: opts.liquid.delay_ms?.EE ?? MAASS_2002.delay_ms.EE,
    transmit: "Ie_post += w",
  });
  const liquid = liquidStateMachine(net, {
    synapses: "static",
    ...opts.liquid,
    custom: { ...(opts.liquid.custom ?? {}), EE: ee },
  });
  const plastic = liquid.synapses.EE;
  if (!plastic)
    throw new RangeError("nalsm: the liquid has no E->E synapses (grid too small or C.EE = 0)");
  if (opts.withAstrocyte === false) return { liquid, plastic };
  const astrocyte = addAstrocyte(net, {
    ...(opts.astrocyte ?? {}),
    liquid: liquid.group,
    input: opts.liquid.input.population,
    synapses: plastic,
  });
  return { liquid, plastic, astrocyte };
}
