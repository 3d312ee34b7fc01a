/**
 * Monitors record what happens during a run, after each step (the last slot of the schedule).
 */
import { MIME_BUNDLE, type MimeBundle } from "../display/protocol.js";
import { RasterFigure } from "../display/raster.js";
import { checkInteger } from "../core/checks.js";
import { checkOptions, checkString } from "../core/validate.js";
import type { Population } from "./populations.js";
import { describeValue } from "../core/describe.js";

/** A population with named per-neuron state (a neuron group, or a group defined by equations). */
export interface StateGroup extends Population {
  /** Names of the per-neuron variables. */
  readonly variables: readonly string[];
  /** A variable's live values. */
  variable(name: string): Float64Array;
}

/** Growable typed-array storage for (step, neuron) spike events: 8 bytes per spike. */
class SpikeLog {
  steps = new Int32Array(1024);
  neurons = new Int32Array(1024);
  length = 0;

  push(step: number, spiked: Int32Array, count: number, offset: number): void {
    if (this.length + count > this.steps.length) this.grow(this.length + count);
    const steps = this.steps;
    const neurons = this.neurons;
    let n = this.length;
    for (let s = 0; s < count; s++) {
      steps[n] = step;
      neurons[n++] = spiked[s] + offset;
    }
    this.length = n;
  }

  /** Appends `count` events given as parallel arrays of steps and (already offset) neurons. */
  append(steps: Int32Array, neurons: Int32Array, count: number): void {
    if (this.length + count > this.steps.length) this.grow(this.length + count);
    this.steps.set(steps.subarray(0, count), this.length);
    this.neurons.set(neurons.subarray(0, count), this.length);
    this.length += count;
  }

  private grow(min: number): void {
    let cap = this.steps.length * 2;
    while (cap < min) cap *= 2;
    const steps = new Int32Array(cap);
    const neurons = new Int32Array(cap);
    steps.set(this.steps.subarray(0, this.length));
    neurons.set(this.neurons.subarray(0, this.length));
    this.steps = steps;
    this.neurons = neurons;
  }
}

/**
 * Records the spikes of one or more populations. Neurons are numbered consecutively across
 * the monitored populations, in the order given (see {@link SpikeMonitor.ranges}).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const inp = net.addPoisson("in", { size: 50, rate_Hz: 10 });
 * const spikes = net.monitorSpikes([inp]);
 * net.run(1000);
 * spikes.times_ms; spikes.neurons; spikes.counts(); spikes.meanRate_Hz(); // about 10 Hz
 * spikes.raster({ title: "Poisson input" }); // an interactive raster in the notebook
 * ```
 */
export class SpikeMonitor {
  private readonly log = new SpikeLog();
  private readonly offsets: number[] = [];
  /** Total number of monitored neurons. */
  readonly size: number;
  private dt_ms = NaN;
  private tStart_ms = 0;
  private tStop_ms = 0;
  private started = false;
  private cachedTimes: Float64Array | null = null;
  private cachedNeurons: Int32Array | null = null;
  /** Optional name of every monitored neuron (row), shown by the raster on its axis and in hover. */
  neuronNames: readonly string[] | null = null;

  constructor(readonly populations: readonly Population[]) {
    let offset = 0;
    for (const p of populations) {
      this.offsets.push(offset);
      offset += p.size;
    }
    this.size = offset;
  }

  /** Name and index range of each monitored population, in row order. */
  get ranges(): { name: string; start: number; size: number }[] {
    return this.populations.map((p, k) => ({ name: p.name, start: this.offsets[k], size: p.size }));
  }

  /** Number of recorded spikes. */
  get count(): number {
    return this.log.length;
  }

