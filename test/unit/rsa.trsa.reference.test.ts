// tRSA against an independent numpy + networkx (+ scikit-learn) implementation of the authors'
// definitions (Lin & Kriegeskorte 2024; test/reference/trsa_reference.py): geodesic transforms in
// the "authors" convention, and the leave-one-instance-out nearest-centroid layer identification.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "trsa_reference.py");
const rng = new Rng(2024);

// ---- inputs -------------------------------------------------------------------------------------
const pairsOf = (n: number) => (n * (n - 1)) / 2;
const randomRdm = (n: number) => Array.from({ length: pairsOf(n) }, () => rng.uniform());
const tiedRdm = (n: number) =>
  Array.from({ length: pairsOf(n) }, () => Math.floor(5 * rng.uniform())); // many ties, zeros
/** Squared euclidean RDM of noisy points on a ring (a manifold where geodesics matter). */
function ringRdm(n: number): number[] {
  const pts = Array.from({ length: n }, (_, i) => [
    Math.cos((2 * Math.PI * i) / n) + 0.05 * rng.normal(),
    Math.sin((2 * Math.PI * i) / n) + 0.05 * rng.normal(),
  ]);
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      out.push((pts[i][0] - pts[j][0]) ** 2 + (pts[i][1] - pts[j][1]) ** 2);
  return out;
}
const rdmInputs = [randomRdm(10), tiedRdm(9), ringRdm(16), randomRdm(21)];
type Case =
  | { rule: "twoStep"; lower: number; upper: number }
  | { rule: "pShortest" | "pNearest"; p: number }
  | { rule: "kNearest"; k: number };
const rules: Case[] = [
  { rule: "twoStep", lower: 0, upper: 0.075 },
  { rule: "twoStep", lower: 0, upper: 0.3 },
  { rule: "twoStep", lower: 0.1, upper: 0.5 },
  { rule: "twoStep", lower: 0.2, upper: 0.8 },
  { rule: "pShortest", p: 0.1 },
  { rule: "pShortest", p: 0.3 },
  { rule: "pShortest", p: 0.55 },
  { rule: "pNearest", p: 0.2 },
  { rule: "pNearest", p: 0.29 },
  { rule: "kNearest", k: 1 },
  { rule: "kNearest", k: 2 },
  { rule: "kNearest", k: 4 },
];
const geodesicCases = rdmInputs.flatMap((rdm) => rules.map((c) => ({ ...c, rdm })));

/** Layer-identification data: per layer a base RDM, per instance and layer a noisy copy (accuracy between chance and 1). */
function layeredRdms(
  nLayers: number,
  nInstances: number,
  n: number,
  noise: number,
): { rdms: number[][]; layer: number[]; instance: number[] } {
  const bases = Array.from({ length: nLayers }, () => randomRdm(n));
  const out = { rdms: [] as number[][], layer: [] as number[], instance: [] as number[] };
  for (let i = 0; i < nInstances; i++) {
    bases.forEach((b, l) => {
      out.rdms.push(b.map((v) => Math.max(0, v + noise * rng.normal())));
      out.layer.push(l + 1);
      out.instance.push(i);
    });
  }
  return out;
}
const identifyInputs = [
  layeredRdms(4, 6, 8, 0.9),
  layeredRdms(3, 5, 7, 1.4),
  layeredRdms(5, 4, 10, 0.7),
];
/** Bootstrap samples of the first set: by instance (all layers of drawn instances) and by single RDM rows (the authors'). */
const boot = identifyInputs[0];
const draw = (k: number) => Array.from({ length: k }, () => rng.int(k));
const identifySamples = Array.from({ length: 6 }, (_, s) => {
  const rows =
    s % 2 === 0
      ? draw(6).flatMap((i) => [0, 1, 2, 3].map((l) => 4 * i + l))
      : draw(boot.rdms.length);
  return { ...boot, rows, stimuli: draw(8) };
});

