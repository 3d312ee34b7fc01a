/**
 * RDM sets as displayable figures: the interactive payload (`application/vnd.neurolab.rdm.v1+json`:
 * RDM heatmaps with a shared colour scale, live geo-topological thresholds, MDS, model
 * comparison), a static SVG fallback drawn without a browser, and a text summary. The MDS and the
 * model comparison arrive computed (see `rdmFigure` in src/rsa/figure.ts).
 */
import {
  geotopological,
  condensedLength,
  encodeRdm,
  measureLabel,
  RDM_MAX_CONDITIONS,
  RDM_MAX_ENTRIES,
  RDM_MAX_RDMS,
  RDM_MIME,
  type ModelComparison,
  type RdmData,
  type RdmPayload,
} from "../schema/index.js";
import { figureClass, type Figure, type FigureKind } from "./figure.js";
import { CATEGORY_COLORS, clip, fmt, svgOpen, svgText, viridis } from "./svg.js";
import { placeLabels } from "../schema/labels.js";
import { encodePng, hexRgb, STATIC_FALLBACK_BUDGET_BYTES, svgPngImage } from "./png.js";

/**
 * The RDM figure kind. RDMs without any finite dissimilarity (e.g. the geo-topological
 * transform of a constant RDM) have nothing to draw and are left out of the payload (the text
 * says so); with none left, or too many conditions, the bundle has no payload.
 */
export const RDM_FIGURE: FigureKind<RdmData, RdmPayload> = {
  mime: RDM_MIME,
  payload(d) {
    const drawable = drawableRdms(d);
    if (!drawable)
      throw new RangeError(
        `RDM figure "${d.title}": no RDM has a finite dissimilarity (all NaN), so there is nothing to draw`,
      );
    return encodeRdm(drawable);
  },
  svg: rdmSvg,
  text(d) {
    const n = d.rdmNames.length;
    const empty = emptyRdms(d);
    const limit = Math.min(
      RDM_MAX_RDMS,
      Math.floor(RDM_MAX_ENTRIES / condensedLength(d.nConditions)),
    );
    const extra =
      d.nConditions > RDM_MAX_CONDITIONS
        ? `; more than ${RDM_MAX_CONDITIONS} conditions: too many for the interactive widget`
        : n > limit
          ? `; the interactive widget shows the first ${limit}`
          : "";
    return (
      `RDM figure "${d.title}": ${n} RDM${n === 1 ? "" : "s"} (${d.measure || "dissimilarity"}) over ${d.nConditions} conditions` +
      (d.models ? `, ${d.models.names.length} models compared (${d.models.method})` : "") +
      (empty.length > 0
        ? `; all NaN, not drawn: ${empty.map((r) => d.rdmNames[r]).join(", ")}`
        : "") +
      extra
    );
  },
  withoutWidget: (d) => (drawableRdms(d) ? null : ""),
};

/** An RDM set (plus optional MDS and model comparison) that displays itself. */
export type RdmFigure = Figure<RdmData, RdmPayload>;
/** `new RdmFigure(data)`: an RDM figure of computed figure data (see {@link RDM_FIGURE}). */
export const RdmFigure = figureClass(RDM_FIGURE);

/** Indices of the RDMs without any finite dissimilarity. */
function emptyRdms(d: RdmData): number[] {
  const p = condensedLength(d.nConditions);
  const out: number[] = [];
  for (let r = 0; r < d.rdmNames.length; r++) {
    let any = false;
    for (let k = r * p; k < (r + 1) * p && !any; k++)
      any = d.dissimilarities[k] === d.dissimilarities[k];
    if (!any) out.push(r);
  }
  return out;
}

/**
 * The figure's data as the widget can take it: without all-NaN RDMs (and an MDS of one of them),
 * at most RDM_MAX_RDMS RDMs and RDM_MAX_ENTRIES values (the first ones); null when nothing is left
 * or there are more than RDM_MAX_CONDITIONS conditions.
 */
