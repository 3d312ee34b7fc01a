/**
 * Correlations between spike trains: cross-/auto-correlograms and pairwise spike-count
 * correlation coefficients.
 */
import { checkOptions } from "../core/validate.js";
import { checkInteger, checkNumber } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import {
  BIN_TOLERANCE,
  type Binning,
  type SpikeInput,
  binIndices,
  binOf,
  binnedMoments,
  checkSortedTimes,
  checkWindow,
  lowerBound,
  makeBinning,
  meanIgnoringNaN,
  upperBound,
  windowedTrains,
} from "./spikes.js";
import { describeValue } from "../core/describe.js";

/**
 * How a correlogram is scaled:
 * - `counts`: number of spike pairs per lag bin;
 * - `rate_Hz`: `counts / (n_A * binWidth_ms / 1000)`, the rate of B (Hz) conditioned on a
 *   spike of A at lag 0 (for independent trains ~ B's mean rate);
 * - `coefficient`: Elephant's `cross_correlation_coefficient`, the Pearson correlation of the
 *   binned count vectors at each lag, `(C(k) - n_A n_B / T) / sqrt((S_AA - n_A^2/T)(S_BB - n_B^2/T))`
 *   with `T` bins of the window, `S_XX = sum_k x(k)^2` (needs `tStart_ms`/`tStop_ms`; NaN if a
 *   train's binned counts are constant, e.g. empty).
 */
export type CorrelogramNormalization = "counts" | "rate_Hz" | "coefficient";

/** Options of {@link crossCorrelogram} and {@link autoCorrelogram}. */
export interface CorrelogramOptions {
  /** Lag bin width, ms (> 0). */
  binWidth_ms: number;
  /** Largest lag, ms (>= 0); lags are `k * binWidth_ms` for `|k| <= floor(maxLag_ms / binWidth_ms)`. */
  maxLag_ms: number;
  /** Scaling of the values; default `counts`. */
  normalization?: CorrelogramNormalization;
  /** Optional analysis window, ms: only spikes in `[tStart_ms, tStop_ms]` are used (required for `coefficient`). */
  tStart_ms?: number;
  tStop_ms?: number;
}

/** A correlogram: `values[k]` for the lag bin centred on `lags_ms[k]`, ms. */
export interface Correlogram {
  readonly lags_ms: Float64Array;
  readonly values: Float64Array;
  readonly normalization: CorrelogramNormalization;
  /** Spikes of the reference train A and of the target train B used. */
  readonly nA: number;
  readonly nB: number;
}

/**
 * Cross-correlogram of two sorted spike trains (ms), from exact spike-time differences:
 * `C(k) = #{(i, j) : round((tB_j - tA_i) / w) = k}`, `|k| <= K = floor(maxLag_ms / w)`, i.e.
 * lag bins centred on `k w` with half-width `w / 2`. Positive lag = B fires after A (Elephant's
 * sign convention). For spike times on a grid of step `w` (e.g. `w` = the simulation dt) this
 * equals Elephant's binned `cross_correlation_histogram` at window `[-K, K]`; Elephant reports the
 * left bin edges `(k - 1/2) w` as its time axis where we report centres. Population
 * correlograms: pass merged trains from {@link populationTimes_ms}. O(n_A + pairs within maxLag).
 *
 * @example
 * ```ts
 * import { crossCorrelogram } from "neurolab";
 * const a = new Float64Array([10, 50, 90]), b = new Float64Array([12, 52, 95]);
 * const cc = crossCorrelogram(a, b, { binWidth_ms: 1, maxLag_ms: 5 });
 * cc.lags_ms; // -5 ... 5 ms; cc.values counts B spikes at each lag after an A spike
 * ```
 */
export function crossCorrelogram(
  timesA_ms: Float64Array,
  timesB_ms: Float64Array,
  opts: CorrelogramOptions,
): Correlogram {
  return correlogram(timesA_ms, timesB_ms, opts, false);
}

/**
 * Auto-correlogram of a sorted spike train (ms): {@link crossCorrelogram} of the train with
 * itself without the trivial self-pairs (`i = j`) at lag 0, so `values` is symmetric and its
 * lag-0 bin counts only distinct spikes closer than `w / 2`. (Elephant's CCH of a train with
 * itself includes the self-pairs: add `n` to the lag-0 count to compare.)
 *
 * @example
 * ```ts
 * import { autoCorrelogram } from "neurolab";
 * const ac = autoCorrelogram(new Float64Array([0, 10, 20, 30]), { binWidth_ms: 5, maxLag_ms: 20 });
 * ac.values; // peaks at lags of +-10 and +-20 ms
 * ```
 */
export function autoCorrelogram(times_ms: Float64Array, opts: CorrelogramOptions): Correlogram {
  return correlogram(times_ms, times_ms, opts, true);
}

