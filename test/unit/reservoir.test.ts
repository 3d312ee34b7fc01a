// Reservoir tools: ridge readout against scikit-learn 1.9 (peers venv), the discrete power-law
// fit against scipy, and the criticality measures on simulated branching processes whose
// answers are known in closed form (Galton-Watson: Harris's estimator, the Borel law of total
// progeny with its s^-3/2 tail at sigma = 1).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import { Network, Rng, fromPairs, reservoir } from "../../src/index.js";

const SCRIPT = path.join(__dirname, "..", "reference", "reservoir_reference.py");

/** Total progeny of a Galton-Watson tree with Poisson(sigma) offspring, and its generation sizes; null above `cap`. */
function gwTree(rng: Rng, sigma: number, cap: number): number[] | null {
  const gens = [1];
  let total = 1;
  for (let z = 1; z > 0;) {
    z = rng.poisson(sigma * z);
    if (z > 0) gens.push(z);
    total += z;
    if (total > cap) return null;
  }
  return gens;
}

/** Borel pmf: P(S = n) = e^{-n} n^{n-1} / n!, the total progeny of a critical Poisson tree. */
function borel(n: number): number {
  let logFact = 0;
  for (let k = 2; k <= n; k++) logFact += Math.log(k);
  return Math.exp(-n + (n - 1) * Math.log(n) - logFact);
}

function randomMatrix(rng: Rng, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
}

