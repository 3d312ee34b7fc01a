import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  cellTable,
  edgeTable,
  GANGLIA,
  GANGLION_CORRECTIONS,
  GANGLION_GROUPS,
  loadConnectome,
  loadGanglia,
  neuronsOnly,
  parseGanglia,
  selectCells,
  summarize,
  type Connectome,
} from "../../src/connectome/index.js";
import { sourcePath, WORM_NEURO_ATLAS_GANGLIA } from "../../src/data/index.js";

// Mirrors: env NEUROLAB_DATA_MIRROR (else ../shared/data beside the repository), plus the directory
// that `setup --peers` fills from the pinned wormneuroatlas wheel (the ganglia file is GPL and
// not in ../shared/data).
const SHARED = path.resolve(
  (
    process.env.NEUROLAB_DATA_MIRROR ??
    fileURLToPath(new URL("../../../shared/data", import.meta.url))
  ).split(path.delimiter)[0],
);
const PEER_MIRROR = fileURLToPath(new URL("../../.neurolab/data-mirror", import.meta.url));
/** Loader options that read the mirrors only and never download. */
const MIRROR_ONLY = {
  mirrorDir: [SHARED, PEER_MIRROR],
  offline: true,
  cacheDir: path.join(PEER_MIRROR, ".no-cache"),
} as const;

const sharedFile = (file: string) => readFileSync(path.join(SHARED, "celegans", file), "utf8");
const GANGLIA_FILE = path.join(PEER_MIRROR, WORM_NEURO_ATLAS_GANGLIA.path);
if (!existsSync(GANGLIA_FILE))
  throw new Error(
    `${GANGLIA_FILE} is missing: run "node kernel/scripts/setup.mjs --peers" (npm test does)`,
  );
/** The pinned ganglia file as plain JSON, read without the library's parser. */
const RAW: Record<string, string[]> = JSON.parse(readFileSync(GANGLIA_FILE, "utf8"));
const RAW_GANGLIA = Object.keys(RAW).filter((k) => k !== "head" && k !== "pharynx");
/** The 302 neurons named by the owmeta export. */
const NEURONS = new Set(
  Object.keys(JSON.parse(sharedFile("owmeta_cache.json")).neuron_info as object),
);
/** The neurons of the Cook 2019 edge list (names trimmed and unpadded), read without the library. */
const COOK_NEURONS = new Set(
  sharedFile("herm_full_edgelist.csv")
    .trim()
    .split("\n")
    .slice(1)
    .flatMap((l) => l.split(",").slice(0, 2))
    .map((s) => s.trim().replace(/^(AS|DA|DB|DD|VA|VB|VC|VD)0(\d)$/, "$1$2"))
    .filter((s) => NEURONS.has(s)),
);
/** Master-sheet positions (x, y, z) by neuron; y runs from the nose (0) to the tail. */
const POSITION = new Map(
  sharedFile("neuron_master_sheet.csv")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","))
    .map((r) => [r[0], [Number(r[4]), Number(r[5]), Number(r[6])]] as const),
);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the pinned ganglia file (Worm Neuro Atlas)", () => {
  it("is mirrored from the pinned wheel with the pinned SHA-256 and a commit-addressed URL", async () => {
    expect(await sourcePath(WORM_NEURO_ATLAS_GANGLIA, MIRROR_ONLY)).toBe(
      path.join(PEER_MIRROR, "celegans", "aconnectome_ids_ganglia.json"),
    );
    expect(WORM_NEURO_ATLAS_GANGLIA.url).toMatch(
      /^https:\/\/raw\.githubusercontent\.com\/francescorandi\/wormneuroatlas\/[0-9a-f]{40}\//,
    );
    expect(WORM_NEURO_ATLAS_GANGLIA.license).toMatch(/GPL-3\.0-or-later/);
    expect(RAW_GANGLIA).toEqual([...GANGLIA]);
    expect(RAW.head).toEqual([...GANGLION_GROUPS.head]);
    expect(RAW.pharynx).toEqual([...GANGLION_GROUPS.pharynx]);
  });

  it("lists 300 names for 299 neurons: RMHL twice, and neither RMHR, DB7 nor VA11", () => {
    const listed = RAW_GANGLIA.flatMap((g) => RAW[g]);
    expect(listed.length).toBe(300);
    expect(new Set(listed).size).toBe(299);
    expect(listed.filter((n, i) => listed.indexOf(n) !== i)).toEqual(["RMHL"]);
    expect(RAW["ventral ganglion"].filter((n) => n === "RMHL").length).toBe(2);
    expect([...NEURONS].filter((n) => !listed.includes(n)).sort()).toEqual(["DB7", "RMHR", "VA11"]);
    expect(listed.every((n) => NEURONS.has(n))).toBe(true);
  });

  it("puts both members of every other left/right pair in one ganglion (the basis of the RMHR correction)", () => {
    const ganglionOf = new Map(RAW_GANGLIA.flatMap((g) => RAW[g].map((n) => [n, g] as const)));
    let pairs = 0;
    for (const [name, g] of ganglionOf) {
      if (!name.endsWith("L")) continue;
      const partner = `${name.slice(0, -1)}R`;
      if (!NEURONS.has(partner) || !ganglionOf.has(partner)) continue;
      pairs++;
      expect(`${name}/${partner}: ${ganglionOf.get(partner)}`).toBe(`${name}/${partner}: ${g}`);
    }
    expect(pairs).toBe(98); // all left/right pairs of the file (RMHL/RMHR is not one: RMHR is missing)
  });
});

