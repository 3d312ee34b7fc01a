/**
 * Continuous activity (calcium traces, rates, potentials) as a neurons x time heatmap: the
 * interactive payload (`application/vnd.neurolab.activity.v1+json`), a static SVG fallback and a
 * text summary.
 */
import {
  ACTIVITY_MIME,
  activityValueLabel,
  encodeActivity,
  type ActivityData,
  type ActivityPayload,
} from "../schema/index.js";
import { encodePng, hexRgb, STATIC_FALLBACK_BUDGET_BYTES, svgPngImage } from "./png.js";
import { checkOptions, describeValue } from "../core/validate.js";
import { figureClass, type Figure, type FigureKind } from "./figure.js";
import { clip, fmt, svgOpen, svgText, viridis } from "./svg.js";

/** Input of {@link activityFigure}. */
export interface ActivityInput {
  /** Values, row-major; `layout` says whether rows are neurons (default) or time steps. */
  data: ArrayLike<number>;
  nNeurons: number;
  nTimes: number;
  /** "neurons x time" (default) or "time x neurons" (as `connectome.wormRecordings`' `data`). */
  layout?: "neurons x time" | "time x neurons";
  dt_s: number;
  t_start_s?: number;
  labels?: readonly string[];
}

/** Options of {@link activityFigure}. */
export interface ActivityFigureOptions {
  title?: string;
  /** Name of the values (default "activity"), e.g. "ΔF/F", "rate", "v". */
  quantity?: string;
  /** Unit of the values (default "": dimensionless or unknown), e.g. "Hz", "mV". */
  unit?: string;
  /** Keep only rows with at least one non-NaN value (default true). */
  dropEmpty?: boolean;
}

/** The activity figure kind: payload, static SVG and text of an {@link ActivityData}. */
export const ACTIVITY_FIGURE: FigureKind<ActivityData, ActivityPayload> = {
  mime: ACTIVITY_MIME,
  payload: encodeActivity,
  svg: activitySvg,
  text: (d) =>
    `Activity "${d.title}": ${d.nNeurons} neurons x ${d.nTimes} samples (dt ${fmt(d.dt_s)} s, ${activityValueLabel(d)})`,
};

/** An activity heatmap that displays itself. */
export type ActivityFigure = Figure<ActivityData, ActivityPayload>;
/** `new ActivityFigure(data)`: an activity figure of heatmap data (see {@link ACTIVITY_FIGURE}). */
export const ActivityFigure = figureClass(ACTIVITY_FIGURE);

const ACTIVITY_INPUT_KEYS: Record<keyof ActivityInput, true> = {
  data: true,
  nNeurons: true,
  nTimes: true,
  layout: true,
  dt_s: true,
  t_start_s: true,
  labels: true,
};
const ACTIVITY_FIGURE_KEYS: Record<keyof ActivityFigureOptions, true> = {
  title: true,
  quantity: true,
  unit: true,
  dropEmpty: true,
};

/**
 * A displayable neurons x time heatmap of continuous activity (e.g. C. elegans calcium traces).
 *
 * @example
 * ```ts
 * import { activityFigure } from "neurolab";
 * // 3 neurons x 4 samples at 1 Hz (calcium-imaging style), rows named
 * activityFigure({ labels: ["AVAL", "AVAR", "RIML"], data: [0, 1, 2, 1, 0, 1, 2, 1.5, 2, 1, 0, 0], nNeurons: 3, nTimes: 4, dt_s: 1 });
 * ```
 */
