/**
 * Spike-train analysis (Elephant/Brian2 definitions): firing rates, ISI variability (CV, CV2,
 * LV), Fano factors, correlograms, pairwise count correlations and Golomb's synchrony chi.
 * Times are in ms, rates in Hz. See README.md in this folder.
 */
export type { SpikeEvents, SpikeTrains, SpikeInput } from "./spikes.js";
export {
  spikeEventsFromMonitor,
  spikeTrainsByNeuron,
  neuronTrain_ms,
  populationTimes_ms,
  meanIgnoringNaN,
} from "./spikes.js";
export type { RateSmoothing, PopulationRate } from "./rates.js";
export { spikeCountsPerNeuron, firingRates_Hz, populationRate_Hz, smoothBinned } from "./rates.js";
export type { IsiSets } from "./variability.js";
export {
  isiIntervals,
  isiCv,
  isiCv2,
  isiLv,
  coefficientOfVariation,
  localCoefficientOfVariation,
  localVariation,
  fanoFactor,
  fanoFactorAcrossTrains,
  fanoFactorPerNeuron,
} from "./variability.js";
export type {
  CorrelogramNormalization,
  CorrelogramOptions,
  Correlogram,
  PairwiseCorrelation,
} from "./correlation.js";
export { crossCorrelogram, autoCorrelogram, pairwiseSpikeCountCorrelation } from "./correlation.js";
export type { SpikeTrainSynchrony } from "./synchrony.js";
export { spikeTrainSynchrony } from "./synchrony.js";
export type { LzcClassifier } from "./lempelZiv.js";
export {
  lempelZivComplexity,
  normalizedLempelZiv,
  binarySpikeSequences,
  lzcFeatures,
  fitLzcClassifier,
  predictLzcClassifier,
} from "./lempelZiv.js";
