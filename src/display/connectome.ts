/**
 * Connectomes as displayable figures: the interactive payload
 * (`application/vnd.neurolab.connectome.v1+json`: node-link view with layered and force
 * layouts, adjacency matrix, chemical / electrical toggles, weight threshold, search, click to
 * list partners), a static SVG fallback (layered node-link) and a text summary. Layouts and
 * communities arrive computed (see `connectomeFigure` in src/connectome/figure.ts).
 */
import {
  CONNECTOME_MIME,
  encodeConnectome,
  type ConnectomeData,
  type ConnectomePayload,
  type EdgeList,
} from "../schema/index.js";
import { figureClass, type Figure, type FigureKind } from "./figure.js";
import { CATEGORY_COLORS, clip, svgOpen, svgText } from "./svg.js";

/** Node types in display order, with their static colours. @internal */
export const NODE_TYPE_ORDER = [
  "sensory",
  "inter",
  "motor",
  "pharyngeal",
  "unknown",
  "muscle",
  "other",
] as const;

/** The connectome figure kind: payload, static SVG and text of a {@link ConnectomeData}. */
export const CONNECTOME_FIGURE: FigureKind<ConnectomeData, ConnectomePayload> = {
  mime: CONNECTOME_MIME,
  payload: encodeConnectome,
  svg: connectomeSvg,
  text(d) {
    const sum = (w: Float32Array) => w.reduce((s, x) => s + x, 0);
    return (
      `Connectome "${d.title}": ${d.names.length} cells, ${d.chemical.pre.length} chemical connections (${sum(d.chemical.weight)} synapses), ` +
      `${d.electrical.pre.length} electrical pairs (${sum(d.electrical.weight)} junctions)${d.citation ? `. Data: ${d.citation}` : ""}`
    );
  },
};

/** A connectome that displays itself. */
export type ConnectomeFigure = Figure<ConnectomeData, ConnectomePayload>;
/** `new ConnectomeFigure(data)`: a connectome figure of computed figure data (see {@link CONNECTOME_FIGURE}). */
export const ConnectomeFigure = figureClass(CONNECTOME_FIGURE);

function connectomeSvg(d: ConnectomeData): string {
  const W = 760;
  const H = 560;
  const M = { l: 44, r: 140, t: 36, b: 40 }; // room for the arcs beside the outer columns
  const layout = d.layouts.layered ?? d.layouts.force!;
  const px = (i: number) => M.l + layout.x[i] * (W - M.l - M.r);
  const py = (i: number) => M.t + layout.y[i] * (H - M.t - M.b);
  const types = [...new Set(d.types)].sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  const colorOf = new Map(types.map((t, k) => [t, CATEGORY_COLORS[k % CATEGORY_COLORS.length]]));
  const alt = `Connectome${d.title ? ` "${d.title}"` : ""}: ${d.names.length} cells, ${d.chemical.pre.length} chemical connections and ${d.electrical.pre.length} electrical pairs, ${d.layouts.layered ? `in layers ${d.layers.join(", ")}` : "force-directed layout"}`;
  const out = [
    svgOpen(W, H, alt),
    svgText(W / 2, 18, d.title, 'text-anchor="middle" font-size="13"'),
  ];
  const layered = d.layouts.layered !== undefined;
  const seg = (e: EdgeList) => {
    const parts: string[] = [];
    for (let k = 0; k < e.pre.length; k++) {
      const a = e.pre[k];
      const b = e.post[k];
      const [ax, ay, bx, by] = [px(a), py(a), px(b), py(b)];
      if (layered && a !== b && layout.x[a] === layout.x[b]) {
        // Within a layer (one column): an arc, right when running down, left when running up (as the widget).
        const bulge = (by >= ay ? 1 : -1) * Math.min(40, 6 + 0.3 * Math.abs(by - ay)); // the curve reaches half of it
        parts.push(
          `M${ax.toFixed(1)} ${ay.toFixed(1)}Q${(ax + bulge).toFixed(1)} ${((ay + by) / 2).toFixed(1)} ${bx.toFixed(1)} ${by.toFixed(1)}`,
        );
      } else parts.push(`M${ax.toFixed(1)} ${ay.toFixed(1)}L${bx.toFixed(1)} ${by.toFixed(1)}`);
    }
    return parts.join("");
  };
  // Gap junctions first (dotted, light), chemical synapses over them so they stay visible.
  out.push(
    `<path d="${seg(d.electrical)}" stroke="#e69500" stroke-opacity="0.35" stroke-width="0.6" stroke-dasharray="2 2" fill="none"/>`,
  );
  out.push(
    `<path d="${seg(d.chemical)}" stroke="#555" stroke-opacity="0.2" stroke-width="0.6" fill="none"/>`,
  );
  const byType = new Map<string, string[]>();
  d.names.forEach((_, i) => {
    const list = byType.get(d.types[i]) ?? [];
    list.push(`<circle cx="${px(i).toFixed(1)}" cy="${py(i).toFixed(1)}" r="3"/>`);
    byType.set(d.types[i], list);
  });
  for (const [t, list] of byType) out.push(`<g fill="${colorOf.get(t)}">${list.join("")}</g>`);
  if (d.layouts.layered) {
    d.layers.forEach((name, l) => {
      const x = M.l + (d.layers.length === 1 ? 0.5 : l / (d.layers.length - 1)) * (W - M.l - M.r);
      out.push(svgText(x, H - 16, clip(name, 14), 'text-anchor="middle" fill="#444"'));
    });
  }
  types.forEach((t, k) => {
    out.push(
      `<circle cx="${W - M.r + 36}" cy="${M.t + 10 + 16 * k}" r="4" fill="${colorOf.get(t)}"/>`,
    );
    out.push(svgText(W - M.r + 44, M.t + 14 + 16 * k, clip(t || "unknown", 16)));
  });
  const k0 = types.length;
  out.push(
    `<line x1="${W - M.r + 30}" x2="${W - M.r + 42}" y1="${M.t + 14 + 16 * k0}" y2="${M.t + 14 + 16 * k0}" stroke="#555"/>`,
    svgText(W - M.r + 46, M.t + 18 + 16 * k0, "chemical"),
  );
  out.push(
    `<line x1="${W - M.r + 30}" x2="${W - M.r + 42}" y1="${M.t + 30 + 16 * k0}" y2="${M.t + 30 + 16 * k0}" stroke="#e69500" stroke-dasharray="2 2"/>`,
    svgText(W - M.r + 46, M.t + 34 + 16 * k0, "electrical"),
  );
  if (d.citation) out.push(svgText(M.l, H - 2, clip(d.citation, 130), 'font-size="9" fill="#666"'));
  out.push("</svg>");
  return out.join("");
}

function order(t: string): number {
  const k = (NODE_TYPE_ORDER as readonly string[]).indexOf(t);
  return k < 0 ? NODE_TYPE_ORDER.length : k;
}
