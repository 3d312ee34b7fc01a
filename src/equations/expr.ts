/**
 * Expressions as algebra: the function table (what the generated code may call), physical
 * dimensions of expressions (Brian2's unit checking), substitution, constant folding and
 * symbolic differentiation (used to split equations into the linear forms the integrators need).
 */
import { formatExpr, mapChildren, type Expr } from "./parse.js";
import {
  DIMENSIONLESS,
  dimDiv,
  dimEqual,
  dimMul,
  dimPow,
  formatDimension,
  isDimensionless,
  type Dimension,
} from "./units.js";

/** How a function treats dimensions: all arguments and result dimensionless, or the first argument's kept. */
type DimRule = "dimensionless" | "keep" | "sqrt" | "sign";

/** A function model code may call. */
export interface FunctionDef {
  readonly arity: number;
  readonly dims: DimRule;
  /** The implementation both code generators use (the same IEEE operations in JS and wasm). */
  readonly impl: (...x: number[]) => number;
  /** WebAssembly has an instruction for it (f64x2 lanes); otherwise wasm calls `impl` per lane. */
  readonly simd?: "sqrt" | "abs" | "floor" | "ceil";
}

/** Brian2's default functions (those neurolab supports), and `exprel`. */
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  exp: { arity: 1, dims: "dimensionless", impl: Math.exp },
  log: { arity: 1, dims: "dimensionless", impl: Math.log },
  log10: { arity: 1, dims: "dimensionless", impl: Math.log10 },
  expm1: { arity: 1, dims: "dimensionless", impl: Math.expm1 },
  log1p: { arity: 1, dims: "dimensionless", impl: Math.log1p },
  /** (exp(x) - 1)/x, continuous at 0 (Brian2's exprel). */
  exprel: {
    arity: 1,
    dims: "dimensionless",
    impl: (x: number) =>
      x === 0 ? 1 : Math.abs(x) < 1e-5 ? 1 + x / 2 + (x * x) / 6 : Math.expm1(x) / x,
  },
  sin: { arity: 1, dims: "dimensionless", impl: Math.sin },
  cos: { arity: 1, dims: "dimensionless", impl: Math.cos },
  tan: { arity: 1, dims: "dimensionless", impl: Math.tan },
  sinh: { arity: 1, dims: "dimensionless", impl: Math.sinh },
  cosh: { arity: 1, dims: "dimensionless", impl: Math.cosh },
  tanh: { arity: 1, dims: "dimensionless", impl: Math.tanh },
  arcsin: { arity: 1, dims: "dimensionless", impl: Math.asin },
  arccos: { arity: 1, dims: "dimensionless", impl: Math.acos },
  arctan: { arity: 1, dims: "dimensionless", impl: Math.atan },
  sqrt: { arity: 1, dims: "sqrt", impl: Math.sqrt, simd: "sqrt" },
  abs: { arity: 1, dims: "keep", impl: Math.abs, simd: "abs" },
  floor: { arity: 1, dims: "keep", impl: Math.floor, simd: "floor" },
  ceil: { arity: 1, dims: "keep", impl: Math.ceil, simd: "ceil" },
  sign: { arity: 1, dims: "sign", impl: Math.sign },
  /** clip(x, low, high) = min(max(x, low), high). */
  clip: {
    arity: 3,
    dims: "keep",
    impl: (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi),
  },
  /** int(x): truncation toward zero (Brian2's int of a boolean or number). */
  int: { arity: 1, dims: "keep", impl: Math.trunc },
};

/** Functions that draw random numbers (one per neuron and call site per step). */
export const RANDOM_FUNCTIONS = ["rand", "randn"] as const;

/** A dimension, or "any" for plain numbers from the namespace (not checked). */
export type Dim = Dimension | "any";

/**
 * A unit error: the message names the equation, the term and both dimensions.
 *
 * @example
 * ```ts
 * import { DimensionMismatchError, Network } from "neurolab";
 * const net = new Network();
 * try {
 *   net.addNeurons("bad", { size: 1, model: "dv/dt = -v/tau + 1*nA : volt", namespace: { tau: "10*ms" } });
 *   net.build();
 * } catch (e) {
 *   if (!(e instanceof DimensionMismatchError)) throw e; // names the equation, the term and both dimensions
 * }
 * ```
 */
export class DimensionMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DimensionMismatchError";
  }
}

const fmt = (d: Dim) => (d === "any" ? "any (a plain number)" : formatDimension(d));

/**
 * The dimension of `e`; `lookup` gives each name's dimension (throwing for unknown names).
 * A literal 0 fits any dimension. Throws {@link DimensionMismatchError} naming `where` and the term.
 */
