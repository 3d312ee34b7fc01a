import { describe, expect, it } from "vitest";
import {
  betweenness,
  csrFromMap,
  degreeStats,
  distanceMatrix,
  distribution,
  hasEdge,
  hopDistances,
  louvain,
  modularity,
  motifCensus,
  reciprocity,
  richClub,
  richClubNormalized,
  shortestPath,
  shortestPathTree,
  swapDirected,
  swapDirectedKeepMutual,
  swapUndirected,
  triadCensus,
  TRIAD_TYPES,
  undirected,
  type WeightedCsr,
} from "../../src/connectome/index.js";
import { Rng } from "../../src/random/rng.js";

/** A weighted directed graph from (pre, post, weight) triples. */
function graph(n: number, edges: [number, number, number][]): WeightedCsr {
  return csrFromMap(n, new Map(edges.map(([i, j, w]) => [i * n + j, w])));
}

// Test graph; the expected values below were computed with networkx 3.6.1 on the same graph
// (betweenness_centrality with weight = 1 / w for the weighted case, triadic_census,
// rich_club_coefficient(normalized=False), overall_reciprocity, shortest_path).
const EDGES: [number, number, number][] = [
  [0, 1, 3],
  [1, 0, 1],
  [1, 2, 2],
  [2, 3, 5],
  [3, 1, 1],
  [0, 3, 2],
  [3, 4, 4],
  [4, 5, 1],
  [5, 3, 2],
  [2, 5, 1],
  [5, 6, 3],
  [6, 7, 2],
  [7, 6, 2],
  [4, 7, 1],
  [1, 4, 2],
];
const G = graph(8, EDGES);

describe("degrees and distributions", () => {
  it("counts in/out degree and strength", () => {
    const d = degreeStats(G);
    expect(Array.from(d.outDegree)).toEqual([2, 3, 2, 2, 2, 2, 1, 1]);
    expect(Array.from(d.inDegree)).toEqual([1, 2, 1, 3, 2, 2, 2, 2]);
    expect(Array.from(d.outStrength)).toEqual([5, 5, 6, 5, 2, 5, 2, 2]);
    expect(Array.from(d.inStrength)).toEqual([1, 4, 2, 9, 6, 2, 5, 3]);
    const dist = distribution(d.inDegree);
    expect(Array.from(dist.values)).toEqual([1, 2, 3]);
    expect(Array.from(dist.counts)).toEqual([2, 5, 1]);
  });

  it("reciprocity: 4 of 15 edges reciprocated, self loops ignored", () => {
    expect(reciprocity(G)).toBeCloseTo(4 / 15, 15);
    expect(
      reciprocity(
        graph(2, [
          [0, 0, 1],
          [0, 1, 1],
          [1, 0, 1],
        ]),
      ),
    ).toBe(1);
    expect(reciprocity(graph(3, [[0, 1, 1]]))).toBe(0);
  });
});

describe("shortest paths", () => {
  it("hop distances along edge direction", () => {
    expect(Array.from(hopDistances(G, 0))).toEqual([0, 1, 2, 1, 2, 3, 4, 3]);
    expect(Array.from(hopDistances(G, 7))).toEqual([-1, -1, -1, -1, -1, -1, 1, 0]);
  });

  it("weighted path with length 1 / synapses: 0 -> 3 -> 4 -> 7, length 1.75", () => {
    expect(shortestPath(G, 0, 7)).toEqual([0, 3, 4, 7]);
    expect(shortestPathTree(G, 0).distance[7]).toBeCloseTo(1 / 2 + 1 / 4 + 1, 14);
    expect(shortestPath(G, 0, 7, { weighted: false })).toHaveLength(4);
    expect(shortestPath(G, 7, 0)).toEqual([]);
    const d = distanceMatrix(G, { weighted: false });
    expect(d[0 * 8 + 6]).toBe(4);
    expect(d[7 * 8 + 0]).toBe(Infinity);
    expect(distanceMatrix(G, { length: "weight" })[0 * 8 + 3]).toBe(2);
  });
});

describe("betweenness", () => {
  it("matches networkx on hop paths (with ties)", () => {
    const expected = [
      0.011904761905, 0.244444444444, 0.044444444444, 0.29126984127, 0.193650793651, 0.184920634921,
      0.035714285714, 0.04126984127,
    ];
    Array.from(betweenness(G, { weighted: false })).forEach((v, i) =>
      expect(v).toBeCloseTo(expected[i], 10),
    );
  });

  it("matches networkx on weighted paths", () => {
    const expected = [
      0.0, 0.190476190476, 0.047619047619, 0.357142857143, 0.214285714286, 0.214285714286,
      0.02380952381, 0.0,
    ];
    Array.from(betweenness(G)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 10));
  });

  it("path graph: the middle node lies on both directed paths between the ends", () => {
    const path = graph(3, [
      [0, 1, 1],
      [1, 0, 1],
      [1, 2, 1],
      [2, 1, 1],
    ]);
    expect(Array.from(betweenness(path, { normalized: false, weighted: false }))).toEqual([
      0, 2, 0,
    ]);
  });
});

describe("rich club", () => {
  it("matches networkx's unnormalised coefficient", () => {
    const expected = [0.464285714286, 0.464285714286, 0.8, 0.833333333333];
    const rc = richClub(G);
    expect(rc).toHaveLength(4);
    Array.from(rc).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 10));
  });

  it("normalised by degree-preserving randomisations (degrees kept exactly)", () => {
    const rng = new Rng(3);
    const u = undirected(G);
    const r = swapUndirected(u, 10, rng);
    const deg = (m: WeightedCsr) =>
      Array.from({ length: m.nPre }, (_, i) => m.rowPtr[i + 1] - m.rowPtr[i]);
    expect(deg(r)).toEqual(deg(u));
    const { phi, phiRandom, rho } = richClubNormalized(G, { seed: 1, samples: 10 });
    expect(Array.from(phi)).toEqual(Array.from(richClub(G)));
    expect(rho[0]).toBeCloseTo(1, 12); // phi(0) is the density: fixed by the degree sequence
    expect(rho[2]).toBeCloseTo(phi[2] / phiRandom[2], 12);
    expect(richClubNormalized(G, { seed: 1, samples: 10 }).rho).toEqual(rho);
  });
});

