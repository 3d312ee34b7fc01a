// The multi-step driver (src/wasm/driver.ts): a plan whose every operation has a WebAssembly
// form runs many steps per call. The same networks run with the driver, step by step (the
// plan walked in JavaScript, each kernel called separately) and with `wasm: false` (the
// JavaScript references) must end in bitwise-identical state, spikes and monitor records;
// progress, state monitors and the non-finite check still run at their steps.
import { describe, expect, it, vi } from "vitest";
import {
  Network,
  Rng,
  cobaNetwork,
  fixedProbability,
  fromPairs,
  plasticity,
  type NeuronGroup,
  type RunProgress,
} from "../../src/index.js";

const MODEL = `
dv/dt = (ge*(Ee - v) + gi*(Ei - v) + El - v + I_gap + I0)/taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
I_gap : volt
I0 : volt
`;
const NS = {
  taum: "20*ms",
  taue: "5*ms",
  taui: "10*ms",
  Ee: "0*mV",
  Ei: "-80*mV",
  El: "-60*mV",
  vt: "-50*mV",
  vr: "-60*mV",
};

type Mode = "driver" | "step" | "js";

/** Two groups (float64 and float32), direct and delayed events, on_post, a modulator, summed coupling, monitors. */
function network(mode: Mode) {
  const net = new Network({ dt_ms: 0.1, seed: 9, wasm: mode !== "js", checkFinite_steps: 50 });
  net.multiStep = mode === "driver";
  const group = (name: string, size: number, precision: "float64" | "float32") =>
    net.addNeurons(name, {
      size,
      model: MODEL,
      threshold: "v > vt",
      reset: "v = vr; ge *= 0.5",
      refractory: "2*ms",
      method: "euler",
      namespace: NS,
      init: { v: "vr + 10*mV*rand()", I0: "(11 + 5*rand())*mV" },
      precision,
    });
  const exc = group("exc", 120, "float64");
  const inh = group("inh", 37, "float32");
  const dopamine = net.addNeurons("dopamine", {
    size: 2,
    model: "dv/dt = (1.2 - v)/(6*ms) : 1",
    threshold: "v > 1",
    reset: "v = 0",
    method: "exact",
    init: { v: "rand()" },
  });
  net.connect(exc, inh, { rule: fixedProbability(0.2), on_pre: "ge += 0.3" });
  // sources: a Poisson group (stepped in WebAssembly, test/unit/random.wasm.test.ts) and a spike generator
  const poisson = net.addPoisson("poisson", { size: 20, rate_Hz: 40 });
  net.connect(poisson, exc, { rule: fixedProbability(0.3), on_pre: "ge += 0.2", delay_ms: 0.4 });
  const times_ms = Array.from({ length: 60 }, (_, k) => Number((0.3 + 2.5 * k).toFixed(1)));
  const generator = net.addSpikeGenerator("generator", {
    size: 3,
    neurons: times_ms.map((_, k) => k % 3),
    times_ms,
  });
  net.connect(generator, inh, { rule: fixedProbability(0.5), on_pre: "ge += 0.4" });
  net.connect(inh, exc, { rule: fixedProbability(0.2), on_pre: "gi += 0.1", delay_ms: 0.7 });
  net.connect(inh, inh, { rule: fixedProbability(0.1), on_pre: "gi += 0.05", delay_ms: 0.2 });
  const stdp = net.connect(exc, exc, {
    rule: fixedProbability(0.1),
    ...plasticity.stdpDopamine({ transmit: "ge_post += w*0.2", dopamine, delay_ms: 0.3 }),
  });
  const gap = net.connect(exc, exc, {
    rule: fixedProbability(0.05),
    model: "g : 1\nI_gap_post = g*(v_pre - v_post) : volt (summed)",
    init: { g: "0.02*rand()" },
  });
  const spikes = net.monitorSpikes([exc, inh]);
  const dopamineSpikes = net.monitorSpikes([dopamine]);
  const rates = net.monitorRate([inh, dopamine, exc, poisson]);
  const state = net.monitorState(inh, ["v", "ge"], { indices: [0, 5, 36], every_steps: 7 });
  const progress: RunProgress[] = [];
  net.run(150, { onProgress: (p) => progress.push(p), progressEvery_steps: 333 });
  net.run(50.3);
  return { net, exc, inh, stdp, gap, spikes, dopamineSpikes, rates, state, progress };
}