function correlogram(
  A: Float64Array,
  B: Float64Array,
  opts: CorrelogramOptions,
  auto: boolean,
): Correlogram {
  if (opts === undefined)
    throw new TypeError(
      "opts must be { binWidth_ms, maxLag_ms, normalization?, tStart_ms?, tStop_ms? }, got undefined",
    );
  checkOptions(
    opts,
    ["binWidth_ms", "maxLag_ms", "normalization", "tStart_ms", "tStop_ms"],
    "correlogram options",
  );
  const norm = opts.normalization ?? "counts";
  if (norm !== "counts" && norm !== "rate_Hz" && norm !== "coefficient") {
    throw new RangeError(
      `normalization must be one of "counts", "rate_Hz", "coefficient", got ${describeValue(norm)}`,
    );
  }
  const w = checkNumber(opts.binWidth_ms, "binWidth_ms", { min: 0, minExclusive: true });
  const maxLag = checkNumber(opts.maxLag_ms, "maxLag_ms", { min: 0 });
  checkSortedTimes(A, auto ? "times_ms" : "timesA_ms");
  if (!auto) checkSortedTimes(B, "timesB_ms");
  const windowed =
    opts.tStart_ms !== undefined || opts.tStop_ms !== undefined || norm === "coefficient";
  let a0 = 0;
  let a1 = A.length;
  let b0 = 0;
  let b1 = B.length;
  if (windowed) {
    checkWindow(opts.tStart_ms as number, opts.tStop_ms as number);
    const t0 = opts.tStart_ms as number;
    const t1 = opts.tStop_ms as number;
    a0 = lowerBound(A, t0, 0, A.length);
    a1 = upperBound(A, t1, a0, A.length);
    b0 = lowerBound(B, t0, 0, B.length);
    b1 = upperBound(B, t1, b0, B.length);
  }
  const K = Math.floor(maxLag / w + BIN_TOLERANCE);
  const counts = new Float64Array(2 * K + 1);
  const half = (K + 0.5) * w;
  let j0 = b0;
  for (let i = a0; i < a1; i++) {
    const ta = A[i];
    while (j0 < b1 && B[j0] < ta - half) j0++;
    for (let j = j0; j < b1; j++) {
      const d = B[j] - ta;
      if (d > half) break;
      const k = Math.floor(d / w + 0.5);
      if (k >= -K && k <= K && !(auto && i === j)) counts[k + K]++;
    }
  }
  const lags = new Float64Array(2 * K + 1);
  for (let k = -K; k <= K; k++) lags[k + K] = k * w;
  const nA = a1 - a0;
  const nB = b1 - b0;
  if (norm === "rate_Hz") {
    const s = nA > 0 ? 1000 / (nA * w) : NaN;
    for (let k = 0; k < counts.length; k++) counts[k] *= s;
  } else if (norm === "coefficient") {
    const b = makeBinning(opts.tStart_ms as number, opts.tStop_ms as number, w);
    const ma = trainBinMoments(A, a0, a1, b);
    const mb = auto ? ma : trainBinMoments(B, b0, b1, b);
    const T = b.nBins;
    const mean = (ma.s1 * mb.s1) / T;
    const sd = Math.sqrt((ma.s2 - (ma.s1 * ma.s1) / T) * (mb.s2 - (mb.s1 * mb.s1) / T));
    for (let k = 0; k < counts.length; k++) counts[k] = sd > 0 ? (counts[k] - mean) / sd : NaN;
  }
  return { lags_ms: lags, values: counts, normalization: norm, nA, nB };
}

/** Sum and sum of squares of the binned counts of one train's spikes `t[a..b)`. */
function trainBinMoments(
  t: Float64Array,
  a: number,
  b: number,
  bins: Binning,
): { s1: number; s2: number } {
  let s1 = 0;
  let s2 = 0;
  let k = a;
  while (k < b) {
    const bin = binOf(bins, t[k]);
    let c = 0;
    while (k < b && binOf(bins, t[k]) === bin) {
      k++;
      c++;
    }
    if (bin >= 0) {
      s1 += c;
      s2 += c * c;
    }
  }
  return { s1, s2 };
}

/** Result of {@link pairwiseSpikeCountCorrelation}. */
export interface PairwiseCorrelation {
  /** Mean of the defined coefficients (pairs with a silent/constant neuron are NaN and skipped). */
  readonly mean: number;
  /** Number of pairs with a defined coefficient. */
  readonly nValid: number;
  /** Coefficient of each pair (NaN where undefined). */
  readonly r: Float64Array;
  /** The pairs, flattened: pair `p` is `(pairs[2p], pairs[2p + 1])` with `pairs[2p] < pairs[2p + 1]`. */
  readonly pairs: Int32Array;
}

