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
import { RNG_SPARE_WORD } from "./rng.js";

const i32Xor: Code = [0x73];
const i32Rotl: Code = [0x77];
const get = op.localGet;
const set = op.localSet;

export { RNG_STATE_WORDS } from "./rng.js";

/** Byte offset of the spare normal variate in the state. */
const SPARE = 4 * RNG_SPARE_WORD;

/** Function indices in the module (the order of {@link rngModule}'s list). */
const UNIFORM = 1,
  LOG = 2;

/**
 * A function's locals, declared as they are needed (`param` locals come first); the generator's
 * state lives in four i32 locals while a function draws, loaded from and stored to memory once.
 */
class Locals {
  readonly types: ValType[] = [];
  constructor(private readonly params: number) {}
  add(type: ValType): number {
    return this.params + this.types.push(type) - 1;
  }
}

/** xoshiro128** on four i32 locals (see the module comment): code that loads, stores and draws. */
class LocalGenerator {
  private readonly s: number[];
  private readonly r: number;
  private readonly t: number;
  constructor(locals: Locals) {
    this.s = [0, 1, 2, 3].map(() => locals.add(I32));
    this.r = locals.add(I32);
    this.t = locals.add(I32);
  }
  /** The four words from byte address `state` (a local). */
  load(state: number): Code {
    return this.s.flatMap((x, k) => [...get(state), ...op.i32Load(4 * k), ...set(x)]);
  }
  /** The four words back to byte address `state`. */
  store(state: number): Code {
    return this.s.flatMap((x, k) => [...get(state), ...get(x), ...op.i32Store(4 * k)]);
  }
  /** Pushes the next output (i32), as `Rng.nextUint32`. */
  next(): Code {
    const [s0, s1, s2, s3] = this.s;
    const xorInto = (a: number, b: number): Code => [...get(a), ...get(b), ...i32Xor, ...set(a)];
    return [
      // r = rotl(s1 * 5, 7) * 9; t = s1 << 9
      ...get(s1),
      ...op.i32Const(5),
      ...op.i32Mul,
      ...op.i32Const(7),
      ...i32Rotl,
      ...op.i32Const(9),
      ...op.i32Mul,
      ...set(this.r),
      ...get(s1),
      ...op.i32Const(9),
      ...op.i32Shl,
      ...set(this.t),
      // s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
      ...xorInto(s2, s0),
      ...xorInto(s3, s1),
      ...xorInto(s1, s2),
      ...xorInto(s0, s3),
      ...xorInto(s2, this.t),
      ...get(s3),
      ...op.i32Const(11),
      ...i32Rotl,
      ...set(s3),
      ...get(this.r),
    ];
  }
  /** Pushes a uniform double in [0, 1), as `Rng.uniform` (the scaling by 2^-53 is exact). */
  uniform(): Code {
    return [
      ...this.next(),
      ...op.i32Const(5),
      ...op.i32ShrU,
      ...op.f64ConvertI32U,
      ...op.f64Const(67108864),
      ...op.f64Mul,
      ...this.next(),
      ...op.i32Const(6),
      ...op.i32ShrU,
      ...op.f64ConvertI32U,
      ...op.f64Add,
      ...op.f64Const(2 ** -53),
      ...op.f64Mul,
    ];
  }
}

/**
 * Marsaglia's polar method on a {@link LocalGenerator}: code that leaves a pair's x1, x2 and
 * f = sqrt(-2 log(r2) / r2) in three f64 locals (the pair is f*x2, then f*x1).
 */
function polarCode(
  g: LocalGenerator,
  locals: Locals,
): { code: Code; x1: number; x2: number; f: number } {
  const [x1, x2, r2, f] = [0, 1, 2, 3].map(() => locals.add(F64));
  /** 2 * uniform - 1 */
  const signed: Code = [
    ...op.f64Const(2),
    ...g.uniform(),
    ...op.f64Mul,
    ...op.f64Const(1),
    ...op.f64Sub,
  ];
  const code: Code = [
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
    // f = sqrt((-2 * log(r2)) / r2)
    ...op.f64Const(-2),
    ...get(r2),
    ...op.call(LOG),
    ...op.f64Mul,
    ...get(r2),
    ...op.f64Div,
    ...op.f64Sqrt,
    ...set(f),
  ];
  return { code, x1, x2, f };
}

/** `a * b` for two f64 locals. */
const product = (a: number, b: number): Code => [...get(a), ...get(b), ...op.f64Mul];

/** Pushes 1 (i32) if f64 local `spare` holds a spare normal (it is not NaN), else 0. */
const spareWaiting = (spare: number): Code => [...get(spare), ...get(spare), ...op.f64Eq];

/** `use` applied to the spare (code that consumes the pushed value), then the spare marked taken (NaN). */
const takeSpare = (spare: number, use: (value: Code) => Code): Code => [
  ...use(get(spare)),
  ...op.f64Const(NaN),
  ...set(spare),
];

