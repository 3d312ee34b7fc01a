/**
 * Functional connectomes from activity traces, after Dyballa L, Lang S, Haslund-Gourley A,
 * Yemini E, Zucker SW (2024) "Learning dynamic representations of the functional connectome in
 * neurobiological networks", ICLR (code: github.com/dyballa/dynamic-connectomes):
 *
 * 1. affinities between every neuron pair, per worm, as a time series. The paper's affinity is
 *    differential and local in time; its exact formula could not be read (the authors' notebook
 *    is not in the available snapshot, see the README), and neurolab's reading is: with g_i(t)
 *    the time derivative of neuron i's trace (central differences, numpy.gradient's convention)
 *    scaled per neuron to [-1, 1] (g_i / max_t |g_i|), a_ij(t) = max(0, g_i(t) g_j(t)): large
 *    when both neurons rise, or both fall, steeply at the same sample; 0 when they change in
 *    opposite directions or one is flat. The windowed Pearson correlation (clipped at 0) is kept as the measure
 *    "windowed-correlation": it scores co-fluctuation of the levels over a whole window.
 * 2. a time x worm x neuron-pair tensor of these affinities in which unrecorded neurons, missing
 *    samples and the tail of worms shorter than the longest are *missing* (mask 0), not 0;
 * 3. its masked non-negative CP decomposition (`tensor.ts`): each component is a pair-affinity
 *    pattern with a time course and a per-worm weight;
 * 4. communities in each component's n x n affinity graph (the pair factor reshaped), found with
 *    the library's Louvain (the paper fits a nested weighted stochastic block model).
 *
 * Traces are row-major `steps x neurons` Float64Arrays (as `WormRecording.data`); NaN marks
 * samples or neurons not recorded.
 */
import { checkInteger, checkNonNegative } from "../core/checks.js";
import { louvain } from "./analysis.js";
import { csrFromEntries } from "./connectome.js";
import { checkCPModel, type CPModel, type Tensor3 } from "./tensor.js";
import { checkOptionsObject, checkRequiredOptions, describeValue } from "../core/validate.js";
import { describeName } from "../core/describe.js";

/** Traces of one animal: row-major steps x neurons. */
export interface Traces {
  readonly steps: number;
  readonly data: Float64Array;
}

/** @internal Checks a traces argument { steps, data } (time-major, `data.length` a multiple of `steps`). */
export function checkTraces(traces: unknown, name = "traces"): Traces {
  name = describeName(name);
  const t = traces as Traces;
  const ok =
    typeof t === "object" &&
    t !== null &&
    Number.isInteger(t.steps) &&
    t.steps >= 1 &&
    t.data instanceof Float64Array &&
    t.data.length % t.steps === 0;
  if (!ok)
    throw new TypeError(
      `${name} must be { steps: integer >= 1, data: Float64Array of steps x neurons values }, got ${describeValue(traces)}`,
    );
  return t;
}

/** Correlation matrices over sliding windows. */
export interface WindowedCorrelation {
  /** Number of neurons. */
  readonly n: number;
  /** First step of each window. */
  readonly starts: Int32Array;
  /** Window length, steps. */
  readonly window: number;
  /** windows x n x n, row-major; NaN where a neuron has missing or constant samples in the window. */
  readonly data: Float64Array;
}

/** Options of the windowed functions. */
export interface WindowOptions {
  /** Window length, steps (>= 2). */
  window: number;
  /** Step between window starts, steps (>= 1). Default `window` (no overlap). */
  step?: number;
}

/**
 * Pearson correlation of every neuron pair in each sliding window (diagonal 1 where defined).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * // 3 neurons x 100 samples (time-major: sample t holds neurons 0..2)
 * const steps = 100, data = new Float64Array(steps * 3);
 * for (let t = 0; t < steps; t++) [data[3 * t], data[3 * t + 1], data[3 * t + 2]] = [Math.sin(t / 5), Math.sin(t / 5 + 0.2), Math.cos(t / 3)];
 * connectome.slidingCorrelation({ steps, data }, { window: 20, step: 10 }).data; // r per pair and window
 * ```
 */
