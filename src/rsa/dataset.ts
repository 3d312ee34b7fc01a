/**
 * Datasets for representational similarity analysis: a matrix of measurements
 * (observations x channels, row-major Float64Array) with descriptors per observation
 * (condition, run/session, subject, ...) and per channel. Mirrors rsatoolbox's `Dataset`.
 */
import { checkArrayLike, checkNumberArray, checkOptions, describeValue } from "../core/validate.js";
import {
  checkDescriptors,
  groupBy,
  pickDescriptors,
  type DescriptorValue,
  type Descriptors,
} from "./descriptors.js";
import { describeName } from "../core/describe.js";

/** Measurements with descriptors. `measurements[o * nChannels + c]` is observation `o`, channel `c`. */
export interface Dataset {
  readonly measurements: Float64Array;
  readonly nObservations: number;
  readonly nChannels: number;
  /** One value per observation for each descriptor (e.g. `condition`, `run`). */
  readonly obsDescriptors: Descriptors;
  /** One value per channel for each descriptor (e.g. `voxel`, `roi`). */
  readonly channelDescriptors: Descriptors;
  /** Dataset-wide descriptors (e.g. `subject`). */
  readonly descriptors: Readonly<Record<string, DescriptorValue>>;
}

/** Options of {@link makeDataset}. */
export interface DatasetOptions {
  obsDescriptors?: Record<string, readonly DescriptorValue[]>;
  channelDescriptors?: Record<string, readonly DescriptorValue[]>;
  descriptors?: Record<string, DescriptorValue>;
}

/**
 * Builds a dataset from rows of measurements (`number[][]`, observations x channels) or from a
 * row-major Float64Array with an explicit `nChannels`. NaN measurements are allowed and
 * propagate (see the README); infinities are rejected.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const ds = rsa.makeDataset([[1, 2], [2, 1], [1, 2.5], [2, 0.5]], {
 *   obsDescriptors: { condition: ["a", "b", "a", "b"], run: [0, 0, 1, 1] },
 * });
 * rsa.calcRdm(ds, { descriptor: "condition" }).nConditions; // 2
 * ```
 */
export function makeDataset(
  measurements: readonly (readonly number[])[] | Float64Array,
  opts: DatasetOptions & { nChannels?: number } = {},
): Dataset {
  checkOptions(
    opts,
    ["obsDescriptors", "channelDescriptors", "descriptors", "nChannels"],
    "makeDataset options",
  );
  checkArrayLike(measurements, "measurements");
  if (!(measurements instanceof Float64Array)) {
    for (let o = 0; o < measurements.length; o++) {
      const row = checkArrayLike<unknown>(measurements[o], `measurements[${o}]`);
      for (let c = 0; c < row.length; c++) {
        if (typeof row[c] !== "number")
          throw new TypeError(
            `measurements[${o}][${c}] must be a number (NaN for missing), got ${describeValue(row[c])}`,
          );
      }
    }
  }
  let data: Float64Array;
  let nObs: number;
  let nChannels: number;
  if (measurements instanceof Float64Array) {
    nChannels = opts.nChannels ?? NaN;
    if (!(Number.isInteger(nChannels) && nChannels >= 1 && measurements.length % nChannels === 0)) {
      throw new RangeError(
        `nChannels must be a positive integer dividing measurements.length (${measurements.length}), got ${opts.nChannels}`,
      );
    }
    data = Float64Array.from(measurements);
    nObs = measurements.length / nChannels;
  } else {
    nObs = measurements.length;
    nChannels = nObs > 0 ? measurements[0].length : 0;
    data = new Float64Array(nObs * nChannels);
    for (let o = 0; o < nObs; o++) {
      const row = measurements[o];
      if (row.length !== nChannels)
        throw new RangeError(
          `measurements[${o}] must have ${nChannels} channels (as row 0), got ${row.length}`,
        );
      for (let c = 0; c < nChannels; c++) data[o * nChannels + c] = row[c];
    }
  }
  if (nObs < 1 || nChannels < 1)
    throw new RangeError(
      `measurements must have at least 1 observation and 1 channel, got ${nObs} x ${nChannels}`,
    );
  for (let i = 0; i < data.length; i++) {
    if (data[i] === Infinity || data[i] === -Infinity) {
      throw new RangeError(
        `measurements[${Math.floor(i / nChannels)}][${i % nChannels}] must be finite or NaN, got ${data[i]}`,
      );
    }
  }
  return Object.freeze({
    measurements: data,
    nObservations: nObs,
    nChannels,
    obsDescriptors: checkDescriptors(
      opts.obsDescriptors as Record<string, DescriptorValue[]>,
      nObs,
      "obsDescriptors",
    ),
    channelDescriptors: checkDescriptors(
      opts.channelDescriptors as Record<string, DescriptorValue[]>,
      nChannels,
      "channelDescriptors",
    ),
    descriptors: Object.freeze({ ...(opts.descriptors ?? {}) }),
  });
}

