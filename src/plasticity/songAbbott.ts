/**
 * Song, Miller & Abbott 2000 (Nat Neurosci 3:919), as Brian2's example `synapses/STDP.py`: N
 * Poisson inputs at F Hz drive one conductance-based LIF neuron through additive, all-to-all
 * pair STDP with hard bounds [0, gmax] (no delay); depression slightly outweighs potentiation
 * (dApost = -1.05 dApre), and the weights split into two groups near 0 and near gmax.
 * Built here from {@link stdpPair} (additive, lambda = dApre/gmax, alpha = 1.05, axonal delay 0),
 * with the neuron written as Brian2's equations (Euler, as the example).
 */
import { allToAll } from "../synapses/connectivity.js";
import { Network } from "../network/network.js";
import type { EquationGroup } from "../network/equationGroup.js";
import type { PoissonGroup } from "../network/populations.js";
import type { Synapses } from "../synapses/equationSynapses.js";
import type { SpikeMonitor } from "../network/monitors.js";
import { checkInteger, checkNumber } from "../core/checks.js";
import { stdpPair } from "./stdpPair.js";

/** Options of {@link songAbbott2000}; defaults are Brian2's example. */
export interface SongAbbottOptions {
  /** Number of Poisson inputs (default 1000). */
  N?: number;
  /** Input rate, Hz (default 15). */
  F_Hz?: number;
  /** Maximal weight (conductance relative to the leak; default 0.01). */
  gmax?: number;
  /** Potentiation step relative to gmax (Brian2's dApre before scaling; default 0.01). */
  dApre?: number;
  /** Time step, ms (default 0.1, Brian2's default). */
  dt_ms?: number;
  /** Seed (default 1). */
  seed?: number;
}

/** The built network, its input, neuron, plastic synapses and a spike monitor of the neuron. */
export interface SongAbbottNetwork {
  net: Network;
  input: PoissonGroup;
  neuron: EquationGroup;
  synapses: Synapses;
  spikes: SpikeMonitor;
}

/**
 * Builds Song, Miller & Abbott 2000 as Brian2's STDP example (weights start uniform in [0, gmax]); run it with `net.run(ms)`.
 *
 * @example
 * ```ts
 * import { plasticity } from "neurolab";
 * // Brian2's STDP example: 1000 Poisson inputs at 15 Hz onto one neuron, additive pair STDP
 * const { net, synapses } = plasticity.songAbbott2000({ N: 200, seed: 1 });
 * net.run(2000);
 * synapses.variable("w"); // becomes bimodal over 100 s
 * ```
 */
export function songAbbott2000(opts: SongAbbottOptions = {}): SongAbbottNetwork {
  const N = checkInteger(opts.N ?? 1000, "N", 1);
  const F = checkNumber(opts.F_Hz ?? 15, "F_Hz", { min: 0 });
  const gmax = checkNumber(opts.gmax ?? 0.01, "gmax", { min: 0, minExclusive: true });
  const dApre = checkNumber(opts.dApre ?? 0.01, "dApre", { min: 0 });
  const net = new Network({ dt_ms: opts.dt_ms ?? 0.1, seed: opts.seed ?? 1 });
  const input = net.addPoisson("input", { size: N, rate_Hz: F });
  const neuron = net.addNeurons("neuron", {
    size: 1,
    model: "dv/dt = (ge*(Ee - v) + El - v)/taum : volt\ndge/dt = -ge/taue : 1",
    threshold: "v > vt",
    reset: "v = vr",
    method: "euler",
    namespace: {
      taum: "10*ms",
      taue: "5*ms",
      Ee: "0*mV",
      vt: "-54*mV",
      vr: "-60*mV",
      El: "-74*mV",
    },
    init: { v: "vr" },
  });
  const synapses = net.connect(input, neuron, {
    rule: allToAll(),
    ...stdpPair({
      weightDependence: "additive",
      lambda: dApre,
      alpha: 1.05,
      Wmax: gmax,
      tau_plus_ms: 20,
      tau_minus_ms: 20,
      delay_ms: 0,
      delayConvention: "axonal",
      w0: `rand()*${gmax}`,
      transmit: "ge_post += w",
    }),
  });
  const spikes = net.monitorSpikes([neuron]);
  return { net, input, neuron, synapses, spikes };
}
