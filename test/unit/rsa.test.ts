// rsa: definitions checked on small hand-made data (scipy pdist / squareform style), transforms,
// and bad input. The rsatoolbox cross-check is in rsa.rsatoolbox.test.ts.
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";

/** Brute-force pdist in squareform order. */
function pdist(x: number[][], f: (a: number[], b: number[]) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) out.push(f(x[i], x[j]));
  return out;
}
const sqeuclidean = (a: number[], b: number[]) => a.reduce((s, v, k) => s + (v - b[k]) ** 2, 0);
function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0,
    saa = 0,
    sbb = 0;
  a.forEach((v, k) => {
    sab += (v - ma) * (b[k] - mb);
    saa += (v - ma) ** 2;
    sbb += (b[k] - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}
function closeTo(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(expected[i])),
    );
}
/** Brute-force Kendall tau from its definition (pair counting). */
function kendallBrute(x: number[], y: number[], variant: "a" | "b"): number {
  let con = 0,
    dis = 0,
    tx = 0,
    ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j]);
      if (s > 0) con++;
      else if (s < 0) dis++;
      if (x[i] === x[j]) tx++;
      if (y[i] === y[j]) ty++;
    }
  }
  const tot = (n * (n - 1)) / 2;
  return variant === "a" ? (con - dis) / tot : (con - dis) / Math.sqrt((tot - tx) * (tot - ty));
}

const rng = new Rng(7);
const X = Array.from({ length: 9 }, () => Array.from({ length: 13 }, () => rng.normal()));

describe("RDM set data model", () => {
  it("condensed vectors are in scipy squareform order", () => {
    const m = [
      [0, 1, 2, 3],
      [1, 0, 4, 5],
      [2, 4, 0, 6],
      [3, 5, 6, 0],
    ];
    const r = rsa.rdmsFromMatrices([m]);
    expect(Array.from(rsa.rdmVector(r))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rsa.toMatrix(r)).toEqual(m);
    expect(rsa.pairIndex(4, 2, 1)).toBe(3);
    expect(Array.from(rsa.toSquare(rsa.rdmVector(r), 4))).toEqual(m.flat());
  });
  it("subsets, concatenates and reorders with descriptors", () => {
    const a = rsa.makeRdms(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      {
        rdmDescriptors: { subject: ["s1", "s2"] },
        patternDescriptors: { condition: ["x", "y", "z"] },
      },
    );
    const b = rsa.makeRdms([[7, 8, 9]], { rdmDescriptors: { subject: ["s3"] } });
    const ab = rsa.concatRdms([a, b]);
    expect(ab.nRdm).toBe(3);
    expect(ab.rdmDescriptors.subject).toEqual(["s1", "s2", "s3"]);
    expect(Array.from(rsa.subsetRdmsBy(ab, "subject", ["s3", "s1"]).dissimilarities)).toEqual([
      1, 2, 3, 7, 8, 9,
    ]);
    const p = rsa.subsetPatterns(a, [2, 0]);
    expect(Array.from(p.dissimilarities)).toEqual([2, 5]);
    expect(p.patternDescriptors.condition).toEqual(["z", "x"]);
    const dup = rsa.subsetPatterns(a, [0, 0, 1]);
    expect(Array.from(rsa.rdmVector(dup, 0))).toEqual([NaN, 1, 1]);
    const cols = rsa.rdmsToColumns(a, "condition");
    expect(cols.condition_j.slice(0, 3)).toEqual(["y", "z", "z"]);
    expect(cols.subject).toEqual(["s1", "s1", "s1", "s2", "s2", "s2"]);
    const t = rsa.rdmsToTable(a) as { numRows(): number };
    expect(t.numRows()).toBe(6);
  });
  it("reads datasets from arquero-like tables", () => {
    const cols: Record<string, unknown[]> = {
      condition: ["a", "b", "a"],
      v1: [1, 2, 3],
      v2: [4, 5, null],
    };
    const table = {
      columnNames: () => Object.keys(cols),
      numRows: () => 3,
      array: (n: string) => cols[n],
    };
    const ds = rsa.datasetFromTable(table, {
      channels: ["v1", "v2"],
      obsDescriptors: ["condition"],
    });
    expect(Array.from(ds.measurements)).toEqual([1, 4, 2, 5, 3, NaN]);
    expect(() => rsa.datasetFromTable(table, { channels: ["v3"] })).toThrow(/no column "v3"/);
  });
});

