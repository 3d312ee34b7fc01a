/**
 * The display protocol: an object is displayable when it has a method under
 * {@link MIME_BUNDLE} returning a MIME bundle (as IPython's `_repr_mimebundle_`). The
 * neurolab kernel renders such objects when they are a cell's last value or passed to
 * `display()`. Every bundle carries `text/plain` and a static fallback (SVG or script-free
 * HTML) so notebooks read well where the extension is absent.
 *
 * This module imports nothing: domain modules (rsa, connectome, network) use it to make their
 * results displayable without importing figure code. A plain record is tagged with a display
 * kind ({@link displayAs}); the module that builds that kind's figure registers it
 * ({@link registerDisplay}, as IPython's `formatter.for_type`), so the figure code may depend on
 * the domain module and never the reverse.
 */

/** The well-known symbol of the display method. */
export const MIME_BUNDLE: unique symbol = Symbol.for("jupyter.mimebundle");

/** A MIME bundle: MIME type -> data (string or JSON). */
export type MimeBundle = Record<string, unknown>;

/** An object that knows how to display itself. */
export interface Displayable {
  [MIME_BUNDLE](): MimeBundle;
}

/**
 * True when `value` implements the display protocol.
 *
 * @example
 * ```ts
 * import { isDisplayable, rsa } from "neurolab";
 * isDisplayable(rsa.makeRdms([[1, 2, 3]])); // true: it shows as an RDM figure in the notebook
 * isDisplayable({}); // false
 * ```
 */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[MIME_BUNDLE] === "function"
  );
}

/** Figure builders by display kind (see {@link registerDisplay}). */
const BUILDERS = new Map<string, (value: never) => Displayable>();

/**
 * Registers the figure builder of a display kind: records tagged with {@link displayAs}`(record,
 * kind)` display as `build(record)`. Called once by the module that builds the figure.
 * @internal
 */
export function registerDisplay<T>(kind: string, build: (value: T) => Displayable): void {
  BUILDERS.set(kind, build as (value: never) => Displayable);
}

/**
 * Makes a plain result record displayable as `kind`: adds a non-enumerable `[MIME_BUNDLE]`
 * method that builds the registered figure on demand (the record stays plain data for JSON,
 * equality and spreading). Without a registered builder it displays as text.
 * @internal
 */
export function displayAs<T extends object>(record: T, kind: string): T {
  const bundle = (): MimeBundle => {
    const build = BUILDERS.get(kind) as ((value: T) => Displayable) | undefined;
    if (build) return build(record)[MIME_BUNDLE]();
    return {
      "text/plain": `${kind} (no figure builder is loaded: import "neurolab" to display it)`,
    };
  };
  Object.defineProperty(record, MIME_BUNDLE, { value: bundle, enumerable: false });
  return record;
}
