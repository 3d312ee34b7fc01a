/**
 * The Expressive Leaky Memory (ELM) neuron of Spieler, Rahaman, Martius, Schölkopf & Levina 2023,
 * "The Expressive Leaky Memory neuron: an efficient and expressive phenomenological neuron model
 * can solve long-horizon tasks" (ICLR 2024; code: github.com/AaronSpieler/elmneuron,
 * `src/expressive_leaky_memory_neuron.py`, class `ELM`, v1 without branch routing). Per step t,
 * for inputs x[t] (nIn), synaptic traces s (nIn), memory units m (M) and outputs y (size):
 *
 *     s[t]  = κ_s s[t-1] + relu(w_s) x[t]                     κ_s = exp(-dt / τ_s), τ_s = 5 ms
 *     h     = relu(W1ᵀ [s[t], κ_m m[t-1]] + b1)               (the MLP, one hidden layer of H = 2M)
 *     Δm    = 1.7159 tanh(2/3 (W2ᵀ h + b2))                   (elmneuron's `custom_tanh`)
 *     m[t]  = κ_m m[t-1] + λ (1 - κ_m) Δm                     κ_m = exp(-dt / τ_m), λ = 5
 *     y[t]  = Wyᵀ m[t] + by
 *
 * with zero initial state, τ_m log-spaced from 1 to 1000 ms over the M memory units, w_s
 * initialised to 0.5 (elmneuron's defaults), the linear maps initialised as `nn.Linear`
 * (U(-1/√fan_in, 1/√fan_in), weights and biases). Parameters: `layer<k>.ws` (1 x nIn, used through
 * relu as elmneuron's `_proto_w_s`), `.W1` ((nIn + M) x H), `.b1`, `.W2` (H x M), `.b2`, `.Wy`
 * (M x size), `.by`. The outputs y are graded values passed to the next layer (a `readout`).
 *
 * Differences from elmneuron: the memory time constants are fixed (its default
 * `learn_memory_tau=False`) and exactly log-spaced from τ_min to τ_max (elmneuron: from
 * τ_min + 1e-6 to τ_max - 1e-6 through a sigmoid and its inverse); no synapse-to-branch routing
 * (its default: one synapse per input).
 *
 * Engine: tight TypeScript loops (float64 arithmetic, float32 storage), not WebAssembly: the
 * per-step MLP on one sample is a few thousand multiply-adds over dense vectors, all inputs
 * matter (the traces are dense), so the sparse kernels give nothing. Stored for BPTT per step and
 * sample: s, m, h, tanh and y, 4 (nIn' + 2M' + H' + size') bytes (' = rounded up to 4), plus the
 * output's CSR (8 bytes per output value) and its gradient (4 size' bytes).
 */
import { checkInteger, checkNumber, checkPositive } from "../core/checks.js";
import { Rng } from "../random/rng.js";
import type { Parameter } from "./model.js";
import { align16, type Workspace } from "./workspace.js";

/** Options of {@link elm}. */
export interface ElmOptions {
  /** Number of outputs y per step. */
  size: number;
  /** Number of memory units M (default 100, elmneuron's `num_memory`). */
  memory?: number;
  /** Hidden units of the MLP (default 2 M, elmneuron's). */
  hidden?: number;
  /** λ, the scale of the memory update (default 5). */
  lambda?: number;
  /** Synaptic trace time constant, ms (default 5). */
  tauSyn_ms?: number;
  /** Smallest and largest memory time constant, ms (defaults 1 and 1000), log-spaced over the M units. */
  tauMemMin_ms?: number;
  tauMemMax_ms?: number;
  /** Time step, ms (default 1). */
  dt_ms?: number;
  /** Initial synapse weight w_s (default 0.5). */
  wSyn?: number;
}

/** A validated ELM layer description. */
export interface ElmSpec {
  readonly type: "elm";
  readonly size: number;
  readonly memory: number;
  readonly hidden: number;
  readonly lambda: number;
  readonly tauSyn_ms: number;
  readonly tauMemMin_ms: number;
  readonly tauMemMax_ms: number;
  readonly dt_ms: number;
  readonly wSyn: number;
}

