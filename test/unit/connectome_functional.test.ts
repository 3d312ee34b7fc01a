import { describe, expect, it } from "vitest";
import {
  affinity,
  componentCommunities,
  componentNeurons,
  cpRankDiagnostic,
  cpValue,
  differentialAffinity,
  factorMatchScore,
  fitNonnegativeCP,
  functionalTensor,
  nonnegativeCP,
  pairCount,
  pairIndex,
  slidingCorrelation,
  type CPModel,
  type Tensor3,
  type Traces,
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
    expect(
      slidingCorrelation({ steps: 4, data: d2.subarray(0, 8) }, { window: 4 }).data[1],
    ).toBeCloseTo(-2 / Math.sqrt(33 * 5), 12);
    const overlapping = slidingCorrelation({ steps, data }, { window: 4, step: 2 });
    expect(Array.from(overlapping.starts)).toEqual([0, 2, 4]);
  });

  it("affinities and pair indexing", () => {
    expect([
      affinity(-0.5),
      affinity(0.5),
      affinity(-0.5, "absolute"),
      affinity(-0.5, "shifted"),
      affinity(NaN),
    ]).toEqual([0, 0.5, 0.5, 0.25, 0]);
    const n = 5;
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) seen.add(pairIndex(i, j, n));
    expect([...seen].sort((a, b) => a - b)).toEqual(
      Array.from({ length: pairCount(n) }, (_, p) => p),
    );
    expect(pairIndex(3, 1, n)).toBe(pairIndex(1, 3, n));
  });
});

/** Row-major steps x n traces from per-neuron columns. */
function traces(columns: number[][]): Traces {
  const steps = columns[0].length;
  const n = columns.length;
  const data = new Float64Array(steps * n);
  columns.forEach((col, i) => col.forEach((v, t) => (data[t * n + i] = v)));
  return { steps, data };
}

