/**
 * The spike-raster payload: `application/vnd.neurolab.raster.v1+json`.
 *
 * Spikes travel as two base64 typed arrays (8 bytes per spike before base64):
 * spike times in ms (float32, little-endian) and neuron indices (uint32, little-endian).
 * An optional `states` block adds a state-trace panel (e.g. membrane potentials from a state
 * monitor) sampled on a regular time grid, sharing the raster's time axis. The block is
 * additive: version-1 payloads without it stay valid, and a reader that ignores it still draws
 * the raster.
 *
 * Revisions (all additive within version 1; a reader ignores fields it does not know):
 * revision 1 is the original payload; revision 2 adds `revision` itself and the optional
 * `neuron_names` (one name per raster row, e.g. C. elegans cell names), shown on the neuron
 * axis and in hover, and the optional `dt_ms` (the simulation step, to which the widget rounds
 * the edges of a selected time window). A missing `revision` means 1.
 */
import { base64ToTypedArray, typedArrayToBase64 } from "./base64.js";
import {
  SchemaError,
  checkValues,
  expectArray,
  expectBase64Array,
  expectFiniteNumber,
  expectInteger,
  expectObject,
  expectString,
  fitText,
  expectStringArray,
  expectVersion,
  optionalString,
} from "./validate.js";
import { describeValue } from "./describe.js";

/** MIME type of raster payloads (version 1). */
export const RASTER_MIME = "application/vnd.neurolab.raster.v1+json";

/** Largest number of spikes a raster payload may carry. */
export const RASTER_MAX_SPIKES = 20_000_000;

/** Largest neuron count a raster payload may declare. */
export const RASTER_MAX_NEURONS = 10_000_000;

/** Largest raster whose rows may be named (`neuron_names`). */
export const RASTER_MAX_NAMED_NEURONS = 100_000;

/** Payload revision written by {@link encodeRaster} (see the module header). */
export const RASTER_REVISION = 2;

/** Largest number of state traces in a raster payload. */
export const RASTER_MAX_TRACES = 64;

/** Largest number of state samples (all traces together) in a raster payload. */
export const RASTER_MAX_STATE_VALUES = 4_000_000;

/** A named, contiguous range of neuron indices `[start, start + size)`. */
export interface PopulationRange {
  name: string;
  start: number;
  size: number;
}

/** The JSON payload sent under {@link RASTER_MIME}. */
export interface RasterPayload {
  schema: "neurolab.raster";
  version: 1;
  /** Additive revision within version 1 (absent = 1). */
  revision?: number;
  title?: string;
  /** Start of the recorded window, ms. */
  t_start_ms: number;
  /** End of the recorded window, ms. */
  t_stop_ms: number;
  /** Number of neurons (rows), spikes use indices 0..n_neurons-1. */
  n_neurons: number;
  /** Populations as contiguous index ranges, in row order; may be empty. */
  populations: PopulationRange[];
  n_spikes: number;
  /** base64 of a little-endian Float32Array of spike times, ms. */
  spike_times_ms: string;
  /** base64 of a little-endian Uint32Array of neuron indices. */
  spike_neurons: string;
  /** Optional state-trace panel. */
  states?: StatesPayload;
  /** Optional name of every row (revision 2), n_neurons strings. */
  neuron_names?: string[];
  /** Optional simulation time step, ms (revision 2): spike times are multiples of it. */
  dt_ms?: number;
}

/** The state-trace block of a raster payload: traces sampled every `dt_ms` from `t_start_ms`. */
export interface StatesPayload {
  /** Variable name, e.g. "v_mV". */
  variable: string;
  /** Unit shown on the axis, e.g. "mV" (may be empty). */
  unit: string;
  /** Time of the first sample, ms. */
  t_start_ms: number;
  /** Sampling interval, ms (> 0). */
  dt_ms: number;
  n_samples: number;
  /** One entry per trace: a label and the raster row of that neuron (-1 when it is not in the raster). */
  traces: { label: string; row: number }[];
  /** base64 of a little-endian Float32Array: n_traces x n_samples values, trace after trace. */
  values: string;
}

