// Additive revisions of the widget payloads: raster revision 2 (neuron names, dt), activity
// revision 2 (unit), RDM categories; older payloads without them stay valid, bad values name the
// field. Also the measure names the figures print.
import { describe, expect, it } from "vitest";
import {
  MIME_BUNDLE,
  RasterFigure,
  rasterFigure,
  activityFigure,
  rdmFigure,
  Network,
} from "../../src/index.js";
import * as rsa from "../../src/rsa/index.js";
import {
  RASTER_MIME,
  RASTER_REVISION,
  SchemaError,
  activityValueLabel,
  decodeActivity,
  decodeRaster,
  decodeRdm,
  encodeRaster,
  measureLabel,
} from "../../src/schema/index.js";

const base = {
  title: "r",
  tStart_ms: 0,
  tStop_ms: 10,
  nNeurons: 3,
  populations: [{ name: "neurons", start: 0, size: 3 }],
  times_ms: Float32Array.from([1, 2.5, 9]),
  neurons: Uint32Array.from([0, 2, 1]),
};
const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("raster payload revision 2", () => {
  it("carries neuron names and dt, and decodes them", () => {
    const p = json(encodeRaster({ ...base, neuronNames: ["AVAL", "AVAR", "PVCL"], dt_ms: 0.1 }));
    expect(p.version).toBe(1);
    expect(p.revision).toBe(RASTER_REVISION);
    expect(RASTER_REVISION).toBe(2);
    const d = decodeRaster(p);
    expect(d.neuronNames).toEqual(["AVAL", "AVAR", "PVCL"]);
    expect(d.dt_ms).toBe(0.1);
  });

  it("revision-1 payloads (no revision, names or dt) stay valid", () => {
    const p = json(encodeRaster(base));
    delete p.revision;
    expect(p.neuron_names).toBeUndefined();
    const d = decodeRaster(p);
    expect(d.neuronNames).toBeNull();
    expect(d.dt_ms).toBeNull();
  });

  it("rejects bad names, dt and revision, naming the field", () => {
    const p = json(encodeRaster({ ...base, neuronNames: ["a", "b", "c"], dt_ms: 0.1 }));
    expect(() => decodeRaster({ ...p, neuron_names: ["a", "b"] })).toThrow(
      /payload\.neuron_names must have 3 entries/,
    );
    expect(() => decodeRaster({ ...p, neuron_names: ["a", { x: 1 }, "c"] })).toThrow(
      /payload\.neuron_names\[1\] must be a string/,
    );
    expect(() => decodeRaster({ ...p, dt_ms: 0 })).toThrow(/payload\.dt_ms must be > 0/);
    expect(() => decodeRaster({ ...p, dt_ms: "0.1" })).toThrow(SchemaError);
    expect(() => decodeRaster({ ...p, revision: 1.5 })).toThrow(/payload\.revision/);
    expect(() => encodeRaster({ ...base, neuronNames: ["a"] })).toThrow(
      /neuronNames must have one name per neuron \(3\)/,
    );
  });

  it("a spike monitor passes its names and time step; rasterFigure takes names too", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const g = net.addLif("cells", { size: 2 });
    g.current_pA[0] = 1000;
    const spikes = net.monitorSpikes([g]);
    const vm = net.monitorState(g, ["v_mV"], { indices: [0, 1] });
    net.run(50);
    spikes.neuronNames = ["ALML", "ALMR"];
    const d = decodeRaster(json(spikes[MIME_BUNDLE]()[RASTER_MIME]));
    expect(d.neuronNames).toEqual(["ALML", "ALMR"]);
    expect(d.dt_ms).toBe(0.1);
    const fig = rasterFigure({ spikes, states: vm, neuronNames: ["A", "B"] });
    expect(fig.data.neuronNames).toEqual(["A", "B"]);
    // The static legend names each trace's neuron.
    expect(fig.toSvg()).toContain(">cells 0 (A)</text>");
    expect(new RasterFigure({ ...base }).payload().neuron_names).toBeUndefined();
  });
});

describe("activity payload revision 2", () => {
  it("carries the unit; older payloads have none", () => {
    const fig = activityFigure(
      { data: [1, 2, 3, 4], nNeurons: 2, nTimes: 2, dt_s: 1 },
      { quantity: "rate", unit: "Hz" },
    );
    const p = json(fig.payload());
    expect(p.revision).toBe(2);
    const d = decodeActivity(p);
    expect(d.unit).toBe("Hz");
    expect(activityValueLabel(d)).toBe("rate (Hz)");
    delete p.unit;
    delete p.revision;
    expect(decodeActivity(p).unit).toBe("");
    expect(() => decodeActivity({ ...p, unit: 3 })).toThrow(/payload\.unit must be a string/);
  });
});

