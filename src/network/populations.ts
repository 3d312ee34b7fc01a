/**
 * Populations of a {@link Network}: thin stateful wrappers. A built-in neuron group owns its
 * parameter record and receptors and runs its model's equations as an {@link EquationGroup}
 * (see `neurons/model`); input groups call the step functions of `inputs/`.
 */
import { checkFiniteArray } from "../core/checks.js";
import { checkOptions, checkPopulationSize } from "../core/validate.js";
import type { LifParams } from "../neurons/lif.js";
import { groupEquations, receptorVariables, type NeuronModel } from "../neurons/model.js";
import { checkReceptor, type ReceptorKind, type ReceptorSpec } from "../synapses/receptors.js";
import { arriveKernels, type ArriveKernels } from "../synapses/deliverWasm.js";
import type { EquationModelSpec } from "../equations/model.js";
import { EquationGroup } from "./equationGroup.js";
import { checkPoissonOptions, checkRate, poissonStep } from "../inputs/poisson.js";
import {
  checkSpikeGeneratorOptions,
  spikeSchedule,
  type SpikeSchedule,
} from "../inputs/spikeGenerator.js";
import type { Rng } from "../random/rng.js";
import { RNG_STATE_WORDS, rngModule, type RngKernels } from "../random/wasm.js";
import { delayBuffer, delayBufferBytes, type DelayBuffer } from "../synapses/projection.js";
import { arenaBytes, type Arena } from "../wasm/arena.js";
import { F64, I32, op, type Code } from "../wasm/assembler.js";
import { ringRowAddress, type DriverOperation } from "../wasm/driver.js";
import { MIME_BUNDLE, type MimeBundle } from "../display/protocol.js";
import { populationBundle } from "./summary.js";
import { describeValue } from "../core/describe.js";

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
  /**
   * @internal bytes the population takes in the network's arena, given the longest delay (in
   * steps) reaching each of its receptors.
   */
  arenaBytes(inputDelaySteps: readonly number[]): number;
  /** @internal prepares state for a run (called by the network when it builds). */
  build(dt_ms: number, rng: Rng, ctx: BuildContext): void;
  /**
   * @internal advances one step; `arriving` holds, per receptor, the synaptic input arriving in
   * this step (null for populations nothing projects to), which the update consumes (zeroes).
   */
  update(step: number, arriving: readonly Float64Array[] | null): void;
}

