// Display functions of the RDM, connectome, activity and raster (with state traces) widgets: MIME bundles whose payload
// passes the schema's validation, script-free static SVG fallbacks with escaped labels, and
// the whole C. elegans connectome from the mirrored data.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  activityFigure,
  connectomeFigure,
  geotopologicalOf,
  MIME_BUNDLE,
  rdmFigure,
} from "../../src/index.js";
import * as rsa from "../../src/rsa/index.js";
import {
  buildConnectome,
  loadConnectome,
  neuronsOnly,
  type CellMetadata,
  type EdgeRecord,
} from "../../src/connectome/index.js";
import {
  ACTIVITY_MIME,
  CONNECTOME_MIME,
  RASTER_MIME,
  RDM_MIME,
  decodeActivity,
  decodeConnectome,
  decodeRaster,
  decodeRdm,
} from "../../src/schema/index.js";

const MIRROR =
  process.env.NEUROLAB_DATA_MIRROR ??
  fileURLToPath(new URL("../../../shared/data", import.meta.url));
const MIRROR_ONLY = {
  mirrorDir: MIRROR,
  offline: true,
  cacheDir: path.join(os.tmpdir(), "neurolab-test-no-cache"),
} as const;
const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>&';

function checkStatic(svg: string) {
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.toLowerCase()).not.toContain("<script");
  expect(svg).not.toContain("<img");
  expect(svg).not.toMatch(/<[^>]*\son\w+\s*=/i); // no event-handler attribute in any tag
}

function dataset() {
  const rows = Array.from({ length: 8 }, (_, i) =>
    Array.from({ length: 6 }, (_, j) => Math.sin(i * 0.9 + j * 1.3) + (i % 2) * 0.7),
  );
  return rsa.makeDataset(rows, {
    obsDescriptors: { stimulus: ["face", "body", "hand", "tool", "house", "car", HOSTILE, "tree"] },
  });
}

