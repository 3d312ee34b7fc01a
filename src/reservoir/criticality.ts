/**
 * Criticality measures of spiking activity: branching factor, neuronal avalanches, and a
 * power-law exponent.
 *
 * - `branchingFactor` — the estimator of Ivanov & Michmizos 2021 (NALSM, NeurIPS; the authors'
 *   `compute_branching_factor.py`): for every spike of neuron n at time t, its ancestors are the
 *   spikes of n's presynaptic neurons in [t - Δ, t) and its descendants the spikes of n's
 *   postsynaptic neurons in (t, t + Δ]; the spike's ratio is descendants / max(ancestors, 1);
 *   neuron n's branching factor is the mean ratio over its spikes, and the network's the mean
 *   over neurons that spiked. Δ = 4 ms by default (theirs); only spikes in
 *   [start + Δ, stop - Δ) are used, so both windows lie inside the recording. It counts every
 *   spike in the windows, caused or not: on driven activity it does not tend to the true ratio.
 * - `branchingFactorChance` — that estimator's value, in closed form, on independent Poisson
 *   trains with given rates (true ratio 0): its chance level, about 0 for sparse activity and
 *   0.8-1.6 for the liquids' rates here (see the function).
 * - `branchingRatio` — the population estimator for a Galton-Watson process observed in full
 *   (Harris 1948's maximum-likelihood estimator): with n_t events in bin t,
 *   sigma = Σ_t n_{t+1} / Σ_t n_t over consecutive bins (descendants per ancestor per time bin).
 * - `branchingRatioRegression` — the least-squares slope of n_{t+1} on n_t, which estimates the
 *   ratio m of a driven branching process (E[n_{t+1} | n_t] = m n_t + h) whatever the drive h
 *   (Wilting & Priesemann 2018's conventional estimator, full sampling).
 * - `avalanches` — Beggs & Plenz 2003: an avalanche is a maximal run of non-empty bins between
 *   empty bins; its size is the number of events, its duration the number of bins. Runs touching
 *   the first or last bin are incomplete and left out.
 * - `powerLawFit` — the discrete maximum-likelihood exponent of P(s) ∝ s^-alpha for
 *   sMin <= s (<= sMax) (Clauset, Shalizi & Newman 2009, SIAM Rev 51:661, eq. 3.5 with the
 *   Hurwitz zeta normaliser; with sMax, the truncated normaliser ζ(alpha, sMin) - ζ(alpha, sMax+1)),
 *   maximised by golden-section search; standard error from the Fisher information.
 *   A critical branching process has alpha = 3/2 (size exponent -3/2).
 */
import { checkInteger, checkNumber } from "../core/checks.js";
import type { Csr } from "../synapses/connectivity.js";
import type { SpikeEvents } from "./readout.js";

/** Options of {@link branchingFactor}. */
export interface BranchingFactorOptions {
  /** Window Δ for ancestors and descendants, ms (default 4, NALSM's). */
  window_ms?: number;
  /** Start of the recording, ms (default: the first spike's time). */
  start_ms?: number;
  /** End of the recording, ms (default: the last spike's time). */
  stop_ms?: number;
  /** First neuron index of the network in the spike numbering (default 0; e.g. a monitor's range start). */
  offset?: number;
  /**
   * Splits [start, stop) into consecutive segments of this length, ms, estimates each alone and
   * returns the mean of the segments' estimates (default: one segment). The authors estimate
   * per 250 ms input sample and average over samples (`get_branching_factor.py`): 250 is theirs.
   */
  segment_ms?: number;
}

/** The result of {@link branchingFactor}. */
export interface BranchingFactor {
  /** Mean over neurons that spiked in the analysed interval. */
  readonly sigma: number;
  /** Per-neuron branching factor (NaN where the neuron did not spike). */
  readonly perNeuron: Float64Array;
  /** Spikes analysed. */
  readonly spikes: number;
}

