/**
 * Learnable per-synapse delays: the dilated convolution with learnable spacings (DCLS) of
 * Hammouamri, Khalfaoui-Hassani & Masquelier 2023, "Learning delays in SNNs using dilated
 * convolutions with learnable spacings" (ICLR 2024; code: github.com/Thvnvtos/SNN-delays over
 * github.com/K-H-Ismail/Dilated-Convolution-with-Learnable-Spacings-PyTorch, `Dcls1d`).
 *
 * Every synapse i -> j has a weight W[i, j] and a delay position δ[i, j] in steps, in
 * [0, taps - 1]. The synapse is a temporal kernel of `taps` taps (DCLS's `dilated_kernel_size`),
 * tap d (a delay of d steps) carrying
 *
 *     K[d, i, j] = W[i, j] g_d / (Σ_d' g_d' + 1e-7),   g_d = exp(-(d - δ)^2 / (2 σ'^2)),  σ' = σ + 0.27
 *
 * (DCLS's "gauss" version: its `P + lim // 2` is our taps - 1 - δ because `conv1d` correlates over
 * a left-padded input, its `SIG.abs() + 0.27` our σ'), so the input current of the layer is
 *
 *     I[t, j] = b[j] + Σ_i Σ_d K[d, i, j] x[t - d, i].
 *
 * σ is one number per layer, the parameter `layer<k>.sigma` (not trained): it starts at
 * floor(taps / 2) and shrinks during training ({@link delaySigma}: SNN-delays' exponential decay
 * to 0.23 over the first quarter of the epochs). σ = 0 selects the inference form, DCLS's "max"
 * version with SIG = 0 that SNN-delays evaluates with: g_d = max(0, 1 - |d - δ|) (linear
 * interpolation between the two nearest taps; one tap after {@link roundDelays} rounds δ as
 * SNN-delays' `round_pos`). Delays are clamped to [0, taps - 1] before every forward pass (DCLS's
 * `clamp_parameters`).
 *
 * Engine: the taps K (taps x inputs x size floats) are built per batch in TypeScript (float64
 * arithmetic, stored as float32); the products run in the project's WebAssembly SIMD kernels,
 * one sparse product per tap over the input rows shifted by d steps (`rowsForward`: only the
 * inputs that spiked are touched), and backward one `rowsBackward` (dK at presynaptic spikes)
 * and one `dotRows` (the input gradient) per tap. Then dW = Σ_d dK g_d / Σ g and
 * dδ = W Σ_d dK d(g_d / Σ g)/dδ, in TypeScript. Cost: `taps` times a plain layer's sparse
 * products; memory: 2 x 4 taps inputs size' bytes per batch (K and dK).
 */
import { checkInteger, checkNumber } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import type { Parameter, SpikingModel } from "./model.js";
import { align16, type Workspace } from "./workspace.js";

/** Options of a LIF layer's learnable delays (`lif({ ..., delays: { taps } })`). */
export interface DelayOptions {
  /** Number of taps: delays of 0 .. taps - 1 steps (DCLS's `dilated_kernel_size`, SNN-delays' `max_delay`). */
  taps: number;
  /** Initial σ, steps (default floor(taps / 2), SNN-delays' `sigInit`); 0: rounded delays from the start. */
  sigma?: number;
  /** Learn the delay positions (default true; false keeps the random initial delays fixed, SNN-delays' `snn_delays_lr0`). */
  learn?: boolean;
  /** Initial delays: "uniform" in [0, taps - 1] (default, SNN-delays' `init_pos_method`) or one number of steps for all. */
  init?: "uniform" | number;
  /** Factor on the optimiser's learning rate for the delays (default 100: SNN-delays' `lr_pos = 100 lr_w`). */
  lrScale?: number;
}

/** Validated delay options. */
export interface DelaySpec {
  readonly taps: number;
  readonly sigma: number;
  readonly learn: boolean;
  readonly init: "uniform" | number;
  readonly lrScale: number;
}

