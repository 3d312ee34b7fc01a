/**
 * The Tempotron (Gütig & Sompolinsky 2006, Nat Neurosci 9:420): a leaky integrate-and-fire
 * neuron that learns to fire (at least once) for "+" patterns of input spikes and to stay
 * silent for "-" patterns.
 *
 * Membrane potential (eq. 1): `V(t) = sum_i w_i sum_{t_i < t} K(t - t_i) + V_rest`, with the
 * PSP kernel `K(s) = V0 (exp(-s/tau) - exp(-s/tau_s))`, tau = 15 ms, tau_s = tau / 4 = 3.75 ms,
 * and V0 normalising the kernel's peak to 1. The neuron fires when V crosses `V_thr`; after
 * the first spike it is shunted (later inputs have no effect), so the output is binary.
 * Learning (eq. 2), only after an error: a "+" pattern without a spike or a "-" pattern with
 * one changes every weight by `±lambda sum_{t_i < t_max} K(t_max - t_i)`, t_max the time of
 * the maximum of V in the trial (the paper's gradient of V(t_max) - V_thr); the optional
 * momentum adds `mu` times the previous change (the paper's momentum heuristic).
 *
 * Speed: V is a sum of two exponentials per synapse, so it is tracked event by event from
 * two running sums, `A = sum w e^{-(t - t_i)/tau}` and `B = sum w e^{-(t - t_i)/tau_s}`; between
 * two input spikes the maximum of `V0 (A e^{-s/tau} - B e^{-s/tau_s})` is at the interval's end or
 * at the stationary point `s* = ln(B tau / (A tau_s)) / (1/tau_s - 1/tau)`. t_max is exact in
 * continuous time (no time grid), and a pattern costs O(its spikes) with two exponentials per spike.
 */
import { checkFiniteArray, checkInteger, checkNumber, checkPositive } from "../../core/checks.js";
import { Rng } from "../../random/rng.js";

/** One input pattern: its spikes sorted by time (ms), with the afferent of each spike. */
export interface SpikePattern {
  /** Spike times, ms, non-decreasing. */
  readonly times_ms: Float64Array;
  /** Afferent index of each spike, in `[0, nAfferents)`. */
  readonly afferents: Int32Array;
}

/**
 * Builds a {@link SpikePattern} from per-afferent spike times (ms), sorted by time (ties by afferent).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const pattern = train.spikePattern([[12.5], [], [40, 80]]); // afferent 0 fires at 12.5 ms, afferent 2 twice
 * ```
 */
export function spikePattern(trains: readonly ArrayLike<number>[]): SpikePattern {
  const t: number[] = [];
  const a: number[] = [];
  trains.forEach((train, i) => {
    checkFiniteArray(train, `trains[${i}]`);
    for (let k = 0; k < train.length; k++) {
      t.push(train[k]);
      a.push(i);
    }
  });
  const order = Int32Array.from(t.keys()).sort((x, y) => t[x] - t[y] || a[x] - a[y]);
  return {
    times_ms: Float64Array.from(order, (k) => t[k]),
    afferents: Int32Array.from(order, (k) => a[k]),
  };
}

/** Parameters of a {@link Tempotron}. Defaults: Gütig & Sompolinsky 2006. */
export interface TempotronOptions {
  /** Number of afferents (synapses), N (integer >= 1). */
  nAfferents: number;
  /** Membrane time constant, ms. Default 15. */
  tau_ms?: number;
  /** Synaptic time constant, ms (< tau_ms). Default 3.75 (tau / 4). */
  tauS_ms?: number;
  /** Firing threshold (in units of the normalised PSP peak). Default 1. */
  threshold?: number;
  /** Resting potential. Default 0. */
  vRest?: number;
  /** Learning rate lambda (> 0). Default 3e-3 (see README: the value used in our capacity test). */
  learningRate?: number;
  /** Momentum mu in [0, 1). Default 0 (plain rule). */
  momentum?: number;
  /** Standard deviation of the initial Gaussian weights (mean 0). Default 1e-3. */
  initialWeightSd?: number;
  /** Seed of the initial weights and of the presentation order. Required. */
  seed: number;
}

