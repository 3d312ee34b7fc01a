/**
 * The payload schema shared by the library's display code (`src/display`) and the
 * JupyterLab extension's renderers: MIME type names (versioned), payload types,
 * encoders and validating decoders. Imported by the extension as `neurolab/schema`.
 */
export * from "./base64.js";
export * from "./validate.js";
export * from "./raster.js";
export * from "./geotopology.js";
export * from "./geometry.js";
export * from "./rdm.js";
export * from "./connectome.js";
export * from "./activity.js";
export * from "./labels.js";
