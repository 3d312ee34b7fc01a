/**
 * Populations of a {@link Network}: thin stateful wrappers that own their parameter and state
 * records and call the pure step functions of `neurons/` and `inputs/`.
 */
import { checkFiniteArray, checkInteger } from "../core/checks.js";
import type { LifParams } from "../neurons/lif.js";
import { neuronState, type FusedInputs, type NeuronModel, type NeuronState } from "../neurons/model.js";
import {
  checkReceptor,
  gatherDriveAndAdvance,
  receptorState,
  synapticDrive,
  type ReceptorKind,
  type ReceptorSpec,
  type ReceptorState,
  type SynapticDrive,
} from "../synapses/receptors.js";
import { checkRate, poissonStep } from "../inputs/poisson.js";
import { spikeSchedule, type SpikeSchedule } from "../inputs/spikeGenerator.js";
import type { Rng } from "../random/rng.js";

/** Initial values: one value for all, one per neuron, or drawn per neuron from the network's stream. */
export type InitialPotential = number | ArrayLike<number> | ((rng: Rng, index: number) => number);

/** What every population offers the network's schedule. */
export interface Population {
  /** Unique name within the network. */
  readonly name: string;
  /** Number of neurons. */
  readonly size: number;
  /** Model kind, e.g. "lif", "poisson", "spikeGenerator". */
  readonly kind: string;
  /** Indices that spiked in the current step (first `spikeCount` entries). */
  readonly spiked: Int32Array;
  /** Number of valid entries in `spiked`. */
  readonly spikeCount: number;
  /** @internal prepares state for a run at `dt_ms` (called by the network when it builds). */
  build(dt_ms: number, rng: Rng): void;
  /**
   * @internal advances one step; `arriving` holds, per receptor, the synaptic input arriving in
   * this step (null for populations nothing projects to).
   */
  update(step: number, arriving: readonly Float64Array[] | null): void;
}

/** Options of a neuron group. */
export interface NeuronGroupOptions<P> {
  /** Number of neurons (>= 1). */
  size: number;
  /** Parameters; missing ones come from the model's defaults. */
  params?: Partial<P>;
  /**
   * Initial values by state variable (e.g. `{ v_mV: -65 }`): one value for all, one per neuron,
   * or drawn per neuron. Missing variables start at the model's defaults.
   */
  init?: Record<string, InitialPotential>;
  /** Initial membrane potential, mV: shorthand for `init: { v_mV }`. */
  v0_mV?: InitialPotential;
  /** Postsynaptic receptors by name; every group also has the receptor "delta" (jumps in mV). */
  receptors?: Record<string, ReceptorSpec>;
}

/**
 * A population of one neuron model: owns the parameter record, the state (structure of
 * arrays), the receptors and the external current, and calls the model's pure step function.
 */
export class NeuronGroup<P = unknown> implements Population {
  readonly kind: string;
  readonly size: number;
  readonly params: P;
  /** Receptor names in buffer order; index 0 is always "delta". */
  readonly receptorNames: readonly string[];
  /** External current per neuron, pA, held constant within each step (settable between runs). */
  readonly current_pA: Float64Array;
  /** @internal gap-junction current of the step, pA (written by the network; null without gap junctions). */
  coupling_pA: Float64Array | null = null;
  spiked: Int32Array;
  spikeCount = 0;
  private readonly receptorSpecs: ReceptorSpec[];
  private readonly init: Record<string, InitialPotential>;
  private state: NeuronState | null = null;
  private constants: unknown = null;
  private receptors: ReceptorState[] = [];
  private drive: SynapticDrive | null = null;
  private zeros: Float64Array | null = null;
  private rng: Rng | null = null;
  private fused: FusedInputs | null = null;

