// Scaling of the COBA model to N neurons with 100 synapses per neuron (fixed in-degree, 80 % from
// excitatory, 20 % from inhibitory neurons; weights scaled so each neuron gets the benchmark's
// total drive). usage: scaling.mjs N [duration_ms] [threads: 1|2|auto]. Prints the loop's process CPU time per
// biological second ("seconds"; its wall time per biological second is "wall_s") and
// bytes per synapse (connectivity storage, and the growth of the whole process's typed-array
// memory during the build, which includes state, ring buffers and transient copies).
import { createRequire } from "node:module";
import { timedRun } from "./timed.mjs";
const { Network, fixedInDegree } = createRequire(import.meta.url)("../../src/dist/index.js");

const n = Number(process.argv[2] ?? 10000);
const duration = Number(process.argv[3] ?? 200);
const nExc = Math.round(0.8 * n);
const threads = process.argv[4] === "auto" ? "auto" : Number(process.argv[4] ?? 1);
const net = new Network({ dt_ms: 0.1, seed: 1, threads });
const params = {
  tauM_ms: 20,
  cM_pF: 200,
  vRest_mV: -60,
  vReset_mV: -60,
  vThresh_mV: -50,
  tRef_ms: 5,
  iBias_pA: 200,
  integration: "euler",
};
const receptors = {
  exc: { kind: "conductance", tau_ms: 5, eRev_mV: 0 },
  inh: { kind: "conductance", tau_ms: 10, eRev_mV: -80 },
};
const v0_mV = (rng) => -60 + 10 * rng.uniform();
const exc = net.addLif("exc", { size: nExc, params, receptors, v0_mV });
const inh = net.addLif("inh", { size: n - nExc, params, receptors, v0_mV });
// The benchmark gives each neuron ~64 excitatory and ~16 inhibitory synapses (p = 0.02 of 4000).
for (const post of [exc, inh]) {
  net.connect(exc, post, { rule: fixedInDegree(80), receptor: "exc", weight_nS: 6 * (64 / 80) });
  net.connect(inh, post, { rule: fixedInDegree(20), receptor: "inh", weight_nS: 67 * (16 / 20) });
}
const spikes = net.monitorSpikes([exc, inh]);
const before = process.memoryUsage().arrayBuffers;
const tBuild = performance.now();
const synapses = net.synapseCount;
const built = performance.now();
const afterBuild = process.memoryUsage().arrayBuffers;
const connectivityBytes = net.connectivityBytes;
const { seconds, wall_s: wall } = timedRun(net, duration);
console.log(
  JSON.stringify({
    seconds: seconds / (duration / 1000),
    wall_s: wall / (duration / 1000),
    neurons: n,
    synapses,
    build_s: (built - tBuild) / 1000,
    bytes_per_synapse: connectivityBytes / synapses,
    array_bytes_per_synapse: (afterBuild - before) / synapses,
    rate_Hz: spikes.meanRate_Hz(),
  }),
);
