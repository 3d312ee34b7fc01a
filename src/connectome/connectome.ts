/**
 * The connectome record: cells with metadata, chemical synapses (directed, weighted by synapse
 * count, signed by the presynaptic neurotransmitter) and electrical synapses (symmetric), each
 * as a CSR matrix over the same cell index. Selection returns induced sub-connectomes;
 * conversion gives dense adjacency matrices.
 */
import type { Csr } from "../synapses/connectivity.js";
import { checkInteger } from "../core/checks.js";
import {
  checkAllocation,
  checkArray,
  checkArrayLike,
  checkEachOneOf,
  checkNumberArray,
  checkOneOf,
  checkOptions,
  describeValue,
  MAX_POPULATION_SIZE,
} from "../core/validate.js";
import { cellClass, cellKind, type CellKind } from "./cells.js";
import {
  resolveGanglia,
  type Ganglion,
  type GanglionGroup,
  type GanglionTable,
} from "./ganglia.js";
import type {
  EdgeRecord,
  ExpressionRecord,
  MasterSheetNeuron,
  NeuronType,
  OwmetaCell,
} from "./parse.js";
import { displayAs } from "../display/protocol.js";
import { describeName } from "../core/describe.js";

/** A CSR matrix with one weight per entry. */
export interface WeightedCsr extends Csr {
  /** Weight of each entry (synapse count for connectomes), aligned with `colIdx`. */
  readonly weight: Float64Array;
}

/** Metadata of one cell, merged from the metadata sources. */
export interface CellMetadata {
  /** Neuron type (Simeon et al. 2024 master sheet). */
  readonly type?: NeuronType;
  /** Neurotransmitters, canonical abbreviations, primary (master sheet) first. */
  readonly neurotransmitters?: readonly string[];
  /** Position (x, y, z) from the master sheet, as published. */
  readonly position?: readonly [number, number, number];
  /** Receptors (owmeta and Bentley 2016), sorted. */
  readonly receptors?: readonly string[];
  /** Neuropeptides (Bentley 2016), sorted. */
  readonly neuropeptides?: readonly string[];
  /** Ganglion (Worm Neuro Atlas ganglia table). */
  readonly ganglion?: Ganglion;
}

/** One cell of a connectome. */
export interface Cell {
  /** Canonical name (see `normalizeCellName`). */
  readonly name: string;
  readonly kind: CellKind;
  /** Neuron class (`AVA`), `BWM` for body-wall muscles, else the name. */
  readonly cellClass: string;
  /** Neuron type, or null when unknown (non-neurons, neurons absent from the master sheet). */
  readonly type: NeuronType | null;
  /** Neurotransmitters, primary first (empty when unknown). */
  readonly neurotransmitters: readonly string[];
  readonly position: readonly [number, number, number] | null;
  readonly receptors: readonly string[];
  readonly neuropeptides: readonly string[];
  /** Ganglion of a neuron, or null when not loaded (`ganglia: true`) or not a neuron. */
  readonly ganglion: Ganglion | null;
}

/** A connectome: cells, chemical and electrical synapses over one index. */
export interface Connectome {
  /** Human-readable name of the data, e.g. "Cook et al. 2019 hermaphrodite". */
  readonly name: string;
  /** Reference to cite when showing this data. */
  readonly citation: string;
  readonly cells: readonly Cell[];
  /** Cell name -> index. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Chemical synapses, row = presynaptic cell, weight = synapse count. */
  readonly chemical: WeightedCsr;
  /** Sign of each chemical entry (+1 excitatory, -1 inhibitory), aligned with `chemical.colIdx`. */
  readonly chemicalSign: Int8Array;
  /**
   * Electrical synapses (gap junctions), symmetric: each pair is stored in both rows (a self
   * pair once), weight = gap-junction count.
   */
  readonly electrical: WeightedCsr;
}

