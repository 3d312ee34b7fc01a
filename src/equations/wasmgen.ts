/**
 * WebAssembly SIMD code generation for equation models: the step of codegen.ts (refractoriness,
 * integration, threshold), two neurons per f64x2 instruction (four per f32x4 instruction with
 * `precision: "float32"`), state in the network's arena. Every lane performs the JavaScript
 * reference's IEEE operations in the same order (no fused multiply-add; comparisons as lane
 * masks, turned into 1.0/0.0 where used as numbers; functions without a SIMD instruction — exp,
 * log, pow with a non-integer exponent, ... — call the very JavaScript function the reference
 * calls, lane by lane; in float32 the reference rounds every operation with Math.fround, which
 * equals the float32 instruction for + - * / and sqrt), so both targets give bitwise-identical
 * results. The module is built for one specialised model when its group is built (well under a
 * millisecond for COBA), with the addresses of the group's arrays as constants.
 *
 * The same module holds the reset (`reset(t, count)`: the reset statements, in order, for each
 * neuron of the spike list, as codegen.ts's `jsReset`): each statement is computed by the same
 * vector code on a vector whose lanes all hold the neuron's values (lane 0 is stored), so it
 * rounds as the reference does, and a later statement reads what an earlier one stored.
 */
import {
  assemble,
  compileModule,
  F64,
  forCount,
  I32,
  op,
  recordSpikeLanes,
  V128,
  wasmApi,
  type Code,
  type ValType,
  type WasmFunction,
  type WasmImport,
} from "../wasm/assembler.js";
import type { Arena } from "../wasm/arena.js";
import {
  JS_FUNCTIONS,
  readByStep,
  refractoryBound,
  type SpecialisedModel,
  type StateArray,
  type StepFunction,
} from "./codegen.js";
import { FUNCTIONS } from "./expr.js";
import type { Expr } from "./parse.js";

const { localGet: get, localSet: set } = op;

/** Result of compiling an expression: code leaving one v128 on the stack, as numbers or as a lane mask. */
interface Value {
  code: Code;
  mask: boolean;
}

/** Allocates locals after the parameters. */
class Locals {
  readonly types: ValType[] = [];
  constructor(private readonly first: number) {}
  add(t: ValType): number {
    this.types.push(t);
    return this.first + this.types.length - 1;
  }
}

/** The SIMD instructions of one lane type. */
interface Lanes {
  /** Neurons per vector. */
  width: 2 | 4;
  /** Bytes per element of the group's arrays. */
  bytes: 4 | 8;
  add: Code;
  sub: Code;
  mul: Code;
  div: Code;
  neg: Code;
  eq: Code;
  ne: Code;
  lt: Code;
  gt: Code;
  le: Code;
  ge: Code;
  simd: Record<"sqrt" | "abs" | "floor" | "ceil", Code>;
  trunc: Code;
  /** A scalar f64 on the stack -> a vector of it (rounded to the lane type). */
  splatF64: Code;
  /** Lane j of a vector -> a scalar f64 (exact). */
  extractF64: (j: number) => Code;
  /** A scalar f64 -> lane j of the vector below it (rounded to the lane type). */
  replaceF64: (j: number) => Code;
  /** A constant vector. */
  constant: (v: number) => Code;
}

const F64X2: Lanes = {
  width: 2,
  bytes: 8,
  add: op.f64x2Add,
  sub: op.f64x2Sub,
  mul: op.f64x2Mul,
  div: op.f64x2Div,
  neg: op.f64x2Neg,
  eq: op.f64x2Eq,
  ne: op.f64x2Ne,
  lt: op.f64x2Lt,
  gt: op.f64x2Gt,
  le: op.f64x2Le,
  ge: op.f64x2Ge,
  simd: { sqrt: op.f64x2Sqrt, abs: op.f64x2Abs, floor: op.f64x2Floor, ceil: op.f64x2Ceil },
  trunc: op.f64x2Trunc,
  splatF64: op.f64x2Splat,
  extractF64: (j) => op.f64x2ExtractLane(j),
  replaceF64: (j) => op.f64x2ReplaceLane(j),
  constant: (v) => [...op.f64Const(v), ...op.f64x2Splat],
};

