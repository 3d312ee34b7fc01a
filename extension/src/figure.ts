/**
 * Pure figure construction for the spike raster: groups spikes by population, computes the
 * population firing rates and per-neuron rates, the statistics of a time window, and assembles
 * plotly traces + layout (raster, linked rate panel, optional state-trace panel). No DOM access
 * here, so the logic is easy to test and cheap to rerun on theme changes.
 */
import { plotlyText } from "./base.js";
import { stateAxisLabel, type RasterData } from "neurolab/schema";
import type { PlotTheme } from "./theme.js";

export { plotlyText };

/** Pixel heights of the panels (the raster gets what is left of the figure). */
const RATE_PX = 96;
const STATE_PX = 150;
const GAP_PX = 26;
/** Above this many neurons the image mode has no per-neuron hover layer. */
const MAX_HOVER_ROWS = 200_000;

/** Pixel height of the whole figure: raster + rate panel (+ state panel). */
export function figureHeight(withStates: boolean): number {
  return withStates ? 660 : 480;
}

/** One population's spikes (or the neurons outside every declared population). */
export interface SpikeGroup {
  name: string;
  color: string;
  /** Neurons belonging to the group (normaliser of its firing rate). */
  nNeurons: number;
  /** Spike times, ms. */
  x: Float32Array;
  /** Neuron indices (as floats, exact below 2^24). */
  y: Float32Array;
}

export interface RateHistogram {
  binMs: number;
  /** Left bin edges plus the right edge of the last bin (nBins + 1 values), ms. */
  edges: Float64Array;
  /** Per group: firing rate per bin in Hz (nBins values). */
  rates: Float64Array[];
}

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  nSpikes: number;
  groups: SpikeGroup[];
  rate: RateHistogram;
  /** Vertical domain of the raster panel (fractions of the plot area). */
  rasterDomain: [number, number];
  /**
   * True when the spikes are drawn as a raster image (`layout.images[0]`, repainted on zoom and
   * pan by the widget) instead of WebGL markers: above {@link IMAGE_MODE_SPIKES} spikes.
   */
  imageMode: boolean;
}

/**
 * Above this many spikes the raster is painted into an image at screen resolution (one pass
 * over the spikes into a canvas, ~10 ms per million) instead of plotly WebGL markers, whose
 * set-up grows with the spike count (and is slow without a GPU). Zoom and pan repaint it.
 */
export const IMAGE_MODE_SPIKES = 150_000;

/** Plot margins of the raster figure (px). */
export const MARGIN = { l: 64, r: 16, t: 36, b: 48 };

/** Vertical domains (fractions of the plot area) of the raster, rate and state panels. */
function panelDomains(withStates: boolean): {
  raster: [number, number];
  rate: [number, number];
  state: [number, number] | null;
} {
  const area = figureHeight(withStates) - MARGIN.t - MARGIN.b;
  const f = (px: number) => px / area;
  if (!withStates) return { raster: [f(RATE_PX + GAP_PX), 1], rate: [0, f(RATE_PX)], state: null };
  const state: [number, number] = [0, f(STATE_PX)];
  const rate: [number, number] = [f(STATE_PX + GAP_PX), f(STATE_PX + GAP_PX + RATE_PX)];
  return { raster: [f(STATE_PX + RATE_PX + 2 * GAP_PX), 1], rate, state };
}

/** Parses `#rgb` / `#rrggbb` / `rgb(r, g, b)` into [r, g, b] (black when unknown). */
function rgbOf(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(color);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : [0, 0, 0];
}

/**
 * Paints spikes into RGBA pixels (`width` x `height`, row 0 at the top) for the x range
 * [x0, x1] (ms) and y range [y0, y1] (neuron index, y1 at the top): each spike is a vertical
 * tick as tall as its neuron's row (at least 1 px; a 1 px gap between rows of >= 4 px).
 */
export function paintSpikes(
  groups: readonly SpikeGroup[],
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  width: number,
  height: number,
): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(width * height * 4);
  const px = new Uint32Array(pixels.buffer);
  const sx = width / (x1 - x0 || 1);
  const sy = height / (y1 - y0 || 1);
  const rowPx = sy;
  const gap = rowPx >= 4 ? 1 : 0;
  for (const g of groups) {
    const [r, gg, b] = rgbOf(g.color);
    const value = (255 << 24) | (b << 16) | (gg << 8) | r; // little-endian RGBA
    const xs = g.x;
    const ys = g.y;
    for (let k = 0; k < xs.length; k++) {
      const t = xs[k];
      if (t < x0 || t > x1) continue;
      const col = Math.min(width - 1, Math.floor((t - x0) * sx));
      const top = (y1 - (ys[k] + 0.5)) * sy;
      if (top >= height) continue;
      const bottom = top + rowPx - gap;
      if (bottom <= 0) continue;
      const r0 = Math.max(0, Math.floor(top));
      const r1 = Math.min(height, Math.max(r0 + 1, Math.floor(bottom)));
      for (let row = r0; row < r1; row++) px[row * width + col] = value;
    }
  }
  return pixels;
}