function sortedTimesByNeuron(spikes: SpikeEvents, n: number, offset: number): Float64Array[] {
  const counts = new Int32Array(n);
  const T = spikes.times_ms;
  const N = spikes.neurons;
  if (T.length !== N.length)
    throw new RangeError(
      `spikes: times_ms and neurons must have equal lengths, got ${T.length} and ${N.length}`,
    );
  for (let s = 0; s < N.length; s++) {
    const j = N[s] - offset;
    if (j >= 0 && j < n) counts[j]++;
  }
  const out = Array.from(counts, (c) => new Float64Array(c));
  const fill = new Int32Array(n);
  for (let s = 0; s < N.length; s++) {
    const j = N[s] - offset;
    if (j < 0 || j >= n) continue;
    checkNumber(T[s], `spikes.times_ms[${s}]`);
    out[j][fill[j]++] = T[s];
  }
  for (const a of out) a.sort();
  return out;
}

/** Number of values of the sorted `a` in [lo, hi) (or (lo, hi] with `rightClosed`). */
function countIn(a: Float64Array, lo: number, hi: number, rightClosed: boolean): number {
  const lower = (x: number, strict: boolean) => {
    let l = 0;
    let h = a.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (strict ? a[m] <= x : a[m] < x) l = m + 1;
      else h = m;
    }
    return l;
  };
  return rightClosed ? lower(hi, true) - lower(lo, true) : lower(hi, false) - lower(lo, false);
}

/**
 * NALSM's branching factor of a spiking network (see the module header) from its spikes and its
 * connectivity (CSR, rows = presynaptic neuron; e.g. `liquid.connectivity`).
 *
 * @example
 * ```ts
 * import { Network, reservoir } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const input = net.addPoisson("input", { size: 20, rate_Hz: 20 });
 * const liquid = reservoir.liquidStateMachine(net, { grid: [5, 5, 4], input: { population: input }, seed: 1 });
 * const spikes = net.monitorSpikes([liquid.group]);
 * net.run(500);
 * reservoir.branchingFactor(spikes, liquid.connectivity, { window_ms: 4 }).sigma; // the NALSM authors' estimator
 * ```
 */
export function branchingFactor(
  spikes: SpikeEvents,
  connectivity: Csr,
  opts: BranchingFactorOptions = {},
): BranchingFactor {
  for (const k of Object.keys(opts))
    if (!["window_ms", "start_ms", "stop_ms", "offset", "segment_ms"].includes(k))
      throw new RangeError(
        `branchingFactor: unknown option "${k}" (allowed: window_ms, start_ms, stop_ms, offset, segment_ms)`,
      );
  const win = checkNumber(opts.window_ms ?? 4, "window_ms", { min: 0, minExclusive: true });
  const offset = checkInteger(opts.offset ?? 0, "offset", 0);
  const n = connectivity.nPre;
  if (connectivity.nPost !== n)
    throw new RangeError(
      `connectivity must be square (a network onto itself), got ${connectivity.nPre} x ${connectivity.nPost}`,
    );
  const byNeuron = sortedTimesByNeuron(spikes, n, offset);
  let first = Infinity;
  let last = -Infinity;
  for (const a of byNeuron)
    if (a.length) {
      first = Math.min(first, a[0]);
      last = Math.max(last, a[a.length - 1]);
    }
  const start = checkNumber(opts.start_ms ?? (Number.isFinite(first) ? first : 0), "start_ms");
  const stop = checkNumber(opts.stop_ms ?? (Number.isFinite(last) ? last : 0), "stop_ms");
  // Presynaptic lists (the transpose of the CSR).
  const { rowPtr, colIdx } = connectivity;
  const inPtr = new Int32Array(n + 1);
  for (let k = 0; k < rowPtr[n]; k++) inPtr[colIdx[k] + 1]++;
  for (let j = 0; j < n; j++) inPtr[j + 1] += inPtr[j];
  const inIdx = new Int32Array(rowPtr[n]);
  const fill = inPtr.slice(0, n);
  for (let i = 0; i < n; i++)
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) inIdx[fill[colIdx[k]]++] = i;
  const pre = { inPtr, inIdx };
  if (opts.segment_ms !== undefined) {
    const seg = checkNumber(opts.segment_ms, "segment_ms", { min: 2 * win, minExclusive: true });
    const nSeg = Math.floor((stop - start) / seg + 1e-9);
    if (nSeg < 1)
      throw new RangeError(
        `segment_ms must be at most stop_ms - start_ms = ${stop - start}, got ${opts.segment_ms}`,
      );
    // Mean of the segments' estimates; per neuron, the mean over the segments where it spiked.
    const perNeuron = new Float64Array(n);
    const seen = new Int32Array(n);
    let sum = 0;
    let segments = 0;
    let used = 0;
    for (let k = 0; k < nSeg; k++) {
      const part = estimate(
        byNeuron,
        connectivity,
        pre,
        win,
        start + k * seg,
        start + (k + 1) * seg,
      );
      if (Number.isNaN(part.sigma)) continue;
      sum += part.sigma;
      segments++;
      used += part.spikes;
      for (let j = 0; j < n; j++)
        if (!Number.isNaN(part.perNeuron[j])) {
          perNeuron[j] += part.perNeuron[j];
          seen[j]++;
        }
    }
    for (let j = 0; j < n; j++) perNeuron[j] = seen[j] > 0 ? perNeuron[j] / seen[j] : NaN;
    return { sigma: segments > 0 ? sum / segments : NaN, perNeuron, spikes: used };
  }
  return estimate(byNeuron, connectivity, pre, win, start, stop);
}

