import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  adjacencyMatrix,
  buildConnectome,
  cellClass,
  cellKind,
  cellTable,
  connectomeSource,
  edgeTable,
  loadBentleyExpression,
  loadConnectome,
  loadMasterSheet,
  loadOwmetaCells,
  motifCensus,
  TRIAD_TYPES,
  neuronsOnly,
  normalizeCellName,
  NEURON_NAMES,
  parseCookEdgeList,
  selectCells,
  summarize,
} from "../../src/connectome/index.js";
import { C_ELEGANS_SOURCES, sourcePath, WORM_NEURO_ATLAS_GANGLIA } from "../../src/data/index.js";

// The mirrored reference data: the first directory of env NEUROLAB_DATA_MIRROR, else ../shared/data
// beside the repository; files that only a peer package ships come from setup --peers' mirror.
const MIRROR = path.resolve(
  (
    process.env.NEUROLAB_DATA_MIRROR ??
    fileURLToPath(new URL("../../../shared/data", import.meta.url))
  ).split(path.delimiter)[0],
);
const PEER_MIRROR = fileURLToPath(new URL("../../.neurolab/data-mirror", import.meta.url));
/** Loader options that read the mirrors only and never download. */
const MIRROR_ONLY = {
  mirrorDir: [MIRROR, PEER_MIRROR],
  offline: true,
  cacheDir: path.join(MIRROR, ".no-cache"),
} as const;

const raw = (file: string) => readFileSync(path.join(MIRROR, "celegans", file), "utf8");

/** The 302 neuron names of the owmeta export, read without the library. */
const OWMETA_NEURONS = new Set(
  Object.keys(JSON.parse(raw("owmeta_cache.json")).neuron_info as object),
);

/** Independent count of a neuron-to-neuron edge list: rows -> (pre, post, type, count). */
function independentCounts(rows: [string, string, string, number][]) {
  const unpad = (s: string) => s.trim().replace(/^(AS|DA|DB|DD|VA|VB|VC|VD)0(\d)$/, "$1$2");
  const nn = rows
    .map(([a, b, t, w]) => [unpad(a), unpad(b), t, w] as const)
    .filter(([a, b]) => OWMETA_NEURONS.has(a) && OWMETA_NEURONS.has(b));
  const chem = nn.filter((r) => r[2] === "chemical");
  const gap = new Map<string, number>();
  for (const [a, b, t, w] of nn) {
    if (t !== "electrical") continue;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    gap.set(key, Math.max(gap.get(key) ?? 0, w));
  }
  return {
    neurons: new Set(nn.flatMap(([a, b]) => [a, b])).size,
    chemicalPairs: new Set(chem.map(([a, b]) => `${a}|${b}`)).size,
    chemicalSynapses: chem.reduce((s, r) => s + r[3], 0),
    electricalPairs: gap.size,
    electricalSynapses: [...gap.values()].reduce((s, w) => s + w, 0),
  };
}

describe("pinned sources in the mirror", () => {
  it("every mirrored file matches its pinned SHA-256", async () => {
    for (const source of C_ELEGANS_SOURCES) {
      const mirror = source === WORM_NEURO_ATLAS_GANGLIA ? PEER_MIRROR : MIRROR;
      expect(await sourcePath(source, MIRROR_ONLY)).toBe(path.join(mirror, source.path));
    }
    expect(connectomeSource("cook2019").url).toMatch(
      /^https:\/\/raw\.githubusercontent\.com\/openworm\/c302\/[0-9a-f]{40}\//,
    );
    expect(() => connectomeSource("toString" as never)).toThrow(/dataset must be one of cook2019/);
  });
});

