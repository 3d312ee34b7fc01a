/**
 * A neuron model written as equations (Brian2's `NeuronGroup(model, threshold, reset,
 * refractory, method, namespace)`), resolved into what the code generators need: the state and
 * parameter variables with their units, one integration step as an ordered list of assignments
 * (all reading the state at the step's start), the threshold condition, the reset statements and
 * the refractory rule. Units are checked here, once, when the model is built.
 *
 * Semantics follow Brian2 2.x: subexpressions are substituted where they are used; `(unless
 * refractory)` freezes a variable while the neuron is refractory; a neuron is refractory while
 * `timestep(t - lastspike, dt) < timestep(refractory, dt)` (or, for a boolean `refractory`
 * condition, from its spike until the condition is false); the threshold is tested with `and
 * not_refractory`; `xi` is white noise with Brian2's `xi*sqrt(dt)` (Euler-Maruyama) meaning.
 */
import {
  derivative,
  DimensionMismatchError,
  dimensionOf,
  fold,
  FUNCTIONS,
  RANDOM_FUNCTIONS,
  substitute,
  type Dim,
} from "./expr.js";
import {
  formatExpr,
  mapChildren,
  ModelSyntaxError,
  namesIn,
  parseEquations,
  parseExpression,
  parseStatements,
  type Equation,
  type Expr,
  type Statement,
} from "./parse.js";
import {
  DIMENSIONLESS,
  dimEqual,
  dimMul,
  dimPow,
  formatDimension,
  isDimensionless,
  lookupUnit,
  type Dimension,
  type Unit,
} from "./units.js";
import { expmAugmented } from "./linear.js";
import { describeName, describeValue } from "../core/describe.js";

/** Integration methods (Brian2's names). */
export const METHODS = ["euler", "exponential_euler", "rk2", "rk4", "exact"] as const;
/** An integration method. */
export type Method = (typeof METHODS)[number];

/** A value in a model's namespace: a plain number in neurolab's base units (not unit-checked) or a string with units, e.g. "20*ms" (checked). */
export type NamespaceValue = number | string;

/** A neuron model as equations, as Brian2's `NeuronGroup` takes it. */
export interface EquationModelSpec {
  /** Equations, one per line: `dv/dt = (El - v)/tau : volt (unless refractory)`, `I : amp`, ... */
  model: string;
  /** Spike condition, e.g. `"v > Vt"`. Without it the group never spikes. */
  threshold?: string;
  /** Statements run for each neuron that spiked, e.g. `"v = Vr; w += b"`. */
  reset?: string;
  /** Refractory period: ms, an expression with units (`"5*ms"`, `"tau_ref"`) or a boolean condition (`"v > -50*mV"`). */
  refractory?: number | string;
  /** Integration method; default: "exact" where the equations allow it, else "euler" (Brian2's default order). */
  method?: Method;
  /** Constants the equations use by name (plain numbers in base units, or strings with units). */
  namespace?: Record<string, NamespaceValue>;
}

/** One assignment of the generated step: `name = expr`, in order. */
export interface Assignment {
  readonly name: string;
  readonly expr: Expr;
}

/** A random number one neuron draws per step for one call site. */
export interface RandomSite {
  readonly name: string;
  readonly kind: "rand" | "randn";
}

/** A resolved equation model (see the module comment). */
export interface ResolvedModel {
  readonly spec: EquationModelSpec;
  /** Variables integrated over time, in equation order. */
  readonly stateVars: readonly string[];
  /** Per-neuron parameters (stored per neuron, constant over time unless a reset changes them). */
  readonly params: readonly string[];
  /** Shared parameters: one value for the group. */
  readonly shared: readonly string[];
  /** Unit of every stored variable (state, parameters, shared, lastspike). */
  readonly units: ReadonlyMap<string, Unit>;
  /** The integration method actually used. */
  readonly method: Method;
  /** Temporaries computed in order from the step's starting state (may use earlier temporaries). */
  readonly temps: readonly Assignment[];
  /** New value of each state variable: a temporary or an expression of the step's starting state. */
  readonly updates: readonly Assignment[];
  /** The constant matrix M of an "exact" linear update x' = M x + c (P and Q follow from it at build). */
  readonly exactMatrix?: readonly (readonly number[])[];
  /** State variables frozen while refractory. */
  readonly unlessRefractory: ReadonlySet<string>;
  /** The spike condition (without `and not_refractory`), or null. */
  readonly threshold: Expr | null;
  /** Reset, as plain assignments (`x += e` is `x = x + e`), run in order. */
  readonly reset: readonly Assignment[];
  /** No refractoriness, a time expression (ms), or a boolean condition. */
  readonly refractory:
    { kind: "none" } | { kind: "time"; expr: Expr } | { kind: "condition"; expr: Expr };
  /** Random numbers drawn per neuron per step (rand(), randn() and xi), read by name. */
  readonly randoms: readonly RandomSite[];
  /** Namespace constants by name (base units). */
  readonly constants: ReadonlyMap<string, number>;
}

