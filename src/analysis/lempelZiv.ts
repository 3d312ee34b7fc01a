/**
 * Lempel-Ziv complexity (LZ76) of symbol sequences and spike trains, and a classifier on
 * per-neuron LZC features.
 *
 * Definition (Lempel & Ziv 1976, IEEE Trans Inf Theory 22:75): the sequence is parsed from the
 * left into components; each new component is the shortest word that cannot be copied from the
 * part of the sequence before its last symbol (the "exhaustive history"). The complexity `c(n)`
 * is the number of components, the last one counted even when it is a copy. Example from the
 * paper: `0001101001000101` = `0 · 001 · 10 · 100 · 1000 · 101`, c = 6.
 *
 * Algorithm: Kaspar & Schuster 1987 (Phys Rev A 36:842), one pass with pointers; each component
 * scans the history, so O(n^2 / log n) for a random sequence (20,000 random bits: ~0.25 s).
 * Normalisation: for an alphabet of `k` symbols, `C = c(n) / (n / log_k n)`, which tends to the
 * entropy rate (bits, k = 2), so to 1 for an i.i.d. uniform sequence as n grows (Lempel & Ziv's
 * upper bound; Kaspar & Schuster eq. 3). Values above 1 occur at finite n.
 *
 * The classifier follows the idea of Rudnicka, Szczepanski & Pregowska 2025 (arXiv 2508.11674,
 * the probabilistic meta-neuron paper, "SNN-LZC"): the normalised LZC of each neuron's binned
 * spike train is the feature vector of a trial (LZC estimates the entropy rate of a spike train,
 * Amigó et al. 2004); see {@link fitLzcClassifier} for exactly which decision rule is used here.
 */
import { checkInteger, checkNumber } from "../core/checks.js";
import { type SpikeInput, binIndices, makeBinning, windowedTrains } from "./spikes.js";

/**
 * LZ76 complexity `c(n)` (number of components of the exhaustive-history parsing) of a sequence
 * of symbols, by the Kaspar-Schuster algorithm. Symbols are compared for equality only (any
 * integers; e.g. 0/1 spike bins). `c = 0` for an empty sequence, 1 for a single symbol.
 *
 * @example
 * ```ts
 * import { lempelZivComplexity } from "neurolab";
 * lempelZivComplexity([0, 0, 0, 0, 0, 0]); // 2 phrases: 0 | 00000
 * lempelZivComplexity([0, 1, 1, 0, 1, 0, 0, 1]);
 * ```
 */
export function lempelZivComplexity(sequence: ArrayLike<number>): number {
  const n = sequence.length;
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(sequence[j]))
      throw new RangeError(`sequence[${j}] must be a finite number (a symbol), got ${sequence[j]}`);
  }
  if (n <= 1) return n;
  const s = sequence;
  let c = 1; // the first symbol is the first component
  let l = 1; // start of the component being built
  let i = 0; // start of the candidate copy in the history
  let k = 1; // length of the current match
  let kMax = 1; // longest match found for this component
  for (;;) {
    if (s[i + k - 1] === s[l + k - 1]) {
      k++;
      if (l + k > n) {
        c++; // the sequence ends inside a copy: the last component is counted
        break;
      }
    } else {
      if (k > kMax) kMax = k;
      i++;
      if (i === l) {
        // no position of the history extends further: a new component of length kMax ends here
        c++;
        l += kMax;
        if (l + 1 > n) break;
        i = 0;
        k = 1;
        kMax = 1;
      } else {
        k = 1;
      }
    }
  }
  return c;
}

/**
 * Normalised LZ76 complexity `c(n) / (n / log_k n)` (k = `alphabetSize`, default 2 for spike
 * bins). Dimensionless; near 1 for a long i.i.d. uniform sequence, near 0 for a periodic one.
 * Needs n >= 2 (the normaliser is 0 for n = 1).
 *
 * @example
 * ```ts
 * import { normalizedLempelZiv } from "neurolab";
 * normalizedLempelZiv([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0]); // c / (n / log2 n): tends to 1 for long random sequences
 * ```
 */
