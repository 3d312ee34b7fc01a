/**
 * Parser of model descriptions in Brian2's notation:
 *
 *   equations   `dv/dt = (El - v)/taum : volt (unless refractory)`  differential equation
 *               `I = g*(E - v) : amp`                                subexpression (substituted)
 *               `tau : second (constant)`                            per-neuron parameter
 *               `# comment`, one equation per line
 *   statements  `v = Vr`, `ge_post += w`, `x -= 1; y *= 2` (reset, on_pre, on_post)
 *   expressions numbers, names, `+ - * / **`, comparisons, `and or not`, function calls
 *
 * Expressions become a small AST that the unit checker, the integrators and the two code
 * generators (JavaScript and WebAssembly) walk.
 */

import { describeName } from "../core/describe.js";

/** An expression. */
export type Expr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "name"; readonly name: string }
  | { readonly k: "neg"; readonly a: Expr }
  | { readonly k: "not"; readonly a: Expr }
  | { readonly k: "bin"; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: "call"; readonly fn: string; readonly args: readonly Expr[] };

/** Binary operators, Python's precedence. */
export type BinaryOp =
  "+" | "-" | "*" | "/" | "**" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "and" | "or";

/**
 * A parse error; the message names the text and the position.
 *
 * @example
 * ```ts
 * import { ModelSyntaxError, parseEquations } from "neurolab";
 * try {
 *   parseEquations("dv/dt = (1 - v/tau : 1");
 * } catch (e) {
 *   if (!(e instanceof ModelSyntaxError)) throw e; // names the equation and where parsing stopped
 * }
 * ```
 */
export class ModelSyntaxError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = "ModelSyntaxError";
  }
}

interface Token {
  t: "num" | "name" | "op" | "end";
  s: string;
  at: number;
}

const OPS = ["**", "<=", ">=", "==", "!=", "+", "-", "*", "/", "(", ")", ",", "<", ">"];

function tokenize(src: string, where: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", s: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ t: "name", s: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op)
      throw new ModelSyntaxError(
        `${where}: unexpected character ${JSON.stringify(c)} at column ${i + 1} of "${src}"`,
      );
    out.push({ t: "op", s: op, at: i });
    i += op.length;
  }
  out.push({ t: "end", s: "", at: src.length });
  return out;
}

/**
 * Parses one expression; `where` names it in errors (e.g. the equation).
 *
 * @example
 * ```ts
 * import { formatExpr, parseExpression } from "neurolab";
 * formatExpr(parseExpression("ge*(Ee - v) + clip(x, 0, 1)**2"));
 * ```
 */
