/**
 * The functional-connectome pipeline against independent numpy / scipy / networkx computations
 * of the reference definitions (test/reference/functional_connectome.py): the differential
 * affinity tensor (numpy.gradient), the windowed-correlation tensor (numpy.corrcoef), the masked
 * CP error (numpy.einsum), the factor match score (scipy's linear_sum_assignment) and the
 * modularity / Louvain communities of a component's affinity graph (networkx).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import {
  componentCommunities,
  cpValue,
  factorMatchScore,
  fitNonnegativeCP,
  functionalTensor,
  nonnegativeCP,
  type CPModel,
  type FunctionalTensor,
  type Traces,
} from "../../src/connectome/index.js";
import { Rng } from "../../src/random/rng.js";

const SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "reference",
  "functional_connectome.py",
);

/** Random-walk traces with an unrecorded neuron, a gap of missing samples and a constant neuron. */
function worms(): Traces[] {
  const n = 6;
  return [37, 52, 29].map((steps, w) => {
    const rng = new Rng(40 + w);
    const data = new Float64Array(steps * n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let t = 0; t < steps; t++) {
        v += rng.normal();
        data[t * n + i] = v;
      }
    }
    if (w === 1) for (let t = 0; t < steps; t++) data[t * n + 4] = NaN; // not recorded in worm 1
    if (w === 0) for (let t = 10; t < 13; t++) data[t * n + 2] = NaN; // a gap
    if (w === 2) for (let t = 0; t < steps; t++) data[t * n + 5] = 3; // never changes
    return { steps, data };
  });
}

const asJson = (ws: Traces[]) =>
  ws.map((w) => ({
    steps: w.steps,
    data: Array.from(w.data, (v) => (Number.isNaN(v) ? null : v)),
  }));
const modelJson = (m: CPModel) => ({
  rank: m.rank,
  factors: m.factors.map((f) => Array.from(f)),
  weights: Array.from(m.weights),
});

interface Ref {
  numpy: string;
  differential: { dims: number[]; data: number[]; mask: number[] };
  correlation: { dims: number[]; data: number[]; mask: number[] };
  cp: { relativeError: number; model: number[] };
  kkt: number[];
  fms: { score: number; permutation: number[] };
  graph: { modularity: number; louvain: number[][]; louvainModularity: number; networkx: string };
}

