/**
 * The kernel's interrupt signal: an AbortSignal that the kernel aborts when the notebook's
 * stop button sends SIGINT (or the memory guard fires), so that cooperative code such as
 * `net.runAsync(..., { signal })` stops at a safe point.
 */

/**
 * The error a run stopped by the kernel is reported as (and the abort reason).
 *
 * @example
 * ```ts
 * import { KeyboardInterrupt } from "neurolab-kernel";
 * try {
 *   await someLongComputation();
 * } catch (e) {
 *   if (e instanceof KeyboardInterrupt) console.log("stopped by the user"); // as Python's KeyboardInterrupt
 *   else throw e;
 * }
 * declare function someLongComputation(): Promise<void>;
 * ```
 */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
}

interface InterruptState {
  controller: AbortController;
  /** Whether the current signal was handed out (someone may be waiting on it). */
  handedOut: boolean;
}

// A global slot (not a module variable) so that every copy of this module shares it.
const SLOT = Symbol.for("neurolab-kernel.interrupt");
type Slot = { [SLOT]?: InterruptState };

function state(): InterruptState {
  return ((globalThis as Slot)[SLOT] ??= { controller: new AbortController(), handedOut: false });
}

/**
 * The signal the kernel aborts at the next interrupt (■ / SIGINT), e.g.
 * `await net.runAsync(1000, { signal: interruptSignal() })`. Every interrupt aborts the
 * current signal and starts a new one, so get it right before each run. Outside the
 * kernel it is never aborted.
 *
 * @example
 * ```ts
 * import { interruptSignal } from "neurolab-kernel";
 * const signal = interruptSignal(); // aborted when the user presses the stop button
 * for (let k = 0; k < 1e6 && !signal.aborted; k++) {
 *   // ... a long loop of your own that stops cleanly
 * }
 * ```
 */
export function interruptSignal(): AbortSignal {
  const s = state();
  s.handedOut = true;
  return s.controller.signal;
}

/**
 * Kernel side: aborts the current interrupt signal with `reason` and starts a fresh one.
 * @returns whether the aborted signal had been handed out.
 */
export function abortInterruptSignal(reason: unknown): boolean {
  const s = state();
  const handedOut = s.handedOut;
  const old = s.controller;
  s.controller = new AbortController();
  s.handedOut = false;
  old.abort(reason);
  return handedOut;
}
