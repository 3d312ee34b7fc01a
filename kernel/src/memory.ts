/**
 * The kernel's memory guard: a watchdog thread that interrupts the running cell (SIGINT, the
 * same path as the stop button) once the kernel process uses more than a memory limit, before
 * V8 or the operating system's OOM killer would end the kernel.
 *
 * Why a thread: a cell's synchronous code blocks the kernel's event loop, so timers cannot
 * watch it, and typed arrays (the library's big arrays) live outside the V8 heap, where no
 * V8 limit or callback sees them. A worker thread has its own event loop; it polls the
 * process's resident set size (which counts the V8 heap and typed arrays alike) and sends
 * SIGINT to its own process, which interrupts synchronous code (tslab runs cells with `vm`
 * `breakOnSigint`) and pending awaits (the kernel's SIGINT handler).
 */
import os from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";

/** Environment variable that sets the memory limit in MB (0: no guard). */
export const MEMORY_ENV = "NEUROLAB_KERNEL_MEMORY_MB";

/** What to do about a memory error (ends every memory message of the kernel). */
export const MEMORY_ADVICE =
  "Work on smaller pieces (split a long run, bin or subsample before building big arrays), drop references to " +
  `big arrays you no longer need, or raise the limit: set ${MEMORY_ENV} (MB) before starting Jupyter, or ` +
  "reinstall the kernelspec with --memory-limit-mb.";

const MB = 2 ** 20;
const writeStderr = process.stderr.write.bind(process.stderr);

