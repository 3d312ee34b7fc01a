/**
 * Connectome-driven spiking network: one LIF neuron per cell of a connectome, one delta
 * synapse per connected (pre, post) pair of chemical synapses with a voltage jump
 * proportional to the synapse count and signed by the presynaptic neurotransmitter, and
 * Poisson stimulation of named neurons, and gap junctions as symmetric electrical coupling with
 * a conductance proportional to the junction count. Uses only the public `Network` API.
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";
import { Network } from "../network/network.js";
import { fromPairs } from "../synapses/connectivity.js";
import { cellIndex, checkConnectome, type Connectome } from "./connectome.js";
import { checkOptions } from "../core/validate.js";

/** Poisson drive of named neurons (one independent source per neuron, one-to-one). */
export interface ConnectomeStimulus {
  /** Cell names to drive, e.g. the touch receptor neurons ALML, ALMR, AVM, PLML, PLMR, PVM. */
  neurons: readonly string[];
  /** Rate of each source, Hz (>= 0). */
  rate_Hz: number;
  /** Voltage jump per input spike, mV. */
  weight_mV: number;
}

/** Options of {@link connectomeNetwork}. */
export interface ConnectomeNetworkOptions {
  /** Time step, ms. Default 0.1. */
  dt_ms?: number;
  /** Seed of the network, integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Voltage jump per chemical synapse of a connection, mV (>= 0). Default 0.5. */
  mVPerSynapse?: number;
  /** Largest voltage jump of one connection, mV (> 0); larger ones are clipped. Default 10. */
  maxWeight_mV?: number;
  /** Factor applied to inhibitory (negative) connections (>= 0). Default 1. */
  inhibitoryGain?: number;
  /** Gap-junction conductance per junction of an electrical pair, nS (>= 0; 0 leaves them out). Default 0.1. */
  nSPerGapJunction?: number;
  /** Synaptic delay, ms (>= dt). Default 1. */
  delay_ms?: number;
  /** LIF parameters of every neuron (missing ones: the simulator's defaults). */
  neuronParams?: Parameters<Network["addLif"]>[1]["params"];
  /** Poisson stimulation of named neurons. */
  stimulus?: ConnectomeStimulus;
}

/** A network built from a connectome, ready to run. */
export interface ConnectomeNetwork {
  readonly network: Network;
  /** The neuron group, one neuron per cell in connectome order. */
  readonly neurons: ReturnType<Network["addLif"]>;
  /** The Poisson sources driving `stimulus.neurons` (null without stimulus). */
  readonly stimulus: ReturnType<Network["addPoisson"]> | null;
  /** Spike monitor of `neurons`. */
  readonly monitor: ReturnType<Network["monitorSpikes"]>;
  /** Cell names, index = neuron index. */
  readonly names: readonly string[];
  /** Voltage jump of each chemical connection, mV, aligned with `connectome.chemical.colIdx`. */
  readonly weights_mV: Float64Array;
  /** Electrical pairs coupled by gap junctions (each unordered pair once). */
  readonly gapJunctionPairs: number;
}

/**
 * Builds a spiking network from a connectome: weight of connection i -> j =
 * sign * min(count * mVPerSynapse, maxWeight_mV), times `inhibitoryGain` when negative.
 * Self connections (autapses) are kept.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const sim = connectome.connectomeNetwork(c, { seed: 1, stimulus: { neurons: ["PLML", "PLMR"], rate_Hz: 50, weight_mV: 5 } });
 * sim.network.run(500);
 * connectome.spikeCountsByName(sim).get("AVBL");
 * ```
 */
