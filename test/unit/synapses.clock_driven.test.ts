// Clock-driven synapse equations (per-synapse ODEs integrated every step, Brian2's default for a
// synaptic ODE): an NMDA-like synapse with a voltage-dependent gate and a presynaptic filter
// against Brian2 2.9 (numpy target) for every explicit method, step by step; closed forms of a
// single synapse (exact method); the WebAssembly and JavaScript targets bit for bit in float64
// and float32; the schedule; the errors.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Network, fromPairs, type Synapses } from "../../src/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const METHODS = ["euler", "rk2", "rk4", "exponential_euler"] as const;
type Method = (typeof METHODS)[number];

const CASE = {
  dt_ms: 0.1,
  duration_ms: 150,
  methods: METHODS,
  namespace: {
    taud: "100*ms",
    taur: "2*ms",
    tau_m: "5*ms",
    tau_u: "3*ms",
    E: "0*mV",
    El: "-70*mV",
    C: "200*pF",
    gL: "10*nS",
    Vt: "-50*mV",
    Vr: "-70*mV",
  },
  pre: {
    N: 3,
    model: "dv/dt = (I - v)/(10*ms) : 1\nI : 1",
    threshold: "v > 1",
    reset: "v = 0",
    init: { I: "1.2 + 0.3*i" },
  },
  post: {
    N: 2,
    model:
      "dv/dt = (gL*(El - v) + I_syn + I_ext)/C : volt (unless refractory)\nI_syn : amp\nI_ext : amp",
    threshold: "v > Vt",
    reset: "v = Vr",
    refractory: 2,
    init: { v: "El", I_ext: "(170 + 40*i)*pA" },
  },
  synapses: {
    i: [0, 0, 1, 1, 2, 2],
    j: [0, 1, 0, 1, 0, 1],
    // s, x: Brian2's NMDA-like synapse; m: a slow Mg-unblock gate following v_post; u: a filter
    // of the presynaptic variable (no flag: Brian2's default, clock-driven).
    model: [
      "w : siemens",
      "alpha : Hz",
      "ds/dt = -s/taud + alpha*x*(1 - s) : 1 (clock-driven)",
      "dx/dt = -x/taur : 1 (clock-driven)",
      "dm/dt = (1/(1 + exp(-0.062*v_post/mV)/3.57) - m)/tau_m : 1 (clock-driven)",
      "du/dt = (v_pre - u)/tau_u : 1",
      "I_syn_post = w*s*m*(E - v_post) : amp (summed)",
    ].join("\n"),
    on_pre: "x += 1",
    init: { w: "(3 + 1*i + 0.5*j)*nS", alpha: "(0.4 + 0.1*i)/ms", m: "0.2" },
  },
  record_syn: ["s", "x", "m", "u"],
  record_post: ["v", "I_syn"],
};

type Trace = Record<string, number[][]>; // [element][sample]
let ref: Record<
  Method,
  {
    spikes: Record<"P" | "Q", { i: number[]; t_ms: number[] }>;
    syn: Trace;
    post: Trace;
    i: number[];
    j: number[];
    schedule: string;
  }
>;

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brian2-clock-"));
  const input = path.join(dir, "case.json");
  const out = path.join(dir, "out.json");
  fs.writeFileSync(input, JSON.stringify(CASE));
  execFileSync(
    peersPython(),
    [path.join(__dirname, "..", "reference", "brian2_clock_driven.py"), input, out],
    { stdio: ["ignore", "inherit", "inherit"], timeout: 600_000 },
  );
  ref = JSON.parse(fs.readFileSync(out, "utf8"));
}, 600_000);

