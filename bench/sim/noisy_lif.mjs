// neurolab side of the white-noise case (see noisy_lif.py): the same equations, one normal
// variate per neuron and step drawn inside the multi-step driver (src/random/wasm.ts).
// usage: noisy_lif.mjs [seed] [duration_ms]. Prints {"seconds": the loop's process CPU time (the
// clock Brian2's standalone timer reads), "wall_s", "rate_Hz", ...}.
import { createRequire } from "node:module";
import { timedRun } from "./timed.mjs";
const { Network } = createRequire(import.meta.url)("../../src/dist/index.js");

const seed = Number(process.argv[2] ?? 0);
const duration = Number(process.argv[3] ?? 1000);
const N = 4000;
const net = new Network({ dt_ms: 0.1, seed });
const g = net.addNeurons("noisy", {
  size: N,
  model: `
dv/dt = (El - v)/tau + sigma*sqrt(2/tau)*xi : volt
El : volt (constant, shared)
tau : second (constant, shared)
sigma : volt (constant, shared)
`,
  threshold: "v > -50*mV",
  reset: "v = -60*mV",
  method: "euler",
  init: { El: -55, tau: 20, sigma: 5, v: -60 },
});
const spikes = net.monitorSpikes([g]);
net.build();
const { seconds, wall_s } = timedRun(net, duration);
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    target: g.target,
    spikes: spikes.count,
    rate_Hz: spikes.count / N / (duration / 1000),
  }),
);