/** Options of {@link buildConnectome}. */
export interface BuildOptions {
  /** Name of the data. Default "connectome". */
  name?: string;
  /** Citation. Default "". */
  citation?: string;
  /** Cell kinds to keep (edges touching other cells are dropped). Default all. */
  kinds?: readonly CellKind[];
  /** Metadata per canonical cell name (see {@link mergeCellMetadata}). */
  metadata?: ReadonlyMap<string, CellMetadata>;
  /**
   * Presynaptic primary neurotransmitters that make a chemical synapse inhibitory (sign -1);
   * all others, and unknown ones, are excitatory (+1). Default ["GABA"].
   */
  inhibitory?: readonly string[];
  /**
   * How to combine a gap junction listed for both (a, b) and (b, a) with different counts:
   * "max" (default; Cook 2019 lists each pair both ways, almost always with equal counts),
   * "sum" (for lists where each direction counts separate junctions) or "mean".
   */
  electricalMerge?: "max" | "sum" | "mean";
}

const KIND_ORDER: Record<CellKind, number> = { neuron: 0, muscle: 1, other: 2 };

/** Cell kinds, in index order. */
export const CELL_KINDS: readonly CellKind[] = ["neuron", "muscle", "other"];

/** Neuron types of the master sheet. */
export const NEURON_TYPES: readonly NeuronType[] = ["sensory", "inter", "motor", "pharyngeal"];

/** How {@link buildConnectome} merges the two directions of a gap junction. */
export const ELECTRICAL_MERGES = ["max", "sum", "mean"] as const;

/** Keys of {@link BuildOptions}. */
export const BUILD_OPTION_KEYS = [
  "name",
  "citation",
  "kinds",
  "metadata",
  "inhibitory",
  "electricalMerge",
];

/** Display kind of a connectome (its figure: `connectomeFigure`, registered by connectome/figure.ts). @internal */
export const CONNECTOME_DISPLAY = "neurolab.connectome";

/**
 * Checks a weighted CSR graph argument `name` (O(1): shapes only, not every entry): square
 * `nPre` x `nPost`, Int32Array `rowPtr` of nPre + 1 entries, `colIdx` and Float64Array `weight` of
 * `rowPtr[nPre]` entries each. Returns it.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.checkGraph(connectome.csrFromEntries(2, [0], [1], [1]), "graph"); // throws naming "graph" if malformed
 * ```
 */
export function checkGraph(g: unknown, name = "g"): WeightedCsr {
  name = describeName(name);
  const m = g as WeightedCsr;
  if (
    m === null ||
    typeof m !== "object" ||
    !(m.rowPtr instanceof Int32Array) ||
    !(m.colIdx instanceof Int32Array) ||
    !(m.weight instanceof Float64Array)
  ) {
    throw new TypeError(
      `${name} must be a weighted CSR graph { nPre, nPost, rowPtr: Int32Array, colIdx: Int32Array, weight: Float64Array } (e.g. synapseGraph(c)), got ${describeValue(g)}`,
    );
  }
  const n = m.nPre;
  if (
    !Number.isInteger(n) ||
    n < 0 ||
    m.nPost !== n ||
    m.rowPtr.length !== n + 1 ||
    m.rowPtr[n] !== m.colIdx.length ||
    m.weight.length !== m.colIdx.length
  ) {
    throw new RangeError(
      `${name} must be a square CSR graph with rowPtr.length = nPre + 1 and colIdx, weight of rowPtr[nPre] entries; got nPre = ${m.nPre}, nPost = ${m.nPost}, rowPtr.length = ${m.rowPtr.length}, colIdx.length = ${m.colIdx.length}, weight.length = ${m.weight.length}`,
    );
  }
  return m;
}

/**
 * Checks a connectome argument `name` (O(1): its cells, index and both graphs).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = connectome.checkConnectome(await connectome.loadConnectome("cook2019"), "c");
 * ```
 */
export function checkConnectome(c: unknown, name = "c"): Connectome {
  name = describeName(name);
  const x = c as Connectome;
  if (
    x === null ||
    typeof x !== "object" ||
    !Array.isArray(x.cells) ||
    !(x.indexOf instanceof Map)
  ) {
    throw new TypeError(
      `${name} must be a connectome (from loadConnectome or buildConnectome), got ${describeValue(c)}`,
    );
  }
  checkGraph(x.chemical, `${name}.chemical`);
  checkGraph(x.electrical, `${name}.electrical`);
  if (x.chemical.nPre !== x.cells.length || x.electrical.nPre !== x.cells.length) {
    throw new RangeError(
      `${name}: chemical and electrical must have one row per cell (${x.cells.length}), got ${x.chemical.nPre} and ${x.electrical.nPre}`,
    );
  }
  return x;
}

