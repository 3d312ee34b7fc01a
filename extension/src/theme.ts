/**
 * Colours and fonts taken from the active JupyterLab theme (CSS custom properties on the
 * document), read at render time so the plot matches light and dark themes.
 */

export interface PlotTheme {
  /** True for light themes (JupyterLab sets `data-jp-theme-light` on <body>). */
  light: boolean;
  background: string;
  foreground: string;
  /** Secondary text (axis titles, ticks). */
  muted: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  /** Distinct population colours. */
  palette: readonly string[];
  /** Colour of spikes from neurons outside every declared population. */
  other: string;
}

// Tableau-10-like palettes; the dark one is lightened to keep contrast on dark backgrounds.
const LIGHT_PALETTE = [
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
const DARK_PALETTE = [
  "#5aa9e6",
  "#ff6b6b",
  "#6fd36f",
  "#ffa94d",
  "#c3a2f0",
  "#c49c94",
  "#f7a8d8",
  "#4dd9e8",
  "#dbdb5a",
  "#b0b0b0",
];

function cssVar(style: CSSStyleDeclaration | null, name: string, fallback: string): string {
  const v = style?.getPropertyValue(name).trim();
  return v ? v : fallback;
}

/** Reads the current theme from `doc` (defaults to the global document). */
export function readTheme(doc: Document | undefined = globalThis.document): PlotTheme {
  const body = doc?.body ?? null;
  const style = body && doc.defaultView ? doc.defaultView.getComputedStyle(body) : null;
  const lightAttr = body?.getAttribute("data-jp-theme-light");
  const background = cssVar(style, "--jp-layout-color0", "#ffffff");
  const light =
    lightAttr !== null && lightAttr !== undefined ? lightAttr !== "false" : !isDark(background);
  const fontSize = parseFloat(cssVar(style, "--jp-ui-font-size1", "13px"));
  return {
    light,
    background,
    foreground: cssVar(
      style,
      "--jp-ui-font-color1",
      light ? "rgba(0,0,0,0.87)" : "rgba(255,255,255,0.87)",
    ),
    muted: cssVar(
      style,
      "--jp-ui-font-color2",
      light ? "rgba(0,0,0,0.54)" : "rgba(255,255,255,0.54)",
    ),
    grid: cssVar(style, "--jp-border-color2", light ? "#e0e0e0" : "#424242"),
    fontFamily: cssVar(
      style,
      "--jp-ui-font-family",
      "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif",
    ),
    fontSize: Number.isFinite(fontSize) && fontSize > 0 ? fontSize : 13,
    palette: light ? LIGHT_PALETTE : DARK_PALETTE,
    other: light ? "#9e9e9e" : "#8a8a8a",
  };
}

/** Rough luminance test for `#rgb`, `#rrggbb` and `rgb()` colours; unknown formats count as light. */
function isDark(color: string): boolean {
  let r: number, g: number, b: number;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(color);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
    r = parseInt(h.slice(0, 2), 16);
    g = parseInt(h.slice(2, 4), 16);
    b = parseInt(h.slice(4, 6), 16);
  } else if (rgb) {
    [r, g, b] = [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  } else {
    return false;
  }
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}
