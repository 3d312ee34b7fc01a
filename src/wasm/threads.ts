/**
 * A second thread for a network's step: one `node:worker_threads` worker per network that runs
 * the upper half of large equation groups' step kernels on the network's shared
 * `WebAssembly.Memory` while the main thread runs the lower half (NEST's `local_num_threads`,
 * Brian2's OpenMP threads, for the state update only).
 *
 * The two threads meet at a spin barrier in a small SharedArrayBuffer of control cells
 * (Atomics.load/store on an Int32Array): the main thread writes the step's time and the task,
 * bumps GO; the worker, spinning on GO, runs the task and bumps DONE; the main thread, after its
 * own half, spins on DONE. Neither side blocks in `Atomics.wait` per step (measured 20-25 us a
 * wake-up here): each spins first, for a bounded time, and only then sleeps in `Atomics.wait`
 * (with a flag the other side reads to know it must `Atomics.notify`), so an oversubscribed
 * machine never livelocks and an idle network never keeps a core busy for more than ~1 ms.
 *
 * The worker is spawned from source text (`eval`), so it runs the same from the TypeScript
 * sources (tests) and from the built CommonJS dist; it is `unref`'d (it never keeps the process
 * alive) and terminated by {@link StepWorker.terminate} (the network does so when it is garbage
 * collected). Its kernels are the shared-memory twins of the groups' modules, posted to it
 * (`WebAssembly.Module` is cloneable); the only JavaScript functions they may import are
 * `Math`'s (the worker passes its own, the same code).
 */
import { Worker } from "node:worker_threads";
import { wasmApi } from "./assembler.js";

/** Control cells (Int32Array indices) and commands. */
const GO = 0,
  DONE = 1,
  TASK = 2,
  RESULT = 3,
  WORKER_SLEEPS = 4,
  MAIN_SLEEPS = 5,
  READY = 6;
const RELEASE = -1,
  PING = -2;
/** Byte offset of the step's time (a float64) in the control buffer. */
const TIME_AT = 64;
/** How long the worker spins for the next task before it sleeps, ms. */
const WORKER_SPIN_ms = 0.25;
/** How long the main thread spins for the worker's half before it sleeps (1 ms at a time), ms. */
const MAIN_SPIN_ms = 0.05;
/** The main thread gives up on a worker that has not answered for this long, ms. */
const TIMEOUT_ms = 60_000;