describe("rdmFigure", () => {
  const rdms = rsa.concatRdms([
    rsa.calcRdm(dataset(), { descriptor: "stimulus" }),
    rsa.calcRdm(dataset(), { method: "correlation", descriptor: "stimulus" }),
  ]);

  it("bundles a valid payload, an SVG fallback and text", () => {
    const fig = rdmFigure(rdms, { title: `RDMs ${HOSTILE}`, lower: 0.2, upper: 0.7 });
    const b = fig[MIME_BUNDLE]();
    expect(Object.keys(b).sort()).toEqual(["image/svg+xml", RDM_MIME, "text/plain"].sort());
    const d = decodeRdm(JSON.parse(JSON.stringify(b[RDM_MIME])));
    expect(d.labels).toContain(HOSTILE);
    expect(d.nConditions).toBe(8);
    expect(d.rdmNames).toHaveLength(2);
    expect([d.lower, d.upper]).toEqual([0.2, 0.7]);
    expect(d.mds!.coordinates).toHaveLength(16);
    checkStatic(b["image/svg+xml"] as string);
    expect(b["image/svg+xml"]).toContain("&#60;img src=x");
    expect(b["text/plain"]).toMatch(/2 RDMs .* over 8 conditions/);
  });

  it("the widget's GT equals rsa.geotopologicalTransform", () => {
    const fig = rdmFigure(rdms, { lower: 0.25, upper: 0.6 });
    const ours = geotopologicalOf(fig.data);
    const lib = rsa.geotopologicalTransform(rdms, { lower: 0.25, upper: 0.6 });
    expect(Array.from(ours[0])).toEqual(Array.from(rsa.rdmVector(lib, 0)));
    expect(Array.from(ours[1])).toEqual(Array.from(rsa.rdmVector(lib, 1)));
  });

  it("carries a model comparison from evalFixed (error bars, noise ceiling, p-values)", () => {
    const subjects = rsa.makeRdms(
      Array.from({ length: 5 }, (_, s) =>
        Array.from(rsa.rdmVector(rdms, 0)).map((v, k) => v + 0.1 * Math.sin(s * 3 + k)),
      ),
    );
    const models = [
      rsa.modelFixed("data-like", rsa.rdmVector(rdms, 0)),
      rsa.modelFixed("other", rsa.rdmVector(rdms, 1)),
    ];
    const ev = rsa.evalFixed(models, subjects, { method: "corr" });
    const fig = rdmFigure(subjects, { models: ev, mds: false });
    const d = decodeRdm(JSON.parse(JSON.stringify(fig.payload())));
    expect(d.mds).toBeNull();
    expect(d.models!.names).toEqual(["data-like", "other"]);
    expect(d.models!.means).toEqual(ev.means);
    // SEM with rsatoolbox's n/(n-1) correction (5 subjects), as rsa.evaluationSummary
    expect(d.models!.errors[0]).toBeCloseTo(Math.sqrt((5 / 4) * ev.covariance[0][0]), 12);
    expect(d.models!.noiseCeiling).toEqual([ev.noiseCeiling!.lower, ev.noiseCeiling!.upper]);
    expect(d.models!.pValues).toHaveLength(2);
    checkStatic(fig.toSvg());
  });

  it("keeps the colour-bar label inside the static figure", () => {
    for (const n of [1, 2]) {
      const set = rsa.makeRdms(
        Array.from({ length: n }, (_, r) => [1e-5 * (r + 1), 2.5e-5, 3e-5]),
        { measure: "squared mahalanobis distance" },
      );
      const svg = rdmFigure(set, { mds: false }).toSvg();
      const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
      const label =
        /<text transform="translate\(([\d.]+) [\d.]+\) rotate\(90\)"[^>]*>([^<]*)</.exec(svg)!;
      expect(label[2]).toBe("squared mahalanobis distance");
      expect(Number(label[1]) + 8).toBeLessThanOrEqual(width); // the rotated text's height fits
      // Right of the tick labels.
      const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+">([-\d.e]+)<\/text>/g)].map(
        (m) => Number(m[1]) + 6.5 * m[2].length,
      );
      expect(Math.max(...ticks)).toBeLessThan(Number(label[1]) - 4);
    }
  });

  it("rejects bad options", () => {
    expect(() => rdmFigure(rdms, { lower: 0.8, upper: 0.2 })).toThrow(/upper/);
    expect(() => rdmFigure(rdms, { labels: ["a"] })).toThrow(/labels must have 8 entries/);
    expect(() => rdmFigure(rsa.makeRdms(Float64Array.from([1, Infinity, 2])))).toThrow(
      /finite or NaN/,
    );
  });
});

describe("connectomeFigure", () => {
  it("encodes a small connectome (electrical pairs once) with an escaped SVG", () => {
    const e = (
      pre: string,
      post: string,
      type: "chemical" | "electrical",
      count: number,
    ): EdgeRecord => ({ pre, post, type, count });
    const metadata = new Map<string, CellMetadata>([
      ["ASEL", { type: "sensory", neurotransmitters: ["Glu"] }],
      ["AIBL", { type: "inter", neurotransmitters: ["Glu"] }],
      ["VA1", { type: "motor", neurotransmitters: ["ACh"] }],
    ]);
    const c = buildConnectome(
      [
        e("ASEL", "AIBL", "chemical", 3),
        e("AIBL", "VA1", "chemical", 2),
        e("AIBL", "VA1", "electrical", 1),
        e("VA1", "AIBL", "electrical", 1),
      ],
      { metadata, name: HOSTILE },
    );
    const b = connectomeFigure(c)[MIME_BUNDLE]();
    const d = decodeConnectome(JSON.parse(JSON.stringify(b[CONNECTOME_MIME])));
    expect(d.names).toEqual(["AIBL", "ASEL", "VA1"]);
    expect(d.types).toEqual(["inter", "sensory", "motor"]);
    expect(d.neurotransmitters).toEqual(["Glu", "Glu", "ACh"]);
    expect(d.chemical.pre).toHaveLength(2);
    expect(d.electrical.pre).toHaveLength(1);
    expect(d.layers).toEqual(["sensory", "inter", "motor"]);
    checkStatic(b["image/svg+xml"] as string);
    // Chemical synapses are drawn over the gap junctions (which are dotted), so both stay visible.
    const svg = b["image/svg+xml"] as string;
    expect(svg.indexOf('stroke="#555"')).toBeGreaterThan(svg.indexOf('stroke="#e69500"'));
    expect(svg).toMatch(/stroke="#e69500"[^>]*stroke-dasharray/);
  });

  // The mirror (a list of directories, as the loader takes it) is always present in the test runs.
  it("draws the whole Cook 2019 nervous system", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const t0 = performance.now();
    const fig = connectomeFigure(c);
    const ms = performance.now() - t0;
    const b = fig[MIME_BUNDLE]();
    const json = JSON.stringify(b[CONNECTOME_MIME]);
    const d = decodeConnectome(JSON.parse(json));
    expect(d.names).toHaveLength(300);
    expect(d.chemical.pre).toHaveLength(3638);
    expect(d.electrical.pre.length).toBeGreaterThan(1000);
    expect(Object.keys(d.layouts).sort()).toEqual(["force", "layered"]);
    expect(d.layers.slice(0, 3)).toEqual(["sensory", "inter", "motor"]);
    expect(Math.max(...d.communities)).toBeGreaterThan(1);
    expect(json.length).toBeLessThan(300_000); // compact: ~12 bytes per edge before base64
    expect(ms).toBeLessThan(5000);
    checkStatic(b["image/svg+xml"] as string);
    expect(b["text/plain"]).toMatch(/300 cells, 3638 chemical connections/);
  });
});