describe("ridge readout and power-law fit against scikit-learn / scipy", () => {
  const rng = new Rng(7);
  const datasets = [
    { X: randomMatrix(rng, 60, 12), targets: 3 }, // more samples than features (primal system)
    { X: randomMatrix(rng, 15, 40), targets: 2 }, // fewer samples than features (dual system)
  ].map(({ X, targets }) => {
    const W = randomMatrix(rng, targets, X[0].length);
    const Y = X.map((x) =>
      W.map((w) => w.reduce((s, wk, k) => s + wk * x[k], 0) + 0.5 + 0.3 * rng.normal()),
    );
    const labels = X.map((x) => (x[0] + 0.5 * x[1] > 0 ? (x[2] > 0 ? 2 : 1) : 0));
    return { X, Y, labels };
  });
  const cases = [
    { alpha: 1, fitIntercept: true },
    { alpha: 0.01, fitIntercept: true },
    { alpha: 10, fitIntercept: false },
  ];
  const gw = new Rng(11);
  const sizes: number[] = [];
  while (sizes.length < 3000) {
    const t = gwTree(gw, 1, 5000);
    if (t) sizes.push(t.reduce((a, b) => a + b, 0));
  }
  const zetaArgs = [
    [1.5, 1],
    [1.5, 10],
    [2.7, 3],
    [1.01, 1000],
  ];
  const job = {
    ridge: datasets.map((d) => ({
      X: d.X,
      Y: d.Y,
      cases,
      classifier: { alpha: 1, labels: d.labels },
    })),
    powerlaw: { sizes, sMin: 5, sMax: 5000, zetaArgs },
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "reservoir-")), "job.json");
  fs.writeFileSync(file, JSON.stringify(job));
  const ref = JSON.parse(
    execFileSync(peersPython(), [SCRIPT, file], { encoding: "utf8", timeout: 120_000 }),
  ) as {
    ridge: {
      cases: { coef: number[][]; intercept: number[] }[];
      classifierPredictions: number[];
    }[];
    powerlaw: { alpha: number; n: number; zetas: number[] };
  };

  it("ridgeFit equals sklearn.linear_model.Ridge (coefficients and intercepts to 1e-8)", () => {
    let worst = 0;
    datasets.forEach((d, k) => {
      cases.forEach((c, m) => {
        const model = reservoir.ridgeFit(d.X, d.Y, c);
        const want = ref.ridge[k].cases[m];
        expect(model.coef.rows).toBe(want.coef.length);
        want.coef.forEach((row, t) =>
          row.forEach((x, j) => (worst = Math.max(worst, Math.abs(model.coef.get(t, j) - x)))),
        );
        want.intercept.forEach(
          (b, t) => (worst = Math.max(worst, Math.abs(model.intercept[t] - b))),
        );
      });
    });
    if (process.env.RESERVOIR_REPORT)
      console.log(`ridge vs sklearn: max |difference| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-8);
  });

  it("ridgeClassifier predicts as sklearn's RidgeClassifier", () => {
    datasets.forEach((d, k) => {
      const clf = reservoir.ridgeClassifier(d.X, d.labels, { alpha: 1 });
      expect(Array.from(clf.predict(d.X))).toEqual(ref.ridge[k].classifierPredictions);
    });
  });

  it("hurwitzZeta equals scipy.special.zeta and powerLawFit equals scipy's maximiser", () => {
    zetaArgs.forEach(([s, q], k) =>
      expect(Math.abs(reservoir.hurwitzZeta(s, q) / ref.powerlaw.zetas[k] - 1)).toBeLessThan(1e-12),
    );
    const fit = reservoir.powerLawFit(sizes, { sMin: 5, sMax: 5000 });
    expect(fit.n).toBe(ref.powerlaw.n);
    if (process.env.RESERVOIR_REPORT)
      console.log(`power law: ours ${fit.alpha}, scipy ${ref.powerlaw.alpha}`);
    expect(Math.abs(fit.alpha - ref.powerlaw.alpha)).toBeLessThan(1e-6);
  });
});

describe("criticality measures on branching processes with known sigma", () => {
  it("critical Galton-Watson trees: sizes follow the Borel law, and the fitted exponent is 3/2", () => {
    const rng = new Rng(2026);
    const cap = 20000;
    const sizes: number[] = [];
    let dropped = 0;
    while (sizes.length < 20000) {
      const t = gwTree(rng, 1, cap);
      if (t) sizes.push(t.reduce((a, b) => a + b, 0));
      else dropped++;
    }
    // P(S = n) for small n against the closed form, within 4 standard errors.
    const n = sizes.length + dropped;
    for (let s = 1; s <= 5; s++) {
      const p = borel(s);
      const freq = sizes.filter((x) => x === s).length / n;
      expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    // The tail P(S = n) ~ n^{-3/2} / sqrt(2 pi): the trees kept are exactly those with S <= cap.
    const fit = reservoir.powerLawFit(sizes, { sMin: 10, sMax: cap });
    if (process.env.RESERVOIR_REPORT)
      console.log(`critical GW: alpha ${fit.alpha} ± ${fit.standardError}, n ${fit.n}`);
    expect(fit.standardError).toBeLessThan(0.02);
    expect(Math.abs(fit.alpha - 1.5)).toBeLessThan(3 * fit.standardError + 0.01);
    // Subcritical trees have an exponential cut-off: a steeper apparent exponent.
    const sub: number[] = [];
    while (sub.length < 20000) sub.push(gwTree(rng, 0.8, cap)!.reduce((a, b) => a + b, 0));
    expect(reservoir.powerLawFit(sub, { sMin: 10 }).alpha).toBeGreaterThan(fit.alpha + 0.5);
  });

  it("avalanches() recovers the sizes and durations of trees separated by silent bins", () => {
    const rng = new Rng(3);
    const counts: number[] = [0];
    const want: { size: number; duration: number }[] = [];
    for (let k = 0; k < 500; k++) {
      const t = gwTree(rng, 0.9, 1e6)!;
      counts.push(...t, 0, 0);
      want.push({ size: t.reduce((a, b) => a + b, 0), duration: t.length });
    }
    const a = reservoir.avalanches(counts);
    expect(Array.from(a.sizes)).toEqual(want.map((w) => w.size));
    expect(Array.from(a.durations)).toEqual(want.map((w) => w.duration));
    // Incomplete runs at either end are left out.
    expect(reservoir.avalanches([3, 1, 0, 2, 0, 4]).sizes).toEqual(Float64Array.from([2]));
  });

  it("branchingRatio (Harris's estimator) recovers sigma of Galton-Watson populations", () => {
    for (const sigma of [0.8, 1, 1.2]) {
      const rng = new Rng(Math.round(sigma * 100));
      // One trajectory from 1000 ancestors over 15 generations (Poisson offspring).
      const series = [1000];
      for (let t = 0; t < 15; t++) series.push(rng.poisson(sigma * series[t]));
      const den = series.slice(0, -1).reduce((a, b) => a + b, 0);
      // Var(estimate) = sigma / Σ Z_t for Poisson offspring.
      expect(Math.abs(reservoir.branchingRatio(series) - sigma)).toBeLessThan(
        4 * Math.sqrt(sigma / den),
      );
    }
    expect(() => reservoir.branchingRatio([0, 0, 5])).toThrow(/no events/);
  });

  it("branchingFactor (NALSM's estimator) recovers sigma of a branching network", () => {
    // 5000 nodes, 10 random targets each; an active node activates each target in the next 1 ms
    // step with probability sigma / 10; rare spontaneous activations seed the avalanches.
    const n = 5000;
    const k = 10;
    for (const sigma of [0.5, 0.9]) {
      const rng = new Rng(41);
      const pre: number[] = [];
      const post: number[] = [];
      for (let i = 0; i < n; i++) {
        const targets = new Set<number>();
        while (targets.size < k) {
          const j = Math.floor(rng.uniform() * n);
          if (j !== i) targets.add(j);
        }
        for (const j of targets) {
          pre.push(i);
          post.push(j);
        }
      }
      const csr = fromPairs(pre, post)(n, n, rng);
      const times: number[] = [];
      const neurons: number[] = [];
      let active: number[] = [];
      const steps = 40000;
      for (let t = 0; t < steps; t++) {
        const next = new Set<number>();
        for (const i of active)
          for (let q = csr.rowPtr[i]; q < csr.rowPtr[i + 1]; q++)
            if (rng.uniform() < sigma / k) next.add(csr.colIdx[q]);
        for (let s = rng.poisson(0.02); s > 0; s--) next.add(Math.floor(rng.uniform() * n));
        active = [...next].sort((a, b) => a - b);
        for (const i of active) {
          times.push(t);
          neurons.push(i);
        }
      }
      const bf = reservoir.branchingFactor({ times_ms: times, neurons }, csr, {
        window_ms: 1,
        start_ms: 0,
        stop_ms: steps,
      });
      if (process.env.RESERVOIR_REPORT)
        console.log(
          `network branching process sigma ${sigma}: estimate ${bf.sigma} from ${bf.spikes} spikes`,
        );
      expect(bf.spikes).toBeGreaterThan(1000);
      expect(Math.abs(bf.sigma - sigma)).toBeLessThan(0.05);
    }
  });
});

describe("branchingFactor on driven activity: its chance level in closed form", () => {
  it("on independent Poisson trains (no spike causes another) equals branchingFactorChance, not 0", () => {
    // 400 neurons, each pair connected with probability 0.03, rates drawn in [0.5, 1.5] x base.
    // The counts of pre spikes in [t - Δ, t) and of post spikes in (t, t + Δ] are independent
    // Poisson variables, so the estimator's mean is known exactly (see branchingFactorChance).
    const n = 400;
    const rng = new Rng(11);
    const pre: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j && rng.uniform() < 0.03) {
          pre.push(i);
          post.push(j);
        }
    const csr = fromPairs(pre, post)(n, n, rng);
    const results: string[] = [];
    for (const base_Hz of [2, 60, 300]) {
      const rates = Float64Array.from({ length: n }, () => base_Hz * (0.5 + rng.uniform()));
      const duration_ms = Math.min(200_000, (600 / base_Hz) * 1000);
      const times: number[] = [];
      const neurons: number[] = [];
      for (let j = 0; j < n; j++)
        for (let t = -Math.log(1 - rng.uniform()) * (1000 / rates[j]); t < duration_ms;) {
          times.push(t);
          neurons.push(j);
          t += -Math.log(1 - rng.uniform()) * (1000 / rates[j]);
        }
      const measured = reservoir.branchingFactor({ times_ms: times, neurons }, csr, {
        start_ms: 0,
        stop_ms: duration_ms,
      });
      const chance = reservoir.branchingFactorChance(csr, rates);
      results.push(`${base_Hz} Hz: ${measured.sigma.toFixed(4)} vs ${chance.sigma.toFixed(4)}`);
      expect(Math.abs(measured.sigma - chance.sigma)).toBeLessThan(0.02 * chance.sigma + 0.002);
      if (base_Hz === 2) expect(chance.sigma).toBeLessThan(0.2); // sparse: near the true 0
      if (base_Hz === 60) expect(chance.sigma).toBeGreaterThan(1.2); // about 3 pre spikes per window: far above
    }
    if (process.env.RESERVOIR_REPORT)
      console.log("independent Poisson trains:", results.join("; "));
    // dense activity (λ = Σ_pre r Δ in the thousands): the large-mean series, at once, tending to out/in x (1 + 1/λ)
    const dense = new Float64Array(n).fill(100);
    const t0 = performance.now();
    const wide = reservoir.branchingFactorChance(csr, dense, { window_ms: 1e6 });
    expect(performance.now() - t0).toBeLessThan(1000);
    for (let j = 0; j < n; j++) {
      const inDegree = csr.colIdx.reduce((c, k) => c + (k === j ? 1 : 0), 0);
      const outDegree = csr.rowPtr[j + 1] - csr.rowPtr[j];
      if (inDegree === 0 || outDegree === 0) continue;
      const lambda = inDegree * 100 * 1000; // 100 Hz x 1e6 ms
      expect(wide.perNeuron[j]).toBeCloseTo((outDegree / inDegree) * (1 + 1 / lambda), 9);
    }
    expect(() => reservoir.branchingFactorChance(csr, new Float64Array(3))).toThrow(/rates_Hz/);
    expect(() => reservoir.branchingFactorChance(csr, new Float64Array(n).fill(-1))).toThrow(
      /rates_Hz\[0\]/,
    );
  }, 30_000);
});

describe("branching ratio of a driven population (known m, with and without drive)", () => {
  it("branchingRatioRegression recovers m of n(t+1) ~ Poisson(m n(t) + h); Harris's estimator only when h = 0", () => {
    for (const m of [0.5, 0.9, 0.98]) {
      for (const h of [0, 20]) {
        const rng = new Rng(Math.round(m * 100) + h);
        const series: number[] = [];
        // Driven: 20000 steps from the stationary mean h / (1 - m). Without drive: one process
        // from 100000 events, followed until fewer than 20 remain (at most 20000 steps).
        let n = h > 0 ? Math.round(h / (1 - m)) : 100000;
        for (let t = 0; t < 20000 && (h > 0 || n >= 20); t++) {
          series.push(n);
          n = rng.poisson(m * n + h);
        }
        const slope = reservoir.branchingRatioRegression(series);
        // Standard error of a least-squares slope from its residuals.
        const T = series.length - 1;
        const mx = series.slice(0, T).reduce((a, b) => a + b, 0) / T;
        const my = series.slice(1).reduce((a, b) => a + b, 0) / T;
        let sxx = 0;
        let res = 0;
        for (let t = 0; t < T; t++) sxx += (series[t] - mx) ** 2;
        for (let t = 0; t < T; t++) res += (series[t + 1] - my - slope * (series[t] - mx)) ** 2;
        const se = Math.sqrt(res / (T - 2) / sxx);
        expect(Math.abs(slope - m)).toBeLessThan(4 * se + 0.01);
        const harris = reservoir.branchingRatio(series);
        if (process.env.RESERVOIR_REPORT)
          console.log(
            `m ${m}, h ${h}: regression ${slope.toFixed(4)} ± ${se.toFixed(4)}, Harris ${harris.toFixed(4)}`,
          );
        if (h > 0) expect(Math.abs(harris - 1)).toBeLessThan(0.01); // driven: about 1, not m
      }
    }
    expect(() => reservoir.branchingRatioRegression([1, 2])).toThrow(/3 bins/);
    expect(() => reservoir.branchingRatioRegression([2, 2, 2, 2])).toThrow(/constant/);
  });
});

describe("branchingFactor against the authors' definition (peers' numpy, 1 ms bins)", () => {
  it("equals their per-sample estimate on integer-ms spikes of a driven branching network", () => {
    // 80 neurons, p = 0.1; four 250 ms samples, each from its own drive: spontaneous spikes, and
    // each spike of i makes each target spike 1-3 ms later with probability 0.15 (one spike per
    // neuron per ms). Theirs: buffer 25 ms, dt 4 ms; ours: start/stop at the buffers, floored times.
    const n = 80;
    const rng = new Rng(23);
    const pre: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j && rng.uniform() < 0.1) {
          pre.push(i);
          post.push(j);
        }
    const csr = fromPairs(pre, post)(n, n, rng);
    const duration = 250;
    const samples: { times: number[]; neurons: number[] }[] = [];
    for (let s = 0; s < 4; s++) {
      const raster = Array.from({ length: duration + 3 }, () => new Uint8Array(n));
      for (let t = 0; t < duration; t++) {
        for (let k = rng.poisson(0.8); k > 0; k--) raster[t][Math.floor(rng.uniform() * n)] = 1;
        for (let i = 0; i < n; i++)
          if (raster[t][i])
            for (let q = csr.rowPtr[i]; q < csr.rowPtr[i + 1]; q++)
              if (rng.uniform() < 0.15)
                raster[t + 1 + Math.floor(rng.uniform() * 3)][csr.colIdx[q]] = 1;
      }
      const times: number[] = [];
      const neurons: number[] = [];
      for (let t = 0; t < duration; t++)
        for (let i = 0; i < n; i++)
          if (raster[t][i]) {
            times.push(t);
            neurons.push(i);
          }
      samples.push({ times, neurons });
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nalsm-bf-")), "job.json");
    fs.writeFileSync(file, JSON.stringify({ n, pre, post, samples, duration, buffer: 25, dt: 4 }));
    const ref = JSON.parse(
      execFileSync(
        peersPython(),
        [path.join(__dirname, "..", "reference", "nalsm_branching_reference.py"), file],
        {
          encoding: "utf8",
          timeout: 120_000,
        },
      ),
    ) as { sigma: number; perSample: number[] };
    // Ours on one timeline (sample s from s * 300 ms; the 50 ms gaps keep samples apart).
    const ours = samples.map(
      (smp, s) =>
        reservoir.branchingFactor(
          { times_ms: smp.times.map((t) => t + 300 * s), neurons: smp.neurons },
          csr,
          { start_ms: 300 * s + 25, stop_ms: 300 * s + duration - 25 },
        ).sigma,
    );
    ours.forEach((x, s) => expect(Math.abs(x - ref.perSample[s])).toBeLessThan(1e-12));
    expect(ref.sigma).toBeGreaterThan(0.3); // a non-trivial case
    if (process.env.RESERVOIR_REPORT)
      console.log(`authors' definition: ${ref.perSample.map((x) => x.toFixed(4)).join(", ")}`);
  }, 120_000);
});

