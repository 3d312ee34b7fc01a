/**
 * Every layer's gradient against tfjs autodiff: the same network written with tfjs ops
 * (`tf.grads` through a `tf.customGrad` spike function with the same surrogate) on small random
 * cases. tfjs computes in float32 only, as does the engine, so the stated tolerance is float32's:
 * |ours - tfjs| <= 2e-5 max|tfjs| + 1e-7 per parameter array (summation orders differ).
 * A max readout has no ties here (beta > 0): at a tie tfjs spreads the gradient over every
 * maximal step, PyTorch's `max(dim)` and neurolab give it to one (the first).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  atan,
  batchFromDense,
  crossEntropy,
  fastSigmoid,
  lif,
  meta,
  readout,
  spikeCountMse,
  superSpike,
  triangle,
  SpikingModel,
  type LayerSpec,
  type LifSpec,
} from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";
import { detached, spikeFn } from "./tfjsSpikes.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** The network of `layers` in tfjs ops; params in model.parameters order. */
function tfForward(
  layers: readonly LayerSpec[],
  names: string[],
  params: tf.Tensor[],
  x: tf.Tensor3D,
  T: number,
): tf.Tensor {
  const P = (name: string) => params[names.indexOf(name)];
  let input: tf.Tensor2D[] = tf.unstack(x) as tf.Tensor2D[];
  let out: tf.Tensor | null = null;
  layers.forEach((spec, k) => {
    const W = P(`layer${k}.W`) as tf.Tensor2D,
      b = P(`layer${k}.b`),
      beta = P(`layer${k}.beta`);
    if (spec.type === "lif") {
      const thr = P(`layer${k}.threshold`),
        V = spec.recurrent ? (P(`layer${k}.V`) as tf.Tensor2D) : null;
      const alpha = spec.alpha !== null ? P(`layer${k}.alpha`) : null;
      const fire = spikeFn(spec.surrogate);
      const spikes: tf.Tensor2D[] = [];
      let v: tf.Tensor | null = null,
        s: tf.Tensor | null = null,
        syn: tf.Tensor | null = null;
      for (let t = 0; t < T; t++) {
        let cur: tf.Tensor = tf.add(tf.matMul(input[t], W), b);
        if (V && s) cur = tf.add(cur, tf.matMul(s as tf.Tensor2D, V));
        if (alpha) {
          syn = syn ? tf.add(tf.mul(alpha, syn), cur) : cur;
          cur = syn;
        }
        if (v === null) v = cur;
        else {
          const r = spec.detachReset ? detached(tf.sub(v, thr)) : s!;
          if (spec.reset === "subtract") v = tf.sub(tf.add(tf.mul(beta, v), cur), tf.mul(r, thr));
          else if (spec.reset === "zero") v = tf.add(tf.mul(beta, tf.mul(tf.sub(1, r), v)), cur);
          else v = tf.add(tf.mul(beta, v), cur);
        }
        s = fire(tf.sub(v, thr));
        spikes.push(s as tf.Tensor2D);
      }
      input = spikes;
      out = tf.addN(spikes);
    } else {
      let u: tf.Tensor | null = null;
      const us: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const cur = tf.add(tf.matMul(input[t], W), b);
        u = u ? tf.add(tf.mul(beta, u), cur) : cur;
        us.push(u);
      }
      const stack = tf.stack(us);
      out = spec.reduce === "max" ? tf.max(stack, 0) : tf.mean(stack, 0);
    }
  });
  return out!;
}

interface Case {
  name: string;
  layers: LayerSpec[];
  loss: "ce" | "mse";
}

const hidden = (o: Partial<Parameters<typeof lif>[0]>): LifSpec =>
  lif({ size: 6, weightScale: 3, learnBeta: true, learnThreshold: true, ...o });
