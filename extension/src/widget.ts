/**
 * The raster renderer widget: validates the payload, draws a plotly spike raster with a
 * linked population-rate panel, follows the JupyterLab theme and the cell's size, and
 * turns any failure into an inline error box (never an exception into JupyterLab).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { decodeRaster, type RasterData } from "neurolab/schema";
import { keepKeys } from "./base.js";
import { binChoices, buildFigure, FIGURE_HEIGHT, MARGIN, paintSpikes, RASTER_DOMAIN, type Figure, type SpikeGroup } from "./figure.js";
import { loadPlotly, type Plotly } from "./plotly.js";
import { readTheme } from "./theme.js";

/** Class on the widget node once a raster has been drawn (with `data-n-spikes`). */
export const RASTER_CLASS = "neurolab-raster";
/** Class of the error box shown instead of the plot. */
export const ERROR_CLASS = "neurolab-error";
const OUTPUT_CLASS = "neurolab-output";
const MAX_MESSAGE = 2000;

type Message = Parameters<Widget["processMessage"]>[0];

const PLOTLY_CONFIG = {
  displaylogo: false,
  responsive: false, // resizing is driven by Lumino resize messages and a ResizeObserver
  scrollZoom: false,
  modeBarButtonsToRemove: ["select2d", "lasso2d"],
  toImageButtonOptions: { filename: "neurolab-raster", format: "png" },
};

