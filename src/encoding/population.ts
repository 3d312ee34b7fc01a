/**
 * Gaussian population (receptive-field) coding, Bohte, Kok & La Poutré 2002 (Neurocomputing
 * 48:17, section 4): a scalar in `[min, max]` is represented by `m` neurons with Gaussian
 * receptive fields, centres `mu_j = min + (2j - 3)/2 * (max - min)/(m - 2)` and width
 * `sigma = (max - min) / (beta (m - 2))` (j = 1..m; beta = 1.5 in the paper), so the outer
 * centres lie half a spacing outside the range. Response `r_j = exp(-(x - mu_j)^2 / (2 sigma^2))`
 * in (0, 1]; the spike time is `(1 - r_j) * tMax_ms` (strong responses fire early), and neurons
 * whose response is below `minResponse` do not fire (the paper: "not firing" for late times).
 */
import { checkFiniteArray, checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { checkArrayLike, checkRequiredOptions } from "../core/validate.js";
import type { SpikeEvents } from "../analysis/spikes.js";

/** Options of {@link gaussianPopulation}. */
export interface GaussianPopulationOptions {
  /** Neurons per input dimension, m (integer >= 3). */
  nNeurons: number;
  /** Lower end of the input range. */
  min: number;
  /** Upper end of the input range (> min). */
  max: number;
  /** Width factor beta (> 0); sigma = range / (beta (m - 2)). Default 1.5 (Bohte et al.). */
  beta?: number;
  /** Latest spike time, ms (> 0): response 0 would fire here. Default 10. */
  tMax_ms?: number;
  /** Responses below this do not spike, in [0, 1). Default 0.1 (fires before 0.9 tMax). */
  minResponse?: number;
}

/**
 * Receptive-field centres (length m) and the common width of {@link gaussianPopulation}.
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * encoding.gaussianReceptiveFields({ nNeurons: 5, min: 0, max: 1 }); // evenly spaced centres and one width
 * ```
 */
export function gaussianReceptiveFields(opts: GaussianPopulationOptions): {
  centres: Float64Array;
  sigma: number;
} {
  checkRequiredOptions(opts, "gaussianReceptiveFields options", "nNeurons");
  const m = checkInteger(opts.nNeurons, "nNeurons", 3);
  const min = checkNumber(opts.min, "min");
  const max = checkNumber(opts.max, "max", { min, minExclusive: true });
  const beta = checkPositive(opts.beta ?? 1.5, "beta");
  const spacing = (max - min) / (m - 2);
  const centres = new Float64Array(m);
  for (let j = 1; j <= m; j++) centres[j - 1] = min + ((2 * j - 3) / 2) * spacing;
  return { centres, sigma: spacing / beta };
}

/** Population code of one value per input dimension. */
export interface PopulationCode {
  /** Responses, `values.length` x `nNeurons`, row-major (neuron `d * m + j` codes dimension d). */
  readonly responses: Float64Array;
  /** Spikes of the neurons that fire (one each), time-sorted, `nNeurons = values.length * m`. */
  readonly events: SpikeEvents;
}

/**
 * Gaussian population code of `values` (one value per input dimension, each in [min, max]):
 * `values.length * nNeurons` neurons, the responses and one spike per responding neuron.
 *
 * @example
 * ```ts
 * import { encoding } from "neurolab";
 * const code = encoding.gaussianPopulation([0.3], { nNeurons: 8, min: 0, max: 1, tMax_ms: 10 });
 * code.responses; code.events; // the neurons tuned near 0.3 respond most and fire first
 * ```
 */
export function gaussianPopulation(
  values: ArrayLike<number>,
  opts: GaussianPopulationOptions,
): PopulationCode {
  checkArrayLike(values, "values");
  checkRequiredOptions(opts, "gaussianPopulation options", "nNeurons");
  const { centres, sigma } = gaussianReceptiveFields(opts);
  const tMax_ms = checkPositive(opts.tMax_ms ?? 10, "tMax_ms");
  const minResponse = checkNumber(opts.minResponse ?? 0.1, "minResponse", {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  checkFiniteArray(values, "values", { min: opts.min, max: opts.max });
  const m = centres.length;
  const responses = new Float64Array(values.length * m);
  const fired: { t: number; id: number }[] = [];
  for (let d = 0; d < values.length; d++) {
    for (let j = 0; j < m; j++) {
      const z = (values[d] - centres[j]) / sigma;
      const r = Math.exp(-0.5 * z * z);
      responses[d * m + j] = r;
      if (r >= minResponse) fired.push({ t: (1 - r) * tMax_ms, id: d * m + j });
    }
  }
  fired.sort((a, b) => a.t - b.t || a.id - b.id);
  return {
    responses,
    events: {
      times_ms: Float64Array.from(fired, (f) => f.t),
      neurons: Int32Array.from(fired, (f) => f.id),
      nNeurons: values.length * m,
      tStart_ms: 0,
      tStop_ms: tMax_ms,
    },
  };
}
