import { describe, expect, it } from "vitest";
import { batchFromDense, lif, readout, SpikingModel } from "../../src/train/index.js";
import { LIF_FLAGS, READOUT_FLAGS } from "../../src/train/kernels.js";
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
function setup(
  seed: number,
  rows: number,
  nIn: number,
  nOut: number,
  density: number,
  ones = false,
) {
  const stride = Math.ceil(nOut / 4) * 4,
    strideIn = Math.ceil(nIn / 4) * 4;
  const spaces = [new Workspace({ wasm: true }), new Workspace({ wasm: false })];
  return spaces.map((ws) => {
    const rng = new Rng(seed);
    const rowPtr = ws.alloc((rows + 1) * 4),
      idx = ws.alloc(rows * nIn * 4),
      val = ws.alloc(rows * nIn * 4);
    const w = ws.alloc(nIn * stride * 4),
      g = ws.alloc(rows * stride * 4),
      dst = ws.alloc(rows * stride * 4);
    const dW = ws.alloc(nIn * stride * 4),
      gx = ws.alloc(rows * strideIn * 4);
    const rp = ws.i32(rowPtr, rows + 1),
      ix = ws.i32(idx, rows * nIn),
      vl = ws.f32(val, rows * nIn);
    let nnz = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < nIn; i++)
        if (rng.uniform() < density) {
          ix[nnz] = i;
          vl[nnz] = ones || rng.uniform() < 0.5 ? 1 : 3 * rng.normal();
          nnz++;
        }
      rp[r + 1] = nnz;
    }
    const fill = (off: number, r: number) => {
      const v = ws.f32(off, r * stride);
      for (let a = 0; a < r; a++) for (let j = 0; j < nOut; j++) v[a * stride + j] = rng.normal();
    };
    fill(w, nIn);
    fill(g, rows);
    fill(dst, rows);
    fill(dW, nIn);
    return { ws, rowPtr, idx, val, w, g, dst, dW, gx, stride, strideIn };
  });
}