export function connectomeNetwork(
  c: Connectome,
  opts: ConnectomeNetworkOptions = {},
): ConnectomeNetwork {
  checkConnectome(c);
  checkOptions(
    opts,
    [
      "dt_ms",
      "seed",
      "mVPerSynapse",
      "maxWeight_mV",
      "inhibitoryGain",
      "nSPerGapJunction",
      "delay_ms",
      "neuronParams",
      "stimulus",
    ],
    "connectomeNetwork options",
  );
  const perSynapse = checkNonNegative(opts.mVPerSynapse ?? 0.5, "mVPerSynapse");
  const cap = checkPositive(opts.maxWeight_mV ?? 10, "maxWeight_mV");
  const inhibitoryGain = checkNonNegative(opts.inhibitoryGain ?? 1, "inhibitoryGain");
  const n = c.cells.length;
  if (n === 0) throw new RangeError(`connectome must have at least one cell, got 0 in ${c.name}`);
  const network = new Network({ dt_ms: opts.dt_ms ?? 0.1, seed: opts.seed ?? 0 });
  const neurons = network.addLif("neurons", { size: n, params: opts.neuronParams });
  const m = c.chemical;
  const pre = new Int32Array(m.colIdx.length);
  const weights = new Float64Array(m.colIdx.length);
  const weightOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
      pre[k] = i;
      const magnitude = Math.min(m.weight[k] * perSynapse, cap);
      weights[k] = c.chemicalSign[k] < 0 ? -magnitude * inhibitoryGain : magnitude;
      weightOf.set(i * n + m.colIdx[k], weights[k]);
    }
  }
  if (m.colIdx.length > 0) {
    network.connect(neurons, neurons, {
      rule: fromPairs(pre, m.colIdx),
      weight_mV: (_rng, i, j) => weightOf.get(i * n + j)!,
      delay_ms: opts.delay_ms ?? 1,
    });
  }
  const nSPerJunction = checkNonNegative(opts.nSPerGapJunction ?? 0.1, "nSPerGapJunction");
  const e = c.electrical;
  const gapPre: number[] = [];
  const gapPost: number[] = [];
  const gapG = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let k = e.rowPtr[i]; k < e.rowPtr[i + 1]; k++) {
      const j = e.colIdx[k];
      if (j <= i) continue; // symmetric storage: each unordered pair once; a cell coupled to itself carries no current
      gapPre.push(i);
      gapPost.push(j);
      gapG.set(i * n + j, e.weight[k] * nSPerJunction);
    }
  }
  if (gapPre.length > 0 && nSPerJunction > 0) {
    network.connectGap(neurons, neurons, {
      rule: fromPairs(gapPre, gapPost),
      g_nS: (_rng, i, j) => gapG.get(i * n + j)!,
    });
  }
  let stimulus: ConnectomeNetwork["stimulus"] = null;
  if (opts.stimulus) {
    const s = opts.stimulus;
    checkNonNegative(s.rate_Hz, "stimulus.rate_Hz");
    checkNumber(s.weight_mV, "stimulus.weight_mV");
    if (s.neurons.length === 0)
      throw new RangeError("stimulus.neurons must name at least one cell, got []");
    const targets = s.neurons.map((name) => cellIndex(c, name));
    stimulus = network.addPoisson("stimulus", { size: targets.length, rate_Hz: s.rate_Hz });
    network.connect(stimulus, neurons, {
      rule: fromPairs(
        Int32Array.from(targets, (_, k) => k),
        targets,
      ),
      weight_mV: s.weight_mV,
      delay_ms: opts.delay_ms ?? 1,
    });
  }
  const monitor = network.monitorSpikes([neurons]);
  monitor.neuronNames = c.cells.map((cell) => cell.name); // the raster names its rows
  return {
    network,
    neurons,
    stimulus,
    monitor,
    names: c.cells.map((cell) => cell.name),
    weights_mV: weights,
    gapJunctionPairs: nSPerJunction > 0 ? gapPre.length : 0,
  };
}

/**
 * Spike count of every neuron of a connectome network after a run, by cell name.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const sim = connectome.connectomeNetwork(await connectome.loadConnectome("cook2019"), { seed: 1 });
 * sim.network.run(100);
 * connectome.spikeCountsByName(sim); // Map name -> spikes
 * ```
 */
export function spikeCountsByName(net: ConnectomeNetwork): Map<string, number> {
  if (net === null || typeof net !== "object" || !net.monitor || !Array.isArray(net.names))
    throw new TypeError("net must be the result of connectomeNetwork");
  const counts = net.monitor.counts();
  return new Map(net.names.map((name, i) => [name, counts[i]]));
}
