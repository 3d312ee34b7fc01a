// neurolab side of the Poisson -> LIF case: N_in Poisson sources at 20 Hz onto N LIF neurons,
// p = 0.1, 0.5 mV, delay 1.5 ms, 1 s at dt 0.1 ms. Prints {"seconds": simulation loop, ...}:
// the loop's process CPU time (as Brian2 standalone's std::clock timer), its wall time "wall_s".
import { createRequire } from "node:module";
import { timedRun } from "./timed.mjs";
const { Network, fixedProbability } = createRequire(import.meta.url)("../../src/dist/index.js");

const nIn = Number(process.argv[2] ?? 1000);
const n = Number(process.argv[3] ?? 1000);
const net = new Network({ dt_ms: 0.1, seed: 1 });
const input = net.addPoisson("input", { size: nIn, rate_Hz: 20 });
const lif = net.addLif("lif", {
  size: n,
  params: { tauM_ms: 10, vRest_mV: -70, vReset_mV: -70, vThresh_mV: -55, tRef_ms: 2 },
});
net.connect(input, lif, { rule: fixedProbability(0.1), weight_mV: 0.5, delay_ms: 1.5 });
const mon = net.monitorSpikes([lif]);
const tBuild = performance.now();
const synapses = net.synapseCount; // builds connectivity outside the timed loop, as Brian2's before_run
const { seconds, wall_s, start: t0 } = timedRun(net, 1000);
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    build_s: (t0 - tBuild) / 1000,
    synapses,
    spikes: mon.count,
    rate_Hz: mon.meanRate_Hz(),
  }),
);
