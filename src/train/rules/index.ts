/**
 * Supervised spike-timing learning rules: the Tempotron (Gütig & Sompolinsky 2006) and
 * Pre-Synaptic Pool Modification (PSPM, Bagley et al. 2020). See README.md in this folder.
 */
export * from "./tempotron.js";
export * from "./pspm.js";
