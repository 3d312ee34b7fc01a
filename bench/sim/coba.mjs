// neurolab side of the COBA benchmark: cobaNetwork() (Vogels & Abbott 2005 / Brian2 benchmark).
// usage: coba.mjs [seed] [duration_ms]. Prints {"seconds": simulation loop, ...stats}.
// "seconds" is the loop's process CPU time, the clock Brian2's standalone timer reads (std::clock
// in network.cpp without OpenMP); the loop's wall time is "wall_s" (see coba_equations.mjs).
import { createRequire } from "node:module";
import { timedRun } from "./timed.mjs";
const { cobaNetwork } = createRequire(import.meta.url)("../../src/dist/index.js");

const seed = Number(process.argv[2] ?? 0);
const duration = Number(process.argv[3] ?? 1000);
const { net, spikes } = cobaNetwork({ seed });
const tBuild = performance.now();
const synapses = net.synapseCount; // connectivity is built before the timed loop, as Brian2's before_run
const { seconds, wall_s, start: t0 } = timedRun(net, duration);
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    build_s: (t0 - tBuild) / 1000,
    synapses,
    spikes: spikes.count,
    rate_exc_Hz: spikes.meanRate_Hz("exc"),
    rate_inh_Hz: spikes.meanRate_Hz("inh"),
  }),
);
