/**
 * Pre-Synaptic Pool Modification (PSPM; Bagley, Bordelon, Moseley & Wessel 2020, PLoS ONE
 * 15:e0229083; first version arXiv 1810.03199): a supervised, gradient-free rule that trains the
 * weights of a fully recurrent LIF network so that each neuron reproduces a target spike train.
 *
 * What the paper specifies (its abstracts; see README.md in this folder for what neurolab could
 * and could not check): stochastic weight updates that produce spikes within a short window of
 * the desired times and eliminate spikes outside this window, applied to the weights from the
 * neurons that spiked just before (the "pre-synaptic pool"); a homeostatic update inspired by
 * synaptic scaling; no gradients and no assumption on the PSP shape; fully recurrent networks.
 *
 * Our implementation, per training iteration (one simulation of the model network on the same
 * external input as the target):
 * - Matching: a model spike of neuron j "hits" a target spike of j when they are within
 *   `window_ms` (greedy one-to-one in time order). Unmatched target spikes are *missing*,
 *   unmatched model spikes are *extra*.
 * - Local update: for a missing spike at t, every presynaptic source (external input or network
 *   neuron) that spiked in `[t - poolWindow_ms, t)` is in the pool; each pool member's weight onto
 *   j grows by `eta_mV` with probability `updateProbability`. For an extra spike at t the pool's
 *   weights shrink by `eta_mV` with the same probability.
 * - Homeostatic update (synaptic scaling): all weights onto j are multiplied by
 *   `1 + gamma (n_target - n_model) / max(n_target, 1)` (excitatory and inhibitory alike: the
 *   neuron's total drive scales with its rate error). `gamma = 0` turns it off.
 *
 * The network: current-based LIF with delta synapses (a presynaptic spike adds its weight, mV,
 * to the membrane in the next step), exact exponential decay with `tau_ms`, threshold, reset and
 * refractory period; spikes stamped at the end of the step in which V crossed threshold (the
 * simulator's convention). Self-connections are absent.
 */
import {
  checkInteger,
  checkNonNegative,
  checkNumber,
  checkPositive,
  checkProbability,
} from "../../core/checks.js";
import { Rng } from "../../random/rng.js";
import { describeValue } from "../../core/describe.js";

/** Parameters of the recurrent delta-synapse LIF network that PSPM trains. Voltages relative to rest, mV. */
export interface PspmNetworkParams {
  /** Network neurons N (integer >= 1). */
  nNeurons: number;
  /** External input channels M (integer >= 0). */
  nInputs: number;
  /** Step, ms. Default 1. */
  dt_ms?: number;
  /** Membrane time constant, ms. Default 20. */
  tau_ms?: number;
  /** Threshold above rest, mV. Default 15. */
  vThreshold_mV?: number;
  /** Reset potential above rest, mV. Default 0. */
  vReset_mV?: number;
  /** Refractory period, ms. Default 2. */
  tRef_ms?: number;
}

/** Spike trains of a set of sources: `steps[offsets[i] .. offsets[i+1])` are source i's spike steps, increasing. */
export interface StepTrains {
  readonly offsets: Int32Array;
  readonly steps: Int32Array;
}

/** Weights of the network: input -> neuron (`nInputs x nNeurons`) and neuron -> neuron (`nNeurons x nNeurons`), row = presynaptic, mV. */
export interface PspmWeights {
  readonly input_mV: Float64Array;
  readonly recurrent_mV: Float64Array;
}

function resolve(p: PspmNetworkParams) {
  return {
    N: checkInteger(p.nNeurons, "nNeurons", 1),
    M: checkInteger(p.nInputs, "nInputs", 0),
    dt: checkPositive(p.dt_ms ?? 1, "dt_ms"),
    tau: checkPositive(p.tau_ms ?? 20, "tau_ms"),
    vThr: checkPositive(p.vThreshold_mV ?? 15, "vThreshold_mV"),
    vReset: checkNumber(p.vReset_mV ?? 0, "vReset_mV", {
      max: p.vThreshold_mV ?? 15,
      maxExclusive: true,
    }),
    tRef: checkNonNegative(p.tRef_ms ?? 2, "tRef_ms"),
  };
}

/**
 * Runs the network for `nSteps` steps from rest on the external input spike trains (step
 * indices, one train per input) and returns every neuron's spike steps.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const network = { nNeurons: 2, nInputs: 3 };
 * const weights = { input_mV: new Float64Array(6).fill(8), recurrent_mV: new Float64Array(4) };
 * const input = train.stepTrains([[5, 6, 7], [5, 6], [6]]); // spike steps per input
 * train.simulatePspmNetwork(network, weights, input, 50); // output spike steps per neuron
 * ```
 */
