/**
 * The homogenized C. elegans neural-activity dataset of Simeon et al. 2024 (HuggingFace
 * `qsimeon/celegans_neural_data`, file `worm_data_short.parquet`): one row per
 * dataset x worm x neuron with calcium traces resampled to dt = 0.333 s. Loaded as an arquero
 * table, and turned into one time x neuron matrix per worm in the dataset's 300-neuron order.
 */
import { sourcePath, type DataLocationOptions } from "../data/fetch.js";
import { readParquetTable, type ParquetInput } from "../data/parquet.js";
import type { DataSource } from "../data/sources.js";
import type { Table } from "../data/tables.js";
import { NEURON_NAMES, normalizeCellName } from "./cells.js";
import { checkArrayLike, checkOptions, checkString, describeValue } from "../core/validate.js";

/** Facts about the activity dataset. */
export const CELEGANS_ACTIVITY = {
  /** HuggingFace dataset repository. */
  repository: "qsimeon/celegans_neural_data",
  /** File with every worm's traces (about 670 MB). */
  file: "worm_data_short.parquet",
  /** Resampled time step, s. */
  dt_s: 0.333,
  citation:
    "Simeon Q, Kashyap A, Kording KP, Boyden ES (2024) Homogenized C. elegans neural activity and connectivity data. arXiv:2411.12091",
} as const;

/**
 * The dataset's neuron order ("slots" 0-299): the 302 hermaphrodite neurons without CANL and
 * CANR, sorted as plain strings (the order of the Simeon et al. master sheet).
 */
export const ACTIVITY_NEURON_ORDER: readonly string[] = NEURON_NAMES.filter(
  (n) => n !== "CANL" && n !== "CANR",
);

/** Columns read by default: the row index columns and the resampled traces. */
export const ACTIVITY_DEFAULT_COLUMNS: readonly string[] = [
  "source_dataset",
  "worm",
  "neuron",
  "slot",
  "is_labeled_neuron",
  "calcium_data",
  "time_in_seconds",
];

/**
 * A pinned source for the activity file: the HuggingFace download URL at a given dataset
 * revision (commit hash) and the file's SHA-256 (shown as the LFS object's SHA256 on the
 * file's HuggingFace page). Cached at `celegans/worm_data_short.parquet`.
 *
 * @example
 * ```ts no-run
 * import { connectome } from "neurolab";
 * const source = connectome.celegansActivitySource({ revision: "<commit>", sha256: "<hash>" }); // pin a release
 * ```
 */
export function celegansActivitySource(pin: { revision: string; sha256: string }): DataSource {
  checkOptions(pin, ["revision", "sha256"], "pin");
  if (pin === undefined) throw new TypeError("pin must be { revision, sha256 }, got undefined");
  if (typeof pin.revision !== "string" || !/^[0-9a-f]{40}$/.test(pin.revision))
    throw new RangeError(
      `revision must be a 40-hex-digit commit hash, got ${describeValue(pin.revision)}`,
    );
  if (typeof pin.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(pin.sha256))
    throw new RangeError(
      `sha256 must be 64 lower-case hex digits, got ${describeValue(pin.sha256)}`,
    );
  return {
    id: "simeon2024_activity",
    path: `celegans/${CELEGANS_ACTIVITY.file}`,
    url: `https://huggingface.co/datasets/${CELEGANS_ACTIVITY.repository}/resolve/${pin.revision}/${CELEGANS_ACTIVITY.file}`,
    sha256: pin.sha256,
    description:
      "Homogenized C. elegans calcium imaging, one row per dataset x worm x neuron, dt = 0.333 s",
    citation: CELEGANS_ACTIVITY.citation,
    license: "MIT (HuggingFace dataset card)",
  };
}

/** Options of {@link loadActivityTable}. */
export interface ActivityLoadOptions {
  /** Columns to read. Default {@link ACTIVITY_DEFAULT_COLUMNS}. */
  columns?: readonly string[];
  /** Where a {@link DataSource} input is looked for / downloaded (see `sourcePath`). */
  location?: DataLocationOptions;
}

/**
 * The activity dataset (or a file in its schema) as an arquero table, one row per
 * dataset x worm x neuron; list columns (traces) hold one array per row.
 *
 * @example
 * ```ts no-run
 * import { connectome } from "neurolab";
 * const table = await connectome.loadActivityTable("worm_data_short.parquet");
 * ```
 */
export async function loadActivityTable(
  input: ParquetInput | DataSource,
  opts: ActivityLoadOptions = {},
): Promise<Table> {
  const file = isSource(input) ? await sourcePath(input, opts.location) : input;
  return readParquetTable(file, { columns: opts.columns ?? ACTIVITY_DEFAULT_COLUMNS });
}

