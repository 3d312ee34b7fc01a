/**
 * Training loop: seeded shuffling, mini-batches, epochs, a progress callback (loss, accuracy,
 * ETA) and an interrupt at a batch boundary; evaluation on a held-out set.
 *
 * In the neurolab kernel, a live bar:
 *
 *     const bar = progressBar(epochs * Math.ceil(n / batchSize), "training");
 *     await train.fit(model, data, { epochs, batchSize, optimizer, signal: bar.signal,
 *       onProgress: (p) => bar.update(p.step, `loss ${p.loss.toFixed(3)} acc ${(100 * p.accuracy).toFixed(1)}%`) });
 *     bar.done();
 *
 * The stop button aborts `signal`: `fit` rejects with an `AbortError` at the next batch boundary;
 * the model keeps the weights of the last completed batch.
 */
import { checkInteger, checkNonNegative } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import {
  argmaxRows,
  crossEntropy,
  rateRegularizer,
  spikeCountMse,
  type LossResult,
} from "./losses.js";
import type { SpikeBatch, SpikingModel } from "./model.js";
import type { Optimizer } from "./optim.js";

/** Labelled samples, each `steps x inputs` (sample-major, then time, then input channel). */
export interface SpikeDataset {
  readonly steps: number;
  readonly inputs: number;
  /** `samples x steps x inputs` values (spikes 0/1 or graded). */
  readonly x: Float32Array;
  /** Class of each sample. */
  readonly labels: Int32Array;
}

/** Number of samples of a dataset. */
export const datasetSize = (d: SpikeDataset): number => d.labels.length;

/**
 * Checks a dataset's shape and values.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.checkDataset({ steps: 2, inputs: 1, x: new Float32Array(4), labels: Int32Array.of(0, 1) }, "data");
 * ```
 */
export function checkDataset(d: SpikeDataset, name = "data"): void {
  checkInteger(d.steps, `${name}.steps`, 1);
  checkInteger(d.inputs, `${name}.inputs`, 1);
  if (d.x.length !== d.labels.length * d.steps * d.inputs) {
    throw new RangeError(
      `${name}.x must have samples x steps x inputs = ${d.labels.length * d.steps * d.inputs} entries, got ${d.x.length}`,
    );
  }
  // x * 0 is 0 for a finite x and NaN otherwise: one sum finds out whether to look further.
  const x = d.x;
  let probe = 0;
  for (let k = 0; k < x.length; k++) probe += x[k] * 0;
  if (probe === 0) return;
  for (let k = 0; k < x.length; k++)
    if (!Number.isFinite(x[k])) throw new RangeError(`${name}.x[${k}] must be finite, got ${x[k]}`);
}

/**
 * The batch (time-major CSR) of samples `indices` of a dataset.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const data = { steps: 2, inputs: 1, x: Float32Array.of(1, 0, 0, 1), labels: Int32Array.of(0, 1) };
 * train.makeBatch(data, [1, 0]); // samples 1 and 0 as one sparse batch
 * ```
 */
export function makeBatch(d: SpikeDataset, indices: ArrayLike<number>): SpikeBatch {
  const B = indices.length,
    T = d.steps,
    n = d.inputs;
  const rowPtr = new Int32Array(T * B + 1);
  let nnz = 0;
  for (let b = 0; b < B; b++) {
    const base = indices[b] * T * n;
    for (let k = 0; k < T * n; k++) if (d.x[base + k] !== 0) nnz++;
  }
  const idx = new Int32Array(nnz),
    val = new Float32Array(nnz);
  let at = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const base = (indices[b] * T + t) * n;
      for (let i = 0; i < n; i++) {
        const v = d.x[base + i];
        if (v !== 0) {
          idx[at] = i;
          val[at] = v;
          at++;
        }
      }
      rowPtr[t * B + b + 1] = at;
    }
  }
  return { steps: T, batch: B, inputs: n, rowPtr, idx, val };
}

/** A loss on the model output: by name, or a function returning value and gradient. */
export type LossSpec =
  | "crossEntropy"
  | { kind: "spikeCountMse"; correctRate?: number; incorrectRate?: number }
  | ((output: Float32Array, labels: Int32Array, classes: number, steps: number) => LossResult);

