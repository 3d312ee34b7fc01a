/**
 * The RGTM families of tRSA (Lin & Kriegeskorte, PNAS 2024) as the authors define them: *regions*
 * of the (l, u) threshold plane, each evaluated as the average over random draws of (l, u) inside
 * the region (the authors' `get_rgtm_type` / `check_gt` / `run_sample_rgtm`, 10 draws per region):
 *
 * - local: (l + u) / 2 <= 0.2;   global: (l + u) / 2 >= 0.8;
 * - geometry-sensitive: u - l >= 0.8;   topology-sensitive: l >= 0.4 and u <= 0.6;
 * - intermediate: none of these;
 * each with the authors' tolerance of 1e-3. A draw is a sorted pair of uniform numbers, rejected
 * when l + u <= 0.01 or >= 1.99, rounded to two decimals, and kept when it lies in the region.
 * Draws use neurolab's seeded `Rng` (same seed, same draws).
 */
import { checkInteger } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import type { Rdms } from "./rdms.js";
import { geotopologicalTransform } from "./transform.js";
import { describeValue } from "../core/describe.js";

/** The five RGTM families (regions of the (l, u) plane). */
export type RgtmRegion =
  "local" | "global" | "geometrySensitive" | "topologySensitive" | "intermediate";

/** All RGTM regions, in the authors' order of classification. */
export const RGTM_REGIONS: readonly RgtmRegion[] = Object.freeze([
  "local",
  "global",
  "geometrySensitive",
  "topologySensitive",
  "intermediate",
]);

const TOL = 1e-3;

/** A pair of GT thresholds (quantiles), 0 <= lower <= upper <= 1. */
export interface GtThresholds {
  lower: number;
  upper: number;
}

/**
 * The region that contains (lower, upper) (the authors' `get_rgtm_type`; the regions are disjoint).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rgtmRegionOf(0, 0.1); // "local"
 * ```
 */
export function rgtmRegionOf(lower: number, upper: number): RgtmRegion {
  if (typeof lower !== "number" || typeof upper !== "number")
    throw new TypeError(
      `lower and upper must be numbers in [0, 1], got ${describeValue(lower)} and ${describeValue(upper)}`,
    );
  if (!(lower >= 0 && lower <= 1)) throw new RangeError(`lower must be in [0, 1], got ${lower}`);
  if (!(upper >= lower && upper <= 1))
    throw new RangeError(`upper must be in [lower, 1] = [${lower}, 1], got ${upper}`);
  const mid = (lower + upper) / 2;
  if (mid <= 0.2 + TOL) return "local";
  if (mid >= 0.8 - TOL) return "global";
  if (upper - lower >= 0.8 - TOL) return "geometrySensitive";
  if (lower >= 0.4 - TOL && upper <= 0.6 + TOL) return "topologySensitive";
  return "intermediate";
}

function checkRegion(region: RgtmRegion): RgtmRegion {
  if (!RGTM_REGIONS.includes(region))
    throw new RangeError(
      `region must be one of ${RGTM_REGIONS.join(", ")}, got ${describeValue(region)}`,
    );
  return region;
}

/**
 * `n` (default 10) seeded random (l, u) draws inside `region`, as the authors sample them (sorted
 * uniform pair, corners l + u <= 0.01 or >= 1.99 rejected, rounded to 0.01, kept if in the region).
 * The authors add 1e-5 to u after rounding to avoid their 0/0 at l = u; neurolab's GT is a step
 * function there, so u is left as rounded.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.sampleRgtmThresholds("intermediate", { n: 10, seed: 1 }); // 10 (lower, upper) draws in the region
 * ```
 */
export function sampleRgtmThresholds(
  region: RgtmRegion,
  opts: { n?: number; seed?: number } = {},
): GtThresholds[] {
  checkRegion(region);
  const n = checkInteger(opts.n ?? 10, "n", 1);
  const rng = new Rng(opts.seed ?? 0);
  const out: GtThresholds[] = [];
  while (out.length < n) {
    let a = rng.uniform();
    let b = rng.uniform();
    if (b < a) [a, b] = [b, a];
    if (a + b <= 1e-2 || a + b >= 2 - 1e-2) continue;
    const lower = Math.min(Math.round(a * 100) / 100, 1);
    const upper = Math.min(Math.round(b * 100) / 100, 1);
    if (rgtmRegionOf(lower, upper) === region) out.push({ lower, upper });
  }
  return out;
}

/** One evaluated draw of {@link rgtmRegionAverage}. */
export interface RgtmDraw extends GtThresholds {
  value: number;
}

/** Result of {@link rgtmRegionAverage}. */
export interface RgtmRegionAverage {
  region: RgtmRegion;
  draws: RgtmDraw[];
  /** Mean of the draws' values (NaN draws skipped, as numpy's nanmean). */
  mean: number;
  /** Standard deviation of the draws' values (ddof 0). */
  sd: number;
}

/**
 * The region's value as the authors report it: `evaluate` the RGTM transform at `n` (default 10)
 * seeded draws of (l, u) inside the region and average. `evaluate` receives the transformed RDMs
 * and the thresholds, e.g. `(t) => rsa.compareRdm(model, t, { method: "corr" })[0][0]`.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const data = rsa.makeRdms([[1, 2, 3, 4, 5, 6]]);
 * const model = rsa.makeRdms([[1, 3, 2, 4, 5, 6]]);
 * const avg = rsa.rgtmRegionAverage(data, "local", (t, th) =>
 *   rsa.compareRdm(t, rsa.geotopologicalTransform(model, th))[0][0], { n: 10, seed: 1 });
 * avg.mean; avg.sd;
 * ```
 */
export function rgtmRegionAverage(
  rdms: Rdms,
  region: RgtmRegion,
  evaluate: (transformed: Rdms, thresholds: GtThresholds) => number,
  opts: { n?: number; seed?: number } = {},
): RgtmRegionAverage {
  const draws = sampleRgtmThresholds(region, opts).map((t) => ({
    ...t,
    value: evaluate(geotopologicalTransform(rdms, t), t),
  }));
  const ok = draws.map((d) => d.value).filter((v) => !Number.isNaN(v));
  const mean = ok.reduce((s, v) => s + v, 0) / ok.length;
  const sd = Math.sqrt(ok.reduce((s, v) => s + (v - mean) ** 2, 0) / ok.length);
  return { region, draws, mean, sd };
}
