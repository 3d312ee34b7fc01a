/**
 * Live progress bars for simulations and loops: a display_data output updated in place
 * (update_display_data, throttled) with elapsed time and ETA, replaced by a summary line
 * when the work is done, interrupted or failed.
 *
 *     await net.runAsync(1000, progress("COBA"));   // bar, then "COBA: 1000 ms simulated in 1.8 s"
 *     const bar = progressBar(epochs, "training");  // for your own loops
 *     for (let i = 0; i < epochs; i++) { ...; bar.update(i + 1); }
 *     bar.done();
 */
import { display, type DisplayHandle } from "./display.js";
import { interruptSignal, KeyboardInterrupt } from "./interrupt.js";
import { currentCellOutput } from "./output.js";

/** A simulation's progress report (neurolab's `RunProgress`). */
export interface RunProgressReport {
  /** Steps done in this run. */
  step: number;
  /** Steps of this run. */
  steps: number;
  /** Network time, ms. */
  t_ms: number;
}

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Steps between the simulation's progress reports (default 10; redraws are throttled anyway). */
  progressEvery_steps?: number;
  /** Minimum wall time between two redraws, ms (default 150). */
  interval_ms?: number;
  /** Width of the text bar, characters (default 24). */
  width?: number;
  /**
   * Another signal that also stops the run, e.g. `AbortSignal.timeout(5000)` for a wall-time
   * budget (the run then rejects with an AbortError the cell can catch).
   */
  signal?: AbortSignal;
}

/**
 * Run options showing a progress bar: pass it as the options of `net.runAsync` / `net.run`.
 * `signal` is the kernel's interrupt signal, so the stop button ends a `runAsync` at a step
 * boundary. A plain object: spread it to add options (`{ ...progress("COBA"), yieldEvery_ms: 20 }`).
 */
export interface SimulationProgress {
  /** Receives the simulation's progress reports and redraws the bar. */
  onProgress: (p: RunProgressReport) => void;
  /**
   * The kernel's current interrupt signal (see `interruptSignal()`), combined with the
   * `signal` option if given; read when the run starts.
   */
  readonly signal: AbortSignal;
  /** Steps between progress reports. */
  progressEvery_steps: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Minimum wall time between two redraws, ms (default 150). */
  interval_ms?: number;
  /** Width of the text bar, characters (default 24). */
  width?: number;
  /** Unit of the counts, e.g. "epochs" (default none). */
  unit?: string;
}

/** A progress bar for a loop of `total` items. */
export interface ProgressBar {
  /** Number of items. */
  readonly total: number;
  /** The kernel's interrupt signal when the bar was created. */
  readonly signal: AbortSignal;
  /**
   * Shows `done` of `total` items (redraws at most every `interval_ms`, always at `total`);
   * `info` is appended (e.g. a loss). Throws a KeyboardInterrupt once the kernel was
   * interrupted (■) since the bar was created, so loops with `await`s stop here too.
   */
  update(done: number, info?: string): void;
  /** `update(current + n, info)`. */
  increment(n?: number, info?: string): void;
  /** Replaces the bar with a summary line (default: "label: N unit in T s"). */
  done(summary?: string): void;
}

// ---------------------------------------------------------------- rendering

