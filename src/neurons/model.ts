/**
 * The contract between a neuron model and the network: a model is a set of pure functions
 * over an explicit parameter record and a structure-of-arrays state (after Norse's functional
 * API and NEST's Parameters_/State_ split). Populations are thin stateful wrappers around them.
 */
import type { Rng } from "../random/rng.js";
import type { ReceptorState, SynapticDrive } from "../synapses/receptors.js";
import type { Arena } from "../wasm/arena.js";

/** State of a population: one Float64Array per variable, plus refractory counters. */
export interface NeuronState {
  /** Variables by name; names carry units, e.g. `v_mV`, `w_pA`. */
  readonly vars: Record<string, Float64Array>;
  /** Remaining refractory steps per neuron (0 = not refractory). */
  readonly refractorySteps: Int32Array;
}

/** A neuron model: parameters `P`, per-step constants `K`. */
export interface NeuronModel<P, K = unknown> {
  /** Model name, e.g. "lif". */
  readonly name: string;
  /** State variable names (with units), first the membrane potential `v_mV`. */
  readonly variables: readonly string[];
  /** Completes partial parameters with the model's defaults and validates them. */
  params(partial?: Partial<P>): P;
  /** Default initial value of each state variable for these parameters. */
  initial(p: P): Record<string, number>;
  /** Per-step constants for step `dt_ms` (hoisted out of the hot loop). */
  prepare(p: P, dt_ms: number): K;
  /**
   * Advances all neurons by one step: integrates with `drive`, applies threshold and reset,
   * writes the indices of spiking neurons to `spikedOut` and returns their number. Stochastic
   * models draw from `rng` (the group's own stream).
   */
  step(p: P, k: K, s: NeuronState, drive: SynapticDrive, spikedOut: Int32Array, rng: Rng): number;
  /**
   * Optional fused step for one receptor configuration: gathers the drive, advances the
   * receptors and updates the neurons in one pass, with exactly the arithmetic of the general
   * path (so results are bitwise identical), and zeroes the `arriving` rows it consumed.
   * Returns -1 when it does not handle the configuration (touching nothing), and the general
   * path runs instead.
   */
  fusedStep?(p: P, k: K, s: NeuronState, f: FusedInputs, spikedOut: Int32Array): number;
  /**
   * Optional WebAssembly kernels for `fusedStep` (compiled once; undefined where unsupported).
   * A population instantiates them on the arena holding its state and passes the exports in
   * {@link FusedInputs.wasm}.
   */
  wasmModule?(): object | undefined;
}

/** What a fused step reads: external current, receptors and the input arriving for each. */
export interface FusedInputs {
  external_pA: Float64Array;
  coupling_pA: Float64Array | null;
  receptors: readonly ReceptorState[];
  arriving: readonly Float64Array[];
  /** The model's wasm kernels bound to `wasmBuffer` (undefined without them). */
  wasm: Record<string, unknown> | undefined;
  /** The memory the population's arrays live in when kernels may use them in place (else null). */
  wasmBuffer: ArrayBuffer | null;
}

/** A zeroed state, nobody refractory (arrays from `arena` if given). @internal */
export function neuronState(variables: readonly string[], n: number, arena?: Arena): NeuronState {
  const vars: Record<string, Float64Array> = {};
  for (const name of variables) vars[name] = arena ? arena.f64(n) : new Float64Array(n);
  return { vars, refractorySteps: arena ? arena.i32(n) : new Int32Array(n) };
}
