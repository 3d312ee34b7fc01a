/**
 * Lempel-Ziv complexity: the classic values of Lempel & Ziv 1976 / Kaspar & Schuster 1987,
 * constant and periodic sequences, random binary sequences, and an independent Python
 * implementation of the LZ76 definition (test/reference/lempel_ziv.py, run with the peers' Python).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type SpikeEvents,
  binarySpikeSequences,
  fitLzcClassifier,
  lempelZivComplexity,
  lzcFeatures,
  normalizedLempelZiv,
  predictLzcClassifier,
} from "../../src/analysis/index.js";
import { Rng } from "../../src/random/rng.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "lempel_ziv.py");
const bits = (s: string) => Array.from(s, Number);

function randomBits(n: number, p: number, rng: Rng): Uint8Array {
  const s = new Uint8Array(n);
  for (let i = 0; i < n; i++) s[i] = rng.uniform() < p ? 1 : 0;
  return s;
}

describe("lempelZivComplexity", () => {
  it("gives the classic values", () => {
    // Lempel & Ziv 1976: 0 · 001 · 10 · 100 · 1000 · 101
    expect(lempelZivComplexity(bits("0001101001000101"))).toBe(6);
    // 0 · 1 · 011 · 0100 · 1 (the last component a copy, counted)
    expect(lempelZivComplexity(bits("010110100 1".replace(" ", "")))).toBe(5);
    expect(lz76ByHand("0101101001")).toBe(5);
    expect(lempelZivComplexity([])).toBe(0);
    expect(lempelZivComplexity([1])).toBe(1);
    expect(lempelZivComplexity([0, 1])).toBe(2);
  });

  it("is 2 for a constant sequence and 3 for 0101..., whatever the length", () => {
    for (const n of [2, 3, 10, 1000])
      expect(lempelZivComplexity(new Uint8Array(n).fill(1))).toBe(2);
    for (const n of [3, 4, 11, 1000])
      expect(lempelZivComplexity(Array.from({ length: n }, (_, i) => i % 2))).toBe(3);
    // period 3 (001001...): 0 · 01 · 001001... -> 3
    expect(lempelZivComplexity(Array.from({ length: 300 }, (_, i) => (i % 3 === 2 ? 1 : 0)))).toBe(
      3,
    );
  });

  it("normalised LZC of random binary sequences is near 1, lower for biased and periodic ones", () => {
    const rng = new Rng(76);
    // n = 20000: c(n) log2(n) / n approaches 1 from above as n grows (1.02 here)
    const fair = normalizedLempelZiv(randomBits(20_000, 0.5, rng));
    expect(fair).toBeGreaterThan(0.98);
    expect(fair).toBeLessThan(1.06);
    // a p = 0.1 Bernoulli source has entropy rate H = 0.469 bits: C(n) -> H
    const biased = normalizedLempelZiv(randomBits(20_000, 0.1, rng));
    expect(biased).toBeGreaterThan(0.42);
    expect(biased).toBeLessThan(0.5);
    expect(normalizedLempelZiv(Array.from({ length: 100_000 }, (_, i) => i % 2))).toBeLessThan(
      1e-3,
    );
  });

  it("equals the independent Python implementation of the LZ76 definition", () => {
    const rng = new Rng(1987);
    const sequences: number[][] = [bits("0001101001000101"), [0, 0, 0, 0, 0, 0], [1, 0]];
    for (let t = 0; t < 40; t++) {
      const n = 2 + rng.int(400);
      const p = [0.5, 0.2, 0.05, 0.9][t % 4];
      sequences.push(Array.from(randomBits(n, p, rng)));
    }
    // a 3-symbol alphabet: only equality matters for c(n)
    sequences.push(Array.from({ length: 200 }, () => rng.int(3)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-"));
    const input = path.join(dir, "input.json");
    fs.writeFileSync(input, JSON.stringify({ sequences }));
    const ref = JSON.parse(
      execFileSync(peersPython(), [SCRIPT, input], { encoding: "utf8", timeout: 120_000 }),
    ) as {
      c: number[];
      normalized: number[];
    };
    fs.rmSync(dir, { recursive: true, force: true });
    expect(sequences.map((s) => lempelZivComplexity(s))).toEqual(ref.c);
    for (let i = 0; i < sequences.length - 1; i++)
      expect(normalizedLempelZiv(sequences[i])).toBeCloseTo(ref.normalized[i], 12);
  });

  it("rejects bad input", () => {
    expect(() => lempelZivComplexity([0, NaN])).toThrow(/sequence\[1\]/);
    expect(() => normalizedLempelZiv([0])).toThrow(/sequence.length/);
    expect(() => normalizedLempelZiv([0, 2])).toThrow(/sequence\[1\].*\[0, 1\]/);
    expect(() => normalizedLempelZiv([0, 1], 1)).toThrow(/alphabetSize/);
  });
});

/** The LZ76 parsing written out by hand (the definition, not the pointer algorithm). */
function lz76ByHand(s: string): number {
  let c = 0;
  let p = 0;
  while (p < s.length) {
    let L = 0;
    while (p + L < s.length && s.slice(0, p + L).includes(s.slice(p, p + L + 1))) L++;
    c++;
    p += L + 1;
  }
  return c;
}

describe("LZC features and classifier", () => {
  function events(trains: number[][], tStop_ms: number): SpikeEvents {
    const all = trains
      .flatMap((ts, i) => ts.map((t) => [t, i] as const))
      .sort((a, b) => a[0] - b[0]);
    return {
      times_ms: Float64Array.from(all, (x) => x[0]),
      neurons: Int32Array.from(all, (x) => x[1]),
      nNeurons: trains.length,
      tStart_ms: 0,
      tStop_ms,
    };
  }

  it("bins spike trains into binary sequences", () => {
    const seqs = binarySpikeSequences(events([[0, 0.5, 3.2], [9.99], []], 10), 1);
    expect(Array.from(seqs[0])).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(seqs[1])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(seqs[2])).toEqual(new Array(10).fill(0));
    expect(lzcFeatures(events([[0, 0.5, 3.2], [9.99], []], 10), 1)[2]).toBeCloseTo(
      2 / (10 / Math.log2(10)),
      14,
    );
  });

  it("separates regular from irregular spiking neurons (nearest class mean on LZC features)", () => {
    const rng = new Rng(7);
    const T = 2000;
    // class 0: neuron 0 fires regularly (every 20 ms, random phase), neuron 1 Poisson 50 Hz
    // class 1: the roles swapped. Same rates: only the temporal structure differs.
    const trial = (cls: number) => {
      const regular: number[] = [];
      const phase = rng.uniform() * 20;
      for (let t = phase; t < T; t += 20) regular.push(t);
      const poisson: number[] = [];
      for (let t = 0; t < T; t++) if (rng.uniform() < 0.05) poisson.push(t + rng.uniform());
      return lzcFeatures(events(cls === 0 ? [regular, poisson] : [poisson, regular], T), 1);
    };
    const train = Array.from({ length: 40 }, (_, i) => trial(i % 2));
    const labels = Array.from({ length: 40 }, (_, i) => i % 2);
    const model = fitLzcClassifier(train, labels);
    const test = Array.from({ length: 40 }, (_, i) => trial(i % 2));
    const pred = predictLzcClassifier(model, test);
    expect(Array.from(pred)).toEqual(labels);
    expect(() => fitLzcClassifier(train, labels.slice(1))).toThrow(/labels.length/);
    expect(() => predictLzcClassifier(model, [new Float64Array(3)])).toThrow(
      /features\[0\].length/,
    );
  });
});
