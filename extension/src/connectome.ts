/**
 * The connectome renderer (`application/vnd.neurolab.connectome.v1+json`): node-link view with
 * the library's layered (sensory -> inter -> motor) or force layout, or an adjacency matrix
 * ordered by class, type or community; chemical / electrical toggles, a weight threshold, a
 * neuron search box, colour by type / neurotransmitter / community, and a click on a neuron
 * highlights its pre- and postsynaptic partners and lists them with their weights (as text).
 */
import { decodeConnectome, type ConnectomeData } from "neurolab/schema";
import { axisStyle, baseLayout, el, keepKeys, plotlyConfig, plotlyText, PlotRenderer, select, slider } from "./base.js";
import type { Plotly } from "./plotly.js";
import type { PlotTheme } from "./theme.js";

export const CONNECTOME_CLASS = "neurolab-connectome";
const HEIGHT = 620;
const TYPE_ORDER = ["sensory", "inter", "motor", "pharyngeal", "unknown", "muscle", "other"];

type View = "layered" | "force" | "adjacency";
type ColorBy = "type" | "neurotransmitter" | "community";
type Order = "class" | "type" | "community";

interface Partner {
  node: number;
  weight: number;
}

/** Partners of node `i` among edges with weight >= threshold. */
export function partnersOf(d: ConnectomeData, i: number, opts: { chemical: boolean; electrical: boolean; threshold: number }) {
  const pre: Partner[] = [];
  const post: Partner[] = [];
  const gap: Partner[] = [];
  if (opts.chemical) {
    const e = d.chemical;
    for (let k = 0; k < e.pre.length; k++) {
      if (e.weight[k] < opts.threshold) continue;
      if (e.post[k] === i) pre.push({ node: e.pre[k], weight: e.weight[k] });
      if (e.pre[k] === i) post.push({ node: e.post[k], weight: e.weight[k] });
    }
  }
  if (opts.electrical) {
    const e = d.electrical;
    for (let k = 0; k < e.pre.length; k++) {
      if (e.weight[k] < opts.threshold) continue;
      if (e.pre[k] === i) gap.push({ node: e.post[k], weight: e.weight[k] });
      else if (e.post[k] === i) gap.push({ node: e.pre[k], weight: e.weight[k] });
    }
  }
  const byWeight = (a: Partner, b: Partner) => b.weight - a.weight || a.node - b.node;
  return { pre: pre.sort(byWeight), post: post.sort(byWeight), gap: gap.sort(byWeight) };
}

export class ConnectomeRenderer extends PlotRenderer<ConnectomeData> {
  protected readonly kind = "connectome";
  protected readonly readyClass = CONNECTOME_CLASS;
  private plotDiv: HTMLDivElement | null = null;
  private partnersDiv: HTMLDivElement | null = null;
  private view: View = "layered";
  private colorBy: ColorBy = "type";
  private order: Order = "class";
  private chemical = true;
  private electrical = true;
  private threshold = 1;
  private selected = -1;
  private orderWrap: HTMLElement | null = null;
  private searchInput: HTMLInputElement | null = null;
  private searchNote: HTMLSpanElement | null = null;
  private clickBound = false;

  protected decode(value: unknown): ConnectomeData {
    return decodeConnectome(value);
  }

