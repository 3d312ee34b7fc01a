/**
 * Pure parsers for the pinned C. elegans files: connectome edge lists (Cook 2019, White 1986)
 * and cell metadata (Simeon 2024 master sheet, OpenWorm owmeta export, Bentley 2016).
 * Every cell name goes through {@link normalizeCellName}.
 */
import { parseDelimited } from "../data/csv.js";
import { cellKind, isKnownCell, normalizeCellName, type NameOptions } from "./cells.js";
import { describeValue } from "../core/describe.js";

/** Synapse type of an edge-list row. */
export type SynapseType = "chemical" | "electrical";

/** One row of a connectome edge list, with canonical names. */
export interface EdgeRecord {
  readonly pre: string;
  readonly post: string;
  readonly type: SynapseType;
  /** Number of synapses (EM serial-section count; for Cook 2019, the summed synapse weight). */
  readonly count: number;
}

/** Neuron type of the Simeon et al. 2024 master sheet. */
export type NeuronType = "sensory" | "inter" | "motor" | "pharyngeal";

/** One neuron of the master sheet. */
export interface MasterSheetNeuron {
  readonly name: string;
  readonly cellClass: string;
  /** Canonical abbreviation (see {@link normalizeNeurotransmitter}), or null when unknown (orphan). */
  readonly neurotransmitter: string | null;
  readonly type: NeuronType;
  /** Position (x, y, z) in the master sheet's coordinates (arbitrary units, as published). */
  readonly position: readonly [number, number, number];
}

/** One cell of the owmeta export. */
export interface OwmetaCell {
  readonly name: string;
  /** "neuron" or "muscle" (body-wall). */
  readonly kind: "neuron" | "muscle";
  /** owmeta types, e.g. ["interneuron", "motor"]. */
  readonly types: readonly string[];
  readonly receptors: readonly string[];
  /** Canonical abbreviations. */
  readonly neurotransmitters: readonly string[];
}

/** One row of Bentley et al. 2016 expression data. */
export interface ExpressionRecord {
  readonly neuron: string;
  readonly relationship: "Neurotransmitter" | "Neuropeptide" | "Receptor";
  /** Molecule, e.g. "Dopamine" -> "DA" for neurotransmitters, "FLP-11", "DOP-3". */
  readonly molecule: string;
  readonly evidence: string;
  readonly evidenceUrl: string;
}

const TRANSMITTERS: Record<string, string> = {
  ach: "ACh",
  acetylcholine: "ACh",
  glu: "Glu",
  glutamate: "Glu",
  gaba: "GABA",
  da: "DA",
  dopamine: "DA",
  "5ht": "5-HT",
  "5-ht": "5-HT",
  serotonin: "5-HT",
  oa: "OA",
  octopamine: "OA",
  ta: "TA",
  tyramine: "TA",
};

/**
 * Canonical abbreviation of a neurotransmitter name in any source's spelling: ACh, Glu, GABA,
 * DA, 5-HT, OA, TA. Returns null for unknown/orphan/empty entries; other names are returned trimmed.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.normalizeNeurotransmitter("acetylcholine"); // "ACh"
 * ```
 */
export function normalizeNeurotransmitter(raw: string): string | null {
  if (typeof raw !== "string")
    throw new TypeError(
      `neurotransmitter name must be a string, got ${raw === null ? "null" : typeof raw}`,
    );
  const key = raw.trim().toLowerCase();
  if (key === "" || key.startsWith("unknown")) return null;
  return TRANSMITTERS[key] ?? raw.trim();
}

/**
 * Parses Cook et al. 2019's `Source,Target,Weight,Type` edge list (space-padded names).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const csv = "Source,Target,Weight,Type\nASHL,AVAL,7,chemical\n";
 * connectome.parseCookEdgeList(csv); // [{ pre: "ASHL", post: "AVAL", type: "chemical", count: 7 }]
 * ```
 */
export function parseCookEdgeList(text: string, names: NameOptions = {}): EdgeRecord[] {
  const rows = parseDelimited(checkText(text, "Cook 2019 edge list"), ",");
  expectHeader(rows[0], ["Source", "Target", "Weight", "Type"], "Cook 2019 edge list");
  expectRows(rows.length - 1, "Cook 2019 edge list");
  return rows
    .slice(1)
    .map((r, k) =>
      edgeRecord(
        r.length === 4 ? [r[0], r[1], r[3], r[2]] : r,
        k + 2,
        names,
        "Cook 2019 edge list",
      ),
    );
}