export function simulatePspmNetwork(
  params: PspmNetworkParams,
  weights: PspmWeights,
  input: StepTrains,
  nSteps: number,
): StepTrains {
  const { N, M, dt, tau, vThr, vReset, tRef } = resolve(params);
  checkInteger(nSteps, "nSteps", 1);
  if (weights.input_mV.length !== M * N)
    throw new RangeError(
      `weights.input_mV.length must be nInputs x nNeurons = ${M * N}, got ${weights.input_mV.length}`,
    );
  if (weights.recurrent_mV.length !== N * N)
    throw new RangeError(
      `weights.recurrent_mV.length must be nNeurons^2 = ${N * N}, got ${weights.recurrent_mV.length}`,
    );
  checkTrains(input, M, nSteps, "input");
  const decay = Math.exp(-dt / tau);
  const refSteps = Math.round(tRef / dt);
  const v = new Float64Array(N);
  const refractory = new Int32Array(N);
  const drive = new Float64Array(N);
  // inputs per step: CSR over steps
  const inputByStep = byStep(input, M, nSteps);
  const spiked: number[] = [];
  const out: number[][] = Array.from({ length: N }, () => []);
  const win = weights.input_mV;
  const wrec = weights.recurrent_mV;
  for (let t = 0; t < nSteps; t++) {
    drive.fill(0);
    for (let k = inputByStep.offsets[t]; k < inputByStep.offsets[t + 1]; k++) {
      const row = inputByStep.sources[k] * N;
      for (let j = 0; j < N; j++) drive[j] += win[row + j];
    }
    for (const i of spiked) {
      const row = i * N;
      for (let j = 0; j < N; j++) if (j !== i) drive[j] += wrec[row + j];
    }
    spiked.length = 0;
    for (let j = 0; j < N; j++) {
      if (refractory[j] > 0) {
        refractory[j]--;
        v[j] = vReset;
        continue;
      }
      v[j] = v[j] * decay + drive[j];
      if (v[j] >= vThr) {
        spiked.push(j);
        out[j].push(t);
        v[j] = vReset;
        refractory[j] = refSteps;
      }
    }
  }
  return fromLists(out);
}

/**
 * Van Rossum distance (van Rossum 2001, Neural Comput 13:751) between two spike trains with the
 * causal exponential kernel of time constant `tau` (same unit as the times):
 * `D^2 = (1/tau) int (f - g)^2 dt = 1/2 sum_{ij} e^{-|a_i - a_j|/tau} + 1/2 sum_{ij} e^{-|b_i - b_j|/tau} - sum_{ij} e^{-|a_i - b_j|/tau}`.
 * One spike against none: `D = sqrt(1/2)`.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.vanRossumDistance([10, 20], [10, 20], 5); // 0
 * train.vanRossumDistance([10], [], 5); // one unmatched spike
 * ```
 */
export function vanRossumDistance(a: ArrayLike<number>, b: ArrayLike<number>, tau: number): number {
  checkPositive(tau, "tau");
  const pair = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < x.length; i++)
      for (let j = 0; j < y.length; j++) s += Math.exp(-Math.abs(x[i] - y[j]) / tau);
    return s;
  };
  const d2 = 0.5 * pair(a, a) + 0.5 * pair(b, b) - pair(a, b);
  return Math.sqrt(Math.max(d2, 0));
}

/** Options of {@link Pspm}. */
export interface PspmOptions {
  /** The network's parameters. */
  network: PspmNetworkParams;
  /** Initial weights (copied). */
  weights: PspmWeights;
  /** Half-width of the window in which a model spike counts as hitting a target spike, ms. Default 3. */
  window_ms?: number;
  /** Length of the window before a spike whose presynaptic spikes form the pool, ms. Default 5. */
  poolWindow_ms?: number;
  /** Size of one local weight change, mV. Default 0.1. */
  eta_mV?: number;
  /** Probability that a pool member's weight is changed. Default 0.5. */
  updateProbability?: number;
  /** Homeostatic scaling gain gamma (>= 0). Default 0.02. */
  gamma?: number;
  /** Bounds of the input weights after every update, mV: `[min, max]`. Default [0, 10] (excitatory inputs). */
  inputBounds_mV?: readonly [number, number];
  /** Bounds of the recurrent weights after every update, mV. Default [-10, 10]. */
  recurrentBounds_mV?: readonly [number, number];
  /** Seed of the stochastic updates. */
  seed: number;
}

