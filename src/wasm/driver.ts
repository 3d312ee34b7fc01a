/**
 * The multi-step driver: one generated WebAssembly function, `run(first, steps)`, that takes a
 * network's plan through many steps in one call. Every operation of the plan contributes the
 * code of one step (calls of its kernels, spike-queue bookkeeping, spike-log appends); the
 * kernels are the exports of the operations' own modules on the same memory, imported by the
 * driver's module, so each call is a direct WebAssembly-to-WebAssembly call (no JavaScript
 * between steps). The driver performs the calls the per-step walk of the plan makes, with the
 * same arguments and in the same order, so both give bitwise-identical results; JavaScript is
 * entered only between calls (callbacks, progress, monitors' hand-over).
 *
 * The step's time is computed as JavaScript computes it (`n * dt_ms` in float64): the kernels
 * see the same `t`.
 */
import { assemble, compileModule, F64, I32, op, type Code, type ValType } from "./assembler.js";
import type { Arena } from "./arena.js";

const { localGet: get, localSet: set } = op;

/** What an operation's code may use while the driver is generated. */
export interface DriverContext {
  /** i32 local: the step index n. */
  readonly step: number;
  /** f64 local: the step's start, n dt_ms (ms). */
  readonly t: number;
  /** i32 local: set to 1 to end the call after this step (e.g. a spike log nearly full). */
  readonly stop: number;
  /** A new local of the driver function. */
  local(type: ValType): number;
  /**
   * Imports `fn`, an exported function of a module instantiated on the same memory, with its
   * signature; returns the index to `op.call`.
   */
  kernel(fn: unknown, params: readonly ValType[], results: readonly ValType[]): number;
  /** A call counter in the arena: `add` counts one call; `take()` returns the count since the last take and restarts it. */
  counter(): { add: Code; take: () => number };
}

/** An operation of the plan that can run inside the driver. */
export interface DriverOperation {
  /** The operation's code for one step. */
  emit(d: DriverContext): Code;
  /** Before each driver call: state kept in JavaScript copied into the arena (spike counts, shared parameters). */
  before?(): void;
  /** After each driver call that took `steps` steps, the last being `lastStep`: hand-over (spike counts, logs, call counters). */
  after?(lastStep: number, steps: number): void;
}

/**
 * Counts a component's kernel calls made inside the driver into `into.wasm` (its
 * `kernelCalls`): `start(d)` makes the call counter of one emit and returns the code that counts
 * one call; `hand()` adds the calls since the last hand-over (in the operation's `after`).
 */
export function callCounter(into: { wasm: number }): {
  start(d: DriverContext): Code;
  hand(): void;
} {
  let counter: { add: Code; take: () => number } | null = null;
  return {
    start: (d) => (counter = d.counter()).add,
    hand: () => {
      if (counter) into.wasm += counter.take();
    },
  };
}

/** A built driver: `run(first, steps)` takes up to `steps` steps from step `first` and returns how many it took. */
export interface Driver {
  run(first: number, steps: number): number;
  /**
   * After `run` threw (a callback it called threw): the steps it completed before the one that
   * threw; the operations' hand-over has run for them, so JavaScript sees the state the
   * step-by-step walk would leave.
   */
  readonly completedBeforeError: number;
}

/**
 * Generates and instantiates the driver of `operations` (in plan order) on `arena`, with call
 * counters in `counters` (an arena array); the reason as a string where it cannot.
 */
