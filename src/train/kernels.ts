/**
 * The training engine's kernels: the O(rows x inputs x outputs) products of a spiking layer's
 * forward and backward pass and the LIF neuron's element-wise update over all time steps, in
 * WebAssembly SIMD (four float32 lanes per `f32x4` instruction, assembled with
 * `src/wasm/assembler.ts`) and as a readable TypeScript reference performing the same IEEE
 * single-precision operations in the same order (every product and sum rounded to float32 with
 * `Math.fround`), so both give bitwise-identical results (`test/unit/train_kernels.test.ts`).
 *
 * Sparse input: a batch of input rows (one row per time step and sample) is given in CSR form
 * (`rowPtr`, `idx`, `val`: the inputs that are non-zero in each row and their values). The
 * forward pass adds, for each row, the weight rows of the inputs that spiked
 * (`out[r] += val * W[idx]`, {@link KernelSet.rowsForward}); the weight gradient accumulates only
 * at presynaptic spikes (`dW[idx] += val * g[r]`, {@link KernelSet.rowsBackward}); the gradient
 * w.r.t. a layer's input is dense (the surrogate makes every input matter):
 * `gx[r, i] += W[i] . g[r]` ({@link KernelSet.dotRows}). With `ones` (every value is 1, as for
 * spikes) the products are skipped: 1 x w = w exactly, so the result is the same.
 *
 * How the WebAssembly versions are fast (each keeps the reference's order of additions per
 * element): `rowsForward` holds a tile of up to 7 output vectors of a row (the row split into
 * tiles of balanced widths, e.g. 50 vectors as 2 x 7 + 6 x 6) in registers while it adds the
 * weight rows of that row's inputs; `rowsBackward` sorts a block of rows' entries by input (a
 * counting sort, rows kept in order) and then adds, per input, all of its block's gradient rows
 * into a register tile of `dW` (one load and store of `dW` per block instead of per entry), or,
 * for rows of at most 64 floats, adds each entry straight into `dW` with the source row's tile in
 * registers; `dotRows` computes 2 rows x 4 weight rows of dot products per pass (eight
 * accumulators, six loads per eight products). `lifForward` / `lifBackward` run all time steps of
 * a LIF layer in one call (the recurrent products called from inside), four neurons per
 * instruction. Tile sizes are
 * set so that V8 keeps every accumulator in a register (it loads all of an iteration's vectors
 * before the arithmetic; `node --print-wasm-code` shows the spills otherwise).
 *
 * Memory layout: every matrix row has a stride padded to a multiple of four floats, the padding
 * held at zero, so a kernel may read and write whole four-lane vectors. All arguments are byte
 * offsets into one memory (`Workspace`), 16-byte aligned for float rows.
 */
import {
  assemble,
  F64,
  I32,
  lazyModule,
  op,
  uleb,
  V128,
  type Code,
  type ValType,
} from "../wasm/assembler.js";

/** Bits of the `flags` argument of {@link KernelSet.lifForward} / {@link KernelSet.lifBackward}. */
export const LIF_FLAGS = {
  /** Reset mode in bits 0-1: 0 subtract, 1 zero, 2 none. */
  resetZero: 1,
  resetNone: 2,
  /** A synaptic current (current-based LIF). */
  synaptic: 4,
  /** Recurrent weights V. */
  recurrent: 8,
  /** The reset is attached to the graph (backward only). */
  attached: 16,
  /** A bias (backward only: accumulate its gradient). */
  bias: 32,
  /** Step 0 continues from the rows before `mem`, `spk`, `syn` (a checkpointed segment; backward: dBeta, dAlpha). */
  resume: 64,
  /** Backward only: continue from the carries in `carry` (the later segment's) instead of zeroing them. */
  keepCarry: 128,
} as const;

/** Bits of the `flags` argument of the readout kernels ({@link KernelSet.readoutForward} etc.). */
export const READOUT_FLAGS = {
  /** Backward: the output is the mean over time (else the max). */
  mean: 1,
  /** Backward: accumulate the bias gradient. */
  bias: 2,
  /** A checkpointed segment after the first: continue from the row before `u` (forward, backward's dBeta), merge into `best` / `arg` (max) or `sums`. */
  resume: 4,
  /** Backward: continue from the later segment's gradient in `carry` instead of zeroing it. */
  keepCarry: 8,
} as const;

/**
 * Surrogate kinds of {@link KernelSet.lifBackward}, evaluated in float32 at x = v - threshold:
 * 0: p1 / (1 + (p0 x)^2) (atan: p0 = pi alpha / 2, p1 = alpha / 2);
 * 1: 1 / (p0 |x| + 1)^2 (fast sigmoid, SuperSpike); 2: p0 max(0, 1 - |x| / p1) (triangle).
 */
export const SURROGATE_KIND = { atan: 0, fastSigmoid: 1, superSpike: 1, triangle: 2 } as const;

/** The kernel operations of the training engine (byte offsets into one memory). */
export interface KernelSet {
  /**
   * For each of `rows` rows r: `dst[r] += val[k] * src[idx[k]]` for k in `rowPtr[r]..rowPtr[r+1]`,
   * rows of `stride` floats (`dst` row r at `dst + 4 r stride`); `ones` (0/1, default 0): every
   * val is 1; `init` (a byte offset, default 0: none): every `dst` row first set to the row at
   * `init` (a bias), instead of adding to what it holds.
   */
  rowsForward(
    rows: number,
    rowPtr: number,
    idx: number,
    val: number,
    src: number,
    stride: number,
    dst: number,
    ones?: number,
    init?: number,
  ): void;
  /**
   * For each of `rows` rows r: `dst[idx[k]] += val[k] * src[r]` for k in `rowPtr[r]..rowPtr[r+1]`,
   * the additions to each `dst` row in order of r. `nIn`: rows of `dst` (idx < nIn); `block`: rows
   * sorted at a time; `scratch`: 4 (nIn + 1) + 8 (most entries in a block) bytes (WebAssembly only).
   */
  rowsBackward(
    rows: number,
    rowPtr: number,
    idx: number,
    val: number,
    src: number,
    stride: number,
    dst: number,
    ones: number,
    nIn: number,
    scratch: number,
    block: number,
  ): void;
  /**
   * For each of `rows` rows r and each i < `nIn`: `gx[r * strideIn + i] += W[i] . g[r]`, rows of
   * `W` and `g` of `stride` floats; the dot product sums four lanes (lane l takes the columns
   * j = l mod 4) and adds them as `(l0 + l1) + (l2 + l3)`.
   */
  dotRows(
    rows: number,
    g: number,
    w: number,
    nIn: number,
    stride: number,
    gx: number,
    strideIn: number,
  ): void;
  /**
   * A LIF layer's neuron update over `steps` x `batch` rows (time-major, `stride` floats per row;
   * all lanes computed, spikes recorded for neurons < n), given the input currents `cur`
   * (bias + W x): per step, the recurrent input `V s[t-1]` is added to `cur[t]`, then
   * syn[t] = alpha syn[t-1] + cur[t], v[t] per the reset mode (see `layers.ts`), s[t] = v[t] > theta.
   * Writes `mem`, `spk`, `syn` and the CSR of the spikes (`rowPtr`, `idx`, `val` = 1); `idx` and
   * `val` need room for three entries more than the spikes (the kernel writes ahead); `table`:
   * the 256 bytes of the `spikeTable()` byte-shuffle table (WebAssembly only).
   */
  lifForward(
    steps: number,
    batch: number,
    n: number,
    stride: number,
    cur: number,
    mem: number,
    spk: number,
    syn: number,
    beta: number,
    alpha: number,
    thr: number,
    V: number,
    rowPtr: number,
    idx: number,
    val: number,
    flags: number,
    table: number,
  ): void;
  /**
   * The reverse of {@link KernelSet.lifForward}: from dLoss/dspikes `gS` (the recurrent part
   * `V gI[t+1]` is added per step), overwrites `cur` with dLoss/dI and adds the gradients of
   * beta, alpha, threshold and bias; `carry`: 2 x batch x stride floats of scratch.
   */
  lifBackward(
    steps: number,
    batch: number,
    n: number,
    stride: number,
    cur: number,
    mem: number,
    spk: number,
    gS: number,
    syn: number,
    beta: number,
    alpha: number,
    thr: number,
    dBeta: number,
    dAlpha: number,
    dThr: number,
    dB: number,
    carry: number,
    V: number,
    flags: number,
    surrogate: number,
    p0: number,
    p1: number,
  ): void;
  /**
   * A leaky-integrator readout's update over `steps` x `batch` rows of `stride` floats (all lanes):
   * u[t] = beta u[t-1] + cur[t] (u[0] = cur[0]; with `READOUT_FLAGS.resume`, u[0] continues
   * from the `batch` rows before `u`, a checkpointed segment's lead row), the product and sum in
   * float64 and u stored in float32 (one rounding per step).
   */
  readoutForward(
    steps: number,
    batch: number,
    stride: number,
    cur: number,
    u: number,
    beta: number,
    flags: number,
  ): void;
  /**
   * The maximum over time of `u` per sample and lane (`best`, float32) and its first step
   * (`arg`, int32: `t0` + the local step), `batch` x `stride` each. With
   * `READOUT_FLAGS.resume` the segment is merged into the `best` and `arg` of the earlier
   * segments (a tie keeps the earlier step) instead of starting from step 0.
   */
  readoutMax(
    steps: number,
    batch: number,
    stride: number,
    u: number,
    best: number,
    arg: number,
    t0: number,
    flags: number,
  ): void;
  /**
   * The sum over time of `u` per sample and lane in float64 (`sums`, float64, `batch` x
   * `stride`; one float64 addition per step, in step order), for a mean over time: from 0, or
   * with `READOUT_FLAGS.resume` added to the earlier segments' sums.
   */
  readoutSum(
    steps: number,
    batch: number,
    stride: number,
    u: number,
    sums: number,
    flags: number,
  ): void;
  /**
   * The reverse of {@link KernelSet.readoutForward} over steps t0 .. t0 + steps - 1 of a sequence
   * of `totalSteps` steps, with a max (`READOUT_FLAGS.mean` clear: the gradient enters at
   * the absolute step `arg`) or mean (set: g / totalSteps at every step) over time, from
   * dLoss/doutput `gOut` (float64, `batch` x `stride`): in float64, gu[t] = direct + beta gu[t+1],
   * stored (float32) as dLoss/dcur over `cur`; adds gu u[t-1] to `dBeta` (at local step 0 only
   * with `resume`: u[-1] is the row before `u`) and, with `bias`, gu to `dB` (float64 sums
   * rounded to float32 per addition); `carry` (batch x stride floats) holds gu of the step after
   * the segment: zeroed first unless `keepCarry`.
   */
  readoutBackward(
    steps: number,
    batch: number,
    stride: number,
    cur: number,
    u: number,
    beta: number,
    dBeta: number,
    dB: number,
    arg: number,
    gOut: number,
    carry: number,
    flags: number,
    t0: number,
    totalSteps: number,
  ): void;
}

