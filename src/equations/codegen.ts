/**
 * JavaScript code generation for equation models: the reference target. A resolved model
 * becomes two functions, specialised when the group is built (constants, dt, the exact
 * propagator and unused terms folded away):
 *
 *   step(arrays, randoms, shared, n, t_ms, spiked) -> spike count
 *       per neuron: refractoriness, the integration step, the threshold (Brian2's "groups" and
 *       "thresholds" slots, fused; the threshold reads the updated state)
 *   reset(arrays, randoms, shared, n, spiked, count, t_ms)
 *       the reset statements, in order, for each neuron that spiked (the "resets" slot)
 *
 * The WebAssembly generator (wasmgen.ts) performs the same IEEE operations in the same order, so
 * both targets give bitwise-identical results.
 */
import { fold, FUNCTIONS, powerOf, substitute } from "./expr.js";
import { mapChildren, namesIn, type Expr } from "./parse.js";
import { exactConstants, type Assignment, type ResolvedModel } from "./model.js";

/** Brian2's `timestep(x, dt)`: int((x + 1e-3 dt)/dt). */
export function timestep(x_ms: number, dt_ms: number): number {
  return Math.trunc((x_ms + 1e-3 * dt_ms) / dt_ms);
}

/**
 * For a constant refractory period: the bound b such that `t - lastspike >= b` holds exactly
 * when Brian2's `timestep(t - lastspike, dt) >= timestep(period, dt)` does (t and lastspike are
 * whole steps times dt; half a step of margin absorbs their rounding).
 */
export function refractoryBound(period_ms: number, dt_ms: number): number {
  return (timestep(period_ms, dt_ms) - 0.5) * dt_ms;
}

/** The stored per-neuron arrays of a model, in order: state variables, parameters, then internals. */
export function storedVariables(model: ResolvedModel): string[] {
  const out = [...model.stateVars, ...model.params];
  if (model.refractory.kind !== "none") out.push("lastspike");
  if (model.refractory.kind === "condition") out.push("not_refractory");
  return out;
}

/**
 * The model specialised for a build: every constant (namespace, units, dt, N, the exact
 * propagator) folded into the expressions. What both code generators read.
 */
export interface SpecialisedModel {
  readonly model: ResolvedModel;
  readonly stored: readonly string[];
  readonly temps: readonly Assignment[];
  /** New value of each state variable that the step changes (absent when x' = x). */
  readonly updates: readonly Assignment[];
  readonly threshold: Expr | null;
  readonly reset: readonly Assignment[];
  /** Refractory period, ms, as an expression of per-neuron values (time kind), or the condition. */
  readonly refractory: ResolvedModel["refractory"];
  readonly dt_ms: number;
  /**
   * Arithmetic in float32 (`precision: "float32"`): every operation rounded to float32 (the
   * JavaScript reference wraps each in Math.fround; WebAssembly uses f32x4), state variables and
   * parameters stored as float32; time (`lastspike`) stays float64.
   */
  readonly float32: boolean;
}

/**
 * Division by a constant becomes multiplication by its reciprocal (as Brian2's C++ targets do
 * with -ffast-math): at most one rounding apart, and far faster. Both targets see the same
 * rewritten expression, so they stay bitwise identical.
 */
export function reciprocalDivisions(e: Expr): Expr {
  const x = mapChildren(e, reciprocalDivisions);
  if (
    x.k === "bin" &&
    x.op === "/" &&
    x.b.k === "num" &&
    x.b.v !== 0 &&
    Number.isFinite(x.b.v) &&
    Number.isFinite(1 / x.b.v)
  ) {
    return { k: "bin", op: "*", a: x.a, b: { k: "num", v: 1 / x.b.v } };
  }
  return x;
}

