// Cross-check of neurolab's rsa module against rsatoolbox 0.3.2 on the same seeded arrays: one
// python process (test/reference/rsatoolbox_crosscheck.py) computes every reference value.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "rsatoolbox_crosscheck.py");

type Json = number | string | null | Json[] | { [k: string]: Json };

/** Decodes rsatoolbox's JSON ("NaN"/"Infinity" strings) into numbers. */
function num(x: Json): number {
  if (x === "NaN" || x === null) return NaN;
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  return x as number;
}

/** Every entry equal within tol * max(1, |expected|); NaN and infinities must match exactly. */
function expectClose(actual: ArrayLike<number>, expected: Json[], tol = 1e-10, what = ""): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = num(expected[i]);
    const a = actual[i];
    if (!Number.isFinite(e)) {
      expect(
        Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)),
        `${what}[${i}]: got ${a}, rsatoolbox ${e}`,
      ).toBe(true);
    } else {
      expect(Math.abs(a - e), `${what}[${i}]: got ${a}, rsatoolbox ${e}`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(e)),
      );
    }
  }
}

function expectMatrixClose(actual: number[][], expected: Json, tol = 1e-10, what = ""): void {
  const rows = expected as Json[][];
  expect(actual.length, `${what}: rows`).toBe(rows.length);
  rows.forEach((row, i) => expectClose(actual[i], row, tol, `${what}[${i}]`));
}

function normals(rng: Rng, rows: number, cols: number, scale = 1, offset = 0): number[][] {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => offset + scale * rng.normal()),
  );
}

// ---- seeded inputs -------------------------------------------------------------------------
const rng = new Rng(20240611);
const C = 10; // channels
const conditionNames = ["c0", "c1", "c2", "c3", "c4", "c5"];
const patterns = normals(rng, conditionNames.length, C);

/** Balanced: 6 conditions x 4 runs, shuffled, two cells with a second observation. */
function balancedObservations(): { measurements: number[][]; condition: string[]; run: number[] } {
  const rows: { m: number[]; c: string; r: number }[] = [];
  for (let r = 0; r < 4; r++) {
    conditionNames.forEach((c, i) => {
      rows.push({ m: patterns[i].map((v) => v + 0.7 * rng.normal()), c, r });
      if (r === 0 && i < 2) rows.push({ m: patterns[i].map((v) => v + 0.7 * rng.normal()), c, r });
    });
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return {
    measurements: rows.map((x) => x.m),
    condition: rows.map((x) => x.c),
    run: rows.map((x) => x.r),
  };
}
const balanced = balancedObservations();
/** The same without the extra observations: one per (run, condition) cell. */
const equalCells = (() => {
  const seen = new Set<string>();
  const keep = balanced.condition.map((c, i) => {
    const key = `${c}/${balanced.run[i]}`;
    const first = !seen.has(key);
    seen.add(key);
    return first;
  });
  const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
  return {
    measurements: pick(balanced.measurements),
    condition: pick(balanced.condition),
    run: pick(balanced.run),
  };
})();

/** The balanced data with two NaN measurements (condition of observation 3 and of observation 10). */
const balancedWithNaN = (() => {
  const m = balanced.measurements.map((r) => [...r]);
  m[3][2] = NaN;
  m[10][7] = NaN;
  return { measurements: m, condition: balanced.condition, run: balanced.run };
})();

/** Unbalanced: 5 conditions x 3 runs, c4 missing from run 2, c0 twice in run 1. */
const unbalanced = (() => {
  const measurements: number[][] = [];
  const condition: string[] = [];
  const run: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < 5; i++) {
      if (r === 2 && i === 4) continue;
      const reps = r === 1 && i === 0 ? 2 : 1;
      for (let k = 0; k < reps; k++) {
        measurements.push(patterns[i].map((v) => v + 0.5 * rng.normal()));
        condition.push(conditionNames[i]);
        run.push(r);
      }
    }
  }
  return { measurements, condition, run };
})();

const residuals = normals(rng, 30, C).map((row) =>
  row.map((v, k) => v * (1 + 0.2 * k) + (k > 0 ? 0.5 * row[k - 1] : 0)),
);

