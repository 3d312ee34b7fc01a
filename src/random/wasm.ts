/**
 * {@link Rng}'s generator as WebAssembly, for code that runs inside the multi-step driver: the
 * state is in the arena (`Rng.saveState` writes it, `Rng.loadState` takes it back), advanced by the same xoshiro128** 1.1 step (integer operations only, so bitwise
 * identical by construction), `uniform` as `Rng.uniform` (53 bits from two outputs), and the
 * Poisson group's step as `poissonStep` of src/inputs/poisson.ts (geometric skipping with the
 * fdlibm log of src/equations/log.ts, bitwise equal to `Math.log`).
 *
 * Exports of {@link rngModule} (all on the arena's memory; `state` is a byte address):
 * - `next(state) -> i32`: the next 32-bit output (as `Rng.nextUint32`, signed).
 * - `uniform(state) -> f64`: a double in [0, 1).
 * - `log(x) -> f64`: fdlibm's log.
 * - `normal(state) -> f64`: a standard normal variate.
 * - `poissonStep(state, n, p, log1mp, out) -> i32`: indices of the spiking sources of a group
 *   of `n`, each with probability `p`, written to the Int32s at byte address `out` in
 *   increasing order; `log1mp` = `Math.log1p(-p)` (computed in JavaScript, as
 *   `Rng.geometric` does); returns the count.
 * - `fillUniform(state, out, n)`, `fillUniformF32(state, out, n)`: `n` uniforms to the f64s
 *   (f32s, each rounded as a Float32Array store rounds) at byte address `out`, in order (the
 *   per-step numbers of an equation model's `rand()` sites); `fillNormal(state, out, n)` and
 *   `fillNormalF32` the same with normals (`randn()` and `xi` sites).
 *
 * The state is {@link RNG_STATE_WORDS} Int32s: the four xoshiro words at bytes 0-15 and the spare
 * normal (a float64, NaN when there is none) at bytes 16-23.
 */
import {
  assemble,
  F64,
  I32,
  lazyModule,
  op,
  type Code,
  type ValType,
  type WasmFunction,
} from "../wasm/assembler.js";
import { wasmLogFunction } from "../equations/log.js";

const i32Xor: Code = [0x73];
const i32Rotl: Code = [0x77];
const get = op.localGet;
const set = op.localSet;

/** Int32 words of a generator's state in memory: four xoshiro128** words, then the spare normal's float64. */
export const RNG_STATE_WORDS = 6;

/** Byte offset of the spare normal variate in the state. */
const SPARE = 16;

/** Function indices in the module (the order of {@link rngModule}'s list). */
const NEXT = 0,
  UNIFORM = 1,
  LOG = 2,
  NORMAL = 3;

function nextFunction(): WasmFunction {
  // params: state; locals: s0..s3, t
  const A = 0,
    s0 = 1,
    s1 = 2,
    s2 = 3,
    s3 = 4,
    r = 5;
  const load = (k: number, into: number): Code => [...get(A), ...op.i32Load(4 * k), ...set(into)];
  const store = (k: number, value: Code): Code => [...get(A), ...value, ...op.i32Store(4 * k)];
  const xor = (a: number, b: number): Code => [...get(a), ...get(b), ...i32Xor];
  const body: Code = [
    ...load(0, s0),
    ...load(1, s1),
    ...load(2, s2),
    ...load(3, s3),
    // r = rotl(s1 * 5, 7) * 9
    ...get(s1),
    ...op.i32Const(5),
    ...op.i32Mul,
    ...op.i32Const(7),
    ...i32Rotl,
    ...op.i32Const(9),
    ...op.i32Mul,
    ...set(r),
    // s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= s1 << 9 (old s1); s3 = rotl(s3, 11)
    ...store(2, [...xor(s2, s0), ...get(s1), ...op.i32Const(9), ...op.i32Shl, ...i32Xor]),
    ...xor(s2, s0),
    ...set(s2),
    ...xor(s3, s1),
    ...set(s3),
    ...store(1, xor(s1, s2)),
    ...store(0, xor(s0, s3)),
    ...store(3, [...get(s3), ...op.i32Const(11), ...i32Rotl]),
    ...get(r),
  ];
  return { name: "next", params: [I32], results: [I32], locals: [I32, I32, I32, I32, I32], body };
}

