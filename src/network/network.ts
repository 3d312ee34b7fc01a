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
 * Steps 2 and 3 of every neuron group run in its generated equation step (built-in models too:
 * their equations with the group's receptors, see `neurons/model`); built-in groups also reset
 * there (propagation reads only the spike list, so resetting before it changes nothing), and
 * add the input of delayed projections arriving in the step. Randomness comes from one seeded
 * {@link Rng}: each population and projection forks its own stream in creation order when the
 * network is built, so the same seed gives bitwise-identical results.
 */
import { checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import {
  applyRule,
  synapseCount,
  type ConnectivityRule,
  type Csr,
} from "../synapses/connectivity.js";
import {
  checkSynapseValue,
  delayToSteps,
  maxDelaySteps,
  propagate,
  slotOf,
  synapseWeights,
  type DelayBuffer,
  type Projection,
} from "../synapses/projection.js";
import { weightUnit, type ReceptorSpec } from "../synapses/receptors.js";
import { bothWays, gapJunctionEquations, reversed } from "../synapses/gapJunctions.js";
import { deliverKernels, type DeliverKernels } from "../synapses/deliverWasm.js";
import { Arena, arenaBytes } from "../wasm/arena.js";
import { SplitChooser, StepWorker, threadsUnavailable, type WorkerTask } from "../wasm/threads.js";
import { F64, forCount, I32, op, type Code } from "../wasm/assembler.js";
import {
  buildDriver,
  ifNonZero,
  loadCell,
  ringRowAddress,
  spikeCountCellOf,
  type CountCellOf,
  type Driver,
  type DriverContext,
  type DriverOperation,
} from "../wasm/driver.js";
import { adex, type AdExParams } from "../neurons/adex.js";
import {
  IZHIKEVICH_PRESETS,
  izhikevich,
  type IzhikevichParams,
  type IzhikevichPreset,
} from "../neurons/izhikevich.js";
import { lif, type LifParams } from "../neurons/lif.js";
import type { NeuronModel } from "../neurons/model.js";
import type { StateArray } from "../equations/codegen.js";
import { Synapses, type SynapsesOptions } from "../synapses/equationSynapses.js";
import { EquationGroup, type EquationGroupOptions } from "./equationGroup.js";
import {
  RateMonitor,
  SpikeMonitor,
  StateMonitor,
  type StateGroup,
  type StateMonitorOptions,
} from "./monitors.js";
import { networkBundle } from "./summary.js";
import { MIME_BUNDLE, type MimeBundle } from "../display/protocol.js";
import {
  NeuronGroup,
  PoissonGroup,
  SpikeGeneratorGroup,
  type NeuronGroupOptions,
  type Population,
  type PoissonGroupOptions,
  type SpikeGeneratorOptions,
} from "./populations.js";
import { describeValue } from "../core/describe.js";

/** Options of a {@link Network}. */
export interface NetworkOptions {
  /** Time step, ms, in [1e-4, 1000]. Default 0.1. */
  dt_ms?: number;
  /**
   * Steps between checks that every neuron's state is finite (default 100; 0 turns the check
   * off). A NaN or infinity stops the run with an error naming the group, variable, neuron and
   * time, instead of propagating silently. The check costs about one pass over the state.
   */
  checkFinite_steps?: number;
  /**
   * Largest memory a built network may take, bytes (default: 80% of the machine's memory, at
   * most 16 GiB): a bigger network is refused at build with the estimate, not run out of memory.
   */
  maxMemory_bytes?: number;
  /** Seed of the network's random numbers, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /**
   * Use WebAssembly SIMD kernels where a model has them and the host supports them (default
   * true). `false` runs the TypeScript reference loops; results are bitwise identical either way.
   */
  wasm?: boolean;
  /**
   * Threads for the state update (NEST's `local_num_threads`): 1 (default), 2, or "auto". With 2,
   * the state update and threshold of each equation group (built-in models too) of at least
   * 20000 neurons whose step is WebAssembly calling no JavaScript function but `Math`'s is
   * split: the main thread updates the lower half while one worker thread updates the upper
   * half on the same shared memory; spikes, state and random numbers are bitwise identical to 1
   * thread. Synapses, resets, random draws and monitors stay on the main thread. "auto" spawns
   * the worker at build and splits only when a calibration finds a free core (a fast round
   * trip, and the real kernels faster on two threads than on one), then keeps the faster of one
   * and two threads while running; `net.schedule()` reports it. Gains are modest (0.86-0.92x
   * wall time for 100k neurons in float64 on a free core, for about 1.6x the CPU time; none in
   * float32; see README) and a busy machine makes `2` slower: prefer "auto".
   */
  threads?: 1 | 2 | "auto";
}

/** A per-synapse value: one number for all synapses, or a function of the synapse. */
export type SynapseValue = number | ((rng: Rng, pre: number, post: number) => number);

/**
 * How to connect two populations. Give exactly one weight, in the unit of the target receptor:
 * `weight_mV` for "delta" (the default receptor), `weight_pA` for a current receptor,
 * `weight_nS` for a conductance receptor.
 */
export interface ConnectOptions {
  /** Connectivity rule, e.g. `fixedProbability(0.1)`. */
  rule: ConnectivityRule;
  /** Receptor of the target group (default "delta"). */
  receptor?: string;
  /** Voltage jump per spike, mV (receptor kind "delta"). */
  weight_mV?: SynapseValue;
  /** Current increment per spike, pA (receptor kind "current"). */
  weight_pA?: SynapseValue;
  /** Conductance increment per spike, nS (receptor kind "conductance"). */
  weight_nS?: SynapseValue;
  /** Transmission delay, ms (>= dt), for all synapses or per synapse. Default: one step. */
  delay_ms?: SynapseValue;
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

/** Options of {@link Network.runAsync}. */
export interface RunAsyncOptions extends RunOptions {
  /** Stops the run at the next step boundary when aborted (e.g. by the kernel's interrupt). */
  signal?: AbortSignal;
  /** Wall time between yields to the event loop, ms (default 50). */
  yieldEvery_ms?: number;
}

interface Segment {
  built: Built;
  first: number;
  steps: number;
  done: number;
  every: number;
  onProgress?: (p: RunProgress) => void;
}

interface ProjectionSpec {
  pre: Population;
  post: NeuronGroup;
  receptor: number;
  weight: SynapseValue;
  weightName: string;
  delay: SynapseValue | undefined;
  rule: ConnectivityRule;
}

interface GapSpec {
  a: NeuronGroup;
  b: NeuronGroup;
  rule: ConnectivityRule;
  g: SynapseValue;
}

/** A plain description of a built network, for exporters and inspection (see {@link Network.describe}). */
export interface NetworkDescription {
  dt_ms: number;
  seed: number;
  /** Network time of the described state, ms. */
  t_ms: number;
  populations: PopulationDescription[];
  projections: ProjectionDescription[];
  gapJunctions: {
    a: string;
    b: string;
    rowPtr: Int32Array;
    colIdx: Int32Array;
    g_nS: Float64Array;
  }[];
  /** Names of populations whose spikes are monitored. */
  spikeMonitored: string[];
  /** True when time-varying current sources (functions, not exportable) are attached. */
  hasCurrentSources: boolean;
  /** Synapses written as equations: their options (model, on_pre, on_post, namespace), connectivity and per-synapse variables. */
  synapses: (ReturnType<Synapses["describe"]> & {
    name: string;
    options: Omit<SynapsesOptions, "rule" | "modulator">;
  })[];
}

/** One population of a {@link NetworkDescription}. */
export type PopulationDescription =
  | {
      kind: "neurons";
      name: string;
      size: number;
      model: string;
      params: Record<string, unknown>;
      receptors: { name: string; spec: ReceptorSpec }[];
      /** State variables at `t_ms`. */
      state: Record<string, Float64Array>;
      /** External current per neuron, pA. */
      current_pA: Float64Array;
    }
  | { kind: "poisson"; name: string; size: number; rate_Hz: number }
  | {
      kind: "equations";
      name: string;
      size: number;
      spec: EquationGroup["model"]["spec"];
      state: Record<string, Float64Array>;
    }
  | {
      kind: "spikeGenerator";
      name: string;
      size: number;
      neurons: Int32Array;
      times_ms: Float64Array;
    };

/** One projection of a {@link NetworkDescription}. */
export interface ProjectionDescription {
  pre: string;
  post: string;
  receptor: string;
  receptorKind: "delta" | "current" | "conductance";
  rowPtr: Int32Array;
  colIdx: Int32Array;
  /** In the receptor's unit: mV, pA or nS. */
  weight: Float32Array;
  /** One delay for all synapses or one per synapse, ms. */
  delay_ms: number | Float64Array;
}

/** A function that sets a group's external current for the step starting at `t_ms`. */
export type CurrentSource = (t_ms: number, current_pA: Float64Array) => void;

interface Built {
  /** The neuron groups (their external current is synchronised around runs). */
  groups: NeuronGroup[];
  /** Projections with their target ring buffer and, when it can run in place, the wasm delivery kernel. */
  projections: {
    spec: ProjectionSpec;
    proj: Projection;
    buffer: DelayBuffer;
    deliver: DeliverKernels | undefined;
    /**
     * For a one-step delay into a receptor's kernel: the pre population's spikes of the last
     * step, delivered straight into the receptor's variable after the target's step (no ring).
     */
    direct: LastSpikes | null;
  }[];
  /**
   * Gap junctions: each set's pairs (as its rule lists them, each once) with their conductances,
   * and the equation synapses that carry the coupling (a summed variable, both directions).
   */
  gaps: { spec: GapSpec; csr: Csr; g_nS: Float64Array; synapses: Synapses<StateArray>[] }[];
  /** The step as a plan: operations in slot order, walked once per step. */
  plan: PlannedOperation[];
  /** The arena, and the driver's part of it: call counters, log lengths, spike-log entries (empty without WebAssembly). */
  arena: Arena;
  driverArea: {
    counters: Int32Array;
    cells: Int32Array;
    steps: Int32Array;
    neurons: Int32Array;
    /** Spike counts of populations that keep theirs in JavaScript (Poisson groups, spike generators), by population index. */
    sourceCounts: Int32Array;
  };
  /** The plan run many steps per call inside WebAssembly, or why not (see {@link Network.stepsPerCall}). */
  driver: Driver | string;
  /** The static projections' delivery kernels on the arena (undefined without WebAssembly). */
  deliver: DeliverKernels | undefined;
}

/**
 * The slots of a time step, in order (Brian2's default schedule). Every operation of a built
 * network sits in one slot, ordered within it by `order` and then by creation.
 */
export const SLOTS = ["start", "groups", "thresholds", "synapses", "resets", "end"] as const;
/** A slot of the step (see {@link SLOTS}). */
export type Slot = (typeof SLOTS)[number];

/** One operation of a network's plan (see {@link Network.schedule}). */
export interface PlannedOperation {
  readonly slot: Slot;
  readonly order: number;
  /** The component it belongs to, e.g. a population's name or "exc -> inh". */
  readonly owner: string;
  /** What it does, e.g. "state update + threshold (wasm)". */
  readonly what: string;
  /** Runs the operation for step `step`. */
  readonly run: (step: number) => void;
  /** The same operation inside the multi-step driver (WebAssembly), or null where it needs JavaScript every step. */
  readonly driver?: DriverOperation | null;
  /** Why `driver` is null, where the operation knows (shown by the schedule). */
  readonly noDriver?: string;
  /**
   * For an operation of the "end" slot that only reads state and acts on some steps (the
   * non-finite check, a state monitor): the first step >= n on which it acts. The driver stops
   * after that step and JavaScript runs it.
   */
  readonly nextDue?: (n: number) => number;
}

/** Options of {@link Network.addOperation}. */
export interface OperationOptions {
  /** Slot to run in (default "start", as Brian2's network_operation). */
  when?: Slot;
  /** Order within the slot (default 0; lower runs first). */
  order?: number;
  /** Name shown in the schedule. */
  name?: string;
}

/**
 * The plan of a network, printable as Brian2's `scheduling_summary()`.
 *
 * @example
 * ```ts
 * import { Network, fixedProbability } from "neurolab";
 * const net = new Network();
 * const a = net.addLif("a", { size: 10 });
 * net.connect(a, a, { rule: fixedProbability(0.5), weight_mV: 1 });
 * net.monitorSpikes([a]);
 * String(net.schedule()); // the plan by slot (start, groups, thresholds, synapses, resets, end), as Brian2's scheduling_summary()
 * ```
 */
export class Schedule {
  constructor(
    /** The operations in the order they run. */
    readonly entries: readonly { slot: Slot; order: number; owner: string; what: string }[],
    readonly dt_ms: number,
    /** How runs take the steps: many per WebAssembly call, or step by step (and why). */
    readonly runs: string = "step by step",
    /** How many threads update the groups, and why (with `threads` other than 1), or "". */
    readonly threads: string = "",
  ) {}

  /** A table: slot, order, component, operation. */
  toString(): string {
    const w = Math.max(9, ...this.entries.map((e) => e.owner.length));
    const lines = [
      `step of ${this.dt_ms} ms, operations in order:`,
      `${"slot".padEnd(11)}${"order".padStart(5)}  ${"component".padEnd(w)}  operation`,
    ];
    for (const e of this.entries)
      lines.push(
        `${e.slot.padEnd(11)}${String(e.order).padStart(5)}  ${e.owner.padEnd(w)}  ${e.what}`,
      );
    lines.push(`runs: ${this.runs}`);
    if (this.threads) lines.push(`threads: ${this.threads}`);
    return lines.join("\n");
  }
}

/**
 * A network of populations, projections and monitors, run on a fixed time grid. Adding a
 * population or projection after a run rebuilds the network from time 0 on the next run.
 *
 * @example
 * ```ts
 * import { Network, fixedProbability } from "neurolab";
 * const net = new Network({ dt_ms: 0.1, seed: 2026 });
 * const input = net.addPoisson("input", { size: 200, rate_Hz: 20 });
 * const exc = net.addLif("exc", { size: 100 });
 * net.connect(input, exc, { rule: fixedProbability(0.1), weight_mV: 3, delay_ms: 1.5 });
 * const spikes = net.monitorSpikes([input, exc]);
 * net.run(1000); // or `await net.runAsync(1000, { onProgress })` in a notebook
 * spikes.meanRate_Hz("exc");
 * ```
 */
export class Network {
  /** Time step, ms. */
  readonly dt_ms: number;
  /** Seed of the network's random numbers. */
  readonly seed: number;
  /** Whether WebAssembly SIMD kernels may run (see {@link NetworkOptions.wasm}). */
  readonly wasm: boolean;
  private readonly populations: Population[] = [];
  private readonly specs: ProjectionSpec[] = [];
  private readonly monitors: (SpikeMonitor | StateMonitor | RateMonitor)[] = [];
  private readonly gapSpecs: GapSpec[] = [];
  private readonly currentSources: { group: NeuronGroup; fn: CurrentSource }[] = [];
  private readonly synapses: Synapses<StateArray>[] = [];
  private readonly operations: {
    fn: (t_ms: number) => void;
    when: Slot;
    order: number;
    name: string;
  }[] = [];
  private built: Built | null = null;
  /** Whether the next build keeps the connectivity and parameters of equation synapses (after `reset`). */
  private keepSynapses = false;
  /** Set when a monitor, current source or operation is added to a built network: the plan is re-made before the next step. */
  private planStale = false;
  private stepIndex = 0;
  /** @internal whether runs may use the multi-step driver (tests compare it with the step-by-step walk). */
  multiStep = true;
  /** @internal calls of the multi-step driver and the steps they took, since the network was made. */
  readonly driverStats = { calls: 0, steps: 0 };
  /** Threads for the state update (see {@link NetworkOptions.threads}). */
  readonly threads: 1 | 2 | "auto";
  /** @internal the smallest equation group split across threads, neurons (tests lower it). */
  splitMin_neurons = SPLIT_MIN_NEURONS;
  /** @internal "auto": whether the build calibrates (tests turn it off: every group split, the chooser deciding). */
  calibrate = true;
  /** @internal "auto": steps per window of the chooser between one and two threads while running. */
  chooserWindow_steps = 200;
  /** The worker thread (spawned at the first build that splits a group), or null. */
  private worker: StepWorker | null = null;
  /** What the last build did with `threads`, for the schedule ("" with threads: 1). */
  private threadsReport = "";
  /** "auto" with split groups: the choice between one and two threads while running, or null. */
  private chooser: SplitChooser | null = null;

  /** Steps between checks for non-finite state (0: off). */
  readonly checkFinite_steps: number;
  /** Memory limit of a build, bytes (see {@link NetworkOptions.maxMemory_bytes}). */
  readonly maxMemory_bytes: number;
  /** The run in progress (a token), or null: runs may not overlap. */
  private activeRun: object | null = null;

  constructor(opts: NetworkOptions = {}) {
    if (typeof opts !== "object" || opts === null)
      throw new TypeError("Network options must be an object { dt_ms, seed, wasm }");
    for (const k of Object.keys(opts)) {
      if (!["dt_ms", "seed", "wasm", "checkFinite_steps", "maxMemory_bytes", "threads"].includes(k))
        throw new RangeError(
          `Network: unknown option "${k}" (allowed: dt_ms, seed, wasm, checkFinite_steps, maxMemory_bytes, threads)`,
        );
    }
    this.dt_ms = checkNumber(opts.dt_ms ?? 0.1, "dt_ms", { min: 1e-4, max: 1000 });
    this.checkFinite_steps = checkInteger(opts.checkFinite_steps ?? 100, "checkFinite_steps", 0);
    this.maxMemory_bytes = checkPositive(
      opts.maxMemory_bytes ?? defaultMemoryLimit(),
      "maxMemory_bytes",
    );
    this.seed = checkInteger(opts.seed ?? 0, "seed", 0, 0xffffffff);
    if (opts.wasm !== undefined && typeof opts.wasm !== "boolean")
      throw new TypeError(`wasm must be true or false, got ${describeValue(opts.wasm)}`);
    this.wasm = opts.wasm ?? true;
    const threads = opts.threads === undefined ? 1 : opts.threads;
    if (threads !== 1 && threads !== 2 && threads !== "auto")
      throw new RangeError(`threads must be 1, 2 or "auto", got ${describeValue(threads)}`);
    if (threads === 2) {
      const why = threadsUnavailable() ?? (this.wasm ? null : "wasm: false");
      if (why !== null)
        throw new Error(`threads: 2 needs a worker thread on shared WebAssembly memory: ${why}`);
    }
    this.threads = threads;
  }

  /** Current network time, ms. */
  get t_ms(): number {
    return timeOfStep(this.stepIndex, this.dt_ms);
  }

  /**
   * Adds a population whose model is written as equations, in Brian2's notation:
   * `net.addNeurons("exc", { size: 3200, model: "dv/dt = (El - v)/taum : volt", threshold:
   * "v > Vt", reset: "v = Vr", refractory: "5*ms", namespace: { taum: "20*ms", ... } })`.
   * With `precision: "float32"` its variables are Float32Arrays.
   */
  addNeurons(
    name: string,
    opts: EquationGroupOptions & { precision: "float32" },
  ): EquationGroup<Float32Array>;
  addNeurons(name: string, opts: EquationGroupOptions): EquationGroup;
  /**
   * Adds a population of one of the built-in neuron models (see `neurons/model`): an equation
   * group running the model's equations with the group's receptors (`group.equations`).
   */
  addNeurons<P>(name: string, model: NeuronModel<P>, opts: NeuronGroupOptions<P>): NeuronGroup<P>;
  addNeurons<P>(
    name: string,
    model: NeuronModel<P> | EquationGroupOptions,
    opts?: NeuronGroupOptions<P>,
  ): NeuronGroup<P> | EquationGroup | EquationGroup<Float32Array> {
    if (
      typeof model === "object" &&
      model !== null &&
      typeof (model as EquationGroupOptions).model === "string"
    ) {
      return this.addPopulation(
        new EquationGroup<Float64Array>(this.uniqueName(name), model as EquationGroupOptions),
      );
    }
    if (opts === undefined)
      throw new TypeError(
        `${name}: options must be { size, params, init, receptors } for a built-in model (or give { size, model: "dv/dt = ..." } for equations), got undefined`,
      );
    return this.addPopulation(
      new NeuronGroup(this.uniqueName(name), model as NeuronModel<P>, opts),
    );
  }

  /** Adds leaky integrate-and-fire neurons (current- or conductance-based by their receptors). */
  addLif(name: string, opts: NeuronGroupOptions<LifParams>): NeuronGroup<LifParams> {
    return this.addNeurons(name, lif, opts);
  }

  /** Adds Izhikevich (2003) neurons; `preset` picks a firing class (RS, IB, CH, FS, LTS, TC, RZ). */
  addIzhikevich(
    name: string,
    opts: NeuronGroupOptions<IzhikevichParams> & { preset?: IzhikevichPreset },
  ): NeuronGroup<IzhikevichParams> {
    if (typeof opts !== "object" || opts === null)
      throw new TypeError(
        `addIzhikevich: options must be an object { size, preset, params }, got ${describeValue(opts)}`,
      );
    const { preset, ...rest } = opts;
    if (preset !== undefined && !Object.hasOwn(IZHIKEVICH_PRESETS, preset)) {
      throw new RangeError(
        `preset must be one of ${Object.keys(IZHIKEVICH_PRESETS).join(", ")}, got ${describeValue(preset)}`,
      );
    }
    const params = { ...(preset ? IZHIKEVICH_PRESETS[preset] : {}), ...(rest.params ?? {}) };
    return this.addNeurons(name, izhikevich, { ...rest, params });
  }

  /** Adds adaptive exponential integrate-and-fire neurons (Brette & Gerstner 2005). */
  addAdEx(name: string, opts: NeuronGroupOptions<AdExParams>): NeuronGroup<AdExParams> {
    return this.addNeurons(name, adex, opts);
  }

  /** Adds a group of independent Poisson spike sources. */
  addPoisson(name: string, opts: PoissonGroupOptions): PoissonGroup {
    return this.addPopulation(new PoissonGroup(this.uniqueName(name), opts));
  }

  /** Adds a generator of given spikes. */
  addSpikeGenerator(name: string, opts: SpikeGeneratorOptions): SpikeGeneratorGroup {
    return this.addPopulation(new SpikeGeneratorGroup(this.uniqueName(name), opts));
  }

  /** Connects `pre` to a receptor of the neuron group `post` with static synapses. */
  connect(pre: Population, post: NeuronGroup, opts: ConnectOptions): void;
  /**
   * Connects `pre` to `post` with synapses written as equations (Brian2's `Synapses`):
   * `net.connect(exc, all, { rule: fixedProbability(0.02), model: "w : 1", on_pre: "ge += w" })`.
   * Returns the projection: per-synapse variables, indices and events (see {@link Synapses}).
   * Its variables are Float32Arrays with `precision: "float32"` (the default between two float32
   * groups) and Float64Arrays otherwise; the returned type says which where the arguments' types
   * tell (else `Synapses<StateArray>`).
   *
   * @example
   * ```ts
   * import { Network, fixedProbability } from "neurolab";
   * const net = new Network({ seed: 1 });
   * const model = "dv/dt = -v/(10*ms) : 1";
   * const a = net.addNeurons("a", { size: 4, model, threshold: "v > 1", reset: "v = 0" });
   * const b = net.addNeurons("b", { size: 4, model, threshold: "v > 1", reset: "v = 0", precision: "float32" });
   * const c = net.addNeurons("c", { size: 4, model, threshold: "v > 1", reset: "v = 0", precision: "float32" });
   * const ab = net.connect(a, b, { rule: fixedProbability(0.5), model: "w : 1", on_pre: "v_post += w" });
   * const bc = net.connect(b, c, { rule: fixedProbability(0.5), model: "w : 1", on_pre: "v_post += w" });
   * net.build();
   * const w64: Float64Array = ab.variable("w"); // float64 (a is a float64 group)
   * const w32: Float32Array = bc.variable("w"); // float32: both groups are float32
   * ```
   */
  connect(
    pre: Population,
    post: Population,
    opts: SynapsesOptions & { precision: "float32" },
  ): Synapses<Float32Array>;
  connect(
    pre: EquationGroup<Float32Array>,
    post: EquationGroup<Float32Array>,
    opts: SynapsesOptions & { precision?: undefined },
  ): Synapses<Float32Array>;
  connect(
    pre: Population,
    post: Population,
    opts: SynapsesOptions & { precision?: "float64" },
  ): Synapses;
  connect(pre: Population, post: Population, opts: SynapsesOptions): Synapses<StateArray>;
  connect(
    pre: Population,
    post: Population,
    opts: ConnectOptions | SynapsesOptions,
  ): Synapses<StateArray> | void {
    this.requireMember(pre, "pre");
    this.requireMember(post, "post");
    if (typeof opts !== "object" || opts === null)
      throw new TypeError(
        'connect: options must be an object, e.g. { rule: fixedProbability(0.1), on_pre: "ge += w" }',
      );
    const o = opts as SynapsesOptions;
    if (
      post instanceof EquationGroup ||
      o.on_pre !== undefined ||
      o.on_post !== undefined ||
      o.model !== undefined
    ) {
      const syn = new Synapses(
        pre,
        post,
        o,
        `${pre.name} -> ${post.name}${this.synapses.some((x) => x.pre === pre && x.post === post) ? ` #${this.synapses.length}` : ""}`,
      );
      this.synapses.push(syn);
      this.built = null;
      this.keepSynapses = false;
      return syn;
    }
    this.connectStatic(pre, post as NeuronGroup, opts as ConnectOptions);
  }

  private connectStatic(pre: Population, post: NeuronGroup, opts: ConnectOptions): void {
    if (!(post instanceof NeuronGroup))
      throw new TypeError(`post must be a neuron group, got ${(post as Population).kind}`);
    if (typeof opts.rule !== "function")
      throw new TypeError("rule must be a connectivity rule, e.g. fixedProbability(0.1)");
    const receptorName = opts.receptor ?? "delta";
    const receptor = post.receptor(receptorName);
    const weightName = `weight_${weightUnit(receptor.kind)}`;
    const given = (["weight_mV", "weight_pA", "weight_nS"] as const).filter(
      (k) => opts[k] !== undefined,
    );
    if (given.length !== 1 || given[0] !== weightName) {
      throw new RangeError(
        `receptor "${receptorName}" of ${post.name} (${receptor.kind}) takes exactly one weight, ${weightName}; got ${given.join(", ") || "none"}`,
      );
    }
    const weight = checkSynapseValue(
      opts[weightName as "weight_mV"],
      weightName,
      WEIGHT_RANGE,
    ) as SynapseValue;
    if (
      opts.delay_ms !== undefined &&
      typeof checkSynapseValue(opts.delay_ms, "delay_ms") === "number"
    )
      delayToSteps(opts.delay_ms as number, this.dt_ms);
    post.noteInput(receptor.index);
    this.specs.push({
      pre,
      post,
      receptor: receptor.index,
      weight,
      weightName,
      delay: opts.delay_ms,
      rule: opts.rule,
    });
    this.built = null;
  }

  /**
   * Couples neurons of `a` and `b` (the same group for coupling within it) by gap junctions of
   * conductance `g_nS` (one number or a function of the pair); `rule` lists each pair once.
   * Built as equation synapses with a summed variable (`GAP_JUNCTION_EQUATIONS`) a -> b and
   * b -> a, each summing into its own variable of the target group (`Igap`, or `Igap_1`, ...;
   * the group's `Igap` is their sum): the currents g (v_b - v_a) and g (v_a - v_b) are computed
   * from the potentials at the step's start and held for the step.
   */
  connectGap(
    a: NeuronGroup,
    b: NeuronGroup,
    opts: { rule: ConnectivityRule; g_nS: SynapseValue },
  ): void {
    this.requireMember(a, "a");
    this.requireMember(b, "b");
    for (const [g, what] of [
      [a, "a"],
      [b, "b"],
    ] as const) {
      if (!(g instanceof NeuronGroup) || !g.model.variables.includes("v_mV"))
        throw new TypeError(`${what} must be a neuron group with a membrane potential v_mV`);
    }
    if (typeof opts !== "object" || opts === null || typeof opts.rule !== "function")
      throw new TypeError("connectGap: options must be { rule, g_nS } with a connectivity rule");
    checkSynapseValue(opts.g_nS, "g_nS", { min: 0 });
    this.gapSpecs.push({ a, b, rule: opts.rule, g: opts.g_nS });
    this.built = null;
  }

  /**
   * Calls `fn(t_ms, current_pA)` with the group's external current at the start of every step (the inputs slot), so it can set
   * a time-varying external current (as Brian2's TimedArray). It runs inside multi-step
   * WebAssembly runs: `t_ms` and `net.t_ms` are the step's time, but spike counts, monitors and
   * state arrays are handed over to JavaScript only between calls; code that reads the network's
   * state every step (closed-loop input) belongs in {@link Network.addOperation}, which runs the
   * plan step by step (Brian2's network_operation).
   */
  addCurrentSource(group: NeuronGroup, fn: CurrentSource): void {
    this.requireMember(group, "group");
    if (typeof fn !== "function")
      throw new TypeError("fn must be a function (t_ms, current_pA) => void");
    this.currentSources.push({ group, fn });
    this.planStale = true;
  }

  /**
   * Runs `fn(t_ms)` every step in slot `when` (default "start"), as Brian2's network_operation:
   * e.g. to change a parameter, read state or inject a signal. `t_ms` is the step's start.
   */
  addOperation(fn: (t_ms: number) => void, opts: OperationOptions = {}): void {
    if (typeof fn !== "function") throw new TypeError("fn must be a function (t_ms) => void");
    const when = opts.when ?? "start";
    if (!(SLOTS as readonly string[]).includes(when))
      throw new RangeError(`when must be one of ${SLOTS.join(", ")}, got ${describeValue(when)}`);
    const order = checkNumber(opts.order ?? 0, "order");
    this.operations.push({
      fn,
      when,
      order,
      name: opts.name ?? `operation ${this.operations.length}`,
    });
    this.planStale = true;
  }

  /**
   * The plan of a step: every operation in its slot and order (builds the network if needed).
   * `String(net.schedule())` prints it as a table, as Brian2's `scheduling_summary()`.
   */
  schedule(): Schedule {
    const plan = this.currentPlan();
    const driver = this.built!.driver;
    return new Schedule(
      plan.map(({ slot, order, owner, what }) => ({ slot, order, owner, what })),
      this.dt_ms,
      typeof driver === "string"
        ? `step by step (${driver})`
        : "many steps per WebAssembly call (JavaScript only for callbacks, progress and monitors' hand-over)",
      this.threadsReport + this.choosing(),
    );
  }

  /** With "auto" and split groups: what the chooser measured while running, for the schedule. */
  private choosing(): string {
    const c = this.chooser;
    if (c === null) return "";
    const us = (x: number) => (Number.isNaN(x) ? "not yet measured" : `${x.toFixed(1)} us`);
    return `; while running, steps of ${us(c.one_us)} on 1 thread and ${us(c.two_us)} on 2 (whole steps, last windows): now ${c.two ? 2 : 1}`;
  }

  /** Records the population rate (spikes per step) of each given population. */
  monitorRate(populations: Population[] = this.populations): RateMonitor {
    populations.forEach((p, k) => this.requireMember(p, `populations[${k}]`));
    const m = new RateMonitor(populations);
    this.monitors.push(m);
    this.planStale = true;
    return m;
  }

  /** Records the spikes of the given populations (all, by default). */
  monitorSpikes(populations: Population[] = this.populations): SpikeMonitor {
    populations.forEach((p, k) => this.requireMember(p, `populations[${k}]`));
    const m = new SpikeMonitor(populations);
    this.monitors.push(m);
    this.planStale = true;
    return m;
  }

  /** Records state variables (e.g. `["v_mV"]`) of some neurons of a group every few steps. */
  monitorState(
    group: StateGroup,
    variables: string[],
    opts: StateMonitorOptions = {},
  ): StateMonitor {
    this.requireMember(group, "group");
    const m = new StateMonitor(group, variables, opts);
    this.monitors.push(m);
    this.planStale = true;
    return m;
  }

  /**
   * Builds connectivity and initial state now (runs do this on their own). Needed to read or
   * set per-neuron state, e.g. `group.variable("v_mV")`, before the first run.
   */
  build(): this {
    this.ensureBuilt();
    return this;
  }

  /**
   * Describes the network as plain data (builds it if needed): populations with parameters and
   * current state, projections with their CSR, weights and delays, gap junctions. Exporters
   * (`toPyNN`, ...) read this.
   */
  describe(): NetworkDescription {
    const built = this.ensureBuilt();
    const populations: PopulationDescription[] = this.populations.map((p) => {
      if (p instanceof NeuronGroup) {
        return {
          kind: "neurons",
          name: p.name,
          size: p.size,
          model: p.model.name,
          params: { ...(p.params as Record<string, unknown>) },
          receptors: p.receptorDefinitions,
          state: p.snapshot(),
          current_pA: p.current_pA.slice(),
        };
      }
      if (p instanceof PoissonGroup)
        return { kind: "poisson", name: p.name, size: p.size, rate_Hz: p.rate_Hz };
      if (p instanceof SpikeGeneratorGroup) {
        return {
          kind: "spikeGenerator",
          name: p.name,
          size: p.size,
          neurons: Int32Array.from(p.opts.neurons),
          times_ms: Float64Array.from(p.opts.times_ms),
        };
      }
      if (p instanceof EquationGroup)
        return {
          kind: "equations",
          name: p.name,
          size: p.size,
          spec: p.model.spec,
          state: Object.fromEntries(p.variables.map((v) => [v, p.variable(v).slice()])),
        };
      throw new TypeError(`population ${p.name} of kind ${p.kind} cannot be described`);
    });
    const projections = built.projections.map(({ spec, proj }) => {
      const d = proj.delaySteps;
      return {
        pre: spec.pre.name,
        post: spec.post.name,
        receptor: spec.post.receptorNames[spec.receptor],
        receptorKind: spec.post.receptorDefinitions[spec.receptor].spec.kind,
        rowPtr: proj.csr.rowPtr,
        colIdx: proj.csr.colIdx,
        weight: synapseWeights(proj),
        delay_ms:
          typeof d === "number" ? d * this.dt_ms : Float64Array.from(d, (x) => x * this.dt_ms),
      };
    });
    const gapJunctions = built.gaps.map(({ spec, csr, g_nS }) => ({
      a: spec.a.name,
      b: spec.b.name,
      rowPtr: csr.rowPtr,
      colIdx: csr.colIdx,
      g_nS,
    }));
    const spikeMonitored = [
      ...new Set(
        this.monitors.flatMap((m) =>
          m instanceof SpikeMonitor ? m.populations.map((p) => p.name) : [],
        ),
      ),
    ];
    const synapses = this.synapses.map((s) => {
      const { rule: _rule, modulator: _modulator, ...options } = s.opts;
      return { name: s.name, options, ...s.describe() };
    });
    return {
      dt_ms: this.dt_ms,
      seed: this.seed,
      t_ms: this.t_ms,
      populations,
      projections,
      gapJunctions,
      spikeMonitored,
      hasCurrentSources: this.currentSources.length > 0,
      synapses,
    };
  }

  /** Summary as a cell's value: populations, projections (synapse counts once built), memory, schedule (summary.ts). */
  [MIME_BUNDLE](): MimeBundle {
    const built = new Map(this.built?.projections.map((p) => [p.spec, p.proj]) ?? []);
    const projections = this.specs.map((spec) => ({ ...spec, built: built.get(spec) }));
    const { dt_ms, seed, wasm, t_ms, populations, gapSpecs: gapJunctions, monitors } = this;
    const equationSynapses = this.synapses.map((x) => ({
      name: x.name,
      size: x.size,
      variables: x.variables,
    }));
    const schedule = this.built
      ? this.currentPlan().map(({ slot, owner, what }) => ({ slot, owner, what }))
      : undefined;
    return networkBundle({
      dt_ms,
      seed,
      wasm,
      t_ms,
      populations,
      projections,
      gapJunctions,
      currentSources: this.currentSources.length,
      monitors,
      built: this.built !== null,
      equationSynapses,
      schedule,
    });
  }

  /** Number of synapses once built (builds the network if needed). */
  get synapseCount(): number {
    return this.ensureBuilt().projections.reduce((n, p) => n + synapseCount(p.proj.csr), 0);
  }

  /**
   * Bytes that store the synapses once built: row pointers, column indices, per-synapse weights
   * (none when a projection shares one weight) and per-synapse delays.
   */
  get connectivityBytes(): number {
    return this.ensureBuilt().projections.reduce((n, { proj }) => {
      const w = typeof proj.weight === "number" ? 0 : proj.weight.byteLength;
      const d = typeof proj.delaySteps === "number" ? 0 : proj.delaySteps.byteLength;
      return n + proj.csr.rowPtr.byteLength + proj.csr.colIdx.byteLength + w + d;
    }, 0);
  }

  /**
   * Runs for `duration_ms` (a whole number of steps), continuing from where the last run
   * stopped. Monitors keep what they recorded before.
   */
  run(duration_ms: number, opts: RunOptions = {}): void {
    const seg = this.segment(duration_ms, opts);
    const token = (this.activeRun = {});
    try {
      this.advance(seg, seg.steps);
    } finally {
      if (this.activeRun === token) this.activeRun = null;
    }
  }

  /**
   * As {@link Network.run}, but yields to the event loop every `yieldEvery_ms` of wall time, so
   * progress can be displayed and an interrupt (`signal`) can stop the run at a step boundary.
   * An aborted run rejects with an `AbortError`; the network stays consistent at the time
   * reached (`t_ms`), and a later run continues from there.
   * @returns the final progress.
   */
  async runAsync(duration_ms: number, opts: RunAsyncOptions = {}): Promise<RunProgress> {
    const slice = checkPositive(opts.yieldEvery_ms ?? 50, "yieldEvery_ms");
    const seg = this.segment(duration_ms, opts);
    const signal = opts.signal;
    const token = (this.activeRun = {});
    try {
      for (;;) {
        if (signal?.aborted) {
          const err = new Error(
            `run interrupted at t = ${this.t_ms.toFixed(3)} ms (${seg.done} of ${seg.steps} steps)`,
          );
          err.name = "AbortError";
          throw err;
        }
        const t0 = performance.now();
        while (seg.done < seg.steps && performance.now() - t0 < slice)
          this.advance(seg, Math.min(seg.steps - seg.done, 64));
        if (seg.done === seg.steps) return { step: seg.done, steps: seg.steps, t_ms: this.t_ms };
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      if (this.activeRun === token) this.activeRun = null;
    }
  }

  private segment(duration_ms: number, opts: RunOptions): Segment {
    if (this.activeRun !== null) {
      throw new Error(
        "a run of this network is already in progress, or the last one was stopped mid-step (runs may not overlap: await the running runAsync and do not call run from onProgress; after an interrupted synchronous run, call net.reset())",
      );
    }
    checkNumber(duration_ms, "duration_ms", { min: 0, max: MAX_RUN_STEPS * this.dt_ms });
    const steps = Math.round(duration_ms / this.dt_ms);
    if (Math.abs(steps * this.dt_ms - duration_ms) > 1e-9 * Math.max(1, duration_ms)) {
      throw new RangeError(
        `duration_ms must be a whole number of steps of dt_ms = ${this.dt_ms}, got ${duration_ms}`,
      );
    }
    const every = checkInteger(opts.progressEvery_steps ?? 1000, "progressEvery_steps", 1);
    const fresh = this.built === null;
    const built = this.ensureBuilt();
    this.currentPlan();
    for (const m of this.monitors) m.begin(this.dt_ms, this.t_ms, fresh);
    return { built, first: this.stepIndex, steps, done: 0, every, onProgress: opts.onProgress };
  }

  /** Takes `n` more steps of a segment, reporting progress. */
  private advance(seg: Segment, n: number): void {
    const end = seg.done + n;
    const groups = seg.built.groups;
    for (const g of groups) g.currentIn();
    const driver = seg.built.driver;
    if (typeof driver !== "string" && this.multiStep && seg.first + end < 2 ** 31) {
      this.advanceInWasm(seg, end, driver);
      for (const g of groups) g.currentOut();
      seg.done = end;
      return;
    }
    for (let s = seg.done; s < end; s++) {
      if (this.built !== seg.built) {
        throw new Error(
          `the network was reset or rebuilt during a run (from a callback or while a runAsync was pending); that run stopped after ${s} of ${seg.steps} steps`,
        );
      }
      this.step(seg.built, seg.first + s);
      this.stepIndex = seg.first + s + 1;
      if (seg.onProgress && ((s + 1) % seg.every === 0 || s + 1 === seg.steps)) {
        for (const g of groups) g.currentOut();
        seg.onProgress({ step: s + 1, steps: seg.steps, t_ms: this.t_ms });
        for (const g of groups) g.currentIn();
      }
    }
    for (const g of groups) g.currentOut();
    seg.done = end;
  }

  /**
   * Takes the steps of a segment up to `end` with the multi-step driver: each call runs until
   * the next point that needs JavaScript (progress, an "end"-slot operation due, such as the
   * non-finite check or a state monitor's sample, or a full spike log), which then runs.
   */
  private advanceInWasm(seg: Segment, end: number, driver: Driver): void {
    const due = seg.built.plan.filter((o) => o.nextDue !== undefined);
    let s = seg.done;
    while (s < end) {
      if (this.built !== seg.built) {
        throw new Error(
          `the network was reset or rebuilt during a run (from a callback or while a runAsync was pending); that run stopped after ${s} of ${seg.steps} steps`,
        );
      }
      let limit = end;
      if (seg.onProgress) limit = Math.min(limit, s + seg.every - (s % seg.every));
      for (const o of due) limit = Math.min(limit, o.nextDue!(seg.first + s) - seg.first + 1);
      let done: number;
      try {
        done = driver.run(seg.first + s, limit - s);
      } catch (err) {
        this.stepIndex = seg.first + s + driver.completedBeforeError; // as step by step: at the step that threw
        throw err;
      }
      this.driverStats.calls++;
      this.driverStats.steps += done;
      s += done;
      const last = seg.first + s - 1;
      this.stepIndex = last; // as during the last step's own operations
      for (const o of due) if (o.nextDue!(last) === last) o.run(last);
      this.stepIndex = last + 1;
      if (seg.onProgress && (s % seg.every === 0 || s === seg.steps)) {
        for (const g of seg.built.groups) g.currentOut();
        seg.onProgress({ step: s, steps: seg.steps, t_ms: this.t_ms });
        for (const g of seg.built.groups) g.currentIn();
      }
    }
  }

  /**
   * Restores the initial state: time 0, initial values, fresh random streams, empty monitors.
   * What was learned stays: equation synapses keep their connectivity and per-synapse
   * parameters (weights); their event-driven traces restart. Use {@link Network.rebuild} to
   * re-derive connectivity and weights from the rules.
   */
  reset(): void {
    this.worker?.release();
    this.activeRun = null; // a run interrupted mid-step (terminated: its finally never ran) leaves its token; a run still pending stops at its next step
    this.built = null;
    this.keepSynapses = true;
    this.stepIndex = 0;
  }

  /** As {@link Network.reset}, and re-derives all connectivity and weights from their rules. */
  rebuild(): void {
    this.worker?.release();
    this.activeRun = null;
    this.built = null;
    this.keepSynapses = false;
    this.stepIndex = 0;
  }

  /** The built network's plan, re-made if components were added since it was made. */
  private currentPlan(): PlannedOperation[] {
    const built = this.ensureBuilt();
    if (this.planStale) {
      built.plan = this.makePlan(built.projections, built.gaps, built);
      built.driver = this.driverOf(built.plan, built);
      this.planStale = false;
    }
    return built.plan;
  }

  /** The multi-step driver of `plan`, or why there is none (an operation that needs JavaScript every step). */
  private driverOf(
    plan: PlannedOperation[],
    built: Pick<Built, "arena" | "driverArea">,
  ): Driver | string {
    if (!this.wasm) return "wasm: false";
    const ops: DriverOperation[] = [];
    let periodicSeen = false;
    for (const o of plan) {
      if (o.nextDue) {
        if (o.slot !== "end") return `${o.owner} (${o.what}) is not in the end slot`;
        periodicSeen = true;
        continue;
      }
      if (!o.driver) return `${o.owner} (${o.what}) ${o.noDriver ?? "needs JavaScript every step"}`;
      if (periodicSeen && o.slot !== "end")
        return `${o.owner} (${o.what}) runs after a JavaScript operation of the end slot`;
      ops.push(o.driver);
    }
    return buildDriver(ops, this.dt_ms, built.arena, built.driverArea.counters);
  }

  private step(built: Built, n: number): void {
    const plan = built.plan;
    for (let k = 0; k < plan.length; k++) plan[k].run(n);
  }

  /** The operations of a step, in slot order (see {@link SLOTS}); made once per build. */
  private makePlan(
    projections: Built["projections"],
    gaps: Built["gaps"],
    built: Pick<Built, "driverArea" | "deliver"> | null,
  ): PlannedOperation[] {
    const ops: PlannedOperation[] = [];
    const add = (
      slot: Slot,
      order: number,
      owner: string,
      what: string,
      run: (n: number) => void,
      driver: DriverOperation | string | null = null,
      nextDue?: (n: number) => number,
    ) =>
      ops.push(
        typeof driver === "string"
          ? { slot, order, owner, what, run, driver: null, noDriver: driver, nextDue }
          : { slot, order, owner, what, run, driver, nextDue },
      );
    // Where the driver keeps each population's spike count: its own cell, or one of the area's.
    const cellOf = (p: Population): Int32Array | null => {
      const own = spikeCountCellOf(p);
      if (own !== null || built === null) return own;
      const k = this.populations.indexOf(p);
      const area = built.driverArea.sourceCounts;
      return k >= 0 && k < area.length && p.spiked.buffer === area.buffer
        ? area.subarray(k, k + 1)
        : null;
    };
    /** The first step >= n whose number + 1 is a multiple of `every`. */
    const periodic = (every: number) => (n: number) => n + ((every - 1 - (n % every)) % every);
    const dt = this.dt_ms;
    // start: inputs that depend on time or on the state at the step's start.
    // (a current source is a user callback: the driver calls it, an import, with the step, and
    // net.t_ms is that step's time; it writes the group's Iext in the arena)
    for (const c of this.currentSources) {
      const source = (n: number) => {
        this.stepIndex = n;
        c.fn(n * dt, c.group.stepCurrent_pA);
      };
      add("start", 0, c.group.name, "current source", source, {
        emit: (d) => [...op.localGet(d.step), ...op.call(d.kernel(source, [I32], []))],
      });
    }
    for (const o of this.operations)
      add(o.when, o.order, o.name, "user operation", (n) => o.fn(n * dt));
    // groups: summed variables (gap junctions' too: from the potentials at the step's start),
    // then each population's state update (with its threshold, fused).
    for (const { synapses } of gaps)
      for (const syn of synapses)
        add(
          "groups",
          -1,
          syn.name,
          `gap junctions (summed variable), ${syn.eventTargets.summed}`,
          (n) => syn.updateSummed(n),
          syn.driverSummed(),
        );
    for (const syn of this.synapses)
      if (syn.hasSummed)
        add(
          "groups",
          -1,
          syn.name,
          `summed variables, ${syn.eventTargets.summed}`,
          (n) => syn.updateSummed(n),
          syn.driverSummed(),
        );
    for (const p of this.populations) {
      if (p instanceof NeuronGroup) {
        const buffers = p.inputBuffers;
        const arriving = buffers.map((b) => slotOf(b, 0));
        const inner = p.equationGroup;
        add(
          "groups",
          0,
          p.name,
          `${p.kind} (equations): input, state update, threshold, reset${inner ? threadsNote(inner) : ""}`,
          (n) => {
            for (let r = 0; r < buffers.length; r++) arriving[r] = slotOf(buffers[r], n);
            p.update(n, arriving);
          },
          p.driverUpdate(),
        );
      } else if (p instanceof EquationGroup) {
        const simd = p.precision === "float32" ? "WebAssembly SIMD (f32x4)" : "WebAssembly SIMD";
        const split = threadsNote(p);
        add(
          "groups",
          0,
          p.name,
          `state update (${p.model.method}) + threshold, ${p.target === "wasm" ? simd : p.precision === "float32" ? "JavaScript (float32)" : "JavaScript"}${split}`,
          (n) => p.update(n),
          p.driverUpdate(),
        );
      } else {
        // A source population joins the multi-step driver by offering `driverUpdate()` (and its
        // spike count in the arena, `spikeCountCell`), as EquationGroup does; else its
        // JavaScript update is called from the driver and its count copied to a cell.
        const own = (p as { driverUpdate?: () => DriverOperation | null }).driverUpdate?.();
        const cell = cellOf(p);
        add(
          "groups",
          0,
          p.name,
          `${p.kind}: spikes`,
          (n) => p.update(n, null),
          own ?? (cell ? sourceDriver(p, cell) : null),
        );
      }
    }
    // clock-driven synapse equations: after the neuron groups (Brian2's order), unless when/order say otherwise.
    for (const syn of this.synapses) {
      if (!syn.hasClockDriven) continue;
      const { when, order, what } = syn.clockDrivenOperation;
      add(when, order, syn.name, what, (n) => syn.updateClockDriven(n), syn.driverClockDriven());
    }
    // synapses: spikes walk their projections.
    const kept = new Map<Population, LastSpikes>();
    for (const entry of projections) {
      const { spec, proj, buffer } = entry;
      const pre = spec.pre;
      const owner = `${pre.name} -> ${spec.post.name}`;
      const last = entry.direct;
      if (last !== null) {
        // One step of delay: the last step's spikes go straight into the receptor's variable,
        // after the target's step (the weights arrive at the step's end, as through the ring).
        kept.set(pre, last);
        const target = spec.post.receptorTarget(spec.receptor);
        const into = spec.post.receptorDefinitions[spec.receptor].name;
        const direct = { size: target.length, slots: 1, stride: 0, data: target, rows: [target] };
        const wasm = entry.deliver !== undefined && last.spiked.buffer === target.buffer;
        add(
          "groups",
          1,
          owner,
          `spike delivery into ${into} (last step's spikes${wasm ? ", WebAssembly" : ""})`,
          () => {
            const count = last.count[0];
            if (count === 0) return;
            if (!wasm) propagate(proj, last.spiked, count, 0, direct);
            else deliverRows(entry.deliver!, proj, last.spiked, count, target.byteOffset);
          },
          wasm
            ? deliveryDriver(entry.deliver!, proj, last.spiked, last.count, () =>
                op.i32Const(target.byteOffset),
              )
            : null,
        );
        continue;
      }
      if (entry.deliver !== undefined) {
        const delay = proj.delaySteps as number;
        add(
          "synapses",
          0,
          owner,
          "spike delivery (WebAssembly)",
          (n) => {
            const count = pre.spikeCount;
            if (count === 0) return;
            const row = buffer.rows[(n + delay) % buffer.slots];
            deliverRows(entry.deliver!, proj, pre.spiked, count, row.byteOffset);
          },
          deliveryDriver(entry.deliver, proj, pre.spiked, cellOf(pre), (d) =>
            ringRowAddress(d, delay, buffer),
          ),
        );
      } else {
        // (one delay per synapse: the driver runs the kernel `delayed`, the same additions)
        const kernels = built?.deliver;
        const driver = kernels
          ? delayedDeliveryDriver(kernels, proj, pre, cellOf(pre), buffer)
          : null;
        add(
          "synapses",
          0,
          owner,
          driver ? "spike delivery (WebAssembly in the multi-step driver)" : "spike delivery",
          (n) => {
            if (pre.spikeCount > 0) propagate(proj, pre.spiked, pre.spikeCount, n, buffer);
          },
          driver,
        );
      }
    }
    for (const [pre, last] of kept)
      add(
        "synapses",
        1,
        pre.name,
        "keep spikes for the next step's delivery",
        () => {
          last.count[0] = pre.spikeCount;
          last.spiked.set(pre.spiked.subarray(0, pre.spikeCount));
        },
        keepSpikesDriver(pre, last, cellOf),
      );
    for (const syn of this.synapses) {
      const { on_pre, on_post, on_modulator } = syn.eventTargets;
      add(
        "synapses",
        0,
        syn.name,
        on_pre ? `on_pre, ${on_pre}` : "on_pre (spike queue)",
        (n) => syn.propagate(n),
        syn.driverPropagate(cellOf),
      );
      if (syn.hasOnPost) {
        const what = [
          ...(on_post ? [`on_post, ${on_post}`] : []),
          ...(syn.opts.modulator && on_modulator ? [`on_modulator, ${on_modulator}`] : []),
        ];
        add(
          "synapses",
          0,
          syn.name,
          what.join("; ") || "on_post",
          (n) => syn.propagatePost(n),
          syn.driverPropagatePost(cellOf),
        );
      }
    }
    // resets of the groups defined by equations (after synapses saw the spikes, as Brian2).
    for (const p of this.populations)
      if (p instanceof EquationGroup && p.hasReset)
        add("resets", 0, p.name, `reset, ${p.resetTarget}`, (n) => p.reset(n), p.driverReset());
    // end: monitors, and every checkFinite_steps a check that no state went non-finite.
    // (spike and rate monitors share the driver's log: one part each)
    const logged = this.monitors.filter((m) => !(m instanceof StateMonitor)).length;
    let part = 0;
    for (const m of this.monitors) {
      if (m instanceof StateMonitor)
        add("end", 0, "StateMonitor", "record", (n) => m.record(n), null, periodic(m.every_steps));
      else {
        const driver = built
          ? m instanceof SpikeMonitor
            ? spikeLogDriver(m, built.driverArea, part++, logged, cellOf)
            : rateLogDriver(m, built.driverArea, part++, logged, cellOf)
          : null;
        add("end", 0, m.constructor.name, "record", (n) => m.record(n), driver);
      }
    }
    const every = this.checkFinite_steps;
    const checked = this.populations.filter(
      (p): p is NeuronGroup | EquationGroup =>
        p instanceof NeuronGroup || p instanceof EquationGroup,
    );
    if (every > 0 && checked.length > 0) {
      const check = (n: number) => {
        if ((n + 1) % every !== 0) return;
        for (const g of checked) {
          const bad = g.firstNonFinite();
          if (bad) {
            throw new RangeError(
              `${g.name}.${bad.variable}[${bad.index}] became ${bad.value} by t = ${((n + 1) * dt).toFixed(4)} ms (step ${n + 1}; checked every ${every} steps): the state blew up or was given a non-finite value; check dt_ms, parameters and inputs`,
            );
          }
        }
      };
      const what = `non-finite state check every ${every} steps`;
      add("end", 1, "network", what, check, null, periodic(every));
    }
    const rank = (x: PlannedOperation) => SLOTS.indexOf(x.slot);
    return ops
      .map((op, k) => ({ op, k }))
      .sort((a, b) => rank(a.op) - rank(b.op) || a.op.order - b.op.order || a.k - b.k)
      .map((x) => x.op);
  }

  private ensureBuilt(): Built {
    if (this.built) return this.built;
    const rng = new Rng(this.seed);
    const streams = this.populations.map(() => rng.fork());
    const projections = this.specs.map((spec) => {
      const r = rng.fork();
      const csr = applyRule(
        spec.rule,
        spec.pre.size,
        spec.post.size,
        r,
        `rule of ${spec.pre.name} -> ${spec.post.name}`,
      );
      let weight: Float32Array | number;
      if (typeof spec.weight === "number") weight = Math.fround(spec.weight);
      else {
        const w = new Float32Array(csr.colIdx.length);
        const f = spec.weight;
        forEachSynapse(
          csr,
          (k, i, j) =>
            (w[k] = checkNumber(
              f(r, i, j),
              `${spec.weightName}(pre ${i}, post ${j})`,
              WEIGHT_RANGE,
            )),
        );
        weight = w;
      }
      let delaySteps: number | Uint16Array;
      if (spec.delay === undefined) delaySteps = 1;
      else if (typeof spec.delay === "number") delaySteps = delayToSteps(spec.delay, this.dt_ms);
      else {
        const d = new Uint16Array(csr.colIdx.length);
        const f = spec.delay;
        forEachSynapse(
          csr,
          (k, i, j) =>
            (d[k] = delayToSteps(f(r, i, j), this.dt_ms, `delay_ms(pre ${i}, post ${j})`)),
        );
        delaySteps = d;
      }
      return { spec, proj: { csr, weight, delaySteps } };
    });
    const gaps = this.gapSpecs.map((spec) => {
      const r = rng.fork();
      const csr = applyRule(
        spec.rule,
        spec.a.size,
        spec.b.size,
        r,
        `rule of gap junctions ${spec.a.name} - ${spec.b.name}`,
      );
      const g = new Float64Array(csr.colIdx.length);
      const gSpec = spec.g;
      if (typeof gSpec === "number") g.fill(gSpec);
      else
        forEachSynapse(
          csr,
          (k, i, j) => (g[k] = checkNumber(gSpec(r, i, j), `g_nS(${i}, ${j})`, { min: 0 })),
        );
      return { spec, csr, g_nS: g, rng: r };
    });
    // Gap junctions are equation synapses with a summed variable (synapses/gapJunctions): a -> b
    // and b -> a, or one set listing each pair both ways within a group. Each direction sums
    // into its own variable of its target group ("Igap", or Igap_1, Igap_2, ... when several
    // reach it), which the group's equations add up.
    const gapDirections = gaps.flatMap((x) =>
      x.spec.a === x.spec.b
        ? [{ gap: x, pre: x.spec.a, post: x.spec.a, ...bothWays(x.csr, x.g_nS) }]
        : [
            { gap: x, pre: x.spec.a, post: x.spec.b, csr: x.csr, g: x.g_nS },
            { gap: x, pre: x.spec.b, post: x.spec.a, ...reversed(x.csr, x.g_nS) },
          ],
    );
    const gapCount = new Map<NeuronGroup, number>();
    for (const d of gapDirections) gapCount.set(d.post, (gapCount.get(d.post) ?? 0) + 1);
    const seen = new Map<NeuronGroup, number>();
    const gapTarget = gapDirections.map((d) => {
      const k = (seen.get(d.post) ?? 0) + 1;
      seen.set(d.post, k);
      return gapCount.get(d.post) === 1 ? "Igap" : `Igap_${k}`;
    });
    for (const p of this.populations)
      if (p instanceof NeuronGroup)
        p.gapTargets = gapTarget.filter((_, k) => gapDirections[k].post === p);
    // Populations are built once the projections are known: a group keeps the ring buffers of
    // its input, sized by the longest delay reaching each receptor. Everything hot (state, ring
    // buffers, connectivity) lives in one arena, where the WebAssembly kernels work in place.
    const delays = this.populations.map((p) =>
      p instanceof NeuronGroup
        ? p.receptorNames.map((_, index) => {
            let maxDelay = 1;
            for (const x of projections)
              if (x.spec.post === p && x.spec.receptor === index)
                maxDelay = Math.max(maxDelay, maxDelaySteps(x.proj));
            return maxDelay;
          })
        : [],
    );
    let bytes = 0;
    this.populations.forEach((p, k) => (bytes += p.arenaBytes(delays[k])));
    for (const { proj } of projections) bytes += projectionArenaBytes(proj);
    const direct = projections.map(({ spec, proj }) => directDelivery(spec, proj));
    const lastSpikes = new Map<Population, LastSpikes | null>(
      projections.filter((_, k) => direct[k]).map(({ spec }) => [spec.pre, null]),
    );
    // (a spike generator may list a neuron several times in one step: room for its spike list)
    const listLength = (p: Population) => Math.max(p.size, p.spiked.length);
    for (const pre of lastSpikes.keys()) bytes += arenaBytes(listLength(pre), 4) + arenaBytes(1, 4);
    // The multi-step driver's call counters, log lengths and spike log (room for at least four steps in which every neuron spikes).
    const logEntries = Math.max(2 ** 16, 4 * this.populations.reduce((n, p) => n + p.size, 0));
    // (every plan: gap junctions are summed synapses, which run in the driver too)
    const driven = this.wasm;
    if (driven)
      bytes +=
        arenaBytes(DRIVER_COUNTERS, 4) +
        arenaBytes(DRIVER_CELLS, 4) +
        2 * arenaBytes(logEntries, 4) +
        arenaBytes(this.populations.length, 4);
    // Equation synapses come after the others in the random streams, so adding them leaves the
    // rest unchanged; their connectivity is made first, so that the arena can hold it.
    const synapseStreams = this.synapses.map(() => rng.fork());
    this.synapses.forEach(
      (syn, k) => (bytes += syn.prepare(this.dt_ms, synapseStreams[k], this.keepSynapses)),
    );
    // The equation groups of the groups that gap junctions couple are made now (drawing their
    // initial values from their own streams, as their build would), so that the gap junctions'
    // synapses can name them.
    const coupled = new Map<NeuronGroup, EquationGroup>();
    for (const d of gapDirections)
      for (const g of [d.pre, d.post])
        if (!coupled.has(g))
          coupled.set(g, g.prepareGroup(this.dt_ms, streams[this.populations.indexOf(g)]));
    const gapSynapses = gapDirections.map((d, k) => {
      const syn = new Synapses(
        coupled.get(d.pre)!,
        coupled.get(d.post)!,
        {
          rule: () => d.csr,
          // (a group in the paper's units, `I : 1`, takes the current as a number of pA)
          model: gapJunctionEquations(gapTarget[k], {
            paperUnits: coupled
              .get(d.post)!
              .model.units.get(gapTarget[k])!
              .dim.every((x) => x === 0),
          }),
        },
        `gap junctions ${d.pre.name} -> ${d.post.name}${d.gap.spec.a === d.gap.spec.b ? " (both ways)" : ""}`,
      );
      bytes += syn.prepare(this.dt_ms, d.gap.rng, false);
      return syn;
    });
    if (bytes > this.maxMemory_bytes) {
      throw new RangeError(
        `network: building needs about ${(bytes / 2 ** 30).toFixed(2)} GiB for state, input buffers and connectivity, more than maxMemory_bytes = ${(this.maxMemory_bytes / 2 ** 30).toFixed(2)} GiB; make groups or delays smaller, or raise maxMemory_bytes`,
      );
    }
    // (a shared memory only where a group may be split across threads: see setUpThreads)
    const threadsWhy =
      this.threads === 1 ? null : (threadsUnavailable() ?? (this.wasm ? null : "wasm: false"));
    const large = this.populations.some(
      (p) =>
        (p instanceof EquationGroup || p instanceof NeuronGroup) && p.size >= this.splitMin_neurons,
    );
    const shared = this.threads !== 1 && threadsWhy === null && large;
    const arena = new Arena(bytes, shared);
    const homed = projections.map(({ spec, proj }) => ({ spec, proj: intoArena(proj, arena) }));
    this.populations.forEach((p, k) =>
      p.build(this.dt_ms, streams[k], { arena, inputDelaySteps: delays[k], wasm: this.wasm }),
    );
    const deliver = this.wasm ? deliverKernels(arena) : undefined;
    const groups = this.populations.filter((p): p is NeuronGroup => p instanceof NeuronGroup);
    for (const pre of lastSpikes.keys())
      lastSpikes.set(pre, { spiked: arena.i32(listLength(pre)), count: arena.i32(1) });
    const builtProjections = homed.map(({ spec, proj }, k) => {
      const buffer = spec.post.inputBuffers[spec.receptor];
      const inPlace =
        deliver !== undefined &&
        typeof proj.delaySteps === "number" &&
        arena.buffer !== null &&
        spec.pre.spiked.buffer === arena.buffer;
      const last = direct[k] ? lastSpikes.get(spec.pre)! : null;
      return { spec, proj, buffer, deliver: inPlace ? deliver : undefined, direct: last };
    });
    for (const g of groups)
      g.ringInputs(
        g.receptorNames.map((_, r) =>
          builtProjections.some((x) => x.spec.post === g && x.spec.receptor === r && !x.direct),
        ),
      );
    this.synapses.forEach((syn, k) =>
      syn.build(this.dt_ms, synapseStreams[k], this.keepSynapses, { arena, wasm: this.wasm }),
    );
    gapSynapses.forEach((syn, k) => {
      syn.build(this.dt_ms, gapDirections[k].gap.rng, false, { arena, wasm: this.wasm }); // (draws nothing: g is set below)
      syn.variable("g").set(gapDirections[k].g);
    });
    const builtGaps = gaps.map(({ spec, csr, g_nS }) => ({
      spec,
      csr,
      g_nS,
      synapses: gapSynapses.filter((_, k) => gapDirections[k].gap.spec === spec),
    }));
    this.keepSynapses = false;
    this.stepIndex = 0;
    this.setUpThreads(
      arena,
      threadsWhy ??
        (shared && !arena.shared
          ? `the host refused a shared memory of ${(bytes / 2 ** 20).toFixed(0)} MiB`
          : null),
    );
    const driverArea = {
      counters: arena.i32(driven ? DRIVER_COUNTERS : 0),
      cells: arena.i32(driven ? DRIVER_CELLS : 0),
      steps: arena.i32(driven ? logEntries : 0),
      neurons: arena.i32(driven ? logEntries : 0),
      sourceCounts: arena.i32(driven ? this.populations.length : 0),
    };
    const plan = this.makePlan(builtProjections, builtGaps, { driverArea, deliver });
    this.built = {
      groups,
      projections: builtProjections,
      gaps: builtGaps,
      plan,
      arena,
      driverArea,
      deliver,
      driver: this.driverOf(plan, { arena, driverArea }),
    };
    this.planStale = false;
    return this.built;
  }

  /**
   * Splits the large equation groups' step across the main thread and the worker (spawned at
   * the first build that needs it), as `threads` asks; with "auto" only after a calibration
   * finds a free core: a round trip to the worker under PING_MAX_us, and per group the real
   * kernels faster on two threads than on one (state restored after the trial). Sets the report
   * the schedule shows.
   */
  private setUpThreads(arena: Arena, unavailable: string | null): void {
    this.chooser = null;
    if (this.threads === 1) {
      this.threadsReport = "";
      return;
    }
    const one = (why: string) => {
      this.worker?.release();
      this.threadsReport = `1 (${this.threads === "auto" ? "auto: " : ""}${why})`;
    };
    if (unavailable !== null) return one(unavailable);
    const memory = arena.sharedMemory;
    if (memory === null) return one(`no equation group of >= ${this.splitMin_neurons} neurons`);
    const min = this.splitMin_neurons;
    const groups: EquationGroup<StateArray>[] = [];
    const tasks: WorkerTask[] = [];
    const notSplit: string[] = [];
    for (const q of this.populations) {
      // (a built-in group, addLif, ..., runs its model as an equation group)
      const p = q instanceof NeuronGroup ? q.equationGroup : q;
      if (!(p instanceof EquationGroup) || p.size < min) continue;
      const task = p.workerTask();
      if (typeof task === "string") notSplit.push(`${p.name}: ${task}`);
      else {
        groups.push(p);
        tasks.push(task);
      }
    }
    if (groups.length === 0)
      return one(
        `no equation group of >= ${min} neurons whose WebAssembly step a worker can run${notSplit.length ? `; ${notSplit.join("; ")}` : ""}`,
      );
    if (this.worker === null || this.worker.isDead) {
      // (a new worker where the last one failed and was terminated)
      try {
        this.worker = StepWorker.spawn();
      } catch (err) {
        if (this.threads === 2) throw err;
        return one(`no worker thread: ${(err as Error).message}`);
      }
      workerReaper.register(this, this.worker);
    }
    const worker = this.worker;
    worker.load(memory, tasks);
    const skipped = notSplit.length ? `; not split: ${notSplit.join("; ")}` : "";
    if (this.threads === 2) {
      groups.forEach((g, k) => g.splitOn(worker, k));
      this.threadsReport = `2 (${groups.map((g) => g.name).join(", ")} split)${skipped}`;
      return;
    }
    if (!this.calibrate) {
      const chooser = new SplitChooser(true, this.chooserWindow_steps, 3);
      groups.forEach((g, k) => g.splitOn(worker, k, { chooser, ticks: k === 0 }));
      this.chooser = chooser;
      this.threadsReport = `2 (auto, not calibrated)${skipped}`;
      return;
    }
    if (!worker.ready(10_000))
      return one(
        worker.loadFailed
          ? "the worker thread could not instantiate the step kernels"
          : "the worker thread did not start within 10 s",
      );
    const ping_us = worker.roundTrip_us(20);
    if (!(ping_us <= PING_MAX_us))
      return one(
        `a round trip to the worker took ${ping_us.toFixed(1)} us (mean over 20 ms), more than ${PING_MAX_us} us: no free core`,
      );
    const trials: string[] = [];
    const faster = groups.filter((g, k) => {
      // (about 4 ms per repeat at 1 ns per neuron and step)
      const steps = Math.max(10, Math.ceil(4e6 / g.size));
      const { one_us, two_us } = g.timeSplit(worker, k, steps, 5);
      const gain = two_us < SPLIT_GAIN * one_us;
      trials.push(
        `${g.name} ${one_us.toFixed(1)} us/step on 1 thread, ${two_us.toFixed(1)} on 2${gain ? ": split" : ""}`,
      );
      return gain;
    });
    const calibration = `round trip ${ping_us.toFixed(1)} us; ${trials.join("; ")}${skipped}`;
    if (faster.length === 0) return one(`calibration: ${calibration}`);
    // While running, a chooser keeps the faster of one and two threads (the first split group's
    // step counts the steps).
    const chooser = new SplitChooser(true, this.chooserWindow_steps);
    faster.forEach((g, k) => g.splitOn(worker, groups.indexOf(g), { chooser, ticks: k === 0 }));
    this.chooser = chooser;
    this.threadsReport = `2 (auto, calibration: ${calibration})`;
  }

  private addPopulation<P extends Population>(p: P): P {
    this.populations.push(p);
    this.built = null;
    this.keepSynapses = false;
    return p;
  }

  private uniqueName(name: string): string {
    if (typeof name !== "string" || name.length === 0)
      throw new TypeError(`name must be a non-empty string, got ${describeValue(name)}`);
    if (this.populations.some((p) => p.name === name))
      throw new RangeError(`name must be unique in the network: "${name}" is taken`);
    return name;
  }

  private requireMember(p: Population, what: string): void {
    if (!this.populations.includes(p))
      throw new RangeError(`${what} must be a population of this network`);
  }
}

/**
 * The time of step `n`, ms: n dt with the product's rounding noise removed (15 significant
 * digits), so 288448 steps of 0.1 ms read 28844.8, not 28844.800000000003.
 *
 * @example
 * ```ts
 * import { timeOfStep } from "neurolab";
 * timeOfStep(288448, 0.1); // 28844.8 (not 28844.800000000003)
 * ```
 */
export function timeOfStep(n: number, dt_ms: number): number {
  return Number((n * dt_ms).toPrecision(15));
}

/** The smallest equation group split across two threads, neurons (see README: measured). */
const SPLIT_MIN_NEURONS = 20000;
/** "auto": the longest mean round trip to the worker that still means it has a core, us. */
const PING_MAX_us = 10;
/** "auto": split a group when two threads take less than this share of one thread's time. */
const SPLIT_GAIN = 0.85;
/** Ends the worker thread of a network that was garbage collected. */
const workerReaper = new FinalizationRegistry<StepWorker>((w) => w.terminate());

/** Call counters and log-length cells of the multi-step driver (a plan needing more runs step by step). */
const DRIVER_COUNTERS = 256;
const DRIVER_CELLS = 64;

/** The schedule's note on a group's step split across two threads ("" where it is not). */
function threadsNote(g: EquationGroup<StateArray>): string {
  return g.isSplit
    ? `, 2 threads (neurons [0, ${g.splitAt}) here, [${g.splitAt}, ${g.size}) on a worker)`
    : "";
}

/** Ends the driver call after this step when the log length `len` (code) exceeds `limit` entries. */
function stopWhenOver(d: DriverContext, len: Code, limit: number): Code {
  return [
    ...len,
    ...op.i32Const(limit),
    ...op.i32GtS,
    ...op.localGet(d.stop),
    ...op.i32Or,
    ...op.localSet(d.stop),
  ];
}

/**
 * Why monitor `index` of `monitors` spike and rate monitors cannot log in the driver's arena
 * log, or null where it can (its populations' counts permitting).
 */
function logProblem(
  area: Built["driverArea"],
  index: number,
  monitors: number,
  populations: readonly Population[],
  cellOf: CountCellOf<Population>,
): string | null {
  if (area.steps.length === 0) return "needs JavaScript every step (no WebAssembly log)";
  if (index >= area.cells.length)
    return `needs JavaScript every step: the driver logs for at most ${area.cells.length} spike and rate monitors, this network has ${monitors}`;
  const cells = populations.map(cellOf);
  if (cells.some((c) => c === null || c.buffer !== area.steps.buffer))
    return "needs JavaScript every step: a monitored population keeps its spike count in JavaScript";
  return null;
}

/**
 * A spike monitor inside the multi-step driver: each step appends (step, neuron) of its
 * populations' spikes to its share of the arena's spike log, and stops the call once the share
 * may not hold another step; the hand-over copies the log into the monitor. Where it cannot
 * (see {@link logProblem}, or a share too small for one step's spikes), the reason.
 */
function spikeLogDriver(
  m: SpikeMonitor,
  area: Built["driverArea"],
  index: number,
  monitors: number,
  cellOf: CountCellOf<Population>,
): DriverOperation | string {
  const share = Math.floor(area.steps.length / Math.max(1, monitors));
  // most spikes one step may log (a spike generator may emit a neuron twice in a step)
  const perStep = m.populations.reduce(
    (n, p) => n + (p instanceof SpikeGeneratorGroup ? p.maxSpikesPerStep : p.size),
    0,
  );
  const problem = logProblem(area, index, monitors, m.populations, cellOf);
  if (problem !== null) return problem;
  if (share < perStep)
    return `needs JavaScript every step: the driver's log holds ${share} entries per monitor (${monitors} spike and rate monitors), fewer than one step's ${perStep} possible spikes`;
  const cells = m.populations.map(cellOf);
  const steps = area.steps.subarray(index * share, (index + 1) * share);
  const neurons = area.neurons.subarray(index * share, (index + 1) * share);
  const length = area.cells.subarray(index, index + 1);
  const len = [...op.i32Const(0), ...op.i32Load(length.byteOffset)];
  return {
    emit: (d) => {
      const code: number[] = [];
      let offset = 0; // the population's first index in the monitor's numbering
      const count = d.local(I32);
      const r = d.local(I32);
      const at = d.local(I32); // byte offset of entry len + r
      for (const [k, p] of m.populations.entries()) {
        code.push(
          ...op.i32Const(0),
          ...op.i32Load(cells[k]!.byteOffset),
          ...op.localSet(count),
          ...forCount(r, count, [
            ...len,
            ...op.localGet(r),
            ...op.i32Add,
            ...op.i32Const(2),
            ...op.i32Shl,
            ...op.localTee(at),
            ...op.localGet(d.step),
            ...op.i32Store(steps.byteOffset),
            ...op.localGet(at),
            ...op.localGet(r),
            ...op.i32Const(2),
            ...op.i32Shl,
            ...op.i32Load(p.spiked.byteOffset),
            ...op.i32Const(offset),
            ...op.i32Add,
            ...op.i32Store(neurons.byteOffset),
          ]),
          ...op.i32Const(0),
          ...len,
          ...op.localGet(count),
          ...op.i32Add,
          ...op.i32Store(length.byteOffset),
        );
        offset += p.size;
      }
      // stop once another step might not fit
      code.push(...stopWhenOver(d, len, share - perStep));
      return code;
    },
    before: () => {
      length[0] = 0;
    },
    after: (lastStep) => {
      m.recordLog(steps, neurons, length[0], lastStep);
      length[0] = 0;
    },
  };
}

/**
 * A source population (Poisson group, spike generator) inside the multi-step driver: its
 * JavaScript update, called from the driver (an import) with the step, and its spike count
 * copied to `cell` for the kernels that read it.
 */
function sourceDriver(p: Population, cell: Int32Array): DriverOperation {
  const update = (n: number) => {
    p.update(n, null);
    cell[0] = p.spikeCount;
  };
  return {
    emit: (d) => [...op.localGet(d.step), ...op.call(d.kernel(update, [I32], []))],
    before: () => {
      cell[0] = p.spikeCount;
    },
  };
}

/**
 * A rate monitor inside the multi-step driver: each step appends its populations' spike counts
 * (one row) to its part of the arena's log, handed over as {@link spikeLogDriver}'s.
 */
function rateLogDriver(
  m: RateMonitor,
  area: Built["driverArea"],
  index: number,
  parts: number,
  cellOf: CountCellOf<Population>,
): DriverOperation | string {
  const np = m.populations.length;
  const share = Math.floor(area.steps.length / Math.max(1, parts));
  const rowsMax = Math.floor(share / Math.max(1, np));
  const problem = logProblem(area, index, parts, m.populations, cellOf);
  if (problem !== null) return problem;
  if (np === 0) return "needs JavaScript every step: it monitors no population";
  if (rowsMax < 1)
    return `needs JavaScript every step: the driver's log holds ${share} entries per monitor (${parts} spike and rate monitors), fewer than one row of ${np} populations`;
  const cells = m.populations.map(cellOf);
  const rows = area.steps.subarray(index * share, index * share + rowsMax * np);
  const length = area.cells.subarray(index, index + 1);
  const len = [...op.i32Const(0), ...op.i32Load(length.byteOffset)];
  return {
    emit: (d) => {
      const at = d.local(I32); // byte offset of this step's row
      const code: number[] = [...len, ...op.i32Const(4 * np), ...op.i32Mul, ...op.localSet(at)];
      cells.forEach((cell, k) =>
        code.push(
          ...op.localGet(at),
          ...op.i32Const(0),
          ...op.i32Load(cell!.byteOffset),
          ...op.i32Store(rows.byteOffset + 4 * k),
        ),
      );
      code.push(
        ...op.i32Const(0),
        ...len,
        ...op.i32Const(1),
        ...op.i32Add,
        ...op.i32Store(length.byteOffset),
        // stop once the next row would not fit
        ...stopWhenOver(d, len, rowsMax - 1),
      );
      return code;
    },
    before: () => {
      length[0] = 0;
    },
    after: () => {
      m.recordRows(rows, length[0]);
      length[0] = 0;
    },
  };
}

/** Most steps one run may take (a longer simulation is several runs). */
const MAX_RUN_STEPS = 2 ** 31;

/** 80% of the machine's memory (at most 16 GiB), or 16 GiB where it is unknown. */
function defaultMemoryLimit(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("node:os") as { totalmem(): number } | undefined;
  const total = os ? os.totalmem() : 16 * 2 ** 30;
  return Math.min(0.8 * total, 16 * 2 ** 30);
}

/** Weights are stored as float32: their magnitude must stay below float32's largest value. */
const FLOAT32_MAX = 3.4028234663852886e38;
const WEIGHT_RANGE = { min: -FLOAT32_MAX, max: FLOAT32_MAX };

/** Bytes {@link intoArena} takes for `proj`. */
function projectionArenaBytes(proj: Projection): number {
  const weights = typeof proj.weight === "number" ? 0 : arenaBytes(proj.weight.length, 4);
  const d = proj.delaySteps;
  const delays = typeof d === "number" ? 0 : arenaBytes(Math.ceil(d.length / 2), 4);
  return (
    arenaBytes(proj.csr.rowPtr.length, 4) + arenaBytes(proj.csr.colIdx.length, 4) + weights + delays
  );
}

/** The projection with its connectivity, weights and per-synapse delays copied into `arena` (see {@link projectionArenaBytes}). */
function intoArena(proj: Projection, arena: Arena): Projection {
  const { csr, weight } = proj;
  const rowPtr = arena.i32(csr.rowPtr.length);
  rowPtr.set(csr.rowPtr);
  const colIdx = arena.i32(csr.colIdx.length);
  colIdx.set(csr.colIdx);
  let w: Float32Array | number = weight;
  if (typeof weight !== "number") {
    w = arena.f32(weight.length);
    w.set(weight);
  }
  let delaySteps = proj.delaySteps;
  if (typeof delaySteps !== "number") {
    const cells = arena.i32(Math.ceil(delaySteps.length / 2));
    const d = new Uint16Array(cells.buffer, cells.byteOffset, delaySteps.length);
    d.set(delaySteps);
    delaySteps = d;
  }
  return { ...proj, csr: { ...csr, rowPtr, colIdx }, weight: w, delaySteps };
}

function forEachSynapse(
  csr: { nPre: number; rowPtr: Int32Array; colIdx: Int32Array },
  f: (k: number, pre: number, post: number) => void,
): void {
  for (let i = 0; i < csr.nPre; i++)
    for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) f(k, i, csr.colIdx[k]);
}

/** A population's spikes of the last step, kept for one-step-delay delivery (both in the arena). */
interface LastSpikes {
  spiked: Int32Array;
  /** One cell: the number of valid entries in `spiked`. */
  count: Int32Array;
}

/** Whether a projection's spikes can go straight into its target's receptor variable: one step of delay into an exp or alpha kernel. */
function directDelivery(spec: ProjectionSpec, proj: Projection): boolean {
  return (
    proj.delaySteps === 1 && spec.post.receptorDefinitions[spec.receptor].spec.kind !== "delta"
  );
}

/**
 * Delivers the CSR rows of `count` spiking sources (`spiked`) into the row at byte offset `into`
 * with the WebAssembly kernel: `uniform` for one shared weight, `each` for per-synapse weights.
 */
function deliverRows(
  kernels: DeliverKernels,
  proj: Projection,
  spiked: Int32Array,
  count: number,
  into: number,
): void {
  const { rowPtr, colIdx } = proj.csr;
  const w = proj.weight;
  if (typeof w === "number")
    kernels.uniform(rowPtr.byteOffset, colIdx.byteOffset, w, spiked.byteOffset, count, into);
  else
    kernels.each(
      rowPtr.byteOffset,
      colIdx.byteOffset,
      w.byteOffset,
      spiked.byteOffset,
      count,
      into,
    );
}

/**
 * Spike delivery of a static projection inside the multi-step driver: the delivery kernel
 * `uniform` or `each` on `count` spikes of `spiked` (an arena array and its count cell) into the
 * row at `row(d)`, skipped when no source spiked, as the step-by-step operation does.
 */
function deliveryDriver(
  kernels: DeliverKernels,
  proj: Projection,
  spiked: Int32Array,
  count: Int32Array | null,
  row: (d: DriverContext) => Code,
): DriverOperation | null {
  if (count === null || count.buffer !== spiked.buffer) return null;
  const w = proj.weight;
  const uniform = typeof w === "number";
  return {
    emit: (d) => {
      const fn = uniform
        ? d.kernel(kernels.uniform, [I32, I32, F64, I32, I32, I32], [])
        : d.kernel(kernels.each, [I32, I32, I32, I32, I32, I32], []);
      return ifNonZero(loadCell(count), [
        ...op.i32Const(proj.csr.rowPtr.byteOffset),
        ...op.i32Const(proj.csr.colIdx.byteOffset),
        ...(uniform ? op.f64Const(w) : op.i32Const(w.byteOffset)),
        ...op.i32Const(spiked.byteOffset),
        ...loadCell(count),
        ...row(d),
        ...op.call(fn),
      ]);
    },
  };
}

/**
 * Delivery of a projection with one delay per synapse inside the multi-step driver: the kernel
 * `delayed` (see `deliverWasm`), each weight into the ring row of its own arrival step.
 */
function delayedDeliveryDriver(
  kernels: DeliverKernels,
  proj: Projection,
  pre: Population,
  count: Int32Array | null,
  buffer: DelayBuffer,
): DriverOperation | null {
  const delays = proj.delaySteps;
  if (count === null || typeof delays === "number" || delays.buffer !== pre.spiked.buffer)
    return null;
  const w = proj.weight;
  const uniform = typeof w === "number";
  return {
    emit: (d) => {
      const fn = d.kernel(
        uniform ? kernels.delayedUniform : kernels.delayed,
        [I32, I32, uniform ? F64 : I32, I32, I32, I32, I32, I32, I32, I32],
        [],
      );
      return ifNonZero(loadCell(count), [
        ...op.i32Const(proj.csr.rowPtr.byteOffset),
        ...op.i32Const(proj.csr.colIdx.byteOffset),
        ...(uniform ? op.f64Const(w) : op.i32Const(w.byteOffset)),
        ...op.i32Const(pre.spiked.byteOffset),
        ...loadCell(count),
        ...op.i32Const(buffer.data.byteOffset),
        ...op.i32Const(delays.byteOffset),
        ...op.localGet(d.step),
        ...op.i32Const(buffer.slots),
        ...op.i32Const(8 * buffer.stride),
        ...op.call(fn),
      ]);
    },
  };
}

/** "Keep spikes for the next step's delivery" inside the multi-step driver: the count cell and the spike list copied. */
function keepSpikesDriver(
  pre: Population,
  last: LastSpikes,
  cellOf: CountCellOf<Population>,
): DriverOperation | null {
  const cell = cellOf(pre);
  if (cell === null || cell.buffer !== last.spiked.buffer || pre.spiked.buffer !== cell.buffer)
    return null;
  return {
    emit: (d) => {
      const k = d.local(I32);
      const n = d.local(I32);
      return [
        ...op.i32Const(0),
        ...loadCell(cell),
        ...op.localTee(n),
        ...op.i32Store(last.count.byteOffset),
        ...forCount(k, n, [
          ...op.localGet(k),
          ...op.i32Const(2),
          ...op.i32Shl,
          ...op.localGet(k),
          ...op.i32Const(2),
          ...op.i32Shl,
          ...op.i32Load(pre.spiked.byteOffset),
          ...op.i32Store(last.spiked.byteOffset),
        ]),
      ];
    },
  };
}