/** One worm's recording in the dataset's neuron order. */
export interface WormRecording {
  /** Source dataset, e.g. "Kato2015". */
  readonly dataset: string;
  /** Worm identifier within the dataset, e.g. "worm0". */
  readonly worm: string;
  /** Number of time points. */
  readonly steps: number;
  /** Sample times, s (from `time_in_seconds`, else k * dt). */
  readonly time_s: Float64Array;
  /** Neuron names of the columns ({@link ACTIVITY_NEURON_ORDER}). */
  readonly neurons: readonly string[];
  /** Traces, row-major steps x 300: entry [t * 300 + slot]; NaN for neurons not recorded. */
  readonly data: Float64Array;
  /** 1 where the neuron of that slot was recorded (and labelled) in this worm. */
  readonly recorded: Uint8Array;
}

/** Options of {@link wormRecordings}. */
export interface WormRecordingOptions {
  /** Trace column. Default "calcium_data" (also e.g. "smooth_calcium_data", "residual_calcium"). */
  signal?: string;
}

/**
 * Per-worm matrices from an activity table. Only labelled neurons are placed (at their `slot`,
 * checked against the neuron name); unlabelled rows are skipped. Worms keep their order of
 * first appearance. Throws when a labelled row's slot and name disagree, or when traces of one
 * worm differ in length.
 *
 * @example
 * ```ts no-run
 * import { connectome } from "neurolab";
 * const worms = connectome.wormRecordings(await connectome.loadActivityTable("worm_data_short.parquet"));
 * worms[0].neurons; worms[0].data; // steps x neurons; `recorded` marks the neurons measured
 * ```
 */
export function wormRecordings(table: Table, opts: WormRecordingOptions = {}): WormRecording[] {
  if (
    table === null ||
    typeof table !== "object" ||
    typeof (table as Partial<Table>).columnNames !== "function"
  ) {
    throw new TypeError(
      `table must be an arquero table (from loadActivityTable), got ${describeValue(table)}`,
    );
  }
  const signal = checkString(
    checkOptions(opts, ["signal"], "wormRecordings options").signal,
    "signal",
    "calcium_data",
  );
  const names = table.columnNames();
  for (const col of ["source_dataset", "worm", "neuron", "slot", "is_labeled_neuron", signal]) {
    if (!names.includes(col))
      throw new RangeError(
        `table must have a column ${describeValue(col)}; columns: ${names.join(", ")}`,
      );
  }
  const dataset = table.array("source_dataset") as ArrayLike<string>;
  const worm = table.array("worm") as ArrayLike<string>;
  const neuron = table.array("neuron") as ArrayLike<string>;
  const slot = table.array("slot") as ArrayLike<number>;
  const labeled = table.array("is_labeled_neuron") as ArrayLike<boolean>;
  const traces = table.array(signal) as ArrayLike<ArrayLike<number>>;
  const times = names.includes("time_in_seconds")
    ? (table.array("time_in_seconds") as ArrayLike<ArrayLike<number>>)
    : null;
  const nSlots = ACTIVITY_NEURON_ORDER.length;

  const groups = new Map<string, number[]>();
  for (let r = 0; r < table.numRows(); r++) {
    const key = `${dataset[r]}\u0000${worm[r]}`;
    let rows = groups.get(key);
    if (!rows) groups.set(key, (rows = []));
    rows.push(r);
  }
  const out: WormRecording[] = [];
  for (const rows of groups.values()) {
    const first = rows[0];
    const steps = checkArrayLike(traces[first], `${signal} of row ${first}`).length;
    const data = new Float64Array(steps * nSlots).fill(NaN);
    const recorded = new Uint8Array(nSlots);
    for (const r of rows) {
      const where = `${dataset[r]} ${worm[r]} ${neuron[r]}`;
      if (checkArrayLike(traces[r], `${signal} of row ${r}`).length !== steps)
        throw new RangeError(
          `${signal} of ${where} has ${traces[r].length} samples, expected ${steps} as the worm's other neurons`,
        );
      if (!labeled[r]) continue;
      const s = Number(slot[r]);
      if (!(Number.isInteger(s) && s >= 0 && s < nSlots))
        throw new RangeError(
          `slot of ${where} must be an integer in [0, ${nSlots - 1}], got ${slot[r]}`,
        );
      const expected = ACTIVITY_NEURON_ORDER[s];
      if (normalizeCellName(String(neuron[r])) !== expected)
        throw new RangeError(
          `slot ${s} of ${where} is ${expected} in the dataset's neuron order, not ${neuron[r]}`,
        );
      const trace = traces[r];
      for (let t = 0; t < steps; t++) data[t * nSlots + s] = trace[t];
      recorded[s] = 1;
    }
    const time_s =
      times && times[first].length === steps
        ? Float64Array.from(times[first])
        : Float64Array.from({ length: steps }, (_, t) => t * CELEGANS_ACTIVITY.dt_s);
    out.push({
      dataset: String(dataset[first]),
      worm: String(worm[first]),
      steps,
      time_s,
      neurons: ACTIVITY_NEURON_ORDER,
      data,
      recorded,
    });
  }
  return out;
}

function isSource(x: unknown): x is DataSource {
  return typeof x === "object" && x !== null && "url" in x && "sha256" in x && "path" in x;
}
