/**
 * The natural logarithm as one algorithm in two targets: JavaScript (`logFdlibm`) and
 * WebAssembly (`wasmLogFunction`), bitwise identical, so code running in the multi-step driver
 * (Poisson groups' geometric skipping, `-log(u)`) draws exactly what the JavaScript reference
 * draws with `Math.log` (V8's `Math.log` is this same fdlibm port: the tests check equality).
 *
 * The algorithm is fdlibm's `__ieee754_log` (Sun Microsystems, 1993): write x = 2^k (1 + f)
 * with sqrt(2)/2 < 1 + f < sqrt(2), then log(1 + f) = f - s (f - R(z)) with s = f / (2 + f),
 * z = s^2 and R a degree-7 minimax polynomial in z split into even and odd parts; add k ln 2
 * with ln 2 split into a high part exact in products with k and a low part. Subnormals are
 * scaled by 2^54 first; log(0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity,
 * log(NaN) = NaN. Error below 1 ulp. Written here from the published algorithm and constants.
 */
import { op, F64, I32, type Code, type ValType } from "../wasm/assembler.js";

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
/** Index of the high 32-bit word of a double in `words` (1 on little-endian hosts). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * log(x), fdlibm's algorithm (see the module comment); within 1 ulp of the exact value and
 * bitwise equal to V8's `Math.log`.
 */
export function logFdlibm(x: number): number {
  bits[0] = x;
  let hx = words[HI];
  const lx = words[1 - HI];
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    bits[0] = x;
    hx = words[HI];
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const half = (hx + 0x95f64) & 0x100000;
  words[HI] = hx | (half ^ 0x3ff00000); // x or x/2 normalised to [sqrt(2)/2, sqrt(2))
  x = bits[0];
  k += half >> 20;
  const f = x - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.3333333333333333 * f);
    return k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0
      ? f - (hfsq - s * (hfsq + R))
      : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

const i32Xor: Code = [0x73];
const i32ShrS: Code = [0x75];
const i64ShrUBy32: Code = [...op.i64Const(32), ...op.i64ShrU];

/**
 * The same log as a WebAssembly function `(f64) -> f64` (for a module's function list; its
 * operations and their order are those of {@link logFdlibm}).
 */
