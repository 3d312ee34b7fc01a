// neurolab side of the Cook 2019 connectome case: load the pinned files (from the mirror
// NEUROLAB_DATA_MIRROR, default ../shared/data; never downloads), build the neuron-only
// connectome, and run every analysis. Prints {"seconds": load + build + analyses, ...}.
// usage: cook2019.mjs [nullSamples]
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const t0 = performance.now();
const cx = createRequire(import.meta.url)("../../src/dist/connectome/index.js");
const samples = Number(process.argv[2] ?? 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const mirrorDir = process.env.NEUROLAB_DATA_MIRROR ?? path.resolve(root, "../shared/data");
const where = { mirrorDir, offline: true, cacheDir: path.join(mirrorDir, ".no-cache") };

const tLoad = performance.now();
const c = cx.neuronsOnly(await cx.loadConnectome("cook2019", where));
const loaded = performance.now();
const chem = c.chemical;
const both = cx.synapseGraph(c, "both");
const t = {};
const time = (name, f) => {
  const s = performance.now();
  const r = f();
  t[name] = +((performance.now() - s) / 1000).toFixed(4);
  return r;
};
const degrees = time("degrees", () => cx.degreeStats(chem));
time("distributions", () =>
  [degrees.inDegree, degrees.outDegree, degrees.inStrength, degrees.outStrength].map(
    cx.distribution,
  ),
);
const reciprocity = time("reciprocity", () => cx.reciprocity(chem));
const hops = time("all_pairs_hops", () => cx.distanceMatrix(chem, { weighted: false }));
time("all_pairs_weighted", () => cx.distanceMatrix(chem));
const bc = time("betweenness_weighted", () => cx.betweenness(chem));
time("betweenness_hops", () => cx.betweenness(chem, { weighted: false }));
const rc = time("rich_club_normalized", () => cx.richClubNormalized(both, { seed: 1, samples }));
const motifs = time("motif_census_null", () => cx.motifCensus(chem, { seed: 1, samples }));
const communities = time("louvain", () => cx.louvain(both, { seed: 1 }));
time("layered_layout", () => cx.layeredLayout(c.cells, both));
time("force_layout", () => cx.forceLayout(both, { seed: 1 }));
const seconds = (performance.now() - tLoad) / 1000;

let reachable = 0;
for (const d of hops) if (Number.isFinite(d)) reachable++;
const top = Array.from(bc)
  .map((v, i) => [c.cells[i].name, v])
  .sort((a, b) => b[1] - a[1]);
console.log(
  JSON.stringify({
    seconds,
    load_build_s: (loaded - tLoad) / 1000,
    process_to_load_s: (tLoad - t0) / 1000,
    timings_s: t,
    neurons: c.cells.length,
    chemical_pairs: chem.colIdx.length,
    reciprocity,
    reachable_pairs: reachable,
    top_betweenness: top.slice(0, 3).map((x) => x[0]),
    rich_club_levels: rc.phi.length,
    z_030T: motifs.z[8],
    communities: communities.count,
    modularity: communities.modularity,
    null_samples: samples,
  }),
);
