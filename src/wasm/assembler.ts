/**
 * A tiny WebAssembly assembler: the few encodings needed to write SIMD kernels as readable
 * TypeScript (instruction helpers named after the text format) and to assemble them into a
 * module that imports one memory `env.mem`. No toolchain and no binary blob: the kernels'
 * source is the code that calls these helpers. Opcodes follow the WebAssembly 2.0 core spec
 * (fixed-width SIMD included).
 */

/** Bytes of an instruction sequence. */
export type Code = number[];

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
/** Memory immediate: alignment (log2 bytes) and constant offset. */
const memarg = (align: number, offset = 0): number[] => [align, ...uleb(offset)];

/** Instructions, named after the text format (`i32.add` -> `i32Add`). Operands come first on the stack. */
export const op = {
  localGet: (i: number): Code => [0x20, ...uleb(i)],
  localSet: (i: number): Code => [0x21, ...uleb(i)],
  localTee: (i: number): Code => [0x22, ...uleb(i)],
  i32Const: (n: number): Code => [0x41, ...sleb(n)],
  i32Eqz: [0x45] as Code,
  i32Add: [0x6a] as Code,
  i32And: [0x71] as Code,
  i32Shl: [0x74] as Code,
  i32LtS: [0x48] as Code,
  i32LtU: [0x49] as Code,
  i32GeS: [0x4e] as Code,
  /** Block without result. */
  block: [0x02, 0x40] as Code,
  loop: [0x03, 0x40] as Code,
  if: [0x04, 0x40] as Code,
  end: [0x0b] as Code,
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  i32Load: (offset = 0): Code => [0x28, ...memarg(2, offset)],
  f32Load: (offset = 0): Code => [0x2a, ...memarg(2, offset)],
  f64Load: (offset = 0): Code => [0x2b, ...memarg(3, offset)],
  i32Store: (offset = 0): Code => [0x36, ...memarg(2, offset)],
  f64Add: [0xa0] as Code,
  f64PromoteF32: [0xbb] as Code,
  f64Store: (offset = 0): Code => [0x39, ...memarg(3, offset)],
  v128Load: (offset = 0): Code => simd(0, ...memarg(4, offset)),
  /** v128.const of two f64 lanes with the same value. */
  f64x2Const: (x: number): Code => simd(12, ...new Uint8Array(new Float64Array([x, x]).buffer)),
  v128Store: (offset = 0): Code => simd(11, ...memarg(4, offset)),
  v128Load64Zero: (offset = 0): Code => simd(93, ...memarg(3, offset)),
  v128Store64Lane: (lane: number, offset = 0): Code => simd(91, ...memarg(3, offset), lane),
  i8x16Shuffle: (lanes: readonly number[]): Code => simd(13, ...lanes),
  i32x4Splat: simd(17),
  f64x2Splat: simd(20),
  f64x2ExtractLane: (lane: number): Code => simd(33, lane),
  f64x2Ge: simd(76),
  v128And: simd(78),
  v128AndNot: simd(79),
  v128Or: simd(80),
  v128Bitselect: simd(82),
  v128AnyTrue: simd(83),
  i32x4GtS: simd(59),
  i32x4Add: simd(174),
  i64x2Bitmask: simd(196),
  i64x2ExtendLowI32x4S: simd(199),
  f64x2Add: simd(240),
  f64x2Sub: simd(241),
  f64x2Mul: simd(242),
  f64x2Div: simd(243),
  f64x2Neg: simd(237),
  f64x2Abs: simd(236),
  f64x2Sqrt: simd(239),
  f64x2Ceil: simd(116),
  f64x2Floor: simd(117),
  f64x2Trunc: simd(122),
  f64x2Eq: simd(71),
  f64x2Ne: simd(72),
  f64x2Lt: simd(73),
  f64x2Gt: simd(74),
  f64x2Le: simd(75),
  f64x2ReplaceLane: (lane: number): Code => simd(34, lane),
  v128Not: simd(77),
  f64Const: (x: number): Code => [0x44, ...new Uint8Array(new Float64Array([x]).buffer)],
  f64ConvertI32S: [0xb7] as Code,
  i32Sub: [0x6b] as Code,
  i32Mul: [0x6c] as Code,
  call: (index: number): Code => [0x10, ...uleb(index)],
  // Scalar f64 and i32 (synapse event code).
  i32Or: [0x72] as Code,
  i32ShrU: [0x76] as Code,
  f64Eq: [0x61] as Code,
  f64Ne: [0x62] as Code,
  f64Lt: [0x63] as Code,
  f64Gt: [0x64] as Code,
  f64Le: [0x65] as Code,
  f64Ge: [0x66] as Code,
  f64Abs: [0x99] as Code,
  f64Neg: [0x9a] as Code,
  f64Ceil: [0x9b] as Code,
  f64Floor: [0x9c] as Code,
  f64Trunc: [0x9d] as Code,
  f64Sqrt: [0x9f] as Code,
  f64Sub: [0xa1] as Code,
  f64Mul: [0xa2] as Code,
  f64Div: [0xa3] as Code,
  f64Min: [0xa4] as Code,
  f64Max: [0xa5] as Code,
  f64ConvertI32U: [0xb8] as Code,
  // float32 (scalar and f32x4) for `precision: "float32"`.
  f32Const: (x: number): Code => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
  f32Store: (offset = 0): Code => [0x38, ...memarg(2, offset)],
  f32DemoteF64: [0xb6] as Code,
  f32x4Splat: simd(19),
  f32x4ExtractLane: (lane: number): Code => simd(31, lane),
  f32x4ReplaceLane: (lane: number): Code => simd(32, lane),
  f32x4Eq: simd(65),
  f32x4Ne: simd(66),
  f32x4Lt: simd(67),
  f32x4Gt: simd(68),
  f32x4Le: simd(69),
  f32x4Ge: simd(70),
  f32x4Ceil: simd(103),
  f32x4Floor: simd(104),
  f32x4Trunc: simd(105),
  f32x4Abs: simd(224),
  f32x4Neg: simd(225),
  f32x4Sqrt: simd(227),
  f32x4Add: simd(228),
  f32x4Sub: simd(229),
  f32x4Mul: simd(230),
  f32x4Div: simd(231),
  f32x4ConvertI32x4S: simd(250),
  i32x4Bitmask: simd(164),
  i64x2ExtendHighI32x4S: simd(200),
  v128Const: (bytes: readonly number[]): Code => simd(12, ...bytes),
  // Control and integer bit manipulation (the exp of synapse code).
  ifF64: [0x04, 0x7c] as Code,
  else: [0x05] as Code,
  return: [0x0f] as Code,
  i32Eq: [0x46] as Code,
  i32GtU: [0x4b] as Code,
  i32GeU: [0x4f] as Code,
  i32TruncF64S: [0xaa] as Code,
  i32WrapI64: [0xa7] as Code,
  i64Const: (n: number): Code => [0x42, ...sleb(n)],
  i64Add: [0x7c] as Code,
  i64Shl: [0x86] as Code,
  i64ShrU: [0x88] as Code,
  i64ExtendI32S: [0xac] as Code,
  i64ReinterpretF64: [0xbd] as Code,
  f64ReinterpretI64: [0xbf] as Code,
  // The multi-step driver (network plan in one call) and scalar resets.
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  i32Ne: [0x47] as Code,
  i32GtS: [0x4a] as Code,
  i32RemU: [0x70] as Code,
  /** memory.copy (bulk memory): destination, source, bytes. */
  memoryCopy: [0xfc, ...uleb(10), 0x00, 0x00] as Code,
  /** memory.fill (bulk memory): destination, byte value, bytes. */
  memoryFill: [0xfc, ...uleb(11), 0x00] as Code,
  v128Load32Splat: (offset = 0): Code => simd(9, ...memarg(2, offset)),
  v128Load64Splat: (offset = 0): Code => simd(10, ...memarg(3, offset)),
  /** Two i32x4 lane masks -> one i16x8 (saturating): of two i64x2 masks, the i32x4 mask of their four lanes. */
  i16x8NarrowI32x4S: simd(133),
};

