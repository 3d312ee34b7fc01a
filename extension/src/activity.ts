/**
 * The activity renderer (`application/vnd.neurolab.activity.v1+json`): continuous activity
 * (calcium traces, rates) as a neurons x time heatmap with a robust colour range; long
 * recordings are averaged into at most 2000 time columns for drawing.
 */
import { activityValueLabel, decodeActivity, type ActivityData } from "neurolab/schema";
import { nameTicks } from "./figure.js";
import { axisStyle, baseLayout, el, plotlyConfig, plotlyText, PlotRenderer } from "./base.js";
import type { Plotly } from "./plotly.js";
import type { FullLayout } from "plotly.js-dist-min";
import type { PlotTheme } from "./theme.js";

export const ACTIVITY_CLASS = "neurolab-activity";
const MAX_COLUMNS = 2000;
/** Pixel height of a row up to which the figure grows with the neuron count, and the label spacing. */
const ROW_PX = 13;
const LABEL_PX = 13;
const MARGIN = { l: 80, r: 10, t: 10, b: 44 };

/** Averages time into at most `maxColumns` columns; NaN-aware (all-NaN bins stay null). */
export function binActivity(
  d: ActivityData,
  maxColumns = MAX_COLUMNS,
): { z: (number | null)[][]; x0: number; dx: number; lo: number; hi: number } {
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
        if (v === v) {
          s += v;
          k++;
        }
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
  return { z, x0: d.tStart_s + ((factor - 1) * d.dt_s) / 2, dx: factor * d.dt_s, lo, hi };
}

export class ActivityRenderer extends PlotRenderer<ActivityData> {
  protected readonly kind = "activity";
  protected readonly readyClass = ACTIVITY_CLASS;
  private plotDiv: HTMLDivElement | null = null;
  private tickFrame = 0;

  protected decode(value: unknown): ActivityData {
    return decodeActivity(value);
  }

  protected skeleton(d: ActivityData): void {
    if (d.title) this.node.appendChild(el("div", "neurolab-title", d.title));
    this.plotDiv = this.plotContainer("neurolab-activity-plot", height(d));
    this.node.appendChild(this.plotDiv);
    this.node.appendChild(
      el(
        "div",
        "neurolab-caption",
        `${d.nNeurons} neurons \u00b7 ${d.nTimes} samples \u00b7 dt ${Number(d.dt_s.toPrecision(4))} s \u00b7 ${activityValueLabel(d)}`,
      ),
    );
    this.node.dataset.nNeurons = String(d.nNeurons);
    this.node.dataset.nTimes = String(d.nTimes);
  }

  protected async draw(
    plotly: Plotly,
    d: ActivityData,
    theme: PlotTheme,
    first: boolean,
  ): Promise<void> {
    const b = binActivity(d);
    const labels = d.labels.map(plotlyText);
    const axis = axisStyle(theme);
    // Hover names the quantity and its unit; the unit goes in through `meta` (shown, never evaluated).
    const quantity = plotlyText(d.quantity);
    const unit = d.unit ? ` ${plotlyText(d.unit)}` : "";
    const data = [
      {
        type: "heatmap",
        z: b.z,
        x0: b.x0,
        dx: b.dx,
        y: labels.map((_, i) => i),
        text: labels.map((l) => new Array<string>(b.z[0]?.length ?? 0).fill(l)),
        meta: [quantity, unit],
        hovertemplate:
          "%{text}<br>t = %{x:.2f} s<br>%{meta[0]} = %{z:.3g}%{meta[1]}<extra></extra>",
        colorscale: "Viridis",
        zmin: b.lo,
        zmax: b.hi,
        hoverongaps: false,
        colorbar: {
          title: { text: plotlyText(activityValueLabel(d)), side: "right" },
          thickness: 12,
          tickfont: { color: theme.muted },
        },
      },
    ];
    const layout = {
      ...baseLayout(theme, height(d), "neurolab-activity"),
      margin: { ...MARGIN },
      xaxis: { ...axis, title: { text: "time (s)" }, showgrid: false },
      yaxis: {
        ...axis,
        autorange: "reversed",
        showgrid: false,
        title: { text: "neuron" },
        // Readable row labels: every row when rows are >= 13 px, else evenly spaced ones (zoom in for all).
        tickmode: "array",
        ...nameTicks(d.labels, -0.5, d.nNeurons - 0.5, labelCount(d)),
        tickfont: { size: 10 },
        automargin: true,
      },
    };
    const cfg = plotlyConfig("neurolab-activity");
    if (first) await plotly.newPlot(this.plotDiv!, data, layout, cfg);
    else await plotly.react(this.plotDiv!, data, layout, cfg);
    if (first) {
      const div = this.plotDiv as HTMLDivElement & {
        on(e: string, h: (ev: Record<string, unknown>) => void): void;
      };
      div.on("plotly_relayout", (ev) => {
        if (
          Object.keys(ev ?? {}).some((k) => k.startsWith("yaxis.range") || k === "yaxis.autorange")
        )
          this.scheduleTicks();
      });
    }
    this.node.dataset.rowLabels = String(
      nameTicks(d.labels, -0.5, d.nNeurons - 0.5, labelCount(d)).tickvals.length,
    );
  }

  /** Relabels the rows in view after a zoom (all of them once they are >= 13 px apart). */
  private scheduleTicks(): void {
    if (this.tickFrame) return;
    this.tickFrame = requestAnimationFrame(() => {
      this.tickFrame = 0;
      const div = this.plotDiv as (HTMLDivElement & { _fullLayout?: FullLayout }) | null;
      const d = this.data;
      const ya = div?._fullLayout?.yaxis;
      if (!div || !d || !ya || !this.plotly || this.isDisposed) return;
      const ticks = nameTicks(
        d.labels,
        ya.range[0],
        ya.range[1],
        Math.max(2, Math.floor(ya._length / LABEL_PX)),
      );
      this.node.dataset.rowLabels = String(ticks.tickvals.length);
      this.guard(() =>
        this.plotly!.relayout(div, {
          "yaxis.tickvals": ticks.tickvals,
          "yaxis.ticktext": ticks.ticktext,
        }),
      );
    });
  }

  protected override reset(): void {
    if (this.tickFrame) cancelAnimationFrame(this.tickFrame);
    this.tickFrame = 0;
    super.reset();
  }
}

/** Row labels that fit the initial plot (one per 13 px). */
function labelCount(d: ActivityData): number {
  return Math.max(2, Math.floor((height(d) - MARGIN.t - MARGIN.b) / LABEL_PX));
}

function height(d: ActivityData): number {
  return Math.max(280, Math.min(900, MARGIN.t + MARGIN.b + d.nNeurons * ROW_PX));
}
