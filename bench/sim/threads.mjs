// `threads` (src/wasm/threads.ts): a COBA-like network written as equations (the Brian2
// benchmark's model, 80 % excitatory) of N neurons with a fixed in-degree (80 excitatory and 20
// inhibitory synapses per neuron, weights scaled to the benchmark's drive), run with
// `threads` 1, 2 or "auto". The split covers the groups' state update + threshold; synapses,
// resets and monitors stay on the main thread.
// usage: threads.mjs [threads=T] N duration_ms threads [float64|float32] (a leading threads=T
// overrides the threads argument: how bench/run.mjs runs the same case on 1 thread as the
// "peer"). Prints {"seconds": the loop's WALL time (CPU time counts both threads, so it cannot
// show a gain), "cpu_s": its process CPU time, threads: the schedule's threads line, rates}.
import { createRequire } from "node:module";
import { addCobaGroup, COBA_NAMESPACE } from "./coba_network.mjs";
import { timedRun } from "./timed.mjs";
const { Network, fixedInDegree } = createRequire(import.meta.url)("../../src/dist/index.js");

const args = process.argv.slice(2);
const override = args[0]?.startsWith("threads=") ? args.shift().slice(8) : undefined;
const n = Number(args[0] ?? 100000);
const duration = Number(args[1] ?? 100);
const t = override ?? args[2] ?? "1";
const threads = t === "auto" ? "auto" : Number(t);
const precision = args[3] ?? "float64";
const net = new Network({ dt_ms: 0.1, seed: 1, threads });
const group = (name, size) => addCobaGroup(net, name, size, precision);
const nExc = Math.round(0.8 * n);
const exc = group("exc", nExc);
const inh = group("inh", n - nExc);
// The benchmark gives each neuron ~64 excitatory and ~16 inhibitory synapses (p = 0.02 of 4000).
const ns = {
  ...COBA_NAMESPACE,
  we: COBA_NAMESPACE.we * (64 / 80),
  wi: COBA_NAMESPACE.wi * (16 / 20),
};
for (const post of [exc, inh]) {
  net.connect(exc, post, { rule: fixedInDegree(80), on_pre: "ge += we", namespace: ns });
  net.connect(inh, post, { rule: fixedInDegree(20), on_pre: "gi += wi", namespace: ns });
}
const spikes = net.monitorSpikes([exc, inh]);
const t0 = performance.now();
net.build();
const build_s = (performance.now() - t0) / 1000;
const { seconds, wall_s } = timedRun(net, duration);
const schedule = String(net.schedule());
console.log(
  JSON.stringify({
    seconds: wall_s,
    cpu_s: seconds,
    build_s,
    neurons: n,
    threads: schedule.match(/^threads: (.*)$/m)?.[1] ?? "1",
    split: exc.isSplit,
    rate_Hz: spikes.count / n / (duration / 1000),
  }),
);