const F32X4: Lanes = {
  width: 4,
  bytes: 4,
  add: op.f32x4Add,
  sub: op.f32x4Sub,
  mul: op.f32x4Mul,
  div: op.f32x4Div,
  neg: op.f32x4Neg,
  eq: op.f32x4Eq,
  ne: op.f32x4Ne,
  lt: op.f32x4Lt,
  gt: op.f32x4Gt,
  le: op.f32x4Le,
  ge: op.f32x4Ge,
  simd: { sqrt: op.f32x4Sqrt, abs: op.f32x4Abs, floor: op.f32x4Floor, ceil: op.f32x4Ceil },
  trunc: op.f32x4Trunc,
  splatF64: [...op.f32DemoteF64, ...op.f32x4Splat],
  extractF64: (j) => [...op.f32x4ExtractLane(j), ...op.f64PromoteF32],
  replaceF64: (j) => [...op.f32DemoteF64, ...op.f32x4ReplaceLane(j)],
  constant: (v) => [...op.f32Const(Math.fround(v)), ...op.f32x4Splat],
};

/** The imported functions of a module (JavaScript functions without a SIMD instruction, and pow), shared by its functions. */
class Imports {
  readonly list: WasmImport[] = [];
  private readonly index = new Map<string, number>();
  /** The index of `fn` (taking `arity` f64), imported on first use. */
  of(fn: string, arity: number): number {
    let k = this.index.get(fn);
    if (k === undefined) {
      k = this.list.length;
      this.list.push({ name: fn, params: new Array<ValType>(arity).fill(F64), results: [F64] });
      this.index.set(fn, k);
    }
    return k;
  }
}

/**
 * The expression compiler of one function: constants and shared parameters hoisted into locals
 * by `prologue` (run once, before the loop), comparisons as lane masks, functions without an
 * instruction called lane by lane (lane 0 only with `firstLaneOnly`: the reset's vectors hold
 * one neuron in every lane).
 */
