/**
 * Liquid state machine (Maass, Natschläger & Markram 2002, Neural Comput 14:2531, "Real-time
 * computing without stable states"): leaky integrate-and-fire neurons on the integer points of a
 * 3D grid, 20% of them (drawn at random) inhibitory, and a synapse from neuron a to neuron b
 * (a != b) with probability
 *
 *     P(a -> b) = C(type a, type b) * exp(-(D(a, b) / lambda)^2),
 *
 * D the Euclidean grid distance, C = 0.3 (E->E), 0.2 (E->I), 0.4 (I->E), 0.1 (I->I), lambda = 2.
 * Neurons (the paper's appendix): tau_m 30 ms, threshold 15 mV, reset 13.5 mV, rest 0 mV, input
 * resistance 1 MOhm, background current 13.5 nA, refractory 3 ms (E) / 2 ms (I), initial v
 * uniform in [13.5, 15] mV; exponential current synapses, tau 3 ms (excitatory) / 6 ms
 * (inhibitory); delays 1.5 ms (E->E) / 0.8 ms (others); amplitudes A = 30 (EE), 60 (EI), -19
 * (IE), -19 (II) nA; synapses "dynamic" (Markram, Wang & Tsodyks 1998, the paper's model: mean
 * U, D, F per connection type) or "static" (amplitude A). See src/reservoir/README.md for the
 * equations and where this differs from the paper (means instead of per-synapse draws).
 *
 * Everything is built from public pieces: one `EquationGroup` (the liquid; exact integration of
 * the linear subthreshold system) and equation synapses per connection type (`fromPairs` rules
 * drawn here with the builder's seed), so every part can be read, monitored and changed.
 */
import { checkInteger, checkNumber, checkProbability } from "../core/checks.js";
import type { EquationGroup } from "../network/equationGroup.js";
import type { Network } from "../network/network.js";
import type { Population } from "../network/populations.js";
import { Rng } from "../random/rng.js";
import type { Csr } from "../synapses/connectivity.js";
import { fromPairs } from "../synapses/connectivity.js";
import type { Synapses, SynapsesOptions } from "../synapses/equationSynapses.js";

/** A connection type: presynaptic type then postsynaptic type (E = excitatory, I = inhibitory). */
export type ConnectionType = "EE" | "EI" | "IE" | "II";

/** The four connection types, in the order the builder draws them. */
export const CONNECTION_TYPES: readonly ConnectionType[] = ["EE", "EI", "IE", "II"];

/** Markram et al. 1998 dynamic-synapse parameters of one connection type: use U, depression D and facilitation F time constants (ms). */
export interface DynamicSynapseParams {
  U: number;
  D_ms: number;
  F_ms: number;
}

/** The paper's values (Maass et al. 2002, appendix; means of their Gaussian draws). */
export const MAASS_2002 = {
  C: { EE: 0.3, EI: 0.2, IE: 0.4, II: 0.1 },
  lambda: 2,
  amplitude_nA: { EE: 30, EI: 60, IE: -19, II: -19 },
  delay_ms: { EE: 1.5, EI: 0.8, IE: 0.8, II: 0.8 },
  dynamic: {
    EE: { U: 0.5, D_ms: 1100, F_ms: 50 },
    EI: { U: 0.05, D_ms: 125, F_ms: 1200 },
    IE: { U: 0.25, D_ms: 700, F_ms: 20 },
    II: { U: 0.32, D_ms: 144, F_ms: 60 },
  } as Record<ConnectionType, DynamicSynapseParams>,
  neuron: {
    tauM_ms: 30,
    vThresh_mV: 15,
    vReset_mV: 13.5,
    vRest_mV: 0,
    r_MOhm: 1,
    iBias_nA: 13.5,
    tRefE_ms: 3,
    tRefI_ms: 2,
    v0_mV: [13.5, 15] as [number, number],
  },
  tauSyn_ms: { exc: 3, inh: 6 },
  input: { connectionProbability: 0.3, amplitude_nA: { E: 18, I: 9 }, delay_ms: 0 },
} as const;

