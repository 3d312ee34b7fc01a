/**
 * A feed-forward stack of spiking layers ({@link lif}, {@link readout}) trained by
 * backpropagation through time with surrogate gradients (Neftci, Mostafa & Zenke 2019).
 *
 * Forward: layer k's input currents for all steps and samples are one sparse-times-dense product
 * over the CSR of its input (`rowsForward`: only the weight rows of inputs that spiked are added),
 * then the neuron update runs step by step (a recurrent layer adds `V s[t-1]` per step the same
 * way). Backward: the neuron update is reversed step by step (recurrent layers accumulate
 * `V^T`-products of the next step's current gradient with `dotRows`), then the weight gradient
 * is accumulated only at presynaptic spikes (`rowsBackward`) and the input gradient of the layer
 * below with one dense `dotRows`. The products and the LIF neuron update (all steps of a layer in
 * one call, `lifForward` / `lifBackward`) and the readout (`readoutForward`, `readoutMax`,
 * `readoutSum`, `readoutBackward`) run in the WebAssembly kernels (`kernels.ts`); the meta neuron
 * (it draws from the model's JavaScript generator) is a TypeScript loop.
 *
 * Stored for BPTT, per spiking layer of n neurons (stride n' = n rounded up to 4), T steps,
 * B samples: the input current (reused for its gradient), the membrane potential, the spikes
 * and the spike gradient, 4 x 4 B T n' bytes, plus 4 B T n' for the synaptic current of a
 * current-based layer, plus the spike list (8 bytes per spike) and 4 (B T + 1) bytes of row
 * pointers; a readout stores 2 x 4 B T n' bytes, plus 5 x 4 B n' (the running maximum and its
 * step, the gradient carry, a float64 block: the mean's running sums, then the output gradient). The weight gradient's sort of a block of rows
 * takes 4 (inputs + 1) + 8 x (entries in the block) bytes more, during `backward`. `memoryBytes(steps, batch)` gives the total.
 * Example: 200 recurrent LIF neurons, 100 steps, batch 256: 124 MB (plus 8 bytes per non-zero input).
 *
 * Checkpointing (option `checkpoint`, Chen et al. 2016's "sublinear memory" recomputation): the
 * steps run in segments of L steps, all layers one segment at a time; every array above holds one
 * segment (L steps instead of T, plus one block of B rows with the state before it), and the
 * state before every segment (potential, spikes, synaptic current; the readout's value; the ELM's
 * traces and memory) is kept as a checkpoint, (K - 1) x 4 B n' bytes per state array for
 * K = ceil(T / L) segments: O(L + T / L) instead of O(T). `backward` reverses the segments from
 * the last, recomputing each from its checkpoint first (the same kernels over the segment's
 * rows: `lifForward` / `lifBackward` with `LIF_FLAGS.resume` continue from the rows before the
 * segment, `keepCarry` from the later segment's gradient carries; the readout's kernels likewise
 * with `READOUT_FLAGS`, `readoutMax` merging each segment into the running maximum and
 * `readoutSum` into the running sums, `readoutBackward` matching its absolute step), the meta neurons' generator
 * rewound to its state at the segment's start. The weight gradients' float32 sums over time run
 * in blocks of G = ceil(256 / B) steps from the last block (forward in time within a block) with
 * or without checkpointing, and segments are whole blocks, so every result is bitwise the same
 * for any L (`test/unit/train_checkpoint.test.ts`).
 */
import { checkInteger } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import type { LayerSpec, LifSpec, MetaSpec, ReadoutSpec } from "./layers.js";
import { LIF_FLAGS, READOUT_FLAGS, SURROGATE_KIND } from "./kernels.js";
import type { Surrogate } from "./surrogate.js";
import { align16, Workspace } from "./workspace.js";
import { describeValue } from "../core/describe.js";
import { DelaySynapses } from "./delays.js";
import { ElmLayer } from "./elm.js";

/** A CSR in the workspace (byte offsets); `ones`: 1 if every value is 1 (default 0). */
interface Csr {
  rowPtr: number;
  idx: number;
  val: number;
  ones?: number;
}

/** The neuron-update flags of a LIF layer for the kernels. */
function lifFlags(s: { alpha: unknown; V: unknown }, spec: LifSpec): number {
  const reset =
    spec.reset === "zero" ? LIF_FLAGS.resetZero : spec.reset === "none" ? LIF_FLAGS.resetNone : 0;
  return reset | (s.alpha ? LIF_FLAGS.synaptic : 0) | (s.V ? LIF_FLAGS.recurrent : 0);
}

/** A surrogate as the kernels' kind and float32 parameters (see {@link SURROGATE_KIND}). */
function surrogateArgs(sur: Surrogate): { kind: number; p0: number; p1: number } {
  const q = sur.params;
  switch (sur.kind) {
    case "atan":
      return { kind: SURROGATE_KIND.atan, p0: (Math.PI / 2) * q.alpha, p1: q.alpha / 2 };
    case "fastSigmoid":
      return { kind: SURROGATE_KIND.fastSigmoid, p0: q.slope, p1: 0 };
    case "superSpike":
      return { kind: SURROGATE_KIND.superSpike, p0: q.beta, p1: 0 };
    case "triangle":
      return { kind: SURROGATE_KIND.triangle, p0: q.gamma, p1: q.width };
    default:
      throw new RangeError(
        `surrogate kind must be one of "atan", "fastSigmoid", "superSpike", "triangle", got ${JSON.stringify((sur as Surrogate).kind)}`,
      );
  }
}

/** A batch of inputs in CSR form: row r = t * batch + b holds sample b's non-zero inputs at step t. */
export interface SpikeBatch {
  /** Time steps. */
  readonly steps: number;
  /** Samples. */
  readonly batch: number;
  /** Input channels. */
  readonly inputs: number;
  /** Row pointers, length steps * batch + 1. */
  readonly rowPtr: Int32Array;
  /** Input channel of each non-zero entry. */
  readonly idx: Int32Array;
  /** Value of each non-zero entry (1 for a spike; graded inputs allowed). */
  readonly val: Float32Array;
}

/** Anything with tfjs's `dataSync()` (a `tf.Tensor`), read without importing tfjs. */
export interface TensorLike {
  dataSync(): ArrayLike<number>;
}

/**
 * A batch from a dense time-major array `x[(t * batch + b) * inputs + i]` (zeros are skipped), or
 * a tfjs tensor of shape [steps, batch, inputs]. Non-finite values are refused.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * // 2 steps x 1 sample x 3 inputs, time-major (as snnTorch's [time, batch, inputs])
 * const batch = train.batchFromDense([0, 1, 0, 1, 0, 1], { steps: 2, batch: 1, inputs: 3 });
 * ```
 */
export function batchFromDense(
  input: ArrayLike<number> | TensorLike,
  shape: { steps: number; batch: number; inputs: number },
): SpikeBatch {
  const x: ArrayLike<number> =
    typeof (input as TensorLike).dataSync === "function"
      ? (input as TensorLike).dataSync()
      : (input as ArrayLike<number>);
  const steps = checkInteger(shape.steps, "steps", 1);
  const batch = checkInteger(shape.batch, "batch", 1);
  const inputs = checkInteger(shape.inputs, "inputs", 1);
  if (x.length !== steps * batch * inputs)
    throw new RangeError(
      `x must have steps * batch * inputs = ${steps * batch * inputs} entries, got ${x.length}`,
    );
  const rows = steps * batch;
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    if (!Number.isFinite(v)) throw new RangeError(`x[${k}] must be finite, got ${v}`);
    if (v !== 0) nnz++;
  }
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inputs; i++) {
      const v = x[r * inputs + i];
      if (v !== 0) {
        idx[at] = i;
        val[at] = v;
        at++;
      }
    }
    rowPtr[r + 1] = at;
  }
  return { steps, batch, inputs, rowPtr, idx, val };
}