/** The case in neurolab, recording the same variables after every step. */
function runOurs(method: Method, wasm: boolean) {
  const net = new Network({ dt_ms: CASE.dt_ms, seed: 1, wasm });
  const ns = CASE.namespace;
  const P = net.addNeurons("P", { size: CASE.pre.N, ...CASE.pre, namespace: ns, method: "exact" });
  const Q = net.addNeurons("Q", {
    size: CASE.post.N,
    ...CASE.post,
    namespace: ns,
    method: "exact",
  });
  const S: Synapses = net.connect(P, Q, {
    rule: fromPairs(CASE.synapses.i, CASE.synapses.j),
    model: CASE.synapses.model,
    on_pre: CASE.synapses.on_pre,
    init: CASE.synapses.init,
    namespace: ns,
    method,
  });
  const spikes = net.monitorSpikes([P, Q]);
  const syn: Record<string, number[][]> = {};
  const post: Record<string, number[][]> = {};
  net.addOperation(
    () => {
      for (const v of CASE.record_syn) (syn[v] ??= []).push(Array.from(S.variable(v)));
      for (const v of CASE.record_post) (post[v] ??= []).push(Array.from(Q.variable(v)));
    },
    { when: "end", name: "record" },
  );
  net.run(CASE.duration_ms);
  return { net, P, Q, S, spikes, syn, post };
}

describe.each(METHODS)("NMDA-like clock-driven synapses, method %s", (method) => {
  it("give Brian2's spikes and, step by step, its synaptic traces and post voltages (1e-9)", () => {
    const ours = runOurs(method, true);
    const theirs = ref[method];
    // neurolab's spike times are Brian2's + dt (stamped at the end of the step).
    const mon = ours.spikes;
    for (const [name, offset] of [
      ["P", 0],
      ["Q", CASE.pre.N],
    ] as const) {
      const want = theirs.spikes[name];
      const mine = Array.from(mon.neurons, (n, k) => [n - offset, mon.times_ms[k]]).filter(
        ([n]) => n >= 0 && n < (name === "P" ? CASE.pre.N : CASE.post.N),
      );
      expect(
        mine.map(([n]) => n),
        `${name} spikes`,
      ).toEqual(want.i);
      mine.forEach(([, t], k) =>
        expect(Math.abs(t - CASE.dt_ms - want.t_ms[k])).toBeLessThan(1e-9),
      );
    }
    expect(theirs.spikes.Q.i.length, "the post neurons spike").toBeGreaterThan(3);
    // Synapses: both in (i, j) order here (fromPairs sorted by i, Brian2 in creation order).
    expect(Array.from(ours.S.i)).toEqual(theirs.i);
    expect(Array.from(ours.S.j)).toEqual(theirs.j);
    const steps = Math.round(CASE.duration_ms / CASE.dt_ms);
    const compare = (mine: number[][], want: number[][], what: string, scale: number) => {
      expect(mine.length).toBe(steps);
      expect(want[0].length).toBe(steps);
      let worst = 0;
      for (let s = 0; s < steps; s++)
        for (let e = 0; e < want.length; e++)
          worst = Math.max(worst, Math.abs(mine[s][e] - want[e][s]) / scale);
      expect(worst, `${what}: largest difference`).toBeLessThan(1e-9);
    };
    for (const v of CASE.record_syn) compare(ours.syn[v], theirs.syn[v], v, 1);
    compare(ours.post.v, theirs.post.v, "v_post (mV)", 70);
    compare(ours.post.I_syn, theirs.post.I_syn, "I_syn (pA)", 100);
    // the synaptic conductance really moved
    expect(Math.max(...ours.syn.s.flat())).toBeGreaterThan(0.1);
  });

  it("runs the same operations as Brian2's schedule: summed before the groups, the synapses' update after them", () => {
    const { net } = runOurs(method, true);
    const plan = net.schedule().entries.map((e) => `${e.slot}:${e.owner}:${e.what}`);
    const at = (re: RegExp) => plan.findIndex((x) => re.test(x));
    expect(at(/^groups:P -> Q:summed/)).toBeLessThan(at(/^groups:Q:state update/));
    expect(at(/^groups:Q:state update/)).toBeLessThan(
      at(new RegExp(`^groups:P -> Q:clock-driven state update \\(${method}\\), WebAssembly SIMD$`)),
    );
    // Brian2's order: S_summed_variable (order -1), P, Q, S state updaters (groups slot).
    const theirs = ref[method].schedule;
    const b = (name: string) => theirs.indexOf(name);
    expect(b("S_summed_variable")).toBeLessThan(b("Q_stateupdater"));
    expect(b("Q_stateupdater")).toBeLessThan(b("S_stateupdater"));
  });
});

