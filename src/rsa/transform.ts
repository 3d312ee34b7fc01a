/**
 * RDM transforms for topological RSA (tRSA; Lin & Kriegeskorte, "The topology and geometry of
 * neural representations", PNAS 2024): rank, min-max, geo-topological (GT) transforms and the
 * RGTM family (geodesic transforms: geodesic.ts); plus rsatoolbox's sqrt/positive transforms.
 */
import { checkNumber, checkProbability } from "../core/checks.js";
import {
  geotopological,
  geotopologicalFromNormalised,
  linearQuantile,
  minmaxNormalise,
} from "../schema/geotopology.js";
import { rankdata, type RankMethod } from "./ranks.js";
import { checkRdms, nPairs, rdmsFromVectors, type Rdms } from "./rdms.js";
import { lookupOwn } from "../core/validate.js";
import { describeValue } from "../core/describe.js";

/**
 * Applies `f` to every RDM vector of a set (same descriptors, new measure name).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.mapRdms(rsa.makeRdms([[1, 4, 9]]), "sqrt euclidean", (v) => v.map(Math.sqrt)).dissimilarities; // [1, 2, 3]
 * ```
 */
export function mapRdms(rdms: Rdms, measure: string, f: (v: Float64Array) => Float64Array): Rdms {
  checkRdms(rdms);
  if (typeof f !== "function")
    throw new TypeError(
      `f must be a function (dissimilarities) => dissimilarities, got ${typeof f}`,
    );
  const p = nPairs(rdms.nConditions);
  const out = new Float64Array(rdms.dissimilarities.length);
  for (let r = 0; r < rdms.nRdm; r++)
    out.set(f(rdms.dissimilarities.subarray(r * p, (r + 1) * p)), r * p);
  return rdmsFromVectors(out, rdms.nConditions, {
    measure,
    patternDescriptors: rdms.patternDescriptors as Record<string, (string | number)[]>,
    rdmDescriptors: rdms.rdmDescriptors as Record<string, (string | number)[]>,
  });
}

/**
 * Ranks of the dissimilarities of each RDM (ties by `method`, default "average"; NaN stays NaN), as rsatoolbox's `rank_transform`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rankTransform(rsa.makeRdms([[0.3, 0.1, 0.2]])).dissimilarities; // [3, 1, 2]
 * ```
 */
export function rankTransform(rdms: Rdms, method: RankMethod = "average"): Rdms {
  checkRdms(rdms);
  const measure = rdms.measure.includes("(ranks)")
    ? rdms.measure
    : `${rdms.measure} (ranks)`.trim();
  return mapRdms(rdms, measure, (v) => rankdata(v, method));
}

/**
 * (d - min) / (max - min) per RDM over its non-NaN entries; a constant RDM becomes all NaN (0/0), as in rsatoolbox.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.minmaxTransform(rsa.makeRdms([[2, 4, 6]])).dissimilarities; // [0, 0.5, 1]
 * ```
 */
export function minmaxTransform(rdms: Rdms): Rdms {
  checkRdms(rdms);
  return mapRdms(rdms, `minmax transformed ${rdms.measure}`.trim(), minmaxNormalise);
}

/**
 * Negative dissimilarities set to 0 (rsatoolbox's `positive_transform`).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.positiveTransform(rsa.makeRdms([[-1, 2, 3]])).dissimilarities; // [0, 2, 3]
 * ```
 */
export function positiveTransform(rdms: Rdms): Rdms {
  checkRdms(rdms);
  return mapRdms(rdms, rdms.measure, (v) => v.map((x) => (x < 0 ? 0 : x)));
}

/**
 * Square roots of the dissimilarities, negatives set to 0 first (rsatoolbox's `sqrt_transform`).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.sqrtTransform(rsa.makeRdms([[1, 4, 9]])).dissimilarities; // [1, 2, 3]
 * ```
 */
export function sqrtTransform(rdms: Rdms): Rdms {
  checkRdms(rdms);
  const measure =
    rdms.measure === "squared euclidean"
      ? "euclidean"
      : rdms.measure === "squared mahalanobis"
        ? "mahalanobis"
        : `sqrt of ${rdms.measure}`;
  return mapRdms(rdms, measure, (v) => v.map((x) => Math.sqrt(x < 0 ? 0 : x)));
}