const DEFAULT_INTERVAL_MS = 150;
const DEFAULT_WIDTH = 24;
const STYLE =
  "font-family:var(--jp-code-font-family,monospace);font-size:var(--jp-code-font-size,13px);line-height:1.6";

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Wall time: "0.4 s", "12.3 s", "2 min 05 s", "1 h 02 min". */
export function formatWall(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

const trim = (x: number, digits: number): string => String(Number(x.toFixed(digits)));

/** Simulated time: "350 ms", "12.5 ms", "20.0 s". */
function formatSim(ms: number): string {
  return ms < 10_000 ? `${trim(ms, 2)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "0.70/1.00 s sim" or "350/500 ms sim". */
function formatSimPair(done_ms: number, total_ms: number): string {
  return total_ms >= 1000
    ? `${(done_ms / 1000).toFixed(2)}/${(total_ms / 1000).toFixed(2)} s sim`
    : `${trim(done_ms, 1)}/${trim(total_ms, 1)} ms sim`;
}

const OPEN = Symbol.for("neurolab-kernel.open-progress-bars");
type Slot = { [OPEN]?: Set<Bar> };
const openBars = (): Set<Bar> => ((globalThis as Slot)[OPEN] ??= new Set());

/** One displayed bar: draws (throttled) and finishes with a summary. */
class Bar {
  private handle: DisplayHandle | undefined;
  private lastDraw = -Infinity;
  /** Time and fraction of the first draw, the reference of the ETA. */
  private first: { time: number; fraction: number } | undefined;
  private fraction = 0;
  /** Describes the progress, e.g. "0.70/1.00 s sim" (called only when drawing). */
  private detail: () => string = () => "";
  closed = false;

  constructor(
    private readonly label: string,
    readonly start: number,
    private readonly interval_ms: number,
    private readonly width: number,
  ) {
    openBars().add(this);
  }

  get elapsed(): number {
    return performance.now() - this.start;
  }

  /**
   * Shows `fraction` done, described by `detail()` (e.g. "0.70/1.00 s sim"); throttled (at most
   * every interval_ms) unless `force`. Cheap when throttled: called at every progress report.
   */
  draw(fraction: number, detail: () => string, force = false): void {
    if (this.closed) return;
    this.fraction = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
    this.detail = detail;
    const now = performance.now();
    if (!force && this.handle && now - this.lastDraw < this.interval_ms) return;
    this.lastDraw = now;
    const elapsed = now - this.start;
    const text = detail();
    // From the rate since the first draw (set-up time before it, e.g. building a network, excluded).
    this.first ??= { time: now, fraction: this.fraction };
    const rate = (this.fraction - this.first.fraction) / (now - this.first.time);
    const eta = rate > 0 ? (1 - this.fraction) / rate : Infinity;
    const pct = Math.floor(this.fraction * 100);
    const filled = Math.floor(this.fraction * this.width);
    const plain = [
      this.label,
      `${"█".repeat(filled)}${"░".repeat(this.width - filled)}`,
      `${pct}%`,
      `${text} · ${formatWall(elapsed)} elapsed · ETA ${formatWall(eta)}`,
    ].filter(Boolean);
    const html =
      `<div style="display:flex;align-items:center;gap:0.6em;${STYLE}">` +
      (this.label ? `<span>${escapeHtml(this.label)}</span>` : "") +
      `<progress value="${this.fraction.toFixed(4)}" max="1" style="width:16em"></progress>` +
      `<span>${pct}% · ${escapeHtml(text)} · ${formatWall(elapsed)} elapsed · ETA ${formatWall(eta)}</span></div>`;
    this.show({ "text/plain": plain.join(" "), "text/html": html });
  }

  /** Replaces the bar with `summary` and closes it. */
  finish(summary: string): void {
    if (this.closed) return;
    this.closed = true;
    openBars().delete(this);
    this.show({
      "text/plain": summary,
      "text/html": `<div style="${STYLE}">${escapeHtml(summary)}</div>`,
    });
  }

  /** Closes the bar with "label: <why> at P% (detail) after T s". */
  stop(why: string): void {
    const detail = this.detail();
    const where = `${Math.floor(this.fraction * 100)}%${detail ? ` (${detail})` : ""}`;
    this.finish(
      `${this.label ? `${this.label}: ` : ""}${why} at ${where} after ${formatWall(this.elapsed)}`,
    );
  }

  private show(bundle: Record<string, string>): void {
    if (!currentCellOutput()) return; // outside the kernel: silently no bar
    if (this.handle) this.handle.update(bundle, { raw: true });
    else this.handle = display(bundle, { raw: true });
  }
}

/**
 * Kernel side: closes the bars still open when a cell failed (`why`: "interrupted" or
 * "stopped by an error"), so they do not stay frozen with an ETA.
 */
export function stopOpenBars(why: string): void {
  for (const bar of [...openBars()]) bar.stop(why);
}

// ---------------------------------------------------------------- API

/**
 * Progress-bar run options for a simulation:
 * `await net.runAsync(1000, progress("COBA"))` shows
 * `COBA ███████░░░ 70% 0.70/1.00 s sim · 1.2 s elapsed · ETA 0.5 s`, updated in place at
 * most every `interval_ms`, and finally `COBA: 1000 ms simulated in 1.8 s`. The stop button
 * aborts `signal`: the run rejects with neurolab's AbortError at a step boundary (reported
 * as a KeyboardInterrupt) and the bar shows where it stopped.
 *
 * With the synchronous `net.run(1000, progress())` the bar is drawn too, but the kernel
 * cannot do anything else meanwhile (see the kernel README). The object can be reused for
 * several runs (each gets its own bar). Outside the kernel it shows nothing.
 *
 * @example
 * ```ts
 * import { cobaNetwork } from "neurolab";
 * import { progress } from "neurolab-kernel";
 * const { net } = cobaNetwork({ seed: 1 });
 * await net.runAsync(10_000, progress("COBA")); // a live bar with ETA; the stop button halts at a step boundary
 * ```
 */
export function progress(label = "", opts: ProgressOptions = {}): SimulationProgress {
  const interval_ms = opts.interval_ms ?? DEFAULT_INTERVAL_MS;
  const width = opts.width ?? DEFAULT_WIDTH;
  const created = performance.now();
  let bar: Bar | undefined;
  let lastStep = 0;
  let lastT = 0;
  let dt: number | undefined;
  let hooked: { kernel: AbortSignal; signal: AbortSignal } | undefined;

  let lastSteps = 0;
  const detail = (): string =>
    dt !== undefined
      ? formatSimPair(lastStep * dt, lastSteps * dt)
      : `${lastStep}/${lastSteps} steps`;

  const onProgress = ({ step, steps, t_ms }: RunProgressReport): void => {
    if (!bar || bar.closed || step <= lastStep) {
      // A new run: the first bar counts from progress() (it includes building the network).
      bar = new Bar(label, bar ? performance.now() : created, interval_ms, width);
      lastStep = 0;
      dt = undefined;
    } else if (dt === undefined && lastStep > 0) {
      dt = (t_ms - lastT) / (step - lastStep);
    }
    lastStep = step;
    lastSteps = steps;
    lastT = t_ms;
    // The first report only gives the time step (dt) with the second one.
    if (step < steps) return dt !== undefined ? bar.draw(step / steps, detail) : undefined;
    const what = dt !== undefined ? formatSim(steps * dt) : `${steps} steps`;
    bar.finish(`${label ? `${label}: ` : ""}${what} simulated in ${formatWall(bar.elapsed)}`);
  };

  return {
    onProgress,
    progressEvery_steps: opts.progressEvery_steps ?? 10,
    get signal(): AbortSignal {
      const kernel = interruptSignal();
      if (hooked?.kernel !== kernel) {
        const signal = opts.signal ? AbortSignal.any([kernel, opts.signal]) : kernel;
        signal.addEventListener("abort", () => bar?.stop("interrupted"), { once: true });
        hooked = { kernel, signal };
      }
      return hooked.signal;
    },
  };
}

/**
 * A progress bar for your own loops (e.g. training):
 *
 *     const bar = progressBar(epochs, "training", { unit: "epochs" });
 *     for (let e = 0; e < epochs; e++) { const loss = await trainEpoch(); bar.update(e + 1, `loss ${loss.toFixed(3)}`); }
 *     bar.done();   // "training: 20 epochs in 3.1 s"
 *
 * @example
 * ```ts
 * import { progressBar } from "neurolab-kernel";
 * const bar = progressBar(100, "fitting");
 * for (let k = 0; k < 100; k++) {
 *   // ... one unit of work
 *   bar.update(k + 1);
 * }
 * bar.done(); // a summary line replaces the bar
 * ```
 */
export function progressBar(total: number, label = "", opts: ProgressBarOptions = {}): ProgressBar {
  if (!(Number.isFinite(total) && total > 0))
    throw new RangeError(`total must be a positive number, got ${total}`);
  const unit = opts.unit ? ` ${opts.unit}` : "";
  const bar = new Bar(
    label,
    performance.now(),
    opts.interval_ms ?? DEFAULT_INTERVAL_MS,
    opts.width ?? DEFAULT_WIDTH,
  );
  const signal = interruptSignal();
  let count = 0;
  let info: string | undefined;
  const counts = (): string => `${trim(count, 3)}/${trim(total, 3)}${unit}`;
  const detail = (): string => (info ? `${counts()} · ${info}` : counts());
  const self: ProgressBar = {
    total,
    signal,
    update(done, text) {
      if (signal.aborted) {
        bar.stop("interrupted");
        throw new KeyboardInterrupt(`interrupted at ${counts()}`);
      }
      count = done;
      info = text;
      bar.draw(done / total, detail, done >= total);
    },
    increment(n = 1, text) {
      self.update(count + n, text);
    },
    done(summary) {
      const what = count === total ? `${trim(total, 3)}${unit}` : counts();
      bar.finish(summary ?? `${label || "done"}: ${what} in ${formatWall(bar.elapsed)}`);
    },
  };
  bar.draw(0, detail, true);
  return self;
}
