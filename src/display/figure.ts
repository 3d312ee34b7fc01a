/**
 * One figure type for every widget: a {@link Figure} holds plain, validated figure data and a
 * {@link FigureKind} saying how to show it — the versioned MIME type and encoder of the
 * interactive payload (src/schema), the static SVG fallback, the text summary, and when the
 * payload must be left out (beyond the widget's limits). The kinds live beside their drawing
 * code (raster.ts, rdm.ts, connectome.ts, activity.ts); figure data is computed by the domain
 * modules, so nothing here imports analysis.
 */
import { MIME_BUNDLE, type Displayable, type MimeBundle } from "./protocol.js";

/** How a kind of figure turns its data into a payload, a static fallback and a text summary. */
export interface FigureKind<D, P> {
  /** The payload's versioned MIME type, e.g. `application/vnd.neurolab.raster.v1+json`. */
  readonly mime: string;
  /** The widget payload (JSON); throws when there is nothing the widget could draw. */
  payload(data: D): P;
  /** The static fallback: a self-contained SVG document without script. */
  svg(data: D): string;
  /** A one-line text summary (`text/plain`). */
  text(data: D): string;
  /**
   * Why the interactive payload is left out of the bundle ("" when the text already says why),
   * or null when it is sent. Default: always sent.
   */
  withoutWidget?(data: D): string | null;
}

/**
 * A figure that displays itself: its data, the widget payload, a static SVG and a text summary.
 *
 * @example
 * ```ts
 * import { Network, type Figure } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const spikes = net.monitorSpikes([net.addPoisson("in", { size: 10, rate_Hz: 10 })]);
 * net.run(200);
 * const fig = spikes.raster();
 * fig.payload(); fig.toSvg(); // the widget's payload and the static fallback
 * ```
 */
export class Figure<D, P> implements Displayable {
  constructor(
    /** How this figure is shown. */
    readonly kind: FigureKind<D, P>,
    /** The figure's data (plain, validated; what the payload encodes). */
    readonly data: D,
  ) {}

  /** The MIME type of the widget payload. */
  get mime(): string {
    return this.kind.mime;
  }

  /** The JSON payload of the interactive widget. */
  payload(): P {
    return this.kind.payload(this.data);
  }

  /** The static SVG fallback (no script). */
  toSvg(): string {
    return this.kind.svg(this.data);
  }

  /** A one-line text summary. */
  toString(): string {
    return this.kind.text(this.data);
  }

  /** MIME bundle for Jupyter: widget payload (within its limits), SVG fallback, text. */
  [MIME_BUNDLE](): MimeBundle {
    const why = this.kind.withoutWidget?.(this.data) ?? null;
    const text = this.toString();
    const fallback = {
      "image/svg+xml": this.toSvg(),
      "text/plain": why ? `${text}; ${why}` : text,
    };
    return why === null ? { [this.kind.mime]: this.payload(), ...fallback } : fallback;
  }
}

/**
 * The figure class of one kind: `new (figureClass(kind))(data)` is a {@link Figure} of that kind
 * (e.g. `new RasterFigure(data)`).
 *
 * @example
 * ```ts
 * import { RdmFigure } from "neurolab";
 * // the exported figure classes are figureClass(kind) of one kind each
 * const fig = new RdmFigure({ title: "", measure: "euclidean", nConditions: 2, labels: ["a", "b"], rdmNames: ["RDM 1"],
 *   dissimilarities: Float64Array.of(1), lower: 0, upper: 1, mds: null, models: null, categories: null });
 * fig.toString();
 * ```
 */
export function figureClass<D, P>(kind: FigureKind<D, P>): new (data: D) => Figure<D, P> {
  return class extends Figure<D, P> {
    constructor(data: D) {
      super(kind, data);
    }
  };
}