/** A firing-rate regulariser on spiking layer `layer` (see {@link rateRegularizer}). */
export interface RegularizerSpec {
  layer: number;
  l1?: number;
  l2?: number;
}

/** A progress report of {@link fit}. */
export interface TrainProgress {
  /** Epoch (1-based) and number of epochs. */
  epoch: number;
  epochs: number;
  /** Batch within the epoch (1-based) and batches per epoch. */
  batch: number;
  batches: number;
  /** Batches done in all and in total (for a progress bar). */
  step: number;
  steps: number;
  /** Mean loss and training accuracy of this epoch so far. */
  loss: number;
  accuracy: number;
  /** Wall time since the start and estimated time left, ms. */
  elapsed_ms: number;
  eta_ms: number;
}

/** Per-epoch record of {@link fit}. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  /** Accuracy on `validation`, if given. */
  validationAccuracy?: number;
  wall_ms: number;
}

/** Options of {@link fit}. */
export interface FitOptions {
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  /** Default "crossEntropy". */
  loss?: LossSpec;
  /** Seed of the shuffling (default: the model's seed). */
  seed?: number;
  /** Shuffle the samples every epoch (default true). */
  shuffle?: boolean;
  regularizers?: readonly RegularizerSpec[];
  /** Evaluated after each epoch. */
  validation?: SpikeDataset;
  onProgress?: (p: TrainProgress) => void;
  /** Called after each epoch. */
  onEpoch?: (r: EpochRecord) => void;
  /** Aborting it stops training at the next batch boundary (an AbortError). */
  signal?: AbortSignal;
}

function evalLoss(
  spec: LossSpec,
  out: Float32Array,
  labels: Int32Array,
  classes: number,
  steps: number,
): LossResult {
  if (spec === "crossEntropy") return crossEntropy(out, labels, classes);
  if (typeof spec === "function") return spec(out, labels, classes, steps);
  if (spec.kind === "spikeCountMse")
    return spikeCountMse(out, labels, classes, {
      steps,
      correctRate: spec.correctRate,
      incorrectRate: spec.incorrectRate,
    });
  throw new RangeError(`loss must be "crossEntropy", { kind: "spikeCountMse" } or a function`);
}

/**
 * One training step on a batch: forward, loss (+ regularisers), backward, optimiser step.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 1, layers: [train.lif({ size: 4 }), train.readout({ size: 2 })], seed: 1 });
 * const data = { steps: 2, inputs: 1, x: Float32Array.of(1, 0, 0, 1), labels: Int32Array.of(0, 1) };
 * train.trainStep(model, train.makeBatch(data, [0, 1]), data.labels, train.adam(model)); // { loss, correct }
 * ```
 */
export function trainStep(
  model: SpikingModel,
  batch: SpikeBatch,
  labels: Int32Array,
  optimizer: Optimizer,
  opts: { loss?: LossSpec; regularizers?: readonly RegularizerSpec[] } = {},
): { loss: number; correct: number } {
  const out = model.forward(batch);
  const classes = model.outputs;
  const l = evalLoss(opts.loss ?? "crossEntropy", out, labels, classes, batch.steps);
  let loss = l.loss;
  const spikeGrads = new Map<number, Float32Array>();
  for (const r of opts.regularizers ?? []) {
    const size = model.layers[r.layer]?.size;
    if (size === undefined) throw new RangeError(`regularizers: layer ${r.layer} does not exist`);
    // The regulariser depends on the spike counts per neuron only; its gradient is the same at
    // every step and sample (so it works with checkpointing, where not every step is stored).
    const reg = rateRegularizer(Float32Array.from(model.spikeCounts(r.layer)), size, r);
    loss += reg.loss;
    const prev = spikeGrads.get(r.layer);
    if (prev) for (let k = 0; k < prev.length; k++) prev[k] += reg.grad[k];
    else spikeGrads.set(r.layer, reg.grad);
  }
  model.zeroGrad();
  model.backward(l.grad, spikeGrads);
  optimizer.step();
  const pred = argmaxRows(out, classes);
  let correct = 0;
  for (let b = 0; b < labels.length; b++) if (pred[b] === labels[b]) correct++;
  return { loss, correct };
}