/**
 * Fewer operations for the same value, applied after constant folding (both targets see the
 * result, so they stay bitwise identical). Exact rewrites: a constant factor moves first,
 * negations move out of products and into sums (`c*(-x)` -> `(-c)*x`, `x*(-y)` -> `-(x*y)`,
 * `a + (-b)` -> `a - b`, `(-a) + b` -> `b - a`). Rewrites that round differently (at most an
 * ulp or so, as Brian2's C++ targets compiled with -ffast-math): constant factors merge
 * (`c1*(c2*x)` -> `(c1 c2)*x`), and a variable plus a multiple of itself becomes one product
 * (`x + c*x` -> `(1 + c)*x`, the forward-Euler step of a linear decay).
 */
export function fewerOperations(e: Expr): Expr {
  const x = mapChildren(e, fewerOperations);
  const isNum = (q: Expr): q is { k: "num"; v: number } => q.k === "num";
  if (x.k === "neg") {
    if (isNum(x.a)) return { k: "num", v: -x.a.v };
    if (x.a.k === "neg") return x.a.a;
    return x;
  }
  if (x.k !== "bin") return x;
  if (x.op === "*") {
    let { a, b } = x;
    if (isNum(b) && !isNum(a)) [a, b] = [b, a];
    if (isNum(a)) {
      if (b.k === "neg")
        return fewerOperations({ k: "bin", op: "*", a: { k: "num", v: -a.v }, b: b.a });
      if (b.k === "bin" && b.op === "*" && (isNum(b.a) || isNum(b.b))) {
        const c = isNum(b.a) ? b.a.v : (b.b as { v: number }).v;
        const rest = isNum(b.a) ? b.b : b.a;
        const merged = a.v * c;
        if (Number.isFinite(merged) && merged !== 0)
          return { k: "bin", op: "*", a: { k: "num", v: merged }, b: rest };
      }
      return { k: "bin", op: "*", a, b };
    }
    if (b.k === "neg") return { k: "neg", a: { k: "bin", op: "*", a, b: b.a } };
    if (a.k === "neg") return { k: "neg", a: { k: "bin", op: "*", a: a.a, b } };
    return x;
  }
  if (x.op === "+" || x.op === "-") {
    if (x.b.k === "neg")
      return fewerOperations({ k: "bin", op: x.op === "+" ? "-" : "+", a: x.a, b: x.b.a });
    if (x.op === "+" && x.a.k === "neg") return { k: "bin", op: "-", a: x.b, b: x.a.a };
    // x + c*x (after the rewrites above, c*x has its constant first)
    const other = x.b;
    if (
      x.a.k === "name" &&
      other.k === "bin" &&
      other.op === "*" &&
      isNum(other.a) &&
      other.b.k === "name" &&
      other.b.name === x.a.name
    ) {
      const factor = x.op === "+" ? 1 + other.a.v : 1 - other.a.v;
      return { k: "bin", op: "*", a: { k: "num", v: factor }, b: x.a };
    }
  }
  return x;
}

/** Folds constants of a build (dt, N, namespace, the exact propagator) into the model. */
export function specialise(
  model: ResolvedModel,
  dt_ms: number,
  size: number,
  float32 = false,
): SpecialisedModel {
  const exact = exactConstants(model, dt_ms);
  const value = (n: string) =>
    n === "dt" ? dt_ms : n === "N" ? size : (exact.get(n) ?? model.constants.get(n));
  const f = (e: Expr) => fewerOperations(reciprocalDivisions(fold(e, value)));
  const updates = model.updates.map((u) => ({ name: u.name, expr: f(u.expr) }));
  // Drop temporaries nothing reads.
  const needed = new Set<string>();
  const use = (e: Expr) => namesIn(e, needed);
  updates.forEach((u) => use(u.expr));
  const temps = model.temps.map((t) => ({ name: t.name, expr: f(t.expr) }));
  for (let k = temps.length - 1; k >= 0; k--) if (needed.has(temps[k].name)) use(temps[k].expr);
  const refractory: ResolvedModel["refractory"] =
    model.refractory.kind === "none"
      ? model.refractory
      : ({
          kind: model.refractory.kind,
          expr: f(model.refractory.expr),
        } as ResolvedModel["refractory"]);
  return {
    model,
    stored: storedVariables(model),
    temps: temps.filter((t) => needed.has(t.name)),
    updates: updates.filter((u) => !(u.expr.k === "name" && u.expr.name === u.name)),
    threshold: model.threshold ? f(model.threshold) : null,
    reset: model.reset.map((r) => ({ name: r.name, expr: f(r.expr) })),
    refractory,
    dt_ms,
    float32,
  };
}