describe("differential affinity (Dyballa et al. 2024)", () => {
  it("is max(0, g_i g_j) of the max-scaled derivatives, per sample (hand-computed)", () => {
    // x0 = 0,1,2,1,0 -> gradient 1,1,0,-1,-1 (max 1); x1 = 2 x0 -> same after scaling;
    // x2 = -x0 -> opposite sign; x3 = 0,0,3,0,0 -> gradient 0,1.5,0,-1.5,0 -> 0,1,0,-1,0
    const a = differentialAffinity(
      traces([
        [0, 1, 2, 1, 0],
        [0, 2, 4, 2, 0],
        [0, -1, -2, -1, 0],
        [0, 0, 3, 0, 0],
      ]),
    );
    expect(a.steps).toBe(5);
    const at = (t: number, i: number, j: number) => a.data[t * pairCount(4) + pairIndex(i, j, 4)];
    expect([0, 1, 2, 3, 4].map((t) => at(t, 0, 1))).toEqual([1, 1, 0, 1, 1]); // both rise, both fall
    expect([0, 1, 2, 3, 4].map((t) => at(t, 0, 2))).toEqual([0, 0, 0, 0, 0]); // opposite directions
    expect([0, 1, 2, 3, 4].map((t) => at(t, 0, 3))).toEqual([0, 1, 0, 1, 0]);
    // a windowed Pearson r cannot tell 0-1 (co-rising and co-falling) apart from a static offset
    const std = differentialAffinity(
      traces([
        [0, 1, 2, 1, 0],
        [0, 0, 3, 0, 0],
      ]),
      { scaling: "std" },
    );
    // g0 = 1,1,0,-1,-1 (rms sqrt(4/5)); g1 = 0,1.5,0,-1.5,0 (rms sqrt(4.5/5)): a(1) = 1.5 / sqrt(0.8 * 0.9)
    expect(std.data[1]).toBeCloseTo(1.5 / Math.sqrt(0.8 * 0.9), 12);
  });

  it("scores a shared brief event that a windowed correlation misses under opposite slow drifts", () => {
    // both neurons fire the same transient at t = 50 (rise 1, decay tau 3 samples) on top of
    // opposite drifts of +-0.05 per sample
    const steps = 120;
    const event = (t: number) => (t >= 50 ? Math.exp(-(t - 50) / 3) : 0);
    const w = traces([
      Array.from({ length: steps }, (_, t) => 0.05 * t + event(t)),
      Array.from({ length: steps }, (_, t) => -0.05 * t + event(t)),
    ]);
    const diff = functionalTensor([w], { bin: 40 });
    const corr = functionalTensor([w], { measure: "windowed-correlation", window: 40 });
    expect(corr.data[1]).toBe(0); // r < 0 in the window holding the event: the drifts dominate
    expect(diff.data[1]).toBeGreaterThan(0.01); // the co-rise (and co-decay) at the event
    expect(diff.data[0]).toBe(0); // drift only: opposite directions
    expect(diff.data[2]).toBe(0);
    // per sample: at t = 49 both central differences are the steepest of their traces,
    // (1 + 0.1) / 2 and (1 - 0.1) / 2, so both scale to 1 and a = 1, the maximum
    const a = differentialAffinity(w);
    expect(a.data[49]).toBeCloseTo(1, 12);
    expect(Math.max(...a.data)).toBe(a.data[49]);
  });

  it("marks missing samples as NaN and rejects bad options", () => {
    const a = differentialAffinity(
      traces([
        [0, 1, NaN, 3, 4, 5],
        [0, 1, 2, 3, 4, 5],
      ]),
    );
    // central differences at t = 1 and t = 3 use the missing sample 2 (t = 2 uses only its neighbours)
    expect(Array.from(a.data).map((v) => (Number.isNaN(v) ? "nan" : v))).toEqual([
      1,
      "nan",
      1,
      "nan",
      1,
      1,
    ]);
    expect(() => differentialAffinity(traces([[1], [2]]))).toThrow(/steps must be >= 2/);
    expect(() =>
      differentialAffinity(
        traces([
          [1, 2],
          [2, 3],
        ]),
        { scaling: "l1" as "max" },
      ),
    ).toThrow(/scaling must be "max" or "std"/);
    expect(() =>
      differentialAffinity(
        traces([
          [1, 2],
          [2, 3],
        ]),
        { neurons: [0, 2] },
      ),
    ).toThrow(/neurons\[1\]/);
  });
});

describe("functionalTensor", () => {
  it("masks unrecorded neurons and the tail of shorter worms instead of discarding data", () => {
    const w0 = traces([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 2, 4, 6, 8, 10, 12, 14],
      [1, 0, 1, 0, 1, 0, 1, 0],
    ]);
    const w1 = traces([
      [0, 1, 0, 1],
      [NaN, NaN, NaN, NaN],
      [0, 1, 0, 1],
    ]); // neuron 1 not recorded, 4 samples
    const x = functionalTensor([w0, w1], { bin: 2 });
    expect(x.dims).toEqual([4, 2, 3]); // 8 samples / bin 2 = the longest worm's length
    expect(Array.from(x.starts)).toEqual([0, 2, 4, 6]);
    const idx = (t: number, w: number, i: number, j: number) =>
      (t * 2 + w) * 3 + pairIndex(i, j, 3);
    for (let t = 0; t < 4; t++) {
      expect(x.mask[idx(t, 0, 0, 1)]).toBe(1);
      expect(x.data[idx(t, 0, 0, 1)]).toBeCloseTo(1, 12); // two ramps: g = 1 after scaling
      expect(x.mask[idx(t, 1, 0, 1)]).toBe(0); // unrecorded neuron: missing, not "no affinity"
      expect(x.mask[idx(t, 1, 0, 2)]).toBe(t < 2 ? 1 : 0); // worm 1 ends after 4 samples
    }
    // identical traces 0,1,0,1: scaled gradient 1, 0, 0, -1 -> affinities 1, 0 | 0, 1 -> bin means 0.5
    expect(x.data[idx(0, 1, 0, 2)]).toBeCloseTo(0.5, 12);
    expect(x.data[idx(1, 1, 0, 2)]).toBeCloseTo(0.5, 12);
    for (let e = 0; e < x.mask.length; e++) if (!x.mask[e]) expect(x.data[e]).toBe(0);
    // the windowed correlation measure masks the same way
    const c = functionalTensor([w0, w1], {
      measure: "windowed-correlation",
      window: 4,
      affinity: "absolute",
    });
    expect(c.dims).toEqual([2, 2, 3]);
    expect(c.mask[(1 * 2 + 1) * 3 + pairIndex(0, 2, 3)]).toBe(0);
    expect(c.mask[(0 * 2 + 1) * 3 + pairIndex(0, 2, 3)]).toBe(1);
    expect(c.data[(0 * 2 + 1) * 3 + pairIndex(0, 2, 3)]).toBeCloseTo(1, 12);
    // a subset of columns
    const sub = functionalTensor([w0, w1], { neurons: [2, 0] });
    expect(sub.dims).toEqual([8, 2, 1]);
    expect(Array.from(sub.neurons)).toEqual([2, 0]);
    expect(() => functionalTensor([w0], { window: 4 } as never)).toThrow(
      /window applies to measure "windowed-correlation"/,
    );
    expect(() => functionalTensor([w0], { bin: 0 })).toThrow(/bin/);
    expect(() => functionalTensor([])).toThrow(/worms must hold at least one/);
  });
});