export function slidingCorrelation(traces: Traces, opts: WindowOptions): WindowedCorrelation {
  checkTraces(traces);
  checkRequiredOptions(opts, "slidingCorrelation options", "window (steps)");
  const { steps, data } = traces;
  const n = neuronCount(traces);
  const window = checkInteger(opts.window, "window", 2, Math.max(2, steps));
  const step = checkInteger(opts.step ?? window, "step", 1);
  const starts: number[] = [];
  for (let s = 0; s + window <= steps; s += step) starts.push(s);
  const out = new Float64Array(starts.length * n * n);
  const z = new Float64Array(window * n);
  const valid = new Uint8Array(n);
  starts.forEach((s, w) => {
    // z-score each neuron within the window
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let ok = true;
      for (let t = 0; t < window; t++) {
        const v = data[(s + t) * n + i];
        if (!Number.isFinite(v)) ok = false;
        sum += v;
      }
      const mean = sum / window;
      let ss = 0;
      for (let t = 0; t < window; t++) ss += (data[(s + t) * n + i] - mean) ** 2;
      valid[i] = ok && ss > 0 ? 1 : 0;
      const scale = valid[i] ? 1 / Math.sqrt(ss) : 0;
      for (let t = 0; t < window; t++)
        z[t * n + i] = valid[i] ? (data[(s + t) * n + i] - mean) * scale : 0;
    }
    const base = w * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let r = NaN;
        if (valid[i] && valid[j]) {
          r = 0;
          for (let t = 0; t < window; t++) r += z[t * n + i] * z[t * n + j];
          r = Math.max(-1, Math.min(1, r));
        }
        out[base + i * n + j] = r;
        out[base + j * n + i] = r;
      }
    }
  });
  return { n, starts: Int32Array.from(starts), window, data: out };
}

/** How a correlation r becomes a non-negative affinity. */
export type AffinityKind = "positive" | "absolute" | "shifted";

/**
 * Affinity of a correlation: max(r, 0) ("positive"), |r| ("absolute") or (r + 1) / 2 ("shifted"); NaN -> 0.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * [connectome.affinity(-0.4, "positive"), connectome.affinity(-0.4, "absolute"), connectome.affinity(-0.4, "shifted")]; // [0, 0.4, 0.3]
 * ```
 */
export function affinity(r: number, kind: AffinityKind = "positive"): number {
  if (!Number.isFinite(r)) return 0;
  if (kind === "positive") return r > 0 ? r : 0;
  if (kind === "absolute") return Math.abs(r);
  if (kind === "shifted") return (r + 1) / 2;
  throw new RangeError(
    `kind must be "positive", "absolute" or "shifted", got ${describeValue(kind)}`,
  );
}

/**
 * Number of unordered neuron pairs (i < j) of n neurons.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.pairCount(300); // 44850 neuron pairs
 * ```
 */
export function pairCount(n: number): number {
  checkInteger(n, "n");
  return (n * (n - 1)) / 2;
}

/**
 * Index of the pair (i, j), i != j, in the order (0,1), (0,2), ..., (0,n-1), (1,2), ...
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.pairIndex(0, 2, 4); // position of the pair (0, 2) among the 6 pairs of 4 neurons
 * ```
 */
export function pairIndex(i: number, j: number, n: number): number {
  if (i === j) throw new RangeError(`i and j must differ, got ${i} and ${j}`);
  const a = Math.min(i, j);
  const b = Math.max(i, j);
  return a * n - (a * (a + 1)) / 2 + (b - a - 1);
}

/** Per-neuron scale of the derivatives in the differential affinity. */
export type DerivativeScaling = "max" | "std";

/** Options of {@link scaledDerivatives} and {@link differentialAffinity}. */
export interface DifferentialOptions {
  /**
   * Scale of each neuron's derivative g_i: "max" divides by max_t |g_i(t)| (so affinities lie in
   * [0, 1]; default), "std" by the root mean square of g_i over its finite samples.
   */
  scaling?: DerivativeScaling;
  /** Columns (neurons) to use, in this order. Default all. */
  neurons?: readonly number[];
}

/**
 * Time derivative of every selected trace (steps x n, per sample): central differences inside,
 * one-sided at the ends (numpy.gradient with unit spacing), divided by the neuron's scale (see
 * {@link DifferentialOptions}); NaN where a sample it uses is missing; 0 for a neuron that never
 * changes.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const steps = 50, data = new Float64Array(steps * 2);
 * for (let t = 0; t < steps; t++) [data[2 * t], data[2 * t + 1]] = [t, 2 * t];
 * connectome.scaledDerivatives({ steps, data }).data; // per-neuron scaled derivatives (both 1 after scaling by the max)
 * ```
 */