/** Names every group provides: time, time step, neuron index, group size. */
const BUILTINS: Record<string, Dimension> = {
  t: [0, 0, 1, 0, 0, 0, 0],
  dt: [0, 0, 1, 0, 0, 0, 0],
  i: DIMENSIONLESS,
  N: DIMENSIONLESS,
};
const SECOND: Dimension = [0, 0, 1, 0, 0, 0, 0];

/** Builtin and reserved names a model may not define. */
export const RESERVED_NAMES = [
  "t",
  "dt",
  "i",
  "N",
  "xi",
  "lastspike",
  "not_refractory",
  "rand",
  "randn",
  "and",
  "or",
  "not",
  "True",
  "False",
];

/** Resolves a unit expression (`siemens/meter**2`) into a unit. */
export function evalUnit(e: Expr, where: string): Unit {
  switch (e.k) {
    case "num":
      if (e.v !== 1)
        throw new ModelSyntaxError(`${where}: a unit must be a unit name or 1, got ${e.v}`);
      return { dim: DIMENSIONLESS, scale: 1 };
    case "name": {
      const u = lookupUnit(e.name);
      if (!u) throw new ModelSyntaxError(`${where}: unknown unit "${e.name}"`);
      return u;
    }
    case "bin": {
      const a = evalUnit(e.a, where);
      if (e.op === "**") {
        if (e.b.k !== "num" && !(e.b.k === "neg" && e.b.a.k === "num"))
          throw new ModelSyntaxError(`${where}: a unit power must be a number`);
        const p = e.b.k === "num" ? e.b.v : -(e.b.a as { v: number }).v;
        return { dim: dimPow(a.dim, p), scale: a.scale ** p };
      }
      const b = evalUnit(e.b, where);
      if (e.op === "*") return { dim: dimMul(a.dim, b.dim), scale: a.scale * b.scale };
      if (e.op === "/") return { dim: dimMul(a.dim, dimPow(b.dim, -1)), scale: a.scale / b.scale };
      break;
    }
  }
  throw new ModelSyntaxError(`${where}: "${formatExpr(e)}" is not a unit`);
}

/** Resolves a namespace value: a number (dimension not checked) or a string with units. */
function namespaceValue(name: string, value: NamespaceValue): { value: number; dim: Dim } {
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new RangeError(`namespace.${name} must be a finite number, got ${value}`);
    return { value, dim: "any" };
  }
  if (typeof value !== "string")
    throw new TypeError(
      `namespace.${name} must be a number (base units) or a string with units such as "20*ms", got ${typeof value}`,
    );
  const e = parseExpression(value, `namespace.${name}`);
  const unknown = [...namesIn(e)].filter((n) => !lookupUnit(n));
  if (unknown.length)
    throw new ModelSyntaxError(
      `namespace.${name}: "${value}" may use numbers and units only, not ${unknown.join(", ")}`,
    );
  const dim = dimensionOf(e, (n) => lookupUnit(n)!.dim, `namespace.${name}`);
  const folded = fold(e, (n) => lookupUnit(n)!.scale);
  if (folded.k !== "num" || !Number.isFinite(folded.v))
    throw new RangeError(`namespace.${name}: "${value}" is not a finite constant`);
  return { value: folded.v, dim };
}

/** A model name resolver shared by neuron and synapse models. */
export interface Scope {
  /** Dimension of a name (throws for unknown names, naming `where`). */
  dim(name: string, where: string): Dim;
  /** Constant value of a name (namespace or unit), or undefined for variables. */
  constant(name: string): number | undefined;
}

