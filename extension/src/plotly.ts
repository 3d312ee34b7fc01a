/**
 * Lazy loader for plotly.js: the ~4.7 MB bundle is a separate chunk fetched the first time a
 * raster is drawn, so JupyterLab start-up does not pay for it.
 */
import type * as PlotlyModule from "plotly.js-dist-min";

export type Plotly = typeof PlotlyModule;

let pending: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  if (!pending) {
    pending = import("plotly.js-dist-min").then(
      (mod) => {
        // plotly.js-dist-min is a UMD/CommonJS bundle: depending on interop the API is the
        // namespace itself or its default export.
        const m = mod as unknown as Plotly & { default?: Plotly };
        return typeof m.newPlot === "function" ? m : (m.default as Plotly);
      },
      (err: unknown) => {
        pending = null; // allow a retry (e.g. after a transient network error)
        throw err;
      },
    );
  }
  return pending;
}
