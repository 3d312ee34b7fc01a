/**
 * The distribution of a projection's weights over time, recorded while the network learns: a
 * histogram (fixed bins over [lo, hi]) every `every_ms`, as an operation of the network's plan.
 * `figure()` shows it with the activity heatmap (weight bins as rows, highest on top; samples as
 * columns); in a notebook, `const view = display(hist.figure())` and `view.update(hist.figure())`
 * from `runAsync`'s `onProgress` redraw it while the network runs. The analysis lives here, the
 * heatmap only draws it.
 */
import type { Network, Slot } from "../network/network.js";
import type { StateArray } from "../equations/codegen.js";
import type { Synapses } from "../synapses/equationSynapses.js";
import { activityFigure, type ActivityFigure } from "../display/activity.js";
import { checkInteger, checkNumber } from "../core/checks.js";
import { positive } from "./common.js";

/** Options of {@link recordWeightHistogram}. */
export interface WeightHistogramOptions {
  /** Lower edge of the first bin (default 0). */
  lo?: number;
  /** Upper edge of the last bin (required; e.g. the rule's Wmax). Values outside [lo, hi] count in the edge bins. */
  hi: number;
  /** Number of bins (default 20). */
  bins?: number;
  /** Sampling interval, ms (default 1000; a multiple of dt). */
  every_ms?: number;
  /** The synaptic variable (default "w"). */
  variable?: string;
  /** Slot of the plan the sample is taken in (default "end"). */
  when?: Slot;
}

/**
 * A weight histogram over time (see {@link recordWeightHistogram}).
 *
 * @example
 * ```ts
 * import { plasticity } from "neurolab";
 * const { net, synapses } = plasticity.songAbbott2000({ N: 100, seed: 1 });
 * const hist: plasticity.WeightHistogram = plasticity.recordWeightHistogram(net, synapses, { hi: 0.01 });
 * net.run(1000);
 * hist.times_ms; hist.counts; // one histogram per recording time
 * ```
 */
export class WeightHistogram {
  /** Time of every sample, ms: 0 (the initial weights), then the end of every sampling interval (continuing across `net.reset()`). */
  readonly times_ms: number[] = [];
  /** Counts per sample, `bins` each (bin 0 is the lowest). */
  readonly counts: Int32Array[] = [];

  constructor(
    /** Edges of the bins, `bins + 1` values. */
    readonly edges: Float64Array,
    readonly variable: string,
    readonly name: string,
  ) {}

  /** Number of bins. */
  get bins(): number {
    return this.edges.length - 1;
  }

  /** Counts of one set of weights into the bins (values beyond the edges go to the edge bins; NaN is refused). */
  histogram(values: ArrayLike<number>): Int32Array {
    const n = this.bins;
    const lo = this.edges[0];
    const width = (this.edges[n] - lo) / n;
    const out = new Int32Array(n);
    for (let k = 0; k < values.length; k++) {
      const x = values[k];
      if (Number.isNaN(x)) throw new RangeError(`${this.name}: ${this.variable}[${k}] is NaN`);
      const b = Math.floor((x - lo) / width);
      out[b < 0 ? 0 : b >= n ? n - 1 : b]++;
    }
    return out;
  }

  /** The histograms as a bins x samples heatmap: rows are weight bins (highest on top), columns samples; values are counts or fractions of the synapses. */
  figure(opts: { title?: string; fraction?: boolean } = {}): ActivityFigure {
    const n = this.bins;
    const T = this.counts.length;
    if (T === 0)
      throw new RangeError(
        `${this.name}: no sample yet (run the network for at least one sampling interval)`,
      );
    const fraction = opts.fraction ?? true;
    const data = new Float64Array(n * T);
    for (let t = 0; t < T; t++) {
      const c = this.counts[t];
      let total = 0;
      for (let b = 0; b < n; b++) total += c[b];
      for (let b = 0; b < n; b++)
        data[(n - 1 - b) * T + t] = fraction ? (total > 0 ? c[b] / total : 0) : c[b];
    }
    const dt_s =
      T > 1 ? (this.times_ms[1] - this.times_ms[0]) / 1000 : this.times_ms[0] / 1000 || 1;
    // Enough decimals to tell neighbouring edges apart (one more than the bin width needs).
    const digits = Math.max(
      0,
      Math.min(10, Math.ceil(-Math.log10((this.edges[n] - this.edges[0]) / n) - 1e-9) + 1),
    );
    const labels = Array.from({ length: n }, (_, r) => {
      const b = n - 1 - r;
      return `${this.edges[b].toFixed(digits)}–${this.edges[b + 1].toFixed(digits)}`;
    });
    return activityFigure(
      { data, nNeurons: n, nTimes: T, dt_s, t_start_s: this.times_ms[0] / 1000, labels },
      {
        title: opts.title ?? `${this.name}: ${this.variable} over time`,
        quantity: fraction ? "fraction of synapses" : "synapses",
        unit: "",
        dropEmpty: false,
      },
    );
  }
}

