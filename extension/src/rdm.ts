/**
 * The RDM renderer (`application/vnd.neurolab.rdm.v1+json`): RDM heatmaps with condition labels
 * and one colour scale shared by all RDMs; live tRSA sliders for the lower / upper thresholds
 * l, u that recompute the geo-topological matrix in the browser (the library's definition, from
 * `neurolab/schema`); an MDS scatter of the conditions that follows the sliders (classical MDS
 * of the GT matrix, computed in the browser with the library's shared routine and rotated to
 * stay aligned with the previous picture); and a model-comparison bar chart with error bars,
 * noise-ceiling band and significance marks.
 */
import {
  alignPlanar,
  classicalMdsCondensed,
  condensedLength,
  decodeRdm,
  geotopologicalFromNormalised,
  kruskalStress,
  measureLabel,
  placeLabels,
  rankNormalise,
  type RdmData,
} from "neurolab/schema";
import {
  axisStyle,
  baseLayout,
  el,
  keepKeys,
  plotlyConfig,
  plotlyText,
  PlotRenderer,
  select,
  slider,
} from "./base.js";
import type { Plotly } from "./plotly.js";
import type { FullLayout } from "plotly.js-dist-min";
import type { PlotTheme } from "./theme.js";

export const RDM_CLASS = "neurolab-rdm";
const PER_ROW = 3;
/** At most this many RDMs are drawn as heatmaps (all of them are available in the tRSA panel). */
const MAX_HEATMAPS = 9;
const PANEL_H = 300;
/** Condition count up to which tick labels and per-cell hover text are drawn. */
const MAX_TICK_LABELS = 60;
const MAX_HOVER_TEXT = 200;
/** Condition count up to which the live MDS is recomputed on every slider frame (O(n^3)); above, once the slider rests. */
const LIVE_MDS_CONDITIONS = 150;
const MDS_SETTLE_MS = 250;

/** A 2-D embedding shown in the MDS panel. */
interface Embedding2 {
  /** n x 2, row-major. */
  x: Float64Array;
  stress: number;
  /** "live": classical MDS of the GT matrix; "payload": the library's MDS of the raw RDM. */
  source: "live" | "payload";
}

/** Square rows of a condensed vector; NaN -> null (a gap), `diag` on the diagonal. */
export function squareRows(
  v: ArrayLike<number>,
  n: number,
  diag: number | null,
): (number | null)[][] {
  const m: (number | null)[][] = Array.from({ length: n }, () =>
    new Array<number | null>(n).fill(diag),
  );
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      const x = v[k];
      m[i][j] = m[j][i] = Number.isNaN(x) ? null : x;
    }
  }
  return m;
}

export class RdmRenderer extends PlotRenderer<RdmData> {
  protected readonly kind = "rdm";
  protected readonly readyClass = RDM_CLASS;
  private heatDiv: HTMLDivElement | null = null;
  private gtDiv: HTMLDivElement | null = null;
  private modelDiv: HTMLDivElement | null = null;
  private lowerInput: HTMLInputElement | null = null;
  private upperInput: HTMLInputElement | null = null;
  private rdmSelect: HTMLSelectElement | null = null;
  private lowerOut: HTMLSpanElement | null = null;
  private upperOut: HTMLSpanElement | null = null;
  /** Rank-normalised RDMs (the slider-independent part of GT), computed once per RDM. */
  private normalised = new Map<number, Float64Array>();
  private frame = 0;
  /** The embedding last drawn (the next one is aligned to it). */
  private lastMds: Embedding2 | null = null;
  private mdsTimer: ReturnType<typeof setTimeout> | undefined;

  protected decode(value: unknown): RdmData {
    this.normalised.clear();
    this.lastMds = null;
    clearTimeout(this.mdsTimer);
    return decodeRdm(value);
  }

  /**
   * The MDS of the GT matrix (classical, in the browser), rotated onto the previous picture (or
   * the payload's MDS the first time). A GT matrix with missing pairs cannot be embedded
   * classically: then the payload's MDS of the raw RDM is shown, if any.
   */
  private embed(d: RdmData, v: Float64Array): Embedding2 | null {
    const n = d.nConditions;
    if (n < 3) return null;
    if (v.some(Number.isNaN))
      return d.mds ? { x: d.mds.coordinates, stress: d.mds.stress, source: "payload" } : null;
    const { x } = classicalMdsCondensed(v, n, 2);
    const reference = this.lastMds?.x ?? d.mds?.coordinates ?? null;
    const aligned = reference ? alignPlanar(x, reference, n) : x;
    return { x: aligned, stress: kruskalStress(aligned, v, n, 2), source: "live" };
  }