/** A "nice" bin width (1, 2, 2.5 or 5 x 10^k ms) giving roughly `targetBins` bins. */
export function defaultBinMs(tStart_ms: number, tStop_ms: number, targetBins = 100): number {
  const duration = tStop_ms - tStart_ms;
  if (!(duration > 0)) return 1;
  const raw = duration / targetBins;
  const base = Math.pow(10, Math.floor(Math.log10(raw)));
  let best = base;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (Math.abs(Math.log((m * base) / raw)) < Math.abs(Math.log(best / raw))) best = m * base;
  }
  return best;
}

/**
 * Splits spikes into one group per population (first matching population wins, like
 * `populationOf`) plus an "other neurons" group for neurons outside every population.
 * Groups of declared populations are kept even when empty; the "other" group only when it
 * has neurons. Without populations, all neurons form one group.
 */
export function groupSpikes(data: RasterData, theme: PlotTheme): SpikeGroup[] {
  const { populations, nNeurons, times_ms, neurons } = data;
  const nPops = populations.length;
  const other = nPops; // group index of unassigned neurons
  const groupOf = nPops + 1 <= 0xffff ? new Uint16Array(nNeurons) : new Uint32Array(nNeurons);
  groupOf.fill(other);
  for (let k = nPops - 1; k >= 0; k--) {
    const p = populations[k];
    groupOf.fill(k, p.start, p.start + p.size);
  }
  const neuronCount = new Float64Array(nPops + 1);
  for (let i = 0; i < nNeurons; i++) neuronCount[groupOf[i]]++;
  const spikeCount = new Uint32Array(nPops + 1);
  for (let i = 0; i < neurons.length; i++) spikeCount[groupOf[neurons[i]]]++;

  const xs = Array.from(spikeCount, (c) => new Float32Array(c));
  const ys = Array.from(spikeCount, (c) => new Float32Array(c));
  const fill = new Uint32Array(nPops + 1);
  for (let i = 0; i < neurons.length; i++) {
    const g = groupOf[neurons[i]];
    const j = fill[g]++;
    xs[g][j] = times_ms[i];
    ys[g][j] = neurons[i];
  }

  const groups: SpikeGroup[] = [];
  for (let k = 0; k < nPops; k++) {
    groups.push({
      name: populations[k].name,
      color: theme.palette[k % theme.palette.length],
      nNeurons: neuronCount[k],
      x: xs[k],
      y: ys[k],
    });
  }
  if (neuronCount[other] > 0) {
    groups.push({
      name: nPops === 0 ? "neurons" : "other neurons",
      color: nPops === 0 ? theme.palette[0] : theme.other,
      nNeurons: neuronCount[other],
      x: xs[other],
      y: ys[other],
    });
  }
  return groups;
}

/** Population rate: spikes per bin / (neurons in population * bin width), in Hz. */
export function rateHistogram(
  groups: readonly SpikeGroup[],
  tStart_ms: number,
  tStop_ms: number,
  binMs = defaultBinMs(tStart_ms, tStop_ms),
): RateHistogram {
  const nBins = Math.max(1, Math.ceil((tStop_ms - tStart_ms) / binMs - 1e-9));
  const edges = new Float64Array(nBins + 1);
  for (let b = 0; b <= nBins; b++) edges[b] = tStart_ms + b * binMs;
  const rates = groups.map((g) => {
    const counts = new Float64Array(nBins);
    for (let i = 0; i < g.x.length; i++) {
      const b = Math.floor((g.x[i] - tStart_ms) / binMs);
      counts[b < 0 ? 0 : b >= nBins ? nBins - 1 : b]++;
    }
    const norm = g.nNeurons > 0 ? 1000 / (g.nNeurons * binMs) : 0;
    for (let b = 0; b < nBins; b++) counts[b] *= norm;
    return counts;
  });
  return { binMs, edges, rates };
}

/** Rate bin widths (ms) offered for a recording of `durationMs`: 5 to 5000 bins. */
export function binChoices(durationMs: number): number[] {
  const all = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  return durationMs > 0 ? all.filter((b) => durationMs / b >= 5 && durationMs / b <= 5000) : [];
}

