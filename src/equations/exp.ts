/**
 * exp(x) for synapse code, as one algorithm in two targets: JavaScript (`expSynapse`) and
 * WebAssembly (`wasmExpCode`, placed inline in each event kernel; `wasmExpFunction` wraps it as
 * a function), bitwise identical, so an event kernel need not call out to JavaScript for the
 * traces of event-driven variables (an import call cost about half of COBA-with-STDP's time),
 * nor call at all.
 *
 * The algorithm is fdlibm's `__ieee754_exp` (Sun Microsystems, 1993; also V8's `Math.exp`):
 * reduce x = k ln2 + r with |r| <= ln2/2 (ln2 split into a high part exact in products with k
 * and a low part), approximate exp(r) by the rational form 1 + 2r/(R(r) - r) with a degree-5
 * minimax polynomial for R, and scale by 2^k through the exponent bits. Error below 1 ulp.
 * Written here from the published algorithm and its constants.
 */
import { op, F64, I32, type Code, type ValType } from "../wasm/assembler.js";

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.4513321910194110842e2;
const TWO_M1000 = 9.3326361850321887899e-302;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
/** Index of the high 32-bit word of a double in `words` (1 on little-endian hosts). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** exp(x), fdlibm's algorithm (see the module comment); within 1 ulp of the exact value. */
export function expSynapse(x: number): number {
  bits[0] = x;
  let hx = words[HI];
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) return x !== x ? x + x : xsb === 0 ? x : 0;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      hi = xsb === 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb === 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) return 1 + x;
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  bits[0] = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) {
    words[HI] += k << 20;
    return bits[0];
  }
  words[HI] += (k + 1000) << 20;
  return bits[0] * TWO_M1000;
}

/**
 * The same exp as WebAssembly code to place inline: it takes x from the stack and leaves exp(x)
 * (one `block` whose exits are `br`s; no call). `local` allocates the locals it needs; code
 * for several exps in one function may share them by passing the same allocator result
 * (`expLocals`), since one exp finishes before the next begins.
 */