/** What the network hands a population when it builds. */
export interface BuildContext {
  /** Where the population's hot arrays live (sized by its `arenaBytes`). */
  readonly arena: Arena;
  /** Longest delay reaching each receptor, steps (empty for populations without receptors). */
  readonly inputDelaySteps: readonly number[];
  /** Whether the model's WebAssembly kernels may run. */
  readonly wasm: boolean;
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
 * A population of one built-in neuron model: owns the parameter record, the receptors and the
 * external current, and runs as an equation group built from the model's equations completed
 * with its receptors ({@link groupEquations}): one engine for built-in and user models. The
 * static projections reaching it deliver into per-receptor ring buffers; each step, after the
 * group's integration and threshold, the row arriving in the step is added to the receptor's
 * variable (and the delta row, before the step, is the jump `Jd` the step adds to v).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const cells = net.addLif("cells", { size: 5, params: { tauM_ms: 10 }, v0_mV: -65 });
 * net.addCurrentSource(cells, (t_ms, out_pA) => out_pA.fill(t_ms > 50 ? 500 : 0));
 * net.run(100);
 * cells.variable("v_mV"); // the membrane potentials (a live view)
 * cells.equations?.model; // the equations the group runs
 * ```
 */
export class NeuronGroup<P = unknown> implements Population {
  readonly kind: string;
  readonly size: number;
  readonly params: P;
  /** Receptor names in buffer order; index 0 is always "delta". */
  readonly receptorNames: readonly string[];
  /** @internal the variables gap junctions' summed variables write (set by the network before a build; see `groupEquations`). */
  gapTargets: readonly string[] = [];
  spiked: Int32Array;
  spikeCount = 0;
  /** @internal per receptor, the ring buffer of synaptic input arriving at this group (made by `build`). */
  inputBuffers: DelayBuffer[] = [];
  /** The external current users see (stable for the group's lifetime). */
  private readonly userCurrent: Float64Array;
  /** The external current the step reads: the group's `Iext` once built. */
  private external: Float64Array;
  private readonly receptorSpecs: ReceptorSpec[];
  private readonly init: Record<string, InitialPotential>;
  /** Whether a projection reaches the delta receptor (the equations then carry the jump Jd). */
  private deltaInput = false;
  /** The equation group that runs the model (made by `build`). */
  private group: EquationGroup | null = null;
  /** The equation group the next `build` runs, made early by `prepareGroup`. */
  private prepared: EquationGroup | null = null;
  /** Per receptor, the group's variable its arriving row is added to (delta: Jd, or null). */
  private targets: (Float64Array | null)[] = [];
  /** Per receptor, whether projections deliver into its ring buffer (else its row stays zero). */
  private rings: boolean[] = [];
  private arrive: ArriveKernels | undefined;

  /** Summary as a cell's value: name, model, size, state memory, parameters (summary.ts). */
  [MIME_BUNDLE](): MimeBundle {
    return populationBundle(this);
  }

  constructor(
    readonly name: string,
    readonly model: NeuronModel<P>,
    opts: NeuronGroupOptions<P>,
  ) {
    this.kind = model.name;
    if (opts === undefined)
      throw new TypeError(
        `${name}: options must be { size, params?, init?, v0_mV?, receptors? }, got undefined`,
      );
    checkOptions(opts, ["size", "params", "init", "v0_mV", "receptors"], `${name}: options`);
    this.size = checkPopulationSize(opts.size, `${name}: size`);
    this.params = model.params(opts.params);
    const receptors = opts.receptors ?? {};
    if ("delta" in receptors)
      throw new RangeError(`${name}: receptors: "delta" is built in and cannot be redefined`);
    this.receptorNames = ["delta", ...Object.keys(receptors)];
    this.receptorSpecs = [
      { kind: "delta" },
      ...Object.entries(receptors).map(([r, spec]) => checkReceptor(spec, `${name}.${r}`)),
    ];
    this.init = { ...(opts.init ?? {}) };
    if (opts.v0_mV !== undefined) this.init.v_mV = opts.v0_mV;
    for (const v of Object.keys(this.init)) {
      if (!model.variables.includes(v))
        throw new RangeError(
          `${name}: init: variable must be one of ${model.variables.join(", ")}, got ${describeValue(v)}`,
        );
    }
    this.userCurrent = new Float64Array(this.size);
    this.external = this.userCurrent;
    this.spiked = new Int32Array(this.size);
  }

  /**
   * External current per neuron, pA, held constant within each step (one array for the group's
   * lifetime). Set it between runs or from a progress callback: the network reads it at the start
   * of every run (and every slice of `runAsync`) and after each progress callback, and writes
   * back what current sources set.
   */
  get current_pA(): Float64Array {
    return this.userCurrent;
  }

  /** @internal the external current the step reads (what current sources write), pA. */
  get stepCurrent_pA(): Float64Array {
    return this.external;
  }

  /** @internal copies `current_pA` into the array the step reads (refusing non-finite values, which would silently poison the state). */
  currentIn(): void {
    const I = this.userCurrent;
    for (let i = 0; i < I.length; i++)
      if (!Number.isFinite(I[i]))
        throw new RangeError(`${this.name}.current_pA[${i}] must be a finite number, got ${I[i]}`);
    if (this.external !== I) this.external.set(I);
  }

  /** @internal copies the array the step read back into `current_pA`. */
  currentOut(): void {
    if (this.external !== this.userCurrent) this.userCurrent.set(this.external);
  }

  /** The receptor called `name` (its index in buffer order and kind); throws naming the choices. */
  receptor(name: string): { index: number; kind: ReceptorKind } {
    const index = this.receptorNames.indexOf(name);
    if (index < 0)
      throw new RangeError(
        `receptor must be one of ${this.receptorNames.map((r) => JSON.stringify(r)).join(", ")} of ${this.name}, got ${describeValue(name)}`,
      );
    return { index, kind: this.receptorSpecs[index].kind };
  }

  /** @internal notes that a projection reaches receptor `index` (the delta jump then enters the equations). */
  noteInput(index: number): void {
    if (this.receptorSpecs[index].kind === "delta") this.deltaInput = true;
  }

  /**
   * The delta receptors whose rows arrive this step (the built-in "delta" and any receptor of
   * kind delta), in buffer order: their jumps are summed into Jd before the step (the first
   * row moved, the others added).
   */
  private deltaRings(): number[] {
    return this.receptorSpecs.flatMap((spec, r) =>
      spec.kind === "delta" && this.rings[r] && this.targets[r] !== null ? [r] : [],
    );
  }

  /** @internal which receptors receive input through their ring buffers (set by the network once built). */
  ringInputs(flags: readonly boolean[]): void {
    this.rings = [...flags];
  }

  /** @internal the variable receptor `index`'s input is added to (the kernel's value or rise, or Jd). */
  receptorTarget(index: number): Float64Array {
    const t = this.targets[index];
    if (!t) throw new Error(`${this.name}: receptor ${index} has no input variable`);
    return t;
  }

  /** Names of the model's state variables (e.g. `["v_mV"]`). */
  get variables(): readonly string[] {
    return this.model.variables;
  }

  /**
   * The equations the group runs (the model's, with its receptors, external and gap-junction
   * currents; see `groupEquations`), once the network has been built; else null.
   */
  get equations(): EquationModelSpec | null {
    return this.group?.model.spec ?? null;
  }

  /** A state variable's live values (e.g. `"v_mV"`); valid once the network has been built. */
  variable(name: string): Float64Array {
    if (!this.model.variables.includes(name))
      throw new RangeError(
        `variable must be one of ${this.model.variables.join(", ")}, got ${describeValue(name)}`,
      );
    if (!this.group)
      throw new Error(`${this.name}: state exists once the network has been run or built`);
    return this.group.variable(this.model.equationNames[name]);
  }

  /**
   * The live values of receptor `name`'s kernel (current, pA, or conductance, nS, per neuron;
   * e.g. `"exc"`), valid once the network has been built. Not for "delta" (no state).
   */
  receptorVariable(name: string): Float64Array {
    const { index, kind } = this.receptor(name);
    if (kind === "delta") throw new RangeError(`receptor "delta" of ${this.name} has no state`);
    if (!this.group)
      throw new Error(`${this.name}: state exists once the network has been run or built`);
    return this.group.variable(this.receptorNamesInEquations()[index - 1].value);
  }

  /** @internal the first non-finite state value (variable, neuron, value), or null. */
  firstNonFinite(): { variable: string; index: number; value: number } | null {
    const bad = this.group?.firstNonFinite() ?? null;
    if (bad === null) return null;
    const own = Object.entries(this.model.equationNames).find(([, eq]) => eq === bad.variable);
    return { ...bad, variable: own ? own[0] : bad.variable };
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

  /** The equation variables of the receptors after "delta" (as `groupEquations` names them). */
  private receptorNamesInEquations(): { value: string; rise: string | null }[] {
    return receptorVariables(this.receptorDefinitions.slice(1));
  }

  /** The equation group of the model at step `dt_ms` (not built). */
  private makeGroup(dt_ms: number, init: Record<string, Float64Array> = {}): EquationGroup {
    const receptors = this.receptorDefinitions.slice(1);
    const spec = groupEquations(this.model, this.params, {
      receptors,
      delta: this.deltaInput,
      gap: this.gapTargets,
      dt_ms,
    });
    return new EquationGroup(this.name, { size: this.size, ...spec, init });
  }

  arenaBytes(inputDelaySteps: readonly number[]): number {
    let bytes = this.makeGroup(1).arenaBytes();
    for (let r = 0; r < this.receptorSpecs.length; r++)
      bytes += delayBufferBytes(this.size, inputDelaySteps[r]);
    return bytes;
  }

  /**
   * @internal prepares a run at `dt_ms`: the equation group (state, external current, spike
   * list) and one input ring buffer per receptor able to hold `ctx.inputDelaySteps[r]` steps of
   * delay, all in the network's arena so the generated wasm step works in place.
   */
  build(dt_ms: number, rng: Rng, ctx: BuildContext): void {
    const { arena, inputDelaySteps } = ctx;
    const n = this.size;
    const group = this.prepared ?? this.prepareGroup(dt_ms, rng);
    this.prepared = null;
    group.build(dt_ms, rng, ctx);
    this.group = group;
    this.inputBuffers = this.receptorSpecs.map((_, r) => delayBuffer(n, inputDelaySteps[r], arena));
    const names = this.receptorNamesInEquations();
    this.targets = this.receptorSpecs.map((spec, r) =>
      spec.kind === "delta"
        ? this.deltaInput
          ? group.variable("Jd")
          : null
        : group.variable(names[r - 1].rise ?? names[r - 1].value),
    );
    this.external = group.variable("Iext");
    this.external.set(this.userCurrent);
    this.spiked = group.spiked;
    this.spikeCount = 0;
    this.rings = this.receptorSpecs.map(() => true);
    this.arrive =
      ctx.wasm && arena.buffer !== null && group.spiked.buffer === arena.buffer
        ? arriveKernels(arena)
        : undefined;
  }

  /**
   * @internal makes the equation group the next {@link NeuronGroup.build} (with the same `rng`)
   * runs, drawing its initial values from `rng`: the network makes the equation synapses of gap
   * junctions onto it before the arena exists.
   */
  prepareGroup(dt_ms: number, rng: Rng): EquationGroup {
    const defaults = this.model.initial(this.params);
    const init: Record<string, Float64Array> = {};
    for (const v of this.model.variables)
      init[this.model.equationNames[v]] = initialValues(
        this.init[v] ?? defaults[v],
        this.size,
        rng,
        `${this.name}: init.${v}`,
      );
    this.prepared = this.makeGroup(dt_ms, init);
    return this.prepared;
  }

  update(step: number, arriving: readonly Float64Array[] | null): void {
    const group = this.group!;
    const targets = this.targets;
    const rings = this.rings;
    // The jumps arriving in this step enter its integration (NEST's iaf_psc_delta).
    if (arriving !== null)
      this.deltaRings().forEach((r, k) => this.hand(targets[r]!, arriving[r], k === 0));
    group.update(step);
    this.spikeCount = group.spikeCount;
    group.reset(step);
    // The weights arriving in this step are added at its end, after the kernels' decay.
    if (arriving !== null)
      for (let r = 1; r < arriving.length; r++)
        if (rings[r] && this.receptorSpecs[r].kind !== "delta")
          this.hand(targets[r]!, arriving[r], false);
  }

  /** @internal the equation group the model runs as (once built; its step may be split across threads). */
  get equationGroup(): EquationGroup | null {
    return this.group;
  }

  /** @internal this step's spike count in the arena (the equation group's), once built with its spikes there. */
  get spikeCountCell(): Int32Array | undefined {
    return this.group?.spikeCountCell;
  }

  /**
   * @internal the step of {@link NeuronGroup.update} inside the network's multi-step driver:
   * the delta row arriving in the step moved into Jd, the equation group's update and reset,
   * then the other receptors' arriving rows added to their variables, with the same kernels
   * and arguments as step by step; null where the group's step or reset is JavaScript.
   */
  driverUpdate(): DriverOperation | null {
    const group = this.group;
    const k = this.arrive;
    if (group === null || k === undefined) return null;
    const update = group.driverUpdate();
    const reset = group.hasReset ? group.driverReset() : null;
    if (update === null || (group.hasReset && reset === null)) return null;
    const targets = this.targets;
    const rings = this.rings;
    const buffers = this.inputBuffers;
    const hand = (d: Parameters<DriverOperation["emit"]>[0], r: number, fn: unknown): Code => [
      ...op.i32Const(targets[r]!.byteOffset),
      ...ringRowAddress(d, 0, buffers[r]),
      ...op.i32Const((buffers[r].size + 1) >> 1),
      ...op.call(d.kernel(fn, [I32, I32, I32], [])),
    ];
    return {
      emit: (d) => {
        const code: Code = [];
        this.deltaRings().forEach((r, j) => code.push(...hand(d, r, j === 0 ? k.move : k.add)));
        code.push(...update.emit(d), ...(reset ? reset.emit(d) : []));
        for (let r = 1; r < buffers.length; r++)
          if (rings[r] && this.receptorSpecs[r].kind !== "delta") code.push(...hand(d, r, k.add));
        return code;
      },
      before: () => update.before?.(),
      after: (last, steps) => {
        update.after?.(last, steps);
        reset?.after?.(last, steps);
        this.spikeCount = group.spikeCount;
      },
    };
  }

  /** `dst += src` (or `dst = src` when `move`), then `src = 0`. */
  private hand(dst: Float64Array, src: Float64Array, move: boolean): void {
    const k = this.arrive;
    if (k !== undefined) {
      const pairs = (src.length + 1) >> 1;
      if (move) k.move(dst.byteOffset, src.byteOffset, pairs);
      else k.add(dst.byteOffset, src.byteOffset, pairs);
      return;
    }
    if (move) dst.set(src);
    else for (let i = 0; i < dst.length; i++) dst[i] += src[i];
    src.fill(0);
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

/**
 * Independent Poisson spike sources with one common rate (as Brian2's PoissonGroup).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const noise = net.addPoisson("noise", { size: 1000, rate_Hz: 5 });
 * net.run(100);
 * noise.rate_Hz = 20; // applies from the next run
 * net.run(100);
 * ```
 */
export class PoissonGroup implements Population {
  readonly kind = "poisson";
  readonly size: number;
  spiked: Int32Array;
  spikeCount = 0;
  /** The step's spike count in the arena (read by the multi-step driver's other operations). @internal */
  spikeCountCell: Int32Array = new Int32Array(1);
  private rng: Rng | null = null;
  private rate = 0;
  private dt_ms = 0;
  private p = 0;
  /** The generator's state words while the driver runs (src/random/wasm.ts), and [p, log1p(-p)]. */
  private rngState: Int32Array | null = null;
  private params: Float64Array | null = null;
  private kernels: RngKernels | null = null;