describe("training kernels: WebAssembly SIMD vs the TypeScript reference", () => {
  it("the wasm kernels are available here", () => {
    expect(new Workspace().wasm).toBe(true);
  });
  const shapes = [
    [15, 12, 27, 0.3, 1],
    [6, 8, 22, 0.5, 0],
    [7, 13, 9, 0.3, 0],
    [20, 40, 33, 0.05, 0],
    [3, 5, 4, 1, 0],
    [4, 1, 1, 0.5, 0],
    [37, 29, 70, 0.4, 1],
    [64, 50, 131, 0.9, 1],
    [9, 6, 200, 0.2, 0],
  ] as const;
  for (const [rows, nIn, nOut, density, ones] of shapes) {
    it(`rowsForward, rowsBackward, dotRows bitwise equal (${rows} rows, ${nIn} -> ${nOut}, density ${density}${ones ? ", values 1" : ""})`, () => {
      const [a, b] = setup(rows * 31 + nIn, rows, nIn, nOut, density, ones === 1);
      for (const s of [a, b]) {
        const nnz = s.ws.i32(s.rowPtr, rows + 1)[rows];
        const scratch = s.ws.alloc(4 * (nIn + 1) + 8 * nnz);
        const K = s.ws.kernels(); // after the last allocation (a growth replaces the buffer)
        K.rowsForward(rows, s.rowPtr, s.idx, s.val, s.w, s.stride, s.dst, ones);
        // Two calls (blocks of 5 rows, then of all rows): the sum runs on in the same order.
        K.rowsBackward(rows, s.rowPtr, s.idx, s.val, s.g, s.stride, s.dW, ones, nIn, scratch, 5);
        K.rowsBackward(rows, s.rowPtr, s.idx, s.val, s.g, s.stride, s.dW, ones, nIn, scratch, rows);
        K.dotRows(rows, s.g, s.w, nIn, s.stride, s.gx, s.strideIn);
      }
      expect(a.ws.wasm && !b.ws.wasm).toBe(true);
      for (const [off, len] of [
        [a.dst, rows * a.stride],
        [a.dW, nIn * a.stride],
        [a.gx, rows * a.strideIn],
      ]) {
        expect(sameBits(a.ws.f32(off, len), b.ws.f32(off, len))).toBe(true);
      }
      // And against a float64 computation (the kernels are plain float32 sums).
      const W = b.ws.f32(b.w, nIn * b.stride),
        G = b.ws.f32(b.g, rows * b.stride),
        GX = b.ws.f32(b.gx, rows * b.strideIn);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < nIn; i++) {
          let dot = 0;
          for (let j = 0; j < nOut; j++) dot += W[i * b.stride + j] * G[r * b.stride + j];
          expect(GX[r * b.strideIn + i]).toBeCloseTo(dot, 4);
        }
      }
    });
  }

  it("rowsForward with init: every row starts from the init row (as filling it first), wasm and TypeScript", () => {
    const rows = 45,
      nIn = 17,
      nOut = 37;
    const [a, b] = setup(77, rows, nIn, nOut, 0.4, false);
    for (const s of [a, b]) {
      const init = s.ws.alloc(s.stride * 4, false, true),
        filled = s.ws.alloc(rows * s.stride * 4, false, true);
      const bias = s.ws.f32(init, s.stride);
      for (let j = 0; j < nOut; j++) bias[j] = Math.sin(j + 1);
      const f = s.ws.f32(filled, rows * s.stride);
      for (let r = 0; r < rows; r++) f.set(bias, r * s.stride);
      const K = s.ws.kernels();
      K.rowsForward(rows, s.rowPtr, s.idx, s.val, s.w, s.stride, filled, 0);
      K.rowsForward(rows, s.rowPtr, s.idx, s.val, s.w, s.stride, s.dst, 0, init);
      expect(sameBits(s.ws.f32(s.dst, rows * s.stride), s.ws.f32(filled, rows * s.stride))).toBe(
        true,
      );
    }
    expect(sameBits(a.ws.f32(a.dst, rows * a.stride), b.ws.f32(b.dst, rows * b.stride))).toBe(true);
  });
  it("a whole model's forward and backward are bitwise equal with wasm: false", () => {
    const rng = new Rng(5);
    const T = 12,
      B = 3,
      nIn = 10;
    const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const make = (wasm: boolean) =>
      new SpikingModel({
        inputs: nIn,
        seed: 9,
        wasm,
        layers: [
          lif({ size: 7, recurrent: true, alpha: 0.8, weightScale: 4 }),
          lif({ size: 6, weightScale: 3 }),
          readout({ size: 3, beta: 0.9 }),
        ],
      });
    const m1 = make(true),
      m2 = make(false);
    const batch = batchFromDense(x, { steps: T, batch: B, inputs: nIn });
    const o1 = m1.forward(batch),
      o2 = m2.forward(batch);
    expect(sameBits(o1, o2)).toBe(true);
    const g = Float32Array.from({ length: B * 3 }, () => rng.normal());
    m1.backward(g);
    m2.backward(g);
    for (const p of m1.parameters)
      expect(sameBits(m1.grad(p.name), m2.grad(p.name)), p.name).toBe(true);
    expect(m1.spikes(0).some((s) => s === 1)).toBe(true);
  });
  it("backward may be repeated after one forward: gradients add up, the workspace does not grow", () => {
    const rng = new Rng(8);
    const T = 20,
      B = 4,
      nIn = 30;
    const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const m = new SpikingModel({
      inputs: nIn,
      seed: 3,
      layers: [lif({ size: 25, recurrent: true, weightScale: 3 }), readout({ size: 5 })],
    });
    m.forward(batchFromDense(x, { steps: T, batch: B, inputs: nIn }));
    const g = Float32Array.from({ length: B * 5 }, () => rng.normal());
    m.zeroGrad();
    m.backward(g);
    const once = m.parameters.map((p) => m.grad(p.name));
    const used = m["ws"].bytesUsed;
    m.backward(g);
    m.backward(g);
    expect(m["ws"].bytesUsed).toBe(used);
    m.parameters.forEach((p, k) => {
      const thrice = m.grad(p.name),
        scale = Math.max(1e-6, ...once[k].map(Math.abs));
      thrice.forEach((v, i) =>
        expect(Math.abs(v - 3 * once[k][i]) / scale, `${p.name}[${i}]`).toBeLessThan(1e-5),
      );
    });
    expect(once[m.parameters.findIndex((p) => p.name === "layer0.V")].some((v) => v !== 0)).toBe(
      true,
    );
  });
});

