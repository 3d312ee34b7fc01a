/**
 * Loaders of the pinned C. elegans connectomes and cell metadata: each reads a verified local
 * copy (mirror or download cache, see `data/fetch`) and parses it.
 */
import { readSourceText, type DataLocationOptions } from "../data/fetch.js";
import {
  BENTLEY_2016,
  COOK_2019,
  NEURON_MASTER_SHEET,
  OWMETA_CELLS,
  WHITE_1986_JSH,
  WHITE_1986_N2U,
  WHITE_1986_WHOLE,
  WORM_NEURO_ATLAS_GANGLIA,
  type DataSource,
} from "../data/sources.js";
import type { CellKind, NameOptions } from "./cells.js";
import {
  buildConnectome,
  CELL_KINDS,
  ELECTRICAL_MERGES,
  mergeCellMetadata,
  type CellMetadata,
  type Connectome,
} from "./connectome.js";
import { checkEachOneOf, checkOneOf, checkOptions } from "../core/validate.js";
import { parseGanglia, type GanglionOptions, type GanglionTable } from "./ganglia.js";
import {
  parseBentleyExpression,
  parseCookEdgeList,
  parseMasterSheet,
  parseOwmeta,
  parseWhiteEdgeList,
  type EdgeRecord,
  type ExpressionRecord,
  type MasterSheetNeuron,
  type OwmetaCell,
} from "./parse.js";
import { describeValue } from "../core/describe.js";

/** Connectome datasets with pinned sources. */
export type ConnectomeDataset = "cook2019" | "white1986_whole" | "white1986_n2u" | "white1986_jsh";

const DATASETS: Record<
  ConnectomeDataset,
  { source: DataSource; name: string; parse: (text: string, names: NameOptions) => EdgeRecord[] }
> = {
  cook2019: { source: COOK_2019, name: "Cook et al. 2019 hermaphrodite", parse: parseCookEdgeList },
  white1986_whole: {
    source: WHITE_1986_WHOLE,
    name: "White et al. 1986 whole animal",
    parse: parseWhiteEdgeList,
  },
  white1986_n2u: {
    source: WHITE_1986_N2U,
    name: "White et al. 1986 adult head (N2U)",
    parse: parseWhiteEdgeList,
  },
  white1986_jsh: {
    source: WHITE_1986_JSH,
    name: "White et al. 1986 L4 head (JSH)",
    parse: parseWhiteEdgeList,
  },
};

/** Options of the loaders: where the files are (mirror / cache / download) and name handling. */
export interface LoadOptions extends DataLocationOptions, NameOptions {}

/** Options of {@link loadCellMetadata}. */
export interface CellMetadataOptions extends LoadOptions {
  /**
   * Also load each neuron's ganglion (Worm Neuro Atlas, GPL-3.0-or-later: one more file,
   * downloaded into the cache on first use). Default false.
   */
  ganglia?: boolean;
}

/** Options of {@link loadConnectome}. */
export interface LoadConnectomeOptions extends CellMetadataOptions {
  /** Cell kinds to keep. Default all (neurons, muscles, other cells, labelled by `kind`). */
  kinds?: readonly CellKind[];
  /**
   * Attach cell metadata from the master sheet, owmeta and Bentley 2016 (three more files),
   * and with `ganglia: true` the ganglia. Default true. Without metadata, every chemical
   * synapse is excitatory.
   */
  metadata?: boolean;
  /** Presynaptic neurotransmitters that make a chemical synapse inhibitory. Default ["GABA"]. */
  inhibitory?: readonly string[];
  /** Merge rule of gap junctions listed in both directions. Default "max". */
  electricalMerge?: "max" | "sum" | "mean";
}

/** Keys of the data-location options (see `data/fetch`). */
const LOCATION_KEYS = ["cacheDir", "mirrorDir", "offline", "timeout_ms", "env"];

/**
 * The pinned source of a connectome dataset.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.connectomeSource("cook2019").url; // the pinned upstream file (with its SHA-256)
 * ```
 */
export function connectomeSource(dataset: ConnectomeDataset): DataSource {
  const d =
    typeof dataset === "string" && Object.hasOwn(DATASETS, dataset) ? DATASETS[dataset] : undefined;
  if (!d)
    throw new RangeError(
      `dataset must be one of ${Object.keys(DATASETS).join(", ")}, got ${describeValue(dataset)}`,
    );
  return d.source;
}

/**
 * Edge records of a connectome dataset (canonical names, all cells).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const edges = await connectome.loadEdgeList("white1986_whole");
 * edges[0]; // { pre, post, type, count }
 * ```
 */