export function activityFigure(
  input: ActivityInput,
  opts: ActivityFigureOptions = {},
): ActivityFigure {
  if (input === undefined)
    throw new TypeError(
      "activityFigure needs an input object with data, nNeurons, nTimes and dt_s",
    );
  checkOptions(input, Object.keys(ACTIVITY_INPUT_KEYS), "activityFigure input");
  checkOptions(opts, Object.keys(ACTIVITY_FIGURE_KEYS), "activityFigure options");
  if (
    input.layout !== undefined &&
    input.layout !== "neurons x time" &&
    input.layout !== "time x neurons"
  )
    throw new RangeError(
      `activityFigure input.layout must be "neurons x time" or "time x neurons", got ${describeValue(input.layout)}`,
    );
  for (const key of ["title", "quantity", "unit"] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== "string")
      throw new TypeError(
        `activityFigure options.${key} must be a string, got ${describeValue(opts[key])}`,
      );
  }
  if (opts.dropEmpty !== undefined && typeof opts.dropEmpty !== "boolean")
    throw new TypeError(
      `activityFigure options.dropEmpty must be true or false, got ${describeValue(opts.dropEmpty)}`,
    );
  const { nNeurons, nTimes } = input;
  if (!(Number.isInteger(nNeurons) && nNeurons >= 1))
    throw new RangeError(`nNeurons must be an integer >= 1, got ${nNeurons}`);
  if (!(Number.isInteger(nTimes) && nTimes >= 1))
    throw new RangeError(`nTimes must be an integer >= 1, got ${nTimes}`);
  if (input.data.length !== nNeurons * nTimes)
    throw new RangeError(
      `data must have nNeurons x nTimes = ${nNeurons * nTimes} values, got ${input.data.length}`,
    );
  if (!(input.dt_s > 0 && Number.isFinite(input.dt_s)))
    throw new RangeError(`dt_s must be a finite number > 0, got ${input.dt_s}`);
  const labels = input.labels
    ? [...input.labels].map(String)
    : Array.from({ length: nNeurons }, (_, i) => String(i));
  if (labels.length !== nNeurons)
    throw new RangeError(`labels must have ${nNeurons} entries, got ${labels.length}`);
  const byTime = input.layout === "time x neurons";
  const at = (i: number, t: number) =>
    byTime ? input.data[t * nNeurons + i] : input.data[i * nTimes + t];
  let rows = Array.from({ length: nNeurons }, (_, i) => i);
  if (opts.dropEmpty ?? true) {
    rows = rows.filter((i) => {
      for (let t = 0; t < nTimes; t++) if (!Number.isNaN(at(i, t))) return true;
      return false;
    });
    if (rows.length === 0) throw new RangeError("data has no recorded (non-NaN) values");
  }
  const values = new Float32Array(rows.length * nTimes);
  rows.forEach((i, r) => {
    for (let t = 0; t < nTimes; t++) {
      const v = at(i, t);
      if (v === Infinity || v === -Infinity)
        throw new RangeError(
          `data value of neuron ${i} at step ${t} must be finite or NaN, got ${v}`,
        );
      values[r * nTimes + t] = v;
    }
  });
  return new ActivityFigure({
    title: opts.title ?? "",
    quantity: opts.quantity ?? "activity",
    unit: opts.unit ?? "",
    nNeurons: rows.length,
    nTimes,
    tStart_s: input.t_start_s ?? 0,
    dt_s: input.dt_s,
    labels: rows.map((i) => labels[i]),
    values,
  });
}

/**
 * The static heatmap: averaged cells as vector rectangles while the SVG stays within
 * {@link STATIC_FALLBACK_BUDGET_BYTES}, else as one PNG (one pixel per cell, palette viridis).
 */
function activitySvg(d: ActivityData): string {
  // A vector cell costs ~85 bytes: skip the vector attempt when it cannot fit.
  const cells = Math.min(d.nTimes, 300) * Math.min(d.nNeurons, 200);
  const vector = 85 * cells <= STATIC_FALLBACK_BUDGET_BYTES ? activitySvgWith(d, "vector") : null;
  return vector !== null && vector.length <= STATIC_FALLBACK_BUDGET_BYTES
    ? vector
    : activitySvgWith(d, "bitmap");
}