/**
 * Records the histogram of `synapses`' `variable` every `every_ms` while `net` runs (an operation
 * of the plan named "weight histogram <name>"): `const hist = recordWeightHistogram(net, syn, {
 * hi: gmax })`, then `hist.counts`, `hist.times_ms`, `hist.figure()`.
 *
 * @example
 * ```ts
 * import { plasticity } from "neurolab";
 * const { net, synapses } = plasticity.songAbbott2000({ N: 200, seed: 1 });
 * const hist = plasticity.recordWeightHistogram(net, synapses, { hi: 0.01, bins: 20, every_ms: 500 });
 * net.run(5000);
 * hist.figure({ title: "weights while learning" }); // bins x time, as a heatmap
 * ```
 */
export function recordWeightHistogram(
  net: Network,
  synapses: Synapses<StateArray>,
  opts: WeightHistogramOptions,
): WeightHistogram {
  if (opts === null || typeof opts !== "object")
    throw new TypeError("recordWeightHistogram: opts must be an object with hi");
  for (const k of Object.keys(opts)) {
    if (!HIST_KEYS.includes(k))
      throw new RangeError(
        `recordWeightHistogram: unknown option "${k}" (allowed: ${HIST_KEYS.join(", ")})`,
      );
  }
  if (synapses === null || typeof synapses !== "object" || synapses.kind !== "synapses")
    throw new TypeError(
      "recordWeightHistogram: synapses must be what net.connect returns for a model written as equations",
    );
  const lo = checkNumber(opts.lo ?? 0, "lo");
  const hi = checkNumber(opts.hi, "hi", { min: lo, minExclusive: true });
  const bins = checkInteger(opts.bins ?? 20, "bins", 1, 10_000);
  const every = positive(opts.every_ms, 1000, "every_ms");
  const variable = opts.variable ?? "w";
  if (!synapses.variables.includes(variable))
    throw new RangeError(
      `recordWeightHistogram: variable must be a synaptic variable of ${synapses.name} (${synapses.variables.join(", ")}), got ${JSON.stringify(variable)}`,
    );
  const dt = net.dt_ms;
  const steps = Math.round(every / dt);
  if (steps < 1 || Math.abs(steps * dt - every) > 1e-9 * every)
    throw new RangeError(`every_ms must be a multiple of dt_ms = ${dt}, got ${every}`);
  const edges = Float64Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  const hist = new WeightHistogram(edges, variable, synapses.name);
  // The first sample is the initial distribution (step 0's start); after net.reset() time goes on
  // from the last sample, so the figure's axis stays one timeline across runs.
  let base = 0;
  net.addOperation(
    (t) => {
      if (Math.round(t / dt) !== 0) return;
      if (hist.times_ms.length > 0) {
        base = hist.times_ms[hist.times_ms.length - 1];
        return;
      }
      hist.times_ms.push(0);
      hist.counts.push(hist.histogram(synapses.variable(variable)));
    },
    { when: "start", order: -1, name: `weight histogram ${synapses.name} (initial)` },
  );
  net.addOperation(
    (t) => {
      const step = Math.round(t / dt);
      if ((step + 1) % steps !== 0) return;
      hist.times_ms.push(base + (step + 1) * dt);
      hist.counts.push(hist.histogram(synapses.variable(variable)));
    },
    { when: opts.when ?? "end", name: `weight histogram ${synapses.name}` },
  );
  return hist;
}

const HIST_KEYS = ["lo", "hi", "bins", "every_ms", "variable", "when"];