describe("dense kernels", () => {
  it("crossRows (WebAssembly SIMD path for large sizes, odd chunk tails, edge rows) equals naive inner products", () => {
    const na = 41,
      nb = 35,
      c = 701; // 41 * 35 * 701 > 1e6 -> SIMD path; c, na, nb not multiples of 2 or 3
    const a = Float64Array.from({ length: na * c }, () => rng.normal());
    const b = Float64Array.from({ length: nb * c }, () => rng.normal());
    const naive = (x: Float64Array, i: number, y: Float64Array, j: number) => {
      let s = 0;
      for (let k = 0; k < c; k++) s += x[i * c + k] * y[j * c + k];
      return s;
    };
    const ab = rsa.crossRows(a, na, b, nb, c);
    for (let i = 0; i < na; i++)
      for (let j = 0; j < nb; j++)
        expect(Math.abs(ab[i * nb + j] - naive(a, i, b, j))).toBeLessThan(1e-11);
    const aa = rsa.gramRows(a, na, c);
    for (let i = 0; i < na; i++)
      for (let j = 0; j < na; j++)
        expect(Math.abs(aa[i * na + j] - naive(a, i, a, j))).toBeLessThan(1e-11);
    // JavaScript path: a 4 x 20 and a 5 x 20 matrix (the first 80 / 100 numbers of a and b)
    const small = rsa.crossRows(a, 4, b, 5, 20);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < 20; k++) s += a[i * 20 + k] * b[j * 20 + k];
        expect(Math.abs(small[i * 5 + j] - s)).toBeLessThan(1e-12);
      }
  });
});

describe("calcRdm against brute-force definitions", () => {
  const ds = rsa.makeDataset(X);
  it("euclidean = pdist sqeuclidean / channels", () => {
    closeTo(
      rsa.rdmVector(rsa.calcRdm(ds)),
      pdist(X, sqeuclidean).map((d) => d / 13),
      1e-12,
    );
  });
  it("correlation = 1 - Pearson r", () => {
    closeTo(
      rsa.rdmVector(rsa.calcRdm(ds, { method: "correlation" })),
      pdist(X, (a, b) => 1 - pearson(a, b)),
      1e-12,
    );
  });
  it("mahalanobis with an identity precision equals euclidean", () => {
    const eye = Array.from({ length: 13 }, (_, i) =>
      Array.from({ length: 13 }, (_, j) => (i === j ? 1 : 0)),
    );
    closeTo(
      rsa.rdmVector(rsa.calcRdm(ds, { method: "mahalanobis", noise: eye })),
      pdist(X, sqeuclidean).map((d) => d / 13),
      1e-12,
    );
  });
  it("averages observations per condition and sorts conditions", () => {
    const d2 = rsa.makeDataset([X[0], X[1], X[2], X[3]], {
      obsDescriptors: { condition: ["b", "a", "b", "a"] },
    });
    const r = rsa.calcRdm(d2, { descriptor: "condition" });
    expect(r.patternDescriptors.condition).toEqual(["a", "b"]);
    const ma = X[1].map((v, k) => (v + X[3][k]) / 2);
    const mb = X[0].map((v, k) => (v + X[2][k]) / 2);
    closeTo(rsa.rdmVector(r), [sqeuclidean(ma, mb) / 13]);
  });
  it("crossnobis is unbiased: noise-only data average to ~0, and equals mean of cross-run products", () => {
    const obs: number[][] = [];
    const cond: number[] = [];
    const run: number[] = [];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 4; c++) {
        obs.push(X[c].map((v) => v + rng.normal()));
        cond.push(c);
        run.push(r);
      }
    const ds3 = rsa.makeDataset(obs, { obsDescriptors: { cond, run } });
    const v = rsa.rdmVector(
      rsa.calcRdm(ds3, { method: "crossnobis", descriptor: "cond", cvDescriptor: "run" }),
    );
    // definition: mean over ordered run pairs r != s of (x_ri - x_rj)·(x_si - x_sj) / c
    const at = (r: number, c: number) => obs[r * 4 + c];
    const expected: number[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = i + 1; j < 4; j++) {
        let s = 0;
        for (let r = 0; r < 3; r++)
          for (let q = 0; q < 3; q++)
            if (r !== q)
              s += at(r, i).reduce(
                (acc, x, k) => acc + (x - at(r, j)[k]) * (at(q, i)[k] - at(q, j)[k]),
                0,
              );
        expected.push(s / 6 / 13);
      }
    closeTo(v, expected, 1e-12);
  });
});