// ---- run the reference once -----------------------------------------------------------------------
let ref: { geodesic: (number | "Infinity")[][]; identify: number[]; identify_samples: number[] };
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rsa-trsa-"));
  const input = path.join(dir, "in.json");
  const output = path.join(dir, "out.json");
  fs.writeFileSync(
    input,
    JSON.stringify({ geodesic: geodesicCases, identify: identifyInputs, identifySamples }),
  );
  execFileSync(peersPython(), [SCRIPT, input, output], {
    timeout: 120_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  ref = JSON.parse(fs.readFileSync(output, "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
}, 150_000);

describe("geodesic transforms, convention 'authors' = the tRSA authors' definitions", () => {
  it.each(rules.map((c, i) => [JSON.stringify(c), i] as const))(
    "%s on random, tied, ring and larger RDMs",
    (_, r) => {
      rdmInputs.forEach((rdm, d) => {
        const k = d * rules.length + r;
        const ours = rsa.rdmVector(
          rsa.geodesicTransform(rsa.makeRdms([rdm]), { ...rules[r], convention: "authors" }),
        );
        const theirs = ref.geodesic[k].map((x) => (x === "Infinity" ? Infinity : x));
        expect(Array.from(ours), `input ${d}`).toEqual(theirs);
      });
    },
  );
  it("the default is the paper's geo-topological-then-geodesic transform (twoStep, l = 0, u = 0.075, authors)", () => {
    const r = rsa.makeRdms([rdmInputs[2]]);
    expect(Array.from(rsa.rdmVector(rsa.geodesicTransform(r)))).toEqual(
      Array.from(
        rsa.rdmVector(
          rsa.geodesicTransform(r, {
            rule: "twoStep",
            lower: 0,
            upper: 0.075,
            convention: "authors",
          }),
        ),
      ),
    );
    const theirs = ref.geodesic[2 * rules.length].map((x) => (x === "Infinity" ? Infinity : x));
    expect(Array.from(rsa.rdmVector(rsa.geodesicTransform(r)))).toEqual(theirs);
  });
  it("the conventions really differ (zero-weight edges, rank weights, asymmetric neighbours)", () => {
    const r = rsa.makeRdms([rdmInputs[2]]);
    for (const c of [rules[1], rules[5], rules[10]]) {
      const a = rsa.rdmVector(rsa.geodesicTransform(r, { ...c, convention: "authors" }));
      const b = rsa.rdmVector(rsa.geodesicTransform(r, { ...c, convention: "neurolab" }));
      const rho = rsa.compareRdm(rsa.makeRdms([a]), rsa.makeRdms([b]), {
        method: "spearman",
      })[0][0];
      expect(rho, JSON.stringify(c)).toBeLessThan(0.999);
    }
  });
});

describe("layer identification = leave-one-instance-out sklearn NearestCentroid", () => {
  it("identificationAccuracy matches the reference on noisy layered RDM sets", () => {
    identifyInputs.forEach((c, k) => {
      const set = rsa.makeRdms(c.rdms, {
        rdmDescriptors: { layer: c.layer, instance: c.instance },
      });
      const ours = rsa.identificationAccuracy(set);
      expect(ours.accuracy, `set ${k}`).toBeCloseTo(ref.identify[k], 14);
      expect(ours.accuracy, `set ${k} must be informative`).toBeGreaterThan(0);
      expect(ours.accuracy, `set ${k} must be informative`).toBeLessThan(1);
      // identifyLayers' "rdm" accuracy on the data is the same computation
      expect(
        rsa.identifyLayers(set, { transforms: { rdm: "rdm" }, nBootstrap: 0 }).accuracy[0][0],
      ).toBe(ours.accuracy);
    });
  });
});

describe("identifyLayers' bootstrap samples = the authors' resampling (rows and stimuli with repeats, self-pairs dropped)", () => {
  it("per-sample accuracies equal sklearn's leave-one-instance-out on the resampled RDMs", () => {
    const set = rsa.makeRdms(boot.rdms, {
      rdmDescriptors: { layer: boot.layer, instance: boot.instance },
    });
    const r = rsa.identifyLayers(set, {
      transforms: { rdm: "rdm" },
      samples: identifySamples.map((s) => ({ rows: s.rows, stimuli: s.stimuli })),
    });
    const ours = Array.from(r.bootstrap[0][0]);
    ours.forEach((a, k) => expect(a, `sample ${k}`).toBeCloseTo(ref.identify_samples[k], 14));
    expect(new Set(ours).size, "the samples must differ").toBeGreaterThan(1);
  });
});