/**
 * A layer of ELM neurons' dynamics with `size` outputs (see the module header); follow it with a `readout`.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 8, seed: 1, layers: [
 *   train.elm({ size: 8, memory: 10 }),             // 10 memory units, tau_m 1..1000 ms, MLP of 20
 *   train.readout({ size: 2, reduce: "mean" }),
 * ] });
 * ```
 */
export function elm(opts: ElmOptions): ElmSpec {
  const memory = checkInteger(opts.memory ?? 100, "memory", 1);
  const tauMemMin_ms = checkPositive(opts.tauMemMin_ms ?? 1, "tauMemMin_ms");
  return {
    type: "elm",
    size: checkInteger(opts.size, "size", 1),
    memory,
    hidden: checkInteger(opts.hidden ?? 2 * memory, "hidden", 1),
    lambda: checkPositive(opts.lambda ?? 5, "lambda"),
    tauSyn_ms: checkPositive(opts.tauSyn_ms ?? 5, "tauSyn_ms"),
    tauMemMin_ms,
    tauMemMax_ms: checkNumber(opts.tauMemMax_ms ?? 1000, "tauMemMax_ms", { min: tauMemMin_ms }),
    dt_ms: checkPositive(opts.dt_ms ?? 1, "dt_ms"),
    wSyn: checkNumber(opts.wSyn ?? 0.5, "wSyn"),
  };
}

/**
 * The memory time constants, ms: M values log-spaced from τ_min to τ_max.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.elmMemoryTaus_ms(train.elm({ size: 1, memory: 4 })); // 1, 10, 100, 1000 ms
 * ```
 */
