import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/index.js";

describe("Rng (xoshiro128**)", () => {
  it("matches the C reference implementation bit for bit", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xo-"));
    const exe = path.join(dir, "xo");
    execFileSync("cc", [
      "-O2",
      "-o",
      exe,
      path.join(__dirname, "..", "reference", "xoshiro128ss.c"),
    ]);
    const reference = execFileSync(exe, { encoding: "utf8" })
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    const r = new Rng(42);
    expect(reference.length).toBe(6);
    expect(reference.map(() => r.nextUint32())).toEqual(reference);
  });

  it("is deterministic per seed and differs across seeds", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.uniform())).not.toEqual(xs);
  });

  it("draws uniform, normal, geometric and Poisson variates with the right moments", () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0,
      s2 = 0,
      outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0); // every draw in [0, 1)
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
    s = s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(s2 / n).toBeCloseTo(1, 1);
    // tails and the fourth moment of a standard normal: P(|z| > 2) = 0.0455, P(|z| > 3) = 0.0027, E z^4 = 3
    let beyond2 = 0,
      beyond3 = 0,
      s4 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      if (Math.abs(z) > 2) beyond2++;
      if (Math.abs(z) > 3) beyond3++;
      s4 += z ** 4;
    }
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(5 * Math.sqrt(0.0455 / n)); // 5 sd
    expect(Math.abs(beyond3 / n - 0.0027)).toBeLessThan(5 * Math.sqrt(0.0027 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n)); // var z^4 = 105 - 9
    const p = 0.2;
    s = 0;
    for (let i = 0; i < n; i++) s += r.geometric(p);
    expect(s / n).toBeCloseTo((1 - p) / p, 1);
    for (const lambda of [3, 75]) {
      s = s2 = 0;
      for (let i = 0; i < 50_000; i++) {
        const k = r.poisson(lambda);
        s += k;
        s2 += k * k;
      }
      const mean = s / 50_000;
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.02);
      expect(Math.abs(s2 / 50_000 - mean * mean - lambda) / lambda).toBeLessThan(0.05);
    }
  });

  it("rejects bad seeds and parameters by name", () => {
    expect(() => new Rng(-1)).toThrow(/seed must be an integer in \[0, 4294967295\]/);
    expect(() => new Rng(1.5)).toThrow(/seed/);
    expect(() => new Rng(1).geometric(1.5)).toThrow(/p must be a finite number in \[0, 1\]/);
    expect(() => new Rng(1).poisson(NaN)).toThrow(/lambda/);
    // a saved state holds the spare normal too: a four-word array is refused both ways
    expect(() => new Rng(1).saveState(new Int32Array(4))).toThrow(/state must hold 6 words/);
    expect(() => new Rng(1).loadState(new Int32Array(4))).toThrow(/state must hold 6 words/);
  });

  it("lent to an arena state, it continues from there and hands it back (draws in turn)", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const state = new Int32Array(6);
    a.normal(); // a spare is pending
    b.normal();
    a.lend(state);
    expect(a.normal()).toBe(b.normal()); // the spare, through the arena
    expect(a.uniform()).toBe(b.uniform());
    a.reclaim();
    expect(a.normal()).toBe(b.normal());
    expect(() => {
      a.lend(state);
      a.lend(new Int32Array(6));
    }).toThrow(/already lent/);
  });
});
