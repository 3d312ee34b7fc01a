/**
 * Label placement for scatter plots (MDS of conditions): each point's label goes to the one of
 * eight positions around it (right, left, above, below, then the diagonals) that overlaps the
 * labels placed so far and all points the least, greedily in point order. Shared by the static
 * SVG and the widget (which maps a choice to plotly's `textposition`). Text width is estimated
 * as 0.6 em per character (sans-serif), good enough to separate labels.
 */

/** A chosen label position: offset of the text anchor from the point (px) and plotly's name for it. */
export interface LabelPlacement {
  dx: number;
  dy: number;
  /** plotly `textposition`, e.g. "middle right". */
  position: string;
  /** The label's estimated box [x0, y0, x1, y1], px. */
  box: [number, number, number, number];
}

/**
 * Positions for labels of points at pixel coordinates (`x`, `y`, y downwards), with font size
 * `fontPx` and marker radius `radiusPx`. Returns one placement per point.
 *
 * @example
 * ```ts
 * import { labelOverlap, placeLabels } from "neurolab/schema";
 * const at = placeLabels([0, 5, 10], [0, 0, 0], ["AVAL", "AVAR", "AVBL"], 11, 4); // a side of each point per label
 * labelOverlap(at); // overlapping area left after placing, px^2
 * ```
 */
export function placeLabels(
  x: readonly number[],
  y: readonly number[],
  labels: readonly string[],
  fontPx: number,
  radiusPx: number,
): LabelPlacement[] {
  const n = x.length;
  const gap = radiusPx + 2;
  type Box = [number, number, number, number]; // x0, y0, x1, y1
  const boxes: Box[] = [];
  for (let i = 0; i < n; i++)
    boxes.push([x[i] - radiusPx, y[i] - radiusPx, x[i] + radiusPx, y[i] + radiusPx]);
  const overlap = (a: Box, b: Box) =>
    Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) *
    Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const out: LabelPlacement[] = [];
  for (let i = 0; i < n; i++) {
    const w = 0.6 * fontPx * labels[i].length;
    const h = fontPx;
    // [dx, dy] of the text anchor (baseline), anchor side, box, plotly name.
    const candidates: [number, number, Box, string][] = [
      [gap, h / 3, [x[i] + gap, y[i] - h / 2, x[i] + gap + w, y[i] + h / 2], "middle right"],
      [-gap, h / 3, [x[i] - gap - w, y[i] - h / 2, x[i] - gap, y[i] + h / 2], "middle left"],
      [0, -gap, [x[i] - w / 2, y[i] - gap - h, x[i] + w / 2, y[i] - gap], "top center"],
      [0, gap + h, [x[i] - w / 2, y[i] + gap, x[i] + w / 2, y[i] + gap + h], "bottom center"],
      [
        gap * 0.7,
        -gap * 0.7,
        [x[i] + gap * 0.7, y[i] - gap * 0.7 - h, x[i] + gap * 0.7 + w, y[i] - gap * 0.7],
        "top right",
      ],
      [
        -gap * 0.7,
        -gap * 0.7,
        [x[i] - gap * 0.7 - w, y[i] - gap * 0.7 - h, x[i] - gap * 0.7, y[i] - gap * 0.7],
        "top left",
      ],
      [
        gap * 0.7,
        gap * 0.7 + h,
        [x[i] + gap * 0.7, y[i] + gap * 0.7, x[i] + gap * 0.7 + w, y[i] + gap * 0.7 + h],
        "bottom right",
      ],
      [
        -gap * 0.7,
        gap * 0.7 + h,
        [x[i] - gap * 0.7 - w, y[i] + gap * 0.7, x[i] - gap * 0.7, y[i] + gap * 0.7 + h],
        "bottom left",
      ],
    ];
    let best = 0;
    let bestCost = Infinity;
    candidates.forEach((c, k) => {
      let cost = 0;
      for (let j = 0; j < boxes.length; j++) if (j !== i) cost += overlap(c[2], boxes[j]);
      if (cost < bestCost - 1e-9) {
        bestCost = cost;
        best = k;
      }
    });
    const c = candidates[best];
    boxes.push(c[2]);
    out.push({ dx: c[0], dy: c[1], position: c[3], box: c[2] });
  }
  return out;
}

/**
 * Total overlap area (px²) between the label boxes of a placement (0 = no two labels overlap).
 *
 * @example
 * ```ts
 * import { labelOverlap, placeLabels } from "neurolab/schema";
 * labelOverlap(placeLabels([0, 100], [0, 0], ["a", "b"], 11, 4)); // 0: far-apart labels do not overlap
 * ```
 */
export function labelOverlap(placements: readonly LabelPlacement[]): number {
  let total = 0;
  for (let a = 0; a < placements.length; a++) {
    for (let b = a + 1; b < placements.length; b++) {
      const A = placements[a].box;
      const B = placements[b].box;
      total +=
        Math.max(0, Math.min(A[2], B[2]) - Math.max(A[0], B[0])) *
        Math.max(0, Math.min(A[3], B[3]) - Math.max(A[1], B[1]));
    }
  }
  return total;
}
