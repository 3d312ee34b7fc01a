import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import {
  adam,
  checkDataset,
  evaluate,
  fit,
  lif,
  loadModel,
  makeBatch,
  readout,
  saveModel,
  sgd,
  SpikingModel,
  trainStep,
  type SpikeDataset,
  type TrainProgress,
} from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";

/** Three classes of random Poisson spike patterns (each sample a jittered copy of its class template). */
function patterns(
  seed: number,
  perClass: number,
  noiseSeed = seed,
  classes = 3,
  steps = 30,
  inputs = 20,
): SpikeDataset {
  let rng = new Rng(seed);
  const templates = Array.from({ length: classes }, () =>
    Float32Array.from({ length: steps * inputs }, () => (rng.uniform() < 0.1 ? 1 : 0)),
  );
  const n = classes * perClass;
  const x = new Float32Array(n * steps * inputs);
  const labels = new Int32Array(n);
  rng = new Rng(noiseSeed + 1000);
  for (let s = 0; s < n; s++) {
    const c = s % classes;
    labels[s] = c;
    for (let k = 0; k < steps * inputs; k++) {
      const flip = rng.uniform() < 0.03;
      x[s * steps * inputs + k] = flip ? 1 - templates[c][k] : templates[c][k];
    }
  }
  return { steps, inputs, x, labels };
}

const makeModel = (seed: number, wasm = true) =>
  new SpikingModel({
    inputs: 20,
    seed,
    wasm,
    layers: [
      lif({
        size: 24,
        recurrent: true,
        beta: 0.9,
        weightScale: 2,
        learnBeta: true,
        learnThreshold: true,
      }),
      readout({ size: 3, beta: 0.9 }),
    ],
  });

