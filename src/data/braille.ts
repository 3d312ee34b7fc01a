/**
 * Tactile Braille letters (Müller-Cleve et al. 2022, arXiv:2205.15864; Zenodo
 * doi:10.5281/zenodo.6556273) as distributed with Zenke's SpyTorch tutorial 5: 1,350 trials,
 * 27 letters ("Space", "A".."Z") x 50 repetitions, each 76-77 time steps x 12 taxels
 * (pressure values 0-255).
 *
 * The file is a gzipped Python pickle (protocol 4) of a list of dicts
 * `{experiment_name, letter, repetition, taxel_data}` whose `taxel_data` are numpy arrays stored
 * with numpy's reconstruct protocol. {@link readBraillePickle} is a small, strict pickle reader for
 * exactly that structure: it interprets the opcodes such a file contains, resolves only the three
 * globals `numpy.core.multiarray._reconstruct`, `numpy.ndarray` and `numpy.dtype` (nothing is
 * ever executed), accepts only little-endian float64 C-order arrays, and throws an error naming
 * the offending opcode, global or field for anything else.
 *
 * {@link brailleDataset} applies the tutorial's preprocessing: 1 - x/255, crop to the shortest
 * trial, keep taxels 1, 2, 6 and 10, standardise each taxel over all trials and steps
 * ((x - mean) / (sd + 1e-3), sd with Bessel's correction as torch's `std`), repeat every step
 * `upsample` times; the values are graded inputs (currents), not spikes.
 */
import { gunzipSync } from "node:zlib";
import { checkInteger } from "../core/checks.js";
import { readSourceBytes, type DataLocationOptions } from "./fetch.js";
import { BRAILLE_SPYTORCH } from "./sources.js";

/** One trial of the Braille dataset. */
export interface BrailleTrial {
  experimentName: string;
  /** "Space" or "A".."Z". */
  letter: string;
  repetition: number;
  /** Time steps of `taxels`. */
  steps: number;
  /** `steps x 12` pressure values (0-255), row-major. */
  taxels: Float64Array;
}