export function normalizedLempelZiv(sequence: ArrayLike<number>, alphabetSize = 2): number {
  checkInteger(alphabetSize, "alphabetSize", 2);
  const n = sequence.length;
  checkInteger(n, "sequence.length", 2);
  for (let j = 0; j < n; j++) {
    const v = sequence[j];
    if (!(Number.isInteger(v) && v >= 0 && v < alphabetSize)) {
      throw new RangeError(
        `sequence[${j}] must be an integer symbol in [0, ${alphabetSize - 1}] (alphabetSize ${alphabetSize}), got ${v}`,
      );
    }
  }
  return lempelZivComplexity(sequence) / (n / (Math.log(n) / Math.log(alphabetSize)));
}

/**
 * Each neuron's spike train as a binary sequence: bin `b` is 1 when the neuron spiked at least
 * once in `[tStart + b w, tStart + (b+1) w)` (the analysis module's binning convention, see
 * README). Returns one `Uint8Array` of `floor(D / w)` bins per neuron.
 *
 * @example
 * ```ts
 * import { binarySpikeSequences } from "neurolab";
 * const spikes = { times_ms: new Float64Array([1, 7]), neurons: new Int32Array([0, 1]), nNeurons: 2, tStart_ms: 0, tStop_ms: 10 };
 * binarySpikeSequences(spikes, 2); // one Uint8Array of 5 bins per neuron
 * ```
 */
export function binarySpikeSequences(spikes: SpikeInput, binWidth_ms: number): Uint8Array[] {
  const t = windowedTrains(spikes);
  const b = makeBinning(t.tStart_ms, t.tStop_ms, binWidth_ms);
  const bins = binIndices(t, b);
  const out: Uint8Array[] = [];
  for (let i = 0; i < t.nNeurons; i++) {
    const seq = new Uint8Array(b.nBins);
    for (let k = t.offsets[i]; k < t.offsets[i + 1]; k++) if (bins[k] >= 0) seq[bins[k]] = 1;
    out.push(seq);
  }
  return out;
}

/**
 * Per-neuron normalised LZC of binary spike sequences (binWidth_ms bins, see
 * {@link binarySpikeSequences}): the feature vector of one trial, length `nNeurons`.
 *
 * @example
 * ```ts
 * import { lzcFeatures } from "neurolab";
 * const spikes = { times_ms: new Float64Array([1, 3, 7]), neurons: new Int32Array([0, 0, 1]), nNeurons: 2, tStart_ms: 0, tStop_ms: 10 };
 * lzcFeatures(spikes, 1); // one normalised LZ complexity per neuron
 * ```
 */
export function lzcFeatures(spikes: SpikeInput, binWidth_ms: number): Float64Array {
  const seqs = binarySpikeSequences(spikes, binWidth_ms);
  const f = new Float64Array(seqs.length);
  for (let i = 0; i < seqs.length; i++) f[i] = normalizedLempelZiv(seqs[i], 2);
  return f;
}

/** A fitted LZC-feature classifier (plain data; see {@link fitLzcClassifier}). */
export interface LzcClassifier {
  /** Class labels, in the order of `means`. */
  readonly classes: readonly number[];
  /** Per-class mean feature vector, `classes.length` x `nFeatures`, row-major. */
  readonly means: Float64Array;
  /** Per-feature pooled within-class standard deviation (floored at `minSd`). */
  readonly sd: Float64Array;
  /** Number of features (neurons). */
  readonly nFeatures: number;
}