/** The raster renderer (`IRenderMime.IRenderer`). */
export class RasterRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly mimeType: string;
  /** Incremented on every render so stale async work can tell it was superseded. */
  private generation = 0;
  private plotDiv: HTMLDivElement | null = null;
  private plotted = false;
  private raster: RasterData | null = null;
  private plotly: Plotly | null = null;
  /** Work to run once the widget is attached (plotly needs a laid-out container). */
  private pendingDraw: (() => void) | null = null;
  private themeObserver: MutationObserver | null = null;
  private sizeObserver: ResizeObserver | null = null;
  private lastWidth = -1;
  private resizeFrame = 0;
  private themeTimer: ReturnType<typeof setTimeout> | undefined;
  /** performance.now() when the current render started (for `data-render-ms`). */
  private started = 0;
  private figure: Figure | null = null;
  /** Rate bin chosen by the user (ms), or undefined for the automatic one. */
  private binMs: number | undefined = undefined;
  private caption: HTMLDivElement | null = null;
  private repaintFrame = 0;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass(OUTPUT_CLASS);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const generation = ++this.generation;
    this.started = performance.now();
    this.reset();
    try {
      const raster = decodeRaster(model.data[this.mimeType]);
      this.raster = raster;
      this.buildSkeleton(raster);
      const plotly = await loadPlotly();
      if (generation !== this.generation || this.isDisposed) return;
      this.plotly = plotly;
      const draw = () => void this.draw(generation);
      if (this.isAttached) draw();
      else this.pendingDraw = draw;
    } catch (err) {
      if (generation === this.generation && !this.isDisposed) this.showError(err);
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.generation++;
    this.reset();
    super.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.observe();
    const draw = this.pendingDraw;
    this.pendingDraw = null;
    if (draw) draw();
    else this.scheduleResize();
  }

  protected override onBeforeDetach(msg: Message): void {
    this.unobserve();
    super.onBeforeDetach(msg);
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.scheduleResize();
  }

  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this.scheduleResize();
  }

  /** Title, plot container and caption, built with textContent only. */
  private buildSkeleton(raster: RasterData): void {
    const node = this.node;
    if (raster.title) {
      const title = document.createElement("div");
      title.className = "neurolab-raster-title";
      title.textContent = raster.title;
      node.appendChild(title);
    }
    const plot = document.createElement("div");
    plot.className = "neurolab-raster-plot";
    plot.style.height = `${FIGURE_HEIGHT}px`;
    const loading = document.createElement("div");
    loading.className = "neurolab-raster-loading";
    loading.textContent = "Loading plot\u2026";
    plot.appendChild(loading);
    node.appendChild(plot);
    this.plotDiv = plot;
  }

  private async draw(generation: number): Promise<void> {
    const plot = this.plotDiv;
    const plotly = this.plotly;
    const raster = this.raster;
    if (!plot || !plotly || !raster) return;
    try {
      const figure = buildFigure(raster, readTheme(this.node.ownerDocument), this.binMs);
      plot.textContent = "";
      if (figure.imageMode) {
        // First paint at the expected plot-area size; corrected below if plotly lays out otherwise.
        const w = Math.max(1, plot.clientWidth - MARGIN.l - MARGIN.r);
        const h = Math.max(1, (FIGURE_HEIGHT - MARGIN.t - MARGIN.b) * (RASTER_DOMAIN[1] - RASTER_DOMAIN[0]));
        const xr = (figure.layout.xaxis as { range: [number, number] }).range;
        const yr = (figure.layout.yaxis as { range: [number, number] }).range;
        figure.layout.images = [spikeImage(figure.groups, xr, yr, w, h)];
      }
      await plotly.newPlot(plot, figure.data, figure.layout, PLOTLY_CONFIG);
      if (generation !== this.generation || this.isDisposed) return;
      this.plotted = true;
      this.figure = figure;
      if (figure.imageMode) {
        this.node.dataset.mode = "image";
        (plot as unknown as { on(e: string, h: (ev: Record<string, unknown>) => void): void }).on("plotly_relayout", (ev) => {
          // Our own image update also fires this event: repaint only for axis / size changes.
          if (ev && Object.keys(ev).some((k) => k.startsWith("images"))) return;
          this.scheduleRepaint();
        });
        const fl = (plot as unknown as { _fullLayout: { xaxis: { _length: number }; yaxis: { _length: number } } })._fullLayout;
        const img = (figure.layout.images as { _w: number; _h: number }[])[0];
        if (Math.abs(fl.xaxis._length - img._w) > 1 || Math.abs(fl.yaxis._length - img._h) > 1) this.scheduleRepaint();
      }
      const caption = document.createElement("div");
      caption.className = "neurolab-raster-caption";
      this.caption = caption;
      this.captionText(figure);
      const choices = binChoices(raster.tStopMs - raster.tStartMs);
      if (choices.length > 0) {
        // Rate bin width: automatic (~100 bins) or one of the offered widths.
        const label = document.createElement("label");
        label.className = "neurolab-raster-bin";
        label.textContent = " \u00b7 rate bin ";
        const select = document.createElement("select");
        select.className = "neurolab-raster-bin-select";
        const auto = document.createElement("option");
        auto.value = "";
        auto.textContent = `auto (${formatMs(figure.rate.binMs)})`;
        select.appendChild(auto);
        for (const b of choices) {
          const o = document.createElement("option");
          o.value = String(b);
          o.textContent = formatMs(b);
          select.appendChild(o);
        }
        select.addEventListener("change", () => {
          this.binMs = select.value === "" ? undefined : Number(select.value);
          this.retheme();
        });
        label.appendChild(select);
        caption.appendChild(label);
        keepKeys(caption);
      }
      this.node.appendChild(caption);
      this.node.dataset.nSpikes = String(figure.nSpikes);
      this.node.dataset.nNeurons = String(raster.nNeurons);
      this.node.dataset.nPopulations = String(raster.populations.length);
      this.addClass(RASTER_CLASS);
      this.lastWidth = plot.clientWidth;
      // Time to first paint: payload validation, plotly load, figure build and draw, up to the
      // next animation frame (read by the browser benchmark).
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (generation === this.generation) this.node.dataset.renderMs = (performance.now() - this.started).toFixed(1);
        }),
      );
    } catch (err) {
      if (generation === this.generation && !this.isDisposed) this.showError(err);
    }
  }

  private showError(err: unknown): void {
    this.reset();
    const message = err instanceof Error ? err.message : String(err);
    const box = document.createElement("div");
    box.className = ERROR_CLASS;
    box.textContent = `neurolab: cannot render raster: ${message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) + "\u2026" : message}`;
    this.node.appendChild(box);
  }

  /** Removes the plot and all DOM content; keeps the widget usable for another render. */
  private reset(): void {
    if (this.plotDiv && this.plotly) {
      try {
        this.plotly.purge(this.plotDiv);
      } catch {
        // purging a half-built plot may throw; the div is discarded anyway
      }
    }
    this.plotDiv = null;
    this.plotted = false;
    this.figure = null;
    this.binMs = undefined;
    this.caption = null;
    delete this.node.dataset.binMs;
    if (this.repaintFrame) cancelAnimationFrame(this.repaintFrame);
    this.repaintFrame = 0;
    delete this.node.dataset.mode;
    this.raster = null;
    this.pendingDraw = null;
    this.lastWidth = -1;
    this.removeClass(RASTER_CLASS);
    delete this.node.dataset.nSpikes;
    delete this.node.dataset.nNeurons;
    delete this.node.dataset.nPopulations;
    delete this.node.dataset.renderMs;
    this.node.textContent = "";
  }

  /** Caption text (kept in its own span so the bin selector survives updates). */
  private captionText(figure: Figure): void {
    const raster = this.raster;
    const caption = this.caption;
    if (!raster || !caption) return;
    let span = caption.querySelector<HTMLSpanElement>(".neurolab-raster-summary");
    if (!span) {
      span = document.createElement("span");
      span.className = "neurolab-raster-summary";
      caption.prepend(span);
    }
    span.textContent =
      `${figure.nSpikes.toLocaleString("en-US")} spikes \u00b7 ${raster.nNeurons.toLocaleString("en-US")} neurons` +
      ` \u00b7 ${formatMs(raster.tStopMs - raster.tStartMs)}` + (this.binMs === undefined ? ` \u00b7 rate bin ${formatMs(figure.rate.binMs)}` : "");
    this.node.dataset.binMs = String(figure.rate.binMs);
  }

  /** Repaints the spike image for the current axis ranges and plot size (image mode). */
  private scheduleRepaint(): void {
    if (this.repaintFrame) return;
    this.repaintFrame = requestAnimationFrame(() => {
      this.repaintFrame = 0;
      const plot = this.plotDiv as (HTMLDivElement & { _fullLayout?: Record<string, any> }) | null;
      const figure = this.figure;
      if (!plot || !this.plotly || !figure?.imageMode || !plot._fullLayout || this.isDisposed) return;
      const xa = plot._fullLayout.xaxis;
      const ya = plot._fullLayout.yaxis;
      try {
        const img = spikeImage(figure.groups, xa.range, ya.range, xa._length, ya._length);
        void this.plotly.relayout(plot, { images: [img] }).catch(() => undefined);
      } catch (err) {
        this.showError(err);
      }
    });
  }

  private scheduleResize(): void {
    if (!this.plotted || this.resizeFrame) return;
    this.resizeFrame = requestAnimationFrame(() => {
      this.resizeFrame = 0;
      const plot = this.plotDiv;
      if (!plot || !this.plotly || !this.plotted || !this.isVisible) return;
      this.lastWidth = plot.clientWidth;
      try {
        void Promise.resolve(this.plotly.Plots.resize(plot)).catch(() => undefined);
      } catch {
        // not displayed: the next resize/show message retries
      }
    });
  }

  /** Follow theme switches (JupyterLab flags them on <body>) and container width changes. */
  private observe(): void {
    const doc = this.node.ownerDocument;
    if (!this.themeObserver && typeof MutationObserver !== "undefined" && doc.body) {
      this.themeObserver = new MutationObserver(() => {
        clearTimeout(this.themeTimer);
        // The theme's stylesheet may land a moment after the attribute flips.
        this.themeTimer = setTimeout(() => this.retheme(), 150);
      });
      this.themeObserver.observe(doc.body, {
        attributes: true,
        attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"],
      });
    }
    if (!this.sizeObserver && typeof ResizeObserver !== "undefined") {
      this.sizeObserver = new ResizeObserver(() => {
        const w = this.plotDiv?.clientWidth ?? -1;
        if (w > 0 && w !== this.lastWidth) this.scheduleResize();
      });
      this.sizeObserver.observe(this.node);
    }
  }

  private unobserve(): void {
    this.themeObserver?.disconnect();
    this.themeObserver = null;
    this.sizeObserver?.disconnect();
    this.sizeObserver = null;
    clearTimeout(this.themeTimer);
    if (this.resizeFrame) cancelAnimationFrame(this.resizeFrame);
    this.resizeFrame = 0;
  }

  private retheme(): void {
    const plot = this.plotDiv;
    if (!plot || !this.plotly || !this.raster || !this.plotted || this.isDisposed) return;
    const generation = this.generation;
    try {
      const figure = buildFigure(this.raster, readTheme(this.node.ownerDocument), this.binMs);
      // uirevision keeps the user's zoom across the update.
      this.figure = figure;
      this.captionText(figure);
      void this.plotly.react(plot, figure.data, figure.layout, PLOTLY_CONFIG).then(() => {
        if (figure.imageMode) this.scheduleRepaint();
      }).catch((err: unknown) => {
        if (generation === this.generation && !this.isDisposed) this.showError(err);
      });
    } catch (err) {
      this.showError(err);
    }
  }
}

/**
 * A plotly layout image of the spikes for the axis ranges, painted at device resolution for a
 * plot area of `width` x `height` CSS pixels.
 */
function spikeImage(groups: readonly SpikeGroup[], xr: [number, number], yr: [number, number], width: number, height: number): Record<string, unknown> {
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
  ctx.putImageData(new ImageData(paintSpikes(groups, x0, x1, y0, y1, w, h) as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
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