/** The response of a Tempotron to one pattern. */
export interface TempotronResponse {
  /** True when V reached the threshold (the neuron spiked). */
  readonly fired: boolean;
  /** Maximum of V over the trial (after a spike: of the shunted trajectory). */
  readonly vMax: number;
  /** Time of that maximum, ms. */
  readonly tMax_ms: number;
}

/** Options of {@link Tempotron.train}. */
export interface TempotronTrainOptions {
  /** Maximum number of passes over the patterns (integer >= 1). */
  maxEpochs: number;
  /** Stop after the first epoch without errors. Default true. */
  stopWhenPerfect?: boolean;
  /** Present the patterns in a new seeded random order each epoch. Default true. */
  shuffle?: boolean;
}

/** Result of {@link Tempotron.train}. */
export interface TempotronTrainResult {
  /** Number of misclassified patterns in each epoch (during learning). */
  readonly errorsPerEpoch: number[];
  /** Epochs run. */
  readonly epochs: number;
}

/**
 * A Tempotron: weights plus the kernel; see the module header.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const tempotron = new train.Tempotron({ nAfferents: 3, learningRate: 0.05, seed: 1 }); // tau = 15 ms, tau_s = 3.75 ms
 * const patterns = [train.spikePattern([[10], [], [30]]), train.spikePattern([[], [20], []])];
 * tempotron.train(patterns, [1, 0], { maxEpochs: 100 });
 * tempotron.classify(patterns); // Uint8Array [1, 0]
 * ```
 */
export class Tempotron {
  /** Synaptic weights, one per afferent (in units of the threshold-normalised PSP). */
  readonly weights: Float64Array;
  readonly tau_ms: number;
  readonly tauS_ms: number;
  readonly threshold: number;
  readonly vRest: number;
  readonly learningRate: number;
  readonly momentum: number;
  /** Kernel normalisation V0: `K` peaks at exactly 1. */
  readonly v0: number;
  private readonly rng: Rng;
  private readonly previousChange: Float64Array;
  private readonly decayCache = new WeakMap<SpikePattern, Float64Array>();
  private readonly changeBuffer: Float64Array;