/**
 * The byte-shuffle patterns that pack the indices of the spiking lanes of a four-lane mask
 * (bit l = lane l): pattern m moves the four bytes of each set lane to the front, in lane order,
 * and zeroes the rest (index 0x80). 16 patterns x 16 bytes.
 */
export function spikeTable(): Uint8Array {
  const t = new Uint8Array(256).fill(0x80);
  for (let m = 0; m < 16; m++) {
    let k = 0;
    for (let l = 0; l < 4; l++)
      if (m & (1 << l)) {
        for (let byte = 0; byte < 4; byte++) t[16 * m + 4 * k + byte] = 4 * l + byte;
        k++;
      }
  }
  return t;
}

/**
 * The TypeScript reference of the kernels, over the memory `buffer`.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * // the TypeScript reference of the training kernels (the WebAssembly ones must equal it bit for bit)
 * const ws = new train.Workspace({ wasm: false });
 * const src = ws.alloc(16, true), dst = ws.alloc(16, true), rowPtr = ws.alloc(8, true), idx = ws.alloc(4, true), val = ws.alloc(4, true);
 * ws.f32(src, 4).set([1, 2, 3, 4]);
 * ws.i32(rowPtr, 2).set([0, 1]);
 * ws.i32(idx, 1)[0] = 0;
 * ws.f32(val, 1)[0] = 2;
 * train.referenceKernels(ws.buffer).rowsForward(1, rowPtr, idx, val, src, 4, dst); // dst += 2 x src row 0
 * ws.f32(dst, 4); // [2, 4, 6, 8]
 * ```
 */
export function referenceKernels(buffer: ArrayBuffer): KernelSet {
  const f = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const fr = Math.fround;
  const K: KernelSet = {
    rowsForward(rows, rowPtr, idx, val, src, stride, dst, ones, init) {
      const rp = rowPtr >> 2,
        ix = idx >> 2,
        vl = val >> 2,
        s0 = src >> 2,
        d0 = dst >> 2;
      for (let r = 0; r < rows; r++) {
        const d = d0 + r * stride;
        if (init) f.copyWithin(d, init >> 2, (init >> 2) + stride);
        for (let k = i32[rp + r]; k < i32[rp + r + 1]; k++) {
          const a = f[vl + k];
          const s = s0 + i32[ix + k] * stride;
          for (let j = 0; j < stride; j++) f[d + j] = fr(f[d + j] + fr(a * f[s + j]));
        }
      }
    },
    rowsBackward(rows, rowPtr, idx, val, src, stride, dst) {
      const rp = rowPtr >> 2,
        ix = idx >> 2,
        vl = val >> 2,
        s0 = src >> 2,
        d0 = dst >> 2;
      for (let r = 0; r < rows; r++) {
        const s = s0 + r * stride;
        for (let k = i32[rp + r]; k < i32[rp + r + 1]; k++) {
          const a = f[vl + k];
          const d = d0 + i32[ix + k] * stride;
          for (let j = 0; j < stride; j++) f[d + j] = fr(f[d + j] + fr(a * f[s + j]));
        }
      }
    },
    dotRows(rows, g, w, nIn, stride, gx, strideIn) {
      const g0 = g >> 2,
        w0 = w >> 2,
        x0 = gx >> 2;
      for (let r = 0; r < rows; r++) {
        const gr = g0 + r * stride;
        for (let i = 0; i < nIn; i++) {
          const wi = w0 + i * stride;
          let l0 = 0,
            l1 = 0,
            l2 = 0,
            l3 = 0;
          for (let j = 0; j < stride; j += 4) {
            l0 = fr(l0 + fr(f[wi + j] * f[gr + j]));
            l1 = fr(l1 + fr(f[wi + j + 1] * f[gr + j + 1]));
            l2 = fr(l2 + fr(f[wi + j + 2] * f[gr + j + 2]));
            l3 = fr(l3 + fr(f[wi + j + 3] * f[gr + j + 3]));
          }
          const at = x0 + r * strideIn + i;
          f[at] = fr(f[at] + fr(fr(l0 + l1) + fr(l2 + l3)));
        }
      }
    },
    lifForward(T, B, n, S, cur, mem, spk, syn, beta, alpha, thr, V, rowPtr, idx, val, flags) {
      const c0 = cur >> 2,
        m0 = mem >> 2,
        s0 = spk >> 2,
        y0 = syn >> 2,
        be0 = beta >> 2,
        al0 = alpha >> 2,
        th0 = thr >> 2;
      const rp = rowPtr >> 2,
        ix = idx >> 2,
        vl = val >> 2;
      const mode = flags & 3,
        hasSyn = (flags & LIF_FLAGS.synaptic) !== 0,
        recurrent = (flags & LIF_FLAGS.recurrent) !== 0,
        resume = (flags & LIF_FLAGS.resume) !== 0;
      let nnz = 0;
      i32[rp] = 0;
      for (let t = 0; t < T; t++) {
        if (recurrent && t > 0)
          K.rowsForward(B, rowPtr + 4 * (t - 1) * B, idx, val, V, S, cur + 4 * t * B * S, 1);
        for (let b = 0; b < B; b++) {
          const r = (t * B + b) * S,
            rp0 = r - B * S;
          for (let i = 0; i < S; i++) {
            let drive = f[c0 + r + i];
            if (hasSyn) {
              if (t > 0 || resume) drive = fr(fr(f[al0 + i] * f[y0 + rp0 + i]) + drive);
              f[y0 + r + i] = drive;
            }
            let v = drive;
            if (t > 0 || resume) {
              const vp = f[m0 + rp0 + i],
                sp = f[s0 + rp0 + i],
                be = f[be0 + i];
              if (mode === 0) v = fr(fr(fr(be * vp) + drive) - fr(sp * f[th0 + i]));
              else if (mode === 1) v = fr(fr(be * fr((1 - sp) * vp)) + drive);
              else v = fr(fr(be * vp) + drive);
            }
            f[m0 + r + i] = v;
            if (v > f[th0 + i]) {
              f[s0 + r + i] = 1;
              if (i < n) {
                i32[ix + nnz] = i;
                f[vl + nnz] = 1;
                nnz++;
              }
            } else {
              f[s0 + r + i] = 0;
            }
          }
          i32[rp + t * B + b + 1] = nnz;
        }
      }
    },
    lifBackward(
      T,
      B,
      n,
      S,
      cur,
      mem,
      spk,
      gS,
      syn,
      beta,
      alpha,
      thr,
      dBeta,
      dAlpha,
      dThr,
      dB,
      carry,
      V,
      flags,
      kind,
      p0,
      p1,
    ) {
      const c0 = cur >> 2,
        m0 = mem >> 2,
        s0 = spk >> 2,
        g0 = gS >> 2,
        y0 = syn >> 2,
        be0 = beta >> 2,
        al0 = alpha >> 2,
        th0 = thr >> 2;
      const dbe0 = dBeta >> 2,
        dal0 = dAlpha >> 2,
        dth0 = dThr >> 2,
        db0 = dB >> 2,
        cm0 = carry >> 2,
        cs0 = cm0 + B * S;
      const mode = flags & 3,
        hasSyn = (flags & LIF_FLAGS.synaptic) !== 0,
        recurrent = (flags & LIF_FLAGS.recurrent) !== 0;
      const attached = (flags & LIF_FLAGS.attached) !== 0,
        bias = (flags & LIF_FLAGS.bias) !== 0,
        resume = (flags & LIF_FLAGS.resume) !== 0;
      const P0 = fr(p0),
        P1 = fr(p1);
      if (!(flags & LIF_FLAGS.keepCarry)) f.fill(0, cm0, cm0 + 2 * B * S);
      for (let t = T - 1; t >= 0; t--) {
        if (recurrent && t < T - 1)
          K.dotRows(B, cur + 4 * (t + 1) * B * S, V, n, S, gS + 4 * t * B * S, S);
        for (let b = 0; b < B; b++) {
          const r = (t * B + b) * S,
            rp0 = r - B * S,
            cm = cm0 + b * S,
            cs = cs0 + b * S;
          for (let i = 0; i < S; i++) {
            const gmN = f[cm + i],
              v = f[m0 + r + i],
              sp = f[s0 + r + i],
              th = f[th0 + i],
              be = f[be0 + i];
            let gs = f[g0 + r + i];
            if (attached) gs = fr(gs - (mode === 0 ? fr(th * gmN) : fr(fr(be * v) * gmN)));
            const x = fr(v - th);
            let sur: number;
            if (kind === 0) {
              const y = fr(P0 * x);
              sur = fr(P1 / fr(1 + fr(y * y)));
            } else if (kind === 1) {
              const d = fr(fr(P0 * Math.abs(x)) + 1);
              sur = fr(1 / fr(d * d));
            } else sur = fr(P0 * Math.max(0, fr(1 - fr(Math.abs(x) / P1))));
            const gsg = fr(gs * sur);
            const gm = fr(gsg + (mode === 1 ? fr(fr(be * (1 - sp)) * gmN) : fr(be * gmN)));
            f[dth0 + i] = fr(f[dth0 + i] - (mode === 0 ? fr(gsg + fr(sp * gmN)) : gsg));
            if (t > 0 || resume) {
              const prev =
                mode === 1 ? fr((1 - f[s0 + rp0 + i]) * f[m0 + rp0 + i]) : f[m0 + rp0 + i];
              f[dbe0 + i] = fr(f[dbe0 + i] + fr(gm * prev));
            }
            f[cm + i] = gm;
            let g = gm;
            if (hasSyn) {
              g = fr(gm + fr(f[al0 + i] * f[cs + i]));
              if (t > 0 || resume) f[dal0 + i] = fr(f[dal0 + i] + fr(g * f[y0 + rp0 + i]));
              f[cs + i] = g;
            }
            f[c0 + r + i] = g;
            if (bias) f[db0 + i] = fr(f[db0 + i] + g);
          }
        }
      }
    },
    readoutForward(T, B, S, cur, u, beta, flags) {
      const c0 = cur >> 2,
        u0 = u >> 2,
        be0 = beta >> 2;
      const resume = (flags & READOUT_FLAGS.resume) !== 0;
      if (!resume) for (let k = 0; k < B * S; k++) f[u0 + k] = f[c0 + k];
      for (let r = resume ? 0 : B; r < T * B; r++)
        for (let i = 0; i < S; i++) {
          const at = r * S + i;
          f[u0 + at] = f[be0 + i] * f[u0 + at - B * S] + f[c0 + at];
        }
    },
    readoutMax(T, B, S, u, best, arg, t0, flags) {
      const u0 = u >> 2,
        b0 = best >> 2,
        a0 = arg >> 2;
      const resume = (flags & READOUT_FLAGS.resume) !== 0;
      for (let k = 0; k < B * S; k++) {
        let top = resume ? f[b0 + k] : f[u0 + k],
          at = resume ? i32[a0 + k] : t0;
        for (let t = resume ? 0 : 1; t < T; t++) {
          const x = f[u0 + t * B * S + k];
          if (x > top) {
            top = x;
            at = t0 + t;
          }
        }
        f[b0 + k] = top;
        i32[a0 + k] = at;
      }
    },
    readoutSum(T, B, S, u, sums, flags) {
      const f64 = new Float64Array(buffer, sums, B * S),
        u0 = u >> 2;
      if (!(flags & READOUT_FLAGS.resume)) f64.fill(0);
      for (let k = 0; k < B * S; k++) {
        let sum = f64[k];
        for (let t = 0; t < T; t++) sum += f[u0 + t * B * S + k];
        f64[k] = sum;
      }
    },
    readoutBackward(T, B, S, cur, u, beta, dBeta, dB, arg, gOut, carry, flags, t0, totalSteps) {
      const f64 = new Float64Array(buffer, gOut, B * S);
      const c0 = cur >> 2,
        u0 = u >> 2,
        be0 = beta >> 2,
        dbe0 = dBeta >> 2,
        db0 = dB >> 2,
        a0 = arg >> 2,
        cm0 = carry >> 2;
      const mean = (flags & READOUT_FLAGS.mean) !== 0,
        bias = (flags & READOUT_FLAGS.bias) !== 0,
        resume = (flags & READOUT_FLAGS.resume) !== 0;
      if (!(flags & READOUT_FLAGS.keepCarry)) f.fill(0, cm0, cm0 + B * S);
      for (let t = T - 1; t >= 0; t--)
        for (let b = 0; b < B; b++)
          for (let i = 0; i < S; i++) {
            const k = b * S + i,
              r = (t * B + b) * S + i;
            const g = f64[k];
            const direct = mean ? g / totalSteps : i32[a0 + k] === t0 + t ? g : 0;
            const gu = direct + f[be0 + i] * f[cm0 + k];
            if (t > 0 || resume) f[dbe0 + i] += gu * f[u0 + r - B * S];
            f[cm0 + k] = gu;
            f[c0 + r] = gu;
            if (bias) f[db0 + i] += gu;
          }
    },
  };
  return K;
}

