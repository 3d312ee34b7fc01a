/**
 * Code generation for synapse events (Brian2's `on_pre` / `on_post` statements, with the
 * event-driven variables brought up to the event's time first), for two targets from one
 * program:
 *
 * - JavaScript, the reference (and the fallback with `wasm: false`): one function per event
 *   kind that walks the synapses of a spike list;
 * - WebAssembly (scalar f64), on the network's arena: connectivity, per-synapse variables and
 *   the pre/post groups' state are addressed in place, their byte offsets baked into the code
 *   when the network is built. Float32 arrays (synapses with `precision: "float32"`, float32
 *   groups) are widened when loaded and rounded when stored (f64.promote / f32.demote, both
 *   exact-or-round-to-nearest-even as the reference's Float32Array reads and writes), so the
 *   arithmetic stays float64 in both targets. A synapse's own variables are loaded once, kept in locals and
 *   stored once; neuron indices the program does not read are not loaded; exp is inline code;
 *   where the synapses are scattered (a column, a list of synapse indices) the words of the
 *   synapse four places ahead are read early, so that cache misses overlap.
 *
 * Both perform the same IEEE double operations in the same order (exp is exp.ts's algorithm in
 * both; functions without a wasm instruction — expm1, pow with a non-integer exponent, ... — are
 * the very JavaScript functions the reference calls, imported), so they give bitwise-identical
 * results.
 *
 * The per-synapse program of an event: `_delta = t - lastupdate`; each event-driven variable
 * x' = A + B x advanced by the closed form over `_delta` (x + A _delta if B = 0, x exp(B _delta)
 * if A = 0, else -A/B + (x + A/B) exp(B _delta); one exp per distinct B); `lastupdate = t`;
 * then the statements in order.
 */
import {
  assemble,
  compileModule,
  F64,
  forCount,
  forRange,
  I32,
  op,
  wasmApi,
  type Code,
  type ValType,
  type WasmImport,
} from "../wasm/assembler.js";
import type { Arena } from "../wasm/arena.js";
import { jsExpr, JS_FUNCTIONS } from "./codegen.js";
import { expLocals, expSynapse, wasmExpCode } from "./exp.js";
import { FUNCTIONS } from "./expr.js";
import { mapChildren, namesIn, type Expr } from "./parse.js";

/**
 * The functions synapse code calls (`F.exp`, ...): those of neuron code, except exp, which is
 * neurolab's own (exp.ts) so that event kernels compute it inside WebAssembly.
 */
export const SYNAPSE_FUNCTIONS: Record<string, (...x: number[]) => number> = {
  ...JS_FUNCTIONS,
  exp: expSynapse,
};

/** Functions an event kernel computes without calling JavaScript. */
const INLINE_FUNCTIONS = new Set(["sqrt", "abs", "floor", "ceil", "int", "clip", "exp"]);

/** A small integer constant exponent (computed by repeated multiplication), or undefined. */
function smallPower(b: Expr): number | undefined {
  const p = b.k === "num" ? b.v : b.k === "neg" && b.a.k === "num" ? -b.a.v : undefined;
  return p !== undefined && Number.isInteger(p) && Math.abs(p) <= 4 ? p : undefined;
}

/** Where a name of synapse code lives. */
export type EventLocation =
  | { kind: "syn" | "pre" | "post"; index: number }
  | { kind: "t" | "dt" | "i" | "j" | "lastupdate" | "temp" };

/** One assignment of an event program: a temporary (`const`) or a stored variable. */
export interface EventStep {
  target: string;
  expr: Expr;
}

/** The statements run per synapse for one kind of event, in order. */
export interface EventProgram {
  steps: EventStep[];
  /** Resolves every name the steps read or write. */
  locate: (name: string) => EventLocation;
}

const name = (n: string): Expr => ({ k: "name", name: n });
const bin = (o: "+" | "-" | "*" | "/", a: Expr, b: Expr): Expr => ({ k: "bin", op: o, a, b });
const isZero = (q: Expr) => q.k === "num" && q.v === 0;

