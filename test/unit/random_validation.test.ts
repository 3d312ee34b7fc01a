/**
 * Rng.poisson for large means (PTRS): the sampled distribution against the Poisson pmf (closed
 * form, computed here in log space with exact log-factorial sums), and bounded work for any mean
 * up to 2^52 (issue 16: `poisson(1e18)` never returned).
 */
import { describe, expect, it } from "vitest";
import { MAX_POISSON_MEAN, Rng } from "../../src/index.js";

/** log k!, exactly summed (k up to a few thousand here). */
function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/** Chi-square upper quantile by the Wilson-Hilferty approximation (z = 3.09: p = 0.001). */
function chiSquareCritical(dof: number, z = 3.09): number {
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

describe("Rng.poisson (PTRS for means >= 10)", { timeout: 60_000 }, () => {
  for (const lambda of [10, 15.5, 120, 3000]) {
    it(`matches the Poisson(${lambda}) pmf (chi-square, 200000 draws)`, () => {
      const n = 200_000;
      const r = new Rng(7);
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const k = r.poisson(lambda);
        if (!(Number.isInteger(k) && k >= 0)) expect.fail(`poisson(${lambda}) gave ${k}`);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      // Bins of expected count >= 20 around the mode; the tails pooled.
      const pmf = (k: number) => Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
      const lo = Math.max(0, Math.floor(lambda - 6 * Math.sqrt(lambda)));
      const hi = Math.ceil(lambda + 6 * Math.sqrt(lambda));
      let chi = 0;
      let bins = 0;
      let below = 0;
      let belowP = 0;
      for (let k = 0; k < lo; k++) belowP += pmf(k);
      for (const [k, c] of counts) if (k < lo) below += c;
      let tailP = 1 - belowP;
      let tail = n - below;
      const cells: [number, number][] = [[below, belowP]];
      for (let k = lo; k <= hi; k++) {
        const p = pmf(k);
        const c = counts.get(k) ?? 0;
        cells.push([c, p]);
        tail -= c;
        tailP -= p;
      }
      cells.push([tail, Math.max(tailP, 0)]);
      // merge small cells into their neighbours
      let accC = 0;
      let accP = 0;
      for (const [c, p] of cells) {
        accC += c;
        accP += p;
        if (accP * n >= 20) {
          chi += (accC - accP * n) ** 2 / (accP * n);
          bins++;
          accC = 0;
          accP = 0;
        }
      }
      if (accP > 0) chi += (accC - accP * n) ** 2 / Math.max(accP * n, 1e-300);
      expect(chi).toBeLessThan(chiSquareCritical(bins - 1));
    });
  }

  it("returns promptly for any mean up to 2^52 and refuses larger ones, stating the bound", () => {
    const r = new Rng(3);
    const t0 = performance.now();
    for (const lambda of [1e9, 1e15, 4e15, MAX_POISSON_MEAN]) {
      let sum = 0;
      for (let i = 0; i < 2000; i++) sum += r.poisson(lambda) - lambda;
      // the mean of 2000 draws is within 6 standard errors of lambda
      expect(Math.abs(sum / 2000)).toBeLessThan(6 * Math.sqrt(lambda / 2000));
    }
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(() => r.poisson(1e18)).toThrow(
      /lambda must be a finite number in \[0, 4503599627370496\], got 1000000000000000000/,
    );
    expect(() => r.poisson(NaN)).toThrow(/lambda/);
  });

  it("same seed, same variates", () => {
    const a = new Rng(11);
    const b = new Rng(11);
    for (let i = 0; i < 1000; i++) expect(a.poisson(37.5 + i)).toBe(b.poisson(37.5 + i));
  });
});