// ------------------------------------------------------------------ WebAssembly

const simd = (code: number): Code => [0xfd, ...uleb(code)];
const F32 = 0x7d as unknown as ValType;
const f32x4 = {
  splat: simd(19),
  extractLane: (lane: number): Code => [...simd(31), lane],
  gt: simd(68),
  abs: simd(224),
  add: simd(228),
  sub: simd(229),
  mul: simd(230),
  div: simd(231),
  max: simd(233),
};
const i32x4Bitmask = simd(164);
const i8x16Swizzle = simd(14);
const i32Popcnt: Code = [0x69];
const v128ConstI32 = (x: number[]): Code => [
  ...simd(12),
  ...new Uint8Array(new Int32Array(x).buffer),
];
const i32Mul: Code = [0x6c];
const i32Sub: Code = [0x6b];
const i32Ne: Code = [0x47];
const i32Eq: Code = [0x46];
const i32GtS: Code = [0x4a];
const i32LeS: Code = [0x4c];
const i32ShrU: Code = [0x76];
const i32DivU: Code = [0x6e];
const f32Add: Code = [0x92];
const f32Load = (offset = 0): Code => [0x2a, 2, ...uleb(offset)];
const f32Store = (offset = 0): Code => [0x38, 2, ...uleb(offset)];
const v128Const = (x: number): Code => [
  ...simd(12),
  ...new Uint8Array(new Float32Array([x, x, x, x]).buffer),
];
const br = (depth: number): Code => [0x0c, ...uleb(depth)];
const ret: Code = [0x0f];
const { localGet: get, localSet: set, localTee: tee } = op;
const i32c = op.i32Const;

/** Locals of one function: the parameters first, then locals allocated by type. */
class Frame {
  readonly locals: ValType[] = [];
  constructor(private readonly nParams: number) {}
  private add(t: ValType): number {
    this.locals.push(t);
    return this.nParams + this.locals.length - 1;
  }
  i32(): number {
    return this.add(I32);
  }
  v128(): number {
    return this.add(V128);
  }
  f32(): number {
    return this.add(F32);
  }
  f64(): number {
    return this.add(F64);
  }
}

/** `for (i = from; i < to; i += step) body` (`to` re-evaluated every iteration). */
function forLoop(i: number, from: Code, to: Code, body: Code, step: number | Code = 1): Code {
  return [
    ...from,
    ...set(i),
    ...op.block,
    ...op.loop,
    ...get(i),
    ...to,
    ...op.i32GeS,
    ...op.brIf(1),
    ...body,
    ...get(i),
    ...(typeof step === "number" ? i32c(step) : step),
    ...op.i32Add,
    ...set(i),
    ...br(0),
    ...op.end,
    ...op.end,
  ];
}

/** `while (!exit) body`. */
const whileNot = (exit: Code, body: Code): Code => [
  ...op.block,
  ...op.loop,
  ...exit,
  ...op.brIf(1),
  ...body,
  ...br(0),
  ...op.end,
  ...op.end,
];
/** `if (cond) then else otherwise`. */
const ifElse = (cond: Code, then: Code, otherwise: Code = []): Code =>
  otherwise.length
    ? [...cond, ...op.if, ...then, 0x05, ...otherwise, ...op.end]
    : [...cond, ...op.if, ...then, ...op.end];
