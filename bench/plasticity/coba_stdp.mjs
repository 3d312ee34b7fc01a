// neurolab side of COBA 4000 (Vogels-Abbott, as bench/sim/coba_equations.mjs) with additive pair
// STDP (plasticity.stdpPair, no delay, Brian2's convention) on the E -> E synapses; the Brian2
// side (coba_stdp.py) writes the same statements. usage: coba_stdp.mjs [seed] [duration_ms].
// Prints {"seconds": the simulation loop's CPU time, "wall_s", ...stats, "mean_w_ee"}: CPU time
// (all of the process's threads), as Brian2 cpp_standalone's loop time (std::clock()) and the
// NEST script's (process_time), so a loaded machine does not favour one side.
import { createRequire } from "node:module";
import { cobaEquations, cobaStats } from "../sim/coba_network.mjs";
const { plasticity } = createRequire(import.meta.url)("../../src/dist/index.js");

const seed = Number(process.argv[2] ?? 0);
const duration = Number(process.argv[3] ?? 1000);
const tStart = performance.now();
const stdp = plasticity.stdpPair({
  weightDependence: "additive",
  lambda: 0.01,
  alpha: 1.05,
  Wmax: 1.2,
  w0: 6 / 10,
  delay_ms: 0,
  delayConvention: "axonal",
  transmit: "ge_post += w",
});
const { net, exc, ee, spikes } = cobaEquations(seed, stdp);
const tBuild = performance.now();
net.build(); // code generation, connectivity and initial values, before the timed loop (as Brian2's before_run)
const t0 = performance.now();
const cpu0 = process.cpuUsage();
net.run(duration);
const cpu = process.cpuUsage(cpu0);
const wall_s = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    seconds: (cpu.user + cpu.system) / 1e6,
    wall_s,
    build_s: (t0 - tBuild) / 1000,
    setup_s: (tBuild - tStart) / 1000,
    target: exc.target,
    ...cobaStats(spikes, duration),
    synapses_ee: ee.size,
    mean_w_ee: ee.variable("w").reduce((a, b) => a + b, 0) / ee.size,
  }),
);