/**
 * A scope of variables (with units) over a namespace and the unit names: model variables
 * first, then the namespace, then units (as Brian2 resolves identifiers).
 */
export function makeScope(
  variables: ReadonlyMap<string, Dim>,
  namespace: Record<string, NamespaceValue> | undefined,
  owner: string,
): { scope: Scope; constants: Map<string, number> } {
  if (namespace !== undefined && (typeof namespace !== "object" || namespace === null))
    throw new TypeError(`${owner}: namespace must be an object of constants`);
  const constants = new Map<string, number>();
  const constantDims = new Map<string, Dim>();
  for (const [k, v] of Object.entries(namespace ?? {})) {
    if (variables.has(k))
      throw new RangeError(`${owner}: namespace.${k} has the name of a model variable`);
    const r = namespaceValue(k, v);
    constants.set(k, r.value);
    constantDims.set(k, r.dim);
  }
  const scope: Scope = {
    dim(name, where) {
      const v = variables.get(name) ?? constantDims.get(name) ?? lookupUnit(name)?.dim;
      if (v === undefined)
        throw new ModelSyntaxError(
          `${where}: "${name}" is not defined (not a variable of the model, nor in its namespace, nor a unit)`,
        );
      return v;
    },
    constant(name) {
      if (variables.has(name)) return undefined;
      return constants.get(name) ?? lookupUnit(name)?.scale;
    },
  };
  return { scope, constants };
}

/** Throws unless `d` is `want` (or any). */
export function requireDim(d: Dim, want: Dimension, where: string, what: string): void {
  if (d !== "any" && !dimEqual(d, want)) {
    throw new DimensionMismatchError(
      `${where}: ${what} has dimension ${formatDimension(d)}, but ${formatDimension(want)} is required`,
    );
  }
}

/** Replaces rand()/randn() calls by named per-step random numbers. */
function extractRandoms(e: Expr, sites: RandomSite[]): Expr {
  if (e.k === "call" && (RANDOM_FUNCTIONS as readonly string[]).includes(e.fn)) {
    const name = `_rand${sites.length}`;
    sites.push({ name, kind: e.fn as "rand" | "randn" });
    return { k: "name", name };
  }
  return mapChildren(e, (x) => extractRandoms(x, sites));
}

/** Expands `x op= e` into `x = x op e`. */
export function expandStatement(s: Statement): Expr {
  if (s.op === "=") return s.expr;
  return {
    k: "bin",
    op: s.op[0] as "+" | "-" | "*" | "/",
    a: { k: "name", name: s.target },
    b: s.expr,
  };
}

/**
 * Resolves and unit-checks a neuron model (see {@link EquationModelSpec}).
 *
 * @example
 * ```ts
 * import { resolveNeuronModel } from "neurolab";
 * const m = resolveNeuronModel({ model: "dv/dt = -v/tau : volt\ntau : second", threshold: "v > 1*mV", reset: "v = 0*mV" });
 * m.stateVars; m.params; // ["v"], ["tau"]
 * ```
 */
