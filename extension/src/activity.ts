/**
 * The activity renderer (`application/vnd.neurolab.activity.v1+json`): continuous activity
 * (calcium traces, rates) as a neurons x time heatmap with a robust colour range; long
 * recordings are averaged into at most 2000 time columns for drawing.
 */
import { decodeActivity, type ActivityData } from "neurolab/schema";
import { axisStyle, baseLayout, el, plotlyConfig, plotlyText, PlotRenderer } from "./base.js";
import type { Plotly } from "./plotly.js";
import type { PlotTheme } from "./theme.js";

export const ACTIVITY_CLASS = "neurolab-activity";
const MAX_COLUMNS = 2000;
/** Neuron count up to which every row is labelled (rows >= 10 px then). */
const MAX_TICK_LABELS = 64;

/** Averages time into at most `maxColumns` columns; NaN-aware (all-NaN bins stay null). */
export function binActivity(d: ActivityData, maxColumns = MAX_COLUMNS): { z: (number | null)[][]; x0: number; dx: number; lo: number; hi: number } {
  const factor = Math.max(1, Math.ceil(d.nTimes / maxColumns));
  const cols = Math.ceil(d.nTimes / factor);
  const z: (number | null)[][] = [];
  const finite: number[] = [];
  for (let i = 0; i < d.nNeurons; i++) {
    const row = new Array<number | null>(cols).fill(null);
    for (let c = 0; c < cols; c++) {
      let s = 0;
      let k = 0;
      for (let t = c * factor; t < Math.min(d.nTimes, (c + 1) * factor); t++) {
        const v = d.values[i * d.nTimes + t];
        if (v === v) (s += v), k++;
      }
      if (k > 0) {
        row[c] = s / k;
        finite.push(s / k);
      }
    }
    z.push(row);
  }
  finite.sort((a, b) => a - b);
  const lo = finite.length ? finite[Math.floor(0.01 * (finite.length - 1))] : 0;
  let hi = finite.length ? finite[Math.ceil(0.99 * (finite.length - 1))] : 1;
  if (!(hi > lo)) hi = lo + 1;
  return { z, x0: d.tStartS + ((factor - 1) * d.dtS) / 2, dx: factor * d.dtS, lo, hi };
}

export class ActivityRenderer extends PlotRenderer<ActivityData> {
  protected readonly kind = "activity";
  protected readonly readyClass = ACTIVITY_CLASS;
  private plotDiv: HTMLDivElement | null = null;

  protected decode(value: unknown): ActivityData {
    return decodeActivity(value);
  }

  protected skeleton(d: ActivityData): void {
    if (d.title) this.node.appendChild(el("div", "neurolab-title", d.title));
    this.plotDiv = this.plotContainer("neurolab-activity-plot", height(d));
    this.node.appendChild(this.plotDiv);
    this.node.appendChild(
      el("div", "neurolab-caption", `${d.nNeurons} neurons \u00b7 ${d.nTimes} samples \u00b7 dt ${Number(d.dtS.toPrecision(4))} s \u00b7 ${d.quantity}`),
    );
    this.node.dataset.nNeurons = String(d.nNeurons);
    this.node.dataset.nTimes = String(d.nTimes);
  }

  protected async draw(plotly: Plotly, d: ActivityData, theme: PlotTheme, first: boolean): Promise<void> {
    const b = binActivity(d);
    const labels = d.labels.map(plotlyText);
    const axis = axisStyle(theme);
    const showTicks = d.nNeurons <= MAX_TICK_LABELS;
    const data = [
      {
        type: "heatmap",
        z: b.z,
        x0: b.x0,
        dx: b.dx,
        y: labels.map((_, i) => i),
        text: labels.map((l) => new Array<string>(b.z[0]?.length ?? 0).fill(l)),
        hovertemplate: "%{text}<br>t = %{x:.2f} s<br>%{z:.3g}<extra></extra>",
        colorscale: "Viridis",
        zmin: b.lo,
        zmax: b.hi,
        hoverongaps: false,
        colorbar: { title: { text: plotlyText(d.quantity), side: "right" }, thickness: 12, tickfont: { color: theme.muted } },
      },
    ];
    const layout = {
      ...baseLayout(theme, height(d), "neurolab-activity"),
      margin: { l: showTicks ? 70 : 50, r: 10, t: 10, b: 44 },
      xaxis: { ...axis, title: { text: "time (s)" }, showgrid: false },
      yaxis: {
        ...axis,
        autorange: "reversed",
        showgrid: false,
        title: { text: "neuron" },
        ...(showTicks ? { tickmode: "array", tickvals: labels.map((_, i) => i), ticktext: labels, tickfont: { size: 8 } } : {}),
      },
    };
    const cfg = plotlyConfig("neurolab-activity");
    if (first) await plotly.newPlot(this.plotDiv!, data, layout, cfg);
    else await plotly.react(this.plotDiv!, data, layout, cfg);
  }
}

function height(d: ActivityData): number {
  return Math.max(280, Math.min(720, 80 + d.nNeurons * (d.nNeurons <= MAX_TICK_LABELS ? 10 : 3)));
}