/** The estimator on spikes in [start + win, stop - win) (sorted spike times per neuron). */
function estimate(
  byNeuron: Float64Array[],
  connectivity: Csr,
  presynaptic: { inPtr: Int32Array; inIdx: Int32Array },
  win: number,
  start: number,
  stop: number,
): BranchingFactor {
  const n = connectivity.nPre;
  const { rowPtr, colIdx } = connectivity;
  const { inPtr, inIdx } = presynaptic;
  const perNeuron = new Float64Array(n).fill(NaN);
  let used = 0;
  let sum = 0;
  let neurons = 0;
  for (let j = 0; j < n; j++) {
    let total = 0;
    let count = 0;
    for (const t of byNeuron[j]) {
      if (t < start + win || t >= stop - win) continue;
      let anc = 0;
      for (let q = inPtr[j]; q < inPtr[j + 1]; q++)
        anc += countIn(byNeuron[inIdx[q]], t - win, t, false);
      let desc = 0;
      for (let k = rowPtr[j]; k < rowPtr[j + 1]; k++)
        desc += countIn(byNeuron[colIdx[k]], t, t + win, true);
      total += desc / Math.max(anc, 1);
      count++;
    }
    if (count > 0) {
      perNeuron[j] = total / count;
      sum += perNeuron[j];
      neurons++;
      used += count;
    }
  }
  return { sigma: neurons > 0 ? sum / neurons : NaN, perNeuron, spikes: used };
}

/**
 * E[1 / max(X, 1)] for X ~ Poisson(mean): the expected inverse of a clipped Poisson count (the
 * ancestor term of {@link branchingFactor} under independent Poisson spiking).
 */
function meanInverseClippedPoisson(mean: number): number {
  if (mean === 0) return 1;
  // Large means: the asymptotic series (1/λ) Σ_k k!/λ^k (P(X = 0) below 1e-400; the first
  // omitted term is under 1e-17 of the sum at λ = 1000), instead of ~λ terms.
  if (mean >= 1000) {
    let sum = 0; // smallest terms first
    let term = 720 / mean ** 6; // k!/λ^k at k = 6
    for (let k = 6; k > 0; k--) {
      sum += term;
      term *= mean / k; // -> (k-1)!/λ^(k-1)
    }
    return (sum + term) / mean;
  }
  // Terms p_x / x from x = 1, in log space (p_x = e^-mean mean^x / x!), until past the mode and negligible.
  let logP = -mean;
  let sum = Math.exp(-mean); // x = 0 counts as 1
  for (let x = 1; ; x++) {
    logP += Math.log(mean) - Math.log(x);
    const term = Math.exp(logP) / x;
    sum += term;
    if (x > mean && term < 1e-17 * sum) break;
  }
  return sum;
}

/** Options of {@link branchingFactorChance}. */
export interface BranchingFactorChanceOptions {
  /** Window Δ, ms (default 4, as {@link branchingFactor}). */
  window_ms?: number;
}

