// The weight histogram over time (recordWeightHistogram): counts per bin at the sampling times,
// against counts made by hand from known weights, and its heatmap (weight bins as rows).
import { describe, expect, it } from "vitest";
import { MIME_BUNDLE, Network, allToAll, plasticity } from "../../src/index.js";

describe("recordWeightHistogram", () => {
  it("samples the initial weights, then every every_ms; counts equal hand counts; edge values go to the edge bins", () => {
    const net = new Network({ dt_ms: 0.5, seed: 1 });
    const pre = net.addSpikeGenerator("pre", { size: 12, neurons: [], times_ms: [] });
    const post = net.addSpikeGenerator("post", { size: 1, neurons: [], times_ms: [] });
    // Weights 0, 0.1, ..., 1.1 (1.0 and 1.1 lie at and beyond hi = 1).
    const syn = net.connect(pre, post, { rule: allToAll(), model: "w : 1", init: { w: "0.1*i" } });
    const hist = plasticity.recordWeightHistogram(net, syn, { hi: 1, bins: 4, every_ms: 10 });
    // At 12 ms every weight is halved (before the 20 ms sample).
    net.addOperation((t) => {
      if (t === 12) syn.set("w", "w/2");
    });
    net.run(25);
    expect(hist.times_ms).toEqual([0, 10, 20]);
    const byHand = (ws: number[]) => {
      const c = [0, 0, 0, 0];
      for (const w of ws) c[Math.min(3, Math.max(0, Math.floor(w / 0.25)))]++;
      return c;
    };
    const w0 = Array.from({ length: 12 }, (_, k) => 0.1 * k);
    expect(Array.from(hist.counts[0])).toEqual(byHand(w0));
    expect(Array.from(hist.counts[0])).toEqual([3, 2, 3, 4]);
    expect(Array.from(hist.counts[1])).toEqual(byHand(w0));
    expect(Array.from(hist.counts[2])).toEqual(byHand(w0.map((w) => w / 2)));
    // After reset the timeline continues (the weights are kept).
    net.reset();
    net.run(10);
    expect(hist.times_ms).toEqual([0, 10, 20, 30]);
    expect(Array.from(hist.counts[3])).toEqual(byHand(w0.map((w) => w / 2)));
    expect(String(net.schedule())).toMatch(/weight histogram/);
  });

  it("draws as the activity heatmap: bins as rows (highest on top), samples as columns, fractions per column", () => {
    const m = plasticity.songAbbott2000({ seed: 3 });
    const hist = plasticity.recordWeightHistogram(m.net, m.synapses, {
      hi: 0.01,
      bins: 10,
      every_ms: 500,
    });
    m.net.run(5000);
    expect(hist.counts.length).toBe(11);
    for (const c of hist.counts) expect(c.reduce((a, b) => a + b, 0)).toBe(1000);
    const fig = hist.figure({ title: "Song-Abbott" });
    const d = fig.data;
    expect([d.nNeurons, d.nTimes, d.dt_s]).toEqual([10, 11, 0.5]);
    expect(d.labels[0]).toBe("0.0090–0.0100");
    expect(d.labels[9]).toBe("0.0000–0.0010");
    for (let t = 0; t < 11; t++) {
      let s = 0;
      for (let r = 0; r < 10; r++) s += d.values[r * 11 + t];
      expect(s).toBeCloseTo(1, 6);
      // Row r is bin 9 - r.
      expect(d.values[0 * 11 + t]).toBeCloseTo(hist.counts[t][9] / 1000, 6);
    }
    // The distribution moved while learning (STDP pushes weights to the bounds).
    expect(Array.from(hist.counts[10])).not.toEqual(Array.from(hist.counts[0]));
    expect(Object.keys(fig[MIME_BUNDLE]())).toContain("image/svg+xml");
    expect(hist.figure({ fraction: false }).data.values[0]).toBe(hist.counts[0][9]);
  });

  it("refuses bad options, and a figure before any sample", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const a = net.addSpikeGenerator("a", { size: 1, neurons: [], times_ms: [] });
    const syn = net.connect(a, a, { rule: allToAll(), model: "w : 1" });
    expect(() => plasticity.recordWeightHistogram(net, syn, { hi: 0 })).toThrow(/hi/);
    expect(() => plasticity.recordWeightHistogram(net, syn, { hi: 1, bins: 0 })).toThrow(/bins/);
    expect(() => plasticity.recordWeightHistogram(net, syn, { hi: 1, every_ms: 0.05 })).toThrow(
      /every_ms/,
    );
    expect(() => plasticity.recordWeightHistogram(net, syn, { hi: 1, variable: "g" })).toThrow(
      /variable/,
    );
    expect(() => plasticity.recordWeightHistogram(net, syn, { hi: 1, width: 2 } as never)).toThrow(
      /unknown option "width"/,
    );
    expect(() => plasticity.recordWeightHistogram(net, syn, { hi: 1 }).figure()).toThrow(
      /no sample yet/,
    );
  });
});