export function resolveNeuronModel(spec: EquationModelSpec, owner = "model"): ResolvedModel {
  owner = describeName(owner);
  if (typeof spec !== "object" || spec === null)
    throw new TypeError(`${owner}: model spec must be an object { model, threshold, reset, ... }`);
  const eqs = parseEquations(spec.model);
  for (const e of eqs)
    if (RESERVED_NAMES.includes(e.name))
      throw new ModelSyntaxError(`equation "${e.text}": "${e.name}" is a reserved name`);
  if (eqs.length === 0) throw new ModelSyntaxError(`${owner}: model has no equations`);
  const units = new Map<string, Unit>();
  const dims = new Map<string, Dim>(Object.entries(BUILTINS));
  for (const e of eqs) {
    const u = evalUnit(e.unit, `equation "${e.text}"`);
    units.set(e.name, u);
    dims.set(e.name, u.dim);
    for (const f of e.flags) {
      const ok =
        e.kind === "diff"
          ? f === "unless refractory"
          : e.kind === "param"
            ? f === "constant" || f === "shared"
            : f === "constant over dt";
      if (!ok)
        throw new ModelSyntaxError(
          `equation "${e.text}": flag "${f}" does not apply to ${e.kind === "diff" ? "a differential equation" : e.kind === "param" ? "a parameter" : "a subexpression"} in a neuron model`,
        );
    }
  }
  const hasRefractory = spec.refractory !== undefined && spec.refractory !== 0;
  if (hasRefractory) {
    dims.set("lastspike", SECOND);
    dims.set("not_refractory", DIMENSIONLESS);
    units.set("lastspike", { dim: SECOND, scale: 1e3 });
  }
  dims.set("xi", [0, 0, -0.5, 0, 0, 0, 0]);
  const { scope, constants } = makeScope(dims, spec.namespace, owner);
  const stateVars = eqs.filter((e) => e.kind === "diff").map((e) => e.name);
  const params = eqs
    .filter((e) => e.kind === "param" && !e.flags.includes("shared"))
    .map((e) => e.name);
  const shared = eqs
    .filter((e) => e.kind === "param" && e.flags.includes("shared"))
    .map((e) => e.name);

  // Substitute subexpressions (in dependency order; cycles are errors).
  const subs = new Map(eqs.filter((e) => e.kind === "sub").map((e) => [e.name, e]));
  const expanded = new Map<string, Expr>();
  const expand = (name: string, stack: string[]): Expr => {
    const done = expanded.get(name);
    if (done) return done;
    if (stack.includes(name))
      throw new ModelSyntaxError(
        `equation "${subs.get(name)!.text}": circular definition ${[...stack, name].join(" -> ")}`,
      );
    const e = subs.get(name)!;
    const x = substitute(e.expr!, (n) => (subs.has(n) ? expand(n, [...stack, name]) : undefined));
    expanded.set(name, x);
    return x;
  };
  const inline = (e: Expr) => substitute(e, (n) => (subs.has(n) ? expand(n, []) : undefined));

  // Unit checks: every equation's right-hand side against its declared unit.
  const lookup = (where: string) => (n: string) => scope.dim(n, where);
  for (const e of eqs) {
    if (e.kind === "param") continue;
    const where = `equation "${e.text}"`;
    const d = dimensionOf(e.expr!, lookup(where), where);
    const want =
      e.kind === "diff"
        ? dimMul(units.get(e.name)!.dim, [0, 0, -1, 0, 0, 0, 0])
        : units.get(e.name)!.dim;
    if (d !== "any" && !dimEqual(d, want)) {
      throw new DimensionMismatchError(
        `${where}: the right-hand side "${e.exprText}" has dimension ${formatDimension(d)}, but ${e.kind === "diff" ? `d${e.name}/dt` : e.name} needs ${formatDimension(want)}`,
      );
    }
  }
  const randoms: RandomSite[] = [];
  const constOf = (n: string) => scope.constant(n);
  const prepare = (e: Expr) => fold(extractRandoms(inline(e), randoms), constOf);

  // Threshold, reset, refractoriness.
  let threshold: Expr | null = null;
  if (spec.threshold !== undefined) {
    const where = `threshold "${spec.threshold}"`;
    const e = parseExpression(checkString(spec.threshold, `${owner}: threshold`), where);
    requireDim(dimensionOf(e, lookup(where), where), DIMENSIONLESS, where, "the condition");
    threshold = prepare(e);
  }
  const reset: Assignment[] = [];
  if (spec.reset !== undefined) {
    for (const s of parseStatements(checkString(spec.reset, `${owner}: reset`), "reset")) {
      const where = `reset "${s.text}"`;
      const eq = eqs.find((e) => e.name === s.target);
      if (!eq) throw new ModelSyntaxError(`${where}: "${s.target}" is not a variable of the model`);
      if (eq.kind === "sub")
        throw new ModelSyntaxError(
          `${where}: "${s.target}" is a subexpression and cannot be assigned`,
        );
      if (eq.flags.includes("constant") || eq.flags.includes("shared"))
        throw new ModelSyntaxError(
          `${where}: "${s.target}" is a constant parameter and cannot be assigned in a reset`,
        );
      const d = dimensionOf(s.expr, lookup(where), where);
      const scaling = s.op === "*=" || s.op === "/="; // x *= e needs a dimensionless e
      requireDim(
        d,
        scaling ? DIMENSIONLESS : units.get(s.target)!.dim,
        where,
        `"${formatExpr(s.expr)}"`,
      );
      reset.push({ name: s.target, expr: prepare(expandStatement(s)) });
    }
  }
  let refractory: ResolvedModel["refractory"] = { kind: "none" };
  if (hasRefractory) {
    const r = spec.refractory!;
    if (typeof r === "number") {
      if (!(Number.isFinite(r) && r >= 0))
        throw new RangeError(`${owner}: refractory must be a duration >= 0 ms, got ${r}`);
      refractory = { kind: "time", expr: { k: "num", v: r } };
    } else {
      const where = `refractory "${r}"`;
      const e = parseExpression(checkString(r, `${owner}: refractory`), where);
      const d = dimensionOf(e, lookup(where), where);
      if (d !== "any" && dimEqual(d, SECOND)) refractory = { kind: "time", expr: prepare(e) };
      else if (d !== "any" && isDimensionless(d) && isBoolean(e))
        refractory = { kind: "condition", expr: prepare(e) };
      else
        throw new DimensionMismatchError(
          `${where}: must be a duration (second) or a boolean condition, got dimension ${d === "any" ? "any" : formatDimension(d)}`,
        );
    }
  }

  // Integration.
  const derivs = new Map<string, Expr>();
  for (const e of eqs) if (e.kind === "diff") derivs.set(e.name, fold(inline(e.expr!), constOf));
  const stochastic = [...derivs.values()].some((e) => namesIn(e).has("xi"));
  const { method, temps, updates, matrix } = integrate(
    derivs,
    stateVars,
    spec.method,
    stochastic,
    eqs,
    constOf,
    randoms,
  );
  const unlessRefractory = new Set(
    eqs
      .filter((e) => e.kind === "diff" && e.flags.includes("unless refractory"))
      .map((e) => e.name),
  );
  if (unlessRefractory.size && !hasRefractory) {
    // Brian2 accepts the flag without a refractory period (it then has no effect).
    unlessRefractory.clear();
  }
  const finalTemps = temps.map((t) => ({
    name: t.name,
    expr: fold(extractRandoms(t.expr, randoms), constOf),
  }));
  const finalUpdates = updates.map((u) => ({
    name: u.name,
    expr: fold(extractRandoms(u.expr, randoms), constOf),
  }));
  checkFunctions(
    [...finalTemps, ...finalUpdates, ...reset]
      .map((a) => a.expr)
      .concat(threshold ? [threshold] : []),
    owner,
  );
  return {
    spec,
    stateVars,
    params,
    shared,
    units,
    method,
    temps: finalTemps,
    updates: finalUpdates,
    exactMatrix: matrix,
    unlessRefractory,
    threshold,
    reset,
    refractory,
    randoms,
    constants,
  };
}

