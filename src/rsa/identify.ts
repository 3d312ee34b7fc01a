/**
 * The central analysis of topological RSA (Lin & Kriegeskorte, PNAS 2024, "The topology and
 * geometry of neural representations"): which layer (brain region) produced a held-out
 * representation? Every RDM is labelled by its layer and by the instance (network seed, subject)
 * it comes from; leave-one-instance-out nearest-centroid classification (euclidean distance between
 * RDM vectors, as scikit-learn's `NearestCentroid` in the authors' `loo_eval`) gives an accuracy,
 * bootstrapped over instances and stimuli, after Gaussian noise of standard deviation x sd(RDMs) is
 * added to the RDMs and clipped at 0 (the authors' noisy-network datasets), for the RDM itself and
 * tRSA transforms side by side (RGTM regions averaged over random (l, u) draws, geodesic RDMs).
 */
import { checkInteger, checkNonNegative } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import { geodesicTransform, TRSA_GEODESIC_DEFAULT } from "./geodesic.js";
import { crossRows } from "./linalg.js";
import { checkRdms, nPairs, rdmsFromVectors, type Rdms } from "./rdms.js";
import { checkOptionsObject } from "../core/validate.js";
import { RGTM_REGIONS, sampleRgtmThresholds, type GtThresholds, type RgtmRegion } from "./rgtm.js";
import {
  geotopologicalFromNormalised,
  rankNormalise,
  sortedFinite,
} from "../schema/geotopology.js";
import { describeValue } from "../core/describe.js";

/**
 * A transform compared by {@link identifyLayers}: "rdm" (the RDMs as they are), "geodesic" (the
 * paper's GT-then-geodesic default, `TRSA_GEODESIC_DEFAULT`), an RGTM region (averaged over
 * `draws` random (l, u) draws; with `geodesic: true` each draw is followed by the geodesic step, the
 * authors' `two_step`), or any function of an RDM set.
 */
export type IdentificationTransform =
  | "rdm"
  | "geodesic"
  | RgtmRegion
  | { region: RgtmRegion; geodesic?: boolean }
  | ((rdms: Rdms) => Rdms);

/** Options of {@link identifyLayers}. */
export interface IdentificationOptions {
  /** RDM descriptor holding the class to identify (layer, region). Default "layer". */
  label?: string;
  /** RDM descriptor holding the instance (network, subject) held out together. Default "instance". */
  instance?: string;
  /** Transforms compared side by side. Default: "rdm" and the five RGTM regions. */
  transforms?: Record<string, IdentificationTransform>;
  /** Noise levels x (>= 0): noise sd = x sd(all dissimilarities). Default [0]. */
  noiseLevels?: readonly number[];
  /** Bootstrap samples over instances and stimuli (default 100; 0 for none). */
  nBootstrap?: number;
  /** Bootstrap unit: "instance" (default: instances with replacement, each with all its RDMs) or "rdm" (single RDMs, as the authors' code). */
  bootstrapUnit?: "instance" | "rdm";
  /** Random (l, u) draws per RGTM region (default 10, the authors' number). */
  draws?: number;
  /**
   * Given bootstrap samples instead of drawing `nBootstrap`: RDM row indices (with repeats; each
   * row is held out with its instance) and stimulus (condition) indices (with repeats).
   */
  samples?: readonly { rows: readonly number[]; stimuli: readonly number[] }[];
  seed?: number;
}

/** Result of {@link identifyLayers}; arrays indexed [transform][noise level]. */
export interface IdentificationResult {
  transforms: string[];
  noiseLevels: number[];
  /** The classes (sorted distinct label values); confusion rows and columns follow this order. */
  labels: (string | number)[];
  /** 1 / number of classes. */
  chance: number;
  /** Accuracy on the (noisy) data, averaged over the region draws. */
  accuracy: number[][];
  /** Accuracy of each region draw (one entry for a fixed transform). */
  drawAccuracies: number[][][];
  /** The (l, u) of each draw per transform (empty for fixed transforms). */
  thresholds: GtThresholds[][];
  /** Summed confusion counts over draws: confusion[t][x][true][predicted]. */
  confusion: number[][][][];
  /** Bootstrap accuracies (each averaged over draws): bootstrap[t][x][sample]. */
  bootstrap: Float64Array[][];
  /** Standard deviation of the bootstrap accuracies (ddof 0, the authors' `ustd`); NaN without bootstrap. */
  sd: number[][];
}