describe("branchingFactor per segment (the authors' per-sample estimate)", () => {
  it("segment_ms returns the mean of the segments' estimates and refuses segments that do not fit", () => {
    const rng = new Rng(5);
    const n = 50;
    const pre: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j && rng.uniform() < 0.2) {
          pre.push(i);
          post.push(j);
        }
    const csr = fromPairs(pre, post)(n, n, rng);
    const times: number[] = [];
    const neurons: number[] = [];
    for (let s = 0; s < 4000; s++) {
      times.push(rng.uniform() * 1000);
      neurons.push(Math.floor(rng.uniform() * n));
    }
    const spikes = { times_ms: times, neurons };
    const whole = reservoir.branchingFactor(spikes, csr, {
      start_ms: 0,
      stop_ms: 1000,
      segment_ms: 250,
    });
    const parts = [0, 250, 500, 750].map((a) =>
      reservoir.branchingFactor(spikes, csr, { start_ms: a, stop_ms: a + 250 }),
    );
    expect(whole.sigma).toBeCloseTo(parts.reduce((x, p) => x + p.sigma, 0) / 4, 12);
    expect(whole.spikes).toBe(parts.reduce((x, p) => x + p.spikes, 0));
    expect(() =>
      reservoir.branchingFactor(spikes, csr, { start_ms: 0, stop_ms: 100, segment_ms: 250 }),
    ).toThrow(/segment_ms/);
    expect(() =>
      reservoir.branchingFactor(spikes, csr, { start_ms: 0, stop_ms: 1000, segment_ms: 8 }),
    ).toThrow(/segment_ms/);
  });
});

