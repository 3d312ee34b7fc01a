/**
 * A population whose model is written as equations (Brian2's `NeuronGroup`): the thin stateful
 * holder of a resolved model. Its variables live in the network's arena (structure of arrays);
 * each step runs the generated step function (integration and threshold, in JavaScript or
 * WebAssembly) in the "groups" slot and the generated reset (WebAssembly too, or JavaScript)
 * in the "resets" slot, after synapses have seen the spikes (Brian2's order).
 */
import { checkInteger } from "../core/checks.js";
import { checkPrecision } from "../core/validate.js";
import {
  JS_FUNCTIONS,
  jsReset,
  jsStep,
  specialise,
  storedVariables,
  type ResetFunction,
  type StateArray,
  type StepFunction,
} from "../equations/codegen.js";
import { applyBinary, FUNCTIONS, fold } from "../equations/expr.js";
import {
  resolveNeuronModel,
  type EquationModelSpec,
  type ResolvedModel,
} from "../equations/model.js";
import { formatExpr, parseExpression, type Expr } from "../equations/parse.js";
import { formatDimension, lookupUnit } from "../equations/units.js";
import { wasmStep, type ResetKernel, type WasmStep } from "../equations/wasmgen.js";
import type { Rng } from "../random/rng.js";
import { RandomDraws, randomDrawsBytes, randomStride } from "../random/draws.js";
import { arenaBytes } from "../wasm/arena.js";
import { F64, I32, op, sharedMemoryTwin } from "../wasm/assembler.js";
import { callCounter, ifNonZero, type DriverOperation } from "../wasm/driver.js";
import type { SplitChooser, StepWorker, WorkerTask } from "../wasm/threads.js";
import type { BuildContext, Population } from "./populations.js";
import { describeValue } from "../core/describe.js";

/** An initial or assigned value: a number (base units), one per neuron, drawn per neuron, or an expression string such as `"Vr + rand()*(Vt - Vr)"`. */
export type VariableValue =
  number | ArrayLike<number> | ((rng: Rng, index: number) => number) | string;

/** Options of {@link Network.addNeurons} with equations. */
export interface EquationGroupOptions extends EquationModelSpec {
  /** Number of neurons (>= 1). */
  size: number;
  /** Initial values by variable (state and parameters); unset variables start at 0, as in Brian2. */
  init?: Record<string, VariableValue>;
  /**
   * Arithmetic precision of the generated step: "float64" (default) or "float32": state
   * variables and parameters stored as float32 (`variable()` returns Float32Arrays), every
   * operation of the step and the reset rounded to float32 (f32x4 SIMD, four neurons per
   * instruction; the JavaScript reference rounds with Math.fround), constants rounded to
   * float32. Times stay float64 (`lastspike`, so refractoriness stays exact in long runs); a
   * refractory period must then be a constant or a condition. Synapse code runs in float64 and
   * rounds what it stores into a float32 group.
   */
  precision?: "float64" | "float32";
}

/** Brian2's initial `lastspike` (-10000 s), ms. */
const NEVER_SPIKED_ms = -1e7;

/**
 * A population defined by equations (see the module comment).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const g = net.addNeurons("g", {
 *   size: 100,
 *   model: "dv/dt = (El - v + I)/taum : volt (unless refractory)\nI : volt",
 *   threshold: "v > -50*mV", reset: "v = -60*mV", refractory: "2*ms", method: "exact",
 *   namespace: { El: "-65*mV", taum: "20*ms" }, init: { v: "-65*mV + 10*mV*rand()", I: "20*mV" },
 * });
 * net.run(100);
 * g.variable("v"); g.unitOf("v"); // mV
 * ```
 */
