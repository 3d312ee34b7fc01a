/**
 * Brunel's (2000) sparsely connected network of excitatory and inhibitory LIF neurons with
 * delta synapses ("model A": identical neurons, J_I = -g J_E), J. Comput. Neurosci. 8:183.
 * Defaults are the paper's: N_E = 10000, N_I = 2500, epsilon = 0.1 (C_E = 1000, C_I = 250, fixed
 * in-degree), J = 0.1 mV, D = 1.5 ms, tau = 20 ms, theta = 20 mV, V_r = 10 mV, t_ref = 2 ms.
 * External drive: each neuron receives C_E independent Poisson inputs of weight J at
 * nu_ext = eta nu_thr with nu_thr = theta / (J C_E tau), merged into `externalSources` Poisson
 * sources per neuron. `scale` < 1 shrinks N_E, N_I and the in-degrees together and scales J by
 * 1/scale so that the mean input (J C_E) and the regime diagram stay put (fluctuations grow).
 * Regimes (Brunel's Fig. 8): SR g = 3, eta = 2; AI g = 5, eta = 2; SI fast g = 6, eta = 4;
 * SI slow g = 4.5, eta = 0.9.
 */
import { fixedInDegree, fromPairs } from "../synapses/connectivity.js";
import { checkNumber, checkPositive } from "../core/checks.js";
import { Network } from "../network/network.js";
import type { SpikeMonitor } from "../network/monitors.js";
import type { LifParams } from "../neurons/lif.js";
import type { NeuronGroup } from "../network/populations.js";

/** Options of {@link brunelNetwork}. */
export interface BrunelOptions {
  /** Relative strength of inhibition (J_I = -g J). */
  g: number;
  /** External rate relative to threshold rate. */
  eta: number;
  seed?: number;
  /** Size factor in (0, 1] (see the module documentation). Default 1. */
  scale?: number;
  /** Excitatory weight at scale 1, mV. Default 0.1. */
  j_mV?: number;
  /** Transmission delay, ms. Default 1.5. */
  delay_ms?: number;
  dt_ms?: number;
  /** Poisson sources per neuron carrying its external drive. Default 4. */
  externalSources?: number;
}

/** The Brunel network, ready to `run`. */
export interface Brunel {
  net: Network;
  exc: NeuronGroup<LifParams>;
  inh: NeuronGroup<LifParams>;
  spikes: SpikeMonitor;
  /** External rate per neuron (all inputs together), Hz. */
  externalRate_Hz: number;
}

/**
 * Builds Brunel's (2000) network in a given regime (see the module documentation).
 *
 * @example
 * ```ts
 * import { brunelNetwork } from "neurolab";
 * // Brunel 2000's sparse network, scaled down; g = 5, eta = 2: asynchronous irregular
 * const { net, spikes } = brunelNetwork({ g: 5, eta: 2, scale: 0.1, seed: 1 });
 * net.run(200);
 * spikes.meanRate_Hz();
 * ```
 */
export function brunelNetwork(opts: BrunelOptions): Brunel {
  const g = checkNumber(opts.g, "g", { min: 0 });
  const eta = checkNumber(opts.eta, "eta", { min: 0 });
  const scale = checkNumber(opts.scale ?? 1, "scale", { min: 0, max: 1, minExclusive: true });
  const j = checkPositive(opts.j_mV ?? 0.1, "j_mV") / scale;
  const delay_ms = opts.delay_ms ?? 1.5;
  const dt_ms = opts.dt_ms ?? 0.1;
  const m = Math.round(checkPositive(opts.externalSources ?? 4, "externalSources"));
  const nE = Math.round(10000 * scale);
  const nI = Math.round(2500 * scale);
  const cE = Math.round(1000 * scale);
  const cI = Math.round(250 * scale);
  const tau = 20;
  const theta = 20;
  const nuThr_Hz = (theta / (j * cE * tau)) * 1000;
  const externalRate_Hz = eta * nuThr_Hz * cE;
  const net = new Network({ dt_ms, seed: opts.seed ?? 0 });
  const params: Partial<LifParams> = {
    tauM_ms: tau,
    vRest_mV: 0,
    vReset_mV: 10,
    vThresh_mV: theta,
    tRef_ms: 2,
  };
  const exc = net.addLif("exc", { size: nE, params, v0_mV: (rng) => theta * rng.uniform() });
  const inh = net.addLif("inh", { size: nI, params, v0_mV: (rng) => theta * rng.uniform() });
  for (const [group, n] of [
    [exc, nE],
    [inh, nI],
  ] as const) {
    const ext = net.addPoisson(`${group.name}_ext`, { size: n * m, rate_Hz: externalRate_Hz / m });
    const pre = Int32Array.from({ length: n * m }, (_, k) => k);
    const post = Int32Array.from({ length: n * m }, (_, k) => Math.floor(k / m));
    net.connect(ext, group, { rule: fromPairs(pre, post), weight_mV: j, delay_ms: dt_ms });
    net.connect(exc, group, { rule: fixedInDegree(cE), weight_mV: j, delay_ms });
    net.connect(inh, group, { rule: fixedInDegree(cI), weight_mV: -g * j, delay_ms });
  }
  return { net, exc, inh, spikes: net.monitorSpikes([exc, inh]), externalRate_Hz };
}
