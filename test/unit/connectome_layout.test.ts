import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildConnectome,
  csrFromMap,
  forceLayout,
  layeredLayout,
  loadConnectome,
  neuronsOnly,
  type CellMetadata,
  type EdgeRecord,
} from "../../src/connectome/index.js";

// The mirrored reference data: env NEUROLAB_DATA_MIRROR, else ../shared/data beside the repository.
const MIRROR =
  process.env.NEUROLAB_DATA_MIRROR ??
  fileURLToPath(new URL("../../../shared/data", import.meta.url));
/** Loader options that read the mirror only and never download. */
const MIRROR_ONLY = {
  mirrorDir: MIRROR,
  offline: true,
  cacheDir: path.join(MIRROR, ".no-cache"),
} as const;

const chem = (pre: string, post: string, count = 1): EdgeRecord => ({
  pre,
  post,
  type: "chemical",
  count,
});

describe("layeredLayout", () => {
  it("puts sensory, inter and motor neurons in successive columns and uncrosses edges", () => {
    // sensory ASEL, ASER; inter AIAL, AIBL; motor VA1, VB1. Crossed wiring by name order.
    const edges = [
      chem("ASEL", "AIBL", 3),
      chem("ASER", "AIAL", 3),
      chem("AIAL", "VB1", 2),
      chem("AIBL", "VA1", 2),
    ];
    const metadata = new Map<string, CellMetadata>([
      ["ASEL", { type: "sensory" }],
      ["ASER", { type: "sensory" }],
      ["AIAL", { type: "inter" }],
      ["AIBL", { type: "inter" }],
      ["VA1", { type: "motor" }],
      ["VB1", { type: "motor" }],
    ]);
    const c = buildConnectome(edges, { metadata });
    const lay = layeredLayout(c.cells, c.chemical);
    const at = (name: string) => c.indexOf.get(name)!;
    expect(lay.layers).toEqual(["sensory", "inter", "motor"]);
    expect([lay.x[at("ASEL")], lay.x[at("AIAL")], lay.x[at("VA1")]]).toEqual([0, 0.5, 1]);
    // After the sweeps, each sensory neuron is level with its partner: no crossings.
    const crossings = (a: [string, string], b: [string, string]) =>
      Math.sign(lay.y[at(a[0])] - lay.y[at(b[0])]) !== Math.sign(lay.y[at(a[1])] - lay.y[at(b[1])]);
    expect(crossings(["ASEL", "AIBL"], ["ASER", "AIAL"])).toBe(false);
    expect(crossings(["AIAL", "VB1"], ["AIBL", "VA1"])).toBe(false);
    // without sweeps, alphabetical order keeps the crossing
    const plain = layeredLayout(c.cells, c.chemical, { sweeps: 0 });
    expect(Math.sign(plain.y[at("ASEL")] - plain.y[at("ASER")])).not.toBe(
      Math.sign(plain.y[at("AIBL")] - plain.y[at("AIAL")]),
    );
  });

  it("lays out Cook 2019 with every neuron type in its column", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const lay = layeredLayout(c.cells, c.chemical);
    expect(lay.layers).toEqual(["sensory", "inter", "motor", "pharyngeal"]);
    c.cells.forEach((cell, i) => {
      expect(lay.layers[lay.layer[i]]).toBe(cell.type);
      expect(lay.y[i]).toBeGreaterThanOrEqual(0);
      expect(lay.y[i]).toBeLessThanOrEqual(1);
    });
  });
});

describe("forceLayout", () => {
  it("is seeded, stays in [0, 1] and keeps cliques together", () => {
    const n = 12;
    const entries = new Map<number, number>();
    for (const base of [0, 6])
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 6; j++) if (i !== j) entries.set((base + i) * n + base + j, 1);
    entries.set(5 * n + 6, 1);
    const g = csrFromMap(n, entries);
    const a = forceLayout(g, { seed: 3 });
    const b = forceLayout(g, { seed: 3 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(forceLayout(g, { seed: 4 }).x)).not.toEqual(Array.from(a.x));
    for (const v of [...a.x, ...a.y]) expect(v >= 0 && v <= 1).toBe(true);
    const dist = (i: number, j: number) => Math.hypot(a.x[i] - a.x[j], a.y[i] - a.y[j]);
    let within = 0;
    let across = 0;
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) {
        if (i !== j) within += dist(i, j) + dist(6 + i, 6 + j);
        across += dist(i, 6 + j);
      }
    expect(within / 60).toBeLessThan((across / 36) * 0.5);
  });
});