/** One parameter array of a model. */
export interface Parameter {
  /** "layer<k>.<W|V|b|beta|alpha|threshold>". */
  readonly name: string;
  /** Rows x columns (columns padded to `stride` in memory). */
  readonly rows: number;
  readonly cols: number;
  readonly stride: number;
  /** Updated by optimisers. */
  readonly trainable: boolean;
  /** Range enforced after each optimiser step (beta and alpha: [0, 1]). */
  readonly clamp?: readonly [number, number];
  /** Factor on the optimiser's learning rate (default 1; delays: 100, as SNN-delays' `lr_pos`). */
  readonly lrScale?: number;
  /** Byte offsets of the values and gradients in the workspace. */
  readonly offset: number;
  readonly gradOffset: number;
}

interface LayerState {
  spec: LayerSpec;
  nIn: number;
  n: number;
  stride: number;
  W: Parameter;
  b: Parameter;
  V: Parameter | null;
  beta: Parameter;
  alpha: Parameter | null;
  threshold: Parameter | null;
  gain: Parameter | null;
  noise: Parameter | null;
  delays: DelaySynapses | null;
  elm: ElmLayer | null;
  /** Spikes per neuron in the last forward pass (spiking layers; counted in `forward` when checkpointed). */
  counts: Int32Array | null;
  // transient (per batch) byte offsets, rows of one segment (local step 0 first); `mem`, `spk`
  // and `syn` are preceded by one block of B rows holding the state before the segment
  cur: number;
  mem: number;
  spk: number;
  syn: number;
  gS: number;
  rowPtr: number;
  idx: number;
  val: number;
  /**
   * Readouts: the running max over time (float32) and its absolute step (int32), B x stride;
   * `f64Block`: B x stride float64, a mean's running sums in `forward`, dLoss/doutput in `backward`.
   */
  argmax: number;
  best: number;
  f64Block: number;
  carry: number;
  /** Recurrent layers: the spikes before the segment as a CSR (B rows), the current gradient of the next segment's first step. */
  prevRowPtr: number;
  prevIdx: number;
  prevVal: number;
  gNext: number;
  /** Checkpoints: the state (mem, spk, syn) before segments 1 .. segments - 1, B rows each. */
  ckMem: number;
  ckSpk: number;
  ckSyn: number;
}

const TRANSIENT_KEYS = [
  "cur",
  "mem",
  "spk",
  "syn",
  "gS",
  "rowPtr",
  "idx",
  "val",
  "argmax",
  "best",
  "f64Block",
  "carry",
  "prevRowPtr",
  "prevIdx",
  "prevVal",
  "gNext",
  "ckMem",
  "ckSpk",
  "ckSyn",
] as const;
type TransientOffsets = Record<(typeof TRANSIENT_KEYS)[number], number>;

function blankOffsets(): TransientOffsets {
  return Object.fromEntries(TRANSIENT_KEYS.map((k) => [k, 0])) as TransientOffsets;
}

function blankState() {
  return {
    V: null,
    alpha: null,
    threshold: null,
    gain: null,
    noise: null,
    delays: null,
    elm: null,
    counts: null,
    ...blankOffsets(),
  };
}

/** Default of {@link CheckpointOptions.limitBytes}: 256 MiB. */
const DEFAULT_CHECKPOINT_LIMIT = 256 * 1024 ** 2;
/** Rows of one block of the weight gradient's sums (see {@link SpikingModel.gradientBlockSteps}). */
const GRAD_BLOCK_ROWS = 256;

/**
 * Checkpointing of the states stored for BPTT: give `every` (steps per segment) or `limitBytes`
 * (segments only when a batch's per-batch memory would exceed it, as long as fit). Segments are
 * whole multiples of the gradient block, ceil(256 / batch) steps.
 */
export interface CheckpointOptions {
  /** Keep the state before every `every` steps (rounded up to a whole gradient block) and recompute the steps in between. */
  every?: number;
  /** Checkpoint only when the per-batch memory (`memoryBytes` minus parameters) would exceed this many bytes; then the longest segments that fit. */
  limitBytes?: number;
}

/** Options of {@link SpikingModel}. */
export interface ModelOptions {
  /** Number of input channels. */
  inputs: number;
  /** The layers, first to last; the last is the output. */
  layers: readonly LayerSpec[];
  /** Seed of the weight initialisation. */
  seed: number;
  /** Use the WebAssembly kernels when available (default true); false runs the TypeScript reference. */
  wasm?: boolean;
  /**
   * Checkpointing of the BPTT states (default `{ limitBytes: 256 MiB }`; `false`: store every step).
   * Results are bitwise the same with any setting.
   */
  checkpoint?: CheckpointOptions | false;
}

/** A copy of a generator's state (all its fields are plain numbers), to replay its stream. */
function snapshot(rng: Rng): Rng {
  return Object.assign(Object.create(Rng.prototype) as Rng, rng);
}

/**
 * A spiking network trained with surrogate gradients (see the module header).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({
 *   inputs: 12,
 *   layers: [train.lif({ size: 200, tauMem_ms: 20, tauSyn_ms: 10, dt_ms: 1, recurrent: true }), train.readout({ size: 27 })],
 *   seed: 1,
 *   checkpoint: { every: 25 }, // keep the state every 25 steps, recompute the rest in backward
 * });
 * const out = model.forward(train.batchFromDense(new Float32Array(100 * 12), { steps: 100, batch: 1, inputs: 12 }));
 * model.memoryBytes(100, 64); // stored states for BPTT at 100 steps x batch 64
 * ```
 */
export class SpikingModel {
  readonly inputs: number;
  readonly layers: readonly LayerSpec[];
  readonly seed: number;
  /** All parameters, in layer order. */
  readonly parameters: readonly Parameter[];
  private readonly ws: Workspace;
  private readonly states: LayerState[];
  /** Draws of the meta neurons' spikes (seeded by the model's seed). */
  private readonly sampler: Rng;
  private last: { steps: number; batch: number } | null = null;
  private inRowPtr = 0;
  private inIdx = 0;
  private inVal = 0;
  /** The weight gradient's sorting scratch (a transient allocation, reset by `plan`). */
  private scratch = { offset: 0, bytes: 0 };
  /** Whether every input value of the last batch is 1 (spikes): the kernels skip the products. */
  private inOnes = 0;
  private checkpointOption: CheckpointOptions | false = false;
  /** Steps per segment and number of segments of the last batch; the segment whose states are in memory. */
  private segL = 0;
  private segK = 0;
  private resident = -1;
  /** The sampler's state at the start of every segment and after the last. */
  private samplerAt: Rng[] = [];