  /**
   * Spike times, ms (each spike stamped at the end of the step in which it occurred). Made once
   * per recorded state and shared between accesses (cheap to index in a loop): copy it before
   * modifying it.
   */
  get times_ms(): Float64Array {
    if (this.cachedTimes?.length !== this.log.length) {
      const out = new Float64Array(this.log.length);
      for (let k = 0; k < out.length; k++) out[k] = (this.log.steps[k] + 1) * this.dt_ms;
      this.cachedTimes = out;
    }
    return this.cachedTimes;
  }

  /** Monitored neuron index of each spike (see {@link SpikeMonitor.ranges}); shared like `times_ms`. */
  get neurons(): Int32Array {
    if (this.cachedNeurons?.length !== this.log.length)
      this.cachedNeurons = this.log.neurons.slice(0, this.log.length);
    return this.cachedNeurons;
  }

  /** Spike counts per monitored neuron. */
  counts(): Int32Array {
    const c = new Int32Array(this.size);
    for (let k = 0; k < this.log.length; k++) c[this.log.neurons[k]]++;
    return c;
  }

  /** Mean firing rate of a population (by name) or of all monitored neurons, Hz, over the recorded time. */
  meanRate_Hz(population?: string): number {
    const duration_s = (this.tStop_ms - this.tStart_ms) * 1e-3;
    if (!(duration_s > 0))
      throw new Error("meanRate_Hz: nothing has been recorded yet (run the network first)");
    const r = population === undefined ? { start: 0, size: this.size } : this.range(population);
    let n = 0;
    for (let k = 0; k < this.log.length; k++) {
      const i = this.log.neurons[k];
      if (i >= r.start && i < r.start + r.size) n++;
    }
    return n / (r.size * duration_s);
  }

  /** Displays as its raster (a cell whose last value is the monitor shows the raster widget). */
  [MIME_BUNDLE](): MimeBundle {
    return this.raster()[MIME_BUNDLE]();
  }

  /** A one-line summary. */
  toString(): string {
    return `SpikeMonitor of ${this.populations.map((p) => p.name).join(", ")}: ${this.count} spikes from ${this.size} neurons`;
  }

  /** A raster figure of the recorded spikes; renders as an interactive widget in the neurolab kernel. */
  raster(opts: { title?: string; neuronNames?: readonly string[] } = {}): RasterFigure {
    checkOptions(opts, ["title", "neuronNames"], "raster options");
    if (opts.title !== undefined) checkString(opts.title, "raster options.title");
    if (opts.neuronNames !== undefined && !Array.isArray(opts.neuronNames))
      throw new TypeError(
        `raster options.neuronNames must be an array of ${this.size} names, got ${typeof opts.neuronNames}`,
      );
    return new RasterFigure({
      neuronNames: opts.neuronNames ?? this.neuronNames,
      dt_ms: Number.isFinite(this.dt_ms) ? this.dt_ms : null,
      title: opts.title ?? this.populations.map((p) => p.name).join(" + "),
      tStart_ms: this.tStart_ms,
      tStop_ms: this.tStop_ms,
      nNeurons: this.size,
      populations: this.ranges,
      times_ms: Float32Array.from(this.times_ms),
      neurons: new Uint32Array(this.log.neurons.buffer, 0, this.log.length).slice(),
    });
  }

  /** @internal called by the network at the start of a run segment. */
  begin(dt_ms: number, t_ms: number, fresh: boolean): void {
    this.dt_ms = dt_ms;
    if (fresh || !this.started) {
      this.log.length = 0;
      this.cachedTimes = null;
      this.cachedNeurons = null;
      this.tStart_ms = t_ms;
      this.started = true;
    }
    this.tStop_ms = t_ms;
  }

  /** @internal records the spikes of `step`. */
  record(step: number): void {
    for (let k = 0; k < this.populations.length; k++) {
      const p = this.populations[k];
      if (p.spikeCount > 0) this.log.push(step, p.spiked, p.spikeCount, this.offsets[k]);
    }
    this.tStop_ms = (step + 1) * this.dt_ms;
  }