export class EquationGroup<A extends StateArray = Float64Array> implements Population {
  readonly kind = "equations";
  readonly size: number;
  /** The resolved model: variables, units, integration method, threshold and reset. */
  readonly model: ResolvedModel;
  spiked: Int32Array;
  spikeCount = 0;
  /** Shared parameter values, by name (base units); set before a run. */
  readonly shared: Record<string, number> = {};
  private readonly init: Record<string, VariableValue>;
  /** "float64" or "float32" (see {@link EquationGroupOptions.precision}). */
  readonly precision: "float64" | "float32";
  private arrays: StateArray[] = [];
  /** The per-step numbers of the model's rand()/randn()/xi sites (null before a build). */
  private randoms: RandomDraws | null = null;
  private sharedValues: Float64Array = new Float64Array(0);
  private stepFn: StepFunction | null = null;
  private resetFn: ResetFunction | null = null;
  private resetKernel: ResetKernel | null = null;
  private stepKernel: ((t_ms: number) => number) | null = null;
  /** The wasm check that every stored value is finite (1), or null (JavaScript step). */
  private finiteFn: (() => number) | null = null;
  private rng: Rng | null = null;
  private dt_ms = 0;
  /** Which target ran the last build's step: "wasm" or "js". */
  target: "wasm" | "js" = "js";
  /** @internal how the reset runs in this build: "WebAssembly", or "JavaScript (why)". */
  resetTarget = "JavaScript";
  /** @internal calls of the step and reset code since the build, by target (tests check that no kernel silently fell back). */
  readonly kernelCalls = { wasm: 0, js: 0 };
  /** @internal this step's spike count, in the arena (the network's multi-step driver reads and writes it). */
  spikeCountCell: Int32Array = new Int32Array(1);
  /** The step in two halves (built on a shared arena), or null. */
  private halves: WasmStep["halves"] = null;
  /** The step split across the main thread and a worker (see {@link EquationGroup.splitOn}), or null. */
  private splitStep: ((t_ms: number) => number) | null = null;

  constructor(
    readonly name: string,
    opts: EquationGroupOptions,
  ) {
    if (typeof opts !== "object" || opts === null)
      throw new TypeError(
        `${name}: options must be an object { size, model, threshold, reset, ... }`,
      );
    this.size = checkInteger(opts.size, `${name}: size`, 1, 2 ** 28);
    this.precision = checkPrecision(opts.precision, `${name}: precision`) ?? "float64";
    this.model = resolveNeuronModel(opts, name);
    const stored = storedVariables(this.model);
    this.init = { ...(opts.init ?? {}) };
    for (const v of Object.keys(this.init)) {
      if (!stored.includes(v) && !this.model.shared.includes(v))
        throw new RangeError(
          `${name}: init: variable must be one of ${[...stored, ...this.model.shared].join(", ")}, got ${describeValue(v)}`,
        );
    }
    for (const v of this.model.shared) {
      const x = this.init[v] ?? 0;
      if (typeof x !== "number" || !Number.isFinite(x))
        throw new RangeError(
          `${name}: init.${v} is a shared parameter: it needs one finite number`,
        );
      this.shared[v] = x;
    }
    this.spiked = new Int32Array(this.size);
  }

  /** Names of the per-neuron variables (state, parameters, lastspike). */
  get variables(): string[] {
    return storedVariables(this.model);
  }

  /** The unit of a variable, e.g. "volt" (base unit mV), for display. */
  unitOf(name: string): string {
    const u = this.model.units.get(name);
    if (!u)
      throw new RangeError(
        `variable must be one of ${this.variables.join(", ")}, got ${describeValue(name)}`,
      );
    return formatDimension(u.dim);
  }

  /**
   * A variable's live values (base units); valid once the network has been built. Float32Arrays
   * in a float32 group (except `lastspike`, always float64).
   */
  variable(name: string): A {
    const k = this.variables.indexOf(name);
    if (k < 0)
      throw new RangeError(
        `variable must be one of ${this.variables.join(", ")}, got ${describeValue(name)}`,
      );
    if (this.arrays.length === 0)
      throw new Error(`${this.name}: state exists once the network has been run or built`);
    return this.arrays[k] as A;
  }

  /** A copy of every per-neuron variable (float64). */
  snapshot(): Record<string, Float64Array> {
    return Object.fromEntries(this.variables.map((v) => [v, Float64Array.from(this.variable(v))]));
  }

