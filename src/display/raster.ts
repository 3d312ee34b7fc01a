/**
 * Spike rasters as displayable figures: the interactive payload
 * (`application/vnd.neurolab.raster.v1+json`, optionally with a state-trace panel), a static SVG
 * fallback drawn without a browser, and a text summary.
 */
import type { SpikeMonitor, StateMonitor } from "../network/monitors.js";
import {
  encodeRaster,
  populationOf,
  POPULATION_COLORS,
  RASTER_MAX_NEURONS,
  RASTER_MAX_SPIKES,
  RASTER_MAX_STATE_VALUES,
  RASTER_MAX_TRACES,
  RASTER_MIME,
  stateAxisLabel,
  stateTime,
  type RasterData,
  type RasterPayload,
  type StateTraces,
} from "../schema/index.js";
import { escapeXml, MIME_BUNDLE, type MimeBundle } from "./bundle.js";

/** Spikes beyond this count are drawn binned (density) in the static SVG. */
const SVG_MAX_MARKS = 20_000;
const W = 720;
const H = 360;
/** Extra height of the static state panel. */
const STATE_H = 150;
const M = { left: 56, right: 16, top: 28, bottom: 40 };
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
}

/** A spike raster: neurons x time. */
export class RasterFigure {
  constructor(readonly data: RasterData) {}

  /** The JSON payload of the interactive widget. */
  payload(): RasterPayload {
    return encodeRaster(this.data);
  }

  /** A one-line text summary. */
  toString(): string {
    const d = this.data;
    const s = d.states;
    return `Raster "${d.title}": ${d.timesMs.length} spikes from ${d.nNeurons} neurons in [${d.tStartMs}, ${d.tStopMs}] ms` +
      (s ? `; ${s.labels.length} ${s.variable} trace${s.labels.length === 1 ? "" : "s"} (${s.nSamples} samples every ${s.dtMs} ms)` : "");
  }

  /** The static SVG fallback (no script). */
  toSvg(): string {
    return rasterSvg(this.data);
  }

  /** MIME bundle for Jupyter: widget payload, SVG fallback, text. */
  [MIME_BUNDLE](): MimeBundle {
    // Beyond the widget's limits the payload would be rejected: show the SVG and text, saying why.
    const d = this.data;
    if (d.timesMs.length > RASTER_MAX_SPIKES || d.nNeurons > RASTER_MAX_NEURONS) {
      const why = `too large for the interactive widget (at most ${RASTER_MAX_SPIKES} spikes and ${RASTER_MAX_NEURONS} neurons): record a shorter window or fewer neurons`;
      return { "image/svg+xml": this.toSvg(), "text/plain": `${this.toString()}; ${why}` };
    }
    return { [RASTER_MIME]: this.payload(), "image/svg+xml": this.toSvg(), "text/plain": this.toString() };
  }
}

/**
 * A raster of a spike monitor with an optional state-trace panel (e.g. membrane potentials of a
 * few neurons from a state monitor) on the same time axis; the widget links the panels' zoom,
 * and hovering a trace names its neuron. Traces of neurons that are also in the raster know
 * their raster row. States must be sampled on a regular grid within the spikes' recorded window.
 */
export function rasterFigure(opts: RasterFigureOptions): RasterFigure {
  const base = opts.spikes.raster({ title: opts.title }).data;
  const monitors = opts.states === undefined ? [] : Array.isArray(opts.states) ? opts.states : [opts.states as StateMonitor];
  if (monitors.length === 0) return new RasterFigure(base);
  return new RasterFigure({ ...base, states: stateTraces(opts.spikes, monitors, opts.variable, opts.maxTraces ?? DEFAULT_TRACES, base) });
}

/** Unit of a variable from its name's suffix ("v_mV" -> "mV"), or "". @internal */
export function unitOf(variable: string): string {
  const m = /_(mV|V|pA|nA|nS|uS|pF|ms|s|Hz)$/.exec(variable);
  return m ? m[1] : "";
}

