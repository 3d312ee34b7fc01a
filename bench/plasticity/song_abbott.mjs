// neurolab side of Song, Miller & Abbott 2000 (Brian2's STDP example): N Poisson inputs at 15 Hz ->
// one LIF neuron through additive pair STDP. usage: song_abbott.mjs [seed] [duration_ms] [N]
// Prints {"seconds": the simulation loop's CPU time (as Brian2 cpp_standalone's std::clock()), "wall_s",
// "spikes", "rate_Hz", "hist": final w/gmax in 10 bins}.
import { createRequire } from "node:module";
const { plasticity } = createRequire(import.meta.url)("../../src/dist/index.js");

const seed = Number(process.argv[2] ?? 1);
const duration = Number(process.argv[3] ?? 100000);
const N = Number(process.argv[4] ?? 1000);
const m = plasticity.songAbbott2000({ seed: seed + 1, N });
m.net.build(); // connectivity and code outside the timed loop, as Brian2's before_run
const t0 = performance.now();
const cpu0 = process.cpuUsage();
m.net.run(duration);
const cpu = process.cpuUsage(cpu0);
const seconds = (cpu.user + cpu.system) / 1e6;
const wall_s = (performance.now() - t0) / 1000;
const hist = new Array(10).fill(0);
for (const w of m.synapses.variable("w")) hist[Math.min(9, Math.floor((w / 0.01) * 10))]++;
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    spikes: m.spikes.count,
    rate_Hz: m.spikes.count / (duration / 1000),
    hist,
  }),
);
