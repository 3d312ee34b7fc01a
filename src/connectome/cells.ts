/**
 * C. elegans cell names: the 302 hermaphrodite neurons and their classes, name normalisation
 * across data sources, and the neuron / muscle / other-cell distinction.
 *
 * Neuron classes follow WormAtlas nomenclature as used by the Simeon et al. 2024 master sheet
 * (plus CAN, absent there). Muscles are body-wall muscles (canonical `MDL01` ... `MVR24`,
 * as in OpenWorm/c302), pharyngeal muscles (`pm1`...`pm8`, with Cook's `pm3vl` etc.),
 * vulval and uterine muscles (`vm*`, `um*`) and the enteric muscles (`intL`, `intR`, `anal`,
 * `sph`). Everything else (hypodermis, intestine, marginal cells `mc*`, GLR cells, glia) is
 * "other".
 */

import { describeValue } from "../core/describe.js";

/** What a cell is. */
export type CellKind = "neuron" | "muscle" | "other";

/** Neuron classes and members, `CLASS:MEMBER MEMBER;...` (302 neurons). */
const NEURON_CLASS_TABLE =
  "ADA:ADAL ADAR;ADE:ADEL ADER;ADF:ADFL ADFR;ADL:ADLL ADLR;AFD:AFDL AFDR;AIA:AIAL AIAR;AIB:AIBL AIBR;" +
  "AIM:AIML AIMR;AIN:AINL AINR;AIY:AIYL AIYR;AIZ:AIZL AIZR;ALA:ALA;ALM:ALML ALMR;ALN:ALNL ALNR;" +
  "AQR:AQR;AS:AS1 AS2 AS3 AS4 AS5 AS6 AS7 AS8 AS9 AS10 AS11;ASE:ASEL ASER;ASG:ASGL ASGR;" +
  "ASH:ASHL ASHR;ASI:ASIL ASIR;ASJ:ASJL ASJR;ASK:ASKL ASKR;AUA:AUAL AUAR;AVA:AVAL AVAR;AVB:AVBL AVBR;" +
  "AVD:AVDL AVDR;AVE:AVEL AVER;AVF:AVFL AVFR;AVG:AVG;AVH:AVHL AVHR;AVJ:AVJL AVJR;AVK:AVKL AVKR;" +
  "AVL:AVL;AVM:AVM;AWA:AWAL AWAR;AWB:AWBL AWBR;AWC:AWCL AWCR;BAG:BAGL BAGR;BDU:BDUL BDUR;" +
  "CAN:CANL CANR;CEP:CEPDL CEPDR CEPVL CEPVR;DA:DA1 DA2 DA3 DA4 DA5 DA6 DA7 DA8 DA9;" +
  "DB:DB1 DB2 DB3 DB4 DB5 DB6 DB7;DD:DD1 DD2 DD3 DD4 DD5 DD6;DVA:DVA;DVB:DVB;DVC:DVC;FLP:FLPL FLPR;" +
  "HSN:HSNL HSNR;I1:I1L I1R;I2:I2L I2R;I3:I3;I4:I4;I5:I5;I6:I6;IL1:IL1L IL1R IL1DL IL1DR IL1VL IL1VR;" +
  "IL2:IL2L IL2R IL2DL IL2DR IL2VL IL2VR;LUA:LUAL LUAR;M1:M1;M2:M2L M2R;M3:M3L M3R;M4:M4;M5:M5;" +
  "MC:MCL MCR;MI:MI;NSM:NSML NSMR;OLL:OLLL OLLR;OLQ:OLQDL OLQDR OLQVL OLQVR;PDA:PDA;PDB:PDB;" +
  "PDE:PDEL PDER;PHA:PHAL PHAR;PHB:PHBL PHBR;PHC:PHCL PHCR;PLM:PLML PLMR;PLN:PLNL PLNR;PQR:PQR;" +
  "PVC:PVCL PVCR;PVD:PVDL PVDR;PVM:PVM;PVN:PVNL PVNR;PVP:PVPL PVPR;PVQ:PVQL PVQR;PVR:PVR;PVT:PVT;" +
  "PVW:PVWL PVWR;RIA:RIAL RIAR;RIB:RIBL RIBR;RIC:RICL RICR;RID:RID;RIF:RIFL RIFR;RIG:RIGL RIGR;" +
  "RIH:RIH;RIM:RIML RIMR;RIP:RIPL RIPR;RIR:RIR;RIS:RIS;RIV:RIVL RIVR;" +
  "RMD:RMDL RMDR RMDDL RMDDR RMDVL RMDVR;RME:RMED RMEL RMER RMEV;RMF:RMFL RMFR;RMG:RMGL RMGR;" +
  "RMH:RMHL RMHR;SAA:SAADL SAADR SAAVL SAAVR;SAB:SABD SABVL SABVR;SDQ:SDQL SDQR;" +
  "SIA:SIADL SIADR SIAVL SIAVR;SIB:SIBDL SIBDR SIBVL SIBVR;SMB:SMBDL SMBDR SMBVL SMBVR;" +
  "SMD:SMDDL SMDDR SMDVL SMDVR;URA:URADL URADR URAVL URAVR;URB:URBL URBR;URX:URXL URXR;" +
  "URY:URYDL URYDR URYVL URYVR;VA:VA1 VA2 VA3 VA4 VA5 VA6 VA7 VA8 VA9 VA10 VA11 VA12;" +
  "VB:VB1 VB2 VB3 VB4 VB5 VB6 VB7 VB8 VB9 VB10 VB11;VC:VC1 VC2 VC3 VC4 VC5 VC6;" +
  "VD:VD1 VD2 VD3 VD4 VD5 VD6 VD7 VD8 VD9 VD10 VD11 VD12 VD13;";