describe("activityFigure", () => {
  it("takes time x neurons data (wormRecordings layout), drops unrecorded neurons", () => {
    const nTimes = 4;
    const nNeurons = 3;
    const data = new Float64Array(nTimes * nNeurons).fill(NaN);
    for (let t = 0; t < nTimes; t++) {
      data[t * nNeurons + 0] = t;
      data[t * nNeurons + 2] = -t;
    }
    const fig = activityFigure(
      {
        data,
        nNeurons,
        nTimes,
        layout: "time x neurons",
        dt_s: 0.333,
        labels: ["AVAL", "AVAR", HOSTILE],
      },
      { title: "calcium", quantity: "dF/F" },
    );
    const b = fig[MIME_BUNDLE]();
    const d = decodeActivity(JSON.parse(JSON.stringify(b[ACTIVITY_MIME])));
    expect(d.labels).toEqual(["AVAL", HOSTILE]);
    expect(Array.from(d.values)).toEqual([0, 1, 2, 3, -0, -1, -2, -3]);
    checkStatic(b["image/svg+xml"] as string);
  });
  it("rejects inconsistent shapes", () => {
    expect(() => activityFigure({ data: [1, 2, 3], nNeurons: 2, nTimes: 2, dt_s: 1 })).toThrow(
      /data must have/,
    );
    expect(() => activityFigure({ data: [1, 2], nNeurons: 1, nTimes: 2, dt_s: 0 })).toThrow(/dt_s/);
  });
});

describe("result records display themselves", () => {
  it("RDM sets and connectomes carry a non-enumerable display method", async () => {
    const { rsa, connectome, MIME_BUNDLE } = await import("../../src/index.js");
    const rdms = rsa.makeRdms([[1, 2, 3]]);
    const b = (rdms as unknown as Record<symbol, () => Record<string, unknown>>)[MIME_BUNDLE]();
    expect(Object.keys(b)).toContain("application/vnd.neurolab.rdm.v1+json");
    expect(Object.keys(rdms)).not.toContain(String(MIME_BUNDLE));
    expect(JSON.parse(JSON.stringify({ ...rdms, dissimilarities: [] })).nConditions).toBe(3);
    const c = connectome.neuronsOnly(
      connectome.buildConnectome([{ pre: "AVAL", post: "AVAR", type: "chemical", count: 3 }], {}),
    );
    const cb = (c as unknown as Record<symbol, () => Record<string, unknown>>)[MIME_BUNDLE]();
    expect(Object.keys(cb)).toContain("application/vnd.neurolab.connectome.v1+json");
  });
});

