/**
 * RDM figures: the analysis a figure shows — condition labels and categories from descriptors,
 * the 2-D MDS (`mds`), the model comparison summarised as rsatoolbox's `Result` does
 * (`evaluationSummary`) — computed here and handed as plain {@link RdmData} to the figure code
 * (src/display/rdm.ts). Also registers the figure of an RDM set, so a `Rdms` value displays itself.
 */
import { checkOneOf, checkOptions, describeValue } from "../core/validate.js";
import { RdmFigure } from "../display/rdm.js";
import { registerDisplay } from "../display/protocol.js";
import type { ModelComparison, RdmData } from "../schema/index.js";
import {
  evaluationSummary,
  type BootstrapEvaluation,
  type DualBootstrapEvaluation,
  type FixedEvaluation,
} from "./inference.js";
import { mds as mdsEmbed } from "./mds.js";
import { RDMS_DISPLAY, type Rdms } from "./rdms.js";

/** A model evaluation as accepted by {@link rdmFigure}'s `models` option. */
export type ModelEvaluation =
  | FixedEvaluation
  | BootstrapEvaluation
  | DualBootstrapEvaluation
  | (Omit<ModelComparison, "alpha" | "pValues"> & { alpha?: number; pValues?: number[] });

/** Options of {@link rdmFigure}. */
export interface RdmFigureOptions {
  title?: string;
  /** Condition labels: a pattern descriptor name, or one label per condition. Default: the first descriptor other than "index", else the index. */
  labels?: string | readonly (string | number)[];
  /** RDM names: an RDM descriptor name, or one name per RDM. Default: the first descriptor other than "index", else "RDM 1", "RDM 2", ... */
  rdmNames?: string | readonly (string | number)[];
  /** Compute a 2-D MDS of RDM `mdsRdm` (default true; metric MDS, see `rsa.mds`). */
  mds?: boolean | "classical" | "metric";
  /** Which RDM the MDS embeds (default 0). */
  mdsRdm?: number;
  /** Initial tRSA thresholds (quantiles), default l = 0, u = 1. */
  lower?: number;
  upper?: number;
  /** Model comparison to show as a bar chart (evalFixed / evalBootstrap result or explicit values). */
  models?: ModelEvaluation;
  /** Significance level of the bar marks (default 0.05, one-sided t-test against 0, uncorrected). */
  alpha?: number;
  /**
   * Category of every condition, colouring the MDS points: a pattern descriptor name or one
   * value per condition. Default: the first pattern descriptor (other than "index" and the
   * labels' one) with repeated values, else none.
   */
  categories?: string | readonly (string | number)[];
}

const RDM_FIGURE_KEYS: Record<keyof RdmFigureOptions, true> = {
  title: true,
  labels: true,
  rdmNames: true,
  mds: true,
  mdsRdm: true,
  lower: true,
  upper: true,
  models: true,
  alpha: true,
  categories: true,
};

function descriptorLabels(
  desc: Readonly<Record<string, readonly (string | number)[]>>,
  opt: string | readonly (string | number)[] | undefined,
  count: number,
  fallback: (i: number) => string,
  what: string,
): string[] {
  if (Array.isArray(opt)) {
    if (opt.length !== count)
      throw new RangeError(`${what} must have ${count} entries, got ${opt.length}`);
    return opt.map(String);
  }
  if (typeof opt === "string") {
    const values = desc[opt];
    if (!values)
      throw new RangeError(
        `${what}: no descriptor ${describeValue(opt)} (have ${Object.keys(desc).join(", ")})`,
      );
    return values.map(String);
  }
  if (opt !== undefined)
    throw new TypeError(
      `${what} must be a descriptor name or an array of ${count} labels, got ${describeValue(opt)}`,
    );
  const name = Object.keys(desc).find((k) => k !== "index");
  return name ? desc[name].map(String) : Array.from({ length: count }, (_, i) => fallback(i));
}

/**
 * The bar chart's numbers. Library results go through `rsa.evaluationSummary` (rsatoolbox's
 * `Result`: n/(n-1)-corrected variances, SEM error bars, one-sided t-tests against 0), so the
 * widget shows exactly what the library reports.
 */
function modelComparison(m: ModelEvaluation, alpha: number): ModelComparison {
  if ("models" in m) {
    if (m.means.length !== m.models.length)
      throw new RangeError(`models: ${m.models.length} names but ${m.means.length} means`);
    const s = evaluationSummary(m);
    const errors = s.sems.map((e) => (Number.isFinite(e) ? e : 0));
    const pValues = s.pZero.every(Number.isFinite)
      ? s.pZero.map((p) => Math.min(1, Math.max(0, p)))
      : [];
    return {
      method: m.method,
      names: [...s.models],
      means: [...s.means],
      errors,
      pValues,
      alpha,
      noiseCeiling: s.noiseCeiling,
    };
  }
  return {
    method: m.method,
    names: [...m.names],
    means: [...m.means],
    errors: [...m.errors],
    pValues: [...(m.pValues ?? [])],
    alpha: m.alpha ?? alpha,
    noiseCeiling: m.noiseCeiling,
  };
}