function checkString(x: unknown, name: string): string {
  if (typeof x !== "string") throw new TypeError(`${name} must be a string, got ${typeof x}`);
  return x;
}

function isBoolean(e: Expr): boolean {
  return (
    e.k === "not" ||
    (e.k === "bin" && ["<", "<=", ">", ">=", "==", "!=", "and", "or"].includes(e.op))
  );
}

function checkFunctions(exprs: Expr[], owner: string): void {
  const visit = (e: Expr): void => {
    if (e.k === "call") {
      if (!FUNCTIONS[e.fn]) throw new ModelSyntaxError(`${owner}: unknown function "${e.fn}"`);
      e.args.forEach(visit);
    } else if (e.k === "bin") {
      visit(e.a);
      visit(e.b);
    } else if (e.k === "neg" || e.k === "not") visit(e.a);
  };
  exprs.forEach(visit);
}

const name = (n: string): Expr => ({ k: "name", name: n });
const num = (v: number): Expr => ({ k: "num", v });
const bin = (op: "+" | "-" | "*" | "/", a: Expr, b: Expr): Expr => ({ k: "bin", op, a, b });

/** Whether `e` is linear in the state variables `vars` (its derivatives by them do not depend on them). */
function linearCoefficients(e: Expr, vars: readonly string[]): Expr[] | null {
  const coeffs: Expr[] = [];
  for (const v of vars) {
    const c = derivative(e, v);
    const used = namesIn(c);
    if (vars.some((w) => used.has(w)) || used.has("xi")) return null;
    coeffs.push(c);
  }
  return coeffs;
}