/** The 27 letters in the tutorial's class order. */
export const BRAILLE_LETTERS: readonly string[] = ["Space", ..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"];

class NdArray {
  shape: number[] = [];
  data: Float64Array | null = null;
}
class DType {
  constructor(readonly descr: string) {}
  littleEndian = false;
}
const MARK = Symbol("mark");
const GLOBALS = new Set(["numpy.core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype", "numpy._core.multiarray._reconstruct"]);

/**
 * Reads the (gunzipped) Braille pickle: the list of trials.
 *
 * @example
 * ```ts no-run
 * import { readFileSync } from "node:fs";
 * import { gunzipSync } from "node:zlib";
 * import { data } from "neurolab";
 * const trials = data.readBraillePickle(gunzipSync(readFileSync("tutorial5_braille_spiking_data.pkl.gz")));
 * ```
 */
export function readBraillePickle(bytes: Uint8Array): BrailleTrial[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder("utf-8", { fatal: true });
  const stack: unknown[] = [];
  const memo: unknown[] = [];
  let pos = 0;
  const fail = (what: string): never => {
    throw new RangeError(`Braille pickle: ${what} at byte ${pos} (this reader accepts only the SpyTorch tutorial-5 file's structure)`);
  };
  const need = (n: number) => { if (pos + n > bytes.length) fail("unexpected end of data"); };
  const u8 = () => { need(1); return bytes[pos++]; };
  const u32 = () => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const take = (n: number) => { need(n); const b = bytes.subarray(pos, pos + n); pos += n; return b; };
  const pop = () => (stack.length ? stack.pop() : fail("stack underflow"));
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("no MARK on the stack");
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: { const proto = u8(); if (proto < 2 || proto > 5) fail(`pickle protocol ${proto}`); break; } // PROTO
      case 0x95: take(8); break; // FRAME (framing is transparent)
      case 0x2e: { // STOP
        const result = pop();
        return toTrials(result);
      }
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x7d: stack.push(new Map<string, unknown>()); break; // EMPTY_DICT
      case 0x94: memo.push(stack[stack.length - 1]); break; // MEMOIZE
      case 0x28: stack.push(MARK); break; // MARK
      case 0x8c: stack.push(text.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text.decode(take(u32()))); break; // BINUNICODE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: { need(2); stack.push(view.getUint16(pos, true)); pos += 2; break; } // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x68: { const k = u8(); if (k >= memo.length) fail(`BINGET ${k} of ${memo.length}`); stack.push(memo[k]); break; }
      case 0x6a: { const k = u32(); if (k >= memo.length) fail(`LONG_BINGET ${k} of ${memo.length}`); stack.push(memo[k]); break; }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), module = pop();
        const full = `${String(module)}.${String(name)}`;
        if (!GLOBALS.has(full)) fail(`global ${full} is not allowed`);
        stack.push({ global: full.replace("numpy._core", "numpy.core") });
        break;
      }
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x43: stack.push(take(u8())); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32())); break; // BINBYTES
      case 0x52: { // REDUCE
        const args = pop() as unknown[], fn = pop() as { global?: string };
        if (fn?.global === "numpy.core.multiarray._reconstruct") {
          if ((args[0] as { global?: string })?.global !== "numpy.ndarray") fail("_reconstruct of a class other than numpy.ndarray");
          stack.push(new NdArray());
        } else if (fn?.global === "numpy.dtype") {
          if (typeof args[0] !== "string") fail("numpy.dtype without a type string");
          stack.push(new DType(args[0] as string));
        } else fail("REDUCE of something other than _reconstruct or dtype");
        break;
      }
      case 0x62: { // BUILD
        const state = pop() as unknown[], obj = stack[stack.length - 1];
        if (obj instanceof DType) {
          // (version 3, byte order, subarray, names, fields, elsize, alignment, flags)
          if (!Array.isArray(state) || state[0] !== 3) fail("numpy dtype state of an unknown version");
          if (state[1] !== "<") fail(`dtype byte order ${JSON.stringify(state[1])} (only little-endian "<")`);
          if (state[3] !== null || state[4] !== null) fail("structured dtype");
          obj.littleEndian = true;
        } else if (obj instanceof NdArray) {
          // (version 1, shape, dtype, is_fortran, raw bytes)
          const [version, shape, dtype, fortran, raw] = state as [number, number[], DType, boolean, Uint8Array];
          if (version !== 1) fail(`ndarray state version ${version}`);
          if (!(dtype instanceof DType) || dtype.descr !== "f8" || !dtype.littleEndian) fail(`array dtype ${dtype instanceof DType ? dtype.descr : "?"} (only little-endian float64)`);
          if (fortran !== false) fail("Fortran-order array");
          if (!Array.isArray(shape) || !(raw instanceof Uint8Array)) fail("ndarray state without shape or data");
          const count = shape.reduce((a, b) => a * b, 1);
          if (raw.length !== count * 8) fail(`array data of ${raw.length} bytes for shape [${shape.join(", ")}]`);
          const copy = new Uint8Array(raw);
          const data = new Float64Array(copy.buffer);
          const dv = new DataView(copy.buffer);
          for (let k = 0; k < count; k++) data[k] = dv.getFloat64(8 * k, true);
          obj.shape = shape;
          obj.data = data;
        } else fail("BUILD of an object other than an ndarray or dtype");
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark(), dict = stack[stack.length - 1];
        if (!(dict instanceof Map)) fail("SETITEMS on a non-dict");
        for (let k = 0; k < items.length; k += 2) {
          if (typeof items[k] !== "string") fail("dict key that is not a string");
          (dict as Map<string, unknown>).set(items[k] as string, items[k + 1]);
        }
        break;
      }
      case 0x73: { const v = pop(), k = pop(), dict = stack[stack.length - 1]; if (!(dict instanceof Map) || typeof k !== "string") fail("SETITEM"); (dict as Map<string, unknown>).set(k as string, v); break; }
      case 0x65: { const items = popMark(), list = stack[stack.length - 1]; if (!Array.isArray(list)) fail("APPENDS on a non-list"); (list as unknown[]).push(...items); break; }
      case 0x61: { const v = pop(), list = stack[stack.length - 1]; if (!Array.isArray(list)) fail("APPEND on a non-list"); (list as unknown[]).push(v); break; }
      default: fail(`opcode 0x${opcode.toString(16)}`);
    }
  }
}

