// Models as equations: parsing, units and their errors, integrators against closed forms and
// convergence orders, noise statistics, refractoriness, synapse handles, the plan, and the
// bitwise identity of the two code generators on random valid models.
import { describe, expect, it } from "vitest";
import {
  DimensionMismatchError,
  ModelSyntaxError,
  Network,
  Rng,
  allToAll,
  fromPairs,
  lookupUnit,
  mV,
  ms,
  nS,
  pA,
  parseEquations,
  resolveNeuronModel,
  second,
  Hz,
  Mohm,
  type EquationGroup,
} from "../../src/index.js";

describe("units", () => {
  it("base system: ms, mV, pA, nS, pF (consistent: nS * mV = pA, pF * mV / ms = pA)", () => {
    expect([ms, mV, pA, nS, second, Hz]).toEqual([1, 1, 1, 1, 1000, 0.001]);
    const u = (n: string) => lookupUnit(n)!.scale;
    expect(u("volt")).toBe(1000);
    expect(u("mvolt")).toBe(1);
    expect(u("nA")).toBeCloseTo(1000, 9);
    expect(u("siemens")).toBeCloseTo(1e9, 0);
    expect(u("pF")).toBeCloseTo(1, 12);
    expect(u("Mohm")).toBeCloseTo(1e-3, 15);
    expect(Mohm * pA).toBeCloseTo(1e-3, 15); // 1 MOhm x 1 pA = 1 uV
    expect(u("kHz")).toBeCloseTo(1, 12);
    expect(u("cm2")).toBeCloseTo(1e8, 0); // (1e4 um)^2
    expect(lookupUnit("furlong")).toBeUndefined();
  });
});

describe("parsing", () => {
  it("reads differential equations, subexpressions, parameters, flags and comments", () => {
    const eqs = parseEquations(`
      dv/dt = (El - v)/tau : volt (unless refractory)  # membrane
      I_syn = g*(E - v) : amp
      tau : second (constant)
      g : siemens (shared, constant)
    `);
    expect(eqs.map((e) => [e.kind, e.name, e.unitText, e.flags])).toEqual([
      ["diff", "v", "volt", ["unless refractory"]],
      ["sub", "I_syn", "amp", []],
      ["param", "tau", "second", ["constant"]],
      ["param", "g", "siemens", ["shared", "constant"]],
    ]);
  });

  it("errors name the equation and the problem", () => {
    expect(() => parseEquations("dv/dt = -v/tau")).toThrow(
      /equation "dv\/dt = -v\/tau": expected "<definition> : <unit> \(flags\)"/,
    );
    expect(() => parseEquations("dv/dt = -v/tau : volt (sometimes)")).toThrow(
      /flag must be one of/,
    );
    expect(() => parseEquations("dv/dt = (-v/tau : volt")).toThrow(ModelSyntaxError);
    expect(() => parseEquations("v : volt\nv : volt")).toThrow(/v is defined twice/);
  });
});

const LIF = "dv/dt = (El - v)/tau : volt";