/**
 * One step of the chosen integrator as temporaries and updates (see {@link ResolvedModel}).
 * Default method: "exact" where the system is linear (with coefficients constant over a step),
 * else "euler", as Brian2 tries ('exact', 'euler', 'heun').
 */
function integrate(
  derivs: Map<string, Expr>,
  vars: readonly string[],
  requested: Method | undefined,
  stochastic: boolean,
  eqs: Equation[],
  constOf: (n: string) => number | undefined,
  randoms: RandomSite[],
): { method: Method; temps: Assignment[]; updates: Assignment[]; matrix?: number[][] } {
  if (requested !== undefined && !(METHODS as readonly string[]).includes(requested)) {
    throw new RangeError(
      `method must be one of ${METHODS.join(", ")}, got ${describeValue(requested)}`,
    );
  }
  const text = (v: string) => eqs.find((e) => e.name === v)!.text;
  const dt = name("dt");
  if (stochastic) {
    if (requested !== undefined && requested !== "euler")
      throw new RangeError(
        `method "${requested}" cannot integrate stochastic equations (with xi): use "euler" (Euler-Maruyama)`,
      );
    const temps: Assignment[] = [];
    const updates: Assignment[] = [];
    for (const v of vars) {
      const f = derivs.get(v)!;
      const g = derivative(f, "xi");
      if (namesIn(g).has("xi"))
        throw new RangeError(`equation "${text(v)}": the noise term must be linear in xi`);
      const drift = fold(
        substitute(f, (n) => (n === "xi" ? num(0) : undefined)),
        constOf,
      );
      let step = bin("+", name(v), bin("*", dt, drift));
      if (!(g.k === "num" && g.v === 0)) {
        const site = `_rand${randoms.length}`;
        randoms.push({ name: site, kind: "randn" });
        step = bin(
          "+",
          step,
          bin("*", bin("*", g, { k: "call", fn: "sqrt", args: [dt] }), name(site)),
        );
      }
      temps.push({ name: `_new_${v}`, expr: step });
      updates.push({ name: v, expr: name(`_new_${v}`) });
    }
    return { method: "euler", temps, updates };
  }
  const tryExact = ():
    { temps: Assignment[]; updates: Assignment[]; matrix?: number[][] } | string => {
    const coeffs = new Map<string, Expr[]>();
    for (const v of vars) {
      const c = linearCoefficients(derivs.get(v)!, vars);
      if (!c) return `equation "${text(v)}" is not linear in the state variables`;
      coeffs.set(v, c);
    }
    const constantMatrix = vars.every((v) =>
      coeffs.get(v)!.every((c) => fold(c, constOf).k === "num"),
    );
    const temps: Assignment[] = [];
    const updates: Assignment[] = [];
    // Constant terms: f with every state variable set to 0.
    const consts = vars.map((v) =>
      fold(
        substitute(derivs.get(v)!, (n) => (vars.includes(n) ? num(0) : undefined)),
        constOf,
      ),
    );
    if (constantMatrix) {
      const matrix = vars.map((v) =>
        coeffs.get(v)!.map((c) => (fold(c, constOf) as { v: number }).v),
      );
      return { ...exactLinear(vars, consts), matrix };
    }
    // Otherwise only uncoupled equations (each depending on itself alone), with the exponential
    // form, exact for coefficients constant over the step.
    for (const [k, v] of vars.entries()) {
      const c = coeffs.get(v)!;
      if (c.some((x, j) => j !== k && !(x.k === "num" && x.v === 0)))
        return `equation "${text(v)}" is coupled to other state variables through coefficients that are not constant`;
      const B = c[k];
      const A = consts[k];
      temps.push(...exponentialStep(v, A, B));
      updates.push({ name: v, expr: name(`_new_${v}`) });
    }
    return { temps, updates };
  };
  if (requested === "exact" || requested === undefined) {
    const r = tryExact();
    if (typeof r !== "string") return { method: "exact", ...r };
    if (requested === "exact")
      throw new RangeError(
        `method "exact" cannot integrate this model: ${r}; use "euler", "rk2", "rk4" or "exponential_euler"`,
      );
  }
  const method = requested ?? "euler";
  const temps: Assignment[] = [];
  const updates: Assignment[] = [];
  const f = (v: string, at: (w: string) => Expr | undefined, tShift?: Expr) =>
    substitute(derivs.get(v)!, (n) => (n === "t" && tShift ? bin("+", name("t"), tShift) : at(n)));
  if (method === "euler") {
    for (const v of vars)
      temps.push({ name: `_new_${v}`, expr: bin("+", name(v), bin("*", dt, derivs.get(v)!)) });
  } else if (method === "rk2") {
    for (const v of vars) temps.push({ name: `_k_${v}`, expr: bin("*", dt, derivs.get(v)!) });
    const mid = (w: string) =>
      vars.includes(w) ? bin("+", name(w), bin("/", name(`_k_${w}`), num(2))) : undefined;
    for (const v of vars)
      temps.push({
        name: `_new_${v}`,
        expr: bin("+", name(v), bin("*", dt, f(v, mid, bin("/", dt, num(2))))),
      });
  } else if (method === "rk4") {
    const stage = (
      k: number,
      from: ((w: string) => Expr | undefined) | null,
      shift: Expr | undefined,
    ) => {
      for (const v of vars)
        temps.push({
          name: `_k${k}_${v}`,
          expr: bin("*", dt, from ? f(v, from, shift) : derivs.get(v)!),
        });
    };
    const half = (k: number) => (w: string) =>
      vars.includes(w) ? bin("+", name(w), bin("/", name(`_k${k}_${w}`), num(2))) : undefined;
    stage(1, null, undefined);
    stage(2, half(1), bin("/", dt, num(2)));
    stage(3, half(2), bin("/", dt, num(2)));
    stage(4, (w) => (vars.includes(w) ? bin("+", name(w), name(`_k3_${w}`)) : undefined), dt);
    for (const v of vars) {
      const sum = bin(
        "+",
        bin(
          "+",
          bin("+", name(`_k1_${v}`), bin("*", num(2), name(`_k2_${v}`))),
          bin("*", num(2), name(`_k3_${v}`)),
        ),
        name(`_k4_${v}`),
      );
      temps.push({ name: `_new_${v}`, expr: bin("+", name(v), bin("/", sum, num(6))) });
    }
  } else if (method === "exponential_euler") {
    for (const v of vars) {
      const fv = derivs.get(v)!;
      const B = derivative(fv, v);
      if (namesIn(B).has(v))
        throw new RangeError(
          `method "exponential_euler" needs equations linear in their own variable: "${text(v)}" is not linear in ${v}`,
        );
      const A = fold(
        substitute(fv, (n) => (n === v ? num(0) : undefined)),
        constOf,
      );
      temps.push(...exponentialStep(v, A, B));
    }
  }
  for (const v of vars) updates.push({ name: v, expr: name(`_new_${v}`) });
  return { method, temps, updates };
}

