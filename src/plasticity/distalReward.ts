/**
 * A scaled-down version of Izhikevich 2007's first experiment (Cereb Cortex 17:2443, Fig. 1,
 * "reinforcing a synapse"; the ModelDB code `daspnet.m`): a recurrent network of Izhikevich
 * neurons (80% regular spiking, 20% fast spiking) with dopamine-modulated STDP on its excitatory
 * synapses, driven by uniform random input. One excitatory synapse i -> j is chosen and starts at
 * 0; every time j fires within `coincidence_ms` after i, a reward (a dopamine release) follows
 * after a random delay of 1-3 s, long after the spikes that earned it. The eligibility trace
 * c of that synapse, left positive by the pairing and decaying over tau_c = 1 s, is still there
 * when the dopamine comes, and the synapse grows to the bound while the others (whose c is as
 * often negative as positive when the reward arrives) stay low: the distal reward problem solved.
 *
 * As in `daspnet.m`'s set-up: Izhikevich neurons (RS a = 0.02, d = 8; FS a = 0.1, d = 2;
 * b = 0.2, c = -65 mV), delta synapses in mV with a 1 ms delay, excitatory weights start at 1 mV
 * with bound 4 mV, inhibitory ones fixed at -1 mV (onto excitatory neurons), uniform input
 * current 13 (rand - 0.5) drawn every ms, a 20 ms coincidence window. As in the paper's text:
 * rewards 1-3 s late, STDP on the eligibility trace with A+ = 1 and 20 ms traces, tau_c = 1 s,
 * tau_n = 200 ms (the reward and update part of `daspnet.m` could not be read here). The rule is
 * NEST's `stdp_dopamine_synapse` ({@link stdpDopamine}: dw/dt = c (n - b), w clipped to
 * [0, 4]) with pairing at the synapse (axonal delay).
 * Scaled down (see src/plasticity/README.md): 200 neurons with 20 targets each (the paper: 1000
 * and 100), so a synapse sees the paper's rates but the network is 25x cheaper; A- = 2 instead of
 * 1.5 (with 20 inputs per neuron the causal pairings of each synapse weigh more, and a stronger
 * depression keeps the unrewarded weights from drifting up); no tonic dopamine (b = 0: weights
 * change only when a reward comes); each reward releases one quantum (n += 1/tau_n). The rewarded
 * synapse reaches the bound within about 1000-1500 s (the paper: about an hour). Time step 0.5 ms
 * (the paper's two half steps for v), forward Euler for v and u.
 */
import { Network } from "../network/network.js";
import type { EquationGroup } from "../network/equationGroup.js";
import type { Synapses } from "../synapses/equationSynapses.js";
import { fromPairs } from "../synapses/connectivity.js";
import { Rng } from "../random/rng.js";
import { checkInteger, checkNumber } from "../core/checks.js";
import { stdpDopamine } from "./stdpDopamine.js";

/** Options of {@link distalReward2007}. */
export interface DistalRewardOptions {
  /** Number of neurons (default 200; 80% excitatory). */
  N?: number;
  /** Targets per neuron (default 20). */
  M?: number;
  /** Dopamine quanta (each 1/tau_n) released per reward (default 1). */
  quanta?: number;
  /** Tonic dopamine level, 1/ms (default 0: weights change only at rewards; stdpDopamine's b = -tonic). */
  tonic_per_ms?: number;
  /** Window in which j must fire after i to earn a reward, ms (default 20, the paper's). */
  coincidence_ms?: number;
  /** Depression amplitude of the eligibility trace (default 2; the paper's 1.5 with 100 inputs per neuron; potentiation is 1). */
  A_minus?: number;
  /** Seed of the network and of the reward delays (default 1). */
  seed?: number;
}

/** The built experiment: run it with `net.run(ms)`; `rewards_ms` lists the reward times so far. */
export interface DistalReward {
  net: Network;
  neurons: EquationGroup;
  /** The plastic excitatory synapses (stdpDopamine, w in mV). */
  synapses: Synapses;
  /** Index of the rewarded synapse in `synapses`. */
  rewarded: number;
  /** Its pre- and postsynaptic neurons. */
  pre: number;
  post: number;
  /** Times of the rewards delivered so far, ms. */
  rewards_ms: number[];
  /** Upper bound of the weights, mV. */
  Wmax: number;
}

/**
 * Builds the scaled-down distal-reward experiment of Izhikevich 2007 (see the module comment).
 *
 * @example
 * ```ts
 * import { plasticity } from "neurolab";
 * // Izhikevich 2007's distal reward experiment, scaled down (see the module docs)
 * const exp = plasticity.distalReward2007({ seed: 1 });
 * exp.net.run(1000); // the paper's result needs ~1200 s
 * exp.synapses.variable("w")[exp.rewarded]; // the rewarded synapse's weight, mV
 * ```
 */