describe("liquid state machine", () => {
  it("draws E/I labels and distance-dependent connectivity as C exp(-(D/lambda)^2)", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const input = net.addPoisson("in", { size: 40, rate_Hz: 10 });
    const liq = reservoir.liquidStateMachine(net, {
      grid: [12, 12, 6],
      input: { population: input },
    });
    net.build();
    const n = liq.size;
    expect(n).toBe(864);
    expect(liq.excitatory.reduce((a, b) => a + b, 0)).toBe(n - Math.round(0.2 * n));
    const C = reservoir.MAASS_2002.C;
    // Pooled by connection type and squared distance: connected / possible pairs.
    const has = new Set<number>();
    const { rowPtr, colIdx } = liq.connectivity;
    for (let a = 0; a < n; a++)
      for (let q = rowPtr[a]; q < rowPtr[a + 1]; q++) has.add(a * n + colIdx[q]);
    for (const d2 of [1, 2, 4, 9]) {
      const tally: Record<string, { pairs: number; links: number }> = {};
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (let c = 0; c < 3; c++)
            s += (liq.positions[3 * a + c] - liq.positions[3 * b + c]) ** 2;
          if (s !== d2) continue;
          const t = (liq.excitatory[a] ? "E" : "I") + (liq.excitatory[b] ? "E" : "I");
          tally[t] ??= { pairs: 0, links: 0 };
          tally[t].pairs++;
          if (has.has(a * n + b)) tally[t].links++;
        }
      }
      for (const [t, { pairs, links }] of Object.entries(tally)) {
        const p = C[t as reservoir.ConnectionType] * Math.exp(-d2 / 4);
        expect(Math.abs(links / pairs - p)).toBeLessThan(
          4.5 * Math.sqrt((p * (1 - p)) / pairs) + 1e-9,
        );
      }
    }
    const inputSynapses = liq.input.E!.size + liq.input.I!.size;
    const p = reservoir.MAASS_2002.input.connectionProbability;
    expect(Math.abs(inputSynapses / (40 * n) - p)).toBeLessThan(
      4 * Math.sqrt((p * (1 - p)) / (40 * n)),
    );
  });

  it("dynamic synapses follow Markram et al.'s recursion", () => {
    const net = new Network({ dt_ms: 0.1, seed: 1 });
    const times = [5, 12, 20.5, 21, 60, 300.3];
    const pre = net.addSpikeGenerator("pre", {
      size: 1,
      neurons: times.map(() => 0),
      times_ms: times,
    });
    const post = net.addNeurons("post", {
      size: 1,
      model: "dIe/dt = 0*amp/ms : amp",
      method: "euler",
    });
    const params = reservoir.MAASS_2002.dynamic.EE;
    net.connect(pre, post, {
      rule: fromPairs([0], [0]),
      ...reservoir.dynamicSynapse(params, "Ie_post", 1),
    });
    const mon = net.monitorState(post, ["Ie"]);
    net.run(400);
    const ie = mon.values("Ie");
    const steps = mon.times_ms;
    // Amplitudes from the recursion, in pA (w = 1 nA).
    let u = params.U;
    let R = 1;
    let total = 0;
    times.forEach((t, n) => {
      if (n > 0) {
        const d = t - times[n - 1];
        const uPrev = u;
        u = params.U + uPrev * (1 - params.U) * Math.exp(-d / params.F_ms);
        R = 1 + (R - uPrev * R - 1) * Math.exp(-d / params.D_ms);
      }
      total += 1000 * u * R;
      const k = steps.findIndex((s) => s >= t + 0.25); // after spike n, before spike n + 1
      expect(Math.abs(ie[k] - total)).toBeLessThan(1e-9 * total);
    });
  });

  it("liquidStates equals the filtered spike counts; same seed gives identical spikes", () => {
    const run = () => {
      const net = new Network({ dt_ms: 0.1, seed: 9 });
      const input = net.addPoisson("in", { size: 20, rate_Hz: 20 });
      const liq = reservoir.liquidStateMachine(net, {
        grid: [5, 3, 3],
        input: { population: input },
      });
      const sp = net.monitorSpikes([liq.group]);
      net.run(300);
      return { sp, liq };
    };
    const a = run();
    const b = run();
    expect(Array.from(a.sp.times_ms)).toEqual(Array.from(b.sp.times_ms));
    expect(Array.from(a.sp.neurons)).toEqual(Array.from(b.sp.neurons));
    const sampleTimes = [300, 100, 50.05, 200];
    const X = reservoir.liquidStates(a.sp, { times_ms: sampleTimes, size: a.liq.size, tau_ms: 30 });
    expect([X.rows, X.cols]).toEqual([4, 45]);
    sampleTimes.forEach((T, r) => {
      for (let j = 0; j < 45; j++) {
        let want = 0;
        a.sp.times_ms.forEach((t, s) => {
          if (a.sp.neurons[s] === j && t <= T) want += Math.exp(-(T - t) / 30);
        });
        expect(Math.abs(X.data[r * 45 + j] - want)).toBeLessThan(1e-12 * Math.max(1, want));
      }
    });
  });

  it("refuses bad arguments with errors naming them", () => {
    const net = new Network({ dt_ms: 0.1 });
    expect(() => reservoir.liquidStateMachine(net, { grid: [0, 3, 3] })).toThrow(/grid\[0\]/);
    expect(() => reservoir.liquidStateMachine(net, { lambda: -1 })).toThrow(/lambda/);
    expect(() => reservoir.liquidStateMachine(net, { C: { EE: 2 } })).toThrow(/C\.EE/);
    expect(() => reservoir.liquidStateMachine(net, { synapses: "plastic" as never })).toThrow(
      /synapses/,
    );
    expect(() => reservoir.ridgeFit([[1, 2]], [1, 2])).toThrow(/samples/);
    expect(() => reservoir.ridgeFit([[1, NaN]], [1])).toThrow(/X\[0\]\[1\]/);
    expect(() => reservoir.powerLawFit([1, 2, 3], { sMin: 0 })).toThrow(/sMin/);
    expect(() =>
      reservoir.liquidStates({ times_ms: [1], neurons: [0] }, { times_ms: [1], size: 0 }),
    ).toThrow(/size/);
  });
});
