/**
 * Spike rasters as displayable figures: the interactive payload
 * (`application/vnd.neurolab.raster.v1+json`, optionally with a state-trace panel), a static SVG
 * fallback drawn without a browser, and a text summary.
 */
import {
  encodeRaster,
  populationOf,
  POPULATION_COLORS,
  RASTER_MAX_NEURONS,
  RASTER_MAX_SPIKES,
  RASTER_MIME,
  stateAxisLabel,
  stateTime,
  type RasterData,
  type RasterPayload,
  type StateTraces,
} from "../schema/index.js";
import { figureClass, type Figure, type FigureKind } from "./figure.js";
import { encodePng, hexRgb, STATIC_FALLBACK_BUDGET_BYTES, svgPngImage } from "./png.js";
import { escapeXml, svgOpen } from "./svg.js";

/** Spikes beyond this count are drawn binned (density) in the static SVG. */
const SVG_MAX_MARKS = 20_000;
const W = 720;
const M = { left: 56, right: 16, top: 28, bottom: 40 };

/** The raster figure kind: payload, static SVG and text of a {@link RasterData}. */
export const RASTER_FIGURE: FigureKind<RasterData, RasterPayload> = {
  mime: RASTER_MIME,
  payload: encodeRaster,
  svg: rasterSvg,
  text(d) {
    const s = d.states;
    return (
      `Raster "${d.title}": ${d.times_ms.length} spikes from ${d.nNeurons} neurons in [${d.tStart_ms}, ${d.tStop_ms}] ms` +
      (s
        ? `; ${s.labels.length} ${s.variable} trace${s.labels.length === 1 ? "" : "s"} (${s.nSamples} samples every ${s.dt_ms} ms)`
        : "")
    );
  },
  // Beyond the widget's limits the payload would be rejected: show the SVG and text, saying why.
  withoutWidget(d) {
    if (d.times_ms.length <= RASTER_MAX_SPIKES && d.nNeurons <= RASTER_MAX_NEURONS) return null;
    return `too large for the interactive widget (at most ${RASTER_MAX_SPIKES} spikes and ${RASTER_MAX_NEURONS} neurons): record a shorter window or fewer neurons`;
  },
};

/** A spike raster (neurons x time, optionally with a state-trace panel) that displays itself. */
export type RasterFigure = Figure<RasterData, RasterPayload>;
/** `new RasterFigure(data)`: a raster figure of spike data (see {@link RASTER_FIGURE}). */
export const RasterFigure = figureClass(RASTER_FIGURE);

/** Heights (px) of the static panels: raster, rate, state; gap between panels. */
const SVG_RASTER_H = 250;
const SVG_RATE_H = 70;
const SVG_STATE_H = 120;
const SVG_GAP = 16;

/**
 * The static figure, laid out as the widget: raster (neuron 0 at the bottom), population-rate
 * panel, optional state panel, one time axis. Spikes are vector marks while the SVG stays within
 * {@link STATIC_FALLBACK_BUDGET_BYTES}; above, they are painted into a PNG inside the same frame.
 */
function rasterSvg(d: RasterData): string {
  const vector = d.times_ms.length <= SVG_MAX_MARKS ? rasterSvgWith(d, "vector") : null;
  return vector !== null && vector.length <= STATIC_FALLBACK_BUDGET_BYTES
    ? vector
    : rasterSvgWith(d, "bitmap");
}

