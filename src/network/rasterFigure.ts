/**
 * Raster figures of recorded activity: a spike monitor's raster with an optional panel of state
 * traces from state monitors, on one time axis. The traces are read from the monitors here (the
 * domain side) and handed as plain {@link RasterData} to the figure code (src/display/raster.ts).
 */
import { checkOptions, checkString, describeValue } from "../core/validate.js";
import { RasterFigure } from "../display/raster.js";
import {
  RASTER_MAX_STATE_VALUES,
  RASTER_MAX_TRACES,
  type RasterData,
  type StateTraces,
} from "../schema/index.js";
import { SpikeMonitor, StateMonitor } from "./monitors.js";

/** Default number of state traces drawn from a monitor ({@link RasterFigureOptions.maxTraces}). */
const DEFAULT_TRACES = 8;

/** Options of {@link rasterFigure}. */
export interface RasterFigureOptions {
  /** The recorded spikes. */
  spikes: SpikeMonitor;
  /** State monitor(s) whose traces fill a panel below the raster, on the same time axis. */
  states?: StateMonitor | readonly StateMonitor[];
  /** Variable to draw (default "v_mV" when recorded, else each monitor's first variable). */
  variable?: string;
  /** At most this many traces (default 8, at most 64), taken in monitor and index order. */
  maxTraces?: number;
  title?: string;
  /** Name of every neuron (row) of the raster, shown on its axis and in hover (default: the monitor's `neuronNames`). */
  neuronNames?: readonly string[];
}

const RASTER_FIGURE_KEYS: Record<keyof RasterFigureOptions, true> = {
  spikes: true,
  states: true,
  variable: true,
  maxTraces: true,
  title: true,
  neuronNames: true,
};

/**
 * A raster of a spike monitor with an optional state-trace panel (e.g. membrane potentials of a
 * few neurons from a state monitor) on the same time axis; the widget links the panels' zoom,
 * and hovering a trace names its neuron. Traces of neurons that are also in the raster know
 * their raster row. States must be sampled on a regular grid within the spikes' recorded window.
 *
 * @example
 * ```ts
 * import { Network, allToAll, rasterFigure } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const inp = net.addPoisson("in", { size: 50, rate_Hz: 20 });
 * const cells = net.addLif("cells", { size: 10 });
 * net.connect(inp, cells, { rule: allToAll(), weight_mV: 1.5 });
 * const spikes = net.monitorSpikes([inp, cells]);
 * const v = net.monitorState(cells, ["v_mV"], { indices: [0, 1] });
 * net.run(500);
 * rasterFigure({ spikes, states: v, title: "input and LIF cells, with two membrane potentials" });
 * ```
 */
export function rasterFigure(opts: RasterFigureOptions): RasterFigure {
  if (opts === undefined)
    throw new TypeError("rasterFigure needs an options object with `spikes` (a spike monitor)");
  checkOptions(opts, Object.keys(RASTER_FIGURE_KEYS), "rasterFigure options");
  if (!(opts.spikes instanceof SpikeMonitor))
    throw new TypeError(
      `rasterFigure options.spikes must be a spike monitor (net.monitorSpikes), got ${describeValue(opts.spikes)}`,
    );
  if (opts.variable !== undefined) checkString(opts.variable, "rasterFigure options.variable");
  const base = opts.spikes.raster({ title: opts.title, neuronNames: opts.neuronNames }).data;
  const monitors =
    opts.states === undefined
      ? []
      : Array.isArray(opts.states)
        ? opts.states
        : [opts.states as StateMonitor];
  monitors.forEach((m, k) => {
    if (!(m instanceof StateMonitor))
      throw new TypeError(
        `rasterFigure options.states${Array.isArray(opts.states) ? `[${k}]` : ""} must be a state monitor (net.monitorState), got ${describeValue(m)}`,
      );
  });
  if (monitors.length === 0) return new RasterFigure(base);
  return new RasterFigure({
    ...base,
    states: stateTraces(
      opts.spikes,
      monitors,
      opts.variable,
      opts.maxTraces ?? DEFAULT_TRACES,
      base,
    ),
  });
}