/** Raster marker size: fill the row height, within readable limits. */
function markerSize(nNeurons: number, rasterPx: number): number {
  const rowPx = (rasterPx - 20) / Math.max(1, nNeurons);
  return Math.max(3, Math.min(10, rowPx * 0.9));
}

/** Mean firing rate of every neuron over the recorded window, Hz. */
export function neuronRates(data: RasterData): Float64Array {
  const rates = new Float64Array(data.nNeurons);
  for (let i = 0; i < data.neurons.length; i++) rates[data.neurons[i]]++;
  const seconds = (data.tStop_ms - data.tStart_ms) / 1000;
  for (let i = 0; i < rates.length; i++) rates[i] = seconds > 0 ? rates[i] / seconds : 0;
  return rates;
}

/** Spike statistics of one population in a time window. */
export interface WindowStats {
  name: string;
  color: string;
  spikes: number;
  /** Mean rate over the population's neurons and the window, Hz. */
  rate_Hz: number;
  /** Neurons with at least one spike in the window. */
  active: number;
  nNeurons: number;
}

/**
 * Spike count, mean rate (spikes / (neurons x window), Hz) and active neurons of every group in
 * the window [t0, t1) ms (clipped to the recording). One pass over the spikes.
 */
export function windowStats(
  groups: readonly SpikeGroup[],
  nNeurons: number,
  t0: number,
  t1: number,
): WindowStats[] {
  const seen = new Uint8Array(nNeurons);
  const seconds = Math.max(0, t1 - t0) / 1000;
  return groups.map((g) => {
    let spikes = 0;
    let active = 0;
    for (let k = 0; k < g.x.length; k++) {
      const t = g.x[k];
      if (t < t0 || t >= t1) continue;
      spikes++;
      const i = g.y[k];
      if (!seen[i]) {
        seen[i] = 1;
        active++;
      }
    }
    return {
      name: g.name,
      color: g.color,
      spikes,
      rate_Hz: g.nNeurons > 0 && seconds > 0 ? spikes / (g.nNeurons * seconds) : 0,
      active,
      nNeurons: g.nNeurons,
    };
  });
}

/** Per-spike values of `perNeuron` for a group's spikes (hover data). */
function perSpike(g: SpikeGroup, perNeuron: Float64Array): Float32Array {
  const out = new Float32Array(g.y.length);
  for (let k = 0; k < out.length; k++) out[k] = perNeuron[g.y[k]];
  return out;
}

/**
 * A transparent heatmap with one row per neuron over the raster (image mode): plotly hovers it
 * like any trace, naming the neuron, its population and its rate where no spike markers exist.
 */
function hoverLayer(data: RasterData, rates: Float64Array): Record<string, unknown> {
  const n = data.nNeurons;
  const names = data.populations.map((p) => plotlyText(p.name));
  const z: number[][] = new Array(n);
  const text: string[][] = new Array(n);
  const other = data.populations.length === 0 ? "neurons" : "other neurons";
  for (let i = 0; i < n; i++) {
    z[i] = [rates[i]];
    text[i] = [other];
  }
  for (let k = data.populations.length - 1; k >= 0; k--) {
    const p = data.populations[k];
    for (let i = p.start; i < p.start + p.size; i++) text[i][0] = names[k];
  }
  const cellNames = data.neuronNames ?? null;
  if (cellNames)
    for (let i = 0; i < n; i++)
      text[i][0] = `${plotlyText(cellNames[i])}<br>population: ${text[i][0]}`;
  return {
    type: "heatmap",
    name: "neurons",
    z,
    text,
    x: [data.tStart_ms, data.tStop_ms > data.tStart_ms ? data.tStop_ms : data.tStart_ms + 1],
    y0: 0,
    dy: 1,
    xaxis: "x",
    yaxis: "y",
    colorscale: [
      [0, "rgba(0,0,0,0)"],
      [1, "rgba(0,0,0,0)"],
    ],
    showscale: false,
    hoverongaps: false,
    hovertemplate: cellNames
      ? "neuron %{text} (row %{y})<br>rate %{z:.2f} Hz<extra></extra>"
      : "neuron %{y}<br>population: %{text}<br>rate %{z:.2f} Hz<extra></extra>",
  };
}

/**
 * Tick values and labels of a raster whose rows are named: every row in the visible range
 * [y0, y1] when at most `maxTicks` fit, else evenly spaced rows (so labels never overlap).
 */