/**
 * Builds a connectome from edge records. Cells are ordered neurons, muscles, other cells, each
 * group sorted by name; repeated chemical rows for one (pre, post) are summed; electrical rows
 * are merged per unordered pair (see `electricalMerge`).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = connectome.buildConnectome([
 *   { pre: "ASHL", post: "AVAL", type: "chemical", count: 7 },
 *   { pre: "AVAL", post: "AVAR", type: "electrical", count: 3 },
 * ], { name: "toy" });
 * connectome.summarize(c);
 * ```
 */
export function buildConnectome(edges: readonly EdgeRecord[], opts: BuildOptions = {}): Connectome {
  checkArray(edges, "edges");
  checkOptions(opts, BUILD_OPTION_KEYS, "buildConnectome options");
  const keep = new Set<CellKind>(checkEachOneOf(opts.kinds ?? CELL_KINDS, CELL_KINDS, "kinds"));
  const merge = checkOneOf(opts.electricalMerge ?? "max", ELECTRICAL_MERGES, "electricalMerge");
  edges.forEach((e, k) => {
    if (
      e === null ||
      typeof e !== "object" ||
      typeof e.pre !== "string" ||
      typeof e.post !== "string" ||
      (e.type !== "chemical" && e.type !== "electrical") ||
      !(Number.isFinite(e.count) && e.count >= 0)
    ) {
      throw new RangeError(
        `edges[${k}] must be { pre: string, post: string, type: "chemical" | "electrical", count: finite number >= 0 }, got ${describeValue(e)}`,
      );
    }
  });
  const kept = edges.filter((e) => keep.has(cellKind(e.pre)) && keep.has(cellKind(e.post)));
  const names = [...new Set(kept.flatMap((e) => [e.pre, e.post]))].sort(
    (a, b) => KIND_ORDER[cellKind(a)] - KIND_ORDER[cellKind(b)] || compareStrings(a, b),
  );
  const cells = names.map((name) => makeCell(name, opts.metadata?.get(name)));
  const indexOf = new Map(names.map((name, i) => [name, i]));
  const n = cells.length;

  const chem = new Map<number, number>();
  const elec = new Map<number, { a: number; b: number }>();
  for (const e of kept) {
    const i = indexOf.get(e.pre)!;
    const j = indexOf.get(e.post)!;
    if (e.type === "chemical") {
      chem.set(i * n + j, (chem.get(i * n + j) ?? 0) + e.count);
    } else {
      const key = Math.min(i, j) * n + Math.max(i, j);
      const entry = elec.get(key) ?? { a: 0, b: 0 };
      if (i <= j) entry.a += e.count;
      else entry.b += e.count;
      elec.set(key, entry);
    }
  }
  const chemical = csrFromMap(n, chem);
  const sym = new Map<number, number>();
  for (const [key, { a, b }] of elec) {
    const i = Math.floor(key / n);
    const j = key % n;
    const w =
      merge === "sum"
        ? a + b
        : merge === "mean"
          ? a > 0 && b > 0
            ? (a + b) / 2
            : a + b
          : Math.max(a, b);
    sym.set(i * n + j, w);
    sym.set(j * n + i, w);
  }
  const electrical = csrFromMap(n, sym);
  return displayAs(
    {
      name: opts.name ?? "connectome",
      citation: opts.citation ?? "",
      cells,
      indexOf,
      chemical,
      chemicalSign: chemicalSigns(cells, chemical, opts.inhibitory ?? ["GABA"]),
      electrical,
    },
    CONNECTOME_DISPLAY,
  );
}