const add = (a: Code, b: Code): Code => [...a, ...b, ...op.i32Add];
const mul = (a: Code, b: Code): Code => [...a, ...b, ...i32Mul];
const shl2 = (a: Code): Code => [...a, ...i32c(2), ...op.i32Shl];
const load = (addr: Code, off = 0): Code => [...addr, ...op.v128Load(off)];
const store = (addr: Code, value: Code, off = 0): Code => [...addr, ...value, ...op.v128Store(off)];
const vadd = (a: Code, b: Code): Code => [...a, ...b, ...f32x4.add];
const vsub = (a: Code, b: Code): Code => [...a, ...b, ...f32x4.sub];
const vmul = (a: Code, b: Code): Code => [...a, ...b, ...f32x4.mul];
/**
 * `rowsBackward` with rows of at most this many floats adds every entry straight into `dst`
 * (`rowsScatter`) instead of sorting the entries by input (measured faster up to 64 floats with
 * 200 inputs at 40 % density: 28 floats 0.7x, 64 floats 0.8x; 200 floats 1.4x).
 */
const SCATTER_MAX_STRIDE = 64;

/**
 * Widest column tile (vectors held in registers) of `rowsForward` / `rowsBackward`: V8 loads all
 * of an entry's vectors before adding them, so a tile of w takes 2 w of the 15 usable registers
 * (with 8, one accumulator was spilled to the stack in the hot loop).
 */
const MAX_TILE = 7;

/**
 * Column tiles of balanced widths: the row of `bytes` bytes is covered in
 * ceil(vectors / MAX_TILE) passes of (nearly) equal width, `pass(w)` being the code of one pass
 * over the `w` vectors at byte `c` (then `c` advances). `nv`, `passes`, `w`: scratch locals.
 */
function balancedTiles(
  c: number,
  bytes: number,
  nv: number,
  passes: number,
  w: number,
  pass: (w: number) => Code,
): Code {
  const dispatch = (k: number): Code =>
    k === 1 ? pass(1) : ifElse([...get(w), ...i32c(k), ...i32Eq], pass(k), dispatch(k - 1));
  return [
    ...i32c(0),
    ...set(c),
    ...whileNot(
      [...get(c), ...get(bytes), ...op.i32GeS],
      [
        ...get(bytes),
        ...get(c),
        ...i32Sub,
        ...i32c(4),
        ...i32ShrU,
        ...tee(nv),
        ...i32c(MAX_TILE - 1),
        ...op.i32Add,
        ...i32c(MAX_TILE),
        ...i32DivU,
        ...set(passes),
        ...get(nv),
        ...get(passes),
        ...op.i32Add,
        ...i32c(-1),
        ...op.i32Add,
        ...get(passes),
        ...i32DivU,
        ...set(w),
        ...dispatch(MAX_TILE),
      ],
    ),
  ];
}

/** Rows of `rowsForward` that share one pass over a column tile of the weights. */
const FORWARD_ROW_CHUNK = 32;

// rowsForward(rows, rowPtr, idx, val, src, stride, dst, ones, init)
/**
 * Rows in chunks of {@link FORWARD_ROW_CHUNK}; per chunk, the column tiles outermost (balanced
 * widths of at most {@link MAX_TILE} vectors, {@link balancedTiles}), so the tile's strip of the weight rows stays in the L1 cache for all
 * rows of the chunk; per row, the tile's output vectors are held in registers while the weight
 * rows of the row's inputs are added in order (the reference's order per element).
 */
function rowsForwardFn() {
  const [ROWS, ROWPTR, IDX, VAL, SRC, STRIDE, DST, ONES, INIT] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const F = new Frame(9);
  const r = F.i32(),
    bytes = F.i32(),
    d = F.i32(),
    pk = F.i32(),
    pEnd = F.i32(),
    pStart = F.i32(),
    c = F.i32(),
    s = F.i32(),
    dv = F.i32(),
    a = F.v128(),
    r0 = F.i32(),
    r1 = F.i32(),
    src = F.i32(),
    nv = F.i32(),
    passes = F.i32(),
    width = F.i32();
  const acc = Array.from({ length: MAX_TILE }, () => F.v128());
  const tile = (w: number): Code => {
    const q = [...Array(w).keys()];
    const kLoop = (withVal: boolean): Code =>
      forLoop(
        pk,
        get(pStart),
        get(pEnd),
        [
          ...add(mul([...get(pk), ...op.i32Load()], get(bytes)), get(src)),
          ...set(s),
          ...(withVal
            ? [...get(pk), ...get(dv), ...op.i32Add, ...f32Load(), ...f32x4.splat, ...set(a)]
            : []),
          ...q.flatMap((k) => [
            ...(withVal
              ? vadd(get(acc[k]), vmul(get(a), load(get(s), 16 * k)))
              : vadd(get(acc[k]), load(get(s), 16 * k))),
            ...set(acc[k]),
          ]),
        ],
        4,
      );
    const row: Code = [
      ...add(add(get(DST), mul(get(r), get(bytes))), get(c)),
      ...set(d),
      ...add(get(ROWPTR), shl2(get(r))),
      ...tee(pk),
      ...op.i32Load(),
      ...set(pStart),
      ...get(pk),
      ...op.i32Load(4),
      ...set(pEnd),
      ...shl2(get(pStart)),
      ...get(IDX),
      ...op.i32Add,
      ...set(pStart),
      ...shl2(get(pEnd)),
      ...get(IDX),
      ...op.i32Add,
      ...set(pEnd),
      // the tile's start: dst, or the init row
      ...ifElse(
        get(INIT),
        q.flatMap((k) => [...load(add(get(INIT), get(c)), 16 * k), ...set(acc[k])]),
        q.flatMap((k) => [...load(get(d), 16 * k), ...set(acc[k])]),
      ),
      ...ifElse(get(ONES), kLoop(false), kLoop(true)),
      ...q.flatMap((k) => store(get(d), get(acc[k]), 16 * k)),
    ];
    return [
      ...add(get(SRC), get(c)),
      ...set(src),
      ...forLoop(r, get(r0), get(r1), row),
      ...get(c),
      ...i32c(16 * w),
      ...op.i32Add,
      ...set(c),
    ];
  };
  const body: Code = [
    ...shl2(get(STRIDE)),
    ...set(bytes),
    ...get(VAL),
    ...get(IDX),
    ...i32Sub,
    ...set(dv),
    ...forLoop(
      r0,
      i32c(0),
      get(ROWS),
      [
        // r1 = min(r0 + chunk, rows)
        ...add(get(r0), i32c(FORWARD_ROW_CHUNK)),
        ...set(r1),
        ...ifElse([...get(r1), ...get(ROWS), ...i32GtS], [...get(ROWS), ...set(r1)]),
        ...balancedTiles(c, bytes, nv, passes, width, tile),
      ],
      FORWARD_ROW_CHUNK,
    ),
  ];
  return { name: "rowsForward", params: Array(9).fill(I32), results: [], locals: F.locals, body };
}

// rowsScatter(rows, rowPtr, idx, val, src, stride, dst, ones)
/**
 * `dst[idx[k]] += val[k] * src[r]` row by row, in order of r (the reference's loop), for each
 * column tile (balanced widths of at most {@link MAX_TILE} vectors): the tile of `src[r]` is held
 * in registers while it is added into the `dst` rows of the row's entries (one load, addition
 * and store per entry and vector; no sorting).
 */
function rowsScatterFn() {
  const [ROWS, ROWPTR, IDX, VAL, SRC, STRIDE, DST, ONES] = [0, 1, 2, 3, 4, 5, 6, 7];
  const F = new Frame(8);
  const r = F.i32(),
    bytes = F.i32(),
    k = F.i32(),
    kEnd = F.i32(),
    d = F.i32(),
    s = F.i32(),
    c = F.i32(),
    dv = F.i32(),
    nv = F.i32(),
    passes = F.i32(),
    width = F.i32(),
    a = F.v128();
  const gq = Array.from({ length: MAX_TILE }, () => F.v128());
  const tile = (w: number): Code => {
    const q = [...Array(w).keys()];
    const kLoop = (withVal: boolean): Code =>
      forLoop(
        k,
        get(k),
        get(kEnd),
        [
          ...add(mul([...get(k), ...op.i32Load()], get(bytes)), get(DST)),
          ...get(c),
          ...op.i32Add,
          ...set(d),
          ...(withVal
            ? [...get(k), ...get(dv), ...op.i32Add, ...f32Load(), ...f32x4.splat, ...set(a)]
            : []),
          ...q.flatMap((kk) =>
            store(
              get(d),
              vadd(load(get(d), 16 * kk), withVal ? vmul(get(a), get(gq[kk])) : get(gq[kk])),
              16 * kk,
            ),
          ),
        ],
        4,
      );
    return [
      ...forLoop(r, i32c(0), get(ROWS), [
        ...add(add(get(SRC), mul(get(r), get(bytes))), get(c)),
        ...set(s),
        ...q.flatMap((kk) => [...load(get(s), 16 * kk), ...set(gq[kk])]),
        ...add(get(ROWPTR), shl2(get(r))),
        ...tee(k),
        ...op.i32Load(4),
        ...shl2([]),
        ...get(IDX),
        ...op.i32Add,
        ...set(kEnd),
        ...get(k),
        ...op.i32Load(),
        ...shl2([]),
        ...get(IDX),
        ...op.i32Add,
        ...set(k),
        ...ifElse(get(ONES), kLoop(false), kLoop(true)),
      ]),
      ...get(c),
      ...i32c(16 * w),
      ...op.i32Add,
      ...set(c),
    ];
  };
  const body: Code = [
    ...shl2(get(STRIDE)),
    ...set(bytes),
    ...get(VAL),
    ...get(IDX),
    ...i32Sub,
    ...set(dv),
    ...balancedTiles(c, bytes, nv, passes, width, tile),
  ];
  return { name: "rowsScatter", params: Array(8).fill(I32), results: [], locals: F.locals, body };
}