/**
 * `Rng.normal` on a {@link LocalGenerator}, with the spare variate in f64 local `spare` (NaN
 * when there is none): sets local `value` to the spare if there is one, else to f*x2 of a new
 * pair, keeping f*x1 as the spare.
 */
function normalCode(g: LocalGenerator, locals: Locals, spare: number, value: number): Code {
  const pair = polarCode(g, locals);
  return [
    ...spareWaiting(spare),
    ...op.if,
    ...takeSpare(spare, (v) => [...v, ...set(value)]),
    ...op.else,
    ...pair.code,
    ...product(pair.f, pair.x1),
    ...set(spare),
    ...product(pair.f, pair.x2),
    ...set(value),
    ...op.end,
  ];
}

/** `name(state) -> result`: one draw on the state at byte address `state` (loaded, drawn, stored back). */
function drawFunction(name: "next" | "uniform" | "normal"): WasmFunction {
  const STATE = 0;
  const locals = new Locals(1);
  const g = new LocalGenerator(locals);
  const result = name === "next" ? I32 : F64;
  const value = locals.add(result);
  let draw: Code;
  if (name === "normal") {
    const spare = locals.add(F64);
    draw = [
      ...get(STATE),
      ...op.f64Load(SPARE),
      ...set(spare),
      ...normalCode(g, locals, spare, value),
      ...get(STATE),
      ...get(spare),
      ...op.f64Store(SPARE),
    ];
  } else draw = [...(name === "next" ? g.next() : g.uniform()), ...set(value)];
  const body: Code = [...g.load(STATE), ...draw, ...g.store(STATE), ...get(value)];
  return { name, params: [I32], results: [result], locals: locals.types, body };
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
 * to the f64s (or, rounded, f32s) at byte address `out`. The generator's state (and spare
 * normal) stays in locals for the whole loop, and normals are written a pair at a time (the
 * spare first, if there is one; a pair's f*x1 becomes the spare when `n` ends after its f*x2):
 * the same numbers as `n` calls of `Rng.normal`, at about half the time of drawing them one by one.
 */
function fillFunction(kind: "Uniform" | "Normal", float32: boolean): WasmFunction {
  const STATE = 0,
    OUT = 1,
    N = 2;
  const locals = new Locals(3);
  const END = locals.add(I32);
  const g = new LocalGenerator(locals);
  const bytes = float32 ? 4 : 8;
  /** out[0] = value (rounded to f32 where float32); out += 1 */
  const write = (value: Code): Code => [
    ...get(OUT),
    ...value,
    ...(float32 ? [...op.f32DemoteF64, ...op.f32Store(0)] : op.f64Store(0)),
    ...get(OUT),
    ...op.i32Const(bytes),
    ...op.i32Add,
    ...set(OUT),
  ];
  const room: Code = [...get(OUT), ...get(END), ...op.i32LtU];
  let prologue: Code = [],
    draw: Code,
    epilogue: Code = [];
  if (kind === "Uniform") draw = write(g.uniform());
  else {
    const spare = locals.add(F64);
    const pair = polarCode(g, locals);
    // the spare first (if any and n > 0), then pairs
    prologue = [
      ...get(STATE),
      ...op.f64Load(SPARE),
      ...set(spare),
      ...spareWaiting(spare),
      ...room,
      ...op.i32And,
      ...op.if,
      ...takeSpare(spare, write),
      ...op.end,
    ];
    draw = [
      ...pair.code,
      ...write(product(pair.f, pair.x2)),
      ...room,
      ...op.if,
      ...write(product(pair.f, pair.x1)),
      ...op.else,
      ...product(pair.f, pair.x1),
      ...set(spare),
      ...op.end,
    ];
    epilogue = [...get(STATE), ...get(spare), ...op.f64Store(SPARE)];
  }
  const body: Code = [
    ...get(OUT),
    ...get(N),
    ...op.i32Const(bytes),
    ...op.i32Mul,
    ...op.i32Add,
    ...set(END),
    ...g.load(STATE),
    ...prologue,
    // while (out < end) draw
    ...op.block,
    ...op.loop,
    ...room,
    ...op.i32Eqz,
    ...op.brIf(1),
    ...draw,
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...g.store(STATE),
    ...epilogue,
  ];
  return {
    name: `fill${kind}${float32 ? "F32" : ""}`,
    params: [I32, I32, I32],
    results: [],
    locals: locals.types,
    body,
  };
}

/** The generator's module (see the module comment), compiled once; undefined without WebAssembly. */
export const rngModule = lazyModule(() =>
  assemble([
    drawFunction("next"),
    drawFunction("uniform"),
    { name: "log", ...wasmLogFunction() },
    drawFunction("normal"),
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