export function buildDriver(
  operations: readonly DriverOperation[],
  dt_ms: number,
  arena: Arena,
  counters: Int32Array,
): Driver | string {
  if (arena.buffer === null || counters.buffer !== arena.buffer) return "no WebAssembly memory";
  const FIRST = 0,
    STEPS = 1;
  const locals: ValType[] = [];
  const local = (t: ValType) => (locals.push(t), 2 + locals.length - 1);
  const S = local(I32),
    END = local(I32),
    T = local(F64),
    STOP = local(I32);
  const kernels: { fn: unknown; params: readonly ValType[]; results: readonly ValType[] }[] = [];
  let used = 0;
  const d: DriverContext = {
    step: S,
    t: T,
    stop: STOP,
    local,
    kernel(fn, params, results) {
      let k = kernels.findIndex((x) => x.fn === fn);
      if (k < 0) k = kernels.push({ fn, params, results }) - 1;
      return k;
    },
    counter() {
      if (used === counters.length) throw new RangeError("driver: out of call counters");
      const k = used++;
      const at = counters.byteOffset + 4 * k;
      const add = [
        ...op.i32Const(0),
        ...op.i32Const(0),
        ...op.i32Load(at),
        ...op.i32Const(1),
        ...op.i32Add,
        ...op.i32Store(at),
      ];
      return {
        add,
        take: () => {
          const n = counters[k];
          counters[k] = 0;
          return n;
        },
      };
    },
  };
  // The step being taken, in the arena (read when a callback throws; not a call counter).
  if (used === counters.length) return "driver: out of call counters";
  const stepCell = counters.byteOffset + 4 * used++;
  let code: Code;
  try {
    code = operations.flatMap((o) => o.emit(d));
  } catch (err) {
    return (err as Error).message;
  }
  counters.fill(0);
  const body: Code = [
    ...get(FIRST),
    ...op.localTee(S),
    ...get(STEPS),
    ...op.i32Add,
    ...set(END),
    ...op.block,
    ...get(S),
    ...get(END),
    ...op.i32GeS,
    ...op.brIf(0),
    ...op.loop,
    ...get(S),
    ...op.f64ConvertI32S,
    ...op.f64Const(dt_ms),
    ...op.f64Mul,
    ...set(T),
    ...op.i32Const(0),
    ...get(S),
    ...op.i32Store(stepCell),
    ...code,
    ...get(S),
    ...op.i32Const(1),
    ...op.i32Add,
    ...set(S),
    ...get(STOP),
    ...op.brIf(1),
    ...get(S),
    ...get(END),
    ...op.i32LtS,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...get(S),
    ...get(FIRST),
    ...op.i32Sub,
  ];
  const bytes = assemble(
    [{ name: "run", params: [I32, I32], results: [I32], locals, body }],
    kernels.map((k, i) => ({ name: `k${i}`, params: k.params, results: k.results })),
  );
  const module = compileModule(bytes);
  if (typeof module === "string") return module;
  const imports = Object.fromEntries(
    kernels.map((k, i) => [`k${i}`, k.fn as (...x: number[]) => number]),
  );
  const instance = arena.instance(module, imports);
  if (!instance) return "no WebAssembly memory";
  const run = instance.run as (first: number, steps: number) => number;
  const step = new Int32Array(counters.buffer, stepCell, 1);
  return {
    completedBeforeError: 0,
    run(first, steps) {
      if (!(first >= 0 && steps >= 0 && first + steps < 2 ** 31))
        throw new RangeError(`driver: steps ${first} + ${steps} beyond 2^31`);
      for (const o of operations) o.before?.();
      let done: number;
      try {
        done = run(first, steps);
      } catch (err) {
        // a callback threw during step step[0]: hand over what the completed steps did (spike
        // counts, logs, call counters, the random generators' state), then let it propagate
        done = step[0] - first;
        (this as { completedBeforeError: number }).completedBeforeError = done;
        for (const o of operations) o.after?.(first + done - 1, done);
        throw err;
      }
      if (done > 0) for (const o of operations) o.after?.(first + done - 1, done);
      return done;
    },
  };
}

/** A population as the driver sees it: its spike list, and maybe its own spike-count cell. */
interface Spiking {
  readonly spiked: Int32Array;
  readonly spikeCountCell?: Int32Array;
}

/** Where the driver keeps a population's spike count of the step (an arena cell), or null. */
export type CountCellOf<P extends Spiking = Spiking> = (p: P) => Int32Array | null;

/** The spike-count cell a population keeps itself (a group defined by equations), when it is in the arena with its spikes; else null. */
export function spikeCountCellOf(p: Spiking): Int32Array | null {
  const cell = p.spikeCountCell;
  return cell instanceof Int32Array && cell.buffer === p.spiked.buffer ? cell : null;
}

/** `if (x != 0) { body }` for an i32 value `x` (code). */
export function ifNonZero(x: Code, body: Code): Code {
  return [...x, ...op.if, ...body, ...op.end];
}

/** `i32.rem_u` (not among the assembler's helpers). */
const i32RemU: Code = [0x70];

/**
 * The byte address of a ring buffer's row for step `n + ahead` (n the driver's step local):
 * `data + ((n + ahead) mod slots) * strideBytes`, as `buffer.rows[(n + ahead) % slots]` in
 * JavaScript.
 */
export function ringRowAddress(
  d: DriverContext,
  ahead: number,
  ring: { data: { byteOffset: number }; slots: number; stride: number },
): Code {
  return [
    ...get(d.step),
    ...(ahead !== 0 ? [...op.i32Const(ahead), ...op.i32Add] : []),
    ...op.i32Const(ring.slots),
    ...i32RemU,
    ...op.i32Const(8 * ring.stride),
    ...op.i32Mul,
    ...op.i32Const(ring.data.byteOffset),
    ...op.i32Add,
  ];
}

/** The i32 in the arena cell `cell` (e.g. a spike count), as code. */
export function loadCell(cell: Int32Array): Code {
  return [...op.i32Const(0), ...op.i32Load(cell.byteOffset)];
}