/** Labels of an RDM descriptor, checked. */
function descriptor(rdms: Rdms, name: string, what: string): readonly (string | number)[] {
  const col = rdms.rdmDescriptors[name];
  if (!col)
    throw new RangeError(
      `${what} must name an RDM descriptor (${Object.keys(rdms.rdmDescriptors).join(", ")}), got ${describeValue(name)}`,
    );
  return col as readonly (string | number)[];
}

function sortedDistinct(values: readonly (string | number)[]): (string | number)[] {
  return [...new Set(values)].sort((a, b) =>
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}

/**
 * Gaussian noise of standard deviation `level` x sd(all non-NaN dissimilarities of the set, ddof 0)
 * added to every dissimilarity, negatives clipped to 0 (the authors' `cnn62_g` datasets). Seeded.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.makeRdms([[1, 2, 3]]);
 * rsa.addRdmNoise(rdms, 0.5, 7); // + Gaussian noise of 0.5 x sd(RDMs), clipped at 0; seeded
 * ```
 */
export function addRdmNoise(rdms: Rdms, level: number, seed = 0): Rdms {
  checkRdms(rdms);
  checkNonNegative(level, "level");
  const v = rdms.dissimilarities;
  let n = 0;
  let s = 0;
  for (const x of v)
    if (!Number.isNaN(x)) {
      s += x;
      n++;
    }
  const m = s / n;
  let ss = 0;
  for (const x of v) if (!Number.isNaN(x)) ss += (x - m) ** 2;
  const sd = level * Math.sqrt(ss / n);
  const rng = new Rng(seed);
  const out = Float64Array.from(v, (x) => {
    if (Number.isNaN(x)) return NaN;
    const y = x + sd * rng.normal();
    return y < 0 ? 0 : y;
  });
  return rdmsFromVectors(out, rdms.nConditions, {
    measure: rdms.measure,
    patternDescriptors: rdms.patternDescriptors as Record<string, (string | number)[]>,
    rdmDescriptors: rdms.rdmDescriptors as Record<string, (string | number)[]>,
  });
}

/**
 * Leave-one-instance-out nearest-centroid accuracy (the authors' `loo_eval`): for each instance,
 * the centroid of every class is the mean RDM vector of the other instances' RDMs of that class,
 * and each held-out RDM is assigned the class of the nearest centroid (euclidean; ties to the first
 * class in sorted order, as scikit-learn). Pairs that are NaN in any RDM are left out.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.makeRdms([[1, 2, 3], [1.1, 2, 3], [3, 2, 1], [3, 2.1, 1]],
 *   { rdmDescriptors: { layer: ["conv", "conv", "fc", "fc"], instance: [0, 1, 0, 1] } });
 * rsa.identificationAccuracy(rdms, { label: "layer", instance: "instance" }).accuracy; // 1
 * ```
 */
export function identificationAccuracy(
  rdms: Rdms,
  opts: { label?: string; instance?: string } = {},
): { accuracy: number; labels: (string | number)[]; confusion: number[][] } {
  checkRdms(rdms);
  opts = checkOptionsObject(opts, "identificationAccuracy options");
  const labelCol = descriptor(rdms, opts.label ?? "layer", "label");
  const instCol = descriptor(rdms, opts.instance ?? "instance", "instance");
  const labels = sortedDistinct(labelCol);
  const instances = sortedDistinct(instCol);
  if (instances.length < 2)
    throw new RangeError(`identification needs at least 2 instances, got ${instances.length}`);
  const cls = Int32Array.from(labelCol, (l) => labels.indexOf(l));
  const grp = Int32Array.from(instCol, (g) => instances.indexOf(g));
  const p = nPairs(rdms.nConditions);
  const cols = completeColumns(rdms.dissimilarities, rdms.nRdm, p);
  const r = looNearestCentroid(
    gatherRows(rdms.dissimilarities, rdms.nRdm, p, cols),
    cols.length,
    cls,
    labels.length,
    grp,
    instances.length,
  );
  return { accuracy: r.correct / rdms.nRdm, labels, confusion: r.confusion };
}

/** Indices of the pairs that are finite in every RDM. */
function completeColumns(v: Float64Array, nRdm: number, p: number): Int32Array {
  const cols: number[] = [];
  for (let k = 0; k < p; k++) {
    let ok = true;
    for (let r = 0; r < nRdm && ok; r++) ok = !Number.isNaN(v[r * p + k]);
    if (ok) cols.push(k);
  }
  return Int32Array.from(cols);
}

function gatherRows(
  v: Float64Array,
  nRdm: number,
  p: number,
  cols: Int32Array,
  rows?: ArrayLike<number>,
): Float64Array {
  const count = rows ? rows.length : nRdm;
  const q = cols.length;
  const out = new Float64Array(count * q);
  for (let a = 0; a < count; a++) {
    const base = (rows ? rows[a] : a) * p;
    for (let k = 0; k < q; k++) out[a * q + k] = v[base + cols[k]];
  }
  return out;
}

/**
 * Leave-one-group-out nearest-centroid classification of row vectors (q columns). Squared
 * distances as scikit-learn's `euclidean_distances`, ||x||² - 2 x·c + ||c||², the inner products by
 * the blocked (SIMD) `crossRows` kernel.
 */
function looNearestCentroid(
  x: Float64Array,
  q: number,
  cls: Int32Array,
  nClass: number,
  grp: Int32Array,
  nGroup: number,
): { correct: number; confusion: number[][] } {
  const n = cls.length;
  const sums = new Float64Array(nClass * q);
  const counts = new Float64Array(nClass);
  for (let a = 0; a < n; a++) {
    counts[cls[a]]++;
    const xo = a * q;
    const so = cls[a] * q;
    for (let k = 0; k < q; k++) sums[so + k] += x[xo + k];
  }
  const members = Array.from({ length: nGroup }, () => [] as number[]);
  for (let a = 0; a < n; a++) members[grp[a]].push(a);
  const confusion = Array.from({ length: nClass }, () => new Array<number>(nClass).fill(0));
  let correct = 0;
  const centroid = new Float64Array(nClass * q);
  const centroidNorm = new Float64Array(nClass);
  const held = new Float64Array(nClass);
  for (let g = 0; g < nGroup; g++) {
    const test = members[g];
    if (test.length === 0) continue;
    centroid.set(sums);
    held.fill(0);
    const t = new Float64Array(test.length * q);
    test.forEach((a, i) => {
      held[cls[a]]++;
      const xo = a * q;
      const co = cls[a] * q;
      for (let k = 0; k < q; k++) centroid[co + k] -= x[xo + k];
      t.set(x.subarray(xo, xo + q), i * q);
    });
    for (let c = 0; c < nClass; c++) {
      const m = counts[c] - held[c];
      const co = c * q;
      let norm = 0;
      for (let k = 0; k < q; k++) {
        const v = m > 0 ? centroid[co + k] / m : 0;
        centroid[co + k] = v;
        norm += v * v;
      }
      centroidNorm[c] = norm;
    }
    const dots = crossRows(t, test.length, centroid, nClass, q);
    test.forEach((a, i) => {
      const to = i * q;
      let xx = 0;
      for (let k = 0; k < q; k++) xx += t[to + k] * t[to + k];
      let best = -1;
      let bestD = Infinity;
      for (let c = 0; c < nClass; c++) {
        if (counts[c] - held[c] <= 0) continue; // class absent from the training instances
        const d = xx - 2 * dots[i * nClass + c] + centroidNorm[c];
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (best < 0) return;
      confusion[cls[a]][best]++;
      if (best === cls[a]) correct++;
    });
  }
  return { correct, confusion };
}

/** One bootstrap sample: RDM rows (with repeats), their instance groups, and the stimulus pairs kept. */
interface IdentificationSample {
  rows: Int32Array;
  groups: Int32Array;
  /** Condensed indices of the pairs of distinct resampled stimuli (a stimulus with its own copy is dropped). */
  pairs: Int32Array;
}

function drawSamples(
  n: number,
  rdms: Rdms,
  grp: Int32Array,
  nGroup: number,
  unit: "instance" | "rdm",
  rng: Rng,
): IdentificationSample[] {
  const nc = rdms.nConditions;
  const byGroup = Array.from({ length: nGroup }, () => [] as number[]);
  grp.forEach((g, r) => byGroup[g].push(r));
  const samples: IdentificationSample[] = [];
  for (let s = 0; s < n; s++) {
    const rows: number[] = [];
    const groups: number[] = [];
    if (unit === "instance") {
      for (let k = 0; k < nGroup; k++) {
        const g = rng.int(nGroup);
        for (const r of byGroup[g]) {
          rows.push(r);
          groups.push(g);
        }
      }
    } else {
      for (let k = 0; k < rdms.nRdm; k++) {
        const r = rng.int(rdms.nRdm);
        rows.push(r);
        groups.push(grp[r]);
      }
    }
    const stimuli = Array.from({ length: nc }, () => rng.int(nc));
    samples.push({
      rows: Int32Array.from(rows),
      groups: Int32Array.from(groups),
      pairs: stimulusPairs(stimuli, nc),
    });
  }
  return samples;
}

/** Condensed indices of the pairs of resampled stimuli, a stimulus with its own copy left out. */
function stimulusPairs(stimuli: readonly number[], nc: number): Int32Array {
  const pairs: number[] = [];
  for (let a = 0; a < stimuli.length; a++) {
    for (let b = a + 1; b < stimuli.length; b++) {
      const i = stimuli[a];
      const j = stimuli[b];
      if (i !== j)
        pairs.push(
          i < j ? nc * i - (i * (i + 1)) / 2 + j - i - 1 : nc * j - (j * (j + 1)) / 2 + i - j - 1,
        );
    }
  }
  return Int32Array.from(pairs);
}

function givenSamples(
  given: NonNullable<IdentificationOptions["samples"]>,
  rdms: Rdms,
  grp: Int32Array,
): IdentificationSample[] {
  return given.map((g, s) => {
    const rows = Int32Array.from(g.rows, (r, k) =>
      checkInteger(r, `samples[${s}].rows[${k}]`, 0, rdms.nRdm - 1),
    );
    const stimuli = Array.from(g.stimuli, (c, k) =>
      checkInteger(c, `samples[${s}].stimuli[${k}]`, 0, rdms.nConditions - 1),
    );
    return {
      rows,
      groups: Int32Array.from(rows, (r) => grp[r]),
      pairs: stimulusPairs(stimuli, rdms.nConditions),
    };
  });
}

const DEFAULT_TRANSFORMS: Record<string, IdentificationTransform> = Object.freeze({
  rdm: "rdm",
  topologySensitive: "topologySensitive",
  geometrySensitive: "geometrySensitive",
  local: "local",
  global: "global",
  intermediate: "intermediate",
});

/** The transformed RDM sets of one transform: one per draw, with the draws' thresholds. */
function realise(
  spec: IdentificationTransform,
  name: string,
  rdms: Rdms,
  draws: number,
  seed: number,
): { sets: Rdms[]; thresholds: GtThresholds[] } {
  if (typeof spec === "function") return { sets: [spec(rdms)], thresholds: [] };
  if (spec === "rdm") return { sets: [rdms], thresholds: [] };
  if (spec === "geodesic")
    return { sets: [geodesicTransform(rdms, TRSA_GEODESIC_DEFAULT)], thresholds: [] };
  const region = typeof spec === "string" ? spec : spec.region;
  const geodesic = typeof spec === "object" && spec.geodesic === true;
  if (!RGTM_REGIONS.includes(region))
    throw new RangeError(
      `transforms.${name} must be "rdm", "geodesic", an RGTM region (${RGTM_REGIONS.join(", ")}), {region, geodesic} or a function, got ${describeValue(spec)}`,
    );
  const thresholds = sampleRgtmThresholds(region, { n: draws, seed });
  if (geodesic)
    return {
      sets: thresholds.map((t) => geodesicTransform(rdms, { rule: "twoStep", ...t })),
      thresholds,
    };
  // GT_{l,u} = a threshold map of the rank-normalised RDM: rank and sort each RDM once for all draws
  // (the same numbers as rsa.geotopologicalTransform).
  const p = nPairs(rdms.nConditions);
  const normalised = Array.from({ length: rdms.nRdm }, (_, r) =>
    rankNormalise(rdms.dissimilarities.subarray(r * p, (r + 1) * p)),
  );
  const sorted = normalised.map(sortedFinite);
  const sets = thresholds.map((t) => {
    const out = new Float64Array(rdms.dissimilarities.length);
    normalised.forEach((v, r) =>
      out.set(geotopologicalFromNormalised(v, t.lower, t.upper, sorted[r]), r * p),
    );
    return rdmsFromVectors(out, rdms.nConditions, {
      measure: `geo-topological transformed ${rdms.measure}`.trim(),
    });
  });
  return { sets, thresholds };
}

/**
 * Which layer produced a held-out representation? For every noise level x, noise of sd x sd(RDMs)
 * is added (clipped at 0; seeded), every transform is applied (RGTM regions: `draws` seeded random
 * (l, u) draws, accuracies averaged), and the leave-one-instance-out nearest-centroid accuracy is
 * computed on the data and on `nBootstrap` bootstrap samples over instances (or single RDMs) and
 * stimuli, the same samples for every transform and level (the authors' shared `boots_seq`).
 * Transforms are applied to the whole RDMs before the stimuli are resampled, as in the authors'
 * code. `rdms` needs RDM descriptors for the label (default "layer") and the instance (default
 * "instance").
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.makeRdms([[1, 2, 3, 4, 5, 6], [1.2, 2, 3, 4, 5, 6.1], [6, 5, 4, 3, 2, 1], [6, 5.2, 4, 3, 2, 1]],
 *   { rdmDescriptors: { layer: ["conv", "conv", "fc", "fc"], instance: [0, 1, 0, 1] } });
 * const result = rsa.identifyLayers(rdms, { noiseLevels: [0, 1], nBootstrap: 20, seed: 1 });
 * result.accuracy; // one row per transform ("rdm", "geodesic", ...), one column per noise level
 * ```
 */
export function identifyLayers(rdms: Rdms, opts: IdentificationOptions = {}): IdentificationResult {
  checkRdms(rdms);
  opts = checkOptionsObject(opts, "identifyLayers options");
  const labelName = opts.label ?? "layer";
  const instName = opts.instance ?? "instance";
  const labelCol = descriptor(rdms, labelName, "label");
  const instCol = descriptor(rdms, instName, "instance");
  const labels = sortedDistinct(labelCol);
  const instances = sortedDistinct(instCol);
  if (instances.length < 2)
    throw new RangeError(`identification needs at least 2 instances, got ${instances.length}`);
  if (labels.length < 2)
    throw new RangeError(`identification needs at least 2 labels (classes), got ${labels.length}`);
  const noiseLevels = [...(opts.noiseLevels ?? [0])].map((x, i) =>
    checkNonNegative(x, `noiseLevels[${i}]`),
  );
  const nBootstrap = opts.samples
    ? opts.samples.length
    : checkInteger(opts.nBootstrap ?? 100, "nBootstrap", 0);
  const unit = opts.bootstrapUnit ?? "instance";
  if (unit !== "instance" && unit !== "rdm")
    throw new RangeError(`bootstrapUnit must be "instance" or "rdm", got ${describeValue(unit)}`);
  const draws = checkInteger(opts.draws ?? 10, "draws", 1);
  const transforms = opts.transforms ?? DEFAULT_TRANSFORMS;
  const names = Object.keys(transforms);
  if (names.length === 0)
    throw new RangeError("transforms must name at least one transform, got none");
  const seed = opts.seed ?? 0;
  const root = new Rng(seed);
  const noiseSeeds = noiseLevels.map(() => root.int(2 ** 31));
  const drawSeeds = names.map(() => root.int(2 ** 31));
  const cls = Int32Array.from(labelCol, (l) => labels.indexOf(l));
  const grp = Int32Array.from(instCol, (g) => instances.indexOf(g));
  const samples = opts.samples
    ? givenSamples(opts.samples, rdms, grp)
    : drawSamples(nBootstrap, rdms, grp, instances.length, unit, root);
  const p = nPairs(rdms.nConditions);
  const nClass = labels.length;
  const result: IdentificationResult = {
    transforms: names,
    noiseLevels,
    labels,
    chance: 1 / nClass,
    accuracy: [],
    drawAccuracies: [],
    thresholds: [],
    confusion: [],
    bootstrap: [],
    sd: [],
  };
  names.forEach((name, t) => {
    result.accuracy.push([]);
    result.drawAccuracies.push([]);
    result.confusion.push([]);
    result.bootstrap.push([]);
    result.sd.push([]);
    noiseLevels.forEach((level, xi) => {
      const noisy = level > 0 ? addRdmNoise(rdms, level, noiseSeeds[xi]) : rdms;
      const { sets, thresholds } = realise(transforms[name], name, noisy, draws, drawSeeds[t]);
      if (xi === 0) result.thresholds.push(thresholds);
      const perDraw: number[] = [];
      const confusion = Array.from({ length: nClass }, () => new Array<number>(nClass).fill(0));
      const boot = new Float64Array(nBootstrap);
      for (const set of sets) {
        if (set.nRdm !== rdms.nRdm || set.nConditions !== rdms.nConditions)
          throw new RangeError(
            `transforms.${name} must return ${rdms.nRdm} RDMs over ${rdms.nConditions} conditions, got ${set.nRdm} over ${set.nConditions}`,
          );
        const v = set.dissimilarities;
        for (let k = 0; k < v.length; k++)
          if (v[k] === Infinity || v[k] === -Infinity)
            throw new RangeError(
              `transforms.${name} produced an infinite dissimilarity (disconnected geodesic graph without re-ranking?); identification needs finite values or NaN`,
            );
        const hasNaN = v.some(Number.isNaN);
        const cols = completeColumns(v, set.nRdm, p);
        const r = looNearestCentroid(
          gatherRows(v, set.nRdm, p, cols),
          cols.length,
          cls,
          nClass,
          grp,
          instances.length,
        );
        perDraw.push(r.correct / rdms.nRdm);
        r.confusion.forEach((row, i) => row.forEach((c, j) => (confusion[i][j] += c)));
        samples.forEach((s, b) => {
          const sc = hasNaN ? intersectComplete(v, s.rows, p, s.pairs) : s.pairs;
          const rb = looNearestCentroid(
            gatherRows(v, set.nRdm, p, sc, s.rows),
            sc.length,
            Int32Array.from(s.rows, (row) => cls[row]),
            nClass,
            s.groups,
            instances.length,
          );
          boot[b] += rb.correct / s.rows.length / sets.length;
        });
      }
      result.accuracy[t].push(perDraw.reduce((a, b) => a + b, 0) / perDraw.length);
      result.drawAccuracies[t].push(perDraw);
      result.confusion[t].push(confusion);
      result.bootstrap[t].push(boot);
      const bm = boot.reduce((a, b) => a + b, 0) / nBootstrap;
      result.sd[t].push(
        nBootstrap > 0 ? Math.sqrt(boot.reduce((a, b) => a + (b - bm) ** 2, 0) / nBootstrap) : NaN,
      );
    });
  });
  return result;
}

/** The sample's stimulus pairs that are finite in every resampled RDM. */
function intersectComplete(
  v: Float64Array,
  rows: Int32Array,
  p: number,
  pairs: Int32Array,
): Int32Array {
  const keep: number[] = [];
  for (const k of pairs) {
    let ok = true;
    for (let a = 0; a < rows.length && ok; a++) ok = !Number.isNaN(v[rows[a] * p + k]);
    if (ok) keep.push(k);
  }
  return Int32Array.from(keep);
}