/**
 * Validates {@link DelayOptions} (what `lif({ delays })` calls).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.delaySpec({ taps: 25 }); // { taps: 25, sigma: 12, learn: true, init: "uniform", lrScale: 100 }
 * ```
 */
export function delaySpec(opts: DelayOptions): DelaySpec {
  if (opts === null || typeof opts !== "object")
    throw new RangeError("delays must be an object { taps, sigma, learn, init }");
  const taps = checkInteger(opts.taps, "delays.taps", 1, 4096);
  const init = opts.init ?? "uniform";
  if (init !== "uniform") checkNumber(init, "delays.init", { min: 0, max: taps - 1 });
  return {
    taps,
    sigma: checkNumber(opts.sigma ?? Math.floor(taps / 2), "delays.sigma", { min: 0 }),
    learn: opts.learn ?? true,
    init,
    lrScale: checkNumber(opts.lrScale ?? 100, "delays.lrScale", { min: 0 }),
  };
}

/** SNN-delays' smallest σ (its Gaussians end at σ' = 0.23 + 0.27 = 0.5 steps). */
export const DELAY_SIGMA_MIN = 0.23;

/**
 * σ at the start of epoch `epoch` (0-based) under SNN-delays' schedule: σ0 multiplied by
 * (0.23 / σ0)^(1 / finalEpoch) per epoch, down to 0.23 at `finalEpoch` (SNN-delays: a quarter
 * of the epochs), constant after.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.delaySigma(0, { sigma0: 12, finalEpoch: 10 });  // 12
 * train.delaySigma(5, { sigma0: 12, finalEpoch: 10 });  // sqrt(12 * 0.23) = 1.66
 * train.delaySigma(20, { sigma0: 12, finalEpoch: 10 }); // 0.23
 * ```
 */
export function delaySigma(epoch: number, opts: { sigma0: number; finalEpoch: number }): number {
  checkInteger(epoch, "epoch", 0);
  const s0 = checkNumber(opts.sigma0, "sigma0", { min: 0 });
  const fe = checkInteger(opts.finalEpoch, "finalEpoch", 0);
  if (s0 <= DELAY_SIGMA_MIN || fe === 0) return s0;
  return s0 * (DELAY_SIGMA_MIN / s0) ** (Math.min(epoch, fe) / fe);
}

/**
 * Sets σ of every delayed layer of `model` for epoch `epoch` (0-based) of `epochs` with
 * {@link delaySigma} (σ0 from the layer's spec; `finalEpoch` default floor(epochs / 4), at least 1).
 * Call it from `fit`'s `onEpoch`.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 8, seed: 1, layers: [train.lif({ size: 16, delays: { taps: 13 } }), train.readout({ size: 4 })] });
 * const epochs = 40;
 * // in train.fit(model, data, { epochs, ..., onEpoch: (r) => train.scheduleDelaySigma(model, r.epoch, epochs) }):
 * train.scheduleDelaySigma(model, 5, epochs);
 * model.get("layer0.sigma"); // 6 (0.23 / 6)^(1/2) = 1.17 after 5 of 10 decaying epochs
 * ```
 */
export function scheduleDelaySigma(
  model: SpikingModel,
  epoch: number,
  epochs: number,
  finalEpoch?: number,
): void {
  const fe = finalEpoch ?? Math.max(1, Math.floor(checkInteger(epochs, "epochs", 1) / 4));
  model.layers.forEach((l, k) => {
    if (l.type === "lif" && l.delays)
      model.set(`layer${k}.sigma`, [delaySigma(epoch, { sigma0: l.delays.sigma, finalEpoch: fe })]);
  });
}

/**
 * Rounds every delay of `model` to whole steps and sets σ = 0 (SNN-delays' evaluation:
 * `round_pos`, DCLS "max" with SIG 0).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 2, seed: 1, layers: [train.lif({ size: 4, delays: { taps: 9 } }), train.readout({ size: 2 })] });
 * train.roundDelays(model);
 * model.get("layer0.delay"); // whole steps in [0, 8]
 * ```
 */