// rowsBackward(rows, rowPtr, idx, val, src, stride, dst, ones, nIn, scratch, block)
function rowsBackwardFn() {
  const [ROWS, ROWPTR, IDX, VAL, SRC, STRIDE, DST, ONES, NIN, SCRATCH, BLOCK] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  const F = new Frame(11);
  const bytes = F.i32(),
    r0 = F.i32(),
    r1 = F.i32(),
    r = F.i32(),
    k = F.i32(),
    kEnd = F.i32(),
    i = F.i32(),
    list = F.i32(),
    at = F.i32();
  const pos = F.i32(),
    sAddr = F.i32(),
    c = F.i32(),
    start = F.i32(),
    end = F.i32(),
    d = F.i32(),
    p = F.i32(),
    s = F.i32(),
    a = F.v128(),
    nv = F.i32(),
    passes = F.i32(),
    width = F.i32();
  const acc = Array.from({ length: MAX_TILE }, () => F.v128());
  const colAt = (col: Code): Code => add(get(SCRATCH), shl2(col));
  const tile = (w: number): Code => {
    const q = [...Array(w).keys()];
    const pLoop = (withVal: boolean): Code =>
      forLoop(
        p,
        get(start),
        get(end),
        [
          ...get(p),
          ...op.i32Load(),
          ...get(c),
          ...op.i32Add,
          ...set(s),
          ...(withVal ? [...get(p), ...f32Load(4), ...f32x4.splat, ...set(a)] : []),
          ...q.flatMap((kk) => [
            ...(withVal
              ? vadd(get(acc[kk]), vmul(get(a), load(get(s), 16 * kk)))
              : vadd(get(acc[kk]), load(get(s), 16 * kk))),
            ...set(acc[kk]),
          ]),
        ],
        8,
      );
    return [
      ...get(list),
      ...set(start),
      ...forLoop(i, i32c(0), get(NIN), [
        ...add(get(list), [...colAt(get(i)), ...op.i32Load(), ...i32c(3), ...op.i32Shl]),
        ...set(end),
        ...ifElse(
          [...get(end), ...get(start), ...i32Ne],
          [
            ...add(add(get(DST), mul(get(i), get(bytes))), get(c)),
            ...set(d),
            ...q.flatMap((kk) => [...load(get(d), 16 * kk), ...set(acc[kk])]),
            ...ifElse(get(ONES), pLoop(false), pLoop(true)),
            ...q.flatMap((kk) => store(get(d), get(acc[kk]), 16 * kk)),
          ],
        ),
        ...get(end),
        ...set(start),
      ]),
      ...get(c),
      ...i32c(16 * w),
      ...op.i32Add,
      ...set(c),
    ];
  };
  const body: Code = [
    // Rows of at most SCATTER_MAX_STRIDE floats: adding each entry straight into dst is faster than sorting.
    ...ifElse(
      [...get(STRIDE), ...i32c(SCATTER_MAX_STRIDE), ...i32LeS],
      [
        ...[ROWS, ROWPTR, IDX, VAL, SRC, STRIDE, DST, ONES].flatMap((x) => get(x)),
        ...op.call(FN_ROWS_SCATTER),
        ...ret,
      ],
    ),
    ...shl2(get(STRIDE)),
    ...set(bytes),
    ...add(get(SCRATCH), shl2(add(get(NIN), i32c(1)))),
    ...set(list),
    ...forLoop(
      r0,
      i32c(0),
      get(ROWS),
      [
        // r1 = min(r0 + block, rows)
        ...add(get(r0), get(BLOCK)),
        ...set(r1),
        ...ifElse([...get(r1), ...get(ROWS), ...i32GtS], [...get(ROWS), ...set(r1)]),
        // Counting sort of the block's entries by input: colPtr[i + 1] = count, then prefix sums.
        ...forLoop(i, i32c(0), add(get(NIN), i32c(1)), [
          ...colAt(get(i)),
          ...i32c(0),
          ...op.i32Store(),
        ]),
        ...add(get(ROWPTR), shl2(get(r1))),
        ...op.i32Load(),
        ...set(kEnd),
        ...forLoop(k, [...add(get(ROWPTR), shl2(get(r0))), ...op.i32Load()], get(kEnd), [
          ...colAt([...add(get(IDX), shl2(get(k))), ...op.i32Load()]),
          ...tee(at),
          ...get(at),
          ...op.i32Load(4),
          ...i32c(1),
          ...op.i32Add,
          ...op.i32Store(4),
        ]),
        ...i32c(0),
        ...set(pos),
        ...forLoop(i, i32c(0), add(get(NIN), i32c(1)), [
          ...colAt(get(i)),
          ...tee(at),
          ...get(at),
          ...op.i32Load(),
          ...get(pos),
          ...op.i32Add,
          ...tee(pos),
          ...op.i32Store(),
        ]),
        // Scatter (source row address, value) in order of rows: colPtr[i] ends as the end of input i.
        ...forLoop(r, get(r0), get(r1), [
          ...add(get(SRC), mul(get(r), get(bytes))),
          ...set(sAddr),
          ...add(get(ROWPTR), shl2(get(r))),
          ...op.i32Load(4),
          ...set(kEnd),
          ...forLoop(k, [...add(get(ROWPTR), shl2(get(r))), ...op.i32Load()], get(kEnd), [
            ...colAt([...add(get(IDX), shl2(get(k))), ...op.i32Load()]),
            ...tee(at),
            ...op.i32Load(),
            ...set(pos),
            ...get(at),
            ...get(pos),
            ...i32c(1),
            ...op.i32Add,
            ...op.i32Store(),
            ...add(get(list), [...get(pos), ...i32c(3), ...op.i32Shl]),
            ...tee(at),
            ...get(sAddr),
            ...op.i32Store(),
            ...get(at),
            ...add(get(VAL), shl2(get(k))),
            ...f32Load(),
            ...f32Store(4),
          ]),
        ]),
        ...balancedTiles(c, bytes, nv, passes, width, tile),
      ],
      get(BLOCK),
    ),
  ];
  return { name: "rowsBackward", params: Array(11).fill(I32), results: [], locals: F.locals, body };
}

// dotRows(rows, g, w, nIn, stride, gx, strideIn)
/**
 * Two rows of g x four rows of W at a time (eight independent accumulators, six loads per eight
 * products; one vector of j per iteration: V8 unrolls the loop itself, and the loop unrolled by
 * hand twice held the loads of both halves at once, spilling four accumulators to the stack), then
 * the remaining W rows and the last odd row. Each (r, i) still sums its lanes over j in order,
 * and the four accumulators of a row and four W rows are reduced together by a transpose of
 * lane pairs: ((l0 + l1) + (l2 + l3)) of all four in one vector, as the reference.
 */
