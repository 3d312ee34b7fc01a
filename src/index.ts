/**
 * neurolab: computational neuroscience in TypeScript for notebooks.
 *
 * Spiking networks (`Network`, LIF populations, Poisson and spike-generator inputs, CSR
 * projections with delays, spike monitors), seeded random numbers, and displayable results
 * that the neurolab kernel renders as JupyterLab widgets.
 */
export * from "./random/rng.js";
export * from "./neurons/model.js";
export * from "./neurons/lif.js";
export * from "./neurons/izhikevich.js";
export * from "./neurons/adex.js";
export * from "./neurons/hh.js";
export * from "./neurons/stochastic.js";
export * from "./neurons/equations.js";
export * from "./synapses/receptors.js";
export * from "./synapses/gapJunctions.js";
export * from "./inputs/poisson.js";
export * from "./inputs/spikeGenerator.js";
export * from "./synapses/connectivity.js";
export * from "./synapses/projection.js";
export * from "./network/populations.js";
export * from "./network/monitors.js";
export * from "./network/network.js";
export * from "./network/equationGroup.js";
export * from "./synapses/equationSynapses.js";
export * from "./equations/index.js";
export {
  MIME_BUNDLE,
  isDisplayable,
  type Displayable,
  type MimeBundle,
} from "./display/protocol.js";
export * from "./display/figure.js";
export * from "./display/raster.js";
export * from "./display/rdm.js";
export * from "./display/connectome.js";
export * from "./display/activity.js";
export { rasterFigure, unitOf, type RasterFigureOptions } from "./network/rasterFigure.js";
export { rdmFigure, type RdmFigureOptions, type ModelEvaluation } from "./rsa/figure.js";
export { connectomeFigure, type ConnectomeFigureOptions } from "./connectome/figure.js";
export * as schema from "./schema/index.js";
export * from "./examples/coba.js";
export * from "./examples/cuba.js";
export * from "./examples/brunel.js";
export * from "./analysis/index.js";
export * from "./export/pynn.js";
export * from "./export/neuroml.js";
export {
  ifCurrExpEquations,
  IF_CURR_EXP_DEFAULTS,
  IF_CURR_EXP_UNITS,
  IF_CURR_EXP_EQUATIONS,
  type IfCurrExpParameters,
} from "./export/pynnCells.js";
export * as connectome from "./connectome/index.js";
export * as rsa from "./rsa/index.js";
export * as data from "./data/index.js";
export * as encoding from "./encoding/index.js";
export * as train from "./train/index.js";
export * as plasticity from "./plasticity/index.js";
export * as reservoir from "./reservoir/index.js";
export * as astrocytes from "./astrocytes/index.js";
