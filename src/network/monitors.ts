/**
 * Monitors record what happens during a run, after each step (the last slot of the schedule).
 */
import { RasterFigure } from "../display/raster.js";
import type { Population } from "./populations.js";

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

  /** Spike times, ms (each spike stamped at the end of the step in which it occurred). */
  get times_ms(): Float64Array {
    const out = new Float64Array(this.log.length);
    for (let k = 0; k < out.length; k++) out[k] = (this.log.steps[k] + 1) * this.dt_ms;
    return out;
  }

  /** Monitored neuron index of each spike (see {@link SpikeMonitor.ranges}). */
  get neurons(): Int32Array {
    return this.log.neurons.slice(0, this.log.length);
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
    if (!(duration_s > 0)) throw new Error("meanRate_Hz: nothing has been recorded yet (run the network first)");
    const r = population === undefined ? { start: 0, size: this.size } : this.range(population);
    let n = 0;
    for (let k = 0; k < this.log.length; k++) {
      const i = this.log.neurons[k];
      if (i >= r.start && i < r.start + r.size) n++;
    }
    return n / (r.size * duration_s);
  }

  /** A raster figure of the recorded spikes; renders as an interactive widget in the neurolab kernel. */
  raster(opts: { title?: string } = {}): RasterFigure {
    return new RasterFigure({
      title: opts.title ?? this.populations.map((p) => p.name).join(" + "),
      tStartMs: this.tStart_ms,
      tStopMs: this.tStop_ms,
      nNeurons: this.size,
      populations: this.ranges,
      timesMs: Float32Array.from(this.times_ms),
      neurons: new Uint32Array(this.log.neurons.buffer, 0, this.log.length).slice(),
    });
  }

  /** @internal called by the network at the start of a run segment. */
  begin(dt_ms: number, t_ms: number, fresh: boolean): void {
    this.dt_ms = dt_ms;
    if (fresh || !this.started) {
      this.log.length = 0;
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

  private range(name: string): { start: number; size: number } {
    const r = this.ranges.find((x) => x.name === name);
    if (!r) throw new RangeError(`population must be one of ${this.ranges.map((x) => JSON.stringify(x.name)).join(", ")}, got ${JSON.stringify(name)}`);
    return r;
  }
}