describe("training kernels: the LIF update over all steps, WebAssembly vs TypeScript", () => {
  const { resetZero, resetNone, synaptic, recurrent, attached, bias, resume, keepCarry } =
    LIF_FLAGS;
  const variants: [string, number, number, number, number][] = [
    ["subtract, atan", 0 | bias, 0, Math.fround((Math.PI / 2) * 2), 1],
    [
      "subtract attached, synaptic, recurrent, fast sigmoid",
      attached | synaptic | recurrent | bias,
      1,
      25,
      0,
    ],
    ["zero, attached, recurrent, triangle", resetZero | attached | recurrent, 2, 0.3, 1.5],
    ["zero, synaptic, atan", resetZero | synaptic | bias, 0, 3, 0.7],
    ["none, recurrent, synaptic, SuperSpike", resetNone | recurrent | synaptic | bias, 1, 100, 0],
    // a checkpointed segment: from the rows before it and the later segment's carries
    [
      "resumed: subtract attached, synaptic, recurrent, atan",
      attached | synaptic | recurrent | bias | resume | keepCarry,
      0,
      2,
      1,
    ],
    ["resumed: zero, synaptic, triangle", resetZero | synaptic | resume | keepCarry, 2, 0.3, 1.5],
  ];
  for (const [name, flags, kind, p0, p1] of variants) {
    for (const n of [7, 13]) {
      it(`lifForward and lifBackward bitwise equal (${name}, ${n} neurons)`, () => {
        const T = 11,
          B = 3,
          S = Math.ceil(n / 4) * 4,
          R = T * B;
        const results = [true, false].map((wasm) => {
          const ws = new Workspace({ wasm });
          const rng = new Rng(n * 7 + flags);
          const rows = (count: number) => ws.alloc(count * S * 4, false, true);
          // mem, spk and syn with one block of B rows before them (the state before a segment)
          const cur = rows(R),
            mem = rows(R + B) + 4 * B * S,
            spk = rows(R + B) + 4 * B * S,
            syn = rows(R + B) + 4 * B * S,
            gS = rows(R),
            carry = rows(2 * B);
          const beta = rows(1),
            alpha = rows(1),
            thr = rows(1),
            dBeta = rows(1),
            dAlpha = rows(1),
            dThr = rows(1),
            dB = rows(1),
            V = rows(n);
          const rowPtr = ws.alloc((R + 1) * 4),
            idx = ws.alloc((R * n + 3) * 4),
            val = ws.alloc((R * n + 3) * 4);
          const fill = (off: number, count: number, f: () => number) => {
            const v = ws.f32(off, count * S);
            for (let r = 0; r < count; r++) for (let i = 0; i < n; i++) v[r * S + i] = f();
          };
          fill(cur, R, () => 0.6 * rng.normal() + 0.3);
          fill(gS, R, () => rng.normal());
          fill(beta, 1, () => rng.uniform());
          fill(alpha, 1, () => rng.uniform());
          fill(thr, 1, () => 0.5 + rng.uniform());
          fill(V, n, () => 0.5 * rng.normal());
          const lead = 4 * B * S;
          fill(mem - lead, B, () => rng.normal());
          fill(spk - lead, B, () => (rng.uniform() < 0.3 ? 1 : 0));
          fill(syn - lead, B, () => 0.5 * rng.normal());
          if (flags & keepCarry) fill(carry, 2 * B, () => 0.3 * rng.normal());
          const K = ws.kernels();
          K.lifForward(
            T,
            B,
            n,
            S,
            cur,
            mem,
            spk,
            syn,
            beta,
            alpha,
            thr,
            V,
            rowPtr,
            idx,
            val,
            flags,
            ws.spikeTable,
          );
          const forward = [
            ws.f32(mem, R * S).slice(),
            ws.f32(spk, R * S).slice(),
            ws.f32(syn, R * S).slice(),
            ws.f32(cur, R * S).slice(),
          ];
          const nnz = ws.i32(rowPtr, R + 1)[R];
          const csr = [
            Float32Array.from(ws.i32(rowPtr, R + 1)),
            Float32Array.from(ws.i32(idx, nnz)),
            ws.f32(val, nnz).slice(),
          ];
          K.lifBackward(
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
          );
          const backward = [
            ws.f32(cur, R * S),
            ws.f32(gS, R * S),
            ws.f32(dBeta, S),
            ws.f32(dAlpha, S),
            ws.f32(dThr, S),
            ws.f32(dB, S),
          ].map((x) => x.slice());
          return { forward, csr, backward, spikes: nnz };
        });
        const [a, b] = results;
        expect(a.spikes).toBeGreaterThan(0);
        expect(a.spikes).toBeLessThan(T * B * n);
        [...a.forward, ...a.csr, ...a.backward].forEach((x, k) =>
          expect(sameBits(x, [...b.forward, ...b.csr, ...b.backward][k]), `array ${k}`).toBe(true),
        );
        // The CSR lists exactly the spikes of the real neurons, in order.
        const spk = a.forward[1],
          listed: number[] = [];
        for (let k = 0; k < spk.length; k++) if (k % S < n && spk[k] === 1) listed.push(k % S);
        expect(Array.from(a.csr[1])).toEqual(listed);
      });
    }
  }
});