// The worker's code (plain JavaScript, CommonJS: run with `eval`). It loads the kernels of a
// build, then serves tasks until released (back to its event loop, for the next build's load).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ctl = new Int32Array(workerData.control);
const time = new Float64Array(workerData.control, ${TIME_AT}, 1);
parentPort.on("message", (m) => {
  let tasks;
  try {
    tasks = m.tasks.map((k) => {
      const env = { mem: m.memory };
      for (const [name, builtin] of Object.entries(k.math ?? {})) env[name] = Math[builtin];
      return new WebAssembly.Instance(k.module, { env }).exports[k.name];
    });
  } catch (err) {
    Atomics.store(ctl, ${READY}, -m.id);
    return;
  }
  Atomics.store(ctl, ${READY}, m.id);
  let seen = m.seen;
  let spin = ${WORKER_SPIN_ms};
  for (;;) {
    let go = Atomics.load(ctl, ${GO});
    if (go === seen) {
      const t0 = performance.now();
      for (let k = 1; (go = Atomics.load(ctl, ${GO})) === seen; k++) {
        if ((k & 1023) === 0 && performance.now() - t0 >= spin) {
          Atomics.store(ctl, ${WORKER_SLEEPS}, 1);
          while ((go = Atomics.load(ctl, ${GO})) === seen) Atomics.wait(ctl, ${GO}, seen, 1000);
          Atomics.store(ctl, ${WORKER_SLEEPS}, 0);
          break;
        }
      }
    }
    seen = go;
    const task = ctl[${TASK}];
    let result = 0;
    if (task >= 0) {
      try {
        result = tasks[task](time[0]);
      } catch (err) {
        result = -1;
      }
    }
    ctl[${RESULT}] = result;
    Atomics.store(ctl, ${DONE}, seen);
    // The main thread fell asleep waiting: the two threads share a core, so the next wait
    // yields it at once instead of spinning (which would only delay the main thread).
    const slept = Atomics.load(ctl, ${MAIN_SLEEPS}) !== 0;
    if (slept) Atomics.notify(ctl, ${DONE});
    spin = slept ? 0 : ${WORKER_SPIN_ms};
    if (task === ${RELEASE}) return;
  }
});
`;

/**
 * Why a second thread cannot run here (no SharedArrayBuffer, no shared WebAssembly memory, no
 * worker threads), or null when it can.
 */
export function threadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== "function") return "no SharedArrayBuffer";
  if (typeof Atomics !== "object") return "no Atomics";
  const wasm = wasmApi();
  if (!wasm) return "no WebAssembly";
  try {
    new wasm.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return "no shared WebAssembly memory";
  }
  if (typeof Worker !== "function") return "no worker_threads";
  return null;
}

/**
 * A kernel the worker runs: export `name` of `module`, a shared-memory module importing `env.mem`
 * and, by import name, functions of `Math` (`math`: import name -> Math's property, e.g.
 * `{ exp: "exp" }`; V8 runs the same implementation in every thread).
 */
export interface WorkerTask {
  module: object;
  name: string;
  math?: Record<string, string>;
}

/**
 * The worker thread of one network (see the module comment): `load` a build's kernels, then
 * per step `start(task, t_ms)`, run the main thread's share, and `finish()` for the task's
 * result.
 */
export class StepWorker {
  private readonly ctl: Int32Array;
  private readonly time: Float64Array;
  private seq = 0;
  private loads = 0;
  private serving = false;
  private dead = false;

  private constructor(
    private readonly worker: Worker,
    control: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(control, 0, 16);
    this.time = new Float64Array(control, TIME_AT, 1);
  }

  /** Spawns a worker (throws where {@link threadsUnavailable} says why not). */
  static spawn(): StepWorker {
    const why = threadsUnavailable();
    if (why !== null) throw new Error(`threads: a worker thread cannot run here (${why})`);
    const control = new SharedArrayBuffer(TIME_AT + 8);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { control } });
    worker.unref();
    worker.on("error", () => undefined); // (a failed load is reported through READY)
    return new StepWorker(worker, control);
  }

  /** The number of the last {@link load} (a build's kernels), for {@link serves}. */
  get loadId(): number {
    return this.loads;
  }

  /**
   * Whether the worker still serves load `id` (no release, reload or termination since): a
   * split step checks it, so a step that continues after `net.reset()` or `net.rebuild()` from a
   * callback runs on one thread instead of waiting for a worker that left.
   */
  serves(id: number): boolean {
    return this.serving && !this.dead && this.loads === id;
  }

  /** Whether the worker thread was terminated (after a failure or by {@link terminate}). */
  get isDead(): boolean {
    return this.dead;
  }

  /** Whether the worker failed to instantiate the last load's kernels. */
  get loadFailed(): boolean {
    return Atomics.load(this.ctl, READY) === -this.loads;
  }

  /** Gives the worker a build's memory and kernels (task k = `tasks[k]`); it serves them until the next load or release. */
  load(memory: object, tasks: readonly WorkerTask[]): void {
    this.release();
    this.seq = Atomics.load(this.ctl, GO);
    this.worker.postMessage({ id: ++this.loads, memory, tasks, seen: this.seq });
    this.serving = true;
  }

  /** Whether the worker has loaded the last build's kernels, waiting up to `timeout_ms` (false: not yet, or it failed). */
  ready(timeout_ms: number): boolean {
    const t0 = performance.now();
    for (;;) {
      const r = Atomics.load(this.ctl, READY);
      if (r === this.loads) return true;
      if (r === -this.loads || performance.now() - t0 > timeout_ms) return false;
      Atomics.wait(this.ctl, READY, r, 1);
    }
  }

  /** Starts task `task` at time `t_ms` on the worker (then call {@link StepWorker.finish}). */
  start(task: number, t_ms: number): void {
    this.time[0] = t_ms;
    this.ctl[TASK] = task;
    this.seq = Atomics.add(this.ctl, GO, 1) + 1;
    if (Atomics.load(this.ctl, WORKER_SLEEPS) !== 0) Atomics.notify(this.ctl, GO);
  }

  /** Waits for the task started last (spinning, then sleeping 1 ms at a time) and returns its result. */
  finish(): number {
    const ctl = this.ctl;
    const seq = this.seq;
    if (Atomics.load(ctl, DONE) !== seq) {
      const t0 = performance.now();
      // (a constant spin: were it shorter after a sleep, the worker's wake-up alone would make
      // the main thread sleep again, and the pair would never return to spinning on a free core)
      for (let k = 1; Atomics.load(ctl, DONE) !== seq; k++) {
        if ((k & 63) !== 0) continue;
        const waited = performance.now() - t0;
        if (waited < MAIN_SPIN_ms) continue;
        if (Atomics.load(ctl, READY) === -this.loads)
          throw new Error("threads: the worker could not instantiate the step kernels");
        if (waited > TIMEOUT_ms || this.dead)
          throw new Error(`threads: the worker thread did not answer within ${TIMEOUT_ms} ms`);
        Atomics.store(ctl, MAIN_SLEEPS, 1);
        // (sleeps unless DONE moved since this load: never a busy loop on a shared core)
        Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 1);
        Atomics.store(ctl, MAIN_SLEEPS, 0);
      }
    }
    const result = ctl[RESULT];
    if (result < 0) throw new Error("threads: a step kernel failed on the worker thread");
    return result;
  }

  /**
   * The mean round trip of an empty task, us, over `duration_ms` of back-to-back round trips
   * (after the worker loaded): about a microsecond when the worker has a core of its own; a
   * worker that shares one is descheduled now and then for a scheduler's time slice, which the
   * mean counts (a median would hide it).
   */
  roundTrip_us(duration_ms: number): number {
    let rounds = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < duration_ms) {
      this.start(PING, 0);
      this.finish();
      rounds++;
      if ((rounds & 15) === 0) t = performance.now();
    }
    t = performance.now();
    return (1000 * (t - t0)) / rounds;
  }

  /** Stops serving the current build (the worker returns to its event loop, holding nothing). */
  release(): void {
    if (!this.serving || this.dead) return;
    this.serving = false;
    this.start(RELEASE, 0);
    try {
      this.finish();
    } catch {
      this.terminate();
    }
  }

  /** Ends the worker thread. */
  terminate(): void {
    if (this.dead) return;
    this.dead = true;
    this.serving = false;
    void this.worker.terminate();
  }
}

/**
 * Keeps choosing, while a network runs, between the split step and the one-thread step ("auto":
 * both give bitwise-identical results, so switching is free): it times whole steps (from one
 * step's start to the next's, pauses between runs left out) in windows of `window` steps, uses
 * the faster mode, and runs one window in the other mode after the first and then every
 * `probeEvery` windows, so a core that became busy (or free) since the calibration is noticed;
 * each probe that loses doubles the gap to the next (up to 64 windows), one that wins resets it.
 */
export class SplitChooser {
  /** Mean wall time of a whole step in the last window of each mode, us (NaN: not measured yet). */
  one_us = NaN;
  two_us = NaN;
  private last = NaN;
  private sum = 0;
  private n = 0;
  /** Windows until the next probe, and the gap after it. */
  private untilProbe = 0;
  private gap: number;
  /** Whether the window being timed is a probe. */
  private probing = false;
  private switched = false;

  constructor(
    /** Whether the next steps split (the calibration's choice). */
    public two: boolean,
    private readonly window = 200,
    private readonly probeEvery = 10,
    /** Windows timed but not counted at the start (the code is still warming up: both modes run slower then). */
    private warmup = 1,
  ) {
    this.gap = probeEvery;
  }

  /** Counts a step's start (once per step). */
  tick(): void {
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    if (!(ms < 50) || this.switched) {
      this.switched = false; // the first step, a pause between runs, or a step of the other mode
      return;
    }
    this.sum += ms;
    if (++this.n < this.window) return;
    const mean_us = (1000 * this.sum) / this.n;
    this.sum = 0;
    this.n = 0;
    if (this.warmup > 0) {
      this.warmup--;
      return;
    }
    if (this.two) this.two_us = mean_us;
    else this.one_us = mean_us;
    const faster = this.two_us < this.one_us;
    if (this.probing) {
      // (the probed mode lost: probe less often; it won: it is used from now on)
      this.gap = faster === this.two ? this.probeEvery : Math.min(64, 2 * this.gap);
      this.untilProbe = this.gap;
    }
    const other = this.two ? this.one_us : this.two_us;
    this.probing = Number.isNaN(other) || --this.untilProbe <= 0;
    const two = this.probing ? !this.two : faster;
    this.switched = two !== this.two;
    this.two = two;
  }
}