/**
 * A dynamic synapse (Markram, Wang & Tsodyks 1998, in Maass et al. 2002's recursion) as an
 * equation-synapse model: the n-th spike of a synapse delivers w u_n R_n to `target` (e.g.
 * "Ie_post"), with u_1 = U, R_1 = 1 and, Δ the interval between spikes n and n+1,
 *
 *     u_{n+1} = U + u_n (1 - U) exp(-Δ/F),    R_{n+1} = 1 + (R_n - u_n R_n - 1) exp(-Δ/D).
 *
 * The event-driven variables z (= u_n after spike n, decaying with F) and r (= R_n - u_n R_n - 1,
 * decaying with D) carry the memory; u and R hold the last spike's values. Weight w in nA.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * // Markram-Tsodyks dynamic synapse (Maass 2002's E -> E values) adding w_nA to the target current
 * const eeSynapse = reservoir.dynamicSynapse(reservoir.MAASS_2002.dynamic.EE, "Ie_post", 30);
 * eeSynapse.model; eeSynapse.on_pre;
 * ```
 */
export function dynamicSynapse(
  p: DynamicSynapseParams,
  target: string,
  w_nA: number,
): Omit<SynapsesOptions, "rule" | "delay_ms"> {
  return {
    model:
      "w : amp\nu : 1\nR : 1\ndz/dt = -z/F : 1 (event-driven)\ndr/dt = -r/D : 1 (event-driven)",
    on_pre: `u = U + (1 - U)*z\nR = 1 + r\n${target} += w*u*R\nz = u\nr = R - u*R - 1`,
    namespace: { U: p.U, D: p.D_ms, F: p.F_ms },
    init: { w: `${w_nA}*nA` },
    state: ["u", "R"],
  };
}

/** How an input population projects onto the liquid. */
export interface LiquidInputOptions {
  /** The input population (a spike generator, a Poisson group, or another group of the same network). */
  population: Population;
  /** Probability of each input -> liquid neuron synapse (default 0.3). */
  connectionProbability?: number;
  /** Amplitude of an input spike onto E and I neurons, nA (default 18 and 9). */
  amplitude_nA?: { E: number; I: number };
  /** Delay of the input synapses, ms (default 0: acts in the step of the input spike). */
  delay_ms?: number;
}

/** Options of {@link liquidStateMachine}; defaults are the paper's ({@link MAASS_2002}). */
export interface LiquidOptions {
  /** Grid size [nx, ny, nz] (default [15, 3, 3], the paper's 135 neurons). */
  grid?: [number, number, number];
  /** Fraction of inhibitory neurons, drawn at random (default 0.2). */
  fractionInhibitory?: number;
  /** Connection probability scale C per connection type (default 0.3, 0.2, 0.4, 0.1). */
  C?: Partial<Record<ConnectionType, number>>;
  /** Length constant lambda, grid units (default 2). */
  lambda?: number;
  /** Synaptic amplitudes A per connection type, nA (default 30, 60, -19, -19); inhibitory ones negative. */
  amplitude_nA?: Partial<Record<ConnectionType, number>>;
  /** Delays per connection type, ms (default 1.5, 0.8, 0.8, 0.8; multiples of dt). */
  delay_ms?: Partial<Record<ConnectionType, number>>;
  /** "dynamic" (Markram et al. 1998 depression and facilitation; default) or "static". */
  synapses?: "dynamic" | "static";
  /** Dynamic-synapse parameters per type (default: the paper's means). */
  dynamic?: Partial<Record<ConnectionType, DynamicSynapseParams>>;
  /** Synaptic time constants, ms (default 3 excitatory, 6 inhibitory). */
  tauSyn_ms?: { exc: number; inh: number };
  /** Background current of every neuron, nA (default 13.5: 13.5 mV with 1 MOhm, just below threshold). */
  iBias_nA?: number;
  /**
   * Replaces the synapses of one connection type by your own model (its `rule` is the drawn
   * connectivity): e.g. `{ EE: { ...plasticity.stdpPair({ transmit: "Ie_post += w*nA" }) } }`.
   */
  custom?: Partial<Record<ConnectionType, Omit<SynapsesOptions, "rule" | "precision">>>;
  /** Input projection (optional). */
  input?: LiquidInputOptions;
  /** Name of the liquid's group (default "liquid"). */
  name?: string;
  /** Seed of the liquid's structure (E/I labels, connectivity, initial v); default: the network's seed. */
  seed?: number;
}

