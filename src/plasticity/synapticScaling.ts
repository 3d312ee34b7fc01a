/**
 * Synaptic scaling toward a target rate (Turrigiano et al. 1998; the rule of van Rossum, Bi &
 * Turrigiano 2000, J Neurosci 20:8812, eq. 4): every incoming weight of a neuron is scaled
 * multiplicatively by the distance of its activity from a goal,
 *   dw_ij/dt = w_ij (1 - a_j/rho0) / tau_scaling,     tau_rate da_j/dt = -a_j + Σ_spikes δ(t - t_j),
 * where a_j (Hz) is a rate trace of postsynaptic neuron j. Applied as an operation of the network's
 * plan every `interval_ms` (in a named slot, default "end"), with a_j held over the interval:
 *   w_ij <- clip(w_ij exp(T (1 - a_j/rho0) / tau_scaling), wmin, wmax),   T = interval_ms,
 * the exact solution for constant a_j (so weights never change sign). The trace is event-driven:
 * a spike of j at t adds 1/tau_rate after decaying a_j from j's previous spike (cost per step
 * grows with spikes, the scaling itself costs one pass over the synapses per interval).
 * Multiplicative scaling keeps the ratios of a neuron's weights, so what STDP learned is kept
 * while the neuron's total drive moves its rate toward rho0.
 */
import type { Network, Slot } from "../network/network.js";
import type { StateArray } from "../equations/codegen.js";
import type { Synapses } from "../synapses/equationSynapses.js";
import { checkNumber } from "../core/checks.js";
import { positive } from "./common.js";

/** Options of {@link addSynapticScaling}. */
export interface SynapticScalingOptions {
  /** Target rate rho0 of every postsynaptic neuron, Hz. */
  target_Hz: number;
  /** Time constant of the rate trace a, ms (default 1000). */
  tau_rate_ms?: number;
  /** Time constant of the scaling, ms (default 10000): at a = 0 weights grow by e every tau_scaling. */
  tau_scaling_ms?: number;
  /** How often the weights are scaled, ms (default 100; a multiple of dt). */
  interval_ms?: number;
  /** The scaled synaptic variable (default "w"). */
  variable?: string;
  /** Lower bound of the scaled weights (default 0). */
  wmin?: number;
  /** Upper bound of the scaled weights (default Infinity). */
  wmax?: number;
  /** Slot of the plan the operation runs in, one where the step's spikes are known: "thresholds", "synapses", "resets" or "end" (default). */
  when?: Slot;
  /** Order within the slot (default 0). */
  order?: number;
}

/** What {@link addSynapticScaling} returns: the live rate traces and the last scaling factors. */
export interface SynapticScaling {
  /** Rate trace a_j of every postsynaptic neuron, Hz, as of its last spike (see `rateAt`). */
  readonly trace_Hz: Float64Array;
  /** The factor each postsynaptic neuron's incoming weights were last multiplied by. */
  readonly lastFactor: Float64Array;
  /** Number of scaling steps applied so far. */
  readonly applied: number;
  /** The rate traces brought to time t_ms (ms; not before any neuron's last spike). */
  rateAt(t_ms: number): Float64Array;
}

/**
 * Adds synaptic scaling of `synapses`' incoming weights to `net`'s plan (an operation named
 * "synaptic scaling <name>", shown by `net.schedule()`): `addSynapticScaling(net, syn, {
 * target_Hz: 5 })`. The synapses must be built with a per-synapse variable `variable`. After
 * `net.reset()` the traces restart at 0; the weights are kept.
 *
 * @example
 * ```ts
 * import { Network, allToAll, plasticity } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const inp = net.addPoisson("in", { size: 100, rate_Hz: 20 });
 * const cell = net.addNeurons("cell", { size: 5, model: "dv/dt = -v/(20*ms) : volt", threshold: "v > 10*mV", reset: "v = 0*mV" });
 * const syn = net.connect(inp, cell, { rule: allToAll(), model: "w : 1", on_pre: "v_post += w*mV", init: { w: 2 } });
 * const scaling = plasticity.addSynapticScaling(net, syn, { target_Hz: 10, interval_ms: 100 });
 * net.run(5000);
 * scaling.trace_Hz; // each neuron's rate estimate, pulled toward 10 Hz by scaling its incoming weights
 * ```
 */