describe("triad census and motifs", () => {
  it("matches networkx's triadic census", () => {
    expect(Array.from(triadCensus(G))).toEqual([7, 18, 7, 3, 3, 9, 2, 2, 2, 2, 0, 0, 0, 1, 0, 0]);
    expect(TRIAD_TYPES[8]).toBe("030T");
  });

  it("classifies single triads", () => {
    const one = (edges: [number, number][]) =>
      TRIAD_TYPES[
        Array.from(
          triadCensus(
            graph(
              3,
              edges.map(([a, b]) => [a, b, 1]),
            ),
          ),
        ).findIndex((c) => c === 1)
      ];
    expect(one([])).toBe("003");
    expect(
      one([
        [0, 1],
        [1, 2],
        [0, 2],
      ]),
    ).toBe("030T");
    expect(
      one([
        [0, 1],
        [1, 2],
        [2, 0],
      ]),
    ).toBe("030C");
    expect(
      one([
        [0, 1],
        [1, 0],
        [1, 2],
        [2, 1],
        [0, 2],
        [2, 0],
      ]),
    ).toBe("300");
    expect(
      one([
        [0, 1],
        [0, 2],
      ]),
    ).toBe("021D");
    expect(
      one([
        [1, 0],
        [2, 0],
      ]),
    ).toBe("021U");
  });

  it("null model keeps in/out degrees; planted feed-forward loops are over-represented", () => {
    // 20 nodes, feed-forward loops i -> i+1, i -> i+2, i+1 -> i+2 on a chain plus random edges
    const rng = new Rng(11);
    const edges: [number, number, number][] = [];
    const n = 30;
    for (let i = 0; i + 2 < n; i += 1) edges.push([i, i + 1, 1], [i, i + 2, 1]);
    for (let k = 0; k < 40; k++) {
      const a = rng.int(n);
      const b = rng.int(n);
      if (a !== b) edges.push([a, b, 1]);
    }
    const g = graph(n, edges);
    const r = swapDirected(g, 10, new Rng(2));
    const d0 = degreeStats(g);
    const d1 = degreeStats(r);
    expect(Array.from(d1.inDegree)).toEqual(Array.from(d0.inDegree));
    expect(Array.from(d1.outDegree)).toEqual(Array.from(d0.outDegree));
    // the stricter null also keeps each node's mutual dyads
    const mutualPerNode = (h: WeightedCsr) =>
      Array.from({ length: n }, (_, i) => {
        let c = 0;
        for (let k = h.rowPtr[i]; k < h.rowPtr[i + 1]; k++)
          if (h.colIdx[k] !== i && hasEdge(h, h.colIdx[k], i)) c++;
        return c;
      });
    const withMutual = graph(n, [...edges, [3, 0, 1], [7, 5, 1], [12, 10, 1], [20, 19, 1]]);
    const rm = swapDirectedKeepMutual(withMutual, 10, new Rng(4));
    expect(mutualPerNode(rm)).toEqual(mutualPerNode(withMutual));
    expect(mutualPerNode(withMutual).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
    expect(Array.from(degreeStats(rm).inDegree)).toEqual(
      Array.from(degreeStats(withMutual).inDegree),
    );
    expect(Array.from(degreeStats(rm).outDegree)).toEqual(
      Array.from(degreeStats(withMutual).outDegree),
    );
    expect(Array.from(rm.colIdx)).not.toEqual(Array.from(withMutual.colIdx));

    const m = motifCensus(g, { seed: 5, samples: 30 });
    expect(m.counts.reduce((s, x) => s + x, 0)).toBe((n * (n - 1) * (n - 2)) / 6);
    expect(m.z[TRIAD_TYPES.indexOf("030T")]).toBeGreaterThan(3);
    expect(motifCensus(g, { seed: 5, samples: 30 }).z).toEqual(m.z);
  });
});

describe("louvain", () => {
  it("splits two 4-cliques joined by one edge; modularity as networkx (0.4230769...)", () => {
    const edges: [number, number, number][] = [];
    for (const base of [0, 4])
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) edges.push([base + i, base + j, 1]);
    edges.push([3, 4, 1]);
    const g = graph(8, edges);
    const c = louvain(g, { seed: 1 });
    expect(c.count).toBe(2);
    expect(Array.from(c.community)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(c.modularity).toBeCloseTo(0.42307692307692313, 12);
    expect(modularity(g, [0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(0, 12);
  });

  it("recovers a planted partition for several seeds", () => {
    const rng = new Rng(7);
    const n = 60;
    const group = (i: number) => Math.floor(i / 15);
    const edges: [number, number, number][] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i !== j && rng.uniform() < (group(i) === group(j) ? 0.5 : 0.02))
          edges.push([i, j, 1 + rng.int(3)]);
      }
    }
    const g = graph(n, edges);
    for (const seed of [0, 1, 2]) {
      const c = louvain(g, { seed });
      expect(c.count).toBe(4);
      for (let i = 0; i < n; i++) expect(c.community[i]).toBe(c.community[group(i) * 15]);
      expect(c.modularity).toBeCloseTo(modularity(g, c.community), 12);
    }
  });
});
