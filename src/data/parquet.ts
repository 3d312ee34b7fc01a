/**
 * Parquet files as arquero tables, read with hyparquet (pure JavaScript; snappy built in).
 * Nested list columns come back as one array per row.
 */
import { makeTable, type Table } from "./tables.js";
import { describeValue } from "../core/validate.js";

/** A Parquet file: a local path, or its bytes. */
export type ParquetInput = string | Uint8Array | ArrayBuffer;

/** Options of {@link readParquetRows} and {@link readParquetTable}. */
export interface ParquetReadOptions {
  /** Columns to read (top-level names). Default all. */
  columns?: readonly string[];
  /** First row (inclusive, >= 0). Default 0. */
  rowStart?: number;
  /** Last row (exclusive). Default the number of rows. */
  rowEnd?: number;
}

/** Column names and row count of a Parquet file (reads only the footer). */
export interface ParquetInfo {
  readonly columns: readonly string[];
  readonly numRows: number;
}

/** hyparquet is an ES module: loaded with a dynamic import (works from CommonJS on every Node). */
function hyparquet() {
  return import("hyparquet");
}

async function asyncBuffer(input: ParquetInput) {
  const h = await hyparquet();
  if (typeof input === "string") {
    try {
      return await h.asyncBufferFromFile(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === "EISDIR" ? `${input} is a directory, not a Parquet file` : `cannot read the Parquet file ${input}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (input instanceof ArrayBuffer) return input;
  if (input instanceof Uint8Array) return input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength) as ArrayBuffer;
  throw new TypeError(`input must be a file path, a Uint8Array or an ArrayBuffer, got ${describeValue(input)}`);
}

/** Runs a hyparquet read, naming the input when its content is not Parquet. */
async function named<T>(input: ParquetInput, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const what = typeof input === "string" ? input : input instanceof ArrayBuffer || input instanceof Uint8Array ? `the ${input.constructor.name} of ${input.byteLength} bytes` : "the input";
    if ((e as NodeJS.ErrnoException).code === "EISDIR") throw new Error(`${what} is a directory, not a Parquet file`, { cause: e });
    if (e instanceof Error && /parquet/i.test(e.message) && !e.message.includes(what)) throw new Error(`${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * Column names (top level) and number of rows of a Parquet file.
 *
 * @example
 * ```ts no-run
 * import { data } from "neurolab";
 * const info = await data.parquetInfo("activity.parquet");
 * info.columns; info.numRows;
 * ```
 */
export async function parquetInfo(input: ParquetInput): Promise<ParquetInfo> {
  const h = await hyparquet();
  const metadata = await named(input, async () => h.parquetMetadataAsync(await asyncBuffer(input)));
  const schema = h.parquetSchema(metadata);
  return { columns: schema.children.map((c) => c.element.name), numRows: Number(metadata.num_rows) };
}

/**
 * Rows of a Parquet file as plain objects.
 *
 * @example
 * ```ts no-run
 * import { data } from "neurolab";
 * const rows = await data.readParquetRows("activity.parquet", { columns: ["neuron", "t_s"], rowEnd: 100 });
 * ```
 */
export async function readParquetRows(input: ParquetInput, opts: ParquetReadOptions = {}): Promise<Record<string, unknown>[]> {
  const h = await hyparquet();
  const file = await asyncBuffer(input);
  return named(input, () =>
    h.parquetReadObjects({
      file,
      columns: opts.columns ? [...opts.columns] : undefined,
      rowStart: opts.rowStart,
      rowEnd: opts.rowEnd,
    }),
  );
}

/**
 * A Parquet file (or a column / row subset of it) as an arquero table.
 *
 * @example
 * ```ts no-run
 * import { data } from "neurolab";
 * const table = await data.readParquetTable("activity.parquet");
 * table.numRows(); // an arquero table
 * ```
 */
export async function readParquetTable(input: ParquetInput, opts: ParquetReadOptions = {}): Promise<Table> {
  const rows = await readParquetRows(input, opts);
  const names = opts.columns ? [...opts.columns] : (await parquetInfo(input)).columns;
  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = rows.map((r) => normalizeValue(r[name]));
  return makeTable(columns);
}

/** BigInt values that fit a double become numbers (parquet INT64 columns). */
function normalizeValue(v: unknown): unknown {
  return typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