/**
 * A leaky readout's buffers for T steps x B samples of n outputs (stride S), with random inputs
 * (cur), decay factors (beta) and output gradients (gOut, float64; zero in the padding lanes),
 * drawn in that order; with `leadRow`, `u` has a row before it (the step before a segment).
 */
function readoutBuffers(
  ws: Workspace,
  rng: Rng,
  { T, B, n, S }: { T: number; B: number; n: number; S: number },
  leadRow: boolean,
) {
  const R = T * B,
    lead = leadRow ? B * S * 4 : 0;
  const cur = ws.alloc(R * S * 4, false, true),
    u = ws.alloc(R * S * 4 + lead, false, true) + lead,
    beta = ws.alloc(S * 4, false, true),
    dBeta = ws.alloc(S * 4, false, true),
    dB = ws.alloc(S * 4, false, true),
    best = ws.alloc(B * S * 4, false, true),
    arg = ws.alloc(B * S * 4, false, true),
    gOut = ws.alloc(B * S * 8, false, true),
    carry = ws.alloc(B * S * 4, false, true);
  const c = ws.f32(cur, R * S),
    be = ws.f32(beta, S),
    g = new Float64Array(ws.buffer, gOut, B * S);
  for (let r = 0; r < R; r++) for (let i = 0; i < n; i++) c[r * S + i] = rng.normal();
  for (let i = 0; i < n; i++) be[i] = rng.uniform();
  for (let k = 0; k < B * S; k++) g[k] = k % S < n ? rng.normal() : 0;
  return { cur, u, beta, dBeta, dB, best, arg, gOut, carry, c, be, g };
}

