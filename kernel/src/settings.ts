/** Kernel settings notebooks can change at run time. */

/** How type errors are handled: "error" stops the cell (default), "warn" runs it anyway. */
export type TypeCheckMode = "error" | "warn";

// A global slot (not a module variable) so that every copy of this module shares it.
const SLOT = Symbol.for("neurolab-kernel.type-check");
type Slot = { [SLOT]?: TypeCheckMode };

/**
 * Sets (and returns) how the kernel treats type errors in the following cells: `"error"`
 * (default) reports them and runs nothing, `"warn"` runs the cell anyway and shows them as a
 * warning, like a `%%nocheck` first line does for one cell. Without an argument, returns the
 * current mode.
 *
 * @example
 * ```ts
 * import { typeCheck } from "neurolab-kernel";
 * typeCheck("warn");   // explore freely: type errors are shown, cells still run
 * typeCheck("error");  // back to the default
 * ```
 */
export function typeCheck(mode?: TypeCheckMode): TypeCheckMode {
  if (mode !== undefined) {
    if (mode !== "error" && mode !== "warn") {
      throw new RangeError(
        `typeCheck(mode): mode must be "error" or "warn", got ${JSON.stringify(mode)}`,
      );
    }
    (globalThis as Slot)[SLOT] = mode;
  }
  return (globalThis as Slot)[SLOT] ?? "error";
}