/** Unit of a variable from its name's suffix ("v_mV" -> "mV"), or "". @internal */
export function unitOf(variable: string): string {
  const m = /_(mV|V|pA|nA|nS|uS|pF|ms|s|Hz)$/.exec(variable);
  return m ? m[1] : "";
}

function stateTraces(
  spikes: SpikeMonitor,
  monitors: readonly StateMonitor[],
  variable: string | undefined,
  maxTraces: number,
  window: RasterData,
): StateTraces {
  if (!(Number.isInteger(maxTraces) && maxTraces >= 1 && maxTraces <= RASTER_MAX_TRACES)) {
    throw new RangeError(
      `maxTraces must be an integer in [1, ${RASTER_MAX_TRACES}], got ${maxTraces}`,
    );
  }
  const pick = (m: StateMonitor) =>
    variable ?? (m.variables.includes("v_mV") ? "v_mV" : m.variables[0]);
  const name = pick(monitors[0]);
  monitors.forEach((m, k) => {
    if (!m.variables.includes(pick(m)) || pick(m) !== name) {
      throw new RangeError(
        `variable must be recorded by every state monitor (states[${k}] records ${m.variables.join(", ")}), got ${describeValue(name)}`,
      );
    }
  });
  const times = monitors[0].times_ms;
  if (times.length === 0)
    throw new RangeError("states: the state monitor has no samples yet (run the network first)");
  // The sampling interval, rid of the rounding of (last - first) / (n - 1).
  const dt_ms =
    times.length > 1
      ? Number(((times[times.length - 1] - times[0]) / (times.length - 1)).toPrecision(12))
      : 1;
  monitors.forEach((m, k) => {
    const t = k === 0 ? times : m.times_ms;
    const same =
      t.length === times.length &&
      t.every((x, i) => Math.abs(x - (times[0] + i * dt_ms)) <= 1e-6 * Math.max(1, dt_ms));
    if (!same)
      throw new RangeError(
        `states[${k}] must be sampled on the regular grid of states[0] (${times.length} samples from ${times[0]} ms every ${dt_ms} ms)`,
      );
  });
  const eps = 1e-6 * Math.max(1, Math.abs(window.tStop_ms));
  if (times[0] < window.tStart_ms - eps || times[times.length - 1] > window.tStop_ms + eps) {
    throw new RangeError(
      `states: samples span [${times[0]}, ${times[times.length - 1]}] ms, outside the spikes' recorded window [${window.tStart_ms}, ${window.tStop_ms}] ms (record both over the same runs)`,
    );
  }
  const ranges = spikes.ranges;
  const labels: string[] = [];
  const rows: number[] = [];
  const columns: { values: Float64Array; stride: number; column: number }[] = [];
  for (const m of monitors) {
    const k = spikes.populations.indexOf(m.group as never);
    const values = m.values(name);
    for (let c = 0; c < m.indices.length && labels.length < maxTraces; c++) {
      const index = m.indices[c];
      labels.push(`${m.group.name} ${index}`);
      rows.push(k >= 0 ? ranges[k].start + index : -1);
      columns.push({ values, stride: m.indices.length, column: c });
    }
  }
  const nSamples = times.length;
  if (labels.length * nSamples > RASTER_MAX_STATE_VALUES) {
    throw new RangeError(
      `states: ${labels.length} traces x ${nSamples} samples exceeds ${RASTER_MAX_STATE_VALUES} values; record fewer neurons or sample less often (every_steps)`,
    );
  }
  const values = new Float32Array(labels.length * nSamples);
  columns.forEach((c, j) => {
    for (let s = 0; s < nSamples; s++) {
      const x = c.values[s * c.stride + c.column];
      if (!Number.isFinite(x))
        throw new RangeError(
          `states: ${name} of ${labels[j]} must be finite, got ${x} at t = ${times[s]} ms`,
        );
      values[j * nSamples + s] = x;
    }
  });
  return {
    variable: name,
    unit: unitOf(name),
    tStart_ms: times[0],
    dt_ms,
    nSamples,
    labels,
    rows,
    values,
  };
}
