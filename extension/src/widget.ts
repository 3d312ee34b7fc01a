/**
 * The raster renderer (`application/vnd.neurolab.raster.v1+json`) on the shared
 * {@link PlotRenderer} life cycle: a plotly spike raster with a linked population-rate panel
 * (adjustable bin width) and an optional state-trace panel, neuron hover (id, population, rate;
 * in image mode through a transparent per-neuron layer), and time-window selection (box select
 * along time) that lists spike count, mean rate and active neurons per population. Above
 * {@link IMAGE_MODE_SPIKES} spikes the raster is painted as an image, repainted on zoom and pan.
 */
import { decodeRaster, type RasterData } from "neurolab/schema";
import { el, keepKeys, plotlyConfig, PlotRenderer, select } from "./base.js";
import {
  binChoices,
  buildFigure,
  figureHeight,
  MARGIN,
  NAME_TICK_PX,
  nameTicks,
  paintSpikes,
  roundToStep,
  windowStats,
  type Figure,
  type SpikeGroup,
} from "./figure.js";
import type { Plotly } from "./plotly.js";
import type { FullLayout, PlotlyEvent } from "plotly.js-dist-min";
import type { PlotTheme } from "./theme.js";

export { ERROR_CLASS } from "./base.js";
export { IMAGE_MODE_SPIKES } from "./figure.js";

/** Class on the widget node once a raster has been drawn (with `data-n-spikes`). */
export const RASTER_CLASS = "neurolab-raster";

type PlotDiv = HTMLDivElement & {
  on(event: string, handler: (ev: PlotlyEvent | undefined) => void): void;
  _fullLayout?: FullLayout;
};

/** Relayout keys that do not change what the spike image shows. */
const NOT_GEOMETRY = /^(images|selections|dragmode|selectdirection|hovermode|legend|yaxis\.tick)/;

export class RasterRenderer extends PlotRenderer<RasterData> {
  protected readonly kind = "raster";
  protected readonly readyClass = RASTER_CLASS;
  private plotDiv: PlotDiv | null = null;
  private figure: Figure | null = null;
  /** Rate bin chosen by the user (ms), or undefined for the automatic one. */
  private binMs: number | undefined = undefined;
  private summary: HTMLSpanElement | null = null;
  private autoOption: HTMLOptionElement | null = null;
  private dragSelect: HTMLSelectElement | null = null;
  private windowBox: HTMLDivElement | null = null;
  /** The selected time window [t0, t1) in ms, or null. */
  private window: [number, number] | null = null;
  private repaintFrame = 0;
  private windowFrame = 0;
  private tickFrame = 0;
  private eventsBound = false;

  protected decode(value: unknown): RasterData {
    return decodeRaster(value);
  }

  /** Title, plot container, caption (summary, bin width, drag mode) and window panel; text only. */
  protected skeleton(d: RasterData): void {
    const node = this.node;
    if (d.title) node.appendChild(el("div", "neurolab-raster-title", d.title));
    const plot = this.plotContainer("neurolab-raster-plot", figureHeight(!!d.states)) as PlotDiv;
    plot.appendChild(el("div", "neurolab-raster-loading", "Loading plot\u2026"));
    node.appendChild(plot);
    this.plotDiv = plot;
    const caption = el("div", "neurolab-raster-caption");
    this.summary = el("span", "neurolab-raster-summary");
    caption.appendChild(this.summary);
    const choices = binChoices(d.tStop_ms - d.tStart_ms);
    if (choices.length > 0) {
      const label = el("label", "neurolab-raster-bin", " \u00b7 rate bin ");
      const bin = el("select", "neurolab-raster-bin-select");
      this.autoOption = el("option", "", "auto");
      this.autoOption.value = "";
      bin.appendChild(this.autoOption);
      for (const b of choices) {
        const o = el("option", "", formatMs(b));
        o.value = String(b);
        bin.appendChild(o);
      }
      bin.addEventListener("change", () => {
        this.binMs = bin.value === "" ? undefined : Number(bin.value);
        this.redraw();
      });
      label.appendChild(bin);
      caption.appendChild(label);
    }
    const drag = select(
      " \u00b7 drag to",
      "neurolab-raster-drag",
      [
        ["zoom", "zoom"],
        ["select", "select a time window"],
      ],
      "zoom",
    );
    drag.wrap.classList.add("neurolab-raster-drag-control");
    this.dragSelect = drag.input;
    drag.input.addEventListener("change", () => {
      const plotly = this.plotly;
      if (plotly && this.plotDiv && this.drawn)
        this.guard(() => plotly.relayout(this.plotDiv!, { dragmode: drag.input.value }));
    });
    caption.appendChild(drag.wrap);
    keepKeys(caption);
    node.appendChild(caption);
    this.windowBox = el("div", "neurolab-raster-window");
    this.windowBox.appendChild(
      el(
        "span",
        "neurolab-muted",
        "Select a time window (drag to: select a time window, or the toolbar's box select) for spike counts and rates per population.",
      ),
    );
    node.appendChild(this.windowBox);
    node.dataset.nSpikes = String(d.times_ms.length);
    node.dataset.nNeurons = String(d.nNeurons);
    node.dataset.nPopulations = String(d.populations.length);
    if (d.states) node.dataset.nTraces = String(d.states.labels.length);
  }