describe("clock-driven synapses: closed forms (exact method)", () => {
  it("a rise-and-decay synapse after one spike: x = e^(-d/taur), s = taur/(taur - taud) (e^(-d/taur) - e^(-d/taud))", () => {
    const taur = 2,
      taud = 10;
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const pre = net.addSpikeGenerator("pre", { size: 1, neurons: [0], times_ms: [5] });
    const post = net.addNeurons("post", {
      size: 2,
      model: "v : volt",
      init: { v: "(-80 + 20*i)*mV" },
    });
    const syn = net.connect(pre, post, {
      rule: fromPairs([0, 0], [0, 1]),
      model: [
        "ds/dt = (x - s)/taud : 1 (clock-driven)",
        "dx/dt = -x/taur : 1 (clock-driven)",
        // a gate relaxing to the (constant) post voltage: gathered through j
        "dm/dt = (v_post/mV - m)/taum : 1 (clock-driven)",
      ].join("\n"),
      on_pre: "x += 1",
      namespace: { taur: `${taur}*ms`, taud: `${taud}*ms`, taum: "4*ms" },
      method: "exact",
    });
    const spikes = net.monitorSpikes([pre]);
    const rows: { t: number; s: number[]; x: number[]; m: number[] }[] = [];
    net.addOperation(
      (t) =>
        rows.push({
          t: t + 0.1, // the state after the step is the state at the step's end
          s: Array.from(syn.variable("s")),
          x: Array.from(syn.variable("x")),
          m: Array.from(syn.variable("m")),
        }),
      { when: "end" },
    );
    net.run(60);
    expect(syn.clockDrivenOperation.what).toMatch(/exact/);
    const t0 = spikes.times_ms[0];
    let worst = 0;
    for (const r of rows) {
      const d = r.t - t0;
      const x = d < -1e-9 ? 0 : Math.exp(-d / taur);
      const s =
        d < -1e-9 ? 0 : (taur / (taur - taud)) * (Math.exp(-d / taur) - Math.exp(-d / taud));
      for (let k = 0; k < 2; k++) {
        const v = -80 + 20 * k;
        const m = v * (1 - Math.exp(-r.t / 4));
        worst = Math.max(
          worst,
          Math.abs(r.x[k] - x),
          Math.abs(r.s[k] - s),
          Math.abs(r.m[k] - m) / 80,
        );
      }
    }
    expect(worst).toBeLessThan(1e-12);
    expect(Math.max(...rows.map((r) => r.s[0]))).toBeGreaterThan(0.1);
  });
});