/**
 * Sign of each chemical synapse from its presynaptic cell's primary neurotransmitter:
 * -1 when it is in `inhibitory`, else +1.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * connectome.chemicalSigns(c.cells, c.chemical); // +1, or -1 for GABAergic presynaptic neurons, per chemical edge
 * ```
 */
export function chemicalSigns(
  cells: readonly Cell[],
  chemical: WeightedCsr,
  inhibitory: readonly string[] = ["GABA"],
): Int8Array {
  checkArrayLike(cells, "cells");
  checkGraph(chemical, "chemical");
  checkArrayLike(inhibitory, "inhibitory");
  if (chemical.nPre !== cells.length)
    throw new RangeError(
      `chemical must have one row per cell (${cells.length}), got ${chemical.nPre}`,
    );
  const inh = new Set(inhibitory);
  const sign = new Int8Array(chemical.colIdx.length);
  for (let i = 0; i < chemical.nPre; i++) {
    const s = inh.has(cells[i].neurotransmitters[0] ?? "") ? -1 : 1;
    sign.fill(s, chemical.rowPtr[i], chemical.rowPtr[i + 1]);
  }
  return sign;
}

/** Metadata sources for {@link mergeCellMetadata}; any may be omitted. */
export interface MetadataSources {
  masterSheet?: readonly MasterSheetNeuron[];
  owmeta?: readonly OwmetaCell[];
  expression?: readonly ExpressionRecord[];
  ganglia?: GanglionTable;
}

/**
 * Merges metadata per cell name: type and position from the master sheet; neurotransmitters
 * master-sheet primary first, then owmeta, then Bentley 2016; receptors from owmeta and
 * Bentley 2016; neuropeptides from Bentley 2016; ganglia from the ganglia table.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const metadata = connectome.mergeCellMetadata({ masterSheet: await connectome.loadMasterSheet() });
 * metadata.get("AVAL")?.type; // "inter"
 * ```
 */
export function mergeCellMetadata(sources: MetadataSources): Map<string, CellMetadata> {
  if (sources === null || typeof sources !== "object")
    throw new TypeError(
      `sources must be an object of metadata tables, got ${describeValue(sources)}`,
    );
  for (const key of ["masterSheet", "owmeta", "expression"] as const)
    if (sources[key] !== undefined && !Array.isArray(sources[key]))
      throw new TypeError(
        `sources.${key} must be an array of records, got ${describeValue(sources[key])}`,
      );
  if (
    sources.ganglia !== undefined &&
    (sources.ganglia === null ||
      typeof sources.ganglia !== "object" ||
      !(sources.ganglia.ganglionOf instanceof Map))
  )
    throw new TypeError(
      `sources.ganglia must be a ganglia table, got ${describeValue(sources.ganglia)}`,
    );
  type Acc = {
    type?: NeuronType;
    position?: readonly [number, number, number];
    ganglion?: Ganglion;
    nt: string[];
    rec: Set<string>;
    pep: Set<string>;
  };
  const acc = new Map<string, Acc>();
  const get = (name: string) => {
    let a = acc.get(name);
    if (!a) acc.set(name, (a = { nt: [], rec: new Set(), pep: new Set() }));
    return a;
  };
  const addNt = (a: Acc, t: string) => {
    if (!a.nt.includes(t)) a.nt.push(t);
  };
  for (const m of sources.masterSheet ?? []) {
    const a = get(m.name);
    a.type = m.type;
    a.position = m.position;
    if (m.neurotransmitter) addNt(a, m.neurotransmitter);
  }
  for (const o of sources.owmeta ?? []) {
    const a = get(o.name);
    o.neurotransmitters.forEach((t) => addNt(a, t));
    o.receptors.forEach((r) => a.rec.add(r));
  }
  for (const x of sources.expression ?? []) {
    const a = get(x.neuron);
    if (x.relationship === "Neurotransmitter") addNt(a, x.molecule);
    else if (x.relationship === "Receptor") a.rec.add(x.molecule);
    else a.pep.add(x.molecule);
  }
  for (const [name, ganglion] of sources.ganglia?.ganglionOf ?? []) get(name).ganglion = ganglion;
  const out = new Map<string, CellMetadata>();
  for (const [name, a] of acc) {
    out.set(name, {
      type: a.type,
      position: a.position,
      neurotransmitters: a.nt,
      receptors: [...a.rec].sort(),
      neuropeptides: [...a.pep].sort(),
      ganglion: a.ganglion,
    });
  }
  return out;
}