export function roundDelays(model: SpikingModel): void {
  model.layers.forEach((l, k) => {
    if (l.type !== "lif" || !l.delays) return;
    const d = model.get(`layer${k}.delay`);
    for (let i = 0; i < d.length; i++)
      d[i] = Math.min(l.delays.taps - 1, Math.max(0, Math.round(d[i])));
    model.set(`layer${k}.delay`, d);
    model.set(`layer${k}.sigma`, [0]);
  });
}

/** Tap weights g_d / (Σ g + 1e-7) of one synapse and their derivatives by δ (float64). */
function taps(
  delta: number,
  sigma: number,
  n: number,
  w: Float64Array,
  dw: Float64Array | null,
): void {
  let sum = 0,
    dsum = 0;
  const s = sigma + 0.27;
  for (let d = 0; d < n; d++) {
    const u = d - delta;
    let g: number, dg: number;
    if (sigma > 0) {
      g = Math.exp(-0.5 * (u / s) ** 2);
      dg = (g * u) / (s * s);
    } else {
      const a = Math.abs(u);
      g = a < 1 ? 1 - a : 0;
      dg = a < 1 ? Math.sign(u) : 0;
    }
    w[d] = g;
    if (dw) dw[d] = dg;
    sum += g;
    dsum += dg;
  }
  const z = sum + 1e-7;
  for (let d = 0; d < n; d++) {
    const x = w[d] / z;
    if (dw) dw[d] = dw[d] / z - (x * dsum) / z;
    w[d] = x;
  }
}

/** The delayed synapses of one LIF layer (built by the model; see the module header). @internal */
export class DelaySynapses {
  /** Per-batch byte offsets of the taps K and their gradient dK (taps x inputs x stride floats each). */
  private kernel = 0;
  private gradKernel = 0;

  constructor(
    readonly spec: DelaySpec,
    readonly nIn: number,
    readonly n: number,
    readonly stride: number,
    readonly W: Parameter,
    readonly delay: Parameter,
    readonly sigma: Parameter,
  ) {}