const cases: Case[] = [
  {
    name: "LIF subtract (detached) -> max readout",
    layers: [hidden({}), readout({ size: 4, beta: 0.9, learnBeta: true })],
    loss: "ce",
  },
  {
    name: "LIF subtract, attached reset, fast sigmoid -> mean readout",
    layers: [
      hidden({ detachReset: false, surrogate: fastSigmoid(5) }),
      readout({ size: 4, reduce: "mean", beta: 0.8, learnBeta: true }),
    ],
    loss: "ce",
  },
  {
    name: "LIF zero reset (detached), triangle",
    layers: [
      hidden({ reset: "zero", surrogate: triangle(0.5, 1.5) }),
      readout({ size: 4, beta: 0.6 }),
    ],
    loss: "ce",
  },
  {
    name: "LIF -> linear readout (beta 0), mean over time",
    layers: [hidden({ surrogate: triangle() }), readout({ size: 4, reduce: "mean" })],
    loss: "ce",
  },
  {
    name: "LIF zero reset, attached, SuperSpike",
    layers: [
      hidden({ reset: "zero", detachReset: false, surrogate: superSpike(10) }),
      readout({ size: 4, beta: 0.7 }),
    ],
    loss: "ce",
  },
  {
    name: "LIF no reset",
    layers: [hidden({ reset: "none", beta: 0.8 }), readout({ size: 4, beta: 0.5 })],
    loss: "ce",
  },
  {
    name: "current-based LIF (learnable alpha)",
    layers: [hidden({ alpha: 0.85, learnAlpha: true }), readout({ size: 4, beta: 0.9 })],
    loss: "ce",
  },
  {
    name: "recurrent LIF",
    layers: [hidden({ recurrent: true, surrogate: atan(3) }), readout({ size: 4, beta: 0.9 })],
    loss: "ce",
  },
  {
    name: "two recurrent current-based layers, attached reset",
    layers: [
      hidden({ recurrent: true, alpha: 0.7, learnAlpha: true, detachReset: false }),
      hidden({ size: 5, recurrent: true }),
      readout({ size: 4, beta: 0.95, learnBeta: true }),
    ],
    loss: "ce",
  },
  {
    name: "LIF output with spike-count MSE",
    layers: [hidden({}), lif({ size: 3, weightScale: 3, learnThreshold: true, learnBeta: true })],
    loss: "mse",
  },
];

describe("train: gradients vs tfjs autodiff", () => {
  for (const [k, c] of cases.entries()) {
    it(c.name, () => {
      const T = 14,
        B = 3,
        nIn = 9;
      const rng = new Rng(100 + k);
      const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.35 ? 1 : 0));
      const labels = Int32Array.from({ length: B }, () =>
        rng.int(c.layers[c.layers.length - 1].size),
      );
      const model = new SpikingModel({ inputs: nIn, layers: c.layers, seed: 7 + k });
      const out = model.forward(batchFromDense(x, { steps: T, batch: B, inputs: nIn }));
      const C = model.outputs;
      const loss =
        c.loss === "ce"
          ? crossEntropy(out, labels, C)
          : spikeCountMse(out, labels, C, { steps: T, correctRate: 0.8, incorrectRate: 0.2 });
      model.zeroGrad();
      model.backward(loss.grad);

      const names = model.parameters.map((p) => p.name);
      const shapes = model.parameters.map((p) => (p.rows === 1 ? [p.cols] : [p.rows, p.cols]));
      const values = model.parameters.map((p, i) => tf.tensor(model.get(p.name), shapes[i]));
      const xt = tf.tensor3d(x, [T, B, nIn]);
      const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), C);
      const f = (...ps: tf.Tensor[]) => {
        const o = tfForward(c.layers, names, ps, xt, T);
        if (c.loss === "ce")
          return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(o)), 1))) as tf.Scalar;
        const target = tf.add(tf.mul(onehot, 0.8 * T), tf.mul(tf.sub(1, onehot), 0.2 * T));
        return tf.mean(tf.square(tf.sub(o, target))) as tf.Scalar;
      };
      const tfOut = tfForward(c.layers, names, values, xt, T);
      const tfOutValues = tfOut.dataSync();
      // A tfjs tensor is accepted as input directly.
      expect(
        Array.from(model.forward(batchFromDense(xt, { steps: T, batch: B, inputs: nIn }))),
      ).toEqual(Array.from(out));
      for (let j = 0; j < out.length; j++)
        expect(Math.abs(tfOutValues[j] - out[j])).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(out[j])),
        );
      const { value, grads } = tf.valueAndGrads(f)(values);
      expect(value.dataSync()[0]).toBeCloseTo(loss.loss, 4);
      let nonzero = 0;
      grads.forEach((g, i) => {
        const ref = g.dataSync(),
          ours = model.grad(names[i]);
        let scale = 0,
          err = 0;
        for (let j = 0; j < ref.length; j++) {
          scale = Math.max(scale, Math.abs(ref[j]));
          err = Math.max(err, Math.abs(ref[j] - ours[j]));
        }
        if (scale > 0) nonzero++;
        expect(err, `${names[i]}: max |error| ${err} vs max |grad| ${scale}`).toBeLessThanOrEqual(
          2e-5 * scale + 1e-7,
        );
      });
      expect(nonzero).toBeGreaterThanOrEqual(names.length - 1);
      tf.dispose([...values, ...grads, value, xt, onehot, tfOut]);
    });
  }
});