  protected skeleton(d: RdmData): void {
    const node = this.node;
    if (d.title) node.appendChild(el("div", "neurolab-title", d.title));
    const nR = d.rdmNames.length;
    this.heatDiv = this.plotContainer(
      "neurolab-rdm-heatmaps",
      heatHeight(Math.min(nR, MAX_HEATMAPS)),
    );
    node.appendChild(this.heatDiv);
    const controls = el("div", "neurolab-controls neurolab-rdm-controls");
    controls.appendChild(el("span", "neurolab-control-heading", "tRSA geo-topological transform"));
    const lo = slider("lower l", "neurolab-rdm-lower", 0, 1, 0.01, d.lower);
    const hi = slider("upper u", "neurolab-rdm-upper", 0, 1, 0.01, d.upper);
    this.lowerInput = lo.input;
    this.upperInput = hi.input;
    this.lowerOut = lo.out;
    this.upperOut = hi.out;
    controls.append(lo.wrap, hi.wrap);
    if (nR > 1) {
      const s = select(
        "RDM",
        "neurolab-rdm-select",
        d.rdmNames.map((name, i) => [String(i), name]),
        "0",
      );
      this.rdmSelect = s.input;
      controls.appendChild(s.wrap);
      s.input.addEventListener("change", () => this.updateGt());
    }
    lo.input.addEventListener("input", () => this.onSlider("lower"));
    hi.input.addEventListener("input", () => this.onSlider("upper"));
    keepKeys(controls);
    node.appendChild(controls);
    this.gtDiv = this.plotContainer("neurolab-rdm-gt", 360);
    node.appendChild(this.gtDiv);
    if (d.models) {
      this.modelDiv = this.plotContainer("neurolab-rdm-models", 340);
      node.appendChild(this.modelDiv);
    }
    const caption = el(
      "div",
      "neurolab-caption",
      // The MDS and its stress are named once, in the MDS panel's title (the embedding shown there).
      `${nR} RDM${nR === 1 ? "" : "s"}${nR > MAX_HEATMAPS ? ` (first ${MAX_HEATMAPS} drawn; all in the tRSA selector)` : ""} \u00b7 ${d.nConditions} conditions \u00b7 ${measureLabel(d.measure)}`,
    );
    node.appendChild(caption);
    node.dataset.nConditions = String(d.nConditions);
    node.dataset.nRdms = String(nR);
  }

