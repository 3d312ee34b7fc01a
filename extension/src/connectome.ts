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
import {
  axisStyle,
  baseLayout,
  el,
  keepKeys,
  plotlyConfig,
  plotlyText,
  PlotRenderer,
  select,
  slider,
} from "./base.js";
import type { Plotly } from "./plotly.js";
import type { FullLayout, PlotlyEvent } from "plotly.js-dist-min";
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
export function partnersOf(
  d: ConnectomeData,
  i: number,
  opts: { chemical: boolean; electrical: boolean; threshold: number },
) {
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
  private chemInput: HTMLInputElement | null = null;
  private elecInput: HTMLInputElement | null = null;
  /** Time of the last plotly click on a node or matrix cell (a click elsewhere deselects). */
  private pointClicked = 0;
  /** A zoom or pan drag ended since the last mousedown on the plot (see the capture listener in skeleton). */
  private axesDragged = false;
  /** Set while plotly handles the second click of a double click (its click point is in the reset view). */
  private doubleClicking = false;

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
    const color = select(
      "colour by",
      "neurolab-connectome-color",
      [
        ["type", "type"],
        ["neurotransmitter", "neurotransmitter"],
        ["community", "community"],
      ],
      this.colorBy,
    );
    const order = select(
      "order by",
      "neurolab-connectome-order",
      [
        ["class", "class"],
        ["type", "type"],
        ["community", "community"],
      ],
      this.order,
    );
    this.orderWrap = order.wrap;
    order.wrap.style.display = "none";
    const chem = checkbox("chemical", "neurolab-connectome-chemical", true);
    const elec = checkbox("electrical", "neurolab-connectome-electrical", true);
    this.chemInput = chem.input;
    this.elecInput = elec.input;
    let maxW = 1;
    for (const w of d.chemical.weight) maxW = Math.max(maxW, w);
    for (const w of d.electrical.weight) maxW = Math.max(maxW, w);
    const thr = slider(
      "min. weight",
      "neurolab-connectome-threshold",
      1,
      Math.max(2, Math.ceil(maxW)),
      1,
      1,
    );
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
    this.partnersDiv.appendChild(
      el(
        "div",
        "neurolab-muted",
        "Click a neuron (or search for one) to list its synaptic partners.",
      ),
    );
    body.append(this.plotDiv, this.partnersDiv);
    // A click on empty plot space (not a drag, not on a node or cell) clears the selection.
    let downAt: [number, number] | null = null;
    this.plotDiv.addEventListener("mousedown", (e) => (downAt = [e.clientX, e.clientY]));
    // Plotly counts a mousedown that comes within doubleClickDelay (300 ms) of the previous one as
    // the second click of a double click, even when the previous one began a zoom or pan drag. A
    // quick click on a neuron right after zooming then reset the zoom and was hit-tested in the
    // reset view, selecting whatever neuron lay under the cursor there (a neuron 427 px from the
    // hovered one in a CI run). A drag ends the click train: the next mousedown starts a new one
    // (this capture-phase listener runs before plotly's own mousedown handler).
    this.plotDiv.addEventListener(
      "mousedown",
      () => {
        if (this.axesDragged)
          (this.plotDiv as unknown as { _mouseDownTime?: number })._mouseDownTime = 0;
        this.axesDragged = false;
      },
      true,
    );
    this.plotDiv.addEventListener("click", (e) => {
      const target = e.target as Element | null;
      if (!target?.closest?.(".nsewdrag")) return;
      const moved = downAt ? Math.hypot(e.clientX - downAt[0], e.clientY - downAt[1]) : 0;
      if (moved > 4 || this.selected < 0 || performance.now() - this.pointClicked < 400) return;
      this.selectNode(-1);
    });
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
    color.input.addEventListener(
      "change",
      () => ((this.colorBy = color.input.value as ColorBy), this.redraw()),
    );
    order.input.addEventListener(
      "change",
      () => ((this.order = order.input.value as Order), this.redraw()),
    );
    chem.input.addEventListener(
      "change",
      () => ((this.chemical = chem.input.checked), this.scheduleUpdate()),
    );
    elec.input.addEventListener(
      "change",
      () => ((this.electrical = elec.input.checked), this.scheduleUpdate()),
    );
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
    if (
      i >= 0 &&
      this.searchInput &&
      this.searchInput.value.trim().toUpperCase() !== d.names[i].toUpperCase()
    )
      this.searchInput.value = d.names[i];
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
      this.applyUpdate(this.plotly!, this.data!).then(
        () => {
          if (generation === this.generation) {
            this.node.dataset.updateMs = (performance.now() - started).toFixed(1);
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                if (generation === this.generation)
                  this.node.dataset.interactionMs = (performance.now() - started).toFixed(1);
              }),
            );
          }
          finish();
        },
        (err: unknown) => {
          finish();
          throw err;
        },
      ),
    );
  }

  private async applyUpdate(plotly: Plotly, d: ConnectomeData): Promise<void> {
    const div = this.plotDiv!;
    if (this.view === "adjacency") {
      const adj = this.adjacency;
      if (!adj) return;
      const z = this.adjacencyMatrix(d, adj.pos);
      const zChanged =
        z.edgesShown !== adj.edgesShown ||
        this.threshold !== adj.threshold ||
        this.chemical !== adj.chemical ||
        this.electrical !== adj.electrical;
      if (zChanged)
        Object.assign(adj, {
          edgesShown: z.edgesShown,
          threshold: this.threshold,
          chemical: this.chemical,
          electrical: this.electrical,
        });
      await plotly.update(
        div,
        zChanged ? { z: [z.chem, z.elec] } : {},
        adjacencySelection(this.selected, adj.pos),
        [0, 1],
      );
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
      box.appendChild(
        el(
          "div",
          "neurolab-muted",
          "Click a neuron (or search for one) to list its synaptic partners.",
        ),
      );
      return;
    }
    const p = partnersOf(d, i, {
      chemical: this.chemical,
      electrical: this.electrical,
      threshold: this.threshold,
    });
    this.node.dataset.selected = d.names[i];
    this.node.dataset.nPre = String(p.pre.length);
    this.node.dataset.nPost = String(p.post.length);
    this.node.dataset.nGap = String(p.gap.length);
    const head = el("div", "neurolab-partners-head", d.names[i]);
    const meta = [
      d.types[i],
      d.neurotransmitters[i],
      d.classes[i] !== d.names[i] ? `class ${d.classes[i]}` : "",
      `community ${d.communities[i]}`,
    ]
      .filter(Boolean)
      .join(" \u00b7 ");
    box.append(head, el("div", "neurolab-muted", meta));
    const theme = this.theme();
    const swatch: Record<string, string> = {
      "neurolab-partners-pre": theme.palette[0],
      "neurolab-partners-post": theme.palette[1],
      "neurolab-partners-gap": "rgb(230,149,0)",
    };
    const section = (title: string, cls: string, list: Partner[], unit: string) => {
      const heading = el("div", "neurolab-partners-title", `${title} (${list.length})`);
      // The colour of these edges in the highlighted plot (an edge legend for the selection).
      const mark = el("span", "neurolab-partners-swatch");
      mark.style.borderTopColor = swatch[cls];
      if (cls === "neurolab-partners-gap") mark.style.borderTopStyle = "dashed";
      heading.prepend(mark);
      box.appendChild(heading);
      const ul = el("ul", `neurolab-partners ${cls}`);
      for (const q of list)
        ul.appendChild(el("li", "", `${d.names[q.node]} \u2014 ${q.weight} ${unit}`));
      box.appendChild(ul);
    };
    if (this.chemical) {
      section("presynaptic partners (input)", "neurolab-partners-pre", p.pre, "syn.");
      section("postsynaptic partners (output)", "neurolab-partners-post", p.post, "syn.");
    }
    if (this.electrical) section("electrical partners", "neurolab-partners-gap", p.gap, "gj");
  }

  protected async draw(
    plotly: Plotly,
    d: ConnectomeData,
    theme: PlotTheme,
    first: boolean,
  ): Promise<void> {
    const fig =
      this.view === "adjacency" ? this.adjacencyFigure(d, theme) : this.nodeLinkFigure(d, theme);
    if (this.view === "adjacency") this.nodeLink = null;
    else this.adjacency = null;
    const div = this.plotDiv!;
    const cfg = {
      ...plotlyConfig("neurolab-connectome"),
      // PNG export composes plotly's image with the edge and selection layers.
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"],
      modeBarButtonsToAdd: [
        {
          name: "Download plot as a PNG",
          icon: plotly.Icons.camera,
          click: () => this.guard(() => this.exportPng()),
        },
      ],
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
      const on = (
        div as unknown as { on(e: string, h: (ev: PlotlyEvent | undefined) => unknown): void }
      ).on.bind(div);
      on("plotly_relayout", (ev) => {
        // Axis ranges in a relayout event come from a zoom or pan drag (or a double-click reset).
        if (ev && Object.keys(ev).some((k) => /^[xy]axis\.(range|autorange)/.test(k)))
          this.axesDragged = true;
        this.scheduleOverlay();
      });
      // Plotly handles the second click of a double click by resetting the axes and then
      // hit-testing the click in the reset view: the point it reports is whatever lies under the
      // cursor after the zoom-out, not what the user clicked. A double click only zooms out here.
      on("plotly_doubleclick", () => {
        this.doubleClicking = true;
        setTimeout(() => (this.doubleClicking = false), 0);
      });
      on("plotly_relayouting", () => this.scheduleOverlay());
      on("plotly_legendclick", (ev) => {
        const meta = ev?.data?.[ev.curveNumber]?.meta;
        if (meta === "edges:chemical" || meta === "edges:electrical") {
          (meta === "edges:chemical" ? this.chemInput : this.elecInput)?.click();
          return false;
        }
        return true;
      });
      on("plotly_click", (ev) => {
        this.pointClicked = performance.now();
        if (this.doubleClicking) return;
        const pt = ev?.points?.[0];
        if (!pt) return;
        const cd = pt.customdata;
        if (typeof cd === "number" && cd >= 0 && cd < d.names.length)
          this.selectNode(cd === this.selected ? -1 : cd);
        else if (this.view === "adjacency" && typeof pt.y === "number" && this.adjOrder)
          this.selectNode(this.adjOrder[pt.y]);
      });
    }
    this.listPartners(d);
  }

  private adjOrder: number[] | null = null;

  private categories(d: ConnectomeData): { key: (i: number) => string; order: string[] } {
    if (this.colorBy === "community") {
      const keys = [...new Set(Array.from(d.communities))]
        .sort((a, b) => a - b)
        .map((c) => `community ${c}`);
      return { key: (i) => `community ${d.communities[i]}`, order: keys };
    }
    const values =
      this.colorBy === "type" ? d.types : d.neurotransmitters.map((t) => t || "unknown");
    const uniq = [...new Set(values)];
    const rank = (t: string) => (this.colorBy === "type" ? (TYPE_ORDER.indexOf(t) + 100) % 100 : 0);
    uniq.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return { key: (i) => values[i], order: uniq };
  }

  private nodeLink: NodeLinkModel | null = null;
  private adjacency: {
    pos: Int32Array;
    edgesShown: number;
    threshold: number;
    chemical: boolean;
    electrical: boolean;
  } | null = null;
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
        hovertext: idx.map((i) =>
          plotlyText(
            `${d.names[i]} \u00b7 ${d.types[i]}${d.neurotransmitters[i] ? " \u00b7 " + d.neurotransmitters[i] : ""}`,
          ),
        ),
        hovertemplate: "%{hovertext}<extra></extra>",
        marker: {
          size: 7,
          color: colorOf.get(c),
          opacity: 0.9,
          line: { width: 0.5, color: theme.background },
        },
        showlegend: true,
      });
    }
    // Edge legend (the edges themselves are a canvas layer): part of plotly's legend, so it is in
    // the PNG export too; clicking an entry toggles that kind of synapse like its checkbox.
    const edgeLegend = [
      [
        "chemical synapse",
        theme.light ? "rgba(0,0,0,0.45)" : "rgba(255,255,255,0.45)",
        "solid",
        "chemical",
      ],
      ["gap junction", "rgba(230,149,0,0.9)", "dot", "electrical"],
    ] as const;
    for (const [name, color, dash, kind] of edgeLegend) {
      data.push({
        type: "scatter",
        mode: "lines",
        name,
        x: [null],
        y: [null],
        line: { color, width: 2, dash },
        hoverinfo: "skip",
        showlegend: true,
        meta: `edges:${kind}`,
      });
    }
    this.nodeLink = { layout, nodeColor };
    const axis = {
      ...axisStyle(theme),
      showgrid: false,
      showticklabels: false,
      zeroline: false,
      showline: false,
    };
    const lay: Record<string, unknown> = {
      ...baseLayout(theme, HEIGHT, `neurolab-connectome-${this.view}`),
      // The legend (node categories, edge kinds) sits under the plot, clear of the modebar.
      // (in the layered view below the layer names, which hang under the plot area).
      margin: { l: 10, r: 10, t: 10, b: this.view === "layered" ? 60 : 36 },
      showlegend: true,
      legend: {
        orientation: "h",
        x: 0,
        y: 0,
        yanchor: "top",
        yref: "paper",
        bgcolor: "rgba(0,0,0,0)",
        ...(this.view === "layered" ? { y: -0.045 } : {}),
      },
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
        // The outer names start / end at their column so a narrow plot does not clip them.
        xanchor:
          d.layers.length > 1 && l === 0
            ? "left"
            : d.layers.length > 1 && l === d.layers.length - 1
              ? "right"
              : "center",
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
    const div = this.plotDiv as (HTMLDivElement & { _fullLayout?: FullLayout }) | null;
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
    const layered = this.view === "layered";
    const stroke = (e: ConnectomeData["chemical"], color: string, dash: number[]) => {
      ctx.beginPath();
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        const a = e.pre[k];
        const b = e.post[k];
        ctx.moveTo(px[a], py[a]);
        // Edges within a layer (one column) would run along it and vanish: draw them as arcs.
        if (layered && a !== b && m.layout.x[a] === m.layout.x[b]) {
          const [cx, cy] = arcControl(px[a], py[a], px[b], py[b]);
          ctx.quadraticCurveTo(cx, cy, px[b], py[b]);
        } else ctx.lineTo(px[b], py[b]);
      }
      ctx.setLineDash(dash);
      ctx.lineWidth = 0.7;
      ctx.strokeStyle = color;
      ctx.stroke();
    };
    if (this.chemical)
      stroke(d.chemical, theme.light ? "rgba(0,0,0,0.2)" : "rgba(255,255,255,0.2)", []);
    if (this.electrical) stroke(d.electrical, "rgba(230,149,0,0.55)", [2, 2]);
    this.node.dataset.edgesShown = String(this.edgesShown(d));
    // The axis ranges the edges were painted for (tests compare them with plotly's).
    this.node.dataset.edgesRange = [...xa.range, ...ya.range]
      .map((v: number) => v.toPrecision(6))
      .join(",");
  }

  /**
   * Draws the selection over the node-link plot area (an SVG layer between plotly's plot and its
   * legend / hover layers, built from elements and text nodes only): the rest dimmed, the
   * partners' edges (input, output, gap junctions), the partners, a ring and the name. Follows
   * zoom and pan through plotly's axis mapping; draws nothing (and never replots) without a selection.
   */
  private drawOverlay(): void {
    const div = this.plotDiv as (HTMLDivElement & { _fullLayout?: FullLayout }) | null;
    const d = this.data;
    const m = this.nodeLink;
    const fl = div?._fullLayout;
    const sel = this.selected;
    if (!div || !d || !m || !fl?.xaxis || this.view === "adjacency") {
      this.overlay?.remove();
      delete this.node.dataset.highlighted;
      delete this.node.dataset.labels;
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
    if (sel < 0) {
      delete this.node.dataset.highlighted;
      this.drawLabels(svg, px, py, w, h, null);
      return;
    }
    add("rect", { x: 0, y: 0, width: w, height: h, fill: theme.background, "fill-opacity": 0.72 });
    const partner = new Uint8Array(d.names.length);
    const paths = ["", "", ""];
    const counts = [0, 0, 0];
    const layered = this.view === "layered";
    const seg = (a: number, b: number) => {
      const [ax, ay, bx, by] = [px(a), py(a), px(b), py(b)];
      if (layered && a !== b && m.layout.x[a] === m.layout.x[b]) {
        const [cx, cy] = arcControl(ax, ay, bx, by);
        return `M${ax.toFixed(1)},${ay.toFixed(1)}Q${cx.toFixed(1)},${cy.toFixed(1)} ${bx.toFixed(1)},${by.toFixed(1)}`;
      }
      return `M${ax.toFixed(1)},${ay.toFixed(1)}L${bx.toFixed(1)},${by.toFixed(1)}`;
    };
    if (this.chemical) {
      const e = d.chemical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        if (e.post[k] === sel) {
          paths[0] += seg(e.pre[k], sel);
          counts[0]++;
          partner[e.pre[k]] = 1;
        } else if (e.pre[k] === sel) {
          paths[1] += seg(sel, e.post[k]);
          counts[1]++;
          partner[e.post[k]] = 1;
        }
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
      if (p)
        add("path", {
          d: p,
          fill: "none",
          stroke: strokes[k],
          "stroke-width": 1.6,
          ...(k === 2 ? { "stroke-dasharray": "3,2" } : {}),
          class: `neurolab-highlight-${["input", "output", "gap"][k]}`,
        });
    });
    for (let i = 0; i < partner.length; i++) {
      if (partner[i] && i !== sel)
        add("circle", {
          cx: px(i).toFixed(1),
          cy: py(i).toFixed(1),
          r: 5,
          fill: m.nodeColor[i],
          stroke: theme.background,
          "stroke-width": 1,
        });
    }
    add("circle", {
      cx: px(sel).toFixed(1),
      cy: py(sel).toFixed(1),
      r: 8,
      fill: m.nodeColor[sel],
      stroke: theme.foreground,
      "stroke-width": 2,
    });
    const label = add("text", {
      x: px(sel).toFixed(1),
      y: (py(sel) - 13).toFixed(1),
      "text-anchor": "middle",
      fill: theme.foreground,
      "font-size": 13,
      "font-family": theme.fontFamily,
      "paint-order": "stroke",
      stroke: theme.background,
      "stroke-width": 3,
    });
    label.textContent = d.names[sel];
    this.node.dataset.highlighted = counts.join(",");
    this.drawLabels(svg, px, py, w, h, partner);
  }

  /**
   * Names nodes in the overlay as long as their labels do not collide: with a selection its
   * partners (the selected name is already drawn), else every node in view, hubs (most
   * connections) first. Zooming in therefore names every node once there is room.
   */
  private drawLabels(
    svg: SVGSVGElement,
    px: (i: number) => number,
    py: (i: number) => number,
    w: number,
    h: number,
    partners: Uint8Array | null,
  ): void {
    const d = this.data!;
    const theme = this.theme();
    const degree = this.degrees(d);
    const candidates: number[] = [];
    for (let i = 0; i < d.names.length; i++) {
      if (partners && !partners[i]) continue;
      if (i === this.selected) continue;
      const x = px(i);
      const y = py(i);
      if (x >= 0 && x <= w && y >= 0 && y <= h) candidates.push(i);
    }
    candidates.sort((a, b) => degree[b] - degree[a] || a - b);
    const boxes: [number, number, number, number][] = [];
    if (this.selected >= 0) {
      const x = px(this.selected);
      const y = py(this.selected);
      const tw = 7.5 * d.names[this.selected].length;
      boxes.push([x - tw / 2, y - 26, x + tw / 2, y - 8], [x - 9, y - 9, x + 9, y + 9]);
    }
    const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
    g.setAttribute("class", "neurolab-connectome-labels");
    g.setAttribute("font-size", "10");
    g.setAttribute("font-family", theme.fontFamily);
    g.setAttribute("fill", theme.foreground);
    g.setAttribute("paint-order", "stroke");
    g.setAttribute("stroke", theme.background);
    g.setAttribute("stroke-width", "2.5");
    let shown = 0;
    for (const i of candidates) {
      const x = px(i) + 5;
      const y = py(i) + 3.5;
      const box: [number, number, number, number] = [
        x,
        y - 9,
        x + 6.1 * d.names[i].length + 2,
        y + 2,
      ];
      if (box[2] > w) continue;
      if (boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]))
        continue;
      boxes.push(box);
      const t = document.createElementNS("http://www.w3.org/2000/svg", "text");
      t.setAttribute("x", x.toFixed(1));
      t.setAttribute("y", y.toFixed(1));
      t.textContent = d.names[i]; // text node: names are never markup
      g.appendChild(t);
      shown++;
    }
    svg.appendChild(g);
    this.node.dataset.labels = String(shown);
    this.node.dataset.labelCandidates = String(candidates.length);
  }

  private degreeCache: { data: ConnectomeData; degree: Float64Array } | null = null;

  /** Number of partners (chemical in + out, electrical) of every node, for label priority. */
  private degrees(d: ConnectomeData): Float64Array {
    if (this.degreeCache?.data === d) return this.degreeCache.degree;
    const degree = new Float64Array(d.names.length);
    for (const e of [d.chemical, d.electrical]) {
      for (let k = 0; k < e.pre.length; k++) {
        degree[e.pre[k]]++;
        degree[e.post[k]]++;
      }
    }
    this.degreeCache = { data: d, degree };
    return degree;
  }

  /**
   * The figure as a PNG, downloaded as a file: the plot's layers as drawn (plotly's SVG layers,
   * the edge canvas and the selection overlay, in page order) composed at twice the resolution.
   */
  async exportPng(): Promise<void> {
    const container = this.plotDiv?.querySelector(".svg-container");
    if (!container) return;
    const scale = 2;
    if (this.view === "adjacency" && this.plotly) {
      // No layers of our own: plotly's exporter draws the matrices with their colour bars.
      const box = this.plotDiv!.getBoundingClientRect();
      const url = await this.plotly.toImage(this.plotDiv!, {
        format: "png",
        scale,
        width: Math.round(box.width),
        height: HEIGHT,
      });
      download(url, "neurolab-connectome.png");
      return;
    }
    // Gradients, clip paths and patterns live in the first SVG layer's <defs>: every layer
    // drawn as a separate image gets a copy, so fills that refer to them survive the export.
    const defs = container.querySelector(":scope > svg.main-svg defs");
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
      const at = [
        (r.left - box.left) * scale,
        (r.top - box.top) * scale,
        r.width * scale,
        r.height * scale,
      ] as const;
      if (layer instanceof HTMLCanvasElement) ctx.drawImage(layer, ...at);
      else {
        const svg = layer.cloneNode(true) as SVGSVGElement;
        svg.setAttribute("width", String(r.width));
        svg.setAttribute("height", String(r.height));
        // As an image the root's own CSS position would offset it again: it is placed by `at`.
        svg.style.removeProperty("position");
        svg.style.removeProperty("left");
        svg.style.removeProperty("top");
        if (defs && !svg.querySelector(":scope > defs")) svg.prepend(defs.cloneNode(true));
        const xml = new XMLSerializer().serializeToString(svg);
        ctx.drawImage(
          await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`),
          ...at,
        );
      }
    }
    download(canvas.toDataURL("image/png"), "neurolab-connectome.png");
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

  /**
   * The adjacency view: the chemical (directed, pre rows x post columns) and electrical
   * (symmetric) matrices side by side in one node order, each with its own colour bar; class
   * tick labels (every class when they fit, else evenly thinned) and boundary lines between the
   * groups of the chosen order (classes, types or communities).
   */
  private adjacencyFigure(d: ConnectomeData, theme: PlotTheme) {
    const n = d.names.length;
    const key = (i: number): [number | string, string] =>
      this.order === "community"
        ? [d.communities[i], d.classes[i]]
        : this.order === "type"
          ? [(TYPE_ORDER.indexOf(d.types[i]) + 100) % 100, d.classes[i]]
          : [d.classes[i], d.names[i]];
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka[0] < kb[0]
        ? -1
        : ka[0] > kb[0]
          ? 1
          : ka[1] < kb[1]
            ? -1
            : ka[1] > kb[1]
              ? 1
              : d.names[a] < d.names[b]
                ? -1
                : 1;
    });
    this.adjOrder = order;
    const pos = new Int32Array(n);
    order.forEach((node, r) => (pos[node] = r));
    const { chem, elec, edgesShown } = this.adjacencyMatrix(d, pos);
    this.adjacency = {
      pos,
      edgesShown,
      threshold: this.threshold,
      chemical: this.chemical,
      electrical: this.electrical,
    };
    const names = order.map((i) => plotlyText(d.names[i]));
    const text = names.map((pre) => names.map((post) => `${pre} \u2192 ${post}`));
    const gapText = names.map((a) => names.map((b) => `${a} \u2194 ${b}`));
    // The selection's row and column in both matrices first (moved by incremental updates).
    const selLine = (color: string) => ({ color, width: 1 });
    const shapes: Record<string, unknown>[] = [
      {
        type: "rect",
        xref: "x",
        yref: "y",
        x0: -0.5,
        x1: n - 0.5,
        y0: -0.5,
        y1: 0.5,
        visible: false,
        line: selLine(theme.palette[1]),
      },
      {
        type: "rect",
        xref: "x",
        yref: "y",
        x0: -0.5,
        x1: 0.5,
        y0: -0.5,
        y1: n - 0.5,
        visible: false,
        line: selLine(theme.palette[0]),
      },
      {
        type: "rect",
        xref: "x2",
        yref: "y2",
        x0: -0.5,
        x1: n - 0.5,
        y0: -0.5,
        y1: 0.5,
        visible: false,
        line: selLine("rgb(230,149,0)"),
      },
      {
        type: "rect",
        xref: "x2",
        yref: "y2",
        x0: -0.5,
        x1: 0.5,
        y0: -0.5,
        y1: n - 0.5,
        visible: false,
        line: selLine("rgb(230,149,0)"),
      },
    ];
    // Group boundaries (one path per matrix): between classes, types or communities.
    let path = "";
    for (let r = 1; r < n; r++) {
      if (key(order[r - 1])[0] === key(order[r])[0]) continue;
      path += `M-0.5,${r - 0.5}L${n - 0.5},${r - 0.5}M${r - 0.5},-0.5L${r - 0.5},${n - 0.5}`;
    }
    if (path) {
      // Class boundaries are many (about 120): faint; type / community boundaries: clear.
      const line =
        this.order === "class"
          ? { color: theme.light ? "rgba(0,0,0,0.12)" : "rgba(255,255,255,0.15)", width: 0.5 }
          : { color: theme.muted, width: 0.8 };
      shapes.push(
        { type: "path", xref: "x", yref: "y", path, line, layer: "above" },
        { type: "path", xref: "x2", yref: "y2", path, line, layer: "above" },
      );
    }
    // As many class labels as fit one per 11 px along a matrix (each takes 40 % of the width).
    const matrixPx = 0.4 * Math.max(300, this.plotDiv?.clientWidth ?? 800);
    const ticks = classTicks(
      d,
      order,
      n <= 80 && matrixPx / n >= 8 ? names : null,
      Math.max(8, Math.floor(matrixPx / 11)),
    );
    this.node.dataset.adjacencyTicks = String(ticks.tickvals.length);
    const axis = axisStyle(theme);
    const tickAxis = {
      tickmode: "array",
      tickvals: ticks.tickvals,
      ticktext: ticks.ticktext,
      tickfont: { size: 8 },
      ticks: "",
    };
    const data = [
      {
        type: "heatmap",
        z: chem,
        text,
        hovertemplate: "%{text}<br>%{z} chemical synapses<extra></extra>",
        colorscale: "Viridis",
        hoverongaps: false,
        xaxis: "x",
        yaxis: "y",
        colorbar: {
          title: { text: "chemical synapses", side: "right" },
          thickness: 10,
          x: 0.42,
          xanchor: "left",
          len: 0.7,
          tickfont: { color: theme.muted },
        },
      },
      {
        type: "heatmap",
        z: elec,
        text: gapText,
        hovertemplate: "%{text}<br>%{z} gap junctions<extra></extra>",
        // Orange to dark red: a single gap junction stays visible on light and dark backgrounds.
        colorscale: [
          [0, "rgb(253,141,60)"],
          [0.5, "rgb(217,72,1)"],
          [1, "rgb(127,39,4)"],
        ],
        hoverongaps: false,
        xaxis: "x2",
        yaxis: "y2",
        colorbar: {
          title: { text: "gap junctions", side: "right" },
          thickness: 10,
          x: 0.96,
          xanchor: "left",
          len: 0.7,
          tickfont: { color: theme.muted },
        },
      },
    ];
    // Titles on the matrices' own (square-constrained) domains, just above them.
    const title = (text: string, axis: "" | "2") => ({
      text,
      xref: `x${axis} domain`,
      yref: `y${axis} domain`,
      x: 0.5,
      y: 1.0,
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { color: theme.foreground },
    });
    const lay: Record<string, unknown> = {
      ...baseLayout(theme, HEIGHT, `neurolab-connectome-adjacency`),
      margin: { l: 60, r: 10, t: 26, b: 60 },
      xaxis: {
        ...axis,
        ...tickAxis,
        domain: [0, 0.4],
        title: { text: "postsynaptic" },
        showgrid: false,
        constrain: "domain",
        tickangle: -90,
        automargin: true,
      },
      yaxis: {
        ...axis,
        ...tickAxis,
        title: { text: `presynaptic (ordered by ${this.order})` },
        autorange: "reversed",
        scaleanchor: "x",
        showgrid: false,
        constrain: "domain",
        automargin: true,
      },
      xaxis2: {
        ...axis,
        ...tickAxis,
        domain: [0.54, 0.94],
        anchor: "y2",
        title: { text: "partner" },
        showgrid: false,
        constrain: "domain",
        tickangle: -90,
        automargin: true,
      },
      // Same order as the chemical matrix: its row labels serve both.
      yaxis2: {
        ...axis,
        ...tickAxis,
        showticklabels: false,
        anchor: "x2",
        autorange: "reversed",
        scaleanchor: "x2",
        showgrid: false,
        constrain: "domain",
      },
      annotations: [title("chemical (pre \u2192 post)", ""), title("electrical (symmetric)", "2")],
      shapes,
    };
    for (const [k, v] of Object.entries(adjacencySelection(this.selected, pos)))
      setLayoutPath(lay, k, v);
    return { data, layout: lay, edgesShown };
  }

  /** Summed weights in display order (chemical pre x post; electrical both ways) for the threshold and toggles; null = none. */
  private adjacencyMatrix(
    d: ConnectomeData,
    pos: Int32Array,
  ): { chem: (number | null)[][]; elec: (number | null)[][]; edgesShown: number } {
    const n = d.names.length;
    const empty = () => Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
    const chem = empty();
    const elec = empty();
    let edgesShown = 0;
    const add = (z: (number | null)[][], a: number, b: number, w: number) => {
      z[pos[a]][pos[b]] = (z[pos[a]][pos[b]] ?? 0) + w;
    };
    if (this.chemical) {
      const e = d.chemical;
      for (let k = 0; k < e.pre.length; k++)
        if (e.weight[k] >= this.threshold) {
          add(chem, e.pre[k], e.post[k], e.weight[k]);
          edgesShown++;
        }
    }
    if (this.electrical) {
      const e = d.electrical;
      for (let k = 0; k < e.pre.length; k++) {
        if (e.weight[k] < this.threshold) continue;
        edgesShown++;
        add(elec, e.pre[k], e.post[k], e.weight[k]);
        if (e.pre[k] !== e.post[k]) add(elec, e.post[k], e.pre[k], e.weight[k]);
      }
    }
    return { chem, elec, edgesShown };
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
  const out: Record<string, unknown> = {};
  for (const k of [0, 2])
    Object.assign(out, {
      [`shapes[${k}].visible`]: sel >= 0,
      [`shapes[${k}].y0`]: r - 0.5,
      [`shapes[${k}].y1`]: r + 0.5,
    });
  for (const k of [1, 3])
    Object.assign(out, {
      [`shapes[${k}].visible`]: sel >= 0,
      [`shapes[${k}].x0`]: r - 0.5,
      [`shapes[${k}].x1`]: r + 0.5,
    });
  return out;
}

/**
 * Tick positions of the adjacency matrices: every neuron's name when `names` is given (small
 * connectomes), else one tick per run of equal class in display order at the run's centre,
 * thinned to at most `max` labels.
 */
export function classTicks(
  d: ConnectomeData,
  order: readonly number[],
  names: string[] | null,
  max: number,
): { tickvals: number[]; ticktext: string[] } {
  if (names) return { tickvals: order.map((_, r) => r), ticktext: names };
  const runs: [number, number, string][] = [];
  for (let r = 0; r < order.length; r++) {
    const c = d.classes[order[r]];
    const last = runs[runs.length - 1];
    if (last && last[2] === c && last[1] === r - 1) last[1] = r;
    else runs.push([r, r, c]);
  }
  const step = Math.max(1, Math.ceil(runs.length / max));
  const kept = runs.filter((_, k) => k % step === 0);
  return {
    tickvals: kept.map((r) => (r[0] + r[1]) / 2),
    ticktext: kept.map((r) => plotlyText(r[2])),
  };
}

/**
 * Control point of the quadratic arc drawn for an edge within a layer (a column of the layered
 * view): it bulges sideways by up to 90 px, to the right when the edge runs down the column and
 * to the left when it runs up, so the two directions of a reciprocal pair stay apart.
 */
function arcControl(ax: number, ay: number, bx: number, by: number): [number, number] {
  const dy = by - ay;
  const bulge = (dy >= 0 ? 1 : -1) * Math.min(90, 10 + 0.35 * Math.abs(dy));
  return [(ax + bx) / 2 + bulge, (ay + by) / 2];
}

function download(url: string, filename: string): void {
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
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

function checkbox(
  label: string,
  className: string,
  checked: boolean,
): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const wrap = el("label", "neurolab-control");
  const input = el("input", className);
  input.type = "checkbox";
  input.checked = checked;
  wrap.append(input, el("span", "neurolab-control-label", label));
  return { wrap, input };
}