function stateTraces(spikes: SpikeMonitor, monitors: readonly StateMonitor[], variable: string | undefined, maxTraces: number, window: RasterData): StateTraces {
  if (!(Number.isInteger(maxTraces) && maxTraces >= 1 && maxTraces <= RASTER_MAX_TRACES)) {
    throw new RangeError(`maxTraces must be an integer in [1, ${RASTER_MAX_TRACES}], got ${maxTraces}`);
  }
  const pick = (m: StateMonitor) => variable ?? (m.variables.includes("v_mV") ? "v_mV" : m.variables[0]);
  const name = pick(monitors[0]);
  monitors.forEach((m, k) => {
    if (!m.variables.includes(pick(m)) || pick(m) !== name) {
      throw new RangeError(`variable must be recorded by every state monitor (states[${k}] records ${m.variables.join(", ")}), got ${JSON.stringify(name)}`);
    }
  });
  const times = monitors[0].times_ms;
  if (times.length === 0) throw new RangeError("states: the state monitor has no samples yet (run the network first)");
  // The sampling interval, rid of the rounding of (last - first) / (n - 1).
  const dtMs = times.length > 1 ? Number(((times[times.length - 1] - times[0]) / (times.length - 1)).toPrecision(12)) : 1;
  monitors.forEach((m, k) => {
    const t = k === 0 ? times : m.times_ms;
    const same = t.length === times.length && t.every((x, i) => Math.abs(x - (times[0] + i * dtMs)) <= 1e-6 * Math.max(1, dtMs));
    if (!same) throw new RangeError(`states[${k}] must be sampled on the regular grid of states[0] (${times.length} samples from ${times[0]} ms every ${dtMs} ms)`);
  });
  const eps = 1e-6 * Math.max(1, Math.abs(window.tStopMs));
  if (times[0] < window.tStartMs - eps || times[times.length - 1] > window.tStopMs + eps) {
    throw new RangeError(`states: samples span [${times[0]}, ${times[times.length - 1]}] ms, outside the spikes' recorded window [${window.tStartMs}, ${window.tStopMs}] ms (record both over the same runs)`);
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
    throw new RangeError(`states: ${labels.length} traces x ${nSamples} samples exceeds ${RASTER_MAX_STATE_VALUES} values; record fewer neurons or sample less often (every_steps)`);
  }
  const values = new Float32Array(labels.length * nSamples);
  columns.forEach((c, j) => {
    for (let s = 0; s < nSamples; s++) {
      const x = c.values[s * c.stride + c.column];
      if (!Number.isFinite(x)) throw new RangeError(`states: ${name} of ${labels[j]} must be finite, got ${x} at t = ${times[s]} ms`);
      values[j * nSamples + s] = x;
    }
  });
  return { variable: name, unit: unitOf(name), tStartMs: times[0], dtMs, nSamples, labels, rows, values };
}

