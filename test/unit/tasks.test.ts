/**
 * Synthetic tasks: frozen Poisson patterns (rates, jitter and noise against their closed forms)
 * and smooth random manifolds (randman recipe: spikes per unit, standardised range, smoothness),
 * reproducibility and argument errors.
 */
import { describe, expect, it } from "vitest";
import { randomManifolds, randomPoissonPatterns, taskSampleCounts } from "../../src/train/tasks.js";
import { Tempotron } from "../../src/train/rules/index.js";

describe("randomPoissonPatterns", () => {
  it("templates are Poisson: spike count per input and window ~ rate x duration, Fano ~ 1", () => {
    const task = randomPoissonPatterns({
      nClasses: 200,
      nInputs: 20,
      samplesPerClass: 1,
      duration_ms: 500,
      rate_Hz: 10,
      seed: 1,
    });
    const counts: number[] = [];
    for (const s of task.samples) {
      const c = new Array(20).fill(0);
      for (const a of s.afferents) c[a]++;
      counts.push(...c);
    }
    const n = counts.length;
    const mean = counts.reduce((x, y) => x + y, 0) / n;
    const variance = counts.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - 5)).toBeLessThan(4 * Math.sqrt(5 / n));
    expect(Math.abs(variance / mean - 1)).toBeLessThan(4 * Math.sqrt(2 / n) + 0.01);
  });

  it("samples are the class pattern jittered with sd jitter_ms; deletion and noise at their rates", () => {
    const base = { nClasses: 3, nInputs: 50, duration_ms: 1000, rate_Hz: 5, seed: 2 };
    const clean = randomPoissonPatterns({ ...base, samplesPerClass: 2 });
    // without jitter, every repetition equals its class pattern; classes differ
    expect(Array.from(clean.samples[0].times_ms)).toEqual(Array.from(clean.samples[1].times_ms));
    expect(clean.samples[0].times_ms.length).not.toBe(0);
    expect(Array.from(clean.labels)).toEqual([0, 0, 1, 1, 2, 2]);
    const jittered = randomPoissonPatterns({ ...base, samplesPerClass: 40, jitter_ms: 2 });
    // the templates use the same random numbers first, so class 0's template equals clean's
    const template = clean.samples[0];
    const displacements: number[] = [];
    for (let r = 0; r < 40; r++) {
      const s = jittered.samples[r];
      for (let a = 0; a < 50; a++) {
        const t0 = Array.from(template.times_ms).filter((_, k) => template.afferents[k] === a);
        const t1 = Array.from(s.times_ms).filter((_, k) => s.afferents[k] === a);
        // jitter (2 ms) << inter-spike intervals (~200 ms): spikes keep their order
        if (t0.length === t1.length) t0.forEach((t, j) => displacements.push(t1[j] - t));
      }
    }
    const m = displacements.reduce((x, y) => x + y, 0) / displacements.length;
    const sd = Math.sqrt(
      displacements.reduce((x, y) => x + (y - m) ** 2, 0) / (displacements.length - 1),
    );
    expect(displacements.length).toBeGreaterThan(300);
    expect(Math.abs(m)).toBeLessThan(4 * (2 / Math.sqrt(displacements.length)));
    expect(Math.abs(sd - 2)).toBeLessThan(4 * 2 * Math.sqrt(1 / (2 * (displacements.length - 1))));
    const noisy = randomPoissonPatterns({
      ...base,
      samplesPerClass: 200,
      deletionProbability: 0.25,
      noiseRate_Hz: 2,
    });
    const n0 = clean.samples[0].times_ms.length;
    const mean = noisy.samples.slice(0, 200).reduce((x, s) => x + s.times_ms.length, 0) / 200;
    // kept: 0.75 n0 (binomial), added: 50 inputs x 2 Hz x 1 s = 100 (Poisson)
    const expected = 0.75 * n0 + 100;
    const sdMean = Math.sqrt(0.25 * 0.75 * n0 + 100) / Math.sqrt(200);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * sdMean);
  });

  it("same seed -> bitwise-identical task; a Tempotron separates two jittered classes", () => {
    const opts = {
      nClasses: 2,
      nInputs: 100,
      samplesPerClass: 30,
      duration_ms: 500,
      rate_Hz: 4,
      jitter_ms: 1,
      seed: 9,
    };
    const a = randomPoissonPatterns(opts);
    const b = randomPoissonPatterns(opts);
    a.samples.forEach((s, k) =>
      expect(Buffer.from(s.times_ms.buffer).equals(Buffer.from(b.samples[k].times_ms.buffer))).toBe(
        true,
      ),
    );
    const tp = new Tempotron({ nAfferents: 100, seed: 1 });
    const train = a.samples.filter((_, k) => k % 2 === 0);
    const labels = Array.from(a.labels).filter((_, k) => k % 2 === 0);
    tp.train(train, labels, { maxEpochs: 200 });
    const test = a.samples.filter((_, k) => k % 2 === 1);
    const pred = tp.classify(test);
    const correct = Array.from(pred).filter((p, k) => p === a.labels[2 * k + 1]).length;
    expect(correct / test.length).toBeGreaterThanOrEqual(0.9);
  });

  it("rejects bad arguments", () => {
    const base = {
      nClasses: 2,
      nInputs: 10,
      samplesPerClass: 2,
      duration_ms: 100,
      rate_Hz: 5,
      seed: 1,
    };
    expect(() => randomPoissonPatterns({ ...base, nClasses: 0 })).toThrow(/nClasses/);
    expect(() => randomPoissonPatterns({ ...base, rate_Hz: -1 })).toThrow(/rate_Hz/);
    expect(() => randomPoissonPatterns({ ...base, jitter_ms: NaN })).toThrow(/jitter_ms/);
    expect(() => randomPoissonPatterns({ ...base, deletionProbability: 2 })).toThrow(
      /deletionProbability/,
    );
  });
});