export async function loadEdgeList(
  dataset: ConnectomeDataset,
  opts: LoadOptions = {},
): Promise<EdgeRecord[]> {
  const source = connectomeSource(dataset);
  return DATASETS[dataset].parse(await readSourceText(source, opts), opts);
}

/**
 * Loads a connectome: Cook et al. 2019 or one of the White et al. 1986 compilations.
 *
 * @example
 * ```ts
 * import { connectome, connectomeFigure } from "neurolab";
 * const c = await connectome.loadConnectome("cook2019"); // 448 cells (300 neurons), chemical and electrical synapses
 * connectomeFigure(c); // an interactive figure in the notebook
 * ```
 */
export async function loadConnectome(
  dataset: ConnectomeDataset,
  opts: LoadConnectomeOptions = {},
): Promise<Connectome> {
  connectomeSource(dataset);
  checkOptions(
    opts,
    [...LOCATION_KEYS, "awcOn", "ganglia", "kinds", "metadata", "inhibitory", "electricalMerge"],
    "loadConnectome options",
  );
  if (opts.kinds !== undefined) checkEachOneOf(opts.kinds, CELL_KINDS, "kinds");
  if (opts.electricalMerge !== undefined)
    checkOneOf(opts.electricalMerge, ELECTRICAL_MERGES, "electricalMerge");
  if (opts.ganglia && opts.metadata === false)
    throw new RangeError(
      "ganglia: true needs the cell metadata (the ganglia are part of it): drop metadata: false",
    );
  const [edges, metadata] = await Promise.all([
    loadEdgeList(dataset, opts),
    opts.metadata === false ? Promise.resolve(undefined) : loadCellMetadata(opts),
  ]);
  const d = DATASETS[dataset];
  return buildConnectome(edges, {
    name: d.name,
    citation: d.source.citation,
    kinds: opts.kinds,
    metadata,
    inhibitory: opts.inhibitory,
    electricalMerge: opts.electricalMerge,
  });
}

/**
 * The Simeon et al. 2024 neuron master sheet (300 neurons, sorted by label = dataset slot order).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const sheet = await connectome.loadMasterSheet();
 * sheet.find((n) => n.name === "AVAL");
 * ```
 */
export async function loadMasterSheet(opts: LoadOptions = {}): Promise<MasterSheetNeuron[]> {
  return parseMasterSheet(await readSourceText(NEURON_MASTER_SHEET, opts), opts);
}

/**
 * The OpenWorm owmeta cell export (302 neurons, 95 body-wall muscles).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const cells = await connectome.loadOwmetaCells();
 * ```
 */
export async function loadOwmetaCells(opts: LoadOptions = {}): Promise<OwmetaCell[]> {
  return parseOwmeta(await readSourceText(OWMETA_CELLS, opts), opts);
}

/**
 * Bentley et al. 2016 expression records.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const expression = await connectome.loadBentleyExpression(); // monoamine and neuropeptide receptors per neuron
 * ```
 */
export async function loadBentleyExpression(opts: LoadOptions = {}): Promise<ExpressionRecord[]> {
  return parseBentleyExpression(await readSourceText(BENTLEY_2016, opts), opts);
}

/**
 * The Worm Neuro Atlas ganglia table (Randi et al. 2023): 12 ganglia, with the documented
 * corrections (`GANGLION_CORRECTIONS`) unless `corrections: false`.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const ganglia = await connectome.loadGanglia(); // the Worm Neuro Atlas table (opt-in, GPL; see the README)
 * ```
 */
export async function loadGanglia(
  opts: LoadOptions & GanglionOptions = {},
): Promise<GanglionTable> {
  return parseGanglia(await readSourceText(WORM_NEURO_ATLAS_GANGLIA, opts), opts);
}

/**
 * Merged cell metadata from the master sheet, owmeta and Bentley 2016, and with
 * `ganglia: true` the ganglia table (see `mergeCellMetadata`).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const metadata = await connectome.loadCellMetadata();
 * metadata.get("AVAL")?.neurotransmitters; // ["ACh"]
 * ```
 */
export async function loadCellMetadata(
  opts: CellMetadataOptions = {},
): Promise<Map<string, CellMetadata>> {
  const [masterSheet, owmeta, expression, ganglia] = await Promise.all([
    loadMasterSheet(opts),
    loadOwmetaCells(opts),
    loadBentleyExpression(opts),
    opts.ganglia ? loadGanglia(opts) : undefined,
  ]);
  return mergeCellMetadata({ masterSheet, owmeta, expression, ganglia });
}