export function dimensionOf(e: Expr, lookup: (name: string) => Dim, where: string): Dim {
  const same = (a: Dim, b: Dim, term: Expr): Dim => {
    if (a === "any") return b;
    if (b === "any") return a;
    if (!dimEqual(a, b))
      throw new DimensionMismatchError(
        `${where}: the terms of "${formatExpr(term)}" have different dimensions: ${fmt(a)} and ${fmt(b)}`,
      );
    return a;
  };
  const dimless = (d: Dim, term: Expr, what: string): void => {
    if (d !== "any" && !isDimensionless(d))
      throw new DimensionMismatchError(
        `${where}: ${what} "${formatExpr(term)}" must be dimensionless, got ${fmt(d)}`,
      );
  };
  const go = (x: Expr): Dim => {
    switch (x.k) {
      case "num":
        return x.v === 0 ? "any" : DIMENSIONLESS;
      case "name":
        return lookup(x.name);
      case "neg":
        return go(x.a);
      case "not":
        go(x.a);
        return DIMENSIONLESS;
      case "bin": {
        const a = go(x.a);
        const b = go(x.b);
        switch (x.op) {
          case "+":
          case "-":
            return same(a, b, x);
          case "<":
          case "<=":
          case ">":
          case ">=":
          case "==":
          case "!=":
            same(a, b, x);
            return DIMENSIONLESS;
          case "and":
          case "or":
            return DIMENSIONLESS;
          case "*":
            return a === "any" || b === "any" ? "any" : dimMul(a, b);
          case "/":
            return a === "any" || b === "any" ? "any" : dimDiv(a, b);
          case "**": {
            dimless(b, x.b, "the exponent");
            if (a === "any" || isDimensionless(a)) return a;
            const p = constantValue(x.b);
            if (p === undefined)
              throw new DimensionMismatchError(
                `${where}: "${formatExpr(x)}" raises a quantity of dimension ${fmt(a)} to a non-constant power`,
              );
            return dimPow(a, p);
          }
        }
        throw new DimensionMismatchError(`${where}: unknown operator in "${formatExpr(x)}"`);
      }
      case "call": {
        if ((RANDOM_FUNCTIONS as readonly string[]).includes(x.fn)) {
          if (x.args.length !== 0)
            throw new DimensionMismatchError(`${where}: ${x.fn}() takes no arguments`);
          return DIMENSIONLESS;
        }
        const f = FUNCTIONS[x.fn];
        if (!f)
          throw new DimensionMismatchError(
            `${where}: unknown function "${x.fn}" (known: ${[...Object.keys(FUNCTIONS), ...RANDOM_FUNCTIONS].join(", ")})`,
          );
        if (x.args.length !== f.arity)
          throw new DimensionMismatchError(
            `${where}: ${x.fn} takes ${f.arity} argument(s), got ${x.args.length} in "${formatExpr(x)}"`,
          );
        const dims = x.args.map(go);
        if (f.dims === "dimensionless") {
          x.args.forEach((a, k) => dimless(dims[k], a, `the argument of ${x.fn}`));
          return DIMENSIONLESS;
        }
        if (f.dims === "sqrt") return dims[0] === "any" ? "any" : dimPow(dims[0], 0.5);
        if (f.dims === "sign") return DIMENSIONLESS;
        return dims.reduce((a, b) => same(a, b, x));
      }
    }
  };
  return go(e);
}

/** The value of an expression made of numbers only (undefined otherwise). */
export function constantValue(e: Expr): number | undefined {
  const f = fold(e, () => undefined);
  return f.k === "num" ? f.v : undefined;
}

/** Replaces names by expressions (`map` returns undefined to keep a name). */
export function substitute(e: Expr, map: (name: string) => Expr | undefined): Expr {
  return e.k === "name" ? (map(e.name) ?? e) : mapChildren(e, (x) => substitute(x, map));
}

const num = (v: number): Expr => ({ k: "num", v });

/** Evaluates a binary operator as the generated code does. */
export function applyBinary(op: string, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "**":
      return powerOf(a, b);
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
    case "!=":
      return a !== b ? 1 : 0;
    case "and":
      return a !== 0 && b !== 0 ? 1 : 0;
    case "or":
      return a !== 0 || b !== 0 ? 1 : 0;
  }
  throw new Error(`unknown operator ${op}`);
}

/**
 * x ** p as the generated code computes it: small integer powers as repeated multiplication
 * (the same operations in JS and wasm), others with Math.pow.
 */