describe("randomManifolds", () => {
  const opts = {
    nClasses: 3,
    nInputs: 20,
    samplesPerClass: 200,
    duration_ms: 100,
    manifoldDim: 1,
    nSpikes: 2,
    seed: 5,
  };
  const task = randomManifolds(opts);

  it("every unit fires nSpikes spikes per sample, spanning [0, duration] over each class", () => {
    expect(task.samples.length).toBe(600);
    let bad = 0;
    for (const s of task.samples) {
      const perUnit = new Array(20).fill(0);
      for (const a of s.afferents) perUnit[a]++;
      if (s.times_ms.length !== 40 || !perUnit.every((c) => c === 2)) bad++;
      for (const t of s.times_ms) if (!(t >= 0 && t <= 100)) bad++;
    }
    expect(bad).toBe(0);
    // min-max standardisation per unit and sub-manifold: the earliest spike of a unit over the class is at 0
    let zeros = 0;
    for (let k = 0; k < 200; k++) for (const t of task.samples[k].times_ms) if (t === 0) zeros++;
    expect(zeros).toBe(20 * 2);
  });

  it("is smooth: nearby manifold points give nearby spike times, far ones do not", () => {
    // class 0, D = 1: sort samples by coordinate; neighbours differ far less than random pairs
    const idx = Array.from({ length: 200 }, (_, k) => k).sort(
      (a, b) => task.coordinates[a] - task.coordinates[b],
    );
    const unitTimes = (k: number) => {
      const s = task.samples[k];
      const out = new Float64Array(20);
      for (let j = 0; j < s.times_ms.length; j++) out[s.afferents[j]] += s.times_ms[j];
      return out;
    };
    const dist = (a: number, b: number) => {
      const x = unitTimes(a);
      const y = unitTimes(b);
      let d = 0;
      for (let i = 0; i < 20; i++) d += Math.abs(x[i] - y[i]);
      return d / 20;
    };
    let near = 0;
    let far = 0;
    for (let q = 0; q < 199; q++) {
      near += dist(idx[q], idx[q + 1]);
      far += dist(idx[q], idx[(q + 100) % 200]);
    }
    expect(near / far).toBeLessThan(0.1);
  });

  it("same seed -> identical; coordinates uniform in [0, 1); bins into counts; errors", () => {
    const again = randomManifolds(opts);
    expect(Buffer.from(again.coordinates.buffer).equals(Buffer.from(task.coordinates.buffer))).toBe(
      true,
    );
    expect(
      Buffer.from(again.samples[7].times_ms.buffer).equals(
        Buffer.from(task.samples[7].times_ms.buffer),
      ),
    ).toBe(true);
    const mean = task.coordinates.reduce((x, y) => x + y, 0) / task.coordinates.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 600));
    const counts = taskSampleCounts(task, 0, 50);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(40);
    expect(() => randomManifolds({ ...opts, samplesPerClass: 1 })).toThrow(/samplesPerClass/);
    expect(() => randomManifolds({ ...opts, alpha: 0 })).toThrow(/alpha/);
    expect(() => randomManifolds({ ...opts, prec: 1 })).toThrow(/prec/);
  });
});