describe("train: fit, optimisers, reproducibility, save/load", () => {
  it("learns random spike patterns; reports progress with loss, accuracy and ETA", async () => {
    const train = patterns(1, 30),
      test = patterns(1, 10, 99);
    const model = new SpikingModel({
      inputs: 20,
      seed: 3,
      layers: [
        lif({ size: 24, recurrent: true, beta: 0.9, learnBeta: true, learnThreshold: true }),
        readout({ size: 3, beta: 0.9 }),
      ],
    });
    const before = evaluate(model, test);
    const reports: TrainProgress[] = [];
    const history = await fit(model, train, {
      epochs: 15,
      batchSize: 16,
      optimizer: adam(model, { lr: 3e-3 }),
      onProgress: (p) => reports.push(p),
      regularizers: [{ layer: 0, l2: 1e-5 }],
    });
    expect(history).toHaveLength(15);
    expect(history[14].loss).toBeLessThan(history[0].loss);
    expect(evaluate(model, test)).toBeGreaterThanOrEqual(0.9);
    expect(before).toBeLessThan(0.9);
    expect(reports).toHaveLength(15 * Math.ceil(90 / 16));
    const last = reports[reports.length - 1];
    expect(last.step).toBe(last.steps);
    expect(last.eta_ms).toBe(0);
    expect(reports[0].eta_ms).toBeGreaterThan(0);
    for (const r of reports) expect(r.accuracy).toBeGreaterThanOrEqual(0);
  });

  it("same seed -> bitwise-identical weights after training (wasm and TypeScript kernels alike)", async () => {
    const data = patterns(2, 12);
    const run = async (wasm: boolean, seed: number) => {
      const model = makeModel(seed, wasm);
      await fit(model, data, {
        epochs: 2,
        batchSize: 8,
        optimizer: sgd(model, { lr: 0.05, momentum: 0.9 }),
        seed: 4,
      });
      return model.parameters.map((p) => model.get(p.name));
    };
    const a = await run(true, 5),
      b = await run(true, 5),
      c = await run(false, 5),
      d = await run(true, 6);
    const bits = (xs: Float32Array[]) => xs.map((x) => Array.from(new Uint32Array(x.buffer)));
    expect(bits(a)).toEqual(bits(b));
    expect(bits(a)).toEqual(bits(c));
    expect(bits(a)).not.toEqual(bits(d));
  });

  it("stops at a batch boundary when the signal is aborted", async () => {
    const data = patterns(3, 20);
    const model = makeModel(1);
    const ctrl = new AbortController();
    let seen = 0;
    const run = fit(model, data, {
      epochs: 5,
      batchSize: 10,
      optimizer: adam(model),
      signal: ctrl.signal,
      onProgress: (p) => {
        seen = p.step;
        if (p.step === 3) ctrl.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toBe(3);
  });

  it("save/load round-trips the parameters bitwise and gives the same outputs", () => {
    const model = makeModel(8);
    const data = patterns(4, 4);
    trainStep(
      model,
      makeBatch(data, [0, 1, 2, 3]),
      Int32Array.from([0, 1, 2, 0]),
      adam(model, { lr: 1e-2 }),
    );
    const { json, binary } = saveModel(model);
    const copy = loadModel(JSON.parse(JSON.stringify(json)), binary.slice());
    for (const p of model.parameters)
      expect(Array.from(copy.get(p.name))).toEqual(Array.from(model.get(p.name)));
    const batch = makeBatch(data, [5, 6, 7]);
    expect(Array.from(copy.forward(batch))).toEqual(Array.from(model.forward(batch)));
    expect(() => loadModel({ ...json, format: "x" } as never, binary)).toThrow(/saved model/);
    expect(() => loadModel(json, binary.slice(0, 10))).toThrow(/too short/);
  });

  it("keeps beta in [0, 1] and rejects bad arguments with clear errors", () => {
    const model = makeModel(2);
    const data = patterns(5, 4);
    const opt = sgd(model, { lr: 1e3 });
    trainStep(model, makeBatch(data, [0, 1, 2]), Int32Array.from([0, 1, 2]), opt);
    for (const b of model.get("layer0.beta")) expect(b >= 0 && b <= 1).toBe(true);
    expect(() => lif({ size: 0 })).toThrow(/size/);
    expect(() => lif({ size: 3, beta: 1.5 })).toThrow(/beta/);
    expect(() => lif({ size: 3, tauMem_ms: 10 })).toThrow(/dt_ms/);
    expect(lif({ size: 3, tauMem_ms: 10, dt_ms: 1 }).beta).toBeCloseTo(Math.exp(-0.1), 12);
    expect(() => readout({ size: 2, reduce: "min" as never })).toThrow(/reduce/);
    expect(
      () =>
        new SpikingModel({ inputs: 3, seed: 1, layers: [readout({ size: 2 }), lif({ size: 2 })] }),
    ).toThrow(/last layer/);
    expect(() =>
      model.forward(makeBatch({ ...data, inputs: 19, x: data.x.subarray(0, 4 * 30 * 19) }, [0])),
    ).toThrow(/inputs/);
    expect(() => trainStep(model, makeBatch(data, [0]), Int32Array.from([7]), opt)).toThrow(
      /labels\[0\]/,
    );
    // a non-finite input value is named by its index (finite extremes and -0 pass)
    const x = Float32Array.from(data.x);
    x[0] = -0;
    x[1] = 3.4e38;
    x[2] = -3.4e38;
    expect(() => checkDataset({ ...data, x })).not.toThrow();
    for (const bad of [NaN, Infinity, -Infinity]) {
      x[x.length - 5] = bad;
      expect(() => checkDataset({ ...data, x }, "train")).toThrow(
        `train.x[${x.length - 5}] must be finite, got ${bad}`,
      );
    }
  });
});

describe("train: optimisers vs torch.optim", () => {
  it("Adam and SGD with momentum give PyTorch's parameters after five steps (float32, 1e-6 relative)", () => {
    const rng = new Rng(21);
    const model = new SpikingModel({ inputs: 3, seed: 4, layers: [lif({ size: 5 })] });
    const p = model.parameters.find((q) => q.name === "layer0.W")!;
    const start = model.get("layer0.W");
    const grads = Array.from({ length: 5 }, () =>
      Array.from({ length: start.length }, () => rng.normal() * 0.1),
    );
    const run = (opt: ReturnType<typeof adam>) => {
      model.set("layer0.W", start);
      for (const g of grads) {
        model.zeroGrad();
        const { grad } = model.views(p);
        for (let r = 0; r < p.rows; r++)
          for (let c = 0; c < p.cols; c++) grad[r * p.stride + c] = g[r * p.cols + c];
        opt.step();
      }
      return model.get("layer0.W");
    };
    const ours = {
      adam: run(adam(model, { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6 })),
      sgd: run(sgd(model, { lr: 0.05, momentum: 0.9 })),
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nl-optim-"));
    fs.writeFileSync(
      path.join(dir, "in.json"),
      JSON.stringify({
        params: Array.from(start),
        grads,
        adam: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6 },
        sgd: { lr: 0.05, momentum: 0.9 },
      }),
    );
    execFileSync(
      peersPython(),
      [
        path.join(__dirname, "..", "reference", "torch_optim.py"),
        path.join(dir, "in.json"),
        path.join(dir, "out.json"),
      ],
      { timeout: 120_000, stdio: ["ignore", "ignore", "pipe"] },
    );
    const ref = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as {
      adam: number[];
      sgd: number[];
    };
    fs.rmSync(dir, { recursive: true });
    for (const name of ["adam", "sgd"] as const) {
      ref[name].forEach((v, k) =>
        expect(Math.abs(ours[name][k] - v), `${name}[${k}]`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(v)),
        ),
      );
      expect(Array.from(ours[name])).not.toEqual(Array.from(start));
    }
  }, 120_000);
});