export function scaledDerivatives(
  traces: Traces,
  opts: DifferentialOptions = {},
): { n: number; steps: number; data: Float64Array } {
  checkTraces(traces);
  opts = checkOptionsObject(opts, "options");
  const { steps } = traces;
  const cols = selectedColumns(traces, opts.neurons);
  const scaling = opts.scaling ?? "max";
  if (scaling !== "max" && scaling !== "std")
    throw new RangeError(`scaling must be "max" or "std", got ${describeValue(scaling)}`);
  if (steps < 2) throw new RangeError(`steps must be >= 2 to take a derivative, got ${steps}`);
  const nAll = neuronCount(traces);
  const n = cols.length;
  const x = traces.data;
  const g = new Float64Array(steps * n);
  cols.forEach((col, i) => {
    const at = (t: number) => x[t * nAll + col];
    let max = 0;
    let sum2 = 0;
    let count = 0;
    for (let t = 0; t < steps; t++) {
      const v =
        t === 0 ? at(1) - at(0) : t === steps - 1 ? at(t) - at(t - 1) : (at(t + 1) - at(t - 1)) / 2;
      const d = Number.isFinite(v) ? v : NaN;
      g[t * n + i] = d;
      if (d === d) {
        max = Math.max(max, Math.abs(d));
        sum2 += d * d;
        count++;
      }
    }
    const scale = scaling === "max" ? max : count > 0 ? Math.sqrt(sum2 / count) : 0;
    for (let t = 0; t < steps; t++) {
      const d = g[t * n + i];
      if (d === d) g[t * n + i] = scale > 0 ? d / scale : 0;
    }
  });
  return { n, steps, data: g };
}

/** Per-sample affinities of every neuron pair. */
export interface PairSeries {
  /** Number of neurons. */
  readonly n: number;
  readonly steps: number;
  /** steps x pairCount(n), row-major, pairs in {@link pairIndex} order; NaN where missing. */
  readonly data: Float64Array;
}

/**
 * The paper's differential affinity at every sample: a_ij(t) = max(0, g_i(t) g_j(t)) with g the
 * scaled derivatives of {@link scaledDerivatives}. NaN where either derivative is missing.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const steps = 50, data = new Float64Array(steps * 2);
 * for (let t = 0; t < steps; t++) [data[2 * t], data[2 * t + 1]] = [Math.sin(t / 4), Math.sin(t / 4)];
 * connectome.differentialAffinity({ steps, data }).data; // one affinity per pair and sample: high while both rise or fall together
 * ```
 */
export function differentialAffinity(traces: Traces, opts: DifferentialOptions = {}): PairSeries {
  const { n, steps, data: g } = scaledDerivatives(traces, opts);
  const P = pairCount(n);
  const out = new Float64Array(steps * P);
  for (let t = 0; t < steps; t++) {
    let p = t * P;
    for (let i = 0; i < n; i++) {
      const gi = g[t * n + i];
      for (let j = i + 1; j < n; j++) {
        const v = gi * g[t * n + j];
        out[p++] = v > 0 ? v : v === v ? 0 : NaN;
      }
    }
  }
  return { n, steps, data: out };
}

/** Options of {@link functionalTensor} with the paper's differential affinity. */
export interface DifferentialTensorOptions extends DifferentialOptions {
  measure?: "differential";
  /** Samples averaged into one time index (>= 1); the mean runs over the samples observed. Default 1. */
  bin?: number;
}

/** Options of {@link functionalTensor} with windowed Pearson correlations. */
export interface CorrelationTensorOptions extends WindowOptions {
  measure: "windowed-correlation";
  /** Correlation -> affinity. Default "positive" (max(r, 0)). */
  affinity?: AffinityKind;
  /** Columns (neurons) to use, in this order. Default all. */
  neurons?: readonly number[];
}

/** Options of {@link functionalTensor}. */
export type FunctionalTensorOptions = DifferentialTensorOptions | CorrelationTensorOptions;

/** A time x worm x neuron-pair affinity tensor with its missing entries marked. */
export interface FunctionalTensor extends Tensor3 {
  /** 1 where observed; 0 where a neuron was not recorded, a sample missing, or the worm already ended. */
  readonly mask: Uint8Array;
  readonly measure: "differential" | "windowed-correlation";
  /** Number of neurons (pairs in {@link pairIndex} order). */
  readonly n: number;
  /** Column of each neuron in the traces. */
  readonly neurons: Int32Array;
  /** First sample of each time index (bin or window). */
  readonly starts: Int32Array;
  /** Samples per time index (bin or window length). */
  readonly length: number;
}

