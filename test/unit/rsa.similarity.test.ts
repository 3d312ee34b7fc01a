// CKA, Procrustes shape metric, CCA/SVCCA and MDS: definitions and invariances on seeded data.
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";

const rng = new Rng(11);
const randn = (r: number, c: number) =>
  Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal()));
const matmul = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
/** A random rotation (Gram-Schmidt of a Gaussian matrix). */
function rotation(p: number): number[][] {
  const q: number[][] = [];
  for (const v of randn(p, p)) {
    const w = [...v];
    for (const u of q) {
      const d = w.reduce((s, x, k) => s + x * u[k], 0);
      u.forEach((x, k) => (w[k] -= d * x));
    }
    const norm = Math.hypot(...w);
    q.push(w.map((x) => x / norm));
  }
  return q;
}
const center = (x: number[][]) => {
  const m = x[0].map((_, k) => x.reduce((s, r) => s + r[k], 0) / x.length);
  return x.map((r) => r.map((v, k) => v - m[k]));
};
const fro2 = (a: number[][]) => a.flat().reduce((s, v) => s + v * v, 0);
const t = (a: number[][]) => a[0].map((_, j) => a.map((r) => r[j]));

const X = randn(15, 6);
const Y = randn(15, 4);

describe("CKA", () => {
  it("linear CKA equals ||YᵀX||² / (||XᵀX|| ||YᵀY||) on centred data", () => {
    const xc = center(X);
    const yc = center(Y);
    const expected =
      fro2(matmul(t(yc), xc)) / Math.sqrt(fro2(matmul(t(xc), xc)) * fro2(matmul(t(yc), yc)));
    expect(rsa.cka(X, Y)).toBeCloseTo(expected, 13);
  });
  it("equals rsatoolbox's cosine_cov (whitened RDM cosine) of the euclidean RDMs", () => {
    const rx = rsa.calcRdm(rsa.makeDataset(X));
    const ry = rsa.calcRdm(rsa.makeDataset(Y));
    expect(rsa.compareRdm(rx, ry, { method: "cosineCov" })[0][0]).toBeCloseTo(rsa.cka(X, Y), 12);
  });
  it("is invariant to rotation, isotropic scaling and translation; RBF and debiased variants", () => {
    const z = matmul(X, rotation(6)).map((r) => r.map((v) => 3 * v + 1));
    expect(rsa.cka(X, z)).toBeCloseTo(1, 12);
    expect(rsa.cka(X, z, { kernel: "rbf", sigma: 0.8 })).toBeCloseTo(1, 10);
    expect(rsa.cka(X, z, { debiased: true })).toBeCloseTo(1, 12);
    const a = randn(200, 5);
    const b = randn(200, 5);
    expect(Math.abs(rsa.cka(a, b, { debiased: true }))).toBeLessThan(0.03);
    expect(rsa.cka(a, b)).toBeGreaterThan(Math.abs(rsa.cka(a, b, { debiased: true })));
  });
  it("rejects mismatched conditions and too few conditions for debiasing", () => {
    expect(() => rsa.cka(X, randn(14, 4))).toThrow(/same number of conditions/);
    expect(() => rsa.cka(randn(3, 2), randn(3, 2), { debiased: true })).toThrow(/at least 4/);
    expect(() =>
      rsa.cka(
        [
          [1, NaN],
          [2, 3],
        ],
        [[1], [2]],
      ),
    ).toThrow(/finite/);
  });
});

describe("Procrustes shape metric, CCA, SVCCA", () => {
  it("rotation + translation gives distance 0; full whitening (alpha 0) makes it invariant to any invertible map", () => {
    const z = matmul(X, rotation(6)).map((r) => r.map((v) => v + 2));
    expect(rsa.procrustesDistance(X, z)).toBeLessThan(1e-7);
    expect(rsa.procrustesDistance(X, z, { metric: "euclidean" })).toBeLessThan(1e-6);
    const stretched = matmul(X, randn(6, 6));
    expect(rsa.procrustesDistance(X, stretched)).toBeGreaterThan(0.05);
    expect(rsa.procrustesDistance(X, stretched, { alpha: 0 })).toBeLessThan(1e-6);
    const d = rsa.procrustesDistance(X, Y);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(Math.PI / 2);
  });
  it("CCA of a linear map is all ones; SVCCA keeps the requested dimensions", () => {
    const big = randn(40, 6);
    const r = rsa.cca(big, matmul(big, randn(6, 6)));
    expect(r.correlations.length).toBe(6);
    r.correlations.forEach((c) => expect(c).toBeCloseTo(1, 10));
    const s = rsa.svcca(big, randn(40, 8), { dims: 3 });
    expect(s.correlations.length).toBe(3);
    expect(s.mean).toBeGreaterThan(0);
    expect(s.mean).toBeLessThan(1);
  });
});

describe("MDS", () => {
  const pts = randn(8, 2);
  const rdm = rsa.calcRdm(rsa.makeDataset(pts)); // squared euclidean / 2 channels
  it("classical MDS reproduces 2-D euclidean configurations exactly", () => {
    const e = rsa.mds(rdm, { method: "classical" });
    expect(e.stress).toBeLessThan(1e-10);
    const orig = rsa.rdmVector(rdm);
    const back = rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(e.coordinates)));
    // embedding distances are sqrt(dissimilarity); calcRdm divides their squares by the 2 dims again
    back.forEach((v, k) => expect(2 * v).toBeCloseTo(orig[k], 10));
    expect(e.eigenvalues![2]).toBeCloseTo(0, 10);
  });
  it("metric MDS does not increase stress and tolerates NaN pairs", () => {
    const noisy = rsa.makeRdms(
      [Array.from(rsa.rdmVector(rdm), (v) => v * (1 + 0.3 * rng.uniform()))],
      { measure: "squared euclidean" },
    );
    const c = rsa.mds(noisy, { method: "classical" });
    const m = rsa.mds(noisy);
    expect(m.stress).toBeLessThanOrEqual(c.stress + 1e-12);
    const withNaN = rsa.makeRdms(
      [Array.from(rsa.rdmVector(noisy), (v, k) => (k === 3 ? NaN : v))],
      { measure: "squared euclidean" },
    );
    expect(Number.isFinite(rsa.mds(withNaN).stress)).toBe(true);
    expect(() => rsa.mds(withNaN, { method: "classical" })).toThrow(/complete RDM/);
    expect(() => rsa.mds(rdm, { dims: 8 })).toThrow(/dims/);
  });
});