/** x' = -A/B + (x + A/B) exp(B dt) for dx/dt = A + B x (x + A dt where B is 0), as Brian2's exponential Euler. */
function exponentialStep(v: string, A: Expr, B: Expr): Assignment[] {
  const dt = name("dt");
  if (B.k === "num" && B.v === 0)
    return [{ name: `_new_${v}`, expr: bin("+", name(v), bin("*", dt, A)) }];
  const ba = `_BA_${v}`;
  return [
    { name: ba, expr: bin("/", A, B) },
    {
      name: `_new_${v}`,
      expr: bin(
        "+",
        { k: "neg", a: name(ba) },
        bin("*", bin("+", name(v), name(ba)), { k: "call", fn: "exp", args: [bin("*", B, dt)] }),
      ),
    },
  ];
}

/**
 * Exact update of x' = M x + c with a constant matrix M: x(t+dt) = P x + Q c, where
 * [[P, Q], [0, I]] = expm([[M, I], [0, 0]] dt) (see {@link expmAugmented}). P and Q depend on dt,
 * known when the group is built: the updates read them as the names `_P_i_j` and `_Q_i_j`,
 * whose values {@link exactConstants} gives.
 */
function exactLinear(
  vars: readonly string[],
  consts: Expr[],
): { temps: Assignment[]; updates: Assignment[] } {
  const n = vars.length;
  const temps: Assignment[] = [];
  const updates: Assignment[] = [];
  for (let i = 0; i < n; i++) {
    let e: Expr | null = null;
    const add = (term: Expr) => (e = e ? bin("+", e, term) : term);
    for (let j = 0; j < n; j++) add(bin("*", name(`_P_${i}_${j}`), name(vars[j])));
    for (let j = 0; j < n; j++) {
      const c = consts[j];
      if (!(c.k === "num" && c.v === 0)) add(bin("*", name(`_Q_${i}_${j}`), c));
    }
    temps.push({ name: `_new_${vars[i]}`, expr: e! });
    updates.push({ name: vars[i], expr: name(`_new_${vars[i]}`) });
  }
  return { temps, updates };
}

