/**
 * Ganglia of the hermaphrodite neurons, from the Worm Neuro Atlas ganglia table (Randi et al.
 * 2023, `WORM_NEURO_ATLAS_GANGLIA`): the ganglion names, the source's groupings ("head",
 * "pharynx"), and a validating parser that applies three documented corrections.
 */
import { cellKind, normalizeCellName, type NameOptions } from "./cells.js";
import { describeValue, describeName } from "../core/describe.js";

/**
 * The ganglia of the source, in its order (anterior to posterior, with the pharyngeal bulbs
 * among the head ganglia). "ventral nerve cord" and "midbody neurons" are the source's groups of
 * neurons outside ganglia.
 */
export const GANGLIA = [
  "anterior ganglion",
  "anterior pharyngeal bulb",
  "dorsal ganglion",
  "lateral ganglion",
  "ventral ganglion",
  "posterior pharyngeal bulb",
  "retrovesicular ganglion",
  "ventral nerve cord",
  "midbody neurons",
  "preanal ganglion",
  "dorsorectal ganglion",
  "lumbar ganglion",
] as const;

/** One of {@link GANGLIA}. */
export type Ganglion = (typeof GANGLIA)[number];

/** The source's groupings of ganglia; usable wherever ganglia are selected. */
export const GANGLION_GROUPS = {
  /** The seven head entries, the first seven of {@link GANGLIA}: five ganglia and the two pharyngeal bulbs. */
  head: GANGLIA.slice(0, 7),
  pharynx: ["anterior pharyngeal bulb", "posterior pharyngeal bulb"],
} as const satisfies Record<string, readonly Ganglion[]>;

/** A key of {@link GANGLION_GROUPS}. */
export type GanglionGroup = keyof typeof GANGLION_GROUPS;

/** A neuron whose ganglion the pinned file gets wrong or leaves out, and why. */
export interface GanglionCorrection {
  readonly neuron: string;
  readonly ganglion: Ganglion;
  readonly reason: string;
}

/**
 * Corrections applied by {@link parseGanglia} (unless `corrections: false`). The pinned file
 * lists 300 names for 299 neurons: RMHL twice, and neither RMHR, DB7 nor VA11.
 */
export const GANGLION_CORRECTIONS: readonly GanglionCorrection[] = [
  {
    neuron: "RMHR",
    ganglion: "ventral ganglion",
    reason:
      "the file lists RMHL twice in the ventral ganglion and RMHR nowhere; the second RMHL is read as RMHR, since every other left/right pair of the file shares its ganglion",
  },
  {
    neuron: "DB7",
    ganglion: "ventral nerve cord",
    reason:
      "missing from the file; DB3-DB6 are listed in the ventral nerve cord, and DB7 is a ventral cord motor neuron (White et al. 1986)",
  },
  {
    neuron: "VA11",
    ganglion: "ventral nerve cord",
    reason:
      "missing from the file; VA2-VA10 are listed in the ventral nerve cord, and VA11 is a ventral cord motor neuron (White et al. 1986; VA12 is preanal)",
  },
];

/** Parsed ganglia table. */
export interface GanglionTable {
  /** Ganglion of each neuron (canonical names). */
  readonly ganglionOf: ReadonlyMap<string, Ganglion>;
  /** Neurons of each ganglion, in file order (corrected neurons appended). */
  readonly members: ReadonlyMap<Ganglion, readonly string[]>;
  /** Names the file lists more than once in one ganglion (each name once): `["RMHL"]` for the pinned file. */
  readonly duplicates: readonly string[];
  /** The corrections that were applied. */
  readonly corrections: readonly GanglionCorrection[];
}

/** Options of {@link parseGanglia}. */
export interface GanglionOptions extends NameOptions {
  /** Apply {@link GANGLION_CORRECTIONS} (default true); false gives the file as it is (299 neurons). */
  corrections?: boolean;
}

const GANGLION_SET: ReadonlySet<string> = new Set(GANGLIA);

/**
 * Parses the Worm Neuro Atlas ganglia JSON (`{ ganglion: [neuron, ...], head: [ganglion, ...],
 * pharynx: [ganglion, ...] }`). Throws a SyntaxError when the keys or groups differ from
 * {@link GANGLIA} / {@link GANGLION_GROUPS}, a name is not a neuron, or a neuron is listed in
 * two ganglia.
 *
 * @example
 * ```ts no-run
 * import { readFileSync } from "node:fs";
 * import { connectome } from "neurolab";
 * connectome.parseGanglia(readFileSync("ganglia.json", "utf8")); // corrections applied (see GANGLION_CORRECTIONS)
 * ```
 */
