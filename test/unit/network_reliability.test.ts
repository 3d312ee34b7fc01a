// The network refuses what would crash, hang or silently go wrong: overlapping runs, non-finite
// state (detected and named), non-finite currents and rates, spike times beyond 32-bit step
// counts, absurd time steps and runs, networks bigger than the memory limit.
import { describe, expect, it } from "vitest";
import { Network, allToAll } from "../../src/index.js";

describe("runs do not overlap", () => {
  it("a second runAsync while one is running is refused, and the first completes correctly", async () => {
    const net = new Network({ dt_ms: 0.1 });
    const g = net.addLif("g", { size: 10 });
    g.current_pA.fill(400);
    const m = net.monitorSpikes();
    const first = net.runAsync(20000, { yieldEvery_ms: 1 }); // long enough to yield: many steps per WebAssembly call are fast
    await expect(net.runAsync(200)).rejects.toThrow(/a run of this network is already in progress/);
    expect(() => net.run(10)).toThrow(/already in progress/);
    const done = await first;
    expect(done.t_ms).toBeCloseTo(20000, 9);
    expect(net.t_ms).toBeCloseTo(20000, 9);
    const t = m.times_ms;
    for (let k = 1; k < t.length; k++) expect(t[k]).toBeGreaterThanOrEqual(t[k - 1]);
    net.run(10); // the network is usable afterwards
    expect(net.t_ms).toBeCloseTo(20010, 9);
  });

  it("a reset while a runAsync is pending stops that run before it steps the new build", async () => {
    const net = new Network({ dt_ms: 0.1 });
    net.addLif("g", { size: 10 });
    const pending = net.runAsync(50000, { yieldEvery_ms: 1 }); // long: many steps per WebAssembly call take 500 ms in well under 1 ms
    await new Promise((r) => setImmediate(r));
    net.reset();
    await expect(pending).rejects.toThrow(/the network was reset or rebuilt during a run/);
    expect(net.t_ms).toBe(0);
    net.run(1); // and the reset network runs
    expect(net.t_ms).toBeCloseTo(1, 9);
  });

  it("after a run stopped mid-step (as the kernel's interrupt terminates it), runs ask for reset() and reset() recovers", () => {
    const net = new Network();
    net.addLif("g", { size: 1 });
    (net as unknown as { activeRun: object }).activeRun = {}; // what a terminated run leaves behind (its finally never runs)
    expect(() => net.run(1)).toThrow(/stopped mid-step .* call net\.reset\(\)/);
    net.reset();
    net.run(1);
    expect(net.t_ms).toBeCloseTo(1, 9);
  });

  it("run() inside onProgress is refused", () => {
    const net = new Network();
    net.addLif("g", { size: 1 });
    expect(() => net.run(10, { progressEvery_steps: 10, onProgress: () => net.run(1) })).toThrow(
      /already in progress/,
    );
    net.run(1); // the guard was released
  });
});