/**
 * Values of the `_P_i_j` / `_Q_i_j` constants of an "exact" update with a constant matrix at
 * time step `dt_ms` (empty otherwise); the code generators fold them in at build.
 */
export function exactConstants(model: ResolvedModel, dt_ms: number): Map<string, number> {
  const out = new Map<string, number>();
  if (!model.exactMatrix) return out;
  const { P, Q } = expmAugmented(model.exactMatrix, dt_ms);
  const n = P.length;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      out.set(`_P_${i}_${j}`, P[i][j]);
      out.set(`_Q_${i}_${j}`, Q[i][j]);
    }
  return out;
}

/** What {@link resolveDynamics} integrates: differential equations outside a neuron group. */
export interface DynamicsSpec {
  /** The differential equations, in order (for error messages and the model text). */
  readonly equations: readonly Equation[];
  /** Right-hand side of each, by variable, with constants folded (units already checked). */
  readonly derivatives: ReadonlyMap<string, Expr>;
  /** The other names the right-hand sides read, stored one value per element (per synapse). */
  readonly params: readonly string[];
  /** Unit of every variable and parameter. */
  readonly units: ReadonlyMap<string, Unit>;
  /** Integration method; default: "exact" where the equations allow it, else "euler". */
  readonly method?: Method;
  /** Namespace constants by name (base units). */
  readonly constants: ReadonlyMap<string, number>;
  /** Constant value of a name, or undefined for variables. */
  readonly constOf: (name: string) => number | undefined;
}

/**
 * The integration step of differential equations that belong to no neuron group (the
 * clock-driven equations of synapses, Brian2's `Synapses` state updater), as a model without
 * threshold, reset or refractoriness: the code generators of groups then run it over the
 * synapses as a group of that size. Same methods, defaults and errors as neuron models.
 */
export function resolveDynamics(spec: DynamicsSpec): ResolvedModel {
  const vars = spec.equations.map((e) => e.name);
  const derivs = new Map(vars.map((v) => [v, spec.derivatives.get(v)!]));
  const stochastic = [...derivs.values()].some((e) => namesIn(e).has("xi"));
  const randoms: RandomSite[] = [];
  const { method, temps, updates, matrix } = integrate(
    derivs,
    vars,
    spec.method,
    stochastic,
    [...spec.equations],
    spec.constOf,
    randoms,
  );
  const finalTemps = temps.map((t) => ({
    name: t.name,
    expr: fold(extractRandoms(t.expr, randoms), spec.constOf),
  }));
  const finalUpdates = updates.map((u) => ({
    name: u.name,
    expr: fold(extractRandoms(u.expr, randoms), spec.constOf),
  }));
  checkFunctions(
    [...finalTemps, ...finalUpdates].map((a) => a.expr),
    `equations "${spec.equations.map((e) => e.text).join("; ")}"`,
  );
  return {
    spec: { model: spec.equations.map((e) => e.text).join("\n"), method: spec.method },
    stateVars: vars,
    params: [...spec.params],
    shared: [],
    units: spec.units,
    method,
    temps: finalTemps,
    updates: finalUpdates,
    exactMatrix: matrix,
    unlessRefractory: new Set(),
    threshold: null,
    reset: [],
    refractory: { kind: "none" },
    randoms,
    constants: spec.constants,
  };
}