describe("name normalisation", () => {
  it("trims padding, removes zero padding and unifies muscle names", () => {
    expect(normalizeCellName(" DA01        ")).toBe("DA1");
    expect(normalizeCellName("VD13")).toBe("VD13");
    expect(normalizeCellName("AS10")).toBe("AS10");
    expect(normalizeCellName("ADAL ")).toBe("ADAL");
    expect(normalizeCellName("dBWML1")).toBe("MDL01");
    expect(normalizeCellName("vBWMR24")).toBe("MVR24");
    expect(normalizeCellName("BWM-DL08")).toBe("MDL08");
    expect(normalizeCellName("MVL07")).toBe("MVL07");
  });

  it("keeps AWCON/AWCOFF apart from AWCL/AWCR unless a side is given", () => {
    expect(normalizeCellName("AWCON")).toBe("AWCON");
    expect(normalizeCellName("AWCOFF", { awcOn: "AWCL" })).toBe("AWCR");
    expect(normalizeCellName("AWCON", { awcOn: "AWCR" })).toBe("AWCR");
    expect(normalizeCellName("AWCL", { awcOn: "AWCR" })).toBe("AWCL");
    expect(cellKind("AWCON")).toBe("neuron");
    expect(cellClass("AWCOFF")).toBe("AWC");
  });

  it("labels neurons, muscles and other cells", () => {
    expect(NEURON_NAMES).toHaveLength(302);
    expect(new Set(NEURON_NAMES)).toEqual(OWMETA_NEURONS);
    expect(["AVAL", "DA1", "CANL", "I1L"].map(cellKind)).toEqual([
      "neuron",
      "neuron",
      "neuron",
      "neuron",
    ]);
    expect(["MDL01", "pm3vl", "vm1aL", "um2pR", "intL", "sph", "anal"].map(cellKind)).toEqual(
      Array(7).fill("muscle"),
    );
    expect(["hyp", "intestine", "mc1dl", "GLRDL", "CEPshVL"].map(cellKind)).toEqual(
      Array(5).fill("other"),
    );
    expect([cellClass("AVAL"), cellClass("DA9"), cellClass("IL1DL"), cellClass("MDR12")]).toEqual([
      "AVA",
      "DA",
      "IL1",
      "BWM",
    ]);
  });
});

