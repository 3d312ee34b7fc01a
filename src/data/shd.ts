/**
 * Spiking Heidelberg Digits (SHD; Cramer, Stradmann, Schemmel & Zenke 2020, IEEE TNNLS
 * 33:2744, arXiv 1910.07407; CC BY 4.0): spoken digits 0-9 in English and German (20 classes)
 * converted to spikes of 700 cochlear channels; 8,156 training and 2,264 test samples.
 *
 * File layout (HDF5, one file per split, distributed gzipped): `spikes/times` (one variable-length
 * float16 array per sample, seconds), `spikes/units` (variable-length uint16, channel 0-699),
 * `labels` (uint16, 0-19), and `extra/speaker` (uint16), `extra/keys` (class names). The gzipped
 * files are pinned by the MD5 the distributors publish (no SHA-256 is published); the verified
 * `.gz` is cached, then decompressed once beside it (written to a temporary file and renamed).
 *
 * HDF5 is read with h5wasm; its high-level reader has no float16, so the variable-length spike
 * arrays are read through its low-level calls and decoded here (any integer or float base type).
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { checkInteger, checkPositive } from "../core/checks.js";
import { type DataLocationOptions, defaultCacheDir, sourcePath } from "./fetch.js";
import type { DataSource } from "./sources.js";
import { describeValue } from "../core/describe.js";

const SHD_CITATION =
  "Cramer B, Stradmann Y, Schemmel J, Zenke F (2020) The Heidelberg spiking data sets for the systematic evaluation of spiking neural networks. IEEE Trans Neural Netw Learn Syst 33:2744-2757. doi:10.1109/TNNLS.2020.3044364";
const SHD_LICENSE = "CC BY 4.0 (Cramer et al., zenkelab.org/datasets)";

/** SHD training split (gzipped HDF5), pinned by the MD5 the distributors publish. */
export const SHD_TRAIN: DataSource = {
  id: "shd_train",
  path: "spiking/shd_train.h5.gz",
  url: "https://zenkelab.org/datasets/shd_train.h5.gz",
  sha256: "d47c9825dee33347913e8ce0f2be08b0",
  digest: "md5",
  description: "Spiking Heidelberg Digits, training split: 8,156 spoken digits (20 classes) as spikes of 700 channels",
  citation: SHD_CITATION,
  license: SHD_LICENSE,
};

/** SHD test split (gzipped HDF5), pinned by the MD5 the distributors publish. */
export const SHD_TEST: DataSource = {
  id: "shd_test",
  path: "spiking/shd_test.h5.gz",
  url: "https://zenkelab.org/datasets/shd_test.h5.gz",
  sha256: "3062a80ec0c5719404d5b02e166543b1",
  digest: "md5",
  description: "Spiking Heidelberg Digits, test split: 2,264 spoken digits (20 classes) as spikes of 700 channels",
  citation: SHD_CITATION,
  license: SHD_LICENSE,
};

/** Number of input channels of SHD. */
export const SHD_CHANNELS = 700;

/** An SHD split in memory: every sample's spikes in CSR layout. */
export interface ShdDataset {
  /** Number of samples. */
  readonly nSamples: number;
  /** Number of channels (700 for SHD; the largest unit + 1 if a file has more). */
  readonly nChannels: number;
  /** Class of each sample, 0-19 (0-9 English "zero".."nine", 10-19 German "null".."neun"). */
  readonly labels: Int32Array;
  /** Speaker of each sample, when the file has `extra/speaker`. */
  readonly speakers: Int32Array | null;
  /** Class names from `extra/keys`, when present. */
  readonly classNames: readonly string[] | null;
  /** Sample `k`'s spikes are `[offsets[k], offsets[k + 1])` of `times_ms` and `units`. */
  readonly offsets: Int32Array;
  /**
   * Spike times, ms (the file's seconds x 1000 in float32, in the file's order; SHD stores float16
   * seconds, so float32 loses nothing that matters). 6 bytes per spike with `units`.
   */
  readonly times_ms: Float32Array;
  /** Channel of each spike, 0..nChannels-1. */
  readonly units: Uint16Array;
}

