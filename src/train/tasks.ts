/**
 * Synthetic spike-pattern classification tasks for quick, seeded tests of learning rules.
 *
 * `randomPoissonPatterns`: each class is one frozen Poisson pattern (every input a homogeneous
 * Poisson train at `rate_Hz` over `[0, duration_ms)`); a sample is its class's pattern with every
 * spike moved by Gaussian jitter (sd `jitter_ms`), spikes moved out of the window dropped, and
 * optionally each spike deleted with `deletionProbability` and Poisson noise spikes added at
 * `noiseRate_Hz` (the classic "frozen noise" task of the Tempotron and Chronotron papers).
 *
 * `randomManifolds`: smooth random manifolds in the style of Zenke & Vogels 2021 (Neural Comput
 * 33:899, the `randman` package): class c has, for each of its `nSpikes` sub-manifolds and each
 * input unit i, a smooth random function of the manifold coordinate x in [0, 1)^D,
 * `f(x) = prod_d sum_{k=0}^{K-1} a_k (k+1)^-alpha sin(2 pi (k x_d b_k + c_k))` with a, b, c
 * uniform in [0, 1) and a_0 = 0 (randman's default without bias), K = min(ceil(prec^(-1/alpha)), 1000).
 * A sample draws x uniformly; unit i fires at `f(x)` min-max standardised over the class's samples
 * (randman's `standardize`, per unit) times `duration_ms`. Smaller `alpha` gives rougher manifolds,
 * larger D higher-dimensional ones: the task's difficulty is set by D, alpha and the class count.
 * Same recipe as randman, not its random numbers (neurolab's generator, not torch's).
 */
import { checkInteger, checkNumber, checkPositive, checkProbability } from "../core/checks.js";
import { Rng } from "../random/rng.js";

/** One sample: spikes sorted by time (ms) and the input of each (the Tempotron's `SpikePattern`). */
export interface TaskSample {
  /** Spike times, ms, non-decreasing. */
  readonly times_ms: Float64Array;
  /** Input (afferent) index of each spike. */
  readonly afferents: Int32Array;
}

/** A labelled set of spike samples. */
export interface SpikeTask {
  readonly samples: TaskSample[];
  /** Class of each sample, 0..nClasses-1. */
  readonly labels: Int32Array;
  readonly nClasses: number;
  readonly nInputs: number;
  /** Window of every sample, `[0, duration_ms)`. */
  readonly duration_ms: number;
}

/** Options of {@link randomPoissonPatterns}. */
export interface PoissonPatternOptions {
  nClasses: number;
  nInputs: number;
  /** Samples per class (integer >= 1). */
  samplesPerClass: number;
  /** Pattern length, ms (> 0). */
  duration_ms: number;
  /** Rate of every input in the frozen patterns, Hz (>= 0). */
  rate_Hz: number;
  /** Standard deviation of the Gaussian jitter of each spike, ms (>= 0). Default 0. */
  jitter_ms?: number;
  /** Probability of deleting each spike of a sample. Default 0. */
  deletionProbability?: number;
  /** Rate of added Poisson noise spikes per input, Hz (>= 0). Default 0. */
  noiseRate_Hz?: number;
  /** Seed (integer). Same seed, bitwise-identical task. */
  seed: number;
}

/**
 * Classes of frozen Poisson patterns with jitter (see the module header). Samples are ordered by class, then repetition.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const task = train.randomPoissonPatterns({ nClasses: 3, nInputs: 50, samplesPerClass: 10, duration_ms: 200,
 *   rate_Hz: 10, jitter_ms: 2, seed: 1 }); // jittered copies of one frozen Poisson pattern per class
 * task.samples.length; // 30
 * ```
 */
