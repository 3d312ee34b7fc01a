/**
 * Fuzz: connectome building, selection, graph analyses, layouts and the pure parsers with hostile
 * arguments (see fuzzHarness.ts). Small synthetic connectomes; the pinned data is covered by the
 * loader tests.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { connectome as C } from "../../src/index.js";
import {
  badValue,
  expectCleanError,
  expectGraceful,
  expectRejected,
  params,
  unknownKey,
  withKey,
  wrongType,
  show,
} from "./fuzzHarness.js";

const NEURONS = ["ADAL", "ADAR", "AVAL", "AVAR", "AVBL", "DA1", "VB2", "PVCL"];

/** A random edge list over a few real neuron names (and a muscle). */
const edges = fc.array(
  fc.record({
    pre: fc.constantFrom(...NEURONS, "MDL01"),
    post: fc.constantFrom(...NEURONS, "MDL01"),
    type: fc.constantFrom("chemical" as const, "electrical" as const),
    count: fc.integer({ min: 1, max: 9 }),
  }),
  { minLength: 1, maxLength: 25 },
);

const GRAPH_CALLS: Record<string, (g: unknown) => unknown> = {
  degreeStats: (g) => C.degreeStats(g as never),
  reciprocity: (g) => C.reciprocity(g as never),
  betweenness: (g) => C.betweenness(g as never),
  richClub: (g) => C.richClub(g as never),
  triadCensus: (g) => C.triadCensus(g as never),
  louvain: (g) => C.louvain(g as never),
  forceLayout: (g) => C.forceLayout(g as never, { iterations: 5 }),
  distanceMatrix: (g) => C.distanceMatrix(g as never),
  motifCensus: (g) => C.motifCensus(g as never, { samples: 1 }),
};