  /** Allocates and initialises `layer<k>.delay` and `layer<k>.sigma` (after the layer's other parameters). */
  static create(
    spec: DelaySpec,
    k: number,
    nIn: number,
    n: number,
    stride: number,
    W: Parameter,
    ws: Workspace,
    rng: Rng,
    add: (
      name: string,
      rows: number,
      cols: number,
      trainable: boolean,
      clamp?: [number, number],
      lrScale?: number,
    ) => Parameter,
  ): DelaySynapses {
    const delay = add(`layer${k}.delay`, nIn, n, spec.learn, undefined, spec.lrScale);
    const sigma = add(`layer${k}.sigma`, 1, 1, false);
    const v = ws.f32(delay.offset, nIn * delay.stride);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < n; j++)
        v[i * delay.stride + j] =
          spec.init === "uniform" ? (spec.taps - 1) * rng.uniform() : spec.init;
    }
    ws.f32(sigma.offset, 1)[0] = spec.sigma;
    return new DelaySynapses(spec, nIn, n, stride, W, delay, sigma);
  }

  /** Bytes per batch (K and dK). */
  transientBytes(): number {
    return 2 * align16(this.spec.taps * this.nIn * this.stride * 4);
  }

  /** Allocates the per-batch arrays. */
  plan(ws: Workspace): void {
    const bytes = this.spec.taps * this.nIn * this.stride * 4;
    this.kernel = ws.alloc(bytes, false, true);
    this.gradKernel = ws.alloc(bytes, false, true);
  }

  /** Clamps the delays to [0, taps - 1] and builds the taps K of this forward pass. */
  prepare(ws: Workspace): void {
    const D = this.spec.taps,
      S = this.stride,
      nIn = this.nIn,
      n = this.n;
    const delta = ws.f32(this.delay.offset, nIn * this.delay.stride);
    for (let k = 0; k < delta.length; k++) delta[k] = Math.min(D - 1, Math.max(0, delta[k]));
    const sigma = ws.f32(this.sigma.offset, 1)[0];
    const W = ws.f32(this.W.offset, nIn * S),
      K = ws.f32(this.kernel, D * nIn * S);
    const w = new Float64Array(D);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < n; j++) {
        taps(delta[i * this.delay.stride + j], sigma, D, w, null);
        const wij = W[i * S + j];
        for (let d = 0; d < D; d++) K[(d * nIn + i) * S + j] = wij * w[d];
      }
    }
  }

  /**
   * Adds Σ_d K[d] x[t - d] to the currents of steps t0 .. t1 - 1 at byte offset `cur` (rows of
   * `stride` floats from step t0); `csr`: the input's rows from step 0 (those before t0 are read).
   */
  forward(
    ws: Workspace,
    csr: { rowPtr: number; idx: number; val: number; ones?: number },
    t0: number,
    t1: number,
    B: number,
    cur: number,
  ): void {
    const D = this.spec.taps,
      S = this.stride,
      nIn = this.nIn;
    const kern = ws.kernels();
    for (let d = 0; d < D; d++) {
      const start = Math.max(t0, d);
      if (start >= t1) continue;
      kern.rowsForward(
        (t1 - start) * B,
        csr.rowPtr + 4 * (start - d) * B,
        csr.idx,
        csr.val,
        this.kernel + 4 * d * nIn * S,
        S,
        cur + 4 * (start - t0) * B * S,
        csr.ones ?? 0,
      );
    }
  }

  /** Starts a backward pass (dK = 0). */
  beginBackward(ws: Workspace): void {
    ws.f32(this.gradKernel, this.spec.taps * this.nIn * this.stride).fill(0);
  }

  /**
   * Adds to dK the products of the current gradient of steps t0 .. t1 - 1 (byte offset `gI`, rows
   * from t0) with the delayed inputs (`csr`: rows from step 0), in gradient blocks of G steps
   * from the last. `weightGrad(rows, csr, src, dst)` is the model's sparse weight-gradient product
   * (`rowsBackward` with its scratch).
   */
  backwardRows(
    csr: { rowPtr: number; idx: number; val: number; ones?: number },
    t0: number,
    t1: number,
    B: number,
    G: number,
    gI: number,
    weightGrad: (
      rows: number,
      csr: { rowPtr: number; idx: number; val: number; ones?: number },
      src: number,
      dst: number,
    ) => void,
  ): void {
    const D = this.spec.taps,
      S = this.stride,
      nIn = this.nIn;
    for (let a = Math.floor((t1 - 1) / G) * G; a >= t0; a -= G) {
      const b = Math.min(a + G, t1);
      for (let d = 0; d < D; d++) {
        const start = Math.max(a, d);
        if (start >= b) continue;
        weightGrad(
          (b - start) * B,
          { ...csr, rowPtr: csr.rowPtr + 4 * (start - d) * B },
          gI + 4 * (start - t0) * B * S,
          this.gradKernel + 4 * d * nIn * S,
        );
      }
    }
  }

  /** Adds the input gradient Σ_d K[d] gI[t + d] to the rows of `below` (all T steps in memory). */
  inputGradient(
    ws: Workspace,
    T: number,
    B: number,
    gI: number,
    below: { offset: number; stride: number },
  ): void {
    const D = this.spec.taps,
      S = this.stride,
      nIn = this.nIn,
      kern = ws.kernels();
    for (let d = 0; d < D && d < T; d++)
      kern.dotRows(
        (T - d) * B,
        gI + 4 * d * B * S,
        this.kernel + 4 * d * nIn * S,
        nIn,
        S,
        below.offset,
        below.stride,
      );
  }

  /** Ends a backward pass: dW and dδ from dK through the normalised taps. */
  finishBackward(ws: Workspace): void {
    const D = this.spec.taps,
      S = this.stride,
      nIn = this.nIn,
      n = this.n;
    const delta = ws.f32(this.delay.offset, nIn * this.delay.stride),
      sigma = ws.f32(this.sigma.offset, 1)[0];
    const W = ws.f32(this.W.offset, nIn * S),
      dK = ws.f32(this.gradKernel, D * nIn * S);
    const dW = ws.f32(this.W.gradOffset, nIn * S),
      dDelta = ws.f32(this.delay.gradOffset, nIn * this.delay.stride);
    const w = new Float64Array(D),
      dw = new Float64Array(D);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < n; j++) {
        taps(delta[i * this.delay.stride + j], sigma, D, w, dw);
        let gw = 0,
          gd = 0;
        for (let d = 0; d < D; d++) {
          const g = dK[(d * nIn + i) * S + j];
          gw += g * w[d];
          gd += g * dw[d];
        }
        dW[i * S + j] += gw;
        dDelta[i * this.delay.stride + j] += W[i * S + j] * gd;
      }
    }
  }
}

