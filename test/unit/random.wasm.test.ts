// The generator and fdlibm's log in WebAssembly (src/random/wasm.ts, src/equations/log.ts):
// bitwise identical to the JavaScript Rng and to Math.log, so Poisson groups run inside the
// multi-step driver and draw exactly what the JavaScript reference (`wasm: false`) draws.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Network, PoissonGroup, Rng, fixedProbability, poissonStep } from "../../src/index.js";
import { logFdlibm } from "../../src/equations/log.js";
import { RNG_STATE_WORDS, rngModule, type RngKernels } from "../../src/random/wasm.js";
import { Arena } from "../../src/wasm/arena.js";

const arena = new Arena(1 << 20);
const k = arena.instance(rngModule()) as unknown as RngKernels;
const state = arena.i32(RNG_STATE_WORDS);
const out = arena.i32(20000);

/** Doubles from random bit patterns (every exponent, subnormals, negatives, NaNs). */
function randomBits(rng: Rng, n: number): Float64Array {
  const x = new Float64Array(n);
  const w = new Uint32Array(x.buffer);
  for (let i = 0; i < w.length; i++) w[i] = rng.nextUint32();
  return x;
}

const SPECIAL = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  -1,
  1,
  2,
  0.5,
  Math.E,
  5e-324,
  2.2250738585072014e-308,
  2.225073858507201e-308,
  Number.MAX_VALUE,
  1 - 2 ** -53,
  1 + 2 ** -52,
  2 ** -53,
  Math.SQRT2,
  Math.SQRT1_2,
  1 - 2 ** -21,
  1 + 2 ** -21,
];

/** The same bits, NaN of any payload counted equal (Math.log's NaN is the reference's NaN). */
function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe("fdlibm's log in two targets", () => {
  it("JavaScript twin is bitwise equal to Math.log over millions of values, special values included", () => {
    const rng = new Rng(11);
    const xs = [...SPECIAL, ...randomBits(rng, 1_000_000)];
    for (let i = 0; i < 1_000_000; i++) xs.push(rng.uniform(), 1 + (rng.uniform() - 0.5) * 2e-5);
    for (let i = 0; i < 100_000; i++) xs.push(rng.uniform() * 2 ** -1022); // subnormals
    let differ = 0;
    for (const x of xs) if (!same(logFdlibm(x), Math.log(x))) differ++;
    expect(differ).toBe(0);
    expect(logFdlibm(0)).toBe(-Infinity);
    expect(logFdlibm(-0)).toBe(-Infinity);
    expect(logFdlibm(Infinity)).toBe(Infinity);
    expect(logFdlibm(-1)).toBeNaN();
    expect(logFdlibm(NaN)).toBeNaN();
    expect(logFdlibm(5e-324)).toBe(-744.4400719213812);
  });

  it("WebAssembly is bitwise equal to the JavaScript twin", () => {
    const rng = new Rng(12);
    const xs = [...SPECIAL, ...randomBits(rng, 500_000)];
    for (let i = 0; i < 500_000; i++) xs.push(rng.uniform(), 1 + (rng.uniform() - 0.5) * 2e-5);
    for (let i = 0; i < 50_000; i++) xs.push(rng.uniform() * 2 ** -1022);
    let differ = 0;
    for (const x of xs) if (!same(k.log(x), logFdlibm(x))) differ++;
    expect(differ).toBe(0);
  });

  it("is within 1 ulp of the exact logarithm (checked through exp of the result's neighbours)", () => {
    // log is monotone: the true value lies between the result's neighbours iff exp of the
    // lower neighbour <= x <= exp of the upper one, up to exp's own rounding (also < 1 ulp).
    const rng = new Rng(13);
    const f = new Float64Array(1);
    const w = new BigInt64Array(f.buffer);
    for (let n = 0; n < 20_000; n++) {
      const x = rng.uniform() * 2 ** (60 * rng.uniform() - 30);
      const y = logFdlibm(x);
      if (y === 0) continue;
      f[0] = y;
      w[0] -= 2n;
      const lo = f[0];
      w[0] += 4n;
      const hi = f[0];
      expect(Math.min(Math.exp(lo), Math.exp(hi))).toBeLessThanOrEqual(x);
      expect(Math.max(Math.exp(lo), Math.exp(hi))).toBeGreaterThanOrEqual(x);
    }
  });
});