/**
 * Parses a White et al. 1986 (c302) edge list `pre post type synapses`: rows tab-separated,
 * header tab- or space-separated.
 *
 * @example
 * ```ts no-run
 * import { readFileSync } from "node:fs";
 * import { connectome } from "neurolab";
 * connectome.parseWhiteEdgeList(readFileSync("aconnectome_white_1986_whole.csv", "utf8"));
 * ```
 */
export function parseWhiteEdgeList(text: string, names: NameOptions = {}): EdgeRecord[] {
  const lines = checkText(text, "White 1986 edge list")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  expectHeader(
    lines[0]?.trim().split(/\s+/),
    ["pre", "post", "type", "synapses"],
    "White 1986 edge list",
  );
  expectRows(lines.length - 1, "White 1986 edge list");
  return lines
    .slice(1)
    .map((line, k) => edgeRecord(line.split("\t"), k + 2, names, "White 1986 edge list"));
}

/**
 * Parses the Simeon et al. 2024 neuron master sheet `label,class,neurotransmitter,type,x,y,z`.
 *
 * @example
 * ```ts no-run
 * import { readFileSync } from "node:fs";
 * import { connectome } from "neurolab";
 * connectome.parseMasterSheet(readFileSync("neuron_master_sheet.csv", "utf8"));
 * ```
 */
export function parseMasterSheet(text: string, names: NameOptions = {}): MasterSheetNeuron[] {
  const rows = parseDelimited(checkText(text, "neuron master sheet"), ",");
  expectHeader(
    rows[0],
    ["label", "class", "neurotransmitter", "type", "x", "y", "z"],
    "neuron master sheet",
  );
  expectRows(rows.length - 1, "neuron master sheet");
  return rows.slice(1).map((r, k) => {
    const type = r[3]?.trim();
    if (r.length !== 7 || !["sensory", "inter", "motor", "pharyngeal"].includes(type)) {
      throw new SyntaxError(
        `neuron master sheet line ${k + 2}: expected 7 fields with a known type, got ${describeValue(r)}`,
      );
    }
    const position = [Number(r[4]), Number(r[5]), Number(r[6])] as const;
    if (!position.every(Number.isFinite))
      throw new SyntaxError(
        `neuron master sheet line ${k + 2}: bad position ${JSON.stringify(r.slice(4))}`,
      );
    return {
      name: expectCell(normalizeCellName(r[0], names), k + 2, "neuron master sheet", "neuron"),
      cellClass: r[1].trim(),
      neurotransmitter: normalizeNeurotransmitter(r[2]),
      type: type as NeuronType,
      position,
    };
  });
}

/**
 * Parses the owmeta export (`neuron_info` / `muscle_info`, each name -> [uri, types,
 * receptors, neurotransmitters, label, colour]).
 *
 * @example
 * ```ts no-run
 * import { readFileSync } from "node:fs";
 * import { connectome } from "neurolab";
 * connectome.parseOwmeta(readFileSync("owmeta_cache.json", "utf8"));
 * ```
 */
export function parseOwmeta(json: string, names: NameOptions = {}): OwmetaCell[] {
  const doc = parseJson(checkText(json, "owmeta export"), "owmeta export") as Record<
    string,
    unknown
  >;
  const cells: OwmetaCell[] = [];
  for (const [section, kind] of [
    ["neuron_info", "neuron"],
    ["muscle_info", "muscle"],
  ] as const) {
    const entries = doc[section];
    if (typeof entries !== "object" || entries === null)
      throw new SyntaxError(`owmeta export: missing "${section}"`);
    if (Object.keys(entries).length === 0)
      throw new SyntaxError(`owmeta export: "${section}" lists no cells`);
    for (const [raw, value] of Object.entries(entries as Record<string, unknown>)) {
      if (
        !Array.isArray(value) ||
        value.length < 4 ||
        ![1, 2, 3].every((i) => Array.isArray(value[i]))
      ) {
        throw new SyntaxError(
          `owmeta export: ${section}.${raw} is not [uri, types[], receptors[], neurotransmitters[], ...]`,
        );
      }
      const name = normalizeCellName(raw, names);
      if (cellKind(name) !== kind)
        throw new SyntaxError(
          `owmeta export: ${section} lists ${JSON.stringify(raw)}, which is not a known ${kind}`,
        );
      cells.push({
        name,
        kind,
        types: (value[1] as string[]).map(String),
        receptors: (value[2] as string[]).map(String),
        neurotransmitters: (value[3] as string[])
          .map((t) => normalizeNeurotransmitter(String(t)))
          .filter((t): t is string => t !== null),
      });
    }
  }
  return cells;
}

