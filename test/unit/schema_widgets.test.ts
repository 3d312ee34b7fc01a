// Payload schemas of the RDM, connectome, activity and raster-state widgets: round trips, the
// shared geo-topological transform and geometry (eigen, classical MDS) against the library's, and
// validation errors naming the field.
import { describe, expect, it } from "vitest";
import * as rsa from "../../src/rsa/index.js";
import { stateAxisLabel } from "../../src/schema/index.js";
import {
  ACTIVITY_MIME,
  CONNECTOME_MIME,
  RDM_MIME,
  SchemaError,
  alignPlanar,
  classicalMdsCondensed,
  condensedLength,
  decodeRaster,
  encodeRaster,
  kruskalStress,
  stateTime,
  symmetricEigen,
  decodeActivity,
  decodeConnectome,
  decodeRdm,
  encodeActivity,
  encodeConnectome,
  encodeRdm,
  geotopological,
  typedArrayToBase64,
  type ConnectomeData,
  type RdmData,
} from "../../src/schema/index.js";

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sampleRdm(): RdmData {
  const n = 5;
  const rand = prng(1);
  const d = Float64Array.from({ length: 2 * condensedLength(n) }, () => rand());
  d[3] = NaN; // a missing pair
  return {
    title: "rdms <b>",
    measure: "correlation",
    nConditions: n,
    labels: ["a", "b", "<img src=x>", "d", "e"],
    rdmNames: ["s1", "s2"],
    dissimilarities: d,
    lower: 0.1,
    upper: 0.8,
    mds: {
      rdm: 0,
      method: "metric",
      stress: 0.1,
      coordinates: Float64Array.from({ length: 10 }, (_, i) => i / 10),
    },
    models: {
      method: "cosine",
      names: ["m1", "m2"],
      means: [0.3, 0.1],
      errors: [0.05, 0.02],
      pValues: [0.01, 0.4],
      alpha: 0.05,
      noiseCeiling: [0.4, 0.5],
    },
  };
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("geo-topological transform shared with the browser", () => {
  it("equals rsa.geotopologicalTransform exactly (ties, NaN, l = u, presets)", () => {
    const rand = prng(7);
    for (const n of [3, 7, 20, 41]) {
      const p = condensedLength(n);
      const v = Float64Array.from({ length: p }, () => Math.round(rand() * 10) / 10); // many ties
      if (p > 4) v[2] = NaN;
      const rdms = rsa.makeRdms(v);
      for (const [lower, upper] of [
        [0, 1],
        [0.5, 0.5],
        [0, 0.25],
        [0.75, 1],
        [0.25, 0.75],
        [0.13, 0.61],
        [1, 1],
        [0, 0],
      ]) {
        const lib = rsa.rdmVector(rsa.geotopologicalTransform(rdms, { lower, upper }));
        const ours = geotopological(v, lower, upper);
        expect(Array.from(ours)).toEqual(Array.from(lib));
      }
    }
  });
});

describe("RDM payload", () => {
  it("round-trips through JSON", () => {
    const d = sampleRdm();
    const p = json(encodeRdm(d));
    expect(RDM_MIME).toBe("application/vnd.neurolab.rdm.v1+json");
    const back = decodeRdm(p);
    expect(back.labels).toEqual(d.labels);
    expect(Array.from(back.dissimilarities)).toEqual(Array.from(d.dissimilarities));
    expect(back.models).toEqual(d.models);
    expect(Array.from(back.mds!.coordinates)).toEqual(Array.from(d.mds!.coordinates));
    expect([back.lower, back.upper]).toEqual([0.1, 0.8]);
  });

  const bad: [string, (p: Record<string, any>) => void, RegExp][] = [
    ["wrong schema", (p) => (p.schema = "neurolab.raster"), /payload\.schema/],
    ["wrong version", (p) => (p.version = 2), /payload\.version must be 1/],
    ["missing labels", (p) => delete p.labels, /payload\.labels must be an array/],
    ["too few labels", (p) => p.labels.pop(), /payload\.labels must have 5 entries/],
    [
      "label not a string",
      (p) => (p.labels[1] = { toString: 1 }),
      /payload\.labels\[1\] must be a string/,
    ],
    [
      "huge n_conditions",
      (p) => (p.n_conditions = 1e6),
      /payload\.n_conditions must be an integer/,
    ],
    ["too many entries", (p) => ((p.n_conditions = 1000), (p.n_rdms = 20)), /exceeds/],
    [
      "truncated array",
      (p) => (p.dissimilarities = p.dissimilarities.slice(0, 8)),
      /payload\.dissimilarities must hold 20 float64/,
    ],
    [
      "not base64",
      (p) => (p.dissimilarities = "!".repeat(p.dissimilarities.length)),
      /payload\.dissimilarities: invalid base64/,
    ],
    [
      "infinite value",
      (p) => (p.dissimilarities = typedArrayToBase64(new Float64Array(20).fill(Infinity))),
      /payload\.dissimilarities\[0\]/,
    ],
    [
      "an all-NaN RDM",
      (p) =>
        (p.dissimilarities = typedArrayToBase64(
          Float64Array.from({ length: 20 }, (_, i) => (i < 10 ? NaN : 1)),
        )),
      /RDM 0 has no finite value/,
    ],
    [
      "NaN threshold",
      (p) => (p.thresholds.lower = null),
      /payload\.thresholds\.lower must be a finite number/,
    ],
    ["l > u", (p) => (p.thresholds = { lower: 0.9, upper: 0.1 }), /payload\.thresholds\.upper/],
    [
      "NaN in MDS",
      (p) => (p.mds.coordinates = typedArrayToBase64(new Float64Array(10).fill(NaN))),
      /payload\.mds\.coordinates\[0\] must be a finite number/,
    ],
    ["MDS rdm out of range", (p) => (p.mds.rdm = 5), /payload\.mds\.rdm/],
    ["model means NaN", (p) => (p.models.means = [null, 1]), /payload\.models\.means\[0\]/],
    ["negative error bar", (p) => (p.models.errors = [-1, 0]), /payload\.models\.errors\[0\]/],
    ["p value > 1", (p) => (p.models.p_values = [2, 0]), /payload\.models\.p_values\[0\]/],
  ];
  for (const [name, mutate, message] of bad) {
    it(`rejects ${name}`, () => {
      const p = json(encodeRdm(sampleRdm()));
      mutate(p);
      expect(() => decodeRdm(p)).toThrow(SchemaError);
      expect(() => decodeRdm(p)).toThrow(message);
    });
  }
  it("rejects non-objects", () => {
    for (const v of [null, 1, "x", [1]])
      expect(() => decodeRdm(v)).toThrow(/payload must be an object/);
  });
});

function sampleConnectome(): ConnectomeData {
  return {
    title: "tiny",
    citation: "test",
    names: ["A", "B", "C<script>"],
    types: ["sensory", "inter", "motor"],
    neurotransmitters: ["ACh", "", "GABA"],
    classes: ["A", "B", "C"],
    communities: Int32Array.from([0, 0, 1]),
    layers: ["sensory", "inter", "motor"],
    layouts: {
      layered: { x: Float32Array.from([0, 0.5, 1]), y: Float32Array.from([0.5, 0.5, 0.5]) },
    },
    chemical: {
      pre: Uint32Array.from([0, 1]),
      post: Uint32Array.from([1, 2]),
      weight: Float32Array.from([3, 1]),
    },
    electrical: {
      pre: Uint32Array.from([0]),
      post: Uint32Array.from([2]),
      weight: Float32Array.from([2]),
    },
  };
}

describe("connectome payload", () => {
  it("round-trips through JSON", () => {
    expect(CONNECTOME_MIME).toBe("application/vnd.neurolab.connectome.v1+json");
    const back = decodeConnectome(json(encodeConnectome(sampleConnectome())));
    expect(back.names).toEqual(["A", "B", "C<script>"]);
    expect(Array.from(back.chemical.post)).toEqual([1, 2]);
    expect(Array.from(back.layouts.layered!.x)).toEqual([0, 0.5, 1]);
    expect(back.layouts.force).toBeUndefined();
  });
  const bad: [string, (p: Record<string, any>) => void, RegExp][] = [
    ["wrong version", (p) => (p.version = "1"), /payload\.version must be 1/],
    ["missing names", (p) => delete p.names, /payload\.names must be an array/],
    [
      "edge out of range",
      (p) => (p.chemical.post = typedArrayToBase64(Uint32Array.from([1, 7]))),
      /payload\.chemical\.post\[1\] = 7 is outside/,
    ],
    [
      "NaN weight",
      (p) => (p.electrical.weight = typedArrayToBase64(Float32Array.from([NaN]))),
      /payload\.electrical\.weight\[0\] must be a finite number/,
    ],
    [
      "negative weight",
      (p) => (p.chemical.weight = typedArrayToBase64(Float32Array.from([1, -1]))),
      /payload\.chemical\.weight\[1\]/,
    ],
    [
      "huge edge count",
      (p) => (p.chemical.n_edges = 1e9),
      /payload\.chemical\.n_edges must be an integer/,
    ],
    [
      "unknown layout",
      (p) => (p.layouts = { circle: p.layouts.layered }),
      /payload\.layouts may only hold/,
    ],
    ["no layout", (p) => (p.layouts = {}), /payload\.layouts must hold at least one/],
    [
      "NaN coordinate",
      (p) => (p.layouts.layered.y = typedArrayToBase64(Float32Array.from([0, NaN, 0]))),
      /payload\.layouts\.layered\.y\[1\]/,
    ],
    [
      "community out of range",
      (p) => (p.communities = typedArrayToBase64(Int32Array.from([0, 9, 0]))),
      /payload\.communities\[1\]/,
    ],
    ["long name", (p) => (p.names[0] = "x".repeat(5000)), /payload\.names\[0\] must be at most/],
  ];
  for (const [name, mutate, message] of bad) {
    it(`rejects ${name}`, () => {
      const p = json(encodeConnectome(sampleConnectome()));
      mutate(p);
      expect(() => decodeConnectome(p)).toThrow(SchemaError);
      expect(() => decodeConnectome(p)).toThrow(message);
    });
  }
});

describe("activity payload", () => {
  const sample = () => ({
    title: "calcium",
    quantity: "dF/F",
    nNeurons: 2,
    nTimes: 3,
    tStart_s: 0,
    dt_s: 0.5,
    labels: ["AVAL", "AVAR"],
    values: Float32Array.from([0, 1, NaN, 2, 3, 4]),
  });
  it("round-trips, NaN marks missing samples", () => {
    expect(ACTIVITY_MIME).toBe("application/vnd.neurolab.activity.v1+json");
    const back = decodeActivity(json(encodeActivity(sample())));
    expect(Array.from(back.values)).toEqual([0, 1, NaN, 2, 3, 4]);
  });
  const bad: [string, (p: Record<string, any>) => void, RegExp][] = [
    ["wrong version", (p) => (p.version = 0), /payload\.version/],
    ["dt 0", (p) => (p.dt_s = 0), /payload\.dt_s must be > 0/],
    ["too many values", (p) => ((p.n_neurons = 10_000), (p.n_times = 10_000)), /exceeds/],
    [
      "infinite value",
      (p) => (p.values = typedArrayToBase64(Float32Array.from([0, 1, 2, Infinity, 3, 4]))),
      /payload\.values\[3\]/,
    ],
    ["missing labels", (p) => delete p.labels, /payload\.labels/],
    [
      "all NaN",
      (p) => (p.values = typedArrayToBase64(new Float32Array(6).fill(NaN))),
      /no finite value/,
    ],
  ];
  for (const [name, mutate, message] of bad) {
    it(`rejects ${name}`, () => {
      const p = json(encodeActivity(sample()));
      mutate(p);
      expect(() => decodeActivity(p)).toThrow(SchemaError);
      expect(() => decodeActivity(p)).toThrow(message);
    });
  }
});

describe("raster payload with a state-trace panel", () => {
  const base = () => ({
    title: "states",
    tStart_ms: 0,
    tStop_ms: 10,
    nNeurons: 4,
    populations: [{ name: "p", start: 0, size: 4 }],
    times_ms: Float32Array.from([1, 2.5]),
    neurons: Uint32Array.from([0, 3]),
  });
  const states = () => ({
    variable: "v_mV",
    unit: "mV",
    tStart_ms: 0.5,
    dt_ms: 0.5,
    nSamples: 20,
    labels: ["p 0", "other 2"],
    rows: [0, -1],
    values: Float32Array.from({ length: 40 }, (_, k) => -70 + k / 4),
  });

  it("round-trips; payloads without states stay valid (version 1, additive field)", () => {
    const p = json(encodeRaster({ ...base(), states: states() }));
    expect(p.version).toBe(1);
    const d = decodeRaster(p);
    expect(d.states!.labels).toEqual(["p 0", "other 2"]);
    expect(d.states!.rows).toEqual([0, -1]);
    expect(Array.from(d.states!.values)).toEqual(Array.from(states().values));
    expect(stateTime(d.states!, 19)).toBe(10);
    const old = json(encodeRaster(base()));
    expect(old.states).toBeUndefined();
    expect(decodeRaster(old).states).toBeNull();
  });

  const bad: [string, (s: Record<string, any>) => void, RegExp][] = [
    ["dt 0", (s) => (s.dt_ms = 0), /payload.states.dt_ms must be > 0/],
    [
      "samples past the window",
      (s) => (s.n_samples = 21),
      /payload.states.values must hold 42 float32|outside the raster/,
    ],
    [
      "start before the window",
      (s) => (s.t_start_ms = -1),
      /payload.states samples span \[-1, 8.5\] ms, outside/,
    ],
    ["no traces", (s) => (s.traces = []), /payload.states.traces must have at least 1 entry/],
    [
      "row out of range",
      (s) => (s.traces[0].row = 4),
      /payload.states.traces\[0\].row must be an integer in \[-1, 3\]/,
    ],
    [
      "label not text",
      (s) => (s.traces[1].label = { html: "<b>" }),
      /payload.states.traces\[1\].label must be a string/,
    ],
    [
      "NaN value",
      (s) => (s.values = typedArrayToBase64(new Float32Array(40).fill(NaN))),
      /payload.states.values\[0\] must be a finite number/,
    ],
    [
      "truncated values",
      (s) => (s.values = s.values.slice(0, -8)),
      /payload.states.values must hold 40 float32 values/,
    ],
    [
      "too many traces",
      (s) => (s.traces = Array.from({ length: 65 }, () => ({ label: "x", row: 0 }))),
      /payload.states.traces must have at most 64 entries/,
    ],
    [
      "huge sample count",
      (s) => (s.n_samples = 1e9),
      /payload.states.n_samples must be an integer in \[1, 2000000\]/,
    ],
    ["missing unit", (s) => delete s.unit, /payload.states.unit must be a string/],
  ];
  for (const [name, mutate, message] of bad) {
    it(`rejects states with ${name}`, () => {
      const p = json(encodeRaster({ ...base(), states: states() }));
      mutate(p.states);
      expect(() => decodeRaster(p)).toThrow(SchemaError);
      expect(() => decodeRaster(p)).toThrow(message);
    });
  }
});

describe("shared geometry: eigen-decomposition, classical MDS, planar alignment", () => {
  it("decomposes symmetric matrices (A v = λ v, orthonormal vectors, ascending values)", () => {
    const rand = prng(5);
    for (const n of [1, 2, 5, 40]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rand() - 0.5;
      const { values, vectors } = symmetricEigen(a, n);
      for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[j * n + k];
          expect(Math.abs(av - values[k] * vectors[i * n + k])).toBeLessThan(1e-12);
        }
        for (let l = 0; l < n; l++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += vectors[i * n + k] * vectors[i * n + l];
          expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
    // A repeated eigenvalue and a diagonal matrix.
    expect(Array.from(symmetricEigen([2, 0, 0, 0, 1, 0, 0, 0, 2], 3).values)).toEqual([1, 2, 2]);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/n x n matrix/);
  });

  it("classical MDS recovers planar points up to rotation (distances exact, stress 0)", () => {
    const pts = [
      [0, 0],
      [3, 0],
      [0, 4],
      [1, 1],
      [-2, 5],
      [4, -3],
    ];
    const n = pts.length;
    const v: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        v.push(Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]));
    const { x, eigenvalues } = classicalMdsCondensed(v, n, 2);
    expect(kruskalStress(x, v, n, 2)).toBeLessThan(1e-12);
    expect(Math.abs(eigenvalues[2])).toBeLessThan(1e-9); // rank 2
    // Aligned to the original (centred) points it lands on them.
    const mean = [0, 1].map((c) => pts.reduce((s, p) => s + p[c], 0) / n);
    const ref = Float64Array.from(pts.flatMap((p) => [p[0] - mean[0], p[1] - mean[1]]));
    const aligned = alignPlanar(x, ref, n);
    aligned.forEach((a, k) => expect(a).toBeCloseTo(ref[k], 10));
    // A reflected copy aligns back too.
    const mirrored = Float64Array.from(ref, (r, k) => (k % 2 ? -r : r));
    alignPlanar(mirrored, ref, n).forEach((a, k) => expect(a).toBeCloseTo(ref[k], 10));
    expect(() => classicalMdsCondensed([1, NaN, 2], 3)).toThrow(/finite distances/);
  });

  it("rsa.mds (classical) is this shared routine", () => {
    const rdms = rsa.makeRdms([[1, 2, 3, 2.5, 1.5, 2]]);
    const lib = rsa.mds(rdms, { method: "classical" });
    const ours = classicalMdsCondensed(rsa.rdmVector(rdms, 0), 4, 2);
    expect(lib.coordinates.flat()).toEqual(Array.from(ours.x));
  });
});

describe("state axis label", () => {
  it("drops the unit suffix from the variable name, and takes any text as a unit", () => {
    expect(stateAxisLabel({ variable: "v_mV", unit: "mV" })).toBe("v (mV)");
    expect(stateAxisLabel({ variable: "w_pA", unit: "" })).toBe("w_pA");
    expect(stateAxisLabel({ variable: "x_(", unit: "(" })).toBe("x (()");
    expect(stateAxisLabel({ variable: "_mV", unit: "mV" })).toBe("_mV (mV)");
  });
});