  /** Whether variable `name` is stored as float32 (float32 groups: all but lastspike). */
  private isFloat32(name: string): boolean {
    return this.precision === "float32" && name !== "lastspike";
  }

  arenaBytes(): number {
    const n = this.size;
    const f32 = this.precision === "float32";
    const padded = randomStride(n, f32);
    const arrays = this.variables.reduce(
      (b, v) => b + (this.isFloat32(v) ? arenaBytes(n, 4) : arenaBytes(padded, 8)),
      0,
    );
    return (
      arrays +
      randomDrawsBytes(this.model.randoms.length, n, f32) +
      arenaBytes(n, 4) +
      arenaBytes(Math.max(1, this.model.shared.length), 8) +
      arenaBytes(1, 4)
    );
  }

  build(dt_ms: number, rng: Rng, ctx: BuildContext): void {
    const { arena } = ctx;
    const n = this.size;
    this.dt_ms = dt_ms;
    this.rng = rng;
    const f32 = this.precision === "float32";
    const padded = randomStride(n, f32);
    // float64 arrays of a float32 group (lastspike) are read four neurons at a time: padded to 4.
    this.arrays = this.variables.map((v) =>
      this.isFloat32(v) ? arena.f32(n) : arena.f64(padded).subarray(0, n),
    );
    const randoms = new RandomDraws(
      this.model.randoms.map((r) => r.kind),
      n,
      f32,
      rng,
      arena,
      ctx.wasm ? arena : null,
    );
    this.randoms = randoms;
    this.sharedValues = arena.f64(Math.max(1, this.model.shared.length));
    this.spiked = arena.i32(n);
    this.spikeCountCell = arena.i32(1);
    this.spikeCount = 0;
    this.kernelCalls.wasm = 0;
    this.kernelCalls.js = 0;
    // Initial values, in the order the model declares its variables (an expression may read earlier ones).
    this.variables.forEach((v, k) => {
      const a = this.arrays[k];
      if (v === "lastspike") a.fill(NEVER_SPIKED_ms);
      else if (v === "not_refractory") a.fill(1);
      const x = this.init[v];
      if (x !== undefined) this.assign(v, x);
    });
    const s = specialise(this.model, dt_ms, n, f32);
    if (f32 && s.refractory.kind === "time" && s.refractory.expr.k !== "num") {
      throw new RangeError(
        `${this.name}: precision "float32" needs a constant refractory period or a condition, got "${formatExpr(this.model.refractory.kind === "time" ? this.model.refractory.expr : s.refractory.expr)}" (a per-neuron period compares times, which float32 cannot hold exactly; use precision "float64")`,
      );
    }
    const wasm = ctx.wasm
      ? wasmStep(s, arena, {
          arrays: this.arrays,
          randoms: randoms.values,
          shared: this.sharedValues,
          spiked: this.spiked,
          n,
          split: arena.shared ? splitPoint(n) : 0,
        })
      : undefined;
    this.halves = wasm?.halves ?? null;
    this.splitStep = null;
    this.stepFn = wasm?.step ?? jsStep(s);
    this.stepKernel = wasm?.stepKernel ?? null;
    this.finiteFn = wasm?.finite ?? null;
    this.target = wasm ? "wasm" : "js";
    this.resetFn = jsReset(s);
    this.resetKernel = wasm?.reset ?? null;
    this.resetTarget = this.resetFn === null ? "none" : (wasm?.resetTarget ?? "JavaScript");
  }