/** Result of one {@link Pspm.iterate}. */
export interface PspmIteration {
  /** Target spikes matched by a model spike within the window. */
  readonly hits: number;
  /** Target spikes without a model spike within the window. */
  readonly missing: number;
  /** Model spikes without a target spike within the window. */
  readonly extra: number;
  /** Mean over neurons of the van Rossum distance (tau = 10 ms) between model and target trains, before the update. */
  readonly vanRossum: number;
}

/**
 * A PSPM learner: holds the network's weights and updates them towards target spike trains.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const network = { nNeurons: 2, nInputs: 4 };
 * const weights = { input_mV: new Float64Array(8).fill(2), recurrent_mV: new Float64Array(4) };
 * const pspm = new train.Pspm({ network, weights, seed: 1 });
 * const input = train.stepTrains([[5, 25], [10], [15, 30], [20]]);
 * const target = train.stepTrains([[30], [40]]);
 * for (let it = 0; it < 20; it++) pspm.iterate(input, target, 60); // hits, missing, extra, van Rossum distance
 * ```
 */
export class Pspm {
  readonly weights: PspmWeights;
  readonly network: PspmNetworkParams;
  private readonly rng: Rng;
  private readonly opts: Required<Omit<PspmOptions, "network" | "weights" | "seed">>;

  constructor(opts: PspmOptions) {
    const { N, M } = resolve(opts.network);
    this.network = { ...opts.network };
    if (opts.weights.input_mV.length !== M * N || opts.weights.recurrent_mV.length !== N * N) {
      throw new RangeError(
        `weights must hold nInputs x nNeurons = ${M * N} input and nNeurons^2 = ${N * N} recurrent weights, got ${opts.weights.input_mV.length} and ${opts.weights.recurrent_mV.length}`,
      );
    }
    this.weights = {
      input_mV: Float64Array.from(opts.weights.input_mV),
      recurrent_mV: Float64Array.from(opts.weights.recurrent_mV),
    };
    this.opts = {
      window_ms: checkPositive(opts.window_ms ?? 3, "window_ms"),
      poolWindow_ms: checkPositive(opts.poolWindow_ms ?? 5, "poolWindow_ms"),
      eta_mV: checkPositive(opts.eta_mV ?? 0.1, "eta_mV"),
      updateProbability: checkProbability(opts.updateProbability ?? 0.5, "updateProbability"),
      gamma: checkNonNegative(opts.gamma ?? 0.02, "gamma"),
      inputBounds_mV: checkBounds(opts.inputBounds_mV ?? [0, 10], "inputBounds_mV"),
      recurrentBounds_mV: checkBounds(opts.recurrentBounds_mV ?? [-10, 10], "recurrentBounds_mV"),
    };
    this.rng = new Rng(checkInteger(opts.seed, "seed", 0, 0xffffffff));
  }

  /** The network's spikes with the current weights. */
  simulate(input: StepTrains, nSteps: number): StepTrains {
    return simulatePspmNetwork(this.network, this.weights, input, nSteps);
  }

