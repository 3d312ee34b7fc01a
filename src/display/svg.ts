/** Small helpers shared by the static SVG fallbacks (no script, labels escaped). */

/** Escapes text for inclusion in SVG/HTML. @internal */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Viridis, 9 stops (matplotlib), for static heatmaps; plotly's "Viridis" in the widget. */
const VIRIDIS = [
  "#440154",
  "#472d7b",
  "#3b528b",
  "#2c728e",
  "#21918c",
  "#28ae80",
  "#5ec962",
  "#addc30",
  "#fde725",
];

/** Viridis colour of t in [0, 1] (clamped); NaN gives `nanColor`. */
export function viridis(t: number, nanColor = "#ffffff"): string {
  if (Number.isNaN(t)) return nanColor;
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(VIRIDIS[i]);
  const b = hex(VIRIDIS[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

function hex(c: string): number[] {
  return [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16));
}

/** A text element with escaped content. */
export function svgText(x: number, y: number, text: string, attrs = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? " " + attrs : ""}>${escapeXml(text)}</text>`;
}

/** Shortens a label to `max` characters with an ellipsis. */
export function clip(text: string, max = 24): string {
  return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
}

/** Compact number formatting for ticks and captions. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number(v.toPrecision(3)).toString();
}

/**
 * Opening tag of a standalone SVG with a white background; `alt` (plain text) becomes its
 * accessible name (`role="img"` with a `<title>` first child), the figure's alt text.
 */
export function svgOpen(width: number, height: number, alt?: string): string {
  // The accessible name comes from the <title> child (text content, never an attribute value).
  const a = alt ? ` role="img"` : "";
  const title = alt ? `<title>${escapeXml(alt)}</title>` : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11"${a}>${title}<rect width="${width}" height="${height}" fill="white"/>`;
}

/** Categorical colours (Tableau 10) for static figures. */
export const CATEGORY_COLORS: readonly string[] = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
];