describe("Cook et al. 2019", () => {
  const rows = raw("herm_full_edgelist.csv")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",") as [string, string, string, string])
    .map(([a, b, w, t]) => [a, b, t.trim(), Number(w)] as [string, string, string, number]);

  it("has the neuron, connection and synapse counts computed independently from the file", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const expected = independentCounts(rows);
    const s = summarize(c);
    expect(s.neurons).toBe(expected.neurons);
    expect(s.neurons).toBe(300);
    expect({
      ...s,
      neurons: undefined,
      cells: undefined,
      muscles: undefined,
      others: undefined,
    }).toEqual({
      ...expected,
      neurons: undefined,
      cells: undefined,
      muscles: undefined,
      others: undefined,
    });
    expect(c.indexOf.has("CANL") || c.indexOf.has("CANR")).toBe(false);
    expect(c.indexOf.has("DA1") && !c.indexOf.has("DA01")).toBe(true);
  });

  it("keeps muscles and other cells apart, labelled", async () => {
    const all = await loadConnectome("cook2019", { ...MIRROR_ONLY, metadata: false });
    const s = summarize(all);
    const names = new Set(rows.flatMap(([a, b]) => [a.trim(), b.trim()]));
    expect(s.cells).toBe(names.size);
    expect(s.muscles).toBe(
      [...names].filter((n) => /BWM|^pm|^[uv]m|^(intL|intR|anal|sph)$/.test(n)).length,
    );
    expect(s.others).toBe(s.cells - s.neurons - s.muscles);
    expect(all.cells.find((cell) => cell.name === "hyp")?.kind).toBe("other");
    expect(all.cells.find((cell) => cell.name === "MDL01")?.kind).toBe("muscle");
    // total chemical synapses over all cells equal the file's chemical total
    expect(s.chemicalSynapses).toBe(
      rows.filter((r) => r[2] === "chemical").reduce((t, r) => t + r[3], 0),
    );
  });

  it("has AVAL and AVAR as the most connected neurons", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const a = adjacencyMatrix(c, { synapses: "both", weighted: false });
    const degree = c.cells.map((_, i) => {
      let d = 0;
      for (let j = 0; j < a.n; j++)
        if (j !== i && (a.data[i * a.n + j] || a.data[j * a.n + i])) d++;
      return d;
    });
    const ranked = c.cells
      .map((cell, i) => [cell.name, degree[i]] as const)
      .sort((x, y) => y[1] - x[1]);
    expect(new Set(ranked.slice(0, 2).map((r) => r[0]))).toEqual(new Set(["AVAL", "AVAR"]));
    const strength = adjacencyMatrix(c, { synapses: "both" });
    const total = c.cells.map((_, i) => {
      let s = 0;
      for (let j = 0; j < a.n; j++) s += strength.data[i * a.n + j] + strength.data[j * a.n + i];
      return s;
    });
    const top = c.cells
      .map((cell, i) => [cell.name, total[i]] as const)
      .sort((x, y) => y[1] - x[1]);
    expect(new Set(top.slice(0, 2).map((r) => r[0]))).toEqual(new Set(["AVAL", "AVAR"]));
  });

  it("has feed-forward loops enriched against a null keeping degrees and mutual dyads (Milo et al. 2002)", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", { ...MIRROR_ONLY, metadata: false }));
    const m = motifCensus(c.chemical, { seed: 1, samples: 10, preserveMutual: true });
    expect(m.z[TRIAD_TYPES.indexOf("030T")]).toBeGreaterThan(5);
  });

  it("attaches metadata and signs GABAergic synapses negative", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const dd1 = c.cells[c.indexOf.get("DD1")!];
    expect(dd1.neurotransmitters[0]).toBe("GABA");
    expect(dd1.type).toBe("motor");
    const i = c.indexOf.get("DD1")!;
    const signs = Array.from(
      c.chemicalSign.subarray(c.chemical.rowPtr[i], c.chemical.rowPtr[i + 1]),
    );
    expect(signs.length).toBeGreaterThan(0);
    expect(signs.every((s) => s === -1)).toBe(true);
    const ava = c.indexOf.get("AVAL")!;
    expect(
      Array.from(c.chemicalSign.subarray(c.chemical.rowPtr[ava], c.chemical.rowPtr[ava + 1])).every(
        (s) => s === 1,
      ),
    ).toBe(true);
    const adel = c.cells[c.indexOf.get("ADEL")!];
    expect(adel.neurotransmitters).toContain("DA");
    expect(adel.neuropeptides).toContain("PDF-1");
    expect(adel.receptors).toContain("DOP-2");
  });

  it("selects by class, type and name, and converts to arquero tables", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const ava = selectCells(c, { classes: ["AVA"] });
    expect(ava.cells.map((x) => x.name)).toEqual(["AVAL", "AVAR"]);
    const fromFile = rows
      .filter(
        ([a, b, t]) =>
          t === "chemical" &&
          ["AVAL", "AVAR"].includes(a.trim()) &&
          ["AVAL", "AVAR"].includes(b.trim()),
      )
      .reduce((s, r) => s + r[3], 0);
    expect(summarize(ava).chemicalSynapses).toBe(fromFile);
    const types = ["sensory", "inter", "motor", "pharyngeal"] as const;
    const sizes = types.map((t) => selectCells(c, { types: [t] }).cells.length);
    expect(sizes.reduce((s, x) => s + x, 0)).toBe(300);
    expect(selectCells(c, { types: ["pharyngeal"] }).cells.map((x) => x.name)).toContain("M4");
    expect(() => selectCells(c, { names: ["NOPE"] })).toThrow(/NOPE/);

    const edges = edgeTable(c);
    const s = summarize(c);
    expect(edges.numRows()).toBe(s.chemicalPairs + s.electricalPairs);
    const syn = Array.from(edges.array("synapses") as ArrayLike<number>);
    const type = Array.from(edges.array("type") as ArrayLike<string>);
    expect(syn.filter((_, k) => type[k] === "chemical").reduce((a, b) => a + b, 0)).toBe(
      s.chemicalSynapses,
    );
    expect(edges.columnNames()).toEqual([
      "pre",
      "post",
      "type",
      "synapses",
      "sign",
      "pre_kind",
      "post_kind",
      "pre_ganglion",
      "post_ganglion",
    ]);
    expect(new Set(Array.from(edges.array("pre_ganglion")))).toEqual(new Set([null])); // loaded without { ganglia: true }
    const cells = cellTable(c);
    expect(cells.numRows()).toBe(300);
    expect(cells.objects({ limit: 1 })[0]).toMatchObject({
      name: "ADAL",
      kind: "neuron",
      class: "ADA",
      type: "inter",
      neurotransmitter: "Glu",
      ganglion: null,
    });
  });
});