export function nameTicks(
  names: readonly string[],
  y0: number,
  y1: number,
  maxTicks: number,
): { tickvals: number[]; ticktext: string[] } {
  const lo = Math.max(0, Math.ceil(Math.min(y0, y1)));
  const hi = Math.min(names.length - 1, Math.floor(Math.max(y0, y1)));
  const tickvals: number[] = [];
  if (hi >= lo) {
    const step = Math.max(1, Math.ceil((hi - lo + 1) / Math.max(1, maxTicks)));
    for (let i = Math.ceil(lo / step) * step; i <= hi; i += step) tickvals.push(i);
  }
  return { tickvals, ticktext: tickvals.map((i) => plotlyText(names[i])) };
}

/** Legend name of state trace k: its label, plus the neuron's name when the raster names its rows. */
export function traceLegendName(data: RasterData, k: number): string {
  const s = data.states!;
  const row = s.rows[k];
  const name = row >= 0 && data.neuronNames ? data.neuronNames[row] : "";
  return name && !s.labels[k].includes(name) ? `${s.labels[k]} (${name})` : s.labels[k];
}

/** Rounds a time (ms) to the raster's simulation grid t_start + k dt (unchanged when dt is unknown). */
export function roundToStep(data: Pick<RasterData, "tStart_ms" | "dt_ms">, t: number): number {
  const dt = data.dt_ms;
  if (!dt) return t;
  return Number((data.tStart_ms + Math.round((t - data.tStart_ms) / dt) * dt).toPrecision(12));
}

/** Vertical pixels per row name on the raster's axis (10 px labels with a gap). */
export const NAME_TICK_PX = 16;

/** How many row names fit on the raster's axis. */
export function nameTickCount(height: number, domain: [number, number]): number {
  return Math.max(
    2,
    Math.floor(((height - MARGIN.t - MARGIN.b) * (domain[1] - domain[0])) / NAME_TICK_PX),
  );
}