/** What to keep in {@link selectCells}: a predicate, or fields that must match (all given fields). */
export type CellFilter =
  | ((cell: Cell, index: number) => boolean)
  | {
      names?: readonly string[];
      classes?: readonly string[];
      types?: readonly NeuronType[];
      kinds?: readonly CellKind[];
      /** Keeps cells whose primary neurotransmitter is one of these. */
      neurotransmitters?: readonly string[];
      /** Keeps neurons in these ganglia; group names ("head", "pharynx") stand for their ganglia. */
      ganglia?: readonly (Ganglion | GanglionGroup)[];
    };

/**
 * The sub-connectome induced by the cells that pass `filter` (kept in their original order),
 * with every synapse between two kept cells. Unknown names in `filter.names` or `filter.ganglia`
 * throw a RangeError, and so does `filter.ganglia` on a connectome without ganglia.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * connectome.selectCells(c, { classes: ["AVA", "AVB", "AVD", "AVE", "PVC"] }); // the command interneurons
 * connectome.selectCells(c, (cell) => cell.type === "sensory");
 * ```
 */
export function selectCells(c: Connectome, filter: CellFilter): Connectome {
  checkConnectome(c);
  let pass: (cell: Cell, index: number) => boolean;
  if (typeof filter === "function") {
    pass = filter;
  } else {
    checkOptions(
      filter,
      ["names", "classes", "types", "kinds", "neurotransmitters", "ganglia"],
      "filter",
    );
    if (filter === undefined)
      throw new TypeError(
        "filter must be a predicate (cell, index) => boolean or an object of fields to match",
      );
    for (const key of [
      "names",
      "classes",
      "types",
      "kinds",
      "neurotransmitters",
      "ganglia",
    ] as const) {
      if (filter[key] !== undefined && !Array.isArray(filter[key]))
        throw new TypeError(
          `filter.${key} must be an array of strings, got ${describeValue(filter[key])}`,
        );
    }
    if (filter.types) checkEachOneOf(filter.types, NEURON_TYPES, "filter.types");
    if (filter.kinds) checkEachOneOf(filter.kinds, CELL_KINDS, "filter.kinds");
    const present = (
      field: string,
      values: readonly string[] | undefined,
      of: (cell: Cell) => readonly string[],
    ) => {
      if (!values) return;
      const have = new Set(c.cells.flatMap(of));
      for (const v of values) {
        if (!have.has(v)) {
          const known = [...have].sort();
          throw new RangeError(
            `filter.${field}: no cell of ${c.name} has ${describeValue(v)}; present: ${known.slice(0, 40).join(", ")}${known.length > 40 ? `, ... (${known.length} in all)` : ""}`,
          );
        }
      }
    };
    present("classes", filter.classes, (cell) => [cell.cellClass]);
    present("neurotransmitters", filter.neurotransmitters, (cell) =>
      cell.neurotransmitters.slice(0, 1),
    );
    for (const name of filter.names ?? []) {
      if (!c.indexOf.has(name))
        throw new RangeError(`names: no cell named ${describeValue(name)} in ${c.name}`);
    }
    if (filter.ganglia && !c.cells.some((cell) => cell.ganglion !== null)) {
      throw new RangeError(
        `ganglia: no cell of ${c.name} has a ganglion; load it with { ganglia: true }`,
      );
    }
    const sets = {
      names: filter.names && new Set<string>(filter.names),
      classes: filter.classes && new Set<string>(filter.classes),
      types: filter.types && new Set<string>(filter.types),
      kinds: filter.kinds && new Set<string>(filter.kinds),
      nts: filter.neurotransmitters && new Set<string>(filter.neurotransmitters),
      ganglia: filter.ganglia && resolveGanglia(filter.ganglia),
    };
    pass = (cell) =>
      (!sets.names || sets.names.has(cell.name)) &&
      (!sets.classes || sets.classes.has(cell.cellClass)) &&
      (!sets.types || (cell.type !== null && sets.types.has(cell.type))) &&
      (!sets.kinds || sets.kinds.has(cell.kind)) &&
      (!sets.nts || sets.nts.has(cell.neurotransmitters[0] ?? "")) &&
      (!sets.ganglia || (cell.ganglion !== null && sets.ganglia.has(cell.ganglion)));
  }
  const keep: number[] = [];
  c.cells.forEach((cell, i) => {
    if (pass(cell, i)) keep.push(i);
  });
  const newIndex = new Int32Array(c.cells.length).fill(-1);
  keep.forEach((old, k) => (newIndex[old] = k));
  const cells = keep.map((i) => c.cells[i]);
  const chem = subCsr(c.chemical, keep, newIndex, c.chemicalSign);
  return displayAs(
    {
      name: c.name,
      citation: c.citation,
      cells,
      indexOf: new Map(cells.map((cell, i) => [cell.name, i])),
      chemical: chem.csr,
      chemicalSign: chem.sign,
      electrical: subCsr(c.electrical, keep, newIndex, null).csr,
    },
    CONNECTOME_DISPLAY,
  );
}

