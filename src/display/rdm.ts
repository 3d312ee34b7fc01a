/**
 * RDM sets as displayable figures: the interactive payload (`application/vnd.neurolab.rdm.v1+json`:
 * RDM heatmaps with a shared colour scale, live geo-topological thresholds, MDS, model
 * comparison), a static SVG fallback drawn without a browser, and a text summary.
 */
import { geotopological, condensedLength, encodeRdm, measureLabel, RDM_MAX_CONDITIONS, RDM_MAX_ENTRIES, RDM_MAX_RDMS, RDM_MIME, type ModelComparison, type RdmData, type RdmPayload } from "../schema/index.js";
import { mds as mdsEmbed } from "../rsa/mds.js";
import { evaluationSummary, type BootstrapEvaluation, type DualBootstrapEvaluation, type FixedEvaluation } from "../rsa/inference.js";
import type { Rdms } from "../rsa/rdms.js";
import { MIME_BUNDLE, type MimeBundle } from "./bundle.js";
import { CATEGORY_COLORS, clip, fmt, svgOpen, svgText, viridis } from "./svg.js";
import { placeLabels } from "../schema/labels.js";
import { encodePng, hexRgb, STATIC_FALLBACK_BUDGET_BYTES, svgPngImage } from "./png.js";
import { describeValue } from "../core/describe.js";

/** A model evaluation as accepted by {@link rdmFigure}'s `models` option. */
export type ModelEvaluation = FixedEvaluation | BootstrapEvaluation | DualBootstrapEvaluation | (Omit<ModelComparison, "alpha" | "pValues"> & { alpha?: number; pValues?: number[] });

/** Options of {@link rdmFigure}. */
export interface RdmFigureOptions {
  title?: string;
  /** Condition labels: a pattern descriptor name, or one label per condition. Default: the first descriptor other than "index", else the index. */
  labels?: string | readonly (string | number)[];
  /** RDM names: an RDM descriptor name, or one name per RDM. Default: the first descriptor other than "index", else "RDM 1", "RDM 2", ... */
  rdmNames?: string | readonly (string | number)[];
  /** Compute a 2-D MDS of RDM `mdsRdm` (default true; metric MDS, see `rsa.mds`). */
  mds?: boolean | "classical" | "metric";
  /** Which RDM the MDS embeds (default 0). */
  mdsRdm?: number;
  /** Initial tRSA thresholds (quantiles), default l = 0, u = 1. */
  lower?: number;
  upper?: number;
  /** Model comparison to show as a bar chart (evalFixed / evalBootstrap result or explicit values). */
  models?: ModelEvaluation;
  /** Significance level of the bar marks (default 0.05, one-sided t-test against 0, uncorrected). */
  alpha?: number;
  /**
   * Category of every condition, colouring the MDS points: a pattern descriptor name or one
   * value per condition. Default: the first pattern descriptor (other than "index" and the
   * labels' one) with repeated values, else none.
   */
  categories?: string | readonly (string | number)[];
}

/** An RDM set (plus optional MDS and model comparison) that displays itself. */
export class RdmFigure {
  constructor(readonly data: RdmData) {}

  /**
   * The widget payload. RDMs without any finite dissimilarity (e.g. the geo-topological
   * transform of a constant RDM) have nothing to draw and are left out (the text says so);
   * RangeError when no RDM is left.
   */
  payload(): RdmPayload {
    const drawable = drawableRdms(this.data);
    if (!drawable) throw new RangeError(`RDM figure "${this.data.title}": no RDM has a finite dissimilarity (all NaN), so there is nothing to draw`);
    return encodeRdm(drawable);
  }

  toString(): string {
    const d = this.data;
    const n = d.rdmNames.length;
    const empty = emptyRdms(d);
    const limit = Math.min(RDM_MAX_RDMS, Math.floor(RDM_MAX_ENTRIES / condensedLength(d.nConditions)));
    const extra = d.nConditions > RDM_MAX_CONDITIONS ? `; more than ${RDM_MAX_CONDITIONS} conditions: too many for the interactive widget` : n > limit ? `; the interactive widget shows the first ${limit}` : "";
    return `RDM figure "${d.title}": ${n} RDM${n === 1 ? "" : "s"} (${d.measure || "dissimilarity"}) over ${d.nConditions} conditions` +
      (d.models ? `, ${d.models.names.length} models compared (${d.models.method})` : "") +
      (empty.length > 0 ? `; all NaN, not drawn: ${empty.map((r) => d.rdmNames[r]).join(", ")}` : "") +
      extra;
  }

  toSvg(): string {
    return rdmSvg(this.data);
  }

  [MIME_BUNDLE](): MimeBundle {
    const drawable = drawableRdms(this.data);
    const bundle: MimeBundle = { "image/svg+xml": this.toSvg(), "text/plain": this.toString() };
    return drawable ? { [RDM_MIME]: encodeRdm(drawable), ...bundle } : bundle;
  }
}