function drawableRdms(d: RdmData): RdmData | null {
  if (d.nConditions > RDM_MAX_CONDITIONS) return null;
  const limit = Math.min(
    RDM_MAX_RDMS,
    Math.floor(RDM_MAX_ENTRIES / condensedLength(d.nConditions)),
  );
  const empty = emptyRdms(d).concat(d.rdmNames.map((_, r) => r).filter((r) => r >= limit));
  const mdsOk =
    d.mds !== null &&
    !empty.includes(d.mds.rdm) &&
    d.mds.coordinates.every(Number.isFinite) &&
    Number.isFinite(d.mds.stress);
  if (empty.length === 0) return mdsOk || d.mds === null ? d : { ...d, mds: null };
  const keep = d.rdmNames.map((_, r) => r).filter((r) => !empty.includes(r));
  if (keep.length === 0) return null;
  const p = condensedLength(d.nConditions);
  const dissimilarities = new Float64Array(keep.length * p);
  keep.forEach((r, k) =>
    dissimilarities.set(d.dissimilarities.subarray(r * p, (r + 1) * p), k * p),
  );
  const mds = mdsOk && d.mds ? { ...d.mds, rdm: keep.indexOf(d.mds.rdm) } : null;
  return { ...d, rdmNames: keep.map((r) => d.rdmNames[r]), dissimilarities, mds };
}

// ---- static SVG ----

const CELL_AREA = 200;

function rdmSvg(d: RdmData): string {
  const n = d.nConditions;
  const p = condensedLength(n);
  const nR = d.rdmNames.length;
  const shown = Math.min(nR, 6);
  const showLabels = n <= 40;
  const labelW = showLabels ? 70 : 10;
  const panelW = labelW + CELL_AREA + 16;
  const cols = Math.min(shown, 3);
  const rows = Math.ceil(shown / cols);
  const heatH = 30 + rows * (CELL_AREA + (showLabels ? 70 : 24));
  const extra = (d.mds ? 1 : 0) + (d.models ? 1 : 0);
  // Colour bar right of the heatmaps: bar, tick labels, then the rotated measure name (never clipped).
  const cbx = 10 + cols * panelW + 8;
  const tickChars = Math.max(fmtTick(d, "hi").length, fmtTick(d, "lo").length);
  const cbLabelX = cbx + 16 + tickChars * 6.5 + 10;
  const width = Math.max(cbLabelX + 14, extra > 0 ? 720 : 0);
  const bottomH = extra > 0 ? 300 : 0;
  const height = 40 + heatH + bottomH;
  // Shared colour scale over all finite dissimilarities.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d.dissimilarities) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  lo = Math.min(lo, 0); // the diagonal, as in the widget
  if (!(hi > lo)) hi = lo + 1;
  const alt =
    `${nR} RDM${nR === 1 ? "" : "s"}${d.title ? ` "${d.title}"` : ""} of ${measureLabel(d.measure)} over ${n} conditions` +
    (d.mds ? `, with a ${d.mds.method} MDS` : "") +
    (d.models ? ", with a model comparison" : "");
  const out: string[] = [svgOpen(width, height, alt)];
  out.push(svgText(width / 2, 18, d.title, 'text-anchor="middle" font-size="13"'));
  const cell = CELL_AREA / n;
  // Vector cells cost ~90 bytes each: above the budget the matrices are PNG images instead.
  const bitmap = 90 * n * n * shown > STATIC_FALLBACK_BUDGET_BYTES;
  for (let r = 0; r < shown; r++) {
    const ox = 10 + (r % cols) * panelW + labelW;
    const oy = 40 + Math.floor(r / cols) * (CELL_AREA + (showLabels ? 70 : 24)) + 16;
    out.push(svgText(ox + CELL_AREA / 2, oy - 4, clip(d.rdmNames[r], 30), 'text-anchor="middle"'));
    const v = d.dissimilarities.subarray(r * p, (r + 1) * p);
    if (bitmap) {
      // One pixel per cell (palette: 0 = missing pair, 1..255 = viridis), stretched over the panel.
      const palette = [
        [255, 255, 255, 0],
        ...Array.from({ length: 255 }, (_, c) => [...hexRgb(viridis(c / 254)), 255]),
      ];
      const level = (x: number) =>
        Number.isNaN(x) ? 0 : 1 + Math.round(254 * Math.min(1, Math.max(0, (x - lo) / (hi - lo))));
      const pixels = new Uint8Array(n * n).fill(level(0));
      let q = 0;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++, q++) pixels[i * n + j] = pixels[j * n + i] = level(v[q]);
      out.push(
        svgPngImage(
          encodePng({ width: n, height: n, pixels, palette, text: { Description: alt } }),
          ox,
          oy,
          CELL_AREA,
          CELL_AREA,
        ),
      );
    }
    let k = 0;
    const rects: string[] = [];
    for (let i = 0; i < n && !bitmap; i++) {
      rects.push(
        `<rect x="${(ox + i * cell).toFixed(2)}" y="${(oy + i * cell).toFixed(2)}" width="${cell.toFixed(2)}" height="${cell.toFixed(2)}" fill="${viridis((0 - lo) / (hi - lo))}"/>`,
      );
      for (let j = i + 1; j < n; j++, k++) {
        const c = viridis((v[k] - lo) / (hi - lo));
        for (const [a, b] of [
          [i, j],
          [j, i],
        ]) {
          rects.push(
            `<rect x="${(ox + b * cell).toFixed(2)}" y="${(oy + a * cell).toFixed(2)}" width="${cell.toFixed(2)}" height="${cell.toFixed(2)}" fill="${c}"/>`,
          );
        }
      }
    }
    out.push(`<g shape-rendering="crispEdges">${rects.join("")}</g>`);
    if (showLabels) {
      const fs = Math.max(6, Math.min(10, cell * 0.9));
      d.labels.forEach((label, i) => {
        out.push(
          svgText(
            ox - 3,
            oy + (i + 0.5) * cell + fs / 3,
            clip(label, 12),
            `text-anchor="end" font-size="${fs.toFixed(1)}"`,
          ),
        );
        const x = ox + (i + 0.5) * cell;
        const y = oy + CELL_AREA + 4;
        out.push(
          `<text transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(60)" font-size="${fs.toFixed(1)}">${escapeText(clip(label, 12))}</text>`,
        );
      });
    }
  }
  if (nR > shown)
    out.push(
      svgText(
        10,
        40 + heatH - 6,
        `(${nR - shown} more RDMs in the interactive view)`,
        'fill="#666"',
      ),
    );
  // Colour bar.
  const cby = 56;
  for (let s = 0; s < 50; s++)
    out.push(
      `<rect x="${cbx}" y="${(cby + (49 - s) * 3).toFixed(1)}" width="12" height="3.2" fill="${viridis(s / 49)}"/>`,
    );
  out.push(svgText(cbx + 16, cby + 8, fmt(hi)), svgText(cbx + 16, cby + 150, fmt(lo)));
  // Centred on the bar, at most as long as the heatmap rows are tall (clipped with an ellipsis).
  const maxChars = Math.max(8, Math.floor((heatH - 20) / 6.2));
  out.push(
    `<text transform="translate(${cbLabelX.toFixed(1)} ${cby + 75}) rotate(90)" text-anchor="middle">${escapeText(clip(measureLabel(d.measure), Math.min(32, maxChars)))}</text>`,
  );
  let bx = 10;
  const by = 40 + heatH;
  if (d.mds) {
    out.push(...mdsSvg(d, bx, by, 340, 280));
    bx += 360;
  }
  if (d.models) out.push(...modelsSvg(d.models, bx, by, 340, 280));
  out.push("</svg>");
  return out.join("");
}