describe("xoshiro128** in WebAssembly", () => {
  it("draws the same 32-bit words and uniforms as Rng over millions of draws, across fork and hand-over", () => {
    for (const seed of [0, 1, 2026, 0xffffffff]) {
      const js = new Rng(seed);
      const shared = new Rng(seed);
      shared.saveState(state);
      for (let i = 0; i < 1_000_000; i++)
        if (k.next(state.byteOffset) >>> 0 !== js.nextUint32()) throw new Error(`word ${i}`);
      for (let i = 0; i < 500_000; i++)
        if (!Object.is(k.uniform(state.byteOffset), js.uniform())) throw new Error(`uniform ${i}`);
      // hand the stream back to JavaScript, fork, and go on in WebAssembly with the child
      shared.loadState(state);
      expect(shared.uniform()).toBe(js.uniform());
      const child = shared.fork();
      const jsChild = js.fork();
      child.saveState(state);
      for (let i = 0; i < 1000; i++) expect(k.uniform(state.byteOffset)).toBe(jsChild.uniform());
      child.loadState(state);
      expect(child.normal()).toBe(jsChild.normal());
      expect(shared.nextUint32()).toBe(js.nextUint32());
    }
  });

  it("draws the normals of Rng.normal (polar method) bit for bit, the spare handed over both ways", () => {
    const f64 = arena.f64(1001);
    const f32 = arena.f32(1001);
    for (const seed of [0, 3, 2026]) {
      const js = new Rng(seed);
      const shared = new Rng(seed);
      shared.saveState(state);
      for (let i = 0; i < 1_000_000; i++)
        if (!Object.is(k.normal(state.byteOffset), js.normal())) throw new Error(`normal ${i}`);
      // an odd count leaves a spare in the arena; JavaScript takes it, then hands one back
      k.fillNormal(state.byteOffset, f64.byteOffset, 1001);
      const ref = Array.from({ length: 1001 }, () => js.normal());
      expect(Array.from(f64)).toEqual(ref);
      shared.loadState(state);
      expect(shared.normal()).toBe(js.normal()); // the spare, drawn in WebAssembly
      expect(shared.normal()).toBe(js.normal()); // a new pair: its spare stays in JavaScript
      shared.saveState(state);
      k.fillNormalF32(state.byteOffset, f32.byteOffset, 1001);
      expect(Array.from(f32)).toEqual(Array.from({ length: 1001 }, () => Math.fround(js.normal())));
      shared.loadState(state);
      expect(shared.uniform()).toBe(js.uniform());
      expect(shared.normal()).toBe(js.normal());
      // fills of every parity, with and without a spare waiting, back to back
      shared.saveState(state);
      for (const n of [0, 1, 2, 0, 7, 3, 1, 1, 10]) {
        k.fillNormal(state.byteOffset, f64.byteOffset, n);
        const want = Array.from({ length: n }, () => js.normal());
        expect(Array.from(f64.subarray(0, n)), `fill of ${n}`).toEqual(want);
      }
      shared.loadState(state);
      expect(shared.normal()).toBe(js.normal());
    }
  });

  it("poissonStep writes the spikes of the JavaScript poissonStep and leaves the generator where it does", () => {
    const cases: [number, number][] = [
      [1000, 0.01],
      [20000, 0.002],
      [10, 0.9],
      [50, 1],
      [50, 0],
      [3, 1e-12],
      [200, 0.5],
    ];
    for (const [n, p] of cases) {
      const js = new Rng(n + 7);
      const wasm = new Rng(n + 7);
      const spikes = new Int32Array(n);
      for (let step = 0; step < 30; step++) {
        const count = poissonStep(n, p, js, spikes);
        wasm.saveState(state);
        const got = k.poissonStep(state.byteOffset, n, p, Math.log1p(-p), out.byteOffset);
        wasm.loadState(state);
        expect(got, `n ${n}, p ${p}`).toBe(count);
        expect(Array.from(out.subarray(0, got))).toEqual(Array.from(spikes.subarray(0, count)));
        expect(wasm.nextUint32()).toBe(js.nextUint32());
      }
      if (p === 1) expect(poissonStep(n, p, js, spikes)).toBe(n);
    }
  });
});

type Mode = "driver" | "step" | "js";

/** A Brunel-like network driven by Poisson groups; between runs the plan switches driver <-> step, a rate changes, reset and rebuild. */
function poissonNetwork(mode: Mode, switchPlan: boolean, second?: (run: () => void) => void) {
  const net = new Network({ dt_ms: 0.1, seed: 21, wasm: mode !== "js" });
  net.multiStep = mode === "driver";
  const params = { tauM_ms: 20, tRef_ms: 2, vRest_mV: 0, vReset_mV: 10, vThresh_mV: 20 };
  const exc = net.addLif("exc", { size: 160, params, v0_mV: (rng) => 20 * rng.uniform() });
  const inh = net.addLif("inh", { size: 40, params });
  const ext = net.addPoisson("ext", { size: 200, rate_Hz: 150 });
  const sparse = net.addPoisson("sparse", { size: 50, rate_Hz: 3 });
  net.connect(ext, exc, { rule: fixedProbability(0.1), weight_mV: 0.6 });
  net.connect(ext, inh, { rule: fixedProbability(0.1), weight_mV: 0.6 });
  net.connect(sparse, inh, { rule: fixedProbability(0.5), weight_mV: 2 });
  net.connect(exc, exc, { rule: fixedProbability(0.1), weight_mV: 0.2, delay_ms: 1.5 });
  net.connect(exc, inh, { rule: fixedProbability(0.1), weight_mV: 0.2, delay_ms: 1.5 });
  net.connect(inh, exc, { rule: fixedProbability(0.1), weight_mV: -1, delay_ms: 1.5 });
  const spikes = net.monitorSpikes([exc, inh, ext, sparse]);
  net.run(60);
  if (switchPlan && mode !== "js") net.multiStep = !net.multiStep;
  ext.rate_Hz = 220;
  (second ?? ((run) => run()))(() => net.run(40));
  if (switchPlan && mode !== "js") net.multiStep = !net.multiStep;
  net.reset();
  net.run(30);
  net.rebuild();
  net.run(30);
  return { net, spikes: spikes!, exc };
}