function vectorCompiler(
  V: Lanes,
  L: Locals,
  imports: Imports,
  shared: { names: readonly string[]; byteOffset: number },
  firstLaneOnly: boolean,
) {
  const prologue: Code = [];
  const ZERO = L.add(V128);
  const ONE = L.add(V128);
  prologue.push(...op.i32Const(0), ...op.i32x4Splat, ...set(ZERO), ...V.constant(1), ...set(ONE));
  const constLocals = new Map<string, number>();
  const constant = (v: number): Code => {
    const key = Object.is(v, -0) ? "-0" : String(v);
    let k = constLocals.get(key);
    if (k === undefined) {
      k = L.add(V128);
      constLocals.set(key, k);
      prologue.push(...V.constant(v), ...set(k));
    }
    return get(k);
  };
  const sharedLocals = new Map<string, number>();
  shared.names.forEach((name, k) => {
    const l = L.add(V128);
    sharedLocals.set(name, l);
    prologue.push(
      ...op.i32Const(0),
      ...op.f64Load(shared.byteOffset + 8 * k),
      ...V.splatF64,
      ...set(l),
    );
  });
  const toNumber = (v: Value): Code => (v.mask ? [...v.code, ...get(ONE), ...op.v128And] : v.code);
  const toMask = (v: Value): Code => (v.mask ? v.code : [...v.code, ...get(ZERO), ...V.ne]);

  /** Calls a scalar JavaScript function lane by lane on argument values in locals. */
  const laneCall = (fn: string, args: Code[]): Code => {
    const idx = imports.of(fn, args.length);
    const argLocals = args.map((a) => {
      const l = L.add(V128);
      return { l, code: [...a, ...set(l)] };
    });
    const lane = (j: number): Code => [
      ...argLocals.flatMap((a) => [...get(a.l), ...V.extractF64(j)]),
      ...op.call(idx),
    ];
    const out: Code = [...argLocals.flatMap((a) => a.code), ...lane(0), ...V.splatF64];
    if (!firstLaneOnly) for (let j = 1; j < V.width; j++) out.push(...lane(j), ...V.replaceF64(j));
    return out;
  };

  const compile = (e: Expr, ref: (name: string) => Code): Value => {
    const num = (x: Expr) => toNumber(compile(x, ref));
    switch (e.k) {
      case "num":
        return { code: constant(e.v), mask: false };
      case "name":
        return { code: ref(e.name), mask: false };
      case "neg":
        return { code: [...num(e.a), ...V.neg], mask: false };
      case "not": {
        const a = compile(e.a, ref);
        return {
          code: a.mask ? [...a.code, ...op.v128Not] : [...a.code, ...get(ZERO), ...V.eq],
          mask: true,
        };
      }
      case "bin": {
        const arith: Record<string, Code> = { "+": V.add, "-": V.sub, "*": V.mul, "/": V.div };
        const cmp: Record<string, Code> = {
          "<": V.lt,
          "<=": V.le,
          ">": V.gt,
          ">=": V.ge,
          "==": V.eq,
          "!=": V.ne,
        };
        if (e.op in arith) return { code: [...num(e.a), ...num(e.b), ...arith[e.op]], mask: false };
        if (e.op in cmp) return { code: [...num(e.a), ...num(e.b), ...cmp[e.op]], mask: true };
        if (e.op === "and" || e.op === "or") {
          return {
            code: [
              ...toMask(compile(e.a, ref)),
              ...toMask(compile(e.b, ref)),
              ...(e.op === "and" ? op.v128And : op.v128Or),
            ],
            mask: true,
          };
        }
        // **: small integer constant powers as repeated multiplication (as powerOf / powerOf32), else per lane.
        const p =
          e.b.k === "num" ? e.b.v : e.b.k === "neg" && e.b.a.k === "num" ? -e.b.a.v : undefined;
        if (p !== undefined && Number.isInteger(p) && Math.abs(p) <= 4) {
          if (p === 0) return { code: constant(1), mask: false }; // powerOf(x, 0) is 1 for every x
          const base = L.add(V128);
          const acc = L.add(V128);
          const code: Code = [...num(e.a), ...set(base), ...get(base), ...set(acc)];
          for (let k = 1; k < Math.abs(p); k++)
            code.push(...get(acc), ...get(base), ...V.mul, ...set(acc));
          code.push(...(p < 0 ? [...get(ONE), ...get(acc), ...V.div] : get(acc)));
          return { code, mask: false };
        }
        return {
          code: laneCall(V.width === 4 ? "pow32" : "pow", [num(e.a), num(e.b)]),
          mask: false,
        };
      }
      case "call": {
        const f = FUNCTIONS[e.fn];
        if (f.simd) return { code: [...num(e.args[0]), ...V.simd[f.simd]], mask: false };
        return { code: laneCall(e.fn, e.args.map(num)), mask: false };
      }
    }
  };

  return { prologue, ZERO, ONE, constant, sharedLocals, toNumber, toMask, compile };
}

/**
 * Compiles the step of `s` to WebAssembly on `arena`'s memory for the arrays of `state`;
 * undefined where the host lacks WebAssembly SIMD or the arrays are not in the arena (the
 * caller then runs the JavaScript step).
 */
