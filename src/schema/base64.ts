/**
 * Base64 <-> typed-array codec shared by the library (Node) and the extension (browser).
 * Typed arrays are encoded little-endian, as JavaScript engines store them on every
 * platform neurolab supports.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * Encodes raw bytes as standard (RFC 4648, padded) base64.
 *
 * @example
 * ```ts
 * import { bytesToBase64 } from "neurolab/schema";
 * bytesToBase64(new Uint8Array([104, 105])); // "aGk="
 * ```
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096; // multiple of 3 so chunks concatenate without padding
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    let s = "";
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      s +=
        ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
    }
    const rest = end - i;
    if (rest === 1) {
      const n = bytes[i] << 16;
      s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + "==";
    } else if (rest === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + "=";
    }
    parts.push(s);
  }
  return parts.join("");
}

/**
 * Decodes standard padded base64. Throws an Error naming `what` when the text is not
 * valid base64 (wrong length or characters outside the alphabet).
 *
 * @example
 * ```ts
 * import { base64ToBytes } from "neurolab/schema";
 * base64ToBytes("aGk=", "payload.title"); // Uint8Array [104, 105]; malformed text throws a SchemaError naming "payload.title"
 * ```
 */
export function base64ToBytes(text: string, what = "base64 field"): Uint8Array {
  if (typeof text !== "string") throw new Error(`${what}: expected a base64 string`);
  if (text.length % 4 !== 0)
    throw new Error(`${what}: base64 length ${text.length} is not a multiple of 4`);
  let pad = 0;
  if (text.endsWith("==")) pad = 2;
  else if (text.endsWith("=")) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const c0 = decodeChar(text, i, what);
    const c1 = decodeChar(text, i + 1, what);
    const c2 = last && pad === 2 ? 0 : decodeChar(text, i + 2, what);
    const c3 = last && pad >= 1 ? 0 : decodeChar(text, i + 3, what);
    const n = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function decodeChar(text: string, i: number, what: string): number {
  const code = text.charCodeAt(i);
  const v = code < 128 ? LOOKUP[code] : -1;
  if (v < 0) throw new Error(`${what}: invalid base64 character at offset ${i}`);
  return v;
}

/**
 * Encodes a Float32Array, Float64Array, Int32Array or Uint32Array's bytes as base64.
 *
 * @example
 * ```ts
 * import { typedArrayToBase64 } from "neurolab/schema";
 * typedArrayToBase64(Float32Array.of(1, 2.5)); // little-endian bytes as base64, as payloads carry arrays
 * ```
 */
export function typedArrayToBase64(
  a: Float32Array | Float64Array | Int32Array | Uint32Array,
): string {
  return bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Element types a payload may carry. */
export type DType = "float32" | "float64" | "int32" | "uint32";

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, uint32: 4 };

/**
 * Decodes base64 into a typed array of `dtype`; throws naming `what` on a length mismatch.
 *
 * @example
 * ```ts
 * import { base64ToTypedArray, typedArrayToBase64 } from "neurolab/schema";
 * base64ToTypedArray(typedArrayToBase64(Int32Array.of(3, -1)), "int32"); // Int32Array [3, -1]
 * ```
 */
export function base64ToTypedArray(text: string, dtype: "float32", what?: string): Float32Array;
export function base64ToTypedArray(text: string, dtype: "float64", what?: string): Float64Array;
export function base64ToTypedArray(text: string, dtype: "int32", what?: string): Int32Array;
export function base64ToTypedArray(text: string, dtype: "uint32", what?: string): Uint32Array;
export function base64ToTypedArray(
  text: string,
  dtype: DType,
  what = "base64 field",
): Float32Array | Float64Array | Int32Array | Uint32Array {
  const bytes = base64ToBytes(text, what);
  const size = BYTES[dtype];
  if (bytes.length % size !== 0) {
    throw new Error(`${what}: ${bytes.length} bytes is not a whole number of ${dtype} values`);
  }
  // Copy into a fresh, aligned buffer.
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (dtype) {
    case "float32":
      return new Float32Array(buf);
    case "float64":
      return new Float64Array(buf);
    case "int32":
      return new Int32Array(buf);
    case "uint32":
      return new Uint32Array(buf);
  }
}