describe("parseGanglia", () => {
  const text = readFileSync(GANGLIA_FILE, "utf8");

  it("gives the file's own membership without corrections, and one ganglion for all 302 neurons with them", () => {
    const asIs = parseGanglia(text, { corrections: false });
    expect(asIs.ganglionOf.size).toBe(299);
    expect(asIs.duplicates).toEqual(["RMHL"]);
    expect(asIs.corrections).toEqual([]);
    for (const g of GANGLIA) expect(asIs.members.get(g)).toEqual([...new Set(RAW[g])]);

    const t = parseGanglia(text);
    expect(t.corrections).toEqual(GANGLION_CORRECTIONS);
    expect(t.ganglionOf.size).toBe(302);
    expect([...NEURONS].every((n) => t.ganglionOf.has(n))).toBe(true);
    for (const g of GANGLIA) {
      const added = GANGLION_CORRECTIONS.filter((c) => c.ganglion === g).map((c) => c.neuron);
      expect(t.members.get(g)).toEqual([...new Set(RAW[g]), ...added]);
    }
    expect(t.ganglionOf.get("RMHR")).toBe(t.ganglionOf.get("RMHL"));
  });

  it("rejects files that differ in structure, list non-neurons, or put a neuron in two ganglia", () => {
    const edit = (f: (x: Record<string, unknown>) => void) => {
      const x = JSON.parse(text) as Record<string, unknown>;
      f(x);
      return JSON.stringify(x);
    };
    expect(() => parseGanglia("[]")).toThrow(/expected a JSON object/);
    expect(() => parseGanglia(edit((x) => delete x["lumbar ganglion"]))).toThrow(
      /expected the keys .*lumbar ganglion/,
    );
    expect(() => parseGanglia(edit((x) => (x.pharynx = ["anterior pharyngeal bulb"])))).toThrow(
      /group "pharynx"/,
    );
    expect(() => parseGanglia(edit((x) => (x["dorsorectal ganglion"] = ["DVA", "MDL01"])))).toThrow(
      /"MDL01", which is not a neuron/,
    );
    expect(() => parseGanglia(edit((x) => (x["dorsorectal ganglion"] = ["DVA", "AVAL"])))).toThrow(
      /AVAL is listed in both "lateral ganglion" and "dorsorectal ganglion"/,
    );
    expect(() => parseGanglia(edit((x) => (x["dorsorectal ganglion"] = "DVA")))).toThrow(
      /"dorsorectal ganglion" is not a list of names/,
    );
    const contradicting = edit(
      (x) => (x["preanal ganglion"] = [...(x["preanal ganglion"] as string[]), "VA11"]),
    );
    expect(() => parseGanglia(contradicting)).toThrow(
      /VA11 is listed in "preanal ganglion", which contradicts/,
    );
    expect(parseGanglia(contradicting, { corrections: false }).ganglionOf.get("VA11")).toBe(
      "preanal ganglion",
    );
  });
});