  /**
   * One PSPM iteration: simulate on `input`, compare each neuron's spikes with `target`
   * (spike steps per neuron), apply the local and homeostatic updates. Returns the match
   * counts and the distance before the update.
   */
  iterate(input: StepTrains, target: StepTrains, nSteps: number): PspmIteration {
    const { N, M, dt } = resolve(this.network);
    checkTrains(target, N, nSteps, "target");
    const model = this.simulate(input, nSteps);
    const { window_ms, poolWindow_ms, eta_mV, updateProbability, gamma } = this.opts;
    const windowSteps = window_ms / dt;
    const poolSteps = Math.max(1, Math.round(poolWindow_ms / dt));
    const inputByStep = byStep(input, M, nSteps);
    const modelByStep = byStep(model, N, nSteps);
    const win = this.weights.input_mV;
    const wrec = this.weights.recurrent_mV;
    let hits = 0;
    let missing = 0;
    let extra = 0;
    let distance = 0;
    const pool = (j: number, t: number, sign: number) => {
      for (let s = Math.max(0, t - poolSteps); s < t; s++) {
        for (let k = inputByStep.offsets[s]; k < inputByStep.offsets[s + 1]; k++) {
          if (this.rng.uniform() < updateProbability)
            win[inputByStep.sources[k] * N + j] += sign * eta_mV;
        }
        for (let k = modelByStep.offsets[s]; k < modelByStep.offsets[s + 1]; k++) {
          const i = modelByStep.sources[k];
          if (i !== j && this.rng.uniform() < updateProbability) wrec[i * N + j] += sign * eta_mV;
        }
      }
    };
    // decide every neuron's matches on the unmodified network first, then update
    const updates: { j: number; t: number; sign: number }[] = [];
    const counts: [number, number][] = [];
    for (let j = 0; j < N; j++) {
      const tg = target.steps.subarray(target.offsets[j], target.offsets[j + 1]);
      const md = model.steps.subarray(model.offsets[j], model.offsets[j + 1]);
      distance += vanRossumDistance(
        Array.from(tg, (s) => s * dt),
        Array.from(md, (s) => s * dt),
        10,
      );
      const used = new Uint8Array(md.length);
      let q = 0;
      for (const t of tg) {
        while (q < md.length && md[q] < t - windowSteps) q++;
        let found = -1;
        for (let r = q; r < md.length && md[r] <= t + windowSteps; r++) {
          if (!used[r]) {
            found = r;
            break;
          }
        }
        if (found >= 0) {
          used[found] = 1;
          hits++;
        } else {
          missing++;
          updates.push({ j, t, sign: +1 });
        }
      }
      md.forEach((t, r) => {
        if (!used[r]) {
          extra++;
          updates.push({ j, t, sign: -1 });
        }
      });
      counts.push([tg.length, md.length]);
    }
    for (const u of updates) pool(u.j, u.t, u.sign);
    if (gamma > 0) {
      for (let j = 0; j < N; j++) {
        const [nTarget, nModel] = counts[j];
        const factor = 1 + (gamma * (nTarget - nModel)) / Math.max(nTarget, 1);
        for (let i = 0; i < M; i++) win[i * N + j] *= factor;
        for (let i = 0; i < N; i++) if (i !== j) wrec[i * N + j] *= factor;
      }
    }
    const [inLo, inHi] = this.opts.inputBounds_mV;
    for (let k = 0; k < win.length; k++) win[k] = Math.min(Math.max(win[k], inLo), inHi);
    const [recLo, recHi] = this.opts.recurrentBounds_mV;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++)
        wrec[i * N + j] = i === j ? 0 : Math.min(Math.max(wrec[i * N + j], recLo), recHi);
    return { hits, missing, extra, vanRossum: distance / N };
  }
}

function checkBounds(b: readonly [number, number], name: string): readonly [number, number] {
  if (!Array.isArray(b) || b.length !== 2)
    throw new RangeError(`${name} must be [min, max], got ${describeValue(b)}`);
  checkNumber(b[0], `${name}[0]`);
  checkNumber(b[1], `${name}[1]`, { min: b[0] });
  return [b[0], b[1]];
}

function checkTrains(trains: StepTrains, n: number, nSteps: number, name: string): void {
  const { offsets, steps } = trains;
  if (offsets.length !== n + 1 || offsets[0] !== 0 || offsets[n] !== steps.length) {
    throw new RangeError(
      `${name}.offsets must have ${n + 1} entries from 0 to ${name}.steps.length = ${steps.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const s = steps[k];
      if (!(Number.isInteger(s) && s >= 0 && s < nSteps) || (k > offsets[i] && s <= steps[k - 1])) {
        throw new RangeError(
          `${name}.steps[${k}] (source ${i}) must be an integer step in [0, ${nSteps - 1}], increasing within the source, got ${s}`,
        );
      }
    }
  }
}

/** Spikes regrouped by step: sources spiking in step t are `sources[offsets[t] .. offsets[t+1])`. */
function byStep(
  trains: StepTrains,
  n: number,
  nSteps: number,
): { offsets: Int32Array; sources: Int32Array } {
  const offsets = new Int32Array(nSteps + 1);
  for (const s of trains.steps) offsets[s + 1]++;
  for (let t = 0; t < nSteps; t++) offsets[t + 1] += offsets[t];
  const fill = offsets.slice(0, nSteps);
  const sources = new Int32Array(trains.steps.length);
  for (let i = 0; i < n; i++)
    for (let k = trains.offsets[i]; k < trains.offsets[i + 1]; k++)
      sources[fill[trains.steps[k]]++] = i;
  return { offsets, sources };
}

/**
 * Per-source step lists -> {@link StepTrains}.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const trains = train.stepTrains([[3, 9], [], [4]]); // CSR: offsets [0, 2, 2, 3], steps [3, 9, 4]
 * ```
 */
export function stepTrains(lists: readonly ArrayLike<number>[]): StepTrains {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
  const steps = new Int32Array(offsets[lists.length]);
  lists.forEach((l, i) => steps.set(Array.from(l), offsets[i]));
  return { offsets, steps };
}

function fromLists(lists: number[][]): StepTrains {
  return stepTrains(lists);
}
