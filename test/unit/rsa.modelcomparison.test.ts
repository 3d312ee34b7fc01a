// The RDM widget's model-comparison numbers (error bars, p-values, noise ceiling) are the library's
// `rsa.evaluationSummary`, and both equal rsatoolbox 0.3.2's Result (get_sem, test_zero, test_noise,
// test_pairwise) on the same evaluations (test/reference/rsatoolbox_results.py).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";
import { rdmFigure } from "../../src/rsa/figure.js";
import { decodeRdm, RDM_MIME } from "../../src/schema/index.js";
import { MIME_BUNDLE } from "../../src/display/protocol.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "rsatoolbox_results.py");

const rng = new Rng(77);
const N = 9; // conditions
const P = (N * (N - 1)) / 2;
const truth = Array.from({ length: P }, () => rng.uniform());
const subjects = Array.from({ length: 8 }, () => truth.map((v) => v + 0.6 * rng.normal()));
const modelVectors = [
  truth.map((v) => v + 0.3 * rng.normal()),
  Array.from({ length: P }, () => rng.uniform()),
  truth.map((v) => v * v + 0.5 * rng.normal()),
];
const data = rsa.makeRdms(subjects);
const models = modelVectors.map((v, i) => rsa.modelFixed(`m${i}`, v));
const methods = ["corr", "cosine"] as const;
const bootstraps = {
  both: rsa.evalBootstrap(models, data, { method: "corr", n: 60, seed: 4 }),
  rdm: rsa.evalBootstrap(models, data, { method: "corr", n: 60, seed: 5, kind: "rdm" }),
  pattern: rsa.evalBootstrap(models, data, { method: "cosine", n: 60, seed: 6, kind: "pattern" }),
};

type Stats = {
  means: number[];
  sems: number[];
  p_zero: number[];
  p_noise: number[];
  p_pairs: number[][];
};
let ref: Record<string, Stats>;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rsa-results-"));
  const input = path.join(dir, "in.json");
  const output = path.join(dir, "out.json");
  const boots = Object.fromEntries(
    Object.entries(bootstraps).map(([k, b]) => [
      k,
      {
        kind: b.kind,
        method: b.method,
        evaluations: b.evaluations,
        noise_ceilings: b.noiseCeilings,
        covariance: b.covariance,
        dof: b.dof,
        n_rdm: b.nRdm,
        n_pattern: b.nPattern,
      },
    ]),
  );
  fs.writeFileSync(
    input,
    JSON.stringify({ subjects, models: modelVectors, methods, bootstraps: boots }),
  );
  execFileSync(peersPython(), [SCRIPT, input, output], {
    timeout: 120_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  ref = JSON.parse(fs.readFileSync(output, "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
}, 150_000);

const close = (a: ArrayLike<number>, e: ArrayLike<number>, rel: number, what: string) => {
  expect(a.length, what).toBe(e.length);
  for (let i = 0; i < e.length; i++)
    expect(
      Math.abs(a[i] - e[i]),
      `${what}[${i}]: ours ${a[i]}, rsatoolbox ${e[i]}`,
    ).toBeLessThanOrEqual(rel * Math.max(Math.abs(e[i]), 1e-300));
};

/** The model block of the widget payload, decoded as the extension decodes it. */
function widgetModels(
  result: rsa.FixedEvaluation | rsa.BootstrapEvaluation | rsa.DualBootstrapEvaluation,
) {
  const bundle = rdmFigure(data, { models: result, mds: false })[MIME_BUNDLE]();
  return decodeRdm(JSON.parse(JSON.stringify(bundle[RDM_MIME]))).models!;
}

describe("model comparison: library = rsatoolbox Result = widget payload", () => {
  it.each(methods)("evalFixed (%s): n/(n-1)-corrected SEMs and t-tests", (method) => {
    const r = rsa.evalFixed(models, data, { method });
    const s = rsa.evaluationSummary(r);
    const e = ref[`fixed_${method}`];
    close(s.means, e.means, 1e-12, "means");
    close(s.sems, e.sems, 1e-12, "sems");
    close(s.pZero, e.p_zero, 1e-9, "p zero");
    close(s.pNoiseCeiling, e.p_noise, 1e-9, "p noise ceiling");
    s.pPairwise.forEach((row, i) => close(row, e.p_pairs[i], 1e-9, `p pairs ${i}`));
    expect(s.correction).toBe(8 / 7);
    // the uncorrected sqrt(diag(cov)) the widget used to draw is ~6.5% too small here
    expect(s.sems[0] / Math.sqrt(r.covariance[0][0])).toBeCloseTo(Math.sqrt(8 / 7), 12);
    const w = widgetModels(r);
    close(w.errors, e.sems, 1e-12, "widget errors");
    close(w.pValues, e.p_zero, 1e-9, "widget p-values");
    close(w.means, e.means, 1e-12, "widget means");
  });
  it.each(Object.keys(bootstraps) as (keyof typeof bootstraps)[])(
    "evalBootstrap kind %s: the correction n rsatoolbox uses",
    (kind) => {
      const r = bootstraps[kind];
      const s = rsa.evaluationSummary(r);
      const e = ref[`bootstrap_${kind}`];
      close(s.means, e.means, 1e-12, "means");
      close(s.sems, e.sems, 1e-12, "sems");
      close(s.pZero, e.p_zero, 1e-9, "p zero");
      close(s.pNoiseCeiling, e.p_noise, 1e-9, "p noise ceiling");
      s.pPairwise.forEach((row, i) => close(row, e.p_pairs[i], 1e-9, `p pairs ${i}`));
      const w = widgetModels(r);
      close(w.errors, e.sems, 1e-12, "widget errors");
      close(w.pValues, e.p_zero, 1e-9, "widget p-values");
    },
  );
  it("the dual bootstrap's already corrected variances are used as they are", () => {
    const dual = rsa.evalDualBootstrap(models, data, { method: "corr", n: 30, seed: 2 });
    const s = rsa.evaluationSummary(dual);
    expect(s.correction).toBe(1);
    close(s.sems, dual.modelVariances.map(Math.sqrt), 1e-15, "sems");
    close(s.pZero, rsa.zeroTTests(dual.means, dual.modelVariances, dual.dof), 1e-15, "p zero");
    const w = widgetModels(dual);
    close(w.errors, s.sems, 1e-15, "widget errors");
    close(w.pValues, s.pZero, 1e-15, "widget p-values");
    expect(w.noiseCeiling).toEqual([dual.noiseCeiling.lower, dual.noiseCeiling.upper]);
  });
});
