/**
 * The representational-geometry payload: `application/vnd.neurolab.rdm.v1+json`.
 *
 * One or more RDMs over the same conditions travel as one base64 little-endian Float64Array of
 * condensed vectors (scipy `squareform` order, RDM after RDM; NaN marks a missing pair), with
 * condition labels, optional MDS coordinates, initial tRSA thresholds and an optional
 * model-comparison block (bars with error bars, noise ceiling, significance).
 */
import { typedArrayToBase64 } from "./base64.js";
import { condensedLength } from "./geotopology.js";
import {
  SchemaError,
  checkValues,
  expectArray,
  expectBase64Array,
  expectFiniteNumber,
  expectInteger,
  expectNumberArray,
  expectObject,
  expectString,
  fitText,
  expectStringArray,
  expectVersion,
  optionalString,
} from "./validate.js";
import { describeValue } from "./describe.js";

/** MIME type of RDM payloads (version 1). */
export const RDM_MIME = "application/vnd.neurolab.rdm.v1+json";

/** Largest number of conditions of an RDM payload. */
export const RDM_MAX_CONDITIONS = 1000;
/** Largest number of RDMs in one payload. */
export const RDM_MAX_RDMS = 64;
/** Largest total number of condensed entries (all RDMs). */
export const RDM_MAX_ENTRIES = 4_000_000;
/** Largest number of models in the comparison block. */
export const RDM_MAX_MODELS = 200;

/** Model comparison (as rsatoolbox's `plot_model_comparison`). */
export interface ModelComparison {
  /** Comparison method, e.g. "cosine", "corr". */
  method: string;
  names: string[];
  /** Mean evaluation per model. */
  means: number[];
  /** Error-bar half-widths (standard errors, for library results rsatoolbox's n/(n-1)-corrected `get_sem()` via `rsa.evaluationSummary`), >= 0. */
  errors: number[];
  /** One-sided p-value of "evaluation > 0" per model, or empty. */
  pValues: number[];
  /** Significance threshold for the marks (default 0.05). */
  alpha: number;
  /** Noise ceiling [lower, upper], or null. */
  noiseCeiling: [number, number] | null;
}

/** The JSON payload sent under {@link RDM_MIME}. */
export interface RdmPayload {
  schema: "neurolab.rdm";
  version: 1;
  title?: string;
  measure: string;
  n_conditions: number;
  n_rdms: number;
  /** One label per condition (shown as text). */
  labels: string[];
  /** One name per RDM. */
  rdm_names: string[];
  /** base64 of a little-endian Float64Array: n_rdms x n(n-1)/2 condensed dissimilarities. */
  dissimilarities: string;
  /** Initial tRSA thresholds. */
  thresholds?: { lower: number; upper: number };
  /** Optional category per condition (additive): colours the MDS points. */
  categories?: string[];
  /** 2-D MDS of RDM `rdm`: base64 Float64Array of n x 2 coordinates. */
  mds?: { rdm: number; method: string; stress: number; coordinates: string };
  models?: {
    method: string;
    names: string[];
    means: number[];
    errors: number[];
    p_values: number[];
    alpha: number;
    noise_ceiling: [number, number] | null;
  };
}

/** A validated, decoded RDM payload. */
export interface RdmData {
  title: string;
  measure: string;
  nConditions: number;
  labels: string[];
  rdmNames: string[];
  /** nRdms x nPairs condensed, row-major. */
  dissimilarities: Float64Array;
  lower: number;
  upper: number;
  mds: { rdm: number; method: string; stress: number; coordinates: Float64Array } | null;
  models: ModelComparison | null;
  /** Optional category of every condition (colours the MDS points); null or absent: none. */
  categories?: string[] | null;
}

/**
 * The name of a dissimilarity measure as a figure should print it (colour bars, captions):
 * "correlation" (1 - Pearson r, rsatoolbox's method name) is a correlation *distance*.
 *
 * @example
 * ```ts
 * import { measureLabel } from "neurolab/schema";
 * measureLabel("correlation"); // "correlation distance (1 − r)"
 * ```
 */
export function measureLabel(measure: string): string {
  const m = measure.trim();
  if (m === "") return "dissimilarity";
  if (/^correlation$/i.test(m)) return "correlation distance (1 \u2212 r)";
  if (/^(squared )?(euclidean|mahalanobis)$/i.test(m)) return `${m} distance`;
  if (/^crossnobis$/i.test(m)) return "crossnobis distance";
  if (/^poisson$/i.test(m)) return "Poisson KL divergence";
  if (/^poisson_?cv$/i.test(m)) return "cross-validated Poisson KL divergence";
  return m;
}

/**
 * Builds an RDM payload.
 *
 * @example
 * ```ts
 * import { rdmFigure, rsa } from "neurolab";
 * import { encodeRdm } from "neurolab/schema";
 * encodeRdm(rdmFigure(rsa.makeRdms([[1, 2, 3]])).data); // the RDM widget's JSON payload
 * ```
 */
export function encodeRdm(d: RdmData): RdmPayload {
  const p: RdmPayload = {
    schema: "neurolab.rdm",
    version: 1,
    title: fitText(d.title, 500),
    measure: fitText(d.measure, 200),
    n_conditions: d.nConditions,
    n_rdms: d.rdmNames.length,
    labels: d.labels.map((s) => fitText(s, 200)),
    rdm_names: d.rdmNames.map((s) => fitText(s, 200)),
    dissimilarities: typedArrayToBase64(d.dissimilarities),
    thresholds: { lower: d.lower, upper: d.upper },
    ...(d.categories ? { categories: [...d.categories] } : {}),
  };
  if (d.mds)
    p.mds = {
      rdm: d.mds.rdm,
      method: fitText(d.mds.method, 100),
      stress: d.mds.stress,
      coordinates: typedArrayToBase64(d.mds.coordinates),
    };
  if (d.models) {
    const m = d.models;
    p.models = {
      method: fitText(m.method, 100),
      names: m.names.map((s) => fitText(s, 200)),
      means: [...m.means],
      errors: [...m.errors],
      p_values: [...m.pValues],
      alpha: m.alpha,
      noise_ceiling: m.noiseCeiling ? [m.noiseCeiling[0], m.noiseCeiling[1]] : null,
    };
  }
  return p;
}

