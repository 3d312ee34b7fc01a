// Triplet STDP (Pfister & Gerstner 2006) against closed forms and NEST 3.10's stdp_triplet_synapse
// on the Sjöström et al. 2001 pairing-frequency protocol (60 pairings, 0.1-50 Hz, Δt = ±10 ms).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import { Network, allToAll, plasticity } from "../../src/index.js";
import { runNest, runOurs } from "./plasticity.helpers.js";

const P = plasticity.NEST_TRIPLET_DEFAULTS;

function run(
  pre: number[],
  post: number[],
  opts: plasticity.StdpTripletOptions,
  until = 200,
): number {
  const net = new Network({ dt_ms: 0.1, seed: 1 });
  const a = net.addSpikeGenerator("a", { size: 1, neurons: pre.map(() => 0), times_ms: pre });
  const b = net.addSpikeGenerator("b", { size: 1, neurons: post.map(() => 0), times_ms: post });
  const syn = net.connect(a, b, { rule: allToAll(), ...plasticity.stdpTriplet(opts) });
  net.run(until);
  return syn.variable("w")[0];
}

describe("stdpTriplet: closed forms", () => {
  it("pre-post-post triplet: the second post spike potentiates with the o2 trace of the first (taken before its own increment)", () => {
    // axonal, d = 0: pre 10, post 20 and 30.
    const w = run([10], [20, 30], { w0: 1, delay_ms: 0, delayConvention: "axonal" });
    const w1 = 1 + Math.exp(-10 / P.tau_plus_ms) * (P.A2_plus + P.A3_plus * 0);
    const w2 =
      w1 + Math.exp(-20 / P.tau_plus_ms) * (P.A2_plus + P.A3_plus * Math.exp(-10 / P.tau_y_ms));
    expect(w).toBeCloseTo(w2, 14);
  });
  it("post-pre-pre triplet and nearest-spike interaction", () => {
    // post 10, pre 20 and 35: depression by o1 (A2- + A3- r2(t-ε)).
    const o = { w0: 1, delay_ms: 0, delayConvention: "axonal" as const };
    const w1 = 1 - Math.exp(-10 / P.tau_minus_ms) * (P.A2_minus + 0);
    const w2 =
      w1 - Math.exp(-25 / P.tau_minus_ms) * (P.A2_minus + P.A3_minus * Math.exp(-15 / P.tau_x_ms));
    expect(run([20, 35], [10], o)).toBeCloseTo(w2, 14);
    // Nearest: pre 10, 12, post 20, 25: r1 = exp(-8/τ+) at 20, exp(-13/τ+) at 25; o2 = 1·exp(-5/τy) (set to 1 at 20).
    const n1 = 1 + Math.exp(-8 / P.tau_plus_ms) * P.A2_plus;
    const n2 =
      n1 + Math.exp(-13 / P.tau_plus_ms) * (P.A2_plus + P.A3_plus * Math.exp(-5 / P.tau_y_ms));
    expect(run([10, 12], [20, 25], { ...o, interaction: "nearest" })).toBeCloseTo(n2, 14);
  });
  it("refuses bad parameters by name", () => {
    expect(() => plasticity.stdpTriplet({ tau_x_ms: -1 })).toThrow(/tau_x_ms/);
    expect(() => plasticity.stdpTriplet({ A3_plus: Number.NaN })).toThrow(/A3_plus/);
    expect(() => plasticity.stdpTriplet({ interaction: "pairs" as never })).toThrow(
      /interaction must be one of/,
    );
  });
});

/** The Sjöström protocol: 60 pairings at f Hz, post at pre + Δt, then one late presynaptic spike that reads out the weight. */
function sjostrom(
  f_Hz: number,
  dt_ms: number,
): { pre: number[]; post: number[]; duration: number } {
  const period = 1000 / f_Hz;
  const pre = Array.from({ length: 60 }, (_, k) => 100 + k * period);
  const post = pre.map((t) => t + dt_ms);
  const end = pre[59] + Math.max(period, 50) + 1000;
  return { pre: [...pre, end], post, duration: end + 10 };
}

