/**
 * Export of a network to NeuroML 2 (schema v2.3) plus a LEMS simulation file, so the model runs
 * in NeuroML simulators (jNeuroML, NEURON or NetPyNE through jNeuroML, EDEN). Only what
 * NeuroML's standard components express exactly is exported; anything else throws a `RangeError`
 * naming it. The model equations and parameters are exact; the integration scheme is the target
 * simulator's (as with {@link toPyNN}), and so are the random numbers of Poisson sources.
 *
 * Mapping (units: ms, mV, pF, nS, pA, Hz):
 * - LIF -> `iafRefCell` (`iafCell` when tRef_ms = 0): C = cM_pF, leakConductance = cM_pF /
 *   tauM_ms nS, leakReversal = vRest_mV, thresh, reset, refract = tRef_ms. During the refractory
 *   period v is held at reset and synaptic input is ignored, as in neurolab.
 * - LIF receptors: conductance exp -> `expOneSynapse` (gbase 1 nS, weight = nS), conductance
 *   alpha -> `alphaSynapse` (gbase 1 nS, peak = weight nS at t = tau, as neurolab's kernel),
 *   current alpha -> `alphaCurrentSynapse` (ibase 1 pA, weight = pA), current exp ->
 *   `expCurrSynapse` (PyNN's, in nA: weight = pA / 1000). Delta (voltage-jump) input has no
 *   NeuroML synapse: a projection onto "delta" is refused.
 * - Izhikevich (the 2003 form, v in mV, t in ms, I dimensionless) -> `izhikevichCell` with
 *   v0, thresh = vPeak_mV, a, b, c = c_mV, d; NeuroML starts u at b v0, as neurolab does. NeuroML
 *   has no standard synapse for its dimensionless input, so projections onto Izhikevich
 *   populations are refused (they may project to LIF populations).
 * - Constant input (iBias + the group's `current_pA`) -> `pulseGenerator` (LIF, pA) or
 *   `pulseGeneratorDL` (Izhikevich) inputs from 0 ms lasting {@link CONSTANT_INPUT_DURATION_MS},
 *   one component per distinct value (NeuroML has no constant current).
 * - Poisson group -> population of `spikeGeneratorPoisson` (averageRate = rate_Hz): a Poisson
 *   process of the same rate (neurolab samples at most one spike per step, p = rate dt).
 * - Spike generator -> one `spikeArray` per source neuron in a population of size 1 (a NeuroML
 *   population has one component, so each train is its own population `<name>_<i>`); the
 *   projections from it are split per source.
 * - Projections -> `projection` of `connectionWD` elements, one per synapse, with its weight and
 *   delay (ms).
 * - Initial state: NeuroML cells start from fixed values (iafCell at leakReversal, izhikevichCell
 *   at v0 for all cells), so a state that differs (e.g. random v0) is refused unless
 *   `ignoreInitialState` is set. The network must not have run (`t_ms` = 0: spikes in flight and
 *   synaptic state have no NeuroML form).
 * Not exportable (an error names it): other models, gap junctions, current sources (functions).
 *
 * Ids: names become NmlIds (`[a-zA-Z_][a-zA-Z0-9_]*`, other characters replaced by "_", made
 * unique); every population keeps its neurolab name in a `property` (tag "neurolab_name").
 */
import type {
  NetworkDescription,
  PopulationDescription,
  ProjectionDescription,
} from "../network/network.js";
import type { ReceptorSpec } from "../synapses/receptors.js";
import { describeValue } from "../core/describe.js";
import { synapseRule } from "./synapseRules.js";

/** Duration of the pulses that stand for constant currents, ms (NeuroML has no constant current). @internal */
export const CONSTANT_INPUT_DURATION_MS = 1e9;

/** Options of {@link toNeuroML}. */
export interface NeuroMLExportOptions {
  /** Length of the LEMS simulation, ms (> 0). */
  duration_ms: number;
  /** Id of the network and stem of the file names (an NmlId after sanitising). Default "network". */
  id?: string;
  /**
   * Start every cell from its model's default state (LIF: v = vRest_mV; Izhikevich: v = -65 mV,
   * u = b v) instead of the network's state. Default false: a state NeuroML cannot express throws.
   */
  ignoreInitialState?: boolean;
}

