/**
 * The contract between a built-in neuron model and the network: a model is an explicit,
 * validated parameter record (after NEST's Parameters_) and its equations in Brian2's notation
 * (after Brian2's `NeuronGroup` and GeNN's neuron models: equations, threshold, reset). There is
 * one engine: `addLif`, `addAdEx`, ... build an equation group from {@link groupEquations}, the
 * model's equations completed with the group's receptors, and the code generators of
 * `equations/` turn it into the step (JavaScript and WebAssembly).
 *
 * How the pieces enter the equations (`I` is the model's input current, the line `I : amp`, or
 * `I : 1` for models in the paper's units such as Izhikevich's):
 *
 *   I = Iext + Igap + sum(current receptors I_r) + sum(conductance receptors g_r (E_r - v))
 *   Igap = Igap_1 + Igap_2 + ...   (one variable per gap-junction set reaching the group, each
 *                                   the target of that set's summed variable; see synapses/gapJunctions)
 *   exp kernel:    dg_r/dt = -g_r k_r          alpha kernel:  dg_r/dt = -g_r k_r + c_r x_r,
 *                                                             dx_r/dt = -x_r k_r
 *   delta:         dv/dt = ... + Jd q          (Jd: the jumps arriving in the step, mV)
 *
 * Receptor kernels are integrated exactly on the grid whatever the membrane's method (as NEST
 * and as the earlier hand-written models): k_r and c_r are the rates whose step under the
 * group's method is the exact propagator (k_r = 1/tau_r under exponential Euler, (1 -
 * exp(-dt/tau_r))/dt under forward Euler). A delta jump is added to v in the step it arrives,
 * before the threshold, and is lost while the neuron is refractory (NEST's iaf_psc_delta): q is
 * the factor whose step integral is exactly 1 (1/dt under Euler, lambda / (1 - exp(-lambda dt))
 * under exponential Euler with lambda the membrane's rate). Spikes arriving in a step are added
 * to g_r (or x_r) after the step's integration (the weights arrive at the step's end).
 */
import type { EquationModelSpec } from "../equations/model.js";
import type { ReceptorSpec } from "../synapses/receptors.js";

/** A model spec without the size (what `addNeurons` takes besides `size`). */
export type ModelEquations = Required<Pick<EquationModelSpec, "model" | "namespace">> &
  Omit<EquationModelSpec, "model" | "namespace">;

/** A built-in neuron model: parameters `P` and their equations. */
export interface NeuronModel<P> {
  /** Model name, e.g. "lif". */
  readonly name: string;
  /** State variable names with units (what `variable()` and monitors take), first `v_mV`. */
  readonly variables: readonly string[];
  /** Completes partial parameters with the model's defaults and validates them. */
  params(partial?: Partial<P>): P;
  /** Default initial value of each state variable for these parameters. */
  initial(p: P): Record<string, number>;
  /**
   * The model as equations for parameters `p` at step `dt_ms`: the membrane potential `v`, an
   * input line `I : amp` (or `I : 1`) and variables named as in {@link NeuronModel.equationNames}.
   */
  equations(p: P, dt_ms: number): ModelEquations;
  /** The equation variable of each entry of `variables`, e.g. `{ v_mV: "v", w_pA: "w" }`. */
  readonly equationNames: Readonly<Record<string, string>>;
  /**
   * The membrane's decay rate lambda (1/time) as an expression, given the sum of the synaptic
   * conductances (an expression in siemens, "0*nS" without): what exponential Euler multiplies
   * v by (exp(-lambda dt)). Needed by delta receptors under exponential Euler.
   */
  membraneRate?(conductance: string): string;
}

/** What a group adds to its model's equations (see {@link groupEquations}). */
export interface GroupInputs {
  /** Receptors by name besides "delta", in buffer order. */
  receptors: readonly { name: string; spec: ReceptorSpec }[];
  /** Whether any projection reaches the delta receptor (adds Jd). */
  delta: boolean;
  /**
   * The variables that gap junctions' summed variables write (see `gapJunctionEquations`), e.g.
   * `["Igap"]`; each becomes a parameter `name : amp` and Igap (in I) is their sum. Empty
   * without gap junctions.
   */
  gap: readonly string[];
  /** Time step, ms. */
  dt_ms: number;
}

/**
 * Equation names of a group's receptor variables, by receptor: the value (`g_<name>` for a
 * conductance, `I_<name>` for a current; `r<k>` stands for a name that is no identifier) and
 * the alpha kernel's rise (`x_<name>`, else null).
 *
 * @example
 * ```ts
 * import { receptorVariables } from "neurolab";
 * receptorVariables([{ name: "exc", spec: { kind: "conductance", kernel: "alpha", tau_ms: 5, eRev_mV: 0 } }]);
 * // [{ value: "g_exc", rise: "x_exc" }]
 * ```
 */
export function receptorVariables(
  receptors: readonly { name: string; spec: ReceptorSpec }[],
): { value: string; rise: string | null }[] {
  return receptors.map(({ name, spec }, k) => {
    const id = /^[A-Za-z][A-Za-z0-9_]*$/.test(name) ? name : `r${k + 1}`;
    const value = `${spec.kind === "current" ? "I" : "g"}_${id}`;
    const alpha = spec.kind !== "delta" && spec.kernel === "alpha";
    return { value, rise: alpha ? `x_${id}` : null };
  });
}

