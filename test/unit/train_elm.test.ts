/**
 * The ELM neuron (`src/train/elm.ts`): gradients of every parameter against tfjs autodiff of the
 * same dynamics written with tfjs ops (elmneuron's `ELM.dynamics`), on small random cases.
 * tfjs computes in float32 only, so the tolerance is float32's: |ours - tfjs| <= 2e-5 max|tfjs|
 * + 1e-7 per parameter array. Also: the defaults against elmneuron's constructor.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adam,
  atan,
  batchFromDense,
  crossEntropy,
  delayedXorTask,
  elm,
  evaluate,
  fit,
  elmMemoryTaus_ms,
  lif,
  loadModel,
  readout,
  saveModel,
  SpikingModel,
  type ElmSpec,
  type LayerSpec,
} from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";
import { detached, spikeFn } from "./tfjsSpikes.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** snnTorch's atan surrogate with alpha = 2 (the LIF layer below the ELM uses it). */
const atanSpike = spikeFn(atan(2));

/** elmneuron's `ELM.forward` for inputs [T][B, nIn] -> outputs [T][B, size]. */
function tfElm(
  spec: ElmSpec,
  P: (name: string) => tf.Tensor,
  k: number,
  xs: tf.Tensor2D[],
): tf.Tensor2D[] {
  const B = xs[0].shape[0],
    nIn = xs[0].shape[1];
  const kS = Math.exp(-spec.dt_ms / spec.tauSyn_ms);
  const kM = tf.tensor1d(Array.from(elmMemoryTaus_ms(spec), (tau) => Math.exp(-spec.dt_ms / tau)));
  const ws = tf.relu(P(`layer${k}.ws`));
  let s: tf.Tensor = tf.zeros([B, nIn]),
    m: tf.Tensor = tf.zeros([B, spec.memory]);
  const ys: tf.Tensor2D[] = [];
  for (const x of xs) {
    s = tf.add(tf.mul(kS, s), tf.mul(ws, x));
    const h = tf.relu(
      tf.add(
        tf.matMul(
          tf.concat([s, tf.mul(kM, m)], 1) as tf.Tensor2D,
          P(`layer${k}.W1`) as tf.Tensor2D,
        ),
        P(`layer${k}.b1`),
      ),
    );
    const dm = tf.mul(
      1.7159,
      tf.tanh(
        tf.mul(2 / 3, tf.add(tf.matMul(h, P(`layer${k}.W2`) as tf.Tensor2D), P(`layer${k}.b2`))),
      ),
    );
    m = tf.add(tf.mul(kM, m), tf.mul(tf.mul(spec.lambda, tf.sub(1, kM)), dm));
    ys.push(
      tf.add(
        tf.matMul(m as tf.Tensor2D, P(`layer${k}.Wy`) as tf.Tensor2D),
        P(`layer${k}.by`),
      ) as tf.Tensor2D,
    );
  }
  return ys;
}

function tfNetwork(
  layers: readonly LayerSpec[],
  P: (name: string) => tf.Tensor,
  xs: tf.Tensor2D[],
): tf.Tensor {
  let input = xs;
  let out: tf.Tensor | null = null;
  layers.forEach((spec, k) => {
    if (spec.type === "elm") {
      input = tfElm(spec, P, k, input);
      return;
    }
    const W = P(`layer${k}.W`) as tf.Tensor2D,
      b = P(`layer${k}.b`),
      beta = P(`layer${k}.beta`);
    if (spec.type === "lif") {
      const thr = P(`layer${k}.threshold`);
      let v: tf.Tensor | null = null;
      const spikes: tf.Tensor2D[] = [];
      for (const x of input) {
        const cur = tf.add(tf.matMul(x, W), b);
        v =
          v === null
            ? cur
            : tf.sub(tf.add(tf.mul(beta, v), cur), tf.mul(detached(tf.sub(v, thr)), thr));
        spikes.push(atanSpike(tf.sub(v, thr)) as tf.Tensor2D);
      }
      input = spikes;
      return;
    }
    let u: tf.Tensor | null = null;
    const us: tf.Tensor[] = [];
    for (const x of input) {
      const cur = tf.add(tf.matMul(x, W), b);
      u = u ? tf.add(tf.mul(beta, u), cur) : cur;
      us.push(u);
    }
    out =
      spec.type === "readout" && spec.reduce === "mean"
        ? tf.mean(tf.stack(us), 0)
        : tf.max(tf.stack(us), 0);
  });
  return out!;
}