  private onSlider(moved: "lower" | "upper"): void {
    const lo = this.lowerInput!;
    const hi = this.upperInput!;
    // Keep l <= u: the slider not being dragged gives way.
    if (Number(lo.value) > Number(hi.value)) {
      if (moved === "lower") hi.value = lo.value;
      else lo.value = hi.value;
    }
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.updateGt();
      });
    }
  }

  private thresholds(): { lower: number; upper: number; rdm: number } {
    const lower = Number(this.lowerInput?.value ?? 0);
    const upper = Number(this.upperInput?.value ?? 1);
    const rdm = Number(this.rdmSelect?.value ?? 0);
    return { lower, upper: Math.max(lower, upper), rdm };
  }

  /** GT_{l,u} (condensed) of the selected RDM at the slider values. */
  private gtVector(d: RdmData): { v: Float64Array; lower: number; upper: number; rdm: number } {
    const t = this.thresholds();
    let r = this.normalised.get(t.rdm);
    if (!r) {
      const p = condensedLength(d.nConditions);
      r = rankNormalise(d.dissimilarities.subarray(t.rdm * p, (t.rdm + 1) * p));
      this.normalised.set(t.rdm, r);
    }
    return { v: geotopologicalFromNormalised(r, t.lower, t.upper), ...t };
  }

  private updateGt(): void {
    const d = this.data;
    const plotly = this.plotly;
    if (!d || !plotly || !this.gtDiv || !this.drawn) return;
    this.guard(() => {
      const gt = this.gtVector(d);
      this.lowerOut!.textContent = gt.lower.toFixed(2);
      this.upperOut!.textContent = gt.upper.toFixed(2);
      this.node.dataset.lower = String(gt.lower);
      this.node.dataset.upper = String(gt.upper);
      this.node.dataset.rdm = String(gt.rdm);
      const z = squareRows(gt.v, d.nConditions, 0);
      const hasMds = (this.gtDiv as unknown as { data: unknown[] }).data.length > 1;
      const live = d.nConditions <= LIVE_MDS_CONDITIONS;
      const mds = hasMds && live ? this.embed(d, gt.v) : null;
      clearTimeout(this.mdsTimer);
      if (hasMds && !live) this.mdsTimer = setTimeout(() => this.updateMds(), MDS_SETTLE_MS);
      const started = performance.now();
      const done = mds
        ? plotly.update(
            this.gtDiv!,
            {
              z: [z, undefined],
              x: [undefined, mdsColumn(mds, 0)],
              y: [undefined, mdsColumn(mds, 1)],
              textposition: [undefined, mdsLabelPositions(d, mds, mdsSpanPx(this.gtDiv!, mds))],
            },
            { "annotations[0].text": gtTitle(d, gt), "annotations[1].text": mdsTitle(d, gt, mds) },
            [0, 1],
          )
        : plotly.update(this.gtDiv!, { z: [z] }, { "annotations[0].text": gtTitle(d, gt) }, [0]);
      return done.then(() => {
        if (mds) this.shownMds(mds);
        this.node.dataset.updateMs = (performance.now() - started).toFixed(1);
      });
    });
  }

  /** Recomputes only the MDS panel (large RDMs, once the slider rests). */
  private updateMds(): void {
    const d = this.data;
    const plotly = this.plotly;
    if (!d || !plotly || !this.gtDiv || !this.drawn) return;
    this.guard(() => {
      const gt = this.gtVector(d);
      const mds = this.embed(d, gt.v);
      if (!mds) return;
      return plotly
        .update(
          this.gtDiv!,
          {
            x: [mdsColumn(mds, 0)],
            y: [mdsColumn(mds, 1)],
            textposition: [mdsLabelPositions(d, mds, mdsSpanPx(this.gtDiv!, mds))],
          },
          { "annotations[1].text": mdsTitle(d, gt, mds) },
          [1],
        )
        .then(() => this.shownMds(mds));
    });
  }

  private shownMds(mds: Embedding2): void {
    this.lastMds = mds;
    this.node.dataset.mds = mds.source;
    this.node.dataset.mdsStress = String(mds.stress);
  }

  protected async draw(
    plotly: Plotly,
    d: RdmData,
    theme: PlotTheme,
    first: boolean,
  ): Promise<void> {
    const plot = (
      div: HTMLElement,
      data: Record<string, unknown>[],
      layout: Record<string, unknown>,
      cfg: Record<string, unknown>,
    ) => (first ? plotly.newPlot(div, data, layout, cfg) : plotly.react(div, data, layout, cfg));
    const cfg = plotlyConfig("neurolab-rdm");
    const heat = heatmapFigure(d, theme);
    await plot(this.heatDiv!, heat.data, heat.layout, cfg);
    const gt = this.gtVector(d);
    this.node.dataset.lower = String(gt.lower);
    this.node.dataset.upper = String(gt.upper);
    this.node.dataset.rdm = String(gt.rdm);
    // A theme change keeps the embedding on screen; the first draw computes it.
    const mds = first || !this.lastMds ? this.embed(d, gt.v) : this.lastMds;
    const g = gtFigure(d, gt, mds, theme);
    await plot(this.gtDiv!, g.data, g.layout, cfg);
    // Place the labels again for the panel's real pixel scale (known once drawn).
    const spanPx = mds ? mdsSpanPx(this.gtDiv!, mds) : undefined;
    if (mds && spanPx)
      await plotly.restyle(this.gtDiv!, { textposition: [mdsLabelPositions(d, mds, spanPx)] }, [1]);
    if (mds) this.shownMds(mds);
    if (this.modelDiv && d.models) {
      const m = modelFigure(d, theme);
      await plot(this.modelDiv, m.data, m.layout, cfg);
    }
  }
}

function heatHeight(nR: number): number {
  return 50 + Math.ceil(nR / PER_ROW) * PANEL_H;
}

function ticks(d: RdmData): Record<string, unknown> {
  const n = d.nConditions;
  if (n > MAX_TICK_LABELS) return { showticklabels: false, ticks: "" };
  return {
    tickmode: "array",
    tickvals: d.labels.map((_, i) => i),
    ticktext: d.labels.map((l) => plotlyText(l)),
    tickfont: { size: n > 30 ? 8 : 10 },
  };
}