/**
 * Accuracy (fraction correct) of the model on a dataset, in batches of `batchSize`.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 1, layers: [train.readout({ size: 2 })], seed: 1 });
 * train.evaluate(model, { steps: 2, inputs: 1, x: Float32Array.of(1, 0, 0, 1), labels: Int32Array.of(0, 1) }); // accuracy
 * ```
 */
export function evaluate(model: SpikingModel, data: SpikeDataset, batchSize = 256): number {
  checkDataset(data);
  const n = datasetSize(data);
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => start + k);
    const pred = argmaxRows(model.forward(makeBatch(data, idx)), model.outputs);
    idx.forEach((s, k) => {
      if (pred[k] === data.labels[s]) correct++;
    });
  }
  return correct / n;
}

/**
 * A seeded permutation of 0..n-1 (Fisher-Yates).
 *
 * @example
 * ```ts
 * import { Rng, train } from "neurolab";
 * train.permutation(5, new Rng(1)); // a seeded shuffle of 0..4
 * ```
 */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * Trains a model (see the module header); resolves with one record per epoch.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const task = train.randomPoissonPatterns({ nClasses: 2, nInputs: 20, samplesPerClass: 8, duration_ms: 50, rate_Hz: 20, seed: 1 });
 * const steps = 50, n = task.samples.length;
 * const x = new Float32Array(n * steps * 20);
 * for (let k = 0; k < n; k++) x.set(train.taskSampleCounts(task, k, steps), k * steps * 20);
 * const data = { steps, inputs: 20, x, labels: task.labels };
 * const model = new train.SpikingModel({ inputs: 20, layers: [train.lif({ size: 32 }), train.readout({ size: 2 })], seed: 1 });
 * const history = await train.fit(model, data, { epochs: 5, batchSize: 8, optimizer: train.adam(model, { lr: 5e-3 }), seed: 1 });
 * history.at(-1)!.accuracy;
 * ```
 */
export async function fit(
  model: SpikingModel,
  data: SpikeDataset,
  opts: FitOptions,
): Promise<EpochRecord[]> {
  checkDataset(data);
  if (data.inputs !== model.inputs)
    throw new RangeError(
      `data.inputs must be the model's inputs (${model.inputs}), got ${data.inputs}`,
    );
  const epochs = checkInteger(opts.epochs, "epochs", 1);
  const batchSize = checkInteger(opts.batchSize, "batchSize", 1);
  const n = datasetSize(data);
  for (let s = 0; s < n; s++)
    checkInteger(data.labels[s], `data.labels[${s}]`, 0, model.outputs - 1);
  const rng = new Rng(checkNonNegative(opts.seed ?? model.seed, "seed"));
  const batches = Math.ceil(n / batchSize);
  const start = performance.now();
  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order =
      opts.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : permutation(n, rng);
    let lossSum = 0,
      correct = 0,
      seen = 0;
    const epochStart = performance.now();
    for (let k = 0; k < batches; k++) {
      if (opts.signal?.aborted) {
        const err = new Error(
          `training interrupted at epoch ${epoch}, batch ${k + 1} of ${batches}`,
        );
        err.name = "AbortError";
        throw err;
      }
      const idx = order.subarray(k * batchSize, Math.min(n, (k + 1) * batchSize));
      const labels = Int32Array.from(idx, (s) => data.labels[s]);
      const r = trainStep(model, makeBatch(data, idx), labels, opts.optimizer, opts);
      lossSum += r.loss * idx.length;
      correct += r.correct;
      seen += idx.length;
      const step = (epoch - 1) * batches + k + 1,
        steps = epochs * batches;
      const elapsed = performance.now() - start;
      opts.onProgress?.({
        epoch,
        epochs,
        batch: k + 1,
        batches,
        step,
        steps,
        loss: lossSum / seen,
        accuracy: correct / seen,
        elapsed_ms: elapsed,
        eta_ms: (elapsed / step) * (steps - step),
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const record: EpochRecord = {
      epoch,
      loss: lossSum / seen,
      accuracy: correct / seen,
      wall_ms: performance.now() - epochStart,
    };
    if (opts.validation) record.validationAccuracy = evaluate(model, opts.validation);
    history.push(record);
    opts.onEpoch?.(record);
  }
  return history;
}