describe("ganglia of the Cook 2019 connectome", () => {
  let cook: Connectome;
  const load = async () =>
    (cook ??= neuronsOnly(await loadConnectome("cook2019", { ...MIRROR_ONLY, ganglia: true })));

  it("gives every Cook 2019 neuron exactly one ganglion, with the per-ganglion counts of the file", async () => {
    const c = await load();
    expect(c.cells.length).toBe(COOK_NEURONS.size);
    expect(c.cells.filter((cell) => cell.ganglion === null)).toEqual([]);
    // independently: each neuron of the edge list found in exactly one list of the raw file (+ corrections)
    const fixes = new Map(GANGLION_CORRECTIONS.map((f) => [f.neuron, f.ganglion]));
    for (const name of COOK_NEURONS) {
      const lists = RAW_GANGLIA.filter((g) => RAW[g].includes(name));
      expect({ name, lists: fixes.has(name) ? [fixes.get(name)] : lists }).toEqual({
        name,
        lists: [c.cells[c.indexOf.get(name)!].ganglion],
      });
    }
    for (const g of GANGLIA) {
      const expected = new Set(
        [
          ...RAW[g],
          ...GANGLION_CORRECTIONS.filter((f) => f.ganglion === g).map((f) => f.neuron),
        ].filter((n) => COOK_NEURONS.has(n)),
      );
      const selected = selectCells(c, { ganglia: [g] });
      expect({ g, n: selected.cells.length }).toEqual({ g, n: expected.size });
      expect(new Set(selected.cells.map((cell) => cell.name))).toEqual(expected);
    }
    // CANL/CANR (midbody) are in the file but have no connections in Cook 2019
    expect(selectCells(c, { ganglia: ["midbody neurons"] }).cells.length).toBe(
      RAW["midbody neurons"].length - 2,
    );
    expect(selectCells(c, { ganglia: ["lumbar ganglion"] }).cells.length).toBe(24);
  });

  it("orders the ganglia from head to tail by the master sheet's independent positions", async () => {
    const c = await load();
    const ys = (g: string) =>
      c.cells.filter((cell) => cell.ganglion === g).map((cell) => POSITION.get(cell.name)![1]);
    const meanY = (g: string) => mean(ys(g));
    const nerveRing = [
      "anterior ganglion",
      "dorsal ganglion",
      "lateral ganglion",
      "ventral ganglion",
    ];
    const order = [
      Math.max(...nerveRing.map(meanY)),
      meanY("retrovesicular ganglion"),
      meanY("ventral nerve cord"),
      meanY("preanal ganglion"),
    ];
    order.push(Math.min(meanY("dorsorectal ganglion"), meanY("lumbar ganglion")));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
    // every head neuron lies in front of every ventral cord neuron, every tail neuron behind them
    const cord = ys("ventral nerve cord");
    const head = GANGLION_GROUPS.head.flatMap(ys);
    const tail = ["preanal ganglion", "dorsorectal ganglion", "lumbar ganglion"].flatMap(ys);
    expect(Math.max(...head)).toBeLessThan(Math.min(...cord));
    expect(Math.min(...tail)).toBeGreaterThan(Math.max(...cord));
    // the corrected neurons sit where the corrections put them
    const y = (n: string) => POSITION.get(n)![1];
    const listedCord = RAW["ventral nerve cord"].map(y);
    for (const n of ["DB7", "VA11"]) {
      expect(y(n)).toBeGreaterThan(Math.min(...listedCord));
      expect(y(n)).toBeLessThan(Math.min(...RAW["preanal ganglion"].map(y)));
    }
    const ventral = RAW["ventral ganglion"].map(y);
    expect(y("RMHR")).toBeGreaterThanOrEqual(Math.min(...ventral));
    expect(y("RMHR")).toBeLessThanOrEqual(Math.max(...ventral));
  });

  it("selects groups, matches the master sheet's pharyngeal neurons, and fails clearly on unknown names", async () => {
    const c = await load();
    const head = selectCells(c, { ganglia: ["head"] });
    const union = selectCells(c, { ganglia: [...GANGLION_GROUPS.head] });
    expect(head.cells.map((x) => x.name)).toEqual(union.cells.map((x) => x.name));
    expect(summarize(head)).toEqual(summarize(union));
    const pharynx = selectCells(c, { ganglia: ["pharynx"] }).cells.map((x) => x.name);
    const pharyngeal = sharedFile("neuron_master_sheet.csv")
      .trim()
      .split("\n")
      .map((l) => l.split(","))
      .filter((r) => r[3] === "pharyngeal")
      .map((r) => r[0]);
    expect(new Set(pharynx)).toEqual(new Set(pharyngeal));
    // combined with other fields: the motor neurons of the lumbar ganglion (none) and of the preanal ganglion
    expect(
      selectCells(c, { ganglia: ["preanal ganglion"], types: ["motor"] }).cells.map(
        (x) => x.cellClass,
      ),
    ).toEqual(expect.arrayContaining(["AS", "DA", "DD", "VA", "VD"]));

    expect(() => selectCells(c, { ganglia: ["lumbar" as never] })).toThrow(RangeError);
    expect(() => selectCells(c, { ganglia: ["lumbar" as never] })).toThrow(
      /ganglia: unknown ganglion "lumbar"; allowed: "anterior ganglion", .*"lumbar ganglion", "head", "pharynx"/,
    );
    expect(() => selectCells(c, { ganglia: ["toString" as never] })).toThrow(
      /unknown ganglion "toString"/,
    );
    const without = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    expect(without.cells.every((cell) => cell.ganglion === null)).toBe(true);
    expect(() => selectCells(without, { ganglia: ["lumbar ganglion"] })).toThrow(
      /no cell of .* has a ganglion; load it with \{ ganglia: true \}/,
    );
    await expect(
      loadConnectome("cook2019", { ...MIRROR_ONLY, ganglia: true, metadata: false }),
    ).rejects.toThrow(/ganglia: true needs the cell metadata/);
  });

  it("adds the ganglia to the cell and edge tables (chemical synapses between ganglia)", async () => {
    const c = await load();
    const cells = cellTable(c);
    expect(cells.objects({ limit: 1 })[0]).toMatchObject({
      name: "ADAL",
      ganglion: "lateral ganglion",
    });
    const edges = edgeTable(c);
    const pre = Array.from(edges.array("pre") as ArrayLike<string>);
    const preGanglion = Array.from(edges.array("pre_ganglion") as ArrayLike<string>);
    const postGanglion = Array.from(edges.array("post_ganglion") as ArrayLike<string>);
    const type = Array.from(edges.array("type") as ArrayLike<string>);
    const synapses = Array.from(edges.array("synapses") as ArrayLike<number>);
    pre.forEach((name, k) => expect(preGanglion[k]).toBe(c.cells[c.indexOf.get(name)!].ganglion));
    // the lumbar -> lumbar chemical synapses from the table equal those of the selected sub-connectome
    let lumbar = 0;
    type.forEach((t, k) => {
      if (
        t === "chemical" &&
        preGanglion[k] === "lumbar ganglion" &&
        postGanglion[k] === "lumbar ganglion"
      )
        lumbar += synapses[k];
    });
    expect(lumbar).toBe(
      summarize(selectCells(c, { ganglia: ["lumbar ganglion"] })).chemicalSynapses,
    );
    expect(lumbar).toBeGreaterThan(0);
  });

  it("loads the table on its own, with or without corrections", async () => {
    const t = await loadGanglia(MIRROR_ONLY);
    expect(t.ganglionOf.size).toBe(302);
    expect((await loadGanglia({ ...MIRROR_ONLY, corrections: false })).ganglionOf.size).toBe(299);
  });
});