/**
 * Pearson correlation of the binned spike counts of neuron pairs (Elephant
 * `correlation_coefficient(BinnedSpikeTrain(bin_size = binWidth_ms))`):
 * `r_ij = (T S_ij - S_i S_j) / sqrt((T S_ii - S_i^2)(T S_jj - S_j^2))` over the `T = floor(D / w)`
 * bins, `S_i = sum_k x_i(k)`, `S_ij = sum_k x_i(k) x_j(k)`. Pairs: `pairs` if given, else all
 * pairs if there are at most `nPairs` (default 1000), else `nPairs` distinct pairs drawn
 * uniformly with `new Rng(seed)` (default seed 0). Silent neurons give NaN, skipped by `mean`.
 * O(spikes + sum over pairs of their spike counts); no dense count matrix.
 *
 * @example
 * ```ts
 * import { pairwiseSpikeCountCorrelation } from "neurolab";
 * const spikes = { times_ms: new Float64Array([5, 6, 55, 56, 80]), neurons: new Int32Array([0, 1, 0, 1, 2]),
 *   nNeurons: 3, tStart_ms: 0, tStop_ms: 100 };
 * pairwiseSpikeCountCorrelation(spikes, { binWidth_ms: 20 }).mean;
 * ```
 */
export function pairwiseSpikeCountCorrelation(
  spikes: SpikeInput,
  opts: { binWidth_ms: number; nPairs?: number; seed?: number; pairs?: ArrayLike<number> },
): PairwiseCorrelation {
  const t = windowedTrains(spikes);
  const b = makeBinning(
    t.tStart_ms,
    t.tStop_ms,
    checkOptions(opts, ["binWidth_ms", "nPairs", "seed", "pairs"], "options").binWidth_ms,
  );
  const N = t.nNeurons;
  checkInteger(N, "nNeurons", 2, 0x7fffffff);
  const pairs = choosePairs(N, opts);
  const bins = binIndices(t, b);
  const { s1, s2 } = binnedMoments(t, bins);
  const T = b.nBins;
  const off = t.offsets;
  const nP = pairs.length >> 1;
  const r = new Float64Array(nP);
  for (let p = 0; p < nP; p++) {
    const i = pairs[2 * p];
    const j = pairs[2 * p + 1];
    const sij = binnedDot(bins, off[i], off[i + 1], off[j], off[j + 1]);
    const den = (T * s2[i] - s1[i] * s1[i]) * (T * s2[j] - s1[j] * s1[j]);
    r[p] = den > 0 ? (T * sij - s1[i] * s1[j]) / Math.sqrt(den) : NaN;
  }
  let nValid = 0;
  for (let p = 0; p < nP; p++) if (r[p] === r[p]) nValid++;
  return { mean: meanIgnoringNaN(r), nValid, r, pairs };
}

function choosePairs(
  N: number,
  opts: { nPairs?: number; seed?: number; pairs?: ArrayLike<number> },
): Int32Array {
  if (opts.pairs !== undefined) {
    const given = opts.pairs;
    if (given.length % 2 !== 0)
      throw new RangeError(
        `pairs.length must be even (flattened [i0, j0, i1, j1, ...]), got ${given.length}`,
      );
    const out = new Int32Array(given.length);
    for (let k = 0; k < given.length; k += 2) {
      const i = checkInteger(given[k], `pairs[${k}]`, 0, N - 1);
      const j = checkInteger(given[k + 1], `pairs[${k + 1}]`, 0, N - 1);
      if (i === j)
        throw new RangeError(`pairs[${k + 1}] must differ from pairs[${k}] = ${i}, got ${j}`);
      out[k] = Math.min(i, j);
      out[k + 1] = Math.max(i, j);
    }
    return out;
  }
  const nPairs = checkInteger(opts.nPairs ?? 1000, "nPairs", 1);
  const seed = checkInteger(opts.seed ?? 0, "seed", 0, 0xffffffff);
  const total = (N * (N - 1)) / 2;
  if (total <= nPairs) {
    const out = new Int32Array(2 * total);
    let p = 0;
    for (let i = 0; i < N; i++)
      for (let j = i + 1; j < N; j++) {
        out[p++] = i;
        out[p++] = j;
      }
    return out;
  }
  const rng = new Rng(seed);
  const seen = new Set<number>();
  const out = new Int32Array(2 * nPairs);
  let p = 0;
  while (p < nPairs) {
    const x = rng.int(N);
    let y = rng.int(N - 1);
    if (y >= x) y++;
    const i = Math.min(x, y);
    const j = Math.max(x, y);
    const key = i * N + j;
    if (seen.has(key)) continue;
    seen.add(key);
    out[2 * p] = i;
    out[2 * p + 1] = j;
    p++;
  }
  return out;
}

/** `sum_k x_i(k) x_j(k)` from two runs of non-decreasing bin indices (trailing -1 = dropped spikes). */
function binnedDot(bins: Int32Array, p: number, pe: number, q: number, qe: number): number {
  let s = 0;
  while (p < pe && q < qe) {
    const bp = bins[p];
    const bq = bins[q];
    if (bp < 0 || bq < 0) break;
    if (bp < bq) p++;
    else if (bp > bq) q++;
    else {
      let cp = 0;
      let cq = 0;
      while (p < pe && bins[p] === bp) {
        p++;
        cp++;
      }
      while (q < qe && bins[q] === bq) {
        q++;
        cq++;
      }
      s += cp * cq;
    }
  }
  return s;
}