/** A network exercising every kind of name a clock-driven equation reads, and randomness. */
function randomish(
  wasm: boolean,
  method: Method | "exact",
  precision?: "float32",
  groups32 = false,
) {
  const net = new Network({ dt_ms: 0.1, seed: 7, wasm });
  const g = groups32 ? { precision: "float32" as const } : {};
  const P = net.addNeurons("P", {
    size: 5,
    model: "dv/dt = (I - v)/(10*ms) : 1\nI : 1",
    threshold: "v > 1",
    reset: "v = 0",
    init: { I: "1.1 + 0.2*i" },
    ...g,
  });
  const Q = net.addNeurons("Q", {
    size: 4,
    model: "dv/dt = (-70*mV - v)/(10*ms) + I_syn/(200*pF) : volt\nI_syn : amp",
    threshold: "v > -55*mV",
    reset: "v = -70*mV",
    init: { v: "-70*mV + 5*mV*rand()" },
    ...g,
  });
  const noise = method === "exact" ? "" : " + 0.01*(rand() - 0.5)/ms";
  const S = net.connect(P, Q, {
    rule: fromPairs([0, 0, 1, 2, 2, 3, 4, 4, 4], [0, 3, 1, 2, 0, 3, 1, 2, 3]),
    model: [
      "w : siemens",
      "tau_s : second",
      `ds/dt = -s/tau_s + 0.5*x*(1 - s)/ms${noise} : 1 (clock-driven)`,
      "dx/dt = -x/(2*ms) : 1 (clock-driven)",
      "dq/dt = (v_pre - q)/(3*ms) + (v_post + 70*mV)/mV/(50*ms) + (i - j)/(100*ms) : 1",
      "I_syn_post = w*s*(0*mV - v_post) : amp (summed)",
    ].join("\n"),
    on_pre: "x += 1",
    init: { w: "(1 + 0.3*i)*nS", tau_s: "(20 + 5*j)*ms" },
    method: method === "exact" ? "exponential_euler" : method,
    precision,
  });
  const spikes = net.monitorSpikes([P, Q]);
  net.run(80);
  return { net, P, Q, S, spikes };
}

const bits = (a: ArrayLike<number>) =>
  Buffer.from(
    a instanceof Float32Array
      ? new Uint8Array(a.buffer, a.byteOffset, a.length * 4)
      : new Uint8Array(Float64Array.from(a).buffer),
  ).toString("hex");

describe("clock-driven synapses: WebAssembly and JavaScript bit for bit", () => {
  const cases: [Method | "exact", "float32" | undefined, boolean][] = [
    ...METHODS.map((m) => [m, undefined, false] as [Method, undefined, boolean]),
    ["exact", undefined, false],
    ["rk4", "float32", false],
    ["euler", undefined, true],
    ["rk2", undefined, true],
  ];
  it.each(cases)("method %s, precision %s, float32 groups %s", (method, precision, groups32) => {
    const a = randomish(true, method, precision, groups32);
    const b = randomish(false, method, precision, groups32);
    const want32 = precision === "float32" || groups32;
    expect(a.S.precision).toBe(want32 ? "float32" : "float64");
    expect(a.S.clockDrivenOperation.what).toMatch(
      want32 ? /WebAssembly SIMD \(f32x4\)$/ : /WebAssembly SIMD$/,
    );
    expect(b.S.clockDrivenOperation.what).toMatch(/JavaScript/);
    // on_pre (x += 1 on a clock-driven variable) and the summed current run as WebAssembly in
    // float32 too (float32 synapse arrays): no call may have fallen back to JavaScript.
    expect(a.S.eventTargets.on_pre).toBe("WebAssembly");
    expect(a.S.eventTargets.summed).toBe("WebAssembly");
    expect(a.S.kernelCalls.js, "event calls that fell back to JavaScript").toBe(0);
    expect(a.S.kernelCalls.wasm).toBeGreaterThan(800);
    expect(b.S.kernelCalls.js).toBe(a.S.kernelCalls.wasm);
    expect(a.spikes.neurons.length).toBeGreaterThan(5);
    expect(Array.from(a.spikes.neurons)).toEqual(Array.from(b.spikes.neurons));
    expect(Array.from(a.spikes.times_ms)).toEqual(Array.from(b.spikes.times_ms));
    for (const v of ["s", "x", "q", "w", "tau_s"]) {
      const x = a.S.variable(v);
      expect(x instanceof Float32Array, v).toBe(want32);
      expect(bits(x), v).toBe(bits(b.S.variable(v)));
    }
    expect(bits(a.Q.variable("v"))).toBe(bits(b.Q.variable("v")));
    expect(Math.max(...a.S.variable("s"))).toBeGreaterThan(0.05);
  });

  it("float32 stays close to float64 (rk4)", () => {
    const a = randomish(true, "rk4", "float32");
    const b = randomish(true, "rk4");
    const s32 = a.S.variable("s");
    const s64 = b.S.variable("s");
    for (let k = 0; k < s32.length; k++) expect(Math.abs(s32[k] - s64[k])).toBeLessThan(1e-4);
  });
});