/** Options of {@link intervalTask}. */
export interface IntervalTaskOptions {
  /** The intervals, steps, one class each (input B fires this many steps after input A). */
  intervals_steps: readonly number[];
  /** Samples per class. */
  samplesPerClass: number;
  /** Steps per sample. */
  steps: number;
  /** Pairs of (A, B) inputs; each sample uses one pair at random, the others stay silent (default 1). */
  pairs?: number;
  /** Probability per step and input of a noise spike (default 0). */
  noise?: number;
  seed: number;
}

/**
 * A task only delays solve without memory: class c is "input B fires `intervals_steps[c]` steps
 * after input A" at a random onset. A layer without membrane memory (beta = 0) followed by a
 * readout reduced by max over time must detect the coincidence of A delayed by the interval
 * with B, so the right delay per synapse is the whole solution. Samples in class order, seeded.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const task = train.intervalTask({ intervals_steps: [2, 5, 8, 11], samplesPerClass: 20, steps: 30, pairs: 4, seed: 1 });
 * task.labels.length; // 80 samples of 30 steps x 8 inputs, for train.fit
 * ```
 */
export function intervalTask(opts: IntervalTaskOptions): {
  steps: number;
  inputs: number;
  x: Float32Array;
  labels: Int32Array;
} {
  const intervals = opts.intervals_steps.map((d, k) => checkInteger(d, `intervals_steps[${k}]`, 0));
  if (intervals.length < 2)
    throw new RangeError("intervals_steps must hold at least two intervals");
  const per = checkInteger(opts.samplesPerClass, "samplesPerClass", 1);
  const T = checkInteger(opts.steps, "steps", Math.max(...intervals) + 1);
  const pairs = checkInteger(opts.pairs ?? 1, "pairs", 1);
  const noise = checkNumber(opts.noise ?? 0, "noise", { min: 0, max: 1 });
  const rng = new Rng(checkInteger(opts.seed, "seed", 0));
  const inputs = 2 * pairs,
    n = intervals.length * per;
  const x = new Float32Array(n * T * inputs),
    labels = new Int32Array(n);
  for (let c = 0, s = 0; c < intervals.length; c++) {
    for (let k = 0; k < per; k++, s++) {
      labels[s] = c;
      const base = s * T * inputs;
      if (noise > 0)
        for (let j = 0; j < T * inputs; j++) if (rng.uniform() < noise) x[base + j] = 1;
      const p = rng.int(pairs),
        onset = rng.int(T - intervals[c]);
      x[base + onset * inputs + 2 * p] = 1;
      x[base + (onset + intervals[c]) * inputs + 2 * p + 1] = 1;
    }
  }
  return { steps: T, inputs, x, labels };
}