/** A tensor sum_r A B C from row-major factor lists. */
function cpTensor(dims: [number, number, number], factors: number[][][]): Tensor3 {
  const [I, J, K] = dims;
  const R = factors[0][0].length;
  const data = new Float64Array(I * J * K);
  for (let a = 0; a < I; a++)
    for (let b = 0; b < J; b++)
      for (let c = 0; c < K; c++)
        for (let r = 0; r < R; r++)
          data[(a * J + b) * K + c] += factors[0][a][r] * factors[1][b][r] * factors[2][c][r];
  return { dims, data };
}

function randomFactors(rng: Rng, dims: number[], R: number): number[][][] {
  return dims.map((d) =>
    Array.from({ length: d }, () =>
      Array.from({ length: R }, () => (rng.uniform() < 0.3 ? 0 : rng.uniform())),
    ),
  );
}

describe("nonnegativeCP", () => {
  it("recovers an exact non-negative rank-2 tensor", () => {
    const x = cpTensor(
      [3, 2, 4],
      [
        [
          [1, 0],
          [2, 0.5],
          [0, 1],
        ],
        [
          [1, 1],
          [0, 2],
        ],
        [
          [3, 0],
          [1, 1],
          [0, 2],
          [1, 0],
        ],
      ],
    );
    const m = nonnegativeCP(x, 2, { seed: 1, iterations: 5000, tolerance: 0 });
    expect(m.relativeError).toBeLessThan(1e-3);
    for (const f of m.factors) for (const v of f) expect(v).toBeGreaterThanOrEqual(0);
    expect(nonnegativeCP(x, 2, { seed: 1, iterations: 50 }).factors[0]).toEqual(
      nonnegativeCP(x, 2, { seed: 1, iterations: 50 }).factors[0],
    );
  });

  it("fits only the observed entries of a masked tensor and predicts the missing ones", () => {
    const rng = new Rng(7);
    const dims: [number, number, number] = [8, 5, 12];
    const truth = cpTensor(dims, randomFactors(rng, dims, 2));
    const mask = Uint8Array.from(truth.data, () => (rng.uniform() < 0.3 ? 0 : 1));
    const data = truth.data.map((v, e) => (mask[e] ? v : 1e6)); // garbage where missing: must not matter
    const m = nonnegativeCP({ dims, data, mask }, 2, { seed: 2, iterations: 4000, tolerance: 0 });
    expect(m.relativeError).toBeLessThan(1e-3);
    let hidden2 = 0;
    let err2 = 0;
    const zeroed = truth.data.map((v, e) => (mask[e] ? v : 0));
    const naive = nonnegativeCP({ dims, data: zeroed }, 2, {
      seed: 2,
      iterations: 4000,
      tolerance: 0,
    });
    let naiveErr2 = 0;
    for (let a = 0; a < dims[0]; a++)
      for (let b = 0; b < dims[1]; b++)
        for (let c = 0; c < dims[2]; c++) {
          const e = (a * dims[1] + b) * dims[2] + c;
          if (mask[e]) continue;
          hidden2 += truth.data[e] ** 2;
          err2 += (cpValue(m, a, b, c) - truth.data[e]) ** 2;
          naiveErr2 += (cpValue(naive, a, b, c) - truth.data[e]) ** 2;
        }
    expect(Math.sqrt(err2 / hidden2)).toBeLessThan(1e-2); // missing entries recovered
    expect(Math.sqrt(naiveErr2 / hidden2)).toBeGreaterThan(0.3); // reading them as 0 does not
    expect(() => nonnegativeCP({ dims, data, mask: new Uint8Array(data.length) }, 2)).toThrow(
      /at least one entry as observed/,
    );
    expect(() => nonnegativeCP({ dims, data: data.map(() => -1), mask }, 2)).toThrow(
      /finite and >= 0/,
    );
    expect(() => nonnegativeCP({ dims, data, mask: mask.subarray(1) }, 2)).toThrow(
      /mask must have 480 entries/,
    );
  }, 60_000);
});

