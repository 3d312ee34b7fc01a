/**
 * Typed arrays for a network's hot state (populations, input ring buffers, connectivity),
 * allocated from one block of memory so that WebAssembly kernels can work on them in place. An arena is sized once (it never grows, so
 * its views are never detached); every array starts on a 16-byte boundary and is padded to a
 * whole number of 16-byte lanes, so a SIMD kernel may read and write the padding past its end.
 * Without WebAssembly (or beyond its 4 GiB limit) the arena hands out ordinary arrays and no
 * kernel is available: callers keep the TypeScript path.
 */
import { sharedMemoryTwin, wasmApi } from "./assembler.js";

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;

/** Bytes an array of `length` elements of `bytesPerElement` takes in an arena (padded to 16). */
export function arenaBytes(length: number, bytesPerElement: number): number {
  return Math.ceil((length * bytesPerElement) / 16) * 16;
}

/** A bump allocator over one WebAssembly memory (or over ordinary arrays). */
export class Arena {
  /** The memory the arrays live in, for `instance`; null when arrays are ordinary. */
  private readonly memory: { buffer: ArrayBuffer } | null;
  private next = 0;
  private readonly instances = new Map<object, Record<string, unknown>>();

  /**
   * An arena of at least `bytes` bytes; with `shared`, on a shared `WebAssembly.Memory` (a
   * SharedArrayBuffer that worker threads can work on too: see threads.ts), whose modules are
   * instantiated in their shared-memory variant. `shared` is false where the host refused it.
   */
  constructor(
    readonly bytes: number,
    readonly shared = false,
  ) {
    const wasm = wasmApi();
    const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
    let memory: { buffer: ArrayBuffer } | null = null;
    if (wasm && pages <= MAX_PAGES && shared) {
      try {
        memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
      } catch {
        this.shared = false; // refused: an ordinary memory (one thread)
      }
    } else this.shared = false;
    try {
      if (wasm && pages <= MAX_PAGES && memory === null)
        memory = new wasm.Memory({ initial: pages });
    } catch {
      memory = null; // the host refused this much wasm memory: ordinary arrays, TypeScript loops
    }
    this.memory = memory;
  }

  /** The `WebAssembly.Memory` of a shared arena (to hand to a worker), else null. */
  get sharedMemory(): object | null {
    return this.shared ? this.memory : null;
  }

  /** The buffer all arrays of this arena share (null for ordinary arrays). */
  get buffer(): ArrayBuffer | null {
    return this.memory ? this.memory.buffer : null;
  }

  /** A zeroed Float64Array of `length` elements. */
  f64(length: number): Float64Array {
    return this.memory
      ? new Float64Array(this.memory.buffer, this.take(arenaBytes(length, 8)), length)
      : new Float64Array(length);
  }

  /** A zeroed Float32Array of `length` elements. */
  f32(length: number): Float32Array {
    return this.memory
      ? new Float32Array(this.memory.buffer, this.take(arenaBytes(length, 4)), length)
      : new Float32Array(length);
  }

  /** A zeroed Int32Array of `length` elements. */
  i32(length: number): Int32Array {
    return this.memory
      ? new Int32Array(this.memory.buffer, this.take(arenaBytes(length, 4)), length)
      : new Int32Array(length);
  }

  /**
   * The exports of `module` instantiated on this arena's memory (once per module), with the
   * functions it imports from `env`, or undefined.
   */
  instance(
    module: object | undefined,
    functions: Record<string, (...x: number[]) => number> = {},
  ): Record<string, unknown> | undefined {
    const wasm = wasmApi();
    if (!module || !wasm || !this.memory) return undefined;
    let instance = this.instances.get(module);
    if (!instance) {
      const code = this.shared ? sharedMemoryTwin(module) : module;
      if (!code) return undefined;
      instance = new wasm.Instance(code, { env: { ...functions, mem: this.memory } }).exports;
      this.instances.set(module, instance);
    }
    return instance;
  }

  private take(bytes: number): number {
    const at = this.next;
    if (at + bytes > this.bytes)
      throw new RangeError(`arena: ${at + bytes} bytes requested, only ${this.bytes} reserved`);
    this.next = at + bytes;
    return at;
  }
}