  protected async draw(
    plotly: Plotly,
    d: RasterData,
    theme: PlotTheme,
    first: boolean,
  ): Promise<void> {
    const plot = this.plotDiv!;
    const figure = buildFigure(d, theme, this.binMs);
    if (figure.imageMode) figure.layout.images = [this.spikeImageFor(figure, first ? null : plot)];
    const cfg = { ...plotlyConfig("neurolab-raster"), modeBarButtonsToRemove: ["lasso2d"] };
    if (first) {
      plot.textContent = "";
      await plotly.newPlot(plot, figure.data, figure.layout, cfg);
    } else {
      await plotly.react(plot, figure.data, figure.layout, cfg);
    }
    this.figure = figure;
    if (!this.eventsBound) this.bindEvents(plot);
    if (figure.imageMode) {
      this.node.dataset.mode = "image";
      // The first image was painted for the expected plot size: repaint if plotly laid out otherwise.
      const fl = plot._fullLayout;
      const img = (figure.layout.images as { _w: number; _h: number }[])[0];
      if (
        fl &&
        (Math.abs(fl.xaxis._length - img._w) > 1 || Math.abs(fl.yaxis._length - img._h) > 1)
      )
        this.scheduleRepaint();
    } else delete this.node.dataset.mode;
    this.captionText(d, figure);
    if (this.window) this.showWindow();
  }

  protected override reset(): void {
    if (this.repaintFrame) cancelAnimationFrame(this.repaintFrame);
    if (this.windowFrame) cancelAnimationFrame(this.windowFrame);
    if (this.tickFrame) cancelAnimationFrame(this.tickFrame);
    this.repaintFrame = this.windowFrame = this.tickFrame = 0;
    this.plotDiv = null;
    this.figure = null;
    this.binMs = undefined;
    this.summary = this.autoOption = this.dragSelect = this.windowBox = null;
    this.window = null;
    this.eventsBound = false;
    super.reset();
  }

  private redraw(): void {
    if (!this.plotly || !this.data || !this.drawn) return;
    this.guard(() => this.draw(this.plotly!, this.data!, this.theme(), false));
  }

  private bindEvents(plot: PlotDiv): void {
    this.eventsBound = true;
    plot.on("plotly_relayout", (ev) => {
      const keys = Object.keys(ev ?? {});
      if (typeof ev?.dragmode === "string" && this.dragSelect)
        this.dragSelect.value = ev.dragmode === "select" ? "select" : "zoom";
      // Our own image update fires this event too: repaint only for axis / size changes.
      if (this.figure?.imageMode && keys.some((k) => !NOT_GEOMETRY.test(k))) this.scheduleRepaint();
      if (
        this.data?.neuronNames &&
        keys.some((k) => k.startsWith("yaxis.range") || k === "yaxis.autorange" || k === "autosize")
      )
        this.scheduleNameTicks();
    });
    const fromSelection = (
      ev: { range?: { x?: number[] } } | undefined,
    ): [number, number] | null => {
      const x = ev?.range?.x;
      if (Array.isArray(x) && x.length === 2 && Number.isFinite(x[0]) && Number.isFinite(x[1]))
        return [Math.min(x[0], x[1]), Math.max(x[0], x[1])];
      const s = plot._fullLayout?.selections?.[0];
      if (s && s.xref === "x" && Number.isFinite(s.x0) && Number.isFinite(s.x1))
        return [Math.min(s.x0, s.x1), Math.max(s.x0, s.x1)];
      return null;
    };
    plot.on("plotly_selecting", (ev) => this.setWindow(fromSelection(ev), false));
    plot.on("plotly_selected", (ev) => this.setWindow(fromSelection(ev), true));
    plot.on("plotly_deselect", () => this.setWindow(null, true));
  }