/** Poisson counts: 5 conditions x 3 runs, 12 channels. */
const counts = (() => {
  const rates = Array.from({ length: 5 }, () =>
    Array.from({ length: 12 }, () => 0.5 + 6 * rng.uniform()),
  );
  const measurements: number[][] = [];
  const condition: string[] = [];
  const run: number[] = [];
  for (let r = 0; r < 3; r++) {
    rates.forEach((rate, i) => {
      measurements.push(rate.map((l) => rng.poisson(l)));
      condition.push(`k${i}`);
      run.push(r);
    });
  }
  return { measurements, condition, run };
})();

const N = 7; // conditions of the comparison RDMs
const P = (N * (N - 1)) / 2;
const rdms1 = [
  Array.from({ length: P }, () => rng.uniform() * 2),
  Array.from({ length: P }, () => Math.round(rng.uniform() * 5) / 5), // ties
  Array.from({ length: P }, () => rng.normal() ** 2 + 0.1),
];
const rdms2 = [
  Array.from({ length: P }, () => rng.int(4)),
  Array.from({ length: P }, () => rng.uniform()),
];
const nanPairs = new Set([2, 9]);
const withNaN = (v: number[]) => v.map((x, k) => (nanPairs.has(k) ? NaN : x));
const rdmsNaN1 = rdms1.map(withNaN);
const rdmsNaN2 = rdms2.map(withNaN);
const sigmaKDiag = Array.from({ length: N }, () => 0.5 + rng.uniform());
const sigmaKFull = (() => {
  const a = normals(rng, N, N);
  return a.map((_, i) =>
    a.map((_, j) => a[i].reduce((s, v, k) => s + v * a[j][k], 0) / N + (i === j ? 0.5 : 0)),
  );
})();
const gtThresholds: Record<string, [number, number]> = { a: [0.1, 0.9], b: [0.25, 0.6], c: [0, 1] };

// inference: 6 subjects' RDMs over 7 conditions = a shared structure + noise; 3 fixed models
const truth = Array.from({ length: P }, () => rng.uniform());
const subjects = Array.from({ length: 6 }, () => truth.map((v) => v + 0.3 * rng.uniform()));
const modelVectors = [
  truth.map((v) => v + 0.2 * rng.normal()),
  Array.from({ length: P }, () => rng.uniform()),
  truth.map((v) => v * v),
];
const subjectRdms = rsa.makeRdms(subjects);
const models = modelVectors.map((v, i) => rsa.modelFixed(`m${i}`, v));
const samples = rsa.bootstrapSamples(subjectRdms, 25, { seed: 3 });
const diffVariances = [0.01, 0.02, 0.015];
const dual = rsa.evalDualBootstrap(models, subjectRdms, { n: 40, seed: 6, method: "corr" });

const noise = rsa.precisionFromResiduals(residuals); // shared precision for mahalanobis & crossnobis
const noiseRows = Array.from({ length: C }, (_, i) =>
  Array.from(noise.subarray(i * C, (i + 1) * C)),
);

// ---- run rsatoolbox once ----------------------------------------------------------------------
let ref: Record<string, Json>;

beforeAll(() => {
  try {
    ref = runRsatoolbox();
  } catch (err) {
    // Every test then fails with this message (a missing reference must fail, not skip).
    const error = err instanceof Error ? err : new Error(String(err));
    const fail = (): never => {
      throw error;
    };
    ref = new Proxy({}, { get: fail, ownKeys: fail, has: fail });
  }
}, 150_000);

