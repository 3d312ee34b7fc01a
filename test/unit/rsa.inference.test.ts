// Inference: reproducibility, dual bootstrap bounds, cross-validation, permutation test, t CDF.
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";

const rng = new Rng(5);
const nCond = 10;
const P = (nCond * (nCond - 1)) / 2;
const truth = Array.from({ length: P }, () => rng.uniform());
const data = rsa.makeRdms(
  Array.from({ length: 8 }, () => truth.map((v) => v + 0.4 * rng.normal())),
);
const good = rsa.modelFixed("good", truth);
const bad = rsa.modelFixed(
  "random",
  Array.from({ length: P }, () => rng.uniform()),
);

describe("studentTCdf", () => {
  it("matches scipy.stats.t.cdf reference values", () => {
    // scipy.stats.t.cdf(x, df) for (x, df): (1.0, 1) = 0.75; (2.0, 5) = 0.9490302605850709; (-1.5, 10) = 0.08225366322272008
    expect(rsa.studentTCdf(1, 1)).toBeCloseTo(0.75, 14);
    expect(rsa.studentTCdf(2, 5)).toBeCloseTo(0.9490302605850709, 13);
    expect(rsa.studentTCdf(-1.5, 10)).toBeCloseTo(0.08225366322272008, 13);
    expect(rsa.studentTCdf(0, 3)).toBeCloseTo(0.5, 15);
  });
});

describe("bootstrap", () => {
  it("is seeded and reproducible, and sorts pattern samples", () => {
    const a = rsa.evalBootstrap([good, bad], data, { n: 50, seed: 9, method: "corr" });
    const b = rsa.evalBootstrap([good, bad], data, { n: 50, seed: 9, method: "corr" });
    const c = rsa.evalBootstrap([good, bad], data, { n: 50, seed: 10, method: "corr" });
    expect(a.evaluations).toEqual(b.evaluations);
    expect(a.evaluations).not.toEqual(c.evaluations);
    for (const s of rsa.bootstrapSamples(data, 20, { seed: 1 }))
      expect(s.patternIndices).toEqual([...s.patternIndices].sort((x, y) => x - y));
    expect(a.means[0]).toBeGreaterThan(a.means[1]);
    const p = rsa.bootstrapPairTests(
      rsa.evalBootstrap([good, bad], data, { n: 400, seed: 9, method: "corr" }).evaluations,
    );
    expect(p[0][1]).toBeLessThan(0.05);
    expect(p[0][1]).toBeGreaterThanOrEqual(1 / 400);
  });
  it.each([["spearman"], ["rhoA"], ["cosine"], ["corr"]] as const)(
    "the fast path equals the per-sample definition (%s)",
    (method) => {
      const samples = rsa.bootstrapSamples(data, 15, { seed: 8 });
      const r = rsa.evalBootstrap([good, bad], data, { method, samples });
      samples.forEach((s, i) => {
        const sample = rsa.subsetPatterns(rsa.subsetRdms(data, s.rdmIndices), s.patternIndices);
        [good, bad].forEach((m, j) => {
          const sims = rsa.compareRdm(rsa.subsetPatterns(m.rdm, s.patternIndices), sample, {
            method,
          })[0];
          expect(r.evaluations[i][j]).toBeCloseTo(
            sims.reduce((a, b) => a + b, 0) / sims.length,
            12,
          );
        });
        const nc = rsa.noiseCeiling(sample, { method });
        expect(r.noiseCeilings[i][0]).toBeCloseTo(nc.lower, 12);
        expect(r.noiseCeilings[i][1]).toBeCloseTo(nc.upper, 12);
      });
    },
  );
  it("rdm-only and pattern-only bootstraps keep the other factor fixed", () => {
    const r = rsa.bootstrapSamples(data, 5, { kind: "rdm", seed: 2 });
    r.forEach((s) => expect(s.patternIndices).toEqual(Array.from({ length: nCond }, (_, i) => i)));
    const q = rsa.bootstrapSamples(data, 5, { kind: "pattern", seed: 2 });
    q.forEach((s) => expect(s.rdmIndices).toEqual(Array.from({ length: 8 }, (_, i) => i)));
  });
  it("dual bootstrap variances lie between the single-factor and two-factor bootstrap variances", () => {
    const d = rsa.evalDualBootstrap([good, bad], data, { n: 200, seed: 4, method: "corr" });
    d.modelVariances.forEach((v, i) => {
      expect(v).toBeLessThanOrEqual(d.both.covariance[i][i] + 1e-15);
      expect(v).toBeGreaterThanOrEqual((8 / 7) * d.rdm.covariance[i][i] - 1e-15);
      expect(v).toBeGreaterThanOrEqual((10 / 9) * d.pattern.covariance[i][i] - 1e-15);
    });
    expect(d.differenceVariances.length).toBe(1);
    const p = rsa.pairwiseTTests(d.means, d.differenceVariances, d.dof);
    expect(p[0][1]).toBeLessThan(0.05);
    expect(p[0][0]).toBe(1);
  });
});