/** One exported function. */
export interface WasmFunction {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Types of the locals after the parameters. */
  locals: readonly ValType[];
  /** The body, without the final `end`. */
  body: Code;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const utf8 = (s: string): number[] => [
  ...uleb(s.length),
  ...Array.from(s, (ch) => ch.charCodeAt(0)),
];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

/** A function the module imports from `env` (called with `op.call(index in imports)`). */
export interface WasmImport {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
}

/**
 * Assembles a module importing memory `env.mem` (at least one page) and the functions `imports`
 * (from `env`; they take the first function indices), and exporting `funcs`.
 */
export function assemble(
  funcs: readonly WasmFunction[],
  imports: readonly WasmImport[] = [],
): Uint8Array {
  const signature = (f: { params: readonly ValType[]; results: readonly ValType[] }) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec(f.results.map((t) => [t])),
  ];
  const types = [...imports, ...funcs].map(signature);
  const k0 = imports.length;
  const bodies = funcs.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const code = [...locals, ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(
      2,
      vec([
        ...imports.map((f, k) => [...utf8("env"), ...utf8(f.name), 0x00, ...uleb(k)]),
        [...utf8("env"), ...utf8("mem"), 0x02, 0x00, 1],
      ]),
    ),
    ...section(3, vec(funcs.map((_, k) => uleb(k0 + k)))),
    ...section(7, vec(funcs.map((f, k) => [...utf8(f.name), 0x00, ...uleb(k0 + k)]))),
    ...section(10, vec(bodies)),
  ]);
}