/**
 * The q-quantile of the non-NaN entries with numpy's default (linear) interpolation.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.quantile([1, 2, 3, 4, 5], 0.5); // 3
 * ```
 */
export function quantile(v: ArrayLike<number>, q: number): number {
  return linearQuantile(v, checkProbability(q, "q"));
}

/** Options of {@link geotopologicalTransform}. */
export interface GeoTopologicalOptions {
  /** Lower threshold l in [0, 1]: a quantile. Dissimilarities below g_l become 0. */
  lower: number;
  /** Upper threshold u in [l, 1]: a quantile. Dissimilarities above g_u become 1. */
  upper: number;
  /**
   * "rank" (default, the tRSA definition): the RDM is rank-transformed and min-max normalised to
   * [0, 1] first; g_l, g_u are the l-, u-quantiles of that normalised RDM and the linear part is in
   * rank units. "raw" (rsatoolbox's `geotopological_transform`): quantiles and the linear part on
   * the raw dissimilarities (rsatoolbox pools the quantiles over all RDMs of the set; here they
   * are per RDM).
   */
  scale?: "rank" | "raw";
}

/**
 * Geo-topological transform GT_{l,u}: 0 below g_l, (d - g_l)/(g_u - g_l) between, 1 above g_u.
 * With l = u it is a step function (d <= g → 0, d > g → 1) instead of rsatoolbox's 0/0.
 * NaN entries stay NaN; an RDM with fewer than two distinct values is all NaN under "rank".
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const rdms = rsa.makeRdms([[1, 2, 3, 4, 5, 6]]);
 * rsa.geotopologicalTransform(rdms, { lower: 0.2, upper: 0.8 }).dissimilarities; // 0 below, 1 above, linear between
 * ```
 */
export function geotopologicalTransform(rdms: Rdms, opts: GeoTopologicalOptions): Rdms {
  checkRdms(rdms);
  const lower = checkProbability(opts.lower, "lower");
  const upper = checkNumber(opts.upper, "upper", { min: lower, max: 1 });
  const scale = opts.scale ?? "rank";
  if (scale !== "rank" && scale !== "raw")
    throw new RangeError(`scale must be "rank" or "raw", got ${describeValue(scale)}`);
  // One definition, shared with the extension's live sliders (src/schema/geotopology.ts).
  return mapRdms(rdms, `geo-topological transformed ${rdms.measure}`.trim(), (v) =>
    scale === "rank"
      ? geotopological(v, lower, upper)
      : geotopologicalFromNormalised(v, lower, upper),
  );
}

/** Named members of the RGTM family (lower/upper quantile thresholds), see the README. */
export const rgtmPresets = Object.freeze({
  /** l = 0, u = 1: the rank-normalised RDM itself (all geometry kept). */
  geometrySensitive: Object.freeze({ lower: 0, upper: 1 }),
  /** l = u = 0.5: a step function, only which pairs are "near" survives (pure topology). */
  topologySensitive: Object.freeze({ lower: 0.5, upper: 0.5 }),
  /** l = 0, u = 0.25: geometry of the nearest quarter of pairs, everything farther saturates. */
  local: Object.freeze({ lower: 0, upper: 0.25 }),
  /** l = 0.75, u = 1: geometry of the farthest quarter of pairs, nearer pairs collapse to 0. */
  global: Object.freeze({ lower: 0.75, upper: 1 }),
  /** l = 0.25, u = 0.75: the middle half of the distance range. */
  intermediate: Object.freeze({ lower: 0.25, upper: 0.75 }),
});

/** Names of {@link rgtmPresets}. */
export type RgtmPreset = keyof typeof rgtmPresets;

/**
 * The RGTM transform of a named preset (rank scale).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rgtmTransform(rsa.makeRdms([[1, 2, 3, 4, 5, 6]]), "local");
 * ```
 */
export function rgtmTransform(rdms: Rdms, preset: RgtmPreset): Rdms {
  checkRdms(rdms);
  const p = lookupOwn(rgtmPresets as Record<string, GeoTopologicalOptions>, preset, "preset");
  return geotopologicalTransform(rdms, p);
}