/**
 * The program of an event: event-driven variables `(name, A, B)` (x' = A + B x) advanced to
 * `t` (when there are any), then `statements` (targets are names the caller resolves).
 */
export function eventProgram(
  eventDriven: readonly { name: string; A: Expr; B: Expr }[],
  statements: readonly { target: string; expr: Expr }[],
  locate: (name: string) => EventLocation,
): EventProgram {
  const steps: EventStep[] = [];
  if (eventDriven.length) {
    steps.push({ target: "_delta", expr: bin("-", name("t"), name("lastupdate")) });
    // One exp(B _delta) per distinct B (traces with the same time constant share it), unless B
    // reads an event-driven variable (then its value depends on where it is computed).
    const factors = new Map<string, string>();
    const traced = new Set(eventDriven.map((e) => e.name));
    let fresh = 0;
    const factor = (B: Expr): Expr => {
      const shared = ![...namesIn(B)].some((n) => traced.has(n));
      const key = JSON.stringify(B);
      let f = shared ? factors.get(key) : undefined;
      if (f === undefined) {
        f = `_exp${fresh++}`;
        if (shared) factors.set(key, f);
        steps.push({
          target: f,
          expr: { k: "call", fn: "exp", args: [bin("*", B, name("_delta"))] },
        });
      }
      return name(f);
    };
    eventDriven.forEach((e, k) => {
      const x = name(e.name);
      const delta = name("_delta");
      if (isZero(e.B)) steps.push({ target: e.name, expr: bin("+", x, bin("*", e.A, delta)) });
      else if (isZero(e.A)) steps.push({ target: e.name, expr: bin("*", x, factor(e.B)) });
      else {
        const ba = `_ba${k}`;
        const f = factor(e.B);
        steps.push({ target: ba, expr: bin("/", e.A, e.B) });
        steps.push({
          target: e.name,
          expr: bin("+", { k: "neg", a: name(ba) }, bin("*", bin("+", x, name(ba)), f)),
        });
      }
    });
    steps.push({ target: "lastupdate", expr: name("t") });
  }
  steps.push(...statements);
  const temps = new Set(steps.filter((s) => s.target.startsWith("_")).map((s) => s.target));
  return { steps, locate: (n) => (temps.has(n) ? { kind: "temp" } : locate(n)) };
}

/** JavaScript text of a program's per-synapse body (locals `i`, `j`, `k`, `t`; arrays `SV*`, `PRE*`, `POST*`, `LU`). */
export function jsEventBody(p: EventProgram, dt_ms: number): string {
  const ref = (n: string): string => {
    const loc = p.locate(n);
    switch (loc.kind) {
      case "syn":
        return `SV${loc.index}[k]`;
      case "pre":
        return `PRE${loc.index}[i]`;
      case "post":
        return `POST${loc.index}[j]`;
      case "lastupdate":
        return "LU[k]";
      case "dt":
        return String(dt_ms);
      case "temp":
        return n;
      default:
        return loc.kind; // t, i, j
    }
  };
  return p.steps
    .map((s) =>
      p.locate(s.target).kind === "temp"
        ? `const ${s.target} = ${jsExpr(s.expr, ref)};`
        : `${ref(s.target)} = ${jsExpr(s.expr, ref)};`,
    )
    .join("\n");
}

/** How an event kernel walks its spike list. */
export type EventLoop =
  /** The list holds presynaptic neurons: each one's CSR row. */
  | "rows"
  /** The list holds postsynaptic neurons: each one's synapses through the post -> synapse index. */
  | "columns"
  /** The list holds synapse indices. */
  | "synapses";

/** Byte offsets in the arena of everything an event kernel reads and writes. */
export interface EventLayout {
  rowPtr: number;
  colIdx: number;
  preIdx: number;
  postPtr: number;
  byPost: number;
  syn: readonly number[];
  /** Which per-synapse arrays hold float32 (`precision: "float32"`): widened when loaded, rounded when stored, as the reference's Float32Array does. */
  synFloat32: readonly boolean[];
  pre: readonly number[];
  post: readonly number[];
  /** Which pre / post arrays hold float32 (a float32 group's variables; values are widened when read and rounded when stored). */
  preFloat32: readonly boolean[];
  postFloat32: readonly boolean[];
  lastupdate: number;
}

