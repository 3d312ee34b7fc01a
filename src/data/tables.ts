/**
 * Access to arquero (an ES module) from this CommonJS library. Tables are typed structurally by
 * {@link Table}: the objects are real arquero `ColumnTable`s, so every arquero verb works on them
 * (cast to arquero's `ColumnTable` type in ESM code for full typing). Requires Node >= 20.19
 * (synchronous `require` of ES modules).
 */

/** An arquero `ColumnTable` (structural subset of its API). */
export interface Table {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  /** Values of one column as an array. */
  array(name: string): ArrayLike<unknown>;
  /** Rows as plain objects. */
  objects(options?: { limit?: number; offset?: number }): Record<string, unknown>[];
  /** Any other arquero verb (filter, derive, groupby, rollup, orderby, join, ...). */
  [verb: string]: unknown;
}

import { checkArrayLike, describeValue } from "../core/validate.js";

interface ArqueroModule {
  table(columns: Record<string, ArrayLike<unknown>>, names?: string[]): Table;
}

/**
 * Builds an arquero table from named columns (arrays or typed arrays of equal length).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.makeTable({ neuron: ["AVAL", "AVAR"], degree: [98, 95] }).numRows(); // 2
 * ```
 */
export function makeTable(columns: Record<string, ArrayLike<unknown>>): Table {
  if (columns === null || typeof columns !== "object" || Array.isArray(columns)) {
    throw new TypeError(`columns must be an object of named columns (arrays of equal length), got ${describeValue(columns)}`);
  }
  let rows = -1;
  for (const [name, col] of Object.entries(columns)) {
    const n = checkArrayLike(col, `columns.${name}`).length;
    if (rows >= 0 && n !== rows) throw new RangeError(`columns must have equal lengths: columns.${name} has ${n} values, the columns before it ${rows}`);
    rows = n;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aq = require("arquero") as ArqueroModule;
  return aq.table(columns);
}
