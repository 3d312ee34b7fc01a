/**
 * Export of a network to a PyNN script (PyNN 0.10+), so a model that outgrows one machine runs
 * on NEST (or NEURON, Brian2) through PyNN. The script rebuilds the exact network: populations
 * with their parameters and current state, every synapse (from explicit connection lists with
 * weights and delays), Poisson and spike-array sources, and spike recording of the monitored
 * populations. Randomness of sources (Poisson) is the target simulator's own.
 *
 * Mapping (PyNN units: ms, mV, nA, nF, uS):
 * - LIF with only delta input -> `IF_curr_delta`; with exponential current receptors ->
 *   `IF_curr_exp`; with exponential conductance receptors -> `IF_cond_exp`; alpha kernels ->
 *   `IF_curr_alpha` / `IF_cond_alpha`. A cell type has one excitatory and one inhibitory
 *   receptor: conductance receptors are ordered by reversal potential (higher = excitatory),
 *   current receptors by declaration order (first = excitatory). Delta input: positive weights
 *   go to "excitatory", negative ones to "inhibitory" (as |w|... PyNN's sign convention: see below).
 * - Izhikevich -> `Izhikevich` (i_offset = iBias / 1000, as NEST's I_e in pA).
 * - Poisson group -> `SpikeSourcePoisson`; spike generator -> `SpikeSourceArray`.
 * PyNN's current-based inhibitory synapses take negative weights; conductance weights are >= 0.
 * - Equation groups made by {@link ifCurrExpEquations} -> `IF_curr_exp` (PyNN's parameters as
 *   they are; `v`, `isyn_exc`, `isyn_inh` initialised from the current state).
 * - Synapses written as equations onto such groups (`on_pre: "i_syn_E_post += w"`, or `i_syn_I`
 *   for the inhibitory receptor; weights pA -> nA): static ones (`model: "w : amp"`) ->
 *   `StaticSynapse`; the pair-STDP preset `plasticity.stdpPair` (all-to-all pairing, NEST's
 *   dendritic delays) -> `STDPMechanism(SpikePairRule(tau_plus, tau_minus, A_plus = lambda,
 *   A_minus = alpha lambda), <weight dependence>(w_min = 0, w_max = Wmax))`, which PyNN's NEST
 *   backend runs as NEST's `stdp_synapse` (tau_minus set on the postsynaptic cells): mu_plus =
 *   mu_minus = 0 -> `AdditiveWeightDependence`, 1 -> `MultiplicativeWeightDependence`, (0, 1) ->
 *   `AdditivePotentiationMultiplicativeDepression`, other mu -> `GutigWeightDependence`. Weights
 *   are exported as they are now; STDP traces start at zero in the script (PyNN cannot set them).
 * - Refused with the rule's name: nearest-spike pairing (NEST's stdp_nn_symm_synapse has no PyNN
 *   standard type), the axonal delay convention (PyNN's NEST backend treats every delay as
 *   dendritic), `stdpTriplet` (PyNN 0.13 declares no triplet rule: `PfisterSpikeTripletRule` is
 *   commented out as not implemented), `stdpDopamine` (no reward-modulated STDP in PyNN's
 *   standard models), and any other plasticity written as equations.
 * Not exportable (an error names it): other models, gap junctions, current sources (functions).
 */
import type {
  NetworkDescription,
  PopulationDescription,
  ProjectionDescription,
} from "../network/network.js";
import type { ReceptorSpec } from "../synapses/receptors.js";
import { typedArrayToBase64 } from "../schema/base64.js";
import { describeValue } from "../core/describe.js";
import { recogniseIfCurrExp } from "./pynnCells.js";
import { synapseRule, type SynapsesDescription } from "./synapseRules.js";

/** Options of {@link toPyNN}. */
export interface PyNNExportOptions {
  /** PyNN backend module, e.g. "nest" (default), "neuron", "brian2", "mock". */
  simulator?: string;
  /** Duration to run, ms (default: none, the script only builds). */
  run_ms?: number;
}

type Describable = { describe(): NetworkDescription };

/**
 * A PyNN script (Python source) that rebuilds `net` (see the module documentation).
 *
 * @example
 * ```ts
 * import { cobaNetwork, toPyNN } from "neurolab";
 * const { net } = cobaNetwork({ seed: 1, monitor: false });
 * const script = toPyNN(net, { simulator: "nest", run_ms: 1000 }); // a PyNN script that builds and runs the same network
 * ```
 */