describe("non-finite values never pass silently", () => {
  it("a blown-up Izhikevich neuron stops the run naming group, variable, neuron and time", () => {
    const net = new Network({ dt_ms: 1 });
    const g = net.addIzhikevich("izh", { size: 3, preset: "RS" });
    g.current_pA[2] = 1e6;
    expect(() => net.run(1000)).toThrow(
      /izh\.(v_mV|u)\[2\] became (NaN|Infinity|-Infinity) by t = \d+\.\d+ ms/,
    );
  });

  it("an equation model that produces NaN is stopped", () => {
    const net = new Network({ dt_ms: 0.1, checkFinite_steps: 10 });
    net.addNeurons("eq", { size: 4, model: "dx/dt = log(x - 2)/ms : 1", init: { x: 1 } });
    expect(() => net.run(5)).toThrow(
      /eq\.x\[0\] became NaN by t = 1\.0000 ms \(step 10; checked every 10 steps\)/,
    );
  });

  it("NaN written into current_pA is refused when the run starts", () => {
    const net = new Network();
    const g = net.addLif("g", { size: 3 });
    g.current_pA[1] = NaN;
    expect(() => net.run(1)).toThrow(/g\.current_pA\[1\] must be a finite number, got NaN/);
  });

  it("rates: a changed rate applies from the next run, NaN is refused", () => {
    const net = new Network({ dt_ms: 0.1 });
    const p = net.addPoisson("p", { size: 100, rate_Hz: 50 });
    const m = net.monitorSpikes();
    net.run(100);
    expect(m.count).toBeGreaterThan(200);
    p.rate_Hz = 0;
    const before = m.count;
    net.run(100);
    expect(m.count).toBe(before);
    expect(() => (p.rate_Hz = NaN)).toThrow(/p: rate_Hz must be a finite number/);
    expect(() => (p.rate_Hz = 1e6)).toThrow(/p: rate_Hz must be a finite number in \[0, 10000\]/);
    expect(p.rate_Hz).toBe(0);
  });
});

describe("time", () => {
  it("t_ms reads as the step count times dt, without rounding noise", () => {
    const net = new Network({ dt_ms: 0.1 });
    net.addPoisson("p", { size: 1, rate_Hz: 1 });
    net.run(28844.8);
    expect(net.t_ms).toBe(28844.8); // 288448 x 0.1 is 28844.800000000003 in floating point
    expect(String(net.t_ms)).toBe("28844.8");
  });
});

describe("bounds", () => {
  it("spike times beyond 2^32 steps do not wrap around", () => {
    const net = new Network({ dt_ms: 0.1 });
    net.addSpikeGenerator("sg", { size: 1, neurons: [0], times_ms: [429496730.2] });
    const m = net.monitorSpikes();
    net.run(10);
    expect(m.count).toBe(0);
  });

  it("time steps and run lengths have stated bounds", () => {
    expect(() => new Network({ dt_ms: 1e-300 })).toThrow(
      /dt_ms must be a finite number in \[0\.0001, 1000\]/,
    );
    expect(() => new Network({ tauMs: 5 } as never)).toThrow(
      /unknown option "tauMs" \(allowed: dt_ms, seed, wasm, checkFinite_steps, maxMemory_bytes, threads\)/,
    );
    const net = new Network({ dt_ms: 0.0001 });
    net.addPoisson("p", { size: 1, rate_Hz: 1 });
    expect(() => net.run(1e9)).toThrow(
      /duration_ms must be a finite number in \[0, 214748\.3648\]/,
    );
  });

  it("a custom rule's output is checked before it reaches the arena; weights of the wrong type are named", () => {
    const net = new Network();
    const a = net.addLif("a", { size: 3 });
    const bad = () => ({
      nPre: 3,
      nPost: 3,
      rowPtr: Int32Array.from([0, 1, 2, 3]),
      colIdx: Int32Array.from([0, 7, 1]),
    });
    net.connect(a, a, { rule: bad, weight_mV: 1 });
    expect(() => net.build()).toThrow(/rule of a -> a/);
    const net2 = new Network();
    const b = net2.addLif("b", { size: 3 });
    expect(() => net2.connect(b, b, { rule: allToAll(), weight_mV: "1" as never })).toThrow(
      /weight_mV must be a number or a function/,
    );
    expect(() => net2.addIzhikevich("i", undefined as never)).toThrow(
      /addIzhikevich: options must be an object/,
    );
  });

  it("a network bigger than the memory limit is refused at build with the estimate", () => {
    const net = new Network({ maxMemory_bytes: 1e6 });
    const a = net.addLif("a", { size: 2000 });
    net.connect(a, a, { rule: allToAll(), weight_mV: 0.1 });
    expect(() => net.build()).toThrow(
      /network: building needs about 0\.0\d GiB .* more than maxMemory_bytes = 0\.00 GiB/,
    );
  });
});
