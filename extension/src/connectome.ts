/**
 * The connectome renderer (`application/vnd.neurolab.connectome.v1+json`): node-link view with
 * the library's layered (sensory -> inter -> motor) or force layout, or an adjacency matrix
 * ordered by class, type or community; chemical / electrical toggles, a weight threshold, a
 * neuron search box, colour by type / neurotransmitter / community, and a click on a neuron
 * highlights its pre- and postsynaptic partners and lists them with their weights (as text).
 * Selection, threshold and toggles update the drawn figure incrementally: the selection is an
 * overlay over the plot area (no plotly call), a toggle restyles an edge trace's opacity, the
 * threshold refilters the two edge traces; view, colouring and order changes redraw.
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

  protected decode(value: unknown): ConnectomeData {
    return decodeConnectome(value);
  }

  protected skeleton(d: ConnectomeData): void {
    const node = this.node;
    this.view = d.layouts.layered ? "layered" : "force";
    this.selected = -1;
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
    chem.input.addEventListener("change", () => ((this.chemical = chem.input.checked), this.scheduleUpdate()));
    elec.input.addEventListener("change", () => ((this.electrical = elec.input.checked), this.scheduleUpdate()));
    thr.input.addEventListener("input", () => {
      this.threshold = Number(thr.input.value);
      thr.out.textContent = thr.input.value;
      this.scheduleUpdate();
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

  /** Selects node i (or clears with -1), highlights its partners and lists them. */
  selectNode(i: number): void {
    const d = this.data;
    if (!d) return;
    this.selected = i;
    if (this.searchNote) this.searchNote.textContent = "";
    if (i >= 0 && this.searchInput && this.searchInput.value.trim().toUpperCase() !== d.names[i].toUpperCase()) this.searchInput.value = d.names[i];
    this.scheduleUpdate();
  }

  /** Full redraw (view, colouring, order or theme change). */
  private redraw(): void {
    if (!this.plotly || !this.data || !this.drawn) return;
    this.guard(() => this.draw(this.plotly!, this.data!, this.theme(), false));
  }

  /**
   * Incremental update for selection, threshold and toggles, run at once; requests that arrive
   * while one runs are folded into one more run. `data-update-ms` is the time from the first
   * request to the updated plot, `data-interaction-ms` to the painted frame after it.
   */
  private scheduleUpdate(): void {
    if (!this.plotly || !this.data || !this.drawn) return;
    if (!this.updateStarted) this.updateStarted = performance.now();
    if (this.updating) {
      this.updatePending = true;
      return;
    }
    this.updating = true;
    this.updatePending = false;
    const started = this.updateStarted;
    this.updateStarted = 0;
    const generation = this.generation;
    const finish = () => {
      if (generation !== this.generation) return;
      this.updating = false;
      if (this.updatePending) this.scheduleUpdate();
    };
    this.guard(() =>
      this.applyUpdate(this.plotly!, this.data!).then(() => {
        if (generation === this.generation) {
          this.node.dataset.updateMs = (performance.now() - started).toFixed(1);
          requestAnimationFrame(() => requestAnimationFrame(() => {
            if (generation === this.generation) this.node.dataset.interactionMs = (performance.now() - started).toFixed(1);
          }));
        }
        finish();
      }, (err: unknown) => {
        finish();
        throw err;
      }),
    );
  }

  private async applyUpdate(plotly: Plotly, d: ConnectomeData): Promise<void> {
    const div = this.plotDiv!;
    if (this.view === "adjacency") {
      const adj = this.adjacency;
      if (!adj) return;
      const z = this.adjacencyMatrix(d, adj.pos);
      const zChanged = z.edgesShown !== adj.edgesShown || this.threshold !== adj.threshold || this.chemical !== adj.chemical || this.electrical !== adj.electrical;
      if (zChanged) Object.assign(adj, { edgesShown: z.edgesShown, threshold: this.threshold, chemical: this.chemical, electrical: this.electrical });
      await plotly.update(div, zChanged ? { z: [z.z] } : {}, adjacencySelection(this.selected, adj.pos), [0]);
      this.node.dataset.edgesShown = String(z.edgesShown);
    } else {
      if (!this.nodeLink) return;
      this.drawEdges();
      this.drawOverlay();
    }
    this.node.dataset.threshold = String(this.threshold);
    this.listPartners(d);
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
    if (this.view === "adjacency") this.nodeLink = null;
    else this.adjacency = null;
    const div = this.plotDiv!;
    const cfg = {
      ...plotlyConfig("neurolab-connectome"),
      // PNG export composes plotly's image with the edge and selection layers.
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"],
      modeBarButtonsToAdd: [{ name: "Download plot as a PNG", icon: plotly.Icons.camera, click: () => this.guard(() => this.exportPng()) }],
    };
    // A view switch changes trace types: start fresh so plotly does not morph traces. A fresh
    // plot also drops the event handlers (plotly purges the div), so they are bound again.
    const fresh = first || div.dataset.view !== this.view;
    if (fresh) await plotly.newPlot(div, fig.data, fig.layout, cfg);
    else await plotly.react(div, fig.data, fig.layout, cfg);
    div.dataset.view = this.view;
    this.node.dataset.view = this.view;
    this.node.dataset.threshold = String(this.threshold);
    this.node.dataset.edgesShown = String(fig.edgesShown);
    this.drawEdges();
    this.drawOverlay();
    if (fresh) {
      const on = (div as unknown as { on(e: string, h: (ev: any) => void): void }).on.bind(div);
      on("plotly_relayout", () => this.scheduleOverlay());
      on("plotly_relayouting", () => this.scheduleOverlay());
      on("plotly_click", (ev: any) => {
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

  private nodeLink: NodeLinkModel | null = null;
  private adjacency: { pos: Int32Array; edgesShown: number; threshold: number; chemical: boolean; electrical: boolean } | null = null;
  private overlay: SVGSVGElement | null = null;
  private overlayFrame = 0;
  private edgeCanvas: HTMLCanvasElement | null = null;
  private updating = false;
  private updatePending = false;
  private updateStarted = 0;

  /**
   * The node-link figure: chemical and electrical edges above the threshold as two line traces,
   * nodes as one marker trace per category. The selection (partner edges, dimming, ring, label)
   * is drawn by {@link drawOverlay} over the plot area, so selecting never replots.
   */
  private nodeLinkFigure(d: ConnectomeData, theme: PlotTheme) {
    const layout = this.view === "force" ? d.layouts.force! : d.layouts.layered!;
    const n = d.names.length;
    const data: Record<string, unknown>[] = [];
    const cats = this.categories(d);
    const colorOf = new Map(cats.order.map((c, k) => [c, theme.palette[k % theme.palette.length]]));
    const members = new Map<string, number[]>(cats.order.map((c) => [c, []]));
    const nodeColor = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      members.get(cats.key(i))!.push(i);
      nodeColor[i] = colorOf.get(cats.key(i))!;
    }
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
        marker: { size: 7, color: colorOf.get(c), opacity: 0.9, line: { width: 0.5, color: theme.background } },
        showlegend: true,
      });
    }
    this.nodeLink = { layout, nodeColor };
    const axis = { ...axisStyle(theme), showgrid: false, showticklabels: false, zeroline: false, showline: false };
    const lay: Record<string, unknown> = {
      ...baseLayout(theme, HEIGHT, `neurolab-connectome-${this.view}`),
      margin: { l: 10, r: 10, t: 10, b: this.view === "layered" ? 30 : 10 },
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
      xaxis: { ...axis, range: [-0.04, 1.04] },
      yaxis: { ...axis, range: [1.04, -0.04] },
      dragmode: "zoom",
      // The edge layer is drawn behind plotly's (transparent) plot.
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
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
    return { data, layout: lay, edgesShown: this.edgesShown(d) };
  }

  /** Edges shown for the current threshold and toggles. */
  private edgesShown(d: ConnectomeData): number {
    let n = 0;
    if (this.chemical) for (const w of d.chemical.weight) if (w >= this.threshold) n++;
    if (this.electrical) for (const w of d.electrical.weight) if (w >= this.threshold) n++;
    return n;
  }

  /**
   * Paints the edges above the threshold (chemical solid, electrical dotted) into a canvas behind
   * plotly's transparent plot, at device resolution for the current axes: threshold, toggles,
   * zoom and pan repaint it (a few ms for the whole C. elegans connectome) without a replot.
   */
  private drawEdges(): void {
    const div = this.plotDiv as (HTMLDivElement & { _fullLayout?: Record<string, any> }) | null;
    const d = this.data;
    const m = this.nodeLink;
    const fl = div?._fullLayout;
    if (!div || !d || !m || !fl?.xaxis || this.view === "adjacency") {
      this.edgeCanvas?.remove();
      return;
    }
    const container = div.querySelector(".svg-container");
    const paper = container?.querySelector(":scope > svg.main-svg");
    if (!container || !paper) return;
    let canvas = this.edgeCanvas;
    if (!canvas) {
      canvas = el("canvas", "neurolab-connectome-edges");
      canvas.style.position = "absolute";
      canvas.style.pointerEvents = "none";
      this.edgeCanvas = canvas;
    }
    if (canvas.nextElementSibling !== paper) container.insertBefore(canvas, paper);
    const xa = fl.xaxis;
    const ya = fl.yaxis;
    const w = xa._length;
    const h = ya._length;
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    canvas.style.left = `${xa._offset}px`;
    canvas.style.top = `${ya._offset}px`;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    canvas.width = Math.max(1, Math.round(w * dpr));
    canvas.height = Math.max(1, Math.round(h * dpr));
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2-D canvas context to draw the edges");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const theme = this.theme();
    const px = m.layout.x.map((x) => xa.l2p(x));
    const py = m.layout.y.map((y) => ya.l2p(y));
    const stroke = (e: ConnectomeData["chemical"], color: string, dash: number[]) => {
      ctx.beginPath();
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        ctx.moveTo(px[e.pre[k]], py[e.pre[k]]);
        ctx.lineTo(px[e.post[k]], py[e.post[k]]);
      }
      ctx.setLineDash(dash);
      ctx.lineWidth = 0.7;
      ctx.strokeStyle = color;
      ctx.stroke();
    };
    if (this.chemical) stroke(d.chemical, theme.light ? "rgba(0,0,0,0.2)" : "rgba(255,255,255,0.2)", []);
    if (this.electrical) stroke(d.electrical, "rgba(230,149,0,0.55)", [2, 2]);
    this.node.dataset.edgesShown = String(this.edgesShown(d));
    // The axis ranges the edges were painted for (tests compare them with plotly's).
    this.node.dataset.edgesRange = [...xa.range, ...ya.range].map((v: number) => v.toPrecision(6)).join(",");
  }

  /**
   * Draws the selection over the node-link plot area (an SVG layer between plotly's plot and its
   * legend / hover layers, built from elements and text nodes only): the rest dimmed, the
   * partners' edges (input, output, gap junctions), the partners, a ring and the name. Follows
   * zoom and pan through plotly's axis mapping; draws nothing (and never replots) without a selection.
   */
  private drawOverlay(): void {
    const div = this.plotDiv as (HTMLDivElement & { _fullLayout?: Record<string, any> }) | null;
    const d = this.data;
    const m = this.nodeLink;
    const fl = div?._fullLayout;
    const sel = this.selected;
    if (!div || !d || !m || !fl?.xaxis || this.view === "adjacency" || sel < 0) {
      this.overlay?.remove();
      delete this.node.dataset.highlighted;
      return;
    }
    const theme = this.theme();
    const ns = "http://www.w3.org/2000/svg";
    const paper = div.querySelector(".svg-container > svg.main-svg");
    if (!paper) return;
    let svg = this.overlay;
    if (!svg) {
      svg = document.createElementNS(ns, "svg");
      svg.classList.add("neurolab-connectome-overlay");
      svg.style.position = "absolute";
      svg.style.pointerEvents = "none";
      this.overlay = svg;
    }
    if (svg.previousElementSibling !== paper) paper.after(svg);
    const xa = fl.xaxis;
    const ya = fl.yaxis;
    const w = xa._length;
    const h = ya._length;
    svg.style.left = `${xa._offset}px`;
    svg.style.top = `${ya._offset}px`;
    svg.setAttribute("width", String(w));
    svg.setAttribute("height", String(h));
    svg.textContent = "";
    const px = (i: number) => xa.l2p(m.layout.x[i]);
    const py = (i: number) => ya.l2p(m.layout.y[i]);
    const add = (tag: string, attrs: Record<string, string | number>) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      svg!.appendChild(e);
      return e;
    };
    add("rect", { x: 0, y: 0, width: w, height: h, fill: theme.background, "fill-opacity": 0.72 });
    const partner = new Uint8Array(d.names.length);
    const paths = ["", "", ""];
    const counts = [0, 0, 0];
    const seg = (a: number, b: number) => `M${px(a).toFixed(1)},${py(a).toFixed(1)}L${px(b).toFixed(1)},${py(b).toFixed(1)}`;
    if (this.chemical) {
      const e = d.chemical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        if (e.post[k] === sel) (paths[0] += seg(e.pre[k], sel)), counts[0]++, (partner[e.pre[k]] = 1);
        else if (e.pre[k] === sel) (paths[1] += seg(sel, e.post[k])), counts[1]++, (partner[e.post[k]] = 1);
      }
    }
    if (this.electrical) {
      const e = d.electrical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold || (e.pre[k] !== sel && e.post[k] !== sel)) continue;
        paths[2] += seg(e.pre[k], e.post[k]);
        counts[2]++;
        partner[e.pre[k] === sel ? e.post[k] : e.pre[k]] = 1;
      }
    }
    const strokes = [theme.palette[0], theme.palette[1], "rgb(230,149,0)"];
    paths.forEach((p, k) => {
      if (p) add("path", { d: p, fill: "none", stroke: strokes[k], "stroke-width": 1.6, ...(k === 2 ? { "stroke-dasharray": "3,2" } : {}), class: `neurolab-highlight-${["input", "output", "gap"][k]}` });
    });
    for (let i = 0; i < partner.length; i++) {
      if (partner[i] && i !== sel) add("circle", { cx: px(i).toFixed(1), cy: py(i).toFixed(1), r: 5, fill: m.nodeColor[i], stroke: theme.background, "stroke-width": 1 });
    }
    add("circle", { cx: px(sel).toFixed(1), cy: py(sel).toFixed(1), r: 8, fill: m.nodeColor[sel], stroke: theme.foreground, "stroke-width": 2 });
    const label = add("text", { x: px(sel).toFixed(1), y: (py(sel) - 13).toFixed(1), "text-anchor": "middle", fill: theme.foreground, "font-size": 13, "font-family": theme.fontFamily, "paint-order": "stroke", stroke: theme.background, "stroke-width": 3 });
    label.textContent = d.names[sel];
    this.node.dataset.highlighted = counts.join(",");
  }

  /**
   * The figure as a PNG, downloaded as a file: the plot's layers as drawn (plotly's SVG layers,
   * the edge canvas and the selection overlay, in page order) composed at twice the resolution.
   */
  async exportPng(): Promise<void> {
    const container = this.plotDiv?.querySelector(".svg-container");
    if (!container) return;
    const scale = 2;
    const box = container.getBoundingClientRect();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(box.width * scale);
    canvas.height = Math.round(box.height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2-D canvas context to export the figure");
    ctx.fillStyle = this.theme().background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (const layer of Array.from(container.children)) {
      if (!(layer instanceof SVGSVGElement || layer instanceof HTMLCanvasElement)) continue;
      const r = layer.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const at = [(r.left - box.left) * scale, (r.top - box.top) * scale, r.width * scale, r.height * scale] as const;
      if (layer instanceof HTMLCanvasElement) ctx.drawImage(layer, ...at);
      else {
        const svg = layer.cloneNode(true) as SVGSVGElement;
        svg.setAttribute("width", String(r.width));
        svg.setAttribute("height", String(r.height));
        // As an image the root's own CSS position would offset it again: it is placed by `at`.
        svg.style.removeProperty("position");
        svg.style.removeProperty("left");
        svg.style.removeProperty("top");
        const xml = new XMLSerializer().serializeToString(svg);
        ctx.drawImage(await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`), ...at);
      }
    }
    const a = document.createElement("a");
    a.href = canvas.toDataURL("image/png");
    a.download = "neurolab-connectome.png";
    a.click();
  }

  /** Redraws the edge and selection layers once per frame (zoom, pan, resize). */
  private scheduleOverlay(): void {
    if (this.overlayFrame) return;
    this.overlayFrame = requestAnimationFrame(() => {
      this.overlayFrame = 0;
      this.guard(() => {
        this.drawEdges();
        this.drawOverlay();
      });
    });
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
    const { z, edgesShown } = this.adjacencyMatrix(d, pos);
    this.adjacency = { pos, edgesShown, threshold: this.threshold, chemical: this.chemical, electrical: this.electrical };
    const names = order.map((i) => plotlyText(d.names[i]));
    const text = names.map((pre) => names.map((post) => `${pre} \u2192 ${post}`));
    // The selection's row and column first (moved by incremental updates), then group boundaries.
    const shapes: Record<string, unknown>[] = [
      { type: "rect", x0: -0.5, x1: n - 0.5, y0: -0.5, y1: 0.5, visible: false, line: { color: theme.palette[1], width: 1 } },
      { type: "rect", x0: -0.5, x1: 0.5, y0: -0.5, y1: n - 0.5, visible: false, line: { color: theme.palette[0], width: 1 } },
    ];
    for (let r = 1; r < n; r++) {
      const a = key(order[r - 1])[0];
      const b = key(order[r])[0];
      if (a !== b && this.order !== "class") {
        for (const [x0, x1, y0, y1] of [[-0.5, n - 0.5, r - 0.5, r - 0.5], [r - 0.5, r - 0.5, -0.5, n - 0.5]]) {
          shapes.push({ type: "line", x0, x1, y0, y1, line: { color: theme.muted, width: 0.6 } });
        }
      }
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
    for (const [k, v] of Object.entries(adjacencySelection(this.selected, pos))) setLayoutPath(lay, k, v);
    return { data, layout: lay, edgesShown };
  }

  /** Summed weights pre (row) x post (column) in display order, for the current threshold and toggles. */
  private adjacencyMatrix(d: ConnectomeData, pos: Int32Array): { z: (number | null)[][]; edgesShown: number } {
    const n = d.names.length;
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
    return { z, edgesShown };
  }

  protected override reset(): void {
    if (this.overlayFrame) cancelAnimationFrame(this.overlayFrame);
    this.overlayFrame = 0;
    this.updating = this.updatePending = false;
    this.overlay?.remove();
    this.overlay = null;
    this.edgeCanvas?.remove();
    this.edgeCanvas = null;
    this.updateStarted = 0;
    this.nodeLink = null;
    this.adjacency = null;
    super.reset();
  }
}

/** What a drawn node-link figure shows (the edge and selection layers are drawn from it). */
interface NodeLinkModel {
  layout: { x: Float32Array; y: Float32Array };
  /** Category colour of every node. */
  nodeColor: string[];
}

/** Layout update placing (or hiding) the selected neuron's row and column outlines in the adjacency view. */
function adjacencySelection(sel: number, pos: Int32Array): Record<string, unknown> {
  const r = sel >= 0 ? pos[sel] : 0;
  return {
    "shapes[0].visible": sel >= 0,
    "shapes[0].y0": r - 0.5,
    "shapes[0].y1": r + 0.5,
    "shapes[1].visible": sel >= 0,
    "shapes[1].x0": r - 0.5,
    "shapes[1].x1": r + 0.5,
  };
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("could not render the figure as an image"));
    img.src = src;
  });
}

/** Sets a dotted attribute path ("marker.line.width") on a trace object. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

/** Sets a layout attribute path with array items ("shapes[0].path", "annotations[3].text"). */
function setLayoutPath(layout: Record<string, unknown>, path: string, value: unknown): void {
  const m = /^(\w+)\[(\d+)\]\.(.+)$/.exec(path);
  if (!m) return setPath(layout, path, value);
  const item = ((layout[m[1]] as Record<string, unknown>[]) ?? [])[Number(m[2])];
  if (item) setPath(item, m[3], value);
}

function checkbox(label: string, className: string, checked: boolean): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const wrap = el("label", "neurolab-control");
  const input = el("input", className);
  input.type = "checkbox";
  input.checked = checked;
  wrap.append(input, el("span", "neurolab-control-label", label));
  return { wrap, input };
}
