/**
 * Layers of a trainable spiking network. Each layer owns its input weights (a dense
 * `inputs x size` matrix and a bias, PyTorch's `nn.Linear` initialisation U(-1/sqrt(in), 1/sqrt(in))),
 * so one layer is snnTorch's `nn.Linear` followed by a neuron:
 *
 * - `lif`: the leaky integrate-and-fire neuron in snnTorch's discrete form (`snn.Leaky`, and
 *   `snn.RLeaky` with `recurrent: true`, `snn.Synaptic` with `alpha`), per time step t:
 *
 *       I[t]   = b + W x[t] (+ V s[t-1] if recurrent)
 *       syn[t] = alpha syn[t-1] + I[t]                 (current-based only; else syn[t] = I[t])
 *       v[t]   = beta v[t-1] + syn[t] - s[t-1] theta    (reset "subtract", snnTorch's default)
 *       v[t]   = beta (1 - s[t-1]) v[t-1] + syn[t]      (reset "zero")
 *       v[t]   = beta v[t-1] + syn[t]                   (reset "none")
 *       s[t]   = H(v[t] - theta)
 *
 *   with zero initial state. The reset uses the previous step's spike (snnTorch's
 *   `reset_delay=True`); it is detached from the graph by default (`detachReset`, as snnTorch,
 *   SpyTorch and Norse's `lif` modules). `beta`, `alpha` and `theta` are per-neuron and learnable
 *   (`learnBeta`, `learnAlpha`, `learnThreshold`); beta = exp(-dt / tau_mem), so a learnt beta is
 *   a learnt membrane time constant (`timeConstant_ms`). Optimisers keep beta and alpha in [0, 1]
 *   (snnTorch clamps in the forward pass instead; inside [0, 1] the two agree).
 * - `readout`: a non-spiking leaky integrator u[t] = beta u[t-1] + I[t] (beta = 0: a linear
 *   readout per step), reduced over time by `max` (SpyTorch's tutorials) or `mean`; its output per
 *   sample are the class scores (logits).
 */
import { checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { atan, type Surrogate } from "./surrogate.js";
import { describeValue } from "../core/describe.js";
import { delaySpec, type DelayOptions, type DelaySpec } from "./delays.js";
import type { ElmSpec } from "./elm.js";

/** Reset of the membrane after a spike. */
export type ResetMode = "subtract" | "zero" | "none";

/** Options of {@link lif}. */
export interface LifOptions {
  /** Number of neurons. */
  size: number;
  /** Membrane decay per step, in [0, 1] (default 0.95; or give `tauMem_ms` and `dt_ms`). */
  beta?: number;
  /** Membrane time constant, ms (with `dt_ms`: beta = exp(-dt / tau)). */
  tauMem_ms?: number;
  /** Synaptic-current decay per step, in [0, 1]: makes the neuron current-based (snnTorch `Synaptic`). */
  alpha?: number;
  /** Synaptic time constant, ms (with `dt_ms`: alpha = exp(-dt / tau)). */
  tauSyn_ms?: number;
  /** Time step, ms (needed with `tauMem_ms` / `tauSyn_ms`). */
  dt_ms?: number;
  /** Firing threshold (default 1). */
  threshold?: number;
  /** Reset mechanism (default "subtract", snnTorch's). */
  reset?: ResetMode;
  /** Detach the reset from the gradient (default true, as snnTorch). */
  detachReset?: boolean;
  /** Recurrent weights V (size x size, snnTorch `RLeaky(all_to_all=True)`). */
  recurrent?: boolean;
  /** Surrogate gradient (default `atan(2)`, snnTorch's). */
  surrogate?: Surrogate;
  /** A bias in the input current (default true, as `nn.Linear`). */
  bias?: boolean;
  /** Learn beta per neuron (default false). */
  learnBeta?: boolean;
  /** Learn alpha per neuron (default false). */
  learnAlpha?: boolean;
  /** Learn the threshold per neuron (default false). */
  learnThreshold?: boolean;
  /** Scale of the weight initialisation relative to 1/sqrt(inputs) (default 1). */
  weightScale?: number;
  /** Scale of the recurrent weights' initialisation relative to 1/sqrt(size) (default: `weightScale`). */
  recurrentScale?: number;
  /**
   * Initial weight distribution: "uniform" U(-s, s) (PyTorch's `nn.Linear`, default) or "normal"
   * N(0, s^2) (SpyTorch's), s = scale / sqrt(fan-in); biases are initialised as "uniform" or zero ("normal").
   */
  init?: "uniform" | "normal";
  /** Learnable per-synapse delays on the input weights (DCLS, see `delays.ts`): `{ taps, sigma, learn, init }`. */
  delays?: DelayOptions;
}

/** Options of {@link readout}. */
export interface ReadoutOptions {
  /** Number of outputs (classes). */
  size: number;
  /** Leak per step of the integrator, in [0, 1] (default 0: linear readout; or `tau_ms` with `dt_ms`). */
  beta?: number;
  /** Integrator time constant, ms. */
  tau_ms?: number;
  /** Time step, ms. */
  dt_ms?: number;
  /** Reduction over time giving the logits (default "max"). */
  reduce?: "max" | "mean";
  /** A bias (default true). */
  bias?: boolean;
  /** Learn beta per output (default false). */
  learnBeta?: boolean;
  /** Scale of the weight initialisation relative to 1/sqrt(inputs) (default 1). */
  weightScale?: number;
  /** Initial weight distribution (see {@link LifOptions.init}). */
  init?: "uniform" | "normal";
}

/** A validated LIF layer description. */
export interface LifSpec {
  readonly type: "lif";
  readonly size: number;
  readonly beta: number;
  readonly alpha: number | null;
  readonly threshold: number;
  readonly reset: ResetMode;
  readonly detachReset: boolean;
  readonly recurrent: boolean;
  readonly surrogate: Surrogate;
  readonly bias: boolean;
  readonly learnBeta: boolean;
  readonly learnAlpha: boolean;
  readonly learnThreshold: boolean;
  readonly weightScale: number;
  readonly recurrentScale: number;
  readonly init: "uniform" | "normal";
  /** Learnable input delays (absent: none). */
  readonly delays?: DelaySpec;
}

/** A validated readout layer description. */
export interface ReadoutSpec {
  readonly type: "readout";
  readonly size: number;
  readonly beta: number;
  readonly reduce: "max" | "mean";
  readonly bias: boolean;
  readonly learnBeta: boolean;
  readonly weightScale: number;
  readonly init: "uniform" | "normal";
}

/** Options of {@link meta}. */
export interface MetaOptions {
  /** Number of neurons. */
  size: number;
  /** Initial per-neuron threshold (default 1). */
  threshold?: number;
  /** Initial per-neuron leak per step, in [0, 1] (default 0.95). */
  leak?: number;
  /** Initial per-neuron input gain (default 1). */
  gain?: number;
  /** Initial per-neuron noise (softness of the firing probability, > 0; default 0.1). */
  noise?: number;
  /** Learn threshold, leak, gain and noise per neuron (default true for all four). */
  learnThreshold?: boolean;
  learnLeak?: boolean;
  learnGain?: boolean;
  learnNoise?: boolean;
  /** Recurrent weights (default false). */
  recurrent?: boolean;
  bias?: boolean;
  weightScale?: number;
  recurrentScale?: number;
  init?: "uniform" | "normal";
}

/** A validated meta-neuron layer description. */
export interface MetaSpec {
  readonly type: "meta";
  readonly size: number;
  readonly threshold: number;
  readonly leak: number;
  readonly gain: number;
  readonly noise: number;
  readonly learnThreshold: boolean;
  readonly learnLeak: boolean;
  readonly learnGain: boolean;
  readonly learnNoise: boolean;
  readonly recurrent: boolean;
  readonly bias: boolean;
  readonly weightScale: number;
  readonly recurrentScale: number;
  readonly init: "uniform" | "normal";
}

/**
 * A layer of probabilistic "meta neurons" (the simulator's `metaNeuron`, trainable): per step
 *
 *     v[t] = leak (1 - s[t-1]) v[t-1] + gain I[t],   p[t] = 1 / (1 + exp(-(v[t] - threshold) / noise)),
 *     s[t] ~ Bernoulli(p[t])   (seeded; the model's seed)
 *
 * with threshold, leak, gain and noise learnable per neuron. The gradient passes through the
 * sample by the straight-through estimator ds/dx := dp/dx (so for v: p (1 - p) / noise, for the
 * threshold its negative, for the noise -p (1 - p) (v - threshold) / noise^2); the reset is detached.
 * The optimiser keeps leak in [0, 1] and noise >= 1e-3.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * // the probabilistic meta neuron: threshold, leak, gain and noise learned per neuron with the weights
 * const model = new train.SpikingModel({ inputs: 12, layers: [train.meta({ size: 64, recurrent: true }), train.readout({ size: 27 })], seed: 1 });
 * ```
 */
export function meta(opts: MetaOptions): MetaSpec {
  return {
    type: "meta",
    size: checkInteger(opts.size, "size", 1),
    threshold: checkNumber(opts.threshold ?? 1, "threshold"),
    leak: checkNumber(opts.leak ?? 0.95, "leak", { min: 0, max: 1 }),
    gain: checkNumber(opts.gain ?? 1, "gain"),
    noise: checkNumber(opts.noise ?? 0.1, "noise", { min: 1e-3 }),
    learnThreshold: opts.learnThreshold ?? true,
    learnLeak: opts.learnLeak ?? true,
    learnGain: opts.learnGain ?? true,
    learnNoise: opts.learnNoise ?? true,
    recurrent: opts.recurrent ?? false,
    bias: opts.bias ?? true,
    weightScale: checkNumber(opts.weightScale ?? 1, "weightScale", { min: 0 }),
    recurrentScale: checkNumber(opts.recurrentScale ?? opts.weightScale ?? 1, "recurrentScale", {
      min: 0,
    }),
    init: checkInit(opts.init),
  };
}

/** Any layer description. */
export type LayerSpec = LifSpec | ReadoutSpec | MetaSpec | ElmSpec;

function decay(
  value: number | undefined,
  tau: number | undefined,
  dt: number | undefined,
  name: string,
  tauName: string,
  fallback: number | null,
): number | null {
  if (value !== undefined && tau !== undefined)
    throw new RangeError(`give either ${name} or ${tauName}, not both`);
  if (tau !== undefined) {
    checkPositive(tau, tauName);
    if (dt === undefined) throw new RangeError(`dt_ms is needed with ${tauName}`);
    return Math.exp(-checkPositive(dt, "dt_ms") / tau);
  }
  if (value !== undefined) return checkNumber(value, name, { min: 0, max: 1 });
  return fallback;
}

/**
 * A layer of leaky integrate-and-fire neurons with its input weights (see the module header).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.lif({ size: 200, tauMem_ms: 20, tauSyn_ms: 10, dt_ms: 1, recurrent: true }); // SpyTorch's tutorial network
 * train.lif({ size: 128, beta: 0.9, reset: "zero", detachReset: true, learnBeta: true }); // snnTorch-style
 * ```
 */
export function lif(opts: LifOptions): LifSpec {
  const reset = opts.reset ?? "subtract";
  if (!["subtract", "zero", "none"].includes(reset))
    throw new RangeError(`reset must be "subtract", "zero" or "none", got ${describeValue(reset)}`);
  return {
    type: "lif",
    size: checkInteger(opts.size, "size", 1),
    beta: decay(opts.beta, opts.tauMem_ms, opts.dt_ms, "beta", "tauMem_ms", 0.95)!,
    alpha: decay(opts.alpha, opts.tauSyn_ms, opts.dt_ms, "alpha", "tauSyn_ms", null),
    threshold: checkPositive(opts.threshold ?? 1, "threshold"),
    reset,
    detachReset: opts.detachReset ?? true,
    recurrent: opts.recurrent ?? false,
    surrogate: opts.surrogate ?? atan(2),
    bias: opts.bias ?? true,
    learnBeta: opts.learnBeta ?? false,
    learnAlpha: opts.learnAlpha ?? false,
    learnThreshold: opts.learnThreshold ?? false,
    weightScale: checkNumber(opts.weightScale ?? 1, "weightScale", { min: 0 }),
    recurrentScale: checkNumber(opts.recurrentScale ?? opts.weightScale ?? 1, "recurrentScale", {
      min: 0,
    }),
    init: checkInit(opts.init),
    ...(opts.delays !== undefined ? { delays: delaySpec(opts.delays) } : {}),
  };
}

function checkInit(init: string | undefined): "uniform" | "normal" {
  if (init === undefined) return "uniform";
  if (init !== "uniform" && init !== "normal")
    throw new RangeError(`init must be "uniform" or "normal", got ${describeValue(init)}`);
  return init;
}

/**
 * A leaky-integrator (or linear, beta = 0) readout reduced over time by max or mean.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.readout({ size: 10, reduce: "max" }); // a leaky integrator; the loss reads its maximum over time
 * ```
 */
export function readout(opts: ReadoutOptions): ReadoutSpec {
  const reduce = opts.reduce ?? "max";
  if (reduce !== "max" && reduce !== "mean")
    throw new RangeError(`reduce must be "max" or "mean", got ${describeValue(reduce)}`);
  return {
    type: "readout",
    size: checkInteger(opts.size, "size", 1),
    beta: decay(opts.beta, opts.tau_ms, opts.dt_ms, "beta", "tau_ms", 0)!,
    reduce,
    bias: opts.bias ?? true,
    learnBeta: opts.learnBeta ?? false,
    weightScale: checkNumber(opts.weightScale ?? 1, "weightScale", { min: 0 }),
    init: checkInit(opts.init),
  };
}

/**
 * The membrane time constant (ms) of a decay per step beta at time step dt_ms: -dt / ln(beta).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.timeConstant_ms(0.95, 1); // the membrane time constant (ms) a decay beta means at dt = 1 ms: 19.5
 * ```
 */
export function timeConstant_ms(beta: number, dt_ms: number): number {
  return -dt_ms / Math.log(beta);
}
