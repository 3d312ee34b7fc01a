import { it } from "vitest";
import { Rng } from "../../src/random/rng.js";
import * as rsa from "../../src/rsa/index.js";
it("time", () => {
  const rng = new Rng(1);
  const n = 62, P = n * (n - 1) / 2;
  const bases = Array.from({ length: 10 }, () => Array.from({ length: P }, () => rng.uniform()));
  const v: number[][] = [], layer: number[] = [], instance: number[] = [];
  for (let i = 0; i < 10; i++) bases.forEach((b, l) => { v.push(b.map((x) => x + 0.5 * rng.normal())); layer.push(l); instance.push(i); });
  const set = rsa.makeRdms(v, { rdmDescriptors: { layer, instance } });
  for (const nb of [0, 100]) {
    const t0 = performance.now();
    rsa.identifyLayers(set, { transforms: { rdm: "rdm" }, nBootstrap: nb, seed: 1 });
    console.log("rdm nb", nb, ((performance.now() - t0) / 1000).toFixed(3), "s");
  }
  let t0 = performance.now();
  rsa.identifyLayers(set, { transforms: { local: "local" }, nBootstrap: 0, seed: 1 });
  console.log("local 10 draws no boot", ((performance.now() - t0) / 1000).toFixed(3), "s");
  t0 = performance.now();
  for (let k = 0; k < 10; k++) rsa.geotopologicalTransform(set, { lower: 0.1, upper: 0.3 });
  console.log("10 GT", ((performance.now() - t0) / 1000).toFixed(3), "s");
}, 600000);
