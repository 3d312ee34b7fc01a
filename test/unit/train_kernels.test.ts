import { describe, expect, it } from "vitest";
import { batchFromDense, lif, readout, SpikingModel } from "../../src/train/index.js";
import { Workspace } from "../../src/train/workspace.js";
import { Rng } from "../../src/random/rng.js";

/** Bitwise equality of two float32 arrays. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

/** The same random operands laid out in a wasm workspace and in a plain one. */
function setup(seed: number, rows: number, nIn: number, nOut: number, density: number) {
  const stride = Math.ceil(nOut / 4) * 4, strideIn = Math.ceil(nIn / 4) * 4;
  const spaces = [new Workspace({ wasm: true }), new Workspace({ wasm: false })];
  return spaces.map((ws) => {
    const rng = new Rng(seed);
    const rowPtr = ws.alloc((rows + 1) * 4), idx = ws.alloc(rows * nIn * 4), val = ws.alloc(rows * nIn * 4);
    const w = ws.alloc(nIn * stride * 4), g = ws.alloc(rows * stride * 4), dst = ws.alloc(rows * stride * 4);
    const dW = ws.alloc(nIn * stride * 4), gx = ws.alloc(rows * strideIn * 4);
    const rp = ws.i32(rowPtr, rows + 1), ix = ws.i32(idx, rows * nIn), vl = ws.f32(val, rows * nIn);
    let nnz = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < nIn; i++) if (rng.uniform() < density) { ix[nnz] = i; vl[nnz] = rng.uniform() < 0.5 ? 1 : 3 * rng.normal(); nnz++; }
      rp[r + 1] = nnz;
    }
    const fill = (off: number, r: number) => { const v = ws.f32(off, r * stride); for (let a = 0; a < r; a++) for (let j = 0; j < nOut; j++) v[a * stride + j] = rng.normal(); };
    fill(w, nIn); fill(g, rows); fill(dst, rows); fill(dW, nIn);
    return { ws, rowPtr, idx, val, w, g, dst, dW, gx, stride, strideIn };
  });
}

describe("training kernels: WebAssembly SIMD vs the TypeScript reference", () => {
  it("the wasm kernels are available here", () => {
    expect(new Workspace().wasm).toBe(true);
  });
  for (const [rows, nIn, nOut, density] of [[7, 13, 9, 0.3], [20, 40, 33, 0.05], [3, 5, 4, 1], [4, 1, 1, 0.5]] as const) {
    it(`rowsForward, rowsBackward, dotRows bitwise equal (${rows} rows, ${nIn} -> ${nOut}, density ${density})`, () => {
      const [a, b] = setup(rows * 31 + nIn, rows, nIn, nOut, density);
      for (const s of [a, b]) {
        const K = s.ws.kernels();
        K.rowsForward(rows, s.rowPtr, s.idx, s.val, s.w, s.stride, s.dst);
        K.rowsBackward(rows, s.rowPtr, s.idx, s.val, s.g, s.stride, s.dW);
        K.dotRows(rows, s.g, s.w, nIn, s.stride, s.gx, s.strideIn);
      }
      expect(a.ws.wasm && !b.ws.wasm).toBe(true);
      for (const [off, len] of [[a.dst, rows * a.stride], [a.dW, nIn * a.stride], [a.gx, rows * a.strideIn]]) {
        expect(sameBits(a.ws.f32(off, len), b.ws.f32(off, len))).toBe(true);
      }
      // And against a float64 computation (the kernels are plain float32 sums).
      const W = b.ws.f32(b.w, nIn * b.stride), G = b.ws.f32(b.g, rows * b.stride), GX = b.ws.f32(b.gx, rows * b.strideIn);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < nIn; i++) {
          let dot = 0;
          for (let j = 0; j < nOut; j++) dot += W[i * b.stride + j] * G[r * b.stride + j];
          expect(GX[r * b.strideIn + i]).toBeCloseTo(dot, 4);
        }
      }
    });
  }

  it("a whole model's forward and backward are bitwise equal with wasm: false", () => {
    const rng = new Rng(5);
    const T = 12, B = 3, nIn = 10;
    const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const make = (wasm: boolean) => new SpikingModel({ inputs: nIn, seed: 9, wasm, layers: [lif({ size: 7, recurrent: true, alpha: 0.8, weightScale: 4 }), lif({ size: 6, weightScale: 3 }), readout({ size: 3, beta: 0.9 })] });
    const m1 = make(true), m2 = make(false);
    const batch = batchFromDense(x, { steps: T, batch: B, inputs: nIn });
    const o1 = m1.forward(batch), o2 = m2.forward(batch);
    expect(sameBits(o1, o2)).toBe(true);
    const g = Float32Array.from({ length: B * 3 }, () => rng.normal());
    m1.backward(g); m2.backward(g);
    for (const p of m1.parameters) expect(sameBits(m1.grad(p.name), m2.grad(p.name)), p.name).toBe(true);
    expect(m1.spikes(0).some((s) => s === 1)).toBe(true);
  });
});
