// neurolab side of "Linear + LIF, batch 16, 500 steps, 512 -> 512 neurons, one forward + backward"
// (the Open Neuromorphic SNN library benchmark's configuration). Input: Bernoulli spikes with
// probability `density` per step (argv[2], 1 = every input on, i.e. dense), the same seed-free
// statistics as the peer. Loss: the sum of the output spikes (gradient 1 per spike count).
// Prints {"seconds": forward + backward (median of 5 after one warm-up), "cpu_s", ...}.
import { createRequire } from "node:module";
const { train, Rng } = createRequire(import.meta.url)("../../src/dist/index.js");

const density = Number(process.argv[2] ?? 0.05);
const withTfjs = process.argv[3] === "tfjs";
const T = 500, B = 16, N = 512;
const rng = new Rng(1);
const x = new Float32Array(T * B * N);
for (let k = 0; k < x.length; k++) x[k] = rng.uniform() < density ? 1 : 0;
const model = new train.SpikingModel({ inputs: N, seed: 1, layers: [train.lif({ size: N, beta: 0.9, weightScale: 1 })] });
const ones = new Float32Array(B * N).fill(1);
const times = [], cpus = [];
let spikes = 0;
for (let rep = 0; rep < 6; rep++) {
  const c0 = process.cpuUsage().user, t0 = performance.now();
  const batch = train.batchFromDense(x, { steps: T, batch: B, inputs: N });
  const out = model.forward(batch);
  model.zeroGrad();
  model.backward(ones);
  const t1 = performance.now(), c1 = process.cpuUsage().user;
  spikes = out.reduce((a, b) => a + b, 0);
  if (rep > 0) { times.push((t1 - t0) / 1000); cpus.push((c1 - c0) / 1e6); }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const stats = { seconds: median(times), cpu_s: median(cpus), wasm: model.wasm, output_rate: spikes / (T * B * N), memory_MB: model.memoryBytes(T, B) / 1e6 };

if (withTfjs) {
  // The same computation in tfjs ops on its CPU backend (tfjs-node cannot install here), one run.
  const tf = createRequire(import.meta.url)("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const W = tf.tensor2d(model.get("layer0.W"), [N, N]), b = tf.tensor1d(model.get("layer0.b"));
  const xt = tf.tensor3d(x, [T, B, N]);
  const spike = tf.customGrad((v, save) => {
    save([v]);
    return { value: tf.cast(tf.greater(v, 0), "float32"), gradFunc: (dy, [s]) => [tf.div(dy, tf.add(1, tf.square(tf.mul(Math.PI, s))))] };
  });
  const reset = tf.customGrad((v, save) => { save([v]); return { value: tf.cast(tf.greater(v, 0), "float32"), gradFunc: (dy, [s]) => [tf.zerosLike(s)] }; });
  const f = (w, bias) => {
    const xs = tf.unstack(xt);
    let v = null, total = tf.scalar(0);
    for (let t = 0; t < T; t++) {
      const cur = tf.add(tf.matMul(xs[t], w), bias);
      v = v === null ? cur : tf.sub(tf.add(tf.mul(0.9, v), cur), reset(tf.sub(v, 1)));
      total = tf.add(total, tf.sum(spike(tf.sub(v, 1))));
    }
    return total;
  };
  const c0 = process.cpuUsage().user, t0 = performance.now();
  const { grads } = tf.valueAndGrads(f)([W, b]);
  await grads[0].data();
  stats.tfjs_cpu_s = (performance.now() - t0) / 1000;
  stats.tfjs_cpu_cpu_s = (process.cpuUsage().user - c0) / 1e6;
  stats.ratio_vs_tfjs = stats.seconds / stats.tfjs_cpu_s;
}
console.log(JSON.stringify(stats));
