// One figure type for every widget (payload + MIME type + static fallback + text), the display
// protocol that domain objects use, and checked figure options: unknown keys and values are errors
// that list the allowed ones.
import { describe, expect, it } from "vitest";
import {
  ActivityFigure,
  activityFigure,
  connectomeFigure,
  Figure,
  isDisplayable,
  MIME_BUNDLE,
  Network,
  RASTER_FIGURE,
  RasterFigure,
  rasterFigure,
  rdmFigure,
} from "../../src/index.js";
import { ACTIVITY_MIME, CONNECTOME_MIME, RASTER_MIME, RDM_MIME } from "../../src/schema/index.js";
import * as connectome from "../../src/connectome/index.js";
import * as rsa from "../../src/rsa/index.js";
import { displayAs, registerDisplay } from "../../src/display/protocol.js";

function recorded() {
  const net = new Network({ dt_ms: 0.1, seed: 3 });
  const g = net.addLif("cells", { size: 3 });
  g.current_pA[0] = 1000;
  const spikes = net.monitorSpikes([g]);
  const vm = net.monitorState(g, ["v_mV"], { indices: [0] });
  net.run(30);
  return { spikes, vm };
}
const rdms = () =>
  rsa.makeRdms([[1, 2, 3, 4, 5, 6]], { patternDescriptors: { label: ["a", "b", "c", "d"] } });
const worm = () =>
  connectome.buildConnectome(
    [
      { pre: "AVAL", post: "AVAR", type: "chemical", count: 3 },
      { pre: "AVAR", post: "PVCL", type: "electrical", count: 1 },
    ],
    {},
  );
const activity = () => activityFigure({ data: [1, 2, 3, 4], nNeurons: 2, nTimes: 2, dt_s: 0.5 });

describe("one Figure type", () => {
  it("every figure function returns a Figure whose bundle has its MIME type, an SVG and text", () => {
    const { spikes, vm } = recorded();
    const cases: [Figure<unknown, unknown>, string][] = [
      [spikes.raster(), RASTER_MIME],
      [rasterFigure({ spikes, states: vm }), RASTER_MIME],
      [rdmFigure(rdms()), RDM_MIME],
      [connectomeFigure(worm()), CONNECTOME_MIME],
      [activity(), ACTIVITY_MIME],
    ];
    for (const [fig, mime] of cases) {
      expect(fig).toBeInstanceOf(Figure);
      expect(fig.mime).toBe(mime);
      const b = fig[MIME_BUNDLE]();
      expect(Object.keys(b)).toEqual([mime, "image/svg+xml", "text/plain"]);
      expect(b[mime]).toEqual(fig.payload());
      expect(b["image/svg+xml"]).toBe(fig.toSvg());
      expect(b["text/plain"]).toBe(String(fig));
      expect((b["image/svg+xml"] as string).startsWith("<svg")).toBe(true);
    }
  });

  it("kind classes construct the same figure from data", () => {
    const fig = recorded().spikes.raster({ title: "t" });
    const again = new RasterFigure(fig.data);
    expect(again).toBeInstanceOf(Figure);
    expect(again.kind).toBe(RASTER_FIGURE);
    expect(again.payload()).toEqual(fig.payload());
    expect(new ActivityFigure(activity().data).toSvg()).toBe(activity().toSvg());
  });

  it("a raster beyond the widget's limits has no payload and says why", () => {
    const d = { ...recorded().spikes.raster().data, nNeurons: 20_000_000 };
    const b = new RasterFigure(d)[MIME_BUNDLE]();
    expect(b[RASTER_MIME]).toBeUndefined();
    expect(b["text/plain"]).toMatch(/too large for the interactive widget/);
  });
});

