// neurolab side of "Linear + LIF, batch 16, 500 steps, 512 -> 512 neurons, one forward + backward"
// (the Open Neuromorphic SNN library benchmark's configuration). Input: Bernoulli spikes with
// probability `density` per step (argv[2], 1 = every input on, i.e. dense), the same seed-free
// statistics as the peer. Loss: the sum of the output spikes (gradient 1 per spike count).
// Prints {"seconds": forward + backward CPU time (median of 5 after one warm-up), "wall_s", ...}.
import { createRequire } from "node:module";
const { train, Rng } = createRequire(import.meta.url)("../../src/dist/index.js");

const density = Number(process.argv[2] ?? 0.05);
const T = 500,
  B = 16,
  N = 512;
const rng = new Rng(1);
const x = new Float32Array(T * B * N);
for (let k = 0; k < x.length; k++) x[k] = rng.uniform() < density ? 1 : 0;
const model = new train.SpikingModel({
  inputs: N,
  seed: 1,
  layers: [train.lif({ size: N, beta: 0.9, weightScale: 1 })],
});
const ones = new Float32Array(B * N).fill(1);
const times = [],
  cpus = [];
let spikes = 0;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (let rep = 0; rep < 6; rep++) {
  const c0 = cpu(),
    t0 = performance.now();
  const batch = train.batchFromDense(x, { steps: T, batch: B, inputs: N });
  const out = model.forward(batch);
  model.zeroGrad();
  model.backward(ones);
  const t1 = performance.now(),
    c1 = cpu();
  spikes = out.reduce((a, b) => a + b, 0);
  if (rep > 0) {
    times.push((t1 - t0) / 1000);
    cpus.push(c1 - c0);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const stats = {
  seconds: median(cpus),
  wall_s: median(times),
  wasm: model.wasm,
  output_rate: spikes / (T * B * N),
  memory_MB: model.memoryBytes(T, B) / 1e6,
};

console.log(JSON.stringify(stats));