function dotRowsFn() {
  const [ROWS, G, W, NIN, STRIDE, GX, STRIDEIN] = [0, 1, 2, 3, 4, 5, 6];
  const F = new Frame(7);
  const r = F.i32(),
    i = F.i32(),
    bytes = F.i32(),
    nIn4 = F.i32(),
    rows2 = F.i32(),
    at = F.i32();
  const gr = [F.i32(), F.i32()],
    pg = [F.i32(), F.i32()],
    gEnd = F.i32(),
    wi = [F.i32(), F.i32(), F.i32(), F.i32()],
    gv = [F.v128(), F.v128()],
    wv = F.v128(),
    tmp = F.f32();
  const acc = [0, 1].map(() => [0, 1, 2, 3].map(() => F.v128()));
  const lane = (a: number, l: number): Code => [...get(a), ...f32x4.extractLane(l)];
  const gxAt = (dr: number): Code => [
    ...get(GX),
    ...mul(add(get(r), i32c(dr)), get(STRIDEIN)),
    ...get(i),
    ...op.i32Add,
    ...i32c(2),
    ...op.i32Shl,
    ...op.i32Add,
  ];
  // gx[(r + dr) * strideIn + i + k] += (l0 + l1) + (l2 + l3)
  const finish = (a: number, dr: number, k: number): Code => [
    ...gxAt(dr),
    ...tee(at),
    ...f32Load(4 * k),
    ...lane(a, 0),
    ...lane(a, 1),
    ...f32Add,
    ...lane(a, 2),
    ...lane(a, 3),
    ...f32Add,
    ...f32Add,
    ...f32Add,
    ...set(tmp),
    ...get(at),
    ...get(tmp),
    ...f32Store(4 * k),
  ];
  // The same for four accumulators a, b, c, d at once: [a0, a2, b0, b2] + [a1, a3, b1, b3] gives
  // the pair sums of a and b; two more shuffles and an addition give ((x0 + x1) + (x2 + x3)) of
  // each in one vector, added to gx[(r + dr) * strideIn + i .. i + 3].
  const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27],
    ODD = EVEN.map((x) => x + 4);
  const pairs = (a: number, b: number): Code =>
    vadd(
      [...get(a), ...get(b), ...op.i8x16Shuffle(EVEN)],
      [...get(a), ...get(b), ...op.i8x16Shuffle(ODD)],
    );
  const finish4 = (row: number[], dr: number): Code => [
    ...pairs(row[0], row[1]),
    ...set(acc[dr][0]),
    ...pairs(row[2], row[3]),
    ...set(acc[dr][2]),
    ...gxAt(dr),
    ...tee(at),
    ...get(at),
    ...op.v128Load(),
    ...pairs(acc[dr][0], acc[dr][2]),
    ...f32x4.add,
    ...op.v128Store(),
  ];
  const zero = (a: number): Code => [...i32c(0), ...op.i32x4Splat, ...set(a)]; // four +0.0f lanes
  const pass = (nr: number, nw: number): Code => {
    const R = [...Array(nr).keys()],
      Q = [...Array(nw).keys()];
    // acc[dr][q] += W[i + q][j ..] * g[r + dr][j ..]
    // The row pointers (pg, wi) advance with j, so every load takes its address as it is.
    const step: Code = [
      ...R.flatMap((dr) => [...load(get(pg[dr])), ...set(gv[dr])]),
      ...Q.flatMap((q) => [
        ...load(get(wi[q])),
        ...set(wv),
        ...R.flatMap((dr) => [
          ...vadd(get(acc[dr][q]), vmul(get(wv), get(gv[dr]))),
          ...set(acc[dr][q]),
        ]),
      ]),
    ];
    return [
      ...Q.flatMap((q) => [...add(get(W), mul(add(get(i), i32c(q)), get(bytes))), ...set(wi[q])]),
      ...R.flatMap((dr) => Q.flatMap((q) => zero(acc[dr][q]))),
      ...R.flatMap((dr) => [...get(gr[dr]), ...set(pg[dr])]),
      ...add(get(gr[0]), get(bytes)),
      ...set(gEnd),
      ...whileNot(
        [...get(pg[0]), ...get(gEnd), ...op.i32GeS],
        [
          ...step,
          ...[...R.map((dr) => pg[dr]), ...Q.map((q) => wi[q])].flatMap((x) => [
            ...add(get(x), i32c(16)),
            ...set(x),
          ]),
        ],
      ),
      ...(nw === 4
        ? R.flatMap((dr) => finish4(acc[dr], dr))
        : R.flatMap((dr) => Q.flatMap((q) => finish(acc[dr][q], dr, q)))),
    ];
  };
  const rowsOf = (nr: number): Code => [
    ...add(get(G), mul(get(r), get(bytes))),
    ...set(gr[0]),
    ...(nr === 2 ? [...get(gr[0]), ...get(bytes), ...op.i32Add, ...set(gr[1])] : []),
    ...forLoop(i, i32c(0), get(nIn4), pass(nr, 4), 4),
    ...forLoop(i, get(nIn4), get(NIN), pass(nr, 1)),
  ];
  const body: Code = [
    ...shl2(get(STRIDE)),
    ...set(bytes),
    ...get(NIN),
    ...i32c(-4),
    ...op.i32And,
    ...set(nIn4),
    ...get(ROWS),
    ...i32c(-2),
    ...op.i32And,
    ...set(rows2),
    ...forLoop(r, i32c(0), get(rows2), rowsOf(2), 2),
    ...ifElse([...get(rows2), ...get(ROWS), ...i32Ne], [...get(rows2), ...set(r), ...rowsOf(1)]),
  ];
  return { name: "dotRows", params: Array(7).fill(I32), results: [], locals: F.locals, body };
}

const FN_ROWS_FORWARD = 0,
  FN_DOT_ROWS = 2,
  FN_ROWS_SCATTER = 9;

// lifForward(T, B, n, S, cur, mem, spk, syn, beta, alpha, thr, V, rowPtr, idx, val, flags, table)
function lifForwardFn() {
  const [T, B, N, S, CUR, MEM, SPK, SYN, BETA, ALPHA, THR, VW, ROWPTR, IDX, VAL, FLAGS, TABLE] = [
    ...Array(17).keys(),
  ];
  const F = new Frame(17);
  const t = F.i32(),
    b = F.i32(),
    c = F.i32(),
    bytes = F.i32(),
    stepBytes = F.i32(),
    ro = F.i32(),
    rpo = F.i32(),
    nnz = F.i32(),
    mode = F.i32();
  const bits = F.i32(),
    lane = F.i32();
  const drive = F.v128(),
    v = F.v128(),
    th = F.v128(),
    mask = F.v128();
  const hasFlag = (bit: number): Code => [...get(FLAGS), ...i32c(bit), ...op.i32And];
  const at = (base: number, row: number): Code => add(add(get(base), get(row)), get(c));
  const prev = (base: number): Code => load(at(base, rpo));
  const later: Code = [...get(t), ...hasFlag(64), ...op.i32Or]; // t > 0 or a resumed segment
  const ONE = v128Const(1);
  // Branch-free: the indices of the spiking lanes (i + l, l < 4, i + l < n) are packed by a
  // byte shuffle from the table (`spikeTable`, one 16-byte pattern per 4-bit mask) and stored as
  // four entries at idx[nnz] (those past the spikes are overwritten next), val[nnz..] = 1, and nnz
  // advances by the number of spikes.
  const record: Code = [
    ...get(mask),
    ...i32x4Bitmask,
    ...set(bits),
    ...get(N),
    ...shr2(get(c)),
    ...i32Sub,
    ...tee(lane),
    ...i32c(4),
    ...op.i32LtS,
    ...op.if,
    ...get(bits),
    ...i32c(1),
    ...get(lane),
    ...op.i32Shl,
    ...i32c(-1),
    ...op.i32Add,
    ...op.i32And,
    ...set(bits),
    ...op.end,
    ...add(get(IDX), shl2(get(nnz))),
    ...shr2(get(c)),
    ...op.i32x4Splat,
    ...v128ConstI32([0, 1, 2, 3]),
    ...op.i32x4Add,
    ...load(add(get(TABLE), [...get(bits), ...i32c(4), ...op.i32Shl])),
    ...i8x16Swizzle,
    ...op.v128Store(),
    ...store(add(get(VAL), shl2(get(nnz))), ONE),
    ...get(nnz),
    ...get(bits),
    ...i32Popcnt,
    ...op.i32Add,
    ...set(nnz),
  ];
  const neuron: Code = [
    ...load(at(CUR, ro)),
    ...set(drive),
    ...ifElse(hasFlag(4), [
      ...ifElse(later, [
        ...vadd(vmul(load(add(get(ALPHA), get(c))), prev(SYN)), get(drive)),
        ...set(drive),
      ]),
      ...store(at(SYN, ro), get(drive)),
    ]),
    ...load(add(get(THR), get(c))),
    ...set(th),
    ...ifElse(
      later,
      [
        ...ifElse(
          [...get(mode), ...op.i32Eqz],
          [
            ...vsub(
              vadd(vmul(load(add(get(BETA), get(c))), prev(MEM)), get(drive)),
              vmul(prev(SPK), get(th)),
            ),
            ...set(v),
          ],
          ifElse(
            [...get(mode), ...i32c(1), ...i32Eq],
            [
              ...vadd(
                vmul(load(add(get(BETA), get(c))), vmul(vsub(ONE, prev(SPK)), prev(MEM))),
                get(drive),
              ),
              ...set(v),
            ],
            [...vadd(vmul(load(add(get(BETA), get(c))), prev(MEM)), get(drive)), ...set(v)],
          ),
        ),
      ],
      [...get(drive), ...set(v)],
    ),
    ...store(at(MEM, ro), get(v)),
    ...get(v),
    ...get(th),
    ...f32x4.gt,
    ...set(mask),
    ...store(at(SPK, ro), [...get(mask), ...ONE, ...op.v128And]),
    ...record,
  ];
  const body: Code = [
    ...shl2(get(S)),
    ...set(bytes),
    ...mul(get(B), get(bytes)),
    ...set(stepBytes),
    ...get(FLAGS),
    ...i32c(3),
    ...op.i32And,
    ...set(mode),
    ...i32c(0),
    ...set(nnz),
    ...get(ROWPTR),
    ...i32c(0),
    ...op.i32Store(),
    ...forLoop(t, i32c(0), get(T), [
      ...ifElse(
        [
          ...hasFlag(8),
          ...op.i32Eqz,
          ...op.i32Eqz,
          ...get(t),
          ...op.i32Eqz,
          ...op.i32Eqz,
          ...op.i32And,
        ],
        [
          ...get(B),
          ...add(get(ROWPTR), shl2(mul(add(get(t), i32c(-1)), get(B)))),
          ...get(IDX),
          ...get(VAL),
          ...get(VW),
          ...get(S),
          ...add(get(CUR), mul(get(t), get(stepBytes))),
          ...i32c(1),
          ...i32c(0),
          ...op.call(FN_ROWS_FORWARD),
        ],
      ),
      ...forLoop(b, i32c(0), get(B), [
        ...mul(add(mul(get(t), get(B)), get(b)), get(bytes)),
        ...tee(ro),
        ...get(stepBytes),
        ...i32Sub,
        ...set(rpo),
        ...forLoop(c, i32c(0), get(bytes), neuron, 16),
        ...add(get(ROWPTR), shl2(add(add(mul(get(t), get(B)), get(b)), i32c(1)))),
        ...get(nnz),
        ...op.i32Store(),
      ]),
    ]),
  ];
  return { name: "lifForward", params: Array(17).fill(I32), results: [], locals: F.locals, body };
}