/**
 * The stored variables the step reads (the others, e.g. parameters only the reset uses, are not
 * loaded): those named by temporaries, updates, threshold and refractoriness, the variables an
 * update freezes while refractory, and lastspike / not_refractory.
 */
export function readByStep(s: SpecialisedModel): Set<string> {
  const used = new Set<string>();
  for (const t of s.temps) namesIn(t.expr, used);
  for (const u of s.updates) {
    namesIn(u.expr, used);
    if (s.refractory.kind !== "none" && s.model.unlessRefractory.has(u.name)) used.add(u.name);
  }
  if (s.threshold) namesIn(s.threshold, used);
  if (s.refractory.kind !== "none") {
    namesIn(s.refractory.expr, used);
    used.add("lastspike");
  }
  if (s.refractory.kind === "condition") used.add("not_refractory");
  return used;
}

/** JavaScript text of an expression; `ref` maps names to JS expressions. */
export function jsExpr(e: Expr, ref: (name: string) => string, float32 = false): string {
  const R = float32 ? (s: string) => `F.fround(${s})` : (s: string) => s;
  const go = (x: Expr): string => {
    switch (x.k) {
      case "num":
        if (float32 && x.v !== Math.fround(x.v)) return go({ k: "num", v: Math.fround(x.v) });
        return Number.isNaN(x.v)
          ? "NaN"
          : x.v === Infinity
            ? "Infinity"
            : x.v === -Infinity
              ? "(-Infinity)"
              : Object.is(x.v, -0)
                ? "(-0)"
                : x.v < 0
                  ? `(${x.v})`
                  : String(x.v);
      case "name":
        return ref(x.name);
      case "neg":
        return `(-${go(x.a)})`;
      case "not":
        return `(${go(x.a)} === 0 ? 1 : 0)`;
      case "bin":
        switch (x.op) {
          case "+":
          case "-":
          case "*":
          case "/":
            return R(`(${go(x.a)} ${x.op} ${go(x.b)})`);
          case "**":
            return float32 ? `F.pow32(${go(x.a)}, ${go(x.b)})` : `F.pow(${go(x.a)}, ${go(x.b)})`;
          case "==":
            return `(${go(x.a)} === ${go(x.b)} ? 1 : 0)`;
          case "!=":
            return `(${go(x.a)} !== ${go(x.b)} ? 1 : 0)`;
          case "and":
            return `((${go(x.a)} !== 0) & (${go(x.b)} !== 0))`;
          case "or":
            return `((${go(x.a)} !== 0) | (${go(x.b)} !== 0))`;
          default:
            return `(${go(x.a)} ${x.op} ${go(x.b)} ? 1 : 0)`;
        }
      case "call":
        return R(`F.${x.fn}(${x.args.map(go).join(", ")})`);
    }
  };
  return go(e);
}

/** x ** p in float32 as the generated code computes it: small integer powers by repeated float32 multiplication, else the float64 power rounded. */
export function powerOf32(x: number, p: number): number {
  if (Number.isInteger(p) && Math.abs(p) <= 4) {
    if (p === 0) return 1;
    let r = x;
    for (let k = 1; k < Math.abs(p); k++) r = Math.fround(r * x);
    return p < 0 ? Math.fround(1 / r) : r;
  }
  return Math.fround(powerOf(x, p));
}