function hoverText(d: RdmData): string[][] | undefined {
  const n = d.nConditions;
  if (n > MAX_HOVER_TEXT) return undefined;
  const esc = d.labels.map(plotlyText);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => `${esc[i]} \u00d7 ${esc[j]}`),
  );
}

function heatmapFigure(d: RdmData, theme: PlotTheme) {
  const n = d.nConditions;
  const p = condensedLength(n);
  const nR = Math.min(d.rdmNames.length, MAX_HEATMAPS);
  const rows = Math.ceil(nR / PER_ROW);
  const cols = Math.min(nR, PER_ROW);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d.dissimilarities) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  lo = Math.min(lo, 0);
  if (hi === lo) hi = lo + 1;
  const text = hoverText(d);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    ...baseLayout(theme, heatHeight(nR), "neurolab-rdm"),
    // Room for the rotated condition labels under the matrices; automargin grows it for long ones.
    margin: {
      l: d.nConditions <= MAX_TICK_LABELS ? 90 : 10,
      r: 10,
      t: 40,
      b: d.nConditions <= MAX_TICK_LABELS ? 70 : 10,
    },
    coloraxis: {
      colorscale: "Viridis",
      cmin: lo,
      cmax: hi,
      colorbar: {
        title: {
          text: plotlyText(measureLabel(d.measure)),
          side: "right",
          font: { color: theme.muted },
        },
        tickfont: { color: theme.muted },
        len: 0.9,
        thickness: 14,
      },
    },
    annotations: [] as Record<string, unknown>[],
  };
  const gapX = 0.06;
  const w = (0.92 - gapX * (cols - 1)) / cols;
  const h = (1 - 0.08 * rows) / rows;
  for (let r = 0; r < nR; r++) {
    const c = r % PER_ROW;
    const row = Math.floor(r / PER_ROW);
    const ax = r === 0 ? "" : String(r + 1);
    const x0 = c * (w + gapX);
    const y1 = 1 - row * (h + 0.08) - 0.06;
    data.push({
      type: "heatmap",
      z: squareRows(d.dissimilarities.subarray(r * p, (r + 1) * p), n, 0),
      coloraxis: "coloraxis",
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      name: plotlyText(d.rdmNames[r]),
      ...(text
        ? { text, hovertemplate: "%{text}<br>%{z:.4g}<extra></extra>" }
        : { hovertemplate: "%{y} \u00d7 %{x}<br>%{z:.4g}<extra></extra>" }),
      hoverongaps: false,
    });
    const axis = axisStyle(theme);
    layout[`xaxis${ax}`] = {
      ...axis,
      ...ticks(d),
      domain: [x0, x0 + w],
      anchor: `y${ax}`,
      showgrid: false,
      constrain: "domain",
      tickangle: 60,
      automargin: true,
    };
    layout[`yaxis${ax}`] = {
      ...axis,
      ...ticks(d),
      ...(c > 0 ? { showticklabels: false } : {}),
      domain: [y1 - h, y1],
      anchor: `x${ax}`,
      showgrid: false,
      autorange: "reversed",
      scaleanchor: `x${ax}`,
      constrain: "domain",
      automargin: true,
    };
    (layout.annotations as Record<string, unknown>[]).push({
      text: plotlyText(d.rdmNames[r]),
      xref: "paper",
      yref: "paper",
      x: x0 + w / 2,
      y: y1 + 0.01,
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { color: theme.foreground },
    });
  }
  return { data, layout };
}

function gtTitle(d: RdmData, gt: { lower: number; upper: number; rdm: number }): string {
  return `GT<sub>l=${gt.lower.toFixed(2)}, u=${gt.upper.toFixed(2)}</sub> of ${plotlyText(d.rdmNames[gt.rdm])}`;
}

function mdsColumn(m: Embedding2, c: 0 | 1): number[] {
  return Array.from({ length: m.x.length / 2 }, (_, i) => m.x[2 * i + c]);
}

function mdsTitle(
  d: RdmData,
  gt: { lower: number; upper: number; rdm: number },
  m: Embedding2,
): string {
  return m.source === "live"
    ? `classical MDS of GT<sub>l=${gt.lower.toFixed(2)}, u=${gt.upper.toFixed(2)}</sub> (Kruskal stress-1 ${m.stress.toPrecision(3)})`
    : `${plotlyText(d.mds!.method)} MDS of ${plotlyText(d.rdmNames[d.mds!.rdm])} (Kruskal stress-1 ${m.stress.toPrecision(3)}; GT has missing pairs)`;
}