/**
 * Validates and decodes an RDM payload of unknown origin. Throws {@link SchemaError} naming the
 * offending field; never returns partially valid data.
 *
 * @example
 * ```ts
 * import { rdmFigure, rsa } from "neurolab";
 * import { decodeRdm } from "neurolab/schema";
 * decodeRdm(rdmFigure(rsa.makeRdms([[1, 2, 3]])).payload()).nConditions; // 3
 * ```
 */
export function decodeRdm(value: unknown): RdmData {
  const p = expectObject(value, "payload");
  if (p.schema !== "neurolab.rdm")
    throw new SchemaError(`payload.schema must be "neurolab.rdm", got ${describe(p.schema)}`);
  expectVersion(p.version, 1, "payload.version");
  const title = optionalString(p.title, "payload.title", 500) ?? "";
  const measure = expectString(p.measure, "payload.measure", 200);
  const n = expectInteger(p.n_conditions, "payload.n_conditions", 2, RDM_MAX_CONDITIONS);
  const nRdms = expectInteger(p.n_rdms, "payload.n_rdms", 1, RDM_MAX_RDMS);
  const pairs = condensedLength(n);
  if (pairs * nRdms > RDM_MAX_ENTRIES) {
    throw new SchemaError(
      `payload.n_rdms x n_conditions (n-1)/2 = ${pairs * nRdms} entries exceeds ${RDM_MAX_ENTRIES}`,
    );
  }
  const labels = expectStringArray(p.labels, "payload.labels", n, 200);
  const rdmNames = expectStringArray(p.rdm_names, "payload.rdm_names", nRdms, 200);
  const dissimilarities = expectBase64Array(
    p.dissimilarities,
    "payload.dissimilarities",
    "float64",
    pairs * nRdms,
  );
  checkValues(dissimilarities, "payload.dissimilarities", { nan: "allow" });
  for (let r = 0; r < nRdms; r++) {
    let finite = false;
    for (let k = r * pairs; k < (r + 1) * pairs && !finite; k++)
      finite = dissimilarities[k] === dissimilarities[k];
    if (!finite)
      throw new SchemaError(`payload.dissimilarities: RDM ${r} has no finite value (all NaN)`);
  }
  let lower = 0;
  let upper = 1;
  if (p.thresholds !== undefined) {
    const t = expectObject(p.thresholds, "payload.thresholds");
    lower = expectFiniteNumber(t.lower, "payload.thresholds.lower");
    upper = expectFiniteNumber(t.upper, "payload.thresholds.upper");
    if (!(lower >= 0 && lower <= 1))
      throw new SchemaError(`payload.thresholds.lower must be in [0, 1], got ${lower}`);
    if (!(upper >= lower && upper <= 1))
      throw new SchemaError(
        `payload.thresholds.upper must be in [lower, 1] = [${lower}, 1], got ${upper}`,
      );
  }
  let mds: RdmData["mds"] = null;
  if (p.mds !== undefined) {
    const m = expectObject(p.mds, "payload.mds");
    const rdm = expectInteger(m.rdm, "payload.mds.rdm", 0, nRdms - 1);
    const method = expectString(m.method, "payload.mds.method", 100);
    const stress = expectFiniteNumber(m.stress, "payload.mds.stress");
    const coordinates = expectBase64Array(
      m.coordinates,
      "payload.mds.coordinates",
      "float64",
      2 * n,
    );
    checkValues(coordinates, "payload.mds.coordinates");
    mds = { rdm, method, stress, coordinates };
  }
  let models: ModelComparison | null = null;
  if (p.models !== undefined) {
    const m = expectObject(p.models, "payload.models");
    const method = expectString(m.method, "payload.models.method", 100);
    const names = expectArray(m.names, "payload.models.names", RDM_MAX_MODELS).map((s, i) =>
      expectString(s, `payload.models.names[${i}]`, 200),
    );
    const k = names.length;
    const means = expectNumberArray(m.means, "payload.models.means", k);
    const errors = expectNumberArray(m.errors, "payload.models.errors", k, 0);
    const pRaw = expectArray(m.p_values, "payload.models.p_values", k);
    const pValues =
      pRaw.length === 0 ? [] : expectNumberArray(pRaw, "payload.models.p_values", k, 0, 1);
    const alpha = expectFiniteNumber(m.alpha, "payload.models.alpha");
    if (!(alpha > 0 && alpha < 1))
      throw new SchemaError(`payload.models.alpha must be in (0, 1), got ${alpha}`);
    let noiseCeiling: [number, number] | null = null;
    if (m.noise_ceiling !== null && m.noise_ceiling !== undefined) {
      const [lo, hi] = expectNumberArray(m.noise_ceiling, "payload.models.noise_ceiling", 2);
      noiseCeiling = [lo, hi];
    }
    models = { method, names, means, errors, pValues, alpha, noiseCeiling };
  }
  const categories =
    p.categories === undefined
      ? null
      : expectStringArray(p.categories, "payload.categories", n, 200);
  return {
    title,
    measure,
    nConditions: n,
    labels,
    rdmNames,
    dissimilarities,
    lower,
    upper,
    mds,
    models,
    categories,
  };
}

function describe(v: unknown): string {
  return describeValue(v);
}