  constructor(opts: ModelOptions) {
    this.inputs = checkInteger(opts.inputs, "inputs", 1);
    if (!Array.isArray(opts.layers) || opts.layers.length === 0)
      throw new RangeError("layers must be a non-empty array of lif(...) / readout(...) layers");
    opts.layers.forEach((l, k) => {
      if (l.type === "readout" && k !== opts.layers.length - 1)
        throw new RangeError(`layers[${k}]: a readout must be the last layer`);
      if (l.type === "elm" && k === opts.layers.length - 1)
        throw new RangeError(
          `layers[${k}]: an elm layer must be followed by another layer (a readout)`,
        );
    });
    this.layers = opts.layers;
    this.checkpoint = opts.checkpoint ?? { limitBytes: DEFAULT_CHECKPOINT_LIMIT };
    this.seed = checkInteger(opts.seed, "seed", 0, 2 ** 32 - 1);
    this.ws = new Workspace({ wasm: opts.wasm });
    const params: Parameter[] = [];
    const rng = new Rng(this.seed);
    const add = (
      name: string,
      rows: number,
      cols: number,
      trainable: boolean,
      clamp?: [number, number],
      lrScale?: number,
    ): Parameter => {
      const stride = Math.ceil(cols / 4) * 4;
      const bytes = rows * stride * 4;
      const p: Parameter = {
        name,
        rows,
        cols,
        stride,
        trainable,
        clamp,
        lrScale,
        offset: this.ws.alloc(bytes, true),
        gradOffset: this.ws.alloc(bytes, true),
      };
      params.push(p);
      return p;
    };
    this.states = [];
    let nIn = this.inputs;
    opts.layers.forEach((spec, k) => {
      const n = spec.size;
      const stride = Math.ceil(n / 4) * 4;
      if (spec.type === "elm") {
        const elm = new ElmLayer(spec, nIn, this.ws, rng, add, k);
        const none = null as unknown as Parameter; // W, b, beta: not used by an elm layer
        this.states.push({
          ...blankState(),
          spec,
          nIn,
          n,
          stride,
          W: none,
          b: none,
          beta: none,
          elm,
        });
        nIn = n;
        return;
      }
      const isLif = spec.type === "lif",
        isMeta = spec.type === "meta",
        spiking = isLif || isMeta;
      const W = add(`layer${k}.W`, nIn, n, true);
      const b = add(`layer${k}.b`, 1, n, spec.bias);
      const V = spiking && spec.recurrent ? add(`layer${k}.V`, n, n, true) : null;
      const beta = isMeta
        ? add(`layer${k}.leak`, 1, n, spec.learnLeak, [0, 1])
        : add(`layer${k}.beta`, 1, n, spec.learnBeta, [0, 1]);
      const alpha =
        isLif && spec.alpha !== null ? add(`layer${k}.alpha`, 1, n, spec.learnAlpha, [0, 1]) : null;
      const threshold = spiking ? add(`layer${k}.threshold`, 1, n, spec.learnThreshold) : null;
      const gain = isMeta ? add(`layer${k}.gain`, 1, n, spec.learnGain) : null;
      const noise = isMeta ? add(`layer${k}.noise`, 1, n, spec.learnNoise, [1e-3, Infinity]) : null;
      // nn.Linear initialisation: U(-s, s), s = scale / sqrt(fan_in), for weights and bias;
      // or SpyTorch's N(0, s^2) for weights with zero bias.
      const init = (p: Parameter, fanIn: number, scale: number) => {
        const s = scale / Math.sqrt(fanIn);
        const v = this.ws.f32(p.offset, p.rows * p.stride);
        for (let r = 0; r < p.rows; r++)
          for (let c = 0; c < p.cols; c++)
            v[r * p.stride + c] =
              spec.init === "normal" ? s * rng.normal() : s * (2 * rng.uniform() - 1);
      };
      init(W, nIn, spec.weightScale);
      if (spec.bias && spec.init === "uniform") init(b, nIn, spec.weightScale);
      if (V) init(V, n, (spec as LifSpec | MetaSpec).recurrentScale);
      this.ws.f32(beta.offset, n).fill(spec.type === "meta" ? spec.leak : spec.beta);
      if (alpha) this.ws.f32(alpha.offset, n).fill((spec as LifSpec).alpha!);
      if (threshold) this.ws.f32(threshold.offset, n).fill((spec as LifSpec | MetaSpec).threshold);
      if (gain) this.ws.f32(gain.offset, n).fill((spec as MetaSpec).gain);
      if (noise) this.ws.f32(noise.offset, n).fill((spec as MetaSpec).noise);
      const delays =
        isLif && spec.delays
          ? DelaySynapses.create(spec.delays, k, nIn, n, stride, W, this.ws, rng, add)
          : null;
      this.states.push({
        ...blankState(),
        spec,
        nIn,
        n,
        stride,
        W,
        b,
        V,
        beta,
        alpha,
        threshold,
        gain,
        noise,
        delays,
        counts: spiking ? new Int32Array(n) : null,
      });
      nIn = n;
    });
    this.parameters = params;
    this.sampler = rng.fork();
  }
  /** Checkpointing of the BPTT states (see {@link ModelOptions.checkpoint}); may be changed between batches. */
  get checkpoint(): CheckpointOptions | false {
    return this.checkpointOption;
  }

  set checkpoint(opt: CheckpointOptions | false) {
    if (opt === false) {
      this.checkpointOption = false;
      return;
    }
    if (typeof opt !== "object" || opt === null)
      throw new RangeError(
        `checkpoint must be false, { every } or { limitBytes }, got ${describeValue(opt)}`,
      );
    if ((opt.every === undefined) === (opt.limitBytes === undefined))
      throw new RangeError("checkpoint: give exactly one of every (steps) and limitBytes");
    this.checkpointOption =
      opt.every !== undefined
        ? { every: checkInteger(opt.every, "checkpoint.every", 1) }
        : { limitBytes: checkInteger(opt.limitBytes, "checkpoint.limitBytes", 1) };
  }

  /**
   * Steps per block of the weight gradients' sums at `batch` samples: ceil(256 / batch). The sums
   * over time run block by block from the last (forward in time within a block), so checkpointed
   * segments, whole blocks each, give the same float32 sums as one pass over all steps.
   */
  static gradientBlockSteps(batch: number): number {
    return Math.max(1, Math.ceil(GRAD_BLOCK_ROWS / batch));
  }

  /**
   * Steps per checkpointed segment for a batch (`steps` when nothing is checkpointed), from the
   * `checkpoint` option (see the module header); `inputNnz`: non-zero inputs of the batch (they
   * count towards `limitBytes`, 8 bytes each).
   */
  segmentSteps(steps: number, batch: number, inputNnz = 0): number {
    const T = checkInteger(steps, "steps", 1),
      B = checkInteger(batch, "batch", 1);
    const opt = this.checkpointOption;
    if (opt === false) return T;
    const G = SpikingModel.gradientBlockSteps(B);
    // A delayed layer reads its input d < taps steps back: across segments only from the model's input.
    const delayedAbove = this.states.findIndex((s, k) => k > 0 && s.delays);
    if (opt.every !== undefined) {
      const L = Math.min(T, Math.ceil(opt.every / G) * G);
      if (L < T && delayedAbove >= 0)
        throw new RangeError(
          `checkpoint: layers[${delayedAbove}] has delays and is fed by another layer; checkpointing needs delayed layers to be the first (use checkpoint: false)`,
        );
      return L;
    }
    const limit = opt.limitBytes!;
    if (delayedAbove >= 0 || this.transientBytes(T, B, inputNnz, T) <= limit) return T;
    let fit = 0,
      best = G,
      least = Infinity;
    for (let L = G; L < T; L += G) {
      const bytes = this.transientBytes(T, B, inputNnz, L);
      if (bytes <= limit) fit = L;
      if (bytes < least) [least, best] = [bytes, L];
    }
    return fit || best;
  }

