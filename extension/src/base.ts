/**
 * Shared life cycle of the plotly-based renderers (RDM, connectome, activity): validate the
 * payload with `neurolab/schema`, build the controls with textContent only, load plotly lazily,
 * draw once attached, follow the JupyterLab theme and the cell's width, and turn any failure
 * into an inline error box (never an exception into JupyterLab, never markup from the payload).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { loadPlotly, type Plotly } from "./plotly.js";
import { readTheme, type PlotTheme } from "./theme.js";

/** Class of the error box shown instead of a widget. */
export const ERROR_CLASS = "neurolab-error";
const OUTPUT_CLASS = "neurolab-output";
const MAX_MESSAGE = 2000;

type Message = Parameters<Widget["processMessage"]>[0];

/** plotly config: modebar with PNG export, no plotly logo. */
export function plotlyConfig(filename: string): Record<string, unknown> {
  return {
    displaylogo: false,
    responsive: false,
    scrollZoom: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
    toImageButtonOptions: { filename, format: "png", scale: 2 },
  };
}

/** Escapes text for plotly's pseudo-HTML (labels, hover, ticks): shown verbatim, never markup. */
export function plotlyText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Creates an element with a class and optional text (textContent, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A labelled range slider. */
export function slider(
  label: string,
  className: string,
  min: number,
  max: number,
  step: number,
  value: number,
): { wrap: HTMLLabelElement; input: HTMLInputElement; out: HTMLSpanElement } {
  const wrap = el("label", "neurolab-control");
  wrap.appendChild(el("span", "neurolab-control-label", label));
  const input = el("input", className);
  input.type = "range";
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
  const out = el("span", "neurolab-control-value", String(value));
  wrap.append(input, out);
  return { wrap, input, out };
}

/** A labelled <select> with (value, text) options. */
export function select(
  label: string,
  className: string,
  options: [string, string][],
  value: string,
): { wrap: HTMLLabelElement; input: HTMLSelectElement } {
  const wrap = el("label", "neurolab-control");
  wrap.appendChild(el("span", "neurolab-control-label", label));
  const input = el("select", className);
  for (const [v, t] of options) {
    const o = el("option", "", t);
    o.value = v;
    input.appendChild(o);
  }
  input.value = value;
  wrap.appendChild(input);
  return { wrap, input };
}

/** Base class of the plotly renderers; `T` is the decoded payload. */
export abstract class PlotRenderer<T> extends Widget implements IRenderMime.IRenderer {
  /** Widget kind in error messages ("rdm", "connectome", ...). */
  protected abstract readonly kind: string;
  /** Class added to the node once drawn. */
  protected abstract readonly readyClass: string;
  protected abstract decode(value: unknown): T;
  /** Builds title, controls and plot containers (text only). */
  protected abstract skeleton(data: T): void;
  /** Draws (first = true) or redraws (theme change) every plot. */
  protected abstract draw(plotly: Plotly, data: T, theme: PlotTheme, first: boolean): Promise<void>;

  protected readonly mimeType: string;
  protected generation = 0;
  protected data: T | null = null;
  protected plotly: Plotly | null = null;
  protected plots: HTMLDivElement[] = [];
  protected drawn = false;
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
    const started = performance.now();
    this.reset();
    try {
      const data = this.decode(model.data[this.mimeType]);
      this.data = data;
      this.skeleton(data);
      const plotly = await loadPlotly();
      if (generation !== this.generation || this.isDisposed) return;
      this.plotly = plotly;
      const draw = () => void this.firstDraw(generation, started);
      if (this.isAttached) draw();
      else this.pendingDraw = draw;
    } catch (err) {
      if (generation === this.generation && !this.isDisposed) this.showError(err);
    }
  }

  private async firstDraw(generation: number, started: number): Promise<void> {
    if (!this.plotly || this.data === null) return;
    try {
      await this.draw(this.plotly, this.data, readTheme(this.node.ownerDocument), true);
      if (generation !== this.generation || this.isDisposed) return;
      this.drawn = true;
      this.addClass(this.readyClass);
      this.lastWidth = this.node.clientWidth;
      // Time to first paint (the frame after the draw), for benchmarks.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (generation === this.generation)
            this.node.dataset.renderMs = (performance.now() - started).toFixed(1);
        }),
      );
    } catch (err) {
      if (generation === this.generation && !this.isDisposed) this.showError(err);
    }
  }

  /** Registers a plot container (purged on reset, resized with the cell). */
  protected plotContainer(className: string, height: number): HTMLDivElement {
    const div = el("div", `neurolab-plot ${className}`);
    div.style.height = `${height}px`;
    this.plots.push(div);
    return div;
  }

  /** Runs `fn`, turning a failure into the error box. */
  protected guard(fn: () => unknown): void {
    const generation = this.generation;
    try {
      const r = fn();
      if (r instanceof Promise)
        r.catch(
          (err: unknown) =>
            generation === this.generation && !this.isDisposed && this.showError(err),
        );
    } catch (err) {
      this.showError(err);
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

  protected showError(err: unknown): void {
    this.reset();
    const message = err instanceof Error ? err.message : String(err);
    const box = el(
      "div",
      ERROR_CLASS,
      `neurolab: cannot render ${this.kind}: ${message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) + "\u2026" : message}`,
    );
    this.node.appendChild(box);
  }

  protected reset(): void {
    if (this.plotly) {
      for (const div of this.plots) {
        try {
          this.plotly.purge(div);
        } catch {
          // a half-built plot may fail to purge; it is discarded anyway
        }
      }
    }
    this.plots = [];
    this.drawn = false;
    this.data = null;
    this.pendingDraw = null;
    this.lastWidth = -1;
    this.removeClass(this.readyClass);
    for (const key of Object.keys(this.node.dataset)) delete this.node.dataset[key];
    this.node.textContent = "";
  }

  private scheduleResize(): void {
    if (!this.drawn || this.resizeFrame) return;
    this.resizeFrame = requestAnimationFrame(() => {
      this.resizeFrame = 0;
      if (!this.plotly || !this.drawn || !this.isVisible) return;
      this.lastWidth = this.node.clientWidth;
      for (const div of this.plots) {
        try {
          void Promise.resolve(this.plotly.Plots.resize(div)).catch(() => undefined);
        } catch {
          // not displayed: the next resize/show message retries
        }
      }
    });
  }

  private observe(): void {
    const doc = this.node.ownerDocument;
    if (!this.themeObserver && typeof MutationObserver !== "undefined" && doc.body) {
      this.themeObserver = new MutationObserver(() => {
        clearTimeout(this.themeTimer);
        this.themeTimer = setTimeout(() => this.retheme(), 150);
      });
      this.themeObserver.observe(doc.body, {
        attributes: true,
        attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"],
      });
    }
    if (!this.sizeObserver && typeof ResizeObserver !== "undefined") {
      this.sizeObserver = new ResizeObserver(() => {
        const w = this.node.clientWidth;
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

  /** Current theme of the document. */
  protected theme(): PlotTheme {
    return readTheme(this.node.ownerDocument);
  }

  private retheme(): void {
    if (!this.plotly || this.data === null || !this.drawn || this.isDisposed) return;
    this.guard(() => this.draw(this.plotly!, this.data!, this.theme(), false));
  }
}

/** Common axis styling from the theme. */
export function axisStyle(theme: PlotTheme): Record<string, unknown> {
  return {
    gridcolor: theme.grid,
    linecolor: theme.grid,
    zeroline: false,
    tickfont: { color: theme.muted },
    title: { font: { color: theme.muted } },
  };
}

/** Common layout from the theme. */
export function baseLayout(
  theme: PlotTheme,
  height: number,
  revision: string,
): Record<string, unknown> {
  return {
    height,
    autosize: true,
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
    margin: { l: 60, r: 20, t: 30, b: 40 },
    hovermode: "closest",
    hoverlabel: { font: { family: theme.fontFamily } },
    uirevision: revision,
    showlegend: false,
  };
}

/**
 * Keeps keyboard input inside a widget's controls (arrow keys on sliders, typing in the search
 * box) away from JupyterLab's document-level shortcuts, which would otherwise swallow them.
 */
export function keepKeys(container: HTMLElement): void {
  container.addEventListener("keydown", (e) => {
    const t = e.target as HTMLElement | null;
    if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) && e.key !== "Escape") e.stopPropagation();
  });
}