/** A decoded state-trace block (see {@link StatesPayload}). */
export interface StateTraces {
  variable: string;
  unit: string;
  tStart_ms: number;
  dt_ms: number;
  nSamples: number;
  labels: string[];
  /** Raster row of each trace's neuron, or -1. */
  rows: number[];
  /** nTraces x nSamples, trace-major. */
  values: Float32Array;
}

/** A validated, decoded raster. */
export interface RasterData {
  title: string;
  tStart_ms: number;
  tStop_ms: number;
  nNeurons: number;
  populations: PopulationRange[];
  times_ms: Float32Array;
  neurons: Uint32Array;
  /** Optional state traces on the same time axis. */
  states?: StateTraces | null;
  /** Optional name of every neuron (row), e.g. cell names; null or absent: rows are numbered. */
  neuronNames?: readonly string[] | null;
  /** Optional simulation time step, ms (window edges are rounded to it); null when unknown. */
  dt_ms?: number | null;
}

/**
 * Builds a raster payload from spike arrays (times in ms, neuron indices).
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * import { decodeRaster, encodeRaster } from "neurolab/schema";
 * const net = new Network({ seed: 1 });
 * const spikes = net.monitorSpikes([net.addPoisson("in", { size: 10, rate_Hz: 20 })]);
 * net.run(100);
 * const payload = encodeRaster(spikes.raster().data); // what the raster widget receives (JSON)
 * decodeRaster(JSON.parse(JSON.stringify(payload))).times_ms.length === spikes.count; // true
 * ```
 */
export function encodeRaster(data: RasterData): RasterPayload {
  return {
    schema: "neurolab.raster",
    version: 1,
    revision: RASTER_REVISION,
    title: fitText(data.title, 500),
    t_start_ms: data.tStart_ms,
    t_stop_ms: data.tStop_ms,
    n_neurons: data.nNeurons,
    populations: data.populations.map((p) => ({
      name: fitText(p.name, 200),
      start: p.start,
      size: p.size,
    })),
    n_spikes: data.times_ms.length,
    spike_times_ms: typedArrayToBase64(data.times_ms),
    spike_neurons: typedArrayToBase64(data.neurons),
    ...(data.states ? { states: encodeStates(data.states) } : {}),
    ...(data.neuronNames && data.nNeurons <= RASTER_MAX_NAMED_NEURONS
      ? { neuron_names: checkedNames(data.neuronNames, data.nNeurons) }
      : {}),
    ...(data.dt_ms != null && data.dt_ms > 0 && Number.isFinite(data.dt_ms)
      ? { dt_ms: data.dt_ms }
      : {}),
  };
}

/** Names within the decoder's limits (longer names are shortened, never refused: a figure the library makes must render). */
function checkedNames(names: readonly string[], nNeurons: number): string[] {
  if (names.length !== nNeurons)
    throw new RangeError(
      `neuronNames must have one name per neuron (${nNeurons}), got ${names.length}`,
    );
  return names.map((s) => fitText(String(s), 100));
}

function encodeStates(s: StateTraces): StatesPayload {
  return {
    variable: fitText(s.variable, 100),
    unit: fitText(s.unit, 40),
    t_start_ms: s.tStart_ms,
    dt_ms: s.dt_ms,
    n_samples: s.nSamples,
    traces: s.labels.map((label, k) => ({ label: fitText(label, 200), row: s.rows[k] })),
    values: typedArrayToBase64(s.values),
  };
}

/**
 * Axis label of a state block: "v (mV)" for variable "v_mV" in unit "mV" (plain text, not yet escaped).
 *
 * @example
 * ```ts
 * import { stateAxisLabel } from "neurolab/schema";
 * stateAxisLabel({ variable: "v_mV", unit: "mV" }); // the state panel's axis title
 * ```
 */
export function stateAxisLabel(s: Pick<StateTraces, "variable" | "unit">): string {
  if (!s.unit) return s.variable;
  const suffix = `_${s.unit}`;
  const name =
    s.variable.endsWith(suffix) && s.variable.length > suffix.length
      ? s.variable.slice(0, -suffix.length)
      : s.variable;
  return `${name} (${s.unit})`;
}

