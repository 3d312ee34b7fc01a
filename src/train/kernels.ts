/**
 * The training engine's hot kernels: the O(rows x inputs x outputs) parts of a spiking layer's
 * forward and backward pass, in WebAssembly SIMD (four float32 lanes per `f32x4` instruction,
 * assembled with `src/wasm/assembler.ts`) and as a readable TypeScript reference performing the
 * same IEEE single-precision operations in the same order (every product and sum rounded to
 * float32 with `Math.fround`), so both give bitwise-identical results
 * (`test/unit/train_kernels.test.ts`).
 *
 * Sparse input: a batch of input rows (one row per time step and sample) is given in CSR form
 * (`rowPtr`, `idx`, `val`: the inputs that are non-zero in each row and their values). The
 * forward pass adds, for each row, the weight rows of the inputs that spiked
 * (`out[r] += val * W[idx]`, {@link KernelSet.rowsForward}); the weight gradient accumulates only
 * at presynaptic spikes (`dW[idx] += val * g[r]`, {@link KernelSet.rowsBackward}); the gradient
 * w.r.t. a layer's input is dense (the surrogate makes every input matter):
 * `gx[r, i] += W[i] . g[r]` ({@link KernelSet.dotRows}).
 *
 * Memory layout: every matrix row has a stride padded to a multiple of four floats, the padding
 * held at zero, so a kernel may read and write whole four-lane vectors. All arguments are byte
 * offsets into one memory (`Workspace`), 16-byte aligned for float rows.
 */
import { assemble, I32, lazyModule, op, uleb, V128, type Code, type ValType } from "../wasm/assembler.js";

/** The kernel operations of the training engine (byte offsets into one memory). */
export interface KernelSet {
  /**
   * For each of `rows` rows r: `dst[r] += val[k] * src[idx[k]]` for k in `rowPtr[r]..rowPtr[r+1]`,
   * rows of `stride` floats (`dst` row r at `dst + 4 r stride`).
   */
  rowsForward(rows: number, rowPtr: number, idx: number, val: number, src: number, stride: number, dst: number): void;
  /** For each of `rows` rows r: `dst[idx[k]] += val[k] * src[r]` for k in `rowPtr[r]..rowPtr[r+1]`. */
  rowsBackward(rows: number, rowPtr: number, idx: number, val: number, src: number, stride: number, dst: number): void;
  /**
   * For each of `rows` rows r and each i < `nIn`: `gx[r * strideIn + i] += W[i] . g[r]`, rows of
   * `W` and `g` of `stride` floats; the dot product sums four lanes (lane l takes the columns
   * j = l mod 4) and adds them as `(l0 + l1) + (l2 + l3)`.
   */
  dotRows(rows: number, g: number, w: number, nIn: number, stride: number, gx: number, strideIn: number): void;
}