/** What {@link liquidStateMachine} built. */
export interface Liquid {
  /** The liquid's neurons (one group; variables v, Ie, Ii, Ib, tref). */
  readonly group: EquationGroup;
  readonly size: number;
  /** Grid coordinates, 3 per neuron (x, y, z); neuron k = x + nx (y + ny z). */
  readonly positions: Int32Array;
  /** 1 for excitatory, 0 for inhibitory neurons. */
  readonly excitatory: Uint8Array;
  /** Synapses per connection type (absent when none were drawn). */
  readonly synapses: Partial<Record<ConnectionType, Synapses>>;
  /** Input synapses onto E and onto I neurons (when an input was given). */
  readonly input: { E?: Synapses; I?: Synapses };
  /** All liquid -> liquid synapses as one CSR matrix (for {@link branchingFactor}). */
  readonly connectivity: Csr;
  /** Number of synapses per connection type. */
  readonly counts: Record<ConnectionType, number>;
}

const LIQUID_KEYS = [
  "grid",
  "fractionInhibitory",
  "C",
  "lambda",
  "amplitude_nA",
  "delay_ms",
  "synapses",
  "dynamic",
  "tauSyn_ms",
  "iBias_nA",
  "custom",
  "input",
  "name",
  "seed",
];

/** The model text of a liquid neuron (current-based LIF with exponential E and I currents). */
export const LIQUID_NEURON_MODEL = `dv/dt = (Vrest - v + R*(Ie + Ii + Ib))/taum : volt (unless refractory)
dIe/dt = -Ie/taue : amp
dIi/dt = -Ii/taui : amp
Ib : amp (constant)
tref : second (constant)`;

/**
 * Builds a liquid state machine into `net` (see the module header): the liquid's group, its
 * recurrent synapses per connection type, and an optional input projection. Returns the handles
 * and the liquid's structure (positions, E/I labels, connectivity as CSR).
 *
 * @example
 * ```ts
 * import { Network, reservoir } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const input = net.addPoisson("input", { size: 20, rate_Hz: 20 });
 * const liquid = reservoir.liquidStateMachine(net, { grid: [5, 5, 5], input: { population: input }, seed: 1 });
 * const spikes = net.monitorSpikes([liquid.group]);
 * net.run(200);
 * liquid.counts; // synapses per connection type (EE, EI, IE, II)
 * ```
 */
