/**
 * The raster renderer widget: validates the payload, draws a plotly spike raster with a
 * linked population-rate panel, follows the JupyterLab theme and the cell's size, and
 * turns any failure into an inline error box (never an exception into JupyterLab).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { decodeRaster, type RasterData } from "neurolab/schema";
import { buildFigure, FIGURE_HEIGHT } from "./figure.js";
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

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass(OUTPUT_CLASS);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const generation = ++this.generation;
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
      const figure = buildFigure(raster, readTheme(this.node.ownerDocument));
      plot.textContent = "";
      await plotly.newPlot(plot, figure.data, figure.layout, PLOTLY_CONFIG);
      if (generation !== this.generation || this.isDisposed) return;
      this.plotted = true;
      const caption = document.createElement("div");
      caption.className = "neurolab-raster-caption";
      caption.textContent =
        `${figure.nSpikes.toLocaleString("en-US")} spikes \u00b7 ${raster.nNeurons.toLocaleString("en-US")} neurons` +
        ` \u00b7 ${formatMs(raster.tStopMs - raster.tStartMs)} \u00b7 rate bin ${formatMs(figure.rate.binMs)}`;
      this.node.appendChild(caption);
      this.node.dataset.nSpikes = String(figure.nSpikes);
      this.node.dataset.nNeurons = String(raster.nNeurons);
      this.node.dataset.nPopulations = String(raster.populations.length);
      this.addClass(RASTER_CLASS);
      this.lastWidth = plot.clientWidth;
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
    this.raster = null;
    this.pendingDraw = null;
    this.lastWidth = -1;
    this.removeClass(RASTER_CLASS);
    delete this.node.dataset.nSpikes;
    delete this.node.dataset.nNeurons;
    delete this.node.dataset.nPopulations;
    this.node.textContent = "";
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
      const figure = buildFigure(this.raster, readTheme(this.node.ownerDocument));
      // uirevision keeps the user's zoom across the update.
      void this.plotly.react(plot, figure.data, figure.layout, PLOTLY_CONFIG).catch((err: unknown) => {
        if (generation === this.generation && !this.isDisposed) this.showError(err);
      });
    } catch (err) {
      this.showError(err);
    }
  }
}

function formatMs(ms: number): string {
  if (ms >= 1000 && ms % 100 === 0) return `${(ms / 1000).toLocaleString("en-US")} s`;
  return `${Number(ms.toPrecision(6)).toLocaleString("en-US")} ms`;
}