const shr2 = (a: Code): Code => [...a, ...i32c(2), ...i32ShrU];

// lifBackward(T, B, n, S, cur, mem, spk, gS, syn, beta, alpha, thr, dBeta, dAlpha, dThr, dB, carry, V, flags, kind, p0, p1)
function lifBackwardFn() {
  const [
    T,
    B,
    N,
    S,
    CUR,
    MEM,
    SPK,
    GS,
    SYN,
    BETA,
    ALPHA,
    THR,
    DBETA,
    DALPHA,
    DTHR,
    DB,
    CARRY,
    VW,
    FLAGS,
    KIND,
    P0,
    P1,
  ] = [...Array(22).keys()];
  const F = new Frame(22);
  const t = F.i32(),
    b = F.i32(),
    c = F.i32(),
    bytes = F.i32(),
    stepBytes = F.i32(),
    ro = F.i32(),
    rpo = F.i32(),
    mode = F.i32(),
    cm = F.i32(),
    cs = F.i32();
  const gmN = F.v128(),
    v = F.v128(),
    sp = F.v128(),
    th = F.v128(),
    be = F.v128(),
    gs = F.v128(),
    sur = F.v128(),
    gsg = F.v128(),
    gm = F.v128(),
    g = F.v128(),
    x = F.v128();
  const p0 = F.v128(),
    p1 = F.v128();
  const ONE = v128Const(1),
    ZERO = v128Const(0);
  const hasFlag = (bit: number): Code => [...get(FLAGS), ...i32c(bit), ...op.i32And];
  const at = (base: number, row: number): Code => add(add(get(base), get(row)), get(c));
  const par = (base: number): Code => add(get(base), get(c));
  const accumulate = (base: number, value: Code, sub = false): Code =>
    store(par(base), (sub ? vsub : vadd)(load(par(base)), value));
  const isMode = (m: number): Code => [...get(mode), ...i32c(m), ...i32Eq];
  const later: Code = [...get(t), ...hasFlag(64), ...op.i32Or]; // t > 0 or a resumed segment
  const neuron: Code = [
    ...load(add(get(cm), get(c))),
    ...set(gmN),
    ...load(at(MEM, ro)),
    ...set(v),
    ...load(at(SPK, ro)),
    ...set(sp),
    ...load(par(THR)),
    ...set(th),
    ...load(par(BETA)),
    ...set(be),
    ...load(at(GS, ro)),
    ...set(gs),
    ...ifElse(hasFlag(16), [
      ...ifElse(
        isMode(0),
        [...vsub(get(gs), vmul(get(th), get(gmN))), ...set(gs)],
        [...vsub(get(gs), vmul(vmul(get(be), get(v)), get(gmN))), ...set(gs)],
      ),
    ]),
    ...vsub(get(v), get(th)),
    ...set(x),
    ...ifElse(
      [...get(KIND), ...op.i32Eqz],
      [
        ...vmul(get(p0), get(x)),
        ...set(sur),
        ...get(p1),
        ...vadd(ONE, vmul(get(sur), get(sur))),
        ...f32x4.div,
        ...set(sur),
      ],
      ifElse(
        [...get(KIND), ...i32c(1), ...i32Eq],
        [
          ...vadd(vmul(get(p0), [...get(x), ...f32x4.abs]), ONE),
          ...set(sur),
          ...ONE,
          ...vmul(get(sur), get(sur)),
          ...f32x4.div,
          ...set(sur),
        ],
        [
          ...vmul(get(p0), [
            ...ZERO,
            ...vsub(ONE, [...get(x), ...f32x4.abs, ...get(p1), ...f32x4.div]),
            ...f32x4.max,
          ]),
          ...set(sur),
        ],
      ),
    ),
    ...vmul(get(gs), get(sur)),
    ...set(gsg),
    ...ifElse(
      isMode(1),
      [...vadd(get(gsg), vmul(vmul(get(be), vsub(ONE, get(sp))), get(gmN))), ...set(gm)],
      [...vadd(get(gsg), vmul(get(be), get(gmN))), ...set(gm)],
    ),
    ...ifElse(
      isMode(0),
      accumulate(DTHR, vadd(get(gsg), vmul(get(sp), get(gmN))), true),
      accumulate(DTHR, get(gsg), true),
    ),
    ...ifElse(
      later,
      ifElse(
        isMode(1),
        accumulate(DBETA, vmul(get(gm), vmul(vsub(ONE, load(at(SPK, rpo))), load(at(MEM, rpo))))),
        accumulate(DBETA, vmul(get(gm), load(at(MEM, rpo)))),
      ),
    ),
    ...store(add(get(cm), get(c)), get(gm)),
    ...get(gm),
    ...set(g),
    ...ifElse(hasFlag(4), [
      ...vadd(get(gm), vmul(load(par(ALPHA)), load(add(get(cs), get(c))))),
      ...set(g),
      ...ifElse(later, accumulate(DALPHA, vmul(get(g), load(at(SYN, rpo))))),
      ...store(add(get(cs), get(c)), get(g)),
    ]),
    ...store(at(CUR, ro), get(g)),
    ...ifElse(hasFlag(32), accumulate(DB, get(g))),
  ];
  const body: Code = [
    ...shl2(get(S)),
    ...set(bytes),
    ...mul(get(B), get(bytes)),
    ...set(stepBytes),
    ...get(FLAGS),
    ...i32c(3),
    ...op.i32And,
    ...set(mode),
    ...get(P0),
    ...f32x4.splat,
    ...set(p0),
    ...get(P1),
    ...f32x4.splat,
    ...set(p1),
    ...ifElse(
      [...hasFlag(128), ...op.i32Eqz],
      forLoop(
        c,
        i32c(0),
        [...get(stepBytes), ...i32c(1), ...op.i32Shl],
        [...store(add(get(CARRY), get(c)), ZERO)],
        16,
      ),
    ),
    ...add(get(T), i32c(-1)),
    ...set(t),
    ...whileNot(
      [...get(t), ...i32c(0), ...op.i32LtS],
      [
        ...ifElse(
          [
            ...hasFlag(8),
            ...op.i32Eqz,
            ...op.i32Eqz,
            ...get(t),
            ...add(get(T), i32c(-1)),
            ...op.i32LtS,
            ...op.i32And,
          ],
          [
            ...get(B),
            ...add(get(CUR), mul(add(get(t), i32c(1)), get(stepBytes))),
            ...get(VW),
            ...get(N),
            ...get(S),
            ...add(get(GS), mul(get(t), get(stepBytes))),
            ...get(S),
            ...op.call(FN_DOT_ROWS),
          ],
        ),
        ...forLoop(b, i32c(0), get(B), [
          ...mul(add(mul(get(t), get(B)), get(b)), get(bytes)),
          ...tee(ro),
          ...get(stepBytes),
          ...i32Sub,
          ...set(rpo),
          ...add(get(CARRY), mul(get(b), get(bytes))),
          ...set(cm),
          ...add(get(cm), get(stepBytes)),
          ...set(cs),
          ...forLoop(c, i32c(0), get(bytes), neuron, 16),
        ]),
        ...add(get(t), i32c(-1)),
        ...set(t),
      ],
    ),
  ];
  return {
    name: "lifBackward",
    params: [...Array(20).fill(I32), F32, F32],
    results: [],
    locals: F.locals,
    body,
  };
}

const f64Load = (offset = 0): Code => [0x2b, 3, ...uleb(offset)];
const f64Mul: Code = [0xa2],
  f64Div: Code = [0xa3],
  f32DemoteF64: Code = [0xb6],
  select: Code = [0x1b];
const promote = (addr: Code, off = 0): Code => [...addr, ...f32Load(off), ...op.f64PromoteF32];

/** `flags & bit` of a kernel's flags parameter (non-zero when set). */
const flagSet = (flags: number, bit: number): Code => [...get(flags), ...i32c(bit), ...op.i32And];

// readoutForward(T, B, S, cur, u, beta, flags): two lanes at a time in float64
function readoutForwardFn() {
  const [T, B, S, CUR, U, BETA, FLAGS] = [0, 1, 2, 3, 4, 5, 6];
  const F = new Frame(7);
  const c = F.i32(),
    i = F.i32(),
    bytes = F.i32(),
    stepBytes = F.i32(),
    end = F.i32();
  const promote2 = (addr: Code): Code => [...addr, ...op.v128Load64Zero(), ...simd(95)];
  const body: Code = [
    ...shl2(get(S)),
    ...set(bytes),
    ...mul(get(B), get(bytes)),
    ...set(stepBytes),
    // u[0] = cur[0], unless resuming from the row before u
    ...ifElse(
      [...flagSet(FLAGS, READOUT_FLAGS.resume), ...op.i32Eqz],
      forLoop(
        c,
        i32c(0),
        get(stepBytes),
        store(add(get(U), get(c)), load(add(get(CUR), get(c)))),
        16,
      ),
    ),
    ...mul(get(T), get(stepBytes)),
    ...set(end),
    ...forLoop(
      c,
      [...i32c(0), ...get(stepBytes), ...flagSet(FLAGS, READOUT_FLAGS.resume), ...select],
      get(end),
      forLoop(
        i,
        i32c(0),
        get(bytes),
        [
          ...add(add(get(U), get(c)), get(i)),
          ...promote2(add(get(BETA), get(i))),
          ...promote2([...add(add(get(U), get(c)), get(i)), ...get(stepBytes), ...i32Sub]),
          ...op.f64x2Mul,
          ...promote2(add(add(get(CUR), get(c)), get(i))),
          ...op.f64x2Add,
          ...simd(94),
          ...op.v128Store64Lane(0),
        ],
        8,
      ),
      get(bytes),
    ),
  ];
  return {
    name: "readoutForward",
    params: Array(7).fill(I32),
    results: [],
    locals: F.locals,
    body,
  };
}