/**
 * The time x worm x neuron-pair affinity tensor of several animals' traces (the same neurons in
 * the same columns). Default measure: the paper's differential affinity per sample (or averaged
 * over bins of `bin` samples); `measure: "windowed-correlation"` gives Pearson correlations in
 * sliding windows mapped to affinities. Worms may differ in length: the time axis spans the
 * longest, and entries past a worm's end are masked, as are pairs with an unrecorded neuron (NaN
 * samples). Masked entries hold 0 in `data`.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const worm = (steps: number, phase: number) => {
 *   const data = new Float64Array(steps * 3);
 *   for (let t = 0; t < steps; t++) [data[3 * t], data[3 * t + 1], data[3 * t + 2]] = [Math.sin(t / 5 + phase), Math.sin(t / 5 + phase), Math.cos(t / 7)];
 *   return { steps, data };
 * };
 * const x = connectome.functionalTensor([worm(120, 0), worm(90, 1)]); // time x worm x pair; the shorter worm is masked, not truncated
 * const fit = connectome.fitNonnegativeCP(x, 2, { restarts: 3, seed: 1 });
 * ```
 */
export function functionalTensor(
  worms: readonly Traces[],
  opts: FunctionalTensorOptions = {},
): FunctionalTensor {
  if (!Array.isArray(worms))
    throw new TypeError(
      `worms must be an array of recordings { steps, data }, got ${describeValue(worms)}`,
    );
  worms.forEach((w, k) => checkTraces(w, `worms[${k}]`));
  opts = checkOptionsObject(opts, "functionalTensor options");
  if (worms.length === 0) throw new RangeError("worms must hold at least one recording, got 0");
  const measure = opts.measure ?? "differential";
  if (measure !== "differential" && measure !== "windowed-correlation") {
    throw new RangeError(
      `measure must be "differential" or "windowed-correlation", got ${describeValue(measure)}`,
    );
  }
  if (measure === "differential" && "window" in opts)
    throw new RangeError(
      'window applies to measure "windowed-correlation"; the differential measure takes bin',
    );
  const nAll = neuronCount(worms[0]);
  worms.forEach((w, k) => {
    if (neuronCount(w) !== nAll)
      throw new RangeError(
        `worms[${k}] has ${neuronCount(w)} neurons, expected ${nAll} as worms[0]`,
      );
  });
  const cols = selectedColumns(worms[0], opts.neurons);
  const n = cols.length;
  const P = pairCount(n);
  const W = worms.length;
  const maxSteps = Math.max(...worms.map((w) => w.steps));
  if (opts.measure === "windowed-correlation") {
    const o = opts;
    const window = checkInteger(o.window, "window", 2, Math.max(2, maxSteps));
    const step = checkInteger(o.step ?? window, "step", 1);
    const kind = o.affinity ?? "positive";
    affinity(0, kind);
    const starts: number[] = [];
    for (let s = 0; s + window <= maxSteps; s += step) starts.push(s);
    const T = starts.length;
    const data = new Float64Array(T * W * P);
    const mask = new Uint8Array(T * W * P);
    worms.forEach((worm, w) => {
      const traces = { steps: worm.steps, data: columnsOf(worm, cols) };
      if (worm.steps < window) return;
      const c = slidingCorrelation(traces, { window, step });
      const finite = new Uint8Array(n);
      c.starts.forEach((s, t) => {
        for (let i = 0; i < n; i++) {
          let ok = 1;
          for (let u = s; u < s + window && ok; u++)
            if (!Number.isFinite(traces.data[u * n + i])) ok = 0;
          finite[i] = ok;
        }
        let p = (t * W + w) * P;
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++, p++) {
            if (!(finite[i] && finite[j])) continue;
            data[p] = affinity(c.data[t * n * n + i * n + j], kind); // constant trace: r undefined -> 0
            mask[p] = 1;
          }
        }
      });
    });
    return {
      dims: [T, W, P],
      data,
      mask,
      measure,
      n,
      neurons: Int32Array.from(cols),
      starts: Int32Array.from(starts),
      length: window,
    };
  }
  const o = opts as DifferentialTensorOptions;
  const bin = checkInteger(o.bin ?? 1, "bin", 1);
  const T = Math.ceil(maxSteps / bin);
  const data = new Float64Array(T * W * P);
  const mask = new Uint8Array(T * W * P);
  const sum = new Float64Array(P);
  const count = new Int32Array(P);
  worms.forEach((worm, w) => {
    const { data: g } = scaledDerivatives(worm, { scaling: o.scaling, neurons: cols });
    for (let t = 0; t * bin < worm.steps; t++) {
      sum.fill(0);
      count.fill(0);
      const end = Math.min((t + 1) * bin, worm.steps);
      for (let s = t * bin; s < end; s++) {
        let p = 0;
        for (let i = 0; i < n; i++) {
          const gi = g[s * n + i];
          if (gi !== gi) {
            p += n - 1 - i;
            continue;
          }
          for (let j = i + 1; j < n; j++, p++) {
            const v = gi * g[s * n + j];
            if (v !== v) continue;
            if (v > 0) sum[p] += v;
            count[p]++;
          }
        }
      }
      const base = (t * W + w) * P;
      for (let p = 0; p < P; p++) {
        if (count[p] === 0) continue;
        data[base + p] = sum[p] / count[p];
        mask[base + p] = 1;
      }
    }
  });
  const starts = Int32Array.from({ length: T }, (_, t) => t * bin);
  return {
    dims: [T, W, P],
    data,
    mask,
    measure,
    n,
    neurons: Int32Array.from(cols),
    starts,
    length: bin,
  };
}

