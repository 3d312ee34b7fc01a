/**
 * WebAssembly kernels of spike delivery over CSR connectivity with one delay per projection, or
 * one per synapse (see `propagate`): for each spiking source, in order, add each synapse's weight (float32,
 * widened exactly; or the projection's shared weight) to its target's entry in the ring-buffer
 * row of the arrival step. Same additions in the same order as the TypeScript loop, so results
 * are bitwise identical.
 */
import type { Arena } from "../wasm/arena.js";
import {
  assemble,
  F64,
  forCount,
  forRange,
  I32,
  lazyModule,
  op,
  type Code,
  type ValType,
} from "../wasm/assembler.js";

// Parameters (byte addresses in the arena, and a count).
const ROW_PTR = 0,
  COL_IDX = 1,
  WEIGHT = 2,
  SPIKED = 3,
  COUNT = 4,
  ROW = 5;
// Locals.
const S = 6,
  K = 7,
  END = 8,
  ADDR = 9;

const { localGet: get, localTee: tee } = op;
/** Address of the 4-byte element `index` (an i32 local) of the array at pointer parameter `ptr`. */
const at4 = (ptr: number, index: number): Code => [
  ...get(ptr),
  ...get(index),
  ...op.i32Const(2),
  ...op.i32Shl,
  ...op.i32Add,
];

/**
 * The bounds of the CSR row of the `s`-th spiking source (i32 locals `s`, `addr`): start
 * rowPtr[spiked[s]] (its address kept in `addr`) and end rowPtr[spiked[s] + 1].
 */