describe("training kernels: the leaky readout, WebAssembly vs TypeScript and closed forms", () => {
  for (const [n, mean, bias] of [
    [3, false, true],
    [27, false, false],
    [6, true, true],
  ] as const) {
    it(`readoutForward, readoutMax, readoutSum, readoutBackward (${n} outputs, ${mean ? "mean" : "max"}${bias ? ", bias" : ""})`, () => {
      const T = 13,
        B = 3,
        S = Math.ceil(n / 4) * 4,
        R = T * B;
      const results = [true, false].map((wasm) => {
        const ws = new Workspace({ wasm });
        const rng = new Rng(n * 3 + (mean ? 1 : 0));
        const { cur, u, beta, dBeta, dB, best, arg, gOut, carry, c, be, g } = readoutBuffers(
          ws,
          rng,
          { T, B, n, S },
          false,
        );
        const cur0 = c.slice(),
          g0 = g.slice();
        const K = ws.kernels();
        K.readoutForward(T, B, S, cur, u, beta, 0);
        K.readoutMax(T, B, S, u, best, arg, 0, 0);
        const sums = ws.alloc(B * S * 8);
        ws.f32(sums, 2 * B * S).fill(Number.NaN); // zeroed by the kernel (no resume)
        K.readoutSum(T, B, S, u, sums, 0);
        const sumsK = new Float64Array(ws.buffer, sums, B * S).slice();
        const forward = [
          ws.f32(u, R * S).slice(),
          ws.f32(best, B * S).slice(),
          new Float32Array(sumsK.buffer),
        ];
        const args = ws.i32(arg, B * S).slice();
        K.readoutBackward(
          T,
          B,
          S,
          cur,
          u,
          beta,
          dBeta,
          dB,
          arg,
          gOut,
          carry,
          (mean ? READOUT_FLAGS.mean : 0) | (bias ? READOUT_FLAGS.bias : 0),
          0,
          T,
        );
        const grads = [ws.f32(cur, R * S).slice(), ws.f32(dBeta, S).slice(), ws.f32(dB, S).slice()];
        return { forward, args, grads, cur0, g0, be: be.slice(), sumsK };
      });
      const [a, b] = results;
      [...a.forward, ...a.grads].forEach((x, k) =>
        expect(sameBits(x, [...b.forward, ...b.grads][k]), `array ${k}`).toBe(true),
      );
      expect([...a.args]).toEqual([...b.args]);
      // Closed forms in float64: u[t] = sum_k beta^(t-k) cur[k]; the first maximum over t; the
      // gradient dLoss/dcur[t] = sum over s >= t of beta^(s-t) dLoss/du[s].
      const { cur0, g0, be } = b;
      const [uK, bestK] = b.forward,
        [gK, dBetaK, dBK] = b.grads;
      const dBetaRef = new Float64Array(n),
        dBRef = new Float64Array(n);
      for (let bb = 0; bb < B; bb++)
        for (let i = 0; i < n; i++) {
          const k = bb * S + i;
          const uRef: number[] = [];
          for (let t = 0; t < T; t++)
            uRef.push((t ? be[i] * uRef[t - 1] : 0) + cur0[(t * B + bb) * S + i]);
          uRef.forEach((v, t) => expect(uK[(t * B + bb) * S + i]).toBeCloseTo(v, 5));
          const at = uRef.indexOf(Math.max(...uRef));
          expect(b.sumsK[k]).toBeCloseTo(
            uRef.reduce((x, y) => x + y, 0),
            5,
          );
          expect(b.args[k]).toBe(at);
          expect(bestK[k]).toBe(uK[(at * B + bb) * S + i]);
          for (let t = 0; t < T; t++) {
            let grad = 0;
            for (let s = t; s < T; s++)
              grad += be[i] ** (s - t) * (mean ? g0[k] / T : s === at ? g0[k] : 0);
            expect(gK[(t * B + bb) * S + i]).toBeCloseTo(grad, 5);
            if (t > 0) dBetaRef[i] += grad * uRef[t - 1];
            dBRef[i] += grad;
          }
        }
      for (let i = 0; i < n; i++) {
        expect(dBetaK[i]).toBeCloseTo(dBetaRef[i], 4);
        expect(dBK[i]).toBeCloseTo(bias ? dBRef[i] : 0, 4);
      }
    });
  }
});