export function toPyNN(net: Describable, opts: PyNNExportOptions = {}): string {
  const d = net.describe();
  const simulator = opts.simulator ?? "nest";
  if (!/^[a-z0-9_.]+$/.test(simulator))
    throw new RangeError(
      `simulator must be a PyNN backend module name such as "nest", got ${describeValue(simulator)}`,
    );
  if (d.hasCurrentSources)
    throw new RangeError(
      "toPyNN: networks with current sources (JavaScript functions) cannot be exported",
    );
  if (d.gapJunctions.length > 0)
    throw new RangeError("toPyNN: gap junctions cannot be exported to PyNN");
  const synapses = (d.synapses ?? []).map((syn) => ({ syn, rule: synapseRule(syn) }));
  // Refuse what has no PyNN form before writing anything, naming the rule.
  for (const { syn, rule } of synapses) {
    if (rule.kind === "other")
      throw new RangeError(
        `toPyNN: synapses ${syn.name} use ${rule.rule}, which PyNN 0.13 has no standard synapse type for`,
      );
    if (rule.kind === "stdpPair" && rule.opts.pairing === "nearest")
      throw new RangeError(
        `toPyNN: synapses ${syn.name} use stdpPair with nearest-spike pairing (NEST stdp_nn_symm_synapse), which PyNN 0.13 has no standard synapse type for (its SpikePairRule pairs all-to-all)`,
      );
    if (rule.kind === "stdpPair" && rule.opts.delayConvention === "axonal")
      throw new RangeError(
        `toPyNN: synapses ${syn.name} use stdpPair with the axonal delay convention (or delay 0); PyNN's STDPMechanism on NEST treats every delay as dendritic (use delayConvention "dendritic" and delay_ms >= dt)`,
      );
  }
  const tauMinus = new Map<string, number>();
  for (const { syn, rule } of synapses) {
    if (rule.kind !== "stdpPair") continue;
    const seen = tauMinus.get(syn.post);
    if (seen !== undefined && seen !== rule.opts.tau_minus_ms)
      throw new RangeError(
        `toPyNN: STDP synapses onto ${syn.post} use tau_minus ${seen} ms and ${rule.opts.tau_minus_ms} ms; NEST keeps one tau_minus per postsynaptic neuron`,
      );
    tauMinus.set(syn.post, rule.opts.tau_minus_ms);
  }
  const delays = [
    ...d.projections.map((p) =>
      typeof p.delay_ms === "number" ? p.delay_ms : Math.min(...p.delay_ms),
    ),
    ...synapses
      .filter(({ syn }) => syn.delay_ms.length > 0)
      .map(({ syn }) => Math.min(...syn.delay_ms)),
  ];
  const minDelay = Math.min(d.dt_ms, ...delays);
  if (minDelay <= 0)
    throw new RangeError(
      "toPyNN: synapses with delay 0 cannot be exported (NEST's minimum delay is one time step); give delay_ms >= dt",
    );
  const lines: string[] = [
    `# PyNN script exported by neurolab: ${d.populations.length} populations, ${d.projections.length} projections.`,
    `import base64`,
    `import numpy as np`,
    `import pyNN.${simulator} as sim`,
    ``,
    `def _array(text, dtype):`,
    `    return np.frombuffer(base64.b64decode(text), dtype=dtype)`,
    ``,
    `def _times(times):`,
    `    # PyNN's NEST backend subtracts min_delay from these times and NEST moves a time the least bit`,
    `    # past its grid point to the next step; 1e-6 ms earlier (far below NEST's 1e-3 ms tic) keeps each spike on its step.`,
    `    return sim.Sequence([t - 1e-6 for t in times] if sim.__name__ == "pyNN.nest" else times)`,
    ``,
    `def _initialize(pop, variable, values):`,
    `    pop.initialize(**{variable: values})`,
    `    # PyNN 0.13's NEST IF_curr_delta lacks the v -> V_m map, so initialize(v=...) is ignored there.`,
    `    if sim.__name__ == "pyNN.nest" and variable == "v" and not hasattr(pop.celltype, "variable_map"):`,
    `        pop.node_collection.set(V_m=[float(x) for x in values])`,
    ``,
    ...(synapses.some(
      ({ rule }) =>
        rule.kind === "stdpPair" && !gutigIsStandard(rule.opts.mu_plus, rule.opts.mu_minus),
    )
      ? [
          `def _gutig(w_max, mu_plus, mu_minus):`,
          `    # PyNN 0.13's GutigWeightDependence for NEST drops mu_plus and mu_minus in its constructor.`,
          `    wd = sim.GutigWeightDependence(w_min=0.0, w_max=w_max, mu_plus=mu_plus, mu_minus=mu_minus)`,
          `    wd.parameter_space.update(mu_plus=mu_plus, mu_minus=mu_minus)`,
          `    return wd`,
          ``,
        ]
      : []),
    // NEST: spikes on the time grid as in neurolab (PyNN's default "off_grid" picks NEST's precise-timing models).
    `sim.setup(timestep=${num(d.dt_ms)}, min_delay=${num(minDelay)}${simulator === "nest" ? `, spike_precision="on_grid"` : ""})`,
    `pops = {}`,
    `projections = {}`,
  ];
  const receptorMaps = new Map<string, Map<string, "excitatory" | "inhibitory">>();
  for (const p of d.populations) {
    const { cell, receptorMap, init } = cellType(p);
    receptorMaps.set(p.name, receptorMap);
    lines.push(`pops[${py(p.name)}] = sim.Population(${p.size}, ${cell}, label=${py(p.name)})`);
    for (const [variable, values] of Object.entries(init)) {
      lines.push(
        `_initialize(pops[${py(p.name)}], ${py(variable)}, _array(${py(typedArrayToBase64(values))}, "<f8"))`,
      );
    }
  }
  d.projections.forEach((proj, k) =>
    lines.push(...projection(proj, k, receptorMaps.get(proj.post)!)),
  );
  synapses.forEach(({ syn, rule }, k) =>
    lines.push(
      ...equationSynapses(
        syn,
        rule as Exclude<typeof rule, { kind: "other" }>,
        k,
        d.populations.find((p) => p.name === syn.post)!,
        receptorMaps.get(syn.post)!,
        d.t_ms,
      ),
    ),
  );
  for (const name of d.spikeMonitored) lines.push(`pops[${py(name)}].record("spikes")`);
  if (opts.run_ms !== undefined) lines.push(`sim.run(${num(opts.run_ms)})`);
  return lines.join("\n") + "\n";
}

