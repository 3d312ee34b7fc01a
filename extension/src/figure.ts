/**
 * Pure figure construction for the spike raster: groups spikes by population, computes the
 * population firing rates and assembles plotly traces + layout. No DOM access here, so the
 * logic is easy to test and cheap to rerun on theme changes.
 */
import type { RasterData } from "neurolab/schema";
import type { PlotTheme } from "./theme.js";

/** Pixel height of the whole figure (raster + rate panel). */
export const FIGURE_HEIGHT = 480;
/** Fraction of the plotting area used by the rate panel at the bottom. */
const RATE_PANEL = 0.24;
const PANEL_GAP = 0.05;

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
/** Vertical domain of the raster panel. */
export const RASTER_DOMAIN: [number, number] = [RATE_PANEL + PANEL_GAP, 1];

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
export function paintSpikes(groups: readonly SpikeGroup[], x0: number, x1: number, y0: number, y1: number, width: number, height: number): Uint8ClampedArray {
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

/**
 * Escapes text for plotly's pseudo-HTML labels (legend, hover) so names from the payload
 * are shown verbatim and can never inject markup.
 */
export function plotlyText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A "nice" bin width (1, 2, 2.5 or 5 x 10^k ms) giving roughly `targetBins` bins. */
export function defaultBinMs(tStartMs: number, tStopMs: number, targetBins = 100): number {
  const duration = tStopMs - tStartMs;
  if (!(duration > 0)) return 1;
  const raw = duration / targetBins;
  const base = Math.pow(10, Math.floor(Math.log10(raw)));
  let best = base;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (Math.abs(Math.log(m * base / raw)) < Math.abs(Math.log(best / raw))) best = m * base;
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
  const { populations, nNeurons, timesMs, neurons } = data;
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
    xs[g][j] = timesMs[i];
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
  tStartMs: number,
  tStopMs: number,
  binMs = defaultBinMs(tStartMs, tStopMs),
): RateHistogram {
  const nBins = Math.max(1, Math.ceil((tStopMs - tStartMs) / binMs - 1e-9));
  const edges = new Float64Array(nBins + 1);
  for (let b = 0; b <= nBins; b++) edges[b] = tStartMs + b * binMs;
  const rates = groups.map((g) => {
    const counts = new Float64Array(nBins);
    for (let i = 0; i < g.x.length; i++) {
      const b = Math.floor((g.x[i] - tStartMs) / binMs);
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
function markerSize(nNeurons: number): number {
  const rowPx = (FIGURE_HEIGHT * (1 - RATE_PANEL - PANEL_GAP) - 60) / Math.max(1, nNeurons);
  return Math.max(3, Math.min(10, rowPx * 0.9));
}

/** Builds the complete plotly figure for a decoded raster in the given theme. */
export function buildFigure(data: RasterData, theme: PlotTheme, binMs?: number): Figure {
  const groups = groupSpikes(data, theme);
  const { tStartMs, tStopMs, nNeurons } = data;
  const rate = rateHistogram(groups, tStartMs, tStopMs, binMs);
  const size = markerSize(nNeurons);
  const nSpikes = groups.reduce((n, g) => n + g.x.length, 0);
  const imageMode = nSpikes > IMAGE_MODE_SPIKES;

  const traces: Record<string, unknown>[] = groups.map((g, k): Record<string, unknown> => imageMode ? {
    // Legend entry only: the spikes are in layout.images[0].
    type: "scatter",
    mode: "markers",
    name: plotlyText(g.name),
    legendgroup: `g${k}`,
    x: [null],
    y: [null],
    xaxis: "x",
    yaxis: "y",
    marker: { symbol: "line-ns-open", size: 10, color: g.color, line: { color: g.color, width: 2 } },
    hoverinfo: "skip",
  } : {
    type: "scattergl",
    mode: "markers",
    name: plotlyText(g.name),
    legendgroup: `g${k}`,
    x: g.x,
    y: g.y,
    xaxis: "x",
    yaxis: "y",
    marker: { symbol: "line-ns-open", size, color: g.color, line: { color: g.color, width: 1.5 } },
    hovertemplate: "neuron %{y}<br>population: %{fullData.name}<br>t = %{x:.2f} ms<extra></extra>",
  });

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
      hovertemplate: "%{fullData.name}<br>%{y:.1f} Hz<br>t = %{x:.1f}\u2013%{customdata:.1f} ms<extra></extra>",
    });
  });

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

  const xPad = tStopMs > tStartMs ? 0 : 0.5;
  const axis = {
    gridcolor: theme.grid,
    linecolor: theme.grid,
    zeroline: false,
    tickfont: { color: theme.muted },
    title: { font: { color: theme.muted } },
  };
  const layout: Record<string, unknown> = {
    height: FIGURE_HEIGHT,
    autosize: true,
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
    margin: { ...MARGIN },
    showlegend: true,
    legend: { orientation: "h", x: 0, xanchor: "left", y: 1.01, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
    hovermode: "closest",
    hoverlabel: { font: { family: theme.fontFamily } },
    dragmode: "zoom",
    uirevision: "neurolab-raster",
    xaxis: {
      ...axis,
      anchor: "y2",
      range: [tStartMs - xPad, tStopMs + xPad],
      title: { ...axis.title, text: "time (ms)" },
    },
    yaxis: {
      ...axis,
      domain: RASTER_DOMAIN,
      range: [-0.5, Math.max(1, nNeurons) - 0.5],
      title: { ...axis.title, text: "neuron" },
      showgrid: false,
    },
    yaxis2: {
      ...axis,
      domain: [0, RATE_PANEL],
      rangemode: "tozero",
      title: { ...axis.title, text: "rate (Hz)" },
    },
    shapes,
  };
  return { data: traces, layout, nSpikes, groups, rate, imageMode };
}