/**
 * Time of sample `k` of a state block, ms.
 *
 * @example
 * ```ts
 * import { stateTime } from "neurolab/schema";
 * stateTime({ tStart_ms: 100, dt_ms: 0.1 }, 3); // 100.3 ms, without rounding noise
 * ```
 */
export function stateTime(s: Pick<StateTraces, "tStart_ms" | "dt_ms">, k: number): number {
  return s.tStart_ms + k * s.dt_ms;
}

/**
 * Validates and decodes a raster payload of unknown origin. Throws {@link SchemaError}
 * naming the offending field; never returns partially valid data.
 *
 * @example
 * ```ts
 * import { Network } from "neurolab";
 * import { decodeRaster } from "neurolab/schema";
 * const net = new Network({ seed: 1 });
 * const spikes = net.monitorSpikes([net.addPoisson("in", { size: 10, rate_Hz: 20 })]);
 * net.run(100);
 * decodeRaster(spikes.raster().payload()); // validated RasterData; a malformed payload throws a SchemaError
 * ```
 */
export function decodeRaster(value: unknown): RasterData {
  const p = expectObject(value, "payload");
  if (p.schema !== "neurolab.raster") {
    throw new SchemaError(`payload.schema must be "neurolab.raster", got ${describe(p.schema)}`);
  }
  expectVersion(p.version, 1, "payload.version");
  if (p.revision !== undefined) expectInteger(p.revision, "payload.revision", 1, 1_000_000);
  const title = optionalString(p.title, "payload.title", 500) ?? "";
  const tStart_ms = expectFiniteNumber(p.t_start_ms, "payload.t_start_ms");
  const tStop_ms = expectFiniteNumber(p.t_stop_ms, "payload.t_stop_ms");
  if (!(tStop_ms >= tStart_ms)) {
    throw new SchemaError(
      `payload.t_stop_ms (${tStop_ms}) must be >= payload.t_start_ms (${tStart_ms})`,
    );
  }
  const nNeurons = expectInteger(p.n_neurons, "payload.n_neurons", 0, RASTER_MAX_NEURONS);
  const nSpikes = expectInteger(p.n_spikes, "payload.n_spikes", 0, RASTER_MAX_SPIKES);
  const pops = expectArray(p.populations, "payload.populations", 10_000).map((raw, i) => {
    const o = expectObject(raw, `payload.populations[${i}]`);
    const name = expectString(o.name, `payload.populations[${i}].name`, 200);
    const start = expectInteger(o.start, `payload.populations[${i}].start`, 0, nNeurons);
    const size = expectInteger(o.size, `payload.populations[${i}].size`, 0, nNeurons - start);
    return { name, start, size };
  });
  const times_ms = base64ToTypedArray(
    expectString(p.spike_times_ms, "payload.spike_times_ms"),
    "float32",
    "payload.spike_times_ms",
  );
  const neurons = base64ToTypedArray(
    expectString(p.spike_neurons, "payload.spike_neurons"),
    "uint32",
    "payload.spike_neurons",
  );
  if (times_ms.length !== nSpikes) {
    throw new SchemaError(
      `payload.spike_times_ms holds ${times_ms.length} values, payload.n_spikes says ${nSpikes}`,
    );
  }
  if (neurons.length !== nSpikes) {
    throw new SchemaError(
      `payload.spike_neurons holds ${neurons.length} values, payload.n_spikes says ${nSpikes}`,
    );
  }
  // Float32 rounding of the window ends: allow half an ulp-ish slack relative to the magnitude.
  const slack = 1e-6 * Math.max(1, Math.abs(tStart_ms), Math.abs(tStop_ms));
  for (let i = 0; i < nSpikes; i++) {
    const t = times_ms[i];
    if (!(t >= tStart_ms - slack && t <= tStop_ms + slack)) {
      throw new SchemaError(
        `payload.spike_times_ms[${i}] = ${t} is outside [t_start_ms, t_stop_ms] = [${tStart_ms}, ${tStop_ms}]`,
      );
    }
    if (neurons[i] >= nNeurons) {
      throw new SchemaError(
        `payload.spike_neurons[${i}] = ${neurons[i]} is outside [0, n_neurons) = [0, ${nNeurons})`,
      );
    }
  }
  const states =
    p.states === undefined ? null : decodeStates(p.states, tStart_ms, tStop_ms, nNeurons);
  let neuronNames: string[] | null = null;
  if (p.neuron_names !== undefined) {
    if (nNeurons > RASTER_MAX_NAMED_NEURONS)
      throw new SchemaError(
        `payload.neuron_names: at most ${RASTER_MAX_NAMED_NEURONS} neurons can be named, payload.n_neurons is ${nNeurons}`,
      );
    neuronNames = expectStringArray(p.neuron_names, "payload.neuron_names", nNeurons, 100);
  }
  let dt_ms: number | null = null;
  if (p.dt_ms !== undefined) {
    dt_ms = expectFiniteNumber(p.dt_ms, "payload.dt_ms");
    if (!(dt_ms > 0)) throw new SchemaError(`payload.dt_ms must be > 0, got ${dt_ms}`);
  }
  return {
    title,
    tStart_ms,
    tStop_ms,
    nNeurons,
    populations: pops,
    times_ms,
    neurons,
    states,
    neuronNames,
    dt_ms,
  };
}