function cellType(p: PopulationDescription): {
  cell: string;
  receptorMap: Map<string, "excitatory" | "inhibitory">;
  init: Record<string, Float64Array>;
} {
  const receptorMap = new Map<string, "excitatory" | "inhibitory">();
  if (p.kind === "poisson")
    return { cell: `sim.SpikeSourcePoisson(rate=${num(p.rate_Hz)})`, receptorMap, init: {} };
  if (p.kind === "equations") {
    const c = recogniseIfCurrExp(p.spec);
    if (!c)
      throw new RangeError(
        `toPyNN: population ${p.name} is written as equations that are not a PyNN standard cell (build it with ifCurrExpEquations(...) to export it as IF_curr_exp)`,
      );
    receptorMap.set("i_syn_E", "excitatory");
    receptorMap.set("i_syn_I", "inhibitory");
    const cell = `sim.IF_curr_exp(${Object.entries(c)
      .map(([k, v]) => `${k}=${num(v)}`)
      .join(", ")})`;
    const nA = (a: Float64Array) => Float64Array.from(a, (x) => x / 1000);
    const init: Record<string, Float64Array> = { v: p.state.v };
    if (p.state.i_syn_E.some((x) => x !== 0)) init.isyn_exc = nA(p.state.i_syn_E);
    if (p.state.i_syn_I.some((x) => x !== 0)) init.isyn_inh = nA(p.state.i_syn_I);
    return { cell, receptorMap, init };
  }
  if (p.kind === "spikeGenerator") {
    const trains: number[][] = Array.from({ length: p.size }, () => []);
    p.neurons.forEach((i, k) => trains[i].push(p.times_ms[k]));
    for (const t of trains) t.sort((a, b) => a - b);
    return {
      cell: `sim.SpikeSourceArray(spike_times=[${trains.map((t) => `_times([${t.map(num).join(", ")}])`).join(", ")}])`,
      receptorMap,
      init: {},
    };
  }
  const uniformCurrent = p.current_pA.every((x) => x === p.current_pA[0]) ? p.current_pA[0] : NaN;
  if (Number.isNaN(uniformCurrent))
    throw new RangeError(
      `toPyNN: population ${p.name} has per-neuron external currents; set iBias_pA instead`,
    );
  const par = p.params as Record<string, number & string>;
  if (p.model === "izhikevich") {
    if (p.receptors.length > 1)
      throw new RangeError(`toPyNN: Izhikevich population ${p.name} may only have delta input`);
    receptorMap.set("delta", "excitatory");
    const cell = `sim.Izhikevich(a=${num(par.a)}, b=${num(par.b)}, c=${num(par.c_mV)}, d=${num(par.d)}, i_offset=${num((par.iBias + uniformCurrent) / 1000)})`;
    return { cell, receptorMap, init: { v: p.state.v_mV, u: p.state.u } };
  }
  if (p.model !== "lif")
    throw new RangeError(
      `toPyNN: model "${p.model}" of population ${p.name} has no PyNN standard cell here (lif and izhikevich do)`,
    );
  const syn = p.receptors.filter((r) => r.spec.kind !== "delta") as {
    name: string;
    spec: Exclude<ReceptorSpec, { kind: "delta" }>;
  }[];
  const common = `tau_m=${num(par.tauM_ms)}, cm=${num(par.cM_pF / 1000)}, v_rest=${num(par.vRest_mV)}, v_reset=${num(par.vReset_mV)}, v_thresh=${num(par.vThresh_mV)}, tau_refrac=${num(par.tRef_ms)}, i_offset=${num((par.iBias_pA + uniformCurrent) / 1000)}`;
  if (syn.length === 0) {
    receptorMap.set("delta", "excitatory");
    return { cell: `sim.IF_curr_delta(${common})`, receptorMap, init: { v: p.state.v_mV } };
  }
  const kind = syn[0].spec.kind;
  const kernel = syn[0].spec.kernel ?? "exp";
  if (
    syn.length > 2 ||
    syn.some((r) => r.spec.kind !== kind || (r.spec.kernel ?? "exp") !== kernel)
  ) {
    throw new RangeError(
      `toPyNN: population ${p.name} needs at most two receptors of one kind and kernel (excitatory, inhibitory)`,
    );
  }
  const ordered =
    kind === "conductance"
      ? [...syn].sort(
          (a, b) =>
            (b.spec as { eRev_mV: number }).eRev_mV - (a.spec as { eRev_mV: number }).eRev_mV,
        )
      : syn;
  const [exc, inh] = ordered;
  receptorMap.set(exc.name, "excitatory");
  if (inh) receptorMap.set(inh.name, "inhibitory");
  let params = `${common}, tau_syn_E=${num(exc.spec.tau_ms)}, tau_syn_I=${num((inh ?? exc).spec.tau_ms)}`;
  if (kind === "conductance") {
    params += `, e_rev_E=${num((exc.spec as { eRev_mV: number }).eRev_mV)}, e_rev_I=${num(((inh ?? exc).spec as { eRev_mV: number }).eRev_mV)}`;
  }
  const type = `IF_${kind === "current" ? "curr" : "cond"}_${kernel}`;
  return { cell: `sim.${type}(${params})`, receptorMap, init: { v: p.state.v_mV } };
}

