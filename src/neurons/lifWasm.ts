/**
 * WebAssembly SIMD kernel of the fused COBA step (see {@link lifFusedStep}): two neurons per
 * f64x2 instruction, state in a wasm memory ({@link Arena}). Every lane performs exactly the
 * scalar path's IEEE double operations in the same order (WebAssembly has no fused multiply-add
 * here), so spikes and state are bitwise identical to the TypeScript loop, which stays the
 * reference and the fallback where SIMD is unavailable.
 */
import { assemble, F64, I32, lazyModule, op, recordSpikeLanes, V128, type Code, type ValType } from "../wasm/assembler.js";

// Parameters: pointers (byte addresses), then per-step constants.
const N = 0, V = 1, REF = 2, GA = 3, GB = 4, IA = 5, IB = 6, EXT = 7, JUMP = 8, SPIKED = 9;
const DECAY_A = 10, DECAY_B = 11, EREV_A = 12, EREV_B = 13, V_RESET = 14, V_TH = 15, BIAS = 16, G_L = 17, DT_OVER_C = 18, LEAK = 19;
const REF_STEPS = 20;
// Locals.
const I = 21, O8 = 22, O4 = 23, COUNT = 24, BITS = 25;
const S_DECAY_A = 26, S_DECAY_B = 27, S_EREV_A = 28, S_EREV_B = 29, S_V_RESET = 30, S_V_TH = 31, S_BIAS = 32, S_G_L = 33, S_DT_OVER_C = 34, S_LEAK = 35;
const S_REF_STEPS = 36, ZERO = 37, XA = 38, XB = 39, R32 = 40, REFM32 = 41, REFM64 = 42, V0 = 43, VI = 44, SPK = 45;