/**
 * The neurons only (drops muscles and other cells).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019", { kinds: ["neuron", "muscle"] });
 * connectome.neuronsOnly(c).cells.length; // 300
 * ```
 */
export function neuronsOnly(c: Connectome): Connectome {
  return selectCells(c, { kinds: ["neuron"] });
}

/**
 * Index of a cell by name; throws a RangeError naming the cell when absent.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * c.cells[connectome.cellIndex(c, "AVAL")].name; // "AVAL"; an unknown name throws
 * ```
 */
export function cellIndex(c: Connectome, name: string): number {
  checkConnectome(c);
  const i = c.indexOf.get(name);
  if (i === undefined)
    throw new RangeError(`name: no cell named ${describeValue(name)} in ${c.name}`);
  return i;
}

/** Which synapses an adjacency matrix or analysis uses. */
export type SynapseSelection = "chemical" | "electrical" | "both";

/** The values of {@link SynapseSelection}. */
export const SYNAPSE_SELECTIONS: readonly SynapseSelection[] = ["chemical", "electrical", "both"];

/** Options of {@link adjacencyMatrix}. */
export interface AdjacencyOptions {
  /** Default "chemical". "both" adds the (symmetric) electrical counts to the chemical ones. */
  synapses?: SynapseSelection;
  /** Synapse counts (default) or 1 per connected pair. */
  weighted?: boolean;
  /** Multiply chemical entries by their sign (default false). */
  signed?: boolean;
}

/** Dense adjacency matrix, row-major `n x n`, entry [pre * n + post]. */
export interface DenseMatrix {
  readonly n: number;
  /** Row and column labels (cell names). */
  readonly names: readonly string[];
  readonly data: Float64Array;
}

/**
 * Dense adjacency matrix of a connectome (row = presynaptic).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = connectome.selectCells(await connectome.loadConnectome("cook2019"), { classes: ["AVA", "AVB"] });
 * const m = connectome.adjacencyMatrix(c, { synapses: "chemical", weighted: true }); // m.data is n x n, row = pre
 * ```
 */
export function adjacencyMatrix(c: Connectome, opts: AdjacencyOptions = {}): DenseMatrix {
  checkConnectome(c);
  checkOptions(opts, ["synapses", "weighted", "signed"], "adjacencyMatrix options");
  const n = c.cells.length;
  const data = new Float64Array(checkAllocation(n * n, 8, `adjacencyMatrix: ${n} x ${n} cells`));
  const synapses = checkOneOf(opts.synapses ?? "chemical", SYNAPSE_SELECTIONS, "synapses");
  const weighted = opts.weighted ?? true;
  const add = (m: WeightedCsr, sign: Int8Array | null) => {
    for (let i = 0; i < n; i++) {
      for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
        const w = (weighted ? m.weight[k] : 1) * (sign ? sign[k] : 1);
        data[i * n + m.colIdx[k]] += w;
      }
    }
  };
  if (synapses !== "electrical") add(c.chemical, opts.signed ? c.chemicalSign : null);
  if (synapses !== "chemical") add(c.electrical, null);
  if (!weighted && synapses === "both")
    for (let k = 0; k < data.length; k++) data[k] = data[k] !== 0 ? Math.sign(data[k]) : 0;
  return { n, names: c.cells.map((cell) => cell.name), data };
}

