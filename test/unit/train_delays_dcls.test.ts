/**
 * Learnable delays against DCLS's own convention: the input currents of a delayed layer equal
 * those of the kernel DCLS builds (`Dcls1d` "gauss", and "max" with SIG = 0 as SNN-delays
 * evaluates) from the positions P = taps - 1 - δ - floor(taps / 2), applied as SNN-delays does
 * (torch's conv1d over the input left-padded by taps - 1 steps), in float64 torch (peers venv):
 * to 1e-5 relative (neurolab computes the taps in float64 and the sums in float32).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import { batchFromDense, lif, readout, SpikingModel } from "../../src/train/index.js";
import { Rng } from "../../src/random/rng.js";

const SCRIPT = path.join(__dirname, "..", "reference", "dcls_delays.py");

describe("train: delays vs DCLS's kernel and SNN-delays' convolution (torch)", () => {
  it("gauss (σ = 0.23, 2, 5) and max (σ = 0) versions, odd and even numbers of taps", () => {
    const T = 30,
      B = 3,
      nIn = 6,
      n = 5;
    const configs = [
      { taps: 13, sigma: 5 },
      { taps: 13, sigma: 2 },
      { taps: 8, sigma: 0.23 },
      { taps: 9, sigma: 0 },
      { taps: 10, sigma: 0 },
    ];
    const runs = configs.map((c, k) => {
      const rng = new Rng(40 + k);
      const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.25 ? 1 : 0));
      // beta 0, no reset, no bias, an unreachable threshold: the potential is the input current
      const model = new SpikingModel({
        inputs: nIn,
        seed: 5 + k,
        layers: [
          lif({
            size: n,
            beta: 0,
            reset: "none",
            bias: false,
            threshold: 1e6,
            delays: { taps: c.taps, sigma: c.sigma },
          }),
          readout({ size: 2 }),
        ],
      });
      model.forward(batchFromDense(x, { steps: T, batch: B, inputs: nIn }));
      const delay = model.get("layer0.delay");
      const P = Array.from(delay, (d) => c.taps - 1 - d - Math.floor(c.taps / 2));
      return {
        current: model.potentials(0),
        spec: {
          steps: T,
          batch: B,
          inputs: nIn,
          size: n,
          taps: c.taps,
          sigma: c.sigma,
          W: Array.from(model.get("layer0.W")),
          P,
          x: Array.from(x),
        },
      };
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nl-dcls-"));
    fs.writeFileSync(path.join(dir, "in.json"), JSON.stringify(runs.map((r) => r.spec)));
    execFileSync(peersPython(), [SCRIPT, path.join(dir, "in.json"), path.join(dir, "out.json")], {
      timeout: 120_000,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const refs = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as number[][];
    fs.rmSync(dir, { recursive: true });
    runs.forEach((r, k) => {
      const ref = refs[k];
      expect(ref.length).toBe(r.current.length);
      let scale = 0,
        err = 0;
      for (let i = 0; i < ref.length; i++) {
        scale = Math.max(scale, Math.abs(ref[i]));
        err = Math.max(err, Math.abs(ref[i] - r.current[i]));
      }
      expect(scale, `case ${k}`).toBeGreaterThan(0.1);
      expect(err, `case ${k}: max |error| ${err} vs max |current| ${scale}`).toBeLessThanOrEqual(
        1e-5 * scale,
      );
    });
  }, 120_000);
});
