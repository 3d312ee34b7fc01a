// neurolab side of the user-defined-model case (see izhikevich_equations.py): the same
// equations, compiled by neurolab's code generator (no hand-written kernel for this model).
// usage: izhikevich_equations.mjs [seed] [duration_ms]. Prints {"seconds": simulation loop, ...}:
// the loop's process CPU time, the clock Brian2's standalone timer reads (std::clock), and its
// wall time as "wall_s" (see coba_equations.mjs).
import { createRequire } from "node:module";
import { timedRun } from "./timed.mjs";
const { Network, fixedProbability } = createRequire(import.meta.url)("../../src/dist/index.js");

const seed = Number(process.argv[2] ?? 0);
const duration = Number(process.argv[3] ?? 1000);
const model = `
dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u)/ms : volt
du/dt = a*(b*v - u)/ms : volt
a : 1
b : 1
c : volt
d : volt
`;
const net = new Network({ dt_ms: 0.1, seed });
const cells = (name, size, inh) =>
  net.addNeurons(name, {
    size,
    model,
    threshold: "v >= 30*mV",
    reset: "v = c; u += d",
    method: "euler",
    init: { a: inh ? 0.1 : 0.02, b: inh ? 0.25 : 0.2, c: -65, d: inh ? 2 : 8, v: -65, u: "b*v" },
  });
const exc = cells("exc", 800, false);
const inh = cells("inh", 200, true);
const input = net.addPoisson("input", { size: 1000, rate_Hz: 20 });
for (const post of [exc, inh]) {
  net.connect(input, post, { rule: fixedProbability(0.1), on_pre: "v += 1.5*mV" });
  net.connect(exc, post, { rule: fixedProbability(0.1), on_pre: "v += 0.5*mV" });
  net.connect(inh, post, { rule: fixedProbability(0.1), on_pre: "v -= 1*mV" });
}
const spikes = net.monitorSpikes([exc, inh]);
net.build();
const { seconds, wall_s } = timedRun(net, duration);
const counts = spikes.counts();
let e = 0;
let i = 0;
for (let k = 0; k < 800; k++) e += counts[k];
for (let k = 800; k < 1000; k++) i += counts[k];
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    target: exc.target,
    spikes: spikes.count,
    rate_exc_Hz: e / 800 / (duration / 1000),
    rate_inh_Hz: i / 200 / (duration / 1000),
  }),
);