export function wasmStep(
  s: SpecialisedModel,
  arena: Arena,
  state: BoundState,
): WasmStep | undefined {
  if (!wasmApi() || arena.buffer === null) return undefined;
  const buffer = arena.buffer;
  const { model } = s;
  const V = s.float32 ? F32X4 : F64X2;
  const nArrays = s.stored.length;
  if (
    state.arrays.length !== nArrays ||
    ![...state.arrays, state.randoms, state.shared, state.spiked].every((a) => a.buffer === buffer)
  )
    return undefined;
  if (s.refractory.kind === "time" && s.refractory.expr.k !== "num" && s.float32) return undefined;
  // lastspike is float64 in both precisions; a float32 group pads it to a multiple of 4 neurons.
  const isTime = (name: string) => name === "lastspike";
  // One parameter, t; the size and every address are constants of this build (the arrays of a
  // built group never move): pointers sit in locals set once per call, arrays are addressed
  // by their byte offsets as load/store immediates.
  const T = 0;
  const params: ValType[] = [F64];
  const L = new Locals(params.length);
  const N = L.add(I32);
  const SPIKED = L.add(I32);
  const pointers: Code = [
    ...op.i32Const(state.n),
    ...set(N),
    ...op.i32Const(state.spiked.byteOffset),
    ...set(SPIKED),
  ];
  const I = L.add(I32);
  const O = L.add(I32); // byte offset of neuron i in the group's arrays
  const O8 = V.width === 2 ? O : L.add(I32); // byte offset of neuron i in float64 arrays (float32 groups: lastspike)
  const COUNT = L.add(I32);
  const BITS = L.add(I32);
  const TV = L.add(V128); // t in lanes of the group's type
  const T64 = L.add(V128); // t as f64x2 (lastspike)
  const NR = L.add(V128); // not_refractory, as a lane mask

  const imports = new Imports();
  const C = vectorCompiler(
    V,
    L,
    imports,
    { names: model.shared, byteOffset: state.shared.byteOffset },
    false,
  );
  const { prologue, ZERO, ONE, constant, sharedLocals, toNumber, toMask, compile } = C;
  const arrayIndex = new Map(s.stored.map((n, k) => [n, k]));
  const randomIndex = new Map(model.randoms.map((r, k) => [r.name, k]));
  const varLocals = new Map<string, number>(); // loaded values of the step's start, and temporaries
  const arrayOffset = (k: number): number => state.arrays[k].byteOffset;
  const indexVector = (): Code => {
    if (V.width === 4)
      return [
        ...get(I),
        ...op.i32x4Splat,
        ...op.v128Const([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]),
        ...op.i32x4Add,
        ...op.f32x4ConvertI32x4S,
      ];
    return [
      ...get(I),
      ...op.f64ConvertI32S,
      ...op.f64x2Splat,
      ...get(I),
      ...op.i32Const(1),
      ...op.i32Add,
      ...op.f64ConvertI32S,
      ...op.f64x2ReplaceLane(1),
    ];
  };
  const stride = (n: number) => Math.ceil(n / V.width) * V.width;
  const ref = (name: string): Code => {
    const l = varLocals.get(name);
    if (l !== undefined) return get(l);
    const r = randomIndex.get(name);
    if (r !== undefined)
      return [...get(O), ...op.v128Load(state.randoms.byteOffset + r * stride(state.n) * V.bytes)];
    const sh = sharedLocals.get(name);
    if (sh !== undefined) return get(sh);
    if (name === "t") return get(TV);
    if (name === "i") return indexVector();
    if (name === "not_refractory") return [...get(NR), ...get(ONE), ...op.v128And];
    throw new Error(`wasmgen: unresolved name ${name}`);
  };

  const body: Code = [];
  // Load the step's starting values (lastspike of a float32 group: two f64x2 halves).
  const halves = new Map<string, [number, number]>();
  const used = readByStep(s);
  for (const [k, v] of s.stored.entries()) {
    if (!used.has(v)) continue;
    if (isTime(v) && V.width === 4) {
      const lo = L.add(V128);
      const hi = L.add(V128);
      halves.set(v, [lo, hi]);
      body.push(
        ...get(O8),
        ...op.v128Load(arrayOffset(k)),
        ...set(lo),
        ...get(O8),
        ...op.v128Load(arrayOffset(k) + 16),
        ...set(hi),
      );
      continue;
    }
    const l = L.add(V128);
    varLocals.set(v, l);
    body.push(...get(isTime(v) ? O8 : O), ...op.v128Load(arrayOffset(k)), ...set(l));
  }
  /** mask of lastspike <= bound (f64x2 local), as a mask of the group's lanes. */
  const timeMask = (bound: number): Code => {
    if (V.width === 2) return [...get(varLocals.get("lastspike")!), ...get(bound), ...op.f64x2Le];
    const [lo, hi] = halves.get("lastspike")!;
    // two i64x2 masks -> one i32x4 mask (the low 4 bytes of each 8-byte lane)
    return [
      ...get(lo),
      ...get(bound),
      ...op.f64x2Le,
      ...get(hi),
      ...get(bound),
      ...op.f64x2Le,
      ...op.i8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]),
    ];
  };
  const refr = s.refractory;
  const c = 1e-3 * s.dt_ms;
  if (refr.kind === "time" && refr.expr.k === "num") {
    const TB = L.add(V128);
    prologue.push(
      ...get(T),
      ...op.f64Const(refractoryBound(refr.expr.v, s.dt_ms)),
      ...op.f64Sub,
      ...op.f64x2Splat,
      ...set(TB),
    );
    body.push(...timeMask(TB), ...set(NR));
  } else if (refr.kind === "time") {
    // float64 only (float32 groups refuse an expression as refractory period)
    const steps = (x: Code): Code => [
      ...x,
      ...constant(c),
      ...op.f64x2Add,
      ...constant(s.dt_ms),
      ...op.f64x2Div,
      ...op.f64x2Trunc,
    ];
    body.push(
      ...steps([...get(TV), ...get(varLocals.get("lastspike")!), ...op.f64x2Sub]),
      ...steps(toNumber(compile(refr.expr, ref))),
      ...op.f64x2Ge,
      ...set(NR),
    );
  } else if (refr.kind === "condition") {
    const k = arrayIndex.get("not_refractory")!;
    body.push(
      ...get(varLocals.get("not_refractory")!),
      ...get(ZERO),
      ...V.ne,
      ...toMask(compile(refr.expr, ref)),
      ...op.v128Not,
      ...op.v128Or,
      ...set(NR),
    );
    body.push(...get(O), ...get(NR), ...get(ONE), ...op.v128And, ...op.v128Store(arrayOffset(k)));
  } else body.push(...op.i32Const(-1), ...op.i32x4Splat, ...set(NR));
  for (const t of s.temps) {
    const l = L.add(V128);
    body.push(...toNumber(compile(t.expr, ref)), ...set(l));
    varLocals.set(t.name, l);
  }
  const after = new Map<string, number>();
  for (const u of s.updates) {
    const l = L.add(V128);
    const value = toNumber(compile(u.expr, ref));
    const frozen = refr.kind !== "none" && model.unlessRefractory.has(u.name);
    body.push(
      ...(frozen
        ? [...value, ...get(varLocals.get(u.name)!), ...get(NR), ...op.v128Bitselect]
        : value),
      ...set(l),
    );
    body.push(...get(O), ...get(l), ...op.v128Store(arrayOffset(arrayIndex.get(u.name)!)));
    after.set(u.name, l);
  }
  if (s.threshold) {
    const SPK = L.add(V128);
    const thr = toMask(compile(s.threshold, (n) => (after.has(n) ? get(after.get(n)!) : ref(n))));
    body.push(...thr, ...get(NR), ...op.v128And, ...set(SPK));
    // lastspike <- t and not_refractory <- 0 where spiking: only in vectors with a spike (the
    // stored values of the step's start are still in locals).
    const onSpike: Code = [];
    if (refr.kind !== "none") {
      const k = arrayIndex.get("lastspike")!;
      if (V.width === 2)
        onSpike.push(
          ...get(O8),
          ...get(T64),
          ...get(varLocals.get("lastspike")!),
          ...get(SPK),
          ...op.v128Bitselect,
          ...op.v128Store(arrayOffset(k)),
        );
      else {
        const [lo, hi] = halves.get("lastspike")!;
        onSpike.push(
          ...get(O8),
          ...get(T64),
          ...get(lo),
          ...get(SPK),
          ...op.i64x2ExtendLowI32x4S,
          ...op.v128Bitselect,
          ...op.v128Store(arrayOffset(k)),
        );
        onSpike.push(
          ...get(O8),
          ...get(T64),
          ...get(hi),
          ...get(SPK),
          ...op.i64x2ExtendHighI32x4S,
          ...op.v128Bitselect,
          ...op.v128Store(arrayOffset(k) + 16),
        );
      }
    }
    if (refr.kind === "condition") {
      const k = arrayIndex.get("not_refractory")!;
      onSpike.push(
        ...get(O),
        ...get(ZERO),
        ...get(NR),
        ...get(ONE),
        ...op.v128And,
        ...get(SPK),
        ...op.v128Bitselect,
        ...op.v128Store(arrayOffset(k)),
      );
    }
    // (one test of the mask for both: vectors with a spike are rare)
    body.push(
      ...recordSpikeLanes(
        { mask: SPK, bits: BITS, i: I, n: N, spiked: SPIKED, count: COUNT },
        V.width,
        onSpike,
      ),
    );
  }
  const loop: Code = [
    ...op.block,
    ...get(N),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.loop,
    ...body,
    ...get(O),
    ...op.i32Const(16),
    ...op.i32Add,
    ...set(O),
    ...(O8 === O ? [] : [...get(O8), ...op.i32Const(8 * V.width), ...op.i32Add, ...set(O8)]),
    ...get(I),
    ...op.i32Const(V.width),
    ...op.i32Add,
    ...op.localTee(I),
    ...get(N),
    ...op.i32LtS,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  const common: Code = [
    ...get(T),
    ...V.splatF64,
    ...set(TV),
    ...get(T),
    ...op.f64x2Splat,
    ...set(T64),
    ...prologue,
    ...loop,
    ...get(COUNT),
  ];
  const fnBody: Code = [...pointers, ...common];
  // The step of neurons [from, to) only (`from` a multiple of 4), its spikes appended from
  // `spiked` (global indices, in order): the same vectors as the whole step's, so the same
  // results; two of these run the halves of a group on two threads (src/wasm/threads.ts).
  const part = (name: string, from: number, to: number, spiked: number): WasmFunction => ({
    name,
    params,
    results: [I32],
    locals: L.types,
    body: [
      ...op.i32Const(to),
      ...set(N),
      ...op.i32Const(spiked),
      ...set(SPIKED),
      ...op.i32Const(from),
      ...set(I),
      ...op.i32Const(from * V.bytes),
      ...set(O),
      ...(O8 === O ? [] : [...op.i32Const(8 * from), ...set(O8)]),
      ...common,
    ],
  });
  const h = state.split ?? 0;
  const parts =
    h > 0 && h < state.n && h % 4 === 0
      ? [
          part("lower", 0, h, state.spiked.byteOffset),
          part("upper", h, state.n, state.spiked.byteOffset + 4 * h),
        ]
      : [];
  // finite() -> 1 when every stored value (padding lanes included) is finite: the sum of x - x
  // over all of them is 0 then, and NaN as soon as one is NaN or infinite.
  const ACC32 = 0,
    ACC64 = 1,
    OFF = 2,
    K = 3,
    X = 4;
  const finiteBody: Code = [
    ...op.i32Const(0),
    ...op.i32x4Splat,
    ...set(ACC32),
    ...op.i32Const(0),
    ...op.i32x4Splat,
    ...set(ACC64),
  ];
  state.arrays.forEach((a, k) => {
    const wide = !s.float32 || isTime(s.stored[k]);
    const acc = wide ? ACC64 : ACC32;
    const vectors = Math.ceil(state.n / (wide ? 2 : 4));
    finiteBody.push(
      ...op.i32Const(0),
      ...set(OFF),
      ...op.i32Const(0),
      ...set(K),
      ...op.loop,
      ...get(acc),
      ...get(OFF),
      ...op.v128Load(a.byteOffset),
      ...op.localTee(X),
      ...get(X),
      ...(wide ? op.f64x2Sub : op.f32x4Sub),
      ...(wide ? op.f64x2Add : op.f32x4Add),
      ...set(acc),
      ...get(OFF),
      ...op.i32Const(16),
      ...op.i32Add,
      ...set(OFF),
      ...get(K),
      ...op.i32Const(1),
      ...op.i32Add,
      ...op.localTee(K),
      ...op.i32Const(vectors),
      ...op.i32LtS,
      ...op.brIf(0),
      ...op.end,
    );
  });
  const lane64 = (j: number): Code => [...get(ACC64), ...op.f64x2ExtractLane(j)];
  const lane32 = (j: number): Code => [
    ...get(ACC32),
    ...op.f32x4ExtractLane(j),
    ...op.f64PromoteF32,
  ];
  finiteBody.push(
    ...lane64(0),
    ...lane64(1),
    ...op.f64Add,
    ...lane32(0),
    ...op.f64Add,
    ...lane32(1),
    ...op.f64Add,
    ...lane32(2),
    ...op.f64Add,
    ...lane32(3),
    ...op.f64Add,
    ...op.f64Const(0),
    ...op.f64Eq,
  );
  const reset = resetFunction(s, state, V, imports);
  const bytes = assemble(
    [
      { name: "step", params, results: [I32], locals: L.types, body: fnBody },
      {
        name: "finite",
        params: [],
        results: [I32],
        locals: [V128, V128, I32, I32, V128],
        body: finiteBody,
      },
      ...(typeof reset === "string" ? [] : [reset]),
      ...parts,
    ],
    imports.list,
  );
  const module = compileModule(bytes);
  if (typeof module === "string") return undefined;
  const functions = Object.fromEntries(imports.list.map((f) => [f.name, JS_FUNCTIONS[f.name]]));
  const instance = arena.instance(module, functions);
  if (!instance) return undefined;
  const step = instance.step as (t: number) => number;
  const bound: StepFunction = (arrays, _r, _s, n, t) => {
    if (arrays !== state.arrays || n !== state.n)
      throw new Error("wasm step: called with arrays other than those it was built for");
    return step(t);
  };
  const resetKernel = typeof reset === "string" ? null : (instance.reset as ResetKernel);
  const split =
    parts.length === 0
      ? null
      : {
          at: h,
          lower: instance.lower as (t_ms: number) => number,
          module,
          functionImports: imports.list.map((f) => f.name),
        };
  return {
    halves: split,
    step: bound,
    finite: instance.finite as () => number,
    stepKernel: step,
    reset: resetKernel,
    resetTarget: resetKernel ? "WebAssembly" : `JavaScript (${reset as string})`,
  };
}

