/**
 * Spike rasters as displayable figures: the interactive payload
 * (`application/vnd.neurolab.raster.v1+json`), a static SVG fallback drawn without a browser,
 * and a text summary.
 */
import { encodeRaster, populationOf, POPULATION_COLORS, RASTER_MIME, type RasterData, type RasterPayload } from "../schema/index.js";
import { escapeXml, MIME_BUNDLE, type MimeBundle } from "./bundle.js";

/** Spikes beyond this count are drawn binned (density) in the static SVG. */
const SVG_MAX_MARKS = 20_000;
const W = 720;
const H = 360;
const M = { left: 56, right: 16, top: 28, bottom: 40 };

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
    return `Raster "${d.title}": ${d.timesMs.length} spikes from ${d.nNeurons} neurons in [${d.tStartMs}, ${d.tStopMs}] ms`;
  }

  /** The static SVG fallback (no script). */
  toSvg(): string {
    return rasterSvg(this.data);
  }

  /** MIME bundle for Jupyter: widget payload, SVG fallback, text. */
  [MIME_BUNDLE](): MimeBundle {
    return { [RASTER_MIME]: this.payload(), "image/svg+xml": this.toSvg(), "text/plain": this.toString() };
  }
}

function rasterSvg(d: RasterData): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const span = d.tStopMs - d.tStartMs || 1;
  const rows = Math.max(1, d.nNeurons);
  const x = (t: number) => M.left + ((t - d.tStartMs) / span) * pw;
  const y = (i: number) => M.top + ((i + 0.5) / rows) * ph;
  const color = (i: number) => POPULATION_COLORS[Math.max(0, populationOf(d.populations, i)) % POPULATION_COLORS.length];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
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
  out.push(`<text x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle">time (ms)</text>`);
  for (const i of niceTicks(0, rows, 5).filter((v) => Number.isInteger(v))) {
    const yy = M.top + (i / rows) * ph;
    out.push(`<text x="${M.left - 6}" y="${(yy + 4).toFixed(1)}" text-anchor="end">${i}</text>`);
  }
  out.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">neuron</text>`);
  d.populations.forEach((p, k) => {
    const c = POPULATION_COLORS[k % POPULATION_COLORS.length];
    out.push(`<text x="${W - M.right - 4}" y="${M.top + 14 + 14 * k}" text-anchor="end" fill="${c}">${escapeXml(p.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("");
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