/** The TypeScript reference of the kernels, over the memory `buffer`. */
export function referenceKernels(buffer: ArrayBuffer): KernelSet {
  const f = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const fr = Math.fround;
  return {
    rowsForward(rows, rowPtr, idx, val, src, stride, dst) {
      const rp = rowPtr >> 2, ix = idx >> 2, vl = val >> 2, s0 = src >> 2, d0 = dst >> 2;
      for (let r = 0; r < rows; r++) {
        const d = d0 + r * stride;
        for (let k = i32[rp + r]; k < i32[rp + r + 1]; k++) {
          const a = f[vl + k];
          const s = s0 + i32[ix + k] * stride;
          for (let j = 0; j < stride; j++) f[d + j] = fr(f[d + j] + fr(a * f[s + j]));
        }
      }
    },
    rowsBackward(rows, rowPtr, idx, val, src, stride, dst) {
      const rp = rowPtr >> 2, ix = idx >> 2, vl = val >> 2, s0 = src >> 2, d0 = dst >> 2;
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
      const g0 = g >> 2, w0 = w >> 2, x0 = gx >> 2;
      for (let r = 0; r < rows; r++) {
        const gr = g0 + r * stride;
        for (let i = 0; i < nIn; i++) {
          const wi = w0 + i * stride;
          let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
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
  };
}

// ------------------------------------------------------------------ WebAssembly

const simd = (code: number): Code => [0xfd, ...uleb(code)];
const f32x4 = {
  splat: simd(19),
  extractLane: (lane: number): Code => [...simd(31), lane],
  add: simd(228),
  mul: simd(230),
};
const i32Mul: Code = [0x6c];
const i32Sub: Code = [0x6b];
const f32Add: Code = [0x92];
const f32Load = (offset = 0): Code => [0x2a, 2, ...uleb(offset)];
const f32Store = (offset = 0): Code => [0x38, 2, ...uleb(offset)];
const br = (depth: number): Code => [0x0c, ...uleb(depth)];
const { localGet: get, localSet: set } = op;

/** `for (i = from; i < to; i += step) body` (`to` re-evaluated every iteration). */
function forLoop(i: number, from: Code, to: Code, body: Code, step = 1): Code {
  return [
    ...from, ...set(i),
    ...op.block, ...op.loop,
    ...get(i), ...to, ...op.i32GeS, ...op.brIf(1),
    ...body,
    ...get(i), ...op.i32Const(step), ...op.i32Add, ...set(i),
    ...br(0),
    ...op.end, ...op.end,
  ];
}

/** `base + 4 * index * stride` as an i32 expression. */
const rowAddress = (base: Code, index: Code, stride: Code): Code => [
  ...base, ...index, ...stride, ...i32Mul, ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
];

// rowsForward / rowsBackward: params (rows, rowPtr, idx, val, src, stride, dst), locals below.
const P_ROWS = 0, P_ROWPTR = 1, P_IDX = 2, P_VAL = 3, P_SRC = 4, P_STRIDE = 5, P_DST = 6;
const L_R = 7, L_K = 8, L_J = 9, L_S = 10, L_D = 11, L_END = 12, L_BYTES = 13, L_A = 14;
const L_K4END = 15, L_SQ = [L_S, 16, 17, 18], L_AQ = [L_A, 19, 20, 21], L_DV = 22;
const ROWS_LOCALS: ValType[] = [I32, I32, I32, I32, I32, I32, I32, V128, I32, I32, I32, I32, V128, V128, V128, V128];

function rowsBody(indexed: "src" | "dst"): Code {
  const idxAt: Code = [...get(P_IDX), ...get(L_K), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load()];
  const rowPtrAt = (plus: number): Code => [...get(P_ROWPTR), ...get(L_R), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load(plus)];
  const rowOfR = (base: number): Code => rowAddress(get(base), get(L_R), get(P_STRIDE));
  const rowOfIdx = (base: number): Code => rowAddress(get(base), idxAt, get(P_STRIDE));
  const inner: Code = [
    ...get(P_VAL), ...get(L_K), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...f32Load(), ...f32x4.splat, ...set(L_A),
    ...(indexed === "src" ? [...rowOfIdx(P_SRC), ...set(L_S)] : [...rowOfIdx(P_DST), ...set(L_D)]),
    ...forLoop(L_J, op.i32Const(0), get(L_BYTES), [
      ...get(L_D), ...get(L_J), ...op.i32Add,
      ...get(L_D), ...get(L_J), ...op.i32Add, ...op.v128Load(),
      ...get(L_A), ...get(L_S), ...get(L_J), ...op.i32Add, ...op.v128Load(), ...f32x4.mul,
      ...f32x4.add, ...op.v128Store(),
    ], 16),
  ];
  if (indexed === "dst") {
    return [
      ...get(P_STRIDE), ...op.i32Const(2), ...op.i32Shl, ...set(L_BYTES),
      ...forLoop(L_R, op.i32Const(0), get(P_ROWS), [
        ...rowOfR(P_SRC), ...set(L_S),
        ...rowPtrAt(4), ...set(L_END),
        ...forLoop(L_K, rowPtrAt(0), get(L_END), inner),
      ]),
    ];
  }
  // Forward: four source rows per pass over the destination row (it is loaded and stored once
  // per four rows; the additions happen in the same order as one row at a time).
  const kAddr = (base: number): Code => [...get(base), ...get(L_K), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add];
  const block: Code = [
    ...[0, 1, 2, 3].flatMap((q) => [
      ...kAddr(P_VAL), ...f32Load(4 * q), ...f32x4.splat, ...set(L_AQ[q]),
      ...rowAddress(get(P_SRC), [...kAddr(P_IDX), ...op.i32Load(4 * q)], get(P_STRIDE)), ...set(L_SQ[q]),
    ]),
    ...forLoop(L_J, op.i32Const(0), get(L_BYTES), [
      ...get(L_D), ...get(L_J), ...op.i32Add, ...op.v128Load(), ...set(L_DV),
      ...[0, 1, 2, 3].flatMap((q) => [
        ...get(L_DV), ...get(L_AQ[q]), ...get(L_SQ[q]), ...get(L_J), ...op.i32Add, ...op.v128Load(), ...f32x4.mul, ...f32x4.add, ...set(L_DV),
      ]),
      ...get(L_D), ...get(L_J), ...op.i32Add, ...get(L_DV), ...op.v128Store(),
    ], 16),
  ];
  return [
    ...get(P_STRIDE), ...op.i32Const(2), ...op.i32Shl, ...set(L_BYTES),
    ...forLoop(L_R, op.i32Const(0), get(P_ROWS), [
      ...rowOfR(P_DST), ...set(L_D),
      ...rowPtrAt(4), ...set(L_END),
      // k4End = rowPtr[r] + ((end - rowPtr[r]) & -4)
      ...rowPtrAt(0), ...get(L_END), ...rowPtrAt(0), ...i32Sub, ...op.i32Const(-4), ...op.i32And, ...op.i32Add, ...set(L_K4END),
      ...forLoop(L_K, rowPtrAt(0), get(L_K4END), block, 4),
      ...forLoop(L_K, get(L_K4END), get(L_END), inner),
    ]),
  ];
}

// dotRows: params (rows, g, w, nIn, stride, gx, strideIn).
const D_ROWS = 0, D_G = 1, D_W = 2, D_NIN = 3, D_STRIDE = 4, D_GX = 5, D_STRIDEIN = 6;
const DL_R = 7, DL_I = 8, DL_J = 9, DL_GR = 10, DL_BYTES = 11, DL_AT = 12, DL_NIN4 = 13;
const DL_WI = [14, 15, 16, 17];
const DL_ACC = [18, 19, 20, 21], DL_GV = 22, DL_TMP = 23;

/**
 * Four rows of W at a time (four independent accumulator chains, one load of g for four rows),
 * then the remaining rows one by one; each (r, i) still sums its lanes over j in order, so the
 * result is the reference's.
 */
function dotRowsBody(): Code {
  const lane = (acc: number, l: number): Code => [...get(acc), ...f32x4.extractLane(l)];
  // gx[r * strideIn + i + k] += (l0 + l1) + (l2 + l3)
  const finish = (acc: number, k: number): Code => [
    ...get(D_GX), ...get(DL_R), ...get(D_STRIDEIN), ...i32Mul, ...get(DL_I), ...op.i32Add, ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
    ...op.localTee(DL_AT), ...f32Load(4 * k),
    ...lane(acc, 0), ...lane(acc, 1), ...f32Add, ...lane(acc, 2), ...lane(acc, 3), ...f32Add, ...f32Add,
    ...f32Add, ...set(DL_TMP),
    ...get(DL_AT), ...get(DL_TMP), ...f32Store(4 * k),
  ];
  const zero = (acc: number): Code => [...op.i32Const(0), ...op.i32x4Splat, ...set(acc)]; // four +0.0f lanes
  const accumulate = (acc: number, wi: number): Code => [
    ...get(acc), ...get(wi), ...get(DL_J), ...op.i32Add, ...op.v128Load(), ...get(DL_GV), ...f32x4.mul, ...f32x4.add, ...set(acc),
  ];
  return [
    ...get(D_STRIDE), ...op.i32Const(2), ...op.i32Shl, ...set(DL_BYTES),
    ...get(D_NIN), ...op.i32Const(-4), ...op.i32And, ...set(DL_NIN4),
    ...forLoop(DL_R, op.i32Const(0), get(D_ROWS), [
      ...rowAddress(get(D_G), get(DL_R), get(D_STRIDE)), ...set(DL_GR),
      ...forLoop(DL_I, op.i32Const(0), get(DL_NIN4), [
        ...rowAddress(get(D_W), get(DL_I), get(D_STRIDE)), ...set(DL_WI[0]),
        ...get(DL_WI[0]), ...get(DL_BYTES), ...op.i32Add, ...set(DL_WI[1]),
        ...get(DL_WI[1]), ...get(DL_BYTES), ...op.i32Add, ...set(DL_WI[2]),
        ...get(DL_WI[2]), ...get(DL_BYTES), ...op.i32Add, ...set(DL_WI[3]),
        ...zero(DL_ACC[0]), ...zero(DL_ACC[1]), ...zero(DL_ACC[2]), ...zero(DL_ACC[3]),
        ...forLoop(DL_J, op.i32Const(0), get(DL_BYTES), [
          ...get(DL_GR), ...get(DL_J), ...op.i32Add, ...op.v128Load(), ...set(DL_GV),
          ...accumulate(DL_ACC[0], DL_WI[0]), ...accumulate(DL_ACC[1], DL_WI[1]),
          ...accumulate(DL_ACC[2], DL_WI[2]), ...accumulate(DL_ACC[3], DL_WI[3]),
        ], 16),
        ...finish(DL_ACC[0], 0), ...finish(DL_ACC[1], 1), ...finish(DL_ACC[2], 2), ...finish(DL_ACC[3], 3),
      ], 4),
      ...forLoop(DL_I, get(DL_NIN4), get(D_NIN), [
        ...rowAddress(get(D_W), get(DL_I), get(D_STRIDE)), ...set(DL_WI[0]),
        ...zero(DL_ACC[0]),
        ...forLoop(DL_J, op.i32Const(0), get(DL_BYTES), [
          ...get(DL_GR), ...get(DL_J), ...op.i32Add, ...op.v128Load(), ...set(DL_GV),
          ...accumulate(DL_ACC[0], DL_WI[0]),
        ], 16),
        ...finish(DL_ACC[0], 0),
      ]),
    ]),
  ];
}

const F32 = 0x7d as unknown as ValType;

/** The compiled kernel module (compiled once, lazily; undefined without WebAssembly SIMD). */
export const trainWasmModule = lazyModule(() =>
  assemble([
    { name: "rowsForward", params: Array(7).fill(I32), results: [], locals: ROWS_LOCALS, body: rowsBody("src") },
    { name: "rowsBackward", params: Array(7).fill(I32), results: [], locals: ROWS_LOCALS, body: rowsBody("dst") },
    { name: "dotRows", params: Array(7).fill(I32), results: [], locals: [...Array(11).fill(I32), V128, V128, V128, V128, V128, F32], body: dotRowsBody() },
  ]),
);