/**
 * The reset of `s` as a WebAssembly function `reset(t, count)` over the first `count` entries
 * of the group's spike list (see the module comment), or why it cannot be one.
 */
function resetFunction(
  s: SpecialisedModel,
  state: BoundState,
  V: Lanes,
  imports: Imports,
): WasmFunction | string {
  if (s.reset.length === 0) return "no reset";
  const T = 0,
    COUNT = 1;
  const L = new Locals(2);
  const K = L.add(I32);
  const I = L.add(I32);
  const O = L.add(I32); // byte offset of neuron i in the group's arrays
  const O8 = L.add(I32); // in float64 arrays
  const TV = L.add(V128);
  const C = vectorCompiler(
    V,
    L,
    imports,
    { names: s.model.shared, byteOffset: state.shared.byteOffset },
    true,
  );
  const arrayIndex = new Map(s.stored.map((n, k) => [n, k]));
  const randomIndex = new Map(s.model.randoms.map((r, k) => [r.name, k]));
  const wide = (name: string) => V.width === 2 || name === "lastspike";
  const splat = (offset: number, f64: boolean): Code =>
    f64 ? [...get(O8), ...op.v128Load64Splat(offset)] : [...get(O), ...op.v128Load32Splat(offset)];
  const stride = Math.ceil(state.n / V.width) * V.width;
  let failure: string | null = null;
  // Names resolve as in jsReset: stored arrays first, then shared, randoms, t, i, not_refractory.
  const ref = (name: string): Code => {
    const k = arrayIndex.get(name);
    if (k !== undefined) {
      if (V.width === 4 && name === "lastspike") {
        failure ??= "a float32 reset reads lastspike";
        return C.constant(0);
      }
      return splat(state.arrays[k].byteOffset, wide(name));
    }
    const sh = C.sharedLocals.get(name);
    if (sh !== undefined) return get(sh);
    const r = randomIndex.get(name);
    if (r !== undefined)
      return splat(state.randoms.byteOffset + r * stride * V.bytes, V.width === 2);
    if (name === "t") return get(TV);
    if (name === "i") return [...get(I), ...op.f64ConvertI32S, ...V.splatF64];
    if (name === "not_refractory") return C.constant(0);
    failure ??= `unresolved name ${name}`;
    return C.constant(0);
  };
  const statements: Code = [];
  for (const r of s.reset) {
    const k = arrayIndex.get(r.name)!;
    const offset = state.arrays[k].byteOffset;
    const value = C.toNumber(C.compile(r.expr, ref));
    if (V.width === 2)
      statements.push(...get(O8), ...value, ...op.f64x2ExtractLane(0), ...op.f64Store(offset));
    else if (wide(r.name))
      statements.push(
        ...get(O8),
        ...value,
        ...op.f32x4ExtractLane(0),
        ...op.f64PromoteF32,
        ...op.f64Store(offset),
      );
    else statements.push(...get(O), ...value, ...op.f32x4ExtractLane(0), ...op.f32Store(offset));
  }
  if (failure !== null) return failure;
  const body: Code = [
    ...get(T),
    ...V.splatF64,
    ...set(TV),
    ...C.prologue,
    ...forCount(K, COUNT, [
      ...get(K),
      ...op.i32Const(2),
      ...op.i32Shl,
      ...op.i32Load(state.spiked.byteOffset),
      ...op.localTee(I),
      ...op.i32Const(V.width === 2 ? 3 : 2),
      ...op.i32Shl,
      ...set(O),
      ...get(I),
      ...op.i32Const(3),
      ...op.i32Shl,
      ...set(O8),
      ...statements,
    ]),
  ];
  return { name: "reset", params: [F64, I32], results: [], locals: L.types, body };
}