function rasterSvg(d: RasterData): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const states = d.states ?? null;
  const height = H + (states ? STATE_H : 0);
  const span = d.tStopMs - d.tStartMs || 1;
  const rows = Math.max(1, d.nNeurons);
  const x = (t: number) => M.left + ((t - d.tStartMs) / span) * pw;
  const y = (i: number) => M.top + ((i + 0.5) / rows) * ph;
  const color = (i: number) => POPULATION_COLORS[Math.max(0, populationOf(d.populations, i)) % POPULATION_COLORS.length];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(d.title)}</text>`,
  ];
  const n = d.timesMs.length;
  if (n <= SVG_MAX_MARKS) {
    const h = Math.max(1, Math.min(4, ph / rows)).toFixed(2);
    const byColor = new Map<string, string[]>();
    for (let k = 0; k < n; k++) {
      const c = color(d.neurons[k]);
      const path = byColor.get(c) ?? [];
      path.push(`M${x(d.timesMs[k]).toFixed(1)} ${(y(d.neurons[k]) - Number(h) / 2).toFixed(1)}v${h}`);
      byColor.set(c, path);
    }
    for (const [c, path] of byColor) out.push(`<path stroke="${c}" stroke-width="1" d="${path.join("")}"/>`);
  } else {
    // Density: up to 360 time bins x 160 neuron bins, opacity proportional to the count.
    const tb = 360;
    const nb = Math.min(160, rows);
    const counts = new Uint32Array(tb * nb);
    let max = 0;
    for (let k = 0; k < n; k++) {
      const ti = Math.min(tb - 1, Math.floor(((d.timesMs[k] - d.tStartMs) / span) * tb));
      const ni = Math.min(nb - 1, Math.floor((d.neurons[k] / rows) * nb));
      const c = ++counts[ni * tb + ti];
      if (c > max) max = c;
    }
    const cw = pw / tb;
    const ch = ph / nb;
    for (let ni = 0; ni < nb; ni++) {
      const c = color(Math.floor(((ni + 0.5) / nb) * rows));
      for (let ti = 0; ti < tb; ti++) {
        const v = counts[ni * tb + ti];
        if (v === 0) continue;
        out.push(
          `<rect x="${(M.left + ti * cw).toFixed(1)}" y="${(M.top + ni * ch).toFixed(1)}" width="${cw.toFixed(2)}" height="${ch.toFixed(2)}" fill="${c}" fill-opacity="${(0.15 + (0.85 * v) / max).toFixed(2)}"/>`,
        );
      }
    }
  }
  // Axes, ticks and population labels.
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  for (const t of niceTicks(d.tStartMs, d.tStopMs, 6)) {
    out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${M.top + ph}" y2="${M.top + ph + 4}" stroke="#444"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${M.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  if (!states) out.push(`<text x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle">time (ms)</text>`);
  for (const i of niceTicks(0, rows, 5).filter((v) => Number.isInteger(v))) {
    const yy = M.top + (i / rows) * ph;
    out.push(`<text x="${M.left - 6}" y="${(yy + 4).toFixed(1)}" text-anchor="end">${i}</text>`);
  }
  out.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">neuron</text>`);
  d.populations.forEach((p, k) => {
    const c = POPULATION_COLORS[k % POPULATION_COLORS.length];
    out.push(`<text x="${W - M.right - 4}" y="${M.top + 14 + 14 * k}" text-anchor="end" fill="${c}">${escapeXml(p.name)}</text>`);
  });
  if (states) out.push(...stateSvg(d, states, x, M.top + ph + 30, pw));
  out.push("</svg>");
  return out.join("");
}

/** The static state panel: one polyline per trace (at most ~1000 points each), below the raster. */
function stateSvg(d: RasterData, s: StateTraces, x: (t: number) => number, top: number, pw: number): string[] {
  const h = STATE_H - 30;
  const n = s.labels.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) (lo -= 1), (hi += 1);
  const y = (v: number) => top + h - ((v - lo) / (hi - lo)) * h;
  const step = Math.max(1, Math.ceil(s.nSamples / 1000));
  const out = [`<rect x="${M.left}" y="${top}" width="${pw}" height="${h}" fill="none" stroke="#444"/>`];
  for (let k = 0; k < n; k++) {
    // Colours after the populations' (the widget does the same).
    const c = POPULATION_COLORS[(d.populations.length + k) % POPULATION_COLORS.length];
    const pts: string[] = [];
    for (let i = 0; i < s.nSamples; i += step) pts.push(`${x(stateTime(s, i)).toFixed(1)},${y(s.values[k * s.nSamples + i]).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1" stroke-opacity="0.85" points="${pts.join(" ")}"/>`);
  }
  out.push(`<text x="${M.left - 6}" y="${(top + 8).toFixed(1)}" text-anchor="end">${fmt(Number(hi.toPrecision(3)))}</text>`);
  out.push(`<text x="${M.left - 6}" y="${(top + h).toFixed(1)}" text-anchor="end">${fmt(Number(lo.toPrecision(3)))}</text>`);
  out.push(`<text transform="translate(14 ${(top + h / 2).toFixed(1)}) rotate(-90)" text-anchor="middle">${escapeXml(stateAxisLabel(s))}</text>`);
  out.push(`<text x="${M.left + pw / 2}" y="${(top + h + 26).toFixed(1)}" text-anchor="middle">time (ms)</text>`);
  for (const t of niceTicks(d.tStartMs, d.tStopMs, 6)) out.push(`<text x="${x(t).toFixed(1)}" y="${(top + h + 13).toFixed(1)}" text-anchor="middle">${fmt(t)}</text>`);
  return out;
}

/** Round tick values covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
