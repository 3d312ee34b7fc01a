// The tRSA paper's central analysis (layer identification by leave-one-instance-out nearest-centroid
// classification of RDMs) and the RGTM regions, on synthetic networks whose answer is known.
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";

const N_STIM = 16;
const rng = new Rng(31);
const stimuli = Array.from({ length: N_STIM }, () => Array.from({ length: 8 }, () => rng.normal()));

/** Layer activations of a random ReLU network (one instance = one weight seed), He-scaled. */
function network(seed: number, widths: number[]): number[][][] {
  const r = new Rng(seed);
  const layers: number[][][] = [];
  let x = stimuli;
  for (const w of widths) {
    const fanIn = x[0].length;
    const weights = Array.from({ length: fanIn }, () =>
      Array.from({ length: w }, () => r.normal() * Math.sqrt(2 / fanIn)),
    );
    x = x.map((row) =>
      weights[0].map((_, j) =>
        Math.max(
          0,
          row.reduce((s, v, k) => s + v * weights[k][j], 0),
        ),
      ),
    );
    layers.push(x);
  }
  return layers;
}

/** RDM set of `instances` networks: one RDM per (instance, layer), descriptors layer and instance. */
function networkRdms(instances: number, widths: number[]): rsa.Rdms {
  const vectors: Float64Array[] = [];
  const layer: number[] = [];
  const instance: number[] = [];
  for (let i = 0; i < instances; i++) {
    network(1000 + i, widths).forEach((acts, l) => {
      vectors.push(rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(acts), { method: "correlation" })));
      layer.push(l + 1);
      instance.push(i);
    });
  }
  return rsa.makeRdms(vectors, { rdmDescriptors: { layer, instance } });
}

describe("identifyLayers on synthetic networks", () => {
  const rdms = networkRdms(6, [300, 300, 300]);
  it("distinct layers of random ReLU networks are identified perfectly without noise, and noise degrades it to chance", () => {
    const r = rsa.identifyLayers(rdms, {
      transforms: { rdm: "rdm", topologySensitive: "topologySensitive" },
      noiseLevels: [0, 30],
      nBootstrap: 20,
      draws: 3,
      seed: 1,
    });
    expect(r.labels).toEqual([1, 2, 3]);
    expect(r.chance).toBeCloseTo(1 / 3, 15);
    expect(r.accuracy[0][0]).toBe(1);
    expect(r.confusion[0][0]).toEqual([
      [6, 0, 0],
      [0, 6, 0],
      [0, 0, 6],
    ]);
    // noise of 30 x sd(RDMs) swamps the layer structure: accuracy near chance (1/3) for RSA and tRSA
    for (const t of [0, 1]) expect(r.accuracy[t][1]).toBeLessThan(0.6);
    expect(r.thresholds[1]).toHaveLength(3);
    r.thresholds[1].forEach((t) =>
      expect(rsa.rgtmRegionOf(t.lower, t.upper)).toBe("topologySensitive"),
    );
    // bootstrap accuracies are proper accuracies; the near-perfect separation survives resampling
    const boot = Array.from(r.bootstrap[0][0]);
    expect(boot.reduce((s, a) => s + a, 0) / boot.length).toBeGreaterThan(0.9);
    const m = boot.reduce((s, a) => s + a, 0) / boot.length;
    expect(r.sd[0][0]).toBeCloseTo(
      Math.sqrt(boot.reduce((s, a) => s + (a - m) ** 2, 0) / boot.length),
      15,
    );
    r.bootstrap[0][1].forEach((a) => expect(a >= 0 && a <= 1).toBe(true));
  });
  it("tRSA cannot tell apart layers whose dissimilarities are a monotone function of each other; RSA can", () => {
    // layer "b" = a monotone map of layer "a" within every instance; layer "c" is another network layer
    const vectors: Float64Array[] = [];
    const layer: string[] = [];
    const instance: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [first, , third] = network(2000 + i, [300, 300, 300]);
      const a = rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(first), { method: "correlation" }));
      vectors.push(
        a,
        a.map((v) => 2 * Math.sqrt(v) + v * v),
        rsa.rdmVector(rsa.calcRdm(rsa.makeDataset(third), { method: "euclidean" })),
      );
      layer.push("a", "b", "c");
      instance.push(i, i, i);
    }
    const set = rsa.makeRdms(vectors, { rdmDescriptors: { layer, instance } });
    const r = rsa.identifyLayers(set, { nBootstrap: 0, draws: 4, seed: 3 });
    expect(r.transforms).toEqual([
      "rdm",
      "topologySensitive",
      "geometrySensitive",
      "local",
      "global",
      "intermediate",
    ]);
    expect(r.accuracy[0][0]).toBe(1);
    for (let t = 1; t < r.transforms.length; t++) {
      // identical rank-based transforms of a and b: equal centroids, the tie goes to the first class
      expect(r.accuracy[t][0], r.transforms[t]).toBeCloseTo(2 / 3, 15);
      expect(r.confusion[t][0][1], r.transforms[t]).toEqual([6 * 4, 0, 0]); // every b taken for a
    }
    expect(Number.isNaN(r.sd[0][0])).toBe(true);
  });
  it("is reproducible with a seed, and rejects bad options", () => {
    const opts = {
      transforms: { local: "local" as const, geo: "geodesic" as const },
      noiseLevels: [0.5],
      nBootstrap: 5,
      draws: 2,
      seed: 9,
    };
    const a = rsa.identifyLayers(rdms, opts);
    const b = rsa.identifyLayers(rdms, opts);
    expect(a.accuracy).toEqual(b.accuracy);
    expect(a.bootstrap.map((t) => t.map((x) => Array.from(x)))).toEqual(
      b.bootstrap.map((t) => t.map((x) => Array.from(x))),
    );
    const byRdm = rsa.identifyLayers(rdms, { ...opts, bootstrapUnit: "rdm" });
    byRdm.bootstrap.flat().forEach((x) => x.forEach((v) => expect(v >= 0 && v <= 1).toBe(true)));
    expect(byRdm.accuracy).toEqual(a.accuracy); // the unit changes the bootstrap only
    expect(() => rsa.identifyLayers(rdms, { bootstrapUnit: "subject" as never })).toThrow(
      /bootstrapUnit must be/,
    );
    expect(() => rsa.identifyLayers(rdms, { samples: [{ rows: [0, 99], stimuli: [0] }] })).toThrow(
      /samples\[0\]\.rows\[1\]/,
    );
    expect(() => rsa.identifyLayers(rdms, { label: "region" })).toThrow(
      /label must name an RDM descriptor/,
    );
    expect(() => rsa.identifyLayers(rdms, { noiseLevels: [-1] })).toThrow(/noiseLevels\[0\]/);
    expect(() => rsa.identifyLayers(rdms, { transforms: { x: "nope" as never } })).toThrow(
      /transforms.x must be/,
    );
    expect(() =>
      rsa.identifyLayers(rdms, {
        transforms: {
          inf: (s) => rsa.geodesicTransform(s, { rule: "kNearest", k: 1, rerank: false }),
        },
      }),
    ).toThrow(/infinite/);
  });
});

