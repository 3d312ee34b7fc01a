/**
 * The display protocol: an object is displayable when it has a method under
 * {@link MIME_BUNDLE} returning a MIME bundle (as IPython's `_repr_mimebundle_`). The
 * neurolab kernel renders such objects when they are a cell's last value or passed to
 * `display()`. Every bundle carries `text/plain` and a static fallback (SVG or script-free
 * HTML) so notebooks read well where the extension is absent.
 */

/** The well-known symbol of the display method. */
export const MIME_BUNDLE: unique symbol = Symbol.for("jupyter.mimebundle");

/** A MIME bundle: MIME type -> data (string or JSON). */
export type MimeBundle = Record<string, unknown>;

/** An object that knows how to display itself. */
export interface Displayable {
  [MIME_BUNDLE](): MimeBundle;
}

/** True when `value` implements the display protocol. */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[MIME_BUNDLE] === "function"
  );
}

/** Escapes text for inclusion in SVG/HTML. @internal */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Makes a plain result record displayable: adds a non-enumerable `[MIME_BUNDLE]` method that
 * builds its figure on demand (the record stays plain data for JSON, equality and spreading).
 * @internal
 */
export function withDisplay<T extends object>(record: T, figure: (record: T) => Displayable): T {
  Object.defineProperty(record, MIME_BUNDLE, { value: () => figure(record)[MIME_BUNDLE](), enumerable: false });
  return record;
}