/**
 * The graph analysed by the analysis functions: chemical, electrical (both directions) or
 * both merged (weights added), as one directed weighted CSR.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019");
 * const both = connectome.synapseGraph(c, "both"); // chemical + electrical (both directions) as one graph
 * ```
 */
export function synapseGraph(c: Connectome, synapses: SynapseSelection = "chemical"): WeightedCsr {
  checkConnectome(c);
  checkOneOf(synapses, SYNAPSE_SELECTIONS, "synapses");
  if (synapses === "chemical") return c.chemical;
  if (synapses === "electrical") return c.electrical;
  return concatCsr(c.chemical, c.electrical);
}

/** The entry-wise sum of CSR matrices of the same size. */
function concatCsr(...ms: WeightedCsr[]): WeightedCsr {
  const n = ms[0].nPre;
  const total = ms.reduce((s, m) => s + m.colIdx.length, 0);
  const rows = new Int32Array(total);
  const cols = new Int32Array(total);
  const weights = new Float64Array(total);
  let p = 0;
  for (const m of ms) {
    for (let i = 0; i < n; i++) {
      for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
        rows[p] = i;
        cols[p] = m.colIdx[k];
        weights[p++] = m.weight[k];
      }
    }
  }
  return csrFromEntries(n, rows, cols, weights);
}

/** Totals of a connectome: cells by kind, connected pairs and synapse counts. */
export interface ConnectomeSummary {
  readonly cells: number;
  readonly neurons: number;
  readonly muscles: number;
  readonly others: number;
  /** Directed (pre, post) pairs with at least one chemical synapse. */
  readonly chemicalPairs: number;
  /** Sum of chemical synapse counts. */
  readonly chemicalSynapses: number;
  /** Unordered pairs (including self pairs) with at least one gap junction. */
  readonly electricalPairs: number;
  /** Sum of gap-junction counts over unordered pairs. */
  readonly electricalSynapses: number;
}

/**
 * Counts of cells, connections and synapses.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.summarize(await connectome.loadConnectome("cook2019")); // { cells: 448, neurons: 300, muscles: 137, chemicalPairs: 4681, ... }
 * ```
 */
export function summarize(c: Connectome): ConnectomeSummary {
  checkConnectome(c);
  const count = (kind: CellKind) => c.cells.filter((cell) => cell.kind === kind).length;
  let chemicalSynapses = 0;
  for (const w of c.chemical.weight) chemicalSynapses += w;
  let electricalPairs = 0;
  let electricalSynapses = 0;
  const e = c.electrical;
  for (let i = 0; i < e.nPre; i++) {
    for (let k = e.rowPtr[i]; k < e.rowPtr[i + 1]; k++) {
      if (e.colIdx[k] >= i) {
        electricalPairs++;
        electricalSynapses += e.weight[k];
      }
    }
  }
  return {
    cells: c.cells.length,
    neurons: count("neuron"),
    muscles: count("muscle"),
    others: count("other"),
    chemicalPairs: c.chemical.colIdx.length,
    chemicalSynapses,
    electricalPairs,
    electricalSynapses,
  };
}

/**
 * A weighted CSR from a map of `row * n + col` -> weight (rows and columns sorted).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const g = connectome.csrFromMap(3, new Map([[0 * 3 + 1, 2], [2 * 3 + 0, 5]])); // keys i * n + j: 0->1 (2), 2->0 (5)
 * ```
 */
