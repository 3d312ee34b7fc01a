/**
 * Checkpointed BPTT (`new SpikingModel({ checkpoint: { every } | { limitBytes } })`): for every
 * layer kind (LIF with each reset, attached reset, current-based, recurrent; the meta neuron with
 * its random draws; the ELM layer; delays; max / mean readouts and a spiking output), the
 * outputs and every parameter's gradient are bitwise those of the run that stores every step,
 * with segments that include a shorter last one, on the WebAssembly and the TypeScript kernels;
 * whole training runs (with a rate regulariser) give bitwise the same weights; the workspace
 * holds one segment plus the checkpoints, the layout stated in `src/train/README.md`, so the
 * stored states grow as O(T / k + k) instead of O(T).
 */
import { describe, expect, it } from "vitest";
import {
  adam,
  batchFromDense,
  crossEntropy,
  elm,
  fit,
  lif,
  meta,
  readout,
  SpikingModel,
  spikeCountMse,
  type CheckpointOptions,
  type LayerSpec,
  type SpikeBatch,
} from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";

const pad4 = (n: number) => Math.ceil(n / 4) * 4;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

function randomBatch(seed: number, T: number, B: number, nIn: number, p = 0.3): SpikeBatch {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < p ? 1 : 0));
  return batchFromDense(x, { steps: T, batch: B, inputs: nIn });
}

const NIN = 6;
const cases: { name: string; layers: () => LayerSpec[]; count?: boolean }[] = [
  {
    name: "LIF subtract -> max readout (learnable beta, threshold)",
    layers: () => [
      lif({ size: 9, weightScale: 4, learnBeta: true, learnThreshold: true }),
      readout({ size: 3, beta: 0.8, learnBeta: true }),
    ],
  },
  {
    name: "LIF reset to zero, attached, fast sigmoid -> mean readout",
    layers: () => [
      lif({ size: 7, reset: "zero", detachReset: false, weightScale: 4, learnBeta: true }),
      readout({ size: 3, beta: 0.9, reduce: "mean" }),
    ],
  },
  {
    name: "current-based recurrent LIF (attached subtract) -> LIF, spike-count output",
    layers: () => [
      lif({
        size: 10,
        alpha: 0.8,
        recurrent: true,
        detachReset: false,
        weightScale: 4,
        learnAlpha: true,
        learnBeta: true,
        learnThreshold: true,
      }),
      lif({ size: 3, reset: "none", weightScale: 3 }),
    ],
    count: true,
  },
  {
    name: "two recurrent LIF layers -> readout",
    layers: () => [
      lif({ size: 8, recurrent: true, weightScale: 4 }),
      lif({ size: 6, recurrent: true, alpha: 0.7, weightScale: 3 }),
      readout({ size: 3, beta: 0.7 }),
    ],
  },
  {
    name: "recurrent meta neuron (noise draws replayed) -> readout",
    layers: () => [
      meta({ size: 9, recurrent: true, noise: 0.3, weightScale: 3 }),
      readout({ size: 3, beta: 0.8, learnBeta: true }),
    ],
  },
  {
    name: "LIF -> ELM -> readout",
    layers: () => [
      lif({ size: 6, weightScale: 4, learnBeta: true }),
      elm({ size: 5, memory: 7, hidden: 9 }),
      readout({ size: 3, beta: 0.8 }),
    ],
  },
  {
    name: "delayed recurrent LIF (first layer) -> readout",
    layers: () => [
      lif({ size: 7, recurrent: true, weightScale: 4, delays: { taps: 5 } }),
      readout({ size: 3, beta: 0.8 }),
    ],
  },
];

function run(
  layers: LayerSpec[],
  checkpoint: CheckpointOptions | false,
  batch: SpikeBatch,
  wasm: boolean,
  count = false,
) {
  const m = new SpikingModel({ inputs: NIN, seed: 4, wasm, layers, checkpoint });
  const out = m.forward(batch);
  const labels = Int32Array.from({ length: batch.batch }, (_, b) => b % 3);
  const loss = count
    ? spikeCountMse(out, labels, 3, { steps: batch.steps, correctRate: 0.6, incorrectRate: 0.1 })
    : crossEntropy(out, labels, 3);
  m.zeroGrad();
  // a per-step spike gradient on the first layer too (every step and sample differs)
  const n0 = m.layers[0].size;
  const rng = new Rng(5);
  const spikeGrads =
    m.layers[0].type === "elm"
      ? new Map()
      : new Map([
          [0, Float32Array.from({ length: batch.steps * batch.batch * n0 }, () => rng.normal())],
        ]);
  m.backward(loss.grad, spikeGrads);
  const grads = m.parameters.map((p) => Array.from(m.grad(p.name)));
  // the draws after backward continue as after the forward pass
  const next = Array.from(m.forward(batch));
  return { m, out: Array.from(out), grads, next };
}

