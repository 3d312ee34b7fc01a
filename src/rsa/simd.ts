/**
 * A WebAssembly SIMD (f64x2) kernel for the 3 x 3 register block of inner products used by
 * `crossRows`, hand-assembled below (no toolchain, no binary blob). It computes the 9 inner
 * products of rows a0..a2 with rows b0..b2 over `bytes` bytes (a multiple of 16) and stores them
 * at `out`. Each lane pair is summed separately, so results differ from the scalar kernel only in
 * rounding (~1e-16 relative). Returns undefined where WebAssembly SIMD is unavailable.
 */

import {
  assemble,
  I32,
  lazyModule,
  op,
  V128,
  wasmApi,
  type Code,
  type ValType,
} from "../wasm/assembler.js";

const { localGet, localSet } = op;

/** Module bytes of `dot3x3(a0, a1, a2, b0, b1, b2, bytes, out)` (byte addresses in the imported memory `env.mem`). */
function moduleBytes(): Uint8Array {
  // params 0..7; locals: k (8, i32), s00..s22 (9..17), va0..va2 (18..20), vb0..vb2 (21..23) as v128
  const body: Code = [];
  const load = (ptr: number): Code => [
    ...localGet(ptr),
    ...localGet(8),
    ...op.i32Add,
    ...op.v128Load(),
  ];
  body.push(...op.loop);
  for (let b = 0; b < 3; b++) body.push(...load(3 + b), ...localSet(21 + b));
  for (let a = 0; a < 3; a++) {
    body.push(...load(a), ...localSet(18 + a));
    for (let b = 0; b < 3; b++) {
      const s = 9 + a * 3 + b;
      body.push(
        ...localGet(s),
        ...localGet(18 + a),
        ...localGet(21 + b),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...localSet(s),
      );
    }
  }
  body.push(...localGet(8), ...op.i32Const(16), ...op.i32Add, ...op.localTee(8));
  body.push(...localGet(6), ...op.i32LtU, ...op.brIf(0), ...op.end);
  for (let s = 0; s < 9; s++) {
    // out[s] = lane 0 + lane 1
    body.push(
      ...localGet(7),
      ...localGet(9 + s),
      ...op.f64x2ExtractLane(0),
      ...localGet(9 + s),
      ...op.f64x2ExtractLane(1),
      ...op.f64Add,
      ...op.f64Store(8 * s),
    );
  }
  const locals: ValType[] = [I32, ...Array.from({ length: 15 }, (): ValType => V128)];
  return assemble([
    {
      name: "dot3x3",
      params: Array.from({ length: 8 }, (): ValType => I32),
      results: [],
      locals,
      body,
    },
  ]);
}

/** A memory holding doubles and the kernel bound to it. */
export interface SimdKernel {
  heap: Float64Array;
  dot3x3: (
    a0: number,
    a1: number,
    a2: number,
    b0: number,
    b1: number,
    b2: number,
    bytes: number,
    out: number,
  ) => void;
}

const compiled = lazyModule(moduleBytes); // immutable compiled code, shared; instances are per call

/** A fresh memory of at least `doubles` doubles with the kernel, or undefined without WebAssembly SIMD. */
export function simdKernel(doubles: number): SimdKernel | undefined {
  const wasm = wasmApi();
  const module = compiled();
  if (!wasm || !module) return undefined;
  const pages = Math.ceil((doubles * 8) / 65536) + 1;
  if (pages > 65536) return undefined; // beyond 4 GiB: use the scalar kernel
  let mem: { buffer: ArrayBuffer };
  try {
    mem = new wasm.Memory({ initial: pages });
  } catch {
    return undefined; // the host refused this much wasm memory: use the scalar kernel
  }
  const instance = new wasm.Instance(module, { env: { mem } });
  return {
    heap: new Float64Array(mem.buffer),
    dot3x3: instance.exports.dot3x3 as SimdKernel["dot3x3"],
  };
}
