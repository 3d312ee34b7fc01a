// neurolab side of "Braille, one training epoch": SpyTorch tutorial 5's data (1,080 training
// trials, 152 steps x 4 taxels) through 200 recurrent current-based LIF neurons (tau_mem 20 ms,
// tau_syn 10 ms, dt 1 ms) and a leaky readout (max over time), cross-entropy, Adam, batch 64.
// argv: epochs (default 1), seed (default 1: the weights' and the shuffling's). Prints
// {"seconds": CPU time (user + system, as the peer's process_time; the machine may be shared) of
// the epoch, or with several epochs the mean of those after the first (steady state: the first
// carries one-time costs, e.g. the first touch of the workspace), "total_s", "epoch_s" (each
// epoch's), "wall_s" (all epochs), "train_accuracy", "test_accuracy"}.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
const { train, data, Rng } = createRequire(import.meta.url)("../../src/dist/index.js");

const epochs = Number(process.argv[2] ?? 1);
const seed = Number(process.argv[3] ?? 1);
const here = path.dirname(fileURLToPath(import.meta.url));
const mirror = (
  process.env.NEUROLAB_DATA_MIRROR ?? path.resolve(here, "..", "..", "..", "shared", "data")
).split(path.delimiter);
const d = data.brailleDataset(await data.loadBrailleTrials({ mirrorDir: mirror, offline: true }));
const perm = train.permutation(d.labels.length, new Rng(42));
const subset = (idx) => {
  const L = d.steps * d.inputs,
    x = new Float32Array(idx.length * L);
  idx.forEach((s, k) => x.set(d.x.subarray(s * L, (s + 1) * L), k * L));
  return { steps: d.steps, inputs: d.inputs, x, labels: Int32Array.from(idx, (s) => d.labels[s]) };
};
const trainSet = subset(perm.subarray(0, 1080)),
  testSet = subset(perm.subarray(1080));
const model = new train.SpikingModel({
  inputs: 4,
  seed,
  layers: [
    train.lif({
      size: 200,
      recurrent: true,
      tauMem_ms: 20,
      tauSyn_ms: 10,
      dt_ms: 1,
      weightScale: 1,
      recurrentScale: 0.03,
      init: "normal",
    }),
    train.readout({ size: 27, tau_ms: 20, dt_ms: 1, init: "normal" }),
  ],
});
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const c0 = cpu(),
  t0 = performance.now();
const epochEnds = [];
const history = await train.fit(model, trainSet, {
  epochs,
  batchSize: 64,
  optimizer: train.adam(model, { lr: 2e-3 }),
  seed,
  onEpoch: () => epochEnds.push(cpu()),
});
const wall_s = (performance.now() - t0) / 1000,
  total_s = cpu() - c0;
const epoch_s = epochEnds.map((c, k) => c - (k === 0 ? c0 : epochEnds[k - 1]));
const seconds =
  epochs === 1 ? epoch_s[0] : epoch_s.slice(1).reduce((a, b) => a + b, 0) / (epochs - 1);
console.log(
  JSON.stringify({
    seconds,
    total_s,
    epoch_s,
    wall_s,
    epochs,
    train_accuracy: history[history.length - 1].accuracy,
    test_accuracy: train.evaluate(model, testSet),
    memory_MB: model.memoryBytes(d.steps, 64) / 1e6,
  }),
);