/** Options of {@link loadShd}. */
export interface LoadShdOptions extends DataLocationOptions {
  /**
   * The gzipped HDF5 source to read instead of the pinned SHD split (same layout, e.g. the
   * Spiking Speech Commands files, or a test file); its `path` must end in ".gz".
   */
  source?: DataSource;
}

/**
 * Loads an SHD split: a verified copy of the gzipped file (mirror or download cache, MD5
 * checked), decompressed once into the cache directory, then read with {@link readShdFile}.
 *
 * @example
 * ```ts no-run
 * import { data } from "neurolab";
 * const test = await data.loadShd("test"); // Spiking Heidelberg Digits, pinned URL and checksum
 * test.nSamples;
 * ```
 */
export async function loadShd(split: "train" | "test", opts: LoadShdOptions = {}): Promise<ShdDataset> {
  if (split !== "train" && split !== "test") throw new RangeError(`split must be "train" or "test", got ${describeValue(split)}`);
  const source = opts.source ?? (split === "train" ? SHD_TRAIN : SHD_TEST);
  if (!source.path.endsWith(".gz")) throw new RangeError(`source.path must end in ".gz" (a gzipped HDF5 file), got ${describeValue(source.path)}`);
  const gz = await sourcePath(source, opts);
  const h5 = path.resolve(opts.cacheDir ?? defaultCacheDir(opts.env ?? process.env), source.path.replace(/\.gz$/, ""));
  if (!(await exists(h5)) || (await fs.stat(h5)).mtimeMs < (await fs.stat(gz)).mtimeMs) await gunzipAtomically(gz, h5);
  return readShdFile(h5);
}

/**
 * Reads an HDF5 file in the SHD layout (see the module header). Throws an `Error` naming the
 * file and the problem when a dataset is missing, has the wrong type or shape, or the times
 * and units of a sample differ in length.
 *
 * @example
 * ```ts no-run
 * import { data } from "neurolab";
 * const shd = await data.readShdFile("shd_test.h5");
 * ```
 */
