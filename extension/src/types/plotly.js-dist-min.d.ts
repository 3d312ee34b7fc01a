/**
 * Minimal typings for the parts of plotly.js (`plotly.js-dist-min`, a UMD bundle without
 * bundled types) that the renderers use.
 */
declare module "plotly.js-dist-min" {
  export type Data = Record<string, unknown>;
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;

  /** A div that plotly has drawn into. */
  export interface PlotlyHTMLElement extends HTMLDivElement {
    data?: Data[];
    layout?: Layout;
    _fullData?: Data[];
    on(event: string, handler: (event: PlotlyEvent | undefined) => unknown): void;
    removeAllListeners?(event: string): void;
  }

  /** The fields of plotly's events (click, legend click, selection, relayout) that the renderers read. */
  export interface PlotlyEvent {
    points?: { customdata?: unknown; x?: unknown; y?: unknown }[];
    curveNumber: number;
    data?: { meta?: unknown }[];
    range?: { x?: number[]; y?: number[] };
    dragmode?: unknown;
    [key: string]: unknown;
  }

  /** An axis of plotly's private computed layout: data range, pixel length and offset, data -> pixel. */
  export interface FullAxis {
    range: [number, number];
    _length: number;
    _offset: number;
    l2p(value: number): number;
  }

  /** Plotly's private computed layout (`div._fullLayout`), the parts the renderers read. */
  export interface FullLayout {
    xaxis: FullAxis;
    yaxis: FullAxis;
    xaxis2?: FullAxis;
    yaxis2?: FullAxis;
    selections?: { xref?: string; x0: number; x1: number }[];
  }

  export function newPlot(
    root: HTMLElement,
    data: Data[],
    layout?: Layout,
    config?: Config,
  ): Promise<PlotlyHTMLElement>;
  export function react(
    root: HTMLElement,
    data: Data[],
    layout?: Layout,
    config?: Config,
  ): Promise<PlotlyHTMLElement>;
  export function relayout(root: HTMLElement, update: Layout): Promise<PlotlyHTMLElement>;
  export function purge(root: HTMLElement): void;
  export function restyle(
    root: HTMLElement,
    update: Record<string, unknown>,
    traces?: number[],
  ): Promise<PlotlyHTMLElement>;
  export function update(
    root: HTMLElement,
    traceUpdate: Record<string, unknown>,
    layoutUpdate: Layout,
    traces?: number[],
  ): Promise<PlotlyHTMLElement>;
  export function toImage(
    root: HTMLElement,
    opts: { format: "png" | "svg"; width?: number; height?: number; scale?: number },
  ): Promise<string>;
  export function downloadImage(
    root: HTMLElement,
    opts: { format: "png" | "svg"; filename?: string; scale?: number },
  ): Promise<string>;
  export const Icons: Record<string, unknown>;
  export const Plots: { resize(root: HTMLElement): Promise<void> | void };
}