export function randomPoissonPatterns(opts: PoissonPatternOptions): SpikeTask {
  const nClasses = checkInteger(opts.nClasses, "nClasses", 1);
  const nInputs = checkInteger(opts.nInputs, "nInputs", 1);
  const perClass = checkInteger(opts.samplesPerClass, "samplesPerClass", 1);
  const duration_ms = checkPositive(opts.duration_ms, "duration_ms");
  const rate = checkNumber(opts.rate_Hz, "rate_Hz", { min: 0 }) / 1000;
  const jitter = checkNumber(opts.jitter_ms ?? 0, "jitter_ms", { min: 0 });
  const pDelete = checkProbability(opts.deletionProbability ?? 0, "deletionProbability");
  const noise = checkNumber(opts.noiseRate_Hz ?? 0, "noiseRate_Hz", { min: 0 }) / 1000;
  const rng = new Rng(checkInteger(opts.seed, "seed", 0, 0xffffffff));
  const poissonTrain = (rate_per_ms: number, out: { t: number; a: number }[], a: number) => {
    if (rate_per_ms === 0) return;
    for (let t = exponential(rng, rate_per_ms); t < duration_ms; t += exponential(rng, rate_per_ms))
      out.push({ t, a });
  };
  const templates: { t: number; a: number }[][] = [];
  for (let c = 0; c < nClasses; c++) {
    const spikes: { t: number; a: number }[] = [];
    for (let i = 0; i < nInputs; i++) poissonTrain(rate, spikes, i);
    templates.push(spikes);
  }
  const samples: TaskSample[] = [];
  const labels = new Int32Array(nClasses * perClass);
  for (let c = 0; c < nClasses; c++) {
    for (let r = 0; r < perClass; r++) {
      const spikes: { t: number; a: number }[] = [];
      for (const s of templates[c]) {
        if (pDelete > 0 && rng.uniform() < pDelete) continue;
        const t = jitter > 0 ? s.t + jitter * rng.normal() : s.t;
        if (t >= 0 && t < duration_ms) spikes.push({ t, a: s.a });
      }
      for (let i = 0; i < nInputs; i++) poissonTrain(noise, spikes, i);
      labels[samples.length] = c;
      samples.push(toSample(spikes));
    }
  }
  return { samples, labels, nClasses, nInputs, duration_ms };
}

/** Options of {@link randomManifolds}. */
export interface RandomManifoldOptions {
  nClasses: number;
  /** Input units (randman's `nb_units`). */
  nInputs: number;
  /** Samples per class (randman's `nb_samples`; >= 2 for the standardisation). */
  samplesPerClass: number;
  /** Window, ms: the standardised values in [0, 1] are scaled to `[0, duration_ms]` (randman: `nb_steps * step_frac`). */
  duration_ms: number;
  /** Manifold dimension D (randman's `dim_manifold`). Default 1. */
  manifoldDim?: number;
  /** Spikes per unit and sample (sub-manifolds per class; randman's `nb_spikes`). Default 1. */
  nSpikes?: number;
  /** Smoothness: the spectrum falls as (k+1)^-alpha (> 0). Default 2. */
  alpha?: number;
  /** Precision that sets the frequency cutoff K = ceil(prec^(-1/alpha)) (in (0, 1)). Default 1e-3. */
  prec?: number;
  /** Seed (integer). Same seed, bitwise-identical task. */
  seed: number;
}

/** A task sample of {@link randomManifolds} also carries its manifold coordinates. */
export interface ManifoldTask extends SpikeTask {
  /** Coordinates of each sample on its class's manifold, `nSamples x manifoldDim`, row-major. */
  readonly coordinates: Float64Array;
  readonly manifoldDim: number;
}

/**
 * Smooth random manifold classification task (see the module header). Samples ordered by class.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const task = train.randomManifolds({ nClasses: 2, nInputs: 20, samplesPerClass: 5, duration_ms: 100, seed: 1 });
 * task.coordinates; // each sample's position on its class's smooth manifold
 * ```
 */