export async function readShdFile(file: string): Promise<ShdDataset> {
  const h5 = await import("h5wasm/node");
  await h5.ready;
  const absolute = path.resolve(file);
  if (!(await exists(absolute))) throw new Error(`SHD file ${absolute} does not exist`);
  if (!(await hasHdf5Signature(absolute))) throw new Error(`${absolute} is not a readable HDF5 file (no HDF5 signature)`);
  let f: InstanceType<typeof h5.File>;
  try {
    f = new h5.File(absolute, "r");
  } catch (e) {
    throw new Error(`${absolute} is not a readable HDF5 file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    const dataset = (name: string) => {
      const d = f.get(name);
      if (!(d instanceof h5.Dataset)) throw new Error(`${absolute} is not in the SHD layout: dataset "${name}" is missing`);
      return d;
    };
    const labelsDs = dataset("labels");
    const labels = integerArray(labelsDs.value, `${absolute}: labels`);
    const n = labels.length;
    const times = readVlen(h5.Module, f.file_id, dataset("spikes/times"), `${absolute}: spikes/times`, (v) => v * 1000, Float32Array, (v) => Number.isFinite(v) && v >= 0, "a finite time >= 0 s");
    const units = readVlen(h5.Module, f.file_id, dataset("spikes/units"), `${absolute}: spikes/units`, (v) => v, Uint16Array, (v) => Number.isInteger(v) && v >= 0 && v <= 65535, "an integer channel in [0, 65535]");
    if (times.lengths.length !== n || units.lengths.length !== n) {
      throw new Error(`${absolute}: spikes/times (${times.lengths.length}), spikes/units (${units.lengths.length}) and labels (${n}) must have one entry per sample`);
    }
    const offsets = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) {
      if (times.lengths[k] !== units.lengths[k]) {
        throw new Error(`${absolute}: sample ${k} has ${times.lengths[k]} spike times but ${units.lengths[k]} units`);
      }
      offsets[k + 1] = offsets[k] + times.lengths[k];
    }
    const times_ms = times.values as Float32Array;
    const unitArray = units.values as Uint16Array;
    let nChannels = SHD_CHANNELS;
    for (let j = 0; j < unitArray.length; j++) if (unitArray[j] + 1 > nChannels) nChannels = unitArray[j] + 1;
    for (let k = 0; k < n; k++) {
      if (!(Number.isInteger(labels[k]) && labels[k] >= 0)) throw new Error(`${absolute}: labels[${k}] = ${labels[k]} (must be an integer >= 0)`);
    }
    const speakerDs = f.get("extra/speaker");
    const speakers = speakerDs instanceof h5.Dataset ? integerArray(speakerDs.value, `${absolute}: extra/speaker`) : null;
    if (speakers && speakers.length !== n) throw new Error(`${absolute}: extra/speaker has ${speakers.length} entries, labels ${n}`);
    const keysDs = f.get("extra/keys");
    const keys = keysDs instanceof h5.Dataset ? keysDs.value : null;
    const classNames = Array.isArray(keys) ? keys.map(String) : null;
    return { nSamples: n, nChannels, labels, speakers, classNames, offsets, times_ms, units: unitArray };
  } finally {
    f.close();
  }
}

/**
 * Sample `k` binned into a dense, time-major count matrix `[nSteps x nChannels]` (Float32Array)
 * with bins of `maxTime_ms / nSteps`; spikes at or after `maxTime_ms` are dropped (SpyTorch's
 * SHD tutorial: 100 steps over 1.4 s).
 *
 * @example
 * ```ts no-run
 * import { data } from "neurolab";
 * const shd = await data.readShdFile("shd_test.h5");
 * data.shdSampleCounts(shd, 0, { nSteps: 100, maxTime_ms: 1000 }); // 100 x 700 spike counts of sample 0
 * ```
 */
export function shdSampleCounts(data: ShdDataset, k: number, opts: { nSteps: number; maxTime_ms: number }): Float32Array {
  checkInteger(k, "k", 0, data.nSamples - 1);
  const nSteps = checkInteger(opts.nSteps, "nSteps", 1);
  const maxTime_ms = checkPositive(opts.maxTime_ms, "maxTime_ms");
  const c = data.nChannels;
  const out = new Float32Array(nSteps * c);
  const dt = maxTime_ms / nSteps;
  for (let j = data.offsets[k]; j < data.offsets[k + 1]; j++) {
    const t = data.times_ms[j];
    if (t >= maxTime_ms) continue;
    const step = Math.min(Math.floor(t / dt), nSteps - 1);
    out[step * c + data.units[j]] += 1;
  }
  return out;
}

interface VlenModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
  get_dataset_data(fileId: bigint, path: string, count: bigint[] | null, offset: bigint[] | null, strides: bigint[] | null, ptr: bigint): number;
  reclaim_vlen_memory_count(fileId: bigint, objName: string, attrName: string, ptr: bigint, count: bigint[]): number;
}

interface NumericMetadata {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
}

/**
 * A 1-d dataset of variable-length numeric arrays, read in blocks of samples: the length of
 * each array and all values concatenated (mapped by `map`, checked by `valid`) into `Out`.
 */
function readVlen(
  module: unknown,
  fileId: bigint,
  ds: { path: string; metadata: { type: number; shape: number[] | null; vlen_type?: unknown } },
  name: string,
  map: (v: number) => number,
  Out: Float32ArrayConstructor | Uint16ArrayConstructor,
  valid: (v: number) => boolean,
  expected: string,
): { lengths: Int32Array; values: Float32Array | Uint16Array } {
  const meta = ds.metadata;
  const base = meta.vlen_type as NumericMetadata | undefined;
  if (meta.type !== 9 || !base || !meta.shape || meta.shape.length !== 1) {
    throw new Error(`${name} must be a 1-d dataset of variable-length arrays (SHD layout), got HDF5 class ${meta.type} with shape ${JSON.stringify(meta.shape)}`);
  }
  if (!((base.type === 0 && [1, 2, 4, 8].includes(base.size)) || (base.type === 1 && [2, 4, 8].includes(base.size)))) {
    throw new Error(`${name} must hold integers or floats, got HDF5 class ${base.type} of ${base.size} bytes`);
  }
  const M = module as VlenModule;
  const n = meta.shape[0];
  const lengths = new Int32Array(n);
  const chunks: (Float32Array | Uint16Array)[] = [];
  let total = 0;
  const block = 1024;
  for (let start = 0; start < n; start += block) {
    const count = Math.min(block, n - start);
    const ptr = M._malloc(8 * count); // hvl_t = { size_t length; void *p } = 2 x 4 bytes in wasm32
    const counts = [BigInt(count)];
    try {
      M.get_dataset_data(fileId, ds.path, counts, [BigInt(start)], [1n], BigInt(ptr));
      const pairs = new Uint32Array(M.HEAPU8.buffer, ptr, 2 * count).slice();
      let blockTotal = 0;
      for (let j = 0; j < count; j++) blockTotal += pairs[2 * j];
      const chunk = new Out(blockTotal);
      let o = 0;
      for (let j = 0; j < count; j++) {
        const length = pairs[2 * j];
        lengths[start + j] = length;
        const bytes = M.HEAPU8.subarray(pairs[2 * j + 1], pairs[2 * j + 1] + length * base.size);
        const values = decode(bytes, length, base);
        for (let i = 0; i < length; i++) {
          if (!valid(values[i])) throw new Error(`${name}: sample ${start + j}, entry ${i} is ${values[i]}, must be ${expected}`);
          chunk[o++] = map(values[i]);
        }
      }
      chunks.push(chunk);
      total += blockTotal;
    } finally {
      M.reclaim_vlen_memory_count(fileId, ds.path, "", BigInt(ptr), counts);
      M._free(ptr);
    }
  }
  const values = new Out(total);
  let o = 0;
  for (const c of chunks) {
    values.set(c, o);
    o += c.length;
  }
  return { lengths, values };
}

function decode(bytes: Uint8Array, length: number, m: NumericMetadata): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = m.littleEndian;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const o = i * m.size;
    if (m.type === 1) out[i] = m.size === 2 ? halfToNumber(view.getUint16(o, le)) : m.size === 4 ? view.getFloat32(o, le) : view.getFloat64(o, le);
    else if (m.size === 1) out[i] = m.signed ? view.getInt8(o) : view.getUint8(o);
    else if (m.size === 2) out[i] = m.signed ? view.getInt16(o, le) : view.getUint16(o, le);
    else if (m.size === 4) out[i] = m.signed ? view.getInt32(o, le) : view.getUint32(o, le);
    else out[i] = Number(m.signed ? view.getBigInt64(o, le) : view.getBigUint64(o, le));
  }
  return out;
}

/**
 * IEEE 754 binary16 -> number (exact).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.halfToNumber(0x3c00); // 1 (IEEE 754 half precision)
 * ```
 */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function integerArray(value: unknown, name: string): Int32Array {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) throw new Error(`${name} must be a 1-d numeric dataset`);
  const arr = value as unknown as ArrayLike<number | bigint>;
  return Int32Array.from({ length: arr.length }, (_, i) => {
    const v = Number(arr[i]);
    if (!Number.isInteger(v)) throw new Error(`${name}[${i}] = ${String(arr[i])} must be an integer`);
    return v;
  });
}

/** The HDF5 superblock signature at offset 0, 512, 1024, 2048, ... (a user block may precede it). */
async function hasHdf5Signature(file: string): Promise<boolean> {
  const signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const handle = await fs.open(file, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(buffer, 0, 8, offset);
      if (buffer.equals(signature)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function gunzipAtomically(gz: string, destination: string): Promise<void> {
  await fs.mkdir(path.dirname(destination), { recursive: true });
  const temporary = `${destination}.${process.pid}.${randomBytes(6).toString("hex")}.part`;
  try {
    await pipeline(createReadStream(gz), createGunzip(), createWriteStream(temporary));
    await fs.rename(temporary, destination);
  } catch (e) {
    await fs.rm(temporary, { force: true });
    throw new Error(`could not decompress ${gz}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