function decodeStates(
  value: unknown,
  tStart_ms: number,
  tStop_ms: number,
  nNeurons: number,
): StateTraces {
  const s = expectObject(value, "payload.states");
  const variable = expectString(s.variable, "payload.states.variable", 100);
  const unit = expectString(s.unit, "payload.states.unit", 40);
  const t0 = expectFiniteNumber(s.t_start_ms, "payload.states.t_start_ms");
  const dt_ms = expectFiniteNumber(s.dt_ms, "payload.states.dt_ms");
  if (!(dt_ms > 0)) throw new SchemaError(`payload.states.dt_ms must be > 0, got ${dt_ms}`);
  const traces = expectArray(s.traces, "payload.states.traces", RASTER_MAX_TRACES).map((raw, k) => {
    const o = expectObject(raw, `payload.states.traces[${k}]`);
    return {
      label: expectString(o.label, `payload.states.traces[${k}].label`, 200),
      row: expectInteger(o.row, `payload.states.traces[${k}].row`, -1, nNeurons - 1),
    };
  });
  if (traces.length === 0)
    throw new SchemaError("payload.states.traces must have at least 1 entry, got 0");
  const maxSamples = Math.floor(RASTER_MAX_STATE_VALUES / traces.length);
  const nSamples = expectInteger(s.n_samples, "payload.states.n_samples", 1, maxSamples);
  // Samples must lie in the raster's window (they share its time axis).
  const slack =
    1e-6 * Math.max(1, Math.abs(tStart_ms), Math.abs(tStop_ms)) + 1e-9 * dt_ms * nSamples;
  const t1 = t0 + (nSamples - 1) * dt_ms;
  if (!(t0 >= tStart_ms - slack && t1 <= tStop_ms + slack)) {
    throw new SchemaError(
      `payload.states samples span [${t0}, ${t1}] ms, outside the raster's [t_start_ms, t_stop_ms] = [${tStart_ms}, ${tStop_ms}]`,
    );
  }
  const values = expectBase64Array(
    s.values,
    "payload.states.values",
    "float32",
    traces.length * nSamples,
  );
  checkValues(values, "payload.states.values");
  return {
    variable,
    unit,
    tStart_ms: t0,
    dt_ms,
    nSamples,
    labels: traces.map((t) => t.label),
    rows: traces.map((t) => t.row),
    values,
  };
}

/**
 * Index of the population holding neuron `index`, or -1.
 *
 * @example
 * ```ts
 * import { populationOf } from "neurolab/schema";
 * populationOf([{ name: "exc", start: 0, size: 80 }, { name: "inh", start: 80, size: 20 }], 85); // 1 (inh)
 * ```
 */
export function populationOf(populations: readonly PopulationRange[], index: number): number {
  for (let k = 0; k < populations.length; k++) {
    const p = populations[k];
    if (index >= p.start && index < p.start + p.size) return k;
  }
  return -1;
}

function describe(v: unknown): string {
  return describeValue(v);
}

/** Colours of populations, then state traces, in row order (cycled), as the widget's light theme draws them. */
export const POPULATION_COLORS: readonly string[] = [
  // The widget's light palette (extension/src/theme.ts), in the same order.
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
];
