/**
 * The spike function as tfjs ops for the gradient checks against tfjs autodiff: a Heaviside step
 * whose gradient is the layer's surrogate (`spikeFn`), and one whose gradient is zero (a
 * detached reset).
 */
import * as tf from "@tensorflow/tfjs";
import type { Surrogate } from "../../src/train/index.js";

/** The surrogate derivative of `s` at `x`, as tfjs ops (the same formulas as src/train/surrogate.ts). */
export function tfSurrogate(s: Surrogate, x: tf.Tensor): tf.Tensor {
  const p = s.params;
  switch (s.kind) {
    case "fastSigmoid":
      return tf.div(1, tf.square(tf.add(tf.mul(p.slope, tf.abs(x)), 1)));
    case "superSpike":
      return tf.div(1, tf.square(tf.add(tf.mul(p.beta, tf.abs(x)), 1)));
    case "atan":
      return tf.div(p.alpha / 2, tf.add(1, tf.square(tf.mul((Math.PI / 2) * p.alpha, x))));
    case "triangle":
      return tf.mul(p.gamma, tf.relu(tf.sub(1, tf.div(tf.abs(x), p.width))));
  }
}

export const spikeFn = (s: Surrogate) =>
  tf.customGrad((x, save) => {
    save([x as tf.Tensor]);
    return {
      value: tf.cast(tf.greater(x as tf.Tensor, 0), "float32"),
      gradFunc: (dy, saved) => [tf.mul(dy, tfSurrogate(s, saved[0]))],
    };
  });
/** The Heaviside step with zero gradient: a detached reset. */
export const detached = tf.customGrad((x, save) => {
  save([x as tf.Tensor]);
  return {
    value: tf.cast(tf.greater(x as tf.Tensor, 0), "float32"),
    gradFunc: (_dy, saved) => [tf.zerosLike(saved[0])],
  };
});