/**
 * A displayable figure of an RDM set: heatmaps with condition labels and one colour scale
 * shared by all RDMs, live tRSA thresholds (geo-topological transform computed in the browser
 * from the RDM, same definition as `rsa.geotopologicalTransform`), a 2-D MDS of the conditions
 * and, with `models`, an rsatoolbox-style model-comparison bar chart.
 *
 * @example
 * ```ts
 * import { rdmFigure, rsa } from "neurolab";
 * const rdms = rsa.calcRdm([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.2]], { method: "correlation" });
 * rdmFigure(rdms, { title: "four conditions", labels: ["a1", "a2", "b1", "b2"] }); // heatmap, tRSA sliders, MDS
 * ```
 */
export function rdmFigure(rdms: Rdms, opts: RdmFigureOptions = {}): RdmFigure {
  if (typeof rdms !== "object" || rdms === null || !(rdms.dissimilarities instanceof Float64Array))
    throw new TypeError(
      `rdmFigure: rdms must be an RDM set (rsa.makeRdms, rsa.calcRdm), got ${describeValue(rdms)}`,
    );
  checkOptions(opts, Object.keys(RDM_FIGURE_KEYS), "rdmFigure options");
  if (opts.title !== undefined && typeof opts.title !== "string")
    throw new TypeError(
      `rdmFigure options.title must be a string, got ${describeValue(opts.title)}`,
    );
  if (opts.mds !== undefined)
    checkOneOf(opts.mds, [true, false, "classical", "metric"], "rdmFigure options.mds");
  if (
    opts.alpha !== undefined &&
    !(typeof opts.alpha === "number" && opts.alpha > 0 && opts.alpha < 1)
  )
    throw new RangeError(
      `rdmFigure options.alpha must be a number in (0, 1), got ${describeValue(opts.alpha)}`,
    );
  if (
    opts.mdsRdm !== undefined &&
    !(Number.isInteger(opts.mdsRdm) && opts.mdsRdm >= 0 && opts.mdsRdm < rdms.nRdm)
  )
    throw new RangeError(
      `rdmFigure options.mdsRdm must be an integer in [0, ${rdms.nRdm - 1}], got ${describeValue(opts.mdsRdm)}`,
    );
  const n = rdms.nConditions;
  const labels = descriptorLabels(
    rdms.patternDescriptors,
    opts.labels,
    n,
    (i) => String(i),
    "labels",
  );
  const rdmNames = descriptorLabels(
    rdms.rdmDescriptors,
    opts.rdmNames,
    rdms.nRdm,
    (i) => `RDM ${i + 1}`,
    "rdmNames",
  );
  const lower = opts.lower ?? 0;
  const upper = opts.upper ?? 1;
  if (!(lower >= 0 && lower <= 1)) throw new RangeError(`lower must be in [0, 1], got ${lower}`);
  if (!(upper >= lower && upper <= 1))
    throw new RangeError(`upper must be in [lower, 1] = [${lower}, 1], got ${upper}`);
  for (let k = 0; k < rdms.dissimilarities.length; k++) {
    const v = rdms.dissimilarities[k];
    if (v === Infinity || v === -Infinity)
      throw new RangeError(`dissimilarities[${k}] must be finite or NaN (missing), got ${v}`);
  }
  let mds: RdmData["mds"] = null;
  const mdsOpt = opts.mds ?? true;
  if (mdsOpt !== false && n >= 3) {
    const rdm = opts.mdsRdm ?? 0;
    const method = mdsOpt === "classical" ? "classical" : "metric";
    const e = mdsEmbed(rdms, { dims: 2, method, rdm });
    const coordinates = new Float64Array(2 * n);
    e.coordinates.forEach((c, i) => ((coordinates[2 * i] = c[0]), (coordinates[2 * i + 1] = c[1])));
    mds = { rdm, method, stress: e.stress, coordinates };
  }
  const models = opts.models ? modelComparison(opts.models, opts.alpha ?? 0.05) : null;
  const categories = conditionCategories(rdms, opts, n);
  return new RdmFigure({
    title: opts.title ?? "",
    measure: rdms.measure,
    nConditions: n,
    labels,
    rdmNames,
    dissimilarities: Float64Array.from(rdms.dissimilarities),
    lower,
    upper,
    mds,
    models,
    categories,
  });
}

function conditionCategories(rdms: Rdms, opts: RdmFigureOptions, n: number): string[] | null {
  const c = opts.categories;
  if (c !== undefined) return descriptorLabels(rdms.patternDescriptors, c, n, String, "categories");
  const labelKey =
    typeof opts.labels === "string"
      ? opts.labels
      : opts.labels === undefined
        ? Object.keys(rdms.patternDescriptors).find((k) => k !== "index")
        : undefined;
  for (const [key, values] of Object.entries(rdms.patternDescriptors)) {
    if (key === "index" || key === labelKey || values.length !== n) continue;
    const distinct = new Set(values.map(String)).size;
    if (distinct >= 2 && distinct < n) return values.map(String);
  }
  return null;
}

// An RDM set displays as its figure (rsa/rdms.ts tags it; this module draws it).
registerDisplay(RDMS_DISPLAY, (r: Rdms) => rdmFigure(r));