  constructor(
    readonly name: string,
    readonly model: NeuronModel<P>,
    opts: NeuronGroupOptions<P>,
  ) {
    this.kind = model.name;
    this.size = checkInteger(opts.size, `${name}: size`, 1);
    this.params = model.params(opts.params);
    const receptors = opts.receptors ?? {};
    if ("delta" in receptors) throw new RangeError(`${name}: receptors: "delta" is built in and cannot be redefined`);
    this.receptorNames = ["delta", ...Object.keys(receptors)];
    this.receptorSpecs = [{ kind: "delta" }, ...Object.entries(receptors).map(([r, spec]) => checkReceptor(spec, `${name}.${r}`))];
    this.init = { ...(opts.init ?? {}) };
    if (opts.v0_mV !== undefined) this.init.v_mV = opts.v0_mV;
    for (const v of Object.keys(this.init)) {
      if (!model.variables.includes(v)) throw new RangeError(`${name}: init: variable must be one of ${model.variables.join(", ")}, got ${JSON.stringify(v)}`);
    }
    this.current_pA = new Float64Array(this.size);
    this.spiked = new Int32Array(this.size);
  }

  /** The receptor called `name` (its index in buffer order and kind); throws naming the choices. */
  receptor(name: string): { index: number; kind: ReceptorKind } {
    const index = this.receptorNames.indexOf(name);
    if (index < 0) throw new RangeError(`receptor must be one of ${this.receptorNames.map((r) => JSON.stringify(r)).join(", ")} of ${this.name}, got ${JSON.stringify(name)}`);
    return { index, kind: this.receptorSpecs[index].kind };
  }

  /** A state variable's live values (e.g. `"v_mV"`); valid once the network has been built. */
  variable(name: string): Float64Array {
    if (!this.state) throw new Error(`${this.name}: state exists once the network has been run or built`);
    const v = this.state.vars[name];
    if (!v) throw new RangeError(`variable must be one of ${this.model.variables.join(", ")}, got ${JSON.stringify(name)}`);
    return v;
  }

  /** Receptors by name, in buffer order ("delta" first). */
  get receptorDefinitions(): { name: string; spec: ReceptorSpec }[] {
    return this.receptorSpecs.map((spec, k) => ({ name: this.receptorNames[k], spec }));
  }

  /** A copy of every state variable (valid once the network has been built). */
  snapshot(): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    for (const v of this.model.variables) out[v] = this.variable(v).slice();
    return out;
  }

  /** Membrane potentials, mV (a live view; valid once the network has been built). */
  get v_mV(): Float64Array {
    return this.variable("v_mV");
  }

  build(dt_ms: number, rng: Rng): void {
    this.constants = this.model.prepare(this.params, dt_ms);
    const state = neuronState(this.model.variables, this.size);
    const defaults = this.model.initial(this.params);
    for (const v of this.model.variables) {
      state.vars[v].set(initialValues(this.init[v] ?? defaults[v], this.size, rng, `${this.name}: init.${v}`));
    }
    this.state = state;
    this.receptors = this.receptorSpecs.map((spec, k) => receptorState(this.receptorNames[k], spec, this.size, dt_ms));
    this.drive = synapticDrive(this.size, this.receptorSpecs.some((r) => r.kind === "conductance"));
    this.rng = rng;
    this.fused = { external_pA: this.current_pA, coupling_pA: null, receptors: this.receptors, arriving: [] };
    this.spikeCount = 0;
  }

  update(_step: number, arriving: readonly Float64Array[] | null): void {
    if (arriving !== null && this.model.fusedStep) {
      const f = this.fused!;
      f.coupling_pA = this.coupling_pA;
      f.arriving = arriving;
      const count = this.model.fusedStep(this.params, this.constants, this.state!, f, this.spiked);
      if (count >= 0) {
        this.spikeCount = count;
        return;
      }
    }
    const drive = this.drive!;
    gatherDriveAndAdvance(drive, this.current_pA, this.receptors, arriving, this.coupling_pA);
    drive.jump_mV = arriving ? arriving[0] : this.noInput();
    this.spikeCount = this.model.step(this.params, this.constants, this.state!, drive, this.spiked, this.rng!);
  }

  /** Zero input, for groups nothing projects to. */
  private noInput(): Float64Array {
    return (this.zeros ??= new Float64Array(this.size));
  }
}

