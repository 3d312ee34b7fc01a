/**
 * Rich representations of values and the process-wide slot through which notebook code
 * reaches the output area of the cell being executed.
 */
import { inspect } from "node:util";

/** A Jupyter MIME bundle: MIME type -> data (a string, or a JSON value for JSON types). */
export type MimeBundle = Record<string, unknown>;

/**
 * The well-known symbol an object implements to provide its own MIME bundle:
 * `[Symbol.for("jupyter.mimebundle")](): MimeBundle`.
 */
export const MIMEBUNDLE: unique symbol = Symbol.for("jupyter.mimebundle");

/** An object that knows how to render itself in Jupyter. */
export interface RichDisplayable {
  [MIMEBUNDLE](): MimeBundle;
}

/**
 * The MIME bundle for `value`: its `[Symbol.for("jupyter.mimebundle")]()` result (binary
 * data base64-encoded, `text/plain` added when missing), else `text/plain` from
 * `util.inspect`, like the Node REPL.
 *
 * @example
 * ```ts
 * import { toMimeBundle } from "neurolab-kernel";
 * import { rsa } from "neurolab";
 * toMimeBundle(rsa.makeRdms([[1, 2, 3]])); // what the kernel sends for a cell's value: widget payload, SVG, text
 * ```
 */
export function toMimeBundle(value: unknown): MimeBundle {
  const method = value != null ? (value as Partial<RichDisplayable>)[MIMEBUNDLE] : undefined;
  const raw = typeof method === "function" ? method.call(value) : undefined;
  if (raw == null || typeof raw !== "object") return { "text/plain": inspect(value) };
  const bundle: MimeBundle = {};
  for (const [mime, data] of Object.entries(raw)) {
    bundle[mime] = data instanceof Uint8Array ? Buffer.from(data).toString("base64") : data;
  }
  bundle["text/plain"] ??= inspect(value);
  return bundle;
}

/** A display_data / update_display_data / execute_result payload. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

/** The output area of a cell; implemented by the kernel for the cell being executed. */
export interface CellOutput {
  /** Appends text to the cell's stdout or stderr. */
  stream(name: "stdout" | "stderr", text: string): void;
  /** Publishes display_data, or update_display_data when `update` is true. */
  display(content: DisplayContent, update: boolean): void;
  /** Publishes the cell's execute_result. */
  result(content: DisplayContent): void;
  /** Clears the cell's output (`wait`: only when new output arrives). */
  clear(wait: boolean): void;
}

// A global slot (not a module variable) so that every copy of this module shares it.
const SLOT = Symbol.for("neurolab-kernel.cell-output");
type Slot = { [SLOT]?: CellOutput };

/** Routes outputs to `output` from now on (the kernel calls this when a cell starts). */
export function setCellOutput(output: CellOutput | undefined): void {
  (globalThis as Slot)[SLOT] = output;
}

/** The output area of the current (or, after it finished, the last) cell, if any. */
export function currentCellOutput(): CellOutput | undefined {
  return (globalThis as Slot)[SLOT];
}
