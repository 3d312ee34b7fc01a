/**
 * The activity-heatmap payload: `application/vnd.neurolab.activity.v1+json` — continuous
 * activity (calcium traces, rates, membrane potentials) as a neurons x time heatmap. Values
 * travel as one base64 little-endian Float32Array, row-major neurons x time; NaN marks a
 * neuron not recorded at that time (drawn blank).
 *
 * Revision 2 (additive within version 1) adds `revision` and the optional `unit` of the values
 * (e.g. "Hz", "mV"; "" = dimensionless or unknown), named with the quantity in hover and on the
 * colour bar.
 */
import { typedArrayToBase64 } from "./base64.js";
import {
  SchemaError,
  checkValues,
  expectBase64Array,
  expectFiniteNumber,
  expectInteger,
  expectObject,
  expectString,
  fitText,
  expectStringArray,
  expectVersion,
  optionalString,
} from "./validate.js";
import { describeValue } from "./describe.js";

/** MIME type of activity payloads (version 1). */
export const ACTIVITY_MIME = "application/vnd.neurolab.activity.v1+json";
/** Largest number of neurons (rows). */
export const ACTIVITY_MAX_NEURONS = 10_000;
/** Largest number of values (neurons x time points). */
export const ACTIVITY_MAX_VALUES = 20_000_000;

/** The JSON payload sent under {@link ACTIVITY_MIME}. */
export interface ActivityPayload {
  schema: "neurolab.activity";
  version: 1;
  title?: string;
  /** Unit / name of the values, e.g. "ΔF/F". */
  quantity: string;
  /** Additive revision within version 1 (absent = 1). */
  revision?: number;
  /** Unit of the values (revision 2), "" when dimensionless or unknown. */
  unit?: string;
  n_neurons: number;
  n_times: number;
  /** Time of the first sample and the sampling interval, s. */
  t_start_s: number;
  dt_s: number;
  labels: string[];
  /** base64 Float32Array, n_neurons x n_times row-major. */
  values: string;
}

/** A validated, decoded activity payload. */
export interface ActivityData {
  title: string;
  quantity: string;
  /** Unit of the values ("" when dimensionless or unknown). */
  unit?: string;
  nNeurons: number;
  nTimes: number;
  tStart_s: number;
  dt_s: number;
  labels: string[];
  values: Float32Array;
}

/**
 * Builds an activity payload.
 *
 * @example
 * ```ts
 * import { activityFigure } from "neurolab";
 * import { encodeActivity } from "neurolab/schema";
 * encodeActivity(activityFigure({ data: [0, 1, 2, 3], nNeurons: 2, nTimes: 2, dt_s: 1 }).data);
 * ```
 */
export function encodeActivity(d: ActivityData): ActivityPayload {
  return {
    schema: "neurolab.activity",
    version: 1,
    revision: 2,
    title: fitText(d.title, 500),
    quantity: fitText(d.quantity, 100),
    ...(d.unit ? { unit: fitText(d.unit, 40) } : {}),
    n_neurons: d.nNeurons,
    n_times: d.nTimes,
    t_start_s: d.tStart_s,
    dt_s: d.dt_s,
    labels: d.labels.map((s) => fitText(s, 100)),
    values: typedArrayToBase64(d.values),
  };
}

/**
 * "quantity (unit)", or the quantity alone when there is no unit (plain text).
 *
 * @example
 * ```ts
 * import { activityValueLabel } from "neurolab/schema";
 * activityValueLabel({ quantity: "ΔF/F", unit: "%" }); // the colour bar's title
 * ```
 */
export function activityValueLabel(d: Pick<ActivityData, "quantity" | "unit">): string {
  return d.unit ? `${d.quantity} (${d.unit})` : d.quantity;
}

/**
 * Validates and decodes an activity payload of unknown origin (SchemaError naming the field).
 *
 * @example
 * ```ts
 * import { activityFigure } from "neurolab";
 * import { decodeActivity } from "neurolab/schema";
 * decodeActivity(activityFigure({ data: [0, 1, 2, 3], nNeurons: 2, nTimes: 2, dt_s: 1 }).payload()).nNeurons; // 2
 * ```
 */
export function decodeActivity(value: unknown): ActivityData {
  const p = expectObject(value, "payload");
  if (p.schema !== "neurolab.activity") {
    throw new SchemaError(
      `payload.schema must be "neurolab.activity", got ${describeValue(p.schema)}`,
    );
  }
  expectVersion(p.version, 1, "payload.version");
  const title = optionalString(p.title, "payload.title", 500) ?? "";
  const quantity = expectString(p.quantity, "payload.quantity", 100);
  if (p.revision !== undefined) expectInteger(p.revision, "payload.revision", 1, 1_000_000);
  const unit = optionalString(p.unit, "payload.unit", 40) ?? "";
  const nNeurons = expectInteger(p.n_neurons, "payload.n_neurons", 1, ACTIVITY_MAX_NEURONS);
  const nTimes = expectInteger(p.n_times, "payload.n_times", 1, ACTIVITY_MAX_VALUES);
  if (nNeurons * nTimes > ACTIVITY_MAX_VALUES) {
    throw new SchemaError(
      `payload.n_neurons x payload.n_times = ${nNeurons * nTimes} exceeds ${ACTIVITY_MAX_VALUES}`,
    );
  }
  const tStart_s = expectFiniteNumber(p.t_start_s, "payload.t_start_s");
  const dt_s = expectFiniteNumber(p.dt_s, "payload.dt_s");
  if (!(dt_s > 0)) throw new SchemaError(`payload.dt_s must be > 0, got ${dt_s}`);
  const labels = expectStringArray(p.labels, "payload.labels", nNeurons, 100);
  const values = expectBase64Array(p.values, "payload.values", "float32", nNeurons * nTimes);
  checkValues(values, "payload.values", { nan: "allow" });
  if (!values.some((v) => v === v))
    throw new SchemaError("payload.values has no finite value (all NaN)");
  return { title, quantity, unit, nNeurons, nTimes, tStart_s, dt_s, labels, values };
}
