/** `display()` / `clearOutput()`: outputs in the current cell, updatable by display id. */
import { randomUUID } from "node:crypto";
import { currentCellOutput, toMimeBundle, type CellOutput, type MimeBundle } from "./output.js";

/** Options of {@link display}. */
export interface DisplayOptions {
  /** Display id to use (default: a fresh UUID); displays sharing an id update together. */
  displayId?: string;
  /** Metadata published with the bundle (e.g. `{ "image/png": { width: 200 } }`). */
  metadata?: Record<string, unknown>;
  /** Treat `obj` as a ready MIME bundle (`{ "text/html": "<b>hi</b>" }`) instead of a value. */
  raw?: boolean;
}

/** A published display that can be replaced in place. */
export interface DisplayHandle {
  /** The Jupyter display id (transient.display_id). */
  readonly displayId: string;
  /** Replaces every output showing this display with `obj` (update_display_data). */
  update(obj: unknown, options?: Omit<DisplayOptions, "displayId">): void;
}

function output(): CellOutput {
  const out = currentCellOutput();
  if (!out) throw new Error("neurolab-kernel: display() only works inside a neurolab kernel");
  return out;
}

function publish(obj: unknown, options: DisplayOptions, displayId: string, update: boolean): void {
  const data = options.raw ? (obj as MimeBundle) : toMimeBundle(obj);
  output().display(
    { data, metadata: options.metadata ?? {}, transient: { display_id: displayId } },
    update,
  );
}

/**
 * Shows `obj` in the current cell's output (display_data): the bundle from its
 * `[Symbol.for("jupyter.mimebundle")]()` method, else `text/plain`. Returns a handle
 * whose `update(obj)` re-renders the same output.
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * import { display } from "neurolab-kernel";
 * const net = new Network({ seed: 1 });
 * const spikes = net.monitorSpikes([net.addPoisson("in", { size: 20, rate_Hz: 10 })]);
 * net.run(500);
 * const h = display(spikes.raster()); // shown now, in this cell
 * h.update(spikes.raster({ title: "later" })); // replaced in place
 * ```
 */
export function display(obj: unknown, options: DisplayOptions = {}): DisplayHandle {
  const displayId = options.displayId ?? randomUUID();
  publish(obj, options, displayId, false);
  return {
    displayId,
    update: (next, opts = {}) => publish(next, opts, displayId, true),
  };
}

/**
 * Clears the current cell's output; with `wait`, only once new output arrives (no flicker).
 *
 * @example
 * ```ts
 * import { clearOutput, display } from "neurolab-kernel";
 * for (let k = 0; k < 3; k++) {
 *   clearOutput(true); // cleared when the next output arrives (no flicker)
 *   display(`step ${k}`);
 * }
 * ```
 */
export function clearOutput(wait = false): void {
  output().clear(wait);
}
