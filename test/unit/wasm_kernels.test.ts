import { describe, expect, it } from "vitest";
import {
  Network,
  cobaNetwork,
  escapeNoiseLif,
  fixedProbability,
  hh,
  metaNeuron,
  oneToOne,
} from "../../src/index.js";
import { arriveKernels, arriveWasmModule } from "../../src/synapses/deliverWasm.js";
import { Arena, arenaBytes } from "../../src/wasm/arena.js";
import { Rng } from "../../src/random/rng.js";

/** Bitwise equality of two typed arrays (NaN payloads and -0 included). */
function sameBits(a: Float64Array | Int32Array, b: Float64Array | Int32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

describe("WebAssembly SIMD kernels", () => {
  it("are available in Node (the fast path is what the benchmarks measure)", () => {
    expect(arriveWasmModule()).toBeDefined();
  });

  it("the arrival kernels add (or move) a ring-buffer row into a variable and zero it, as dst[i] += src[i]", () => {
    for (const n of [1, 2, 7, 64, 333]) {
      const arena = new Arena(arenaBytes(n, 8) * 4);
      const k = arriveKernels(arena)!;
      expect(k).toBeDefined();
      const rng = new Rng(n);
      const dst = arena.f64(n);
      // Two consecutive rows: the kernel must leave the next row's first entry alone.
      const rows = arena.f64(2 * (arenaBytes(n, 8) / 8));
      const src = rows.subarray(0, n);
      const next = rows.subarray(arenaBytes(n, 8) / 8);
      for (let i = 0; i < n; i++) {
        dst[i] = rng.normal();
        src[i] = rng.uniform() < 0.5 ? 0 : 8 * rng.normal();
      }
      next.fill(7);
      const want = Float64Array.from(dst, (x, i) => x + src[i]);
      k.add(dst.byteOffset, src.byteOffset, (n + 1) >> 1);
      expect(sameBits(dst, want)).toBe(true);
      expect(src.every((x) => x === 0)).toBe(true);
      expect(next.every((x) => x === 7)).toBe(true);
      src.set(want.map((x) => -x));
      k.move(dst.byteOffset, src.byteOffset, (n + 1) >> 1);
      expect(
        sameBits(
          dst,
          want.map((x) => -x),
        ),
      ).toBe(true);
      expect(src.every((x) => x === 0)).toBe(true);
    }
  });

  it("a COBA network gives bitwise-identical spikes and state with and without wasm", () => {
    const run = (wasm: boolean, multiStep = false) => {
      const { net, exc, inh, spikes } = cobaNetwork({
        seed: 3,
        nExc: 800,
        nInh: 200,
        p: 0.08,
        wasm,
      });
      // (step by step, so that the delivery calls can be counted from JavaScript; the
      // multi-step driver calls the same kernels from WebAssembly)
      net.multiStep = multiStep;
      net.build();
      // Which target runs each group's generated step, and the delivery kernel calls (internal
      // fields, test only): the comparison is void if wasm never ran.
      const calls = { delivery: 0 };
      const targets = [exc, inh].map(
        (g) => (g as unknown as { group: { target: string } }).group.target,
      );
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
      return {
        driverSteps: net.driverStats.steps,
        spikes: spikes!,
        exc: exc.snapshot().v_mV,
        inh: inh.snapshot().v_mV,
        calls,
        targets,
      };
    };
    const a = run(true);
    const b = run(false);
    expect(a.targets).toEqual(["wasm", "wasm"]);
    expect(b.targets).toEqual(["js", "js"]);
    expect(a.calls.delivery).toBeGreaterThan(1000);
    expect(b.calls).toEqual({ delivery: 0 });
    expect(a.spikes.count).toBeGreaterThan(1000);
    expect(a.spikes.count).toBe(b.spikes.count);
    expect(sameBits(a.spikes.times_ms, b.spikes.times_ms)).toBe(true);
    expect(sameBits(a.spikes.neurons, b.spikes.neurons)).toBe(true);
    expect(sameBits(a.exc, b.exc)).toBe(true);
    expect(sameBits(a.inh, b.inh)).toBe(true);
    const c = run(true, true);
    expect(c.driverSteps).toBe(2000);
    expect(sameBits(c.spikes.neurons, a.spikes.neurons)).toBe(true);
    expect(sameBits(c.exc, a.exc) && sameBits(c.inh, a.inh)).toBe(true);
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

  it("every built-in model, with every receptor kind, delays and gap junctions, is identical with and without wasm", () => {
    const receptors = {
      e: { kind: "conductance", tau_ms: 3, eRev_mV: 0 },
      c: { kind: "current", kernel: "alpha", tau_ms: 2 },
      "GABA-A": { kind: "conductance", kernel: "alpha", tau_ms: 2, eRev_mV: -80 },
    } as const;
    const models = [
      ["lif", (net: Network) => net.addLif("g", { size: 9, receptors })],
      [
        "lif euler",
        (net: Network) => net.addLif("g", { size: 9, receptors, params: { integration: "euler" } }),
      ],
      ["adex", (net: Network) => net.addAdEx("g", { size: 9, receptors, params: { tRef_ms: 1 } })],
      [
        "izhikevich",
        (net: Network) => net.addIzhikevich("g", { size: 9, receptors: { e: receptors.e } }),
      ],
      ["hh", (net: Network) => net.addNeurons("g", hh, { size: 9, receptors })],
      [
        "escapeNoiseLif",
        (net: Network) => net.addNeurons("g", escapeNoiseLif, { size: 9, receptors }),
      ],
      [
        "metaNeuron",
        (net: Network) =>
          net.addNeurons("g", metaNeuron, { size: 9, receptors: { c: receptors.c } }),
      ],
    ] as const;
    for (const [name, add] of models) {
      const run = (wasm: boolean) => {
        const net = new Network({ seed: 5, wasm, dt_ms: name === "hh" ? 0.01 : 0.1 });
        const drive = net.addPoisson("drive", { size: 40, rate_Hz: 80 });
        const g = add(net);
        for (const r of g.receptorNames) {
          const kind = g.receptor(r).kind;
          const weight =
            kind === "delta"
              ? { weight_mV: 0.5 }
              : kind === "current"
                ? { weight_pA: 30 }
                : { weight_nS: 2 };
          // one-step delays (straight into the variable) and longer ones (ring buffers)
          net.connect(drive, g, {
            rule: fixedProbability(0.3),
            receptor: r,
            ...weight,
            delay_ms: r === "c" ? 1.5 : undefined,
          });
        }
        net.connectGap(g, g, { rule: fixedProbability(0.2), g_nS: 0.5 });
        g.current_pA.fill(name === "izhikevich" ? 5 : name === "metaNeuron" ? 50 : 150);
        const m = net.monitorSpikes([g]);
        net.run(name === "hh" ? 20 : 100);
        return {
          m,
          state: g.snapshot(),
          target: (g as unknown as { group: { target: string } }).group.target,
        };
      };
      const a = run(true);
      const b = run(false);
      expect([a.target, b.target], name).toEqual(["wasm", "js"]);
      expect(a.m.count, name).toBeGreaterThan(0);
      expect(sameBits(a.m.times_ms, b.m.times_ms), name).toBe(true);
      expect(sameBits(a.m.neurons, b.m.neurons), name).toBe(true);
      for (const v of Object.keys(a.state))
        expect(sameBits(a.state[v], b.state[v]), `${name}.${v}`).toBe(true);
    }
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
    expect(arriveKernels(arena)).toBeUndefined();
  });
});
