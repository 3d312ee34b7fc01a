/**
 * The tactile Braille loader (mirror, SHA-256) against Python's pickle + numpy and SpyTorch
 * tutorial 5's preprocessing in torch; the strict pickle reader's errors.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import {
  BRAILLE_LETTERS,
  BRAILLE_SPYTORCH,
  brailleDataset,
  loadBrailleTrials,
  readBraillePickle,
  sourcePath,
  type BrailleTrial,
} from "../../src/data/index.js";

const MIRROR = path.resolve(
  (
    process.env.NEUROLAB_DATA_MIRROR ??
    fileURLToPath(new URL("../../../shared/data", import.meta.url))
  ).split(path.delimiter)[0],
);
const MIRROR_ONLY = {
  mirrorDir: [MIRROR],
  offline: true,
  cacheDir: path.join(MIRROR, ".no-cache"),
} as const;
const SCRIPT = path.join(__dirname, "..", "reference", "braille_reference.py");

interface Reference {
  n: number;
  letters: string[];
  repetitions: number[];
  steps: number[];
  sums: number[];
  first: number[];
  x: Record<string, number[]>;
}

describe("data: tactile Braille letters", () => {
  let trials: BrailleTrial[];
  let ref: Reference;
  beforeAll(async () => {
    trials = await loadBrailleTrials(MIRROR_ONLY);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nl-braille-"));
    execFileSync(
      peersPython(),
      [SCRIPT, path.join(MIRROR, BRAILLE_SPYTORCH.path), path.join(dir, "out.json")],
      { timeout: 120_000, stdio: ["ignore", "ignore", "pipe"] },
    );
    ref = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"));
    fs.rmSync(dir, { recursive: true });
  }, 120_000);

  it("reads the verified mirror copy", async () => {
    expect(await sourcePath(BRAILLE_SPYTORCH, MIRROR_ONLY)).toBe(
      path.join(MIRROR, BRAILLE_SPYTORCH.path),
    );
  });

  it("every trial equals Python's unpickling (letters, repetitions, shapes, values)", () => {
    expect(trials).toHaveLength(ref.n);
    expect(trials.map((t) => t.letter)).toEqual(ref.letters);
    expect(trials.map((t) => t.repetition)).toEqual(ref.repetitions);
    expect(trials.map((t) => t.steps)).toEqual(ref.steps);
    expect(trials.map((t) => t.taxels.reduce((a, b) => a + b, 0))).toEqual(ref.sums);
    expect(Array.from(trials[0].taxels)).toEqual(ref.first);
    for (const letter of BRAILLE_LETTERS)
      expect(trials.filter((t) => t.letter === letter)).toHaveLength(50);
  });

  it("preprocesses as SpyTorch tutorial 5 (1 - x/255, crop, taxels 1 2 6 10, standardise, upsample 2)", () => {
    const d = brailleDataset(trials);
    expect(d.steps).toBe(2 * Math.min(...ref.steps));
    expect(d.inputs).toBe(4);
    expect(d.labels[0]).toBe(0);
    expect(d.labels[1349]).toBe(26);
    for (const [k, xs] of Object.entries(ref.x)) {
      const ours = d.x.subarray(Number(k) * d.steps * 4, (Number(k) + 1) * d.steps * 4);
      let worst = 0;
      xs.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - ours[j]));
      });
      expect(worst, `trial ${k}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it("refuses anything but that pickle's structure, naming the problem", () => {
    const enc = (s: string) => Array.from(new TextEncoder().encode(s));
    const str = (s: string) => [0x8c, s.length, ...enc(s)];
    expect(() =>
      readBraillePickle(new Uint8Array([0x80, 4, ...str("os"), ...str("system"), 0x93, 0x2e])),
    ).toThrow(/global os\.system is not allowed/);
    expect(() => readBraillePickle(new Uint8Array([0x80, 4, 0x47]))).toThrow(/opcode 0x47/);
    expect(() => readBraillePickle(new Uint8Array([0x80, 4, 0x8c, 10, 65]))).toThrow(
      /unexpected end/,
    );
    expect(() => readBraillePickle(new Uint8Array([0x80, 4, 0x4b, 3, 0x2e]))).toThrow(
      /list of trials/,
    );
    expect(() =>
      readBraillePickle(new Uint8Array([0x80, 4, 0x5d, 0x28, 0x4b, 1, 0x65, 0x2e])),
    ).toThrow(/trial 0 is not a dict/);
  });
});