/** Neuron name -> class, for the 302 hermaphrodite neurons. */
const CLASS_OF_NEURON: ReadonlyMap<string, string> = new Map(
  NEURON_CLASS_TABLE.split(";")
    .filter((entry) => entry.length > 0)
    .flatMap((entry) => {
      const [cls, members] = entry.split(":");
      return members.split(" ").map((name) => [name, cls] as [string, string]);
    }),
);

/** The 302 hermaphrodite neuron names, sorted as plain strings. */
export const NEURON_NAMES: readonly string[] = [...CLASS_OF_NEURON.keys()].sort();

/** Options of {@link normalizeCellName}. */
export interface NameOptions {
  /**
   * Which anatomical AWC neuron the functional identity AWCON is (AWCOFF is then the other).
   * AWC ON/OFF is decided stochastically per animal, so there is no fixed mapping; without
   * this option AWCON and AWCOFF are kept as they are (and are still neurons of class AWC).
   */
  awcOn?: "AWCL" | "AWCR";
}

const NUMBERED_MOTOR = /^(AS|DA|DB|DD|VA|VB|VC|VD)0*([1-9]\d*)$/;
const BODY_WALL_COOK = /^([dv])BWM([LR])(\d{1,2})$/;
const BODY_WALL_WHITE = /^BWM-([DV])([LR])(\d{1,2})$/;
const BODY_WALL_C302 = /^M([DV])([LR])(\d{1,2})$/;

/**
 * Canonical name of a cell as written in any of the pinned sources: trims padding, removes
 * zero padding of numbered motor neurons (`DA01` -> `DA1`), writes body-wall muscles as
 * `MDL01` (from Cook's `dBWML1` and White's `BWM-DL01`), and optionally maps AWCON/AWCOFF
 * to AWCL/AWCR. Other names are returned trimmed.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.normalizeCellName("VA01"); // "VA1"
 * connectome.normalizeCellName("BWM-DL01"); // "MDL01" (body-wall muscles as in Cook 2019)
 * ```
 */
export function normalizeCellName(raw: string, opts: NameOptions = {}): string {
  if (typeof raw !== "string")
    throw new TypeError(`cell name must be a string, got ${raw === null ? "null" : typeof raw}`);
  const name = raw.trim();
  let m = NUMBERED_MOTOR.exec(name);
  if (m) return `${m[1]}${m[2]}`;
  m = BODY_WALL_COOK.exec(name) ?? BODY_WALL_WHITE.exec(name) ?? BODY_WALL_C302.exec(name);
  if (m) return `M${m[1].toUpperCase()}${m[2]}${m[3].padStart(2, "0")}`;
  if (opts.awcOn && (name === "AWCON" || name === "AWCOFF")) {
    const other = opts.awcOn === "AWCL" ? "AWCR" : "AWCL";
    return name === "AWCON" ? opts.awcOn : other;
  }
  return name;
}

/**
 * The non-neuron, non-muscle cells the pinned sources name: pharyngeal marginal cells (mc1-3),
 * hypodermis, intestine, CEP sheath glia and the GLR cells.
 */
const KNOWN_OTHER = /^(mc[123](dl|dr|v)|hyp|intestine|CEPsh[DV][LR]|GLR([DV][LR]|[LR]))$/;

/**
 * Whether a canonical name is a cell the pinned sources know (a neuron, a muscle or one of their other cells).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * [connectome.isKnownCell("AVAL"), connectome.isKnownCell("XYZ")]; // [true, false]
 * ```
 */
export function isKnownCell(name: string): boolean {
  if (typeof name !== "string") return false;
  return cellKind(name) !== "other" || KNOWN_OTHER.test(name);
}

const MUSCLE =
  /^(M[DV][LR]\d\d|pm\d[a-z]*|[uv]m\d[a-z]*[LR]?|intL|intR|anal|sph|LegacyBodyWallMuscles)$/;

/**
 * Whether a canonical name (see {@link normalizeCellName}) is a neuron, a muscle or another cell.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * [connectome.cellKind("AVAL"), connectome.cellKind("MDL01"), connectome.cellKind("hyp")]; // ["neuron", "muscle", "other"]
 * ```
 */
export function cellKind(name: string): CellKind {
  if (typeof name !== "string")
    throw new TypeError(`name must be a cell name (a string), got ${describeValue(name)}`);
  if (CLASS_OF_NEURON.has(name) || name === "AWCON" || name === "AWCOFF") return "neuron";
  return MUSCLE.test(name) ? "muscle" : "other";
}

/**
 * Class of a cell: the neuron class (`AVAL` -> `AVA`, `DA1` -> `DA`, `AWCON` -> `AWC`),
 * `BWM` for body-wall muscles, and the name itself for any other cell.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.cellClass("AVAL"); // "AVA"
 * ```
 */
export function cellClass(name: string): string {
  if (typeof name !== "string")
    throw new TypeError(`cellClass: name must be a cell name (string), got ${describeValue(name)}`);
  const cls = CLASS_OF_NEURON.get(name);
  if (cls) return cls;
  if (name === "AWCON" || name === "AWCOFF") return "AWC";
  if (/^M[DV][LR]\d\d$/.test(name)) return "BWM";
  return name;
}