/**
 * The value {@link branchingFactor} takes, in expectation, on independent Poisson spike trains
 * with the given rates on the given connectivity: no spike causes another (the true branching
 * ratio is 0), yet for neuron j the mean ratio is
 *
 *     (Σ_{k post of j} r_k Δ) · E[1 / max(X_j, 1)],   X_j ~ Poisson(Σ_{i pre of j} r_i Δ)
 *
 * (the counts in the two windows are independent Poisson variables), and the result is the mean
 * over neurons with a positive rate. It is the chance level of the estimator for driven activity:
 * 0 when spikes are sparse (Σ r Δ << 1), about the ratio of out- to in-coming rate sums times
 * 1 + 1/λ for dense activity (λ = Σ_pre r Δ >> 1), and up to about 1.38 in between (equal
 * rates and degrees, λ ≈ 3).
 *
 * @example
 * ```ts
 * import { Network, reservoir } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const input = net.addPoisson("input", { size: 20, rate_Hz: 20 });
 * const liquid = reservoir.liquidStateMachine(net, { grid: [5, 5, 4], input: { population: input }, seed: 1 });
 * const rates_Hz = new Float64Array(liquid.size).fill(20);
 * reservoir.branchingFactorChance(liquid.connectivity, rates_Hz).sigma; // the estimator's value without any causal spread
 * ```
 */
export function branchingFactorChance(
  connectivity: Csr,
  rates_Hz: ArrayLike<number>,
  opts: BranchingFactorChanceOptions = {},
): { readonly sigma: number; readonly perNeuron: Float64Array } {
  for (const k of Object.keys(opts))
    if (k !== "window_ms")
      throw new RangeError(`branchingFactorChance: unknown option "${k}" (allowed: window_ms)`);
  const win = checkNumber(opts.window_ms ?? 4, "window_ms", { min: 0, minExclusive: true });
  const n = connectivity.nPre;
  if (connectivity.nPost !== n)
    throw new RangeError(
      `connectivity must be square (a network onto itself), got ${connectivity.nPre} x ${connectivity.nPost}`,
    );
  if (rates_Hz.length !== n)
    throw new RangeError(`rates_Hz must have one rate per neuron (${n}), got ${rates_Hz.length}`);
  for (let j = 0; j < n; j++) checkNumber(rates_Hz[j], `rates_Hz[${j}]`, { min: 0 });
  const { rowPtr, colIdx } = connectivity;
  const inSum = new Float64Array(n); // Σ_pre r Δ
  const outSum = new Float64Array(n); // Σ_post r Δ
  for (let i = 0; i < n; i++)
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const j = colIdx[k];
      outSum[i] += (rates_Hz[j] * win) / 1000;
      inSum[j] += (rates_Hz[i] * win) / 1000;
    }
  const perNeuron = new Float64Array(n).fill(NaN);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < n; j++) {
    if (!(rates_Hz[j] > 0)) continue;
    perNeuron[j] = outSum[j] * meanInverseClippedPoisson(inSum[j]);
    sum += perNeuron[j];
    count++;
  }
  return { sigma: count > 0 ? sum / count : NaN, perNeuron };
}

/** Options of {@link spikeCountsPerBin}. */
export interface BinOptions {
  /** Bin width, ms (> 0). */
  bin_ms: number;
  /** Start of the first bin, ms (default 0). */
  start_ms?: number;
  /** End of the last bin, ms (default: just after the last spike). */
  stop_ms?: number;
}

/**
 * Number of spikes per time bin [start + k bin, start + (k+1) bin) (all neurons of `spikes`).
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * reservoir.spikeCountsPerBin({ times_ms: [0.5, 1.2, 1.4, 3.9], neurons: [0, 1, 2, 0] }, { bin_ms: 1, stop_ms: 4 }); // [1, 2, 0, 1]
 * ```
 */
export function spikeCountsPerBin(spikes: SpikeEvents, opts: BinOptions): Int32Array {
  const bin = checkNumber(opts.bin_ms, "bin_ms", { min: 0, minExclusive: true });
  const start = checkNumber(opts.start_ms ?? 0, "start_ms");
  const T = spikes.times_ms;
  let last = start;
  for (let s = 0; s < T.length; s++) last = Math.max(last, T[s]);
  const stop = checkNumber(opts.stop_ms ?? last + bin, "stop_ms", {
    min: start,
    minExclusive: true,
  });
  const nBins = Math.ceil((stop - start) / bin - 1e-9);
  const counts = new Int32Array(nBins);
  for (let s = 0; s < T.length; s++) {
    const k = Math.floor((T[s] - start) / bin);
    if (k >= 0 && k < nBins) counts[k]++;
  }
  return counts;
}