type PresetName = keyof plasticity.TripletPresets;
const PRESETS = Object.keys(plasticity.TRIPLET_PRESETS) as PresetName[];
const FREQS = [0.1, 10, 20, 40, 50];
// Every (frequency, Δt) protocol is its own pre/post pair.
const PROTOCOLS = FREQS.flatMap((f) => [10, -10].map((d) => ({ f, d, ...sjostrom(f, d) })));
const DURATION = Math.max(...PROTOCOLS.map((p) => p.duration));
const PRE = PROTOCOLS.map((p) => p.pre);
const POST = PROTOCOLS.map((p) => p.post);

/** NEST 3.10's stdp_triplet_synapse on the protocols with a parameter set (d = 1 ms, 1 ms resolution: all times are whole ms). */
function nestProtocols(p: plasticity.TripletParameters) {
  return runNest({
    dt_ms: 1,
    duration_ms: DURATION,
    synapse_model: "stdp_triplet_synapse",
    syn: {
      weight: 1,
      delay: 1,
      tau_plus: p.tau_plus_ms,
      tau_plus_triplet: p.tau_x_ms,
      Aplus: p.A2_plus,
      Aplus_triplet: p.A3_plus,
      Aminus: p.A2_minus,
      Aminus_triplet: p.A3_minus,
      Wmax: 100,
    },
    post: { tau_minus: p.tau_minus_ms, tau_minus_triplet: p.tau_y_ms },
    pre_times: PRE,
    post_times: POST,
  });
}

/** The change of w over the 60 pairings of protocol (f, d), from a run's weights after each presynaptic spike. */
const changeOf = (weights: number[][], f: number, d: number) =>
  weights[PROTOCOLS.findIndex((p) => p.f === f && p.d === d)][60] - 1;

describe("stdpTriplet on the Sjöström et al. 2001 protocol", () => {
  it.each(PRESETS)(
    "%s: equals NEST 3.10 stdp_triplet_synapse (all-to-all, d = 1 ms) to 1e-6 after every presynaptic spike",
    (name) => {
      const preset = plasticity.TRIPLET_PRESETS[name];
      expect(preset.interaction).toBe("all-to-all");
      const nest = nestProtocols(preset);
      const ours = runOurs(
        PRE,
        POST,
        plasticity.stdpTriplet({ preset: name, w0: 1, delay_ms: 1 }),
        DURATION,
        1,
      );
      let worst = 0;
      PROTOCOLS.forEach((_, k) => {
        expect(ours.weights[k].length).toBe(61);
        expect(nest.weights[k].length).toBe(61);
        ours.weights[k].forEach(
          (w, n) => (worst = Math.max(worst, Math.abs(w - nest.weights[k][n]))),
        );
      });
      expect(worst).toBeLessThan(1e-6);
      // Not a trivial agreement: every protocol moved the weight (but +10 ms at 0.1 Hz in the
      // visual-cortex rows, whose A2+ is 0 or 5e-10: isolated pre-post pairs do nothing there).
      for (const p of PROTOCOLS)
        if (preset.A2_plus > 1e-6 || p.f > 1 || p.d < 0)
          expect(Math.abs(changeOf(nest.weights, p.f, p.d))).toBeGreaterThan(1e-3);
    },
    300_000,
  );

  it.each(["visualCortexAllToAllFull", "visualCortexAllToAllMinimal"] as const)(
    "%s has the visual-cortex signature: -10 ms depresses at low frequency and potentiates at 40-50 Hz, +10 ms potentiation grows with frequency; the pair rule cannot",
    (name) => {
      const run = (o: plasticity.StdpTripletOptions) =>
        runOurs(
          PRE,
          POST,
          plasticity.stdpTriplet({ preset: name, w0: 1, delay_ms: 1, ...o }),
          DURATION,
          1,
        ).weights;
      const triplet = run({});
      const c = (f: number, d: number) => changeOf(triplet, f, d);
      for (const f of [0.1, 10, 20]) expect(c(f, -10)).toBeLessThan(0);
      for (const f of [40, 50]) expect(c(f, -10)).toBeGreaterThan(0);
      for (let k = 1; k < FREQS.length; k++)
        expect(c(FREQS[k], 10)).toBeGreaterThan(c(FREQS[k - 1], 10));
      expect(c(50, 10)).toBeGreaterThan(0.3);
      // The same rule without triplet terms (A3 = 0; A2+ the minimal row's 0 replaced by A2-'s size so pairs can potentiate).
      const pair = run({
        A3_plus: 0,
        A3_minus: 0,
        A2_plus: plasticity.TRIPLET_PRESETS[name].A2_minus,
      });
      for (const f of FREQS) expect(changeOf(pair, f, -10)).toBeLessThan(0);
      for (let k = 1; k < FREQS.length; k++)
        expect(changeOf(pair, FREQS[k], 10)).toBeLessThan(changeOf(pair, FREQS[k - 1], 10) + 1e-12);
    },
    300_000,
  );
});