/** Builds the complete plotly figure for a decoded raster in the given theme. */
export function buildFigure(data: RasterData, theme: PlotTheme, binMs?: number): Figure {
  const groups = groupSpikes(data, theme);
  const { tStart_ms, tStop_ms, nNeurons } = data;
  const states = data.states ?? null;
  const height = figureHeight(states !== null);
  const domains = panelDomains(states !== null);
  const rate = rateHistogram(groups, tStart_ms, tStop_ms, binMs);
  const size = markerSize(
    nNeurons,
    (height - MARGIN.t - MARGIN.b) * (domains.raster[1] - domains.raster[0]),
  );
  const nSpikes = groups.reduce((n, g) => n + g.x.length, 0);
  const imageMode = nSpikes > IMAGE_MODE_SPIKES;
  const rates = neuronRates(data);

  const traces: Record<string, unknown>[] = groups.map((g, k): Record<string, unknown> =>
    imageMode
      ? {
          // Legend entry only: the spikes are in layout.images[0].
          type: "scatter",
          mode: "markers",
          name: plotlyText(g.name),
          legendgroup: `g${k}`,
          x: [null],
          y: [null],
          xaxis: "x",
          yaxis: "y",
          marker: {
            symbol: "line-ns-open",
            size: 10,
            color: g.color,
            line: { color: g.color, width: 2 },
          },
          hoverinfo: "skip",
        }
      : {
          type: "scattergl",
          mode: "markers",
          name: plotlyText(g.name),
          legendgroup: `g${k}`,
          x: g.x,
          y: g.y,
          customdata: perSpike(g, rates),
          ...(data.neuronNames
            ? { text: Array.from(g.y, (i) => plotlyText(data.neuronNames![i])) }
            : {}),
          xaxis: "x",
          yaxis: "y",
          marker: {
            symbol: "line-ns-open",
            size,
            color: g.color,
            line: { color: g.color, width: 1.5 },
          },
          selected: { marker: { opacity: 1 } },
          unselected: { marker: { opacity: 0.25 } },
          hovertemplate: data.neuronNames
            ? "neuron %{text} (row %{y})<br>population: %{fullData.name}<br>rate %{customdata:.2f} Hz<br>t = %{x:.2f} ms<extra></extra>"
            : "neuron %{y}<br>population: %{fullData.name}<br>rate %{customdata:.2f} Hz<br>t = %{x:.2f} ms<extra></extra>",
        },
  );
  if (imageMode && nNeurons > 0 && nNeurons <= MAX_HOVER_ROWS) traces.push(hoverLayer(data, rates));

  const lastEdge = rate.edges[rate.edges.length - 1];
  groups.forEach((g, k) => {
    const r = rate.rates[k];
    // Step line over the bin edges: repeat the last value at the right edge.
    const y = new Float64Array(r.length + 1);
    y.set(r);
    y[r.length] = r.length > 0 ? r[r.length - 1] : 0;
    const binEnd = new Float64Array(r.length + 1);
    for (let b = 0; b <= r.length; b++) binEnd[b] = Math.min(rate.edges[b] + rate.binMs, lastEdge);
    traces.push({
      type: "scatter",
      mode: "lines",
      name: plotlyText(g.name),
      legendgroup: `g${k}`,
      showlegend: false,
      x: rate.edges,
      y,
      customdata: binEnd,
      xaxis: "x",
      yaxis: "y2",
      line: { color: g.color, width: 1.5, shape: "hv" },
      hovertemplate:
        "%{fullData.name}<br>%{y:.1f} Hz<br>t = %{x:.1f}\u2013%{customdata:.1f} ms<extra></extra>",
    });
  });

  if (states) {
    const unit = plotlyText(states.unit);
    const gl = states.nSamples * states.labels.length > 200_000;
    states.labels.forEach((label, k) => {
      traces.push({
        type: gl ? "scattergl" : "scatter",
        mode: "lines",
        name: plotlyText(traceLegendName(data, k)),
        // A second legend, inside the state panel, names each trace's neuron.
        showlegend: true,
        legend: "legend2",
        x0: states.tStart_ms,
        dx: states.dt_ms,
        y: states.values.subarray(k * states.nSamples, (k + 1) * states.nSamples),
        xaxis: "x",
        yaxis: "y3",
        line: { color: theme.palette[(groups.length + k) % theme.palette.length], width: 1.2 },
        // The unit goes in through `meta`, so text like "%{y}" in it is shown, not evaluated.
        meta: unit ? " " + unit : "",
        hovertemplate: "%{fullData.name}<br>t = %{x:.2f} ms<br>%{y:.2f}%{meta}<extra></extra>",
      });
    });
  }

  // Dotted separators between consecutive populations.
  const shapes = data.populations
    .filter((p) => p.start > 0)
    .map((p) => ({
      type: "line",
      xref: "paper",
      x0: 0,
      x1: 1,
      yref: "y",
      y0: p.start - 0.5,
      y1: p.start - 0.5,
      line: { color: theme.muted, width: 1, dash: "dot" },
      layer: "below",
    }));

  const xPad = tStop_ms > tStart_ms ? 0 : 0.5;
  const axis = {
    gridcolor: theme.grid,
    linecolor: theme.grid,
    zeroline: false,
    tickfont: { color: theme.muted },
    title: { font: { color: theme.muted } },
  };
  const layout: Record<string, unknown> = {
    height,
    autosize: true,
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
    margin: { ...MARGIN },
    showlegend: true,
    legend: {
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: 1.01,
      yanchor: "bottom",
      bgcolor: "rgba(0,0,0,0)",
    },
    hovermode: "closest",
    hoverlabel: { font: { family: theme.fontFamily } },
    dragmode: "zoom",
    selectdirection: "h",
    newselection: { line: { color: theme.foreground, width: 1, dash: "dot" } },
    activeselection: {
      fillcolor: theme.light ? "rgba(0,0,0,0.08)" : "rgba(255,255,255,0.1)",
      opacity: 1,
    },
    uirevision: "neurolab-raster",
    xaxis: {
      ...axis,
      anchor: states ? "y3" : "y2",
      range: [tStart_ms - xPad, tStop_ms + xPad],
      title: { ...axis.title, text: "time (ms)" },
    },
    yaxis: {
      ...axis,
      domain: domains.raster,
      range: [-0.5, Math.max(1, nNeurons) - 0.5],
      title: { ...axis.title, text: "neuron" },
      showgrid: false,
      ...(data.neuronNames
        ? {
            tickmode: "array",
            ...nameTicks(
              data.neuronNames,
              -0.5,
              nNeurons - 0.5,
              nameTickCount(height, domains.raster),
            ),
            tickfont: { color: theme.muted, size: 10 },
            automargin: true,
          }
        : {}),
    },
    yaxis2: {
      ...axis,
      domain: domains.rate,
      rangemode: "tozero",
      title: { ...axis.title, text: "rate (Hz)" },
    },
    shapes,
  };
  if (states && domains.state) {
    layout.legend2 = {
      orientation: "h",
      x: 0,
      xanchor: "left",
      y: domains.state[1],
      yanchor: "bottom",
      bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: theme.muted },
    };
    layout.yaxis3 = {
      ...axis,
      domain: domains.state,
      title: { ...axis.title, text: plotlyText(stateAxisLabel(states)) },
    };
  }
  return { data: traces, layout, nSpikes, groups, rate, imageMode, rasterDomain: domains.raster };
}