/**
 * Component `r`'s pair factor as an n x n symmetric affinity matrix (row-major, zero diagonal),
 * scaled by the component's weight: the functional-connectivity graph of that component.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [4, 2, 3] as [number, number, number], data: new Float64Array(24).fill(1) }; // time x worm x 3 pairs of 3 neurons
 * const model = connectome.nonnegativeCP(x, 1, { seed: 1 });
 * connectome.pairFactorMatrix(model, 0, 3); // component 0's pair loadings as a symmetric 3 x 3 affinity matrix
 * ```
 */
export function pairFactorMatrix(model: CPModel, r: number, n: number): Float64Array {
  checkCPModel(model);
  checkInteger(r, "r", 0, model.rank - 1);
  const pairs = model.factors[2];
  if (pairs.length !== pairCount(n) * model.rank)
    throw new RangeError(
      `n must match the pair factor (${pairs.length / model.rank} pairs), got ${n}`,
    );
  const out = new Float64Array(n * n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = model.weights[r] * pairs[p++ * model.rank + r];
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Options of {@link componentCommunities}. */
export interface ComponentCommunityOptions {
  /** Seed of Louvain's node order, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Modularity resolution (> 0); larger gives smaller communities. Default 1. */
  resolution?: number;
  /**
   * Neurons whose strength in the component (sum of their affinities) is below this fraction of
   * the strongest neuron's take no part in it (community -1), in [0, 1]. Default 0.2; 0 keeps
   * every neuron with some affinity.
   */
  minStrength?: number;
}

/** Communities of one component's affinity graph. */
export interface ComponentCommunities {
  /** Community of each neuron, 0..count-1 (0 = the most strongly bound); -1 for neurons below `minStrength` in this component. */
  readonly community: Int32Array;
  readonly count: number;
  /** Neurons of each community (ascending), strongest community first (sum of its internal affinities). */
  readonly groups: number[][];
  /** Modularity of the partition on the affinity graph among the member neurons. */
  readonly modularity: number;
  /** The component's n x n affinity matrix ({@link pairFactorMatrix}). */
  readonly affinity: Float64Array;
}

/**
 * Communities in component `r`'s affinity graph (the pair factor reshaped to n x n), by seeded
 * Louvain modularity maximisation on the weighted graph of the neurons that take part in the
 * component (strength >= `minStrength` x the strongest). Unlike {@link componentNeurons}, a
 * component whose pairs form several separate blocks gives several communities.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [4, 2, 6] as [number, number, number], data: new Float64Array(48).fill(1) }; // 6 pairs of 4 neurons
 * const model = connectome.nonnegativeCP(x, 1, { seed: 1 });
 * connectome.componentCommunities(model, 0, 4, { seed: 1 }); // communities in component 0's affinity graph (Louvain)
 * ```
 */
export function componentCommunities(
  model: CPModel,
  r: number,
  n: number,
  opts: ComponentCommunityOptions = {},
): ComponentCommunities {
  opts = checkOptionsObject(opts, "componentCommunities options");
  const a = pairFactorMatrix(model, r, n);
  const minStrength = checkNonNegative(opts.minStrength ?? 0.2, "minStrength");
  if (minStrength > 1) throw new RangeError(`minStrength must be in [0, 1], got ${minStrength}`);
  const strength = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) strength[i] += a[i * n + j];
  let top = 0;
  for (const v of strength) top = Math.max(top, v);
  const member = Uint8Array.from(strength, (v) => (v > 0 && v >= minStrength * top ? 1 : 0));
  const rows: number[] = [];
  const colsIdx: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!member[i]) continue;
    for (let j = 0; j < n; j++) {
      const v = a[i * n + j];
      if (!(v > 0) || !member[j]) continue;
      rows.push(i);
      colsIdx.push(j);
      weights.push(v);
    }
  }
  const g = csrFromEntries(n, rows, colsIdx, weights);
  const found = louvain(g, { seed: opts.seed, resolution: opts.resolution });
  const internal = new Map<number, number>();
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!member[i]) continue;
    const c = found.community[i];
    if (!members.has(c)) members.set(c, []);
    members.get(c)!.push(i);
    let w = 0;
    for (let j = i + 1; j < n; j++) if (found.community[j] === c) w += a[i * n + j];
    internal.set(c, (internal.get(c) ?? 0) + w);
  }
  const order = [...members.keys()].sort(
    (p, q) => internal.get(q)! - internal.get(p)! || members.get(p)![0] - members.get(q)![0],
  );
  const community = new Int32Array(n).fill(-1);
  const groups = order.map((c, k) => {
    const list = members.get(c)!;
    for (const i of list) community[i] = k;
    return list;
  });
  return {
    community,
    count: groups.length,
    groups,
    modularity: weights.length ? found.modularity : NaN,
    affinity: a,
  };
}

