// precision: "float32" for groups written as equations: f32x4 WebAssembly against the JavaScript
// reference that rounds every operation with Math.fround (bitwise identical, with synapses
// writing into float32 groups), and the COBA benchmark's statistics against Brian2 2.9
// (float64, test/reference/brian2_coba_stats.py) within the tolerance of brian2.reference.test.ts.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Network, Rng, fixedProbability } from "../../src/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const ROOT = path.resolve(__dirname, "../..");
const SEEDS = 3;
const COBA = `
dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + I) / taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
`;
const NS = {
  taum: "20*ms",
  taue: "5*ms",
  taui: "10*ms",
  Vt: "-50*mV",
  Vr: "-60*mV",
  El: "-60*mV",
  Ee: "0*mV",
  Ei: "-80*mV",
  I: "20*mV",
  we: 0.6,
  wi: 6.7,
};

type Stats = { rate_exc_Hz: number; rate_inh_Hz: number; cv_isi: number };

/** COBA 4000 written as equations (Brian2's benchmark model): rates and mean ISI CV (neurons with >= 3 spikes). */
function coba(
  seed: number,
  precision: "float32" | "float64",
  wasm = true,
): Stats & { net: Network; v: Float32Array | Float64Array; count: number } {
  const net = new Network({ dt_ms: 0.1, seed, wasm });
  const group = (name: string, size: number) =>
    net.addNeurons(name, {
      size,
      model: COBA,
      threshold: "v > Vt",
      reset: "v = Vr",
      refractory: "5*ms",
      method: "euler",
      namespace: NS,
      init: { v: "Vr + rand()*(Vt - Vr)" },
      precision,
    });
  const exc = group("exc", 3200);
  const inh = group("inh", 800);
  for (const [pre, post, on_pre] of [
    [exc, exc, "ge += we"],
    [exc, inh, "ge += we"],
    [inh, exc, "gi += wi"],
    [inh, inh, "gi += wi"],
  ] as const) {
    net.connect(pre, post, { rule: fixedProbability(0.02), on_pre, namespace: NS });
  }
  const spikes = net.monitorSpikes([exc, inh]);
  net.run(1000);
  const byNeuron = new Map<number, number[]>();
  const times = spikes.times_ms;
  const neurons = spikes.neurons;
  for (let k = 0; k < times.length; k++)
    (byNeuron.get(neurons[k]) ?? byNeuron.set(neurons[k], []).get(neurons[k])!).push(times[k]);
  let cv = 0;
  let m = 0;
  for (const ts of byNeuron.values()) {
    if (ts.length < 3) continue;
    const d = ts.slice(1).map((t, k) => t - ts[k]);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    cv += Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length) / mean;
    m++;
  }
  return {
    net,
    v: exc.variable("v"),
    count: spikes.count,
    rate_exc_Hz: spikes.meanRate_Hz("exc"),
    rate_inh_Hz: spikes.meanRate_Hz("inh"),
    cv_isi: cv / m,
  };
}

