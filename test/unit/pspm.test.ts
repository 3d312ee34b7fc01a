/**
 * PSPM (Bagley et al. 2020): the van Rossum distance's closed form, the LIF network against
 * hand-computed cases, and the paper's central claim reproduced on a teacher-student task: PSPM
 * moves a recurrent LIF network's spike trains towards a ground-truth network's (van Rossum
 * distance and missing/extra spikes fall) while the learned weights need not equal the teacher's.
 */
import { describe, expect, it } from "vitest";
import {
  Pspm,
  simulatePspmNetwork,
  stepTrains,
  vanRossumDistance,
} from "../../src/train/rules/index.js";
import { Rng } from "../../src/random/rng.js";

describe("van Rossum distance", () => {
  it("matches its closed forms", () => {
    expect(vanRossumDistance([5], [], 10)).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(vanRossumDistance([1, 2, 3], [1, 2, 3], 10)).toBe(0);
    // two single spikes dt apart: D^2 = 1 - e^{-dt/tau}
    expect(vanRossumDistance([0], [4], 10) ** 2).toBeCloseTo(1 - Math.exp(-0.4), 14);
    expect(() => vanRossumDistance([0], [1], 0)).toThrow(/tau/);
  });
});

describe("PSPM network", () => {
  it("integrates delta inputs with exact decay, spikes at threshold, resets and stays refractory", () => {
    // one neuron, one input of 10 mV at steps 0 and 1: V(0) = 10, V(1) = 10 e^{-1/20} + 10 = 19.51 >= 15 -> spike at step 1
    const net = { nNeurons: 1, nInputs: 1, tRef_ms: 2 };
    const w = { input_mV: Float64Array.of(10), recurrent_mV: Float64Array.of(0) };
    expect(Array.from(simulatePspmNetwork(net, w, stepTrains([[0, 1]]), 10).steps)).toEqual([1]);
    // refractory for 2 steps after the spike: inputs at 2, 3 are lost; 4 and 5 spike again at 5
    expect(
      Array.from(simulatePspmNetwork(net, w, stepTrains([[0, 1, 2, 3, 4, 5]]), 10).steps),
    ).toEqual([1, 5]);
    // a 9.9 mV pair 14 steps apart never reaches 15 mV: 9.9 e^{-14/20} + 9.9 = 14.82
    expect(
      Array.from(
        simulatePspmNetwork(
          net,
          { ...w, input_mV: Float64Array.of(9.9) },
          stepTrains([[0, 14]]),
          20,
        ).steps,
      ),
    ).toEqual([]);
  });

  it("recurrent spikes arrive one step later; no self-connections", () => {
    const net = { nNeurons: 2, nInputs: 1 };
    const w = { input_mV: Float64Array.of(20, 0), recurrent_mV: Float64Array.of(50, 20, 0, 0) };
    const out = simulatePspmNetwork(net, w, stepTrains([[3]]), 10);
    expect(Array.from(out.steps.subarray(out.offsets[0], out.offsets[1]))).toEqual([3]); // no self-excitation
    expect(Array.from(out.steps.subarray(out.offsets[1], out.offsets[2]))).toEqual([4]);
  });
});

describe("PSPM learning (teacher-student)", () => {
  const N = 12;
  const M = 30;
  const T = 1000; // steps of 1 ms
  const rng = new Rng(2020);
  const input = stepTrains(
    Array.from({ length: M }, () =>
      Array.from({ length: T }, (_, t) => t).filter(() => rng.uniform() < 0.02),
    ),
  );
  const teacher = {
    input_mV: Float64Array.from({ length: M * N }, () =>
      rng.uniform() < 0.3 ? 4 + 4 * rng.uniform() : 0,
    ),
    recurrent_mV: Float64Array.from({ length: N * N }, (_, k) =>
      Math.floor(k / N) === k % N ? 0 : rng.normal(),
    ),
  };
  const net = { nNeurons: N, nInputs: M };
  const target = simulatePspmNetwork(net, teacher, input, T);

  it("reduces the distance to the target spike trains; learned weights differ from the teacher's", () => {
    expect(target.steps.length).toBeGreaterThan(100); // the teacher is active (about 10 Hz or more)
    const student = {
      input_mV: Float64Array.from({ length: M * N }, () => rng.uniform() * 3),
      recurrent_mV: Float64Array.from({ length: N * N }, (_, k) =>
        Math.floor(k / N) === k % N ? 0 : rng.normal(),
      ),
    };
    const pspm = new Pspm({ network: net, weights: student, seed: 1 });
    const t0 = performance.now();
    const history = Array.from({ length: 200 }, () => pspm.iterate(input, target, T));
    const elapsed = performance.now() - t0;
    const first = history[0];
    // average the noisy end of learning over its last 20 iterations
    const tail = history.slice(-20);
    const mean = (f: (h: (typeof history)[0]) => number) =>
      tail.reduce((x, h) => x + f(h), 0) / tail.length;
    const after = {
      vanRossum: mean((h) => h.vanRossum),
      hits: mean((h) => h.hits),
      errors: mean((h) => h.missing + h.extra),
    };
    console.log(
      `PSPM (200 iterations, ${elapsed.toFixed(0)} ms): van Rossum ${first.vanRossum.toFixed(2)} -> ${after.vanRossum.toFixed(2)}, ` +
        `missing+extra ${first.missing + first.extra} -> ${after.errors.toFixed(0)}, hits ${first.hits} -> ${after.hits.toFixed(0)} of ${target.steps.length}`,
    );
    expect(after.vanRossum).toBeLessThan(0.9 * first.vanRossum);
    expect(after.hits).toBeGreaterThan(1.5 * first.hits);
    expect(after.errors).toBeLessThan(0.85 * (first.missing + first.extra));
    // correlation of learned and teacher recurrent weights: similar activity, not the same weights
    const corr = correlation(pspm.weights.recurrent_mV, teacher.recurrent_mV);
    console.log(
      `PSPM: correlation of learned and teacher weights: recurrent ${corr.toFixed(2)}, input ${correlation(pspm.weights.input_mV, teacher.input_mV).toFixed(2)}`,
    );
    expect(Math.abs(corr)).toBeLessThan(0.9);
  }, 60_000);

  it("same seed -> bitwise-identical weights; bad targets are rejected", () => {
    const init = {
      input_mV: new Float64Array(M * N).fill(1),
      recurrent_mV: new Float64Array(N * N),
    };
    const a = new Pspm({ network: net, weights: init, seed: 3 });
    const b = new Pspm({ network: net, weights: init, seed: 3 });
    for (let k = 0; k < 5; k++) {
      a.iterate(input, target, T);
      b.iterate(input, target, T);
    }
    expect(
      Buffer.from(a.weights.input_mV.buffer).equals(Buffer.from(b.weights.input_mV.buffer)),
    ).toBe(true);
    expect(init.input_mV[0]).toBe(1); // the initial weights were copied
    expect(() => a.iterate(input, stepTrains([[5, 3]]), T)).toThrow(/target.offsets/);
    expect(() =>
      a.iterate(input, stepTrains(Array.from({ length: N }, (_, i) => (i === 2 ? [5, 3] : []))), T),
    ).toThrow(/target.steps\[1\] \(source 2\)/);
    expect(() => new Pspm({ network: net, weights: init, seed: 1, updateProbability: 2 })).toThrow(
      /updateProbability/,
    );
  });
});

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