describe("RDM categories and measure names", () => {
  const rows = Array.from({ length: 6 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3), i % 2]);

  it("categories from an option or a descriptor travel in the payload", () => {
    const ds = rsa.makeDataset(rows, {
      obsDescriptors: {
        stimulus: ["a1", "a2", "a3", "b1", "b2", "b3"],
        kind: ["a", "a", "a", "b", "b", "b"],
      },
    });
    const r = rsa.calcRdm(ds, { descriptor: "stimulus" });
    const auto = decodeRdm(json(rdmFigure(r).payload()));
    // The "stimulus" descriptor labels the conditions; no other descriptor repeats values here.
    expect(auto.labels).toEqual(["a1", "a2", "a3", "b1", "b2", "b3"]);
    const given = decodeRdm(
      json(rdmFigure(r, { categories: ["x", "x", "y", "y", "z", "z"] }).payload()),
    );
    expect(given.categories).toEqual(["x", "x", "y", "y", "z", "z"]);
    expect(() => rdmFigure(r, { categories: ["x"] })).toThrow(/categories must have 6 entries/);
    expect(() => decodeRdm({ ...json(rdmFigure(r).payload()), categories: ["x"] })).toThrow(
      /payload\.categories must have 6 entries/,
    );
  });

  it("a descriptor with repeated values colours the MDS", () => {
    const r = rsa.makeRdms([[1, 2, 3, 4, 5, 6]], {
      patternDescriptors: { label: ["p", "q", "r", "s"], group: ["g1", "g1", "g2", "g2"] },
    });
    expect(rdmFigure(r).data.categories).toEqual(["g1", "g1", "g2", "g2"]);
  });

  it("names correlation as a distance", () => {
    expect(measureLabel("correlation")).toBe("correlation distance (1 \u2212 r)");
    expect(measureLabel("squared euclidean")).toBe("squared euclidean distance");
    expect(measureLabel("")).toBe("dissimilarity");
    const r = rsa.calcRdm(rsa.makeDataset(rows), { method: "correlation" });
    expect(rdmFigure(r).toSvg()).toContain(
      "correlation distance (1 &#8722; r)".replace("&#8722;", "\u2212"),
    );
  });
});

describe("one unit-suffix style", () => {
  // The library names quantities with a snake unit suffix (`times_ms`, `tStart_ms`, `rate_Hz`,
  // `v_mV`); payloads on the wire are snake_case throughout (`spike_times_ms`, `t_start_s`).
  const CAMEL_UNIT = /[a-z0-9](Ms|S|Hz|MV|Mv|PA|Pa|NS|Ns|Pf|PF)$/;
  const keysOf = (v: unknown, out: string[] = [], at = ""): string[] => {
    if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return out;
    for (const [k, x] of Object.entries(v)) {
      if (!Array.isArray(v)) out.push(`${at}${k}`);
      keysOf(x, out, Array.isArray(v) ? at : `${at}${k}.`);
    }
    return out;
  };
  const leaf = (key: string) => key.split(".").pop()!;

  it("figure data, payloads and decoded payloads of every widget", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const g = net.addLif("cells", { size: 2 });
    g.current_pA[0] = 1000;
    const spikes = net.monitorSpikes([g]);
    const vm = net.monitorState(g, ["v_mV"], { indices: [0, 1] });
    net.run(20);
    const rows = Array.from({ length: 5 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3), i % 2]);
    const figures = [
      rasterFigure({ spikes, states: vm }),
      activityFigure({ data: [1, 2, 3, 4], nNeurons: 2, nTimes: 2, dt_s: 1 }, { unit: "Hz" }),
      rdmFigure(rsa.calcRdm(rsa.makeDataset(rows))),
    ];
    const decoders = [decodeRaster, decodeActivity, decodeRdm] as ((p: unknown) => unknown)[];
    figures.forEach((fig, k) => {
      const payload = json(fig.payload());
      for (const key of keysOf(payload))
        expect(leaf(key), `payload key ${key}`).toMatch(/^[a-z0-9_]+$/);
      for (const key of [...keysOf(fig.data), ...keysOf(decoders[k](payload))])
        expect(leaf(key), `data key ${key}`).not.toMatch(CAMEL_UNIT);
    });
    const d = figures[0].data as ReturnType<typeof decodeRaster>;
    expect(Object.keys(d)).toEqual(
      expect.arrayContaining(["times_ms", "tStart_ms", "tStop_ms", "dt_ms"]),
    );
    expect(Object.keys(d.states!)).toEqual(expect.arrayContaining(["tStart_ms", "dt_ms"]));
  });

  it("saved payloads of every earlier revision decode to the same data", () => {
    // A revision-1 raster and activity payload as saved in a notebook before revision 2.
    const raster1 = {
      schema: "neurolab.raster",
      version: 1,
      title: "r",
      t_start_ms: 0,
      t_stop_ms: 10,
      n_neurons: 2,
      populations: [{ name: "p", start: 0, size: 2 }],
      n_spikes: 2,
      spike_times_ms: "AACAPwAAQEA=",
      spike_neurons: "AAAAAAEAAAA=",
    };
    const r = decodeRaster(raster1);
    expect([...r.times_ms]).toEqual([1, 3]);
    expect([r.tStart_ms, r.tStop_ms, r.dt_ms]).toEqual([0, 10, null]);
    const activity1 = {
      schema: "neurolab.activity",
      version: 1,
      quantity: "rate",
      n_neurons: 1,
      n_times: 2,
      t_start_s: 0.5,
      dt_s: 0.25,
      labels: ["a"],
      values: "AACAPwAAAEA=",
    };
    const a = decodeActivity(activity1);
    expect([a.tStart_s, a.dt_s, a.unit, [...a.values]]).toEqual([0.5, 0.25, "", [1, 2]]);
  });
});