/** The exported files (write both into one folder; the LEMS file includes the NeuroML file). */
export interface NeuroMLExport {
  /** File name of the NeuroML document, `<id>.net.nml`. */
  neuromlFile: string;
  /** The NeuroML 2 document (XML). */
  neuroml: string;
  /** File name of the LEMS simulation, `LEMS_<id>.xml`. */
  lemsFile: string;
  /** The LEMS simulation (XML): duration, dt, seed, spike recording. */
  lems: string;
  /**
   * Spike files the simulation writes, by neurolab population name (the monitored ones): lines
   * "time_s index" (LEMS format TIME_ID, times in seconds, index = neuron index in neurolab).
   */
  spikeFiles: Record<string, string>;
}

type Describable = { describe(): NetworkDescription };
type Neurons = Extract<PopulationDescription, { kind: "neurons" }>;
/** Ids of one neurolab population in the document. */
interface Entry {
  /** Sanitised name. */
  base: string;
  /** NeuroML populations (one per source for spike generators). */
  popIds: string[];
  /** Synapse component per receptor name. */
  synapseIds: Map<string, string>;
  neurons?: Neurons;
}

/**
 * A NeuroML 2 document and LEMS simulation for `net` (see the module documentation).
 *
 * @example
 * ```ts
 * import { cobaNetwork, toNeuroML } from "neurolab";
 * const { net } = cobaNetwork({ seed: 1, monitor: false });
 * // NeuroML 2.3 + a LEMS simulation; NeuroML has no per-neuron initial values, so start from rest
 * const { neuroml, lems } = toNeuroML(net, { duration_ms: 1000, id: "coba", ignoreInitialState: true });
 * ```
 */
