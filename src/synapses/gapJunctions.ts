/**
 * Electrical synapses (gap junctions) as equation synapses with a summed variable, as a Brian2
 * user writes them (Brian2 docs, "Synapses: summed variables"):
 *
 *   g : siemens
 *   Igap_post = g*(v_pre - v_post) : amp (summed)
 *
 * For each coupled pair (a, b) of conductance g this gives the symmetric currents
 *   I_a = g (V_b - V_a),  I_b = g (V_a - V_b)   (equal and opposite),
 * so `Network.connectGap(a, b, ...)` builds the synapses in both directions: a -> b and b -> a
 * (within one group, a === b, one set of synapses lists each pair both ways). Each direction sums
 * into its own variable of the target group (`Igap`, or `Igap_1`, `Igap_2`, ... when several
 * gap-junction sets reach a group, and `Igap` is their sum: Brian2 lets one summed variable
 * write a target), which enters the group's input current (see `neurons/model`).
 *
 * Timing: summed variables are computed in the "groups" slot before the groups' state update,
 * from the potentials at the step's start, and held for the step (as NEST's gap junctions
 * without waveform relaxation, `use_wfr = False`, and as Brian2's summed variables).
 */
import { describeValue } from "../core/describe.js";
import type { Csr } from "./connectivity.js";

/**
 * The equation synapses of a gap junction onto a group whose input current is in amperes (the
 * shipped models but Izhikevich's): `g` in nS (per synapse), the current summed into the
 * postsynaptic `Igap`.
 *
 * @example
 * ```ts
 * import { GAP_JUNCTION_EQUATIONS, Network, fixedProbability } from "neurolab";
 * GAP_JUNCTION_EQUATIONS; // "g : siemens\nIgap_post = g*(v_pre - v_post) : amp (summed)"
 * // The same coupling written by hand, into a group defined by equations (one direction: list
 * // both (i, j) and (j, i) for a symmetric coupling, as connectGap does):
 * const net = new Network();
 * const cells = net.addNeurons("cells", {
 *   size: 2,
 *   model: "dv/dt = (El - v)/tau + Igap/C : volt\nIgap : amp",
 *   namespace: { El: -70, tau: 10, C: 200 },
 *   init: { v: "-70*mV + i*10*mV" },
 * });
 * const gap = net.connect(cells, cells, { rule: fixedProbability(1), model: GAP_JUNCTION_EQUATIONS });
 * net.build();
 * gap.variable("g").fill(5); // nS
 * net.run(10);
 * ```
 */
export const GAP_JUNCTION_EQUATIONS = gapJunctionEquations();

/**
 * The equation synapses of a gap junction (see {@link GAP_JUNCTION_EQUATIONS}) summing into the
 * postsynaptic variable `target`; with `paperUnits` (a group whose input current is a number of
 * pA, `I : 1`, as Izhikevich's) the current is that number.
 *
 * @example
 * ```ts
 * import { gapJunctionEquations } from "neurolab";
 * gapJunctionEquations("Igap_2"); // "g : siemens\nIgap_2_post = g*(v_pre - v_post) : amp (summed)"
 * gapJunctionEquations("Igap", { paperUnits: true }); // "... = g*(v_pre - v_post)/pA : 1 (summed)"
 * ```
 */
export function gapJunctionEquations(target = "Igap", opts: { paperUnits?: boolean } = {}): string {
  if (typeof target !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(target))
    throw new RangeError(
      `target must be a variable name, e.g. "Igap", got ${describeValue(target)}`,
    );
  return opts.paperUnits
    ? `g : siemens\n${target}_post = g*(v_pre - v_post)/pA : 1 (summed)`
    : `g : siemens\n${target}_post = g*(v_pre - v_post) : amp (summed)`;
}

/**
 * The pairs of `csr` (pre i -> post j, with per-pair values `g`) listed both ways, i -> j and
 * j -> i, row by row (within a row in the order the pairs come: the forward ones, then the
 * reversed): the synapses of gap junctions within one group.
 * @internal
 */
export function bothWays(csr: Csr, g: Float64Array): { csr: Csr; g: Float64Array } {
  const n = csr.nPre;
  if (csr.nPost !== n) throw new RangeError("bothWays: a coupling within one group is square");
  const m = csr.colIdx.length;
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] += csr.rowPtr[i + 1] - csr.rowPtr[i];
  for (let k = 0; k < m; k++) rowPtr[csr.colIdx[k] + 1]++;
  for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i];
  const fill = rowPtr.slice(0, n);
  const colIdx = new Int32Array(2 * m);
  const out = new Float64Array(2 * m);
  for (let i = 0; i < n; i++)
    for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) {
      const q = fill[i]++;
      colIdx[q] = csr.colIdx[k];
      out[q] = g[k];
    }
  for (let i = 0; i < n; i++)
    for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) {
      const q = fill[csr.colIdx[k]]++;
      colIdx[q] = i;
      out[q] = g[k];
    }
  return { csr: { nPre: n, nPost: n, rowPtr, colIdx }, g: out };
}

/**
 * The pairs of `csr` reversed (post j -> pre i), row by row, with their values `g`.
 * @internal
 */
export function reversed(csr: Csr, g: Float64Array): { csr: Csr; g: Float64Array } {
  const m = csr.colIdx.length;
  const rowPtr = new Int32Array(csr.nPost + 1);
  for (let k = 0; k < m; k++) rowPtr[csr.colIdx[k] + 1]++;
  for (let j = 0; j < csr.nPost; j++) rowPtr[j + 1] += rowPtr[j];
  const fill = rowPtr.slice(0, csr.nPost);
  const colIdx = new Int32Array(m);
  const out = new Float64Array(m);
  for (let i = 0; i < csr.nPre; i++)
    for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) {
      const q = fill[csr.colIdx[k]]++;
      colIdx[q] = i;
      out[q] = g[k];
    }
  return { csr: { nPre: csr.nPost, nPost: csr.nPre, rowPtr, colIdx }, g: out };
}