/** The slice of the WebAssembly JS API used here (this project's TS lib has no wasm types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => {
    buffer: ArrayBuffer;
  };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The host's WebAssembly API, or undefined. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * Compiles a module: the `WebAssembly.Module`, or why it could not be (no WebAssembly, invalid,
 * or refused by the host, e.g. without SIMD).
 */
export function compileModule(bytes: Uint8Array): object | string {
  const wasm = wasmApi();
  if (!wasm) return "no WebAssembly";
  try {
    if (!wasm.validate(bytes)) return "the generated module did not validate";
    const module = new wasm.Module(bytes);
    moduleBytes.set(module, bytes);
    return module;
  } catch (err) {
    return `the generated module was refused (${(err as Error).message})`;
  }
}

/** The bytes of every module compiled here (to make its shared-memory twin on demand). */
const moduleBytes = new WeakMap<object, Uint8Array>();
/** Shared-memory twins of modules, by the module they were made from (null: none). */
const sharedTwins = new WeakMap<object, object | null>();

/**
 * The same module importing a shared memory (limits flag 0x03, maximum 65536 pages), as
 * instantiating on a `WebAssembly.Memory({ shared: true })` requires (an import's sharedness
 * must match the memory's); the module itself when it already does; undefined when `module` was
 * not compiled by {@link compileModule} or the host refuses shared memory. Compiled once per
 * module.
 */
export function sharedMemoryTwin(module: object): object | undefined {
  let twin = sharedTwins.get(module);
  if (twin === undefined) {
    const bytes = moduleBytes.get(module);
    const shared = bytes ? withSharedMemory(bytes) : null;
    const compiled = shared === null ? null : shared === bytes ? module : compileModule(shared);
    twin = typeof compiled === "string" ? null : compiled;
    sharedTwins.set(module, twin);
  }
  return twin ?? undefined;
}

/**
 * `bytes` (a module as {@link assemble} writes it) with its memory import declared shared with a
 * maximum of 65536 pages; `bytes` itself when it already is; null when it imports no memory.
 */
export function withSharedMemory(bytes: Uint8Array): Uint8Array | null {
  const read = (at: number): [number, number] => {
    let n = 0,
      shift = 0,
      b: number;
    do {
      b = bytes[at++];
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return [n, at];
  };
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, start] = read(at + 1);
    const end = start + size;
    if (id !== 2) {
      at = end;
      continue;
    }
    const [count, first] = read(start);
    const content: number[] = [...uleb(count)];
    let found = false;
    for (let k = 0, p = first; k < count; k++) {
      const from = p;
      for (let name = 0; name < 2; name++) {
        const [len, q] = read(p);
        p = q + len;
      }
      const kind = bytes[p++];
      if (kind === 0) {
        p = read(p)[1]; // a function: its type index
        content.push(...bytes.subarray(from, p));
      } else if (kind === 2) {
        const flag = bytes[p];
        if (flag === 0x03) return bytes;
        const [min, q] = read(p + 1);
        content.push(...bytes.subarray(from, p), 0x03, ...uleb(min), ...uleb(65536));
        p = flag === 0x01 ? read(q)[1] : q;
        found = true;
      } else return null; // (the assembler writes no table or global imports)
    }
    if (!found) return null;
    return new Uint8Array([
      ...bytes.subarray(0, at),
      2,
      ...uleb(content.length),
      ...content,
      ...bytes.subarray(end),
    ]);
  }
  return null;
}