function toTrials(result: unknown): BrailleTrial[] {
  if (!Array.isArray(result)) throw new RangeError("Braille pickle: the top-level object must be a list of trials");
  return result.map((d, k) => {
    if (!(d instanceof Map)) throw new RangeError(`Braille pickle: trial ${k} is not a dict`);
    const name = d.get("experiment_name"), letter = d.get("letter"), rep = d.get("repetition"), arr = d.get("taxel_data");
    if (typeof name !== "string" || typeof letter !== "string" || typeof rep !== "number") throw new RangeError(`Braille pickle: trial ${k} lacks experiment_name, letter or repetition`);
    if (!BRAILLE_LETTERS.includes(letter)) throw new RangeError(`Braille pickle: trial ${k} has letter ${JSON.stringify(letter)}`);
    if (!(arr instanceof NdArray) || !arr.data || arr.shape.length !== 2 || arr.shape[1] !== 12) throw new RangeError(`Braille pickle: trial ${k}'s taxel_data must be a steps x 12 float64 array`);
    return { experimentName: name, letter, repetition: rep, steps: arr.shape[0], taxels: arr.data };
  });
}

/**
 * Loads the trials from the pinned, verified file (mirror, cache or download; see `sourcePath`).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * const trials = await data.loadBrailleTrials(); // downloads once, checks the SHA-256, then reads the cache
 * trials.length; // 1350 trials of 27 letters
 * ```
 */
export async function loadBrailleTrials(opts: DataLocationOptions = {}): Promise<BrailleTrial[]> {
  return readBraillePickle(gunzipSync(await readSourceBytes(BRAILLE_SPYTORCH, opts)));
}

/** A preprocessed Braille dataset: `samples x steps x inputs` graded inputs and labels 0..26. */
export interface BrailleDataset {
  steps: number;
  inputs: number;
  x: Float32Array;
  labels: Int32Array;
}

/**
 * SpyTorch tutorial 5's preprocessing of the trials (see the module header).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * const trials = await data.loadBrailleTrials();
 * const ds = data.brailleDataset(trials); // x: trials x steps x inputs (Float32Array), labels 0..26
 * ds.labels.length;
 * ```
 */
export function brailleDataset(trials: readonly BrailleTrial[], opts: { taxels?: readonly number[]; upsample?: number } = {}): BrailleDataset {
  const taxels = opts.taxels ?? [1, 2, 6, 10];
  taxels.forEach((t, k) => checkInteger(t, `taxels[${k}]`, 0, 11));
  const up = checkInteger(opts.upsample ?? 2, "upsample", 1);
  if (trials.length === 0) throw new RangeError("trials must not be empty");
  const crop = Math.min(...trials.map((t) => t.steps));
  const n = trials.length, m = taxels.length;
  const raw = new Float64Array(n * crop * m);
  for (let s = 0; s < n; s++) for (let t = 0; t < crop; t++) for (let j = 0; j < m; j++) raw[(s * crop + t) * m + j] = 1 - trials[s].taxels[t * 12 + taxels[j]] / 255;
  const mean = new Float64Array(m), sd = new Float64Array(m), count = n * crop;
  for (let k = 0; k < raw.length; k++) mean[k % m] += raw[k];
  for (let j = 0; j < m; j++) mean[j] /= count;
  for (let k = 0; k < raw.length; k++) sd[k % m] += (raw[k] - mean[k % m]) ** 2;
  for (let j = 0; j < m; j++) sd[j] = Math.sqrt(sd[j] / (count - 1));
  const steps = crop * up;
  const x = new Float32Array(n * steps * m);
  for (let s = 0; s < n; s++) for (let t = 0; t < steps; t++) for (let j = 0; j < m; j++) {
    x[(s * steps + t) * m + j] = (raw[(s * crop + Math.floor(t / up)) * m + j] - mean[j]) / (sd[j] + 1e-3);
  }
  const labels = Int32Array.from(trials, (t) => BRAILLE_LETTERS.indexOf(t.letter));
  return { steps, inputs: m, x, labels };
}