  /** Whether the WebAssembly kernels run. */
  get wasm(): boolean {
    return this.ws.wasm;
  }

  /** Number of outputs (the last layer's size). */
  get outputs(): number {
    return this.layers[this.layers.length - 1].size;
  }

  /**
   * Bytes of the workspace a batch of `steps` x `batch` needs (parameters, gradients, stored
   * states and checkpoints under the `checkpoint` option; plus 8 bytes per non-zero input and
   * the weight gradient's sorting scratch during `backward`).
   */
  memoryBytes(steps: number, batch: number): number {
    return (
      this.ws.persistentBytes +
      this.transientBytes(steps, batch, 0, this.segmentSteps(steps, batch))
    );
  }

  /** A copy of a parameter's values, rows x cols, row-major without padding. */
  get(name: string): Float32Array {
    const p = this.param(name);
    const v = this.ws.f32(p.offset, p.rows * p.stride);
    const out = new Float32Array(p.rows * p.cols);
    for (let r = 0; r < p.rows; r++)
      out.set(v.subarray(r * p.stride, r * p.stride + p.cols), r * p.cols);
    return out;
  }

  /** Sets a parameter's values (rows x cols, row-major). */
  set(name: string, values: ArrayLike<number>): void {
    const p = this.param(name);
    if (values.length !== p.rows * p.cols)
      throw new RangeError(
        `${name} needs ${p.rows * p.cols} values (${p.rows} x ${p.cols}), got ${values.length}`,
      );
    const v = this.ws.f32(p.offset, p.rows * p.stride);
    for (let r = 0; r < p.rows; r++) {
      for (let c = 0; c < p.cols; c++) {
        const x = values[r * p.cols + c];
        if (!Number.isFinite(x))
          throw new RangeError(`${name}[${r * p.cols + c}] must be finite, got ${x}`);
        v[r * p.stride + c] = x;
      }
    }
  }

  /** A copy of a parameter's gradient from the last `backward` (rows x cols). */
  grad(name: string): Float32Array {
    const p = this.param(name);
    const v = this.ws.f32(p.gradOffset, p.rows * p.stride);
    const out = new Float32Array(p.rows * p.cols);
    for (let r = 0; r < p.rows; r++)
      out.set(v.subarray(r * p.stride, r * p.stride + p.cols), r * p.cols);
    return out;
  }

  /** Live views (values, gradients; padded rows) of a parameter, for optimisers. */
  views(p: Parameter): { value: Float32Array; grad: Float32Array } {
    const len = p.rows * p.stride;
    return { value: this.ws.f32(p.offset, len), grad: this.ws.f32(p.gradOffset, len) };
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    for (const p of this.parameters) this.ws.f32(p.gradOffset, p.rows * p.stride).fill(0);
  }

  /**
   * Runs the network on a batch and returns the output per sample, `batch x outputs`
   * (row-major): the readout's logits, or a spiking output layer's spike counts.
   * The states are kept for {@link SpikingModel.backward}.

  /**
   * Runs the network on a batch and returns the output per sample, `batch x outputs`
   * (row-major): the readout's logits, or a spiking output layer's spike counts.
   * The states are kept for {@link SpikingModel.backward} (with checkpointing: the states before
   * every segment and the last segment's).
   */
  forward(input: SpikeBatch): Float32Array {
    if (input.inputs !== this.inputs)
      throw new RangeError(`input.inputs must be ${this.inputs}, got ${input.inputs}`);
    const T = input.steps,
      B = input.batch,
      R = T * B;
    if (
      input.rowPtr.length !== R + 1 ||
      input.rowPtr[R] !== input.idx.length ||
      input.val.length !== input.idx.length
    ) {
      throw new RangeError(
        "input: rowPtr must have steps * batch + 1 entries ending at idx.length, and val as many entries as idx",
      );
    }
    this.plan(T, B, input.idx.length);
    this.ws.i32(this.inRowPtr, R + 1).set(input.rowPtr);
    const idxView = this.ws.i32(this.inIdx, input.idx.length);
    idxView.set(input.idx);
    for (let k = 0; k < idxView.length; k++) {
      if (!(idxView[k] >= 0 && idxView[k] < this.inputs))
        throw new RangeError(
          `input.idx[${k}] must be an input channel in [0, ${this.inputs - 1}], got ${idxView[k]}`,
        );
    }
    this.ws.f32(this.inVal, input.val.length).set(input.val);
    let ones = 1;
    for (let k = 0; k < input.val.length; k++)
      if (input.val[k] !== 1) {
        ones = 0;
        break;
      }
    this.inOnes = ones;
    for (const s of this.states) {
      s.counts?.fill(0);
      if (s.delays) s.delays.prepare(this.ws);
    }
    const top = this.states[this.states.length - 1],
      C = top.n;
    const out = new Float32Array(B * C);
    const sums =
      top.spec.type === "readout" && top.spec.reduce === "mean" ? new Float64Array(B * C) : null;
    this.samplerAt = [];
    for (let seg = 0; seg < this.segK; seg++) {
      this.samplerAt.push(snapshot(this.sampler));
      this.runSegment(seg);
      const [t0, t1] = this.segmentRange(seg);
      this.reduceOutput(t0, t1, out, sums);
      // spike counts per neuron: accumulated here only when the segments are not all kept
      if (this.segK > 1) for (const s of this.states) if (s.counts) this.countSpikes(s, t1 - t0);
      if (seg + 1 < this.segK) this.saveCheckpoint(seg + 1);
    }
    this.samplerAt.push(snapshot(this.sampler));
    if (sums) for (let k = 0; k < out.length; k++) out[k] = sums[k] / T;
    return out;
  }

  /** Spikes of layer `k` from the last forward pass, time-major `steps x batch x size` (0/1). */
  spikes(k: number): Float32Array {
    const s = this.states[checkInteger(k, "k", 0, this.states.length - 1)];
    if (s.spec.type === "readout" || s.elm || !this.last)
      throw new RangeError(`layer ${k} has no spikes from a forward pass`);
    this.requireAllSteps("spikes");
    return this.unpad(s.spk, this.last.steps * this.last.batch, s);
  }

  /**
   * Spikes per neuron of layer `k` in the last forward pass, summed over steps and samples
   * (available with checkpointing too).
   */
  spikeCounts(k: number): Float64Array {
    const s = this.states[checkInteger(k, "k", 0, this.states.length - 1)];
    if (!s.counts || !this.last)
      throw new RangeError(`layer ${k} has no spikes from a forward pass`);
    if (this.segK === 1) {
      s.counts.fill(0);
      this.countSpikes(s, this.last.steps);
    }
    return Float64Array.from(s.counts);
  }

  /** Membrane potentials (or readout values) of layer `k` from the last forward pass, `steps x batch x size`. */
  potentials(k: number): Float32Array {
    const s = this.states[checkInteger(k, "k", 0, this.states.length - 1)];
    if (!this.last) throw new RangeError("no forward pass yet");
    this.requireAllSteps("potentials");
    return this.unpad(s.mem, this.last.steps * this.last.batch, s);
  }