  constructor(opts: TempotronOptions) {
    const n = checkInteger(opts.nAfferents, "nAfferents", 1);
    this.tau_ms = checkPositive(opts.tau_ms ?? 15, "tau_ms");
    this.tauS_ms = checkNumber(opts.tauS_ms ?? 3.75, "tauS_ms", {
      min: 0,
      max: this.tau_ms,
      minExclusive: true,
      maxExclusive: true,
    });
    this.threshold = checkNumber(opts.threshold ?? 1, "threshold");
    this.vRest = checkNumber(opts.vRest ?? 0, "vRest", { max: this.threshold, maxExclusive: true });
    this.learningRate = checkPositive(opts.learningRate ?? 3e-3, "learningRate");
    this.momentum = checkNumber(opts.momentum ?? 0, "momentum", {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
    const sd = checkNumber(opts.initialWeightSd ?? 1e-3, "initialWeightSd", { min: 0 });
    this.rng = new Rng(checkInteger(opts.seed, "seed", 0, 0xffffffff));
    this.weights = new Float64Array(n);
    for (let i = 0; i < n; i++) this.weights[i] = sd * this.rng.normal();
    this.previousChange = new Float64Array(n);
    this.changeBuffer = new Float64Array(n);
    const tau = this.tau_ms;
    const ts = this.tauS_ms;
    const tPeak = (tau * ts * Math.log(tau / ts)) / (tau - ts);
    this.v0 = 1 / (Math.exp(-tPeak / tau) - Math.exp(-tPeak / ts));
  }

  /** The normalised PSP kernel K(s) (0 for s <= 0), s in ms. */
  kernel(s_ms: number): number {
    return s_ms > 0
      ? this.v0 * (Math.exp(-s_ms / this.tau_ms) - Math.exp(-s_ms / this.tauS_ms))
      : 0;
  }

  /** Response to one pattern (whether V crosses threshold; its maximum and when). */
  respond(pattern: SpikePattern): TempotronResponse {
    checkPattern(pattern, this.weights.length);
    return this.run(pattern);
  }

  /** Response of every pattern: 1 when the neuron fires, 0 otherwise. */
  classify(patterns: readonly SpikePattern[]): Uint8Array {
    const out = new Uint8Array(patterns.length);
    patterns.forEach((p, k) => (out[k] = this.respond(p).fired ? 1 : 0));
    return out;
  }

  /**
   * Trains on `patterns` with labels (1 = should fire, 0 = should stay silent), updating after
   * each misclassified pattern (eq. 2). Returns the errors of each epoch.
   */
  train(
    patterns: readonly SpikePattern[],
    labels: ArrayLike<number>,
    opts: TempotronTrainOptions,
  ): TempotronTrainResult {
    const maxEpochs = checkInteger(opts.maxEpochs, "maxEpochs", 1);
    const { stopWhenPerfect = true, shuffle = true } = opts;
    if (labels.length !== patterns.length)
      throw new RangeError(
        `labels.length must equal patterns.length = ${patterns.length}, got ${labels.length}`,
      );
    for (let k = 0; k < labels.length; k++) {
      if (labels[k] !== 0 && labels[k] !== 1)
        throw new RangeError(`labels[${k}] must be 0 or 1, got ${labels[k]}`);
    }
    patterns.forEach((p, k) => checkPattern(p, this.weights.length, `patterns[${k}]`));
    const order = Int32Array.from(patterns.keys());
    const errorsPerEpoch: number[] = [];
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      if (shuffle) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(this.rng.uniform() * (i + 1));
          const x = order[i];
          order[i] = order[j];
          order[j] = x;
        }
      }
      let errors = 0;
      for (let q = 0; q < order.length; q++) {
        const p = patterns[order[q]];
        const r = this.run(p);
        const target = labels[order[q]] === 1;
        if (r.fired !== target) {
          errors++;
          this.update(p, r.tMax_ms, target ? this.learningRate : -this.learningRate);
        }
      }
      errorsPerEpoch.push(errors);
      if (errors === 0 && stopWhenPerfect) break;
    }
    return { errorsPerEpoch, epochs: errorsPerEpoch.length };
  }

  /** The event-driven trajectory (see the module header); patterns are already checked. */
  private run(p: SpikePattern): TempotronResponse {
    const w = this.weights;
    const t = p.times_ms;
    const aff = p.afferents;
    const tau = this.tau_ms;
    const ts = this.tauS_ms;
    const v0 = this.v0;
    const theta = this.threshold - this.vRest;
    const rate = 1 / ts - 1 / tau;
    const ratioScale = tau / ts;
    const decay = this.decayFactors(p);
    let A = 0;
    let B = 0;
    let vMax = 0;
    let tMax = t.length > 0 ? t[0] : 0;
    const n = t.length;
    for (let k = 0; k < n;) {
      const tk = t[k];
      // add every input spike at this time
      do {
        const wi = w[aff[k]];
        A += wi;
        B += wi;
        k++;
      } while (k < n && t[k] === tk);
      // interval [tk, next): V(s) = v0 (A e^{-s/tau} - B e^{-s/ts}); V(0) is the value before the jump.
      // Its stationary point s* = ln(B tau / (A ts)) / rate lies in (0, gap) iff
      // 1 < B tau / (A ts) < e^{rate gap} = da / db: no logarithm unless it does.
      const last = k >= n;
      const da = last ? 0 : decay[2 * (k - 1)];
      const db = last ? 0 : decay[2 * (k - 1) + 1];
      const gap = last ? Infinity : t[k] - tk;
      let sStar = -1;
      const ratio = A !== 0 ? (B * ratioScale) / A : 0;
      if (ratio > 1) sStar = last || ratio * db < da ? Math.log(ratio) / rate : gap + 1;
      let vInterval = -Infinity;
      let sInterval = 0;
      if (sStar > 0 && sStar < gap) {
        vInterval = v0 * (A * Math.exp(-sStar / tau) - B * Math.exp(-sStar / ts));
        sInterval = sStar;
      }
      if (!last) {
        const vEnd = v0 * (A * da - B * db);
        if (vEnd > vInterval) {
          vInterval = vEnd;
          sInterval = gap;
        }
      }
      if (vInterval > vMax) {
        vMax = vInterval;
        tMax = tk + sInterval;
      }
      if (vMax >= theta) {
        // first crossing in this interval; shunted afterwards, so the trajectory keeps only these
        // inputs and its maximum may lie past the next (ignored) input
        if (sStar >= gap) {
          sStar = Math.log(ratio) / rate;
          const v = v0 * (A * Math.exp(-sStar / tau) - B * Math.exp(-sStar / ts));
          if (v > vMax) {
            vMax = v;
            tMax = tk + sStar;
          }
        }
        return { fired: true, vMax: vMax + this.vRest, tMax_ms: tMax };
      }
      if (last) break;
      A *= da;
      B *= db;
    }
    return { fired: vMax >= theta, vMax: vMax + this.vRest, tMax_ms: tMax };
  }

  /**
   * Per pattern, the decay of the two running sums over each gap between distinct input times
   * (`e^{-gap/tau}`, `e^{-gap/tau_s}` at index 2(k-1), 2(k-1)+1 for the gap ending at spike k's
   * group), computed once and reused every epoch.
   */
  private decayFactors(p: SpikePattern): Float64Array {
    let d = this.decayCache.get(p);
    if (d) return d;
    const t = p.times_ms;
    d = new Float64Array(2 * Math.max(t.length - 1, 0));
    for (let k = 1; k < t.length; k++) {
      const gap = t[k] - t[k - 1];
      d[2 * (k - 1)] = Math.exp(-gap / this.tau_ms);
      d[2 * (k - 1) + 1] = Math.exp(-gap / this.tauS_ms);
    }
    this.decayCache.set(p, d);
    return d;
  }

  /** Eq. 2 with momentum: w_i += step sum_{t_i < tMax} K(tMax - t_i) + mu * previous change. */
  private update(p: SpikePattern, tMax_ms: number, step: number): void {
    const w = this.weights;
    const prev = this.previousChange;
    const mu = this.momentum;
    const change = this.changeBuffer;
    change.fill(0);
    const t = p.times_ms;
    for (let k = 0; k < t.length && t[k] < tMax_ms; k++)
      change[p.afferents[k]] += step * this.kernel(tMax_ms - t[k]);
    for (let i = 0; i < w.length; i++) {
      const d = change[i] + mu * prev[i];
      w[i] += d;
      prev[i] = d;
    }
  }
}

function checkPattern(p: SpikePattern, nAfferents: number, name = "pattern"): void {
  const { times_ms, afferents } = p;
  if (times_ms.length !== afferents.length) {
    throw new RangeError(
      `${name}.afferents.length must equal ${name}.times_ms.length = ${times_ms.length}, got ${afferents.length}`,
    );
  }
  for (let k = 0; k < times_ms.length; k++) {
    const tk = times_ms[k];
    if (!Number.isFinite(tk) || (k > 0 && tk < times_ms[k - 1])) {
      throw new RangeError(
        `${name}.times_ms[${k}] must be finite and >= the previous time (sorted), got ${tk}`,
      );
    }
    const a = afferents[k];
    if (!(a >= 0 && a < nAfferents))
      throw new RangeError(
        `${name}.afferents[${k}] must be an integer in [0, ${nAfferents - 1}], got ${a}`,
      );
  }
}