  /** Sets (or clears) the selected window; the panel is refreshed on the next frame. */
  private setWindow(w: [number, number] | null, now: boolean): void {
    const d = this.data;
    if (!d) return;
    // Window edges on the simulation's time grid (t_start + k dt) when the payload knows dt.
    const t0 = w ? Math.max(d.tStart_ms, roundToStep(d, w[0])) : 0;
    const t1 = w ? Math.min(d.tStop_ms, roundToStep(d, w[1])) : 0;
    // A box entirely outside the recording selects nothing.
    this.window = w && t1 > t0 ? [t0, t1] : null;
    // While the box is being dragged the panel updates live; `data-selecting` marks that.
    if (now) delete this.node.dataset.selecting;
    else this.node.dataset.selecting = "1";
    if (now) {
      if (this.windowFrame) cancelAnimationFrame(this.windowFrame);
      this.windowFrame = 0;
      this.showWindow();
    } else if (!this.windowFrame) {
      this.windowFrame = requestAnimationFrame(() => {
        this.windowFrame = 0;
        this.showWindow();
      });
    }
  }

  /** Fills the window panel (text only) with the statistics of the selected window. */
  private showWindow(): void {
    const box = this.windowBox;
    const d = this.data;
    const figure = this.figure;
    if (!box || !d || !figure) return;
    box.textContent = "";
    const w = this.window;
    if (!w) {
      delete this.node.dataset.windowMs;
      box.appendChild(el("span", "neurolab-muted", "No window selected."));
      return;
    }
    const [t0, t1] = w;
    this.node.dataset.windowMs = `${t0},${t1}`;
    const stats = windowStats(figure.groups, d.nNeurons, t0, t1);
    const head = el(
      "div",
      "neurolab-raster-window-head",
      `window ${fixed(t0)}\u2013${fixed(t1)} ms (${formatMs(Number((t1 - t0).toPrecision(6)))})`,
    );
    const clear = el("button", "neurolab-raster-window-clear", "clear");
    clear.type = "button";
    clear.addEventListener("click", () => this.clearSelection());
    head.appendChild(clear);
    box.appendChild(head);
    const table = el("table", "neurolab-raster-window-table");
    const header = el("tr", "");
    for (const h of ["population", "spikes", "mean rate (Hz)", "active neurons"])
      header.appendChild(el("th", "", h));
    table.appendChild(header);
    let total = 0;
    for (const s of stats) {
      total += s.spikes;
      const row = el("tr", "neurolab-raster-window-row");
      const name = el("td", "", s.name);
      name.style.color = s.color;
      row.append(
        name,
        el("td", "", s.spikes.toLocaleString("en-US")),
        el("td", "", s.rate_Hz.toFixed(2)),
        el("td", "", `${s.active.toLocaleString("en-US")} / ${s.nNeurons.toLocaleString("en-US")}`),
      );
      row.dataset.spikes = String(s.spikes);
      row.dataset.rateHz = String(s.rate_Hz);
      row.dataset.active = String(s.active);
      table.appendChild(row);
    }
    box.appendChild(table);
    this.node.dataset.windowSpikes = String(total);
  }

  private clearSelection(): void {
    const plotly = this.plotly;
    const plot = this.plotDiv;
    this.setWindow(null, true);
    if (!plotly || !plot || !this.drawn) return;
    this.guard(() =>
      plotly
        .relayout(plot, { selections: [] })
        .then(() => plotly.restyle(plot, { selectedpoints: [null] })),
    );
  }

  /** Caption text; the bin selector's "auto" entry names the automatic bin width. */
  private captionText(d: RasterData, figure: Figure): void {
    if (this.autoOption) this.autoOption.textContent = `auto (${formatMs(figure.rate.binMs)})`;
    const s = d.states;
    if (this.summary) {
      this.summary.textContent =
        `${figure.nSpikes.toLocaleString("en-US")} spikes \u00b7 ${d.nNeurons.toLocaleString("en-US")} neurons` +
        ` \u00b7 ${formatMs(d.tStop_ms - d.tStart_ms)}` +
        (s
          ? ` \u00b7 ${s.labels.length} ${s.variable} trace${s.labels.length === 1 ? "" : "s"}`
          : "") +
        (this.binMs === undefined && !this.autoOption
          ? ` \u00b7 rate bin ${formatMs(figure.rate.binMs)}`
          : "");
    }
    this.node.dataset.binMs = String(figure.rate.binMs);
  }