export function addSynapticScaling(
  net: Network,
  synapses: Synapses<StateArray>,
  opts: SynapticScalingOptions,
): SynapticScaling {
  if (opts === null || typeof opts !== "object")
    throw new TypeError("addSynapticScaling: opts must be an object with target_Hz");
  for (const k of Object.keys(opts)) {
    if (!SCALING_KEYS.includes(k))
      throw new RangeError(
        `addSynapticScaling: unknown option "${k}" (allowed: ${SCALING_KEYS.join(", ")})`,
      );
  }
  if (synapses === null || typeof synapses !== "object" || synapses.kind !== "synapses")
    throw new TypeError(
      "addSynapticScaling: synapses must be what net.connect returns for a model written as equations",
    );
  const rho0 = positive(opts.target_Hz, 0, "target_Hz") * 1e-3; // per ms
  const tauRate = positive(opts.tau_rate_ms, 1000, "tau_rate_ms");
  const tauScaling = positive(opts.tau_scaling_ms, 10_000, "tau_scaling_ms");
  const interval = positive(opts.interval_ms, 100, "interval_ms");
  const variable = opts.variable ?? "w";
  if (!synapses.variables.includes(variable))
    throw new RangeError(
      `addSynapticScaling: variable must be a synaptic variable of ${synapses.name} (${synapses.variables.join(", ")}), got ${JSON.stringify(variable)}`,
    );
  const wmin = checkNumber(opts.wmin ?? 0, "wmin");
  const wmax =
    opts.wmax === undefined || opts.wmax === Infinity
      ? Infinity
      : checkNumber(opts.wmax, "wmax", { min: wmin });
  const when = opts.when ?? "end";
  if (!["thresholds", "synapses", "resets", "end"].includes(when))
    throw new RangeError(
      `when must be one of "thresholds", "synapses", "resets", "end" (after the step's spikes), got ${JSON.stringify(opts.when)}`,
    );
  const dt = net.dt_ms;
  const every = Math.round(interval / dt);
  if (Math.abs(every * dt - interval) > 1e-9 * interval)
    throw new RangeError(`interval_ms must be a multiple of dt_ms = ${dt}, got ${interval}`);
  const post = synapses.post;
  const n = post.size;
  const trace = new Float64Array(n); // 1/ms, at last[j]
  const last = new Float64Array(n);
  const factor = new Float64Array(n).fill(1);
  let applied = 0;
  let previousStep = -1;
  const bringTo = (t: number, out: Float64Array) => {
    for (let j = 0; j < n; j++) out[j] = trace[j] * Math.exp(-(t - last[j]) / tauRate);
  };
  net.addOperation(
    (t) => {
      const step = Math.round(t / dt);
      if (step <= previousStep) {
        // net.reset(): time starts again; the traces restart, the weights stay.
        trace.fill(0);
        last.fill(0);
      }
      previousStep = step;
      // This step's spikes are stamped at its end.
      const now = (step + 1) * dt;
      const spiked = post.spiked;
      for (let k = 0, c = post.spikeCount; k < c; k++) {
        const j = spiked[k];
        trace[j] = trace[j] * Math.exp(-(now - last[j]) / tauRate) + 1 / tauRate;
        last[j] = now;
      }
      if ((step + 1) % every !== 0) return;
      for (let j = 0; j < n; j++) {
        trace[j] *= Math.exp(-(now - last[j]) / tauRate);
        last[j] = now;
        factor[j] = Math.exp((interval * (1 - trace[j] / rho0)) / tauScaling);
      }
      const w = synapses.variable(variable);
      const jj = synapses.j;
      for (let k = 0; k < w.length; k++) {
        const x = w[k] * factor[jj[k]];
        w[k] = x < wmin ? wmin : x > wmax ? wmax : x;
      }
      applied++;
    },
    { when, order: opts.order ?? 0, name: `synaptic scaling ${synapses.name}` },
  );
  const traceHz = new Float64Array(n);
  return {
    get trace_Hz() {
      for (let j = 0; j < n; j++) traceHz[j] = trace[j] * 1e3;
      return traceHz;
    },
    lastFactor: factor,
    get applied() {
      return applied;
    },
    rateAt(t_ms: number) {
      checkNumber(t_ms, "t_ms");
      const out = new Float64Array(n);
      bringTo(t_ms, out);
      for (let j = 0; j < n; j++) out[j] *= 1e3;
      return out;
    },
  };
}

const SCALING_KEYS = [
  "target_Hz",
  "tau_rate_ms",
  "tau_scaling_ms",
  "interval_ms",
  "variable",
  "wmin",
  "wmax",
  "when",
  "order",
];