export function parseGanglia(json: string, opts: GanglionOptions = {}): GanglionTable {
  if (typeof json !== "string")
    throw new TypeError(
      `ganglia table: json must be a string, got ${json === null ? "null" : typeof json}`,
    );
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new SyntaxError(
      `ganglia table: not valid JSON (truncated file?): ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new SyntaxError("ganglia table: expected a JSON object");
  const record = data as Record<string, unknown>;
  const expectedKeys = [...GANGLIA, ...Object.keys(GANGLION_GROUPS)].sort();
  const keys = Object.keys(record).sort();
  if (keys.join("|") !== expectedKeys.join("|")) {
    throw new SyntaxError(
      `ganglia table: expected the keys ${expectedKeys.join(", ")}; got ${keys.join(", ")}`,
    );
  }
  for (const [group, ganglia] of Object.entries(GANGLION_GROUPS)) {
    if (JSON.stringify(record[group]) !== JSON.stringify(ganglia)) {
      throw new SyntaxError(
        `ganglia table: group "${group}" should be ${JSON.stringify(ganglia)}, got ${describeValue(record[group])}`,
      );
    }
  }
  const ganglionOf = new Map<string, Ganglion>();
  const members = new Map<Ganglion, string[]>();
  const duplicates = new Set<string>();
  for (const ganglion of GANGLIA) {
    const names = record[ganglion];
    if (!Array.isArray(names) || !names.every((x) => typeof x === "string")) {
      throw new SyntaxError(`ganglia table: "${ganglion}" is not a list of names`);
    }
    const list: string[] = [];
    for (const raw of names as string[]) {
      const name = normalizeCellName(raw, opts);
      if (cellKind(name) !== "neuron")
        throw new SyntaxError(
          `ganglia table: "${ganglion}" lists ${JSON.stringify(raw)}, which is not a neuron`,
        );
      const before = ganglionOf.get(name);
      if (before === ganglion) {
        duplicates.add(name);
        continue;
      }
      if (before)
        throw new SyntaxError(
          `ganglia table: ${name} is listed in both "${before}" and "${ganglion}"`,
        );
      ganglionOf.set(name, ganglion);
      list.push(name);
    }
    members.set(ganglion, list);
  }
  const applied: GanglionCorrection[] = [];
  if (opts.corrections ?? true) {
    for (const fix of GANGLION_CORRECTIONS) {
      const listed = ganglionOf.get(fix.neuron);
      if (listed === fix.ganglion) continue;
      if (listed)
        throw new SyntaxError(
          `ganglia table: ${fix.neuron} is listed in "${listed}", which contradicts the correction to "${fix.ganglion}"`,
        );
      ganglionOf.set(fix.neuron, fix.ganglion);
      members.get(fix.ganglion)!.push(fix.neuron);
      applied.push(fix);
    }
  }
  return { ganglionOf, members, duplicates: [...duplicates], corrections: applied };
}

/**
 * The set of ganglia named by `names` (ganglia or group names such as "head"). Throws a
 * RangeError naming `argument` and listing the allowed names for an unknown name.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.resolveGanglia(["pharynx", "lumbar ganglion"]); // groups expand to their ganglia
 * ```
 */
export function resolveGanglia(names: readonly string[], argument = "ganglia"): Set<Ganglion> {
  argument = describeName(argument);
  if (!Array.isArray(names))
    throw new TypeError(
      `${argument} must be an array of ganglion or group names, got ${names === null ? "null" : typeof names}`,
    );
  const out = new Set<Ganglion>();
  for (const name of names) {
    if (GANGLION_SET.has(name)) out.add(name as Ganglion);
    else if (Object.hasOwn(GANGLION_GROUPS, name))
      GANGLION_GROUPS[name as GanglionGroup].forEach((g) => out.add(g));
    else {
      const allowed = [...GANGLIA, ...Object.keys(GANGLION_GROUPS)]
        .map((g) => JSON.stringify(g))
        .join(", ");
      throw new RangeError(
        `${argument}: unknown ganglion ${describeValue(name)}; allowed: ${allowed}`,
      );
    }
  }
  return out;
}