/** Pixels spanned by the embedding in the drawn MDS panel (undefined before it is drawn). */
function mdsSpanPx(div: HTMLElement, m: Embedding2): number | undefined {
  const fl = (div as HTMLElement & { _fullLayout?: FullLayout })._fullLayout;
  const xa = fl?.xaxis2;
  const ya = fl?.yaxis2;
  if (!xa?._length || !ya?._length) return undefined;
  const xs = mdsColumn(m, 0);
  const ys = mdsColumn(m, 1);
  const perUnit = Math.min(
    xa._length / Math.abs(xa.range[1] - xa.range[0]),
    ya._length / Math.abs(ya.range[1] - ya.range[0]),
  );
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) * perUnit;
}

/**
 * Label positions of the MDS points (see `placeLabels`) for a panel whose data span is
 * `spanPx` pixels (the drawn panel's, else an estimate of a square panel of about 320 px).
 */
function mdsLabelPositions(d: RdmData, m: Embedding2, spanPx = 280): string[] {
  const n = d.nConditions;
  const xs = mdsColumn(m, 0);
  const ys = mdsColumn(m, 1);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const s = spanPx / span;
  const px = xs.map((x) => (x - Math.min(...xs)) * s);
  const py = ys.map((y) => (Math.max(...ys) - y) * s);
  return n <= 40
    ? placeLabels(px, py, d.labels, 11, 5).map((p) => p.position)
    : d.labels.map(() => "top center");
}

function gtFigure(
  d: RdmData,
  gt: { v: Float64Array; lower: number; upper: number; rdm: number },
  mds: Embedding2 | null,
  theme: PlotTheme,
) {
  const n = d.nConditions;
  const axis = axisStyle(theme);
  const text = hoverText(d);
  const data: Record<string, unknown>[] = [
    {
      type: "heatmap",
      z: squareRows(gt.v, n, 0),
      zmin: 0,
      zmax: 1,
      colorscale: "Viridis",
      colorbar: { x: 0.44, len: 0.85, thickness: 12, tickfont: { color: theme.muted } },
      xaxis: "x",
      yaxis: "y",
      hoverongaps: false,
      ...(text
        ? { text, hovertemplate: "%{text}<br>GT %{z:.3f}<extra></extra>" }
        : { hovertemplate: "%{y} \u00d7 %{x}<br>GT %{z:.3f}<extra></extra>" }),
    },
  ];
  const annotations: Record<string, unknown>[] = [
    {
      text: gtTitle(d, gt),
      xref: "paper",
      yref: "paper",
      x: 0.2,
      y: 1.0,
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { color: theme.foreground },
    },
  ];
  const layout: Record<string, unknown> = {
    ...baseLayout(theme, 360, "neurolab-rdm-gt"),
    margin: {
      l: d.nConditions <= MAX_TICK_LABELS ? 90 : 10,
      r: 10,
      t: 36,
      b: d.nConditions <= MAX_TICK_LABELS ? 70 : 10,
    },
    xaxis: {
      ...axis,
      ...ticks(d),
      domain: [0, 0.4],
      anchor: "y",
      showgrid: false,
      constrain: "domain",
      tickangle: 60,
      automargin: true,
    },
    yaxis: {
      ...axis,
      ...ticks(d),
      domain: [0, 1],
      anchor: "x",
      autorange: "reversed",
      scaleanchor: "x",
      constrain: "domain",
      showgrid: false,
      automargin: true,
    },
    annotations,
  };
  if (mds) {
    const xs = mdsColumn(mds, 0);
    const ys = mdsColumn(mds, 1);
    const labels = d.labels.map(plotlyText);
    const cats = d.categories ?? null;
    const order = cats ? [...new Set(cats)] : [];
    const colorOf = new Map(order.map((c, k) => [c, theme.palette[k % theme.palette.length]]));
    data.push({
      type: "scatter",
      mode: n <= 40 ? "markers+text" : "markers",
      x: xs,
      y: ys,
      text: labels,
      textposition: mdsLabelPositions(d, mds),
      textfont: { size: 10, color: theme.foreground },
      marker: {
        size: 9,
        color: cats ? cats.map((c) => colorOf.get(c)!) : theme.palette[0],
        line: { width: 1, color: theme.background },
      },
      xaxis: "x2",
      yaxis: "y2",
      ...(cats
        ? {
            customdata: cats.map(plotlyText),
            hovertemplate: "%{text}<br>%{customdata}<extra></extra>",
          }
        : { hovertemplate: "%{text}<extra></extra>" }),
      showlegend: false,
    });
    // One legend entry per category (the points are one trace, so the slider updates move them together).
    for (const c of order) {
      data.push({
        type: "scatter",
        mode: "markers",
        x: [null],
        y: [null],
        xaxis: "x2",
        yaxis: "y2",
        name: plotlyText(c),
        marker: { size: 9, color: colorOf.get(c) },
        showlegend: true,
        hoverinfo: "skip",
      });
    }
    if (cats) {
      layout.showlegend = true;
      // Under the MDS panel (never over its points).
      layout.legend = {
        orientation: "h",
        x: 0.56,
        xanchor: "left",
        y: -0.02,
        yanchor: "top",
        bgcolor: "rgba(0,0,0,0)",
        font: { size: 10, color: theme.muted },
      };
    }
    layout.xaxis2 = {
      ...axis,
      domain: [0.56, 1],
      anchor: "y2",
      showticklabels: false,
      zeroline: false,
    };
    layout.yaxis2 = {
      ...axis,
      domain: [0, 1],
      anchor: "x2",
      showticklabels: false,
      scaleanchor: "x2",
      zeroline: false,
    };
    annotations.push({
      text: mdsTitle(d, gt, mds),
      xref: "paper",
      yref: "paper",
      x: 0.78,
      y: 1.0,
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { color: theme.foreground },
    });
  }
  return { data, layout };
}