describe("stdpTriplet presets (Pfister & Gerstner 2006)", () => {
  it("visualCortexAllToAllFull: the synapse's values equal NEST 3.10's stdp_triplet_synapse defaults", () => {
    const out = execFileSync(
      peersPython(),
      [path.join(__dirname, "..", "reference", "nest_triplet_defaults.py")],
      { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "ignore"] },
    );
    const nest = JSON.parse(out.trim().split("\n").pop()!);
    const p = plasticity.TRIPLET_PRESETS.visualCortexAllToAllFull;
    expect([p.tau_plus_ms, p.tau_x_ms, p.A2_plus, p.A3_plus, p.A2_minus, p.A3_minus]).toEqual([
      nest.tau_plus,
      nest.tau_plus_triplet,
      nest.Aplus,
      nest.Aplus_triplet,
      nest.Aminus,
      nest.Aminus_triplet,
    ]);
    expect([p.tau_minus_ms, p.tau_y_ms]).toEqual([33.7, 125]);
    const m = plasticity.stdpTriplet({ preset: "visualCortexAllToAllFull", A3_plus: 0.01 });
    expect([m.namespace.tau_y, m.namespace.A3_plus]).toEqual([125, 0.01]);
    expect(() => plasticity.stdpTriplet({ preset: "hippocampalAllToAllFull" as never })).toThrow(
      /preset must be one of "visualCortexAllToAllFull", "visualCortexAllToAllMinimal", "hippocampalAllToAllMinimal"/,
    );
  }, 120_000);

  it("the minimal rows' values; tau_x changes no weight where A3- = 0; a preset's interaction can be overridden", () => {
    const P = plasticity.TRIPLET_PRESETS;
    const row = (p: plasticity.TripletPreset) => [
      p.A2_plus,
      p.A3_plus,
      p.A2_minus,
      p.A3_minus,
      p.tau_y_ms,
      p.tau_plus_ms,
      p.tau_minus_ms,
    ];
    expect(row(P.visualCortexAllToAllMinimal)).toEqual([0, 6.5e-3, 7.1e-3, 0, 114, 16.8, 33.7]);
    expect(row(P.hippocampalAllToAllMinimal)).toEqual([5.3e-3, 8e-3, 3.5e-3, 0, 40, 16.8, 33.7]);
    for (const name of ["visualCortexAllToAllMinimal", "hippocampalAllToAllMinimal"] as const) {
      const at = (tau_x_ms: number) =>
        runOurs(
          PRE.slice(-4),
          POST.slice(-4),
          plasticity.stdpTriplet({ preset: name, tau_x_ms, w0: 1, delay_ms: 1 }),
          DURATION,
          1,
        ).final;
      expect(at(10_000)).toEqual(at(P[name].tau_x_ms));
    }
    // The preset's scheme (all-to-all adds 1 to a trace) unless `interaction` says otherwise.
    expect(
      plasticity.stdpTriplet({ preset: "hippocampalAllToAllMinimal", interaction: "nearest" })
        .on_pre,
    ).toMatch(/r1 = 1/);
    expect(plasticity.stdpTriplet({ preset: "hippocampalAllToAllMinimal" }).on_pre).toMatch(
      /r1 \+= 1/,
    );
  }, 120_000);

  it("hippocampalAllToAllMinimal: post-pre-post potentiates more than pre-post-pre (5 ms apart); with A3 = 0 the two are equal", () => {
    // Closed forms of the two triplets (axonal, d = 0): the pair rule gives both the same change.
    const P = plasticity.TRIPLET_PRESETS.hippocampalAllToAllMinimal;
    const o = {
      preset: "hippocampalAllToAllMinimal" as const,
      w0: 1,
      delay_ms: 0,
      delayConvention: "axonal" as const,
    };
    const prePostPre = run([10, 20], [15], o) - 1;
    const postPrePost = run([15], [10, 20], o) - 1;
    const e = (t: number, tau: number) => Math.exp(-t / tau);
    const pair = P.A2_plus * e(5, P.tau_plus_ms) - P.A2_minus * e(5, P.tau_minus_ms);
    expect(prePostPre).toBeCloseTo(pair, 14);
    expect(postPrePost).toBeCloseTo(pair + e(5, P.tau_plus_ms) * P.A3_plus * e(10, P.tau_y_ms), 14);
    expect(postPrePost).toBeGreaterThan(3 * prePostPre);
    const noTriplet = { ...o, A3_plus: 0 };
    expect(run([15], [10, 20], noTriplet) - 1).toBeCloseTo(run([10, 20], [15], noTriplet) - 1, 14);
  });
});

