// Synapse event code (on_pre / on_post) generated as WebAssembly against its JavaScript reference:
// the same network run with `wasm: true` and `wasm: false` must end in bitwise-identical state
// (every per-synapse variable and every neuron variable), for static synapses, per-synapse and
// dendritic delays, and the plasticity presets on random spike trains; and every event of the
// wasm run must have gone through a WebAssembly kernel (a silent fallback to JavaScript fails).
import { describe, expect, it } from "vitest";
import {
  Network,
  Rng,
  fixedProbability,
  plasticity,
  type Synapses,
  type SynapsesOptions,
} from "../../src/index.js";
import type { ValType } from "../../src/wasm/assembler.js";

const MODEL = `
dv/dt = (ge*(Ee - v) + El - v)/taum : volt
dge/dt = -ge/taue : 1
`;
const NS = { taum: "10*ms", taue: "5*ms", Ee: "0*mV", El: "-60*mV", vt: "-54*mV", vr: "-60*mV" };

/** Random spike trains on the dt grid: `size` sources at `rate_Hz` over `duration_ms`. */
function trains(
  rng: Rng,
  size: number,
  rate_Hz: number,
  duration_ms: number,
  dt_ms: number,
): { neurons: number[]; times_ms: number[] } {
  const neurons: number[] = [];
  const times_ms: number[] = [];
  const steps = Math.round(duration_ms / dt_ms);
  for (let n = 1; n < steps; n++) {
    for (let k = 0; k < size; k++) {
      if (rng.uniform() < rate_Hz * dt_ms * 1e-3) {
        neurons.push(k);
        times_ms.push(Number((n * dt_ms).toFixed(6)));
      }
    }
  }
  return { neurons, times_ms };
}

type Case = { name: string; opts: (pre: "input" | "cells") => Omit<SynapsesOptions, "rule"> };

const CASES: Case[] = [
  {
    name: "static ge_post += w",
    opts: () => ({ model: "w : 1", on_pre: "ge_post += w", init: { w: "0.2*rand()" } }),
  },
  {
    name: "static v_post += w*const, per-synapse delays",
    opts: () => ({
      model: "w : volt",
      on_pre: "v_post += w*1.5",
      init: { w: "0.5*mV*rand()" },
      delay_ms: "(1 + int(3*rand()))*0.1*ms",
    }),
  },
  {
    name: "event-driven trace with pow, comparisons, on_post",
    opts: () => ({
      model:
        "w : 1\ndx/dt = -x/(7*ms) : 1 (event-driven)\ndy/dt = (1 - y)/(3*ms) : 1 (event-driven)",
      on_pre: "x += 1; ge_post += w*(x > 1.5) + 0.01*abs(y)**3; w = clip(w + 0.001*sqrt(y), 0, 1)",
      on_post: "y += 0.5; w = clip(w - 0.002*x**2 + 0.0001*(i == j), 0, 1)",
      init: { w: 0.1 },
    }),
  },
  {
    name: "stdpPair multiplicative, NEST delays",
    opts: () => plasticity.stdpPair({ w0: 0.3, Wmax: 1, transmit: "ge_post += w", delay_ms: 0.3 }),
  },
  {
    name: "stdpPair additive nearest, per-synapse post delays",
    opts: () => ({
      ...plasticity.stdpPair({
        weightDependence: "additive",
        pairing: "nearest",
        w0: 0.3,
        Wmax: 1,
        transmit: "ge_post += w",
        delay_ms: 0,
        delayConvention: "axonal",
      }),
      delay_post_ms: "int(2*rand())*0.1*ms",
    }),
  },
  {
    name: "traces sharing a time constant (one exp), one with a constant drive",
    opts: () => ({
      model:
        "w : 1\ndx/dt = -x/(6*ms) : 1 (event-driven)\ndy/dt = (0.5 - y)/(6*ms) : 1 (event-driven)\ndz/dt = -z/(6*ms) : 1 (event-driven)",
      on_pre: "x += 1; z += 0.5; ge_post += w*(1 + 0.1*y); w = clip(w - 0.001*y*z, 0, 1)",
      on_post: "y += 1; w = clip(w + 0.002*x, 0, 1)",
      init: { w: 0.2, y: 0.5 },
    }),
  },
  { name: "stdpTriplet", opts: () => plasticity.stdpTriplet({ transmit: "ge_post += w*0.01" }) },
  { name: "stdpDopamine", opts: () => plasticity.stdpDopamine({ transmit: "ge_post += w*0.01" }) },
];