  /** The spike image for the plot's current axes and size, or the expected ones before the first draw. */
  private spikeImageFor(figure: Figure, plot: PlotDiv | null): Record<string, unknown> {
    const fl = plot?._fullLayout;
    if (fl?.xaxis && fl.yaxis)
      return spikeImage(
        figure.groups,
        fl.xaxis.range,
        fl.yaxis.range,
        fl.xaxis._length,
        fl.yaxis._length,
      );
    const height = figureHeight(!!this.data?.states);
    const w = Math.max(1, (this.plotDiv?.clientWidth ?? 600) - MARGIN.l - MARGIN.r);
    const h = Math.max(
      1,
      (height - MARGIN.t - MARGIN.b) * (figure.rasterDomain[1] - figure.rasterDomain[0]),
    );
    const xr = (figure.layout.xaxis as { range: [number, number] }).range;
    const yr = (figure.layout.yaxis as { range: [number, number] }).range;
    return spikeImage(figure.groups, xr, yr, w, h);
  }

  /** Relabels the neuron axis with the names of the rows in view (named rasters), once per frame. */
  private scheduleNameTicks(): void {
    if (this.tickFrame) return;
    this.tickFrame = requestAnimationFrame(() => {
      this.tickFrame = 0;
      const plot = this.plotDiv;
      const d = this.data;
      const fl = plot?._fullLayout;
      if (!plot || !d?.neuronNames || !this.plotly || !fl?.yaxis || this.isDisposed) return;
      const [y0, y1] = fl.yaxis.range as [number, number];
      const ticks = nameTicks(
        d.neuronNames,
        y0,
        y1,
        Math.max(2, Math.floor(fl.yaxis._length / NAME_TICK_PX)),
      );
      this.node.dataset.nameTicks = String(ticks.tickvals.length);
      this.guard(() =>
        this.plotly!.relayout(plot, {
          "yaxis.tickvals": ticks.tickvals,
          "yaxis.ticktext": ticks.ticktext,
        }),
      );
    });
  }

  /** Repaints the spike image for the current axis ranges and plot size (image mode). */
  private scheduleRepaint(): void {
    if (this.repaintFrame) return;
    this.repaintFrame = requestAnimationFrame(() => {
      this.repaintFrame = 0;
      const plot = this.plotDiv;
      const figure = this.figure;
      if (!plot || !this.plotly || !figure?.imageMode || !plot._fullLayout || this.isDisposed)
        return;
      this.guard(() => this.plotly!.relayout(plot, { images: [this.spikeImageFor(figure, plot)] }));
    });
  }
}

/**
 * A plotly layout image of the spikes for the axis ranges, painted at device resolution for a
 * plot area of `width` x `height` CSS pixels.
 */
function spikeImage(
  groups: readonly SpikeGroup[],
  xr: [number, number],
  yr: [number, number],
  width: number,
  height: number,
): Record<string, unknown> {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2-D canvas context to paint the raster");
  const [x0, x1] = [Math.min(xr[0], xr[1]), Math.max(xr[0], xr[1])];
  const [y0, y1] = [Math.min(yr[0], yr[1]), Math.max(yr[0], yr[1])];
  ctx.putImageData(
    new ImageData(
      paintSpikes(groups, x0, x1, y0, y1, w, h) as Uint8ClampedArray<ArrayBuffer>,
      w,
      h,
    ),
    0,
    0,
  );
  return {
    source: canvas.toDataURL("image/png"),
    xref: "x",
    yref: "y",
    x: x0,
    y: y1,
    sizex: x1 - x0,
    sizey: y1 - y0,
    sizing: "stretch",
    xanchor: "left",
    yanchor: "top",
    layer: "below",
    _w: width,
    _h: height,
  };
}

function formatMs(ms: number): string {
  if (ms >= 1000 && ms % 100 === 0) return `${(ms / 1000).toLocaleString("en-US")} s`;
  return `${Number(ms.toPrecision(6)).toLocaleString("en-US")} ms`;
}

function fixed(ms: number): string {
  return Number(ms.toFixed(ms >= 100 ? 1 : 2)).toLocaleString("en-US");
}