/** The functions generated JavaScript calls (`F.exp`, `F.pow`, ...). */
export const JS_FUNCTIONS: Record<string, (...x: number[]) => number> = {
  ...Object.fromEntries(Object.entries(FUNCTIONS).map(([k, f]) => [k, f.impl])),
  pow: powerOf,
  pow32: powerOf32,
  fround: Math.fround,
};

/** A generated step (see the module comment). */
export type StepFunction = (
  arrays: StateArray[],
  randoms: StateArray,
  shared: Float64Array,
  n: number,
  t_ms: number,
  spiked: Int32Array,
) => number;
/** A per-neuron array of a group: float64, or float32 with `precision: "float32"`. */
export type StateArray = Float64Array | Float32Array;
/** A generated reset (see the module comment). */
export type ResetFunction = (
  arrays: StateArray[],
  randoms: StateArray,
  shared: Float64Array,
  n: number,
  spiked: Int32Array,
  count: number,
  t_ms: number,
) => void;

const local = (name: string) => `_${name}`;

/** Source of the per-neuron body shared by the step: loads, refractoriness, update, threshold. */
export function jsStepSource(s: SpecialisedModel): string {
  const { model } = s;
  const randomIndex = new Map(model.randoms.map((r, k) => [r.name, k]));
  const sharedIndex = new Map(model.shared.map((n, k) => [n, k]));
  const arrayIndex = new Map(s.stored.map((n, k) => [n, k]));
  const temps = new Set(s.temps.map((t) => t.name));
  const ref = (name: string): string => {
    if (arrayIndex.has(name) || temps.has(name)) return local(name);
    if (randomIndex.has(name)) return `R[${randomIndex.get(name)} * rs + i]`;
    if (sharedIndex.has(name))
      return s.float32 ? `F.fround(S[${sharedIndex.get(name)}])` : `S[${sharedIndex.get(name)}]`;
    if (name === "t") return s.float32 ? "_t32" : "t";
    if (name === "i") return s.float32 ? "F.fround(i)" : "i";
    if (name === "not_refractory") return "_nr";
    throw new Error(`codegen: unresolved name ${name}`);
  };
  const js = (e: Expr, r = ref) => jsExpr(e, r, s.float32);
  const lines: string[] = [];
  s.stored.forEach((v, k) => lines.push(`const A${k} = A[${k}];`));
  lines.push(
    `const rs = ${s.float32 ? "n + ((4 - (n & 3)) & 3)" : "n + (n & 1)"};`,
    "let count = 0;",
  );
  if (s.float32) lines.push("const _t32 = F.fround(t);");
  // A constant refractory period: the neuron is free when lastspike <= t - bound (one subtraction per step).
  if (s.refractory.kind === "time" && s.refractory.expr.k === "num")
    lines.push(`const _tb = t - ${refractoryBound(s.refractory.expr.v, s.dt_ms)};`);
  lines.push("for (let i = 0; i < n; i++) {");
  const used = readByStep(s);
  s.stored.forEach((v, k) => {
    if (used.has(v)) lines.push(`  const ${local(v)} = A${k}[i];`);
  });
  const refr = s.refractory;
  if (refr.kind === "time" && refr.expr.k === "num") {
    // A constant period: refractory for timestep(period) steps after the spike; t and lastspike
    // are both whole steps times dt, so comparing with half a step less is exact.
    lines.push(`  const _nr = ${local("lastspike")} <= _tb ? 1 : 0;`);
  } else if (refr.kind === "time") {
    const dt = s.dt_ms;
    lines.push(
      `  const _nr = Math.trunc((t - ${local("lastspike")} + ${1e-3 * dt}) / ${dt}) >= Math.trunc((${js(refr.expr)} + ${1e-3 * dt}) / ${dt}) ? 1 : 0;`,
    );
  } else if (refr.kind === "condition") {
    lines.push(`  const _nr = (${local("not_refractory")} !== 0) | (${js(refr.expr)} === 0);`);
    lines.push(`  A${arrayIndex.get("not_refractory")}[i] = _nr;`);
  } else lines.push("  const _nr = 1;");
  for (const t of s.temps) lines.push(`  const ${local(t.name)} = ${js(t.expr)};`);
  const after = new Map<string, string>();
  for (const u of s.updates) {
    const k = arrayIndex.get(u.name)!;
    const value = js(u.expr);
    const frozen = refr.kind !== "none" && model.unlessRefractory.has(u.name);
    lines.push(
      `  const ${local(`${u.name}_next`)} = ${frozen ? `_nr !== 0 ? ${value} : ${local(u.name)}` : value};`,
    );
    lines.push(`  A${k}[i] = ${local(`${u.name}_next`)};`);
    after.set(u.name, local(`${u.name}_next`));
  }
  if (s.threshold) {
    const thr = js(s.threshold, (n) => after.get(n) ?? ref(n));
    lines.push(`  if ((${thr}) !== 0 && _nr !== 0) {`, "    spiked[count++] = i;");
    if (refr.kind !== "none") lines.push(`    A${arrayIndex.get("lastspike")}[i] = t;`);
    if (refr.kind === "condition") lines.push(`    A${arrayIndex.get("not_refractory")}[i] = 0;`);
    lines.push("  }");
  }
  lines.push("}", "return count;");
  return lines.join("\n");
}

