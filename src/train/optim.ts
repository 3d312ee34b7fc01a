/**
 * Optimisers over a model's trainable parameters, with PyTorch's update rules (`torch.optim.Adam`
 * with bias correction, no weight decay, and `torch.optim.SGD` with momentum `buf = mu buf + g`,
 * `p -= lr buf`). Moments are kept in float64; parameters are float32. After each step a
 * parameter with a range (beta, alpha in [0, 1]) is clamped to it.
 */
import { checkNonNegative, checkNumber, checkPositive } from "../core/checks.js";
import type { Parameter, SpikingModel } from "./model.js";

/** An optimiser bound to a model. */
export interface Optimizer {
  /** Applies one update from the gradients in the model. */
  step(): void;
  /** Learning rate (may be changed between steps). */
  lr: number;
}

function clampParam(p: Parameter, value: Float32Array): void {
  if (!p.clamp) return;
  const [lo, hi] = p.clamp;
  for (let i = 0; i < p.cols; i++) value[i] = Math.min(hi, Math.max(lo, value[i]));
}

/**
 * Adam (Kingma & Ba 2015), PyTorch defaults betas (0.9, 0.999), eps 1e-8.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 4, layers: [train.lif({ size: 8 }), train.readout({ size: 2 })], seed: 1 });
 * const optimizer = train.adam(model, { lr: 2e-3 }); // torch.optim.Adam's update and defaults
 * ```
 */
export function adam(
  model: SpikingModel,
  opts: { lr?: number; beta1?: number; beta2?: number; eps?: number } = {},
): Optimizer {
  const b1 = checkNumber(opts.beta1 ?? 0.9, "beta1", { min: 0, max: 1, maxExclusive: true });
  const b2 = checkNumber(opts.beta2 ?? 0.999, "beta2", { min: 0, max: 1, maxExclusive: true });
  const eps = checkPositive(opts.eps ?? 1e-8, "eps");
  const params = model.parameters.filter((p) => p.trainable);
  const m = params.map((p) => new Float64Array(p.rows * p.stride));
  const v = params.map((p) => new Float64Array(p.rows * p.stride));
  let t = 0;
  const opt = {
    lr: checkPositive(opts.lr ?? 1e-3, "lr"),
    step() {
      t++;
      const c1 = 1 - b1 ** t,
        c2 = 1 - b2 ** t;
      params.forEach((p, k) => {
        const { value, grad } = model.views(p);
        const mk = m[k],
          vk = v[k],
          lr = opt.lr * (p.lrScale ?? 1);
        for (let i = 0; i < value.length; i++) {
          const g = grad[i];
          mk[i] = b1 * mk[i] + (1 - b1) * g;
          vk[i] = b2 * vk[i] + (1 - b2) * g * g;
          value[i] -= (lr * (mk[i] / c1)) / (Math.sqrt(vk[i] / c2) + eps);
        }
        clampParam(p, value);
      });
    },
  };
  return opt;
}

/**
 * SGD with momentum (PyTorch's form; momentum 0 is plain SGD).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 4, layers: [train.lif({ size: 8 }), train.readout({ size: 2 })], seed: 1 });
 * const optimizer = train.sgd(model, { lr: 0.1, momentum: 0.9 });
 * ```
 */
export function sgd(model: SpikingModel, opts: { lr?: number; momentum?: number } = {}): Optimizer {
  const mu = checkNonNegative(opts.momentum ?? 0, "momentum");
  const params = model.parameters.filter((p) => p.trainable);
  const buf = params.map((p) => new Float64Array(p.rows * p.stride));
  let first = true;
  const opt = {
    lr: checkPositive(opts.lr ?? 1e-2, "lr"),
    step() {
      params.forEach((p, k) => {
        const { value, grad } = model.views(p);
        const bk = buf[k],
          lr = opt.lr * (p.lrScale ?? 1);
        for (let i = 0; i < value.length; i++) {
          bk[i] = first ? grad[i] : mu * bk[i] + grad[i];
          value[i] -= lr * (mu > 0 ? bk[i] : grad[i]);
        }
        clampParam(p, value);
      });
      first = false;
    },
  };
  return opt;
}