/** A model from plain factor columns (unit-normalised here) and weights. */
function model(factors: number[][][], weights: number[]): CPModel {
  const R = weights.length;
  const flat = factors.map((f) => {
    const out = Float64Array.from(f.flat());
    for (let r = 0; r < R; r++) {
      let s = 0;
      for (let a = r; a < out.length; a += R) s += out[a] ** 2;
      for (let a = r; a < out.length; a += R) out[a] /= Math.sqrt(s);
    }
    return out;
  }) as unknown as [Float64Array, Float64Array, Float64Array];
  return {
    rank: R,
    factors: flat,
    weights: Float64Array.from(weights),
    relativeError: 0,
    iterations: 0,
  };
}

describe("factor match score and restarts", () => {
  it("is 1 for the same model in another component order and hand-computed otherwise", () => {
    const f = [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
      [
        [0, 1],
        [1, 0],
        [1, 1],
      ],
    ];
    const a = model(f, [4, 2]);
    const swapped = model(
      f.map((m) => m.map((row) => [row[1], row[0]])),
      [2, 4],
    );
    const s = factorMatchScore(a, swapped);
    expect(s.score).toBeCloseTo(1, 12);
    expect(Array.from(s.permutation)).toEqual([1, 0]);
    // halve weight 1 and tilt one column: component 0 unchanged (1), component 1 scores
    // (1 - 1/2) x cos of [0,1] vs [1,1] in mode 0 = 0.5 / sqrt(2)
    const b = model(
      [
        [
          [1, 1],
          [0, 1],
        ],
        f[1],
        f[2],
      ],
      [4, 1],
    );
    const hand = (1 + 0.5 / Math.SQRT2) / 2;
    expect(factorMatchScore(a, b).score).toBeCloseTo(hand, 12);
    expect(factorMatchScore(a, b, { weights: false }).score).toBeCloseTo(
      (1 + 1 / Math.SQRT2) / 2,
      12,
    );
    expect(() =>
      factorMatchScore(
        a,
        model(
          [
            [[1], [1]],
            [[1], [1]],
            [[1], [1], [1]],
          ],
          [1],
        ),
      ),
    ).toThrow(/same rank/);
  });

  it("keeps the best of seeded restarts, reports their agreement, and diagnoses the rank", () => {
    const rng = new Rng(11);
    const dims: [number, number, number] = [10, 6, 15];
    const truth = cpTensor(dims, randomFactors(rng, dims, 3));
    const noisy = { dims, data: truth.data.map((v) => Math.max(0, v + 0.01 * rng.normal())) };
    const fit = fitNonnegativeCP(noisy, 3, {
      seed: 5,
      restarts: 4,
      iterations: 3000,
      tolerance: 1e-10,
    });
    expect(fit.errors.length).toBe(4);
    expect(fit.best.relativeError).toBe(Math.min(...fit.errors));
    expect(fit.similarity[fit.bestRestart]).toBe(1);
    expect(fit.meanSimilarity).toBeGreaterThan(0.95); // a planted rank: restarts find the same components
    const again = fitNonnegativeCP(noisy, 3, {
      seed: 5,
      restarts: 4,
      iterations: 3000,
      tolerance: 1e-10,
    });
    expect(again.best.factors[2]).toEqual(fit.best.factors[2]); // bitwise reproducible
    const rows = cpRankDiagnostic(noisy, [1, 2, 3, 4], {
      seed: 5,
      restarts: 3,
      iterations: 2000,
      tolerance: 1e-10,
    });
    const err = rows.map((r) => r.bestError);
    expect(err[0]).toBeGreaterThan(err[1]);
    expect(err[1]).toBeGreaterThan(3 * err[2]); // the elbow at the planted rank
    expect(err[2] - err[3]).toBeLessThan(0.01); // little gained past it
    expect(rows[2].meanSimilarity).toBeGreaterThan(0.95);
    console.log(
      `rank diagnostic (planted rank 3): ${rows.map((r) => `R=${r.rank} error ${r.bestError.toFixed(4)} similarity ${r.meanSimilarity.toFixed(3)}`).join("; ")}`,
    );
    expect(() => fitNonnegativeCP(noisy, 2, { restarts: 0 })).toThrow(/restarts/);
    expect(() => cpRankDiagnostic(noisy, [])).toThrow(/ranks must hold at least one/);
  }, 60_000);
});

