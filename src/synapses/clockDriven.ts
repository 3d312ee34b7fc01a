/**
 * Clock-driven synapse equations: per-synapse differential equations integrated every step
 * (Brian2's default for a synaptic ODE, or its `(clock-driven)` flag), e.g. an NMDA-like
 * conductance `ds/dt = -s/tau_decay + alpha*x*(1 - s) : 1`, `dx/dt = -x/tau_rise : 1` with
 * `on_pre: "x += 1"` (Brian2's documentation, "Synapses", non-linear synapses).
 *
 * The synapses are integrated as a group of size nSynapses by the group-step generators of
 * `src/equations` (codegen.ts, the JavaScript reference; wasmgen.ts, WebAssembly SIMD f64x2 or
 * f32x4): the step reads one array per name, so every neuron variable the equations read
 * (`v_post`, `v_pre`, and `i`, `j` themselves) is first gathered per synapse through the
 * synapse -> pre (`i`) and synapse -> post (`j`) index arrays into an array of the synapses'
 * precision (a scalar WebAssembly loop, or its JavaScript twin: the same loads, conversions and
 * stores, so both targets stay bitwise identical).
 *
 * Brian2's schedule: the state update runs in the "groups" slot, after the neuron groups (its
 * objects sort by slot, order, then name, and `neurongroup*` < `synapses*`), so it reads the
 * neurons' updated state; the summed variables (order -1) read the synaptic state of the
 * step's start.
 */
import {
  assemble,
  compileModule,
  F64,
  forCount,
  I32,
  op,
  wasmApi,
  type Code,
} from "../wasm/assembler.js";
import type { Arena } from "../wasm/arena.js";
import { arenaBytes } from "../wasm/arena.js";
import type { DriverOperation } from "../wasm/driver.js";
import { jsStep, specialise, type StateArray, type StepFunction } from "../equations/codegen.js";
import type { ResolvedModel } from "../equations/model.js";
import { wasmStep } from "../equations/wasmgen.js";
import type { Rng } from "../random/rng.js";
import { RandomDraws, randomDrawsBytes } from "../random/draws.js";

/** A neuron variable (or index) read by the equations, gathered per synapse before each step. */
export interface Gather {
  /** The gathered array (one value per synapse, in the synapses' precision). */
  readonly target: StateArray;
  /** The neuron group's array (or the index as numbers). */
  readonly source: StateArray;
  /** Neuron index of every synapse (`i` for presynaptic, `j` for postsynaptic sources). */
  readonly index: Int32Array;
}

/** Bytes the per-step buffers of a clock-driven update take in the arena (random numbers, the step's unused shared and spike arrays). */
export function clockDrivenBytes(model: ResolvedModel, n: number, float32: boolean): number {
  return randomDrawsBytes(model.randoms.length, n, float32) + arenaBytes(1, 8) + arenaBytes(1, 4);
}

/**
 * Compiles the gathers to one WebAssembly function on the arena (`target[k] = source[index[k]]`
 * for every gather, widened or rounded to the target's type), or undefined.
 */
function wasmGather(gathers: readonly Gather[], n: number, arena: Arena): (() => void) | undefined {
  if (!wasmApi() || arena.buffer === null || gathers.length === 0) return undefined;
  const { localGet: get, localSet: set } = op;
  const K = 0,
    COUNT = 1;
  const body: Code = [...op.i32Const(n), ...set(COUNT)];
  for (const g of gathers) {
    const to32 = g.target instanceof Float32Array;
    const from32 = g.source instanceof Float32Array;
    body.push(
      ...forCount(K, COUNT, [
        ...get(K),
        ...op.i32Const(to32 ? 2 : 3),
        ...op.i32Shl,
        ...get(K),
        ...op.i32Const(2),
        ...op.i32Shl,
        ...op.i32Load(g.index.byteOffset),
        ...op.i32Const(from32 ? 2 : 3),
        ...op.i32Shl,
        ...(from32 ? op.f32Load(g.source.byteOffset) : op.f64Load(g.source.byteOffset)),
        ...(from32 && !to32 ? op.f64PromoteF32 : []),
        ...(!from32 && to32 ? op.f32DemoteF64 : []),
        ...(to32 ? op.f32Store(g.target.byteOffset) : op.f64Store(g.target.byteOffset)),
      ]),
    );
  }
  const module = compileModule(
    assemble([{ name: "gather", params: [], results: [], locals: [I32, I32], body }]),
  );
  if (typeof module === "string") return undefined;
  const instance = arena.instance(module);
  return instance ? (instance.gather as () => void) : undefined;
}