/** Tick label of the shared colour scale's top ("hi") or bottom ("lo"), as drawn. */
function fmtTick(d: RdmData, end: "hi" | "lo"): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d.dissimilarities) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  lo = Math.min(lo, 0);
  if (!(hi > lo)) hi = lo + 1;
  return fmt(end === "hi" ? hi : lo);
}

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function mdsSvg(d: RdmData, x0: number, y0: number, w: number, h: number): string[] {
  const m = d.mds!;
  const n = d.nConditions;
  const xs = Array.from({ length: n }, (_, i) => m.coordinates[2 * i]);
  const ys = Array.from({ length: n }, (_, i) => m.coordinates[2 * i + 1]);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const s = (Math.min(w, h) - 60) / span;
  const px = (x: number) => x0 + w / 2 + (x - cx) * s;
  const py = (y: number) => y0 + 20 + (h - 20) / 2 - (y - cy) * s;
  const out = [
    svgText(
      x0 + w / 2,
      y0 + 12,
      `${m.method} MDS of ${clip(d.rdmNames[m.rdm], 24)} (Kruskal stress-1 ${fmt(m.stress)})`,
      'text-anchor="middle"',
    ),
  ];
  out.push(
    `<rect x="${x0}" y="${y0 + 20}" width="${w}" height="${h - 20}" fill="none" stroke="#ccc"/>`,
  );
  const cats = d.categories ?? null;
  const order = cats ? [...new Set(cats)] : [];
  const colorOf = (i: number) =>
    cats ? CATEGORY_COLORS[order.indexOf(cats[i]) % CATEGORY_COLORS.length] : CATEGORY_COLORS[0];
  const placed =
    n <= 40
      ? placeLabels(
          xs.map(px),
          ys.map(py),
          d.labels.map((l) => clip(l, 14)),
          9,
          4,
        )
      : null;
  for (let i = 0; i < n; i++) {
    out.push(
      `<circle cx="${px(xs[i]).toFixed(1)}" cy="${py(ys[i]).toFixed(1)}" r="4" fill="${colorOf(i)}"/>`,
    );
    if (placed) {
      const p = placed[i];
      const anchor = p.dx > 0 ? "start" : p.dx < 0 ? "end" : "middle";
      out.push(
        svgText(
          px(xs[i]) + p.dx,
          py(ys[i]) + p.dy,
          clip(d.labels[i], 14),
          `font-size="9" text-anchor="${anchor}"`,
        ),
      );
    }
  }
  order.forEach((c, k) => {
    out.push(
      `<circle cx="${x0 + 10}" cy="${y0 + 32 + 13 * k}" r="4" fill="${CATEGORY_COLORS[k % CATEGORY_COLORS.length]}"/>`,
    );
    out.push(svgText(x0 + 18, y0 + 35 + 13 * k, clip(c, 16), 'font-size="9"'));
  });
  return out;
}