describe("White et al. 1986", () => {
  const tsv = (file: string) =>
    raw(file)
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t"))
      .map(([a, b, t, w]) => [a, b, t, Number(w)] as [string, string, string, number]);

  it("whole animal: 300 neurons and the file's counts", async () => {
    const c = neuronsOnly(await loadConnectome("white1986_whole", MIRROR_ONLY));
    const expected = independentCounts(tsv("aconnectome_white_1986_whole.csv"));
    const s = summarize(c);
    expect(s.neurons).toBe(300);
    expect(s.chemicalPairs).toBe(expected.chemicalPairs);
    expect(s.chemicalSynapses).toBe(expected.chemicalSynapses);
    expect(s.electricalPairs).toBe(expected.electricalPairs);
    expect(s.electricalSynapses).toBe(expected.electricalSynapses);
  });

  it("has PLM chemical synapses that the pinned Cook 2019 edge list lacks (documented in src/connectome/README.md)", async () => {
    const white = await loadConnectome("white1986_whole", { ...MIRROR_ONLY, metadata: false });
    const cook = await loadConnectome("cook2019", { ...MIRROR_ONLY, metadata: false });
    const chemicalRows = (c: typeof cook, name: string) => {
      const i = c.indexOf.get(name)!;
      return c.chemical.rowPtr[i + 1] - c.chemical.rowPtr[i];
    };
    const chemicalInputs = (c: typeof cook, name: string) =>
      Array.from(c.chemical.colIdx).filter((j) => j === c.indexOf.get(name)).length;
    // the raw Cook file: every row naming PLML or PLMR (as source or target) is electrical
    const plmRows = raw("herm_full_edgelist.csv")
      .split("\n")
      .filter((l) => /(^|,)\s*PLM[LR]\s*,/.test(l));
    expect(plmRows.length).toBe(28);
    expect(plmRows.every((l) => l.trim().endsWith(",electrical"))).toBe(true);
    for (const name of ["PLML", "PLMR"]) {
      expect([chemicalRows(cook, name), chemicalInputs(cook, name)]).toEqual([0, 0]);
      expect(
        cook.electrical.rowPtr[cook.indexOf.get(name)! + 1] -
          cook.electrical.rowPtr[cook.indexOf.get(name)!],
      ).toBe(7);
    }
    const w = (pre: string, post: string) => {
      const i = white.indexOf.get(pre)!;
      const k = Array.from(
        white.chemical.colIdx.subarray(white.chemical.rowPtr[i], white.chemical.rowPtr[i + 1]),
      ).indexOf(white.indexOf.get(post)!);
      return k < 0 ? 0 : white.chemical.weight[white.chemical.rowPtr[i] + k];
    };
    expect([w("PLMR", "AVAL"), w("PLMR", "AVDR"), w("PLMR", "DVA"), w("PLML", "HSNL")]).toEqual([
      4, 4, 5, 1,
    ]);
    expect([chemicalRows(white, "PLMR"), chemicalRows(white, "PLML")]).toEqual([10, 1]);
  });

  it("N2U and JSH heads load with space/tab headers and BWM-xxNN muscles", async () => {
    for (const [dataset, file] of [
      ["white1986_n2u", "aconnectome_white_1986_A.csv"],
      ["white1986_jsh", "aconnectome_white_1986_L4.csv"],
    ] as const) {
      const all = await loadConnectome(dataset, { ...MIRROR_ONLY, metadata: false });
      const rows = tsv(file);
      const s = summarize(all);
      expect(s.cells).toBe(new Set(rows.flatMap(([a, b]) => [a, b])).size);
      expect(s.muscles).toBe(
        new Set(rows.flatMap(([a, b]) => [a, b]).filter((n) => n.startsWith("BWM-"))).size,
      );
      expect(all.indexOf.has("MDL01")).toBe(true);
      const expected = independentCounts(rows);
      const n = summarize(neuronsOnly(all));
      expect([n.neurons, n.chemicalSynapses, n.electricalSynapses]).toEqual([
        expected.neurons,
        expected.chemicalSynapses,
        expected.electricalSynapses,
      ]);
    }
  });
});