function projection(
  p: ProjectionDescription,
  k: number,
  receptors: Map<string, "excitatory" | "inhibitory">,
): string[] {
  const n = p.colIdx.length;
  const pre = new Int32Array(n);
  for (let i = 0; i < p.rowPtr.length - 1; i++) pre.fill(i, p.rowPtr[i], p.rowPtr[i + 1]);
  // Units: delta mV; current pA -> nA; conductance nS -> uS.
  const scale = p.receptorKind === "delta" ? 1 : 1e-3;
  const weight = Float64Array.from(p.weight, (w) => w * scale);
  const delay = typeof p.delay_ms === "number" ? new Float64Array(n).fill(p.delay_ms) : p.delay_ms;
  const out: string[] = [];
  const emit = (mask: (w: number) => boolean, receptor: string, sign: number, suffix: string) => {
    const idx = Array.from({ length: n }, (_, s) => s).filter((s) => mask(weight[s]));
    if (idx.length === 0) return;
    const v = `c${k}${suffix}`;
    out.push(
      `${v} = np.column_stack([_array(${py(b64(Int32Array.from(idx, (s) => pre[s])))}, "<i4"), _array(${py(b64(Int32Array.from(idx, (s) => p.colIdx[s])))}, "<i4"), _array(${py(b64(Float64Array.from(idx, (s) => sign * weight[s])))}, "<f8"), _array(${py(b64(Float64Array.from(idx, (s) => delay[s])))}, "<f8")])`,
      `sim.Projection(pops[${py(p.pre)}], pops[${py(p.post)}], sim.FromListConnector(${v}, column_names=["weight", "delay"]), sim.StaticSynapse(), receptor_type=${py(receptor)}, label=${py(`${p.pre}->${p.post}:${p.receptor}`)})`,
    );
  };
  if (p.receptorKind === "delta") {
    // PyNN's current-based convention: inhibitory synapses carry negative weights.
    emit((w) => w >= 0, "excitatory", 1, "e");
    emit((w) => w < 0, "inhibitory", 1, "i");
  } else {
    const receptor = receptors.get(p.receptor);
    if (!receptor)
      throw new RangeError(`toPyNN: receptor ${p.receptor} of ${p.post} is not exportable`);
    emit(() => true, receptor, 1, "");
  }
  return out;
}