export function powerOf(x: number, p: number): number {
  if (Number.isInteger(p) && Math.abs(p) <= 4) {
    if (p === 0) return 1;
    let r = x;
    for (let k = 1; k < Math.abs(p); k++) r = r * x;
    return p < 0 ? 1 / r : r;
  }
  return Math.pow(x, p);
}

/**
 * Folds constants and simplifies trivially (x*1, x+0, 0*x, --x): names for which `value` gives
 * a number become that number. The result computes the same value; folding uses the same IEEE
 * operations as the generated code would, so both targets see identical constants.
 */
export function fold(e: Expr, value: (name: string) => number | undefined): Expr {
  switch (e.k) {
    case "num":
      return e;
    case "name": {
      const v = value(e.name);
      return v === undefined ? e : num(v);
    }
    case "neg": {
      const a = fold(e.a, value);
      if (a.k === "num") return num(-a.v);
      if (a.k === "neg") return a.a;
      return { k: "neg", a };
    }
    case "not": {
      const a = fold(e.a, value);
      return a.k === "num" ? num(a.v === 0 ? 1 : 0) : { k: "not", a };
    }
    case "bin": {
      const a = fold(e.a, value);
      const b = fold(e.b, value);
      if (a.k === "num" && b.k === "num") return num(applyBinary(e.op, a.v, b.v));
      if (e.op === "*") {
        if ((a.k === "num" && a.v === 0) || (b.k === "num" && b.v === 0)) return num(0);
        if (a.k === "num" && a.v === 1) return b;
        if (b.k === "num" && b.v === 1) return a;
      }
      if (e.op === "+") {
        if (a.k === "num" && a.v === 0) return b;
        if (b.k === "num" && b.v === 0) return a;
      }
      if (e.op === "-") {
        if (b.k === "num" && b.v === 0) return a;
        if (a.k === "num" && a.v === 0) return fold({ k: "neg", a: b }, value);
      }
      if (e.op === "/" && b.k === "num" && b.v === 1) return a;
      if (e.op === "/" && a.k === "num" && a.v === 0) return num(0);
      if (e.op === "**" && b.k === "num" && b.v === 1) return a;
      return { ...e, a, b };
    }
    case "call": {
      const args = e.args.map((x) => fold(x, value));
      const f = FUNCTIONS[e.fn];
      if (f && args.every((x) => x.k === "num"))
        return num(f.impl(...args.map((x) => (x as { v: number }).v)));
      return { ...e, args };
    }
  }
}

/** Symbolic derivative of `e` with respect to `x` (simplified; for splitting linear forms). */
export function derivative(e: Expr, x: string): Expr {
  const d = (a: Expr): Expr => derivative(a, x);
  const zero = num(0);
  const bin = (op: "+" | "-" | "*" | "/", a: Expr, b: Expr): Expr => ({ k: "bin", op, a, b });
  const raw = ((): Expr => {
    switch (e.k) {
      case "num":
        return zero;
      case "name":
        return num(e.name === x ? 1 : 0);
      case "neg":
        return { k: "neg", a: d(e.a) };
      case "not":
        return zero;
      case "bin":
        switch (e.op) {
          case "+":
          case "-":
            return bin(e.op, d(e.a), d(e.b));
          case "*":
            return bin("+", bin("*", d(e.a), e.b), bin("*", e.a, d(e.b)));
          case "/":
            return bin(
              "-",
              bin("/", d(e.a), e.b),
              bin("/", bin("*", e.a, d(e.b)), bin("*", e.b, e.b)),
            );
          case "**": {
            const p = constantValue(e.b);
            if (p !== undefined)
              return bin(
                "*",
                bin("*", num(p), { k: "bin", op: "**", a: e.a, b: num(p - 1) }),
                d(e.a),
              );
            return { k: "call", fn: "__nonlinear", args: [e] };
          }
          default:
            return zero; // comparisons and logic are piecewise constant
        }
      case "call": {
        const inner = e.args.map(d);
        if (
          inner.every(
            (a) =>
              fold(a, () => undefined).k === "num" &&
              (fold(a, () => undefined) as { v: number }).v === 0,
          )
        )
          return zero;
        if (e.fn === "exp") return bin("*", e, inner[0]);
        if (e.fn === "sqrt") return bin("/", inner[0], bin("*", num(2), e));
        if (e.fn === "log") return bin("/", inner[0], e.args[0]);
        return { k: "call", fn: "__nonlinear", args: [e] }; // a marker: depends on x in a way not differentiated here
      }
    }
  })();
  return fold(raw, () => undefined);
}