describe("train: checkpointed BPTT equals storing every step, bitwise", () => {
  // B = 32: gradient blocks of 8 steps; 37 steps = segments of 8 (or 16) steps, the last of 5.
  const T = 37,
    B = 32;
  const batch = randomBatch(8, T, B, NIN);
  expect(SpikingModel.gradientBlockSteps(B)).toBe(8);
  for (const wasm of [true, false]) {
    for (const c of cases) {
      it(`${c.name} (${wasm ? "WebAssembly" : "TypeScript"} kernels)`, () => {
        const full = run(c.layers(), false, batch, wasm, c.count);
        expect(full.m.segmentSteps(T, B)).toBe(T);
        for (const every of [1, 16]) {
          const ck = run(c.layers(), { every }, batch, wasm, c.count);
          expect(ck.m.segmentSteps(T, B)).toBe(every === 1 ? 8 : 16);
          expect(ck.out).toEqual(full.out);
          ck.grads.forEach((g, k) => expect(g, ck.m.parameters[k].name).toEqual(full.grads[k]));
          expect(ck.next).toEqual(full.next);
        }
        // every trainable parameter got a gradient (the test can fail)
        full.m.parameters.forEach((p, k) => {
          if (p.trainable)
            expect(
              full.grads[k].some((v) => v !== 0),
              p.name,
            ).toBe(true);
        });
      });
    }
  }

  it("a second backward after one forward adds the same gradients again (the last segment recomputed)", () => {
    const layers = cases[3].layers;
    const once = run(layers(), false, batch, true);
    const m = new SpikingModel({
      inputs: NIN,
      seed: 4,
      layers: layers(),
      checkpoint: { every: 8 },
    });
    const g = crossEntropy(
      m.forward(batch),
      Int32Array.from({ length: B }, (_, b) => b % 3),
      3,
    ).grad;
    const full = new SpikingModel({ inputs: NIN, seed: 4, layers: layers(), checkpoint: false });
    full.forward(batch);
    for (const model of [m, full]) {
      model.zeroGrad();
      model.backward(g);
      model.backward(g);
    }
    for (const p of m.parameters) expect(m.grad(p.name)).toEqual(full.grad(p.name));
    expect(once.grads.length).toBe(m.parameters.length);
  });
});

describe("train: checkpointed training", () => {
  it("fit with checkpointing (meta neuron, LIF, rate regulariser) gives bitwise the weights of fit without", async () => {
    const rng = new Rng(3);
    const T = 30,
      n = 48;
    const data = {
      steps: T,
      inputs: NIN,
      x: Float32Array.from({ length: n * T * NIN }, () => (rng.uniform() < 0.25 ? 1 : 0)),
      labels: Int32Array.from({ length: n }, (_, k) => k % 3),
    };
    const trained = async (checkpoint: CheckpointOptions | false) => {
      const model = new SpikingModel({
        inputs: NIN,
        seed: 6,
        checkpoint,
        layers: [
          meta({ size: 12, recurrent: true, noise: 0.2, weightScale: 3 }),
          lif({ size: 10, recurrent: true, alpha: 0.8, weightScale: 3, learnBeta: true }),
          readout({ size: 3, beta: 0.8 }),
        ],
      });
      if (checkpoint) expect(model.segmentSteps(T, 16)).toBeLessThan(T);
      const history = await fit(model, data, {
        epochs: 3,
        batchSize: 16,
        optimizer: adam(model, { lr: 1e-2 }),
        regularizers: [{ layer: 1, l1: 1e-4, l2: 1e-4 }],
      });
      return {
        weights: model.parameters.map((p) => Array.from(model.get(p.name))),
        loss: history.map((h) => h.loss),
      };
    };
    const full = await trained(false);
    expect(await trained({ every: 4 })).toEqual(full); // B = 16: blocks of 16 steps, segments 16 + 14
    // a limit that forces segments (below the stored run's per-batch bytes)
    expect(await trained({ limitBytes: 60_000 })).toEqual(full);
  });
});