// readoutMax(T, B, S, u, best, arg, t0, flags): four lanes at a time, steps outermost
function readoutMaxFn() {
  const [T, B, S, U, BEST, ARG, T0, FLAGS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const F = new Frame(8);
  const c = F.i32(),
    t = F.i32(),
    stepBytes = F.i32(),
    row = F.i32(),
    x = F.v128(),
    top = F.v128(),
    m = F.v128(),
    tv = F.v128();
  const body: Code = [
    ...mul(get(B), shl2(get(S))),
    ...set(stepBytes),
    // start from step 0 (best = u[0], arg = t0), unless merging into the earlier segments'
    ...ifElse(
      [...flagSet(FLAGS, READOUT_FLAGS.resume), ...op.i32Eqz],
      forLoop(
        c,
        i32c(0),
        get(stepBytes),
        [
          ...store(add(get(BEST), get(c)), load(add(get(U), get(c)))),
          ...store(add(get(ARG), get(c)), [...get(T0), ...op.i32x4Splat]),
        ],
        16,
      ),
    ),
    ...forLoop(
      t,
      [...i32c(0), ...i32c(1), ...flagSet(FLAGS, READOUT_FLAGS.resume), ...select],
      get(T),
      [
        ...mul(get(t), get(stepBytes)),
        ...set(row),
        ...add(get(t), get(T0)),
        ...op.i32x4Splat,
        ...set(tv),
        ...forLoop(
          c,
          i32c(0),
          get(stepBytes),
          [
            ...load(add(add(get(U), get(row)), get(c))),
            ...set(x),
            ...load(add(get(BEST), get(c))),
            ...set(top),
            ...get(x),
            ...get(top),
            ...f32x4.gt,
            ...set(m),
            ...store(add(get(BEST), get(c)), [
              ...get(x),
              ...get(top),
              ...get(m),
              ...op.v128Bitselect,
            ]),
            ...store(add(get(ARG), get(c)), [
              ...get(tv),
              ...load(add(get(ARG), get(c))),
              ...get(m),
              ...op.v128Bitselect,
            ]),
          ],
          16,
        ),
      ],
    ),
  ];
  return { name: "readoutMax", params: Array(8).fill(I32), results: [], locals: F.locals, body };
}

// readoutSum(T, B, S, u, sums, flags): two lanes at a time in float64, steps outermost
function readoutSumFn() {
  const [T, B, S, U, SUMS, FLAGS] = [0, 1, 2, 3, 4, 5];
  const F = new Frame(6);
  const c = F.i32(),
    t = F.i32(),
    stepBytes = F.i32(),
    row = F.i32();
  const body: Code = [
    ...mul(get(B), shl2(get(S))),
    ...set(stepBytes),
    // sums (8 bytes a lane) = 0, unless adding to the earlier segments'
    ...ifElse(
      [...flagSet(FLAGS, READOUT_FLAGS.resume), ...op.i32Eqz],
      forLoop(
        c,
        i32c(0),
        add(get(stepBytes), get(stepBytes)),
        store(add(get(SUMS), get(c)), v128Const(0)),
        16,
      ),
    ),
    ...forLoop(t, i32c(0), get(T), [
      ...mul(get(t), get(stepBytes)),
      ...set(row),
      ...forLoop(
        c,
        i32c(0),
        get(stepBytes),
        // c: byte offset of two float32 lanes; 2 c: of their float64 sums
        store(add(get(SUMS), add(get(c), get(c))), [
          ...load(add(get(SUMS), add(get(c), get(c)))),
          ...add(add(get(U), get(row)), get(c)),
          ...op.v128Load64Zero(),
          ...simd(95),
          ...op.f64x2Add,
        ]),
        8,
      ),
    ]),
  ];
  return { name: "readoutSum", params: Array(6).fill(I32), results: [], locals: F.locals, body };
}

// readoutBackward(T, B, S, cur, u, beta, dBeta, dB, arg, gOut, carry, flags, t0, totalSteps): scalar float64
function readoutBackwardFn() {
  const [T, B, S, CUR, U, BETA, DBETA, DB, ARG, GOUT, CARRY, FLAGS, T0, TOTAL] = [
    ...Array(14).keys(),
  ];
  const F = new Frame(14);
  const t = F.i32(),
    b = F.i32(),
    i = F.i32(),
    k = F.i32(),
    r = F.i32(),
    bytes = F.i32(),
    stepBytes = F.i32(),
    gu = F.f64(),
    steps = F.f64();
  const f32At = (base: number, off: Code): Code => add(get(base), off);
  const body: Code = [
    ...shl2(get(S)),
    ...set(bytes),
    ...mul(get(B), get(bytes)),
    ...set(stepBytes),
    ...get(TOTAL),
    ...op.f64ConvertI32S,
    ...set(steps),
    ...ifElse(
      [...flagSet(FLAGS, READOUT_FLAGS.keepCarry), ...op.i32Eqz],
      forLoop(k, i32c(0), get(stepBytes), store(add(get(CARRY), get(k)), v128Const(0)), 16),
    ),
    ...add(get(T), i32c(-1)),
    ...set(t),
    ...whileNot(
      [...get(t), ...i32c(0), ...op.i32LtS],
      [
        ...forLoop(b, i32c(0), get(B), [
          ...forLoop(
            i,
            i32c(0),
            get(bytes),
            [
              // k: byte offset of (b, i) in a batch x stride array; r: of (t, b, i)
              ...add(mul(get(b), get(bytes)), get(i)),
              ...set(k),
              ...add(mul(get(t), get(stepBytes)), get(k)),
              ...set(r),
              ...ifElse(
                flagSet(FLAGS, READOUT_FLAGS.mean),
                [
                  ...get(GOUT),
                  ...get(k),
                  ...op.i32Add,
                  ...get(k),
                  ...op.i32Add,
                  ...f64Load(),
                  ...get(steps),
                  ...f64Div,
                  ...set(gu),
                ],
                [
                  ...get(GOUT),
                  ...get(k),
                  ...op.i32Add,
                  ...get(k),
                  ...op.i32Add,
                  ...f64Load(),
                  ...op.f64Const(0),
                  ...f32At(ARG, get(k)),
                  ...op.i32Load(),
                  ...add(get(t), get(T0)),
                  ...i32Eq,
                  ...select,
                  ...set(gu),
                ],
              ),
              ...get(gu),
              ...promote(f32At(BETA, get(i))),
              ...promote(f32At(CARRY, get(k))),
              ...f64Mul,
              ...op.f64Add,
              ...set(gu),
              ...ifElse(
                [...get(t), ...flagSet(FLAGS, READOUT_FLAGS.resume), ...op.i32Or],
                [
                  ...f32At(DBETA, get(i)),
                  ...promote(f32At(DBETA, get(i))),
                  ...get(gu),
                  ...promote([...f32At(U, get(r)), ...get(stepBytes), ...i32Sub]),
                  ...f64Mul,
                  ...op.f64Add,
                  ...f32DemoteF64,
                  ...f32Store(),
                ],
              ),
              ...f32At(CARRY, get(k)),
              ...get(gu),
              ...f32DemoteF64,
              ...f32Store(),
              ...f32At(CUR, get(r)),
              ...get(gu),
              ...f32DemoteF64,
              ...f32Store(),
              ...ifElse(flagSet(FLAGS, READOUT_FLAGS.bias), [
                ...f32At(DB, get(i)),
                ...promote(f32At(DB, get(i))),
                ...get(gu),
                ...op.f64Add,
                ...f32DemoteF64,
                ...f32Store(),
              ]),
            ],
            4,
          ),
        ]),
        ...add(get(t), i32c(-1)),
        ...set(t),
      ],
    ),
  ];
  return {
    name: "readoutBackward",
    params: Array(14).fill(I32),
    results: [],
    locals: F.locals,
    body,
  };
}

/** The compiled kernel module (compiled once, lazily; undefined without WebAssembly SIMD). */
export const trainWasmModule = lazyModule(() =>
  assemble([
    rowsForwardFn(),
    rowsBackwardFn(),
    dotRowsFn(),
    lifForwardFn(),
    lifBackwardFn(),
    readoutForwardFn(),
    readoutMaxFn(),
    readoutSumFn(),
    readoutBackwardFn(),
    rowsScatterFn(),
  ]),
);