/**
 * Fits a nearest-class-mean classifier on LZC feature vectors (one row per trial, e.g. from
 * {@link lzcFeatures}): the class means and a pooled within-class standard deviation per
 * feature. A trial is assigned to the class whose mean is nearest in the standardised
 * Euclidean distance `sum_j ((x_j - mu_cj) / sd_j)^2` (a Gaussian naive-Bayes rule with shared
 * variances and equal priors). The paper pairs an SNN with "an LZC-based decision rule" on its
 * output spike trains; only its abstract was available here, so this documented rule is ours:
 * the simplest classifier on the same features (feed it the LZC of the SNN's output neurons).
 * `minSd` (default 1e-6) keeps constant features from dividing by zero.
 *
 * @example
 * ```ts
 * import { fitLzcClassifier, predictLzcClassifier } from "neurolab";
 * const features = [[0.2, 0.9], [0.25, 0.8], [0.8, 0.1], [0.9, 0.2]];
 * const model = fitLzcClassifier(features, [0, 0, 1, 1]);
 * predictLzcClassifier(model, [[0.22, 0.85]]); // Int32Array [0]
 * ```
 */
export function fitLzcClassifier(
  features: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  opts: { minSd?: number } = {},
): LzcClassifier {
  const minSd = checkNumber(opts.minSd ?? 1e-6, "minSd", { min: 0, minExclusive: true });
  const nTrials = features.length;
  checkInteger(nTrials, "features.length", 2);
  if (labels.length !== nTrials)
    throw new RangeError(
      `labels.length must equal features.length = ${nTrials}, got ${labels.length}`,
    );
  const nFeatures = features[0].length;
  checkInteger(nFeatures, "features[0].length", 1);
  const classes = [
    ...new Set(Array.from(labels, (v, i) => checkInteger(v, `labels[${i}]`, 0))),
  ].sort((a, b) => a - b);
  const index = new Map(classes.map((c, j) => [c, j]));
  const means = new Float64Array(classes.length * nFeatures);
  const counts = new Float64Array(classes.length);
  for (let t = 0; t < nTrials; t++) {
    const row = features[t];
    if (row.length !== nFeatures)
      throw new RangeError(`features[${t}].length must be ${nFeatures}, got ${row.length}`);
    const c = index.get(labels[t])!;
    counts[c]++;
    for (let j = 0; j < nFeatures; j++) {
      const v = row[j];
      if (!Number.isFinite(v))
        throw new RangeError(`features[${t}][${j}] must be a finite number, got ${v}`);
      means[c * nFeatures + j] += v;
    }
  }
  for (let c = 0; c < classes.length; c++)
    for (let j = 0; j < nFeatures; j++) means[c * nFeatures + j] /= counts[c];
  const sd = new Float64Array(nFeatures);
  for (let t = 0; t < nTrials; t++) {
    const c = index.get(labels[t])!;
    for (let j = 0; j < nFeatures; j++) {
      const d = features[t][j] - means[c * nFeatures + j];
      sd[j] += d * d;
    }
  }
  const dof = Math.max(nTrials - classes.length, 1);
  for (let j = 0; j < nFeatures; j++) sd[j] = Math.max(Math.sqrt(sd[j] / dof), minSd);
  return { classes, means, sd, nFeatures };
}

/**
 * Predicted class of each feature vector under a fitted {@link LzcClassifier}.
 *
 * @example
 * ```ts
 * import { fitLzcClassifier, predictLzcClassifier } from "neurolab";
 * const model = fitLzcClassifier([[0.1], [0.2], [0.9], [1.0]], [3, 3, 7, 7]);
 * predictLzcClassifier(model, [[0.15], [0.95]]); // Int32Array [3, 7]
 * ```
 */
export function predictLzcClassifier(
  model: LzcClassifier,
  features: readonly ArrayLike<number>[],
): Int32Array {
  const { classes, means, sd, nFeatures } = model;
  const out = new Int32Array(features.length);
  for (let t = 0; t < features.length; t++) {
    const row = features[t];
    if (row.length !== nFeatures)
      throw new RangeError(`features[${t}].length must be ${nFeatures}, got ${row.length}`);
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < classes.length; c++) {
      let d = 0;
      for (let j = 0; j < nFeatures; j++) {
        const z = (row[j] - means[c * nFeatures + j]) / sd[j];
        d += z * z;
      }
      if (!Number.isFinite(d)) throw new RangeError(`features[${t}] must hold finite numbers`);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    out[t] = classes[best];
  }
  return out;
}
