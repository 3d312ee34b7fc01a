import { describe, expect, it } from "vitest";
import {
  MIME_BUNDLE,
  Network,
  Rng,
  fixedInDegree,
  fixedProbability,
  oneToOne,
  synapseCount,
} from "../../src/index.js";
import { RASTER_MIME } from "../../src/schema/index.js";

/** The quickstart network: Poisson input driving a LIF population. */
function quickstart(seed: number) {
  const net = new Network({ dt_ms: 0.1, seed });
  const input = net.addPoisson("input", { size: 200, rate_Hz: 20 });
  const exc = net.addLif("exc", { size: 100, v0_mV: (rng) => -70 + 10 * rng.uniform() });
  net.connect(input, exc, { rule: fixedProbability(0.1), weight_mV: 3, delay_ms: 1.5 });
  const mon = net.monitorSpikes();
  return { net, mon };
}

describe("Network", () => {
  it("gives bitwise-identical spikes for the same seed, and different spikes for another", () => {
    const a = quickstart(3);
    const b = quickstart(3);
    const c = quickstart(4);
    for (const x of [a, b, c]) x.net.run(500);
    expect(a.mon.count).toBeGreaterThan(1000);
    expect(Array.from(b.mon.times_ms)).toEqual(Array.from(a.mon.times_ms));
    expect(Array.from(b.mon.neurons)).toEqual(Array.from(a.mon.neurons));
    expect(Array.from(c.mon.neurons)).not.toEqual(Array.from(a.mon.neurons));
  });

  it("continues a run exactly and resets to the initial state", () => {
    const whole = quickstart(5);
    whole.net.run(600);
    const parts = quickstart(5);
    parts.net.run(200);
    parts.net.run(400);
    expect(parts.net.t_ms).toBeCloseTo(600, 9);
    expect(Array.from(parts.mon.neurons)).toEqual(Array.from(whole.mon.neurons));
    expect(Array.from(parts.mon.times_ms)).toEqual(Array.from(whole.mon.times_ms));
    parts.net.reset();
    parts.net.run(600);
    expect(Array.from(parts.mon.neurons)).toEqual(Array.from(whole.mon.neurons));
  });

  it("drives Poisson sources at their rate and samples fixed-probability synapses at p", () => {
    const { net, mon } = quickstart(11);
    net.run(2000);
    // 200 sources x 20 Hz x 2 s = 8000 expected spikes, sd ~ 89.
    expect(Math.abs(mon.meanRate_Hz("input") - 20)).toBeLessThan(1);
    // 200 x 100 pairs at p = 0.1: 2000 expected, sd ~ 42.
    expect(Math.abs(net.synapseCount - 2000)).toBeLessThan(200);
    const csr = fixedProbability(0.02)(4000, 4000, new Rng(1));
    expect(Math.abs(synapseCount(csr) / 16e6 - 0.02)).toBeLessThan(0.0005);
    for (let i = 0; i < csr.nPre; i++)
      expect(csr.rowPtr[i + 1]).toBeGreaterThanOrEqual(csr.rowPtr[i]);
  });

  it("delivers each spike exactly `delay` later and conserves spike counts through one-to-one", () => {
    const n = 50;
    const rng = new Rng(9);
    const neurons: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 4; k++) {
        neurons.push(i);
        times.push(Number((5 + 20 * k + Math.floor(rng.uniform() * 100) * 0.1).toFixed(1)));
      }
    for (const delay of [0.1, 1.5, 7.3]) {
      const net = new Network({ dt_ms: 0.1 });
      const gen = net.addSpikeGenerator("gen", { size: n, neurons, times_ms: times });
      const out = net.addLif("out", { size: n, params: { tRef_ms: 1 } });
      net.connect(gen, out, { rule: oneToOne(), weight_mV: 50, delay_ms: delay });
      const mon = net.monitorSpikes([out]);
      net.run(120);
      expect(mon.count).toBe(neurons.length);
      const got = Array.from(mon.neurons, (i, k) => `${i}@${mon.times_ms[k].toFixed(6)}`).sort();
      const want = neurons.map((i, k) => `${i}@${(times[k] + delay).toFixed(6)}`).sort();
      expect(got).toEqual(want);
    }
  });

  it("rejects bad arguments with the argument's name and range", () => {
    expect(() => new Network({ dt_ms: 0 })).toThrow(
      /dt_ms must be a finite number in \[0.0001, 1000\], got 0/,
    );
    expect(() => new Network({ dt_ms: NaN })).toThrow(/dt_ms/);
    expect(() => fixedProbability(1.5)).toThrow(/p must be a finite number in \[0, 1\], got 1.5/);
    const net = new Network({ dt_ms: 0.1 });
    expect(() => net.addLif("a", { size: 0 })).toThrow(/a: size must be an integer in \[1,/);
    const a = net.addLif("a", { size: 2, v0_mV: [NaN, 1] });
    expect(() => net.addLif("a", { size: 2 })).toThrow(/name must be unique/);
    expect(() => net.run(1)).toThrow(/a: init.v_mV\[0\] must be a finite number/);
    const p = net.addPoisson("p", { size: 2, rate_Hz: 20_000 });
    expect(() => net.connect(p, a, { rule: oneToOne(), weight_mV: 1, delay_ms: 0.01 })).toThrow(
      /delay_ms must be in \[dt_ms, 65535 dt_ms\] = \[0.1, 6553.5\] ms, got 0.01/,
    );
    expect(() => net.connect(p, a, { rule: oneToOne(), weight_nS: 1 })).toThrow(
      /receptor "delta" of a \(delta\) takes exactly one weight, weight_mV; got weight_nS/,
    );
    expect(() => net.connect(p, a, { rule: oneToOne(), receptor: "ampa", weight_nS: 1 })).toThrow(
      /receptor must be one of "delta" of a, got "ampa"/,
    );
    expect(() => net.connect(p, a, { rule: oneToOne(), weight_mV: NaN })).toThrow(
      /weight_mV must be a finite number/,
    );
    const net2 = new Network({ dt_ms: 0.1 });
    net2.addPoisson("p", { size: 2, rate_Hz: 20_000 });
    expect(() => net2.run(1)).toThrow(
      /p: rate_Hz must be a finite number in \[0, 10000\], got 20000/,
    );
    expect(() => new Network().run(0.15)).toThrow(
      /duration_ms must be a whole number of steps of dt_ms = 0.1, got 0.15/,
    );
  });

  it("runs asynchronously with the same results, and stops cleanly on abort", async () => {
    const sync = quickstart(21);
    sync.net.run(800);
    const a = quickstart(21);
    const done = await a.net.runAsync(800, { yieldEvery_ms: 1 });
    expect(done).toEqual({ step: 8000, steps: 8000, t_ms: a.net.t_ms });
    expect(Array.from(a.mon.neurons)).toEqual(Array.from(sync.mon.neurons));
    // Abort after the first progress report; the network stops at a step boundary and continues.
    const b = quickstart(21);
    const controller = new AbortController();
    const run = b.net.runAsync(800, {
      signal: controller.signal,
      yieldEvery_ms: 1,
      progressEvery_steps: 100,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({
      name: "AbortError",
      message: expect.stringMatching(/run interrupted at t = \d+\.\d{3} ms/),
    });
    const reached = b.net.t_ms;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(800);
    b.net.run(Number((800 - reached).toFixed(1)));
    expect(Array.from(b.mon.neurons)).toEqual(Array.from(sync.mon.neurons));
    expect(Array.from(b.mon.times_ms)).toEqual(Array.from(sync.mon.times_ms));
  });

  it("reports progress during long runs", () => {
    const { net } = quickstart(1);
    const seen: number[] = [];
    net.run(100, { onProgress: (p) => seen.push(p.step), progressEvery_steps: 300 });
    expect(seen).toEqual([300, 600, 900, 1000]);
  });

  it("displays spikes as a raster bundle with a script-free SVG fallback", () => {
    const { net, mon } = quickstart(2);
    net.run(200);
    const bundle = mon.raster({ title: "<script>alert(1)</script>" })[MIME_BUNDLE]();
    expect(Object.keys(bundle).sort()).toEqual([RASTER_MIME, "image/svg+xml", "text/plain"].sort());
    const svg = bundle["image/svg+xml"] as string;
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&#60;script&#62;");
    expect(bundle["text/plain"]).toMatch(/spikes from 300 neurons in \[0, 200\] ms/);
    const payload = bundle[RASTER_MIME] as { n_spikes: number; populations: unknown[] };
    expect(payload.n_spikes).toBe(mon.count);
    expect(payload.populations).toEqual([
      { name: "input", start: 0, size: 200 },
      { name: "exc", start: 200, size: 100 },
    ]);
  });
});

describe("SpikeMonitor display", () => {
  it("displays as its raster", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    net.addPoisson("p", { size: 10, rate_Hz: 50 });
    const m = net.monitorSpikes();
    net.run(100);
    const bundle = m[MIME_BUNDLE]();
    expect(Object.keys(bundle)).toContain(RASTER_MIME);
    expect((bundle[RASTER_MIME] as { n_spikes: number }).n_spikes).toBe(m.count);
    expect(String(m)).toBe(`SpikeMonitor of p: ${m.count} spikes from 10 neurons`);
  });

  it("stores 4 bytes per synapse with a shared weight, 8 with per-synapse weights, 10 with per-synapse delays (plus row pointers)", () => {
    const bytes = (weight_mV: number | ((r: Rng) => number), delay_ms?: (r: Rng) => number) => {
      const net = new Network();
      const a = net.addLif("a", { size: 200 });
      const b = net.addLif("b", { size: 300 });
      net.connect(a, b, { rule: fixedInDegree(50), weight_mV, delay_ms });
      expect(net.synapseCount).toBe(300 * 50);
      return net.connectivityBytes;
    };
    const rowPtr = 4 * 201;
    expect(bytes(0.5)).toBe(rowPtr + 4 * 15000);
    expect(bytes((r) => r.uniform())).toBe(rowPtr + 8 * 15000);
    expect(
      bytes(
        (r) => r.uniform(),
        (r) => 1 + r.uniform(),
      ),
    ).toBe(rowPtr + 10 * 15000);
  });

  it("a shared weight is delivered as the float32 value, exactly as per-synapse weights are", () => {
    const run = (w: number | (() => number)) => {
      const net = new Network({ seed: 4 });
      const src = net.addSpikeGenerator("s", { size: 1, neurons: [0, 0], times_ms: [1, 2] });
      const g = net.addLif("g", { size: 3, params: { vThresh_mV: 1e9 } });
      net.connect(src, g, { rule: fixedProbability(1), weight_mV: w });
      net.run(3);
      return g.snapshot().v_mV;
    };
    expect(Array.from(run(0.1))).toEqual(Array.from(run(() => 0.1)));
  });
});