/**
 * Checks a dataset argument `name` (O(1): its shape): RangeError/TypeError naming it otherwise.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const ds = rsa.checkDataset(rsa.makeDataset([[1, 2]]), "patterns"); // throws naming "patterns" if malformed
 * ```
 */
export function checkDataset(x: unknown, name = "dataset"): Dataset {
  name = describeName(name);
  const d = x as Dataset;
  if (
    d === null ||
    typeof d !== "object" ||
    !(d.measurements instanceof Float64Array) ||
    d.obsDescriptors === undefined
  ) {
    throw new TypeError(
      `${name} must be a dataset (from makeDataset or datasetFromTable), got ${describeValue(x)}`,
    );
  }
  if (!(
    Number.isInteger(d.nChannels) &&
    d.nChannels >= 1 &&
    Number.isInteger(d.nObservations) &&
    d.measurements.length === d.nObservations * d.nChannels
  )) {
    throw new RangeError(
      `${name}: measurements must hold nObservations x nChannels values, got ${d.nObservations} x ${d.nChannels} and ${d.measurements.length}`,
    );
  }
  return d;
}

/** The columns an arquero table must offer to be read (structural, so any arquero version works). */
export interface TableLike {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}

/**
 * Builds a dataset from an arquero table in wide format: one row per observation, the
 * `channels` columns are measurements, the `obsDescriptors` columns become observation
 * descriptors (e.g. `["condition", "run"]`).
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { rsa } from "neurolab";
 * const table = aq.table({ stimulus: ["face", "house", "face"], v1: [1, 4, 2], v2: [0, 1, 1] });
 * const ds = rsa.datasetFromTable(table, { channels: ["v1", "v2"], obsDescriptors: ["stimulus"] });
 * rsa.calcRdm(ds, { descriptor: "stimulus" });
 * ```
 */
export function datasetFromTable(
  table: TableLike,
  opts: {
    channels: readonly string[];
    obsDescriptors?: readonly string[];
    descriptors?: Record<string, DescriptorValue>;
  },
): Dataset {
  if (table === null || typeof table !== "object" || typeof table.columnNames !== "function")
    throw new TypeError(`table must be an arquero table, got ${describeValue(table)}`);
  if (opts === null || typeof opts !== "object" || !Array.isArray(opts.channels))
    throw new TypeError("opts.channels must be an array of column names");
  const names = new Set(table.columnNames());
  for (const c of [...opts.channels, ...(opts.obsDescriptors ?? [])]) {
    if (!names.has(c))
      throw new RangeError(
        `table has no column ${describeValue(c)} (columns: ${[...names].join(", ")})`,
      );
  }
  const nObs = table.numRows();
  const nChannels = opts.channels.length;
  const data = new Float64Array(nObs * nChannels);
  opts.channels.forEach((name, c) => {
    const col = table.array(name);
    for (let o = 0; o < nObs; o++) {
      const v = col[o];
      data[o * nChannels + c] = v === null || v === undefined ? NaN : Number(v);
    }
  });
  const obsDescriptors: Record<string, DescriptorValue[]> = {};
  for (const name of opts.obsDescriptors ?? [])
    obsDescriptors[name] = Array.from(table.array(name), (v) =>
      typeof v === "number" ? v : String(v),
    );
  return makeDataset(data, {
    nChannels,
    obsDescriptors,
    channelDescriptors: { channel: [...opts.channels] },
    descriptors: opts.descriptors,
  });
}