/** The JavaScript twin of {@link wasmGather} (a typed-array store rounds as f32.demote does). */
function jsGather(gathers: readonly Gather[], n: number): () => void {
  return () => {
    for (const { target, source, index } of gathers)
      for (let k = 0; k < n; k++) target[k] = source[index[k]];
  };
}

/**
 * The per-step update of clock-driven synapse variables (see the module comment): built once
 * per network build for the synapses' arrays, run by the "groups"-slot operation.
 */
export class ClockDrivenUpdate {
  /** "WebAssembly SIMD", "WebAssembly SIMD (f32x4)", "JavaScript" or "JavaScript (float32)". */
  readonly target: string;
  private readonly stepFn: StepFunction;
  private readonly gatherFn: () => void;
  private readonly randoms: RandomDraws;
  private readonly shared: Float64Array;
  private readonly spiked: Int32Array;
  /** The WebAssembly step and gather (null where the update is JavaScript). */
  private readonly kernels: { step: (t_ms: number) => number; gather?: () => void } | null;

  /**
   * @param model the clock-driven equations as a model whose stored variables are, in order,
   *   the clock-driven variables then every per-synapse name they read.
   * @param arrays one array per stored variable of `model` (length n, float32 where `float32`).
   * @param gathers the arrays among `arrays` filled from neurons before each step.
   */
  constructor(
    readonly model: ResolvedModel,
    private readonly arrays: StateArray[],
    private readonly gathers: readonly Gather[],
    private readonly n: number,
    readonly dt_ms: number,
    readonly float32: boolean,
    rng: Rng,
    mem: Pick<Arena, "f64" | "f32" | "i32">,
    arena: Arena | null,
  ) {
    this.randoms = new RandomDraws(
      model.randoms.map((r) => r.kind),
      n,
      float32,
      rng,
      mem,
      arena,
    );
    this.shared = mem.f64(1);
    this.spiked = mem.i32(1);
    const s = specialise(model, dt_ms, n, float32);
    const wasm =
      arena !== null
        ? wasmStep(s, arena, {
            arrays,
            randoms: this.randoms.values,
            shared: this.shared,
            spiked: this.spiked,
            n,
          })
        : undefined;
    const gather = arena !== null && wasm ? wasmGather(gathers, n, arena) : undefined;
    const inWasm = wasm !== undefined && (gathers.length === 0 || gather !== undefined);
    this.stepFn = inWasm ? wasm.step : jsStep(s);
    this.gatherFn = inWasm && gather ? gather : jsGather(gathers, n);
    this.kernels = inWasm ? { step: wasm.stepKernel, gather } : null;
    this.target = inWasm
      ? float32
        ? "WebAssembly SIMD (f32x4)"
        : "WebAssembly SIMD"
      : float32
        ? "JavaScript (float32)"
        : "JavaScript";
  }

  /** Advances every synapse's clock-driven variables from the step's start `t = step dt`. */
  update(step: number): void {
    this.randoms.draw();
    if (this.gathers.length > 0) this.gatherFn();
    this.stepFn(
      this.arrays,
      this.randoms.values,
      this.shared,
      this.n,
      step * this.dt_ms,
      this.spiked,
    );
  }

  /**
   * {@link ClockDrivenUpdate.update} inside the network's multi-step driver: the random numbers
   * drawn by the generator's WebAssembly twin (src/random/draws.ts: the same stream in the same
   * order), then the gather and the step kernel; null where the update is JavaScript.
   */
  driverOperation(): DriverOperation | null {
    const k = this.kernels;
    if (k === null) return null;
    const randoms = this.randoms;
    return {
      before: () => randoms.before(),
      after: () => randoms.after(),
      emit: (d) => [
        ...randoms.emit(d),
        ...(k.gather ? op.call(d.kernel(k.gather, [], [])) : []),
        ...op.localGet(d.t),
        ...op.call(d.kernel(k.step, [F64], [I32])),
        0x1a, // drop (the step's spike count: synapses have no threshold)
      ],
    };
  }
}