function runRsatoolbox(): Record<string, Json> {
  const python = peersPython();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rsa-xcheck-"));
  const input = path.join(dir, "in.json");
  const output = path.join(dir, "out.json");
  fs.writeFileSync(
    input,
    JSON.stringify({
      balanced: {
        measurements: balanced.measurements,
        obs: { condition: balanced.condition, run: balanced.run },
      },
      equalCells: {
        measurements: equalCells.measurements,
        obs: { condition: equalCells.condition, run: equalCells.run },
      },
      withNaN: {
        measurements: balancedWithNaN.measurements,
        obs: { condition: balancedWithNaN.condition, run: balancedWithNaN.run },
      },
      unbalanced: {
        measurements: unbalanced.measurements,
        obs: { condition: unbalanced.condition, run: unbalanced.run },
      },
      counts: {
        measurements: counts.measurements,
        obs: { condition: counts.condition, run: counts.run },
      },
      noise: noiseRows,
      residuals,
      rdms1,
      rdms2,
      rdmsNaN1,
      rdmsNaN2,
      sigmaKDiag,
      sigmaKFull,
      gtThresholds,
      subjects,
      models: modelVectors,
      samples,
      diffVariances,
      modelVariances: [0.004, 0.01, 0.02],
      ceiling: 0.8,
      dof: 5,
      dual: {
        covariances: [dual.both.covariance, dual.rdm.covariance, dual.pattern.covariance],
        nRdm: subjects.length,
        nPattern: N,
      },
    }),
  );
  execFileSync(python, [SCRIPT, input, output], {
    timeout: 120_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const result = JSON.parse(fs.readFileSync(output, "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

describe("rsatoolbox reference", () => {
  it("ran rsatoolbox 0.3.2 on the shared arrays", () => {
    expect(Object.keys(ref).length).toBeGreaterThan(30);
  });
});

// ---- distances ---------------------------------------------------------------------------------
const ds = rsa.makeDataset(balanced.measurements, {
  obsDescriptors: { condition: balanced.condition, run: balanced.run },
});
const dsU = rsa.makeDataset(unbalanced.measurements, {
  obsDescriptors: { condition: unbalanced.condition, run: unbalanced.run },
});
const dsP = rsa.makeDataset(counts.measurements, {
  obsDescriptors: { condition: counts.condition, run: counts.run },
});
const vector = (r: rsa.Rdms) => rsa.rdmVector(r, 0);

describe("calcRdm matches rsatoolbox.rdm.calc_rdm", () => {
  it("euclidean (per condition, remove_mean, per observation)", () => {
    expectClose(
      vector(rsa.calcRdm(ds, { method: "euclidean", descriptor: "condition" })),
      ref.euclidean as Json[],
      1e-10,
      "euclidean",
    );
    expectClose(
      vector(rsa.calcRdm(ds, { method: "euclidean", descriptor: "condition", removeMean: true })),
      ref.euclidean_removeMean as Json[],
      1e-10,
      "removeMean",
    );
    expectClose(
      vector(rsa.calcRdm(ds, { method: "euclidean" })),
      ref.euclidean_raw as Json[],
      1e-10,
      "raw",
    );
  });
  it("correlation and mahalanobis", () => {
    expectClose(
      vector(rsa.calcRdm(ds, { method: "correlation", descriptor: "condition" })),
      ref.correlation as Json[],
      1e-10,
      "correlation",
    );
    expectClose(
      vector(rsa.calcRdm(ds, { method: "mahalanobis", descriptor: "condition", noise })),
      ref.mahalanobis as Json[],
      1e-10,
      "mahalanobis",
    );
  });
  it("crossnobis, leave-one-run-out (with and without noise, remove_mean)", () => {
    const base = { method: "crossnobis" as const, descriptor: "condition", cvDescriptor: "run" };
    expectClose(vector(rsa.calcRdm(ds, base)), ref.crossnobis as Json[], 1e-10, "crossnobis");
    expectClose(
      vector(rsa.calcRdm(ds, { ...base, noise })),
      ref.crossnobis_noise as Json[],
      1e-10,
      "crossnobis noise",
    );
    expectClose(
      vector(rsa.calcRdm(ds, { ...base, removeMean: true })),
      ref.crossnobis_removeMean as Json[],
      1e-10,
      "crossnobis removeMean",
    );
    const all = rsa.toMatrix(rsa.calcRdm(ds, { ...base, crossValidation: "allPairs" }));
    const order = (ref.crossnobis_allPairs_balanced_order as string[]).map((c) =>
      conditionNames.indexOf(c),
    );
    order.forEach((oi, a) =>
      expectClose(
        order.map((oj) => all[oi][oj]),
        (ref.crossnobis_allPairs_balanced as Json[][])[a],
        1e-10,
        `allPairs[${a}]`,
      ),
    );
  });
  it("crossnobis with one observation per cell (the Gram-product fast path)", () => {
    const de = rsa.makeDataset(equalCells.measurements, {
      obsDescriptors: { condition: equalCells.condition, run: equalCells.run },
    });
    const base = { method: "crossnobis" as const, descriptor: "condition", cvDescriptor: "run" };
    expectClose(
      vector(rsa.calcRdm(de, base)),
      ref.crossnobis_equal as Json[],
      1e-10,
      "equal cells",
    );
    expectClose(
      vector(rsa.calcRdm(de, { ...base, removeMean: true })),
      ref.crossnobis_equal_removeMean as Json[],
      1e-10,
      "equal cells removeMean",
    );
  });
  it("crossnobis on unbalanced data matches calc_rdm_unbalanced (auto selects allPairs)", () => {
    const order = (ref.crossnobis_unbalanced_order as string[]).map((c) =>
      conditionNames.indexOf(c),
    );
    for (const [key, opts] of [
      ["crossnobis_unbalanced", {}],
      ["crossnobis_unbalanced_noise", { noise }],
    ] as const) {
      const ours = rsa.calcRdm(dsU, {
        method: "crossnobis",
        descriptor: "condition",
        cvDescriptor: "run",
        ...opts,
      });
      expect(ours.patternDescriptors.condition).toEqual(conditionNames.slice(0, 5));
      const m = rsa.toMatrix(ours);
      const theirs = ref[key] as Json[][];
      // rsatoolbox orders by first appearance; map its rows back to sorted labels.
      order.forEach((oi, a) =>
        expectClose(
          order.map((oj) => m[oi][oj]),
          theirs[a],
          1e-10,
          `${key}[${a}]`,
        ),
      );
    }
  });
  it("NaN measurements: propagation per condition, and per-pair skipping in allPairs crossnobis", () => {
    const dn = rsa.makeDataset(balancedWithNaN.measurements, {
      obsDescriptors: { condition: balancedWithNaN.condition, run: balancedWithNaN.run },
    });
    const e = vector(rsa.calcRdm(dn, { method: "euclidean", descriptor: "condition" }));
    expectClose(e, ref.nan_euclidean as Json[], 1e-10, "nan euclidean");
    expect(e.some(Number.isNaN) && e.some(Number.isFinite)).toBe(true);
    expectClose(
      vector(rsa.calcRdm(dn, { method: "correlation", descriptor: "condition" })),
      ref.nan_correlation as Json[],
      1e-10,
      "nan correlation",
    );
    const m = rsa.toMatrix(
      rsa.calcRdm(dn, {
        method: "crossnobis",
        descriptor: "condition",
        cvDescriptor: "run",
        crossValidation: "allPairs",
      }),
    );
    const order = (ref.nan_allPairs_order as string[]).map((c) => conditionNames.indexOf(c));
    order.forEach((oi, a) =>
      expectClose(
        order.map((oj) => m[oi][oj]),
        (ref.nan_allPairs as Json[][])[a],
        1e-10,
        `nan allPairs[${a}]`,
      ),
    );
  });
  it("poisson and cross-validated poisson (all folds averaged; rsatoolbox keeps the last fold)", () => {
    expectClose(
      vector(rsa.calcRdm(dsP, { method: "poisson", descriptor: "condition" })),
      ref.poisson as Json[],
      1e-10,
      "poisson",
    );
    expectClose(
      vector(
        rsa.calcRdm(dsP, {
          method: "poisson",
          descriptor: "condition",
          priorLambda: 2,
          priorWeight: 0.5,
        }),
      ),
      ref.poisson_prior as Json[],
      1e-10,
      "prior",
    );
    const cv = vector(
      rsa.calcRdm(dsP, { method: "poissonCv", descriptor: "condition", cvDescriptor: "run" }),
    );
    expectClose(cv, ref.poissonCv_allFolds as Json[], 1e-10, "poissonCv");
    const last = (ref.poissonCv_lastFold as number[]).map(Number);
    expect(Math.max(...last.map((v, k) => Math.abs(v - cv[k])))).toBeGreaterThan(1e-3); // the rsatoolbox bug is real
  });
  it("noise covariance / precision estimates match cov_from_residuals", () => {
    const flat = (m: Json) => (m as number[][]).flat();
    expectClose(
      rsa.covarianceFromResiduals(residuals, { method: "shrinkageDiag" }),
      flat(ref.cov_shrinkage_diag),
      1e-10,
      "shrinkage_diag",
    );
    expectClose(
      rsa.covarianceFromResiduals(residuals, { method: "shrinkageEye" }),
      flat(ref.cov_shrinkage_eye),
      1e-10,
      "shrinkage_eye",
    );
    expectClose(
      rsa.covarianceFromResiduals(residuals, { method: "diag" }),
      flat(ref.cov_diag),
      1e-10,
      "diag",
    );
    expectClose(
      rsa.covarianceFromResiduals(residuals, { method: "full" }),
      flat(ref.cov_full),
      1e-10,
      "full",
    );
    expectClose(
      rsa.covarianceFromResiduals(residuals, {
        method: "shrinkageDiag",
        dof: residuals.length - 3,
      }),
      flat(ref.cov_shrinkage_diag_dof),
      1e-10,
      "dof",
    );
    expectClose(noise, flat(ref.prec_shrinkage_diag), 1e-9, "precision");
  });
});

// ---- comparisons -----------------------------------------------------------------------------
describe("compareRdm matches rsatoolbox.rdm.compare", () => {
  const r1 = rsa.makeRdms(rdms1);
  const r2 = rsa.makeRdms(rdms2);
  const methods: [rsa.CompareMethod, string][] = [
    ["cosine", "cosine"],
    ["corr", "corr"],
    ["spearman", "spearman"],
    ["rhoA", "rho-a"],
    ["tauA", "tau-a"],
    ["tauB", "kendall"],
    ["cosineCov", "cosine_cov"],
    ["corrCov", "corr_cov"],
    ["bures", "bures"],
    ["buresMetric", "bures_metric"],
  ];
  it.each(methods.slice(0, 8))("%s (complete RDMs, with ties)", (ours, theirs) => {
    expectMatrixClose(
      rsa.compareRdm(r1, r2, { method: ours }),
      ref[`compare_${theirs}`],
      1e-10,
      ours,
    );
  });
  // The centred kernels have an exact zero eigenvalue (the constant vector); LAPACK returns it as
  // ±1e-16 and rsatoolbox takes sqrt(max(λ, 0)) ≈ 1e-8 of it, neurolab zeroes eigenvalues below
  // n·eps·max|λ|. Agreement is therefore ~1e-8, not 1e-10 (see README).
  it.each(methods.slice(8))(
    "%s (complete RDMs) to rsatoolbox's rounding (1e-7)",
    (ours, theirs) => {
      expectMatrixClose(
        rsa.compareRdm(r1, r2, { method: ours }),
        ref[`compare_${theirs}`],
        1e-7,
        ours,
      );
    },
  );
  it("whitened cosine / corr with a diagonal sigma_k", () => {
    expectMatrixClose(
      rsa.compareRdm(r1, r2, { method: "cosineCov", sigmaK: sigmaKDiag }),
      ref.compare_cosine_cov_diag,
      1e-10,
      "cosineCov diag",
    );
    expectMatrixClose(
      rsa.compareRdm(r1, r2, { method: "corrCov", sigmaK: sigmaKDiag }),
      ref.compare_corr_cov_diag,
      1e-10,
      "corrCov diag",
    );
  });
  it("whitened cosine with a full sigma_k (rsatoolbox solves by conjugate gradients, rtol 1e-5)", () => {
    expectMatrixClose(
      rsa.compareRdm(r1, r2, { method: "cosineCov", sigmaK: sigmaKFull }),
      ref.compare_cosine_cov_full,
      1e-4,
      "cosineCov full",
    );
  });
  const n1 = rsa.makeRdms(rdmsNaN1);
  const n2 = rsa.makeRdms(rdmsNaN2);
  it.each(methods.slice(0, 8))("%s with NaN pairs", (ours, theirs) => {
    expectMatrixClose(
      rsa.compareRdm(n1, n2, { method: ours }),
      ref[`compareNaN_${theirs}`],
      1e-10,
      ours,
    );
  });
  it("cosineCov with NaN pairs and a diagonal sigma_k", () => {
    expectMatrixClose(
      rsa.compareRdm(n1, n2, { method: "cosineCov", sigmaK: sigmaKDiag }),
      ref.compareNaN_cosine_cov_diag,
      1e-10,
      "nan diag",
    );
  });
});

// ---- transforms ------------------------------------------------------------------------------
describe("transforms match rsatoolbox.rdm.transform", () => {
  it("rankTransform", () => {
    const ranks = rsa.rankTransform(rsa.makeRdms(rdms2));
    (ref.rank as Json[][]).forEach((v, r) =>
      expectClose(rsa.rdmVector(ranks, r), v, 1e-12, `rank ${r}`),
    );
  });
  it("geotopologicalTransform with scale 'raw' (per RDM)", () => {
    for (const [key, [lower, upper]] of Object.entries(gtThresholds)) {
      const expected = (ref.geotopological_raw as Record<string, Json[][]>)[key];
      rdms1.forEach((v, r) =>
        expectClose(
          vector(rsa.geotopologicalTransform(rsa.makeRdms([v]), { lower, upper, scale: "raw" })),
          expected[r],
          1e-10,
          `gt ${key} ${r}`,
        ),
      );
    }
  });
  it("geodesicTransform rule 'rsatoolbox'", () => {
    [...rdms1, ...rdms2].forEach((v, r) =>
      expectClose(
        vector(rsa.geodesicTransform(rsa.makeRdms([v]), { rule: "rsatoolbox" })),
        (ref.geodesic as Json[][])[r],
        1e-10,
        `geodesic ${r}`,
      ),
    );
  });
});

// ---- inference ------------------------------------------------------------------------------
describe("inference matches rsatoolbox.inference", () => {
  const cases: [rsa.CompareMethod, string][] = [
    ["cosine", "cosine"],
    ["corr", "corr"],
    ["spearman", "spearman"],
    ["rhoA", "rho-a"],
  ];
  it.each(cases)("evalFixed and the noise ceiling (%s)", (ours, theirs) => {
    const r = rsa.evalFixed(models, subjectRdms, { method: ours });
    const expected = ref[`fixed_${theirs}`] as Record<string, Json>;
    expectMatrixClose(r.evaluations, expected.evaluations, 1e-10, "evaluations");
    expectMatrixClose(r.covariance, expected.variances, 1e-10, "variances");
    expectClose(
      [r.noiseCeiling!.lower, r.noiseCeiling!.upper],
      expected.noise_ceiling as Json[],
      1e-10,
      "noise ceiling",
    );
  });
  it.each([["corr"], ["cosine"]] as const)(
    "evalBootstrap on the same samples (%s): evaluations, noise ceilings, covariance",
    (method) => {
      const r = rsa.evalBootstrap(models, subjectRdms, { method, samples });
      const expected = (ref.bootstrap as Record<string, Record<string, Json>>)[method];
      expectMatrixClose(r.evaluations, expected.evaluations, 1e-10, "evaluations");
      expectMatrixClose(r.noiseCeilings, expected.noise_ceilings, 1e-10, "noise ceilings");
      expectMatrixClose(r.covariance, expected.covariance, 1e-10, "covariance");
    },
  );
  it("dual-bootstrap variance correction equals rsatoolbox's extract_variances on the same covariances", () => {
    const expected = ref.dual as Record<string, Json>;
    expectClose(dual.modelVariances, expected.model as Json[], 1e-12, "model variances");
    expectClose(dual.differenceVariances, expected.diff as Json[], 1e-12, "difference variances");
    expectMatrixClose(dual.noiseCeilingVariances, expected.nc, 1e-12, "noise ceiling variances");
  });
  it("bootstrap pair tests and t-tests (pairwise, against 0, against the noise ceiling)", () => {
    const r = rsa.evalBootstrap(models, subjectRdms, { method: "corr", samples });
    expectMatrixClose(
      rsa.bootstrapPairTests(r.evaluations),
      ref.bootstrap_pair_tests,
      1e-12,
      "bootstrap pair tests",
    );
    expectMatrixClose(rsa.pairwiseTTests(r.means, diffVariances, 5), ref.t_tests, 1e-12, "t tests");
    expectClose(
      rsa.zeroTTests(r.means, [0.004, 0.01, 0.02], 5),
      ref.t_test_0 as Json[],
      1e-12,
      "t test 0",
    );
    expectClose(
      rsa.noiseCeilingTTests(r.means, [0.004, 0.01, 0.02], 0.8, 5),
      ref.t_test_nc as Json[],
      1e-12,
      "t test nc",
    );
  });
});