function modelFigure(d: RdmData, theme: PlotTheme) {
  const m = d.models!;
  const k = m.names.length;
  const axis = axisStyle(theme);
  const idx = m.names.map((_, i) => i);
  const sig = m.pValues.length === k ? idx.filter((i) => m.pValues[i] < m.alpha) : [];
  const top = Math.max(0, ...m.means.map((v, i) => v + m.errors[i]), ...(m.noiseCeiling ?? [0]));
  const data: Record<string, unknown>[] = [
    {
      type: "bar",
      x: idx,
      y: m.means,
      marker: { color: theme.palette[0] },
      error_y: {
        type: "data",
        array: m.errors,
        visible: true,
        color: theme.foreground,
        thickness: 1.5,
        width: 4,
      },
      text: m.names.map(plotlyText),
      customdata: m.pValues.length === k ? m.pValues : m.names.map(() => NaN),
      hovertemplate:
        "%{text}<br>%{y:.4f} \u00b1 %{error_y.array:.4f}<br>p = %{customdata:.3g}<extra></extra>",
      textposition: "none",
    },
  ];
  if (sig.length > 0) {
    data.push({
      type: "scatter",
      mode: "text",
      x: sig,
      y: sig.map((i) => Math.max(0, m.means[i] + m.errors[i]) + 0.04 * (top || 1)),
      text: sig.map(() => "*"),
      textfont: { size: 18, color: theme.foreground },
      hoverinfo: "skip",
      name: "significance",
    });
  }
  const shapes: Record<string, unknown>[] = [];
  if (m.noiseCeiling) {
    shapes.push({
      type: "rect",
      xref: "paper",
      x0: 0,
      x1: 1,
      yref: "y",
      y0: m.noiseCeiling[0],
      y1: m.noiseCeiling[1],
      fillcolor: theme.light ? "rgba(128,128,128,0.3)" : "rgba(200,200,200,0.25)",
      line: { width: 0 },
      layer: "below",
    });
  }
  const layout: Record<string, unknown> = {
    ...baseLayout(theme, 340, "neurolab-rdm-models"),
    margin: { l: 60, r: 20, t: 36, b: 90 },
    title: {
      text: `model comparison (${plotlyText(m.method)}${m.noiseCeiling ? ", grey band: noise ceiling" : ""}${sig.length ? `, * p < ${m.alpha}` : ""})`,
      font: { size: 13, color: theme.foreground },
    },
    xaxis: {
      ...axis,
      tickmode: "array",
      tickvals: idx,
      ticktext: m.names.map(plotlyText),
      tickangle: k > 6 ? 45 : 0,
    },
    yaxis: {
      ...axis,
      title: { ...(axis.title as object), text: `RDM correlation [${plotlyText(m.method)}]` },
      rangemode: "tozero",
    },
    shapes,
    bargap: 0.35,
  };
  return { data, layout };
}