describe("fixed evaluation, noise ceiling, cross-validation", () => {
  it("noise ceiling: lower <= upper, and a model equal to the pooled data reaches the upper bound", () => {
    const nc = rsa.noiseCeiling(data, { method: "corr" });
    expect(nc.lower).toBeLessThanOrEqual(nc.upper);
    const pooled = rsa.modelFixed("pooled", rsa.poolRdm(data, "corr"));
    expect(rsa.evalFixed([pooled], data, { method: "corr" }).means[0]).toBeCloseTo(nc.upper, 12);
  });
  it("cross-validation covers every RDM once per pattern fold", () => {
    const cv = rsa.evalCrossval([good, bad], data, {
      kRdm: 4,
      kPattern: 2,
      seed: 1,
      method: "corr",
    });
    expect(cv.evaluations.length).toBe(8);
    expect(cv.means[0]).toBeGreaterThan(cv.means[1]);
    cv.noiseCeilings.forEach(([lo, up]) => expect(lo).toBeLessThanOrEqual(up + 1e-12));
    expect(() => rsa.evalCrossval([good], data, { kPattern: 4 })).toThrow(/kPattern/);
  });
  it("permutation test: the true model is significant, a random one is not; seeded", () => {
    const t = rsa.permutationTest(good, data, { n: 999, seed: 1, method: "corr" });
    expect(t.p).toBeLessThan(0.01);
    expect(t.null.length).toBe(999);
    const r = rsa.permutationTest(bad, data, { n: 999, seed: 1, method: "corr" });
    expect(r.p).toBeGreaterThan(0.01);
    expect(rsa.permutationTest(good, data, { n: 50, seed: 3 }).null).toEqual(
      rsa.permutationTest(good, data, { n: 50, seed: 3 }).null,
    );
  });
  it("evaluations as long table columns", () => {
    const fixed = rsa.evalFixed([good, bad], data, { method: "corr" });
    const cols = rsa.evaluationsToColumns(fixed);
    expect(cols.model.length).toBe(16);
    expect(cols.model.slice(7, 9)).toEqual(["good", "random"]);
    expect(cols.evaluation[8]).toBe(fixed.evaluations[1][0]);
    const boot = rsa.evalBootstrap([good, bad], data, { n: 3, seed: 1 });
    const bc = rsa.evaluationsToColumns(boot);
    expect(bc.index).toEqual([0, 0, 1, 1, 2, 2]);
    expect(bc.evaluation[3]).toBe(boot.evaluations[1][1]);
  });
  it("rejects models of the wrong size and methods without a pooled RDM", () => {
    expect(() => rsa.evalFixed([rsa.modelFixed("x", [1, 2, 3])], data)).toThrow(/10 conditions/);
    expect(() => rsa.noiseCeiling(data, { method: "bures" })).toThrow(/no pooled RDM/);
    expect(() => rsa.noiseCeiling(rsa.subsetRdms(data, [0]))).toThrow(/at least 2/);
  });
});
