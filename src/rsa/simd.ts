/**
 * A WebAssembly SIMD (f64x2) kernel for the 3 x 3 register block of inner products used by
 * `crossRows`, hand-assembled below (no toolchain, no binary blob). It computes the 9 inner
 * products of rows a0..a2 with rows b0..b2 over `bytes` bytes (a multiple of 16) and stores them
 * at `out`. Each lane pair is summed separately, so results differ from the scalar kernel only in
 * rounding (~1e-16 relative). Returns undefined where WebAssembly SIMD is unavailable.
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const I32 = 0x7f;
const V128 = 0x7b;
const localGet = (i: number) => [0x20, ...uleb(i)];
const localSet = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const F64X2_ADD = 240;
const F64X2_MUL = 242;
const F64X2_EXTRACT_LANE = 33;
const V128_LOAD = 0;

/** Module bytes of `dot3x3(a0, a1, a2, b0, b1, b2, bytes, out)` (byte addresses in the imported memory `env.mem`). */
function moduleBytes(): Uint8Array {
  // params 0..7; locals: k (8, i32), s00..s22 (9..17), va0..va2 (18..20), vb0..vb2 (21..23) as v128
  const body: number[] = [];
  const load = (ptr: number) => [...localGet(ptr), ...localGet(8), 0x6a, ...simd(V128_LOAD), 3, 0];
  body.push(0x03, 0x40); // loop
  for (let b = 0; b < 3; b++) body.push(...load(3 + b), ...localSet(21 + b));
  for (let a = 0; a < 3; a++) {
    body.push(...load(a), ...localSet(18 + a));
    for (let b = 0; b < 3; b++) {
      const s = 9 + a * 3 + b;
      body.push(...localGet(s), ...localGet(18 + a), ...localGet(21 + b), ...simd(F64X2_MUL), ...simd(F64X2_ADD), ...localSet(s));
    }
  }
  body.push(...localGet(8), 0x41, 16, 0x6a, 0x22, 8); // k = k + 16 (local.tee)
  body.push(...localGet(6), 0x49, 0x0d, 0x00, 0x0b); // br_if (k < bytes) 0; end loop
  for (let s = 0; s < 9; s++) {
    // f64.store out+8s (lane0 + lane1)
    body.push(...localGet(7), ...localGet(9 + s), ...simd(F64X2_EXTRACT_LANE), 0, ...localGet(9 + s), ...simd(F64X2_EXTRACT_LANE), 1, 0xa0, 0x39, 3, ...uleb(8 * s));
  }
  body.push(0x0b);
  const func = [...vec([[1, I32], [15, V128]]), ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 8 }, () => [I32])), 0x00]])),
    ...section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x00, 1]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("dot3x3"), 0x00, 0]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ]);
}

/** A memory holding doubles and the kernel bound to it. */
export interface SimdKernel {
  heap: Float64Array;
  dot3x3: (a0: number, a1: number, a2: number, b0: number, b1: number, b2: number, bytes: number, out: number) => void;
}

/** The slice of the WebAssembly JS API used here (the TS lib of this project has no DOM/wasm types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let compiled: object | null | undefined; // immutable compiled code, shared; instances are per call

/** A fresh memory of at least `doubles` doubles with the kernel, or undefined without WebAssembly SIMD. */
export function simdKernel(doubles: number): SimdKernel | undefined {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return undefined;
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return undefined;
  const pages = Math.ceil((doubles * 8) / 65536) + 1;
  if (pages > 65536) return undefined; // beyond 4 GiB: use the scalar kernel
  const mem = new wasm.Memory({ initial: pages });
  const instance = new wasm.Instance(compiled, { env: { mem } });
  return { heap: new Float64Array(mem.buffer), dot3x3: instance.exports.dot3x3 as SimdKernel["dot3x3"] };
}