/**
 * Compiles `bytes` once, lazily (the result is immutable and shared); undefined where the host
 * lacks WebAssembly or rejects the module (e.g. no SIMD).
 */
export function lazyModule(bytes: () => Uint8Array): () => object | undefined {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      let module: object | string;
      try {
        module = compileModule(bytes());
      } catch {
        module = "the module could not be assembled";
      }
      compiled = typeof module === "string" ? null : module;
    }
    return compiled ?? undefined;
  };
}

/**
 * `for (x = from; x < end; x++) body` over i32 locals `x` and `end`: `from` and `to` are
 * evaluated once (into `x` and `end`), and nothing runs when from >= to.
 */
export function forRange(x: number, end: number, from: Code, to: Code, body: Code): Code {
  const { localGet: get, localSet: set } = op;
  return [
    ...from,
    ...set(x),
    ...to,
    ...set(end),
    ...op.block,
    ...get(x),
    ...get(end),
    ...op.i32GeS,
    ...op.brIf(0),
    ...op.loop,
    ...body,
    ...increment(x),
    ...get(end),
    ...op.i32LtS,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

/** `for (x = 0; x < count; x++) body` over i32 locals `x` and `count` (a parameter or a local). */
export function forCount(x: number, count: number, body: Code): Code {
  const { localGet: get, localSet: set } = op;
  return [
    ...op.i32Const(0),
    ...set(x),
    ...op.block,
    ...get(count),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.loop,
    ...body,
    ...increment(x),
    ...get(count),
    ...op.i32LtS,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

/** `x += 1`, leaving the new value on the stack. */
const increment = (x: number): Code => [
  ...op.localGet(x),
  ...op.i32Const(1),
  ...op.i32Add,
  ...op.localTee(x),
];

/**
 * Appends the indices of the neurons i, i + 1, ... (`lanes` of them: 2 for an f64x2 mask, 4 for
 * an f32x4 one) whose lanes are set in the mask in local `mask` to the i32 spike list at pointer
 * local `spiked`, counting in local `count`, in neuron order; lane L counts only while i + L < n
 * (padding lanes never do). `bits` is a scratch i32 local; `i` and `n` are i32 locals.
 * `alsoWhenAny` runs first when any lane is set (e.g. the stores made on a spike).
 */
export function recordSpikeLanes(
  l: { mask: number; bits: number; i: number; n: number; spiked: number; count: number },
  lanes: 2 | 4 = 2,
  alsoWhenAny: Code = [],
): Code {
  const { localGet: get, localSet: set } = op;
  const index = (L: number): Code =>
    L === 0 ? get(l.i) : [...get(l.i), ...op.i32Const(L), ...op.i32Add];
  const record = (L: number): Code => [
    ...get(l.spiked),
    ...get(l.count),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...index(L),
    ...op.i32Store(),
    ...get(l.count),
    ...op.i32Const(1),
    ...op.i32Add,
    ...set(l.count),
  ];
  const out: Code = [
    ...get(l.mask),
    ...op.v128AnyTrue,
    ...op.if,
    ...alsoWhenAny,
    ...get(l.mask),
    ...(lanes === 2 ? op.i64x2Bitmask : op.i32x4Bitmask),
    ...set(l.bits),
  ];
  for (let L = 0; L < lanes; L++) {
    out.push(...get(l.bits), ...op.i32Const(1 << L), ...op.i32And, ...op.if);
    if (L === 0) out.push(...record(0), ...op.end);
    else
      out.push(
        ...index(L),
        ...get(l.n),
        ...op.i32LtS,
        ...op.if,
        ...record(L),
        ...op.end,
        ...op.end,
      );
  }
  out.push(...op.end);
  return out;
}