export function wasmLogFunction(): {
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: Code;
} {
  const locals: ValType[] = [];
  const local = (t: ValType) => (locals.push(t), locals.length);
  const X = 0;
  const hx = local(I32),
    lx = local(I32),
    k = local(I32),
    half = local(I32),
    f = local(F64),
    dk = local(F64),
    s = local(F64),
    z = local(F64),
    w = local(F64),
    R = local(F64),
    hfsq = local(F64);
  const g = op.localGet;
  const set = op.localSet;
  const c = op.f64Const;
  const i = op.i32Const;
  const ret = (value: Code): Code => [...value, ...op.return];
  const highWord = (): Code => [
    ...g(X),
    ...op.i64ReinterpretF64,
    ...i64ShrUBy32,
    ...op.i32WrapI64,
    ...set(hx),
  ];
  /** `k === 0 ? a : b` as a return. */
  const retByK = (a: Code, b: Code): Code => [
    ...g(k),
    ...op.i32Eqz,
    ...op.if,
    ...ret(a),
    ...op.end,
    ...ret(b),
  ];
  const mul = (a: Code, b: Code): Code => [...a, ...b, ...op.f64Mul];
  const add = (a: Code, b: Code): Code => [...a, ...b, ...op.f64Add];
  const sub = (a: Code, b: Code): Code => [...a, ...b, ...op.f64Sub];
  const dkHi = mul(g(dk), c(LN2_HI));
  const dkLo = mul(g(dk), c(LN2_LO));
  const body: Code = [
    ...highWord(),
    ...g(X),
    ...op.i64ReinterpretF64,
    ...op.i32WrapI64,
    ...set(lx),
    // zero, negative or subnormal
    ...g(hx),
    ...i(0x00100000),
    ...op.i32LtS,
    ...op.if,
    ...g(hx),
    ...i(0x7fffffff),
    ...op.i32And,
    ...g(lx),
    ...op.i32Or,
    ...op.i32Eqz,
    ...op.if,
    ...ret(c(-Infinity)),
    ...op.end,
    ...g(hx),
    ...i(0),
    ...op.i32LtS,
    ...op.if,
    ...ret(c(NaN)),
    ...op.end,
    ...i(-54),
    ...set(k),
    ...mul(g(X), c(TWO54)),
    ...set(X),
    ...highWord(),
    ...op.end,
    // Infinity, NaN
    ...g(hx),
    ...i(0x7ff00000),
    ...op.i32GeS,
    ...op.if,
    ...ret(add(g(X), g(X))),
    ...op.end,
    ...g(k),
    ...g(hx),
    ...i(20),
    ...i32ShrS,
    ...i(1023),
    ...op.i32Sub,
    ...op.i32Add,
    ...set(k),
    ...g(hx),
    ...i(0x000fffff),
    ...op.i32And,
    ...set(hx),
    ...g(hx),
    ...i(0x95f64),
    ...op.i32Add,
    ...i(0x100000),
    ...op.i32And,
    ...set(half),
    // x with its high word replaced by hx | (half ^ 0x3ff00000)
    ...g(X),
    ...op.i64ReinterpretF64,
    ...op.i32WrapI64,
    ...[0xad], // i64.extend_i32_u: the low word
    ...g(hx),
    ...g(half),
    ...i(0x3ff00000),
    ...i32Xor,
    ...op.i32Or,
    ...[0xad], // i64.extend_i32_u
    ...op.i64Const(32),
    ...op.i64Shl,
    ...[0x84], // i64.or
    ...op.f64ReinterpretI64,
    ...set(X),
    ...g(k),
    ...g(half),
    ...i(20),
    ...i32ShrS,
    ...op.i32Add,
    ...set(k),
    ...sub(g(X), c(1)),
    ...set(f),
    ...g(k),
    ...op.f64ConvertI32S,
    ...set(dk),
    // |f| < 2^-20
    ...i(0x000fffff),
    ...i(2),
    ...g(hx),
    ...op.i32Add,
    ...op.i32And,
    ...i(3),
    ...op.i32LtS,
    ...op.if,
    ...g(f),
    ...c(0),
    ...op.f64Eq,
    ...op.if,
    ...retByK(c(0), add(dkHi, dkLo)),
    ...op.end,
    ...mul(mul(g(f), g(f)), sub(c(0.5), mul(c(0.3333333333333333), g(f)))),
    ...set(R),
    ...retByK(sub(g(f), g(R)), sub(dkHi, sub(sub(g(R), dkLo), g(f)))),
    ...op.end,
    ...g(f),
    ...add(c(2), g(f)),
    ...op.f64Div,
    ...set(s),
    ...mul(g(s), g(s)),
    ...set(z),
    ...mul(g(z), g(z)),
    ...set(w),
    // R = t2 + t1
    ...mul(g(z), add(c(LG1), mul(g(w), add(c(LG3), mul(g(w), add(c(LG5), mul(g(w), c(LG7)))))))),
    ...mul(g(w), add(c(LG2), mul(g(w), add(c(LG4), mul(g(w), c(LG6)))))),
    ...op.f64Add,
    ...set(R),
    ...g(hx),
    ...i(0x6147a),
    ...op.i32Sub,
    ...i(0x6b851),
    ...g(hx),
    ...op.i32Sub,
    ...op.i32Or,
    ...i(0),
    ...op.i32GtS,
    ...op.if,
    ...mul(mul(c(0.5), g(f)), g(f)),
    ...set(hfsq),
    ...retByK(
      sub(g(f), sub(g(hfsq), mul(g(s), add(g(hfsq), g(R))))),
      sub(dkHi, sub(sub(g(hfsq), add(mul(g(s), add(g(hfsq), g(R))), dkLo)), g(f))),
    ),
    ...op.end,
    ...retByK(
      sub(g(f), mul(g(s), sub(g(f), g(R)))),
      sub(dkHi, sub(sub(mul(g(s), sub(g(f), g(R))), dkLo), g(f))),
    ),
    // (unreachable: every path returned; the function's result)
    ...c(NaN),
  ];
  return { params: [F64], results: [F64], locals, body };
}