  /**
   * Backpropagates `gradOutput` (dLoss/doutput, `batch x outputs`) through the last forward
   * pass and adds the parameter gradients to `grad`. `spikeGrads[k]` optionally adds
   * dLoss/dspikes of layer k: time-major `steps x batch x size`, or `size` values (the same at
   * every step and sample, e.g. a rate regulariser's). With checkpointing, every segment but the
   * last is recomputed from its checkpoint first (the meta neurons' draws replayed).
   */
  backward(
    gradOutput: ArrayLike<number>,
    spikeGrads: ReadonlyMap<number, Float32Array> = new Map(),
  ): void {
    if (!this.last) throw new RangeError("backward needs a forward pass first");
    const { steps: T, batch: B } = this.last;
    const C = this.outputs;
    if (gradOutput.length !== B * C)
      throw new RangeError(
        `gradOutput must have batch x outputs = ${B * C} entries, got ${gradOutput.length}`,
      );
    for (const [k, g] of spikeGrads) {
      const s = this.states[k];
      if (!s || s.spec.type === "readout" || s.elm)
        throw new RangeError(`spikeGrads: layer ${k} is not a spiking layer`);
      if (g.length !== T * B * s.n && g.length !== s.n)
        throw new RangeError(
          `spikeGrads[${k}] must have steps x batch x size = ${T * B * s.n} or size = ${s.n} entries, got ${g.length}`,
        );
    }
    const G = SpikingModel.gradientBlockSteps(B);
    for (const s of this.states) {
      s.delays?.beginBackward(this.ws);
      s.elm?.beginBackward(B);
    }
    for (let seg = this.segK - 1; seg >= 0; seg--) {
      if (this.resident !== seg) {
        Object.assign(this.sampler, this.samplerAt[seg]);
        this.runSegment(seg);
      }
      const [t0, t1] = this.segmentRange(seg),
        n = t1 - t0;
      this.seedSpikeGradients(t0, n, gradOutput, spikeGrads);
      for (let k = this.states.length - 1; k >= 0; k--) {
        const s = this.states[k];
        const below = k > 0 ? this.states[k - 1] : null;
        const csr = this.inputCsr(k, t0);
        if (s.elm) {
          s.elm.backwardSegment(
            this.ws,
            csr,
            t0,
            t1,
            B,
            s.gS,
            below && { offset: below.gS, stride: below.stride },
          );
          continue;
        }
        if (s.spec.type === "lif") this.lifBackward(s, s.spec, seg, n, B);
        else if (s.spec.type === "meta") this.metaBackward(s, seg, n, B);
        else if (s.spec.type === "readout")
          this.readoutBackward(s, s.spec, gradOutput, seg, t0, n, B);
        if (s.V) this.recurrentGrad(s, t0, t1, B);
        // Weight gradient: dW[i] += x[r, i] gI[r] at the non-zero inputs only, block by block from the last.
        const stepBytes = 4 * B * s.stride;
        if (s.delays) {
          s.delays.backwardRows(
            k === 0 ? this.inputCsr(0, 0) : csr,
            t0,
            t1,
            B,
            G,
            s.cur,
            (rows, c, src, dst) => this.weightGrad(rows, c, src, s.stride, dst, s.nIn),
          );
          if (below)
            s.delays.inputGradient(this.ws, T, B, s.cur, {
              offset: below.gS,
              stride: below.stride,
            });
        } else {
          forBlocks(t0, t1, G, (a, b) =>
            this.weightGrad(
              (b - a) * B,
              this.inputCsr(k, t0, a),
              s.cur + (a - t0) * stepBytes,
              s.stride,
              s.W.gradOffset,
              s.nIn,
            ),
          );
          if (below)
            this.ws
              .kernels()
              .dotRows(n * B, s.cur, s.W.offset, s.nIn, s.stride, below.gS, below.stride);
        }
        if (s.V && seg > 0)
          this.ws.f32(s.gNext, B * s.stride).set(this.ws.f32(s.cur, B * s.stride));
      }
    }
    for (const s of this.states) {
      s.delays?.finishBackward(this.ws);
      s.elm?.finishBackward(this.ws);
    }
    Object.assign(this.sampler, this.samplerAt[this.segK]);
  }

  // ---------------------------------------------------------------- internals

  private param(name: string): Parameter {
    const p = this.parameters.find((q) => q.name === name);
    if (!p)
      throw new RangeError(
        `no parameter ${describeValue(name)}; parameters are ${this.parameters.map((q) => q.name).join(", ")}`,
      );
    return p;
  }

  private requireAllSteps(what: string): void {
    if (this.segK > 1)
      throw new RangeError(
        `${what}: the last forward pass was checkpointed (segments of ${this.segL} steps), so not every step is stored; set model.checkpoint = false for this pass (spikeCounts(k) works either way)`,
      );
  }

  private unpad(offset: number, rows: number, s: LayerState): Float32Array {
    const v = this.ws.f32(offset, rows * s.stride);
    const out = new Float32Array(rows * s.n);
    for (let r = 0; r < rows; r++) out.set(v.subarray(r * s.stride, r * s.stride + s.n), r * s.n);
    return out;
  }

  /**
   * The spike gradients of the n steps from t0 before the layers' backward passes: zero, plus
   * `spikeGrads`, plus (a spiking output layer) dLoss/dcount at every step.
   */
  private seedSpikeGradients(
    t0: number,
    n: number,
    gradOutput: ArrayLike<number>,
    spikeGrads: ReadonlyMap<number, Float32Array>,
  ): void {
    const B = this.last!.batch,
      top = this.states[this.states.length - 1],
      C = top.n;
    this.states.forEach((s, k) => {
      if (s.spec.type === "readout") return;
      const gS = this.ws.f32(s.gS, n * B * s.stride),
        S = s.stride,
        nn = s.n;
      gS.fill(0);
      const g = spikeGrads.get(k);
      if (g && g.length === nn) {
        for (let r = 0; r < n * B; r++) for (let i = 0; i < nn; i++) gS[r * S + i] += g[i];
      } else if (g) {
        for (let r = 0; r < n * B; r++)
          for (let i = 0; i < nn; i++) gS[r * S + i] += g[(t0 * B + r) * nn + i];
      }
    });
    if (top.spec.type !== "readout") {
      // d count / d s[t] = 1 at every step.
      const gS = this.ws.f32(top.gS, n * B * top.stride),
        S = top.stride;
      for (let t = 0; t < n; t++)
        for (let b = 0; b < B; b++) {
          const r = (t * B + b) * S;
          for (let i = 0; i < C; i++) gS[r + i] += gradOutput[b * C + i];
        }
    }
  }

  /** Adds the spikes of the `steps` steps in memory to the layer's counts per neuron. */
  private countSpikes(s: LayerState, steps: number): void {
    const rows = steps * this.last!.batch;
    const rowPtr = this.ws.i32(s.rowPtr, rows + 1);
    const idx = this.ws.i32(s.idx, rowPtr[rows]),
      counts = s.counts!;
    for (let q = 0; q < idx.length; q++) counts[idx[q]]++;
  }

  /** Global steps [t0, t1) of segment `seg`. */
  private segmentRange(seg: number): [number, number] {
    const t0 = seg * this.segL;
    return [t0, Math.min(this.last!.steps, t0 + this.segL)];
  }