describe("addRdmNoise", () => {
  it("adds Gaussian noise of sd x sd(RDMs), clipped at 0", () => {
    const base = rsa.makeRdms([Array.from({ length: 4950 }, (_, k) => 100 + (k % 7))]); // sd of the entries: 2 (values 100..106)
    const noisy = rsa.rdmVector(rsa.addRdmNoise(base, 1.5, 4));
    const diff = Array.from(noisy, (v, k) => v - rsa.rdmVector(base)[k]);
    const m = diff.reduce((s, v) => s + v, 0) / diff.length;
    const sd = Math.sqrt(diff.reduce((s, v) => s + (v - m) ** 2, 0) / diff.length);
    expect(sd).toBeGreaterThan(3 * 0.95);
    expect(sd).toBeLessThan(3 * 1.05);
    const zeros = rsa.rdmVector(
      rsa.addRdmNoise(rsa.makeRdms([Array.from({ length: 990 }, (_, k) => (k % 2) * 2)]), 1, 5),
    ); // sd 1
    const clipped = Array.from(zeros).filter((v, k) => k % 2 === 0 && v === 0).length;
    expect(clipped).toBeGreaterThan(200); // about half of the zero entries get negative noise -> 0
    expect(Math.min(...zeros)).toBe(0);
    expect(Array.from(rsa.rdmVector(rsa.addRdmNoise(base, 0, 1)))).toEqual(
      Array.from(rsa.rdmVector(base)),
    );
  });
});

describe("RGTM regions", () => {
  it("classifies (l, u) as the authors' regions", () => {
    expect(rsa.rgtmRegionOf(0, 0.3)).toBe("local");
    expect(rsa.rgtmRegionOf(0.7, 0.95)).toBe("global");
    expect(rsa.rgtmRegionOf(0.1, 0.95)).toBe("geometrySensitive");
    expect(rsa.rgtmRegionOf(0.45, 0.55)).toBe("topologySensitive");
    expect(rsa.rgtmRegionOf(0.3, 0.7)).toBe("intermediate");
    // every fixed preset lies in the region of its name
    for (const [name, t] of Object.entries(rsa.rgtmPresets))
      expect(rsa.rgtmRegionOf(t.lower, t.upper)).toBe(name);
    expect(() => rsa.rgtmRegionOf(0.6, 0.5)).toThrow(/upper must be in \[lower, 1\]/);
  });
  it("draws 10 seeded (l, u) per region inside it, rounded to 0.01, and averages an evaluation over them", () => {
    for (const region of rsa.RGTM_REGIONS) {
      const draws = rsa.sampleRgtmThresholds(region, { seed: 7 });
      expect(draws).toHaveLength(10);
      for (const d of draws) {
        expect(rsa.rgtmRegionOf(d.lower, d.upper)).toBe(region);
        expect(Math.abs(d.lower * 100 - Math.round(d.lower * 100))).toBeLessThan(1e-9);
      }
      expect(rsa.sampleRgtmThresholds(region, { seed: 7 })).toEqual(draws);
    }
    const rdm = rsa.makeRdms([Array.from({ length: 45 }, (_, k) => Math.sin(k) + 2)]);
    const avg = rsa.rgtmRegionAverage(
      rdm,
      "local",
      (t, th) => rsa.rdmVector(t).reduce((s, v) => s + v, 0) + 0 * th.lower,
      { seed: 2 },
    );
    const expected = avg.draws.map((d) =>
      rsa.rdmVector(rsa.geotopologicalTransform(rdm, d)).reduce((s, v) => s + v, 0),
    );
    expect(avg.draws.map((d) => d.value)).toEqual(expected);
    expect(avg.mean).toBeCloseTo(expected.reduce((s, v) => s + v, 0) / 10, 12);
    expect(() => rsa.sampleRgtmThresholds("nearby" as never)).toThrow(/region must be one of/);
  });
});
