// neurolab side of the COBA benchmark written as equations: the Brian2 benchmark's own model
// text (bench/sim/coba.py), compiled to WebAssembly by neurolab's code generator.
// usage: coba_equations.mjs [seed] [duration_ms] [float64|float32] [threads: 1|2|auto]. Prints {"seconds": simulation loop, ...stats}.
// "seconds" is the loop's process CPU time, the clock Brian2's standalone timer reads (std::clock
// in network.cpp without OpenMP): on a machine shared with other work, wall time also counts the
// time the process waited for a core. The loop's wall time is "wall_s" (equal on a quiet machine).
import { cobaEquations, cobaStats } from "./coba_network.mjs";
import { timedRun } from "./timed.mjs";

const seed = Number(process.argv[2] ?? 0);
const duration = Number(process.argv[3] ?? 1000);
const precision = process.argv[4] ?? "float64";
const threads = process.argv[5] === "auto" ? "auto" : Number(process.argv[5] ?? 1);
const tStart = performance.now();
const { net, exc, spikes } = cobaEquations(seed, undefined, precision, threads);
const tBuild = performance.now();
net.build(); // code generation, connectivity and initial values, before the timed loop (as Brian2's before_run)
const { seconds, wall_s, start: t0 } = timedRun(net, duration);
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    build_s: (t0 - tBuild) / 1000,
    setup_s: (tBuild - tStart) / 1000,
    target: exc.target,
    precision,
    ...(threads !== 1 ? { threads: String(net.schedule()).match(/^threads: (.*)$/m)?.[1] } : {}),
    ...cobaStats(spikes, duration),
  }),
);