describe("display protocol", () => {
  it("domain records display through the registered builder; unregistered kinds as text", () => {
    const r = rdms();
    expect(isDisplayable(r)).toBe(true);
    expect(Object.keys(r)).not.toContain(MIME_BUNDLE.toString()); // non-enumerable
    expect(r[MIME_BUNDLE as never]).toBeTypeOf("function");
    expect(
      Object.keys((r as unknown as { [MIME_BUNDLE](): Record<string, unknown> })[MIME_BUNDLE]()),
    ).toContain(RDM_MIME);
    const c = worm();
    expect(
      Object.keys((c as unknown as { [MIME_BUNDLE](): Record<string, unknown> })[MIME_BUNDLE]()),
    ).toContain(CONNECTOME_MIME);

    const rec = displayAs({ x: 1 }, "test.unregistered-kind");
    expect(JSON.parse(JSON.stringify(rec))).toEqual({ x: 1 });
    const shown = (rec as unknown as { [MIME_BUNDLE](): Record<string, unknown> })[MIME_BUNDLE]();
    expect(shown).toEqual({
      "text/plain": expect.stringMatching(/test\.unregistered-kind \(no figure builder is loaded/),
    });
    registerDisplay("test.registered-kind", (v: { x: number }) => ({
      [MIME_BUNDLE]: () => ({ "text/plain": `x = ${v.x}` }),
    }));
    const ok = displayAs({ x: 2 }, "test.registered-kind") as unknown as {
      [MIME_BUNDLE](): Record<string, unknown>;
    };
    expect(ok[MIME_BUNDLE]()).toEqual({ "text/plain": "x = 2" });
  });
});

describe("figure options are checked", () => {
  it("unknown keys are errors listing the allowed keys", () => {
    const { spikes, vm } = recorded();
    expect(() => rdmFigure(rdms(), { titel: "x" } as never)).toThrow(
      /rdmFigure options: unknown key "titel"; allowed keys are .*"title".*"categories"/,
    );
    expect(() => connectomeFigure(worm(), { iterations: 10 } as never)).toThrow(
      /connectomeFigure options: unknown key "iterations"; allowed keys are .*"forceIterations"/,
    );
    expect(() => rasterFigure({ spikes, state: vm } as never)).toThrow(
      /rasterFigure options: unknown key "state"; allowed keys are .*"states"/,
    );
    expect(() => spikes.raster({ names: ["a", "b", "c"] } as never)).toThrow(
      /raster options: unknown key "names"; allowed keys are .*"neuronNames"/,
    );
    expect(() =>
      activityFigure({ data: [1], nNeurons: 1, nTimes: 1, dt_s: 1, dt_ms: 1 } as never),
    ).toThrow(/activityFigure input: unknown key "dt_ms"; allowed keys are .*"dt_s"/);
    expect(() =>
      activityFigure({ data: [1], nNeurons: 1, nTimes: 1, dt_s: 1 }, { units: "Hz" } as never),
    ).toThrow(/activityFigure options: unknown key "units"; allowed keys are .*"unit"/);
  });

  it("bad values name the option and the allowed values", () => {
    const { spikes } = recorded();
    expect(() => rdmFigure(rdms(), { mds: "tsne" } as never)).toThrow(
      /rdmFigure options\.mds must be one of true, false, "classical", "metric"/,
    );
    expect(() => rdmFigure(rdms(), { labels: 3 as never })).toThrow(
      /labels must be a descriptor name or an array of 4 labels, got 3/,
    );
    expect(() => rdmFigure(rdms(), { categories: { a: 1 } as never })).toThrow(
      /categories must be a descriptor name or an array of 4 labels/,
    );
    expect(() => rdmFigure(rdms(), { alpha: 5 })).toThrow(/alpha must be a number in \(0, 1\)/);
    expect(() => rdmFigure(rdms(), { mdsRdm: 1 })).toThrow(/mdsRdm must be an integer in \[0, 0\]/);
    expect(() =>
      rdmFigure([
        [0, 1],
        [1, 0],
      ] as never),
    ).toThrow(/rdms must be an RDM set/);
    expect(() => connectomeFigure(worm(), { title: 3 } as never)).toThrow(/title must be a string/);
    expect(() => rasterFigure({ spikes: {} as never })).toThrow(
      /options\.spikes must be a spike monitor/,
    );
    expect(() => rasterFigure({ spikes, states: [spikes] as never })).toThrow(
      /options\.states\[0\] must be a state monitor/,
    );
    expect(() =>
      activityFigure({ data: [1], nNeurons: 1, nTimes: 1, dt_s: 1, layout: "rows" as never }),
    ).toThrow(/layout must be "neurons x time" or "time x neurons"/);
    expect(() =>
      activityFigure({ data: [1], nNeurons: 1, nTimes: 1, dt_s: 1 }, { dropEmpty: "no" as never }),
    ).toThrow(/dropEmpty must be true or false/);
  });
});