/** Whether PyNN has a named weight dependence for these exponents (else Gütig's general one). */
function gutigIsStandard(mu_plus: number, mu_minus: number): boolean {
  return (mu_plus === 0 && (mu_minus === 0 || mu_minus === 1)) || (mu_plus === 1 && mu_minus === 1);
}

/** Synapses written as equations onto an IF_curr_exp group: static or pair STDP (see the module documentation). */
function equationSynapses(
  s: SynapsesDescription,
  rule:
    | { kind: "static"; target: string }
    | Extract<ReturnType<typeof synapseRule>, { kind: "stdpPair" }>,
  k: number,
  post: PopulationDescription,
  receptors: Map<string, "excitatory" | "inhibitory">,
  t_ms: number,
): string[] {
  const receptor = receptors.get(rule.target);
  if (post.kind !== "equations" || !receptor)
    throw new RangeError(
      `toPyNN: synapses ${s.name} add to "${rule.target}" of ${s.post}, which is not a receptor of an exported cell (IF_curr_exp groups take i_syn_E or i_syn_I)`,
    );
  const w = s.variables.w;
  // Weights are currents (pA) for IF_curr_exp: PyNN's unit is nA.
  const weight = Float64Array.from(w, (x) => x / 1000);
  const v = `s${k}`;
  const out = [
    `${v} = np.column_stack([_array(${py(b64(s.i))}, "<i4"), _array(${py(b64(s.j))}, "<i4"), _array(${py(b64(weight))}, "<f8"), _array(${py(b64(Float64Array.from(s.delay_ms)))}, "<f8")])`,
  ];
  let synapse = "sim.StaticSynapse()";
  if (rule.kind === "stdpPair") {
    const o = rule.opts;
    const wd = { w_min: "0.0", w_max: num(o.Wmax / 1000) };
    let dependence: string;
    if (o.mu_plus === 0 && o.mu_minus === 0)
      dependence = `sim.AdditiveWeightDependence(w_min=${wd.w_min}, w_max=${wd.w_max})`;
    else if (o.mu_plus === 1 && o.mu_minus === 1)
      dependence = `sim.MultiplicativeWeightDependence(w_min=${wd.w_min}, w_max=${wd.w_max})`;
    else if (o.mu_plus === 0 && o.mu_minus === 1)
      dependence = `sim.AdditivePotentiationMultiplicativeDepression(w_min=${wd.w_min}, w_max=${wd.w_max})`;
    else
      dependence = `_gutig(w_max=${wd.w_max}, mu_plus=${num(o.mu_plus)}, mu_minus=${num(o.mu_minus)})`;
    if (t_ms > 0)
      out.push(
        `# ${s.name}: weights learned until t = ${t_ms} ms; the STDP traces restart at zero here.`,
      );
    out.push(
      `# ${s.name}: plasticity.stdpPair (NEST stdp_synapse, dendritic delays).`,
      `${v}_stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus=${num(o.tau_plus_ms)}, tau_minus=${num(o.tau_minus_ms)}, A_plus=${num(o.lambda)}, A_minus=${num(o.alpha * o.lambda)}), weight_dependence=${dependence}, dendritic_delay_fraction=1.0)`,
    );
    synapse = `${v}_stdp`;
  }
  out.push(
    `projections[${py(s.name)}] = sim.Projection(pops[${py(s.pre)}], pops[${py(s.post)}], sim.FromListConnector(${v}, column_names=["weight", "delay"]), ${synapse}, receptor_type=${py(receptor)}, label=${py(s.name)})`,
  );
  return out;
}

function b64(a: Int32Array | Float64Array): string {
  return typedArrayToBase64(a);
}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`toPyNN: non-finite number ${x}`);
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

function py(s: string): string {
  return JSON.stringify(s);
}