describe("metadata loaders", () => {
  it("master sheet: 300 neurons in dataset slot order with normalised transmitters", async () => {
    const sheet = await loadMasterSheet(MIRROR_ONLY);
    expect(sheet).toHaveLength(300);
    expect(sheet.map((n) => n.name)).toEqual([...sheet.map((n) => n.name)].sort());
    const nts = new Set(sheet.map((n) => n.neurotransmitter));
    expect(nts.has("Ach")).toBe(false);
    expect(sheet.filter((n) => n.neurotransmitter === "ACh")).toHaveLength(157);
    expect(sheet.filter((n) => n.neurotransmitter === null)).toHaveLength(23);
    expect(sheet.find((n) => n.name === "ADEL")).toMatchObject({
      cellClass: "ADE",
      neurotransmitter: "DA",
      type: "sensory",
    });
  });

  it("owmeta: 302 neurons and 95 body-wall muscles; Bentley: 1223 records", async () => {
    const cells = await loadOwmetaCells(MIRROR_ONLY);
    expect(cells.filter((c) => c.kind === "neuron")).toHaveLength(302);
    expect(cells.filter((c) => c.kind === "muscle")).toHaveLength(95);
    expect(cells.find((c) => c.name === "ADAL")?.neurotransmitters).toEqual(["Glu"]);
    const expr = await loadBentleyExpression(MIRROR_ONLY);
    expect(expr).toHaveLength(1223);
    expect(
      expr
        .filter((e) => e.relationship === "Neurotransmitter")
        .map((e) => e.molecule)
        .sort()[0],
    ).toBe("5-HT");
  });
});

describe("buildConnectome", () => {
  it("sums repeated chemical rows and merges gap junctions per pair", () => {
    const edges = parseCookEdgeList(
      "Source,Target,Weight,Type\nAVAL ,AVAR ,2,chemical\nAVAL,AVAR,3,chemical\nAVAL,AVBL,1,electrical\nAVBL,AVAL,2,electrical\nAVAR,AVAR,1,electrical\n",
    );
    const c = buildConnectome(edges);
    expect(c.cells.map((x) => x.name)).toEqual(["AVAL", "AVAR", "AVBL"]);
    expect(Array.from(c.chemical.weight)).toEqual([5]);
    const a = adjacencyMatrix(c, { synapses: "electrical" });
    expect(Array.from(a.data)).toEqual([0, 0, 2, 0, 1, 0, 2, 0, 0]);
    expect(summarize(c)).toMatchObject({ electricalPairs: 2, electricalSynapses: 3 });
    expect(
      Array.from(
        adjacencyMatrix(buildConnectome(edges, { electricalMerge: "sum" }), {
          synapses: "electrical",
        }).data,
      )[2],
    ).toBe(3);
    expect(() => parseCookEdgeList("Source,Target,Weight,Type\nA,B,x,chemical\n")).toThrow(
      /line 2/,
    );
  });
});
