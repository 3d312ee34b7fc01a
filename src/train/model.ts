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
 * `readoutBackward`) run in the WebAssembly kernels (`kernels.ts`); the meta neuron (it draws
 * from the model's JavaScript generator) is a TypeScript loop.
 *
 * Stored for BPTT, per spiking layer of n neurons (stride n' = n rounded up to 4), T steps,
 * B samples: the input current (reused for its gradient), the membrane potential, the spikes
 * and the spike gradient, 4 x 4 B T n' bytes, plus 4 B T n' for the synaptic current of a
 * current-based layer, plus the spike list (8 bytes per spike) and 4 (B T + 1) bytes of row
 * pointers; a readout stores 2 x 4 B T n' bytes. The weight gradient's sort of a block of rows
 * takes 4 (inputs + 1) + 8 x (entries in the block) bytes more, during `backward`. `memoryBytes(steps, batch)` gives the total.
 * Example: 200 recurrent LIF neurons, 100 steps, batch 256: 124 MB (plus 8 bytes per non-zero input).
 */
import { checkInteger } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import type { LayerSpec, LifSpec, MetaSpec, ReadoutSpec } from "./layers.js";
import { LIF_FLAGS, SURROGATE_KIND } from "./kernels.js";
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
  // transient (per batch) byte offsets
  cur: number;
  mem: number;
  spk: number;
  syn: number;
  gS: number;
  rowPtr: number;
  idx: number;
  val: number;
  argmax: number;
  carry: number;
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
          spec,
          nIn,
          n,
          stride,
          W: none,
          b: none,
          V: null,
          beta: none,
          alpha: null,
          threshold: null,
          gain: null,
          noise: null,
          delays: null,
          elm,
          cur: 0,
          mem: 0,
          spk: 0,
          syn: 0,
          gS: 0,
          rowPtr: 0,
          idx: 0,
          val: 0,
          argmax: 0,
          carry: 0,
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
        elm: null,
        cur: 0,
        mem: 0,
        spk: 0,
        syn: 0,
        gS: 0,
        rowPtr: 0,
        idx: 0,
        val: 0,
        argmax: 0,
        carry: 0,
      });
      nIn = n;
    });
    this.parameters = params;
    this.sampler = rng.fork();
  }

  /** Whether the WebAssembly kernels run. */
  get wasm(): boolean {
    return this.ws.wasm;
  }

  /** Number of outputs (the last layer's size). */
  get outputs(): number {
    return this.layers[this.layers.length - 1].size;
  }

  /** Bytes of the workspace a batch of `steps` x `batch` needs (parameters, gradients and stored states). */
  memoryBytes(steps: number, batch: number): number {
    let bytes = 0;
    for (const p of this.parameters) bytes += 2 * align16(p.rows * p.stride * 4);
    return bytes + this.transientBytes(steps, batch, 0);
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
    let csr: Csr = { rowPtr: this.inRowPtr, idx: this.inIdx, val: this.inVal, ones: this.inOnes };
    for (const s of this.states) {
      if (s.elm) s.elm.forward(this.ws, csr, T, B, s);
      else if (s.spec.type === "lif") this.lifForward(s, s.spec, csr, T, B);
      else if (s.spec.type === "meta") this.metaForward(s, csr, T, B);
      else if (s.spec.type === "readout") this.readoutForward(s, s.spec, csr, T, B);
      // Spiking layers hand on 0/1 values (the kernels skip the multiplications); the ELM layer's are graded.
      csr = { rowPtr: s.rowPtr, idx: s.idx, val: s.val, ones: s.elm ? 0 : 1 };
    }
    return this.output(T, B);
  }

  /** Spikes of layer `k` from the last forward pass, time-major `steps x batch x size` (0/1). */
  spikes(k: number): Float32Array {
    const s = this.states[checkInteger(k, "k", 0, this.states.length - 1)];
    if (s.spec.type === "readout" || s.elm || !this.last)
      throw new RangeError(`layer ${k} has no spikes from a forward pass`);
    return this.unpad(s.spk, this.last.steps * this.last.batch, s);
  }

  /** Membrane potentials (or readout values) of layer `k` from the last forward pass, `steps x batch x size`. */
  potentials(k: number): Float32Array {
    const s = this.states[checkInteger(k, "k", 0, this.states.length - 1)];
    if (!this.last) throw new RangeError("no forward pass yet");
    return this.unpad(s.mem, this.last.steps * this.last.batch, s);
  }

  /**
   * Backpropagates `gradOutput` (dLoss/doutput, `batch x outputs`) through the last forward
   * pass and adds the parameter gradients to `grad`. `spikeGrads[k]` optionally adds
   * dLoss/dspikes of layer k (time-major `steps x batch x size`, e.g. a rate regulariser).
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
    for (const s of this.states)
      if (s.spec.type !== "readout") this.ws.f32(s.gS, T * B * s.stride).fill(0);
    for (const [k, g] of spikeGrads) {
      const s = this.states[k];
      if (!s || s.spec.type === "readout")
        throw new RangeError(`spikeGrads: layer ${k} is not a spiking layer`);
      if (g.length !== T * B * s.n)
        throw new RangeError(
          `spikeGrads[${k}] must have steps x batch x size = ${T * B * s.n} entries, got ${g.length}`,
        );
      const gS = this.ws.f32(s.gS, T * B * s.stride);
      for (let r = 0; r < T * B; r++)
        for (let i = 0; i < s.n; i++) gS[r * s.stride + i] += g[r * s.n + i];
    }
    const top = this.states[this.states.length - 1];
    if (top.spec.type !== "readout") {
      // d count / d s[t] = 1 at every step.
      const gS = this.ws.f32(top.gS, T * B * top.stride);
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++)
          for (let i = 0; i < C; i++) gS[(t * B + b) * top.stride + i] += gradOutput[b * C + i];
    }
    for (let k = this.states.length - 1; k >= 0; k--) {
      const s = this.states[k];
      const below = k > 0 ? this.states[k - 1] : null;
      const csr: Csr = below
        ? { rowPtr: below.rowPtr, idx: below.idx, val: below.val, ones: below.elm ? 0 : 1 }
        : { rowPtr: this.inRowPtr, idx: this.inIdx, val: this.inVal, ones: this.inOnes };
      if (s.elm) {
        s.elm.backward(
          this.ws,
          csr,
          T,
          B,
          s.gS,
          below && { offset: below.gS, stride: below.stride },
        );
        continue;
      }
      if (s.spec.type === "lif") this.lifBackward(s, s.spec, T, B);
      else if (s.spec.type === "meta") this.metaBackward(s, T, B);
      else if (s.spec.type === "readout") this.readoutBackward(s, s.spec, gradOutput, T, B);
      // Weight gradient: dW[i] += x[r, i] gI[r] at the non-zero inputs only.
      if (s.delays) {
        s.delays.backward(
          this.ws,
          csr,
          T,
          B,
          s.cur,
          below && { offset: below.gS, stride: below.stride },
          (rows, src, dst) => this.weightGrad(rows, csr, src, s.stride, dst, s.nIn),
        );
      } else {
        this.weightGrad(T * B, csr, s.cur, s.stride, s.W.gradOffset, s.nIn);
        if (below)
          this.ws
            .kernels()
            .dotRows(T * B, s.cur, s.W.offset, s.nIn, s.stride, below.gS, below.stride);
      }
    }
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

  private unpad(offset: number, rows: number, s: LayerState): Float32Array {
    const v = this.ws.f32(offset, rows * s.stride);
    const out = new Float32Array(rows * s.n);
    for (let r = 0; r < rows; r++) out.set(v.subarray(r * s.stride, r * s.stride + s.n), r * s.n);
    return out;
  }

  /** Bytes of the per-batch arrays (the layout of {@link SpikingModel.plan}, counted). */
  private transientBytes(T: number, B: number, inputNnz: number): number {
    let bytes = 0;
    this.layout(T, B, inputNnz, (n) => {
      const at = bytes;
      bytes += align16(n);
      return at;
    });
    for (const s of this.states)
      bytes += s.elm ? s.elm.transientBytes(T, B) : s.delays ? s.delays.transientBytes() : 0;
    return bytes;
  }

  /** Allocates the per-batch arrays in the workspace (after the last batch's are released). */
  private plan(T: number, B: number, inputNnz: number): void {
    this.ws.releaseTransient();
    const { input, layers } = this.layout(T, B, inputNnz, (n) => this.ws.alloc(n));
    [this.inRowPtr, this.inIdx, this.inVal] = input;
    layers.forEach((offsets, k) => {
      const s = this.states[k];
      if (s.elm) Object.assign(s, s.elm.plan(this.ws, T, B));
      else Object.assign(s, offsets);
      if (s.delays) s.delays.plan(this.ws);
    });
    this.scratch = { offset: 0, bytes: 0 };
    this.last = { steps: T, batch: B };
  }

  /**
   * The per-batch arrays of the input CSR and of every layer, in allocation order: `alloc(bytes)`
   * returns an offset (one walk shared by {@link SpikingModel.plan} and `memoryBytes`).
   */
  private layout(T: number, B: number, inputNnz: number, alloc: (bytes: number) => number) {
    const R = T * B;
    const input = [alloc((R + 1) * 4), alloc(inputNnz * 4), alloc(inputNnz * 4)];
    // An ELM layer plans its own arrays (ElmLayer.plan); it gets no offsets here.
    const layers = this.states.map((s) => {
      if (s.elm) return null;
      const rows = R * s.stride * 4,
        spiking = s.spec.type !== "readout";
      const o = {
        cur: alloc(rows),
        mem: alloc(rows),
        spk: 0,
        gS: 0,
        syn: 0,
        rowPtr: 0,
        idx: 0,
        val: 0,
        argmax: 0,
        carry: 0,
      };
      if (spiking) {
        o.spk = alloc(rows);
        o.gS = alloc(rows);
        o.syn = s.alpha ? alloc(rows) : 0;
        o.rowPtr = alloc((R + 1) * 4);
        // Three entries more than the most spikes: the LIF kernel writes ahead.
        o.idx = alloc((R * s.n + 3) * 4);
        o.val = alloc((R * s.n + 3) * 4);
      } else {
        o.argmax = alloc(B * s.stride * 4);
      }
      // Spiking: two carries; readout: one, then dLoss/doutput in float64.
      o.carry = alloc((spiking ? 2 : 3) * B * s.stride * 4);
      return o;
    });
    return { input, layers };
  }

  /**
   * `dst[idx] += val x src[r]` over the CSR's first `rows` rows (`rowsBackward`), with its scratch
   * (a transient allocation) and a block of rows holding about 16 entries per input.
   */
  private weightGrad(
    rows: number,
    csr: Csr,
    src: number,
    stride: number,
    dst: number,
    nIn: number,
  ): void {
    const rowPtr = this.ws.i32(csr.rowPtr, rows + 1);
    const nnz = rowPtr[rows] - rowPtr[0];
    if (nnz === 0) return;
    const block = Math.max(16, Math.min(256, Math.ceil((16 * rows * nIn) / nnz)));
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

  /** Input currents of all rows: bias + W x (sparse rows). */
  private inputCurrents(s: LayerState, csr: Csr, R: number): void {
    const cur = this.ws.f32(s.cur, R * s.stride);
    const bias = (s.spec as LifSpec | MetaSpec | ReadoutSpec).bias;
    // Without delays the kernel starts every row from the bias itself (no separate pass).
    if (bias && s.delays) {
      const b = this.ws.f32(s.b.offset, s.stride);
      for (let r = 0; r < R; r++) cur.set(b, r * s.stride);
    } else if (!bias) {
      cur.fill(0);
    }
    if (s.delays) s.delays.forward(this.ws, csr, this.last!.steps, this.last!.batch, s.cur);
    else
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

  private lifForward(s: LayerState, spec: LifSpec, csr: Csr, T: number, B: number): void {
    this.inputCurrents(s, csr, T * B);
    this.ws
      .kernels()
      .lifForward(
        T,
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
        lifFlags(s, spec),
        this.ws.spikeTable,
      );
  }

  private lifBackward(s: LayerState, spec: LifSpec, T: number, B: number): void {
    const { kind, p0, p1 } = surrogateArgs(spec.surrogate);
    let flags = lifFlags(s, spec);
    if (!spec.detachReset && spec.reset !== "none") flags |= LIF_FLAGS.attached;
    if (spec.bias) flags |= LIF_FLAGS.bias;
    const alpha = s.alpha ? [s.alpha.offset, s.alpha.gradOffset] : [0, 0];
    this.ws
      .kernels()
      .lifBackward(
        T,
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
    if (s.V)
      this.weightGrad(
        (T - 1) * B,
        { rowPtr: s.rowPtr, idx: s.idx, val: s.val, ones: 1 },
        s.cur + 4 * B * s.stride,
        s.stride,
        s.V.gradOffset,
        s.n,
      );
  }

  private metaForward(s: LayerState, csr: Csr, T: number, B: number): void {
    const R = T * B,
      S = s.stride,
      n = s.n,
      ws = this.ws;
    this.inputCurrents(s, csr, R);
    const K = ws.kernels();
    const cur = ws.f32(s.cur, R * S),
      mem = ws.f32(s.mem, R * S),
      spk = ws.f32(s.spk, R * S);
    const leak = ws.f32(s.beta.offset, n),
      thr = ws.f32(s.threshold!.offset, n),
      gain = ws.f32(s.gain!.offset, n),
      noise = ws.f32(s.noise!.offset, n);
    const rowPtr = ws.i32(s.rowPtr, R + 1),
      idx = ws.i32(s.idx, R * n),
      val = ws.f32(s.val, R * n);
    const rng = this.sampler;
    let nnz = 0;
    rowPtr[0] = 0;
    for (let t = 0; t < T; t++) {
      if (s.V && t > 0)
        K.rowsForward(
          B,
          s.rowPtr + 4 * (t - 1) * B,
          s.idx,
          s.val,
          s.V.offset,
          S,
          s.cur + 4 * t * B * S,
          1,
        );
      for (let b = 0; b < B; b++) {
        const r = (t * B + b) * S,
          rp = r - B * S;
        for (let i = 0; i < n; i++) {
          const kept = t > 0 ? leak[i] * ((1 - spk[rp + i]) * mem[rp + i]) : 0;
          const v = Math.fround(kept + gain[i] * cur[r + i]);
          mem[r + i] = v;
          const p = 1 / (1 + Math.exp(-(v - thr[i]) / noise[i]));
          if (rng.uniform() < p) {
            spk[r + i] = 1;
            idx[nnz] = i;
            val[nnz] = 1;
            nnz++;
          } else {
            spk[r + i] = 0;
          }
        }
        rowPtr[t * B + b + 1] = nnz;
      }
    }
  }

  private metaBackward(s: LayerState, T: number, B: number): void {
    const R = T * B,
      S = s.stride,
      n = s.n,
      ws = this.ws;
    const K = ws.kernels();
    const gI = ws.f32(s.cur, R * S),
      mem = ws.f32(s.mem, R * S),
      spk = ws.f32(s.spk, R * S),
      gS = ws.f32(s.gS, R * S);
    const leak = ws.f32(s.beta.offset, n),
      thr = ws.f32(s.threshold!.offset, n),
      gain = ws.f32(s.gain!.offset, n),
      noise = ws.f32(s.noise!.offset, n);
    const dLeak = ws.f32(s.beta.gradOffset, n),
      dThr = ws.f32(s.threshold!.gradOffset, n),
      dGain = ws.f32(s.gain!.gradOffset, n),
      dNoise = ws.f32(s.noise!.gradOffset, n);
    const dB = ws.f32(s.b.gradOffset, n),
      bias = (s.spec as MetaSpec).bias;
    const gmNext = ws.f32(s.carry, B * S);
    gmNext.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      if (s.V && t < T - 1)
        K.dotRows(B, s.cur + 4 * (t + 1) * B * S, s.V.offset, n, S, s.gS + 4 * t * B * S, S);
      for (let b = 0; b < B; b++) {
        const r = (t * B + b) * S,
          rp = r - B * S,
          c = b * S;
        for (let i = 0; i < n; i++) {
          const v = mem[r + i],
            x = (v - thr[i]) / noise[i];
          const p = 1 / (1 + Math.exp(-x));
          const dpdx = (p * (1 - p)) / noise[i]; // dp/dv
          const gs = gS[r + i];
          const gm = gs * dpdx + leak[i] * (1 - spk[r + i]) * gmNext[c + i];
          dThr[i] -= gs * dpdx;
          dNoise[i] -= gs * dpdx * x;
          // dv/dgain = I[t]: the current at t is still in place (its gradient overwrites it below).
          if (t > 0) dLeak[i] += gm * ((1 - spk[rp + i]) * mem[rp + i]);
          dGain[i] += gm * gI[r + i];
          gmNext[c + i] = gm;
          const g = gm * gain[i];
          gI[r + i] = g;
          if (bias) dB[i] += g;
        }
      }
    }
    if (s.V)
      this.weightGrad(
        (T - 1) * B,
        { rowPtr: s.rowPtr, idx: s.idx, val: s.val, ones: 1 },
        s.cur + 4 * B * S,
        S,
        s.V.gradOffset,
        n,
      );
  }

  private readoutForward(s: LayerState, spec: ReadoutSpec, csr: Csr, T: number, B: number): void {
    this.inputCurrents(s, csr, T * B);
    this.ws.kernels().readoutForward(T, B, s.stride, s.cur, s.mem, s.beta.offset);
    void spec;
  }

  private output(T: number, B: number): Float32Array {
    const s = this.states[this.states.length - 1],
      S = s.stride,
      n = s.n,
      ws = this.ws;
    const out = new Float32Array(B * n);
    if (s.spec.type !== "readout") {
      const spk = ws.f32(s.spk, T * B * S);
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++)
          for (let i = 0; i < n; i++) out[b * n + i] += spk[(t * B + b) * S + i];
      return out;
    }
    const u = ws.f32(s.mem, T * B * S);
    if (s.spec.reduce === "max") {
      // The maximum (into the carry, free until backward) and its step per sample and output.
      ws.kernels().readoutMax(T, B, S, s.mem, s.carry, s.argmax);
      const best = ws.f32(s.carry, B * S);
      for (let b = 0; b < B; b++) out.set(best.subarray(b * S, b * S + n), b * n);
    } else {
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let t = 0; t < T; t++) sum += u[(t * B + b) * S + i];
          out[b * n + i] = sum / T;
        }
      }
    }
    return out;
  }

  private readoutBackward(
    s: LayerState,
    spec: ReadoutSpec,
    gOut: ArrayLike<number>,
    T: number,
    B: number,
  ): void {
    const S = s.stride,
      n = s.n,
      ws = this.ws;
    // dLoss/doutput in float64 after the carry (the readout's carry holds 3 x B x S floats).
    const gOut64 = s.carry + 4 * B * S;
    const g = new Float64Array(ws.buffer, gOut64, B * S).fill(0);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) g[b * S + i] = gOut[b * n + i];
    ws.kernels().readoutBackward(
      T,
      B,
      S,
      s.cur,
      s.mem,
      s.beta.offset,
      s.beta.gradOffset,
      s.b.gradOffset,
      s.argmax,
      gOut64,
      s.carry,
      (spec.reduce === "max" ? 0 : 1) | (spec.bias ? 2 : 0),
    );
  }
}