export function csrFromMap(n: number, entries: ReadonlyMap<number, number>): WeightedCsr {
  if (!(entries instanceof Map))
    throw new TypeError(
      `entries must be a Map from row * n + col to weight, got ${describeValue(entries)}`,
    );
  const rows = new Int32Array(entries.size);
  const cols = new Int32Array(entries.size);
  const weights = new Float64Array(entries.size);
  let k = 0;
  for (const [key, w] of entries) {
    rows[k] = Math.floor(key / n);
    cols[k] = key - rows[k] * n;
    weights[k++] = w;
  }
  return csrFromEntries(n, rows, cols, weights);
}

/**
 * A weighted n x n CSR from (row, col, weight) entries in any order; weights of repeated
 * (row, col) entries are summed; columns sorted within each row.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.csrFromEntries(3, [0, 2], [1, 0], [2, 5]); // 0->1 (2), 2->0 (5); duplicates are summed
 * ```
 */
export function csrFromEntries(
  n: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  weights: ArrayLike<number>,
): WeightedCsr {
  checkInteger(n, "csrFromEntries: n", 0, MAX_POPULATION_SIZE);
  checkNumberArray(rows, "csrFromEntries: rows", { integer: true, min: 0, max: n - 1 });
  checkNumberArray(cols, "csrFromEntries: cols", {
    integer: true,
    min: 0,
    max: n - 1,
    length: rows.length,
  });
  checkNumberArray(weights, "csrFromEntries: weights", { length: rows.length });
  const m = rows.length;
  const count = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) count[rows[k] + 1]++;
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const c = new Int32Array(m);
  const w = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const p = fill[rows[k]]++;
    c[p] = cols[k];
    w[p] = weights[k];
  }
  // sort each row by column (insertion sort: rows are short) and merge duplicates
  const rowPtr = new Int32Array(n + 1);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const start = count[i];
    const end = count[i + 1];
    if (end - start > 32) {
      const order = Int32Array.from({ length: end - start }, (_, q) => start + q).sort(
        (x, y) => c[x] - c[y],
      );
      const cs = Int32Array.from(order, (q) => c[q]);
      const ws = Float64Array.from(order, (q) => w[q]);
      c.set(cs, start);
      w.set(ws, start);
    }
    for (let a = start + 1; a < end && end - start <= 32; a++) {
      const cc = c[a];
      const ww = w[a];
      let b = a - 1;
      while (b >= start && c[b] > cc) {
        c[b + 1] = c[b];
        w[b + 1] = w[b];
        b--;
      }
      c[b + 1] = cc;
      w[b + 1] = ww;
    }
    for (let a = start; a < end; a++) {
      if (out > rowPtr[i] && c[out - 1] === c[a]) w[out - 1] += w[a];
      else {
        c[out] = c[a];
        w[out] = w[a];
        out++;
      }
    }
    rowPtr[i + 1] = out;
  }
  return { nPre: n, nPost: n, rowPtr, colIdx: c.slice(0, out), weight: w.slice(0, out) };
}

function subCsr(m: WeightedCsr, keep: number[], newIndex: Int32Array, sign: Int8Array | null) {
  const rowPtr = new Int32Array(keep.length + 1);
  const cols: number[] = [];
  const weights: number[] = [];
  const signs: number[] = [];
  keep.forEach((old, r) => {
    for (let k = m.rowPtr[old]; k < m.rowPtr[old + 1]; k++) {
      const j = newIndex[m.colIdx[k]];
      if (j < 0) continue;
      cols.push(j);
      weights.push(m.weight[k]);
      if (sign) signs.push(sign[k]);
    }
    rowPtr[r + 1] = cols.length;
  });
  return {
    csr: {
      nPre: keep.length,
      nPost: keep.length,
      rowPtr,
      colIdx: Int32Array.from(cols),
      weight: Float64Array.from(weights),
    },
    sign: Int8Array.from(signs),
  };
}

function makeCell(name: string, meta: CellMetadata | undefined): Cell {
  return {
    name,
    kind: cellKind(name),
    cellClass: cellClass(name),
    type: meta?.type ?? null,
    neurotransmitters: meta?.neurotransmitters ?? [],
    position: meta?.position ?? null,
    receptors: meta?.receptors ?? [],
    neuropeptides: meta?.neuropeptides ?? [],
    ganglion: meta?.ganglion ?? null,
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
