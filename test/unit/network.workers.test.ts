// `threads: 2` (src/wasm/threads.ts): the state update + threshold of an equation group split
// across the main thread (neurons [0, h)) and a worker thread ([h, n)) on a shared
// WebAssembly.Memory, the two spike lists merged in index order. The same networks run on one
// thread and on two (forced, every group split however small: odd sizes, float64 and float32,
// rand/randn/xi, refractoriness, resets, the index i in the equations, synapses onto and from
// the split groups, spike, rate and state monitors; in the multi-step driver and in the
// step-by-step walk) must end in bitwise-identical state, spikes and records. One thread is
// itself bitwise identical to the JavaScript references (network.driver.test.ts).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { Network, fixedProbability } from "../../src/index.js";
import { SplitChooser } from "../../src/wasm/threads.js";

const ROOT = path.resolve(__dirname, "../..");

const MODEL = `
dv/dt = (ge*(Ee - v) + gi*(Ei - v) + El - v + I0 + 0.001*mV*i + sigma*xi*sqrt(taum))/taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
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
  sigma: "3*mV",
};

type Threads = 1 | 2 | "auto";

/** Groups of odd sizes in both precisions, synapses between them, every kind of monitor. */
function network(
  threads: Threads,
  multiStep: boolean,
  sizes = { exc: 1001, inh: 37 },
  options?: (net: Network) => void,
) {
  const net = new Network({ dt_ms: 0.1, seed: 5, threads, checkFinite_steps: 50 });
  net.splitMin_neurons = 1; // split every group, however small
  net.multiStep = multiStep;
  options?.(net);
  const group = (name: string, size: number, precision: "float64" | "float32") =>
    net.addNeurons(name, {
      size,
      model: MODEL,
      threshold: "v > vt",
      reset: "v = vr + 2*mV*rand(); ge *= 0.5",
      refractory: "2*ms",
      method: "euler",
      namespace: NS,
      init: { v: "vr + 10*mV*rand()", I0: "(10 + 6*rand())*mV" },
      precision,
    });
  const exc = group("exc", sizes.exc, "float64");
  const inh = group("inh", sizes.inh, "float32");
  // a condition as refractoriness, randn() in the step, no reset
  const noisy = net.addNeurons("noisy", {
    size: 203,
    model: "dv/dt = (1.1 - v)/(10*ms) + 0.2*randn()/ms : 1 (unless refractory)",
    threshold: "v > 1",
    reset: "v = 0",
    refractory: "v > 0.5",
    method: "euler",
    init: { v: "rand()" },
  });
  const poisson = net.addPoisson("poisson", { size: 30, rate_Hz: 30 });
  net.connect(poisson, exc, { rule: fixedProbability(0.2), on_pre: "ge += 0.2", delay_ms: 0.3 });
  net.connect(exc, inh, { rule: fixedProbability(0.1), on_pre: "ge += 0.3" });
  net.connect(inh, exc, { rule: fixedProbability(0.2), on_pre: "gi += 0.1", delay_ms: 0.7 });
  net.connect(exc, exc, { rule: fixedProbability(0.02), on_pre: "ge += 0.05", delay_ms: 1.2 });
  net.connect(noisy, inh, { rule: fixedProbability(0.1), on_pre: "ge += 0.2" });
  const spikes = net.monitorSpikes([exc, inh, noisy]);
  const rates = net.monitorRate([inh, exc, noisy]);
  const state = net.monitorState(exc, ["v", "ge"], {
    indices: [0, sizes.exc >> 1, sizes.exc - 1],
    every_steps: 9,
  });
  net.run(60);
  net.run(20.3);
  return { net, exc, inh, noisy, spikes, rates, state };
}

const bytes = (a: Float64Array | Float32Array) =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function expectSame(a: ReturnType<typeof network>, b: ReturnType<typeof network>): void {
  expect(b.spikes.count).toBe(a.spikes.count);
  expect(Array.from(b.spikes.neurons)).toEqual(Array.from(a.spikes.neurons));
  expect(Array.from(b.spikes.times_ms)).toEqual(Array.from(a.spikes.times_ms));
  for (const g of ["exc", "inh", "noisy"] as const) {
    for (const v of a[g].variables)
      expect(bytes(b[g].variable(v)), `${g}.${v}`).toEqual(bytes(a[g].variable(v)));
    expect(b.rates.rate_Hz(g, 0.1)).toEqual(a.rates.rate_Hz(g, 0.1));
  }
  expect(bytes(b.state.values("v"))).toEqual(bytes(a.state.values("v")));
  expect(b.net.t_ms).toBe(a.net.t_ms);
}

describe("threads: 2 (a group's step split across the main thread and a worker)", () => {
  it("is bitwise identical to one thread, in the multi-step driver and step by step", () => {
    const one = network(1, true);
    const split = network(2, true);
    const walked = network(2, false);
    const schedule = String(split.net.schedule());
    expect(schedule).toMatch(
      /exc +state update.*2 threads \(neurons \[0, 500\) here, \[500, 1001\)/,
    );
    expect(schedule).toMatch(/inh +state update.*f32x4\), 2 threads \(neurons \[0, 16\) here/);
    expect(schedule).toMatch(/threads: 2 \(exc, inh, noisy split\)/);
    expect(schedule).toMatch(/runs: many steps per WebAssembly call/);
    expect(String(one.net.schedule())).not.toMatch(/threads|worker/);
    expect(split.net.driverStats.steps).toBe(803);
    expect(walked.net.driverStats.calls).toBe(0);
    for (const g of ["exc", "inh", "noisy"] as const) {
      expect(split[g].isSplit, g).toBe(true);
      expect(walked[g].isSplit, g).toBe(true);
      expect(one[g].isSplit, g).toBe(false);
      expect(split[g].kernelCalls).toEqual(one[g].kernelCalls);
    }
    // both halves spiked (the worker's spikes are merged, in index order)
    const neurons = one.spikes.neurons;
    expect(neurons.some((x) => x < 500)).toBe(true);
    expect(neurons.some((x) => x >= 500 && x < 1001)).toBe(true);
    expect(one.spikes.count).toBeGreaterThan(500);
    expectSame(one, split);
    expectSame(one, walked);
  }, 120_000);

  it("splits built-in groups (addLif) too, with static projections and delays", () => {
    const run = (threads: 1 | 2) => {
      const net = new Network({ seed: 8, threads });
      net.splitMin_neurons = 1;
      const receptors = {
        exc: { kind: "conductance" as const, tau_ms: 5, eRev_mV: 0 },
        inh: { kind: "conductance" as const, tau_ms: 10, eRev_mV: -80 },
      };
      const params = { iBias_pA: 210, tRef_ms: 3 };
      const v0_mV = (rng: { uniform(): number }) => -60 + 10 * rng.uniform();
      const exc = net.addLif("exc", { size: 803, params, receptors, v0_mV });
      const inh = net.addLif("inh", { size: 201, params, receptors, v0_mV });
      for (const post of [exc, inh]) {
        net.connect(exc, post, { rule: fixedProbability(0.05), receptor: "exc", weight_nS: 2 });
        net.connect(inh, post, {
          rule: fixedProbability(0.05),
          receptor: "inh",
          weight_nS: 10,
          delay_ms: 1.5,
        });
      }
      const m = net.monitorSpikes([exc, inh]);
      net.run(100);
      return { net, exc, inh, m };
    };
    const a = run(1);
    const b = run(2);
    expect(String(b.net.schedule())).toMatch(/exc +.*2 threads \(neurons \[0, 400\) here/);
    expect(b.exc.equationGroup!.isSplit).toBe(true);
    expect(a.m.count).toBeGreaterThan(200);
    expect(Array.from(b.m.neurons)).toEqual(Array.from(a.m.neurons));
    expect(Array.from(b.m.times_ms)).toEqual(Array.from(a.m.times_ms));
    for (const g of ["exc", "inh"] as const)
      expect(bytes(b[g].variable("v_mV"))).toEqual(bytes(a[g].variable("v_mV")));
  }, 60_000);

  it("splits at a multiple of 4 for small and odd sizes", () => {
    for (const [exc, inh] of [
      [5, 6],
      [9, 13],
      [130, 7],
    ]) {
      const a = network(1, true, { exc, inh });
      const b = network(2, true, { exc, inh });
      expect(b.exc.splitAt % 4).toBe(0);
      expect(b.exc.splitAt).toBeGreaterThan(0);
      expect(b.exc.splitAt).toBeLessThan(exc);
      expectSame(a, b);
    }
  }, 120_000);

  it("keeps working after reset and rebuild (the worker is released and loaded again)", () => {
    const net = new Network({ seed: 3, threads: 2 });
    net.splitMin_neurons = 1;
    const g = net.addNeurons("g", {
      size: 301,
      model: "dv/dt = (1.2 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1",
      threshold: "v > 1",
      reset: "v = 0",
      method: "euler",
      init: { v: "rand()" },
    });
    const m = net.monitorSpikes([g]);
    net.run(50);
    const first = Array.from(m.neurons);
    expect(first.length).toBeGreaterThan(100);
    net.reset();
    net.run(50);
    expect(Array.from(m.neurons)).toEqual(first);
    net.rebuild();
    net.run(50);
    expect(Array.from(m.neurons)).toEqual(first);
    expect(g.isSplit).toBe(true);
  }, 60_000);

  it("a reset or rebuild from a callback mid-run never waits for the released worker", () => {
    const run = (threads: 1 | 2, multiStep: boolean, call: "reset" | "rebuild") => {
      const net = new Network({ seed: 3, threads });
      net.splitMin_neurons = 1;
      net.multiStep = multiStep;
      const a = net.addNeurons("a", {
        size: 41,
        model: "dv/dt = (1.2 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1",
        threshold: "v > 1",
        reset: "v = 0",
        method: "euler",
      });
      // a second split group after the callback's slot: its step runs after the release
      net.addNeurons("b", { size: 23, model: "dv/dt = -v/(10*ms) : 1", method: "euler" });
      const cells = net.addLif("cells", { size: 1 });
      let done = false;
      net.addCurrentSource(cells, (t_ms, out) => {
        if (t_ms >= 2 && !done) {
          done = true;
          net[call]();
        }
        out.fill(0);
      });
      const t0 = performance.now();
      let error = "";
      try {
        net.run(5);
      } catch (err) {
        error = (err as Error).message;
      }
      return { error, ms: performance.now() - t0, v: Array.from(a.variable("v")) };
    };
    for (const multiStep of [true, false])
      for (const call of ["reset", "rebuild"] as const) {
        const one = run(1, multiStep, call);
        const two = run(2, multiStep, call);
        expect(two.error, `${call}, multiStep ${multiStep}`).toBe(one.error);
        expect(two.v).toEqual(one.v);
        expect(two.ms, "no wait for the released worker").toBeLessThan(5_000);
      }
  }, 60_000);

  it("leaves no spinning worker behind: an idle network costs no CPU", async () => {
    const net = new Network({ threads: 2 });
    net.splitMin_neurons = 1;
    const g = net.addNeurons("g", {
      size: 20001,
      model: "dv/dt = (1.1 - v)/(10*ms) : 1",
      threshold: "v > 1",
      reset: "v = 0",
      method: "euler",
    });
    net.run(20);
    expect(g.isSplit).toBe(true);
    const idle = async (ms: number) => {
      const c0 = process.cpuUsage(); // (all threads of the process)
      await new Promise((resolve) => setTimeout(resolve, ms));
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    // a worker spinning through the wait would take ~400 ms of CPU
    expect(await idle(400)).toBeLessThan(120);
    net.reset();
    expect(await idle(200)).toBeLessThan(60);
  }, 60_000);

  it("does not split groups below the size threshold or whose step calls JavaScript other than Math's", () => {
    const net = new Network({ threads: 2 });
    net.splitMin_neurons = 100;
    net.addNeurons("small", { size: 99, model: "dv/dt = -v/(10*ms) : 1", method: "euler" });
    const e = net.addNeurons("pow", {
      size: 100,
      model: "dv/dt = -v/(10*ms) + (v + 2)**0.5/ms : 1",
      method: "euler",
    });
    const s = String(net.schedule());
    expect(s).toMatch(
      /threads: 1 \(no equation group of >= 100 neurons.*pow: its step calls JavaScript \(pow\)/,
    );
    expect(e.isSplit).toBe(false);
  });

  it("shares Math's functions with the worker (exp, sin, ... called per lane): the same bits", () => {
    const run = (threads: 1 | 2) => {
      const net = new Network({ seed: 4, threads });
      net.splitMin_neurons = 1;
      const g = net.addNeurons("g", {
        size: 517,
        model: "dv/dt = (1.2 - v)/(10*ms) + 0.05*exp(-v)*sin(v*7)/ms + 0.2*xi/sqrt(ms) : 1",
        threshold: "v > 1",
        reset: "v = 0",
        method: "euler",
        init: { v: "rand()" },
      });
      const m = net.monitorSpikes([g]);
      net.run(80);
      return { net, g, m };
    };
    const a = run(1);
    const b = run(2);
    expect(b.g.isSplit).toBe(true);
    expect(a.m.count).toBeGreaterThan(100);
    expect(Array.from(b.m.neurons)).toEqual(Array.from(a.m.neurons));
    expect(bytes(b.g.variable("v"))).toEqual(bytes(a.g.variable("v")));
  }, 60_000);

  it("'auto' calibrates at build and reports it; results do not depend on its choice", () => {
    const one = network(1, true);
    const auto = network("auto", true);
    const s = String(auto.net.schedule());
    // on a quiet machine with a free core it may split; on a busy one it must not
    expect(s).toMatch(
      /threads: (2 \(auto, calibration: round trip [\d.]+ us; exc [\d.]+ us\/step on 1 thread, [\d.]+ on 2|1 \(auto: (a round trip to the worker took|calibration: round trip|the worker thread did not start))/,
    );
    expectSame(one, auto);
    // a group smaller than the threshold keeps one thread, and says so
    const net = new Network({ threads: "auto" });
    net.addNeurons("g", { size: 400, model: "dv/dt = -v/(10*ms) : 1", method: "euler" });
    expect(String(net.schedule())).toMatch(
      /threads: 1 \(auto: no equation group of >= 20000 neurons/,
    );
  }, 120_000);

  it("'auto' switching between one and two threads while running changes nothing", () => {
    const one = network(1, true);
    const auto = (multiStep: boolean) =>
      network("auto", multiStep, undefined, (net) => {
        net.calibrate = false; // every group split; the chooser switches every few steps
        net.chooserWindow_steps = 3;
      });
    for (const b of [auto(true), auto(false)]) {
      const s = String(b.net.schedule());
      expect(s).toMatch(
        /threads: 2 \(auto, not calibrated\); while running, steps of [\d.]+ us on 1 thread and [\d.]+ us on 2/,
      );
      expect(b.exc.isSplit).toBe(true);
      expectSame(one, b);
    }
  }, 120_000);

  it("chooses the faster mode by whole-step wall time, probing the other now and then", () => {
    let now = 0;
    const clock = vi.spyOn(performance, "now").mockImplementation(() => now);
    try {
      const c = new SplitChooser(true, 2, 3);
      const steps = (n: number, us: (two: boolean) => number) => {
        const modes: boolean[] = [];
        for (let k = 0; k < n; k++) {
          modes.push(c.two);
          c.tick();
          now += us(c.two) / 1000;
        }
        return modes;
      };
      // two threads 50 us a step, one 80: after the first probe of one thread, two (probing every third window)
      const modes = steps(24, (two) => (two ? 50 : 80));
      expect(c.two_us).toBeCloseTo(50, 6);
      expect(c.one_us).toBeCloseTo(80, 6);
      expect(modes.filter((m) => !m).length).toBeGreaterThan(0);
      expect(modes.filter((m) => m).length).toBeGreaterThan(12);
      // the core got busy: two threads now 200 us a step -> one thread
      steps(40, (two) => (two ? 200 : 80));
      expect(c.two_us).toBeCloseTo(200, 6);
      const later = steps(24, (two) => (two ? 200 : 80));
      expect(later.filter((m) => !m).length).toBeGreaterThan(12);
      // a core that stays busy: each lost probe doubles the gap to the next (at most 64 windows)
      const long = steps(600, (two) => (two ? 200 : 80));
      expect(long.filter((m) => m).length).toBeLessThan(45); // (a probe every 3 windows: ~150)
      expect(long.filter((m) => m).length).toBeGreaterThan(0);
      // a pause between runs (> 50 ms) is not a step
      const before = [c.one_us, c.two_us];
      now += 10_000;
      c.tick();
      expect([c.one_us, c.two_us]).toEqual(before);
    } finally {
      clock.mockRestore();
    }
  });

  it("refuses threads other than 1, 2 or 'auto'", () => {
    for (const bad of [0, 3, 1.5, "2", "many", null])
      expect(() => new Network({ threads: bad as never })).toThrow(
        /threads must be 1, 2 or "auto", got/,
      );
    expect(() => new Network({ threads: 2, wasm: false })).toThrow(
      /threads: 2 needs a worker thread on shared WebAssembly memory: wasm: false/,
    );
    expect(new Network({ threads: "auto", wasm: false }).threads).toBe("auto");
  });

  it("without SharedArrayBuffer: 'auto' keeps one thread and says why, 2 is refused", () => {
    vi.stubGlobal("SharedArrayBuffer", undefined);
    try {
      expect(() => new Network({ threads: 2 })).toThrow(
        /threads: 2 needs a worker thread on shared WebAssembly memory: no SharedArrayBuffer/,
      );
      const net = new Network({ threads: "auto", seed: 1 });
      net.splitMin_neurons = 1;
      const g = net.addNeurons("g", {
        size: 64,
        model: "dv/dt = (1.1 - v)/(10*ms) : 1",
        threshold: "v > 1",
        reset: "v = 0",
        method: "euler",
      });
      expect(String(net.schedule())).toMatch(/threads: 1 \(auto: no SharedArrayBuffer\)/);
      net.run(30);
      expect(g.isSplit).toBe(false);
      expect(g.kernelCalls.js).toBe(0);
      expect(g.kernelCalls.wasm).toBeGreaterThanOrEqual(300);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("runs from the built CommonJS dist, and its worker never keeps the process alive", () => {
    const dist = path.join(ROOT, "src", "dist", "index.js");
    expect(existsSync(dist), "src/dist is built (npm run build, or tsc -b src)").toBe(true);
    const script = `
const { Network } = require(${JSON.stringify(dist)});
const run = (threads) => {
  const net = new Network({ seed: 11, threads });
  net.splitMin_neurons = 1;
  const g = net.addNeurons("g", { size: 997, model: "dv/dt = (1.1 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1",
    threshold: "v > 1", reset: "v = 0", method: "euler", init: { v: "rand()" }, precision: "float32" });
  const m = net.monitorSpikes([g]);
  net.run(100);
  return { split: g.isSplit, neurons: Array.from(m.neurons), v: Array.from(g.variable("v")) };
};
const a = run(1), b = run(2);
console.log(JSON.stringify({ split: b.split, n: a.neurons.length,
  same: JSON.stringify(a.neurons) === JSON.stringify(b.neurons) && a.v.every((x, k) => Object.is(x, b.v[k])) }));
`;
    // (no exit call: the process must end by itself, the worker unref'd)
    const out = execFileSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const r = JSON.parse(out.trim().split("\n").at(-1)!);
    expect(r.split).toBe(true);
    expect(r.n).toBeGreaterThan(100);
    expect(r.same).toBe(true);
  }, 90_000);
});