function spikingRow(s: number, addr: number): { start: Code; end: Code } {
  return {
    start: [
      ...get(ROW_PTR),
      ...at4(SPIKED, s),
      ...op.i32Load(),
      ...op.i32Const(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...tee(addr),
      ...op.i32Load(),
    ],
    end: [...get(addr), ...op.i32Load(4)],
  };
}

/**
 * With a row's byte address on the stack: `row[colIdx[k]] += weight` (f64; i32 locals `k` and
 * `addr`, the latter reused for the element's address).
 */
function addWeight(k: number, addr: number, weight: Code): Code {
  return [
    ...at4(COL_IDX, k),
    ...op.i32Load(),
    ...op.i32Const(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...tee(addr),
    ...get(addr),
    ...op.f64Load(),
    ...weight,
    ...op.f64Add,
    ...op.f64Store(),
  ];
}

/** The body of `each` (weights per synapse) or `uniform` (WEIGHT is an f64 value). */
function deliverBody(uniform: boolean): Code {
  const weight = uniform ? get(WEIGHT) : [...at4(WEIGHT, K), ...op.f32Load(), ...op.f64PromoteF32];
  // For the s-th spiking source i: k from rowPtr[i] to rowPtr[i + 1].
  const row = spikingRow(S, ADDR);
  return forCount(
    S,
    COUNT,
    forRange(K, END, row.start, row.end, [
      // row[colIdx[k]] += weight[k]
      ...get(ROW),
      ...addWeight(K, ADDR, weight),
    ]),
  );
}

const params = (uniform: boolean): ValType[] => [I32, I32, uniform ? F64 : I32, I32, I32, I32];

// `delayed` / `delayedUniform`: one delay per synapse (u16 steps); parameters after COUNT.
const DATA = 5,
  DELAYS = 6,
  STEP = 7,
  SLOTS = 8,
  STRIDE = 9;
// Their locals.
const DS = 10,
  DK = 11,
  DEND = 12,
  DADDR = 13;

/**
 * The body of `delayed` (weights per synapse) or `delayedUniform`: as `propagate` with per-synapse
 * delays, `data[((step + delay[k]) mod slots) * stride + colIdx[k]] += weight[k]` for the synapses
 * of each spiking source in order (the same additions in the same order).
 */
function delayedBody(uniform: boolean): Code {
  const weight = uniform ? get(WEIGHT) : [...at4(WEIGHT, DK), ...op.f32Load(), ...op.f64PromoteF32];
  const row = spikingRow(DS, DADDR);
  return forCount(
    DS,
    COUNT,
    forRange(DK, DEND, row.start, row.end, [
      ...get(DATA),
      // ((step + delay[k]) mod slots) * strideBytes
      ...get(STEP),
      ...get(DELAYS),
      ...get(DK),
      ...op.i32Const(1),
      ...op.i32Shl,
      ...op.i32Add,
      ...I32_LOAD16_U,
      ...op.i32Add,
      ...get(SLOTS),
      ...I32_REM_U,
      ...get(STRIDE),
      ...op.i32Mul,
      ...op.i32Add,
      ...addWeight(DK, DADDR, weight),
    ]),
  );
}

/** `i32.load16_u` (align 2 bytes, offset 0) and `i32.rem_u`, not among the assembler's helpers. */
const I32_LOAD16_U: Code = [0x2f, 1, 0];
const I32_REM_U: Code = [0x70];

/** The compiled delivery module (compiled once, lazily; undefined without WebAssembly). */
export const deliverWasmModule = lazyModule(() =>
  assemble([
    {
      name: "each",
      params: params(false),
      results: [],
      locals: [I32, I32, I32, I32],
      body: deliverBody(false),
    },
    {
      name: "uniform",
      params: params(true),
      results: [],
      locals: [I32, I32, I32, I32],
      body: deliverBody(true),
    },
    ...[false, true].map((uniform) => ({
      name: uniform ? "delayedUniform" : "delayed",
      params: [...params(uniform), I32, I32, I32, I32] as ValType[],
      results: [],
      locals: [I32, I32, I32, I32] as ValType[],
      body: delayedBody(uniform),
    })),
  ]),
);

/**
 * Delivery kernels on an arena: `each(rowPtr, colIdx, weight, spiked, count, row)` and
 * `uniform(rowPtr, colIdx, weight, spiked, count, row)`, with byte addresses of the CSR row
 * pointers (i32), column indices (i32), the `count` spiking sources (i32) and the target
 * ring-buffer row (f64); `weight` is the address of the f32 weights, or the shared weight.
 */
export interface DeliverKernels {
  each(
    rowPtr: number,
    colIdx: number,
    weight: number,
    spiked: number,
    count: number,
    row: number,
  ): void;
  uniform(
    rowPtr: number,
    colIdx: number,
    weight: number,
    spiked: number,
    count: number,
    row: number,
  ): void;
  /**
   * One delay per synapse: `data` is the ring buffer's address, `delays` the address of the u16
   * delays (steps), `step` the step the spikes were emitted in, `slots` the ring's rows and
   * `strideBytes` the bytes between rows.
   */
  delayed(
    rowPtr: number,
    colIdx: number,
    weight: number,
    spiked: number,
    count: number,
    data: number,
    delays: number,
    step: number,
    slots: number,
    strideBytes: number,
  ): void;
  /** As `delayed`, with one shared weight (a value). */
  delayedUniform(
    rowPtr: number,
    colIdx: number,
    weight: number,
    spiked: number,
    count: number,
    data: number,
    delays: number,
    step: number,
    slots: number,
    strideBytes: number,
  ): void;
}

/** The delivery kernels bound to `arena`'s memory, or undefined without WebAssembly. */
export function deliverKernels(arena: Arena): DeliverKernels | undefined {
  return arena.instance(deliverWasmModule()) as DeliverKernels | undefined;
}

// Arrival: the ring-buffer row of a step handed to the group's receptor variable.
const DST = 0,
  SRC = 1,
  PAIRS = 2,
  PAIR = 3;

/** `dst[k] = dst[k] + src[k]` (or `= src[k]` when `move`), then `src[k] = 0`, two neurons at a time. */
function arriveBody(move: boolean): Code {
  const offset: Code = [...get(PAIR), ...op.i32Const(4), ...op.i32Shl];
  const dst: Code = [...get(DST), ...offset, ...op.i32Add];
  const src: Code = [...get(SRC), ...offset, ...op.i32Add];
  return forCount(PAIR, PAIRS, [
    ...dst,
    ...(move ? [] : [...dst, ...op.v128Load()]),
    ...src,
    ...op.v128Load(),
    ...(move ? [] : op.f64x2Add),
    ...op.v128Store(),
    ...src,
    ...op.f64x2Const(0),
    ...op.v128Store(),
  ]);
}

/** The compiled arrival module (compiled once, lazily; undefined without WebAssembly). */
export const arriveWasmModule = lazyModule(() =>
  assemble(
    (["add", "move"] as const).map((name) => ({
      name,
      params: [I32, I32, I32],
      results: [],
      locals: [I32],
      body: arriveBody(name === "move"),
    })),
  ),
);

/**
 * Arrival kernels on an arena: `add(dst, src, pairs)` adds the f64 row at byte address `src` to
 * the one at `dst` and zeroes it; `move(dst, src, pairs)` copies it and zeroes it; both over
 * `pairs` pairs of neurons (both arrays padded to whole pairs). Same IEEE additions as
 * `dst[i] += src[i]`, so results are bitwise those of the TypeScript loop.
 */
export interface ArriveKernels {
  add(dst: number, src: number, pairs: number): void;
  move(dst: number, src: number, pairs: number): void;
}

/** The arrival kernels bound to `arena`'s memory, or undefined without WebAssembly. */
export function arriveKernels(arena: Arena): ArriveKernels | undefined {
  return arena.instance(arriveWasmModule()) as ArriveKernels | undefined;
}