/** Indices of the RDMs without any finite dissimilarity. */
function emptyRdms(d: RdmData): number[] {
  const p = condensedLength(d.nConditions);
  const out: number[] = [];
  for (let r = 0; r < d.rdmNames.length; r++) {
    let any = false;
    for (let k = r * p; k < (r + 1) * p && !any; k++) any = d.dissimilarities[k] === d.dissimilarities[k];
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
  const limit = Math.min(RDM_MAX_RDMS, Math.floor(RDM_MAX_ENTRIES / condensedLength(d.nConditions)));
  const empty = emptyRdms(d).concat(d.rdmNames.map((_, r) => r).filter((r) => r >= limit));
  const mdsOk = d.mds !== null && !empty.includes(d.mds.rdm) && d.mds.coordinates.every(Number.isFinite) && Number.isFinite(d.mds.stress);
  if (empty.length === 0) return mdsOk || d.mds === null ? d : { ...d, mds: null };
  const keep = d.rdmNames.map((_, r) => r).filter((r) => !empty.includes(r));
  if (keep.length === 0) return null;
  const p = condensedLength(d.nConditions);
  const dissimilarities = new Float64Array(keep.length * p);
  keep.forEach((r, k) => dissimilarities.set(d.dissimilarities.subarray(r * p, (r + 1) * p), k * p));
  const mds = mdsOk && d.mds ? { ...d.mds, rdm: keep.indexOf(d.mds.rdm) } : null;
  return { ...d, rdmNames: keep.map((r) => d.rdmNames[r]), dissimilarities, mds };
}

function descriptorLabels(desc: Readonly<Record<string, readonly (string | number)[]>>, opt: string | readonly (string | number)[] | undefined, count: number, fallback: (i: number) => string, what: string): string[] {
  if (Array.isArray(opt)) {
    if (opt.length !== count) throw new RangeError(`${what} must have ${count} entries, got ${opt.length}`);
    return opt.map(String);
  }
  if (typeof opt === "string") {
    const values = desc[opt];
    if (!values) throw new RangeError(`${what}: no descriptor ${describeValue(opt)} (have ${Object.keys(desc).join(", ")})`);
    return values.map(String);
  }
  const name = Object.keys(desc).find((k) => k !== "index");
  return name ? desc[name].map(String) : Array.from({ length: count }, (_, i) => fallback(i));
}

/**
 * The bar chart's numbers. Library results go through `rsa.evaluationSummary` (rsatoolbox's
 * `Result`: n/(n-1)-corrected variances, SEM error bars, one-sided t-tests against 0), so the
 * widget shows exactly what the library reports.
 */
function modelComparison(m: ModelEvaluation, alpha: number): ModelComparison {
  if ("models" in m) {
    if (m.means.length !== m.models.length) throw new RangeError(`models: ${m.models.length} names but ${m.means.length} means`);
    const s = evaluationSummary(m);
    const errors = s.sems.map((e) => (Number.isFinite(e) ? e : 0));
    const pValues = s.pZero.every(Number.isFinite) ? s.pZero.map((p) => Math.min(1, Math.max(0, p))) : [];
    return { method: m.method, names: [...s.models], means: [...s.means], errors, pValues, alpha, noiseCeiling: s.noiseCeiling };
  }
  return { method: m.method, names: [...m.names], means: [...m.means], errors: [...m.errors], pValues: [...(m.pValues ?? [])], alpha: m.alpha ?? alpha, noiseCeiling: m.noiseCeiling };
}

/**
 * A displayable figure of an RDM set: heatmaps with condition labels and one colour scale
 * shared by all RDMs, live tRSA thresholds (geo-topological transform computed in the browser
 * from the RDM, same definition as `rsa.geotopologicalTransform`), a 2-D MDS of the conditions
 * and, with `models`, an rsatoolbox-style model-comparison bar chart.
 */
export function rdmFigure(rdms: Rdms, opts: RdmFigureOptions = {}): RdmFigure {
  const n = rdms.nConditions;
  const labels = descriptorLabels(rdms.patternDescriptors, opts.labels, n, (i) => String(i), "labels");
  const rdmNames = descriptorLabels(rdms.rdmDescriptors, opts.rdmNames, rdms.nRdm, (i) => `RDM ${i + 1}`, "rdmNames");
  const lower = opts.lower ?? 0;
  const upper = opts.upper ?? 1;
  if (!(lower >= 0 && lower <= 1)) throw new RangeError(`lower must be in [0, 1], got ${lower}`);
  if (!(upper >= lower && upper <= 1)) throw new RangeError(`upper must be in [lower, 1] = [${lower}, 1], got ${upper}`);
  for (let k = 0; k < rdms.dissimilarities.length; k++) {
    const v = rdms.dissimilarities[k];
    if (v === Infinity || v === -Infinity) throw new RangeError(`dissimilarities[${k}] must be finite or NaN (missing), got ${v}`);
  }
  let mds: RdmData["mds"] = null;
  const mdsOpt = opts.mds ?? true;
  if (mdsOpt !== false && n >= 3) {
    const rdm = opts.mdsRdm ?? 0;
    const method = mdsOpt === "classical" ? "classical" : "metric";
    const e = mdsEmbed(rdms, { dims: 2, method, rdm });
    const coordinates = new Float64Array(2 * n);
    e.coordinates.forEach((c, i) => ((coordinates[2 * i] = c[0]), (coordinates[2 * i + 1] = c[1])));
    mds = { rdm, method, stress: e.stress, coordinates };
  }
  const models = opts.models ? modelComparison(opts.models, opts.alpha ?? 0.05) : null;
  const categories = conditionCategories(rdms, opts, n);
  return new RdmFigure({
    title: opts.title ?? "",
    measure: rdms.measure,
    nConditions: n,
    labels,
    rdmNames,
    dissimilarities: Float64Array.from(rdms.dissimilarities),
    lower,
    upper,
    mds,
    models,
    categories,
  });
}

function conditionCategories(rdms: Rdms, opts: RdmFigureOptions, n: number): string[] | null {
  const c = opts.categories;
  if (c !== undefined) return descriptorLabels(rdms.patternDescriptors, c, n, String, "categories");
  const labelKey = typeof opts.labels === "string" ? opts.labels : opts.labels === undefined ? Object.keys(rdms.patternDescriptors).find((k) => k !== "index") : undefined;
  for (const [key, values] of Object.entries(rdms.patternDescriptors)) {
    if (key === "index" || key === labelKey || values.length !== n) continue;
    const distinct = new Set(values.map(String)).size;
    if (distinct >= 2 && distinct < n) return values.map(String);
  }
  return null;
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
  const alt = `${nR} RDM${nR === 1 ? "" : "s"}${d.title ? ` "${d.title}"` : ""} of ${measureLabel(d.measure)} over ${n} conditions` + (d.mds ? `, with a ${d.mds.method} MDS` : "") + (d.models ? ", with a model comparison" : "");
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
      const palette = [[255, 255, 255, 0], ...Array.from({ length: 255 }, (_, c) => [...hexRgb(viridis(c / 254)), 255])];
      const level = (x: number) => (Number.isNaN(x) ? 0 : 1 + Math.round(254 * Math.min(1, Math.max(0, (x - lo) / (hi - lo)))));
      const pixels = new Uint8Array(n * n).fill(level(0));
      let q = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++, q++) pixels[i * n + j] = pixels[j * n + i] = level(v[q]);
      out.push(svgPngImage(encodePng({ width: n, height: n, pixels, palette, text: { Description: alt } }), ox, oy, CELL_AREA, CELL_AREA));
    }
    let k = 0;
    const rects: string[] = [];
    for (let i = 0; i < n && !bitmap; i++) {
      rects.push(`<rect x="${(ox + i * cell).toFixed(2)}" y="${(oy + i * cell).toFixed(2)}" width="${cell.toFixed(2)}" height="${cell.toFixed(2)}" fill="${viridis((0 - lo) / (hi - lo))}"/>`);
      for (let j = i + 1; j < n; j++, k++) {
        const c = viridis((v[k] - lo) / (hi - lo));
        for (const [a, b] of [[i, j], [j, i]]) {
          rects.push(`<rect x="${(ox + b * cell).toFixed(2)}" y="${(oy + a * cell).toFixed(2)}" width="${cell.toFixed(2)}" height="${cell.toFixed(2)}" fill="${c}"/>`);
        }
      }
    }
    out.push(`<g shape-rendering="crispEdges">${rects.join("")}</g>`);
    if (showLabels) {
      const fs = Math.max(6, Math.min(10, cell * 0.9));
      d.labels.forEach((label, i) => {
        out.push(svgText(ox - 3, oy + (i + 0.5) * cell + fs / 3, clip(label, 12), `text-anchor="end" font-size="${fs.toFixed(1)}"`));
        const x = ox + (i + 0.5) * cell;
        const y = oy + CELL_AREA + 4;
        out.push(`<text transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(60)" font-size="${fs.toFixed(1)}">${escapeText(clip(label, 12))}</text>`);
      });
    }
  }
  if (nR > shown) out.push(svgText(10, 40 + heatH - 6, `(${nR - shown} more RDMs in the interactive view)`, 'fill="#666"'));
  // Colour bar.
  const cby = 56;
  for (let s = 0; s < 50; s++) out.push(`<rect x="${cbx}" y="${(cby + (49 - s) * 3).toFixed(1)}" width="12" height="3.2" fill="${viridis(s / 49)}"/>`);
  out.push(svgText(cbx + 16, cby + 8, fmt(hi)), svgText(cbx + 16, cby + 150, fmt(lo)));
  // Centred on the bar, at most as long as the heatmap rows are tall (clipped with an ellipsis).
  const maxChars = Math.max(8, Math.floor((heatH - 20) / 6.2));
  out.push(`<text transform="translate(${cbLabelX.toFixed(1)} ${cby + 75}) rotate(90)" text-anchor="middle">${escapeText(clip(measureLabel(d.measure), Math.min(32, maxChars)))}</text>`);
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
  const out = [svgText(x0 + w / 2, y0 + 12, `${m.method} MDS of ${clip(d.rdmNames[m.rdm], 24)} (Kruskal stress-1 ${fmt(m.stress)})`, 'text-anchor="middle"')];
  out.push(`<rect x="${x0}" y="${y0 + 20}" width="${w}" height="${h - 20}" fill="none" stroke="#ccc"/>`);
  const cats = d.categories ?? null;
  const order = cats ? [...new Set(cats)] : [];
  const colorOf = (i: number) => (cats ? CATEGORY_COLORS[order.indexOf(cats[i]) % CATEGORY_COLORS.length] : CATEGORY_COLORS[0]);
  const placed = n <= 40 ? placeLabels(xs.map(px), ys.map(py), d.labels.map((l) => clip(l, 14)), 9, 4) : null;
  for (let i = 0; i < n; i++) {
    out.push(`<circle cx="${px(xs[i]).toFixed(1)}" cy="${py(ys[i]).toFixed(1)}" r="4" fill="${colorOf(i)}"/>`);
    if (placed) {
      const p = placed[i];
      const anchor = p.dx > 0 ? "start" : p.dx < 0 ? "end" : "middle";
      out.push(svgText(px(xs[i]) + p.dx, py(ys[i]) + p.dy, clip(d.labels[i], 14), `font-size="9" text-anchor="${anchor}"`));
    }
  }
  order.forEach((c, k) => {
    out.push(`<circle cx="${x0 + 10}" cy="${y0 + 32 + 13 * k}" r="4" fill="${CATEGORY_COLORS[k % CATEGORY_COLORS.length]}"/>`);
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
  const out = [svgText(x0 + w / 2, y0 + 12, `model comparison (${clip(m.method, 20)})`, 'text-anchor="middle"')];
  if (m.noiseCeiling) {
    const [lo, hi] = m.noiseCeiling;
    out.push(`<rect x="${x0 + 30}" y="${py(hi).toFixed(1)}" width="${w - 40}" height="${Math.max(1, py(lo) - py(hi)).toFixed(1)}" fill="#999" fill-opacity="0.35"/>`);
  }
  out.push(`<line x1="${x0 + 30}" x2="${x0 + w - 10}" y1="${py(0).toFixed(1)}" y2="${py(0).toFixed(1)}" stroke="#444"/>`);
  for (let i = 0; i < k; i++) {
    const x = x0 + 30 + i * bw;
    const v = m.means[i];
    out.push(`<rect x="${(x + bw * 0.15).toFixed(1)}" y="${Math.min(py(v), py(0)).toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${Math.abs(py(0) - py(v)).toFixed(1)}" fill="#1f77b4"/>`);
    const e = m.errors[i];
    out.push(`<line x1="${(x + bw / 2).toFixed(1)}" x2="${(x + bw / 2).toFixed(1)}" y1="${py(v - e).toFixed(1)}" y2="${py(v + e).toFixed(1)}" stroke="#000"/>`);
    if (m.pValues.length === k && m.pValues[i] < m.alpha) out.push(svgText(x + bw / 2, py(Math.max(v + e, 0)) - 4, "*", 'text-anchor="middle" font-size="14"'));
    out.push(`<text transform="translate(${(x + bw / 2).toFixed(1)} ${(y0 + 30 + plotH).toFixed(1)}) rotate(45)" font-size="9">${escapeText(clip(m.names[i], 16))}</text>`);
  }
  out.push(svgText(x0 + 2, py(top) + 4, fmt(top), 'font-size="9"'), svgText(x0 + 2, py(bottom) + 4, fmt(bottom), 'font-size="9"'));
  return out;
}

/** The GT_{l,u} matrices of a figure's RDMs (what the widget shows for given thresholds). */
export function geotopologicalOf(d: RdmData, lower = d.lower, upper = d.upper): Float64Array[] {
  const p = condensedLength(d.nConditions);
  return d.rdmNames.map((_, r) => geotopological(d.dissimilarities.subarray(r * p, (r + 1) * p), lower, upper));
}
