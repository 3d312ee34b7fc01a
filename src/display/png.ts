/**
 * A small PNG encoder and pixel canvas for the static fallbacks, so that figures whose vector
 * SVG would exceed {@link STATIC_FALLBACK_BUDGET_BYTES} carry their dense part (spikes, heatmap
 * cells, edges) as a compact bitmap instead.
 *
 * Format: PNG (ISO/IEC 15948:2004, W3C PNG 2nd edition): signature, IHDR, optional PLTE/tRNS,
 * one IDAT with the zlib stream (RFC 1950, deflate from `node:zlib`) of the filtered scanlines,
 * IEND; every chunk ends with the CRC-32 (ISO 3309 / ITU-T V.42 polynomial 0xEDB88320, reflected)
 * of its type and data. Filter per row: the one of None/Sub/Up/Average/Paeth with the smallest
 * sum of absolute signed bytes (the minimum-sum-of-absolute-differences heuristic the PNG
 * specification recommends, section 12.8).
 */
import { deflateSync } from "node:zlib";
import { describeValue } from "../core/describe.js";

/**
 * The size budget of one widget's static fallback (the SVG stored beside the widget payload),
 * bytes. Above it, the dense part of the figure is drawn as a PNG bitmap inside the SVG frame.
 */
export const STATIC_FALLBACK_BUDGET_BYTES = 256 * 1024;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the PNG / zlib / gzip checksum) of `bytes`, continuing from `crc` (default 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filtered scanlines: each row is a filter byte followed by the filtered row. */
function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    let best = 0;
    let bestSum = Infinity;
    for (let f = 0; f < 5; f++) {
      if (prev === null && (f === 2 || f === 4)) continue; // Up / Paeth equal Sub / None on row 0
      const c = candidates[f];
      let sum = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        const cc = prev && i >= bpp ? prev[i - bpp] : 0;
        const predictor =
          f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, cc);
        const v = (row[i] - predictor) & 0xff;
        c[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
      }
    }
    out[y * (stride + 1)] = best;
    out.set(candidates[best], y * (stride + 1) + 1);
  }
  return out;
}

/** Options of {@link encodePng}. */
export interface PngImage {
  width: number;
  height: number;
  /**
   * Pixels, row-major from the top: palette indices (1 byte each) when `palette` is given,
   * else RGBA (4 bytes each).
   */
  pixels: Uint8Array;
  /** Up to 256 colours `[r, g, b]` or `[r, g, b, a]` (0-255) of an indexed image. */
  palette?: readonly (readonly number[])[];
  /** Text chunks (tEXt, Latin-1 keyword -> text), e.g. { Description: "..." }. */
  text?: Record<string, string>;
}

/** Encodes an 8-bit indexed or RGBA image as PNG bytes. */
export function encodePng(img: PngImage): Uint8Array {
  const { width, height, pixels, palette } = img;
  if (!(Number.isInteger(width) && width >= 1 && width <= 16384))
    throw new RangeError(`width must be an integer in [1, 16384], got ${width}`);
  if (!(Number.isInteger(height) && height >= 1 && height <= 16384))
    throw new RangeError(`height must be an integer in [1, 16384], got ${height}`);
  const bpp = palette ? 1 : 4;
  if (pixels.length !== width * height * bpp)
    throw new RangeError(
      `pixels must hold width x height x ${bpp} = ${width * height * bpp} bytes, got ${pixels.length}`,
    );
  if (palette && !(palette.length >= 1 && palette.length <= 256))
    throw new RangeError(`palette must have 1 to 256 colours, got ${palette.length}`);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = palette ? 3 : 6; // colour type: indexed or RGBA
  // compression 0 (deflate), filter method 0 (adaptive), interlace 0 (none)
  const parts: Uint8Array[] = [
    Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
  ];
  for (const [key, text] of Object.entries(img.text ?? {})) {
    const latin = `${key}\0${text}`.replace(/[^\x20-\x7e\n\0]/g, "?");
    parts.push(
      chunk(
        "tEXt",
        Uint8Array.from(latin, (ch) => ch.charCodeAt(0)),
      ),
    );
  }
  if (palette) {
    for (const p of pixels)
      if (p >= palette.length)
        throw new RangeError(`pixels must be palette indices below ${palette.length}, got ${p}`);
    parts.push(chunk("PLTE", Uint8Array.from(palette.flatMap((c) => [c[0], c[1], c[2]]))));
    if (palette.some((c) => (c[3] ?? 255) !== 255))
      parts.push(chunk("tRNS", Uint8Array.from(palette.map((c) => c[3] ?? 255))));
  }
  parts.push(chunk("IDAT", deflateSync(filterRows(pixels, width, height, bpp), { level: 9 })));
  parts.push(chunk("IEND", new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `#rrggbb` -> [r, g, b]. */
export function hexRgb(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) throw new RangeError(`color must be #rrggbb, got ${describeValue(color)}`);
  return [0, 2, 4].map((k) => parseInt(m[1].slice(k, k + 2), 16)) as [number, number, number];
}

/**
 * An RGBA canvas (straight alpha, row 0 at the top) with the few primitives the static figures
 * need: filled rectangles and anti-aliased-free lines with alpha blending ("source over").
 */
export class PixelCanvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 4);
  }

  /** Blends colour `rgb` with opacity `alpha` (0-1) into pixel (x, y) (ignored outside). */
  blend(x: number, y: number, rgb: readonly number[], alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const k = 4 * (y * this.width + x);
    const p = this.pixels;
    const da = p[k + 3] / 255;
    const oa = alpha + da * (1 - alpha);
    if (oa <= 0) return;
    for (let c = 0; c < 3; c++)
      p[k + c] = Math.round((rgb[c] * alpha + p[k + c] * da * (1 - alpha)) / oa);
    p[k + 3] = Math.round(oa * 255);
  }

  /** Fills the pixel rectangle [x0, x1) x [y0, y1) (clipped). */
  fillRect(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    rgb: readonly number[],
    alpha = 1,
  ): void {
    const xa = Math.max(0, Math.floor(x0));
    const xb = Math.min(this.width, Math.ceil(x1));
    const ya = Math.max(0, Math.floor(y0));
    const yb = Math.min(this.height, Math.ceil(y1));
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) this.blend(x, y, rgb, alpha);
  }

  /** A one-pixel line from (x0, y0) to (x1, y1) (Bresenham; each pixel blended once). */
  line(x0: number, y0: number, x1: number, y1: number, rgb: readonly number[], alpha = 1): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (let guard = 0; guard < 1 << 16; guard++) {
      this.blend(x, y, rgb, alpha);
      if (x === xe && y === ye) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** The canvas as PNG bytes. */
  toPng(text?: Record<string, string>): Uint8Array {
    return encodePng({ width: this.width, height: this.height, pixels: this.pixels, text });
  }
}

/**
 * An SVG `<image>` element showing PNG bytes stretched over (x, y, width, height), pixels kept
 * sharp; the data travels as a base64 data URI inside the SVG.
 */
export function svgPngImage(
  png: Uint8Array,
  x: number,
  y: number,
  width: number,
  height: number,
): string {
  const b64 = Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64");
  return `<image x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${b64}"/>`;
}