describe("resolving a model: unit checks and errors a user can act on", () => {
  it("an inconsistent equation names the equation, the term and both dimensions", () => {
    const err = (() => {
      try {
        resolveNeuronModel({
          model: "dv/dt = (El - v)/tau + g : volt\ng : siemens",
          namespace: { El: "-65*mV", tau: "10*ms" },
        });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(DimensionMismatchError);
    expect(err!.message).toMatch(/equation "dv\/dt = \(El - v\)\/tau \+ g : volt"/);
    expect(err!.message).toMatch(/\(El - v\) \/ tau\) \+ g/);
    expect(err!.message).toMatch(/volt\/second and siemens/);
  });

  it("the right-hand side must have the unit of the variable per second", () => {
    expect(() =>
      resolveNeuronModel({ model: "dv/dt = El - v : volt", namespace: { El: "-65*mV" } }),
    ).toThrow(/has dimension volt, but dv\/dt needs volt\/second/);
  });

  it("undefined names, circular definitions, missing units, non-integrable exact models, assigning constants", () => {
    expect(() => resolveNeuronModel({ model: LIF, namespace: { El: "-65*mV" } })).toThrow(
      /"tau" is not defined/,
    );
    expect(() =>
      resolveNeuronModel({ model: "dv/dt = a : volt\na = b : volt/second\nb = a : volt/second" }),
    ).toThrow(/circular definition/);
    expect(() =>
      resolveNeuronModel({ model: "dv/dt = -v/tau : volt", namespace: { tau: "10*furlongs" } }),
    ).toThrow(/not defined|may use numbers and units only/);
    expect(() =>
      resolveNeuronModel({ model: "dv/dt = -v/tau : voltage", namespace: { tau: "10*ms" } }),
    ).toThrow(/unknown unit "voltage"/);
    expect(() =>
      resolveNeuronModel({
        model: "dv/dt = -v**2/(mV*tau) : volt",
        namespace: { tau: "10*ms" },
        method: "exact",
      }),
    ).toThrow(
      /"exact" cannot integrate this model: equation "dv\/dt = -v\*\*2\/\(mV\*tau\) : volt" is not linear/,
    );
    expect(() =>
      resolveNeuronModel({
        model: `${LIF}\ntau : second (constant)`,
        namespace: { El: "-65*mV" },
        reset: "tau = 5*ms",
      }),
    ).toThrow(/reset "tau = 5\*ms": "tau" is a constant parameter/);
    expect(() =>
      resolveNeuronModel({
        model: LIF,
        namespace: { El: "-65*mV", tau: "10*ms" },
        threshold: "v > 3*nS",
      }),
    ).toThrow(/different dimensions: volt and siemens/);
    expect(() =>
      resolveNeuronModel({
        model: LIF,
        namespace: { El: "-65*mV", tau: "10*ms" },
        refractory: "3*mV",
      }),
    ).toThrow(/duration \(second\) or a boolean condition/);
    expect(() =>
      resolveNeuronModel({
        model: LIF,
        namespace: { El: "-65*mV", tau: "10*ms" },
        method: "midpoint" as never,
      }),
    ).toThrow(/method must be one of euler, exponential_euler, rk2, rk4, exact/);
    expect(() =>
      resolveNeuronModel({
        model: "dv/dt = -v/tau + xi*sigma/sqrt(tau) : volt",
        namespace: { tau: "10*ms", sigma: "1*mV" },
        method: "rk4",
      }),
    ).toThrow(/cannot integrate stochastic equations/);
  });

  it("plain-number constants are in base units and not checked; strings with units are", () => {
    expect(() => resolveNeuronModel({ model: LIF, namespace: { El: -65, tau: 10 } })).not.toThrow();
    expect(() =>
      resolveNeuronModel({ model: LIF, namespace: { El: "-65*mV", tau: "10*mV" } }),
    ).toThrow(DimensionMismatchError);
  });

  it("picks exact where the equations are linear, euler otherwise (Brian2's default order)", () => {
    expect(resolveNeuronModel({ model: LIF, namespace: { El: -65, tau: 10 } }).method).toBe(
      "exact",
    );
    expect(
      resolveNeuronModel({
        model: "dv/dt = (ge*(E - v))/tau : volt\ndge/dt = -ge/taue : 1",
        namespace: { E: 0, tau: 10, taue: 5 },
      }).method,
    ).toBe("euler");
  });
});

/** One neuron of a model run for `duration_ms`; returns the recorded variable after every step. */
function trace(
  model: string,
  opts: {
    method?: "euler" | "rk2" | "rk4" | "exponential_euler" | "exact";
    dt_ms: number;
    duration_ms: number;
    init: Record<string, number | string>;
    namespace: Record<string, number | string>;
    variable: string;
    wasm?: boolean;
  },
) {
  const net = new Network({ dt_ms: opts.dt_ms, wasm: opts.wasm ?? true });
  const g = net.addNeurons("g", {
    size: 1,
    model,
    method: opts.method,
    namespace: opts.namespace,
    init: opts.init,
  });
  const m = net.monitorState(g, [opts.variable]);
  net.run(opts.duration_ms);
  return m.values(opts.variable);
}

describe("integrators against closed forms", () => {
  it("exact: a LIF relaxes as El + (v0 - El) exp(-t/tau) to machine precision", () => {
    const v = trace(LIF, {
      method: "exact",
      dt_ms: 0.1,
      duration_ms: 50,
      init: { v: -50 },
      namespace: { El: -65, tau: 10 },
      variable: "v",
    });
    v.forEach((x, k) => expect(x).toBeCloseTo(-65 + 15 * Math.exp(-((k + 1) * 0.1) / 10), 11));
  });

  it("exact: a coupled linear system (alpha synapse) follows its closed form t/tau exp(1 - t/tau)", () => {
    const model = "dg/dt = (h - g)/tau : 1\ndh/dt = -h/tau : 1";
    const g = trace(model, {
      method: "exact",
      dt_ms: 0.5,
      duration_ms: 40,
      init: { g: 0, h: Math.E },
      namespace: { tau: 4 },
      variable: "g",
    });
    g.forEach((x, k) => {
      const t = (k + 1) * 0.5;
      expect(x).toBeCloseTo((t / 4) * Math.exp(1 - t / 4), 12);
    });
  });

  it("euler, rk2 and rk4 converge with orders 1, 2 and 4", () => {
    // dv/dt = -v/tau + sin(t/ms)*mV/ms: a non-autonomous linear ODE with a closed form.
    const model = "dv/dt = -v/tau + sin(t/ms)*mV/ms : volt";
    const tau = 5;
    const T = 4;
    const exact = (() => {
      const a = 1 / tau;
      // v(t) = C e^{-a t} + (a sin t - cos t)/(a^2 + 1), v(0) = 1
      const C = 1 + 1 / (a * a + 1);
      return C * Math.exp(-a * T) + (a * Math.sin(T) - Math.cos(T)) / (a * a + 1);
    })();
    const error = (method: "euler" | "rk2" | "rk4", dt: number) => {
      const v = trace(model, {
        method,
        dt_ms: dt,
        duration_ms: T,
        init: { v: 1 },
        namespace: { tau },
        variable: "v",
      });
      return Math.abs(v[v.length - 1] - exact);
    };
    for (const [method, order] of [
      ["euler", 1],
      ["rk2", 2],
      ["rk4", 4],
    ] as const) {
      const ratio = error(method, 0.1) / error(method, 0.05);
      expect(Math.log2(ratio), method).toBeGreaterThan(order - 0.2);
      expect(Math.log2(ratio), method).toBeLessThan(order + 0.3);
    }
  });

  it("exponential_euler is exact for a linear equation with a state-dependent rate held over the step", () => {
    const v = trace("dv/dt = (E - v)*g/tau : volt\ng : 1", {
      method: "exponential_euler",
      dt_ms: 1,
      duration_ms: 10,
      init: { v: 0, g: 2 },
      namespace: { E: 10, tau: 4 },
      variable: "v",
    });
    v.forEach((x, k) => expect(x).toBeCloseTo(10 - 10 * Math.exp((-(k + 1) * 2) / 4), 12));
  });

  it("xi: an Ornstein-Uhlenbeck process has mean 0 and variance sigma^2 (Brian2's xi*sqrt(dt) scaling)", () => {
    const net = new Network({ dt_ms: 0.1, seed: 7 });
    const g = net.addNeurons("ou", {
      size: 4000,
      model: "dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt",
      namespace: { tau: "10*ms", sigma: "2*mV" },
    });
    net.run(100); // 10 tau: stationary
    const v = g.variable("v");
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(4 * 0.93);
    expect(variance).toBeLessThan(4 * 1.07);
  });
});

describe("threshold, reset, refractoriness", () => {
  const model = "dv/dt = (El - v + R*I)/tau : volt (unless refractory)\nI : amp";
  const namespace = { El: "-65*mV", R: "40*Mohm", tau: "10*ms", Vt: "-50*mV", Vr: "-70*mV" };

  it("a LIF driven by a constant current fires with the closed-form period (on the dt grid)", () => {
    const net = new Network({ dt_ms: 0.01 });
    const g = net.addNeurons("lif", {
      size: 1,
      model,
      threshold: "v > Vt",
      reset: "v = Vr",
      refractory: "2*ms",
      namespace,
      init: { v: -70, I: "500*pA" },
    });
    const m = net.monitorSpikes([g]);
    net.run(200);
    const t = m.times_ms;
    // From Vr to Vt under 20 mV of drive: tau ln((Vr - El - RI)/(Vt - El - RI)), after 2 ms frozen.
    const period = 2 + 10 * Math.log((-70 + 65 - 20) / (-50 + 65 - 20));
    for (let k = 2; k < t.length; k++)
      expect(Math.abs(t[k] - t[k - 1] - period)).toBeLessThanOrEqual(0.011);
    expect(t.length).toBeGreaterThan(10);
  });

  it("a boolean refractory condition holds the neuron from its spike until the condition is false", () => {
    const net = new Network({ dt_ms: 0.1 });
    const g = net.addNeurons("g", {
      size: 1,
      model: "dv/dt = (20*mV - v)/(5*ms) : volt",
      threshold: "v > 10*mV",
      refractory: "v > 5*mV",
      init: { v: 0 },
    });
    const m = net.monitorSpikes([g]);
    net.run(50);
    expect(m.count).toBe(1); // no reset: v stays above 5 mV, so the neuron stays refractory
  });

  it("init accepts expressions with rand() from the group's stream: same seed, same values", () => {
    const make = (seed: number) => {
      const net = new Network({ seed });
      const g = net.addNeurons("g", {
        size: 50,
        model,
        namespace,
        init: { v: "Vr + rand()*(Vt - Vr)", I: "i*pA" },
      });
      net.build();
      return [g.variable("v").slice(), g.variable("I").slice()];
    };
    const [a, ia] = make(3);
    const [b] = make(3);
    const [c] = make(4);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-70);
    expect(Math.max(...a)).toBeLessThanOrEqual(-50);
    expect(ia[7]).toBe(7);
  });

  it("refuses unknown precisions, float32 with a per-neuron refractory period, and unknown init variables", () => {
    const net = new Network();
    expect(() =>
      net.addNeurons("a", { size: 1, model, namespace, precision: "float16" as never }),
    ).toThrow(/precision must be "float64" or "float32", got "float16"/);
    const f = new Network();
    f.addNeurons("f", {
      size: 2,
      model: "dv/dt = -v/(10*ms) : volt (unless refractory)\ntref : second",
      threshold: "v > 1*mV",
      refractory: "tref",
      precision: "float32",
    });
    expect(() => f.run(1)).toThrow(
      /f: precision "float32" needs a constant refractory period or a condition, got "tref"/,
    );
    expect(() => net.addNeurons("b", { size: 1, model, namespace, init: { w: 1 } })).toThrow(
      /init: variable must be one of v, I/,
    );
  });
});

describe("synapses written as equations: the projection handle", () => {
  const neuron = "dv/dt = -v/tau : volt\ndge/dt = -ge/taue : 1";
  const ns = { tau: "10*ms", taue: "5*ms" };

  function twoGroups(seed = 1) {
    const net = new Network({ seed, dt_ms: 0.1 });
    const a = net.addNeurons("a", {
      size: 4,
      model: neuron,
      namespace: ns,
      threshold: "v > 1*mV",
      reset: "v = 0*mV",
    });
    const b = net.addNeurons("b", { size: 3, model: neuron, namespace: ns });
    const syn = net.connect(a, b, {
      rule: allToAll(),
      model: "w : 1",
      on_pre: "ge_post += w",
      init: { w: "0.1*i + 0.01*j" },
    });
    return { net, a, b, syn };
  }

  it("exposes i, j, per-synapse variables (live), incoming synapses and conditional get/set", () => {
    const { net, syn } = twoGroups();
    net.build();
    expect(syn.size).toBe(12);
    expect(Array.from(syn.i)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(Array.from(syn.j)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    const w = syn.variable("w");
    expect(w[4]).toBeCloseTo(0.11, 12);
    expect(Array.from(syn.get("w", "i == j"))).toEqual([0, 0.11, 0.22].map((x, k) => w[k * 4]));
    syn.set("w", 0, "i == j");
    expect(Array.from(syn.get("w", "i == j"))).toEqual([0, 0, 0]);
    syn.set("w", "2*w", "j == 2");
    expect(w[2]).toBeCloseTo(0.04, 12);
    expect(Array.from(syn.incoming(1))).toEqual([1, 4, 7, 10]);
    // Brian2-style indexing through vars: by synapse, by condition, and assignment by condition.
    const vars = syn.vars;
    expect(vars.w[4]).toBe(w[4]);
    vars.w["i == 3"] = 0.5;
    expect(Array.from(vars.w["i == 3"] as Float64Array)).toEqual([0.5, 0.5, 0.5]);
    expect((vars.w as unknown as Float64Array).length).toBe(12);
    expect(() => (vars.w[0] = NaN)).toThrow(/w\[0\] must be a finite number/);
    expect(syn.outgoing(2)).toEqual([6, 9]);
    const d = syn.describe();
    d.variables.w[0] = 99;
    expect(w[0]).not.toBe(99); // describe copies
    expect(() => syn.variable("q")).toThrow(/variable must be one of w/);
    expect(() => syn.set("w", "nonsense_name")).toThrow(/"nonsense_name" is not defined/);
  });

  it("on_pre with a delay acts delay/dt steps after the spike (Brian2's timing)", () => {
    const net = new Network({ dt_ms: 0.1 });
    const src = net.addSpikeGenerator("src", { size: 1, neurons: [0], times_ms: [1] });
    const g = net.addNeurons("g", { size: 1, model: "x : 1" });
    net.connect(src, g, { rule: allToAll(), on_pre: "x_post += 1", delay_ms: 2 });
    const m = net.monitorState(g, ["x"]);
    net.run(5);
    const x = m.values("x");
    const first = x.findIndex((v) => v > 0);
    // The generator emits in the step starting at 0.9 ms (spikes stamped 1 ms); on_pre runs 20 steps later.
    expect(first).toBe(9 + 20);
    expect(x[x.length - 1]).toBe(1);
  });

  it("event-driven traces decay in closed form between events (cost grows with spikes, not steps)", () => {
    const net = new Network({ dt_ms: 0.1 });
    const src = net.addSpikeGenerator("src", { size: 1, neurons: [0, 0], times_ms: [1, 11] });
    const g = net.addNeurons("g", { size: 1, model: "x : 1" });
    const syn = net.connect(src, g, {
      rule: allToAll(),
      model: "dtr/dt = -tr/taut : 1 (event-driven)",
      on_pre: "x_post = tr; tr += 1",
      namespace: { taut: "10*ms" },
    });
    net.run(20);
    // At the second spike (10 ms later) the trace read is exp(-1); after it, exp(-1) + 1.
    expect(g.variable("x")[0]).toBeCloseTo(Math.exp(-1), 12);
    expect(syn.variable("tr")[0]).toBeCloseTo(Math.exp(-1) + 1, 12);
  });

  it("reset() keeps learned weights, rebuild() re-derives them from the rules", () => {
    const { net, syn } = twoGroups();
    net.build();
    syn.set("w", 5);
    net.run(1);
    net.reset();
    net.build();
    expect(Array.from(syn.variable("w"))).toEqual(new Array(12).fill(5));
    expect(net.t_ms).toBe(0);
    net.rebuild();
    net.build();
    expect(syn.variable("w")[4]).toBeCloseTo(0.11, 12);
  });

  it("checks units and names in statements", () => {
    const net = new Network();
    const a = net.addNeurons("a", { size: 2, model: neuron, namespace: ns });
    expect(() =>
      net.connect(a, a, { rule: allToAll(), model: "w : siemens", on_pre: "ge_post += w" }),
    ).toThrow(/on_pre: "ge_post \+= w".*dimension siemens, but 1 \(dimensionless\) is required/);
    expect(() => net.connect(a, a, { rule: allToAll(), on_pre: "gx_post += 1" })).toThrow(
      /"gx_post" is not a synaptic, presynaptic \(_pre\) or postsynaptic \(_post\) variable/,
    );
    expect(() =>
      net.connect(a, a, { rule: allToAll(), on_pre: "ge += 1", delay: 1 } as never),
    ).toThrow(/unknown option "delay"/);
    expect(() =>
      net.connect(a, a, {
        rule: allToAll(),
        model: "dw/dt = (apre - w)/tau : 1\ndapre/dt = -apre/tau : 1 (event-driven)",
        on_pre: "ge += w",
        namespace: ns,
      }),
    ).toThrow(/clock-driven variable "w" should not depend on the event-driven variable "apre"/);
  });
});

describe("the plan", () => {
  it("lists every operation in its slot, as Brian2's scheduling_summary", () => {
    const net = new Network();
    const a = net.addNeurons("exc", {
      size: 2,
      model: "dv/dt = -v/(10*ms) : volt",
      threshold: "v > 1*mV",
      reset: "v = 0*mV",
    });
    net.connect(a, a, { rule: fromPairs([0], [1]), on_pre: "v_post += 0.5*mV" });
    net.monitorSpikes();
    net.addOperation(() => {}, { when: "end", order: -1, name: "probe" });
    const s = net.schedule();
    expect(s.entries.map((e) => [e.slot, e.owner, e.what])).toEqual([
      ["groups", "exc", "state update (exact) + threshold, WebAssembly SIMD"],
      ["synapses", "exc -> exc", "on_pre, WebAssembly"],
      ["resets", "exc", "reset, WebAssembly"],
      ["end", "probe", "user operation"],
      ["end", "SpikeMonitor", "record"],
      ["end", "network", "non-finite state check every 100 steps"],
    ]);
    expect(String(s)).toMatch(
      /^step of 0\.1 ms, operations in order:\nslot\s+order\s+component\s+operation\ngroups\s+0\s+exc\s+state update/,
    );
    expect(() => net.addOperation(() => {}, { when: "later" as never })).toThrow(
      /when must be one of start, groups, thresholds, synapses, resets, end/,
    );
  });

  it("a user operation runs every step in its slot with the step's start time", () => {
    const net = new Network({ dt_ms: 0.5 });
    const g = net.addNeurons("g", { size: 1, model: "x : 1" });
    const seen: number[] = [];
    net.addOperation((t) => {
      seen.push(t);
      g.variable("x")[0] = t;
    });
    net.run(2);
    expect(seen).toEqual([0, 0.5, 1, 1.5]);
  });
});

/** A small generator of valid equation sets: random linear/nonlinear couplings, functions, rand(), randn(), xi, thresholds and resets. */
function randomModel(rng: Rng): {
  model: string;
  threshold?: string;
  reset?: string;
  refractory?: string;
  method: "euler" | "rk2" | "rk4" | "exponential_euler";
  init: Record<string, string>;
} {
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)];
  const n = 1 + rng.int(3);
  const vars = Array.from({ length: n }, (_, k) => `x${k}`);
  const term = (self: string) =>
    pick([
      `-${self}/(${(2 + rng.int(20)).toFixed(1)}*ms)`,
      `${pick(vars)}/(${(5 + rng.int(30)).toFixed(1)}*ms)`,
      `sin(${pick(vars)})/ms`,
      `exp(-abs(${pick(vars)}))/(10*ms)`,
      `clip(${pick(vars)}, -1, 1)/(7*ms)`,
      `p*${pick(vars)}/(3*ms)`,
      `(${pick(vars)} > 0.3)*0.2/ms`,
      `sqrt(1 + ${pick(vars)}**2)/(20*ms)`,
      `rand()*0.1/ms`,
      `randn()*0.1/ms`,
    ]);
  const method = pick(["euler", "rk2", "rk4", "euler"] as const);
  // white noise (Euler-Maruyama) where the method allows it
  const noise = () => (method === "euler" && rng.uniform() < 0.5 ? " + 0.05*xi/sqrt(ms)" : "");
  const lines = vars.map((v) => `d${v}/dt = ${term(v)} + ${term(v)} - ${v}/(4*ms)${noise()} : 1`);
  lines.push("p : 1");
  const spiking = rng.uniform() < 0.7;
  return {
    model: lines.join("\n"),
    threshold: spiking ? `x0 > ${(0.2 + rng.uniform() * 0.5).toFixed(2)}` : undefined,
    reset: spiking
      ? pick([
          `x0 = -0.5; ${pick(vars)} += 0.1`,
          // functions, t, i, a random site, and a statement reading the one before it
          `x0 = p*sin(${pick(vars)}) - 0.5 + 0.001*i; ${pick(vars)} += 0.1*x0`,
          `x0 = clip(x0 - 1, -0.5, 0.5) + 0.01*t/ms; ${pick(vars)} *= exp(-abs(x0))`,
          `x0 = -0.5 + 0.01*rand(); ${pick(vars)} = ${pick(vars)}**2 - sqrt(abs(x0))`,
        ])
      : undefined,
    refractory: spiking && rng.uniform() < 0.5 ? `${(0.5 + rng.int(3)).toFixed(1)}*ms` : undefined,
    method,
    init: Object.fromEntries([...vars.map((v) => [v, "rand() - 0.5"]), ["p", "0.5 + 0.1*i"]]),
  };
}

describe("WebAssembly and JavaScript targets", () => {
  it.each(["float64", "float32"] as const)(
    "are bitwise identical on random valid models (%s; odd and even sizes, randoms, refractoriness)",
    (precision) => {
      const rng = new Rng(2024);
      for (let trial = 0; trial < 25; trial++) {
        const spec = randomModel(rng);
        const size = 1 + rng.int(9);
        const run = (wasm: boolean) => {
          const net = new Network({ dt_ms: 0.1, seed: trial, wasm });
          const g: EquationGroup<Float64Array | Float32Array> = net.addNeurons("g", {
            size,
            ...spec,
            precision,
          });
          const m = net.monitorSpikes([g]);
          net.run(20);
          return { g, m };
        };
        const a = run(true);
        const b = run(false);
        expect(a.g.target).toBe("wasm");
        expect(b.g.target).toBe("js");
        // every step and reset of the wasm run went through a WebAssembly kernel
        expect(a.g.kernelCalls.js, "calls that fell back to JavaScript").toBe(0);
        expect(a.g.kernelCalls.wasm).toBeGreaterThanOrEqual(200);
        expect(b.g.kernelCalls.wasm).toBe(0);
        expect(b.g.kernelCalls.js).toBe(a.g.kernelCalls.wasm);
        if (spec.reset) expect(a.g.resetTarget).toBe("WebAssembly");
        const label = `trial ${trial} (${precision}): ${spec.method}\n${spec.model}`;
        if (precision === "float32") expect(a.g.variable("p")).toBeInstanceOf(Float32Array);
        expect(Array.from(a.m.times_ms), label).toEqual(Array.from(b.m.times_ms));
        for (const v of a.g.variables) {
          const x = a.g.variable(v);
          const y = b.g.variable(v);
          for (let i = 0; i < size; i++)
            expect(
              Object.is(x[i], y[i]) || x[i] === y[i],
              `${label}\n${v}[${i}]: ${x[i]} vs ${y[i]}`,
            ).toBe(true);
        }
      }
    },
  );
});