function run(
  c: Case,
  wasm: boolean,
  precision?: "float32",
): {
  syn: Synapses;
  state: Record<string, Float64Array | Float32Array>;
  net: Network;
  cellSpikes: number;
} {
  const net = new Network({ dt_ms: 0.1, seed: 7, wasm });
  const spikes = trains(new Rng(11), 40, 30, 300, 0.1);
  const input = net.addSpikeGenerator("input", { size: 40, ...spikes });
  const cells = net.addNeurons("cells", {
    size: 30,
    model: MODEL,
    threshold: "v > vt",
    reset: "v = vr",
    method: "euler",
    namespace: NS,
    init: { v: "vr + 6*mV*rand()" },
  });
  net.connect(input, cells, {
    rule: fixedProbability(0.3),
    model: "w : 1",
    on_pre: "ge_post += w",
    init: { w: 0.4 },
  });
  const syn = net.connect(input, cells, {
    rule: fixedProbability(0.5),
    ...c.opts("input"),
    precision,
  });
  if (c.name === "stdpDopamine") {
    // dopamine from the network's own cells, for on_modulator (JavaScript, run over all synapses)
    net.connect(cells, cells, { rule: fixedProbability(0.2), on_pre: "ge_post += 0.05" });
  }
  const monitor = net.monitorSpikes([cells]);
  net.run(300);
  return {
    cellSpikes: monitor.count,
    syn,
    state: {
      ...cells.snapshot(),
      ...Object.fromEntries(syn.variables.map((v) => [`syn.${v}`, syn.variable(v).slice()])),
    },
    net,
  };
}

