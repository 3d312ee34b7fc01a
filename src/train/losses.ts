/**
 * Losses on a model's output (`batch x outputs`, row-major) and spike regularisers. Each returns
 * the mean loss over the batch and its gradient w.r.t. the output.
 *
 * - `crossEntropy`: softmax cross-entropy of the logits (the readout's max or mean over time, as
 *   SpyTorch's tutorials; on a spiking output layer the spike counts, as snnTorch's
 *   `ce_count_loss`), mean over the batch like `torch.nn.CrossEntropyLoss`.
 * - `spikeCountMse`: snnTorch's `mse_count_loss(correct_rate, incorrect_rate)`: the spike count of
 *   each output is pulled to `correctRate x steps` for the label and `incorrectRate x steps`
 *   otherwise; mean squared error over batch and outputs.
 * - `rateRegularizer`: SpyTorch's firing-rate regulariser on a hidden layer's spikes s[t, b, i],
 *   `l1 sum_{t,b,i} s + l2 mean_i (sum_{t,b} s)^2`, and its gradient w.r.t. the spikes.
 */
import { checkInteger, checkNonNegative, checkNumber } from "../core/checks.js";

/** A loss value and its gradient w.r.t. the output. */
export interface LossResult {
  loss: number;
  grad: Float32Array;
}

function checkLabels(labels: ArrayLike<number>, batch: number, classes: number): void {
  if (labels.length !== batch)
    throw new RangeError(`labels must have one entry per sample (${batch}), got ${labels.length}`);
  for (let b = 0; b < batch; b++) checkInteger(labels[b], `labels[${b}]`, 0, classes - 1);
}

/**
 * Softmax cross-entropy, mean over the batch.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const { loss, grad } = train.crossEntropy([2, 0, -1, 0, 3, 0], [0, 1], 3); // 2 samples x 3 classes
 * ```
 */
export function crossEntropy(
  output: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): LossResult {
  const batch = output.length / classes;
  if (!Number.isInteger(batch))
    throw new RangeError(
      `output length ${output.length} is not a multiple of classes = ${classes}`,
    );
  checkLabels(labels, batch, classes);
  const grad = new Float32Array(output.length);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, output[b * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(output[b * classes + c] - max);
    const logZ = max + Math.log(sum);
    loss += logZ - output[b * classes + labels[b]];
    for (let c = 0; c < classes; c++)
      grad[b * classes + c] =
        (Math.exp(output[b * classes + c] - logZ) - (c === labels[b] ? 1 : 0)) / batch;
  }
  return { loss: loss / batch, grad };
}

/**
 * snnTorch's `mse_count_loss`: spike counts vs `rate x steps` targets, mean over batch and outputs.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * // snnTorch's mse_count_loss: the correct class should fire in 80 % of the steps, the others in 20 %
 * train.spikeCountMse([40, 10, 12, 45], [0, 1], 2, { steps: 50, correctRate: 0.8, incorrectRate: 0.2 }).loss;
 * ```
 */
export function spikeCountMse(
  counts: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  opts: { steps: number; correctRate?: number; incorrectRate?: number },
): LossResult {
  const batch = counts.length / classes;
  if (!Number.isInteger(batch))
    throw new RangeError(
      `counts length ${counts.length} is not a multiple of classes = ${classes}`,
    );
  checkLabels(labels, batch, classes);
  const steps = checkInteger(opts.steps, "steps", 1);
  const on = checkNumber(opts.correctRate ?? 1, "correctRate", { min: 0, max: 1 }) * steps;
  const off = checkNumber(opts.incorrectRate ?? 0, "incorrectRate", { min: 0, max: 1 }) * steps;
  const grad = new Float32Array(counts.length);
  let loss = 0;
  const m = counts.length;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < classes; c++) {
      const d = counts[b * classes + c] - (c === labels[b] ? on : off);
      loss += d * d;
      grad[b * classes + c] = (2 * d) / m;
    }
  }
  return { loss: loss / m, grad };
}

/**
 * SpyTorch's rate regulariser on spikes `steps x batch x size`: value and gradient w.r.t. the spikes.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const spikes = new Float32Array([1, 0, 1, 1, 0, 0]); // (steps x batch) x 2 neurons
 * train.rateRegularizer(spikes, 2, { l2: 1e-3 }).loss;
 * ```
 */
export function rateRegularizer(
  spikes: Float32Array,
  size: number,
  opts: { l1?: number; l2?: number },
): LossResult {
  const l1 = checkNonNegative(opts.l1 ?? 0, "l1");
  const l2 = checkNonNegative(opts.l2 ?? 0, "l2");
  const counts = new Float64Array(size);
  let total = 0;
  for (let k = 0; k < spikes.length; k++) {
    counts[k % size] += spikes[k];
    total += spikes[k];
  }
  let sq = 0;
  for (let i = 0; i < size; i++) sq += counts[i] * counts[i];
  const grad = new Float32Array(spikes.length);
  for (let k = 0; k < spikes.length; k++) grad[k] = l1 + (l2 * 2 * counts[k % size]) / size;
  return { loss: l1 * total + (l2 * sq) / size, grad };
}

/**
 * Index of the largest entry of each row (ties: the first), `batch` entries.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.argmaxRows([0.1, 0.9, 0.7, 0.3], 2); // Int32Array [1, 0]
 * ```
 */
export function argmaxRows(output: ArrayLike<number>, classes: number): Int32Array {
  const batch = output.length / classes;
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) {
      if (output[b * classes + c] > best) {
        best = output[b * classes + c];
        out[b] = c;
      }
    }
  }
  return out;
}