  /**
   * @internal records the spikes of steps up to `lastStep` logged by the network's multi-step
   * driver: `count` (step, monitored neuron) pairs, in the order `record` would have added them.
   */
  recordLog(steps: Int32Array, neurons: Int32Array, count: number, lastStep: number): void {
    if (count > 0) this.log.append(steps, neurons, count);
    this.tStop_ms = (lastStep + 1) * this.dt_ms;
  }

  private range(name: string): { start: number; size: number } {
    const r = this.ranges.find((x) => x.name === name);
    if (!r)
      throw new RangeError(
        `population must be one of ${this.ranges.map((x) => JSON.stringify(x.name)).join(", ")}, got ${describeValue(name)}`,
      );
    return r;
  }
}

/** Options of a {@link StateMonitor}. */
export interface StateMonitorOptions {
  /** Neuron indices to record (default: all). */
  indices?: ArrayLike<number>;
  /** Record every this many steps (default 1). */
  every_steps?: number;
}

/**
 * Records state variables of some neurons of a group, sampled at the end of every
 * `every_steps`-th step (the values after that step's update and reset).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network();
 * const cells = net.addLif("cells", { size: 3, params: { iBias_pA: 400 } });
 * const v = net.monitorState(cells, ["v_mV"], { indices: [0], every_steps: 10 });
 * net.run(100);
 * v.times_ms; v.trace("v_mV", 0); // neuron 0's membrane potential every 1 ms
 * ```
 */
export class StateMonitor {
  /** Recorded neuron indices. */
  readonly indices: Int32Array;
  /** Steps between samples. */
  readonly every_steps: number;
  private readonly data: Map<string, Float64Array> = new Map();
  private samples = 0;
  private sampleSteps = new Int32Array(256);
  private dt_ms = NaN;
  private started = false;

  constructor(
    readonly group: StateGroup,
    readonly variables: readonly string[],
    opts: StateMonitorOptions = {},
  ) {
    for (const v of variables) {
      if (!group.variables.includes(v)) {
        throw new RangeError(
          `variables must be among ${group.variables.join(", ")} of ${group.name}, got ${describeValue(v)}`,
        );
      }
    }
    const idx = opts.indices ?? Array.from({ length: group.size }, (_, i) => i);
    this.indices = Int32Array.from(idx, (i, k) =>
      checkInteger(i, `indices[${k}]`, 0, group.size - 1),
    );
    this.every_steps = checkInteger(opts.every_steps ?? 1, "every_steps", 1);
    for (const v of variables) this.data.set(v, new Float64Array(256 * this.indices.length));
  }

  /** Sample times, ms. */
  get times_ms(): Float64Array {
    return Float64Array.from(
      this.sampleSteps.subarray(0, this.samples),
      (s) => (s + 1) * this.dt_ms,
    );
  }

  /** Recorded values of `variable`: one row per sample, one column per recorded neuron (row-major). */
  values(variable: string): Float64Array {
    const d = this.data.get(variable);
    if (!d)
      throw new RangeError(
        `variable must be one of ${this.variables.join(", ")}, got ${describeValue(variable)}`,
      );
    return d.slice(0, this.samples * this.indices.length);
  }

  /** The trace of one recorded neuron (by its position in `indices`). */
  trace(variable: string, position = 0): Float64Array {
    checkInteger(position, "position", 0, this.indices.length - 1);
    const all = this.values(variable);
    const n = this.indices.length;
    return Float64Array.from({ length: this.samples }, (_, s) => all[s * n + position]);
  }

  /** @internal */
  begin(dt_ms: number, _t_ms: number, fresh: boolean): void {
    this.dt_ms = dt_ms;
    if (fresh || !this.started) {
      this.samples = 0;
      this.started = true;
    }
  }