const bytes = (a: Float64Array | Float32Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe("synapse events as WebAssembly", () => {
  for (const c of CASES) {
    it(`${c.name}: bitwise identical to the JavaScript reference, every event in wasm`, () => {
      const w = run(c, true);
      const j = run(c, false);
      for (const key of Object.keys(j.state))
        expect(bytes(w.state[key]), key).toEqual(bytes(j.state[key]));
      expect(w.cellSpikes, "postsynaptic spikes (on_post and the resets ran)").toBeGreaterThan(20);
      expect(w.cellSpikes).toBe(j.cellSpikes);
      expect(w.syn.kernelCalls.js, "events that fell back to JavaScript").toBe(0);
      expect(w.syn.kernelCalls.wasm).toBeGreaterThan(100);
      expect(j.syn.kernelCalls.wasm).toBe(0);
      expect(j.syn.kernelCalls.js).toBe(w.syn.kernelCalls.wasm);
      const plan = String(w.net.schedule());
      expect(plan).toMatch(/input -> cells #\d+\s+on_pre, WebAssembly/);
      expect(String(j.net.schedule())).toMatch(/on_pre, JavaScript/);
    });
  }

  // precision: "float32": every per-synapse variable is a Float32Array (4 bytes per synapse); the
  // kernels widen what they load, compute in float64 and round what they store, as the
  // reference's Float32Array assignments do. lastupdate stays float64 (as Brian2's).
  for (const c of CASES) {
    it(`${c.name}, float32 synapses: bitwise identical to the JavaScript reference, every event in wasm`, () => {
      const w = run(c, true, "float32");
      const j = run(c, false, "float32");
      expect(w.syn.precision).toBe("float32");
      for (const v of w.syn.variables) {
        expect(w.syn.variable(v), v).toBeInstanceOf(Float32Array);
        expect(j.syn.variable(v), v).toBeInstanceOf(Float32Array);
      }
      for (const key of Object.keys(j.state))
        expect(bytes(w.state[key]), key).toEqual(bytes(j.state[key]));
      expect(w.cellSpikes, "postsynaptic spikes (on_post and the resets ran)").toBeGreaterThan(20);
      expect(w.cellSpikes).toBe(j.cellSpikes);
      expect(w.syn.kernelCalls.js, "events that fell back to JavaScript").toBe(0);
      expect(w.syn.kernelCalls.wasm).toBeGreaterThan(100);
      expect(j.syn.kernelCalls.js).toBe(w.syn.kernelCalls.wasm);
      for (const [kind, target] of Object.entries(w.syn.eventTargets))
        if (target !== null) expect(target, kind).toBe("WebAssembly");
      expect(String(w.net.schedule())).toMatch(/input -> cells #\d+\s+on_pre, WebAssembly/);
    });
  }

  it("float32 synapses round what they store: plastic weights are float32 values, close to but not the float64 run's", () => {
    const f32 = run(CASES[3], true, "float32").syn.variable("w");
    const f64 = run(CASES[3], true).syn.variable("w");
    let differ = 0;
    for (let k = 0; k < f32.length; k++) {
      expect(Math.fround(f32[k])).toBe(f32[k]);
      expect(Math.abs(f32[k] - f64[k])).toBeLessThan(1e-5);
      if (f32[k] !== f64[k]) differ++;
    }
    expect(differ, "float32 storage changed the weights").toBeGreaterThan(f32.length / 2);
  });

  it("plastic weights moved and postsynaptic cells spiked (the comparison above is not vacuous)", () => {
    const { syn, net } = run(CASES[3], true);
    const w = syn.variable("w");
    expect(w.some((x) => x !== 0.3)).toBe(true);
    expect(net.t_ms).toBeCloseTo(300);
  });

  it("net.reset() keeps learned weights in the new arena and the kernels still run in wasm", () => {
    const { syn, net } = run(CASES[3], true);
    const before = syn.variable("w").slice();
    net.reset();
    net.build();
    expect(bytes(syn.variable("w"))).toEqual(bytes(before));
    const calls = syn.kernelCalls.wasm;
    net.run(50);
    expect(syn.kernelCalls.wasm).toBeGreaterThan(calls);
    expect(syn.kernelCalls.js).toBe(0);
  });
});

describe("summed variables and on_modulator as WebAssembly", () => {
  /** Cells coupled by a summed current (a gap junction with a time-varying gain) and plastic synapses driven by a modulator population. */
  const network = (wasm: boolean, precision: "float64" | "float32") => {
    const net = new Network({ dt_ms: 0.1, seed: 3, wasm });
    const spikes = trains(new Rng(5), 30, 40, 200, 0.1);
    const input = net.addSpikeGenerator("input", { size: 30, ...spikes });
    const cells = net.addNeurons("cells", {
      size: 25,
      model: `${MODEL}I_gap : volt`.replace("El - v)/taum", "El - v + I_gap)/taum"),
      threshold: "v > vt",
      reset: "v = vr",
      method: "euler",
      namespace: NS,
      init: { v: "vr + 6*mV*rand()" },
      precision,
    });
    const dopamine = net.addNeurons("dopamine", {
      size: 3,
      model: "dv/dt = (1.2 - v)/(4*ms) : 1",
      threshold: "v > 1",
      reset: "v = 0",
      method: "exact",
      init: { v: "rand()" },
    });
    const gap = net.connect(cells, cells, {
      rule: fixedProbability(0.3),
      model: "g : 1\nI_gap_post = g*(v_pre - v_post)*(1 + 0.5*sin(t/(3*ms))) : volt (summed)",
      init: { g: "0.05*rand()" },
    });
    const plastic = net.connect(input, cells, {
      rule: fixedProbability(0.4),
      ...plasticity.stdpDopamine({ transmit: "ge_post += w*0.05", dopamine }),
    });
    const monitor = net.monitorSpikes([cells]);
    net.run(200);
    return { net, cells, gap, plastic, monitor };
  };

  it.each(["float64", "float32"] as const)(
    "bitwise identical to the JavaScript reference, every sum and modulation in wasm (%s cells)",
    (precision) => {
      const w = network(true, precision);
      const j = network(false, precision);
      expect(w.gap.eventTargets.summed).toBe("WebAssembly");
      expect(w.plastic.eventTargets.on_modulator).toBe("WebAssembly");
      expect(String(w.net.schedule())).toMatch(/summed variables, WebAssembly/);
      expect(String(w.net.schedule())).toMatch(/on_modulator, WebAssembly/);
      expect(w.monitor.count, "the cells spiked").toBeGreaterThan(20);
      expect(Array.from(w.monitor.times_ms)).toEqual(Array.from(j.monitor.times_ms));
      for (const v of w.cells.variables)
        expect(Array.from(w.cells.variable(v)), v).toEqual(Array.from(j.cells.variable(v)));
      expect(w.cells.variable("I_gap").some((x) => x !== 0)).toBe(true);
      for (const v of w.plastic.variables)
        expect(bytes(w.plastic.variable(v)), v).toEqual(bytes(j.plastic.variable(v)));
      expect(
        w.plastic.variable("n").some((x) => x !== 0),
        "the modulator acted",
      ).toBe(true);
      for (const s of [w.gap, w.plastic]) {
        expect(s.kernelCalls.js, `${s.name}: calls that fell back to JavaScript`).toBe(0);
        expect(s.kernelCalls.wasm).toBeGreaterThan(100);
      }
      expect(j.gap.kernelCalls.js).toBe(w.gap.kernelCalls.wasm);
      expect(j.gap.kernelCalls.wasm + j.plastic.kernelCalls.wasm).toBe(0);
    },
  );

  it("syn.modulate(t) from a user operation runs the on_modulator kernel", () => {
    const run = (wasm: boolean) => {
      const net = new Network({ dt_ms: 0.1, seed: 4, wasm });
      const input = net.addSpikeGenerator("input", {
        size: 10,
        ...trains(new Rng(2), 10, 50, 50, 0.1),
      });
      const cells = net.addNeurons("cells", {
        size: 5,
        model: MODEL,
        method: "euler",
        namespace: NS,
      });
      const syn = net.connect(input, cells, {
        rule: fixedProbability(0.6),
        ...plasticity.stdpDopamine({ transmit: "ge_post += w*0.05" }),
      });
      net.addOperation((t) => {
        if (Math.round(t / 0.1) % 50 === 7) syn.modulate(t, 2);
      });
      net.run(50);
      return syn;
    };
    const w = run(true);
    const j = run(false);
    expect(w.kernelCalls.js).toBe(0);
    expect(w.variable("n").some((x) => x !== 0)).toBe(true);
    for (const v of w.variables) expect(bytes(w.variable(v)), v).toEqual(bytes(j.variable(v)));
  });
});

describe("exp of synapse code (fdlibm's algorithm, both targets)", () => {
  it("the WebAssembly and JavaScript versions agree bit for bit, within 1 ulp of Math.exp, special values exact", async () => {
    const { expSynapse, wasmExpFunction } = await import("../../src/equations/exp.js");
    const { assemble } = await import("../../src/wasm/assembler.js");
    const { Arena } = await import("../../src/wasm/arena.js");
    const wasm = (
      globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object } }
    ).WebAssembly;
    const instance = new Arena(65536).instance(
      new wasm.Module(assemble([{ name: "exp", ...wasmExpFunction() }])),
    )!;
    const wexp = instance.exp as (x: number) => number;
    const rng = new Rng(9);
    const xs = [
      0,
      -0,
      1,
      -1,
      0.5,
      1e-300,
      -1e-300,
      1e-9,
      0.34657359,
      0.3465736,
      1.0397208,
      1.04,
      709.78,
      709.79,
      -745.1,
      -745.2,
      -708.5,
      -720,
      700,
      Infinity,
      -Infinity,
      NaN,
      2 ** -28,
      -(2 ** -28),
    ];
    for (let k = 0; k < 20000; k++) xs.push((rng.uniform() - 0.5) * 2 * [1, 10, 100, 1500][k % 4]);
    const f = new Float64Array(2);
    const u = new BigInt64Array(f.buffer);
    // The inline form, twice in one function with shared locals: exp(x) after exp(x/3 - 2).
    const { expLocals, wasmExpCode } = await import("../../src/equations/exp.js");
    const { op, F64 } = await import("../../src/wasm/assembler.js");
    const locals: ValType[] = [];
    const at = expLocals((t) => (locals.push(t), locals.length));
    const twice = new Arena(65536).instance(
      new wasm.Module(
        assemble([
          {
            name: "twice",
            params: [F64],
            results: [F64],
            locals,
            body: [
              ...op.localGet(0),
              ...op.f64Const(3),
              ...op.f64Div,
              ...op.f64Const(2),
              ...op.f64Sub,
              ...wasmExpCode(at),
              ...op.localGet(0),
              ...wasmExpCode(at),
              ...op.f64Add,
            ],
          },
        ]),
      ),
    )!.twice as (x: number) => number;
    for (const x of xs) {
      const a = expSynapse(x);
      const both = expSynapse(x / 3 - 2) + a;
      const inline = twice(x);
      expect(
        Object.is(inline, both) || (Number.isNaN(inline) && Number.isNaN(both)),
        `exp twice (${x})`,
      ).toBe(true);
      const b = wexp(x);
      expect(
        Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)),
        `exp(${x}): js ${a} wasm ${b}`,
      ).toBe(true);
      const m = Math.exp(x);
      if (!Number.isFinite(m) || m === 0 || Number.isNaN(m))
        expect(Object.is(a, m) || (Number.isNaN(a) && Number.isNaN(m)), `exp(${x})`).toBe(true);
      else {
        f[0] = a;
        f[1] = m;
        expect(
          Math.abs(Number(u[0] - u[1])),
          `exp(${x}): ${a} vs Math.exp ${m}`,
        ).toBeLessThanOrEqual(1);
      }
    }
  });
});
