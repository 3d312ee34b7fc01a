// tfjs side of "Linear + LIF, batch 16, 500 steps, 512 -> 512, one forward + backward": the same
// network written in @tensorflow/tfjs 4.22 ops and differentiated by `tf.valueAndGrads` (a
// `tf.customGrad` spike with snnTorch's atan surrogate, the reset detached), on tfjs's CPU backend:
// @tensorflow/tfjs-node cannot install here and @tensorflow/tfjs-backend-wasm is not a dependency,
// so "cpu" is the backend tfjs offers in Node without new packages. Same input statistics and
// initial weights as linear_lif.mjs. argv: density. One timed run after a 5-step warm-up (a run
// takes tens of seconds). Prints {"seconds" (CPU time), "wall_s", "backend", "output_rate"}.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { train, Rng } = require("../../src/dist/index.js");
const tf = require("@tensorflow/tfjs");

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
await tf.setBackend("cpu");
const W = tf.tensor2d(model.get("layer0.W"), [N, N]),
  b = tf.tensor1d(model.get("layer0.b"));
const spike = tf.customGrad((v, save) => {
  save([v]);
  // atan(alpha = 2): d/dv = 1 / (1 + (pi v)^2)
  return {
    value: tf.cast(tf.greater(v, 0), "float32"),
    gradFunc: (dy, [s]) => [tf.div(dy, tf.add(1, tf.square(tf.mul(Math.PI, s))))],
  };
});
// tfjs has no stopGradient: the detached reset is a spike whose gradient is zero.
const detached = tf.customGrad((v, save) => {
  save([v]);
  return { value: tf.cast(tf.greater(v, 0), "float32"), gradFunc: (dy, [s]) => [tf.zerosLike(s)] };
});
const run = (steps) => {
  const xs = tf.unstack(tf.tensor3d(x.subarray(0, steps * B * N), [steps, B, N]));
  const f = (w, bias) => {
    let v = null,
      total = tf.scalar(0);
    for (let t = 0; t < steps; t++) {
      const cur = tf.add(tf.matMul(xs[t], w), bias);
      v = v === null ? cur : tf.sub(tf.add(tf.mul(0.9, v), cur), detached(tf.sub(v, 1)));
      total = tf.add(total, tf.sum(spike(tf.sub(v, 1))));
    }
    return total;
  };
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(f)([W, b]);
    grads[0].dataSync();
    return value.dataSync()[0];
  });
};
run(5);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const c0 = cpu(),
  t0 = performance.now();
const spikes = run(T);
const wall_s = (performance.now() - t0) / 1000,
  seconds = cpu() - c0;
console.log(
  JSON.stringify({
    seconds,
    wall_s,
    backend: tf.getBackend(),
    output_rate: spikes / (T * B * N),
    tfjs: tf.version.tfjs,
  }),
);