export function randomManifolds(opts: RandomManifoldOptions): ManifoldTask {
  const nClasses = checkInteger(opts.nClasses, "nClasses", 1);
  const nInputs = checkInteger(opts.nInputs, "nInputs", 1);
  const perClass = checkInteger(opts.samplesPerClass, "samplesPerClass", 2);
  const duration_ms = checkPositive(opts.duration_ms, "duration_ms");
  const D = checkInteger(opts.manifoldDim ?? 1, "manifoldDim", 1, 64);
  const nSpikes = checkInteger(opts.nSpikes ?? 1, "nSpikes", 1, 1000);
  const alpha = checkPositive(opts.alpha ?? 2, "alpha");
  const prec = checkNumber(opts.prec ?? 1e-3, "prec", {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
  });
  const K = Math.min(Math.ceil(prec ** (-1 / alpha)), 1000);
  const rng = new Rng(checkInteger(opts.seed, "seed", 0, 0xffffffff));
  const spectrum = Float64Array.from({ length: K }, (_, k) => (k + 1) ** -alpha);
  const nSamples = nClasses * perClass;
  const coordinates = new Float64Array(nSamples * D);
  const labels = new Int32Array(nSamples);
  const spikeLists: { t: number; a: number }[][] = Array.from({ length: nSamples }, () => []);
  const values = new Float64Array(perClass);
  const params = new Float64Array(3 * K); // a_k, b_k, c_k of one 1-d function
  for (let c = 0; c < nClasses; c++) {
    const first = c * perClass;
    for (let s = 0; s < perClass; s++) {
      labels[first + s] = c;
      for (let d = 0; d < D; d++) coordinates[(first + s) * D + d] = rng.uniform();
    }
    for (let m = 0; m < nSpikes; m++) {
      for (let i = 0; i < nInputs; i++) {
        values.fill(1);
        for (let d = 0; d < D; d++) {
          for (let q = 0; q < 3 * K; q++) params[q] = rng.uniform();
          params[0] = 0; // a_0 = 0: no constant term (randman without bias)
          for (let s = 0; s < perClass; s++) {
            const x = coordinates[(first + s) * D + d];
            let f = 0;
            for (let k = 0; k < K; k++)
              f +=
                params[k] *
                spectrum[k] *
                Math.sin(2 * Math.PI * (k * x * params[K + k] + params[2 * K + k]));
            values[s] *= f;
          }
        }
        let lo = Infinity;
        let hi = -Infinity;
        for (let s = 0; s < perClass; s++) {
          lo = Math.min(lo, values[s]);
          hi = Math.max(hi, values[s]);
        }
        for (let s = 0; s < perClass; s++)
          spikeLists[first + s].push({
            t: ((values[s] - lo) / (hi - lo + 1e-7)) * duration_ms,
            a: i,
          });
      }
    }
  }
  return {
    samples: spikeLists.map(toSample),
    labels,
    nClasses,
    nInputs,
    duration_ms,
    coordinates,
    manifoldDim: D,
  };
}

/**
 * A sample as a dense, time-major count matrix `[nSteps x nInputs]` with bins of
 * `duration_ms / nSteps` (spikes at `duration_ms` fall in the last bin).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const task = train.randomPoissonPatterns({ nClasses: 2, nInputs: 20, samplesPerClass: 4, duration_ms: 100, rate_Hz: 20, seed: 1 });
 * const x = train.taskSampleCounts(task, 0, 100); // 100 steps x 20 inputs of spike counts for sample 0
 * ```
 */
export function taskSampleCounts(task: SpikeTask, k: number, nSteps: number): Float32Array {
  checkInteger(k, "k", 0, task.samples.length - 1);
  checkInteger(nSteps, "nSteps", 1);
  const out = new Float32Array(nSteps * task.nInputs);
  const s = task.samples[k];
  const dt = task.duration_ms / nSteps;
  for (let j = 0; j < s.times_ms.length; j++)
    out[Math.min(Math.floor(s.times_ms[j] / dt), nSteps - 1) * task.nInputs + s.afferents[j]] += 1;
  return out;
}

function exponential(rng: Rng, rate_per_ms: number): number {
  let u = 0;
  while (u === 0) u = rng.uniform();
  return -Math.log(u) / rate_per_ms;
}

function toSample(spikes: { t: number; a: number }[]): TaskSample {
  spikes.sort((x, y) => x.t - y.t || x.a - y.a);
  return {
    times_ms: Float64Array.from(spikes, (s) => s.t),
    afferents: Int32Array.from(spikes, (s) => s.a),
  };
}