  /**
   * Sets a variable for every neuron: a number (base units), an array, a function of (rng, i)
   * or an expression (`"Vr + rand()*(Vt - Vr)"`, `"i*mV"`) over the model's names, units and
   * namespace, with `rand()`/`randn()` drawn from the group's stream. Valid once built.
   */
  assign(name: string, value: VariableValue): void {
    const a = this.variable(name);
    const n = this.size;
    const where = `${this.name}.${name}`;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new RangeError(`${where} must be finite, got ${value}`);
      a.fill(value);
    } else if (typeof value === "string") {
      const own = (x: string) => this.variables.includes(x) || x in this.shared;
      const e = fold(parseExpression(value, where), (x) =>
        own(x) ? undefined : (this.model.constants.get(x) ?? lookupUnit(x)?.scale),
      );
      const vals = this.variables.map((v) => this.variable(v));
      for (let i = 0; i < n; i++) a[i] = evaluate(e, i, this, vals, this.rng!, where);
    } else if (typeof value === "function") {
      for (let i = 0; i < n; i++) a[i] = value(this.rng!, i);
    } else {
      if (value.length !== n)
        throw new RangeError(
          `${where} must have ${n} values (one per neuron), got ${value.length}`,
        );
      for (let i = 0; i < n; i++) a[i] = value[i];
    }
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(a[i]))
        throw new RangeError(`${where}[${i}] must be a finite number, got ${a[i]}`);
  }

  /** @internal state update and threshold (the "groups" and "thresholds" slots). */
  update(step: number): void {
    const n = this.size;
    this.randoms!.draw();
    this.copyShared();
    if (this.stepKernel !== null) {
      this.kernelCalls.wasm++;
      this.spikeCount = (this.splitStep ?? this.stepKernel)(step * this.dt_ms);
      return;
    }
    this.kernelCalls.js++;
    this.spikeCount = this.stepFn!(
      this.arrays,
      this.randoms!.values,
      this.sharedValues,
      n,
      step * this.dt_ms,
      this.spiked,
    );
  }

  /** @internal copies the shared parameters into the arena, where the step reads them. */
  copyShared(): void {
    for (let k = 0; k < this.model.shared.length; k++)
      this.sharedValues[k] = this.shared[this.model.shared[k]];
  }

  /** @internal the reset of the neurons that spiked (the "resets" slot). */
  reset(step: number): void {
    if (this.spikeCount === 0) return;
    if (this.resetKernel !== null) {
      this.kernelCalls.wasm++;
      this.resetKernel(step * this.dt_ms, this.spikeCount);
    } else if (this.resetFn) {
      this.kernelCalls.js++;
      this.resetFn(
        this.arrays,
        this.randoms!.values,
        this.sharedValues,
        this.size,
        this.spiked,
        this.spikeCount,
        step * this.dt_ms,
      );
    }
  }

  /**
   * @internal the state update inside the network's multi-step driver (its spike count kept in
   * `spikeCountCell`), or null where the step is JavaScript. A model's random numbers are drawn
   * before each step from the group's stream by its WebAssembly twin (src/random/draws.ts: the
   * same numbers in the same order as step by step).
   */
  driverUpdate(): DriverOperation | null {
    const kernel = this.splitStep ?? this.stepKernel;
    if (kernel === null) return null;
    const cell = this.spikeCountCell;
    const randoms = this.randoms!;
    const calls = callCounter(this.kernelCalls);
    return {
      emit: (d) => {
        const fn = d.kernel(kernel, [F64], [I32]);
        return [
          ...randoms.emit(d),
          ...op.i32Const(cell.byteOffset),
          ...op.localGet(d.t),
          ...op.call(fn),
          ...op.i32Store(),
          ...calls.start(d),
        ];
      },
      before: () => {
        this.copyShared();
        cell[0] = this.spikeCount;
        randoms.before();
      },
      after: () => {
        this.spikeCount = cell[0];
        randoms.after();
        calls.hand();
      },
    };
  }

  /**
   * @internal the upper half of the step as a worker's task, when this build's step was made in
   * halves and imports no JavaScript function (else why not).
   */
  workerTask(): WorkerTask | string {
    const halves = this.halves;
    if (halves === null)
      return this.target !== "wasm"
        ? "its step is JavaScript"
        : this.size <= 4
          ? "too small to split"
          : "its step was not built in halves";
    // A function the step calls per lane is shared when it is one of Math's: V8 runs the same
    // implementation in every thread (so the same bits); others stay on one thread.
    const math: Record<string, string> = {};
    const unshared: string[] = [];
    for (const name of halves.functionImports) {
      const fn = JS_FUNCTIONS[name];
      const builtin = Object.getOwnPropertyNames(Math).find(
        (k) => (Math as unknown as Record<string, unknown>)[k] === fn,
      );
      if (builtin === undefined) unshared.push(name);
      else math[name] = builtin;
    }
    if (unshared.length > 0)
      return `its step calls JavaScript (${unshared.join(", ")}), which a worker does not share`;
    const module = sharedMemoryTwin(halves.module);
    return module ? { module, name: "upper", math } : "no shared-memory module";
  }

  /** @internal where the step splits: neurons [0, at) on the main thread, [at, size) on the worker. */
  get splitAt(): number {
    return this.halves?.at ?? 0;
  }

  /**
   * @internal runs the step in two halves from now on: [0, splitAt) here while `worker` runs its
   * task `task` ({@link EquationGroup.workerTask}), the spike lists merged in index order (the
   * same spikes, state and random numbers as one thread); `null` goes back to one thread.
   */
  splitOn(
    worker: StepWorker | null,
    task = 0,
    chooser: { chooser: SplitChooser; ticks: boolean } | null = null,
  ): void {
    const two = worker === null ? null : this.twoThreadStep(worker, task);
    const whole = this.stepKernel;
    if (two === null || whole === null) {
      this.splitStep = null;
      return;
    }
    if (chooser === null) {
      this.splitStep = two;
      return;
    }
    // ("auto": one thread or two, as the chooser finds faster while running; `ticks`: this
    // group's step counts the steps)
    const c = chooser.chooser;
    this.splitStep = chooser.ticks
      ? (t_ms) => (c.tick(), c.two ? two(t_ms) : whole(t_ms))
      : (t_ms) => (c.two ? two(t_ms) : whole(t_ms));
  }

  /**
   * The step in two halves: [0, splitAt) here while `worker` runs task `task`, the spike lists
   * merged in index order; null where the step has no halves.
   */
  private twoThreadStep(worker: StepWorker, task: number): ((t_ms: number) => number) | null {
    const halves = this.halves;
    const whole = this.stepKernel;
    if (halves === null || whole === null) return null;
    const { lower, at } = halves;
    const spiked = this.spiked;
    const load = worker.loadId;
    return (t_ms: number) => {
      // (the worker left: net.reset() or rebuild() from a callback, mid-step; one thread)
      if (!worker.serves(load)) return whole(t_ms);
      worker.start(task, t_ms);
      const mine = lower(t_ms);
      const theirs = worker.finish();
      if (theirs > 0) spiked.copyWithin(mine, at, at + theirs);
      return mine + theirs;
    };
  }

  /** @internal whether the step runs split across two threads. */
  get isSplit(): boolean {
    return this.splitStep !== null;
  }

  /**
   * @internal wall time of the step on one thread and split on `worker` (task `task`), us per
   * step, means over `repeats` runs of `steps` steps each, alternated (a mean, not a median: a
   * worker that is descheduled now and then costs a time slice each time); the group's state
   * (and spike list) is restored afterwards, byte for byte.
   */
  timeSplit(
    worker: StepWorker,
    task: number,
    steps: number,
    repeats: number,
  ): { one_us: number; two_us: number } {
    const one = this.stepKernel;
    const two = this.twoThreadStep(worker, task);
    if (one === null || two === null) throw new Error(`${this.name}: no step in halves`);
    // (the group's arena span, from its first array to its spike count: padding lanes included)
    const parts = [...this.arrays, this.spiked, this.spikeCountCell];
    const from = Math.min(...parts.map((a) => a.byteOffset));
    const end = (a: StateArray | Int32Array) =>
      a.byteOffset +
      arenaBytes(
        a.length + (a === this.spiked || a === this.spikeCountCell ? 0 : 3),
        a.BYTES_PER_ELEMENT,
      );
    const to = Math.min(this.spiked.buffer.byteLength, Math.max(...parts.map(end)));
    const span = new Uint8Array(this.spiked.buffer, from, to - from);
    const saved = span.slice();
    const time = (fn: (t: number) => number) => {
      const t0 = performance.now();
      for (let k = 0; k < steps; k++) fn(k * this.dt_ms);
      return (1000 * (performance.now() - t0)) / steps;
    };
    let ones = 0;
    let twos = 0;
    try {
      for (let r = 0; r < repeats; r++) {
        ones += time(one);
        twos += time(two);
      }
    } finally {
      span.set(saved);
    }
    return { one_us: ones / repeats, two_us: twos / repeats };
  }

  /** @internal the reset inside the network's multi-step driver, or null where it is JavaScript. */
  driverReset(): DriverOperation | null {
    const kernel = this.resetKernel;
    if (kernel === null) return null;
    const cell = this.spikeCountCell;
    const calls = callCounter(this.kernelCalls);
    return {
      emit: (d) => {
        const fn = d.kernel(kernel, [F64, I32], []);
        const count = [...op.i32Const(0), ...op.i32Load(cell.byteOffset)];
        return ifNonZero(count, [...op.localGet(d.t), ...count, ...op.call(fn), ...calls.start(d)]);
      },
      after: calls.hand,
    };
  }

  /** @internal the first non-finite per-neuron value (variable, neuron, value), or null. */
  firstNonFinite(): { variable: string; index: number; value: number } | null {
    if (this.finiteFn !== null && this.finiteFn() === 1) return null; // the fast check; else look closely (padding lanes may be the culprit)
    const names = this.variables;
    for (let k = 0; k < this.arrays.length; k++) {
      const a = this.arrays[k];
      for (let i = 0; i < this.size; i++)
        if (!Number.isFinite(a[i])) return { variable: names[k], index: i, value: a[i] };
    }
    return null;
  }

  /** Whether the model has a reset to run. */
  get hasReset(): boolean {
    return this.model.reset.length > 0;
  }

  /** Describes the model: equations, method, threshold, reset, refractory. */
  describe(): {
    equations: string;
    method: string;
    threshold: string | null;
    reset: string[];
    refractory: string;
  } {
    const m = this.model;
    return {
      equations: m.spec.model.trim(),
      method: m.method,
      threshold: m.threshold ? formatExpr(m.threshold) : null,
      reset: m.reset.map((r) => `${r.name} = ${formatExpr(r.expr)}`),
      refractory: m.refractory.kind === "none" ? "none" : formatExpr(m.refractory.expr),
    };
  }
}