  /** Summary as a cell's value: name, model, size, state memory, parameters (summary.ts). */
  [MIME_BUNDLE](): MimeBundle {
    return populationBundle(this);
  }

  constructor(
    readonly name: string,
    opts: PoissonGroupOptions,
  ) {
    this.size = checkPoissonOptions(opts, name);
    checkFiniteArray([opts.rate_Hz], `${name}: rate_Hz`, { min: 0 });
    this.rate = opts.rate_Hz;
    this.spiked = new Int32Array(this.size);
  }

  /** Rate of every source, Hz; may be changed between runs (or from a progress callback or operation): it applies from the next step. */
  get rate_Hz(): number {
    return this.rate;
  }

  set rate_Hz(rate_Hz: number) {
    if (this.dt_ms > 0)
      this.p = checkRate(rate_Hz, `${this.name}: rate_Hz`, this.dt_ms) * this.dt_ms * 1e-3;
    else checkFiniteArray([rate_Hz], `${this.name}: rate_Hz`, { min: 0 });
    this.rate = rate_Hz;
  }

  arenaBytes(): number {
    return (
      arenaBytes(this.size, 4) +
      arenaBytes(1, 4) +
      arenaBytes(RNG_STATE_WORDS, 4) +
      arenaBytes(2, 8)
    );
  }