function uniformFunction(): WasmFunction {
  const body: Code = [
    ...get(0),
    ...op.call(NEXT),
    ...op.i32Const(5),
    ...op.i32ShrU,
    ...op.f64ConvertI32U,
    ...op.f64Const(67108864),
    ...op.f64Mul,
    ...get(0),
    ...op.call(NEXT),
    ...op.i32Const(6),
    ...op.i32ShrU,
    ...op.f64ConvertI32U,
    ...op.f64Add,
    ...op.f64Const(9007199254740992),
    ...op.f64Div,
  ];
  return { name: "uniform", params: [I32], results: [F64], locals: [], body };
}

/** `Rng.normal`: the spare if there is one, else a polar-method pair (f*x2 now, f*x1 spare). */
function normalFunction(): WasmFunction {
  const STATE = 0,
    x1 = 1,
    x2 = 2,
    r2 = 3,
    f = 4;
  /** 2 * uniform - 1 */
  const signed: Code = [
    ...op.f64Const(2),
    ...get(STATE),
    ...op.call(UNIFORM),
    ...op.f64Mul,
    ...op.f64Const(1),
    ...op.f64Sub,
  ];
  const body: Code = [
    // if (spare === spare) { f = spare; spare = NaN; return f }
    ...get(STATE),
    ...op.f64Load(SPARE),
    ...op.localTee(f),
    ...get(f),
    ...op.f64Eq,
    ...op.if,
    ...get(STATE),
    ...op.f64Const(NaN),
    ...op.f64Store(SPARE),
    ...get(f),
    ...op.return,
    ...op.end,
    // do { x1 = 2u - 1; x2 = 2u - 1; r2 = x1*x1 + x2*x2 } while (r2 >= 1 || r2 == 0)
    ...op.loop,
    ...signed,
    ...set(x1),
    ...signed,
    ...set(x2),
    ...get(x1),
    ...get(x1),
    ...op.f64Mul,
    ...get(x2),
    ...get(x2),
    ...op.f64Mul,
    ...op.f64Add,
    ...op.localTee(r2),
    ...op.f64Const(1),
    ...op.f64Ge,
    ...get(r2),
    ...op.f64Const(0),
    ...op.f64Eq,
    ...op.i32Or,
    ...op.brIf(0),
    ...op.end,
    // f = sqrt((-2 * log(r2)) / r2); spare = f * x1; return f * x2
    ...op.f64Const(-2),
    ...get(r2),
    ...op.call(LOG),
    ...op.f64Mul,
    ...get(r2),
    ...op.f64Div,
    ...op.f64Sqrt,
    ...set(f),
    ...get(STATE),
    ...get(f),
    ...get(x1),
    ...op.f64Mul,
    ...op.f64Store(SPARE),
    ...get(f),
    ...get(x2),
    ...op.f64Mul,
  ];
  return { name: "normal", params: [I32], results: [F64], locals: [F64, F64, F64, F64], body };
}