describe("compareRdm against brute-force definitions", () => {
  const a = [0.3, 1.2, 0.7, 0.7, 2.0, 0.1, 0.9, 1.2, 0.5, 1.1];
  const b = [1, 3, 2, 2, 3, 0, 1, 3, 1, 2];
  const ra = rsa.makeRdms([a]);
  const rb = rsa.makeRdms([b]);
  const cmp = (method: rsa.CompareMethod) => rsa.compareRdm(ra, rb, { method })[0][0];
  it("cosine, Pearson", () => {
    const dot = a.reduce((s, v, k) => s + v * b[k], 0);
    expect(cmp("cosine")).toBeCloseTo(dot / Math.hypot(...a) / Math.hypot(...b), 14);
    expect(cmp("corr")).toBeCloseTo(pearson(a, b), 14);
  });
  it("Spearman = Pearson of average ranks; rho-a = 12 Σ r̃a r̃b / (n³ - n)", () => {
    const ranks = (v: number[]) => Array.from(rsa.rankdata(v));
    expect(cmp("spearman")).toBeCloseTo(pearson(ranks(a), ranks(b)), 14);
    const n = a.length;
    const c = (v: number[]) => v.map((x) => x - (n + 1) / 2);
    expect(cmp("rhoA")).toBeCloseTo(
      (12 * c(ranks(a)).reduce((s, v, k) => s + v * c(ranks(b))[k], 0)) / (n ** 3 - n),
      14,
    );
  });
  it("Kendall tau-a and tau-b with ties equal the pair-counting definitions", () => {
    expect(cmp("tauA")).toBeCloseTo(kendallBrute(a, b, "a"), 14);
    expect(cmp("tauB")).toBeCloseTo(kendallBrute(a, b, "b"), 14);
    const long = Array.from({ length: 500 }, () => rng.int(20));
    const long2 = long.map((v) => v + rng.int(5));
    expect(rsa.kendallTau(long, long2, "b")).toBeCloseTo(kendallBrute(long, long2, "b"), 12);
    expect(rsa.kendallTau(long, long2, "a")).toBeCloseTo(kendallBrute(long, long2, "a"), 12);
  });
  it("cosineCov equals the cosine of double-centred second moments", () => {
    const n = 5;
    const g = (v: number[]) => rsa.centeredKernel(v, n);
    const ga = g(a);
    const gb = g(b);
    const dot = (x: Float64Array, y: Float64Array) => x.reduce((s, v, k) => s + v * y[k], 0);
    expect(cmp("cosineCov")).toBeCloseTo(dot(ga, gb) / Math.sqrt(dot(ga, ga) * dot(gb, gb)), 13);
  });
  it("Bures: similarity of an RDM with itself is 1 and the metric 0", () => {
    const e = rsa.makeRdms([rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(X)))]);
    expect(rsa.compareRdm(e, e, { method: "bures" })[0][0]).toBeCloseTo(1, 12);
    expect(Math.abs(rsa.compareRdm(e, e, { method: "buresMetric" })[0][0])).toBeLessThan(1e-12);
  });
  it("constant RDMs: documented values, no crash", () => {
    const flat = rsa.makeRdms([new Array(10).fill(1)]);
    expect(rsa.compareRdm(flat, rb, { method: "corr" })[0][0]).toBe(0);
    expect(rsa.compareRdm(flat, rb, { method: "spearman" })[0][0]).toBe(0);
    expect(rsa.compareRdm(flat, rb, { method: "tauB" })[0][0]).toBeNaN();
    expect(rsa.compareRdm(flat, rb, { method: "tauA" })[0][0]).toBe(0);
  });
});