/** Usable memory of this machine (or container, when cgroup-limited), MB. */
export function availableMemoryMb(): number {
  const total = os.totalmem();
  const constrained =
    (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  return Math.floor((constrained > 0 && constrained < total ? constrained : total) / MB);
}

/** The default limit: half of the machine's memory, at most 8 GB. */
export function defaultMemoryLimitMb(): number {
  return Math.min(8192, Math.floor(availableMemoryMb() / 2));
}

/**
 * V8's heap ceiling (`--max-old-space-size`) written into the kernelspec: above any useful
 * memory limit (90% of the machine's memory, or 1.25 × `limitMb` if larger), so the guard
 * interrupts a cell before V8's fatal "heap out of memory" abort would end the kernel.
 */
export function heapCeilingMb(limitMb?: number): number {
  return Math.max(Math.floor(availableMemoryMb() * 0.9), Math.ceil((limitMb ?? 0) * 1.25), 1024);
}

/**
 * The memory limit, MB: `NEUROLAB_KERNEL_MEMORY_MB`, else `configured` (the kernelspec's
 * `--memory-limit-mb`), else {@link defaultMemoryLimitMb}. 0 disables the guard.
 */
export function resolveMemoryLimitMb(configured?: string): number {
  for (const [raw, source] of [
    [process.env[MEMORY_ENV], MEMORY_ENV],
    [configured, "--memory-limit-mb"],
  ]) {
    if (raw === undefined || raw.trim() === "") continue;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
    process.stderr.write(
      `[neurolab-kernel] ignored ${source}=${JSON.stringify(raw)}: not a number of MB >= 0\n`,
    );
  }
  return defaultMemoryLimitMb();
}

// Shared Int32Array slots.
const CELL = 0; // serial of the running cell, 0 when idle
const FIRED = 1; // serial of the last cell the guard interrupted
const RSS_AT_FIRE = 2; // resident set size when it fired, MB

/**
 * The watchdog (runs in a worker thread; plain JavaScript). Above the hard limit it tells the
 * main thread, which decides (and writes the message into the cell) once it runs: a main thread
 * blocked in one long uninterruptible operation (a builtin such as `new Float64Array(4e8).fill(1)`)
 * is given the time to finish it, so that the cell gets its message, as long as the process stays
 * below the emergency size (80% of the machine's memory); only past that, with the main thread
 * still blocked, is the process killed (the message then goes to the kernel's log).
 */
const WATCHDOG = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const shared = new Int32Array(workerData.shared);
const limit = workerData.limitMb * ${MB};
const hardLimit = workerData.hardLimitMb * ${MB};
const emergency = workerData.emergencyMb * ${MB};
const growth = workerData.growthMb * ${MB};
let cell = 0;
let baseline = 0;
let reported = false; // the main thread was told about the hard limit and has not answered yet
let killing = false;
parentPort.on("message", (m) => {
  if (m === "resume") reported = false; // memory fell below the hard limit again
});
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > hardLimit && !reported) {
    reported = true;
    parentPort.postMessage({ rssMb: Math.round(rss / ${MB}) });
  }
  if (reported && rss > emergency && !killing) {
    // The main thread is still blocked (it would have ended or resumed the kernel by now) and
    // the process nears the machine's memory: end it before the OOM killer picks a process.
    killing = true;
    fs.writeSync(2, "[neurolab-kernel] MemoryError: the kernel uses " + Math.round(rss / ${MB}) + " MB, near the machine's memory, " +
      "inside one uninterruptible operation (limit " + workerData.limitMb + " MB, ${MEMORY_ENV}). Ending the kernel; Jupyter restarts it.\\n");
    setTimeout(() => process.kill(process.pid, "SIGKILL"), 500);
  }
  const current = Atomics.load(shared, ${CELL});
  if (current === 0) return;
  if (current !== cell) { cell = current; baseline = rss; }
  // Only cells that allocate are interrupted, not every cell after memory was left above the limit.
  if (rss > limit && rss > baseline + growth && Atomics.load(shared, ${FIRED}) !== current) {
    Atomics.store(shared, ${RSS_AT_FIRE}, Math.ceil(rss / ${MB}));
    Atomics.store(shared, ${FIRED}, current);
    process.kill(process.pid, "SIGINT");
  }
}, workerData.interval_ms);
`;

/** What the guard reports about the cell it interrupted. */
export interface MemoryExceeded {
  limitMb: number;
  rssMb: number;
}

/** The size above which a process whose main thread is blocked is killed, MB (see WATCHDOG). */
export function emergencyMemoryMb(hardLimitMb: number): number {
  return Math.max(hardLimitMb, Math.floor(availableMemoryMb() * 0.8));
}

let collect: (() => void) | null | undefined;

/**
 * Runs a full garbage collection if the runtime allows it (the `gc` function, exposed on demand
 * through V8's flags), so that memory a finished cell left unreachable is returned before the
 * guard decides to end the kernel. Returns whether it ran.
 */
export function collectGarbage(): boolean {
  if (collect === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as unknown;
      collect = typeof gc === "function" ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  if (!collect) return false;
  collect();
  return true;
}

/** Handle of a running memory guard. */
export class MemoryGuard {
  private readonly shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;

  /** Above this resident set size (1.25 × the limit) the guard ends the kernel, MB. */
  readonly hardLimitMb: number;

  /**
   * Starts the watchdog thread.
   * @param limitMb resident set size above which a running cell is interrupted
   * @param onHardLimit called on the main thread (once it runs: it may be blocked in one long
   *   operation) when the process exceeded the hard limit; it ends the kernel or calls
   *   {@link MemoryGuard.resume}. While the main thread stays blocked, the watchdog kills the
   *   process only past {@link emergencyMemoryMb}.
   * @param interval_ms polling period
   * @param growthMb a cell is only interrupted when it grew the process by more than this
   */
  constructor(
    readonly limitMb: number,
    onHardLimit: (rssMb: number) => void,
    interval_ms = 20,
    growthMb = 32,
  ) {
    this.hardLimitMb = Math.ceil(limitMb * 1.25);
    const emergencyMb = emergencyMemoryMb(this.hardLimitMb);
    this.worker = new Worker(WATCHDOG, {
      eval: true,
      workerData: {
        shared: this.shared.buffer,
        limitMb,
        hardLimitMb: this.hardLimitMb,
        emergencyMb,
        interval_ms,
        growthMb,
      },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    this.worker.on("message", (m: { rssMb: number }) => onHardLimit(m.rssMb));
    this.worker.on("error", (e) => writeStderr(`[neurolab-kernel] memory guard failed: ${e}\n`));
    this.worker.unref();
  }

  /** The kernel continues after a hard-limit report (memory fell below the hard limit again). */
  resume(): void {
    this.worker.postMessage("resume");
  }

  /**
   * After an interruption or a hard-limit report: collects garbage (memory a finished or
   * interrupted cell left unreachable) and reports the resident set size and whether it is
   * still above the hard limit (then the kernel must end); below it, the watchdog is re-armed.
   */
  settle(): { rssMb: number; overHardLimit: boolean } {
    collectGarbage();
    const rssMb = Math.round(process.memoryUsage.rss() / MB);
    const overHardLimit = rssMb > this.hardLimitMb;
    if (!overHardLimit) this.resume();
    return { rssMb, overHardLimit };
  }

  /** Marks cell `serial` (> 0) as running. */
  beginCell(serial: number): void {
    Atomics.store(this.shared, CELL, serial);
  }

  /** Marks the kernel as idle. */
  endCell(): void {
    Atomics.store(this.shared, CELL, 0);
  }

  /** Whether (and at what size) the guard interrupted cell `serial`. */
  exceeded(serial: number): MemoryExceeded | undefined {
    if (Atomics.load(this.shared, FIRED) !== serial) return undefined;
    return { limitMb: this.limitMb, rssMb: Atomics.load(this.shared, RSS_AT_FIRE) };
  }

  /** Stops the watchdog. */
  stop(): Promise<number> {
    return this.worker.terminate();
  }
}