  /**
   * The input CSR of layer k for the segment starting at step t0, from its row of step `t`
   * (default t0): the model's input (all steps stored) or the layer below's segment rows.
   */
  private inputCsr(k: number, t0: number, t = t0): Csr {
    const B = this.last!.batch;
    if (k === 0)
      return {
        rowPtr: this.inRowPtr + 4 * t * B,
        idx: this.inIdx,
        val: this.inVal,
        ones: this.inOnes,
      };
    const below = this.states[k - 1];
    return {
      rowPtr: below.rowPtr + 4 * (t - t0) * B,
      idx: below.idx,
      val: below.val,
      ones: below.elm ? 0 : 1,
    };
  }

  /** Bytes of the per-batch arrays at segments of L steps (the layout of {@link SpikingModel.plan}, counted). */
  private transientBytes(T: number, B: number, inputNnz: number, L: number): number {
    let bytes = 0;
    this.layout(T, B, inputNnz, L, (n) => {
      const at = bytes;
      bytes += align16(n);
      return at;
    });
    const K = Math.ceil(T / L);
    for (const s of this.states)
      bytes += s.elm ? s.elm.transientBytes(L, K, B) : s.delays ? s.delays.transientBytes() : 0;
    return bytes;
  }

  /** Allocates the per-batch arrays in the workspace (after the last batch's are released). */
  private plan(T: number, B: number, inputNnz: number): void {
    this.last = null;
    const L = this.segmentSteps(T, B, inputNnz),
      K = Math.ceil(T / L);
    this.ws.releaseTransient();
    const { input, layers } = this.layout(T, B, inputNnz, L, (n) => this.ws.alloc(n));
    [this.inRowPtr, this.inIdx, this.inVal] = input;
    layers.forEach((offsets, k) => {
      const s = this.states[k];
      if (s.elm) Object.assign(s, blankOffsets(), s.elm.plan(this.ws, L, K, B));
      else Object.assign(s, offsets);
      if (s.delays) s.delays.plan(this.ws);
    });
    this.scratch = { offset: 0, bytes: 0 };
    this.last = { steps: T, batch: B };
    this.segL = L;
    this.segK = K;
    this.resident = -1;
  }

  /**
   * The per-batch arrays of the input CSR and of every layer, in allocation order, for segments
   * of L steps: `alloc(bytes)` returns an offset (one walk shared by {@link SpikingModel.plan}
   * and `memoryBytes`).
   */
  private layout(
    T: number,
    B: number,
    inputNnz: number,
    L: number,
    alloc: (bytes: number) => number,
  ) {
    const R = T * B,
      Rs = L * B,
      K = Math.ceil(T / L);
    const input = [alloc((R + 1) * 4), alloc(inputNnz * 4), alloc(inputNnz * 4)];
    // An ELM layer plans its own arrays (ElmLayer.plan); it gets no offsets here.
    const layers = this.states.map((s) => {
      if (s.elm) return null;
      const rows = Rs * s.stride * 4,
        block = B * s.stride * 4,
        spiking = s.spec.type !== "readout";
      const o = blankOffsets();
      // `mem`, `spk` and `syn` start one block (the state before the segment) into their arrays.
      o.cur = alloc(rows);
      o.mem = alloc(block + rows) + block;
      if (spiking) {
        o.spk = alloc(block + rows) + block;
        o.gS = alloc(rows);
        o.syn = s.alpha ? alloc(block + rows) + block : 0;
        o.rowPtr = alloc((Rs + 1) * 4);
        // Three entries more than the most spikes: the LIF kernel writes ahead.
        o.idx = alloc((Rs * s.n + 3) * 4);
        o.val = alloc((Rs * s.n + 3) * 4);
        if (s.V && K > 1) {
          o.prevRowPtr = alloc((B + 1) * 4);
          o.prevIdx = alloc(B * s.n * 4);
          o.prevVal = alloc(B * s.n * 4);
          o.gNext = alloc(block);
        }
      } else {
        o.argmax = alloc(block);
        o.best = alloc(block);
        o.f64Block = alloc(2 * block);
      }
      o.carry = alloc((spiking ? 2 : 1) * block);
      if (K > 1) {
        o.ckMem = alloc((K - 1) * block);
        if (spiking) o.ckSpk = alloc((K - 1) * block);
        if (s.alpha) o.ckSyn = alloc((K - 1) * block);
      }
      return o;
    });
    return { input, layers };
  }

  /** Runs every layer over segment `seg`, from the checkpoint before it. */
  private runSegment(seg: number): void {
    const [t0, t1] = this.segmentRange(seg),
      n = t1 - t0,
      B = this.last!.batch;
    if (seg > 0) this.loadCheckpoint(seg);
    this.states.forEach((s, k) => {
      const csr = this.inputCsr(k, t0);
      if (s.elm) s.elm.forwardSegment(this.ws, csr, seg, t0, t1, B, s);
      else if (s.spec.type === "lif") this.lifForward(s, s.spec, csr, seg, t0, n, B);
      else if (s.spec.type === "meta") this.metaForward(s, csr, seg, t0, n, B);
      else if (s.spec.type === "readout") this.readoutForward(s, csr, t0, n, B);
    });
    this.resident = seg;
  }

  /** Copies the last step of the segment before `seg` (in memory) to the checkpoint of `seg`. */
  private saveCheckpoint(seg: number): void {
    const B = this.last!.batch,
      L = this.segL;
    for (const s of this.states) {
      if (s.elm) continue;
      const block = B * s.stride,
        at = 4 * (seg - 1) * block,
        lastRow = 4 * (L - 1) * block;
      const copy = (dst: number, src: number) =>
        this.ws.f32(dst + at, block).set(this.ws.f32(src + lastRow, block));
      copy(s.ckMem, s.mem);
      if (s.ckSpk) copy(s.ckSpk, s.spk);
      if (s.ckSyn) copy(s.ckSyn, s.syn);
    }
  }

  /** Copies the checkpoint of `seg` into the leading block of every layer (and a recurrent layer's spikes into its CSR). */
  private loadCheckpoint(seg: number): void {
    const B = this.last!.batch;
    for (const s of this.states) {
      if (s.elm) continue;
      const block = B * s.stride,
        at = 4 * (seg - 1) * block,
        lead = -4 * block;
      const copy = (dst: number, src: number) =>
        this.ws.f32(dst + lead, block).set(this.ws.f32(src + at, block));
      copy(s.mem, s.ckMem);
      if (s.ckSpk) copy(s.spk, s.ckSpk);
      if (s.ckSyn) copy(s.syn, s.ckSyn);
      if (s.V) {
        const spk = this.ws.f32(s.spk + lead, block),
          rowPtr = this.ws.i32(s.prevRowPtr, B + 1),
          idx = this.ws.i32(s.prevIdx, B * s.n),
          val = this.ws.f32(s.prevVal, B * s.n);
        let nnz = 0;
        rowPtr[0] = 0;
        for (let b = 0; b < B; b++) {
          for (let i = 0; i < s.n; i++)
            if (spk[b * s.stride + i] !== 0) {
              idx[nnz] = i;
              val[nnz] = 1;
              nnz++;
            }
          rowPtr[b + 1] = nnz;
        }
      }
    }
  }