function activitySvgWith(d: ActivityData, cells: "vector" | "bitmap"): string {
  const W = 760;
  const H = Math.min(760, 70 + Math.max(170, d.nNeurons * 11));
  const M = { l: 70, r: 70, t: 30, b: 40 };
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const tb = Math.min(d.nTimes, 300);
  const nb = Math.min(d.nNeurons, 200);
  // Robust colour range: 1st..99th percentile of the finite values.
  const finite = d.values.filter((v) => !Number.isNaN(v)).sort(); // typed sort: numeric order
  const lo = finite.length ? finite[Math.floor(0.01 * (finite.length - 1))] : 0;
  let hi = finite.length ? finite[Math.ceil(0.99 * (finite.length - 1))] : 1;
  if (!(hi > lo)) hi = lo + 1;
  const alt = `Activity heatmap${d.title ? ` "${d.title}"` : ""}: ${activityValueLabel(d)} of ${d.nNeurons} neurons over ${fmt(d.nTimes * d.dt_s)} s (colour scale ${fmt(lo)} to ${fmt(hi)})`;
  const out = [
    svgOpen(W, H, alt),
    svgText(W / 2, 18, d.title, 'text-anchor="middle" font-size="13"'),
  ];
  const cw = pw / tb;
  const ch = ph / nb;
  const rects: string[] = [];
  // Bitmap: palette 0 = not recorded (transparent), 1..255 = viridis.
  const palette = [
    [255, 255, 255, 0],
    ...Array.from({ length: 255 }, (_, k) => [...hexRgb(viridis(k / 254)), 255]),
  ];
  const pixels = cells === "bitmap" ? new Uint8Array(tb * nb) : null;
  for (let r = 0; r < nb; r++) {
    const i0 = Math.floor((r * d.nNeurons) / nb);
    const i1 = Math.max(i0 + 1, Math.floor(((r + 1) * d.nNeurons) / nb));
    for (let b = 0; b < tb; b++) {
      const t0 = Math.floor((b * d.nTimes) / tb);
      const t1 = Math.max(t0 + 1, Math.floor(((b + 1) * d.nTimes) / tb));
      let s = 0;
      let c = 0;
      for (let i = i0; i < i1; i++)
        for (let t = t0; t < t1; t++) {
          const v = d.values[i * d.nTimes + t];
          if (!Number.isNaN(v)) {
            s += v;
            c++;
          }
        }
      if (c === 0) continue;
      if (pixels) {
        pixels[r * tb + b] =
          1 + Math.round(254 * Math.min(1, Math.max(0, (s / c - lo) / (hi - lo))));
        continue;
      }
      rects.push(
        `<rect x="${(M.l + b * cw).toFixed(1)}" y="${(M.t + r * ch).toFixed(1)}" width="${(cw + 0.3).toFixed(2)}" height="${(ch + 0.3).toFixed(2)}" fill="${viridis((s / c - lo) / (hi - lo))}"/>`,
      );
    }
  }
  if (pixels)
    out.push(
      svgPngImage(
        encodePng({ width: tb, height: nb, pixels, palette, text: { Description: alt } }),
        M.l,
        M.t,
        pw,
        ph,
      ),
    );
  else out.push(`<g shape-rendering="crispEdges">${rects.join("")}</g>`);
  out.push(`<rect x="${M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  // Row labels at a readable size (>= 8 px): every row when they fit, else every k-th row.
  const every = Math.max(1, Math.ceil((9 * d.nNeurons) / ph));
  const fs = Math.min(10, Math.max(8, (ph / d.nNeurons) * every - 1));
  for (let i = 0; i < d.nNeurons; i += every)
    out.push(
      svgText(
        M.l - 4,
        M.t + ((i + 0.5) * ph) / d.nNeurons + fs / 3,
        clip(d.labels[i], 10),
        `text-anchor="end" font-size="${fs.toFixed(1)}"`,
      ),
    );
  const t0 = d.tStart_s;
  const t1 = d.tStart_s + (d.nTimes - 1) * d.dt_s;
  out.push(
    svgText(M.l, H - 22, `${fmt(t0)} s`),
    svgText(M.l + pw, H - 22, `${fmt(t1)} s`, 'text-anchor="end"'),
    svgText(M.l + pw / 2, H - 8, "time (s)", 'text-anchor="middle"'),
  );
  for (let s = 0; s < 50; s++)
    out.push(
      `<rect x="${W - M.r + 10}" y="${(M.t + (49 - s) * 3).toFixed(1)}" width="12" height="3.2" fill="${viridis(s / 49)}"/>`,
    );
  out.push(
    svgText(W - M.r + 26, M.t + 8, fmt(hi)),
    svgText(W - M.r + 26, M.t + 150, fmt(lo)),
    svgText(W - M.r + 10, M.t + 166, clip(d.quantity, 10)),
  );
  if (d.unit) out.push(svgText(W - M.r + 10, M.t + 180, clip(`(${d.unit})`, 10)));
  out.push("</svg>");
  return out.join("");
}