  protected skeleton(d: ConnectomeData): void {
    const node = this.node;
    this.view = d.layouts.layered ? "layered" : "force";
    this.selected = -1;
    this.clickBound = false;
    if (d.title) node.appendChild(el("div", "neurolab-title", d.title));
    const controls = el("div", "neurolab-controls neurolab-connectome-controls");
    const views: [string, string][] = [];
    if (d.layouts.layered) views.push(["layered", "layered (sensory \u2192 inter \u2192 motor)"]);
    if (d.layouts.force) views.push(["force", "force-directed"]);
    views.push(["adjacency", "adjacency matrix"]);
    const view = select("view", "neurolab-connectome-view", views, this.view);
    const color = select("colour by", "neurolab-connectome-color", [["type", "type"], ["neurotransmitter", "neurotransmitter"], ["community", "community"]], this.colorBy);
    const order = select("order by", "neurolab-connectome-order", [["class", "class"], ["type", "type"], ["community", "community"]], this.order);
    this.orderWrap = order.wrap;
    order.wrap.style.display = "none";
    const chem = checkbox("chemical", "neurolab-connectome-chemical", true);
    const elec = checkbox("electrical", "neurolab-connectome-electrical", true);
    let maxW = 1;
    for (const w of d.chemical.weight) maxW = Math.max(maxW, w);
    for (const w of d.electrical.weight) maxW = Math.max(maxW, w);
    const thr = slider("min. weight", "neurolab-connectome-threshold", 1, Math.max(2, Math.ceil(maxW)), 1, 1);
    const searchWrap = el("label", "neurolab-control");
    searchWrap.appendChild(el("span", "neurolab-control-label", "neuron"));
    const search = el("input", "neurolab-connectome-search");
    search.type = "search";
    search.placeholder = "search, e.g. AVAL";
    search.autocomplete = "off";
    const listId = `neurolab-names-${Math.random().toString(36).slice(2)}`;
    const datalist = el("datalist", "");
    datalist.id = listId;
    for (const name of [...d.names].sort()) {
      const o = el("option", "");
      o.value = name; // a property, never markup
      datalist.appendChild(o);
    }
    search.setAttribute("list", listId);
    this.searchInput = search;
    this.searchNote = el("span", "neurolab-control-value", "");
    searchWrap.append(search, datalist, this.searchNote);
    controls.append(view.wrap, color.wrap, order.wrap, chem.wrap, elec.wrap, thr.wrap, searchWrap);
    keepKeys(controls);
    node.appendChild(controls);
    const body = el("div", "neurolab-connectome-body");
    this.plotDiv = this.plotContainer("neurolab-connectome-plot", HEIGHT);
    this.partnersDiv = el("div", "neurolab-connectome-partners");
    this.partnersDiv.appendChild(el("div", "neurolab-muted", "Click a neuron (or search for one) to list its synaptic partners."));
    body.append(this.plotDiv, this.partnersDiv);
    node.appendChild(body);
    if (d.citation) node.appendChild(el("div", "neurolab-caption", `Data: ${d.citation}`));
    node.dataset.nNodes = String(d.names.length);
    node.dataset.nChemical = String(d.chemical.pre.length);
    node.dataset.nElectrical = String(d.electrical.pre.length);

    view.input.addEventListener("change", () => {
      this.view = view.input.value as View;
      order.wrap.style.display = this.view === "adjacency" ? "" : "none";
      color.wrap.style.display = this.view === "adjacency" ? "none" : "";
      this.redraw();
    });
    color.input.addEventListener("change", () => ((this.colorBy = color.input.value as ColorBy), this.redraw()));
    order.input.addEventListener("change", () => ((this.order = order.input.value as Order), this.redraw()));
    chem.input.addEventListener("change", () => ((this.chemical = chem.input.checked), this.redraw()));
    elec.input.addEventListener("change", () => ((this.electrical = elec.input.checked), this.redraw()));
    thr.input.addEventListener("input", () => {
      this.threshold = Number(thr.input.value);
      thr.out.textContent = thr.input.value;
      this.redraw();
    });
    const find = (commit: boolean) => {
      const q = search.value.trim().toUpperCase();
      if (!q) return;
      let i = d.names.findIndex((n) => n.toUpperCase() === q);
      if (i < 0 && commit) i = d.names.findIndex((n) => n.toUpperCase().startsWith(q));
      if (i >= 0) this.selectNode(i);
      else if (commit) this.searchNote!.textContent = "no match";
    };
    search.addEventListener("input", () => find(false));
    search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") find(true);
    });
  }

  /** Selects node i (or clears with -1), redraws and lists its partners. */
  selectNode(i: number): void {
    const d = this.data;
    if (!d) return;
    this.selected = i;
    if (this.searchNote) this.searchNote.textContent = "";
    if (i >= 0 && this.searchInput && this.searchInput.value.trim().toUpperCase() !== d.names[i].toUpperCase()) this.searchInput.value = d.names[i];
    this.redraw();
  }

  private redraw(): void {
    if (!this.plotly || !this.data || !this.drawn) return;
    this.guard(() => this.draw(this.plotly!, this.data!, this.theme(), false));
  }

  private listPartners(d: ConnectomeData): void {
    const box = this.partnersDiv!;
    box.textContent = "";
    const i = this.selected;
    if (i < 0) {
      delete this.node.dataset.selected;
      box.appendChild(el("div", "neurolab-muted", "Click a neuron (or search for one) to list its synaptic partners."));
      return;
    }
    const p = partnersOf(d, i, { chemical: this.chemical, electrical: this.electrical, threshold: this.threshold });
    this.node.dataset.selected = d.names[i];
    this.node.dataset.nPre = String(p.pre.length);
    this.node.dataset.nPost = String(p.post.length);
    this.node.dataset.nGap = String(p.gap.length);
    const head = el("div", "neurolab-partners-head", d.names[i]);
    const meta = [d.types[i], d.neurotransmitters[i], d.classes[i] !== d.names[i] ? `class ${d.classes[i]}` : "", `community ${d.communities[i]}`].filter(Boolean).join(" \u00b7 ");
    box.append(head, el("div", "neurolab-muted", meta));
    const section = (title: string, cls: string, list: Partner[], unit: string) => {
      box.appendChild(el("div", "neurolab-partners-title", `${title} (${list.length})`));
      const ul = el("ul", `neurolab-partners ${cls}`);
      for (const q of list) ul.appendChild(el("li", "", `${d.names[q.node]} \u2014 ${q.weight} ${unit}`));
      box.appendChild(ul);
    };
    if (this.chemical) {
      section("presynaptic partners (input)", "neurolab-partners-pre", p.pre, "syn.");
      section("postsynaptic partners (output)", "neurolab-partners-post", p.post, "syn.");
    }
    if (this.electrical) section("electrical partners", "neurolab-partners-gap", p.gap, "gj");
  }

  protected async draw(plotly: Plotly, d: ConnectomeData, theme: PlotTheme, first: boolean): Promise<void> {
    const fig = this.view === "adjacency" ? this.adjacencyFigure(d, theme) : this.nodeLinkFigure(d, theme);
    const div = this.plotDiv!;
    const cfg = plotlyConfig("neurolab-connectome");
    // A view switch changes trace types: start fresh so plotly does not morph traces.
    if (first || div.dataset.view !== this.view) await plotly.newPlot(div, fig.data, fig.layout, cfg);
    else await plotly.react(div, fig.data, fig.layout, cfg);
    div.dataset.view = this.view;
    this.node.dataset.view = this.view;
    this.node.dataset.threshold = String(this.threshold);
    this.node.dataset.edgesShown = String(fig.edgesShown);
    if (!this.clickBound) {
      this.clickBound = true;
      (div as unknown as { on(e: string, h: (ev: any) => void): void }).on("plotly_click", (ev: any) => {
        const pt = ev?.points?.[0];
        if (!pt) return;
        const cd = pt.customdata;
        if (typeof cd === "number" && cd >= 0 && cd < d.names.length) this.selectNode(cd === this.selected ? -1 : cd);
        else if (this.view === "adjacency" && typeof pt.y === "number" && this.adjOrder) this.selectNode(this.adjOrder[pt.y]);
      });
    }
    this.listPartners(d);
  }

  private adjOrder: number[] | null = null;

  private categories(d: ConnectomeData): { key: (i: number) => string; order: string[] } {
    if (this.colorBy === "community") {
      const keys = [...new Set(Array.from(d.communities))].sort((a, b) => a - b).map((c) => `community ${c}`);
      return { key: (i) => `community ${d.communities[i]}`, order: keys };
    }
    const values = this.colorBy === "type" ? d.types : d.neurotransmitters.map((t) => t || "unknown");
    const uniq = [...new Set(values)];
    const rank = (t: string) => (this.colorBy === "type" ? (TYPE_ORDER.indexOf(t) + 100) % 100 : 0);
    uniq.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return { key: (i) => values[i], order: uniq };
  }

  private nodeLinkFigure(d: ConnectomeData, theme: PlotTheme) {
    const layout = this.view === "force" ? d.layouts.force! : d.layouts.layered!;
    const n = d.names.length;
    const sel = this.selected;
    const ex: (number | null)[] = [];
    const ey: (number | null)[] = [];
    const gx: (number | null)[] = [];
    const gy: (number | null)[] = [];
    let edgesShown = 0;
    const push = (xs: (number | null)[], ys: (number | null)[], a: number, b: number) => {
      xs.push(layout.x[a], layout.x[b], null);
      ys.push(layout.y[a], layout.y[b], null);
    };
    const hl = { inX: [] as (number | null)[], inY: [] as (number | null)[], outX: [] as (number | null)[], outY: [] as (number | null)[], gapX: [] as (number | null)[], gapY: [] as (number | null)[] };
    const partner = new Uint8Array(n);
    if (this.chemical) {
      const e = d.chemical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        edgesShown++;
        if (sel >= 0 && e.post[k] === sel) (push(hl.inX, hl.inY, e.pre[k], sel), (partner[e.pre[k]] = 1));
        else if (sel >= 0 && e.pre[k] === sel) (push(hl.outX, hl.outY, sel, e.post[k]), (partner[e.post[k]] = 1));
        else push(ex, ey, e.pre[k], e.post[k]);
      }
    }
    if (this.electrical) {
      const e = d.electrical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        edgesShown++;
        if (sel >= 0 && (e.pre[k] === sel || e.post[k] === sel)) {
          push(hl.gapX, hl.gapY, e.pre[k], e.post[k]);
          partner[e.pre[k] === sel ? e.post[k] : e.pre[k]] = 1;
        } else push(gx, gy, e.pre[k], e.post[k]);
      }
    }
    const dim = sel >= 0;
    const edgeAlpha = dim ? 0.04 : 0.12;
    const fg = theme.light ? "0,0,0" : "255,255,255";
    const data: Record<string, unknown>[] = [
      { type: "scatter", mode: "lines", x: ex, y: ey, line: { color: `rgba(${fg},${edgeAlpha})`, width: 0.7 }, hoverinfo: "skip", name: "chemical" },
      { type: "scatter", mode: "lines", x: gx, y: gy, line: { color: `rgba(230,149,0,${dim ? 0.08 : 0.3})`, width: 0.7, dash: "dot" }, hoverinfo: "skip", name: "electrical" },
    ];
    if (dim) {
      data.push(
        { type: "scatter", mode: "lines", x: hl.inX, y: hl.inY, line: { color: theme.palette[0], width: 1.6 }, hoverinfo: "skip", name: "input" },
        { type: "scatter", mode: "lines", x: hl.outX, y: hl.outY, line: { color: theme.palette[1], width: 1.6 }, hoverinfo: "skip", name: "output" },
        { type: "scatter", mode: "lines", x: hl.gapX, y: hl.gapY, line: { color: "rgb(230,149,0)", width: 1.6, dash: "dot" }, hoverinfo: "skip", name: "gap junctions" },
      );
    }
    const cats = this.categories(d);
    const colorOf = new Map(cats.order.map((c, k) => [c, theme.palette[k % theme.palette.length]]));
    const members = new Map<string, number[]>(cats.order.map((c) => [c, []]));
    for (let i = 0; i < n; i++) members.get(cats.key(i))!.push(i);
    for (const c of cats.order) {
      const idx = members.get(c)!;
      data.push({
        type: "scatter",
        mode: "markers",
        name: plotlyText(c || "unknown"),
        x: idx.map((i) => layout.x[i]),
        y: idx.map((i) => layout.y[i]),
        customdata: idx,
        text: idx.map((i) => plotlyText(d.names[i])),
        hovertext: idx.map((i) => plotlyText(`${d.names[i]} \u00b7 ${d.types[i]}${d.neurotransmitters[i] ? " \u00b7 " + d.neurotransmitters[i] : ""}`)),
        hovertemplate: "%{hovertext}<extra></extra>",
        marker: {
          size: idx.map((i) => (i === sel ? 16 : dim && partner[i] ? 10 : 7)),
          color: colorOf.get(c),
          opacity: dim ? idx.map((i) => (i === sel || partner[i] ? 1 : 0.2)) : 0.9,
          line: { width: idx.map((i) => (i === sel ? 2 : 0.5)), color: idx.map((i) => (i === sel ? theme.foreground : theme.background)) },
        },
        showlegend: true,
      });
    }
    if (sel >= 0) {
      data.push({
        type: "scatter",
        mode: "text",
        x: [layout.x[sel]],
        y: [layout.y[sel]],
        text: [plotlyText(d.names[sel])],
        textposition: "top center",
        textfont: { size: 13, color: theme.foreground },
        hoverinfo: "skip",
        showlegend: false,
      });
    }
    const axis = { ...axisStyle(theme), showgrid: false, showticklabels: false, zeroline: false, showline: false };
    const lay: Record<string, unknown> = {
      ...baseLayout(theme, HEIGHT, `neurolab-connectome-${this.view}`),
      margin: { l: 10, r: 10, t: 10, b: this.view === "layered" ? 30 : 10 },
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
      xaxis: { ...axis, range: [-0.04, 1.04] },
      yaxis: { ...axis, range: [1.04, -0.04] },
      dragmode: "zoom",
    };
    if (this.view === "layered" && d.layers.length > 0) {
      lay.annotations = d.layers.map((name, l) => ({
        text: plotlyText(name),
        x: d.layers.length === 1 ? 0.5 : l / (d.layers.length - 1),
        y: 1.04,
        xref: "x",
        yref: "y",
        yanchor: "top",
        showarrow: false,
        font: { color: theme.muted },
      }));
    }
    return { data, layout: lay, edgesShown };
  }

  private adjacencyFigure(d: ConnectomeData, theme: PlotTheme) {
    const n = d.names.length;
    const key = (i: number): [number | string, string] =>
      this.order === "community" ? [d.communities[i], d.classes[i]] : this.order === "type" ? [(TYPE_ORDER.indexOf(d.types[i]) + 100) % 100, d.classes[i]] : [d.classes[i], d.names[i]];
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka[0] < kb[0] ? -1 : ka[0] > kb[0] ? 1 : ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : d.names[a] < d.names[b] ? -1 : 1;
    });
    this.adjOrder = order;
    const pos = new Int32Array(n);
    order.forEach((node, r) => (pos[node] = r));
    const z: (number | null)[][] = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
    let edgesShown = 0;
    const add = (a: number, b: number, w: number) => {
      z[pos[a]][pos[b]] = (z[pos[a]][pos[b]] ?? 0) + w;
    };
    if (this.chemical) {
      const e = d.chemical;
      for (let k = 0; k < e.pre.length; k++) if (e.weight[k] >= this.threshold) (add(e.pre[k], e.post[k], e.weight[k]), edgesShown++);
    }
    if (this.electrical) {
      const e = d.electrical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        edgesShown++;
        add(e.pre[k], e.post[k], e.weight[k]);
        if (e.pre[k] !== e.post[k]) add(e.post[k], e.pre[k], e.weight[k]);
      }
    }
    const names = order.map((i) => plotlyText(d.names[i]));
    const text = names.map((pre) => names.map((post) => `${pre} \u2192 ${post}`));
    const sel = this.selected;
    const shapes: Record<string, unknown>[] = [];
    // Group boundaries.
    for (let r = 1; r < n; r++) {
      const a = key(order[r - 1])[0];
      const b = key(order[r])[0];
      if (a !== b && this.order !== "class") {
        for (const [x0, x1, y0, y1] of [[-0.5, n - 0.5, r - 0.5, r - 0.5], [r - 0.5, r - 0.5, -0.5, n - 0.5]]) {
          shapes.push({ type: "line", x0, x1, y0, y1, line: { color: theme.muted, width: 0.6 } });
        }
      }
    }
    if (sel >= 0) {
      const r = pos[sel];
      shapes.push({ type: "rect", x0: -0.5, x1: n - 0.5, y0: r - 0.5, y1: r + 0.5, line: { color: theme.palette[1], width: 1 } });
      shapes.push({ type: "rect", x0: r - 0.5, x1: r + 0.5, y0: -0.5, y1: n - 0.5, line: { color: theme.palette[0], width: 1 } });
    }
    const axis = axisStyle(theme);
    const showTicks = n <= 80;
    const tickAxis = showTicks ? { tickmode: "array", tickvals: order.map((_, r) => r), ticktext: names, tickfont: { size: 8 } } : { showticklabels: false };
    const data = [
      {
        type: "heatmap",
        z,
        text,
        hovertemplate: "%{text}<br>%{z} synapses<extra></extra>",
        colorscale: "Viridis",
        hoverongaps: false,
        colorbar: { title: { text: "synapses", side: "right" }, thickness: 12, tickfont: { color: theme.muted } },
      },
    ];
    const lay: Record<string, unknown> = {
      ...baseLayout(theme, HEIGHT, `neurolab-connectome-adjacency`),
      margin: { l: showTicks ? 60 : 30, r: 10, t: 10, b: showTicks ? 60 : 30 },
      xaxis: { ...axis, ...tickAxis, title: { text: "postsynaptic" }, showgrid: false, constrain: "domain" },
      yaxis: { ...axis, ...tickAxis, title: { text: `presynaptic (ordered by ${this.order})` }, autorange: "reversed", scaleanchor: "x", showgrid: false, constrain: "domain" },
      shapes,
    };
    return { data, layout: lay, edgesShown };
  }
}

function checkbox(label: string, className: string, checked: boolean): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const wrap = el("label", "neurolab-control");
  const input = el("input", className);
  input.type = "checkbox";
  input.checked = checked;
  wrap.append(input, el("span", "neurolab-control-label", label));
  return { wrap, input };
}