/**
 * Harris's estimator of the branching ratio from events per bin: Σ n_{t+1} / Σ n_t over consecutive bins.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * reservoir.branchingRatio([1, 2, 4, 8, 4]); // Harris's estimator: sum of n(t + 1) / sum of n(t)
 * ```
 */
export function branchingRatio(counts: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t + 1 < counts.length; t++) {
    checkNumber(counts[t], `counts[${t}]`, { min: 0 });
    den += counts[t];
    num += counts[t + 1];
  }
  if (den === 0)
    throw new RangeError("branchingRatio: no events before the last bin (the ratio is undefined)");
  return num / den;
}

/**
 * The least-squares slope of n_{t+1} on n_t over consecutive bins,
 * Σ (n_t - mean) (n_{t+1} - mean') / Σ (n_t - mean)²: the branching ratio of a driven branching
 * process, E[n_{t+1} | n_t] = m n_t + h, whatever the drive h (Heathcote 1965; the conventional
 * estimator of Wilting & Priesemann 2018, Nat Commun 9:2325, for a fully sampled population).
 * Harris's {@link branchingRatio} tends to 1 on stationary driven activity; this does not.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * reservoir.branchingRatioRegression([3, 5, 4, 6, 5, 3, 2, 4, 6, 7, 5]); // slope of n(t + 1) on n(t)
 * ```
 */
export function branchingRatioRegression(counts: ArrayLike<number>): number {
  const T = counts.length - 1;
  if (T < 2)
    throw new RangeError(`branchingRatioRegression: needs at least 3 bins, got ${counts.length}`);
  let mx = 0;
  let my = 0;
  for (let t = 0; t < T; t++) {
    checkNumber(counts[t], `counts[${t}]`, { min: 0 });
    mx += counts[t];
    my += counts[t + 1];
  }
  checkNumber(counts[T], `counts[${T}]`, { min: 0 });
  mx /= T;
  my /= T;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < T; t++) {
    sxy += (counts[t] - mx) * (counts[t + 1] - my);
    sxx += (counts[t] - mx) ** 2;
  }
  if (sxx === 0)
    throw new RangeError(
      "branchingRatioRegression: the counts are constant (the slope is undefined)",
    );
  return sxy / sxx;
}

/** Avalanches of a binned activity series. */
export interface Avalanches {
  /** Events per avalanche. */
  readonly sizes: Float64Array;
  /** Bins per avalanche. */
  readonly durations: Int32Array;
  /** First bin of each avalanche. */
  readonly starts: Int32Array;
}

/**
 * Avalanches (maximal runs of non-empty bins, complete ones only; see the module header).
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * reservoir.avalanches([0, 1, 3, 0, 0, 2, 0]); // sizes [4, 2], durations [2, 1] (runs of non-empty bins)
 * ```
 */
export function avalanches(counts: ArrayLike<number>): Avalanches {
  const sizes: number[] = [];
  const durations: number[] = [];
  const starts: number[] = [];
  let t = 0;
  const n = counts.length;
  for (let k = 0; k < n; k++) checkNumber(counts[k], `counts[${k}]`, { min: 0 });
  while (t < n) {
    if (counts[t] === 0) {
      t++;
      continue;
    }
    const s0 = t;
    let size = 0;
    while (t < n && counts[t] !== 0) size += counts[t++];
    if (s0 > 0 && t < n) {
      sizes.push(size);
      durations.push(t - s0);
      starts.push(s0);
    }
  }
  return {
    sizes: Float64Array.from(sizes),
    durations: Int32Array.from(durations),
    starts: Int32Array.from(starts),
  };
}

const BERNOULLI_2J = [
  1 / 6,
  -1 / 30,
  1 / 42,
  -1 / 30,
  5 / 66,
  -691 / 2730,
  7 / 6,
  -3617 / 510,
  43867 / 798,
  -174611 / 330,
];

/**
 * The Hurwitz zeta function ζ(s, q) = Σ_{k>=0} (q + k)^-s for s > 1, q > 0 (Euler-Maclaurin
 * summation after 12 terms; relative error below 1e-14).
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * reservoir.hurwitzZeta(2, 1); // pi^2 / 6
 * ```
 */
