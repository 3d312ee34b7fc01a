/**
 * One growable block of memory holding a model's parameters, gradients, optimizer-free
 * scratch and the states stored for backpropagation through time, so that the WebAssembly
 * kernels ({@link KernelSet}) work on them in place (the simulator's arena idea, `src/wasm/arena.ts`,
 * with growth: the parameters are allocated once at the bottom, the per-batch activations above
 * them are re-planned when the batch or the number of steps grows). Arrays start on 16-byte
 * boundaries. Views are created from offsets on use, so they never outlive a growth.
 * Without WebAssembly SIMD (or with `wasm: false`) the same layout lives in an ordinary
 * ArrayBuffer and the TypeScript reference kernels run.
 */
import { wasmApi } from "../wasm/assembler.js";
import { referenceKernels, spikeTable, trainWasmModule, type KernelSet } from "./kernels.js";

const PAGE = 65536;
const MAX_BYTES = 4 * 1024 ** 3 - PAGE;

interface GrowableMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Rounds a byte count up to 16. */
export const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * A memory with a bump allocator and the kernels bound to it.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * // the memory the training kernels work in: a bump allocator over one WebAssembly.Memory
 * const ws = new train.Workspace();
 * const x = ws.alloc(4 * 8, true); // 8 floats that persist across batches (byte offset)
 * ws.f32(x, 8).fill(1); // a Float32Array view
 * ws.kernels(); // the WebAssembly SIMD kernels bound to this memory (the TypeScript reference without wasm)
 * ```
 */
export class Workspace {
  private memory: GrowableMemory | null = null;
  private plain: ArrayBuffer | null = null;
  private kernelsFor: ArrayBuffer | null = null;
  private boundKernels: KernelSet | null = null;
  /** Bytes taken by persistent arrays (parameters, gradients). */
  private persistentTop = 0;
  /** Bytes taken in all. */
  private top = 0;
  /** Whether the WebAssembly kernels run (false: TypeScript reference). */
  readonly wasm: boolean;

  constructor(opts: { wasm?: boolean } = {}) {
    const api = wasmApi();
    const module = opts.wasm === false ? undefined : trainWasmModule();
    this.wasm = Boolean(api && module);
    if (this.wasm)
      this.memory = new (api!.Memory as unknown as new (d: { initial: number }) => GrowableMemory)({
        initial: 1,
      });
    else this.plain = new ArrayBuffer(PAGE);
    this.spikeTable = this.alloc(256, true);
    new Uint8Array(this.buffer, this.spikeTable, 256).set(spikeTable());
  }

  /** Byte offset of the LIF kernel's spike-packing table (the first persistent array). */
  readonly spikeTable: number;

  /** The memory's current buffer (replaced when the memory grows). */
  get buffer(): ArrayBuffer {
    return this.memory ? this.memory.buffer : this.plain!;
  }

  /** Bytes in use. */
  get bytesUsed(): number {
    return this.top;
  }

  /** Bytes of the persistent arrays (parameters, gradients, the spike table). */
  get persistentBytes(): number {
    return this.persistentTop;
  }

  /**
   * Allocates `bytes` and returns their offset; persistent allocations (zeroed) must come first.
   * Transient allocations are zeroed only with `zero` (a batch's states are overwritten anyway).
   */
  alloc(bytes: number, persistent = false, zero = persistent): number {
    if (persistent && this.top !== this.persistentTop)
      throw new Error("workspace: persistent arrays must be allocated before transient ones");
    const at = this.top;
    this.ensure(at + align16(bytes));
    this.top = at + align16(bytes);
    if (persistent) this.persistentTop = this.top;
    if (zero) new Uint8Array(this.buffer, at, align16(bytes)).fill(0);
    return at;
  }

  /** Frees every transient allocation (the activations of the last batch). */
  releaseTransient(): void {
    this.top = this.persistentTop;
  }

  /** A Float32Array view of `length` floats at byte `offset`. */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.buffer, offset, length);
  }

  /** An Int32Array view of `length` integers at byte `offset`. */
  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.buffer, offset, length);
  }

  /** The kernels over the current buffer. */
  kernels(): KernelSet {
    const buffer = this.buffer;
    if (this.kernelsFor !== buffer || !this.boundKernels) {
      if (this.memory) {
        const api = wasmApi()!;
        const instance = new api.Instance(trainWasmModule()!, { env: { mem: this.memory } })
          .exports;
        this.boundKernels = instance as unknown as KernelSet;
      } else {
        this.boundKernels = referenceKernels(buffer);
      }
      this.kernelsFor = buffer;
    }
    return this.boundKernels;
  }

  private ensure(bytes: number): void {
    if (bytes > MAX_BYTES)
      throw new RangeError(
        `training workspace: ${bytes} bytes needed, more than the 4 GiB a WebAssembly memory can hold; use a smaller batch or fewer steps`,
      );
    const have = this.buffer.byteLength;
    if (bytes <= have) return;
    const want = Math.min(MAX_BYTES + PAGE, Math.max(bytes, Math.ceil(have * 1.5)));
    if (this.memory) {
      this.memory.grow(Math.ceil((want - have) / PAGE));
    } else {
      const next = new ArrayBuffer(Math.ceil(want / PAGE) * PAGE);
      new Uint8Array(next).set(new Uint8Array(this.plain!));
      this.plain = next;
    }
  }
}
