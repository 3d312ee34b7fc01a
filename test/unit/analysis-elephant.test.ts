/**
 * Cross-check of src/analysis against Elephant (run once: test/reference/elephant_crosscheck.py in
 * .venv-peers); fails, saying how to create it, when that venv is missing.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type SpikeEvents,
  coefficientOfVariation,
  crossCorrelogram,
  fanoFactorAcrossTrains,
  firingRates_Hz,
  localCoefficientOfVariation,
  localVariation,
  neuronTrain_ms,
  pairwiseSpikeCountCorrelation,
  populationRate_Hz,
  spikeTrainsByNeuron,
} from "../../src/analysis/index.js";
import { Rng } from "../../src/random/rng.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "test", "reference", "elephant_crosscheck.py");

const T_ms = 2000;
const N = 12;
const rateBin_ms = 10;
const corrBin_ms = 5;
const cchBin_ms = 1;
const K = 20;

/**
 * Spike times on a 1 ms grid in [1, T - 1] (so Elephant's binned CCH at 1 ms equals our
 * time-difference CCH, and no spike sits on t_stop, which Elephant's binning discards).
 * Neuron 1 repeats half of neuron 0's spikes 3 ms later; neuron 10 has 2 spikes; neuron 11 is silent.
 */
function makeTrains(): number[][] {
  const rng = new Rng(2024);
  const trains: number[][] = [];
  for (let i = 0; i < N; i++) {
    const p = i === 10 || i === 11 ? 0 : i === 0 ? 0.03 : 0.005 + 0.004 * i;
    const t: number[] = [];
    for (let ms = 1; ms < T_ms; ms++) if (rng.uniform() < p) t.push(ms);
    trains.push(t);
  }
  const echo = trains[0]
    .filter(() => rng.uniform() < 0.5)
    .map((t) => t + 3)
    .filter((t) => t < T_ms);
  trains[1] = [...new Set([...trains[1], ...echo])].sort((a, b) => a - b);
  trains[10] = [500, 1500];
  return trains;
}

function toEvents(trains: number[][]): SpikeEvents {
  const all = trains.flatMap((ts, i) => ts.map((t) => [t, i] as const)).sort((a, b) => a[0] - b[0]);
  return {
    times_ms: Float64Array.from(all, (x) => x[0]),
    neurons: Int32Array.from(all, (x) => x[1]),
    nNeurons: trains.length,
    tStart_ms: 0,
    tStop_ms: T_ms,
  };
}

type Ref = {
  skip?: string;
  versions: Record<string, string>;
  rates_Hz: number[];
  cv: (number | null)[];
  cv2: (number | null)[];
  lv: (number | null)[];
  fano: number;
  popRate_Hz: number[];
  popRate_t_ms: number[];
  corrcoef: (number | null)[][];
  cch_lags: number[];
  cch_counts: number[];
  cch_coefficient: number[];
};

const trains = makeTrains();
const ref: Ref = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elephant-"));
  const input = path.join(dir, "input.json");
  fs.writeFileSync(
    input,
    JSON.stringify({
      tStart_ms: 0,
      tStop_ms: T_ms,
      trains,
      rateBin_ms,
      corrBin_ms,
      cchPair: [0, 1],
      cchBin_ms,
      cchMaxLagBins: K,
    }),
  );
  const out = execFileSync(peersPython(), [SCRIPT, input], { encoding: "utf8", timeout: 120_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  const r = JSON.parse(out) as Ref;
  if (r.skip) throw new Error(`Elephant cross-check could not run: ${r.skip}`);
  return r;
})();

const same = (ours: ArrayLike<number>, theirs: (number | null)[], digits = 12) => {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) {
    const t = theirs[i];
    if (t === null) expect(ours[i]).toBeNaN();
    else expect(ours[i]).toBeCloseTo(t, digits);
  }
};

describe("analysis vs Elephant", () => {
  const r = ref;
  const ev = toEvents(trains);
  const tr = spikeTrainsByNeuron(ev);

  it("matches mean_firing_rate, cv, cv2, lv and fanofactor", () => {
    same(firingRates_Hz(ev), r.rates_Hz);
    // Elephant's cv gives 0 for one ISI; ours NaN for < 2 ISIs; here neuron 10 has 1 ISI, 11 none.
    same(coefficientOfVariation(tr), r.cv);
    same(localCoefficientOfVariation(tr), r.cv2);
    same(localVariation(tr), r.lv);
    expect(fanoFactorAcrossTrains(ev)).toBeCloseTo(r.fano, 12);
  });

  it("matches time_histogram(output='rate')", () => {
    const pr = populationRate_Hz(ev, { binWidth_ms: rateBin_ms });
    same(pr.rate_Hz, r.popRate_Hz, 9);
    same(pr.t_ms, r.popRate_t_ms, 9);
  });

  it("matches correlation_coefficient on BinnedSpikeTrain", () => {
    const pc = pairwiseSpikeCountCorrelation(ev, {
      binWidth_ms: corrBin_ms,
      nPairs: (N * (N - 1)) / 2,
    });
    expect(pc.r.length).toBe((N * (N - 1)) / 2);
    for (let p = 0; p < pc.r.length; p++) {
      const t = r.corrcoef[pc.pairs[2 * p]][pc.pairs[2 * p + 1]];
      if (t === null) expect(pc.r[p]).toBeNaN();
      else expect(pc.r[p]).toBeCloseTo(t, 12);
    }
    expect(pc.nValid).toBe(((N - 1) * (N - 2)) / 2); // pairs with the silent neuron 11 are NaN
  });

  it("matches cross_correlation_histogram (counts and cross_correlation_coefficient)", () => {
    const a = neuronTrain_ms(tr, 0);
    const b = neuronTrain_ms(tr, 1);
    const c = crossCorrelogram(a, b, { binWidth_ms: cchBin_ms, maxLag_ms: K * cchBin_ms });
    expect(Array.from(c.lags_ms)).toEqual(r.cch_lags.map((k) => k * cchBin_ms));
    expect(Array.from(c.values)).toEqual(r.cch_counts.map((x) => x + 0)); // Elephant's FFT path yields -0
    expect(c.values[K + 3]).toBeGreaterThan(10); // the 3 ms echo
    const cc = crossCorrelogram(a, b, {
      binWidth_ms: cchBin_ms,
      maxLag_ms: K * cchBin_ms,
      normalization: "coefficient",
      tStart_ms: 0,
      tStop_ms: T_ms,
    });
    same(cc.values, r.cch_coefficient, 12);
  });

  it("reports the Elephant stack it was checked against", () => {
    expect(r.versions.elephant).toMatch(/^\d/);
    console.log(`elephant cross-check: ${JSON.stringify(r.versions)}`);
  });
});