describe("Poisson groups in the multi-step driver", () => {
  afterEach(() => vi.restoreAllMocks());

  it("bitwise identical to the step-by-step walk and to wasm: false (the JavaScript reference), with no JavaScript draw", () => {
    const ref = poissonNetwork("js", false);
    expect(ref.spikes.meanRate_Hz("ext")).toBeGreaterThan(100);
    expect(ref.spikes.meanRate_Hz("exc"), "the network is active").toBeGreaterThan(2);
    // (the build draws connectivity with Rng.geometric: watch a run after it)
    const d = poissonNetwork("driver", false, (run) => {
      const update = vi.spyOn(PoissonGroup.prototype, "update");
      const geometric = vi.spyOn(Rng.prototype, "geometric");
      run();
      expect(update, "a Poisson group's JavaScript step ran in the driver").not.toHaveBeenCalled();
      expect(geometric).not.toHaveBeenCalled();
      vi.restoreAllMocks();
    });
    expect(d.net.driverStats.steps).toBe(1600);
    const runs = [
      d,
      poissonNetwork("step", false),
      poissonNetwork("driver", true),
      poissonNetwork("step", true),
    ];
    for (const o of runs) {
      expect(Array.from(o.spikes.times_ms)).toEqual(Array.from(ref.spikes.times_ms));
      expect(Array.from(o.spikes.neurons)).toEqual(Array.from(ref.spikes.neurons));
    }
  }, 60_000);
});

/** A group whose model draws rand() (two sites; float64 or float32), driven by a Poisson group. */
function randNetwork(
  mode: Mode,
  precision: "float64" | "float32",
  second?: (run: () => void) => void,
) {
  const net = new Network({ dt_ms: 0.1, seed: 33, wasm: mode !== "js" });
  net.multiStep = mode === "driver";
  const g = net.addNeurons("noisy", {
    size: 37,
    model: "dv/dt = (1.1 + 0.8*rand() - v)/(10*ms) + 0.3*(rand() - 0.5)/ms : 1",
    threshold: "v > 1",
    reset: "v = 0.2*rand()",
    method: "euler",
    init: { v: "rand()" },
    precision,
  });
  const input = net.addPoisson("input", { size: 30, rate_Hz: 50 });
  net.connect(input, g, { rule: fixedProbability(0.3), on_pre: "v += 0.05" });
  const spikes = net.monitorSpikes([g, input]);
  net.run(50);
  (second ?? ((run) => run()))(() => net.run(50));
  net.multiStep = !net.multiStep && mode !== "js";
  net.run(20);
  net.reset();
  net.run(30);
  return { net, g, spikes: spikes! };
}

describe("equations' rand() in the multi-step driver", () => {
  afterEach(() => vi.restoreAllMocks());

  for (const precision of ["float64", "float32"] as const)
    it(`${precision}: drawn in WebAssembly, bitwise identical to step by step and to wasm: false`, () => {
      const ref = randNetwork("js", precision);
      expect(ref.spikes.meanRate_Hz("noisy")).toBeGreaterThan(5);
      const d = randNetwork("driver", precision, (run) => {
        const uniform = vi.spyOn(Rng.prototype, "uniform");
        run();
        expect(uniform, "a rand() drawn in JavaScript inside the driver").not.toHaveBeenCalled();
        vi.restoreAllMocks();
      });
      expect(d.net.driverStats.steps).toBe(1000);
      for (const o of [d, randNetwork("step", precision)]) {
        expect(Array.from(o.spikes.times_ms)).toEqual(Array.from(ref.spikes.times_ms));
        expect(Array.from(o.spikes.neurons)).toEqual(Array.from(ref.spikes.neurons));
        expect(Array.from(o.g.variable("v"))).toEqual(Array.from(ref.g.variable("v")));
      }
    }, 60_000);
});