/**
 * Calcium-like traces: each group follows its own shared train of transients (fast rise, decay
 * over ~6 samples) during its epoch; every neuron also has small noise and rare transients of its own.
 */
function plantedWorms(
  n: number,
  steps: number,
  epochs: { neurons: number[]; from: number; to: number }[],
  worms: number,
  seed: number,
): Traces[] {
  return Array.from({ length: worms }, (_, w) => {
    const rng = new Rng(seed + w);
    const transients = (rate: number) => {
      const out = new Float64Array(steps);
      let level = 0;
      for (let t = 0; t < steps; t++) {
        level *= Math.exp(-1 / 6);
        if (rng.uniform() < rate) level += 1;
        out[t] = level;
      }
      return out;
    };
    const shared = epochs.map(() => transients(0.08));
    const data = new Float64Array(steps * n);
    for (let i = 0; i < n; i++) {
      const own = transients(0.005);
      for (let t = 0; t < steps; t++) {
        let v = own[t] + 0.01 * rng.normal();
        epochs.forEach((e, k) => {
          if (e.neurons.includes(i) && t >= e.from && t < e.to) v += shared[k][t];
        });
        data[t * n + i] = v;
      }
    }
    return { steps, data };
  });
}

describe("functional connectome with planted communities", () => {
  const n = 16;
  const steps = 400;
  const A = [0, 1, 2, 3, 4];
  const B = [8, 9, 10, 11, 12];

  it("finds the co-active groups, their epochs and the worms from differential affinities", () => {
    const worms = plantedWorms(
      n,
      steps,
      [
        { neurons: A, from: 0, to: 200 },
        { neurons: B, from: 200, to: 400 },
      ],
      3,
      100,
    );
    const x = functionalTensor(worms, { bin: 20 });
    expect(x.dims).toEqual([20, 3, pairCount(n)]);
    const fit = fitNonnegativeCP(x, 2, { seed: 3, restarts: 3 });
    const m = fit.best;
    // each component's strongest community holds one whole group and nothing of the other (a
    // neuron whose own transients happen to overlap the group's may join it: co-decay is affinity)
    const groups = [0, 1].map((r) => componentCommunities(m, r, n).groups[0]);
    const holds = (g: number[], all: number[], none: number[]) =>
      all.every((i) => g.includes(i)) && none.every((i) => !g.includes(i));
    expect(groups.some((g) => holds(g, A, B)) && groups.some((g) => holds(g, B, A))).toBe(true);
    const rA = groups.findIndex((g) => g.includes(0));
    const time = (r: number, t: number) => m.factors[0][t * 2 + r];
    for (let t = 0; t < 10; t++) expect(time(rA, t)).toBeGreaterThan(time(rA, t + 10));
    for (let t = 0; t < 10; t++) expect(time(1 - rA, t + 10)).toBeGreaterThan(time(1 - rA, t));
    // every worm takes part in both components: a worm without a group's co-activation loads
    // 0.00-0.04 on its component (tried on 4 seeds); a worm with it, 0.22-0.94 over 12 seeds,
    // depending on its number of shared transients
    for (let w = 0; w < 3; w++)
      for (let r = 0; r < 2; r++) expect(m.factors[1][w * 2 + r]).toBeGreaterThan(0.15);
    expect(fit.meanSimilarity).toBeGreaterThan(0.9);
  }, 60_000);

  it("the windowed correlation measure finds them too (it is kept as an option)", () => {
    const worms = plantedWorms(
      n,
      steps,
      [
        { neurons: A, from: 0, to: 200 },
        { neurons: B, from: 200, to: 400 },
      ],
      3,
      200,
    );
    const x = functionalTensor(worms, { measure: "windowed-correlation", window: 40 });
    expect(x.dims).toEqual([10, 3, pairCount(n)]);
    const m = nonnegativeCP(x, 2, { seed: 3 });
    const groups = [0, 1].map((r) => componentNeurons(m, r, n).sort((p, q) => p - q));
    expect(groups).toContainEqual(A);
    expect(groups).toContainEqual(B);
  }, 60_000);

  it("splits a component made of two separate communities, which summed loadings merge", () => {
    // A1 and A2 are co-active at the same time but each with its own signal; B later
    const A1 = [0, 1, 2, 3];
    const A2 = [4, 5, 6, 7];
    const worms = plantedWorms(
      n,
      steps,
      [
        { neurons: A1, from: 0, to: 200 },
        { neurons: A2, from: 0, to: 200 },
        { neurons: B, from: 200, to: 400 },
      ],
      3,
      300,
    );
    const x = functionalTensor(worms, { bin: 20 });
    const m = fitNonnegativeCP(x, 2, { seed: 1, restarts: 3 }).best;
    const rA = [0, 1].find((r) => componentNeurons(m, r, n).includes(0))!;
    const merged = componentNeurons(m, rA, n, { fraction: 0.5 });
    for (const i of [...A1, ...A2]) expect(merged).toContain(i); // summed loadings: one merged group
    const c = componentCommunities(m, rA, n, { seed: 4 });
    const [c1, c2] = [c.community[A1[0]], c.community[A2[0]]];
    expect(c1).toBeGreaterThanOrEqual(0);
    expect(c2).toBeGreaterThanOrEqual(0);
    expect(c1).not.toBe(c2); // two communities ...
    for (const i of A1) expect(c.community[i]).toBe(c1); // ... each holding a whole group
    for (const i of A2) expect(c.community[i]).toBe(c2);
    for (const i of B) expect([c1, c2]).not.toContain(c.community[i]);
    expect(c.modularity).toBeGreaterThan(0.15);
    expect(() => componentCommunities(m, 2, n)).toThrow(/r must be/);
    expect(() => componentCommunities(m, rA, n, { minStrength: 2 })).toThrow(
      /minStrength must be in \[0, 1\]/,
    );
  }, 60_000);
});
