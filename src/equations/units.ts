/**
 * Physical dimensions and units for model equations (Brian2's unit names), with neurolab's base
 * system for plain numbers: **ms, mV, pA, nS, pF, µm** (and Hz = 1/s = 0.001 per ms). These are
 * consistent: nS x mV = pA, pF x mV / ms = pA, so a number computed from numbers in base units is
 * itself in base units. In TypeScript a unit is a plain number (its value in the base system):
 * `20 * ms` is 20, `1 * second` is 1000, `5 * Hz` is 0.005, `1 * nA` is 1000. No object is made,
 * so nothing is allocated on hot paths.
 *
 * A dimension is the vector of exponents of the seven SI base dimensions (length, mass, time,
 * current, temperature, amount, luminosity), as in Brian2's `Dimension`.
 */

/** Exponents of [m, kg, s, A, K, mol, cd]. */
export type Dimension = readonly [number, number, number, number, number, number, number];

/** The dimension of pure numbers. */
export const DIMENSIONLESS: Dimension = [0, 0, 0, 0, 0, 0, 0];

const BASE_NAMES = ["m", "kg", "s", "A", "K", "mol", "cd"];

/**
 * Value of one SI base unit in neurolab's base system: 1 m = 1e6 µm, 1 s = 1e3 ms, 1 A = 1e12 pA;
 * the kilogram's factor (1e12) follows from 1 V = 1e3 mV (V = kg m² s⁻³ A⁻¹).
 */
const SI_TO_BASE = [1e6, 1e12, 1e3, 1e12, 1, 1, 1];

/** Product of dimensions (exponents add). */
export function dimMul(a: Dimension, b: Dimension): Dimension {
  return a.map((x, i) => x + b[i]) as unknown as Dimension;
}

/** Quotient of dimensions. */
export function dimDiv(a: Dimension, b: Dimension): Dimension {
  return a.map((x, i) => x - b[i]) as unknown as Dimension;
}

/** Power of a dimension. */
export function dimPow(a: Dimension, p: number): Dimension {
  return a.map((x) => x * p) as unknown as Dimension;
}

/** Whether two dimensions are equal. */
export function dimEqual(a: Dimension, b: Dimension): boolean {
  for (let i = 0; i < 7; i++) if (Math.abs(a[i] - b[i]) > 1e-12) return false;
  return true;
}

/** True for the dimension of pure numbers. */
export function isDimensionless(a: Dimension): boolean {
  return dimEqual(a, DIMENSIONLESS);
}

/** Factor that converts an SI value of dimension `d` into neurolab's base system. */
export function siToBase(d: Dimension): number {
  let f = 1;
  for (let i = 0; i < 7; i++) if (d[i] !== 0) f *= SI_TO_BASE[i] ** d[i];
  return f;
}

/** A unit: its dimension and its value in neurolab's base system. */
export interface Unit {
  readonly dim: Dimension;
  /** The unit's value in the base system (e.g. second -> 1000, since the base is ms). */
  readonly scale: number;
}

const D = (m: number, kg: number, s: number, A: number, K = 0, mol = 0, cd = 0): Dimension => [
  m,
  kg,
  s,
  A,
  K,
  mol,
  cd,
];
const VOLT = D(2, 1, -3, -1);
const SIEMENS = D(-2, -1, 3, 2);
const FARAD = D(-2, -1, 4, 2);
const OHM = D(2, 1, -3, -2);
const HERTZ = D(0, 0, -1, 0);

/** SI units by Brian2's names, before prefixes (value in SI). */
const SI_UNITS: Record<string, Dimension> = {
  metre: D(1, 0, 0, 0),
  meter: D(1, 0, 0, 0),
  kilogram: D(0, 1, 0, 0),
  gram: D(0, 1, 0, 0),
  second: D(0, 0, 1, 0),
  amp: D(0, 0, 0, 1),
  ampere: D(0, 0, 0, 1),
  kelvin: D(0, 0, 0, 0, 1),
  mole: D(0, 0, 0, 0, 0, 1),
  mol: D(0, 0, 0, 0, 0, 1),
  candela: D(0, 0, 0, 0, 0, 0, 1),
  volt: VOLT,
  siemens: SIEMENS,
  farad: FARAD,
  ohm: OHM,
  hertz: HERTZ,
  coulomb: D(0, 0, 1, 1),
  joule: D(2, 1, -2, 0),
  watt: D(2, 1, -3, 0),
  newton: D(1, 1, -2, 0),
  pascal: D(-1, 1, -2, 0),
  liter: D(3, 0, 0, 0),
  litre: D(3, 0, 0, 0),
  molar: D(-3, 0, 0, 0, 0, 1),
  radian: DIMENSIONLESS,
};
/** Brian2's short symbols. */
const SI_SYMBOLS: Record<string, keyof typeof SI_UNITS> = {
  m: "metre",
  g: "gram",
  s: "second",
  A: "amp",
  K: "kelvin",
  V: "volt",
  S: "siemens",
  F: "farad",
  Hz: "hertz",
  C: "coulomb",
  J: "joule",
  W: "watt",
  N: "newton",
  Pa: "pascal",
  l: "liter",
  L: "liter",
  M: "molar",
};
const PREFIXES: Record<string, number> = {
  p: 1e-12,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  c: 1e-2,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  f: 1e-15,
};
const LONG_PREFIXES: Record<string, number> = {
  pico: 1e-12,
  nano: 1e-9,
  micro: 1e-6,
  milli: 1e-3,
  centi: 1e-2,
  kilo: 1e3,
  mega: 1e6,
  giga: 1e9,
  femto: 1e-15,
};