describe("training kernels: the leaky readout over checkpointed segments (resume, keepCarry)", () => {
  // One sequence run whole and in segments of L steps (each segment's u and cur pointers at its
  // first row, so the row before u is the previous segment's last): bitwise the same results.
  const T = 23,
    B = 3;
  const run = (wasm: boolean, n: number, mean: boolean, bias: boolean, L: number) => {
    const S = Math.ceil(n / 4) * 4,
      R = T * B,
      step = B * S * 4;
    const ws = new Workspace({ wasm });
    const rng = new Rng(7 * n + (mean ? 1 : 0) + (bias ? 2 : 0));
    const { cur, u, beta, dBeta, dB, best, arg, gOut, carry } = readoutBuffers(
      ws,
      rng,
      { T, B, n, S },
      true,
    );
    // garbage in the row before the first segment: it must not be read
    ws.f32(u - step, B * S).fill(Number.NaN);
    const sums = ws.alloc(B * S * 8, false, true);
    const K = ws.kernels();
    const segs: [number, number][] = [];
    for (let t0 = 0; t0 < T; t0 += L) segs.push([t0, Math.min(T - t0, L)]);
    for (const [t0, len] of segs) {
      const resume = t0 > 0 ? READOUT_FLAGS.resume : 0;
      K.readoutForward(len, B, S, cur + t0 * step, u + t0 * step, beta, resume);
      K.readoutMax(len, B, S, u + t0 * step, best, arg, t0, resume);
      K.readoutSum(len, B, S, u + t0 * step, sums, resume);
    }
    const forward = [
      ws.f32(u, R * S).slice(),
      ws.f32(best, B * S).slice(),
      ws.f32(sums, 2 * B * S).slice(), // the float64 sums' bits
    ];
    const args = ws.i32(arg, B * S).slice();
    segs.reverse().forEach(([t0, len], k) => {
      let flags = (mean ? READOUT_FLAGS.mean : 0) | (bias ? READOUT_FLAGS.bias : 0);
      if (t0 > 0) flags |= READOUT_FLAGS.resume;
      if (k > 0) flags |= READOUT_FLAGS.keepCarry;
      // keepCarry must not zero the carry: leave a stale one before the last segment only
      if (k === 0) ws.f32(carry, B * S).fill(5);
      K.readoutBackward(
        len,
        B,
        S,
        cur + t0 * step,
        u + t0 * step,
        beta,
        dBeta,
        dB,
        arg,
        gOut,
        carry,
        flags,
        t0,
        T,
      );
    });
    const grads = [ws.f32(cur, R * S).slice(), ws.f32(dBeta, S).slice(), ws.f32(dB, S).slice()];
    return { arrays: [...forward, ...grads], args };
  };
  for (const [n, mean, bias] of [
    [3, false, true],
    [27, false, false],
    [6, true, true],
  ] as const)
    it(`readoutForward, readoutMax, readoutSum, readoutBackward: segments of 1, 4, 5 and 8 steps equal the whole sequence (${n} outputs, ${mean ? "mean" : "max"}${bias ? ", bias" : ""}), wasm and TypeScript`, () => {
      const whole = run(false, n, mean, bias, T);
      for (const wasm of [true, false])
        for (const L of [T, 1, 4, 5, 8]) {
          const seg = run(wasm, n, mean, bias, L);
          seg.arrays.forEach((x, k) =>
            expect(sameBits(x, whole.arrays[k]), `${wasm ? "wasm" : "ts"} L ${L} array ${k}`).toBe(
              true,
            ),
          );
          expect([...seg.args], `${wasm ? "wasm" : "ts"} L ${L} argmax`).toEqual([...whole.args]);
        }
    });

  it("readoutMax merges a segment into the running best: ties keep the earlier step, across segment boundaries", () => {
    const n = 5,
      S = 8,
      R = T * B;
    for (const wasm of [true, false])
      for (const L of [T, 1, 3, 7]) {
        const ws = new Workspace({ wasm });
        const rng = new Rng(11);
        const u = ws.alloc(R * S * 4, false, true),
          best = ws.alloc(B * S * 4, false, true),
          arg = ws.alloc(B * S * 4, false, true);
        // values from {-1, 0, 1, 2}: many ties
        const x = ws.f32(u, R * S);
        for (let r = 0; r < R; r++)
          for (let i = 0; i < n; i++) x[r * S + i] = Math.floor(4 * rng.uniform()) - 1;
        const K = ws.kernels();
        for (let t0 = 0; t0 < T; t0 += L)
          K.readoutMax(
            Math.min(L, T - t0),
            B,
            S,
            u + t0 * B * S * 4,
            best,
            arg,
            t0,
            t0 ? READOUT_FLAGS.resume : 0,
          );
        const top = ws.f32(best, B * S),
          at = ws.i32(arg, B * S);
        for (let b = 0; b < B; b++)
          for (let i = 0; i < n; i++) {
            const series = Array.from({ length: T }, (_, t) => x[(t * B + b) * S + i]);
            const m = Math.max(...series);
            expect(top[b * S + i]).toBe(m);
            expect(at[b * S + i], `wasm ${wasm} L ${L}`).toBe(series.indexOf(m));
          }
      }
  });
});