const { localGet: get, localSet: set } = op;
/** Address of element `offsetLocal` in the array at pointer parameter `ptr`. */
const at = (ptr: number, offsetLocal: number): Code => [...get(ptr), ...get(offsetLocal), ...op.i32Add];
const loadF64x2 = (ptr: number): Code => [...at(ptr, O8), ...op.v128Load()];
function cobaEulerBody(): Code {
  const splat = (from: number, to: number): Code => [...get(from), ...op.f64x2Splat, ...set(to)];
  return [
    ...splat(DECAY_A, S_DECAY_A), ...splat(DECAY_B, S_DECAY_B), ...splat(EREV_A, S_EREV_A), ...splat(EREV_B, S_EREV_B),
    ...splat(V_RESET, S_V_RESET), ...splat(V_TH, S_V_TH), ...splat(BIAS, S_BIAS), ...splat(G_L, S_G_L),
    ...splat(DT_OVER_C, S_DT_OVER_C), ...splat(LEAK, S_LEAK),
    ...get(REF_STEPS), ...op.i32x4Splat, ...set(S_REF_STEPS),
    ...op.loop,
    // Receptors: x <- x decay + arriving, reading x at the step's start.
    ...loadF64x2(GA), ...set(XA),
    ...loadF64x2(GB), ...set(XB),
    ...at(GA, O8), ...get(XA), ...get(S_DECAY_A), ...op.f64x2Mul, ...loadF64x2(IA), ...op.f64x2Add, ...op.v128Store(),
    ...at(GB, O8), ...get(XB), ...get(S_DECAY_B), ...op.f64x2Mul, ...loadF64x2(IB), ...op.f64x2Add, ...op.v128Store(),
    // Refractory mask (two i32 counters, widened to 64-bit lanes for the f64 selects).
    ...at(REF, O4), ...op.v128Load64Zero(), ...set(R32),
    ...get(R32), ...get(ZERO), ...op.i32x4GtS, ...set(REFM32),
    ...get(REFM32), ...op.i64x2ExtendLowI32x4S, ...set(REFM64),
    // vi = v0 + dt/C ((leak + (xa Ea + xb Eb)) + (bias + ext) - (gL + (xa + xb)) v0) + jump
    ...loadF64x2(V), ...set(V0),
    ...get(V0), ...get(S_DT_OVER_C),
    ...get(S_LEAK), ...get(XA), ...get(S_EREV_A), ...op.f64x2Mul, ...get(XB), ...get(S_EREV_B), ...op.f64x2Mul, ...op.f64x2Add, ...op.f64x2Add,
    ...get(S_BIAS), ...loadF64x2(EXT), ...op.f64x2Add, ...op.f64x2Add,
    ...get(S_G_L), ...get(XA), ...get(XB), ...op.f64x2Add, ...op.f64x2Add, ...get(V0), ...op.f64x2Mul, ...op.f64x2Sub,
    ...op.f64x2Mul, ...op.f64x2Add,
    ...loadF64x2(JUMP), ...op.f64x2Add, ...set(VI),
    // The arriving input is consumed: zero its rows for the ring buffer's next round.
    ...at(IA, O8), ...get(ZERO), ...op.v128Store(),
    ...at(IB, O8), ...get(ZERO), ...op.v128Store(),
    ...at(JUMP, O8), ...get(ZERO), ...op.v128Store(),
    // Threshold (not while refractory), reset and clamp.
    ...get(VI), ...get(S_V_TH), ...op.f64x2Ge, ...get(REFM64), ...op.v128AndNot, ...set(SPK),
    ...at(V, O8), ...get(S_V_RESET), ...get(VI), ...get(SPK), ...get(REFM64), ...op.v128Or, ...op.v128Bitselect, ...op.v128Store(),
    // ref <- ref - 1 where refractory (mask = -1), refSteps where spiking.
    ...at(REF, O4),
    ...get(R32), ...get(REFM32), ...op.i32x4Add,
    ...get(SPK), ...get(SPK), ...op.i8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]), ...get(S_REF_STEPS), ...op.v128And,
    ...op.i32x4Add, ...op.v128Store64Lane(0),
    // Spike indices, in neuron order; the padding lane past n never counts.
    ...recordSpikeLanes({ mask: SPK, bits: BITS, i: I, n: N, spiked: SPIKED, count: COUNT }),
    // Next pair.
    ...get(O8), ...op.i32Const(16), ...op.i32Add, ...set(O8),
    ...get(O4), ...op.i32Const(8), ...op.i32Add, ...set(O4),
    ...get(I), ...op.i32Const(2), ...op.i32Add, ...op.localTee(I), ...get(N), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...get(COUNT),
  ];
}

/** The compiled kernel module (compiled once, lazily; undefined without WebAssembly SIMD). */
export const lifWasmModule = lazyModule(() =>
  assemble([
    {
      name: "cobaEuler",
      params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, I32],
      results: [I32],
      locals: [I32, I32, I32, I32, I32, ...Array.from({ length: 20 }, (): ValType => V128)],
      body: cobaEulerBody(),
    },
  ]),
);

/**
 * `cobaEuler(n, v, ref, ga, gb, ia, ib, ext, jump, spiked, decayA, decayB, eRevA_mV, eRevB_mV,
 * vReset_mV, vThresh_mV, iBias_pA, gL_nS, dtOverC, leak_pA, refSteps)`: pointers are byte
 * addresses in the arena (f64 arrays 16-byte aligned and padded to an even length, `ref` an i32
 * array padded likewise); zeroes `ia`, `ib` and `jump` (consumed) and returns the number of
 * spikes written to `spiked`. Requires n >= 1.
 */
export type CobaEulerKernel = (
  n: number, v: number, ref: number, ga: number, gb: number, ia: number, ib: number, ext: number, jump: number, spiked: number,
  decayA: number, decayB: number, eRevA_mV: number, eRevB_mV: number, vReset_mV: number, vThresh_mV: number,
  iBias_pA: number, gL_nS: number, dtOverC: number, leak_pA: number, refSteps: number,
) => number;
