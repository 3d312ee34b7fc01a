/**
 * Populations of a {@link Network}: thin stateful wrappers that own their parameter and state
 * records and call the pure step functions of `neurons/` and `inputs/`.
 */
import { checkFiniteArray, checkInteger } from "../core/checks.js";
import { lifConstants, lifParams, lifState, lifStep, type LifParams, type LifState, type LifStepConstants } from "../neurons/lif.js";
import { checkRate, poissonStep } from "../inputs/poisson.js";
import { spikeSchedule, type SpikeSchedule } from "../inputs/spikeGenerator.js";
import type { Rng } from "../random/rng.js";

/** Initial membrane potentials: one value for all, one per neuron, or drawn per neuron. */
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
  /** @internal advances one step; `jump` is the synaptic input arriving this step (or null for inputs). */
  update(step: number, jump: Float64Array | null): void;
}

/** Options of a LIF population. */
export interface LifGroupOptions {
  /** Number of neurons (>= 1). */
  size: number;
  /** Parameters; missing ones come from `LIF_DEFAULTS`. */
  params?: Partial<LifParams>;
  /** Initial membrane potential, mV (default: the resting potential). */
  v0_mV?: InitialPotential;
}

/** A population of leaky integrate-and-fire neurons (see `neurons/lif`). */
export class LifGroup implements Population {
  readonly kind = "lif";
  readonly size: number;
  readonly params: LifParams;
  /** External current per neuron, pA, held constant within each step (settable between runs). */
  readonly current_pA: Float64Array;
  spiked: Int32Array;
  spikeCount = 0;
  private state: LifState | null = null;
  private constants: LifStepConstants | null = null;
  private readonly v0: InitialPotential;

  constructor(
    readonly name: string,
    opts: LifGroupOptions,
  ) {
    this.size = checkInteger(opts.size, `${name}: size`, 1);
    this.params = lifParams(opts.params);
    this.v0 = opts.v0_mV ?? this.params.vRest_mV;
    this.current_pA = new Float64Array(this.size);
    this.spiked = new Int32Array(this.size);
  }

  /** Membrane potentials, mV (a live view; valid after the network has been built). */
  get v_mV(): Float64Array {
    if (!this.state) throw new Error(`${this.name}: state exists once the network has been run or built`);
    return this.state.v_mV;
  }

  build(dt_ms: number, rng: Rng): void {
    this.constants = lifConstants(this.params, dt_ms);
    this.state = lifState(this.size, initialValues(this.v0, this.size, rng, `${this.name}: v0_mV`));
    this.spikeCount = 0;
  }

  update(_step: number, jump: Float64Array | null): void {
    this.spikeCount = lifStep(this.params, this.constants!, this.state!, this.current_pA, jump!, this.spiked);
  }
}

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
    private readonly opts: SpikeGeneratorOptions,
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
