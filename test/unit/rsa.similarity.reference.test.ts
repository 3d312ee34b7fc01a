// RBF CKA (Kornblith et al.'s bandwidth) and the Procrustes shape metric with partial whitening
// (netrep's LinearMetric) against independent numpy computations of the references' definitions
// (test/reference/similarity_reference.py, run once in the peers' Python).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as rsa from "../../src/rsa/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "similarity_reference.py");

interface Reference {
  demo: {
    x: number[][];
    y: number[][];
    "rbf_kornblith_0.5": number;
    "rbf_pairwise_0.5": number;
    rbf_kornblith_1: number;
    linear: number;
    linear_debiased: number;
    "rbf_kornblith_0.5_debiased": number;
  };
  procrustes: {
    a: number[][];
    b: number[][];
    c: number[][];
    cases: {
      alpha: number;
      pair: "same width" | "padded";
      metric: "angular" | "euclidean";
      value: number;
    }[];
  };
}

let ref: Reference;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rsa-sim-"));
  const out = path.join(dir, "out.json");
  execFileSync(peersPython(), [SCRIPT, out], {
    timeout: 120_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  ref = JSON.parse(fs.readFileSync(out, "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
}, 150_000);

describe("RBF CKA bandwidth", () => {
  it("default = Kornblith et al.'s reference code on their demo data (0.65483)", () => {
    const d = ref.demo;
    const ours = rsa.cka(d.x, d.y, { kernel: "rbf", sigma: 0.5 });
    expect(Math.abs(ours - d["rbf_kornblith_0.5"])).toBeLessThan(1e-12);
    expect(ours.toFixed(5)).toBe("0.65483");
    expect(Math.abs(rsa.cka(d.x, d.y, { kernel: "rbf" }) - d.rbf_kornblith_1)).toBeLessThan(1e-12);
    expect(Math.abs(rsa.cka(d.x, d.y) - d.linear)).toBeLessThan(1e-12);
  });
  it("debiased CKA (unbiased HSIC) = Kornblith et al.'s U-centred kernels, linear and RBF", () => {
    const d = ref.demo;
    expect(Math.abs(rsa.cka(d.x, d.y, { debiased: true }) - d.linear_debiased)).toBeLessThan(1e-12);
    expect(
      Math.abs(
        rsa.cka(d.x, d.y, { kernel: "rbf", sigma: 0.5, debiased: true }) -
          d["rbf_kornblith_0.5_debiased"],
      ),
    ).toBeLessThan(1e-12);
  });
  it("rbfBandwidth 'pairwiseMedian' is the other convention (0.65401), a real difference", () => {
    const d = ref.demo;
    const ours = rsa.cka(d.x, d.y, { kernel: "rbf", sigma: 0.5, rbfBandwidth: "pairwiseMedian" });
    expect(Math.abs(ours - d["rbf_pairwise_0.5"])).toBeLessThan(1e-12);
    expect(ours.toFixed(5)).toBe("0.65401");
    expect(() => rsa.cka(d.x, d.y, { kernel: "rbf", rbfBandwidth: "mean" as never })).toThrow(
      /rbfBandwidth must be/,
    );
  });
});

describe("Procrustes partial whitening = netrep's LinearMetric", () => {
  it.each([0, 0.25, 0.5, 0.9, 1])(
    "alpha = %s, same width and zero-padded, angular and euclidean",
    (alpha) => {
      const p = ref.procrustes;
      const cases = p.cases.filter((c) => c.alpha === alpha);
      expect(cases.length).toBe(4);
      for (const c of cases) {
        const ours = rsa.procrustesDistance(p.a, c.pair === "padded" ? p.c : p.b, {
          alpha,
          metric: c.metric,
        });
        expect(
          Math.abs(ours - c.value),
          `${c.pair} ${c.metric}: ours ${ours}, netrep ${c.value}`,
        ).toBeLessThan(1e-9 * Math.max(1, c.value));
      }
    },
  );
  it("whitening with XᵀX (netrep), not XᵀX / n, changes partial whitening only", () => {
    const p = ref.procrustes;
    // scaling the data scales XᵀX; full whitening and no whitening are scale-free, alpha = 0.5 is not
    const scaled = (m: number[][]) => m.map((r) => r.map((v) => v / Math.sqrt(30)));
    for (const alpha of [0, 1])
      expect(rsa.procrustesDistance(scaled(p.a), scaled(p.b), { alpha })).toBeCloseTo(
        rsa.procrustesDistance(p.a, p.b, { alpha }),
        10,
      );
    expect(
      Math.abs(
        rsa.procrustesDistance(scaled(p.a), scaled(p.b), { alpha: 0.5 }) -
          rsa.procrustesDistance(p.a, p.b, { alpha: 0.5 }),
      ),
    ).toBeGreaterThan(1e-3);
  });
});