const cases: { name: string; layers: LayerSpec[]; graded: boolean }[] = [
  {
    name: "ELM (spike input) -> mean readout",
    layers: [elm({ size: 3, memory: 4, hidden: 6 }), readout({ size: 4, reduce: "mean" })],
    graded: false,
  },
  {
    name: "ELM (graded input, λ = 2, τ_s = 3 ms, memory 0.5-200 ms) -> max readout",
    layers: [
      elm({
        size: 5,
        memory: 6,
        lambda: 2,
        tauSyn_ms: 3,
        tauMemMin_ms: 0.5,
        tauMemMax_ms: 200,
        wSyn: 0.8,
      }),
      readout({ size: 4, beta: 0.9, learnBeta: true }),
    ],
    graded: true,
  },
  {
    name: "LIF -> ELM -> readout (input gradient through the ELM)",
    layers: [
      lif({ size: 6, weightScale: 4, learnBeta: true, learnThreshold: true }),
      elm({ size: 3, memory: 5, dt_ms: 2 }),
      readout({ size: 4, reduce: "mean" }),
    ],
    graded: false,
  },
];

describe("train: ELM neuron, gradients vs tfjs autodiff", () => {
  for (const [c, kase] of cases.entries()) {
    it(kase.name, () => {
      const T = 14,
        B = 3,
        nIn = 5;
      const rng = new Rng(500 + c);
      const x = Float32Array.from({ length: T * B * nIn }, () =>
        rng.uniform() < 0.35 ? (kase.graded ? 2 * rng.uniform() - 0.5 : 1) : 0,
      );
      const labels = Int32Array.from({ length: B }, () => rng.int(4));
      const model = new SpikingModel({ inputs: nIn, layers: kase.layers, seed: 21 + c });
      if (kase.graded) model.set("layer0.ws", [0.8, -0.1, 0.5, 0.3, 1.2]); // one synapse below zero: no gradient through relu
      const out = model.forward(batchFromDense(x, { steps: T, batch: B, inputs: nIn }));
      const loss = crossEntropy(out, labels, 4);
      model.zeroGrad();
      model.backward(loss.grad);
      const names = model.parameters.map((p) => p.name);
      const values = model.parameters.map((p) =>
        tf.tensor(model.get(p.name), p.rows === 1 ? [p.cols] : [p.rows, p.cols]),
      );
      const xs = tf.unstack(tf.tensor3d(x, [T, B, nIn])) as tf.Tensor2D[];
      const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), 4);
      const net = (ps: tf.Tensor[]) =>
        tfNetwork(kase.layers, (name) => ps[names.indexOf(name)], xs);
      const ref = net(values).dataSync();
      for (let j = 0; j < out.length; j++)
        expect(Math.abs(ref[j] - out[j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(out[j])));
      const f = (...ps: tf.Tensor[]) =>
        tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(net(ps))), 1))) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(f)(values);
      expect(value.dataSync()[0]).toBeCloseTo(loss.loss, 4);
      let nonzero = 0;
      grads.forEach((g, i) => {
        const r = g.dataSync(),
          ours = model.grad(names[i]);
        let scale = 0,
          err = 0;
        for (let j = 0; j < r.length; j++) {
          scale = Math.max(scale, Math.abs(r[j]));
          err = Math.max(err, Math.abs(r[j] - ours[j]));
        }
        if (scale > 0) nonzero++;
        expect(err, `${names[i]}: max |error| ${err} vs max |grad| ${scale}`).toBeLessThanOrEqual(
          2e-5 * scale + 1e-7,
        );
      });
      expect(nonzero).toBeGreaterThanOrEqual(names.length - 1);
      if (kase.graded) expect(model.grad("layer0.ws")[1]).toBe(0);
      tf.dispose([...values, ...grads, value, onehot, ...xs]);
    });
  }
});