export function toNeuroML(net: Describable, opts: NeuroMLExportOptions): NeuroMLExport {
  if (opts === null || typeof opts !== "object")
    throw new RangeError("toNeuroML: options { duration_ms } are required");
  const { duration_ms } = opts;
  if (typeof duration_ms !== "number" || !Number.isFinite(duration_ms) || duration_ms <= 0) {
    throw new RangeError(
      `toNeuroML: duration_ms must be a finite number > 0, got ${describeValue(duration_ms)}`,
    );
  }
  const d = net.describe();
  if (d.t_ms !== 0)
    throw new RangeError(
      `toNeuroML: the network has run to t = ${d.t_ms} ms; NeuroML describes a network from its start: export before running or after net.reset()`,
    );
  if (d.hasCurrentSources)
    throw new RangeError(
      "toNeuroML: networks with current sources (JavaScript functions) cannot be exported",
    );
  if (d.gapJunctions.length > 0)
    throw new RangeError("toNeuroML: gap junctions cannot be exported to NeuroML");
  // Equation synapses are refused: the first one's rule names the reason.
  const syn = d.synapses?.[0];
  if (syn !== undefined) {
    const rule = synapseRule(syn);
    if (rule.kind === "stdpPair")
      throw new RangeError(
        `toNeuroML: synapses ${syn.name} use stdpPair (pair STDP, NEST stdp_synapse); NeuroML 2's standard components have no STDP rule`,
      );
    if (rule.kind === "other")
      throw new RangeError(
        `toNeuroML: synapses ${syn.name} use ${rule.rule}; NeuroML 2's standard components have no plasticity rules`,
      );
    throw new RangeError(
      `toNeuroML: synapses ${syn.name} are written as equations; NeuroML export covers projections made with net.connect onto LIF populations`,
    );
  }

  if (opts.id !== undefined && (typeof opts.id !== "string" || opts.id.length === 0))
    throw new RangeError(`toNeuroML: id must be a non-empty string, got ${describeValue(opts.id)}`);
  const ids = new IdAllocator();
  const networkId = ids.take(opts.id ?? "network");
  const docId = ids.take(`${networkId}_doc`);
  const synapses: string[] = [];
  const cells: string[] = [];
  const inputs: string[] = [];
  const pyNNSynapses: string[] = [];
  const populations: string[] = [];
  const projections: string[] = [];
  const inputLists: string[] = [];
  const byName = new Map<string, Entry>();

  for (const p of d.populations) {
    const base = ids.take(p.name);
    const nameProperty = `<property tag="neurolab_name" value="${xml(p.name)}"/>`;
    if (p.kind === "poisson") {
      const comp = ids.take(`${base}_poisson`);
      inputs.push(`  <spikeGeneratorPoisson id="${comp}" averageRate="${q(p.rate_Hz, "Hz")}"/>`);
      populations.push(
        `    <population id="${base}" component="${comp}" size="${p.size}">\n      ${nameProperty}\n    </population>`,
      );
      byName.set(p.name, { base, popIds: [base], synapseIds: new Map() });
      continue;
    }
    if (p.kind === "spikeGenerator") {
      const trains: number[][] = Array.from({ length: p.size }, () => []);
      p.neurons.forEach((i, k) => trains[i].push(p.times_ms[k]));
      const popIds: string[] = [];
      trains.forEach((train, i) => {
        train.sort((a, b) => a - b);
        const popId = ids.take(`${base}_${i}`);
        const comp = ids.take(`${popId}_train`);
        const spikes = train
          .map((t, k) => `\n    <spike id="${k}" time="${q(t, "ms")}"/>`)
          .join("");
        inputs.push(`  <spikeArray id="${comp}">${spikes}${spikes ? "\n  " : ""}</spikeArray>`);
        populations.push(
          `    <population id="${popId}" component="${comp}" size="1">\n      ${nameProperty}\n      <property tag="neurolab_index" value="${i}"/>\n    </population>`,
        );
        popIds.push(popId);
      });
      byName.set(p.name, { base, popIds, synapseIds: new Map() });
      continue;
    }
    if (p.kind === "equations")
      throw new RangeError(
        `toNeuroML: population ${p.name} is written as equations; NeuroML export covers LIF and Izhikevich populations (addLif, addIzhikevich)`,
      );
    const cellId = ids.take(`${base}_cell`);
    const synapseIds = new Map<string, string>();
    const par = p.params as Record<string, number>;
    const ext = Float64Array.from(p.current_pA);
    if (p.model === "lif") {
      checkInitial(p, { v_mV: () => par.vRest_mV }, opts, "LIF cells (iafCell) start at vRest_mV");
      const common = `leakReversal="${q(par.vRest_mV, "mV")}" thresh="${q(par.vThresh_mV, "mV")}" reset="${q(par.vReset_mV, "mV")}" C="${q(par.cM_pF, "pF")}" leakConductance="${q(par.cM_pF / par.tauM_ms, "nS")}"`;
      cells.push(
        par.tRef_ms > 0
          ? `  <iafRefCell id="${cellId}" ${common} refract="${q(par.tRef_ms, "ms")}"/>`
          : `  <iafCell id="${cellId}" ${common}/>`,
      );
      for (const r of p.receptors) {
        if (r.spec.kind === "delta") continue;
        const synId = ids.take(`${base}_${r.name}`);
        synapseIds.set(r.name, synId);
        const line = synapseElement(synId, r.spec);
        (r.spec.kind === "current" && (r.spec.kernel ?? "exp") === "exp"
          ? pyNNSynapses
          : synapses
        ).push(line);
      }
      ext.forEach((x, i) => (ext[i] = x + par.iBias_pA));
    } else if (p.model === "izhikevich") {
      const v0 = p.state.v_mV[0];
      checkInitial(
        p,
        { v_mV: () => v0, u: (s, i) => par.b * s.v_mV[i] },
        opts,
        "izhikevichCell starts every cell at one v0 with u = b v0",
      );
      const start = opts.ignoreInitialState ? -65 : v0;
      cells.push(
        `  <izhikevichCell id="${cellId}" v0="${q(start, "mV")}" thresh="${q(par.vPeak_mV, "mV")}" a="${q(par.a)}" b="${q(par.b)}" c="${q(par.c_mV)}" d="${q(par.d)}"/>`,
      );
      ext.forEach((x, i) => (ext[i] = x + par.iBias));
    } else {
      throw new RangeError(
        `toNeuroML: model "${p.model}" of population ${p.name} has no exact NeuroML 2 cell here (lif and izhikevich do)`,
      );
    }
    // Constant input: one pulse component per distinct value, one inputList per component.
    const groups = new Map<number, number[]>();
    ext.forEach((x, i) => {
      if (x !== 0) (groups.get(x) ?? groups.set(x, []).get(x)!).push(i);
    });
    let k = 0;
    for (const [amplitude, cellsWith] of groups) {
      const comp = ids.take(`${base}_input${k++}`);
      inputs.push(
        p.model === "lif"
          ? `  <pulseGenerator id="${comp}" delay="0ms" duration="${q(CONSTANT_INPUT_DURATION_MS, "ms")}" amplitude="${q(amplitude, "pA")}"/>`
          : `  <pulseGeneratorDL id="${comp}" delay="0ms" duration="${q(CONSTANT_INPUT_DURATION_MS, "ms")}" amplitude="${q(amplitude)}"/>`,
      );
      const list = cellsWith
        .map(
          (i, n) => `\n      <input id="${n}" target="../${base}[${i}]" destination="synapses"/>`,
        )
        .join("");
      inputLists.push(
        `    <inputList id="${ids.take(`${comp}_list`)}" population="${base}" component="${comp}">${list}\n    </inputList>`,
      );
    }
    populations.push(
      `    <population id="${base}" component="${cellId}" size="${p.size}">\n      ${nameProperty}\n    </population>`,
    );
    byName.set(p.name, { base, popIds: [base], synapseIds, neurons: p });
  }

  for (const proj of d.projections) projections.push(...projectionElements(proj, byName, ids));

  const neuromlFile = `${networkId}.net.nml`;
  const neuroml = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.neuroml.org/schema/neuroml2 https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/NeuroML_v2.3.xsd" id="${docId}">`,
    `  <notes>Exported by neurolab: ${d.populations.length} populations, ${d.projections.length} projections, dt ${d.dt_ms} ms.</notes>`,
    ...synapses,
    ...cells,
    ...inputs,
    ...pyNNSynapses,
    `  <network id="${networkId}">`,
    `    <property tag="recommended_dt_ms" value="${d.dt_ms}"/>`,
    `    <property tag="recommended_duration_ms" value="${duration_ms}"/>`,
    ...populations,
    ...projections,
    ...inputLists,
    `  </network>`,
    `</neuroml>`,
    ``,
  ].join("\n");

  const spikeFiles: Record<string, string> = {};
  const outputs: string[] = [];
  for (const name of d.spikeMonitored) {
    const entry = byName.get(name)!;
    const file = `${networkId}.${entry.base}.spikes`;
    spikeFiles[name] = file;
    const size = d.populations.find((p) => p.name === name)!.size;
    const selections = Array.from({ length: size }, (_, i) =>
      entry.popIds.length > 1
        ? `\n      <EventSelection id="${i}" select="${entry.popIds[i]}[0]" eventPort="spike"/>`
        : `\n      <EventSelection id="${i}" select="${entry.popIds[0]}[${i}]" eventPort="spike"/>`,
    ).join("");
    outputs.push(
      `    <EventOutputFile id="${ids.take(`${entry.base}_spikes`)}" fileName="${xml(file)}" format="TIME_ID">${selections}\n    </EventOutputFile>`,
    );
  }
  const simId = ids.take(`${networkId}_sim`);
  const lemsFile = `LEMS_${networkId}.xml`;
  const lems = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Lems>`,
    `  <Target component="${simId}"/>`,
    `  <Include file="Cells.xml"/>`,
    `  <Include file="Networks.xml"/>`,
    `  <Include file="Simulation.xml"/>`,
    ...(pyNNSynapses.length > 0 ? [`  <Include file="PyNN.xml"/>`] : []),
    `  <Include file="${xml(neuromlFile)}"/>`,
    `  <Simulation id="${simId}" length="${q(duration_ms, "ms")}" step="${q(d.dt_ms, "ms")}" target="${networkId}" seed="${d.seed}">`,
    ...outputs,
    `  </Simulation>`,
    `</Lems>`,
    ``,
  ].join("\n");
  return { neuromlFile, neuroml, lemsFile, lems, spikeFiles };
}

function synapseElement(id: string, spec: Exclude<ReceptorSpec, { kind: "delta" }>): string {
  const kernel = spec.kernel ?? "exp";
  if (spec.kind === "conductance") {
    return kernel === "exp"
      ? `  <expOneSynapse id="${id}" gbase="1nS" erev="${q(spec.eRev_mV, "mV")}" tauDecay="${q(spec.tau_ms, "ms")}"/>`
      : `  <alphaSynapse id="${id}" gbase="1nS" erev="${q(spec.eRev_mV, "mV")}" tau="${q(spec.tau_ms, "ms")}"/>`;
  }
  // expCurrSynapse is PyNN's: tau_syn in ms and weights in nA, as plain numbers.
  return kernel === "exp"
    ? `  <expCurrSynapse id="${id}" tau_syn="${q(spec.tau_ms)}"/>`
    : `  <alphaCurrentSynapse id="${id}" tau="${q(spec.tau_ms, "ms")}" ibase="1pA"/>`;
}

function projectionElements(
  p: ProjectionDescription,
  byName: Map<string, Entry>,
  ids: IdAllocator,
): string[] {
  const pre = byName.get(p.pre)!;
  const post = byName.get(p.post)!;
  const target = post.neurons!;
  if (p.receptorKind === "delta") {
    throw new RangeError(
      `toNeuroML: projection ${p.pre} -> ${p.post} targets the delta (voltage-jump) receptor, which NeuroML 2 has no synapse for; use a current or conductance receptor`,
    );
  }
  if (target.model !== "lif") {
    throw new RangeError(
      `toNeuroML: projection ${p.pre} -> ${p.post}: NeuroML 2 has no standard synapse for the dimensionless input of ${target.model} cells (izhikevichCell); only LIF populations can receive projections`,
    );
  }
  const synapse = post.synapseIds.get(p.receptor)!;
  const spec = target.receptors.find((r) => r.name === p.receptor)!.spec;
  // expCurrSynapse weights are in nA.
  const scale = spec.kind === "current" && (spec.kernel ?? "exp") === "exp" ? 1e-3 : 1;
  const delays = p.delay_ms;
  const delayOf = typeof delays === "number" ? () => delays : (s: number) => delays[s];
  const postId = post.popIds[0];
  const out: string[] = [];
  const emit = (preId: string, rows: number[], preIndex: (i: number) => number) => {
    const lines: string[] = [];
    let n = 0;
    for (const i of rows) {
      for (let s = p.rowPtr[i]; s < p.rowPtr[i + 1]; s++) {
        lines.push(
          `\n      <connectionWD id="${n++}" preCellId="../${preId}[${preIndex(i)}]" postCellId="../${postId}[${p.colIdx[s]}]" weight="${q(p.weight[s] * scale)}" delay="${q(delayOf(s), "ms")}"/>`,
        );
      }
    }
    if (n === 0 && pre.popIds.length > 1) return;
    const id = ids.take(`${preId}_to_${postId}_${p.receptor}`);
    out.push(
      `    <projection id="${id}" presynapticPopulation="${preId}" postsynapticPopulation="${postId}" synapse="${synapse}">${lines.join("")}\n    </projection>`,
    );
  };
  const nPre = p.rowPtr.length - 1;
  if (pre.popIds.length === 1)
    emit(
      pre.popIds[0],
      Array.from({ length: nPre }, (_, i) => i),
      (i) => i,
    );
  else for (let i = 0; i < nPre; i++) emit(pre.popIds[i], [i], () => 0);
  return out;
}

/** Checks that every neuron's state equals what the NeuroML cell starts from. */
function checkInitial(
  p: Neurons,
  expected: Record<string, (s: Record<string, Float64Array>, i: number) => number>,
  opts: NeuroMLExportOptions,
  why: string,
): void {
  if (opts.ignoreInitialState) return;
  for (const [variable, want] of Object.entries(expected)) {
    const values = p.state[variable];
    for (let i = 0; i < values.length; i++) {
      const w = want(p.state, i);
      if (Math.abs(values[i] - w) > 1e-12 * Math.max(1, Math.abs(w))) {
        throw new RangeError(
          `toNeuroML: population ${p.name} starts with ${variable} = ${values[i]} at neuron ${i}, but ${why} (expected ${w}); NeuroML has no per-neuron initial values. Pass { ignoreInitialState: true } to start from the model's default state`,
        );
      }
    }
  }
}

/** Hands out unique NmlIds made from arbitrary names. */
class IdAllocator {
  private readonly used = new Set<string>();
  take(name: string): string {
    let base = name.replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    return id;
  }
}

/** A NeuroML quantity: the shortest decimal that reads back as the same double, plus its unit. */
function q(x: number, unit = ""): string {
  if (!Number.isFinite(x)) throw new RangeError(`toNeuroML: non-finite number ${x}`);
  return String(x).replace("e+", "e") + unit;
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** Text escaped for an XML attribute value or element content (whitespace kept as character references). */
function xml(s: string): string {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(s);
  if (bad)
    throw new RangeError(
      `toNeuroML: name ${JSON.stringify(s)} contains U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0")}, which XML 1.0 cannot represent`,
    );
  return s.replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c]);
}