/** A compiled reset: the reset statements for the first `count` neurons of the spike list, at time `t_ms`. */
export type ResetKernel = (t_ms: number, count: number) => void;

/** The arrays a wasm step is built for (their addresses become constants of the code). */
export interface BoundState {
  arrays: StateArray[];
  randoms: StateArray;
  shared: Float64Array;
  spiked: Int32Array;
  n: number;
  /**
   * Where to split the step in two halves (a multiple of 4 in (0, n)): exports `lower` (neurons
   * [0, split)) and `upper` ([split, n), spikes written from `spiked[split]`) besides `step`.
   */
  split?: number;
}

/** A compiled step, a fast check that every stored value is finite (1) or maybe not (0), and the reset. */
export interface WasmStep {
  step: StepFunction;
  finite: () => number;
  /** The exported step itself, `(t_ms) => spike count` (for the network's multi-step driver). */
  stepKernel: (t_ms: number) => number;
  /** The reset, or null where it cannot be WebAssembly (see `resetTarget`). */
  reset: ResetKernel | null;
  /** "WebAssembly", or "JavaScript (why)". */
  resetTarget: string;
  /**
   * With `split`: the split point, the lower half's step (`(t_ms) => its spike count`, spikes
   * from `spiked[0]`), the module (whose `upper` export another thread instantiates) and the
   * JavaScript functions it imports (a module importing none can run on a worker); else null.
   */
  halves: {
    at: number;
    lower: (t_ms: number) => number;
    module: object;
    functionImports: string[];
  } | null;
}
