import { describe, expect, it } from "vitest";
import {
  affinity,
  componentNeurons,
  functionalTensor,
  nonnegativeCP,
  pairCount,
  pairIndex,
  slidingCorrelation,
  type Tensor3,
} from "../../src/connectome/index.js";
import { Rng } from "../../src/random/rng.js";

describe("slidingCorrelation", () => {
  it("gives Pearson r per window, NaN for missing or constant neurons", () => {
    // 3 neurons, 8 steps: n1 = 2 * n0 + 1, n2 = -n0 in the first window, constant in the second
    const steps = 8;
    const data = new Float64Array(steps * 3);
    const x = [1, 3, 2, 5, 4, 4, 9, 1];
    for (let t = 0; t < steps; t++) {
      data[t * 3] = x[t];
      data[t * 3 + 1] = 2 * x[t] + 1;
      data[t * 3 + 2] = t < 4 ? -x[t] : 7;
    }
    const c = slidingCorrelation({ steps, data }, { window: 4 });
    expect(Array.from(c.starts)).toEqual([0, 4]);
    expect(c.data[0 * 9 + 0 * 3 + 1]).toBeCloseTo(1, 12);
    expect(c.data[0 * 9 + 0 * 3 + 2]).toBeCloseTo(-1, 12);
    expect(Number.isNaN(c.data[1 * 9 + 0 * 3 + 2])).toBe(true);
    // a hand-computed r for the second window of n0 against a ramp
    const d2 = new Float64Array(8);
    for (let t = 0; t < 4; t++) {
      d2[t * 2] = [4, 4, 9, 1][t];
      d2[t * 2 + 1] = t;
    }
    // x = 4,4,9,1 (mean 4.5), y = 0..3 (mean 1.5): sum of co-deviations = -2, sx^2 = 33, sy^2 = 5
    expect(slidingCorrelation({ steps: 4, data: d2.subarray(0, 8) }, { window: 4 }).data[1]).toBeCloseTo(-2 / Math.sqrt(33 * 5), 12);
    const overlapping = slidingCorrelation({ steps, data }, { window: 4, step: 2 });
    expect(Array.from(overlapping.starts)).toEqual([0, 2, 4]);
  });

  it("affinities and pair indexing", () => {
    expect([affinity(-0.5), affinity(0.5), affinity(-0.5, "absolute"), affinity(-0.5, "shifted"), affinity(NaN)]).toEqual([0, 0.5, 0.5, 0.25, 0]);
    const n = 5;
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) seen.add(pairIndex(i, j, n));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: pairCount(n) }, (_, p) => p));
    expect(pairIndex(3, 1, n)).toBe(pairIndex(1, 3, n));
  });
});

describe("nonnegativeCP", () => {
  it("recovers an exact non-negative rank-2 tensor", () => {
    const a = [[1, 0], [2, 0.5], [0, 1]];
    const b = [[1, 1], [0, 2]];
    const c = [[3, 0], [1, 1], [0, 2], [1, 0]];
    const data = new Float64Array(3 * 2 * 4);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 4; k++) data[(i * 2 + j) * 4 + k] = a[i][0] * b[j][0] * c[k][0] + a[i][1] * b[j][1] * c[k][1];
    const x: Tensor3 = { dims: [3, 2, 4], data };
    const m = nonnegativeCP(x, 2, { seed: 1, iterations: 5000, tolerance: 0 });
    expect(m.relativeError).toBeLessThan(1e-3);
    for (const f of m.factors) for (const v of f) expect(v).toBeGreaterThanOrEqual(0);
    expect(nonnegativeCP(x, 2, { seed: 1, iterations: 50 }).factors[0]).toEqual(nonnegativeCP(x, 2, { seed: 1, iterations: 50 }).factors[0]);
  });
});

describe("functional connectome with planted communities", () => {
  it("finds the co-active groups, their epochs and the worms", () => {
    // 16 neurons; group A = 0-4 shares a signal in the first half of each recording, group B =
    // 8-12 in the second half; all other activity is independent noise. Three worms, seeded.
    const n = 16;
    const steps = 400;
    const A = [0, 1, 2, 3, 4];
    const B = [8, 9, 10, 11, 12];
    const worms = [0, 1, 2].map((w) => {
      const rng = new Rng(100 + w);
      const data = new Float64Array(steps * n);
      for (let t = 0; t < steps; t++) {
        const shared = rng.normal();
        for (let i = 0; i < n; i++) {
          const inGroup = t < steps / 2 ? A.includes(i) : B.includes(i);
          data[t * n + i] = (inGroup ? 1.5 * shared : 0) + rng.normal();
        }
      }
      return { steps, data };
    });
    const x = functionalTensor(worms, { window: 40 });
    expect(x.dims).toEqual([10, 3, pairCount(n)]);
    const m = nonnegativeCP(x, 2, { seed: 3 });
    const groups = [0, 1].map((r) => componentNeurons(m, r, n).sort((p, q) => p - q));
    expect(groups).toContainEqual(A);
    expect(groups).toContainEqual(B);
    // time factor: the A component lives in windows 0-4, the B component in windows 5-9
    const rA = groups.findIndex((g) => g[0] === 0);
    const time = (r: number, t: number) => m.factors[0][t * 2 + r];
    for (let t = 0; t < 5; t++) expect(time(rA, t)).toBeGreaterThan(time(rA, t + 5));
    for (let t = 0; t < 5; t++) expect(time(1 - rA, t + 5)).toBeGreaterThan(time(1 - rA, t));
    // every worm takes part in both components
    for (let w = 0; w < 3; w++) for (let r = 0; r < 2; r++) expect(m.factors[1][w * 2 + r]).toBeGreaterThan(0.3);
  });
});