describe("train: ELM defaults and plumbing", () => {
  it("elmneuron's defaults: M = 100, H = 2M, λ = 5, τ_s = 5 ms, τ_m log-spaced 1..1000 ms, w_s = 0.5", () => {
    const spec = elm({ size: 2 });
    expect(spec).toMatchObject({
      memory: 100,
      hidden: 200,
      lambda: 5,
      tauSyn_ms: 5,
      tauMemMin_ms: 1,
      tauMemMax_ms: 1000,
      wSyn: 0.5,
      dt_ms: 1,
    });
    const taus = elmMemoryTaus_ms(spec);
    expect(taus[0]).toBeCloseTo(1, 12);
    expect(taus[99]).toBeCloseTo(1000, 9);
    expect(taus[50] / taus[49]).toBeCloseTo(10 ** (3 / 99), 12);
    const model = new SpikingModel({
      inputs: 3,
      seed: 1,
      layers: [elm({ size: 2, memory: 4 }), readout({ size: 2 })],
    });
    expect(Array.from(model.get("layer0.ws"))).toEqual([0.5, 0.5, 0.5]);
    expect(model.parameters.map((p) => `${p.name} ${p.rows}x${p.cols}`).slice(0, 7)).toEqual([
      "layer0.ws 1x3",
      "layer0.W1 7x8",
      "layer0.b1 1x8",
      "layer0.W2 8x4",
      "layer0.b2 1x4",
      "layer0.Wy 4x2",
      "layer0.by 1x2",
    ]);
    expect(() => new SpikingModel({ inputs: 3, seed: 1, layers: [elm({ size: 2 })] })).toThrow(
      /followed by another layer/,
    );
    expect(() => elm({ size: 2, tauMemMin_ms: 10, tauMemMax_ms: 5 })).toThrow(/tauMemMax_ms/);
    // save/load and WebAssembly-free runs give the same outputs
    const x = batchFromDense(
      Float32Array.from({ length: 10 * 2 * 3 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      { steps: 10, batch: 2, inputs: 3 },
    );
    const { json, binary } = saveModel(model);
    expect(
      Array.from(loadModel(JSON.parse(JSON.stringify(json)), binary, { wasm: false }).forward(x)),
    ).toEqual(Array.from(model.forward(x)));
  });
});

describe("train: ELM beats LIF on a task with long memory (same seed, CI-sized)", () => {
  it("delayed XOR over a 60-step (60 ms) gap: ELM >= 0.9 test accuracy, recurrent LIF (tau 20 ms) near chance", async () => {
    const train = delayedXorTask({ samples: 256, gap_steps: 60, seed: 1 });
    const test = delayedXorTask({ samples: 128, gap_steps: 60, seed: 2 });
    const run = async (layers: LayerSpec[]) => {
      const model = new SpikingModel({ inputs: 8, seed: 3, layers });
      await fit(model, train, { epochs: 12, batchSize: 32, optimizer: adam(model, { lr: 1e-2 }) });
      return evaluate(model, test);
    };
    const accElm = await run([
      elm({ size: 8, memory: 10, hidden: 20 }),
      readout({ size: 2, reduce: "mean" }),
    ]);
    const accLif = await run([
      lif({
        size: 32,
        recurrent: true,
        tauMem_ms: 20,
        dt_ms: 1,
        weightScale: 3,
        recurrentScale: 1,
      }),
      readout({ size: 2, tau_ms: 20, dt_ms: 1 }),
    ]);
    console.log(
      `delayed XOR, 60 ms gap: ELM ${accElm.toFixed(3)}, recurrent LIF ${accLif.toFixed(3)} (chance 0.5)`,
    );
    expect(accElm).toBeGreaterThanOrEqual(0.9);
    expect(accElm).toBeGreaterThanOrEqual(accLif + 0.25);
  }, 120_000);
});