export function elmMemoryTaus_ms(spec: ElmSpec): Float64Array {
  const M = spec.memory,
    a = Math.log(spec.tauMemMin_ms),
    b = Math.log(spec.tauMemMax_ms);
  return Float64Array.from({ length: M }, (_, i) =>
    Math.exp(M === 1 ? a : a + ((b - a) * i) / (M - 1)),
  );
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;
const A = 1.7159,
  G = 2 / 3;

type AddParameter = (name: string, rows: number, cols: number, trainable: boolean) => Parameter;

/** The ELM layer's parameters, stored states and passes (built by the model). @internal */
export class ElmLayer {
  readonly ws: Parameter;
  readonly W1: Parameter;
  readonly b1: Parameter;
  readonly W2: Parameter;
  readonly b2: Parameter;
  readonly Wy: Parameter;
  readonly by: Parameter;
  private readonly kappaS: number;
  private readonly kappaM: Float64Array;
  private readonly nI: number;
  private readonly nM: number;
  private readonly nH: number;
  private readonly nY: number;
  // Per-batch layout (byte offsets): s, m, h, tanh of one of the model's segments of L steps,
  // rows of nI', nM', nH', nM' floats, with one leading block of B rows holding the state before
  // the segment; the checkpoints (s, m before every segment); the segment length and count.
  private s = 0;
  private m = 0;
  private h = 0;
  private th = 0;
  private cs = 0;
  private cm = 0;
  private L = 0;
  private K = 0;

  constructor(
    readonly spec: ElmSpec,
    nIn: number,
    ws: Workspace,
    rng: Rng,
    add: AddParameter,
    k: number,
  ) {
    const M = spec.memory,
      H = spec.hidden,
      Z = nIn + M;
    this.nI = nIn;
    this.nM = M;
    this.nH = H;
    this.nY = spec.size;
    this.ws = add(`layer${k}.ws`, 1, nIn, true);
    this.W1 = add(`layer${k}.W1`, Z, H, true);
    this.b1 = add(`layer${k}.b1`, 1, H, true);
    this.W2 = add(`layer${k}.W2`, H, M, true);
    this.b2 = add(`layer${k}.b2`, 1, M, true);
    this.Wy = add(`layer${k}.Wy`, M, spec.size, true);
    this.by = add(`layer${k}.by`, 1, spec.size, true);
    ws.f32(this.ws.offset, nIn).fill(spec.wSyn);
    const init = (p: Parameter, fanIn: number) => {
      const bound = 1 / Math.sqrt(fanIn),
        v = ws.f32(p.offset, p.rows * p.stride);
      for (let r = 0; r < p.rows; r++)
        for (let c = 0; c < p.cols; c++) v[r * p.stride + c] = bound * (2 * rng.uniform() - 1);
    };
    init(this.W1, Z);
    init(this.b1, Z);
    init(this.W2, H);
    init(this.b2, H);
    init(this.Wy, M);
    init(this.by, M);
    this.kappaS = Math.exp(-spec.dt_ms / spec.tauSyn_ms);
    this.kappaM = elmMemoryTaus_ms(spec).map((tau) => Math.exp(-spec.dt_ms / tau));
  }

  /**
   * Bytes per batch at the model's segments of L steps, K segments: the stored states of one
   * segment (and the state before it), the checkpoints, the segment's output rows, their CSR and gradient.
   */
  transientBytes(L: number, K: number, B: number): number {
    const R = L * B,
      y = pad4(this.nY);
    const segment = [pad4(this.nI), pad4(this.nM), pad4(this.nH), pad4(this.nM)].reduce(
      (a, w) => a + align16((L + 1) * B * w * 4),
      0,
    );
    const checkpoints = align16(K * B * pad4(this.nI) * 4) + align16(K * B * pad4(this.nM) * 4);
    return (
      segment +
      checkpoints +
      2 * align16(R * y * 4) +
      align16((R + 1) * 4) +
      2 * align16(R * this.nY * 4)
    );
  }

  /**
   * Allocates the per-batch arrays for the model's segments of L steps (K segments); returns the
   * segment's output rows (`mem`), their CSR and gradient rows (`gS`).
   */
  plan(
    ws: Workspace,
    L: number,
    K: number,
    B: number,
  ): { mem: number; gS: number; rowPtr: number; idx: number; val: number } {
    const R = L * B,
      rows = (L + 1) * B;
    this.L = L;
    this.K = K;
    this.s = ws.alloc(rows * pad4(this.nI) * 4, false, true);
    this.m = ws.alloc(rows * pad4(this.nM) * 4, false, true);
    this.h = ws.alloc(rows * pad4(this.nH) * 4);
    this.th = ws.alloc(rows * pad4(this.nM) * 4);
    this.cs = ws.alloc(K * B * pad4(this.nI) * 4, false, true);
    this.cm = ws.alloc(K * B * pad4(this.nM) * 4, false, true);
    const rowBytes = R * pad4(this.nY) * 4;
    return {
      mem: ws.alloc(rowBytes, false, true),
      gS: ws.alloc(rowBytes),
      rowPtr: ws.alloc((R + 1) * 4),
      idx: ws.alloc(R * this.nY * 4),
      val: ws.alloc(R * this.nY * 4),
    };
  }

  /**
   * Steps t0 .. t1 - 1 of segment k (the input CSR's and the outputs' rows from t0; states at
   * local rows 1..): from the checkpoint before it (zero for k = 0) into the segment rows; writes
   * the outputs and the next checkpoint (a recomputation in the backward pass gives them bitwise again).
   */
  forwardSegment(
    wsp: Workspace,
    csr: { rowPtr: number; idx: number; val: number },
    k: number,
    t0: number,
    t1: number,
    B: number,
    out: { mem: number; rowPtr: number; idx: number; val: number },
  ): void {
    const { nI, nM, nH, nY, L } = this,
      R = (t1 - t0) * B,
      SI = pad4(nI),
      SM = pad4(nM),
      SH = pad4(nH),
      SY = pad4(nY),
      rows = (L + 1) * B;
    const inPtr = wsp.i32(csr.rowPtr, R + 1),
      nnz = inPtr[R],
      inIdx = wsp.i32(csr.idx, nnz),
      inVal = wsp.f32(csr.val, nnz);
    const sA = wsp.f32(this.s, rows * SI),
      mA = wsp.f32(this.m, rows * SM),
      hA = wsp.f32(this.h, rows * SH),
      thA = wsp.f32(this.th, rows * SM);
    // the state before the segment -> the leading block
    sA.set(wsp.f32(this.cs + 4 * k * B * SI, B * SI), 0);
    mA.set(wsp.f32(this.cm + 4 * k * B * SM, B * SM), 0);
    const wsyn = wsp.f32(this.ws.offset, nI),
      W1 = wsp.f32(this.W1.offset, (nI + nM) * this.W1.stride),
      b1 = wsp.f32(this.b1.offset, nH);
    const W2 = wsp.f32(this.W2.offset, nH * this.W2.stride),
      b2 = wsp.f32(this.b2.offset, nM),
      Wy = wsp.f32(this.Wy.offset, nM * this.Wy.stride),
      by = wsp.f32(this.by.offset, nY);
    const s1 = this.W1.stride,
      s2 = this.W2.stride,
      sy = this.Wy.stride,
      kS = this.kappaS,
      kM = this.kappaM,
      lam = this.spec.lambda;
    const z = new Float64Array(nI + nM),
      h = new Float64Array(nH),
      o = new Float64Array(nM),
      y = new Float64Array(nY);
    const yA = wsp.f32(out.mem, R * SY);
    const outPtr = wsp.i32(out.rowPtr, R + 1),
      outIdx = wsp.i32(out.idx, R * nY),
      outVal = wsp.f32(out.val, R * nY);
    outPtr[0] = 0;
    for (let t = t0; t < t1; t++) {
      for (let b = 0; b < B; b++) {
        const r = (t - t0) * B + b,
          l = (t - t0 + 1) * B + b,
          lp = l - B;
        // synaptic traces
        for (let i = 0; i < nI; i++) z[i] = kS * sA[lp * SI + i];
        for (let q = inPtr[r]; q < inPtr[r + 1]; q++) {
          const i = inIdx[q];
          z[i] += Math.max(0, wsyn[i]) * inVal[q];
        }
        for (let i = 0; i < nI; i++) {
          sA[l * SI + i] = z[i];
          z[i] = sA[l * SI + i];
        }
        for (let i = 0; i < nM; i++) z[nI + i] = kM[i] * mA[lp * SM + i];
        // MLP
        for (let j = 0; j < nH; j++) h[j] = b1[j];
        for (let i = 0; i < nI + nM; i++) {
          const zi = z[i];
          if (zi === 0) continue;
          const row = i * s1;
          for (let j = 0; j < nH; j++) h[j] += zi * W1[row + j];
        }
        for (let j = 0; j < nH; j++) {
          const v = Math.fround(h[j] > 0 ? h[j] : 0);
          hA[l * SH + j] = v;
          h[j] = v;
        }
        for (let i = 0; i < nM; i++) o[i] = b2[i];
        for (let j = 0; j < nH; j++) {
          const hj = h[j];
          if (hj === 0) continue;
          const row = j * s2;
          for (let i = 0; i < nM; i++) o[i] += hj * W2[row + i];
        }
        for (let i = 0; i < nM; i++) {
          const th = Math.fround(Math.tanh(G * o[i]));
          thA[l * SM + i] = th;
          mA[l * SM + i] = kM[i] * mA[lp * SM + i] + lam * (1 - kM[i]) * A * th;
        }
        // output
        for (let j = 0; j < nY; j++) y[j] = by[j];
        for (let i = 0; i < nM; i++) {
          const mi = mA[l * SM + i],
            row = i * sy;
          for (let j = 0; j < nY; j++) y[j] += mi * Wy[row + j];
        }
        for (let j = 0; j < nY; j++) {
          const v = Math.fround(y[j]);
          yA[r * SY + j] = v;
          outIdx[r * nY + j] = j;
          outVal[r * nY + j] = v;
        }
        outPtr[r + 1] = (r + 1) * nY;
      }
    }
    if (k + 1 < this.K) {
      const last = (t1 - t0) * B;
      wsp.f32(this.cs + 4 * (k + 1) * B * SI, B * SI).set(sA.subarray(last * SI, (last + B) * SI));
      wsp.f32(this.cm + 4 * (k + 1) * B * SM, B * SM).set(mA.subarray(last * SM, (last + B) * SM));
    }
  }

  /** The float64 accumulators of the parameter gradients and the carries across segments. */
  private grads: {
    ws: Float64Array;
    W1: Float64Array;
    b1: Float64Array;
    W2: Float64Array;
    b2: Float64Array;
    Wy: Float64Array;
    by: Float64Array;
    carryS: Float64Array;
    carryM: Float64Array;
  } | null = null;

  /** Starts a backward pass (zero accumulators and carries). */
  beginBackward(B: number): void {
    const { nI, nM, nH, nY } = this,
      Z = nI + nM;
    this.grads = {
      ws: new Float64Array(nI),
      W1: new Float64Array(Z * nH),
      b1: new Float64Array(nH),
      W2: new Float64Array(nH * nM),
      b2: new Float64Array(nM),
      Wy: new Float64Array(nM * nY),
      by: new Float64Array(nY),
      carryS: new Float64Array(B * nI),
      carryM: new Float64Array(B * nM),
    };
  }

  /**
   * Backpropagates the output gradient rows `gS` (dLoss/dy, the segment's rows) through steps
   * t1 - 1 .. t0 of the segment in memory (the model calls the segments from the last); adds
   * (if `below` is given) dLoss/dx to the layer below's gradient rows of the segment.
   */
  backwardSegment(
    wsp: Workspace,
    csr: { rowPtr: number; idx: number; val: number },
    t0: number,
    t1: number,
    B: number,
    gS: number,
    below: { offset: number; stride: number } | null,
  ): void {
    const { nI, nM, nH, nY, L } = this,
      R = (t1 - t0) * B,
      SI = pad4(nI),
      SM = pad4(nM),
      SH = pad4(nH),
      SY = pad4(nY),
      Z = nI + nM,
      rows = (L + 1) * B;
    const inPtr = wsp.i32(csr.rowPtr, R + 1),
      nnz = inPtr[R],
      inIdx = wsp.i32(csr.idx, nnz),
      inVal = wsp.f32(csr.val, nnz);
    const sA = wsp.f32(this.s, rows * SI),
      mA = wsp.f32(this.m, rows * SM),
      hA = wsp.f32(this.h, rows * SH),
      thA = wsp.f32(this.th, rows * SM),
      gY = wsp.f32(gS, R * SY);
    const wsyn = wsp.f32(this.ws.offset, nI),
      W1 = wsp.f32(this.W1.offset, Z * this.W1.stride),
      W2 = wsp.f32(this.W2.offset, nH * this.W2.stride),
      Wy = wsp.f32(this.Wy.offset, nM * this.Wy.stride);
    const s1 = this.W1.stride,
      s2 = this.W2.stride,
      sy = this.Wy.stride,
      kS = this.kappaS,
      kM = this.kappaM,
      lam = this.spec.lambda;
    const {
      ws: dws,
      W1: dW1,
      b1: db1,
      W2: dW2,
      b2: db2,
      Wy: dWy,
      by: dby,
      carryS,
      carryM,
    } = this.grads!;
    const gm = new Float64Array(nM),
      go = new Float64Array(nM),
      gh = new Float64Array(nH),
      gz = new Float64Array(Z),
      z = new Float64Array(Z);
    const gx = below ? wsp.f32(below.offset, R * below.stride) : null;
    for (let t = t1 - 1; t >= t0; t--) {
      for (let b = 0; b < B; b++) {
        const r = (t - t0) * B + b,
          l = (t - t0 + 1) * B + b,
          lp = l - B;
        // y = Wyᵀ m + by
        for (let i = 0; i < nM; i++) gm[i] = carryM[b * nM + i];
        for (let j = 0; j < nY; j++) {
          const g = gY[r * SY + j];
          if (g === 0) continue;
          dby[j] += g;
          for (let i = 0; i < nM; i++) {
            gm[i] += Wy[i * sy + j] * g;
            dWy[i * nY + j] += mA[l * SM + i] * g;
          }
        }
        // m = κ m' + λ (1 - κ) A tanh(G o)
        for (let i = 0; i < nM; i++) {
          const th = thA[l * SM + i];
          go[i] = gm[i] * lam * (1 - kM[i]) * A * G * (1 - th * th);
          db2[i] += go[i];
        }
        for (let j = 0; j < nH; j++) {
          const hj = hA[l * SH + j];
          if (hj === 0) {
            gh[j] = 0;
            continue;
          }
          const row = j * s2;
          let acc = 0;
          for (let i = 0; i < nM; i++) {
            acc += W2[row + i] * go[i];
            dW2[j * nM + i] += hj * go[i];
          }
          gh[j] = acc;
          db1[j] += acc;
        }
        // h = relu(W1ᵀ z + b1), z = [s, κ m']
        for (let i = 0; i < nI; i++) z[i] = sA[l * SI + i];
        for (let i = 0; i < nM; i++) z[nI + i] = kM[i] * mA[lp * SM + i];
        for (let i = 0; i < Z; i++) {
          const row = i * s1,
            zi = z[i];
          let acc = 0;
          for (let j = 0; j < nH; j++) {
            const g = gh[j];
            acc += W1[row + j] * g;
            dW1[i * nH + j] += zi * g;
          }
          gz[i] = acc;
        }
        // memory carried to t - 1: directly (κ) and through z (κ)
        for (let i = 0; i < nM; i++) carryM[b * nM + i] = kM[i] * (gm[i] + gz[nI + i]);
        // s = κ_s s' + relu(w_s) x
        for (let i = 0; i < nI; i++) {
          const gs = gz[i] + carryS[b * nI + i];
          carryS[b * nI + i] = kS * gs;
          gz[i] = gs;
        }
        for (let q = inPtr[r]; q < inPtr[r + 1]; q++) {
          const i = inIdx[q];
          if (wsyn[i] > 0) dws[i] += gz[i] * inVal[q];
        }
        if (gx) {
          const st = below!.stride;
          for (let i = 0; i < nI; i++) gx[r * st + i] += gz[i] * Math.max(0, wsyn[i]);
        }
      }
    }
  }

  /** Ends a backward pass: adds the accumulated parameter gradients to the model's. */
  finishBackward(wsp: Workspace): void {
    const { nI, nM, nH, nY } = this;
    const g = this.grads!;
    const addTo = (p: Parameter, acc: Float64Array, cols: number) => {
      const grad = wsp.f32(p.gradOffset, p.rows * p.stride);
      for (let r = 0; r < p.rows; r++)
        for (let c = 0; c < cols; c++) grad[r * p.stride + c] += acc[r * cols + c];
    };
    addTo(this.ws, g.ws, nI);
    addTo(this.W1, g.W1, nH);
    addTo(this.b1, g.b1, nH);
    addTo(this.W2, g.W2, nM);
    addTo(this.b2, g.b2, nM);
    addTo(this.Wy, g.Wy, nY);
    addTo(this.by, g.by, nY);
  }
}

/** Options of {@link delayedXorTask}. */
export interface DelayedXorOptions {
  /** Number of samples (classes alternate). */
  samples: number;
  /** Steps between the end of the first cue and the start of the second. */
  gap_steps: number;
  /** Steps of each cue (default 5) and after the second cue (default 10). */
  cue_steps?: number;
  tail_steps?: number;
  /** Probability per step of a spike on each of the 4 noise inputs (default 0.02). */
  noise?: number;
  seed: number;
}

/**
 * A task that needs memory over `gap_steps`: input 0 or 1 fires during the first cue (bit a),
 * input 2 or 3 during the second cue (bit b), 4 noise inputs fire at random throughout; the
 * class is a XOR b. Before the second cue nothing predicts the class, so a readout reduced over
 * time (max or mean) must rely on what the network kept of the first cue. Seeded.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const task = train.delayedXorTask({ samples: 64, gap_steps: 60, seed: 1 }); // 80 steps x 8 inputs each
 * ```
 */
export function delayedXorTask(opts: DelayedXorOptions): {
  steps: number;
  inputs: number;
  x: Float32Array;
  labels: Int32Array;
} {
  const n = checkInteger(opts.samples, "samples", 1),
    gap = checkInteger(opts.gap_steps, "gap_steps", 0);
  const cue = checkInteger(opts.cue_steps ?? 5, "cue_steps", 1),
    tail = checkInteger(opts.tail_steps ?? 10, "tail_steps", 0);
  const noise = checkNumber(opts.noise ?? 0.02, "noise", { min: 0, max: 1 });
  const rng = new Rng(checkInteger(opts.seed, "seed", 0));
  const T = 2 * cue + gap + tail,
    inputs = 8;
  const x = new Float32Array(n * T * inputs),
    labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const a = rng.int(2),
      b = rng.int(2);
    labels[s] = a ^ b;
    const base = s * T * inputs;
    for (let t = 0; t < T; t++)
      for (let i = 4; i < 8; i++) if (rng.uniform() < noise) x[base + t * inputs + i] = 1;
    for (let t = 0; t < cue; t++) {
      x[base + t * inputs + a] = 1;
      x[base + (cue + gap + t) * inputs + 2 + b] = 1;
    }
  }
  return { steps: T, inputs, x, labels };
}