function rasterSvgWith(d: RasterData, marks: "vector" | "bitmap"): string {
  const names = d.neuronNames ?? null;
  const labelRows = names !== null && d.nNeurons <= 60;
  const left = names
    ? Math.min(120, 34 + 6.6 * Math.max(4, ...nameTicks(d).map((i) => clipName(names[i]).length)))
    : M.left; // clear of the axis title
  const pw = W - left - M.right;
  const states = d.states ?? null;
  const rasterTop = M.top + 10;
  const rateTop = rasterTop + SVG_RASTER_H + SVG_GAP;
  const stateTop = rateTop + SVG_RATE_H + SVG_GAP;
  const axisY = states ? stateTop + SVG_STATE_H : rateTop + SVG_RATE_H;
  const legendH = states ? 16 * Math.ceil(states.labels.length / 4) : 0;
  const height = axisY + 40 + legendH;
  const span = d.tStop_ms - d.tStart_ms || 1;
  const rows = Math.max(1, d.nNeurons);
  const x = (t: number) => left + ((t - d.tStart_ms) / span) * pw;
  // Row i is centred at i + 0.5 from the bottom, as in the widget (y range [-0.5, n - 0.5]).
  const y = (i: number) => rasterTop + SVG_RASTER_H - ((i + 0.5) / rows) * SVG_RASTER_H;
  const popOf = (i: number) => Math.max(0, populationOf(d.populations, i));
  const color = (i: number) => POPULATION_COLORS[popOf(i) % POPULATION_COLORS.length];
  const n = d.times_ms.length;
  const alt =
    `Spike raster${d.title ? ` "${d.title}"` : ""}: ${n} spikes of ${d.nNeurons} neurons` +
    `${d.populations.length ? ` (${d.populations.map((p) => `${p.name}: ${p.size}`).join(", ")})` : ""} from ${fmt(d.tStart_ms)} to ${fmt(d.tStop_ms)} ms, with the population rate` +
    (states ? ` and ${states.labels.length} ${states.variable} traces` : "");
  const out: string[] = [
    svgOpen(W, height, alt),
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(d.title)}</text>`,
  ];
  if (marks === "vector") {
    const h = Math.max(1, Math.min(4, SVG_RASTER_H / rows)).toFixed(2);
    const byColor = new Map<string, string[]>();
    for (let k = 0; k < n; k++) {
      const c = color(d.neurons[k]);
      const path = byColor.get(c) ?? [];
      path.push(
        `M${x(d.times_ms[k]).toFixed(1)} ${(y(d.neurons[k]) - Number(h) / 2).toFixed(1)}v${h}`,
      );
      byColor.set(c, path);
    }
    for (const [c, path] of byColor)
      out.push(`<path stroke="${c}" stroke-width="1" d="${path.join("")}"/>`);
  } else {
    out.push(spikeBitmap(d, left, rasterTop, pw, alt));
  }
  // Frame, time ticks (below the lowest panel), neuron ticks, population labels and separators.
  out.push(
    `<rect x="${left}" y="${rasterTop}" width="${pw}" height="${SVG_RASTER_H}" fill="none" stroke="#444"/>`,
  );
  for (const p of d.populations) {
    if (p.start <= 0 || p.start >= rows) continue;
    const yy = rasterTop + SVG_RASTER_H - (p.start / rows) * SVG_RASTER_H;
    out.push(
      `<line x1="${left}" x2="${left + pw}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="#888" stroke-dasharray="2 3"/>`,
    );
  }
  const ticks = niceTicks(d.tStart_ms, d.tStop_ms, 6);
  for (const top of [
    rasterTop + SVG_RASTER_H,
    rateTop + SVG_RATE_H,
    ...(states ? [stateTop + SVG_STATE_H] : []),
  ]) {
    for (const t of ticks)
      out.push(
        `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${top + 4}" stroke="#444"/>`,
      );
  }
  for (const t of ticks)
    out.push(
      `<text x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  out.push(`<text x="${left + pw / 2}" y="${axisY + 32}" text-anchor="middle">time (ms)</text>`);
  if (names && labelRows) {
    const fs = Math.max(6, Math.min(10, (SVG_RASTER_H / rows) * 0.9));
    for (let i = 0; i < d.nNeurons; i++)
      out.push(
        `<text x="${left - 4}" y="${(y(i) + fs / 3).toFixed(1)}" text-anchor="end" font-size="${fs.toFixed(1)}">${escapeXml(clipName(names[i]))}</text>`,
      );
  } else {
    const tickRows = names
      ? nameTicks(d)
      : niceTicks(0, rows - 1, 5).filter((v) => Number.isInteger(v));
    for (const i of tickRows)
      out.push(
        `<text x="${left - 6}" y="${(y(i) + 4).toFixed(1)}" text-anchor="end">${escapeXml(names ? clipName(names[i]) : String(i))}</text>`,
      );
  }
  out.push(
    `<text transform="translate(12 ${rasterTop + SVG_RASTER_H / 2}) rotate(-90)" text-anchor="middle">neuron</text>`,
  );
  d.populations.forEach((p, k) => {
    const c = POPULATION_COLORS[k % POPULATION_COLORS.length];
    out.push(
      `<text x="${W - M.right - 4 - 90 * (d.populations.length - 1 - k)}" y="${rasterTop - 4}" text-anchor="end" fill="${c}">${escapeXml(clipName(p.name))}</text>`,
    );
  });
  out.push(...rateSvg(d, x, rateTop, left, pw));
  if (states) out.push(...stateSvg(d, states, x, stateTop, left, pw, axisY + 44));
  out.push("</svg>");
  return out.join("");
}

function clipName(s: string): string {
  return s.length > 14 ? s.slice(0, 13) + "\u2026" : s;
}

/** Rows labelled on a named raster's axis: all up to 60 rows, else about 8 evenly spaced. */
function nameTicks(d: RasterData): number[] {
  const n = d.nNeurons;
  if (n <= 60) return Array.from({ length: n }, (_, i) => i);
  const step = Math.ceil(n / 8);
  return Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step);
}

/** The spikes painted into a PNG (one palette colour per population) placed over the raster panel. */
function spikeBitmap(d: RasterData, left: number, top: number, pw: number, alt: string): string {
  const w = Math.round(pw);
  const h = SVG_RASTER_H;
  const rows = Math.max(1, d.nNeurons);
  const nColors = Math.min(POPULATION_COLORS.length, Math.max(1, d.populations.length));
  const palette = [
    [255, 255, 255, 0],
    ...POPULATION_COLORS.slice(0, nColors).map((c) => [...hexRgb(c), 255]),
  ];
  const pixels = new Uint8Array(w * h);
  const span = d.tStop_ms - d.tStart_ms || 1;
  const rowPx = h / rows;
  for (let k = 0; k < d.times_ms.length; k++) {
    const i = d.neurons[k];
    const col = Math.min(
      w - 1,
      Math.max(0, Math.floor(((d.times_ms[k] - d.tStart_ms) / span) * w)),
    );
    const bottom = h - i * rowPx;
    const r1 = Math.min(h, Math.ceil(bottom));
    const r0 = Math.max(0, Math.min(r1 - 1, Math.floor(bottom - rowPx)));
    const c = 1 + (Math.max(0, populationOf(d.populations, i)) % nColors);
    for (let r = r0; r < r1; r++) pixels[r * w + col] = c;
  }
  const png = encodePng({ width: w, height: h, pixels, palette, text: { Description: alt } });
  return svgPngImage(png, left, top, pw, h);
}

/** The population-rate panel: one step line per population, ~100 bins (as the widget's automatic bin). */
function rateSvg(
  d: RasterData,
  x: (t: number) => number,
  top: number,
  left: number,
  pw: number,
): string[] {
  const span = d.tStop_ms - d.tStart_ms;
  const out = [
    `<rect x="${left}" y="${top}" width="${pw}" height="${SVG_RATE_H}" fill="none" stroke="#444"/>`,
  ];
  out.push(
    `<text transform="translate(12 ${top + SVG_RATE_H / 2}) rotate(-90)" text-anchor="middle">rate (Hz)</text>`,
  );
  if (!(span > 0)) return out;
  const bin = niceBin(span);
  const nBins = Math.max(1, Math.ceil(span / bin - 1e-9));
  const groups =
    d.populations.length > 0 ? d.populations : [{ name: "neurons", start: 0, size: d.nNeurons }];
  const counts = groups.map(() => new Float64Array(nBins));
  for (let k = 0; k < d.times_ms.length; k++) {
    const g = d.populations.length > 0 ? populationOf(d.populations, d.neurons[k]) : 0;
    if (g < 0) continue;
    const b = Math.min(nBins - 1, Math.max(0, Math.floor((d.times_ms[k] - d.tStart_ms) / bin)));
    counts[g][b]++;
  }
  const rates = counts.map((c, g) =>
    c.map((v) => (groups[g].size > 0 ? (1000 * v) / (groups[g].size * bin) : 0)),
  );
  let hi = 0;
  for (const r of rates) for (const v of r) hi = Math.max(hi, v);
  const top5 = niceTicks(0, hi > 0 ? hi : 1, 3);
  const yMax = Math.max(hi, top5[top5.length - 1]) || 1;
  const y = (v: number) => top + SVG_RATE_H - (v / yMax) * (SVG_RATE_H - 4);
  rates.forEach((r, g) => {
    const pts: string[] = [];
    for (let b = 0; b < nBins; b++) {
      const t0 = d.tStart_ms + b * bin;
      const t1 = Math.min(d.tStop_ms, t0 + bin);
      pts.push(
        `${x(t0).toFixed(1)},${y(r[b]).toFixed(1)} ${x(t1).toFixed(1)},${y(r[b]).toFixed(1)}`,
      );
    }
    out.push(
      `<polyline fill="none" stroke="${POPULATION_COLORS[g % POPULATION_COLORS.length]}" stroke-width="1.2" points="${pts.join(" ")}"/>`,
    );
  });
  for (const v of top5)
    out.push(
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
    );
  out.push(
    `<text x="${left + pw - 4}" y="${top + 12}" text-anchor="end" fill="#666" font-size="10">bin ${fmt(bin)} ms</text>`,
  );
  return out;
}

/** A "nice" bin width (1, 2, 2.5 or 5 x 10^k ms) giving about 100 bins (the widget's default). */
function niceBin(span: number): number {
  const raw = span / 100;
  const base = 10 ** Math.floor(Math.log10(raw));
  let best = base;
  for (const m of [1, 2, 2.5, 5, 10])
    if (Math.abs(Math.log((m * base) / raw)) < Math.abs(Math.log(best / raw))) best = m * base;
  return best;
}

/** The static state panel: one polyline per trace (at most ~1000 points each) and a legend naming each trace's neuron. */
function stateSvg(
  d: RasterData,
  s: StateTraces,
  x: (t: number) => number,
  top: number,
  left: number,
  pw: number,
  legendTop: number,
): string[] {
  const h = SVG_STATE_H;
  const n = s.labels.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const y = (v: number) => top + h - ((v - lo) / (hi - lo)) * h;
  const step = Math.max(1, Math.ceil(s.nSamples / 1000));
  const out = [
    `<rect x="${left}" y="${top}" width="${pw}" height="${h}" fill="none" stroke="#444"/>`,
  ];
  const nPops = Math.max(1, d.populations.length);
  for (let k = 0; k < n; k++) {
    // Colours after the populations' (the widget does the same).
    const c = POPULATION_COLORS[(nPops + k) % POPULATION_COLORS.length];
    const pts: string[] = [];
    for (let i = 0; i < s.nSamples; i += step)
      pts.push(`${x(stateTime(s, i)).toFixed(1)},${y(s.values[k * s.nSamples + i]).toFixed(1)}`);
    out.push(
      `<polyline fill="none" stroke="${c}" stroke-width="1" stroke-opacity="0.85" points="${pts.join(" ")}"/>`,
    );
    const lx = left + (k % 4) * (pw / 4);
    const ly = legendTop + 16 * Math.floor(k / 4);
    out.push(
      `<line x1="${lx.toFixed(1)}" x2="${(lx + 18).toFixed(1)}" y1="${ly - 4}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`,
    );
    out.push(`<text x="${(lx + 22).toFixed(1)}" y="${ly}">${escapeXml(traceName(d, s, k))}</text>`);
  }
  out.push(
    `<text x="${left - 6}" y="${(top + 8).toFixed(1)}" text-anchor="end">${fmt(Number(hi.toPrecision(3)))}</text>`,
  );
  out.push(
    `<text x="${left - 6}" y="${(top + h).toFixed(1)}" text-anchor="end">${fmt(Number(lo.toPrecision(3)))}</text>`,
  );
  out.push(
    `<text transform="translate(12 ${(top + h / 2).toFixed(1)}) rotate(-90)" text-anchor="middle">${escapeXml(stateAxisLabel(s))}</text>`,
  );
  return out;
}

/** Legend text of trace k: its label, with the neuron's name when the raster names its rows. */
function traceName(d: RasterData, s: StateTraces, k: number): string {
  const row = s.rows[k];
  const name = row >= 0 && d.neuronNames ? d.neuronNames[row] : "";
  return name && !s.labels[k].includes(name) ? `${s.labels[k]} (${name})` : s.labels[k];
}

/** Round tick values covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