/**
 * Neurons of component `r` of a CP model of a functional tensor (pair factor = factors[2]):
 * each neuron's strength is the sum of its pair loadings; returns the neurons whose strength is
 * at least `fraction` (default 0.5) of the largest, strongest first. A quick summary only: it
 * merges a component's separate communities into one group (see {@link componentCommunities}).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const x = { dims: [4, 2, 6] as [number, number, number], data: new Float64Array(48).fill(1) };
 * const model = connectome.nonnegativeCP(x, 1, { seed: 1 });
 * connectome.componentNeurons(model, 0, 4); // neurons ranked by their summed loading in component 0
 * ```
 */
export function componentNeurons(
  model: CPModel,
  r: number,
  n: number,
  opts: { fraction?: number } = {},
): number[] {
  checkCPModel(model);
  opts = checkOptionsObject(opts, "componentNeurons options");
  checkInteger(r, "r", 0, model.rank - 1);
  const fraction = checkNonNegative(opts.fraction ?? 0.5, "fraction");
  const pairs = model.factors[2];
  if (pairs.length !== pairCount(n) * model.rank)
    throw new RangeError(
      `n must match the pair factor (${pairs.length / model.rank} pairs), got ${n}`,
    );
  const strength = new Float64Array(n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = pairs[p++ * model.rank + r];
      strength[i] += v;
      strength[j] += v;
    }
  }
  const max = Math.max(...strength);
  return Array.from({ length: n }, (_, i) => i)
    .filter((i) => max > 0 && strength[i] >= fraction * max)
    .sort((a, b) => strength[b] - strength[a]);
}

// ---- helpers ----

function neuronCount(t: Traces): number {
  checkInteger(t.steps, "steps", 1);
  const n = t.data.length / t.steps;
  if (!Number.isInteger(n))
    throw new RangeError(`data length ${t.data.length} is not a multiple of steps = ${t.steps}`);
  return n;
}

function selectedColumns(t: Traces, neurons: readonly number[] | undefined): number[] {
  const nAll = neuronCount(t);
  if (neurons === undefined) return Array.from({ length: nAll }, (_, i) => i);
  if (neurons.length === 0) throw new RangeError("neurons must list at least one column, got []");
  const seen = new Set<number>();
  return neurons.map((c, k) => {
    checkInteger(c, `neurons[${k}]`, 0, nAll - 1);
    if (seen.has(c)) throw new RangeError(`neurons must not repeat a column, got ${c} twice`);
    seen.add(c);
    return c;
  });
}

/** The selected columns of a steps x nAll matrix as a steps x cols.length matrix. */
function columnsOf(t: Traces, cols: readonly number[]): Float64Array {
  const nAll = neuronCount(t);
  const n = cols.length;
  const out = new Float64Array(t.steps * n);
  for (let s = 0; s < t.steps; s++)
    for (let i = 0; i < n; i++) out[s * n + i] = t.data[s * nAll + cols[i]];
  return out;
}