export function hurwitzZeta(s: number, q: number): number {
  checkNumber(s, "s", { min: 1, minExclusive: true });
  checkNumber(q, "q", { min: 0, minExclusive: true });
  const N = 12;
  let sum = 0;
  for (let k = 0; k < N; k++) sum += Math.pow(q + k, -s);
  const a = q + N;
  sum += Math.pow(a, 1 - s) / (s - 1) + 0.5 * Math.pow(a, -s);
  // Σ_j B_2j / (2j)! * s (s+1) ... (s+2j-2) a^(-s-2j+1)
  let rising = s; // s (s+1) ... (s + 2j - 2)
  let fact = 2; // (2j)!
  let pow = Math.pow(a, -s - 1);
  for (let j = 1; j <= BERNOULLI_2J.length; j++) {
    const term = (BERNOULLI_2J[j - 1] / fact) * rising * pow;
    sum += term;
    if (Math.abs(term) < 1e-17 * sum) break;
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    fact *= (2 * j + 1) * (2 * j + 2);
    pow /= a * a;
  }
  return sum;
}

/** Options of {@link powerLawFit}. */
export interface PowerLawOptions {
  /** Smallest size included (integer >= 1; default 1). */
  sMin?: number;
  /** Largest size included (integer; default none: an untruncated power law, needing alpha > 1). */
  sMax?: number;
}

/** A fitted discrete power law P(s) ∝ s^-alpha on [sMin, sMax]. */
export interface PowerLawFit {
  /** The exponent alpha (P(s) ∝ s^-alpha); a critical branching process has 3/2. */
  readonly alpha: number;
  /** Standard error of alpha (inverse square root of the Fisher information). */
  readonly standardError: number;
  readonly sMin: number;
  readonly sMax: number;
  /** Sizes in [sMin, sMax] used in the fit. */
  readonly n: number;
  /** Log-likelihood at alpha. */
  readonly logLikelihood: number;
}

/**
 * Discrete maximum-likelihood power-law exponent of integer sizes (see the module header).
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const sizes = [1, 1, 1, 1, 1, 2, 2, 1, 3, 1, 5, 1, 2, 8, 1, 1, 13, 2, 1, 1];
 * reservoir.powerLawFit(sizes, { sMin: 1 }).alpha; // discrete maximum-likelihood exponent (Clauset et al. 2009)
 * ```
 */
export function powerLawFit(sizes: ArrayLike<number>, opts: PowerLawOptions = {}): PowerLawFit {
  for (const k of Object.keys(opts))
    if (!["sMin", "sMax"].includes(k))
      throw new RangeError(`powerLawFit: unknown option "${k}" (allowed: sMin, sMax)`);
  const sMin = checkInteger(opts.sMin ?? 1, "sMin", 1);
  const sMax = opts.sMax === undefined ? Infinity : checkInteger(opts.sMax, "sMax", sMin);
  let n = 0;
  let sumLog = 0;
  for (let k = 0; k < sizes.length; k++) {
    const s = sizes[k];
    checkInteger(s, `sizes[${k}]`, 0);
    if (s >= sMin && s <= sMax) {
      n++;
      sumLog += Math.log(s);
    }
  }
  if (n < 2)
    throw new RangeError(
      `powerLawFit: needs at least 2 sizes in [sMin, sMax] = [${sMin}, ${sMax}], got ${n}`,
    );
  const direct = sMax - sMin <= 1e4;
  const logZ = (a: number): number => {
    if (Number.isFinite(sMax) && direct) {
      let z = 0;
      for (let s = sMax; s >= sMin; s--) z += Math.pow(s, -a);
      return Math.log(z);
    }
    return Math.log(
      Number.isFinite(sMax)
        ? hurwitzZeta(a, sMin) - hurwitzZeta(a, sMax + 1)
        : hurwitzZeta(a, sMin),
    );
  };
  const ll = (a: number) => -a * sumLog - n * logZ(a);
  // The log-likelihood is concave in alpha (log Z is a log-partition function): golden section.
  let lo = Number.isFinite(sMax) && direct ? 0 : 1 + 1e-9;
  let hi = 20;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = ll(x1);
  let f2 = ll(x2);
  while (hi - lo > 1e-12) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = ll(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = ll(x1);
    }
  }
  const alpha = (lo + hi) / 2;
  const h = 1e-4;
  const d2 = (logZ(alpha + h) - 2 * logZ(alpha) + logZ(alpha - h)) / (h * h);
  return { alpha, standardError: 1 / Math.sqrt(n * d2), sMin, sMax, n, logLikelihood: ll(alpha) };
}
