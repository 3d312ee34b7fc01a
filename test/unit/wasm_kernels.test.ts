import { describe, expect, it } from "vitest";
import { Network, cobaNetwork, fixedProbability, oneToOne } from "../../src/index.js";
import { lif, lifFusedStep, type LifParams } from "../../src/neurons/lif.js";
import { lifWasmModule } from "../../src/neurons/lifWasm.js";
import { neuronState, type FusedInputs } from "../../src/neurons/model.js";
import { receptorState } from "../../src/synapses/receptors.js";
import { Arena, arenaBytes } from "../../src/wasm/arena.js";
import { Rng } from "../../src/random/rng.js";

/** Bitwise equality of two typed arrays (NaN payloads and -0 included). */
function sameBits(a: Float64Array | Int32Array, b: Float64Array | Int32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

/** One population's COBA arrays in an arena (wasm) or in ordinary arrays (reference). */
function cobaArrays(n: number, p: LifParams, inArena: boolean) {
  const arena = inArena ? new Arena(arenaBytes(n, 8) * 8 + arenaBytes(n, 4) * 2) : undefined;
  const s = neuronState(["v_mV"], n, arena);
  const delta = receptorState("delta", { kind: "delta" }, n, 0.1, arena);
  const exc = receptorState("exc", { kind: "conductance", tau_ms: 5, eRev_mV: 0 }, n, 0.1, arena);
  const inh = receptorState(
    "inh",
    { kind: "conductance", tau_ms: 10, eRev_mV: -80 },
    n,
    0.1,
    arena,
  );
  const f64 = (k: number) => (arena ? arena.f64(k) : new Float64Array(k));
  const f: FusedInputs = {
    external_pA: f64(n),
    coupling_pA: null,
    receptors: [delta, exc, inh],
    arriving: [f64(n), f64(n), f64(n)],
    wasm: arena?.instance(lifWasmModule()),
    wasmBuffer: arena?.buffer ?? null,
  };
  const spiked = arena ? arena.i32(n) : new Int32Array(n);
  return { s, f, spiked, k: lif.prepare(p, 0.1) };
}

describe("WebAssembly SIMD kernels", () => {
  it("are available in Node (the fast path is what the benchmarks measure)", () => {
    expect(lifWasmModule()).toBeDefined();
  });

  it("the fused COBA step equals the TypeScript loop bit for bit, odd sizes, refractoriness and ties included", () => {
    const p = lif.params({
      tauM_ms: 20,
      cM_pF: 200,
      vRest_mV: -60,
      vReset_mV: -60,
      vThresh_mV: -50,
      tRef_ms: 0.5,
      iBias_pA: 300,
      integration: "euler",
    });
    for (const n of [1, 2, 7, 64, 333]) {
      const ref = cobaArrays(n, p, false);
      const fast = cobaArrays(n, p, true);
      expect(fast.f.wasm).toBeDefined();
      const rng = new Rng(n);
      for (let i = 0; i < n; i++)
        ref.s.vars.v_mV[i] = fast.s.vars.v_mV[i] = -60 + 10 * rng.uniform();
      // Two neurons start exactly at threshold after a zero-input step: ties must spike on both paths.
      if (n > 3) ref.s.vars.v_mV[3] = fast.s.vars.v_mV[3] = -50;
      let spikes = 0;
      let refractorySeen = false;
      for (let t = 0; t < 400; t++) {
        for (const x of [ref, fast]) x.f.external_pA.fill(t % 50 === 0 ? 0 : 40 * Math.sin(t / 7));
        for (let i = 0; i < n; i++) {
          const u = rng.uniform();
          const a = u < 0.1 ? 8 * rng.uniform() : 0;
          const b = u > 0.98 ? 10 * rng.uniform() : 0;
          const j = u > 0.5 && u < 0.52 ? 3 * rng.uniform() : 0;
          for (const x of [ref, fast]) {
            x.f.arriving[1][i] = a;
            x.f.arriving[2][i] = b;
            x.f.arriving[0][i] = j;
          }
        }
        const cr = lifFusedStep(p, ref.k, ref.s, ref.f, ref.spiked);
        const cf = lifFusedStep(p, fast.k, fast.s, fast.f, fast.spiked);
        expect(cf).toBe(cr);
        expect(sameBits(fast.spiked.subarray(0, cf), ref.spiked.subarray(0, cr))).toBe(true);
        expect(sameBits(fast.s.vars.v_mV, ref.s.vars.v_mV)).toBe(true);
        expect(sameBits(fast.s.refractorySteps, ref.s.refractorySteps)).toBe(true);
        for (let r = 1; r < 3; r++)
          expect(sameBits(fast.f.receptors[r].value, ref.f.receptors[r].value)).toBe(true);
        for (let r = 0; r < 3; r++) {
          expect(fast.f.arriving[r].every((x) => x === 0)).toBe(true); // consumed
          expect(ref.f.arriving[r].every((x) => x === 0)).toBe(true);
        }
        spikes += cr;
        refractorySeen ||= ref.s.refractorySteps.some((x) => x > 0);
      }
      expect(spikes).toBeGreaterThan(n); // the comparison covered spiking, not just subthreshold drift
      expect(refractorySeen).toBe(true);
    }
  });

  it("a COBA network gives bitwise-identical spikes and state with and without wasm", () => {
    const run = (wasm: boolean) => {
      const { net, exc, inh, spikes } = cobaNetwork({
        seed: 3,
        nExc: 800,
        nInh: 200,
        p: 0.08,
        wasm,
      });
      net.build();
      // Count kernel calls (internal fields, test only): the comparison is void if wasm never ran.
      const calls = { neurons: 0, delivery: 0 };
      for (const g of [exc, inh] as unknown as {
        fused: { wasm?: Record<string, (...a: number[]) => number> };
      }[]) {
        const k = g.fused.wasm?.cobaEuler;
        if (k) g.fused.wasm = { cobaEuler: (...a: number[]) => (calls.neurons++, k(...a)) };
      }
      for (const p of (
        net as unknown as {
          built: { projections: { deliver?: Record<string, (...a: number[]) => void> }[] };
        }
      ).built.projections) {
        const d = p.deliver;
        if (d)
          p.deliver = {
            each: (...a) => (calls.delivery++, d.each(...a)),
            uniform: (...a) => (calls.delivery++, d.uniform(...a)),
          };
      }
      net.run(200);
      return { spikes: spikes!, exc: exc.snapshot().v_mV, inh: inh.snapshot().v_mV, calls };
    };
    const a = run(true);
    const b = run(false);
    expect(a.calls.neurons).toBe(2 * 2000); // both groups, every step
    expect(a.calls.delivery).toBeGreaterThan(1000);
    expect(b.calls).toEqual({ neurons: 0, delivery: 0 });
    expect(a.spikes.count).toBeGreaterThan(1000);
    expect(a.spikes.count).toBe(b.spikes.count);
    expect(sameBits(a.spikes.times_ms, b.spikes.times_ms)).toBe(true);
    expect(sameBits(a.spikes.neurons, b.spikes.neurons)).toBe(true);
    expect(sameBits(a.exc, b.exc)).toBe(true);
    expect(sameBits(a.inh, b.inh)).toBe(true);
  });

  it("a mixed network (Poisson and spike-generator input, current and delta synapses, per-synapse delays, gap junctions) is identical with and without wasm", () => {
    const run = (wasm: boolean) => {
      const net = new Network({ seed: 11, wasm });
      const drive = net.addPoisson("drive", { size: 300, rate_Hz: 40 });
      const cue = net.addSpikeGenerator("cue", {
        size: 3,
        neurons: [0, 1, 2, 0],
        times_ms: [5, 5.1, 7, 30],
      });
      const a = net.addLif("a", {
        size: 101,
        v0_mV: (r) => -70 + 10 * r.uniform(),
        receptors: { syn: { kind: "current", tau_ms: 3 } },
      });
      const b = net.addLif("b", {
        size: 57,
        params: { integration: "euler" },
        receptors: {
          exc: { kind: "conductance", tau_ms: 5, eRev_mV: 0 },
          inh: { kind: "conductance", tau_ms: 10, eRev_mV: -80 },
        },
      });
      net.connect(drive, a, {
        rule: fixedProbability(0.1),
        receptor: "syn",
        weight_pA: (r) => 300 * r.uniform(),
        delay_ms: 1.5,
      });
      net.connect(cue, a, { rule: fixedProbability(0.5), weight_mV: 20 });
      net.connect(a, b, {
        rule: fixedProbability(0.2),
        receptor: "exc",
        weight_nS: 4,
        delay_ms: (r) => 0.1 + 3 * r.uniform(),
      });
      net.connect(b, b, { rule: fixedProbability(0.1), receptor: "inh", weight_nS: 6 });
      net.connect(drive, b, { rule: fixedProbability(0.05), receptor: "exc", weight_nS: 3 });
      net.connectGap(a, a, { rule: oneToOne(), g_nS: 0.5 });
      const spikes = net.monitorSpikes([a, b]);
      net.run(150);
      return { spikes, a: a.snapshot().v_mV, b: b.snapshot().v_mV };
    };
    const x = run(true);
    const y = run(false);
    expect(x.spikes.count).toBeGreaterThan(100);
    expect(sameBits(x.spikes.times_ms, y.spikes.times_ms)).toBe(true);
    expect(sameBits(x.spikes.neurons, y.spikes.neurons)).toBe(true);
    expect(sameBits(x.a, y.a)).toBe(true);
    expect(sameBits(x.b, y.b)).toBe(true);
  });

  it("rejects weights beyond float32's range (they are stored as float32), naming the argument", () => {
    const net = new Network();
    const a = net.addLif("a", { size: 2 });
    expect(() => net.connect(a, a, { rule: oneToOne(), weight_mV: 1e39 })).toThrow(
      /weight_mV must be a finite number in \[-3\.4\d*e\+38, 3\.4\d*e\+38\], got 1e\+39/,
    );
    net.connect(a, a, { rule: oneToOne(), weight_mV: () => -1e39 });
    expect(() => net.run(1)).toThrow(/weight_mV\(pre 0, post 0\) must be a finite number/);
  });

  it("rejects a non-boolean wasm option", () => {
    expect(() => new Network({ wasm: "yes" as unknown as boolean })).toThrow(
      /wasm must be true or false/,
    );
  });

  it("current_pA is one array for the group's lifetime: set between runs, in progress callbacks, and by current sources", () => {
    const net = new Network();
    const g = net.addLif("n", { size: 3, params: { vThresh_mV: 1e9 } });
    const I = g.current_pA;
    I.fill(100);
    net.run(1);
    expect(g.current_pA).toBe(I);
    I[1] = 250; // a kept reference still drives the next run
    net.run(1);
    const v = g.snapshot().v_mV;
    expect(v[1]).toBeGreaterThan(v[0]);
    net.reset();
    net.run(1);
    expect(Array.from(g.current_pA)).toEqual([100, 250, 100]);
    // Changed from a progress callback: takes effect from the next step.
    const before = g.snapshot().v_mV[2];
    net.run(2, { progressEvery_steps: 10, onProgress: () => (I[2] = -5000) });
    expect(g.snapshot().v_mV[2]).toBeLessThan(before);
    // A current source writes the step's current; the group's array shows it after the run.
    net.addCurrentSource(g, (t_ms, cur) => cur.fill(t_ms));
    net.run(1);
    expect(I[0]).toBeCloseTo(net.t_ms - net.dt_ms, 12); // the last step's start time
  });
});

describe("Arena", () => {
  it("hands out 16-byte aligned, zeroed, padded arrays and refuses to overrun", () => {
    const arena = new Arena(arenaBytes(3, 8) + arenaBytes(5, 4));
    const a = arena.f64(3);
    const b = arena.i32(5);
    expect(a.byteOffset % 16).toBe(0);
    expect(b.byteOffset % 16).toBe(0);
    expect(b.byteOffset - a.byteOffset).toBe(32);
    expect(Array.from(a)).toEqual([0, 0, 0]);
    expect(() => arena.f64(1)).toThrow(/arena: .* only 64 reserved/);
  });

  it("beyond WebAssembly's 4 GiB hands out ordinary arrays and no kernels (the TypeScript loops run)", () => {
    const arena = new Arena(5 * 2 ** 30);
    expect(arena.buffer).toBeNull();
    const a = arena.f64(4);
    expect(a.buffer.byteLength).toBe(32);
    expect(arena.instance(lifWasmModule())).toBeUndefined();
  });
});