describe("train: meta neuron gradients vs tfjs (straight-through estimator, same samples)", () => {
  it("recurrent meta neurons with learnable threshold, leak, gain and noise -> leaky readout", () => {
    const T = 12,
      B = 3,
      nIn = 7,
      n = 6,
      C = 4;
    const rng = new Rng(77);
    const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const labels = Int32Array.from({ length: B }, () => rng.int(C));
    const model = new SpikingModel({
      inputs: nIn,
      seed: 5,
      layers: [
        meta({ size: n, recurrent: true, weightScale: 2, noise: 0.3, threshold: 0.5 }),
        readout({ size: C, beta: 0.85 }),
      ],
    });
    const out = model.forward(batchFromDense(x, { steps: T, batch: B, inputs: nIn }));
    const loss = crossEntropy(out, labels, C);
    model.zeroGrad();
    model.backward(loss.grad);
    const S = model.spikes(0);
    expect(S.some((v) => v === 1) && S.some((v) => v === 0)).toBe(true);
    const names = model.parameters.map((p) => p.name);
    const values = model.parameters.map((p) =>
      tf.tensor(model.get(p.name), p.rows === 1 ? [p.cols] : [p.rows, p.cols]),
    );
    const P = (ps: tf.Tensor[], name: string) => ps[names.indexOf(name)];
    const xs = tf.unstack(tf.tensor3d(x, [T, B, nIn])) as tf.Tensor2D[];
    const ours = tf.unstack(tf.tensor3d(S, [T, B, n])) as tf.Tensor2D[];
    const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), C);
    const constant = tf.customGrad((a, save) => {
      save([a as tf.Tensor]);
      return {
        value: tf.clone(a as tf.Tensor),
        gradFunc: (_dy, saved) => [tf.zerosLike(saved[0])],
      };
    });
    const f = (...ps: tf.Tensor[]) => {
      let v: tf.Tensor | null = null,
        s: tf.Tensor | null = null,
        u: tf.Tensor | null = null;
      const us: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        let cur: tf.Tensor = tf.add(
          tf.matMul(xs[t], P(ps, "layer0.W") as tf.Tensor2D),
          P(ps, "layer0.b"),
        );
        if (s) cur = tf.add(cur, tf.matMul(s as tf.Tensor2D, P(ps, "layer0.V") as tf.Tensor2D));
        const driven = tf.mul(P(ps, "layer0.gain"), cur);
        v = v
          ? tf.add(tf.mul(P(ps, "layer0.leak"), tf.mul(tf.sub(1, ours[t - 1]), v)), driven)
          : driven;
        const p = tf.sigmoid(tf.div(tf.sub(v, P(ps, "layer0.threshold")), P(ps, "layer0.noise")));
        s = tf.add(p, constant(tf.sub(ours[t], p)));
        const c2 = tf.add(
          tf.matMul(s as tf.Tensor2D, P(ps, "layer1.W") as tf.Tensor2D),
          P(ps, "layer1.b"),
        );
        u = u ? tf.add(tf.mul(P(ps, "layer1.beta"), u), c2) : c2;
        us.push(u);
      }
      const logits = tf.max(tf.stack(us), 0);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)(values);
    expect(value.dataSync()[0]).toBeCloseTo(loss.loss, 4);
    grads.forEach((g, i) => {
      const ref = g.dataSync(),
        ours2 = model.grad(names[i]);
      let scale = 0,
        err = 0;
      for (let j = 0; j < ref.length; j++) {
        scale = Math.max(scale, Math.abs(ref[j]));
        err = Math.max(err, Math.abs(ref[j] - ours2[j]));
      }
      expect(scale, names[i]).toBeGreaterThan(0);
      expect(err, `${names[i]}: max |error| ${err} vs max |grad| ${scale}`).toBeLessThanOrEqual(
        2e-5 * scale + 1e-7,
      );
    });
    tf.dispose([...values, ...grads, value, onehot, ...xs, ...ours]);
  });
});
