/**
 * C. elegans connectomes: pinned loaders (Cook 2019, White 1986, OpenWorm owmeta, Bentley 2016,
 * Simeon 2024 master sheet, Worm Neuro Atlas ganglia), name normalisation, the connectome record (CSR), selection,
 * adjacency matrices and arquero tables.
 */
export * from "./cells.js";
export * from "./parse.js";
export * from "./connectome.js";
export * from "./ganglia.js";
export * from "./tables.js";
export * from "./loaders.js";
export * from "./analysis.js";
export * from "./layout.js";
export * from "./simulate.js";
export * from "./activity.js";
export * from "./tensor.js";
export * from "./functional.js";
export * from "./figure.js";