export function liquidStateMachine(net: Network, opts: LiquidOptions = {}): Liquid {
  if (typeof opts !== "object" || opts === null)
    throw new TypeError("liquidStateMachine: options must be an object");
  for (const k of Object.keys(opts))
    if (!LIQUID_KEYS.includes(k))
      throw new RangeError(
        `liquidStateMachine: unknown option "${k}" (allowed: ${LIQUID_KEYS.join(", ")})`,
      );
  const grid = opts.grid ?? [15, 3, 3];
  if (!Array.isArray(grid) || grid.length !== 3)
    throw new RangeError(`grid must be [nx, ny, nz], got ${JSON.stringify(grid)}`);
  const [nx, ny, nz] = grid.map((g, k) => checkInteger(g, `grid[${k}]`, 1, 4096));
  const n = nx * ny * nz;
  if (n > 1 << 16)
    throw new RangeError(
      `grid must have at most 65536 neurons (the pair loop is O(n^2)), got ${n}`,
    );
  const fInh = checkProbability(opts.fractionInhibitory ?? 0.2, "fractionInhibitory");
  const lambda = checkNumber(opts.lambda ?? MAASS_2002.lambda, "lambda", {
    min: 0,
    minExclusive: true,
  });
  const C = { ...MAASS_2002.C, ...(opts.C ?? {}) };
  const A = { ...MAASS_2002.amplitude_nA, ...(opts.amplitude_nA ?? {}) };
  const delays = { ...MAASS_2002.delay_ms, ...(opts.delay_ms ?? {}) };
  const dyn = { ...MAASS_2002.dynamic, ...(opts.dynamic ?? {}) };
  for (const t of CONNECTION_TYPES) {
    checkProbability(C[t], `C.${t}`);
    checkNumber(A[t], `amplitude_nA.${t}`);
    checkNumber(delays[t], `delay_ms.${t}`, { min: 0 });
    checkProbability(dyn[t].U, `dynamic.${t}.U`);
    checkNumber(dyn[t].D_ms, `dynamic.${t}.D_ms`, { min: 0, minExclusive: true });
    checkNumber(dyn[t].F_ms, `dynamic.${t}.F_ms`, { min: 0, minExclusive: true });
  }
  const kind = opts.synapses ?? "dynamic";
  if (kind !== "dynamic" && kind !== "static")
    throw new RangeError(`synapses must be "dynamic" or "static", got ${JSON.stringify(kind)}`);
  const tauSyn = opts.tauSyn_ms ?? MAASS_2002.tauSyn_ms;
  checkNumber(tauSyn.exc, "tauSyn_ms.exc", { min: 0, minExclusive: true });
  checkNumber(tauSyn.inh, "tauSyn_ms.inh", { min: 0, minExclusive: true });
  const iBias = checkNumber(opts.iBias_nA ?? MAASS_2002.neuron.iBias_nA, "iBias_nA");
  const name = opts.name ?? "liquid";
  const rng = new Rng(checkInteger(opts.seed ?? net.seed, "seed", 0, 0xffffffff));

  // Structure: positions, E/I labels (exactly round(fInh * n) inhibitory, a random subset), connectivity.
  const positions = new Int32Array(3 * n);
  for (let k = 0; k < n; k++) {
    positions[3 * k] = k % nx;
    positions[3 * k + 1] = Math.floor(k / nx) % ny;
    positions[3 * k + 2] = Math.floor(k / (nx * ny));
  }
  const excitatory = new Uint8Array(n).fill(1);
  const order = Int32Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) {
    const r = Math.floor(rng.uniform() * (k + 1));
    const tmp = order[k];
    order[k] = order[r];
    order[r] = tmp;
  }
  const nInh = Math.round(fInh * n);
  for (let k = 0; k < nInh; k++) excitatory[order[k]] = 0;
  const pairs: Record<ConnectionType, { pre: number[]; post: number[] }> = {
    EE: { pre: [], post: [] },
    EI: { pre: [], post: [] },
    IE: { pre: [], post: [] },
    II: { pre: [], post: [] },
  };
  const typeOf = (a: number, b: number): ConnectionType =>
    ((excitatory[a] ? "E" : "I") + (excitatory[b] ? "E" : "I")) as ConnectionType;
  const inv2 = 1 / (lambda * lambda);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const dx = positions[3 * a] - positions[3 * b];
      const dy = positions[3 * a + 1] - positions[3 * b + 1];
      const dz = positions[3 * a + 2] - positions[3 * b + 2];
      const t = typeOf(a, b);
      if (rng.uniform() < C[t] * Math.exp(-(dx * dx + dy * dy + dz * dz) * inv2)) {
        pairs[t].pre.push(a);
        pairs[t].post.push(b);
      }
    }
  }
  const [v0lo, v0hi] = MAASS_2002.neuron.v0_mV;
  const v0 = Float64Array.from({ length: n }, () => v0lo + (v0hi - v0lo) * rng.uniform());
  const p = MAASS_2002.neuron;
  const group = net.addNeurons(name, {
    size: n,
    model: LIQUID_NEURON_MODEL,
    threshold: "v > Vthresh",
    reset: "v = Vreset",
    refractory: "tref",
    method: "exact",
    namespace: {
      Vrest: p.vRest_mV,
      Vthresh: p.vThresh_mV,
      Vreset: p.vReset_mV,
      R: `${p.r_MOhm}*Mohm`,
      taum: p.tauM_ms,
      taue: tauSyn.exc,
      taui: tauSyn.inh,
    },
    init: {
      v: v0,
      Ib: `${iBias}*nA`,
      tref: Float64Array.from(excitatory, (e) => (e ? p.tRefE_ms : p.tRefI_ms)),
    },
  });

  const synapses: Partial<Record<ConnectionType, Synapses>> = {};
  const counts = { EE: 0, EI: 0, IE: 0, II: 0 };
  for (const t of CONNECTION_TYPES) {
    counts[t] = pairs[t].pre.length;
    if (counts[t] === 0) continue;
    const target = t[0] === "E" ? "Ie" : "Ii";
    const rule = fromPairs(pairs[t].pre, pairs[t].post);
    const custom = opts.custom?.[t];
    let spec: Omit<SynapsesOptions, "rule" | "precision">;
    if (custom) spec = custom;
    else if (kind === "static")
      spec = {
        model: "w : amp",
        on_pre: `${target}_post += w`,
        init: { w: `${A[t]}*nA` },
        delay_ms: delays[t],
      };
    else spec = { ...dynamicSynapse(dyn[t], `${target}_post`, A[t]), delay_ms: delays[t] };
    synapses[t] = net.connect(group, group, { rule, ...spec });
  }

  // All recurrent synapses as one CSR (rows = presynaptic neuron), for the branching factor.
  const all = {
    pre: CONNECTION_TYPES.flatMap((t) => pairs[t].pre),
    post: CONNECTION_TYPES.flatMap((t) => pairs[t].post),
  };
  const connectivity = fromPairs(all.pre, all.post)(n, n, rng);

  const input: Liquid["input"] = {};
  if (opts.input !== undefined) {
    const io = opts.input;
    const src = io.population as Partial<Population> | undefined;
    if (!src || typeof src.size !== "number" || !(src.spiked instanceof Int32Array))
      throw new TypeError(
        "input.population must be a population of the network (e.g. net.addSpikeGenerator(...))",
      );
    for (const k of Object.keys(io))
      if (!["population", "connectionProbability", "amplitude_nA", "delay_ms"].includes(k))
        throw new RangeError(
          `input: unknown option "${k}" (allowed: population, connectionProbability, amplitude_nA, delay_ms)`,
        );
    const pIn = checkProbability(
      io.connectionProbability ?? MAASS_2002.input.connectionProbability,
      "input.connectionProbability",
    );
    const amp = io.amplitude_nA ?? MAASS_2002.input.amplitude_nA;
    checkNumber(amp.E, "input.amplitude_nA.E");
    checkNumber(amp.I, "input.amplitude_nA.I");
    const delay = checkNumber(io.delay_ms ?? MAASS_2002.input.delay_ms, "input.delay_ms", {
      min: 0,
    });
    const inPairs = {
      E: { pre: [] as number[], post: [] as number[] },
      I: { pre: [] as number[], post: [] as number[] },
    };
    for (let i = 0; i < src.size; i++) {
      for (let b = 0; b < n; b++) {
        if (rng.uniform() < pIn) {
          const side = excitatory[b] ? inPairs.E : inPairs.I;
          side.pre.push(i);
          side.post.push(b);
        }
      }
    }
    for (const side of ["E", "I"] as const) {
      if (inPairs[side].pre.length === 0) continue;
      input[side] = net.connect(src as Population, group, {
        rule: fromPairs(inPairs[side].pre, inPairs[side].post),
        model: "w : amp",
        on_pre: "Ie_post += w",
        init: { w: `${amp[side]}*nA` },
        delay_ms: delay,
      });
    }
  }
  return { group, size: n, positions, excitatory, synapses, input, connectivity, counts };
}