/** Compiles the step of a specialised model (JavaScript target). */
export function jsStep(s: SpecialisedModel): StepFunction {
  const body = jsStepSource(s);
  const make = new Function("F", `return function step(A, R, S, n, t, spiked) {\n${body}\n};`) as (
    f: typeof JS_FUNCTIONS,
  ) => StepFunction;
  return make(JS_FUNCTIONS);
}

/** Compiles the reset of a specialised model (runs for spiking neurons only; shared by both targets). */
export function jsReset(s: SpecialisedModel): ResetFunction | null {
  if (s.reset.length === 0) return null;
  const { model } = s;
  const randomIndex = new Map(model.randoms.map((r, k) => [r.name, k]));
  const sharedIndex = new Map(model.shared.map((n, k) => [n, k]));
  const arrayIndex = new Map(s.stored.map((n, k) => [n, k]));
  const ref = (name: string): string => {
    if (arrayIndex.has(name)) return `A${arrayIndex.get(name)}[i]`;
    if (sharedIndex.has(name))
      return s.float32 ? `F.fround(S[${sharedIndex.get(name)}])` : `S[${sharedIndex.get(name)}]`;
    if (randomIndex.has(name)) return `R[${randomIndex.get(name)} * rs + i]`;
    if (name === "t") return s.float32 ? "F.fround(t)" : "t";
    if (name === "i") return s.float32 ? "F.fround(i)" : "i";
    if (name === "not_refractory") return "0";
    throw new Error(`codegen: unresolved name ${name} in reset`);
  };
  const lines: string[] = [];
  s.stored.forEach((_, k) => lines.push(`const A${k} = A[${k}];`));
  lines.push(
    `const rs = ${s.float32 ? "n + ((4 - (n & 3)) & 3)" : "n + (n & 1)"};`,
    "for (let k = 0; k < count; k++) {",
    "  const i = spiked[k];",
  );
  for (const r of s.reset)
    lines.push(`  A${arrayIndex.get(r.name)}[i] = ${jsExpr(r.expr, ref, s.float32)};`);
  lines.push("}");
  const make = new Function(
    "F",
    `return function reset(A, R, S, n, spiked, count, t) {\n${lines.join("\n")}\n};`,
  ) as (f: typeof JS_FUNCTIONS) => ResetFunction;
  return make(JS_FUNCTIONS);
}

/** Replaces names in an expression by other names (a helper for synapse code). */
export function renameIn(e: Expr, map: ReadonlyMap<string, string>): Expr {
  return substitute(e, (n) => (map.has(n) ? { k: "name", name: map.get(n)! } : undefined));
}