/**
 * The unit called `name` (Brian2's names: `volt`, `mV`, `mvolt`, `ms`, `msecond`, `nS`, `pA`,
 * `pF`, `Hz`, `Mohm`, `umetre`, `cm2` ..., and `1` for dimensionless), or undefined.
 *
 * @example
 * ```ts
 * import { lookupUnit } from "neurolab";
 * lookupUnit("nS")!.scale; // 1: the base conductance unit
 * lookupUnit("second")!.scale; // 1000 ms
 * ```
 */
export function lookupUnit(name: string): Unit | undefined {
  if (typeof name !== "string")
    throw new TypeError(`unit name must be a string such as "mV", got ${typeof name}`);
  if (name === "1") return { dim: DIMENSIONLESS, scale: 1 };
  const power = /^(.*?)([23])$/.exec(name);
  if (power && power[1] !== "") {
    const u = lookupUnit(power[1]);
    return u && { dim: dimPow(u.dim, Number(power[2])), scale: u.scale ** Number(power[2]) };
  }
  const si = (base: string, factor: number): Unit | undefined => {
    const dim = SI_UNITS[base];
    if (!dim) return undefined;
    const gramFactor = base === "gram" ? 1e-3 : 1; // the SI unit is the kilogram
    return { dim, scale: factor * gramFactor * siToBase(dim) };
  };
  if (name in SI_UNITS) return si(name, 1);
  if (name in SI_SYMBOLS) return si(SI_SYMBOLS[name], 1);
  if (name === "ohm" || name === "ohms") return si("ohm", 1);
  for (const [p, f] of Object.entries(LONG_PREFIXES))
    if (name.startsWith(p) && name.slice(p.length) in SI_UNITS) return si(name.slice(p.length), f);
  if (name.length > 1 && name[0] in PREFIXES) {
    const rest = name.slice(1);
    if (rest in SI_SYMBOLS) return si(SI_SYMBOLS[rest], PREFIXES[name[0]]);
    if (rest in SI_UNITS) return si(rest, PREFIXES[name[0]]);
  }
  return undefined;
}

/**
 * Formats a dimension in SI base units, e.g. "m^2 kg s^-3 A^-1" (or "1").
 *
 * @example
 * ```ts
 * import { formatDimension, lookupUnit } from "neurolab";
 * formatDimension(lookupUnit("nS")!.dim); // "m^-2 kg^-1 s^3 A^2"
 * ```
 */
export function formatDimension(d: Dimension): string {
  for (const [name, dim] of NAMED_DIMENSIONS) if (dimEqual(d, dim)) return name;
  const parts = d
    .map((e, i) => (e === 0 ? "" : e === 1 ? BASE_NAMES[i] : `${BASE_NAMES[i]}^${+e.toFixed(6)}`))
    .filter(Boolean);
  return parts.length ? parts.join(" ") : "1";
}

const NAMED_DIMENSIONS: [string, Dimension][] = [
  ["1 (dimensionless)", DIMENSIONLESS],
  ["volt", VOLT],
  ["second", D(0, 0, 1, 0)],
  ["amp", D(0, 0, 0, 1)],
  ["siemens", SIEMENS],
  ["farad", FARAD],
  ["ohm", OHM],
  ["hertz (1/second)", HERTZ],
  ["volt/second", dimDiv(VOLT, D(0, 0, 1, 0))],
  ["amp/second", D(0, 0, -1, 1)],
  ["siemens/second", dimDiv(SIEMENS, D(0, 0, 1, 0))],
  ["metre", D(1, 0, 0, 0)],
  ["molar", D(-3, 0, 0, 0, 0, 1)],
];

/** A volt, in base units (mV): 1000. The other exports are the common units in base units. */
export const volt = 1e3;
export const mV = 1;
export const uV = 1e-3;
export const second = 1e3;
export const ms = 1;
export const us = 1e-3;
export const Hz = 1e-3;
export const kHz = 1;
export const amp = 1e12;
export const nA = 1e3;
export const pA = 1;
export const siemens = 1e9;
export const uS = 1e3;
export const nS = 1;
export const pS = 1e-3;
export const farad = 1e12;
export const nF = 1e3;
export const pF = 1;
export const ohm = 1e-9;
export const kohm = 1e-6;
export const Mohm = 1e-3;
export const Gohm = 1;
export const metre = 1e6;
export const um = 1;