export function parseExpression(src: string, where = "expression"): Expr {
  where = describeName(where);
  if (typeof src !== "string") throw new TypeError(`${where} must be a string, got ${typeof src}`);
  const toks = tokenize(src, where);
  let p = 0;
  const peek = () => toks[p];
  const fail = (msg: string): never => {
    throw new ModelSyntaxError(`${where}: ${msg} at column ${peek().at + 1} of "${src}"`);
  };
  const isOp = (s: string) => peek().t === "op" && peek().s === s;
  const isWord = (s: string) => peek().t === "name" && peek().s === s;
  const expect = (s: string) => (isOp(s) ? p++ : fail(`expected "${s}"`));

  const or = (): Expr => {
    let a = and();
    while (isWord("or")) {
      p++;
      a = { k: "bin", op: "or", a, b: and() };
    }
    return a;
  };
  const and = (): Expr => {
    let a = not();
    while (isWord("and")) {
      p++;
      a = { k: "bin", op: "and", a, b: not() };
    }
    return a;
  };
  const not = (): Expr => {
    if (isWord("not")) {
      p++;
      return { k: "not", a: not() };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const a = sum();
    const t = peek();
    if (t.t === "op" && ["<", "<=", ">", ">=", "==", "!="].includes(t.s)) {
      p++;
      const b = sum();
      if (peek().t === "op" && ["<", "<=", ">", ">=", "==", "!="].includes(peek().s))
        fail("chained comparisons are not supported (use and)");
      return { k: "bin", op: t.s as BinaryOp, a, b };
    }
    return a;
  };
  const sum = (): Expr => {
    let a = product();
    while (isOp("+") || isOp("-")) {
      const op = toks[p++].s as BinaryOp;
      a = { k: "bin", op, a, b: product() };
    }
    return a;
  };
  const product = (): Expr => {
    let a = unary();
    while (isOp("*") || isOp("/")) {
      const op = toks[p++].s as BinaryOp;
      a = { k: "bin", op, a, b: unary() };
    }
    return a;
  };
  const unary = (): Expr => {
    if (isOp("-")) {
      p++;
      return { k: "neg", a: unary() };
    }
    if (isOp("+")) {
      p++;
      return unary();
    }
    return power();
  };
  const power = (): Expr => {
    const a = atom();
    if (isOp("**")) {
      p++;
      return { k: "bin", op: "**", a, b: unary() }; // right-associative, binds tighter than a unary minus on its left
    }
    return a;
  };
  const atom = (): Expr => {
    const t = peek();
    if (t.t === "num") {
      p++;
      return { k: "num", v: Number(t.s) };
    }
    if (t.t === "name") {
      if (["and", "or", "not"].includes(t.s)) fail(`unexpected "${t.s}"`);
      p++;
      if (isOp("(")) {
        p++;
        const args: Expr[] = [];
        if (!isOp(")")) {
          args.push(or());
          while (isOp(",")) {
            p++;
            args.push(or());
          }
        }
        expect(")");
        return { k: "call", fn: t.s, args };
      }
      if (t.s === "True" || t.s === "true") return { k: "num", v: 1 };
      if (t.s === "False" || t.s === "false") return { k: "num", v: 0 };
      return { k: "name", name: t.s };
    }
    if (isOp("(")) {
      p++;
      const e = or();
      expect(")");
      return e;
    }
    return fail(t.t === "end" ? "unexpected end" : `unexpected "${t.s}"`);
  };
  const e = or();
  if (peek().t !== "end") fail(`unexpected "${peek().s}"`);
  return e;
}

/** The flags Brian2 defines for equations (and the ones neurolab understands). */
export const EQUATION_FLAGS = [
  "unless refractory",
  "constant",
  "shared",
  "event-driven",
  "clock-driven",
  "summed",
  "constant over dt",
] as const;
/** One flag of an equation. */
export type EquationFlag = (typeof EQUATION_FLAGS)[number];

/** One line of a model's equations. */
export interface Equation {
  /** "diff": dx/dt = expr; "sub": x = expr (substituted where used); "param": x (a value per neuron or shared). */
  readonly kind: "diff" | "sub" | "param";
  /** The variable defined. */
  readonly name: string;
  /** Right-hand side (absent for parameters). */
  readonly expr?: Expr;
  /** The right-hand side's text, for messages. */
  readonly exprText?: string;
  /** The unit text after the colon, e.g. "volt", "siemens/meter**2", "1". */
  readonly unitText: string;
  /** The unit as an expression of unit names. */
  readonly unit: Expr;
  readonly flags: readonly EquationFlag[];
  /** The line as written, for messages. */
  readonly text: string;
}

/**
 * Parses a model's equations (one per line; `#` starts a comment). Throws a
 * {@link ModelSyntaxError} naming the line for anything else.
 *
 * @example
 * ```ts
 * import { parseEquations } from "neurolab";
 * parseEquations("dv/dt = -v/tau : volt (unless refractory)\ntau : second (constant)"); // the equations, with units and flags
 * ```
 */
export function parseEquations(src: string): Equation[] {
  if (typeof src !== "string")
    throw new TypeError(`model must be a string of equations, got ${typeof src}`);
  const out: Equation[] = [];
  for (const raw of src.split("\n")) {
    const text = raw.replace(/#.*$/, "").trim();
    if (!text) continue;
    const m = /^(.*?):\s*([^:()]+?)\s*(?:\(([^()]*)\))?\s*$/.exec(text);
    if (!m)
      throw new ModelSyntaxError(`equation "${text}": expected "<definition> : <unit> (flags)"`);
    const [, def, unitText, flagText] = m;
    const flags = (flagText ?? "")
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean)
      .map((f) => {
        if (!(EQUATION_FLAGS as readonly string[]).includes(f))
          throw new ModelSyntaxError(
            `equation "${text}": flag must be one of ${EQUATION_FLAGS.join(", ")}, got "${f}"`,
          );
        return f as EquationFlag;
      });
    const unit = parseExpression(unitText, `unit of "${text}"`);
    const d = /^d\s*([A-Za-z_][A-Za-z0-9_]*)\s*\/\s*dt\s*=(.*)$/.exec(def);
    if (d) {
      out.push({
        kind: "diff",
        name: d[1],
        expr: parseExpression(d[2].trim(), `equation "${text}"`),
        exprText: d[2].trim(),
        unitText: unitText.trim(),
        unit,
        flags,
        text,
      });
      continue;
    }
    const s = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(def.trim());
    if (s) {
      out.push({
        kind: "sub",
        name: s[1],
        expr: parseExpression(s[2].trim(), `equation "${text}"`),
        exprText: s[2].trim(),
        unitText: unitText.trim(),
        unit,
        flags,
        text,
      });
      continue;
    }
    const pname = /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(def.trim());
    if (pname) {
      out.push({ kind: "param", name: pname[1], unitText: unitText.trim(), unit, flags, text });
      continue;
    }
    throw new ModelSyntaxError(
      `equation "${text}": expected "dx/dt = ...", "x = ..." or "x" before the colon`,
    );
  }
  const seen = new Set<string>();
  for (const e of out) {
    if (seen.has(e.name))
      throw new ModelSyntaxError(`equation "${e.text}": ${e.name} is defined twice`);
    seen.add(e.name);
  }
  return out;
}

/** One statement of a reset, on_pre or on_post. */
export interface Statement {
  readonly target: string;
  readonly op: "=" | "+=" | "-=" | "*=" | "/=";
  readonly expr: Expr;
  readonly text: string;
}

/**
 * Parses statements, one per line or separated by `;` (e.g. `"v = Vr; w += 1"`).
 *
 * @example
 * ```ts
 * import { parseStatements } from "neurolab";
 * parseStatements("v = Vr; w += b", "reset"); // two statements: an assignment and an increment
 * ```
 */
export function parseStatements(src: string, where: string): Statement[] {
  where = describeName(where);
  if (typeof src !== "string")
    throw new TypeError(`${where} must be a string of statements, got ${typeof src}`);
  const out: Statement[] = [];
  for (const raw of src.split(/[\n;]/)) {
    const text = raw.replace(/#.*$/, "").trim();
    if (!text) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=|\+=|-=|\*=|\/=)(?!=)(.*)$/.exec(text);
    if (!m)
      throw new ModelSyntaxError(
        `${where}: statement "${text}" must look like "x = expr" or "x += expr"`,
      );
    out.push({
      target: m[1],
      op: m[2] as Statement["op"],
      expr: parseExpression(m[3].trim(), `${where}: "${text}"`),
      text,
    });
  }
  return out;
}

/** `e` with `f` applied to each direct sub-expression (a building block of tree rewrites). */
export function mapChildren(e: Expr, f: (x: Expr) => Expr): Expr {
  switch (e.k) {
    case "num":
    case "name":
      return e;
    case "neg":
    case "not":
      return { ...e, a: f(e.a) };
    case "bin":
      return { ...e, a: f(e.a), b: f(e.b) };
    case "call":
      return { ...e, args: e.args.map(f) };
  }
}

/** Names an expression reads. */
export function namesIn(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.k) {
    case "name":
      out.add(e.name);
      break;
    case "neg":
    case "not":
      namesIn(e.a, out);
      break;
    case "bin":
      namesIn(e.a, out);
      namesIn(e.b, out);
      break;
    case "call":
      for (const a of e.args) namesIn(a, out);
      break;
  }
  return out;
}

/**
 * Formats an expression back to text (fully parenthesised where needed).
 *
 * @example
 * ```ts
 * import { formatExpr, parseExpression } from "neurolab";
 * formatExpr(parseExpression("(a+b)*c")); // "(a + b)*c"
 * ```
 */
export function formatExpr(e: Expr): string {
  switch (e.k) {
    case "num":
      return String(e.v);
    case "name":
      return e.name;
    case "neg":
      return `-${wrap(e.a)}`;
    case "not":
      return `not ${wrap(e.a)}`;
    case "bin":
      return `${wrap(e.a)} ${e.op} ${wrap(e.b)}`;
    case "call":
      return `${e.fn}(${e.args.map(formatExpr).join(", ")})`;
  }
}

function wrap(e: Expr): string {
  return e.k === "num" || e.k === "name" || e.k === "call" ? formatExpr(e) : `(${formatExpr(e)})`;
}
