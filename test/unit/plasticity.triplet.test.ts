// Triplet STDP (Pfister & Gerstner 2006) against closed forms and NEST 3.10's stdp_triplet_synapse
// on the Sjöström et al. 2001 pairing-frequency protocol (60 pairings, 0.1-50 Hz, Δt = ±10 ms).
import { execFileSync } from "node:child_process";
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

describe("stdpTriplet on the Sjöström et al. 2001 protocol", () => {
  const freqs = [0.1, 10, 20, 40, 50];
  it("matches NEST 3.10 stdp_triplet_synapse (all-to-all, d = 1 ms) to 1e-6, and has the triplet signature", () => {
    // One NEST run: every (frequency, Δt) protocol is its own pre/post pair. 1 ms resolution (all times are whole ms).
    const protocols = freqs.flatMap((f) => [10, -10].map((d) => ({ f, d, ...sjostrom(f, d) })));
    const duration = Math.max(...protocols.map((p) => p.duration));
    const syn = {
      weight: 1,
      delay: 1,
      tau_plus: P.tau_plus_ms,
      tau_plus_triplet: P.tau_x_ms,
      Aplus: P.A2_plus,
      Aplus_triplet: P.A3_plus,
      Aminus: P.A2_minus,
      Aminus_triplet: P.A3_minus,
      Wmax: 100,
    };
    const nest = runNest({
      dt_ms: 1,
      duration_ms: duration,
      synapse_model: "stdp_triplet_synapse",
      syn,
      post: { tau_minus: P.tau_minus_ms, tau_minus_triplet: P.tau_y_ms },
      pre_times: protocols.map((p) => p.pre),
      post_times: protocols.map((p) => p.post),
    });
    const ours = runOurs(
      protocols.map((p) => p.pre),
      protocols.map((p) => p.post),
      plasticity.stdpTriplet({ w0: 1, delay_ms: 1 }),
      duration,
      1,
    );
    let worst = 0;
    protocols.forEach((_, k) => {
      expect(ours.weights[k].length).toBe(61);
      expect(nest.weights[k].length).toBe(61);
      ours.weights[k].forEach(
        (w, n) => (worst = Math.max(worst, Math.abs(w - nest.weights[k][n]))),
      );
    });
    expect(worst).toBeLessThan(1e-6);
    // Signature: the -10 ms protocol potentiates at 40 and 50 Hz (and depresses at 0.1 Hz); +10 ms potentiates at 20-50 Hz.
    const change = (f: number, d: number) =>
      ours.weights[protocols.findIndex((p) => p.f === f && p.d === d)][60] - 1;
    expect(change(0.1, -10)).toBeLessThan(0);
    expect(change(40, -10)).toBeGreaterThan(0);
    expect(change(50, -10)).toBeGreaterThan(0);
    for (const f of [20, 40, 50]) expect(change(f, 10)).toBeGreaterThan(0);
    // The pair rule (the same rule with A3 = 0) cannot potentiate the -10 ms protocol at any frequency.
    const pair = runOurs(
      protocols.map((p) => p.pre),
      protocols.map((p) => p.post),
      plasticity.stdpTriplet({ w0: 1, delay_ms: 1, A3_plus: 0, A3_minus: 0 }),
      duration,
      1,
    );
    protocols.forEach((p, k) => {
      if (p.d === -10) expect(pair.weights[k][60]).toBeLessThan(1);
    });
  }, 300_000);
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
    expect(() => plasticity.stdpTriplet({ preset: "hippocampalMinimal" as never })).toThrow(
      /preset must be one of "visualCortexAllToAllFull"/,
    );
  }, 120_000);
});