/** test/reference/brian2_triplet.py on a case: the final weight of each pre/post pair. */
function brian2Final(c: Record<string, unknown>): number[] {
  return brian2Run(c).final;
}

/** test/reference/brian2_triplet.py on a case: the final weights and the dtype Brian2 stored them in. */
function brian2Run(c: Record<string, unknown>): { final: number[]; dtype: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-brian2-triplet-"));
  const file = path.join(dir, "case.json");
  fs.writeFileSync(file, JSON.stringify(c));
  const out = execFileSync(
    peersPython(),
    [path.join(__dirname, "..", "reference", "brian2_triplet.py"), file],
    { encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "ignore"] },
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const maxDiff = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((w, k) => Math.abs(w - b[k])));
};

describe("stdpTriplet against Brian2 2.9 (numpy), nearest-spike and all-to-all", () => {
  it.each(["nearest", "all-to-all"] as const)(
    "%s: the Sjöström protocols' final weights equal Brian2's to 1e-9 (visualCortexAllToAllFull's values, no delay)",
    (interaction) => {
      // dt = 5 ms: every spike time of the protocols is a multiple of 5 ms, and both sides decay
      // the event-driven traces exactly between events.
      const p = plasticity.TRIPLET_PRESETS.visualCortexAllToAllFull;
      const brian2 = brian2Final({
        dt_ms: 5,
        duration_ms: DURATION,
        interaction,
        params: p,
        w0: 1,
        Wmax: 100,
        pre_times: PRE,
        post_times: POST,
      });
      const ours = runOurs(
        PRE,
        POST,
        plasticity.stdpTriplet({
          preset: "visualCortexAllToAllFull",
          interaction,
          w0: 1,
          delay_ms: 0,
          delayConvention: "axonal",
        }),
        DURATION,
        5,
      ).final;
      expect(maxDiff(ours, brian2)).toBeLessThan(1e-9);
    },
    300_000,
  );
  it("nearest, NEST's dendritic delay (d = 1 ms: pre pathway 1 ms, post pathway 2 ms in Brian2), 10-50 Hz protocols: equal to 1e-9", () => {
    const fast = PROTOCOLS.map((p, k) => k).filter((k) => PROTOCOLS[k].f >= 10);
    const pre = fast.map((k) => PRE[k]);
    const post = fast.map((k) => POST[k]);
    const duration = Math.max(...fast.map((k) => PROTOCOLS[k].duration));
    const brian2 = brian2Final({
      dt_ms: 1,
      duration_ms: duration,
      interaction: "nearest",
      params: plasticity.TRIPLET_PRESETS.visualCortexAllToAllFull,
      w0: 1,
      Wmax: 100,
      pre_times: pre,
      post_times: post,
      delay_pre_ms: 1,
      delay_post_ms: 2,
    });
    const ours = runOurs(
      pre,
      post,
      plasticity.stdpTriplet({
        preset: "visualCortexAllToAllFull",
        interaction: "nearest",
        w0: 1,
        delay_ms: 1,
      }),
      duration,
      1,
    ).final;
    expect(maxDiff(ours, brian2)).toBeLessThan(1e-9);
  }, 300_000);
  it('float32 synapses (precision: "float32"): close to Brian2 with float32 as its default dtype, every weight a float32 value, all events in wasm', () => {
    // Brian2 (numpy) computes in float32; neurolab computes in float64 and rounds what it stores,
    // so the two differ by float32 roundings (about 6e-8 relative per event), not by the rule.
    const options = {
      preset: "visualCortexAllToAllFull" as const,
      interaction: "all-to-all" as const,
      w0: 1,
      delay_ms: 0,
      delayConvention: "axonal" as const,
    };
    const b32 = brian2Run({
      dt_ms: 5,
      duration_ms: DURATION,
      interaction: "all-to-all",
      params: plasticity.TRIPLET_PRESETS.visualCortexAllToAllFull,
      w0: 1,
      Wmax: 100,
      pre_times: PRE,
      post_times: POST,
      float32: true,
    });
    expect(b32.dtype).toBe("float32");
    const run32 = runOurs(
      PRE,
      POST,
      { ...plasticity.stdpTriplet(options), precision: "float32" },
      DURATION,
      5,
    );
    const ours32 = run32.final;
    expect(run32.syn.variable("w")).toBeInstanceOf(Float32Array);
    expect(run32.syn.eventTargets.on_pre).toBe("WebAssembly");
    expect(run32.syn.eventTargets.on_post).toBe("WebAssembly");
    expect(run32.syn.kernelCalls.js, "events that fell back to JavaScript").toBe(0);
    expect(run32.syn.kernelCalls.wasm).toBeGreaterThan(100);
    const ours64 = runOurs(PRE, POST, plasticity.stdpTriplet(options), DURATION, 5).final;
    for (const w of ours32) expect(Math.fround(w)).toBe(w);
    // Measured: 1.2e-7 (one float32 ulp at w in [1, 2)) from Brian2 float32, 3.1e-6 from the
    // float64 run: the comparison tells float32 storage from float64.
    expect(maxDiff(ours32, b32.final)).toBeLessThan(5e-7);
    expect(maxDiff(ours32, ours64)).toBeGreaterThan(1e-6);
    expect(maxDiff(ours32, ours64)).toBeLessThan(2e-5);
    expect(maxDiff(ours64, Array(ours64.length).fill(1)), "the weights moved").toBeGreaterThan(0.1);
  }, 300_000);
  it("the two schemes differ on these protocols (the comparison can tell them apart)", () => {
    const final = (interaction: "nearest" | "all-to-all") =>
      runOurs(
        PRE,
        POST,
        plasticity.stdpTriplet({
          preset: "visualCortexAllToAllFull",
          interaction,
          w0: 1,
          delay_ms: 0,
          delayConvention: "axonal",
        }),
        DURATION,
        5,
      ).final;
    const a = final("all-to-all");
    const n = final("nearest");
    expect(Math.max(...a.map((w, k) => Math.abs(w - n[k])))).toBeGreaterThan(0.01);
  }, 120_000);
});