describe("clock-driven synapses: build, reset, schedule options and errors", () => {
  const make = (opts: Record<string, unknown> = {}, model?: string) => {
    const net = new Network({ dt_ms: 0.1 });
    const a = net.addNeurons("a", {
      size: 2,
      model: "dv/dt = (1.5 - v)/(10*ms) : 1",
      threshold: "v > 1",
      reset: "v = 0",
    });
    const syn = net.connect(a, a, {
      rule: fromPairs([0, 1], [1, 0]),
      model: model ?? "dx/dt = -x/(5*ms) : 1 (clock-driven)\nw : 1",
      on_pre: "x += w",
      init: { w: 1 },
      ...opts,
    });
    return { net, a, syn };
  };

  it("restarts clock-driven variables at reset() and keeps parameters", () => {
    const { net, syn } = make();
    net.run(30);
    expect(Math.max(...syn.variable("x"))).toBeGreaterThan(0);
    syn.vars.w[0] = 2;
    net.reset();
    net.build();
    expect(Array.from(syn.variable("x"))).toEqual([0, 0]);
    expect(syn.variable("w")[0]).toBe(2);
  });

  it("places the update where when/order say", () => {
    const { net } = make({ when: "end", order: -3 });
    const e = net.schedule().entries.find((x) => /clock-driven/.test(x.what))!;
    expect(e.slot).toBe("end");
    expect(e.order).toBe(-3);
    expect(String(net.schedule())).toMatch(
      /end\s+-3\s+a -> a\s+clock-driven state update \(exact\)/,
    );
  });

  it("refuses what Brian2 refuses, and bad options, naming the equation or option", () => {
    expect(() =>
      make(
        {},
        "dx/dt = -x/(5*ms) + apre/(5*ms) : 1\ndapre/dt = -apre/(5*ms) : 1 (event-driven)\nw : 1",
      ),
    ).toThrow(/clock-driven variable "x" should not depend on the event-driven variable "apre"/);
    expect(() =>
      make({}, "dx/dt = -x/(5*ms) : 1\ndy/dt = (x - y)/(5*ms) : 1 (event-driven)\nw : 1"),
    ).toThrow(/event-driven variable "y" should not depend on the clock-driven variable "x"/);
    expect(() => make({}, "dx/dt = -x/(5*ms) : 1 (clock-driven, event-driven)\nw : 1")).toThrow(
      /either "\(event-driven\)" or "\(clock-driven\)"/,
    );
    expect(() => make({}, "dx/dt = (t - lastupdate)/(5*ms)/ms : 1\nw : 1")).toThrow(
      /cannot read "lastupdate"/,
    );
    expect(() => make({}, "dx/dt = -x : 1\nw : 1")).toThrow(
      /equation "dx\/dt = -x : 1": the right-hand side has dimension 1 \(dimensionless\), but/,
    );
    expect(() => make({ method: "exact" }, "dx/dt = -x*x/(5*ms) : 1\nw : 1")).toThrow(
      /method "exact" cannot integrate this model: equation "dx\/dt = -x\*x\/\(5\*ms\) : 1" is not linear/,
    );
    expect(() => make({}, "dx/dt = -x/(5*ms) + xi/sqrt(ms) : 1\nw : 1")).toThrow(
      /white noise \(xi\) is not supported in synapse equations/,
    );
    expect(() => make({ method: "heun" })).toThrow(/a -> a: method must be one of euler/);
    expect(() => make({ precision: "half" })).toThrow(/precision must be "float64" or "float32"/);
    expect(() => make({ when: "later" })).toThrow(/when must be one of start, groups/);
  });
});
