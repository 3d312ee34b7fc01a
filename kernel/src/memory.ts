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
import { Worker } from "node:worker_threads";

/** Environment variable that sets the memory limit in MB (0: no guard). */
export const MEMORY_ENV = "NEUROLAB_KERNEL_MEMORY_MB";

const MB = 2 ** 20;
const writeStderr = process.stderr.write.bind(process.stderr);

/** Usable memory of this machine (or container, when cgroup-limited), MB. */
export function availableMemoryMb(): number {
  const total = os.totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
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
  for (const [raw, source] of [[process.env[MEMORY_ENV], MEMORY_ENV], [configured, "--memory-limit-mb"]]) {
    if (raw === undefined || raw.trim() === "") continue;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
    process.stderr.write(`[neurolab-kernel] ignored ${source}=${JSON.stringify(raw)}: not a number of MB >= 0\n`);
  }
  return defaultMemoryLimitMb();
}

// Shared Int32Array slots.
const CELL = 0; // serial of the running cell, 0 when idle
const FIRED = 1; // serial of the last cell the guard interrupted
const RSS_AT_FIRE = 2; // resident set size when it fired, MB

/** The watchdog (runs in a worker thread; plain JavaScript). */
const WATCHDOG = `
const { parentPort, workerData } = require("node:worker_threads");
const shared = new Int32Array(workerData.shared);
const limit = workerData.limitMb * ${MB};
const hardLimit = workerData.hardLimitMb * ${MB};
const growth = workerData.growthMb * ${MB};
let cell = 0;
let baseline = 0;
let ending = false;
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > hardLimit && !ending) {
    // The interrupt did not help (background code still allocating, or one huge builtin call):
    // end the kernel cleanly before the OOM killer picks a process; Jupyter restarts it.
    ending = true;
    parentPort.postMessage({ rssMb: Math.round(rss / ${MB}) });
    setTimeout(() => process.kill(process.pid, "SIGKILL"), 2000); // if the main thread is blocked
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

/** Handle of a running memory guard. */
export class MemoryGuard {
  private readonly shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;

  /** Above this resident set size (1.25 × the limit) the guard ends the kernel, MB. */
  readonly hardLimitMb: number;

  /**
   * Starts the watchdog thread.
   * @param limitMb resident set size above which a running cell is interrupted
   * @param onHardLimit called (on the main thread, if it is not blocked) when the process
   *   exceeds the hard limit; the watchdog kills the process 2 s later
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
    this.worker = new Worker(WATCHDOG, {
      eval: true,
      workerData: { shared: this.shared.buffer, limitMb, hardLimitMb: this.hardLimitMb, interval_ms, growthMb },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    this.worker.on("message", (m: { rssMb: number }) => onHardLimit(m.rssMb));
    this.worker.on("error", (e) => writeStderr(`[neurolab-kernel] memory guard failed: ${e}\n`));
    this.worker.unref();
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