function meanSd(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

describe('precision: "float32"', () => {
  it("COBA as equations: rates and ISI CV match Brian2's across seeds, in float32 as in float64", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "brian2-coba-")), "ref.json");
    execFileSync(
      peersPython(),
      [path.join(ROOT, "test", "reference", "brian2_coba_stats.py"), out, String(SEEDS)],
      { stdio: "inherit", timeout: 600_000 },
    );
    const ref: Stats[] = JSON.parse(fs.readFileSync(out, "utf8"));
    for (const precision of ["float32", "float64"] as const) {
      const ours = Array.from({ length: SEEDS }, (_, seed) => coba(100 + seed, precision));
      for (const key of ["rate_exc_Hz", "rate_inh_Hz", "cv_isi"] as const) {
        const a = meanSd(ours.map((r) => r[key]));
        const b = meanSd(ref.map((r) => r[key]));
        // as brian2.reference.test.ts: seed-to-seed spread of both, plus 10 % for the one-step timing conventions
        const tolerance = 3 * Math.sqrt((a.sd ** 2 + b.sd ** 2) / SEEDS) + 0.1 * b.mean;
        expect(
          Math.abs(a.mean - b.mean),
          `${precision} ${key}: neurolab ${a.mean.toFixed(3)} +- ${a.sd.toFixed(3)}, Brian2 ${b.mean.toFixed(3)} +- ${b.sd.toFixed(3)}`,
        ).toBeLessThan(tolerance);
      }
    }
    expect(ref[0].rate_exc_Hz).toBeGreaterThan(15);
  }, 600_000);

  it("COBA: the f32x4 kernel equals the Math.fround reference bit for bit, and differs from float64", () => {
    const a = coba(3, "float32", true);
    const b = coba(3, "float32", false);
    const c = coba(3, "float64", true);
    expect(a.v).toBeInstanceOf(Float32Array);
    expect(a.count).toBe(b.count);
    expect(new Uint8Array(a.v.buffer, a.v.byteOffset, a.v.byteLength)).toEqual(
      new Uint8Array(b.v.buffer, b.v.byteOffset, b.v.byteLength),
    );
    expect(a.count).not.toBe(c.count); // float32 really ran (a chaotic network diverges from float64)
    expect(String(a.net.schedule())).toMatch(
      /exc\s+state update \(euler\) \+ threshold, WebAssembly SIMD \(f32x4\)/,
    );
  }, 120_000);

  it("exact integration in float32: a decay follows its closed form to float32 accuracy", () => {
    const net = new Network({ dt_ms: 0.1 });
    const g = net.addNeurons("g", {
      size: 3,
      model: "dv/dt = (El - v)/tau : volt\nEl : volt",
      method: "exact",
      namespace: { tau: "10*ms" },
      init: { v: "10*mV", El: "-2*mV*i" },
      precision: "float32",
    });
    net.run(50);
    const v = g.variable("v");
    for (let i = 0; i < 3; i++) {
      const El = -2 * i;
      const exact = El + (10 - El) * Math.exp(-50 / 10);
      // 500 steps, each rounding to float32 (relative 6e-8): well within 1e-5 mV here
      expect(Math.abs(v[i] - exact), `v[${i}] = ${v[i]} vs ${exact}`).toBeLessThan(1e-5);
      expect(Math.abs(v[i] - exact)).toBeGreaterThan(0); // float32, not float64
    }
  });

  it("time, index, shared parameters, functions, a refractory condition and synapses (float64 code, float32 targets): wasm equals JavaScript", () => {
    const run = (wasm: boolean) => {
      const net = new Network({ dt_ms: 0.1, seed: 5, wasm });
      const rng = new Rng(3);
      const neurons: number[] = [];
      const times_ms: number[] = [];
      for (let k = 0; k < 400; k++) {
        neurons.push(rng.int(20));
        times_ms.push(Number((0.1 * (1 + rng.int(1990))).toFixed(1)));
      }
      const input = net.addSpikeGenerator("input", { size: 20, neurons, times_ms });
      const g = net.addNeurons("g", {
        size: 7,
        model:
          "dv/dt = (g0*sin(t/(3*ms)) + 0.01*i - v + x**3)/(10*ms) : 1 (unless refractory)\ndx/dt = -x/(5*ms) + exp(-v)/(50*ms) : 1\ng0 : 1 (shared)",
        threshold: "v > 0.6",
        reset: "v = 0; x += 0.1",
        refractory: "v > 0.3",
        method: "rk2",
        init: { g0: 0.7, v: "0.1*rand()" },
        precision: "float32",
      });
      const syn = net.connect(input, g, {
        rule: fixedProbability(0.5),
        model: "w : 1",
        on_pre: "v_post += w; x_post = clip(x_post + 0.3*w, 0, 1)",
        init: { w: "0.2*rand()" },
      });
      const m = net.monitorSpikes([g]);
      net.run(200);
      return { g, syn, m };
    };
    const a = run(true);
    const b = run(false);
    expect(a.g.target).toBe("wasm");
    expect(a.m.count).toBeGreaterThan(10);
    expect(Array.from(a.m.times_ms)).toEqual(Array.from(b.m.times_ms));
    for (const v of a.g.variables)
      expect(Array.from(a.g.variable(v)), v).toEqual(Array.from(b.g.variable(v)));
    expect(a.syn.kernelCalls.js).toBe(0);
    expect(a.syn.kernelCalls.wasm).toBeGreaterThan(100);
  });
});