export function distalReward2007(opts: DistalRewardOptions = {}): DistalReward {
  for (const k of Object.keys(opts)) {
    if (!DISTAL_KEYS.includes(k))
      throw new RangeError(
        `distalReward2007: unknown option "${k}" (allowed: ${DISTAL_KEYS.join(", ")})`,
      );
  }
  const N = checkInteger(opts.N ?? 200, "N", 10, 100_000);
  const M = checkInteger(opts.M ?? 20, "M", 1, N - 1);
  const quanta = checkInteger(opts.quanta ?? 1, "quanta", 0);
  const tonic = checkNumber(opts.tonic_per_ms ?? 0, "tonic_per_ms", { min: 0 });
  const window = checkNumber(opts.coincidence_ms ?? 20, "coincidence_ms", {
    min: 0,
    minExclusive: true,
  });
  const seed = checkInteger(opts.seed ?? 1, "seed", 0, 0xffffffff);
  const Ne = Math.round(0.8 * N);
  const dt = 0.5;
  const Wmax = 4;
  const net = new Network({ dt_ms: dt, seed });
  const neurons = net.addNeurons("izhikevich", {
    size: N,
    model:
      "dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I)/ms : volt\ndu/dt = a*(b*v - u)/ms : volt\nI : volt\na : 1\nd : volt",
    threshold: "v >= 30*mV",
    reset: "v = c; u += d",
    method: "euler",
    namespace: { b: 0.2, c: "-65*mV" },
    init: { v: -65, u: -13, a: (_r, k) => (k < Ne ? 0.02 : 0.1), d: (_r, k) => (k < Ne ? 8 : 2) },
  });
  // Targets as the paper: excitatory neurons onto any neuron, inhibitory ones onto excitatory ones (no self-connections).
  const wiring = new Rng(seed ^ 0x5eed);
  const exc: [number[], number[]] = [[], []];
  const inh: [number[], number[]] = [[], []];
  for (let i = 0; i < N; i++) {
    const range = i < Ne ? N : Ne;
    for (let m = 0; m < M; m++) {
      let j = wiring.int(range);
      while (j === i) j = wiring.int(range);
      const side = i < Ne ? exc : inh;
      side[0].push(i);
      side[1].push(j);
    }
  }
  const synapses = net.connect(neurons, neurons, {
    rule: fromPairs(exc[0], exc[1]),
    ...stdpDopamine({
      A_plus: 1,
      A_minus: checkNumber(opts.A_minus ?? 2, "A_minus", { min: 0 }),
      tau_plus_ms: 20,
      tau_minus_ms: 20,
      tau_c_ms: 1000,
      tau_n_ms: 200,
      b_per_ms: -tonic,
      Wmax,
      w0: 1,
      delay_ms: 1,
      delayConvention: "axonal",
      transmit: "v_post += w*mV",
    }),
  });
  net.connect(neurons, neurons, {
    rule: fromPairs(inh[0], inh[1]),
    on_pre: "v_post -= 1*mV",
    delay_ms: 1,
  });
  // The chosen synapse: the first one of neuron 0 (excitatory); it starts at 0.
  net.build();
  const rewarded = synapses.outgoing(0)[0];
  const pre = synapses.i[rewarded];
  const post = synapses.j[rewarded];
  synapses.variable("w")[rewarded] = 0;
  // Input: 13 (rand - 0.5) mV/ms per neuron, drawn every ms (the paper's thalamic noise).
  const noise = new Rng(seed ^ 0xbeef);
  const I = neurons.variable("I");
  const perMs = Math.round(1 / dt);
  net.addOperation(
    (t) => {
      if (Math.round(t / dt) % perMs !== 0) return;
      for (let k = 0; k < N; k++) I[k] = 13 * (noise.uniform() - 0.5);
    },
    { name: "random input" },
  );
  // Rewards: j firing within the window after i schedules a dopamine release 1-3 s later.
  const delays = new Rng(seed ^ 0xda);
  const rewards_ms: number[] = [];
  const due: number[] = [];
  let lastPre = -Infinity;
  net.addOperation(
    (t) => {
      const now = t + dt; // this step's spikes are stamped at its end
      const spiked = neurons.spiked;
      for (let k = 0; k < neurons.spikeCount; k++) {
        const n = spiked[k];
        if (n === pre) lastPre = now;
        if (n === post && now - lastPre <= window && now > lastPre) {
          due.push(now + 1000 + Math.round((2000 * delays.uniform()) / dt) * dt);
          lastPre = -Infinity; // one reward per pairing
        }
      }
      for (let k = due.length - 1; k >= 0; k--) {
        if (due[k] <= now + 1e-9) {
          synapses.modulate(now, quanta);
          rewards_ms.push(now);
          due.splice(k, 1);
        }
      }
    },
    { when: "end", name: "reward" },
  );
  return { net, neurons, synapses, rewarded, pre, post, rewards_ms, Wmax };
}

const DISTAL_KEYS = ["N", "M", "quanta", "tonic_per_ms", "A_minus", "coincidence_ms", "seed"];