/**
 * Where a group of `n` neurons splits across two threads: a multiple of 4 (whole vectors in
 * both precisions) near n / 2, at least 4; 0 (no split) for n <= 4.
 */
function splitPoint(n: number): number {
  return n <= 4 ? 0 : Math.max(4, 4 * Math.floor(n / 8));
}

/** Evaluates an expression for neuron `i` (initial values and assignments; not a hot path). */
function evaluate(
  e: Expr,
  i: number,
  g: EquationGroup<StateArray>,
  vals: StateArray[],
  rng: Rng,
  where: string,
): number {
  const go = (x: Expr): number => {
    switch (x.k) {
      case "num":
        return x.v;
      case "name": {
        if (x.name === "i") return i;
        if (x.name === "N") return g.size;
        const k = g.variables.indexOf(x.name);
        if (k >= 0) return vals[k][i];
        if (x.name in g.shared) return g.shared[x.name];
        throw new RangeError(`${where}: "${x.name}" is not defined here`);
      }
      case "neg":
        return -go(x.a);
      case "not":
        return go(x.a) === 0 ? 1 : 0;
      case "bin":
        return applyBinary(x.op, go(x.a), go(x.b));
      case "call":
        if (x.fn === "rand") return rng.uniform();
        if (x.fn === "randn") return rng.normal();
        if (!FUNCTIONS[x.fn]) throw new RangeError(`${where}: unknown function "${x.fn}"`);
        return FUNCTIONS[x.fn].impl(...x.args.map(go));
    }
  };
  return go(e);
}
