/**
 * Checkpointing of the ELM layer's BPTT states (`elm({ stateLimitBytes })`): with a limit that
 * forces segments (including a last, shorter one), the forward outputs, every parameter's
 * gradient (the layers below included) and whole training runs are bitwise equal to the run
 * that stores every step; the workspace shrinks by the stated amount.
 */
import { describe, expect, it } from "vitest";
import {
  adam,
  batchFromDense,
  crossEntropy,
  elm,
  fit,
  lif,
  readout,
  SpikingModel,
  type LayerSpec,
} from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";

const pad4 = (n: number) => Math.ceil(n / 4) * 4;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

function layers(stateLimitBytes?: number): LayerSpec[] {
  return [
    lif({ size: 6, weightScale: 4, learnBeta: true, learnThreshold: true }),
    elm({ size: 5, memory: 7, hidden: 9, stateLimitBytes }),
    readout({ size: 3, beta: 0.8, learnBeta: true }),
  ];
}

describe("train: checkpointed BPTT (ELM layer)", () => {
  const T = 23,
    B = 4,
    nIn = 5;
  // Stored state per step and sample: 4 (nI' + 2 M' + H') bytes = 4 (8 + 16 + 12) = 144 bytes.
  const perStep = 4 * (pad4(6) + 2 * pad4(7) + pad4(9));
  // A limit of 6 steps' worth: segments of 5 steps (one block holds the state before a segment),
  // 5 segments for 23 steps, the last of 3 steps.
  const limit = 6 * perStep * B;

  for (const wasm of [true, false]) {
    it(`outputs and gradients bitwise equal with and without checkpointing (${wasm ? "WebAssembly" : "TypeScript"} kernels)`, () => {
      const rng = new Rng(8);
      const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.3 ? 1 : 0));
      const batch = batchFromDense(x, { steps: T, batch: B, inputs: nIn });
      const labels = Int32Array.from([0, 2, 1, 2]);
      const full = new SpikingModel({ inputs: nIn, seed: 4, wasm, layers: layers() });
      const ckpt = new SpikingModel({ inputs: nIn, seed: 4, wasm, layers: layers(limit) });
      const grads = (m: SpikingModel) => {
        const out = m.forward(batch);
        m.zeroGrad();
        m.backward(crossEntropy(out, labels, 3).grad);
        return { out: Array.from(out), grads: m.parameters.map((p) => Array.from(m.grad(p.name))) };
      };
      const a = grads(full),
        b = grads(ckpt);
      expect(b.out).toEqual(a.out);
      expect(b.grads).toEqual(a.grads);
      expect(a.grads.every((g) => g.some((v) => v !== 0))).toBe(true);
      // memory: one segment of 5 steps (+ the leading block) and 5 checkpoints of (s, m) instead of 23 steps
      const rows = (n: number, w: number) => align16(n * B * pad4(w) * 4);
      const stored = (n: number) => rows(n, 6) + rows(n, 7) + rows(n, 9) + rows(n, 7);
      const expected =
        stored(T + 1) + rows(1, 6) + rows(1, 7) - (stored(6) + rows(5, 6) + rows(5, 7));
      expect(full.memoryBytes(T, B) - ckpt.memoryBytes(T, B)).toBe(expected);
    });
  }

  it("training with checkpointing gives bitwise the weights of training without", async () => {
    const rng = new Rng(3);
    const n = 24;
    const data = {
      steps: T,
      inputs: nIn,
      x: Float32Array.from({ length: n * T * nIn }, () => (rng.uniform() < 0.25 ? 1 : 0)),
      labels: Int32Array.from({ length: n }, (_, k) => k % 3),
    };
    const trained = async (limitBytes?: number) => {
      const model = new SpikingModel({ inputs: nIn, seed: 6, layers: layers(limitBytes) });
      await fit(model, data, { epochs: 3, batchSize: 8, optimizer: adam(model, { lr: 1e-2 }) });
      return model.parameters.map((p) => Array.from(model.get(p.name)));
    };
    expect(await trained(limit / 2)).toEqual(await trained());
  });

  it("a limit below one step's states still works (segments of one step)", () => {
    const rng = new Rng(2);
    const batch = batchFromDense(
      Float32Array.from({ length: 9 * 2 * nIn }, () => (rng.uniform() < 0.4 ? 1 : 0)),
      { steps: 9, batch: 2, inputs: nIn },
    );
    const run = (limitBytes?: number) => {
      const m = new SpikingModel({ inputs: nIn, seed: 1, layers: layers(limitBytes) });
      const out = m.forward(batch);
      m.zeroGrad();
      m.backward(crossEntropy(out, Int32Array.from([1, 0]), 3).grad);
      return m.parameters.map((p) => Array.from(m.grad(p.name)));
    };
    expect(run(1)).toEqual(run());
    expect(() => elm({ size: 2, stateLimitBytes: 0 })).toThrow(/stateLimitBytes/);
  });
});
