/**
 * The current-based LIF benchmark network (CUBA) of Vogels & Abbott (2005) as in Brette et al.
 * (2007) and Brian2's CUBA example: 4000 neurons (3200 excitatory, 800 inhibitory), connection
 * probability 0.02, tau_m 20 ms, V_rest -49 mV (above threshold: the network is self-sustained),
 * V_thresh -50 mV, V_reset -60 mV, t_ref 5 ms, exponential currents (tau_exc 5 ms, tau_inh 10 ms)
 * with w_exc = 1.62 mV x g_L and w_inh = -9 mV x g_L (g_L = 10 nS, so 16.2 pA and -90 pA),
 * initial V uniform in [-60, -50) mV, exact integration at dt 0.1 ms.
 */
import { fixedProbability } from "../synapses/connectivity.js";
import type { LifParams } from "../neurons/lif.js";
import { Network } from "../network/network.js";
import type { Coba, CobaOptions } from "./coba.js";

/**
 * Builds the CUBA benchmark network (see the module documentation).
 *
 * @example
 * ```ts
 * import { cubaNetwork } from "neurolab";
 * const { net, spikes } = cubaNetwork({ seed: 1 }); // the current-based variant
 * net.run(200);
 * ```
 */
export function cubaNetwork(opts: CobaOptions = {}): Coba {
  const {
    seed = 0,
    nExc = 3200,
    nInh = 800,
    p = 0.02,
    dt_ms = 0.1,
    integration = "exact",
    monitor = true,
  } = opts;
  const net = new Network({ dt_ms, seed });
  const gL_nS = 10;
  const params: Partial<LifParams> = {
    tauM_ms: 20,
    cM_pF: 200,
    vRest_mV: -49,
    vReset_mV: -60,
    vThresh_mV: -50,
    tRef_ms: 5,
    integration,
  };
  const receptors = {
    exc: { kind: "current", tau_ms: 5 },
    inh: { kind: "current", tau_ms: 10 },
  } as const;
  const v0_mV = (rng: { uniform(): number }) => -60 + 10 * rng.uniform();
  const exc = net.addLif("exc", { size: nExc, params, receptors, v0_mV });
  const inh = net.addLif("inh", { size: nInh, params, receptors, v0_mV });
  for (const post of [exc, inh]) {
    net.connect(exc, post, { rule: fixedProbability(p), receptor: "exc", weight_pA: 1.62 * gL_nS });
    net.connect(inh, post, { rule: fixedProbability(p), receptor: "inh", weight_pA: -9 * gL_nS });
  }
  return { net, exc, inh, spikes: monitor ? net.monitorSpikes([exc, inh]) : null };
}
