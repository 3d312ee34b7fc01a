/**
 * Electrical synapses (gap junctions): a symmetric coupling current
 *   I_a = g (V_b - V_a),  I_b = g (V_a - V_b)
 * for each coupled pair (a, b), computed from the potentials at the step's start and added to
 * both neurons' input current for the step (as NEST's gap junctions without waveform relaxation).
 */
import type { Csr } from "./connectivity.js";

/** Coupled pairs from group A (rows) to group B (columns), each pair listed once. */
export interface GapJunctions {
  readonly csr: Csr;
  /** Conductance of each pair, nS. */
  readonly g_nS: Float64Array;
}

/**
 * Adds the coupling currents of one step: reads `vA`, `vB` (mV), adds into `iA`, `iB` (pA).
 * For coupling within one group pass the same arrays as A and B.
 * @internal
 */
export function gapJunctionCurrents(
  gj: GapJunctions,
  vA: Float64Array,
  vB: Float64Array,
  iA: Float64Array,
  iB: Float64Array,
): void {
  const { rowPtr, colIdx } = gj.csr;
  const g = gj.g_nS;
  for (let i = 0; i < gj.csr.nPre; i++) {
    const vi = vA[i];
    let acc = 0;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const j = colIdx[k];
      const c = g[k] * (vB[j] - vi);
      acc += c;
      iB[j] -= c;
    }
    iA[i] += acc;
  }
}
