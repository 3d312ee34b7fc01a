/**
 * The conductance-based LIF benchmark network (COBA) of Vogels & Abbott (2005) as used by
 * Brette et al. (2007) and the Brian2 / ANNarchy benchmarks: 4000 neurons (3200 excitatory,
 * 800 inhibitory), every pair connected with probability 0.02 (self-connections allowed),
 * tau_m 20 ms, g_L 10 nS (C_m 200 pF), V_rest = V_reset = -60 mV, V_thresh -50 mV, t_ref 5 ms,
 * a constant drive of 20 mV (I_bias = 200 pA), exponential conductances (tau_exc 5 ms to
 * E_exc 0 mV, tau_inh 10 ms to E_inh -80 mV), w_exc = 0.6 g_L = 6 nS, w_inh = 6.7 g_L = 67 nS,
 * initial V uniform in [-60, -50) mV, forward Euler at dt 0.1 ms. Brian2 gives about 21 Hz.
 */
import { fixedProbability } from "../synapses/connectivity.js";
import type { LifParams } from "../neurons/lif.js";
import { Network } from "../network/network.js";
import type { SpikeMonitor } from "../network/monitors.js";
import type { NeuronGroup } from "../network/populations.js";

/** Options of {@link cobaNetwork}; defaults are the benchmark's. */
export interface CobaOptions {
  seed?: number;
  nExc?: number;
  nInh?: number;
  /** Connection probability. */
  p?: number;
  dt_ms?: number;
  integration?: LifParams["integration"];
  /** Record spikes (default true). */
  monitor?: boolean;
  /** Allow WebAssembly SIMD kernels (default true; see `NetworkOptions.wasm`). */
  wasm?: boolean;
}

/** The COBA network, ready to `run`. */
export interface Coba {
  net: Network;
  exc: NeuronGroup<LifParams>;
  inh: NeuronGroup<LifParams>;
  spikes: SpikeMonitor | null;
}

/**
 * Builds the COBA benchmark network (see the module documentation).
 *
 * @example
 * ```ts
 * import { cobaNetwork } from "neurolab";
 * const { net, spikes } = cobaNetwork({ seed: 1 }); // Brette et al. 2007's COBA benchmark (4000 LIF)
 * net.run(200);
 * spikes!.meanRate_Hz("exc");
 * ```
 */
export function cobaNetwork(opts: CobaOptions = {}): Coba {
  const {
    seed = 0,
    nExc = 3200,
    nInh = 800,
    p = 0.02,
    dt_ms = 0.1,
    integration = "euler",
    monitor = true,
    wasm = true,
  } = opts;
  const net = new Network({ dt_ms, seed, wasm });
  const gL_nS = 10;
  const params: Partial<LifParams> = {
    tauM_ms: 20,
    cM_pF: 200,
    vRest_mV: -60,
    vReset_mV: -60,
    vThresh_mV: -50,
    tRef_ms: 5,
    iBias_pA: 20 * gL_nS,
    integration,
  };
  const receptors = {
    exc: { kind: "conductance", tau_ms: 5, eRev_mV: 0 },
    inh: { kind: "conductance", tau_ms: 10, eRev_mV: -80 },
  } as const;
  const v0_mV = (rng: { uniform(): number }) => -60 + 10 * rng.uniform();
  const exc = net.addLif("exc", { size: nExc, params, receptors, v0_mV });
  const inh = net.addLif("inh", { size: nInh, params, receptors, v0_mV });
  for (const post of [exc, inh]) {
    net.connect(exc, post, { rule: fixedProbability(p), receptor: "exc", weight_nS: 0.6 * gL_nS });
    net.connect(inh, post, { rule: fixedProbability(p), receptor: "inh", weight_nS: 6.7 * gL_nS });
  }
  return { net, exc, inh, spikes: monitor ? net.monitorSpikes([exc, inh]) : null };
}
