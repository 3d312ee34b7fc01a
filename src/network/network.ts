/**
 * A clock-driven network with event-driven spike delivery and a fixed per-step schedule
 * (after Brian2's): for step n, covering (n dt, (n+1) dt]:
 *
 *   1. inputs        Poisson groups and spike generators emit their spikes for the step
 *   2. state update  neuron groups integrate over the step, adding synaptic input arriving in it
 *   3. threshold     neurons at or above threshold spike (stamped at the step's end, (n+1) dt)
 *   4. propagate     spikes walk the CSR rows of their projections into delay ring buffers
 *   5. reset         spiking neurons are reset and made refractory
 *   6. monitors      monitors record the step
 *
 * Steps 2, 3 and 5 run fused inside each model's pure step function (propagation reads only the
 * spike list, so fusing reset before it changes nothing). Randomness comes from one seeded
 * {@link Rng}: each population and projection forks its own stream in creation order when the
 * network is built, so the same seed gives bitwise-identical results.
 */
import { checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import { synapseCount, type ConnectivityRule } from "../synapses/connectivity.js";
import {
  clearSlot,
  delayBuffer,
  delayToSteps,
  propagate,
  slotOf,
  type DelayBuffer,
  type Projection,
} from "../synapses/projection.js";
import { SpikeMonitor } from "./monitors.js";
import {
  LifGroup,
  PoissonGroup,
  SpikeGeneratorGroup,
  type LifGroupOptions,
  type Population,
  type PoissonGroupOptions,
  type SpikeGeneratorOptions,
} from "./populations.js";

/** Options of a {@link Network}. */
export interface NetworkOptions {
  /** Time step, ms (> 0). Default 0.1. */
  dt_ms?: number;
  /** Seed of the network's random numbers, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
}

/** How to connect two populations. */
export interface ConnectOptions {
  /** Connectivity rule, e.g. `fixedProbability(0.1)`. */
  rule: ConnectivityRule;
  /** Synaptic weight (voltage jump at the target), mV: one value or a function of the synapse. */
  weight_mV: number | ((rng: Rng, pre: number, post: number) => number);
  /** Transmission delay, ms (>= dt). Default: one step. */
  delay_ms?: number;
}

/** Progress of a run, reported every `progressEvery_steps`. */
export interface RunProgress {
  /** Steps done in this call to `run`. */
  step: number;
  /** Steps this call to `run` will take. */
  steps: number;
  /** Network time, ms. */
  t_ms: number;
}

/** Options of {@link Network.run}. */
export interface RunOptions {
  /** Called with the run's progress (and once at the end). */
  onProgress?: (p: RunProgress) => void;
  /** Steps between progress reports (default 1000). */
  progressEvery_steps?: number;
}

interface ProjectionSpec {
  pre: Population;
  post: LifGroup;
  opts: ConnectOptions;
}

interface Built {
  projections: { spec: ProjectionSpec; proj: Projection }[];
  buffers: Map<Population, DelayBuffer>;
}

/**
 * A network of populations, projections and monitors, run on a fixed time grid. Adding a
 * population or projection after a run rebuilds the network from time 0 on the next run.
 */
export class Network {
  /** Time step, ms. */
  readonly dt_ms: number;
  /** Seed of the network's random numbers. */
  readonly seed: number;
  private readonly populations: Population[] = [];
  private readonly specs: ProjectionSpec[] = [];
  private readonly monitors: SpikeMonitor[] = [];
  private built: Built | null = null;
  private stepIndex = 0;

  constructor(opts: NetworkOptions = {}) {
    this.dt_ms = checkPositive(opts.dt_ms ?? 0.1, "dt_ms");
    this.seed = checkInteger(opts.seed ?? 0, "seed", 0, 0xffffffff);
  }

  /** Current network time, ms. */
  get t_ms(): number {
    return this.stepIndex * this.dt_ms;
  }

  /** Adds a population of leaky integrate-and-fire neurons. */
  addLif(name: string, opts: LifGroupOptions): LifGroup {
    return this.addPopulation(new LifGroup(this.uniqueName(name), opts));
  }

  /** Adds a group of independent Poisson spike sources. */
  addPoisson(name: string, opts: PoissonGroupOptions): PoissonGroup {
    return this.addPopulation(new PoissonGroup(this.uniqueName(name), opts));
  }

  /** Adds a generator of given spikes. */
  addSpikeGenerator(name: string, opts: SpikeGeneratorOptions): SpikeGeneratorGroup {
    return this.addPopulation(new SpikeGeneratorGroup(this.uniqueName(name), opts));
  }

  /** Connects `pre` to the neuron group `post` with static delta synapses. */
  connect(pre: Population, post: LifGroup, opts: ConnectOptions): void {
    this.requireMember(pre, "pre");
    this.requireMember(post, "post");
    if (!(post instanceof LifGroup)) throw new TypeError(`post must be a neuron group, got ${(post as Population).kind}`);
    if (typeof opts.weight_mV === "number") checkNumber(opts.weight_mV, "weight_mV");
    if (opts.delay_ms !== undefined) delayToSteps(opts.delay_ms, this.dt_ms);
    this.specs.push({ pre, post, opts });
    this.built = null;
  }

  /** Records the spikes of the given populations (all, by default). */
  monitorSpikes(populations: Population[] = this.populations): SpikeMonitor {
    populations.forEach((p, k) => this.requireMember(p, `populations[${k}]`));
    const m = new SpikeMonitor(populations);
    this.monitors.push(m);
    return m;
  }

  /** Number of synapses once built (builds the network if needed). */
  get synapseCount(): number {
    return this.build().projections.reduce((n, p) => n + synapseCount(p.proj.csr), 0);
  }

  /**
   * Runs for `duration_ms` (a whole number of steps), continuing from where the last run
   * stopped. Monitors keep what they recorded before.
   */
  run(duration_ms: number, opts: RunOptions = {}): void {
    checkNumber(duration_ms, "duration_ms", { min: 0 });
    const steps = Math.round(duration_ms / this.dt_ms);
    if (Math.abs(steps * this.dt_ms - duration_ms) > 1e-9 * Math.max(1, duration_ms)) {
      throw new RangeError(`duration_ms must be a whole number of steps of dt_ms = ${this.dt_ms}, got ${duration_ms}`);
    }
    const every = checkInteger(opts.progressEvery_steps ?? 1000, "progressEvery_steps", 1);
    const fresh = this.built === null;
    const built = this.build();
    for (const m of this.monitors) m.begin(this.dt_ms, this.t_ms, fresh);
    const first = this.stepIndex;
    for (let s = 0; s < steps; s++) {
      this.step(built, first + s);
      if (opts.onProgress && (s + 1) % every === 0) opts.onProgress({ step: s + 1, steps, t_ms: (first + s + 1) * this.dt_ms });
    }
    this.stepIndex = first + steps;
    if (opts.onProgress && steps % every !== 0) opts.onProgress({ step: steps, steps, t_ms: this.t_ms });
  }

  /** Restores the initial state (time 0, initial potentials, fresh random streams, empty monitors). */
  reset(): void {
    this.built = null;
    this.stepIndex = 0;
  }

  private step(built: Built, n: number): void {
    const pops = this.populations;
    // 1-3, 5: inputs, state update, threshold and reset, population by population.
    for (let k = 0; k < pops.length; k++) {
      const p = pops[k];
      const buf = built.buffers.get(p);
      if (buf) {
        p.update(n, slotOf(buf, n));
        clearSlot(buf, n);
      } else p.update(n, null);
    }
    // 4: propagate.
    const projs = built.projections;
    for (let k = 0; k < projs.length; k++) {
      const { spec, proj } = projs[k];
      if (spec.pre.spikeCount > 0) propagate(proj, spec.pre.spiked, spec.pre.spikeCount, n, built.buffers.get(spec.post)!);
    }
    // 6: monitors.
    for (let k = 0; k < this.monitors.length; k++) this.monitors[k].record(n);
  }

  private build(): Built {
    if (this.built) return this.built;
    const rng = new Rng(this.seed);
    for (const p of this.populations) p.build(this.dt_ms, rng.fork());
    const projections = this.specs.map((spec) => {
      const r = rng.fork();
      const csr = spec.opts.rule(spec.pre.size, spec.post.size, r);
      const weight = new Float64Array(csr.colIdx.length);
      const w = spec.opts.weight_mV;
      if (typeof w === "number") weight.fill(w);
      else
        for (let i = 0; i < csr.nPre; i++)
          for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) weight[k] = checkNumber(w(r, i, csr.colIdx[k]), `weight_mV(pre ${i}, post ${csr.colIdx[k]})`);
      const delaySteps = spec.opts.delay_ms === undefined ? 1 : delayToSteps(spec.opts.delay_ms, this.dt_ms);
      return { spec, proj: { csr, weight_mV: weight, delaySteps } };
    });
    const buffers = new Map<Population, DelayBuffer>();
    for (const p of this.populations) {
      if (!(p instanceof LifGroup)) continue;
      const maxDelay = projections.reduce((m, x) => (x.spec.post === p ? Math.max(m, x.proj.delaySteps) : m), 1);
      buffers.set(p, delayBuffer(p.size, maxDelay));
    }
    this.stepIndex = 0;
    this.built = { projections, buffers };
    return this.built;
  }

  private addPopulation<P extends Population>(p: P): P {
    this.populations.push(p);
    this.built = null;
    return p;
  }

  private uniqueName(name: string): string {
    if (typeof name !== "string" || name.length === 0) throw new TypeError(`name must be a non-empty string, got ${String(name)}`);
    if (this.populations.some((p) => p.name === name)) throw new RangeError(`name must be unique in the network: "${name}" is taken`);
    return name;
  }

  private requireMember(p: Population, what: string): void {
    if (!this.populations.includes(p)) throw new RangeError(`${what} must be a population of this network`);
  }
}