function runReference(input: object): Ref {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-functional-"));
  const file = path.join(dir, "input.json");
  fs.writeFileSync(file, JSON.stringify(input));
  try {
    return JSON.parse(
      execFileSync(peersPython(), [SCRIPT, file], { encoding: "utf8", timeout: 120_000 }),
    ) as Ref;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function expectTensor(
  ours: FunctionalTensor,
  ref: { dims: number[]; data: number[]; mask: number[] },
) {
  expect(Array.from(ours.dims)).toEqual(ref.dims);
  expect(Array.from(ours.mask)).toEqual(ref.mask);
  let maxDiff = 0;
  ours.data.forEach((v, e) => (maxDiff = Math.max(maxDiff, Math.abs(v - ref.data[e]))));
  expect(maxDiff).toBeLessThan(1e-12);
}

describe("functional connectome vs numpy / scipy / networkx", () => {
  const ws = worms();
  const neurons = [0, 1, 2, 4, 5];
  const differential = functionalTensor(ws, { bin: 4, neurons });
  const differentialStd = functionalTensor(ws, { bin: 3, scaling: "std" });
  const correlation = functionalTensor(ws, { measure: "windowed-correlation", window: 8, step: 5 });
  const fit = fitNonnegativeCP(differential, 3, { seed: 9, restarts: 2, iterations: 200 });
  // a noisy rank-2 tensor with 25% of its entries missing, fitted with the mask and (wrongly) with zeros
  const masked = noisyMaskedTensor();
  const maskedFit = nonnegativeCP(masked, 2, { seed: 1, iterations: 5000, tolerance: 0 });
  const zeroFit = nonnegativeCP({ dims: masked.dims, data: masked.data }, 2, {
    seed: 1,
    iterations: 5000,
    tolerance: 0,
  });
  // a graph with three planted blocks for the community comparison
  const rankOne = planted();
  let ref: Ref;
  let refStd: Ref;

  beforeAll(() => {
    ref = runReference({
      differential: { worms: asJson(ws), bin: 4, scaling: "max", neurons },
      correlation: { worms: asJson(ws), window: 8, step: 5 },
      cp: {
        dims: differential.dims,
        data: Array.from(differential.data),
        mask: Array.from(differential.mask),
        ...modelJson(fit.best),
      },
      kkt: [maskedFit, zeroFit].map((m) => ({
        dims: masked.dims,
        data: Array.from(masked.data),
        mask: Array.from(masked.mask),
        ...modelJson(m),
      })),
      fms: {
        a: modelJson(fit.best),
        b: modelJson(
          nonnegativeCP(differential, 3, { seed: fit.seeds[1 - fit.bestRestart], iterations: 200 }),
        ),
      },
      graph: {
        n: rankOne.n,
        affinity: Array.from(rankOne.communities.affinity),
        partition: Array.from(rankOne.communities.community),
        seed: 1,
      },
    });
    refStd = runReference({ differential: { worms: asJson(ws), bin: 3, scaling: "std" } });
  }, 120_000);

  it("differential affinity tensor (per-sample numpy.gradient products, binned, masked)", () => {
    expectTensor(differential, ref.differential);
    expectTensor(differentialStd, refStd.differential);
    // worms of 37, 52 and 29 samples: the time axis spans the longest, nothing is cut
    expect(differential.dims[0]).toBe(Math.ceil(52 / 4));
  });

  it("windowed-correlation tensor (numpy.corrcoef per window, clipped at 0, masked)", () => {
    expectTensor(correlation, ref.correlation);
  });

  it("masked CP error and model values", () => {
    expect(fit.best.relativeError).toBeCloseTo(ref.cp.relativeError, 12);
    const [I, J, K] = differential.dims;
    let maxDiff = 0;
    for (let a = 0; a < I; a++)
      for (let b = 0; b < J; b++)
        for (let c = 0; c < K; c++)
          maxDiff = Math.max(
            maxDiff,
            Math.abs(cpValue(fit.best, a, b, c) - ref.cp.model[(a * J + b) * K + c]),
          );
    expect(maxDiff).toBeLessThan(1e-12);
  });

  it("the masked fit is a stationary point of the masked non-negative least-squares problem", () => {
    // projected gradient (numpy) relative to ||M X||: ~0 for the masked fit; the fit that reads
    // missing entries as 0 is not a solution of the masked problem
    expect(ref.kkt[0]).toBeLessThan(1e-3);
    expect(ref.kkt[1]).toBeGreaterThan(100 * ref.kkt[0]);
    console.log(
      `masked CP stationarity (projected gradient / ||MX||): masked fit ${ref.kkt[0].toExponential(2)}, zero-filled fit ${ref.kkt[1].toExponential(2)}`,
    );
  });

  it("factor match score (scipy linear_sum_assignment)", () => {
    const other = nonnegativeCP(differential, 3, {
      seed: fit.seeds[1 - fit.bestRestart],
      iterations: 200,
    });
    const ours = factorMatchScore(fit.best, other);
    expect(ours.score).toBeCloseTo(ref.fms.score, 12);
    expect(Array.from(ours.permutation)).toEqual(ref.fms.permutation);
    expect(fit.similarity[1 - fit.bestRestart]).toBeCloseTo(ref.fms.score, 12);
  });

  it("communities of a component's affinity graph (networkx modularity and Louvain)", () => {
    const c = rankOne.communities;
    expect(c.modularity).toBeCloseTo(ref.graph.modularity, 12);
    const ours = c.groups.map((g) => g.slice()).sort((p, q) => p[0] - q[0]);
    expect(ours).toEqual(ref.graph.louvain);
    expect(ours).toEqual(rankOne.blocks);
    expect(c.modularity).toBeCloseTo(ref.graph.louvainModularity, 12);
    expect(c.community[13]).toBe(-1);
    // with the default minStrength 0.2 the weakly linked neuron 12 takes no part either
    expect(rankOne.pruned.community[12]).toBe(-1);
    expect(rankOne.pruned.groups.map((g) => g.slice()).sort((p, q) => p[0] - q[0])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8],
      [9, 10, 11],
    ]);
    console.log(
      `functional reference: numpy ${ref.numpy}, networkx ${ref.graph.networkx}; modularity ${c.modularity.toFixed(6)}`,
    );
  });
});

function noisyMaskedTensor() {
  const rng = new Rng(21);
  const dims: [number, number, number] = [7, 4, 9];
  const f = dims.map((d) => Array.from({ length: d * 2 }, () => rng.uniform()));
  const data = new Float64Array(dims[0] * dims[1] * dims[2]);
  const mask = new Uint8Array(data.length);
  for (let a = 0; a < dims[0]; a++)
    for (let b = 0; b < dims[1]; b++)
      for (let c = 0; c < dims[2]; c++) {
        const e = (a * dims[1] + b) * dims[2] + c;
        let v = 0;
        for (let r = 0; r < 2; r++) v += f[0][a * 2 + r] * f[1][b * 2 + r] * f[2][c * 2 + r];
        mask[e] = rng.uniform() < 0.25 ? 0 : 1;
        data[e] = mask[e] ? Math.max(0, v + 0.05 * rng.normal()) : 0;
      }
  return { dims, data, mask };
}

/** A rank-1 model whose pair factor holds three noisy blocks (neurons 0-3, 4-8, 9-11) and a loose neuron 12. */
function planted() {
  const n = 14;
  const blocks = [
    [0, 1, 2, 3],
    [4, 5, 6, 7, 8],
    [9, 10, 11],
  ];
  const rng = new Rng(3);
  const pairs = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, p++) {
      const same = blocks.some((b) => b.includes(i) && b.includes(j));
      pairs[p] = i === 13 || j === 13 ? 0 : same ? 0.8 + 0.4 * rng.uniform() : 0.05 * rng.uniform();
    }
  }
  const m: CPModel = {
    rank: 1,
    factors: [new Float64Array([1]), new Float64Array([1]), pairs],
    weights: new Float64Array([1]),
    relativeError: 0,
    iterations: 0,
  };
  const communities = componentCommunities(m, 0, n, { seed: 2, minStrength: 0 });
  // neuron 12 only has weak links: Louvain puts it with one block; neuron 13 has none: left out (-1)
  const withLoose = blocks.map((b) =>
    communities.community[12] === communities.community[b[0]] ? [...b, 12] : b,
  );
  return { n, communities, blocks: withLoose, pruned: componentCommunities(m, 0, n, { seed: 2 }) };
}
