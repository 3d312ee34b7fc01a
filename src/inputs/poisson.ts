/**
 * Poisson spike sources: each neuron spikes in each step independently with probability
 * rate * dt (as Brian2's PoissonGroup), sampled by geometric skipping so a step costs
 * O(spikes), not O(neurons).
 */
import { checkNumber, checkPositive } from "../core/checks.js";
import { describeName } from "../core/describe.js";
import { checkOptions, checkPopulationSize } from "../core/validate.js";
import type { Rng } from "../random/rng.js";

/**
 * Largest rate accepted, Hz: rate * dt must stay a probability.
 *
 * @example
 * ```ts
 * import { maxPoissonRate_Hz } from "neurolab";
 * maxPoissonRate_Hz(0.1); // 10000 Hz: at most one spike per 0.1 ms step
 * ```
 */
export function maxPoissonRate_Hz(dt_ms: number): number {
  return 1000 / checkPositive(dt_ms, "dt_ms");
}

/**
 * Writes the indices of the neurons of a Poisson group of `n` neurons that spike in one
 * step to `out`, in increasing order. `p` = rate * dt is the per-step spike probability.
 * @returns the number of spikes.
 *
 * @example
 * ```ts
 * import { Rng, poissonStep } from "neurolab";
 * const spiked = new Int32Array(100);
 * const n = poissonStep(100, 0.01, new Rng(1), spiked); // each of 100 neurons fires with probability 0.01
 * spiked.subarray(0, n); // the indices that fired
 * ```
 */
export function poissonStep(n: number, p: number, rng: Rng, out: Int32Array): number {
  let count = 0;
  if (p <= 0) return 0;
  let i = rng.geometric(p);
  while (i < n) {
    out[count++] = i;
    i += 1 + rng.geometric(p);
  }
  return count;
}

/**
 * Checks the options of a Poisson group called `name` (known keys, size, a rate >= 0 in Hz); returns the size.
 *
 * @example
 * ```ts
 * import { checkPoissonOptions } from "neurolab";
 * checkPoissonOptions({ size: 10, rate_Hz: 20 }, "input"); // throws naming "input" and the range if invalid
 * ```
 */
export function checkPoissonOptions(opts: { size: number; rate_Hz: number }, name: string): number {
  name = describeName(name);
  if (opts === undefined)
    throw new TypeError(`${name}: options must be { size, rate_Hz }, got undefined`);
  checkOptions(opts, ["size", "rate_Hz"], `${name}: options`);
  const size = checkPopulationSize(opts.size, `${name}: size`);
  checkNumber(opts.rate_Hz, `${name}: rate_Hz`, { min: 0 });
  return size;
}

/** Checks a rate in Hz for a step of `dt_ms`. @internal */
export function checkRate(rate_Hz: number, name: string, dt_ms: number): number {
  return checkNumber(rate_Hz, name, { min: 0, max: maxPoissonRate_Hz(dt_ms) });
}