describe("rasterFigure with a state-trace panel", () => {
  async function network() {
    const nl = await import("../../src/index.js");
    const net = new nl.Network({ dt_ms: 0.1, seed: 3 });
    const input = net.addPoisson("input", { size: 50, rate_Hz: 20 });
    const exc = net.addLif("exc", { size: 20, v0_mV: (rng) => -70 + 15 * rng.uniform() });
    const inh = net.addLif("inh", { size: 5 });
    net.connect(input, exc, { rule: nl.fixedProbability(0.2), weight_mV: 3, delay_ms: 1 });
    const spikes = net.monitorSpikes([input, exc]);
    const vExc = net.monitorState(exc, ["v_mV"], { indices: [2, 7], every_steps: 5 });
    const vInh = net.monitorState(inh, ["v_mV"], { indices: [1], every_steps: 5 });
    return { nl, net, spikes, vExc, vInh, exc };
  }

  it("carries the monitors' traces on the raster's time axis, with raster rows", async () => {
    const { nl, net, spikes, vExc, vInh } = await network();
    net.run(200);
    const fig = nl.rasterFigure({ spikes, states: [vExc, vInh], title: `states ${HOSTILE}` });
    const b = fig[MIME_BUNDLE]();
    const d = decodeRaster(JSON.parse(JSON.stringify(b[RASTER_MIME])));
    const s = d.states!;
    expect(s.variable).toBe("v_mV");
    expect(s.unit).toBe("mV");
    expect(s.labels).toEqual(["exc 2", "exc 7", "inh 1"]);
    expect(s.rows).toEqual([50 + 2, 50 + 7, -1]); // exc follows the 50 inputs in the raster; inh is not in it
    expect(s.nSamples).toBe(400);
    expect(s.dt_ms).toBeCloseTo(0.5, 12);
    expect(s.tStart_ms).toBeCloseTo(0.5, 12);
    expect(Array.from(s.values.subarray(400, 800))).toEqual(
      Array.from(Float32Array.from(vExc.trace("v_mV", 1))),
    );
    expect(Array.from(s.values.subarray(800))).toEqual(
      Array.from(Float32Array.from(vInh.trace("v_mV", 0))),
    );
    expect(d.times_ms.length).toBe(spikes.count);
    const svg = b["image/svg+xml"] as string;
    checkStatic(svg);
    expect(svg.match(/<polyline [^>]*stroke-opacity="0.85"/g)).toHaveLength(3); // the state traces
    expect(svg.match(/<polyline /g)).toHaveLength(3 + d.populations.length); // + one rate line per population
    for (const label of ["exc 2", "exc 7", "inh 1"]) expect(svg).toContain(`>${label}</text>`); // the state legend
    expect(svg).toContain("v (mV)");
    expect(b["text/plain"]).toMatch(/3 v_mV traces \(400 samples every 0.5 ms\)/);
    // Without states it is the monitor's own raster.
    expect(nl.rasterFigure({ spikes }).payload()).toEqual(spikes.raster().payload());
  });

  it("rejects states it cannot draw, naming the problem", async () => {
    const { nl, net, spikes, vExc, exc } = await network();
    expect(() => nl.rasterFigure({ spikes, states: vExc })).toThrow(/no samples yet/);
    net.run(50);
    expect(() => nl.rasterFigure({ spikes, states: vExc, maxTraces: 0 })).toThrow(
      /maxTraces must be an integer in \[1, 64\], got 0/,
    );
    expect(() => nl.rasterFigure({ spikes, states: vExc, variable: "w_pA" })).toThrow(
      /variable must be recorded by every state monitor/,
    );
    expect(nl.rasterFigure({ spikes, states: vExc, maxTraces: 1 }).data.states!.labels).toEqual([
      "exc 2",
    ]);
    const late = net.monitorState(exc, ["v_mV"], { indices: [0] });
    net.run(10);
    expect(() => nl.rasterFigure({ spikes, states: [vExc, late] })).toThrow(
      /states\[1\] must be sampled on the regular grid of states\[0\]/,
    );
    expect(nl.unitOf("g_nS")).toBe("nS");
    expect(nl.unitOf("u")).toBe("");
  });
});