/**
 * Parses Bentley et al. 2016 `Entity1,Relationship,Entity2,Evidence,Evidence URL`.
 *
 * @example
 * ```ts no-run
 * import { readFileSync } from "node:fs";
 * import { connectome } from "neurolab";
 * connectome.parseBentleyExpression(readFileSync("Bentley_et_al_2016_expression.csv", "utf8"));
 * ```
 */
export function parseBentleyExpression(text: string, names: NameOptions = {}): ExpressionRecord[] {
  const rows = parseDelimited(checkText(text, "Bentley 2016 expression"), ",");
  expectHeader(
    rows[0],
    ["Entity1", "Relationship", "Entity2", "Evidence", "Evidence URL"],
    "Bentley 2016 expression",
  );
  expectRows(rows.length - 1, "Bentley 2016 expression");
  return rows.slice(1).map((r, k) => {
    const relationship = r[1]?.trim();
    if (
      r.length !== 5 ||
      !["Neurotransmitter", "Neuropeptide", "Receptor"].includes(relationship)
    ) {
      throw new SyntaxError(
        `Bentley 2016 expression line ${k + 2}: unexpected row ${JSON.stringify(r)}`,
      );
    }
    const molecule =
      relationship === "Neurotransmitter"
        ? (normalizeNeurotransmitter(r[2]) ?? r[2].trim())
        : r[2].trim();
    return {
      neuron: expectCell(
        normalizeCellName(r[0], names),
        k + 2,
        "Bentley 2016 expression",
        "neuron",
      ),
      relationship: relationship as ExpressionRecord["relationship"],
      molecule,
      evidence: r[3].trim(),
      evidenceUrl: r[4].trim(),
    };
  });
}

/** `r` = [pre, post, type, count]. */
function edgeRecord(
  r: (string | undefined)[],
  line: number,
  names: NameOptions,
  what: string,
): EdgeRecord {
  const type = r[2]?.trim();
  const count = Number(r[3]);
  if (
    r.length !== 4 ||
    (type !== "chemical" && type !== "electrical") ||
    !(Number.isFinite(count) && count > 0)
  ) {
    throw new SyntaxError(
      `${what} line ${line}: expected pre, post, chemical|electrical, positive count; got ${describeValue(r)}`,
    );
  }
  const pre = normalizeCellName(r[0] ?? "", names);
  const post = normalizeCellName(r[1] ?? "", names);
  if (pre === "" || post === "")
    throw new SyntaxError(`${what} line ${line}: empty cell name in ${JSON.stringify(r)}`);
  return {
    pre: expectCell(pre, line, what, "cell"),
    post: expectCell(post, line, what, "cell"),
    type,
    count,
  };
}

/** A source's text (a string; TypeError naming the source otherwise). */
function checkText(text: unknown, what: string): string {
  if (typeof text !== "string")
    throw new TypeError(
      `${what}: text must be a string, got ${text === null ? "null" : typeof text}`,
    );
  return text;
}

/** At least one data row after the header. */
function expectRows(count: number, what: string): void {
  if (count < 1)
    throw new SyntaxError(`${what}: no data rows after the header (empty or truncated file)`);
}

/** JSON text parsed, with the source named in the error (e.g. a truncated download). */
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(
      `${what}: not valid JSON (truncated file?): ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

/** A name the pinned sources know: a neuron (`kind` "neuron"), or any known cell. */
function expectCell(name: string, line: number, what: string, kind: "neuron" | "cell"): string {
  const ok = kind === "neuron" ? cellKind(name) === "neuron" : isKnownCell(name);
  if (!ok)
    throw new SyntaxError(
      `${what} line ${line}: unknown ${kind === "neuron" ? "neuron" : "cell"} name ${JSON.stringify(name)} (not a C. elegans ${kind === "neuron" ? "neuron" : "neuron, muscle or known other cell"})`,
    );
  return name;
}

function expectHeader(found: string[] | undefined, expected: string[], what: string): void {
  const got = (found ?? []).map((h) => h.trim());
  if (got.length !== expected.length || got.some((h, i) => h !== expected[i])) {
    throw new SyntaxError(
      `${what}: expected header ${expected.join(",")}, got ${describeValue(found ?? null)}`,
    );
  }
}