function modelsSvg(m: ModelComparison, x0: number, y0: number, w: number, h: number): string[] {
  const k = m.names.length;
  const top = Math.max(0, ...m.means.map((v, i) => v + m.errors[i]), ...(m.noiseCeiling ?? [0]));
  const bottom = Math.min(0, ...m.means.map((v, i) => v - m.errors[i]));
  const range = top - bottom || 1;
  const plotH = h - 90;
  const py = (v: number) => y0 + 24 + ((top - v) / range) * plotH;
  const bw = (w - 40) / Math.max(1, k);
  const out = [
    svgText(
      x0 + w / 2,
      y0 + 12,
      `model comparison (${clip(m.method, 20)})`,
      'text-anchor="middle"',
    ),
  ];
  if (m.noiseCeiling) {
    const [lo, hi] = m.noiseCeiling;
    out.push(
      `<rect x="${x0 + 30}" y="${py(hi).toFixed(1)}" width="${w - 40}" height="${Math.max(1, py(lo) - py(hi)).toFixed(1)}" fill="#999" fill-opacity="0.35"/>`,
    );
  }
  out.push(
    `<line x1="${x0 + 30}" x2="${x0 + w - 10}" y1="${py(0).toFixed(1)}" y2="${py(0).toFixed(1)}" stroke="#444"/>`,
  );
  for (let i = 0; i < k; i++) {
    const x = x0 + 30 + i * bw;
    const v = m.means[i];
    out.push(
      `<rect x="${(x + bw * 0.15).toFixed(1)}" y="${Math.min(py(v), py(0)).toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${Math.abs(py(0) - py(v)).toFixed(1)}" fill="#1f77b4"/>`,
    );
    const e = m.errors[i];
    out.push(
      `<line x1="${(x + bw / 2).toFixed(1)}" x2="${(x + bw / 2).toFixed(1)}" y1="${py(v - e).toFixed(1)}" y2="${py(v + e).toFixed(1)}" stroke="#000"/>`,
    );
    if (m.pValues.length === k && m.pValues[i] < m.alpha)
      out.push(
        svgText(x + bw / 2, py(Math.max(v + e, 0)) - 4, "*", 'text-anchor="middle" font-size="14"'),
      );
    out.push(
      `<text transform="translate(${(x + bw / 2).toFixed(1)} ${(y0 + 30 + plotH).toFixed(1)}) rotate(45)" font-size="9">${escapeText(clip(m.names[i], 16))}</text>`,
    );
  }
  out.push(
    svgText(x0 + 2, py(top) + 4, fmt(top), 'font-size="9"'),
    svgText(x0 + 2, py(bottom) + 4, fmt(bottom), 'font-size="9"'),
  );
  return out;
}

/**
 * The GT_{l,u} matrices of a figure's RDMs (what the widget shows for given thresholds).
 *
 * @example
 * ```ts
 * import { geotopologicalOf, rdmFigure, rsa } from "neurolab";
 * const fig = rdmFigure(rsa.makeRdms([[1, 2, 3, 4, 5, 6]]));
 * geotopologicalOf(fig.data, 0.2, 0.8); // what the widget's sliders show: the transformed RDMs
 * ```
 */
export function geotopologicalOf(d: RdmData, lower = d.lower, upper = d.upper): Float64Array[] {
  const p = condensedLength(d.nConditions);
  return d.rdmNames.map((_, r) =>
    geotopological(d.dissimilarities.subarray(r * p, (r + 1) * p), lower, upper),
  );
}