function poissonStepFunction(): WasmFunction {
  const STATE = 0,
    N = 1,
    P = 2,
    L = 3,
    OUT = 4;
  const locals: ValType[] = [];
  const local = (t: ValType) => (locals.push(t), 5 + locals.length - 1);
  const count = local(I32),
    i = local(F64),
    u = local(F64),
    g = local(F64);
  /** g = Rng.geometric(p) for 0 < p <= 1: 0 when p == 1 (no draw), else floor(log(u) / log1p(-p)), u != 0. */
  const geometric: Code = [
    ...op.f64Const(0),
    ...set(g),
    ...get(P),
    ...op.f64Const(1),
    ...op.f64Ne,
    ...op.if,
    ...op.loop,
    ...get(STATE),
    ...op.call(UNIFORM),
    ...op.localTee(u),
    ...op.f64Const(0),
    ...op.f64Eq,
    ...op.brIf(0),
    ...op.end,
    ...get(u),
    ...op.call(LOG),
    ...get(L),
    ...op.f64Div,
    ...op.f64Floor,
    ...set(g),
    ...op.end,
  ];
  const body: Code = [
    // if (p <= 0) return 0  (p is never NaN: the rate is checked)
    ...get(P),
    ...op.f64Const(0),
    ...op.f64Le,
    ...op.if,
    ...op.i32Const(0),
    ...op.return,
    ...op.end,
    ...geometric,
    ...get(g),
    ...set(i),
    ...op.block,
    ...op.loop,
    // while (i < n)
    ...get(i),
    ...get(N),
    ...op.f64ConvertI32S,
    ...op.f64Lt,
    ...op.i32Eqz,
    ...op.brIf(1),
    // out[count++] = i
    ...get(OUT),
    ...get(count),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...get(i),
    ...op.i32TruncF64S,
    ...op.i32Store(0),
    ...get(count),
    ...op.i32Const(1),
    ...op.i32Add,
    ...set(count),
    // i += 1 + geometric(p)
    ...geometric,
    ...get(i),
    ...op.f64Const(1),
    ...get(g),
    ...op.f64Add,
    ...op.f64Add,
    ...set(i),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...get(count),
  ];
  return {
    name: "poissonStep",
    params: [I32, I32, F64, F64, I32],
    results: [I32],
    locals,
    body,
  };
}

/**
 * `fill(state, out, n)`: n uniforms (as `Rng.uniform`) or normals (as `Rng.normal`), in order,
 * to the f64s (or, rounded, f32s) at byte address `out`.
 */
function fillFunction(kind: "Uniform" | "Normal", float32: boolean): WasmFunction {
  const STATE = 0,
    OUT = 1,
    N = 2,
    END = 3;
  const bytes = float32 ? 4 : 8;
  const body: Code = [
    ...get(OUT),
    ...get(N),
    ...op.i32Const(bytes),
    ...op.i32Mul,
    ...op.i32Add,
    ...set(END),
    ...op.block,
    ...op.loop,
    ...get(OUT),
    ...get(END),
    ...op.i32GeU,
    ...op.brIf(1),
    ...get(OUT),
    ...get(STATE),
    ...op.call(kind === "Uniform" ? UNIFORM : NORMAL),
    ...(float32 ? [...op.f32DemoteF64, ...op.f32Store(0)] : op.f64Store(0)),
    ...get(OUT),
    ...op.i32Const(bytes),
    ...op.i32Add,
    ...set(OUT),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name: `fill${kind}${float32 ? "F32" : ""}`,
    params: [I32, I32, I32],
    results: [],
    locals: [I32],
    body,
  };
}

/** The generator's module (see the module comment), compiled once; undefined without WebAssembly. */
export const rngModule = lazyModule(() =>
  assemble([
    nextFunction(),
    uniformFunction(),
    { name: "log", ...wasmLogFunction() },
    normalFunction(),
    poissonStepFunction(),
    fillFunction("Uniform", false),
    fillFunction("Uniform", true),
    fillFunction("Normal", false),
    fillFunction("Normal", true),
  ]),
);

/** The exports of {@link rngModule} on one memory. */
export interface RngKernels {
  next(state: number): number;
  uniform(state: number): number;
  log(x: number): number;
  normal(state: number): number;
  poissonStep(state: number, n: number, p: number, log1mp: number, out: number): number;
  fillUniform(state: number, out: number, n: number): void;
  fillUniformF32(state: number, out: number, n: number): void;
  fillNormal(state: number, out: number, n: number): void;
  fillNormalF32(state: number, out: number, n: number): void;
}