/**
 * Observation descriptor `name` of `dataset`, or a RangeError listing the available ones.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const ds = rsa.makeDataset([[1], [2]], { obsDescriptors: { condition: ["x", "y"] } });
 * rsa.obsDescriptor(ds, "condition"); // ["x", "y"]
 * ```
 */
export function obsDescriptor(dataset: Dataset, name: string): readonly DescriptorValue[] {
  checkDataset(dataset);
  const col = dataset.obsDescriptors[name];
  if (!col)
    throw new RangeError(
      `descriptor must name an observation descriptor (${Object.keys(dataset.obsDescriptors).join(", ") || "none"}), got ${describeValue(name)}`,
    );
  return col;
}

/**
 * The observations `indices` of a dataset (descriptors follow).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const ds = rsa.makeDataset([[1, 0], [0, 1], [1, 1]]);
 * rsa.subsetObservations(ds, [0, 2]).nObservations; // 2
 * ```
 */
export function subsetObservations(dataset: Dataset, indices: readonly number[]): Dataset {
  checkDataset(dataset);
  checkNumberArray(indices, "indices", { integer: true, min: 0, max: dataset.nObservations - 1 });
  const c = dataset.nChannels;
  const data = new Float64Array(indices.length * c);
  indices.forEach((o, k) => {
    if (!(Number.isInteger(o) && o >= 0 && o < dataset.nObservations))
      throw new RangeError(
        `indices[${k}] must be an integer in [0, ${dataset.nObservations - 1}], got ${o}`,
      );
    data.set(dataset.measurements.subarray(o * c, o * c + c), k * c);
  });
  return makeDataset(data, {
    nChannels: c,
    obsDescriptors: pickDescriptors(dataset.obsDescriptors, indices) as Record<
      string,
      DescriptorValue[]
    >,
    channelDescriptors: dataset.channelDescriptors as Record<string, DescriptorValue[]>,
    descriptors: dataset.descriptors,
  });
}

/** Per-condition averages: `means` is labels.length x nChannels (row-major), `counts` the observations per label. */
export interface Averages {
  readonly means: Float64Array;
  readonly labels: DescriptorValue[];
  readonly counts: Int32Array;
}

/**
 * Averages the observations of a dataset per value of an observation descriptor (labels sorted).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const ds = rsa.makeDataset([[1, 2], [3, 4], [10, 20]], { obsDescriptors: { condition: ["a", "a", "b"] } });
 * rsa.averageBy(ds, "condition"); // means [2, 3, 10, 20], labels ["a", "b"], counts [2, 1]
 * ```
 */
export function averageBy(dataset: Dataset, descriptor: string): Averages {
  checkDataset(dataset);
  const { labels, groupOf } = groupBy(obsDescriptor(dataset, descriptor));
  return averageGroups(dataset.measurements, dataset.nChannels, groupOf, labels.length, labels);
}

/**
 * Averages rows of a row-major matrix by group index (rows with `groupOf[o] < 0` are skipped).
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * const x = new Float64Array([1, 2, 3, 4, 10, 20]); // 3 rows x 2 channels
 * rsa.averageGroups(x, 2, new Int32Array([0, 0, 1]), 2, ["a", "b"]).means; // [2, 3, 10, 20]
 * ```
 */
export function averageGroups(
  x: Float64Array,
  nChannels: number,
  groupOf: Int32Array,
  nGroups: number,
  labels: DescriptorValue[],
): Averages {
  const means = new Float64Array(nGroups * nChannels);
  const counts = new Int32Array(nGroups);
  for (let o = 0; o < groupOf.length; o++) {
    const g = groupOf[o];
    if (g < 0) continue;
    counts[g]++;
    const src = o * nChannels;
    const dst = g * nChannels;
    for (let c = 0; c < nChannels; c++) means[dst + c] += x[src + c];
  }
  for (let g = 0; g < nGroups; g++) {
    for (let c = 0; c < nChannels; c++)
      means[g * nChannels + c] = counts[g] > 0 ? means[g * nChannels + c] / counts[g] : NaN;
  }
  return { means, labels, counts };
}