export function wasmExpCode(locals: ExpLocals): Code {
  const { localGet: get, localSet: set } = op;
  const { x: X, hx: HX, xsb: XSB, k: K, hi: HIV, lo: LO, t: T, c: C } = locals;
  const f = (v: number) => op.f64Const(v);
  /** `br` to the enclosing exp block from `depth` nested ifs (leaves the value on the stack). */
  const exit = (depth: number): Code => [0x0c, depth];
  const blockF64: Code = [0x02, F64];
  return [
    ...set(X),
    ...blockF64,
    // hx = high word of x, xsb = sign, hx &= 0x7fffffff
    ...get(X),
    ...op.i64ReinterpretF64,
    ...op.i64Const(32),
    ...op.i64ShrU,
    ...op.i32WrapI64,
    ...set(HX),
    ...get(HX),
    ...op.i32Const(31),
    ...op.i32ShrU,
    ...set(XSB),
    ...get(HX),
    ...op.i32Const(0x7fffffff),
    ...op.i32And,
    ...set(HX),
    ...get(HX),
    ...op.i32Const(0x40862e42),
    ...op.i32GeU,
    ...op.if,
    ...get(HX),
    ...op.i32Const(0x7ff00000),
    ...op.i32GeU,
    ...op.if,
    ...get(X),
    ...get(X),
    ...op.f64Ne,
    ...op.if,
    ...get(X),
    ...get(X),
    ...op.f64Add,
    ...exit(3),
    ...op.end,
    ...get(XSB),
    ...op.i32Eqz,
    ...op.ifF64,
    ...get(X),
    ...op.else,
    ...f(0),
    ...op.end,
    ...exit(2),
    ...op.end,
    ...get(X),
    ...f(O_THRESHOLD),
    ...op.f64Gt,
    ...op.if,
    ...f(Infinity),
    ...exit(2),
    ...op.end,
    ...get(X),
    ...f(U_THRESHOLD),
    ...op.f64Lt,
    ...op.if,
    ...f(0),
    ...exit(2),
    ...op.end,
    ...op.end,
    // k = 0 unless |x| > ln2/2 (the locals may hold a previous exp's values)
    ...op.i32Const(0),
    ...set(K),
    ...get(HX),
    ...op.i32Const(0x3fd62e42),
    ...op.i32GtU,
    ...op.if,
    ...get(HX),
    ...op.i32Const(0x3ff0a2b2),
    ...op.i32LtU,
    ...op.if,
    ...get(XSB),
    ...op.i32Eqz,
    ...op.ifF64,
    ...get(X),
    ...f(LN2_HI),
    ...op.f64Sub,
    ...op.else,
    ...get(X),
    ...f(LN2_HI),
    ...op.f64Add,
    ...op.end,
    ...set(HIV),
    ...get(XSB),
    ...op.i32Eqz,
    ...op.ifF64,
    ...f(LN2_LO),
    ...op.else,
    ...f(-LN2_LO),
    ...op.end,
    ...set(LO),
    ...op.i32Const(1),
    ...get(XSB),
    ...op.i32Sub,
    ...get(XSB),
    ...op.i32Sub,
    ...set(K),
    ...op.else,
    ...f(INV_LN2),
    ...get(X),
    ...op.f64Mul,
    ...get(XSB),
    ...op.i32Eqz,
    ...op.ifF64,
    ...f(0.5),
    ...op.else,
    ...f(-0.5),
    ...op.end,
    ...op.f64Add,
    ...op.i32TruncF64S,
    ...set(K),
    ...get(X),
    ...get(K),
    ...op.f64ConvertI32S,
    ...f(LN2_HI),
    ...op.f64Mul,
    ...op.f64Sub,
    ...set(HIV),
    ...get(K),
    ...op.f64ConvertI32S,
    ...f(LN2_LO),
    ...op.f64Mul,
    ...set(LO),
    ...op.end,
    ...get(HIV),
    ...get(LO),
    ...op.f64Sub,
    ...set(X),
    ...op.else,
    ...get(HX),
    ...op.i32Const(0x3e300000),
    ...op.i32LtU,
    ...op.if,
    ...f(1),
    ...get(X),
    ...op.f64Add,
    ...exit(2),
    ...op.end,
    ...op.end,
    ...get(X),
    ...get(X),
    ...op.f64Mul,
    ...set(T),
    // c = x - t*(P1 + t*(P2 + t*(P3 + t*(P4 + t*P5))))
    ...get(X),
    ...get(T),
    ...f(P1),
    ...get(T),
    ...f(P2),
    ...get(T),
    ...f(P3),
    ...get(T),
    ...f(P4),
    ...get(T),
    ...f(P5),
    ...op.f64Mul,
    ...op.f64Add,
    ...op.f64Mul,
    ...op.f64Add,
    ...op.f64Mul,
    ...op.f64Add,
    ...op.f64Mul,
    ...op.f64Add,
    ...op.f64Mul,
    ...op.f64Sub,
    ...set(C),
    ...get(K),
    ...op.i32Eqz,
    ...op.if,
    ...f(1),
    ...get(X),
    ...get(C),
    ...op.f64Mul,
    ...get(C),
    ...f(2),
    ...op.f64Sub,
    ...op.f64Div,
    ...get(X),
    ...op.f64Sub,
    ...op.f64Sub,
    ...exit(1),
    ...op.end,
    // y = 1 - ((lo - (x*c)/(2 - c)) - hi), its exponent raised by k
    ...f(1),
    ...get(LO),
    ...get(X),
    ...get(C),
    ...op.f64Mul,
    ...f(2),
    ...get(C),
    ...op.f64Sub,
    ...op.f64Div,
    ...op.f64Sub,
    ...get(HIV),
    ...op.f64Sub,
    ...op.f64Sub,
    ...set(T),
    ...get(K),
    ...op.i32Const(-1021),
    ...op.i32GeS,
    ...op.if,
    ...get(T),
    ...op.i64ReinterpretF64,
    ...get(K),
    ...op.i64ExtendI32S,
    ...op.i64Const(52),
    ...op.i64Shl,
    ...op.i64Add,
    ...op.f64ReinterpretI64,
    ...exit(1),
    ...op.end,
    ...get(T),
    ...op.i64ReinterpretF64,
    ...get(K),
    ...op.i32Const(1000),
    ...op.i32Add,
    ...op.i64ExtendI32S,
    ...op.i64Const(52),
    ...op.i64Shl,
    ...op.i64Add,
    ...op.f64ReinterpretI64,
    ...f(TWO_M1000),
    ...op.f64Mul,
    ...op.end,
  ];
}

/** The locals of {@link wasmExpCode} (indices in the function that holds it). */
export interface ExpLocals {
  x: number;
  hx: number;
  xsb: number;
  k: number;
  hi: number;
  lo: number;
  t: number;
  c: number;
}

/** Allocates the locals of {@link wasmExpCode} with `local` (which returns a new local's index). */
export function expLocals(local: (type: ValType) => number): ExpLocals {
  return {
    x: local(F64),
    hx: local(I32),
    xsb: local(I32),
    k: local(I32),
    hi: local(F64),
    lo: local(F64),
    t: local(F64),
    c: local(F64),
  };
}

/**
 * The same exp as a WebAssembly function `(f64) -> f64` (for a module's function list; its
 * operations and their order are those of `expSynapse`).
 */
export function wasmExpFunction(): {
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: Code;
} {
  const locals: ValType[] = [];
  const all = expLocals((t) => (locals.push(t), locals.length));
  return { params: [F64], results: [F64], locals, body: [...op.localGet(0), ...wasmExpCode(all)] };
}
