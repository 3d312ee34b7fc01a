/**
 * Spike encoders: Poisson rate codes, latency (time-to-first-spike) codes as snnTorch's
 * `spikegen`, delta and send-on-delta codes of time series, and Gaussian population
 * (receptive-field) codes. Seeded, bitwise reproducible. See README.md in this folder.
 */
export { type SpikeRaster, type RandomSource, rasterToEvents } from "./raster.js";
export * from "./rate.js";
export * from "./latency.js";
export * from "./delta.js";
export * from "./population.js";
