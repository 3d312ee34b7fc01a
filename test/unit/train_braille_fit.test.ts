/**
 * Tactile Braille letters with a 200-unit recurrent current-based LIF network (SpyTorch tutorial
 * 5's network: tau_mem 20 ms, tau_syn 10 ms at dt 1 ms, leaky readout with max over time,
 * cross-entropy, Adam with the learning rate decayed by 0.9 per epoch, as torch's ExponentialLR):
 * >= 90 % test accuracy on a seeded 80/20 split in a CI-sized run (EPOCHS epochs, about 1 s of
 * CPU each). The recipe is chosen to converge, not to pass on one lucky draw: with weight seeds
 * 1, 2 and 3 the test accuracy ends at 92.2, 91.1 and 91.1 % and stays within 88-92 % over the
 * last ten epochs (training accuracy 97 %); the earlier recipe (input weight scale 1, constant
 * learning rate 1e-3, 15 epochs) ended anywhere between 66 and 92 % depending on the initial
 * weights. The same seed gives the same run, bitwise. Then LIF vs
 * the probabilistic meta neuron on the same seed, split, weight scale, learning rate and training
 * (3 epochs each, evaluated after every epoch): both must learn (>= 50 %, chance is 3.7 %); the
 * accuracies are printed (62.2 % and 64.8 % when written).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { brailleDataset, loadBrailleTrials } from "../../src/data/index.js";
import { Rng } from "../../src/random/rng.js";
import {
  adam,
  evaluate,
  fit,
  lif,
  meta,
  permutation,
  readout,
  SpikingModel,
  type SpikeDataset,
} from "../../src/train/index.js";

const MIRROR = path.resolve(
  (
    process.env.NEUROLAB_DATA_MIRROR ??
    fileURLToPath(new URL("../../../shared/data", import.meta.url))
  ).split(path.delimiter)[0],
);
const EPOCHS = 25;

async function split(): Promise<{ train: SpikeDataset; test: SpikeDataset }> {
  const d = brailleDataset(
    await loadBrailleTrials({
      mirrorDir: [MIRROR],
      offline: true,
      cacheDir: path.join(MIRROR, ".no-cache"),
    }),
  );
  const perm = permutation(d.labels.length, new Rng(42));
  const subset = (idx: Int32Array): SpikeDataset => {
    const L = d.steps * d.inputs,
      x = new Float32Array(idx.length * L);
    idx.forEach((s, k) => x.set(d.x.subarray(s * L, (s + 1) * L), k * L));
    return {
      steps: d.steps,
      inputs: d.inputs,
      x,
      labels: Int32Array.from(idx, (s) => d.labels[s]),
    };
  };
  return { train: subset(perm.subarray(0, 1080)), test: subset(perm.subarray(1080)) };
}

describe("train: Braille letters", () => {
  it(`a 200-unit recurrent LIF network reaches >= 90% test accuracy in ${EPOCHS} epochs`, async () => {
    const { train, test } = await split();
    const model = new SpikingModel({
      inputs: 4,
      seed: 1,
      layers: [
        lif({
          size: 200,
          recurrent: true,
          tauMem_ms: 20,
          tauSyn_ms: 10,
          dt_ms: 1,
          weightScale: 3,
          recurrentScale: 0.03,
          init: "normal",
        }),
        readout({ size: 27, tau_ms: 20, dt_ms: 1, init: "normal" }),
      ],
    });
    const optimizer = adam(model, { lr: 2e-3 });
    const history = await fit(model, train, {
      epochs: EPOCHS,
      batchSize: 32,
      optimizer,
      seed: 1,
      onEpoch: () => {
        optimizer.lr *= 0.9;
      },
    });
    const accuracy = evaluate(model, test);
    console.log(
      `Braille, recurrent LIF: test accuracy ${(100 * accuracy).toFixed(1)}% after ${EPOCHS} epochs (train ${(100 * history[EPOCHS - 1].accuracy).toFixed(1)}%)`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  }, 1_800_000);

  it("LIF vs meta neuron: same seed, split and training, 3 epochs each", async () => {
    const { train, test } = await split();
    const hidden = {
      lif: lif({
        size: 200,
        recurrent: true,
        tauMem_ms: 20,
        tauSyn_ms: 10,
        dt_ms: 1,
        weightScale: 3,
        recurrentScale: 0.03,
        init: "normal",
      }),
      meta: meta({
        size: 200,
        recurrent: true,
        weightScale: 3,
        recurrentScale: 0.03,
        init: "normal",
        leak: Math.exp(-1 / 20),
        noise: 0.1,
      }),
    };
    const accuracy: Record<string, number> = {};
    for (const [name, layer] of Object.entries(hidden)) {
      const model = new SpikingModel({
        inputs: 4,
        seed: 1,
        layers: [layer, readout({ size: 27, tau_ms: 20, dt_ms: 1, init: "normal" })],
      });
      const history = await fit(model, train, {
        epochs: 3,
        batchSize: 32,
        optimizer: adam(model, { lr: 2e-3 }),
        seed: 1,
        validation: test,
      });
      accuracy[name] = history[2].validationAccuracy!;
    }
    console.log(
      `Braille, 3 epochs: LIF ${(100 * accuracy.lif).toFixed(1)}%, meta neuron ${(100 * accuracy.meta).toFixed(1)}%`,
    );
    expect(accuracy.lif).toBeGreaterThanOrEqual(0.5);
    expect(accuracy.meta).toBeGreaterThanOrEqual(0.5);
  }, 1_800_000);
});
