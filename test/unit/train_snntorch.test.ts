/**
 * Forward pass vs snnTorch 1.0 (peers venv) on identical weights and inputs: spikes equal and
 * membrane potentials to 1e-5 (both float32), for snn.Leaky (reset by subtraction and to zero),
 * snn.Synaptic and snn.RLeaky (all-to-all, recurrent bias zero: neurolab has one bias per layer).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import { batchFromDense, lif, SpikingModel, type LifSpec } from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";

const SCRIPT = path.join(__dirname, "..", "reference", "snntorch_forward.py");

const cases: { name: string; kinds: string[]; layers: LifSpec[] }[] = [
  {
    name: "Leaky, reset by subtraction (two layers)",
    kinds: ["leaky", "leaky"],
    layers: [
      lif({ size: 20, beta: 0.9, weightScale: 2 }),
      lif({ size: 7, beta: 0.8, threshold: 0.7, weightScale: 3 }),
    ],
  },
  {
    name: "Leaky, reset to zero",
    kinds: ["leaky"],
    layers: [lif({ size: 16, beta: 0.85, reset: "zero", weightScale: 2 })],
  },
  {
    name: "Leaky, no reset",
    kinds: ["leaky"],
    layers: [lif({ size: 9, beta: 0.7, reset: "none", weightScale: 2 })],
  },
  {
    name: "Synaptic, reset by subtraction",
    kinds: ["synaptic"],
    layers: [lif({ size: 12, beta: 0.9, alpha: 0.8, weightScale: 2 })],
  },
  {
    name: "RLeaky (all-to-all), reset by subtraction",
    kinds: ["rleaky", "leaky"],
    layers: [
      lif({ size: 15, beta: 0.92, recurrent: true, weightScale: 2 }),
      lif({ size: 5, weightScale: 2 }),
    ],
  },
];

const T = 40,
  B = 4,
  nIn = 25;

/** Runs every case in neurolab, then all of them in one snnTorch process (importing torch takes seconds). */
function runAll() {
  const runs = cases.map((c, k) => {
    const rng = new Rng(300 + k);
    const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.2 ? 1 : 0));
    const model = new SpikingModel({ inputs: nIn, layers: c.layers, seed: 11 + k });
    model.forward(batchFromDense(x, { steps: T, batch: B, inputs: nIn }));
    const spec = {
      steps: T,
      batch: B,
      inputs: nIn,
      x: Array.from(x),
      layers: c.layers.map((l, j) => ({
        kind: c.kinds[j],
        size: l.size,
        beta: l.beta,
        alpha: l.alpha,
        threshold: l.threshold,
        reset: l.reset,
        W: Array.from(model.get(`layer${j}.W`)),
        b: Array.from(model.get(`layer${j}.b`)),
        V: l.recurrent ? Array.from(model.get(`layer${j}.V`)) : null,
      })),
    };
    return { model, spec };
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nl-snntorch-"));
  fs.writeFileSync(path.join(dir, "in.json"), JSON.stringify(runs.map((r) => r.spec)));
  execFileSync(peersPython(), [SCRIPT, path.join(dir, "in.json"), path.join(dir, "out.json")], {
    timeout: 120_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const refs = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as {
    layers: { spk: number[]; mem: number[] }[];
  }[];
  fs.rmSync(dir, { recursive: true });
  return runs.map((r, k) => ({ model: r.model, ref: refs[k] }));
}

describe("train: forward pass vs snnTorch", () => {
  let results: ReturnType<typeof runAll>;
  beforeAll(() => {
    results = runAll();
  }, 120_000);
  for (const [k, c] of cases.entries()) {
    it(c.name, () => {
      const { model, ref } = results[k];
      c.layers.forEach((_, j) => {
        const spk = model.spikes(j),
          mem = model.potentials(j);
        let total = 0,
          worst = 0;
        for (let i = 0; i < spk.length; i++) {
          total += spk[i];
          worst = Math.max(worst, Math.abs(mem[i] - ref.layers[j].mem[i]));
        }
        expect(Array.from(spk)).toEqual(ref.layers[j].spk);
        expect(worst, `layer ${j}: max |v - v_snnTorch|`).toBeLessThanOrEqual(1e-5);
        expect(total, `layer ${j} spikes`).toBeGreaterThan(0);
        expect(total).toBeLessThan(spk.length);
      });
    });
  }
});
