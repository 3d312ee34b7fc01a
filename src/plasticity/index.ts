/**
 * Synaptic plasticity rules as synapse models (model text + on_pre + on_post + namespace) under
 * the names NEST and Brian2 users know; see src/plasticity/README.md.
 */
export { stdpPair, type StdpPairOptions } from "./stdpPair.js";
export type { DelayConvention, SynapseModel } from "./common.js";
export {
  stdpTriplet,
  NEST_TRIPLET_DEFAULTS,
  TRIPLET_PRESETS,
  type StdpTripletOptions,
  type TripletParameters,
  type TripletPreset,
  type TripletPresets,
} from "./stdpTriplet.js";
export {
  stdpDopamine,
  type StdpDopamineOptions,
  type DopamineSynapseModel,
} from "./stdpDopamine.js";
export { songAbbott2000, type SongAbbottOptions, type SongAbbottNetwork } from "./songAbbott.js";
export { vogelsSprekeler, type VogelsSprekelerOptions } from "./vogelsSprekeler.js";
export {
  addSynapticScaling,
  type SynapticScaling,
  type SynapticScalingOptions,
} from "./synapticScaling.js";
export {
  recordWeightHistogram,
  WeightHistogram,
  type WeightHistogramOptions,
} from "./weightHistogram.js";
export { distalReward2007, type DistalReward, type DistalRewardOptions } from "./distalReward.js";