describe("train: checkpointing memory", () => {
  // The layout stated in src/train/README.md ("Memory for BPTT"), per batch of T steps x B
  // samples at segments of L steps, K = ceil(T / L) segments; n' = n rounded up to 4.
  const a = align16;
  function lifBytes(n: number, B: number, L: number, K: number, syn: boolean, rec: boolean) {
    const S = pad4(n),
      row = (steps: number) => a(4 * steps * B * S);
    let bytes = row(L) + 2 * row(L + 1) + row(L) + (syn ? row(L + 1) : 0); // cur, mem, spk, gS, syn
    bytes += a(4 * (L * B + 1)) + 2 * a(4 * (L * B * n + 3)); // spike CSR
    if (rec && K > 1) bytes += a(4 * (B + 1)) + 2 * a(4 * B * n) + row(1); // spikes before, gI after
    bytes += a(8 * B * S); // carries
    if (K > 1) bytes += (syn ? 3 : 2) * row(K - 1); // checkpoints
    return bytes;
  }
  function readoutBytes(n: number, B: number, L: number, K: number) {
    const row = (steps: number) => a(4 * steps * B * pad4(n));
    // cur, mem (with its lead row); argmax, best, carry and the float64 dLoss/doutput; checkpoints
    return row(L) + row(L + 1) + 5 * row(1) + (K > 1 ? row(K - 1) : 0);
  }
  const H = 50,
    C = 5,
    B = 16,
    nIn = 12;
  const make = (checkpoint: CheckpointOptions | false) =>
    new SpikingModel({
      inputs: nIn,
      seed: 2,
      checkpoint,
      layers: [
        lif({ size: H, recurrent: true, alpha: 0.9, weightScale: 3 }),
        readout({ size: C, beta: 0.9 }),
      ],
    });
  const expected = (T: number, L: number, nnz: number) => {
    const K = Math.ceil(T / L);
    return (
      a(4 * (T * B + 1)) +
      2 * a(4 * nnz) +
      lifBytes(H, B, L, K, true, true) +
      readoutBytes(C, B, L, K)
    );
  };

  it("the workspace holds the stated bytes: one segment plus the checkpoints", () => {
    for (const [T, every] of [
      [400, 16],
      [400, 64],
      [1000, 32],
    ]) {
      const batch = randomBatch(1, T, B, nIn, 0.1);
      for (const checkpoint of [false, { every }] as const) {
        const m = make(checkpoint);
        const ws = m["ws"];
        ws.releaseTransient();
        const base = ws.bytesUsed;
        const out = m.forward(batch);
        const L = checkpoint ? every : T;
        expect(m.segmentSteps(T, B)).toBe(L);
        expect(ws.bytesUsed - base).toBe(expected(T, L, batch.idx.length));
        expect(m.memoryBytes(T, B) - base).toBe(expected(T, L, 0));
        m.backward(
          crossEntropy(
            out,
            Int32Array.from({ length: B }, (_, b) => b % C),
            C,
          ).grad,
        );
      }
    }
  });

  it("stored states grow as T / k + k: doubling T adds only checkpoints; k near sqrt(T) is far below storing all", () => {
    const states = (T: number, L: number) => expected(T, L, 0) - a(4 * (T * B + 1));
    const k = 32;
    const perCheckpoint = 3 * 4 * B * pad4(H) + 4 * B * pad4(C); // mem, spk, syn + the readout's u
    expect(states(2048, k) - states(1024, k)).toBe((1024 / k) * perCheckpoint);
    expect(states(2048, 2048) - states(1024, 1024)).toBeGreaterThan(
      1024 * 4 * B * (5 * pad4(H) + 2 * pad4(C)),
    );
    const m = make({ every: 48 });
    const full = make(false);
    const T = 2048;
    expect(m.memoryBytes(T, B) / full.memoryBytes(T, B)).toBeLessThan(0.06);
  });

  it("limitBytes: no checkpointing when everything fits; else the longest segments that fit", () => {
    const T = 600;
    const all = expected(T, T, 0);
    expect(make({ limitBytes: all }).segmentSteps(T, B)).toBe(T);
    const limit = Math.floor(all / 4);
    const m = make({ limitBytes: limit });
    const L = m.segmentSteps(T, B);
    expect(L % SpikingModel.gradientBlockSteps(B)).toBe(0);
    expect(expected(T, L, 0)).toBeLessThanOrEqual(limit);
    expect(expected(T, L + SpikingModel.gradientBlockSteps(B), 0)).toBeGreaterThan(limit);
    // default: 256 MiB
    expect(make(undefined as unknown as false).checkpoint).toEqual({ limitBytes: 256 * 1024 ** 2 });
  });

  it("refuses bad options and says what is not stored", () => {
    expect(() => make({ every: 0 })).toThrow(/checkpoint.every/);
    expect(() => make({ every: 4, limitBytes: 100 })).toThrow(/exactly one/);
    expect(() => make({ limitBytes: -1 })).toThrow(/checkpoint.limitBytes/);
    const m = make({ every: 8 });
    m.forward(randomBatch(2, 40, B, nIn));
    expect(() => m.spikes(0)).toThrow(/checkpointed/);
    expect(() => m.potentials(1)).toThrow(/checkpointed/);
    expect(m.spikeCounts(0).length).toBe(H);
    const delayedAbove = new SpikingModel({
      inputs: nIn,
      seed: 1,
      checkpoint: { every: 8 },
      layers: [lif({ size: 4 }), lif({ size: 4, delays: { taps: 3 } }), readout({ size: 2 })],
    });
    expect(() => delayedAbove.forward(randomBatch(2, 40, B, nIn))).toThrow(/delays/);
  });
});
