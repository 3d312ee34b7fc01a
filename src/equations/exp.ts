/**
 * exp(x) for synapse code, as one algorithm in two targets: JavaScript (`expSynapse`) and
 * WebAssembly (`wasmExpFunction`, a function inside each event kernel's module), bitwise
 * identical, so an event kernel need not call out to JavaScript for the traces of
 * event-driven variables (an import call cost about half of COBA-with-STDP's time).
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
 * The same exp as a WebAssembly function `(f64) -> f64` (for a module's function list; its
 * operations and their order are those of `expSynapse`).
 */
export function wasmExpFunction(): {
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: Code;
} {
  const { localGet: get, localSet: set } = op;
  const X = 0,
    HX = 1,
    XSB = 2,
    K = 3,
    HIV = 4,
    LO = 5,
    T = 6,
    C = 7;
  const f = (v: number) => op.f64Const(v);
  const body: Code = [
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
    ...op.return,
    ...op.end,
    ...get(XSB),
    ...op.i32Eqz,
    ...op.ifF64,
    ...get(X),
    ...op.else,
    ...f(0),
    ...op.end,
    ...op.return,
    ...op.end,
    ...get(X),
    ...f(O_THRESHOLD),
    ...op.f64Gt,
    ...op.if,
    ...f(Infinity),
    ...op.return,
    ...op.end,
    ...get(X),
    ...f(U_THRESHOLD),
    ...op.f64Lt,
    ...op.if,
    ...f(0),
    ...op.return,
    ...op.end,
    ...op.end,
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
    ...op.return,
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
    ...op.return,
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
    ...op.return,
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
  ];
  return { params: [F64], results: [F64], locals: [I32, I32, I32, F64, F64, F64, F64], body };
}
