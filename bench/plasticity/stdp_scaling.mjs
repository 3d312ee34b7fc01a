// Cost grows with spikes, not synapses x steps: N_pre Poisson inputs with a fixed total rate
// (each at total / N_pre) onto N_post Poisson "neurons" (fixed total rate) all-to-all with pair
// STDP, 1 s at dt 0.1 ms. Growing N_pre 10x grows the synapses 10x at the same number of spikes.
// usage: stdp_scaling.mjs <N_pre> <N_post> [total_input_rate_Hz] [total_post_rate_Hz]
// Prints {"seconds": the simulation loop's CPU time, "wall_s", "synapses", "input_spikes", "post_spikes"}.
import { createRequire } from "node:module";
const { Network, allToAll, plasticity } = createRequire(import.meta.url)("../../src/dist/index.js");

const nPre = Number(process.argv[2] ?? 100);
const nPost = Number(process.argv[3] ?? 100);
const total = Number(process.argv[4] ?? 20000);
const totalPost = Number(process.argv[5] ?? 10);
const net = new Network({ dt_ms: 0.1, seed: 1 });
const input = net.addPoisson("input", { size: nPre, rate_Hz: total / nPre });
const post = net.addPoisson("post", { size: nPost, rate_Hz: totalPost / nPost });
const syn = net.connect(input, post, { rule: allToAll(), ...plasticity.stdpPair({ w0: 50 }) });
const inMon = net.monitorSpikes([input]);
const postMon = net.monitorSpikes([post]);
net.build();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
net.run(1000);
const cpu = process.cpuUsage(cpu0);
const wall_s = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    seconds: (cpu.user + cpu.system) / 1e6,
    wall_s,
    synapses: syn.size,
    input_spikes: inMon.count,
    post_spikes: postMon.count,
  }),
);