const bytes = (a: Float64Array | Float32Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe("the multi-step driver", () => {
  it("is bitwise identical to the step-by-step walk and to the JavaScript references", () => {
    const runs = (["driver", "step", "js"] as const).map(network);
    const [d] = runs;
    expect(String(d.net.schedule())).toMatch(/runs: many steps per WebAssembly call/);
    // the driver took the steps in few calls (stopping for progress, samples and checks)
    expect(d.net.driverStats.steps).toBe(2003);
    expect(d.net.driverStats.calls).toBeLessThan(2003 / 5);
    expect(runs[1].net.driverStats.calls).toBe(0);
    expect(d.spikes.count, "the groups spiked").toBeGreaterThan(200);
    expect(d.dopamineSpikes.count).toBeGreaterThan(10);
    for (const other of runs.slice(1)) {
      expect(Array.from(other.spikes.times_ms)).toEqual(Array.from(d.spikes.times_ms));
      expect(Array.from(other.spikes.neurons)).toEqual(Array.from(d.spikes.neurons));
      expect(other.spikes.meanRate_Hz()).toBe(d.spikes.meanRate_Hz());
      expect(Array.from(other.dopamineSpikes.neurons)).toEqual(
        Array.from(d.dopamineSpikes.neurons),
      );
      for (const g of ["exc", "inh"] as const)
        for (const v of d[g].variables)
          expect(bytes(other[g].variable(v)), `${g}.${v}`).toEqual(bytes(d[g].variable(v)));
      for (const s of ["stdp", "gap"] as const)
        for (const v of d[s].variables)
          expect(bytes(other[s].variable(v)), `${s}.${v}`).toEqual(bytes(d[s].variable(v)));
      expect(Array.from(other.state.times_ms)).toEqual(Array.from(d.state.times_ms));
      expect(bytes(other.state.values("v"))).toEqual(bytes(d.state.values("v")));
      expect(other.progress).toEqual(d.progress);
      for (const g of ["exc", "inh", "dopamine", "poisson"])
        expect(other.rates.rate_Hz(g, 0.1)).toEqual(d.rates.rate_Hz(g, 0.1));
      expect(other.net.t_ms).toBe(d.net.t_ms);
    }
    expect(d.state.times_ms.length).toBe(Math.floor(2003 / 7));
    expect(d.rates.rate_Hz("exc", 0.1).rate_Hz.length).toBe(2003);
    expect(d.rates.rate_Hz("exc", 1).rate_Hz.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(d.progress.map((p) => p.step)).toEqual([333, 666, 999, 1332, 1500]);
    expect(
      d.stdp.variable("n").some((x) => x !== 0),
      "the modulator acted",
    ).toBe(true);
    // every kernel call went through WebAssembly, and as many as step by step
    for (const k of ["exc", "inh", "stdp", "gap"] as const) {
      expect(d[k].kernelCalls.js, `${k}: calls in JavaScript`).toBe(0);
      expect(d[k].kernelCalls.wasm, k).toBe(runs[1][k].kernelCalls.wasm);
      expect(runs[2][k].kernelCalls.js, k).toBe(d[k].kernelCalls.wasm);
    }
  }, 60_000); // (seconds on a quiet machine; a loaded one may take ten times longer)

  it("stops a call when the spike log may overflow, and loses no spike", () => {
    const run = (multiStep: boolean) => {
      const net = new Network({ seed: 1 });
      net.multiStep = multiStep;
      const g = net.addNeurons("g", {
        size: 2001,
        model: "dv/dt = 1/ms : 1\nth : 1",
        threshold: "v > th",
        reset: "v = 0",
        method: "euler",
        init: { th: "0.05 + 0.2*rand()" },
      });
      const m = net.monitorSpikes([g]);
      net.run(30);
      return { net, m };
    };
    const a = run(true);
    const b = run(false);
    expect(a.m.count).toBeGreaterThan(150000); // far more than the log holds
    expect(a.net.driverStats.calls).toBeGreaterThan(2);
    expect(Array.from(a.m.neurons)).toEqual(Array.from(b.m.neurons));
    expect(Array.from(a.m.times_ms)).toEqual(Array.from(b.m.times_ms));
  }, 60_000); // (seconds on a quiet machine; a loaded one may take ten times longer)

  it("leaves room in the spike log for a spike generator emitting a neuron several times in a step", () => {
    const run = (multiStep: boolean) => {
      const net = new Network({ seed: 1 });
      net.multiStep = multiStep;
      const steps = 30000;
      const times_ms = Array.from({ length: 3 * steps }, (_, k) =>
        Number((0.1 * (1 + Math.floor(k / 3))).toFixed(1)),
      );
      const g = net.addSpikeGenerator("g", { size: 1, neurons: times_ms.map(() => 0), times_ms });
      const m = net.monitorSpikes([g]);
      net.run(0.1 * steps);
      return { net, m };
    };
    const a = run(true);
    const b = run(false);
    expect(a.m.count).toBe(90000); // more than the log holds (65536)
    expect(a.net.driverStats.calls).toBeGreaterThan(1);
    expect(Array.from(a.m.neurons)).toEqual(Array.from(b.m.neurons));
    expect(Array.from(a.m.times_ms)).toEqual(Array.from(b.m.times_ms));
  }, 60_000);

  it("says why a plan runs step by step (a user operation) and then runs it so", () => {
    const net = new Network({ seed: 2 });
    const g = net.addNeurons("g", { size: 10, model: "dv/dt = -v/(10*ms) : 1", method: "euler" });
    net.addOperation(() => {}, { name: "probe" });
    expect(String(net.schedule())).toMatch(
      /runs: step by step \(probe \(user operation\) needs JavaScript every step\)/,
    );
    net.run(1);
    expect(net.driverStats.calls).toBe(0);
    expect(g.kernelCalls.wasm).toBe(10);
    const net2 = new Network({ seed: 2 });
    net2.addLif("cells", { size: 2 });
    expect(String(net2.schedule())).toMatch(/runs: many steps per WebAssembly call/);
    const net3 = new Network({ seed: 2, wasm: false });
    net3.addLif("cells", { size: 2 });
    expect(String(net3.schedule())).toMatch(/runs: step by step \(wasm: false\)/);
    // the log's limits are named: too many monitors, or a share smaller than one step's spikes
    const monitored = (groupSize: number, monitors: number) => {
      const net = new Network({ seed: 2 });
      const g = net.addNeurons("g", {
        size: groupSize,
        model: "dv/dt = (1.5 - v)/(10*ms) : 1",
        threshold: "v > 1",
        reset: "v = 0",
        method: "euler",
      });
      const ms = Array.from({ length: monitors }, () => net.monitorSpikes([g]));
      net.run(30);
      return { net, counts: ms.map((m) => m.count) };
    };
    const many = monitored(10, 70);
    expect(String(many.net.schedule())).toMatch(
      /runs: step by step \(SpikeMonitor \(record\) needs JavaScript every step: the driver logs for at most 64 spike and rate monitors, this network has 70\)/,
    );
    const few = monitored(10, 4).counts[0];
    expect(few).toBeGreaterThan(0);
    expect(many.counts.every((c) => c === few)).toBe(true);
    expect(String(monitored(20000, 5).net.schedule())).toMatch(
      /the driver's log holds \d+ entries per monitor \(5 spike and rate monitors\), fewer than one step's 20000 possible spikes/,
    );
  });

  it("draws the random numbers of rand(), randn() and xi from the group's stream, as step by step", () => {
    const run = (mode: Mode) => {
      const net = new Network({ seed: 8, wasm: mode !== "js" });
      net.multiStep = mode === "driver";
      const g = net.addNeurons("g", {
        size: 13,
        model:
          "dv/dt = (0.5*rand() - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1\ndu/dt = (randn() - u)/(5*ms) : 1",
        threshold: "v > 0.3",
        reset: "v = 0.1*rand(); u += 0.1",
        method: "euler",
        precision: "float32",
      });
      const m = net.monitorSpikes([g]);
      const draws = [vi.spyOn(Rng.prototype, "uniform"), vi.spyOn(Rng.prototype, "normal")];
      net.run(40);
      if (mode === "driver")
        for (const spy of draws)
          expect(spy, "a number drawn in JavaScript inside the driver").not.toHaveBeenCalled();
      vi.restoreAllMocks();
      return { net, g, m };
    };
    const [d, st, js] = (["driver", "step", "js"] as const).map(run);
    expect(d.net.driverStats.steps).toBe(400);
    expect(d.m.count).toBeGreaterThan(10);
    for (const o of [st, js]) {
      expect(Array.from(o.m.neurons)).toEqual(Array.from(d.m.neurons));
      for (const v of d.g.variables)
        expect(bytes(o.g.variable(v)), v).toEqual(bytes(d.g.variable(v)));
    }
    expect(d.g.kernelCalls.js).toBe(0);
  });

  it("a non-finite state stops the run at the same step as step by step", () => {
    const run = (multiStep: boolean) => {
      const net = new Network({ checkFinite_steps: 10 });
      net.multiStep = multiStep;
      net.addNeurons("g", {
        size: 3,
        model: "dv/dt = v/(0.01*ms) : 1",
        method: "euler",
        init: { v: 1 },
      });
      let message = "";
      try {
        net.run(100);
      } catch (err) {
        message = (err as Error).message;
      }
      return { message, t: net.t_ms };
    };
    const a = run(true);
    expect(a.message).toMatch(/g\.v\[0\] became Infinity by t = /);
    expect(a).toEqual(run(false));
  });
});

/** Every state variable (and receptor variable) of built-in groups, as bytes. */
function groupBytes(g: NeuronGroup, receptors: readonly string[] = []) {
  return [
    ...g.variables.map((v) => [v, bytes(g.variable(v))] as const),
    ...receptors.map((r) => [r, bytes(g.receptorVariable(r))] as const),
  ];
}

describe("built-in groups and static projections in the multi-step driver", () => {
  it("one-step delivery from a spike generator that lists a neuron three times in a step (the kept spike list holds them all)", () => {
    const run = (mode: Mode) => {
      const net = new Network({ dt_ms: 0.1, seed: 3, wasm: mode !== "js" });
      net.multiStep = mode === "driver";
      const gen = net.addSpikeGenerator("gen", {
        size: 1,
        neurons: [0, 0, 0, 0],
        times_ms: [1, 1, 1, 2],
      });
      const cells = net.addLif("cells", {
        size: 2,
        receptors: { exc: { kind: "current", tau_ms: 5 } },
      });
      net.connect(gen, cells, { rule: fixedProbability(1), receptor: "exc", weight_pA: 10 });
      net.run(1.2); // the spikes of 1 ms arrive at the end of the next step
      const x = Float64Array.from(cells.receptorVariable("exc"));
      net.run(3);
      return { net, x, v: Float64Array.from(cells.variable("v_mV")) };
    };
    const driver = run("driver");
    expect(driver.net.driverStats.calls).toBeGreaterThan(0);
    // three spikes of 10 pA arrived in one step, decayed exactly over the steps since
    const arrived = 30 * Math.exp(-0.1 / 5);
    for (const value of driver.x) expect(value).toBeCloseTo(arrived, 9);
    for (const other of [run("step"), run("js")]) {
      expect(Array.from(other.x)).toEqual(Array.from(driver.x));
      expect(Array.from(other.v)).toEqual(Array.from(driver.v));
    }
  });

  it("receptors of kind delta besides the built-in one sum their jumps into the step (as one delta receptor)", () => {
    const run = (mode: Mode, split: boolean) => {
      const net = new Network({ dt_ms: 0.1, seed: 5, wasm: mode !== "js" });
      net.multiStep = mode === "driver";
      const p = net.addPoisson("p", { size: 40, rate_Hz: 80 });
      const g = net.addLif("g", {
        size: 5,
        params: { iBias_pA: 300 },
        receptors: { ex: { kind: "delta" }, in: { kind: "delta" } },
      });
      net.connect(p, g, {
        rule: fixedProbability(0.5),
        receptor: split ? "ex" : "delta",
        weight_mV: 0.8,
      });
      net.connect(p, g, {
        rule: fixedProbability(0.5),
        receptor: split ? "in" : "delta",
        weight_mV: -0.6,
        delay_ms: 1.5,
      });
      const spikes = net.monitorSpikes([g]);
      net.run(200);
      return { v: Array.from(g.variable("v_mV")), times: Array.from(spikes.times_ms) };
    };
    const driver = run("driver", true);
    expect(run("step", true)).toEqual(driver);
    expect(run("js", true)).toEqual(driver);
    const one = run("driver", false);
    expect(driver.times.length).toBeGreaterThan(5);
    expect(driver.times).toEqual(one.times);
    driver.v.forEach((v, i) => expect(v).toBeCloseTo(one.v[i], 9));
  });

  it("a callback that throws inside a multi-step run leaves the network as step by step does, and it runs on the same", () => {
    const run = (multiStep: boolean) => {
      const net = new Network({ dt_ms: 0.1, seed: 8 });
      net.multiStep = multiStep;
      const p = net.addPoisson("p", { size: 50, rate_Hz: 40 });
      const g = net.addNeurons("g", {
        size: 21, // odd: a spare normal is pending when the callback throws
        model: "dv/dt = (0.5 + 0.8*rand() - v)/(10*ms) + 0.1*xi/sqrt(ms) : 1",
        threshold: "v > 0.8",
        reset: "v = 0",
        method: "euler",
      });
      net.connect(p, g, {
        rule: fixedProbability(0.2),
        model: "w : 1",
        on_pre: "v_post += 0.05",
        init: { w: 1 },
      });
      const cells = net.addLif("cells", { size: 3, params: { iBias_pA: 200 } });
      let thrown = false;
      net.addCurrentSource(cells, (t_ms, out) => {
        if (t_ms >= 23.7 && !thrown) {
          thrown = true;
          throw new Error("probe failed");
        }
        out.fill(100);
      });
      const spikes = net.monitorSpikes([p, g, cells]);
      expect(() => net.run(50)).toThrow(/probe failed/);
      const atError = { t_ms: net.t_ms, count: spikes.count };
      net.run(20);
      return {
        atError,
        t_ms: net.t_ms,
        times: Array.from(spikes.times_ms),
        neurons: Array.from(spikes.neurons),
        v: Array.from(g.variable("v")),
        vc: Array.from(cells.variable("v_mV")),
        calls: net.driverStats.calls,
      };
    };
    const driver = run(true);
    const step = run(false);
    expect(driver.calls).toBeGreaterThan(0);
    expect(driver.atError.t_ms).toBeCloseTo(23.7, 9);
    expect(driver.atError).toEqual(step.atError);
    expect({ ...driver, calls: 0 }).toEqual({ ...step, calls: 0 });
  });

  it("a callback drawing from a group's stream inside a multi-step run draws what it draws step by step", () => {
    const run = (multiStep: boolean) => {
      const net = new Network({ dt_ms: 0.1, seed: 8 });
      net.multiStep = multiStep;
      const g = net.addNeurons("g", {
        size: 5,
        model: "dv/dt = (0.5 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1\nw : 1",
        method: "euler",
      });
      const p = net.addPoisson("p", { size: 30, rate_Hz: 100 });
      const pSpikes = net.monitorSpikes([p]);
      const cells = net.addLif("cells", { size: 1 });
      net.addCurrentSource(cells, (t_ms, out) => {
        // mid-call draws from the group's stream (three normals: a spare is left)
        if (Math.abs(t_ms - 5) < 1e-9) g.assign("w", (rng, i) => (i < 3 ? rng.normal() : 0));
        out.fill(0);
      });
      net.run(10);
      return {
        v: Array.from(g.variable("v")),
        w: Array.from(g.variable("w")),
        spikes: Array.from(pSpikes.neurons),
        calls: net.driverStats.calls,
      };
    };
    const driver = run(true);
    expect(driver.calls).toBeGreaterThan(0);
    expect(driver.w.slice(0, 3).every((x) => x !== 0)).toBe(true);
    expect({ ...driver, calls: 0 }).toEqual({ ...run(false), calls: 0 });
  });

  it("a current source sees its step's time in net.t_ms inside multi-step runs", () => {
    const seen = (multiStep: boolean) => {
      const net = new Network({ dt_ms: 0.1, seed: 1 });
      net.multiStep = multiStep;
      const g = net.addLif("g", { size: 1 });
      const times: number[] = [];
      net.addCurrentSource(g, (t_ms, out) => {
        times.push(net.t_ms);
        expect(net.t_ms).toBeCloseTo(t_ms, 9);
        out.fill(0);
      });
      net.run(50);
      return { times, calls: net.driverStats.calls };
    };
    const driver = seen(true);
    expect(driver.calls).toBeGreaterThan(0);
    expect(driver.times).toHaveLength(500);
    expect(seen(false).times).toEqual(driver.times);
  });

  // COBA (Vogels & Abbott 2005) built with addLif: one-step conductance delivery straight into
  // the receptor variables ("keep spikes"), plus a delayed projection with per-synapse weights
  // (ring buffer, `each`) and one with per-synapse delays into a current receptor (`delayed`).
  function coba(mode: Mode) {
    const { net, exc, inh, spikes } = cobaNetwork({
      seed: 4,
      nExc: 400,
      nInh: 100,
      p: 0.05,
      wasm: mode !== "js",
    });
    net.multiStep = mode === "driver";
    net.connect(inh, exc, {
      rule: fixedProbability(0.05),
      receptor: "inh",
      weight_nS: (rng) => 10 + 20 * rng.uniform(),
      delay_ms: 0.8,
    });
    const extra = net.addLif("extra", {
      size: 30,
      params: { iBias_pA: 330, tRef_ms: 2 },
      receptors: { syn: { kind: "current", tau_ms: 3 } },
      v0_mV: (rng) => -70 + 15 * rng.uniform(),
    });
    net.connect(exc, extra, {
      rule: fixedProbability(0.1),
      receptor: "syn",
      weight_pA: 60,
      delay_ms: (rng) => 0.1 + 0.1 * Math.floor(30 * rng.uniform()),
    });
    const rates = net.monitorRate([exc, inh, extra]);
    const extraSpikes = net.monitorSpikes([extra]);
    const progress: RunProgress[] = [];
    net.run(120, { onProgress: (p) => progress.push(p), progressEvery_steps: 250 });
    net.run(30.5);
    return { net, exc, inh, extra, spikes: spikes!, extraSpikes, rates, progress };
  }

  it("COBA built with addLif: bitwise identical to the step-by-step walk and to wasm: false", () => {
    const runs = (["driver", "step", "js"] as const).map(coba);
    const [d] = runs;
    const schedule = String(d.net.schedule());
    expect(schedule).toMatch(/runs: many steps per WebAssembly call/);
    expect(schedule).toMatch(/spike delivery into exc \(last step's spikes, WebAssembly\)/);
    expect(schedule).toMatch(/keep spikes for the next step's delivery/);
    expect(d.net.driverStats.steps).toBe(1505);
    expect(d.net.driverStats.calls).toBeLessThan(20);
    expect(runs[1].net.driverStats.calls).toBe(0);
    expect(d.spikes.count, "the network is active").toBeGreaterThan(500);
    expect(d.extraSpikes.count, "the delayed current input acts").toBeGreaterThan(20);
    for (const o of runs.slice(1)) {
      expect(Array.from(o.spikes.times_ms)).toEqual(Array.from(d.spikes.times_ms));
      expect(Array.from(o.spikes.neurons)).toEqual(Array.from(d.spikes.neurons));
      expect(Array.from(o.extraSpikes.neurons)).toEqual(Array.from(d.extraSpikes.neurons));
      for (const g of ["exc", "inh"] as const)
        expect(groupBytes(o[g], ["exc", "inh"]), g).toEqual(groupBytes(d[g], ["exc", "inh"]));
      expect(groupBytes(o.extra, ["syn"])).toEqual(groupBytes(d.extra, ["syn"]));
      for (const g of ["exc", "inh", "extra"])
        expect(o.rates.rate_Hz(g, 0.1)).toEqual(d.rates.rate_Hz(g, 0.1));
      expect(o.progress).toEqual(d.progress);
      expect(o.net.t_ms).toBe(d.net.t_ms);
    }
  }, 60_000); // (seconds on a quiet machine; a loaded one may take ten times longer)

  // A Brunel (2000)-like network of delta synapses: Poisson drive, excitation and inhibition
  // with a 1.5 ms delay (ring buffers, the jump moved into the step), per-synapse delays and
  // weights, a spike generator, a current source set from JavaScript between runs.
  function brunel(mode: Mode) {
    const net = new Network({ dt_ms: 0.1, seed: 11, wasm: mode !== "js", checkFinite_steps: 40 });
    net.multiStep = mode === "driver";
    const params = { tauM_ms: 20, vRest_mV: 0, vReset_mV: 10, vThresh_mV: 20, tRef_ms: 2 };
    const v0_mV = (rng: { uniform(): number }) => 20 * rng.uniform();
    const exc = net.addLif("exc", { size: 160, params, v0_mV });
    const inh = net.addLif("inh", { size: 40, params, v0_mV });
    const noise = net.addPoisson("noise", { size: 300, rate_Hz: 30 });
    const stim = net.addSpikeGenerator("stim", {
      size: 2,
      neurons: [0, 1, 0, 1],
      times_ms: [5, 5, 40, 60.3],
    });
    net.connect(noise, exc, { rule: fixedProbability(0.2), weight_mV: 0.6, delay_ms: 1.5 });
    net.connect(noise, inh, { rule: fixedProbability(0.2), weight_mV: 0.6, delay_ms: 1.5 });
    net.connect(exc, exc, { rule: fixedProbability(0.1), weight_mV: 0.2, delay_ms: 1.5 });
    net.connect(exc, inh, { rule: fixedProbability(0.1), weight_mV: 0.2, delay_ms: 1.5 });
    net.connect(inh, exc, {
      rule: fixedProbability(0.1),
      weight_mV: (rng) => -1 - rng.uniform(),
      delay_ms: (rng) => 0.5 + 0.1 * Math.floor(20 * rng.uniform()),
    });
    net.connect(inh, inh, { rule: fixedProbability(0.1), weight_mV: -1, delay_ms: 0.1 });
    net.connect(stim, exc, { rule: fixedProbability(1), weight_mV: 5, delay_ms: 0.1 });
    // a current source (a user callback, called from the driver with the step's start)
    net.addCurrentSource(inh, (t_ms, out_pA) => out_pA.fill(t_ms >= 30 && t_ms < 70 ? 150 : 0));
    const spikes = net.monitorSpikes([exc, inh, noise]);
    const state = net.monitorState(exc, ["v_mV"], { indices: [0, 7], every_steps: 9 });
    net.run(60);
    exc.current_pA.fill(30);
    net.run(40);
    return { net, exc, inh, spikes, state };
  }

  it("a Brunel-like delta network with delays: bitwise identical to the step-by-step walk and to wasm: false", () => {
    const runs = (["driver", "step", "js"] as const).map(brunel);
    const [d] = runs;
    expect(String(d.net.schedule())).toMatch(/runs: many steps per WebAssembly call/);
    expect(String(d.net.schedule())).toMatch(
      /inh -> exc +spike delivery \(WebAssembly in the multi-step driver\)/,
    );
    expect(d.net.driverStats.steps).toBe(1000);
    expect(d.net.driverStats.calls).toBeLessThan(1000 / 5);
    expect(d.spikes.meanRate_Hz("exc"), "the network is active").toBeGreaterThan(2);
    expect(d.spikes.meanRate_Hz("inh")).toBeGreaterThan(2);
    for (const o of runs.slice(1)) {
      expect(Array.from(o.spikes.times_ms)).toEqual(Array.from(d.spikes.times_ms));
      expect(Array.from(o.spikes.neurons)).toEqual(Array.from(d.spikes.neurons));
      for (const g of ["exc", "inh"] as const)
        expect(groupBytes(o[g]), g).toEqual(groupBytes(d[g]));
      expect(bytes(o.state.values("v_mV"))).toEqual(bytes(d.state.values("v_mV")));
    }
  }, 60_000); // (seconds on a quiet machine; a loaded one may take ten times longer)

  // Clock-driven synapse equations (an NMDA-like conductance with a gate following v_post) in
  // the driver: the gather of v_post and the step kernel, with random numbers from the stream.
  function clockDriven(mode: Mode) {
    const net = new Network({ dt_ms: 0.1, seed: 5, wasm: mode !== "js" });
    net.multiStep = mode === "driver";
    const pre = net.addNeurons("pre", {
      size: 6,
      model: "dv/dt = (I - v)/(10*ms) : 1\nI : 1",
      threshold: "v > 1",
      reset: "v = 0",
      method: "euler",
      init: { I: "1.1 + 0.2*i" },
    });
    const post = net.addNeurons("post", {
      size: 5,
      model:
        "dv/dt = (gL*(El - v) + I_syn + I_ext)/C : volt (unless refractory)\nI_syn : amp\nI_ext : amp",
      threshold: "v > Vt",
      reset: "v = Vr",
      refractory: "2*ms",
      method: "euler",
      namespace: { gL: "10*nS", El: "-70*mV", C: "200*pF", Vt: "-50*mV", Vr: "-70*mV" },
      init: { v: "El", I_ext: "(150 + 20*i)*pA" },
    });
    const i: number[] = [];
    const j: number[] = [];
    for (let a = 0; a < 6; a++)
      for (let b = 0; b < 5; b++)
        if ((a + b) % 2 === 0) {
          i.push(a);
          j.push(b);
        }
    const syn = net.connect(pre, post, {
      rule: fromPairs(i, j),
      model: [
        "w : siemens",
        "ds/dt = -s/(100*ms) + 0.5/ms*x*(1 - s) : 1 (clock-driven)",
        "dx/dt = -x/(2*ms) + 0.02*randn()/ms : 1 (clock-driven)",
        "dm/dt = (1/(1 + exp(-0.062*v_post/mV)/3.57) - m)/(5*ms) : 1 (clock-driven)",
        "I_syn_post = w*s*m*(0*mV - v_post) : amp (summed)",
      ].join("\n"),
      on_pre: "x += 1",
      init: { w: "(2 + 0.5*i)*nS", m: "0.2" },
    });
    const spikes = net.monitorSpikes([pre, post]);
    const normal = vi.spyOn(Rng.prototype, "normal");
    net.run(80);
    if (mode === "driver")
      expect(normal, "a randn() drawn in JavaScript inside the driver").not.toHaveBeenCalled();
    vi.restoreAllMocks();
    return { net, pre, post, syn, spikes };
  }

  it("clock-driven synapse updates: bitwise identical to the step-by-step walk and to wasm: false", () => {
    const runs = (["driver", "step", "js"] as const).map(clockDriven);
    const [d] = runs;
    expect(String(d.net.schedule())).toMatch(/runs: many steps per WebAssembly call/);
    expect(d.net.driverStats.steps).toBe(800);
    expect(d.net.driverStats.calls).toBeLessThan(20);
    expect(d.spikes.count).toBeGreaterThan(20);
    expect(
      d.syn.variable("s").some((x) => x > 0.01),
      "the clock-driven variables moved",
    ).toBe(true);
    for (const o of runs.slice(1)) {
      expect(Array.from(o.spikes.neurons)).toEqual(Array.from(d.spikes.neurons));
      expect(Array.from(o.spikes.times_ms)).toEqual(Array.from(d.spikes.times_ms));
      for (const v of d.syn.variables)
        expect(bytes(o.syn.variable(v)), `syn.${v}`).toEqual(bytes(d.syn.variable(v)));
      for (const v of d.post.variables)
        expect(bytes(o.post.variable(v)), `post.${v}`).toEqual(bytes(d.post.variable(v)));
    }
  });
});