/** A compiled event kernel: runs the program for the `count` entries of the i32 list at byte offset `list`, at time `t_ms`. */
export type EventKernel = (list: number, count: number, t_ms: number) => void;

/**
 * Compiles a program to a WebAssembly event kernel on `arena`'s memory; a string (why not)
 * where it cannot: no WebAssembly, or a function the generator does not know.
 */
export function wasmEventKernel(
  p: EventProgram,
  loop: EventLoop,
  layout: EventLayout,
  dt_ms: number,
  arena: Arena,
): EventKernel | string {
  if (!wasmApi() || arena.buffer === null) return "no WebAssembly memory";
  // Parameters: list (byte offset), count, t.
  const LIST = 0,
    COUNT = 1,
    T = 2;
  const params: ValType[] = [I32, I32, F64];
  const locals: ValType[] = [];
  const local = (t: ValType) => (locals.push(t), params.length + locals.length - 1);
  const S = local(I32),
    I = local(I32),
    J = local(I32),
    K = local(I32),
    I8 = local(I32),
    J8 = local(I32),
    K8 = local(I32),
    Q = local(I32),
    END = local(I32);
  const I4 = local(I32),
    J4 = local(I32),
    K4 = local(I32);
  const { localGet: get, localSet: set, localTee: tee } = op;
  const temps = new Map<string, number>();
  const imports: WasmImport[] = [];
  const importIndex = new Map<string, number>();
  const importOf = (fn: string, arity: number): number => {
    let k = importIndex.get(fn);
    if (k === undefined) {
      k = imports.length;
      imports.push({ name: fn, params: new Array<ValType>(arity).fill(F64), results: [F64] });
      importIndex.set(fn, k);
    }
    return k;
  };
  let failure: string | null = null;
  // Imports first (their indices precede the module's own function): every function called
  // that has no inline form, found before compiling.
  const scan = (e: Expr): Expr => {
    if (e.k === "call" && !INLINE_FUNCTIONS.has(e.fn) && FUNCTIONS[e.fn] && JS_FUNCTIONS[e.fn])
      importOf(e.fn, e.args.length);
    if (e.k === "bin" && e.op === "**" && smallPower(e.b) === undefined) importOf("pow", 2);
    return mapChildren(e, scan);
  };
  p.steps.forEach((st) => scan(st.expr));
  const importCount = imports.length;
  const expAt = expLocals(local);
  // Which neuron indices the program reads (an index not read is not loaded).
  const names = new Set<string>();
  p.steps.forEach((st) => (names.add(st.target), namesIn(st.expr, names)));
  const kinds = new Set([...names].map((n) => p.locate(n).kind));
  const usesI = kinds.has("pre") || kinds.has("i");
  const usesJ = kinds.has("post") || kinds.has("j");
  // A synapse's own variables (and lastupdate) are read from memory once and written back once,
  // at the end of its program: in between they live in locals (nothing else can touch them).
  const cached = new Map<string, number>();
  const written = new Set<string>();
  const cacheable = (n: string) => {
    const kind = p.locate(n).kind;
    return kind === "syn" || kind === "lastupdate";
  };
  /** Address (an i32 on the stack) and load/store offset of a stored name. */
  const place = (n: string): { address: Code; offset: number; f32: boolean } | null => {
    const loc = p.locate(n);
    if (loc.kind === "syn")
      return layout.synFloat32[loc.index]
        ? { address: get(K4), offset: layout.syn[loc.index], f32: true }
        : { address: get(K8), offset: layout.syn[loc.index], f32: false };
    if (loc.kind === "pre")
      return layout.preFloat32[loc.index]
        ? { address: get(I4), offset: layout.pre[loc.index], f32: true }
        : { address: get(I8), offset: layout.pre[loc.index], f32: false };
    if (loc.kind === "post")
      return layout.postFloat32[loc.index]
        ? { address: get(J4), offset: layout.post[loc.index], f32: true }
        : { address: get(J8), offset: layout.post[loc.index], f32: false };
    if (loc.kind === "lastupdate")
      return { address: get(K8), offset: layout.lastupdate, f32: false };
    return null;
  };
  const ref = (n: string): Code => {
    const at = place(n);
    if (at && cacheable(n)) {
      const l = cached.get(n);
      if (l !== undefined) return get(l);
      const fresh = local(F64);
      cached.set(n, fresh);
      const load = at.f32 ? [...op.f32Load(at.offset), ...op.f64PromoteF32] : op.f64Load(at.offset);
      return [...at.address, ...load, ...tee(fresh)];
    }
    if (at)
      return at.f32
        ? [...at.address, ...op.f32Load(at.offset), ...op.f64PromoteF32]
        : [...at.address, ...op.f64Load(at.offset)];
    const loc = p.locate(n);
    if (loc.kind === "temp") return get(temps.get(n)!);
    if (loc.kind === "t") return get(T);
    if (loc.kind === "dt") return op.f64Const(dt_ms);
    if (loc.kind === "i") return [...get(I), ...op.f64ConvertI32S];
    if (loc.kind === "j") return [...get(J), ...op.f64ConvertI32S];
    throw new Error(`synapsegen: unresolved name ${n}`);
  };
  // Scalar expression compiler: a value is an f64, or an i32 0/1 where `mask` (comparisons).
  type Value = { code: Code; mask: boolean };
  const toNumber = (v: Value): Code => (v.mask ? [...v.code, ...op.f64ConvertI32U] : v.code);
  const toMask = (v: Value): Code =>
    v.mask ? v.code : [...v.code, ...op.f64Const(0), ...op.f64Ne];
  const compile = (e: Expr): Value => {
    const n = (x: Expr) => toNumber(compile(x));
    switch (e.k) {
      case "num":
        return { code: op.f64Const(e.v), mask: false };
      case "name":
        return { code: ref(e.name), mask: false };
      case "neg":
        return { code: [...n(e.a), ...op.f64Neg], mask: false };
      case "not": {
        const a = compile(e.a);
        return {
          code: a.mask ? [...a.code, ...op.i32Eqz] : [...a.code, ...op.f64Const(0), ...op.f64Eq],
          mask: true,
        };
      }
      case "bin": {
        const arith: Record<string, Code> = {
          "+": op.f64Add,
          "-": op.f64Sub,
          "*": op.f64Mul,
          "/": op.f64Div,
        };
        const cmp: Record<string, Code> = {
          "<": op.f64Lt,
          "<=": op.f64Le,
          ">": op.f64Gt,
          ">=": op.f64Ge,
          "==": op.f64Eq,
          "!=": op.f64Ne,
        };
        if (e.op in arith) return { code: [...n(e.a), ...n(e.b), ...arith[e.op]], mask: false };
        if (e.op in cmp) return { code: [...n(e.a), ...n(e.b), ...cmp[e.op]], mask: true };
        if (e.op === "and" || e.op === "or")
          return {
            code: [
              ...toMask(compile(e.a)),
              ...toMask(compile(e.b)),
              ...(e.op === "and" ? op.i32And : op.i32Or),
            ],
            mask: true,
          };
        // **: small integer constant powers as repeated multiplication (as powerOf), else powerOf.
        const pw = smallPower(e.b);
        if (pw !== undefined) {
          if (pw === 0) return { code: op.f64Const(1), mask: false };
          const base = local(F64);
          const acc = local(F64);
          const code: Code = [...n(e.a), ...tee(base), ...set(acc)];
          for (let k = 1; k < Math.abs(pw); k++)
            code.push(...get(acc), ...get(base), ...op.f64Mul, ...set(acc));
          code.push(...(pw < 0 ? [...op.f64Const(1), ...get(acc), ...op.f64Div] : get(acc)));
          return { code, mask: false };
        }
        return { code: [...n(e.a), ...n(e.b), ...op.call(importOf("pow", 2))], mask: false };
      }
      case "call": {
        const scalar: Record<string, Code> = {
          sqrt: op.f64Sqrt,
          abs: op.f64Abs,
          floor: op.f64Floor,
          ceil: op.f64Ceil,
          int: op.f64Trunc,
        };
        if (scalar[e.fn]) return { code: [...n(e.args[0]), ...scalar[e.fn]], mask: false };
        // clip(x, lo, hi) = Math.min(Math.max(x, lo), hi): f64.max/f64.min have Math's NaN and signed-zero rules.
        if (e.fn === "clip")
          return {
            code: [...n(e.args[0]), ...n(e.args[1]), ...op.f64Max, ...n(e.args[2]), ...op.f64Min],
            mask: false,
          };
        if (e.fn === "exp") return { code: [...n(e.args[0]), ...wasmExpCode(expAt)], mask: false };
        if (!FUNCTIONS[e.fn] || !JS_FUNCTIONS[e.fn]) {
          failure ??= `function ${e.fn}() has no WebAssembly form`;
          return { code: op.f64Const(0), mask: false };
        }
        return {
          code: [...e.args.flatMap(n), ...op.call(importOf(e.fn, e.args.length))],
          mask: false,
        };
      }
    }
  };
  const body: Code = [];
  // Names read by the steps after each step (a float32 value written and not read again needs
  // no rounding in its local: the final store rounds it the same way).
  const readAfter = p.steps.map(() => new Set<string>());
  for (let k = p.steps.length - 2; k >= 0; k--) {
    readAfter[k] = new Set(readAfter[k + 1]);
    namesIn(p.steps[k + 1].expr, readAfter[k]);
  }
  p.steps.forEach((s, step) => {
    const value = toNumber(compile(s.expr));
    const at = place(s.target);
    if (at && cacheable(s.target)) {
      let l = cached.get(s.target);
      if (l === undefined) cached.set(s.target, (l = local(F64)));
      written.add(s.target);
      // A float32 variable's local holds what the store will hold (the value rounded to float32
      // and widened back) where a later statement reads it, as the reference reads its Float32Array.
      const round = at.f32 && readAfter[step].has(s.target);
      body.push(...value, ...(round ? [...op.f32DemoteF64, ...op.f64PromoteF32] : []), ...set(l));
    } else if (at)
      body.push(
        ...at.address,
        ...value,
        ...(at.f32 ? [...op.f32DemoteF64, ...op.f32Store(at.offset)] : op.f64Store(at.offset)),
      );
    else {
      const l = local(F64);
      temps.set(s.target, l);
      body.push(...value, ...set(l));
    }
  });
  for (const n of written) {
    const at = place(n)!;
    body.push(
      ...at.address,
      ...get(cached.get(n)!),
      ...(at.f32 ? [...op.f32DemoteF64, ...op.f32Store(at.offset)] : op.f64Store(at.offset)),
    );
  }
  if (failure) return failure;
  if (imports.length !== importCount)
    throw new Error("synapsegen: an import was found only while compiling");
  const load = (offset: number, index: Code): Code => [
    ...index,
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Load(offset),
  ];
  /** Byte offsets of index `from` in float64 arrays (`to`) and, where float32 arrays are read, in those (`to4`). */
  const shift3 = (from: number, to: number, to4?: number): Code => [
    ...get(from),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...set(to),
    ...(to4 === undefined ? [] : [...get(from), ...op.i32Const(2), ...op.i32Shl, ...set(to4)]),
  ];
  const entry = [
    ...get(LIST),
    ...get(S),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.i32Load(),
  ];
  const loadI = usesI ? [...load(layout.preIdx, get(K)), ...set(I), ...shift3(I, I8, I4)] : [];
  const loadJ = usesJ ? [...load(layout.colIdx, get(K)), ...set(J), ...shift3(J, J8, J4)] : [];
  // Lookahead where synapses are scattered (a column's, or a list of synapse indices): the
  // memory words of the synapse LOOKAHEAD places ahead (the last one near the end) are read now,
  // so their cache misses overlap this synapse's work (WebAssembly has no prefetch; the words
  // go into an unused local). COBA + STDP's on_post: about a quarter of the kernels' time.
  const LOOKAHEAD = 4;
  const PK = local(I32),
    PACC = local(I32);
  const i32Xor: Code = [0x73];
  const select: Code = [0x1b];
  const synapseArrays = [...names]
    .filter(cacheable)
    .map((n) => place(n)!)
    .map(({ offset, f32 }) => ({ offset, shift: f32 ? 2 : 3 }));
  /** The synapse's byte offsets in the float64 (lastupdate, float64 variables) and float32 arrays the program reads. */
  const synapseWidths = new Set([...names].filter(cacheable).map((n) => place(n)!.f32));
  const synapseOffsets: Code = [
    ...(synapseWidths.has(false) ? [...get(K), ...op.i32Const(3), ...op.i32Shl, ...set(K8)] : []),
    ...(synapseWidths.has(true) ? [...get(K), ...op.i32Const(2), ...op.i32Shl, ...set(K4)] : []),
  ];
  if (usesI) synapseArrays.push({ offset: layout.preIdx, shift: 2 });
  if (usesJ && loop === "synapses") synapseArrays.push({ offset: layout.colIdx, shift: 2 });
  /** Reads the words of the synapse at `position` + LOOKAHEAD (at most `last`), its index found by `indexAt`. */
  const lookahead = (position: number, last: Code, indexAt: (p: Code) => Code): Code => [
    ...indexAt([
      ...get(position),
      ...op.i32Const(LOOKAHEAD),
      ...op.i32Add,
      ...last,
      ...get(position),
      ...op.i32Const(LOOKAHEAD),
      ...op.i32Add,
      ...last,
      ...op.i32LtS,
      ...select,
    ]),
    ...set(PK),
    ...synapseArrays.flatMap(({ offset, shift }) => [
      ...get(PK),
      ...op.i32Const(shift),
      ...op.i32Shl,
      ...op.i32Load(offset),
      ...get(PACC),
      ...i32Xor,
      ...set(PACC),
    ]),
  ];
  const minusOne = (x: number): Code => [...get(x), ...op.i32Const(1), ...op.i32Sub];
  let perEntry: Code;
  if (loop === "rows") {
    perEntry = [
      ...entry,
      ...set(I),
      ...shift3(I, I8, I4),
      ...forRange(K, END, load(layout.rowPtr, get(I)), load(layout.rowPtr + 4, get(I)), [
        ...loadJ,
        ...synapseOffsets,
        ...body,
      ]),
    ];
  } else if (loop === "columns") {
    perEntry = [
      ...entry,
      ...set(J),
      ...shift3(J, J8, J4),
      ...forRange(Q, END, load(layout.postPtr, get(J)), load(layout.postPtr + 4, get(J)), [
        ...lookahead(Q, minusOne(END), (at) => load(layout.byPost, at)),
        ...load(layout.byPost, get(Q)),
        ...set(K),
        ...synapseOffsets,
        ...loadI,
        ...body,
      ]),
    ];
  } else {
    perEntry = [
      ...lookahead(S, minusOne(COUNT), (at) => [
        ...get(LIST),
        ...at,
        ...op.i32Const(2),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.i32Load(),
      ]),
      ...entry,
      ...set(K),
      ...synapseOffsets,
      ...loadI,
      ...loadJ,
      ...body,
    ];
  }
  const fnBody = forCount(S, COUNT, perEntry);
  const bytes = assemble([{ name: "event", params, results: [], locals, body: fnBody }], imports);
  const module = compileModule(bytes);
  if (typeof module === "string") return module;
  // Not named `exports`: in the CommonJS build that name would shadow the module's own exports
  // (SYNAPSE_FUNCTIONS is read through it), a temporal-dead-zone error at run time.
  const instance = arena.instance(
    module,
    Object.fromEntries(imports.map((f) => [f.name, SYNAPSE_FUNCTIONS[f.name]])),
  );
  if (!instance) return "no WebAssembly memory";
  return instance.event as EventKernel;
}
