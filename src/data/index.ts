/**
 * Data access: pinned sources (URL + SHA-256 + citation), verified local copies from a mirror
 * directory or a download cache, and small text readers.
 */
export * from "./sources.js";
export * from "./fetch.js";
export * from "./csv.js";
export * from "./tables.js";
export * from "./parquet.js";
export * from "./shd.js";
export * from "./braille.js";
