/**
 * The per-step random numbers of an equation model's `rand()` and `randn()` sites (a `xi` term
 * is a `randn()` site): `n` numbers per site, site after site, from one {@link Rng} stream,
 * written to an arena buffer that the generated step reads (one row of `stride` elements per
 * site, `stride` being `n` rounded up to whole SIMD vectors).
 *
 * Step by step they are drawn by JavaScript (`Rng.uniform`, `Rng.normal`). Inside the network's
 * multi-step driver they are drawn by the generator's WebAssembly twin (src/random/wasm.ts) on
 * the generator's state handed to the arena before each driver call and taken back after it, so
 * both give the same numbers in the same order, bit for bit, and the JavaScript step continues
 * the same stream.
 */
import type { Arena } from "../wasm/arena.js";
import { arenaBytes } from "../wasm/arena.js";
import { I32, op, type Code } from "../wasm/assembler.js";
import type { DriverContext } from "../wasm/driver.js";
import type { Rng } from "./rng.js";
import { RNG_STATE_WORDS, rngModule, type RngKernels } from "./wasm.js";

/** The kind of a random-number site: a uniform on [0, 1) or a standard normal. */
export type RandomKind = "rand" | "randn";

/** Elements per SIMD vector: 2 (f64x2) or 4 (f32x4). */
const lanesOf = (float32: boolean) => (float32 ? 4 : 2);

/** Elements between two sites' numbers in the buffer: `n` rounded up to whole SIMD vectors. */
export const randomStride = (n: number, float32: boolean): number =>
  Math.ceil(n / lanesOf(float32)) * lanesOf(float32);

/** Arena bytes {@link RandomDraws} takes for `sites` sites of `n` numbers. */
export function randomDrawsBytes(sites: number, n: number, float32: boolean): number {
  return (
    arenaBytes(randomStride(n, float32) * sites, float32 ? 4 : 8) +
    (sites > 0 ? arenaBytes(RNG_STATE_WORDS, 4) : 0)
  );
}

/** The per-step numbers of a model's random sites (see the module comment). */
export class RandomDraws {
  /** The numbers: site k's at [k stride, k stride + n) (float32 rounded where `float32`). */
  readonly values: Float64Array | Float32Array;
  private readonly stride: number;
  /** The generator's state in the arena and its WebAssembly kernels, or null (JavaScript draws). */
  private readonly wasm: { state: Int32Array; kernels: RngKernels } | null;

  /**
   * @param kinds each site's kind, in the model's order.
   * @param n numbers per site (neurons or synapses).
   * @param mem where the buffer (and the generator's state) live.
   * @param arena the arena whose memory the driver runs on, or null without WebAssembly.
   */
  constructor(
    private readonly kinds: readonly RandomKind[],
    private readonly n: number,
    private readonly float32: boolean,
    private readonly rng: Rng,
    mem: Pick<Arena, "f64" | "f32" | "i32">,
    arena: Arena | null,
  ) {
    this.stride = randomStride(n, float32);
    const length = this.stride * kinds.length;
    this.values = float32 ? mem.f32(length) : mem.f64(length);
    const kernels =
      arena !== null && kinds.length > 0
        ? (arena.instance(rngModule()) as RngKernels | undefined)
        : undefined;
    this.wasm = kernels ? { state: mem.i32(RNG_STATE_WORDS), kernels } : null;
  }

  /** Draws the step's numbers in JavaScript. */
  draw(): void {
    const { values: r, rng, n } = this;
    for (let k = 0; k < this.kinds.length; k++) {
      const off = k * this.stride;
      if (this.kinds[k] === "rand") for (let i = 0; i < n; i++) r[off + i] = rng.uniform();
      else for (let i = 0; i < n; i++) r[off + i] = rng.normal();
    }
  }

  /**
   * The driver code that draws the step's numbers: calls of the WebAssembly fills, site after
   * site, or (without the generator's module) a call of {@link draw}; empty without sites.
   */
  emit(d: DriverContext): Code {
    if (this.kinds.length === 0) return [];
    if (this.wasm === null) return op.call(d.kernel(() => this.draw(), [], []));
    const { state, kernels } = this.wasm;
    const f32 = this.float32;
    const fill = {
      rand: d.kernel(f32 ? kernels.fillUniformF32 : kernels.fillUniform, [I32, I32, I32], []),
      randn: d.kernel(f32 ? kernels.fillNormalF32 : kernels.fillNormal, [I32, I32, I32], []),
    };
    const rowBytes = this.stride * (f32 ? 4 : 8);
    return this.kinds.flatMap((kind, k) => [
      ...op.i32Const(state.byteOffset),
      ...op.i32Const(this.values.byteOffset + k * rowBytes),
      ...op.i32Const(this.n),
      ...op.call(fill[kind]),
    ]);
  }

  /** Before a driver call: the generator's state lent to the arena (`Rng.lend`). */
  before(): void {
    if (this.wasm) this.rng.lend(this.wasm.state);
  }

  /** After a driver call: the generator continues from the arena's state (`Rng.reclaim`). */
  after(): void {
    if (this.wasm) this.rng.reclaim();
  }
}