  /** Adds segment [t0, t1)'s part of the output (readout max / mean over time, spike counts). */
  private reduceOutput(t0: number, t1: number, out: Float32Array, sums: Float64Array | null): void {
    const s = this.states[this.states.length - 1],
      S = s.stride,
      n = s.n,
      B = this.last!.batch,
      rows = (t1 - t0) * B,
      ws = this.ws;
    if (s.spec.type !== "readout") {
      const spk = ws.f32(s.spk, rows * S);
      for (let t = 0; t < t1 - t0; t++)
        for (let b = 0; b < B; b++)
          for (let i = 0; i < n; i++) out[b * n + i] += spk[(t * B + b) * S + i];
      return;
    }
    const resume = t0 > 0 ? READOUT_FLAGS.resume : 0;
    if (sums) {
      // float64 sums over time, added to the earlier segments'
      ws.kernels().readoutSum(t1 - t0, B, S, s.mem, s.f64Block, resume);
      const acc = new Float64Array(ws.buffer, s.f64Block, B * S);
      for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) sums[b * n + i] = acc[b * S + i];
      return;
    }
    // max over time, ties to the first step: merged into the earlier segments' (best, argmax)
    ws.kernels().readoutMax(t1 - t0, B, S, s.mem, s.best, s.argmax, t0, resume);
    const best = ws.f32(s.best, B * S);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) out[b * n + i] = best[b * S + i];
  }

  /**
   * `dst[idx] += val x src[r]` over the CSR's first `rows` rows (`rowsBackward`), with its scratch
   * (a transient allocation) and blocks of rows holding about 64 entries per input (each input's
   * register tile of `dst` loaded and stored once per block), but at most 8,192 entries (a 64 KiB
   * sorted list) and 16-256 rows. Measured (time of the sums): 200 inputs at 40 % (Braille's
   * recurrent dV, 102-row blocks instead of 40) 0.9x; 512 inputs, dense: 16-row blocks either way
   * (32 would take 1.3x). The block does not change the order of the additions (rows in order).
   */
  private weightGrad(
    rows: number,
    csr: Csr,
    src: number,
    stride: number,
    dst: number,
    nIn: number,
  ): void {
    if (rows <= 0) return;
    const rowPtr = this.ws.i32(csr.rowPtr, rows + 1);
    const nnz = rowPtr[rows] - rowPtr[0];
    if (nnz === 0) return;
    const block = Math.max(
      16,
      Math.min(256, Math.ceil((64 * rows * nIn) / nnz), Math.floor((8192 * rows) / nnz)),
    );
    let most = 0;
    for (let r = 0; r < rows; r += block)
      most = Math.max(most, rowPtr[Math.min(rows, r + block)] - rowPtr[r]);
    const bytes = 4 * (nIn + 1) + 8 * most;
    // One scratch per batch, grown when a layer needs more (repeated backward calls reuse it).
    if (bytes > this.scratch.bytes) this.scratch = { offset: this.ws.alloc(bytes), bytes };
    this.ws
      .kernels()
      .rowsBackward(
        rows,
        csr.rowPtr,
        csr.idx,
        csr.val,
        src,
        stride,
        dst,
        csr.ones ?? 0,
        nIn,
        this.scratch.offset,
        block,
      );
  }

  /**
   * The recurrent weights' gradient over segment [t0, t1): dV[i] += s[t-1, i] gI[t], t >= 1,
   * block by block from the last (the spikes before the segment from its leading CSR).
   */
  private recurrentGrad(s: LayerState, t0: number, t1: number, B: number): void {
    const G = SpikingModel.gradientBlockSteps(B),
      stepBytes = 4 * B * s.stride;
    forBlocks(t0, t1, G, (a, b) => {
      let first = a;
      if (a === 0) first = 1;
      else if (a === t0) {
        const prev = { rowPtr: s.prevRowPtr, idx: s.prevIdx, val: s.prevVal, ones: 1 };
        this.weightGrad(B, prev, s.cur, s.stride, s.V!.gradOffset, s.n);
        first = a + 1;
      }
      this.weightGrad(
        (b - first) * B,
        { rowPtr: s.rowPtr + 4 * (first - 1 - t0) * B, idx: s.idx, val: s.val, ones: 1 },
        s.cur + (first - t0) * stepBytes,
        s.stride,
        s.V!.gradOffset,
        s.n,
      );
    });
  }

  /** Input currents of segment rows from step t0: bias + W x (sparse rows). */
  private inputCurrents(s: LayerState, csr: Csr, t0: number, n: number, B: number): void {
    const R = n * B;
    const cur = this.ws.f32(s.cur, R * s.stride);
    const bias = (s.spec as LifSpec | MetaSpec | ReadoutSpec).bias;
    // Without delays the kernel starts every row from the bias itself (no separate pass).
    if (bias && s.delays) {
      const b = this.ws.f32(s.b.offset, s.stride);
      for (let r = 0; r < R; r++) cur.set(b, r * s.stride);
    } else if (!bias) {
      cur.fill(0);
    }
    if (s.delays) {
      const k = this.states.indexOf(s);
      s.delays.forward(this.ws, k === 0 ? this.inputCsr(0, 0) : csr, t0, t0 + n, B, s.cur);
    } else
      this.ws
        .kernels()
        .rowsForward(
          R,
          csr.rowPtr,
          csr.idx,
          csr.val,
          s.W.offset,
          s.stride,
          s.cur,
          csr.ones ?? 0,
          bias ? s.b.offset : 0,
        );
  }

  private lifForward(
    s: LayerState,
    spec: LifSpec,
    csr: Csr,
    seg: number,
    t0: number,
    n: number,
    B: number,
  ): void {
    this.inputCurrents(s, csr, t0, n, B);
    const K = this.ws.kernels();
    // The recurrent input of the segment's first step, from the spikes before it (the kernel adds the rest).
    if (s.V && seg > 0)
      K.rowsForward(B, s.prevRowPtr, s.prevIdx, s.prevVal, s.V.offset, s.stride, s.cur, 1);
    K.lifForward(
      n,
      B,
      s.n,
      s.stride,
      s.cur,
      s.mem,
      s.spk,
      s.syn,
      s.beta.offset,
      s.alpha?.offset ?? 0,
      s.threshold!.offset,
      s.V?.offset ?? 0,
      s.rowPtr,
      s.idx,
      s.val,
      lifFlags(s, spec) | (seg > 0 ? LIF_FLAGS.resume : 0),
      this.ws.spikeTable,
    );
  }

  private lifBackward(s: LayerState, spec: LifSpec, seg: number, n: number, B: number): void {
    const { kind, p0, p1 } = surrogateArgs(spec.surrogate);
    let flags = lifFlags(s, spec);
    if (!spec.detachReset && spec.reset !== "none") flags |= LIF_FLAGS.attached;
    if (spec.bias) flags |= LIF_FLAGS.bias;
    if (seg > 0) flags |= LIF_FLAGS.resume;
    if (seg < this.segK - 1) flags |= LIF_FLAGS.keepCarry;
    const alpha = s.alpha ? [s.alpha.offset, s.alpha.gradOffset] : [0, 0];
    const K = this.ws.kernels();
    // The recurrent part of the last step's spike gradient, from the next segment's first current gradient.
    if (s.V && seg < this.segK - 1)
      K.dotRows(B, s.gNext, s.V.offset, s.n, s.stride, s.gS + 4 * (n - 1) * B * s.stride, s.stride);
    K.lifBackward(
      n,
      B,
      s.n,
      s.stride,
      s.cur,
      s.mem,
      s.spk,
      s.gS,
      s.syn,
      s.beta.offset,
      alpha[0],
      s.threshold!.offset,
      s.beta.gradOffset,
      alpha[1],
      s.threshold!.gradOffset,
      s.b.gradOffset,
      s.carry,
      s.V?.offset ?? 0,
      flags,
      kind,
      p0,
      p1,
    );
  }

  private metaForward(
    s: LayerState,
    csr: Csr,
    seg: number,
    t0: number,
    n: number,
    B: number,
  ): void {
    const S = s.stride,
      nn = s.n,
      ws = this.ws,
      lead = B * S;
    this.inputCurrents(s, csr, t0, n, B);
    const K = ws.kernels();
    // rows of mem and spk from the leading block (the state before the segment)
    const cur = ws.f32(s.cur, n * B * S),
      mem = ws.f32(s.mem - 4 * lead, (n + 1) * B * S),
      spk = ws.f32(s.spk - 4 * lead, (n + 1) * B * S);
    const leak = ws.f32(s.beta.offset, nn),
      thr = ws.f32(s.threshold!.offset, nn),
      gain = ws.f32(s.gain!.offset, nn),
      noise = ws.f32(s.noise!.offset, nn);
    const rowPtr = ws.i32(s.rowPtr, n * B + 1),
      idx = ws.i32(s.idx, n * B * nn),
      val = ws.f32(s.val, n * B * nn);
    const rng = this.sampler;
    let nnz = 0;
    rowPtr[0] = 0;
    for (let l = 0; l < n; l++) {
      const t = t0 + l;
      if (s.V && l > 0)
        K.rowsForward(
          B,
          s.rowPtr + 4 * (l - 1) * B,
          s.idx,
          s.val,
          s.V.offset,
          S,
          s.cur + 4 * l * B * S,
          1,
        );
      else if (s.V && t > 0)
        K.rowsForward(B, s.prevRowPtr, s.prevIdx, s.prevVal, s.V.offset, S, s.cur, 1);
      for (let b = 0; b < B; b++) {
        const r = (l * B + b) * S,
          m = r + lead,
          mp = r;
        for (let i = 0; i < nn; i++) {
          const kept = t > 0 ? leak[i] * ((1 - spk[mp + i]) * mem[mp + i]) : 0;
          const v = Math.fround(kept + gain[i] * cur[r + i]);
          mem[m + i] = v;
          const p = 1 / (1 + Math.exp(-(v - thr[i]) / noise[i]));
          if (rng.uniform() < p) {
            spk[m + i] = 1;
            idx[nnz] = i;
            val[nnz] = 1;
            nnz++;
          } else {
            spk[m + i] = 0;
          }
        }
        rowPtr[l * B + b + 1] = nnz;
      }
    }
  }

  private metaBackward(s: LayerState, seg: number, n: number, B: number): void {
    const S = s.stride,
      nn = s.n,
      ws = this.ws,
      lead = B * S,
      t0 = seg * this.segL,
      T = this.last!.steps;
    const K = ws.kernels();
    const gI = ws.f32(s.cur, n * B * S),
      mem = ws.f32(s.mem - 4 * lead, (n + 1) * B * S),
      spk = ws.f32(s.spk - 4 * lead, (n + 1) * B * S),
      gS = ws.f32(s.gS, n * B * S);
    const leak = ws.f32(s.beta.offset, nn),
      thr = ws.f32(s.threshold!.offset, nn),
      gain = ws.f32(s.gain!.offset, nn),
      noise = ws.f32(s.noise!.offset, nn);
    const dLeak = ws.f32(s.beta.gradOffset, nn),
      dThr = ws.f32(s.threshold!.gradOffset, nn),
      dGain = ws.f32(s.gain!.gradOffset, nn),
      dNoise = ws.f32(s.noise!.gradOffset, nn);
    const dB = ws.f32(s.b.gradOffset, nn),
      bias = (s.spec as MetaSpec).bias;
    const gmNext = ws.f32(s.carry, B * S);
    if (seg === this.segK - 1) gmNext.fill(0);
    for (let l = n - 1; l >= 0; l--) {
      const t = t0 + l;
      if (s.V && t < T - 1)
        K.dotRows(
          B,
          l < n - 1 ? s.cur + 4 * (l + 1) * B * S : s.gNext,
          s.V.offset,
          nn,
          S,
          s.gS + 4 * l * B * S,
          S,
        );
      for (let b = 0; b < B; b++) {
        const r = (l * B + b) * S,
          m = r + lead,
          mp = r,
          c = b * S;
        for (let i = 0; i < nn; i++) {
          const v = mem[m + i],
            x = (v - thr[i]) / noise[i];
          const p = 1 / (1 + Math.exp(-x));
          const dpdx = (p * (1 - p)) / noise[i]; // dp/dv
          const gs = gS[r + i];
          const gm = gs * dpdx + leak[i] * (1 - spk[m + i]) * gmNext[c + i];
          dThr[i] -= gs * dpdx;
          dNoise[i] -= gs * dpdx * x;
          // dv/dgain = I[t]: the current at t is still in place (its gradient overwrites it below).
          if (t > 0) dLeak[i] += gm * ((1 - spk[mp + i]) * mem[mp + i]);
          dGain[i] += gm * gI[r + i];
          gmNext[c + i] = gm;
          const g = gm * gain[i];
          gI[r + i] = g;
          if (bias) dB[i] += g;
        }
      }
    }
  }

  private readoutForward(s: LayerState, csr: Csr, t0: number, n: number, B: number): void {
    this.inputCurrents(s, csr, t0, n, B);
    // a segment after the first continues from the lead row (the value before it)
    this.ws
      .kernels()
      .readoutForward(
        n,
        B,
        s.stride,
        s.cur,
        s.mem,
        s.beta.offset,
        t0 > 0 ? READOUT_FLAGS.resume : 0,
      );
  }

  private readoutBackward(
    s: LayerState,
    spec: ReadoutSpec,
    gOut: ArrayLike<number>,
    seg: number,
    t0: number,
    n: number,
    B: number,
  ): void {
    const S = s.stride,
      nn = s.n,
      ws = this.ws;
    // dLoss/doutput in float64 at the stride (padding lanes 0, so their gradients stay 0)
    const g = new Float64Array(ws.buffer, s.f64Block, B * S).fill(0);
    for (let b = 0; b < B; b++) for (let i = 0; i < nn; i++) g[b * S + i] = gOut[b * nn + i];
    let flags = 0;
    if (spec.reduce === "mean") flags |= READOUT_FLAGS.mean;
    if (spec.bias) flags |= READOUT_FLAGS.bias;
    if (t0 > 0) flags |= READOUT_FLAGS.resume;
    // the last segment (the first reversed) starts with no gradient from later steps
    if (seg < this.segK - 1) flags |= READOUT_FLAGS.keepCarry;
    ws.kernels().readoutBackward(
      n,
      B,
      S,
      s.cur,
      s.mem,
      s.beta.offset,
      s.beta.gradOffset,
      s.b.gradOffset,
      s.argmax,
      s.f64Block,
      s.carry,
      flags,
      t0,
      this.last!.steps,
    );
  }
}

/** Calls `fn(a, b)` for the gradient blocks [a, b) of G steps within [t0, t1) (t0 a multiple of G), the last first. */
function forBlocks(t0: number, t1: number, G: number, fn: (a: number, b: number) => void): void {
  for (let a = Math.floor((t1 - 1) / G) * G; a >= t0; a -= G) fn(a, Math.min(a + G, t1));
}