  /** @internal */
  record(step: number): void {
    if ((step + 1) % this.every_steps !== 0) return;
    const n = this.indices.length;
    if (this.samples === this.sampleSteps.length) {
      const grown = new Int32Array(this.samples * 2);
      grown.set(this.sampleSteps);
      this.sampleSteps = grown;
      for (const [v, d] of this.data) {
        const g = new Float64Array(d.length * 2);
        g.set(d);
        this.data.set(v, g);
      }
    }
    this.sampleSteps[this.samples] = step;
    const base = this.samples * n;
    for (const v of this.variables) {
      const src = this.group.variable(v);
      const dst = this.data.get(v)!;
      for (let k = 0; k < n; k++) dst[base + k] = src[this.indices[k]];
    }
    this.samples++;
  }
}

/**
 * Records the number of spikes per step of each population (as Brian2's PopulationRateMonitor).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const inp = net.addPoisson("in", { size: 100, rate_Hz: 8 });
 * const rates = net.monitorRate([inp]);
 * net.run(1000);
 * rates.rate_Hz("in", 10).rate_Hz; // the population rate in 10 ms bins, about 8 Hz
 * ```
 */
export class RateMonitor {
  private counts: Int32Array;
  private steps = 0;
  private dt_ms = NaN;
  private t0_ms = 0;
  private started = false;

  constructor(readonly populations: readonly Population[]) {
    this.counts = new Int32Array(1024 * populations.length);
  }

  /** Population names in column order. */
  get names(): string[] {
    return this.populations.map((p) => p.name);
  }

  /**
   * Rate of population `name` in Hz, in bins of `binWidth_ms` (a whole number of steps; default
   * one step): spikes in the bin / (neurons x bin width). Returns bin start times too.
   */
  rate_Hz(name: string, binWidth_ms?: number): { t_ms: Float64Array; rate_Hz: Float64Array } {
    const k = this.populations.findIndex((p) => p.name === name);
    if (k < 0)
      throw new RangeError(
        `name must be one of ${this.names.map((x) => JSON.stringify(x)).join(", ")}, got ${describeValue(name)}`,
      );
    const per = binWidth_ms === undefined ? 1 : Math.round(binWidth_ms / this.dt_ms);
    if (!(per >= 1) || Math.abs(per * this.dt_ms - (binWidth_ms ?? this.dt_ms)) > 1e-9) {
      throw new RangeError(
        `binWidth_ms must be a whole number (>= 1) of steps of ${this.dt_ms} ms, got ${binWidth_ms}`,
      );
    }
    const bins = Math.floor(this.steps / per);
    const size = this.populations[k].size;
    const np = this.populations.length;
    const t = new Float64Array(bins);
    const r = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      let c = 0;
      for (let s = b * per; s < (b + 1) * per; s++) c += this.counts[s * np + k];
      t[b] = this.t0_ms + b * per * this.dt_ms;
      r[b] = c / (size * per * this.dt_ms * 1e-3);
    }
    return { t_ms: t, rate_Hz: r };
  }

  /** @internal */
  begin(dt_ms: number, t_ms: number, fresh: boolean): void {
    this.dt_ms = dt_ms;
    if (fresh || !this.started) {
      this.steps = 0;
      this.t0_ms = t_ms;
      this.started = true;
    }
  }

  /** @internal appends `count` rows of spike counts (one per step, populations in column order) logged by the network's multi-step driver. */
  recordRows(rows: Int32Array, count: number): void {
    const np = this.populations.length;
    let cap = this.counts.length;
    while ((this.steps + count) * np > cap) cap *= 2;
    if (cap > this.counts.length) {
      const grown = new Int32Array(cap);
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts.set(rows.subarray(0, count * np), this.steps * np);
    this.steps += count;
  }

  /** @internal */
  record(_step: number): void {
    const np = this.populations.length;
    if ((this.steps + 1) * np > this.counts.length) {
      const grown = new Int32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    for (let k = 0; k < np; k++) this.counts[this.steps * np + k] = this.populations[k].spikeCount;
    this.steps++;
  }
}