describe("fuzz: connectome", { timeout: 60_000 }, () => {
  it("buildConnectome and selectCells: unknown kinds, merges, keys and classes are errors listing the allowed values", () => {
    fc.assert(
      fc.property(
        edges,
        unknownKey,
        fc.constantFrom("alien", "median", "Neuron", ""),
        (list, key, word) => {
          expectRejected(
            () => C.buildConnectome(list, { kinds: [word as never] }),
            ['kinds[0] must be one of "neuron", "muscle", "other"'],
            `kinds ${word}`,
          );
          expectRejected(
            () => C.buildConnectome(list, { electricalMerge: word as never }),
            ['electricalMerge must be one of "max", "sum", "mean"'],
            `merge ${word}`,
          );
          expectRejected(
            () => C.buildConnectome(list, withKey({}, key, 1)),
            [`unknown key ${JSON.stringify(key)}`],
            `build option ${key}`,
          );
          const c = C.buildConnectome(list);
          expectRejected(
            () => C.selectCells(c, withKey({}, key, ["x"])),
            [`unknown key ${JSON.stringify(key)}`],
            `filter key ${key}`,
          );
          expectRejected(
            () => C.selectCells(c, { classes: [word.toUpperCase() + "ZZ"] }),
            ["filter.classes"],
            `class ${word}`,
          );
          expectRejected(
            () => C.selectCells(c, { kinds: [word as never] }),
            ["filter.kinds"],
            `filter kind ${word}`,
          );
          expectRejected(
            () => C.selectCells(c, { types: [word as never] }),
            ["filter.types"],
            `filter type ${word}`,
          );
          const sub = C.selectCells(c, { kinds: ["neuron"] });
          expect(sub.cells.every((cell) => cell.kind === "neuron")).toBe(true);
        },
      ),
      params(31, 100),
    );
  });

  it("every graph analysis rejects what is not a weighted CSR graph, naming the argument", () => {
    const notGraph = fc.oneof(
      wrongType,
      fc.constant({ nPre: 2, nPost: 2, rowPtr: [0, 1, 2], colIdx: [0, 1], weight: [1, 1] }),
      fc.constant({
        nPre: 3,
        nPost: 3,
        rowPtr: new Int32Array(3),
        colIdx: new Int32Array(0),
        weight: new Float64Array(0),
      }),
      fc.constant({
        nPre: 2,
        nPost: 3,
        rowPtr: new Int32Array(3),
        colIdx: new Int32Array(0),
        weight: new Float64Array(0),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(GRAPH_CALLS)), notGraph, (name, g) => {
        expectRejected(() => GRAPH_CALLS[name](g), ["g must be", "u must be"], name);
      }),
      params(32),
    );
  });

  it("graph analyses of random connectomes: finite results or documented NaN; bounded work", () => {
    fc.assert(
      fc.property(edges, fc.integer({ min: 0, max: 1000 }), (list, seed) => {
        const c = C.buildConnectome(list);
        const g = C.synapseGraph(c, "both");
        expectGraceful(() => C.degreeStats(g), [], "degreeStats");
        expectGraceful(() => C.betweenness(g), [], "betweenness");
        expectGraceful(() => C.louvain(g, { seed }).community, [], "louvain");
        expectGraceful(() => C.forceLayout(g, { seed, iterations: 10 }), [], "forceLayout");
        expectGraceful(() => C.triadCensus(g), [], "triadCensus");
        expectGraceful(
          () => C.adjacencyMatrix(c, { synapses: "both", signed: true }).data,
          [],
          "adjacencyMatrix",
        );
      }),
      params(33, 100),
    );
    const g = C.synapseGraph(
      C.buildConnectome([{ pre: "ADAL", post: "ADAR", type: "chemical", count: 1 }]),
    );
    expect(() => C.motifCensus(g, { samples: 1e9 })).toThrow(
      /samples must be an integer in \[1, 10000\], got 1000000000/,
    );
    expect(() => C.motifCensus(g, { swapsPerEdge: 1e12 })).toThrow(
      /swapsPerEdge must be a finite number in \[0, 1000\]/,
    );
    expect(() => C.forceLayout(g, { iterations: 1e9 })).toThrow(
      /iterations must be an integer in \[1, 10000\], got 1000000000/,
    );
    expect(() => C.richClubNormalized(g, { samples: 1e6 })).toThrow(
      /samples must be an integer in \[1, 10000\]/,
    );
  });

  it("modularity, csrFromEntries and node indices: short, mismatched and out-of-range arrays are refused by name", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.oneof(badValue, fc.integer({ min: -3, max: 20 })),
        (n, bad) => {
          const rows = Array.from({ length: n }, (_, i) => i);
          const cols = rows.map((i) => (i + 1) % n);
          const g = C.csrFromEntries(
            n,
            rows,
            cols,
            rows.map(() => 1),
          );
          const isIndex = typeof bad === "number" && Number.isInteger(bad) && bad >= 0 && bad < n;
          if (!isIndex) {
            expectRejected(
              () =>
                C.csrFromEntries(
                  n,
                  [...rows.slice(1), bad as number],
                  cols,
                  rows.map(() => 1),
                ),
              ["csrFromEntries: rows"],
              `rows ${show(bad)}`,
            );
            expectRejected(
              () =>
                C.csrFromEntries(
                  n,
                  rows,
                  [...cols.slice(1), bad as number],
                  rows.map(() => 1),
                ),
              ["csrFromEntries: cols"],
              `cols ${show(bad)}`,
            );
            expectRejected(
              () => C.hopDistances(g, bad as number),
              ["source"],
              `source ${show(bad)}`,
            );
            expectRejected(
              () => C.shortestPath(g, bad as number, 0),
              ["from"],
              `from ${show(bad)}`,
            );
          }
          expectRejected(
            () =>
              C.csrFromEntries(
                n,
                rows,
                cols,
                rows.slice(1).map(() => 1),
              ),
            ["csrFromEntries: weights"],
            "short weights",
          );
          expectRejected(() => C.modularity(g, rows.slice(1)), ["community"], "short community");
          if (!(typeof bad === "number" && Number.isInteger(bad)))
            expectRejected(
              () =>
                C.modularity(
                  g,
                  rows.map(() => bad as number),
                ),
              ["community"],
              `community ${show(bad)}`,
            );
          if (!(typeof bad === "number" && Number.isInteger(bad) && bad >= 0 && bad <= 2 ** 26))
            expectRejected(
              () => C.csrFromEntries(bad as number, [], [], []),
              ["csrFromEntries: n"],
              `n ${show(bad)}`,
            );
        },
      ),
      params(34),
    );
    expect(() => C.csrFromEntries(1e9, [], [], [])).toThrow(
      /csrFromEntries: n must be an integer in \[0, 67108864\], got 1000000000/,
    );
  });

  it("pure parsers: header-only files, unknown cell names, truncated rows and JSON are errors naming the source and line", () => {
    const cook = "Source,Target,Weight,Type\nADAL,ADAR,3,chemical\nAVAL,AVAR,2,electrical\n";
    const cases: [string, () => unknown, RegExp][] = [
      [
        "Cook header only",
        () => C.parseCookEdgeList("Source,Target,Weight,Type\n"),
        /Cook 2019 edge list: no data rows after the header/,
      ],
      [
        "Cook unknown cell",
        () => C.parseCookEdgeList(cook.replace("AVAR", "FOO1")),
        /Cook 2019 edge list line 3: unknown cell name "FOO1"/,
      ],
      [
        "Cook truncated row",
        () => C.parseCookEdgeList(cook.slice(0, cook.length - 13)),
        /Cook 2019 edge list line 3: expected pre, post/,
      ],
      [
        "Cook unterminated quote",
        () => C.parseCookEdgeList(`${cook}"ADAL,ADAR`),
        /unterminated quoted field/,
      ],
      [
        "White header only",
        () => C.parseWhiteEdgeList("pre post type synapses\n"),
        /White 1986 edge list: no data rows/,
      ],
      [
        "master sheet header only",
        () => C.parseMasterSheet("label,class,neurotransmitter,type,x,y,z\n"),
        /neuron master sheet: no data rows/,
      ],
      [
        "master sheet non-neuron",
        () =>
          C.parseMasterSheet("label,class,neurotransmitter,type,x,y,z\nMDL01,X,ACh,motor,1,2,3\n"),
        /line 2: unknown neuron name "MDL01"/,
      ],
      [
        "Bentley header only",
        () => C.parseBentleyExpression("Entity1,Relationship,Entity2,Evidence,Evidence URL\n"),
        /no data rows/,
      ],
      [
        "owmeta truncated JSON",
        () => C.parseOwmeta('{"neuron_info": {"ADAL": ["u", [], [], ['),
        /owmeta export: not valid JSON \(truncated file\?\)/,
      ],
      [
        "owmeta empty",
        () => C.parseOwmeta('{"neuron_info": {}, "muscle_info": {}}'),
        /"neuron_info" lists no cells/,
      ],
      ["ganglia truncated JSON", () => C.parseGanglia('{"a": ['), /ganglia table: not valid JSON/],
      [
        "parser given a number",
        () => C.parseCookEdgeList(42 as never),
        /Cook 2019 edge list: text must be a string, got number/,
      ],
    ];
    for (const [what, f, pattern] of cases) {
      let error: Error | null = null;
      try {
        f();
      } catch (e) {
        error = e as Error;
      }
      expect(error, what).not.toBeNull();
      expect(error!.message, what).toMatch(pattern);
      expectCleanError(error!, [""], what);
    }
    expect(C.parseCookEdgeList(cook)).toHaveLength(2);
  });

  it("loaders: unknown options are refused before any file is read; a mirror entry that is a directory names the file", async () => {
    await expect(
      C.loadConnectome("cook2019", { kinds: ["alien" as never], offline: true, mirrorDir: [] }),
    ).rejects.toThrow(/kinds\[0\] must be one of "neuron", "muscle", "other", got "alien"/);
    await expect(
      C.loadConnectome("cook2019", {
        electricalMerge: "median" as never,
        offline: true,
        mirrorDir: [],
      }),
    ).rejects.toThrow(/electricalMerge must be one of "max", "sum", "mean", got "median"/);
    await expect(C.loadConnectome("cook2019", { offlin: true } as never)).rejects.toThrow(
      /loadConnectome options: unknown key "offlin"/,
    );
    await expect(C.loadConnectome("toString" as never)).rejects.toThrow(
      /dataset must be one of cook2019/,
    );
    const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-"));
    const file = path.join(mirror, C.connectomeSource("cook2019").path);
    fs.mkdirSync(file, { recursive: true });
    try {
      await expect(
        C.loadEdgeList("cook2019", { mirrorDir: mirror, offline: true }),
      ).rejects.toThrow(
        new RegExp(
          `${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is a directory, but the data file herm_full_edgelist.csv was expected there`,
        ),
      );
    } finally {
      fs.rmSync(mirror, { recursive: true, force: true });
    }
  });
});