describe("tRSA transforms", () => {
  const v = [0.1, 0.5, 0.2, 0.9, 0.4, 0.3];
  const r = rsa.makeRdms([v]);
  it("rank transform (average ties, NaN omitted)", () => {
    expect(Array.from(rsa.rankdata([3, NaN, 1, 1]))).toEqual([3, NaN, 1.5, 1.5]);
    expect(Array.from(rsa.rankdata([3, 1, 1, 2], "dense"))).toEqual([3, 1, 1, 2]);
    expect(Array.from(rsa.rdmVector(rsa.rankTransform(r)))).toEqual([1, 5, 2, 6, 4, 3]);
  });
  it("geo-topological transform on the rank-normalised RDM", () => {
    // ranks 1..6 -> normalised (r - 1) / 5; quantiles l = 0.2 -> 0.2, u = 0.8 -> 0.8
    const gt = rsa.rdmVector(rsa.geotopologicalTransform(r, { lower: 0.2, upper: 0.8 }));
    const norm = [0, 0.8, 0.2, 1, 0.6, 0.4];
    closeTo(
      gt,
      norm.map((x) => (x < 0.2 ? 0 : x > 0.8 ? 1 : (x - 0.2) / 0.6)),
      1e-14,
    );
    closeTo(rsa.rdmVector(rsa.rgtmTransform(r, "geometrySensitive")), norm, 1e-14);
  });
  it("l = u is a step function, not a division by zero", () => {
    const step = rsa.rdmVector(rsa.geotopologicalTransform(r, { lower: 0.5, upper: 0.5 }));
    expect(Array.from(step)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(Array.from(rsa.rdmVector(rsa.rgtmTransform(r, "topologySensitive")))).toEqual([
      0, 1, 0, 1, 1, 0,
    ]);
  });
  it("geodesic kNearest (convention 'neurolab': symmetric, zero-weight edges kept) on points along a line recovers the line order", () => {
    const pts = [0, 1, 2, 3, 4].map((x) => [x, 0.1 * x * x]);
    const d = rsa.calcRdm(rsa.makeDataset(pts));
    const geo = rsa.geodesicTransform(d, { rule: "kNearest", k: 1, convention: "neurolab" });
    // 1-NN graph of a line is the path 0-1-2-3-4: geodesic rank grows with index distance
    const m = rsa.toMatrix(geo);
    expect(m[0][4]).toBe(1);
    expect(m[0][1]).toBeLessThan(m[0][2]);
    expect(m[0][2]).toBeLessThan(m[0][3]);
    const twoStep = rsa.toMatrix(
      rsa.geodesicTransform(d, { rule: "twoStep", lower: 0, upper: 0.5, convention: "neurolab" }),
    );
    expect(twoStep[0][4]).toBe(1);
    const none = rsa.rdmVector(
      rsa.geodesicTransform(d, { rule: "pShortest", p: 0, rerank: false, convention: "neurolab" }),
    );
    expect(Array.from(none).every((x) => x === Infinity)).toBe(true);
    // The authors' rule: weights are rank-normalised ((rank - 1) / 9 here), the closest pair (0, 1)
    // has weight 0 and is no edge, and (i, j), i < j, is kept only when j is i's nearest: edges
    // {0-2, 1-2}, so 0 -> 1 detours over 2 (4/9 + 1/9) and 3, 4 are cut off.
    const authors = rsa.toMatrix(
      rsa.geodesicTransform(d, { rule: "kNearest", k: 1, rerank: false }),
    );
    expect(authors[0][1]).toBeCloseTo(5 / 9, 14);
    expect(authors[0][4]).toBe(Infinity);
    expect(authors[2][3]).toBe(Infinity);
  });
});

describe("bad input gives clear errors", () => {
  it("mismatched shapes", () => {
    expect(() => rsa.makeDataset([[1, 2], [3]])).toThrow(RangeError);
    expect(() => rsa.makeRdms([[1, 2, 3, 4]])).toThrow(/n\(n-1\)\/2/);
    expect(() =>
      rsa.compareRdm(rsa.makeRdms([[1, 2, 3]]), rsa.makeRdms([[1, 2, 3, 4, 5, 6]])),
    ).toThrow(/same number of conditions/);
    expect(() => rsa.calcRdm(rsa.makeDataset(X), { method: "mahalanobis", noise: [[1]] })).toThrow(
      /13 x 13/,
    );
    expect(() =>
      rsa.rdmsFromMatrices([
        [
          [0, 1],
          [2, 0],
        ],
      ]),
    ).toThrow(/symmetric/);
  });
  it("too few conditions or runs for cross-validation", () => {
    const one = rsa.makeDataset([X[0]]);
    expect(() => rsa.calcRdm(one)).toThrow(/at least 2 conditions/);
    const ds = rsa.makeDataset(X.slice(0, 4), {
      obsDescriptors: { c: [0, 1, 0, 1], run: [0, 0, 0, 0] },
    });
    expect(() =>
      rsa.calcRdm(ds, { method: "crossnobis", descriptor: "c", cvDescriptor: "run" }),
    ).toThrow(/at least 2 cross-validation folds/);
    expect(() => rsa.calcRdm(ds, { method: "crossnobis" })).toThrow(/descriptor is required/);
    expect(() => rsa.calcRdm(ds, { method: "crossnobis", descriptor: "nope" })).toThrow(
      /observation descriptor/,
    );
    const unb = rsa.makeDataset(X.slice(0, 3), {
      obsDescriptors: { c: [0, 1, 0], run: [0, 0, 1] },
    });
    expect(() =>
      rsa.calcRdm(unb, {
        method: "crossnobis",
        descriptor: "c",
        cvDescriptor: "run",
        crossValidation: "leaveOneOut",
      }),
    ).toThrow(/every condition in every fold/);
    // auto -> allPairs: condition 1 occurs in one run only, so its distances are NaN (no cross-run pair)
    expect(
      Array.from(
        rsa.rdmVector(
          rsa.calcRdm(unb, { method: "crossnobis", descriptor: "c", cvDescriptor: "run" }),
        ),
      ),
    ).toEqual([NaN]);
  });
  it("NaN patterns propagate to their condition only; constant patterns give NaN correlation distance", () => {
    const y = X.slice(0, 4).map((r) => [...r]);
    y[2][5] = NaN;
    const v = rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(y)));
    // pairs (0,2), (1,2), (2,3) are NaN; the others are finite
    expect(Array.from(v).map(Number.isNaN)).toEqual([false, true, false, true, false, true]);
    const z = X.slice(0, 3).map((r) => [...r]);
    z[1] = new Array(13).fill(2);
    const c = rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(z), { method: "correlation" }));
    expect(Array.from(c).map(Number.isNaN)).toEqual([true, false, true]);
    expect(() => rsa.makeDataset([[Infinity]])).toThrow(/finite or NaN/);
  });
  it("constant RDMs: min-max and rank-scale transforms give documented NaNs; comparisons need 2 pairs", () => {
    const flat = rsa.makeRdms([[2, 2, 2]]);
    expect(Array.from(rsa.rdmVector(rsa.minmaxTransform(flat)))).toEqual([NaN, NaN, NaN]);
    expect(
      Array.from(rsa.rdmVector(rsa.geotopologicalTransform(flat, { lower: 0.2, upper: 0.8 }))),
    ).toEqual([NaN, NaN, NaN]);
    expect(
      Array.from(
        rsa.rdmVector(rsa.geotopologicalTransform(flat, { lower: 0.2, upper: 0.8, scale: "raw" })),
      ),
    ).toEqual([0, 0, 0]);
    const two = rsa.makeRdms([[1]]);
    expect(() => rsa.compareRdm(two, two)).toThrow(/at least 2 non-NaN pairs/);
  });
  it("NaNs at different pairs cannot be compared; bad thresholds are rejected", () => {
    expect(() => rsa.compareRdm(rsa.makeRdms([[NaN, 1, 2]]), rsa.makeRdms([[1, NaN, 2]]))).toThrow(
      /same pairs/,
    );
    const r = rsa.makeRdms([[1, 2, 3]]);
    expect(() => rsa.geotopologicalTransform(r, { lower: 0.6, upper: 0.5 })).toThrow(/upper/);
    expect(() => rsa.compareRdm(r, r, { method: "nope" as rsa.CompareMethod })).toThrow(
      /method must be/,
    );
    expect(() => rsa.geodesicTransform(r, { rule: "kNearest", k: 5 })).toThrow(/k must be/);
  });
});
