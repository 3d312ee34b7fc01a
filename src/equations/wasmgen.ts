/**
 * WebAssembly SIMD code generation for equation models: the step of codegen.ts (refractoriness,
 * integration, threshold), two neurons per f64x2 instruction, state in the network's arena.
 * Every lane performs the JavaScript reference's IEEE double operations in the same order
 * (no fused multiply-add; comparisons as lane masks, turned into 1.0/0.0 where used as numbers;
 * functions without a SIMD instruction — exp, log, pow with a non-integer exponent, ... — call
 * the very JavaScript function the reference calls, lane by lane), so both targets give
 * bitwise-identical results. The module is built for one specialised model when its group is
 * built (well under a millisecond for COBA).
 */
import { assemble, F64, I32, op, recordSpikeLanes, V128, wasmApi, type Code, type ValType, type WasmImport } from "../wasm/assembler.js";
import type { Arena } from "../wasm/arena.js";
import { JS_FUNCTIONS, refractoryBound, type SpecialisedModel, type StepFunction } from "./codegen.js";
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

/**
 * Compiles the step of `s` to WebAssembly on `arena`'s memory; undefined where the host lacks
 * WebAssembly SIMD or the arena holds ordinary arrays (the caller then runs the JavaScript step).
 */
export function wasmStep(s: SpecialisedModel, arena: Arena, state: BoundState): WasmStep | undefined {
  const wasm = wasmApi();
  if (!wasm || arena.buffer === null) return undefined;
  const buffer = arena.buffer;
  const { model } = s;
  const nArrays = s.stored.length;
  if (state.arrays.length !== nArrays || ![...state.arrays, state.randoms, state.shared, state.spiked].every((a) => a.buffer === buffer)) return undefined;
  // One parameter, t; the size and every address are constants of this build (the arrays of a
  // built group never move): pointers sit in locals set once per call, arrays are addressed
  // by their byte offsets as load/store immediates.
  const T = 0;
  const params: ValType[] = [F64];
  const L = new Locals(params.length);
  const N = L.add(I32);
  const SHARED = L.add(I32);
  const SPIKED = L.add(I32);
  const pointers: Code = [
    ...op.i32Const(state.n), ...set(N),
    ...op.i32Const(state.shared.byteOffset), ...set(SHARED),
    ...op.i32Const(state.spiked.byteOffset), ...set(SPIKED),
  ];
  const I = L.add(I32);
  const O8 = L.add(I32);
  const COUNT = L.add(I32);
  const BITS = L.add(I32);
  const ZERO = L.add(V128);
  const ONE = L.add(V128);
  const TV = L.add(V128);
  const NR = L.add(V128); // not_refractory, as a lane mask

  // Imports: the JavaScript functions without a SIMD instruction, and pow.
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

  // Constants are hoisted into locals before the loop.
  const prologue: Code = [];
  const constLocals = new Map<string, number>();
  const constant = (v: number): Code => {
    const key = Object.is(v, -0) ? "-0" : String(v);
    let k = constLocals.get(key);
    if (k === undefined) {
      k = L.add(V128);
      constLocals.set(key, k);
      prologue.push(...op.f64Const(v), ...op.f64x2Splat, ...set(k));
    }
    return get(k);
  };
  const sharedLocals = new Map<string, number>();
  model.shared.forEach((name, k) => {
    const l = L.add(V128);
    sharedLocals.set(name, l);
    prologue.push(...get(SHARED), ...op.f64Load(8 * k), ...op.f64x2Splat, ...set(l));
  });
  const arrayIndex = new Map(s.stored.map((n, k) => [n, k]));
  const randomIndex = new Map(model.randoms.map((r, k) => [r.name, k]));
  const varLocals = new Map<string, number>(); // loaded values of the step's start, and temporaries

  const arrayAddress = (_k: number): Code => get(O8);
  const arrayOffset = (k: number): number => state.arrays[k].byteOffset;
  const toNumber = (v: Value): Code => (v.mask ? [...v.code, ...get(ONE), ...op.v128And] : v.code);
  const toMask = (v: Value): Code => (v.mask ? v.code : [...v.code, ...get(ZERO), ...op.f64x2Ne]);

  /** Calls a scalar JavaScript function lane by lane on argument values in locals. */
  const laneCall = (fn: string, args: Code[]): Code => {
    const idx = importOf(fn, args.length);
    const argLocals = args.map((a) => {
      const l = L.add(V128);
      return { l, code: [...a, ...set(l)] };
    });
    const lane = (j: number): Code => [...argLocals.flatMap((a) => [...get(a.l), ...op.f64x2ExtractLane(j)]), ...op.call(idx)];
    return [...argLocals.flatMap((a) => a.code), ...lane(0), ...op.f64x2Splat, ...lane(1), ...op.f64x2ReplaceLane(1)];
  };

  const compile = (e: Expr, ref: (name: string) => Code): Value => {
    const num = (x: Expr) => toNumber(compile(x, ref));
    switch (e.k) {
      case "num":
        return { code: constant(e.v), mask: false };
      case "name":
        return { code: ref(e.name), mask: false };
      case "neg":
        return { code: [...num(e.a), ...op.f64x2Neg], mask: false };
      case "not": {
        const a = compile(e.a, ref);
        return { code: a.mask ? [...a.code, ...op.v128Not] : [...a.code, ...get(ZERO), ...op.f64x2Eq], mask: true };
      }
      case "bin": {
        const arith: Record<string, Code> = { "+": op.f64x2Add, "-": op.f64x2Sub, "*": op.f64x2Mul, "/": op.f64x2Div };
        const cmp: Record<string, Code> = { "<": op.f64x2Lt, "<=": op.f64x2Le, ">": op.f64x2Gt, ">=": op.f64x2Ge, "==": op.f64x2Eq, "!=": op.f64x2Ne };
        if (e.op in arith) return { code: [...num(e.a), ...num(e.b), ...arith[e.op]], mask: false };
        if (e.op in cmp) return { code: [...num(e.a), ...num(e.b), ...cmp[e.op]], mask: true };
        if (e.op === "and" || e.op === "or") {
          return { code: [...toMask(compile(e.a, ref)), ...toMask(compile(e.b, ref)), ...(e.op === "and" ? op.v128And : op.v128Or)], mask: true };
        }
        // **: small integer constant powers as repeated multiplication (as powerOf), else powerOf per lane.
        const p = e.b.k === "num" ? e.b.v : e.b.k === "neg" && e.b.a.k === "num" ? -e.b.a.v : undefined;
        if (p !== undefined && Number.isInteger(p) && Math.abs(p) <= 4) {
          if (p === 0) return { code: constant(1), mask: false }; // powerOf(x, 0) is 1 for every x
          const base = L.add(V128);
          const acc = L.add(V128);
          const code: Code = [...num(e.a), ...set(base), ...get(base), ...set(acc)];
          for (let k = 1; k < Math.abs(p); k++) code.push(...get(acc), ...get(base), ...op.f64x2Mul, ...set(acc));
          code.push(...(p < 0 ? [...get(ONE), ...get(acc), ...op.f64x2Div] : get(acc)));
          return { code, mask: false };
        }
        return { code: laneCall("pow", [num(e.a), num(e.b)]), mask: false };
      }
      case "call": {
        const f = FUNCTIONS[e.fn];
        const simd: Record<string, Code> = { sqrt: op.f64x2Sqrt, abs: op.f64x2Abs, floor: op.f64x2Floor, ceil: op.f64x2Ceil };
        if (f.simd) return { code: [...num(e.args[0]), ...simd[f.simd]], mask: false };
        return { code: laneCall(e.fn, e.args.map(num)), mask: false };
      }
    }
  };

  const indexVector = (): Code => [...get(I), ...op.f64ConvertI32S, ...op.f64x2Splat, ...get(I), ...op.i32Const(1), ...op.i32Add, ...op.f64ConvertI32S, ...op.f64x2ReplaceLane(1)];
  const ref = (name: string): Code => {
    const l = varLocals.get(name);
    if (l !== undefined) return get(l);
    const r = randomIndex.get(name);
    if (r !== undefined) {
      // randoms[r * stride + i]: the offset is a constant
      return [...get(O8), ...op.v128Load(state.randoms.byteOffset + r * randomStrideBytes(state.n))];
    }
    const sh = sharedLocals.get(name);
    if (sh !== undefined) return get(sh);
    if (name === "t") return get(TV);
    if (name === "i") return indexVector();
    if (name === "not_refractory") return [...get(NR), ...get(ONE), ...op.v128And];
    throw new Error(`wasmgen: unresolved name ${name}`);
  };

  const body: Code = [];
  // Load the step's starting values.
  for (const [k, v] of s.stored.entries()) {
    const l = L.add(V128);
    varLocals.set(v, l);
    body.push(...arrayAddress(k), ...op.v128Load(arrayOffset(k)), ...set(l));
  }
  const refr = s.refractory;
  const c = 1e-3 * s.dt_ms;
  if (refr.kind === "time" && refr.expr.k === "num") {
    const TB = L.add(V128);
    prologue.push(...get(T), ...op.f64Const(refractoryBound(refr.expr.v, s.dt_ms)), ...op.f64Sub, ...op.f64x2Splat, ...set(TB));
    body.push(...get(varLocals.get("lastspike")!), ...get(TB), ...op.f64x2Le, ...set(NR));
  } else if (refr.kind === "time") {
    const steps = (x: Code): Code => [...x, ...constant(c), ...op.f64x2Add, ...constant(s.dt_ms), ...op.f64x2Div, ...op.f64x2Trunc];
    body.push(...steps([...get(TV), ...get(varLocals.get("lastspike")!), ...op.f64x2Sub]), ...steps(toNumber(compile(refr.expr, ref))), ...op.f64x2Ge, ...set(NR));
  } else if (refr.kind === "condition") {
    const k = arrayIndex.get("not_refractory")!;
    body.push(...get(varLocals.get("not_refractory")!), ...get(ZERO), ...op.f64x2Ne, ...toMask(compile(refr.expr, ref)), ...op.v128Not, ...op.v128Or, ...set(NR));
    body.push(...arrayAddress(k), ...get(NR), ...get(ONE), ...op.v128And, ...op.v128Store(arrayOffset(k)));
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
    body.push(...(frozen ? [...value, ...get(varLocals.get(u.name)!), ...get(NR), ...op.v128Bitselect] : value), ...set(l));
    body.push(...arrayAddress(arrayIndex.get(u.name)!), ...get(l), ...op.v128Store(arrayOffset(arrayIndex.get(u.name)!)));
    after.set(u.name, l);
  }
  if (s.threshold) {
    const SPK = L.add(V128);
    const thr = toMask(compile(s.threshold, (n) => (after.has(n) ? get(after.get(n)!) : ref(n))));
    body.push(...thr, ...get(NR), ...op.v128And, ...set(SPK));
    // lastspike <- t and not_refractory <- 0 where spiking: only in pairs with a spike (the
    // stored values of the step's start are still in locals).
    const onSpike: Code = [];
    if (refr.kind !== "none") {
      const k = arrayIndex.get("lastspike")!;
      onSpike.push(...arrayAddress(k), ...get(TV), ...get(varLocals.get("lastspike")!), ...get(SPK), ...op.v128Bitselect, ...op.v128Store(arrayOffset(k)));
    }
    if (refr.kind === "condition") {
      const k = arrayIndex.get("not_refractory")!;
      onSpike.push(...arrayAddress(k), ...get(ZERO), ...get(NR), ...get(ONE), ...op.v128And, ...get(SPK), ...op.v128Bitselect, ...op.v128Store(arrayOffset(k)));
    }
    if (onSpike.length > 0) body.push(...get(SPK), ...op.v128AnyTrue, ...op.if, ...onSpike, ...op.end);
    body.push(...recordSpikeLanes({ mask: SPK, bits: BITS, i: I, n: N, spiked: SPIKED, count: COUNT }));
  }
  const loop: Code = [
    ...op.block,
    ...get(N), ...op.i32Eqz, ...op.brIf(0),
    ...op.loop,
    ...body,
    ...get(O8), ...op.i32Const(16), ...op.i32Add, ...set(O8),
    ...get(I), ...op.i32Const(2), ...op.i32Add, ...op.localTee(I), ...get(N), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  const fnBody: Code = [
    ...pointers,
    ...op.i32Const(0), ...op.i32x4Splat, ...set(ZERO),
    ...op.f64Const(1), ...op.f64x2Splat, ...set(ONE),
    ...get(T), ...op.f64x2Splat, ...set(TV),
    ...prologue,
    ...loop,
    ...get(COUNT),
  ];
  // finite() -> 1 when every stored value (padding lanes included) is finite: the sum of x - x
  // over all of them is 0 then, and NaN as soon as one is NaN or infinite.
  const ACC = 0, O = 1, K = 2;
  const pairs = Math.ceil(state.n / 2);
  const finiteBody: Code = [...op.i32Const(0), ...op.i32x4Splat, ...set(ACC)];
  for (const a of state.arrays) {
    finiteBody.push(
      ...op.i32Const(0), ...set(O), ...op.i32Const(0), ...set(K),
      ...op.loop,
      ...get(ACC), ...get(O), ...op.v128Load(a.byteOffset), ...op.localTee(3), ...get(3), ...op.f64x2Sub, ...op.f64x2Add, ...set(ACC),
      ...get(O), ...op.i32Const(16), ...op.i32Add, ...set(O),
      ...get(K), ...op.i32Const(1), ...op.i32Add, ...op.localTee(K), ...op.i32Const(pairs), ...op.i32LtS, ...op.brIf(0),
      ...op.end,
    );
  }
  finiteBody.push(...get(ACC), ...op.f64x2ExtractLane(0), ...get(ACC), ...op.f64x2ExtractLane(1), ...op.f64Add, ...op.f64Const(0), ...op.f64Eq);
  const bytes = assemble(
    [
      { name: "step", params, results: [I32], locals: L.types, body: fnBody },
      { name: "finite", params: [], results: [I32], locals: [V128, I32, I32, V128], body: finiteBody },
    ],
    imports,
  );
  let module: object;
  try {
    if (!wasm.validate(bytes)) return undefined;
    module = new wasm.Module(bytes);
  } catch {
    return undefined;
  }
  const functions = Object.fromEntries(imports.map((f) => [f.name, JS_FUNCTIONS[f.name]]));
  const exports = arena.instance(module, functions);
  if (!exports) return undefined;
  const step = exports.step as (t: number) => number;
  const step2 = (arrays: Float64Array[], _r: Float64Array, _s: Float64Array, n: number, t: number): number => {
    if (arrays !== state.arrays || n !== state.n) throw new Error("wasm step: called with arrays other than those it was built for");
    return step(t);
  };
  return { step: step2, finite: exports.finite as () => number };
}

/** The arrays a wasm step is built for (their addresses become constants of the code). */
export interface BoundState {
  arrays: Float64Array[];
  randoms: Float64Array;
  shared: Float64Array;
  spiked: Int32Array;
  n: number;
}

/** A compiled step, and a fast check that every stored value is finite (1) or maybe not (0). */
export interface WasmStep {
  step: StepFunction;
  finite: () => number;
}

/** Bytes between two random-number sites (n rounded up to even, for SIMD pairs). */
const randomStrideBytes = (n: number) => (n + (n & 1)) * 8;