/** A LIF population (see `neurons/lif`). */
export type LifGroup = NeuronGroup<LifParams>;

/** Options of a Poisson input group. */
export interface PoissonGroupOptions {
  /** Number of independent sources (>= 1). */
  size: number;
  /** Rate of every source, Hz (0 <= rate <= 1000 / dt_ms). */
  rate_Hz: number;
}

/** Independent Poisson spike sources with one common rate (as Brian2's PoissonGroup). */
export class PoissonGroup implements Population {
  readonly kind = "poisson";
  readonly size: number;
  /** Rate of every source, Hz; may be changed between runs. */
  rate_Hz: number;
  spiked: Int32Array;
  spikeCount = 0;
  private rng: Rng | null = null;
  private p = 0;

  constructor(
    readonly name: string,
    opts: PoissonGroupOptions,
  ) {
    this.size = checkInteger(opts.size, `${name}: size`, 1);
    this.rate_Hz = opts.rate_Hz;
    checkFiniteArray([opts.rate_Hz], `${name}: rate_Hz`, { min: 0 });
    this.spiked = new Int32Array(this.size);
  }

  build(dt_ms: number, rng: Rng): void {
    this.p = checkRate(this.rate_Hz, `${this.name}: rate_Hz`, dt_ms) * dt_ms * 1e-3;
    this.rng = rng;
    this.spikeCount = 0;
  }

  update(): void {
    this.spikeCount = poissonStep(this.size, this.p, this.rng!, this.spiked);
  }
}

/** Options of a spike generator. */
export interface SpikeGeneratorOptions {
  /** Number of neurons (>= 1). */
  size: number;
  /** Neuron index of each spike. */
  neurons: ArrayLike<number>;
  /** Time of each spike, ms (on the dt grid, >= dt). */
  times_ms: ArrayLike<number>;
}

/** Emits given spikes (as NEST's spike_generator / Brian2's SpikeGeneratorGroup). */
export class SpikeGeneratorGroup implements Population {
  readonly kind = "spikeGenerator";
  readonly size: number;
  spiked: Int32Array;
  spikeCount = 0;
  private schedule: SpikeSchedule | null = null;
  private cursor = 0;

  constructor(
    readonly name: string,
    readonly opts: SpikeGeneratorOptions,
  ) {
    this.size = checkInteger(opts.size, `${name}: size`, 1);
    this.spiked = new Int32Array(Math.max(this.size, opts.neurons.length));
  }

  build(dt_ms: number): void {
    this.schedule = spikeSchedule(this.size, this.opts.neurons, this.opts.times_ms, dt_ms);
    this.cursor = 0;
    this.spikeCount = 0;
  }

  update(step: number): void {
    const { steps, neurons } = this.schedule!;
    let c = this.cursor;
    let count = 0;
    while (c < steps.length && steps[c] < step) c++;
    while (c < steps.length && steps[c] === step) this.spiked[count++] = neurons[c++];
    this.cursor = c;
    this.spikeCount = count;
  }
}

function initialValues(v0: InitialPotential, n: number, rng: Rng, name: string): Float64Array {
  const out = new Float64Array(n);
  if (typeof v0 === "number") out.fill(v0);
  else if (typeof v0 === "function") for (let i = 0; i < n; i++) out[i] = v0(rng, i);
  else {
    if (v0.length !== n) throw new RangeError(`${name} must have ${n} values (one per neuron), got ${v0.length}`);
    for (let i = 0; i < n; i++) out[i] = v0[i];
  }
  checkFiniteArray(out, name);
  return out;
}
