// neurolab side of the geometry suite. usage: geometry.mjs <case> <sizes...>; prints one JSON line
// {"seconds": timed section, ...checks}. Data are the same closed-form arrays as geometry.py, so
// the checksums printed by both sides must agree.
import { createRequire } from "node:module";
const rsa = createRequire(import.meta.url)("../../src/dist/rsa/index.js");

/** x[i][k] = sin(0.37 i + 0.11 k) + cos(0.0013 i k) + 0.5 sin(0.05 r (i + 1)), row-major. */
function patterns(n, c, r = 0) {
  const x = new Float64Array(n * c);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      x[i * c + k] =
        Math.sin(0.37 * i + 0.11 * k) +
        Math.cos(0.0013 * i * k) +
        0.5 * Math.sin(0.05 * (r + 1) * (i + 1) + 0.07 * k);
  return x;
}
const mean = (v) => v.reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0) / v.length;

const [name, ...sizes] = process.argv.slice(2);
const args = sizes.map(Number);
let seconds;
let stats;
if (name === "correlation") {
  const [n, c] = args;
  const ds = rsa.makeDataset(patterns(n, c), { nChannels: c });
  const t0 = performance.now();
  const rdm = rsa.calcRdm(ds, { method: "correlation" });
  seconds = (performance.now() - t0) / 1000;
  stats = { mean_dissimilarity: mean(rdm.dissimilarities) };
} else if (name === "crossnobis") {
  const [n, c, runs] = args;
  const x = new Float64Array(n * runs * c);
  const condition = [];
  const run = [];
  for (let r = 0; r < runs; r++) {
    x.set(patterns(n, c, r), r * n * c);
    for (let i = 0; i < n; i++) {
      condition.push(i);
      run.push(r);
    }
  }
  const ds = rsa.makeDataset(x, { nChannels: c, obsDescriptors: { condition, run } });
  const t0 = performance.now();
  const rdm = rsa.calcRdm(ds, {
    method: "crossnobis",
    descriptor: "condition",
    cvDescriptor: "run",
  });
  seconds = (performance.now() - t0) / 1000;
  stats = { mean_dissimilarity: mean(rdm.dissimilarities) };
} else if (name === "bootstrap") {
  const [samples, nRdm, n] = args;
  const pairs = (n * (n - 1)) / 2;
  const truth = Array.from({ length: pairs }, (_, k) => 1 + Math.sin(0.37 * k));
  const subjects = Array.from({ length: nRdm }, (_, s) =>
    truth.map((v, k) => v + 0.3 * Math.sin(1.7 * s + 0.9 * k)),
  );
  const models = [
    rsa.modelFixed("truth", truth),
    rsa.modelFixed(
      "cosine",
      truth.map((_, k) => 1 + Math.cos(0.21 * k)),
    ),
    rsa.modelFixed(
      "squared",
      truth.map((v) => v * v),
    ),
  ];
  const data = rsa.makeRdms(subjects);
  const t0 = performance.now();
  const res = rsa.evalBootstrap(models, data, { method: "corr", n: samples, seed: 1 });
  seconds = (performance.now() - t0) / 1000;
  stats = {
    mean_eval: res.means,
    noise_ceiling_lower: res.noiseCeilings.reduce((s, c) => s + c[0], 0) / res.noiseCeilings.length,
  };
} else if (name === "geodesic") {
  const [n] = args;
  const rdm = rsa.calcRdm(rsa.makeDataset(patterns(n, 50), { nChannels: 50 }));
  const t0 = performance.now();
  const geo = rsa.geodesicTransform(rdm, { rule: "rsatoolbox" });
  seconds = (performance.now() - t0) / 1000;
  stats = { mean_geodesic: mean(geo.dissimilarities) };
} else {
  throw new Error(`unknown case ${name}`);
}
console.log(JSON.stringify({ seconds, ...stats }));