/**
 * The equations of a group of a built-in model: the model's equations (`model.equations`) with
 * the input line `I : ...` replaced by the external, gap-junction and synaptic currents, one
 * variable per receptor kernel and the delta jump (see the module comment).
 *
 * @example
 * ```ts
 * import { groupEquations, lif } from "neurolab";
 * const spec = groupEquations(lif, lif.params({}), {
 *   receptors: [{ name: "exc", spec: { kind: "conductance", tau_ms: 5, eRev_mV: 0 } }],
 *   delta: false, gap: [], dt_ms: 0.1,
 * });
 * spec.model; // dv/dt = ... with I = Iext + g_exc*(E_exc - v) and dg_exc/dt = -g_exc*k_exc
 * ```
 */
export function groupEquations<P>(
  model: NeuronModel<P>,
  p: P,
  inputs: GroupInputs,
): EquationModelSpec {
  const base = model.equations(p, inputs.dt_ms);
  const lines = base.model.split("\n");
  const inputLine = lines.findIndex((l) => /^\s*I\s*:\s*(amp|1)\s*$/.test(l));
  if (inputLine < 0) throw new Error(`${model.name}: its equations have no input line "I : amp"`);
  const paperUnits = /:\s*1\s*$/.test(lines[inputLine]);
  const current = paperUnits ? "1" : "amp";
  const conductance = paperUnits ? "1" : "siemens";
  // Conductances in the paper's units are read as 1/ms and potentials as numbers of mV.
  const drivingForce = (E: string) => (paperUnits ? `(${E} - v)/mV` : `(${E} - v)`);
  const exponential = base.method === "exponential_euler" || base.method === "exact";
  const method = base.method === "exact" ? "exponential_euler" : (base.method ?? "euler");
  const dt = inputs.dt_ms;
  const namespace: Record<string, number | string> = { ...base.namespace };
  const extra: string[] = [];
  const terms = ["Iext"];
  const conductances: string[] = [];
  if (inputs.gap.length > 0) terms.push("Igap");
  const names = receptorVariables(inputs.receptors);
  inputs.receptors.forEach(({ spec }, k) => {
    if (spec.kind === "delta") return;
    const { value, rise } = names[k];
    const id = value.slice(2);
    const E = 1 - Math.exp(-dt / spec.tau_ms);
    // Rates whose step under the method is the exact decay exp(-dt/tau).
    namespace[`k_${id}`] = exponential ? 1 / spec.tau_ms : E / dt;
    const unit = spec.kind === "current" ? current : conductance;
    if (rise) {
      // Alpha: value <- (value + e dt/tau rise) exp(-dt/tau); rise <- rise exp(-dt/tau).
      const gain = ((Math.E * dt) / spec.tau_ms) * Math.exp(-dt / spec.tau_ms);
      namespace[`c_${id}`] = exponential ? gain / (spec.tau_ms * E) : gain / dt;
      extra.push(`d${value}/dt = -${value}*k_${id} + c_${id}*${rise} : ${unit}`);
      extra.push(`d${rise}/dt = -${rise}*k_${id} : ${unit}`);
    } else extra.push(`d${value}/dt = -${value}*k_${id} : ${unit}`);
    if (spec.kind === "current") terms.push(value);
    else {
      namespace[`E_${id}`] = spec.eRev_mV;
      terms.push(`${value}*${drivingForce(`E_${id}`)}`);
      conductances.push(value);
    }
  });
  const replaced = [`I = ${terms.join(" + ")} : ${current}`, `Iext : ${current}`];
  const gap = inputs.gap;
  if (gap.length === 1 && gap[0] === "Igap") replaced.push(`Igap : ${current}`);
  else if (gap.length > 0)
    replaced.push(
      `Igap = ${gap.join(" + ")} : ${current}`,
      ...gap.map((name) => `${name} : ${current}`),
    );
  lines.splice(inputLine, 1, ...replaced, ...extra);
  if (inputs.delta) {
    const dv = lines.findIndex((l) => /^\s*dv\/dt\s*=/.test(l));
    const m = /^(\s*dv\/dt\s*=\s*)(.*?)(\s*:\s*volt.*)$/.exec(lines[dv]);
    if (!m) throw new Error(`${model.name}: its equations have no "dv/dt = ... : volt"`);
    let gain = "Jd/dt";
    if (method === "exponential_euler") {
      if (!model.membraneRate)
        throw new Error(`${model.name}: delta receptors need the membrane's rate`);
      const sum = conductances.length ? conductances.join(" + ") : "0*nS";
      const lambda = model.membraneRate(paperUnits ? `(${sum})/ms*nS` : sum);
      gain = `Jd*(${lambda})/(1 - exp(-(${lambda})*dt))`;
    }
    lines[dv] = `${m[1]}(${m[2]}) + ${gain}${m[3]}`;
    lines.push("Jd : volt");
  }
  return { ...base, model: lines.join("\n"), method, namespace };
}
