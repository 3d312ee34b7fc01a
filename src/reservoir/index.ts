/**
 * Reservoir computing: the liquid state machine (Maass, Natschläger & Markram 2002), liquid
 * states and a closed-form ridge readout, criticality measures (branching factor, avalanches,
 * power-law exponents) and the neuron-astrocyte LSM (Ivanov & Michmizos 2021).
 * See src/reservoir/README.md.
 */
export * from "./liquid.js";
export * from "./readout.js";
export * from "./criticality.js";
export * from "./nalsm.js";