  build(dt_ms: number, rng: Rng, ctx: BuildContext): void {
    this.dt_ms = dt_ms;
    this.p = checkRate(this.rate, `${this.name}: rate_Hz`, dt_ms) * dt_ms * 1e-3;
    this.spiked = ctx.arena.i32(this.size);
    this.spikeCountCell = ctx.arena.i32(1);
    this.rngState = ctx.arena.i32(RNG_STATE_WORDS);
    this.params = ctx.arena.f64(2);
    this.kernels = ctx.wasm
      ? ((ctx.arena.instance(rngModule()) as RngKernels | undefined) ?? null)
      : null;
    this.rng = rng;
    this.spikeCount = 0;
  }

  update(): void {
    this.spikeCount = poissonStep(this.size, this.p, this.rng!, this.spiked);
    this.spikeCountCell[0] = this.spikeCount;
  }

  /**
   * @internal the step inside the network's multi-step driver (geometric skipping in
   * WebAssembly on the generator's state in the arena, src/random/wasm.ts), or null without
   * WebAssembly. The generator's state is handed to the arena before each driver call and taken
   * back after it, so the JavaScript step continues the same stream.
   */
  driverUpdate(): DriverOperation | null {
    const kernels = this.kernels;
    const state = this.rngState;
    const params = this.params;
    const cell = this.spikeCountCell;
    if (kernels === null || state === null || params === null) return null;
    return {
      emit: (d) => [
        ...op.i32Const(0),
        ...op.i32Const(state.byteOffset),
        ...op.i32Const(this.size),
        ...op.i32Const(0),
        ...op.f64Load(params.byteOffset),
        ...op.i32Const(0),
        ...op.f64Load(params.byteOffset + 8),
        ...op.i32Const(this.spiked.byteOffset),
        ...op.call(d.kernel(kernels.poissonStep, [I32, I32, F64, F64, I32], [I32])),
        ...op.i32Store(cell.byteOffset),
      ],
      before: () => {
        this.rng!.lend(state);
        params[0] = this.p;
        params[1] = Math.log1p(-this.p);
        cell[0] = this.spikeCount;
      },
      after: () => {
        this.rng!.reclaim();
        this.spikeCount = cell[0];
      },
    };
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

/**
 * Emits given spikes (as NEST's spike_generator / Brian2's SpikeGeneratorGroup).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network();
 * const stim = net.addSpikeGenerator("stim", { size: 2, neurons: [0, 1, 0], times_ms: [10, 10, 25.5] });
 * const spikes = net.monitorSpikes([stim]);
 * net.run(50);
 * spikes.times_ms; // [10, 10, 25.5] on the dt grid
 * ```
 */
export class SpikeGeneratorGroup implements Population {
  readonly kind = "spikeGenerator";
  readonly size: number;
  spiked: Int32Array;
  spikeCount = 0;
  private schedule: SpikeSchedule | null = null;
  private cursor = 0;

  /** Summary as a cell's value: name, model, size, state memory, parameters (summary.ts). */
  [MIME_BUNDLE](): MimeBundle {
    return populationBundle(this);
  }

  constructor(
    readonly name: string,
    readonly opts: SpikeGeneratorOptions,
  ) {
    this.size = checkSpikeGeneratorOptions(opts, name);
    this.spiked = new Int32Array(Math.max(this.size, opts.neurons.length));
  }

  arenaBytes(): number {
    const n = this.opts.neurons.length;
    return (
      arenaBytes(this.spiked.length, 4) + arenaBytes(n, 8) + arenaBytes(n, 4) + arenaBytes(2, 4)
    );
  }

  /** The cursor into the schedule and the step's spike count, in the arena (the driver's). */
  private cells: Int32Array = new Int32Array(2);

  /** @internal this step's spike count in the arena (written by the multi-step driver). */
  get spikeCountCell(): Int32Array {
    return this.cells.subarray(1, 2);
  }

  /** @internal most spikes one step emits (a neuron may be listed twice at one time), once built. */
  maxSpikesPerStep = 0;

  build(dt_ms: number, _rng: Rng, ctx: BuildContext): void {
    this.spiked = ctx.arena.i32(this.spiked.length);
    const schedule = spikeSchedule(this.size, this.opts.neurons, this.opts.times_ms, dt_ms);
    const n = schedule.steps.length;
    // (in the arena, where the driver's code reads them)
    this.schedule = { steps: ctx.arena.f64(n), neurons: ctx.arena.i32(n) };
    this.schedule.steps.set(schedule.steps);
    this.schedule.neurons.set(schedule.neurons);
    this.cells = ctx.arena.i32(2);
    const steps = this.schedule.steps;
    let most = this.size;
    for (let k = 0, run = 0; k < steps.length; k++) {
      run = k > 0 && steps[k] === steps[k - 1] ? run + 1 : 1;
      if (run > most) most = run;
    }
    this.maxSpikesPerStep = most;
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

  /**
   * @internal {@link SpikeGeneratorGroup.update} inside the network's multi-step driver (the same
   * walk of the schedule, its cursor and the step's count in the arena), or null where the
   * schedule is not in WebAssembly memory.
   */
  driverUpdate(): DriverOperation | null {
    const { steps, neurons } = this.schedule!;
    const cells = this.cells;
    const spiked = this.spiked;
    if (steps.buffer !== cells.buffer || neurons.buffer !== cells.buffer) return null;
    if (spiked.buffer !== cells.buffer) return null;
    const len = steps.length;
    const br = (depth: number): Code => [0x0c, depth];
    return {
      emit: (d) => {
        const T = d.local(F64);
        const C = d.local(I32);
        const N = d.local(I32);
        const atStep = (): Code => [
          ...op.localGet(C),
          ...op.i32Const(3),
          ...op.i32Shl,
          ...op.f64Load(steps.byteOffset),
        ];
        const ended: Code = [...op.localGet(C), ...op.i32Const(len), ...op.i32GeS];
        const next = (x: number): Code => [
          ...op.localGet(x),
          ...op.i32Const(1),
          ...op.i32Add,
          ...op.localSet(x),
        ];
        return [
          ...op.localGet(d.step),
          ...op.f64ConvertI32S,
          ...op.localSet(T),
          ...op.i32Const(0),
          ...op.i32Load(cells.byteOffset),
          ...op.localSet(C),
          // while (c < len && steps[c] < step) c++
          ...op.block,
          ...op.loop,
          ...ended,
          ...op.brIf(1),
          ...atStep(),
          ...op.localGet(T),
          ...op.f64Ge,
          ...op.brIf(1),
          ...next(C),
          ...br(0),
          ...op.end,
          ...op.end,
          // while (c < len && steps[c] === step) spiked[count++] = neurons[c++]
          ...op.i32Const(0),
          ...op.localSet(N),
          ...op.block,
          ...op.loop,
          ...ended,
          ...op.brIf(1),
          ...atStep(),
          ...op.localGet(T),
          ...op.f64Ne,
          ...op.brIf(1),
          ...op.localGet(N),
          ...op.i32Const(2),
          ...op.i32Shl,
          ...op.localGet(C),
          ...op.i32Const(2),
          ...op.i32Shl,
          ...op.i32Load(neurons.byteOffset),
          ...op.i32Store(spiked.byteOffset),
          ...next(N),
          ...next(C),
          ...br(0),
          ...op.end,
          ...op.end,
          ...op.i32Const(0),
          ...op.localGet(C),
          ...op.i32Store(cells.byteOffset),
          ...op.i32Const(0),
          ...op.localGet(N),
          ...op.i32Store(cells.byteOffset + 4),
        ];
      },
      before: () => {
        cells[0] = this.cursor;
        cells[1] = this.spikeCount;
      },
      after: () => {
        this.cursor = cells[0];
        this.spikeCount = cells[1];
      },
    };
  }
}

function initialValues(v0: InitialPotential, n: number, rng: Rng, name: string): Float64Array {
  const out = new Float64Array(n);
  if (typeof v0 === "number") out.fill(v0);
  else if (typeof v0 === "function") for (let i = 0; i < n; i++) out[i] = v0(rng, i);
  else {
    if (v0.length !== n)
      throw new RangeError(`${name} must have ${n} values (one per neuron), got ${v0.length}`);
    for (let i = 0; i < n; i++) out[i] = v0[i];
  }
  checkFiniteArray(out, name);
  return out;
}
