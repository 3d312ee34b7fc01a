// Static fallbacks within the per-widget size budget: the PNG encoder (checked by decoding its
// output with an independent inflate + unfilter and zlib's CRC-32), the budget on large figures
// (a 3 s COBA raster, a 302-neuron activity heatmap, the whole C. elegans connectome, a
// 300-condition RDM), the raster fallback's orientation and rate panel, and the label placement.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 as zlibCrc32, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  activityFigure,
  cobaNetwork,
  connectomeFigure,
  MIME_BUNDLE,
  rdmFigure,
  RasterFigure,
} from "../../src/index.js";
import {
  crc32,
  encodePng,
  PixelCanvas,
  STATIC_FALLBACK_BUDGET_BYTES,
} from "../../src/display/png.js";
import * as rsa from "../../src/rsa/index.js";
import { loadConnectome, NEURON_NAMES, neuronsOnly } from "../../src/connectome/index.js";
import { labelOverlap, placeLabels } from "../../src/schema/index.js";

const MIRROR =
  process.env.NEUROLAB_DATA_MIRROR ??
  fileURLToPath(new URL("../../../shared/data", import.meta.url));
const MIRROR_ONLY = {
  mirrorDir: MIRROR,
  offline: true,
  cacheDir: path.join(os.tmpdir(), "neurolab-test-no-cache"),
} as const;

/** A PNG decoder written from the specification for the test (8-bit indexed / RGBA, no interlace). */
function decodePng(bytes: Uint8Array) {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < bytes.length;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + len);
    expect(view.getUint32(at + 8 + len) >>> 0).toBe(
      zlibCrc32(bytes.subarray(at + 4, at + 8 + len)) >>> 0,
    );
    chunks.push({ type, data });
    at += 12 + len;
  }
  expect(chunks[0].type).toBe("IHDR");
  expect(chunks[chunks.length - 1].type).toBe("IEND");
  const h = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  const colorType = chunks[0].data[9];
  const bpp = colorType === 3 ? 1 : 4;
  const raw = inflateSync(
    Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)),
  );
  const stride = width * bpp;
  const out = new Uint8Array(width * height * bpp);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= bpp ? out[y * stride + i - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= bpp ? out[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      out[y * stride + i] = (x + [0, a, b, (a + b) >> 1, paeth][f]) & 0xff;
    }
  }
  const text = Object.fromEntries(
    chunks.filter((c) => c.type === "tEXt").map((c) => String.fromCharCode(...c.data).split("\0")),
  );
  return {
    width,
    height,
    colorType,
    pixels: out,
    chunks: chunks.map((c) => c.type),
    plte: chunks.find((c) => c.type === "PLTE")?.data,
    text,
  };
}

function pngsIn(svg: string): Uint8Array[] {
  return [...svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map(
    (m) => new Uint8Array(Buffer.from(m[1], "base64")),
  );
}

describe("PNG encoder", () => {
  it("CRC-32 equals zlib's", () => {
    for (const s of ["", "IEND", "The quick brown fox jumps over the lazy dog"]) {
      const b = new TextEncoder().encode(s);
      expect(crc32(b)).toBe(zlibCrc32(b) >>> 0);
    }
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926); // the CRC-32 check value
  });

  it("round-trips RGBA and indexed images bit for bit (every filter type in use)", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const w = 37;
    const h = 23;
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 4; c++)
          rgba[4 * (y * w + x) + c] =
            y < 8 ? (x * 7 + c * 40) & 255 : y < 16 ? Math.floor(rand() * 256) : (x + y) * 3 + c;
    const png = encodePng({
      width: w,
      height: h,
      pixels: rgba,
      text: { Description: "test image" },
    });
    const dec = decodePng(png);
    expect([dec.width, dec.height, dec.colorType]).toEqual([w, h, 6]);
    expect(Array.from(dec.pixels)).toEqual(Array.from(rgba));
    expect(dec.text.Description).toBe("test image");
    const idx = Uint8Array.from({ length: w * h }, (_, k) => k % 3);
    const pal = encodePng({
      width: w,
      height: h,
      pixels: idx,
      palette: [
        [255, 255, 255, 0],
        [255, 0, 0],
        [0, 0, 255],
      ],
    });
    const d2 = decodePng(pal);
    expect(d2.colorType).toBe(3);
    expect(d2.chunks).toEqual(["IHDR", "PLTE", "tRNS", "IDAT", "IEND"]);
    expect(Array.from(d2.pixels)).toEqual(Array.from(idx));
    expect(Array.from(d2.plte!)).toEqual([255, 255, 255, 255, 0, 0, 0, 0, 255]);
  });

  it("rejects bad sizes and indices with a named error", () => {
    expect(() => encodePng({ width: 0, height: 1, pixels: new Uint8Array(0) })).toThrow(/width/);
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(3) })).toThrow(/pixels/);
    expect(() =>
      encodePng({ width: 1, height: 1, pixels: Uint8Array.from([2]), palette: [[0, 0, 0]] }),
    ).toThrow(/palette indices/);
  });

  it("pixel canvas: lines cover both end points, blending is 'source over'", () => {
    const c = new PixelCanvas(10, 10);
    c.line(1, 1, 8, 5, [255, 0, 0]);
    expect(c.pixels[4 * (1 * 10 + 1)]).toBe(255);
    expect(c.pixels[4 * (5 * 10 + 8)]).toBe(255);
    c.fillRect(0, 0, 1, 1, [0, 0, 255], 0.5);
    c.fillRect(0, 0, 1, 1, [0, 0, 255], 0.5);
    expect(Math.abs(c.pixels[3] - 0.75 * 255)).toBeLessThanOrEqual(1); // 8-bit alpha: 0.5 over 0.5 = 0.75
    expect(decodePng(c.toPng()).pixels.length).toBe(400);
  });
});

describe(`static fallbacks stay within ${STATIC_FALLBACK_BUDGET_BYTES} bytes`, () => {
  it("3 s COBA raster (>200k spikes): PNG spikes in the SVG frame, raster oriented as the widget, with its rate panel", () => {
    const { net, spikes } = cobaNetwork({ seed: 1 });
    net.run(3000);
    expect(spikes.count).toBeGreaterThan(200_000);
    const fig = spikes.raster({ title: "COBA" });
    const svg = fig[MIME_BUNDLE]()["image/svg+xml"] as string;
    expect(svg.length).toBeLessThan(STATIC_FALLBACK_BUDGET_BYTES);
    expect(svg).toMatch(
      /role="img"><title>Spike raster &#34;COBA&#34;: \d+ spikes of 4000 neurons/,
    );
    const [png] = pngsIn(svg);
    const img = decodePng(png);
    expect(img.colorType).toBe(3);
    // exc (rows 0-3199) is drawn in the lower 80 % of the image, inh above it: neuron 0 at the bottom, as in the widget.
    const colorAt = (row: number) => {
      const counts = new Map<number, number>();
      for (let x = 0; x < img.width; x++) {
        const v = img.pixels[row * img.width + x];
        if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      return [...counts].sort((a, b) => b[1] - a[1])[0][0];
    };
    expect(colorAt(img.height - 3)).toBe(1);
    expect(colorAt(5)).toBe(2);
    expect(svg).toContain(">rate (Hz)<");
    expect((svg.match(/<polyline/g) ?? []).length).toBe(2); // one rate line per population
  }, 60_000);

  it("small rasters stay vector, with names on the axis", () => {
    const fig = new RasterFigure({
      title: "worm",
      tStart_ms: 0,
      tStop_ms: 100,
      nNeurons: 3,
      populations: [{ name: "neurons", start: 0, size: 3 }],
      times_ms: Float32Array.from([1, 2, 3]),
      neurons: Uint32Array.from([0, 1, 2]),
      neuronNames: ["AVAL", "AVAR", "PVCL"],
    });
    const svg = fig.toSvg();
    expect(pngsIn(svg)).toHaveLength(0);
    for (const n of ["AVAL", "AVAR", "PVCL"]) expect(svg).toContain(`>${n}</text>`);
    // AVAL (row 0) is drawn below PVCL (row 2).
    const yOf = (n: string) => Number(new RegExp(`y="([\\d.]+)"[^>]*>${n}<`).exec(svg)![1]);
    expect(yOf("AVAL")).toBeGreaterThan(yOf("PVCL"));
  });

  it("activity heatmap of 302 neurons x 3000 samples: a PNG heatmap, readable labels", () => {
    const n = 302;
    const T = 3000;
    const data = new Float64Array(n * T).map(
      (_, k) => Math.sin(k * 0.001) + ((k * 2654435761) % 1000) / 1000,
    );
    const fig = activityFigure(
      { data, nNeurons: n, nTimes: T, dt_s: 1 / 3, labels: NEURON_NAMES.slice(0, n) },
      { quantity: "dF/F" },
    );
    const svg = fig.toSvg();
    expect(svg.length).toBeLessThan(STATIC_FALLBACK_BUDGET_BYTES);
    expect(pngsIn(svg)).toHaveLength(1);
    const sizes = [...svg.matchAll(/text-anchor="end" font-size="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(sizes.length).toBeGreaterThan(20);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it("RDM figure of 300 conditions: heatmap as PNG", () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      Array.from({ length: 5 }, (_, j) => Math.sin(i * 0.37 + j) + Math.cos(i * j)),
    );
    const svg = rdmFigure(rsa.calcRdm(rsa.makeDataset(rows)), { mds: false }).toSvg();
    expect(svg.length).toBeLessThan(STATIC_FALLBACK_BUDGET_BYTES);
  });

  it("the whole C. elegans connectome (Cook 2019)", async () => {
    const c = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const svg = connectomeFigure(c).toSvg();
    expect(svg.length).toBeLessThan(STATIC_FALLBACK_BUDGET_BYTES);
    // Edges within a layer (e.g. AVAL -> AVAR, both interneurons) are arcs.
    expect(svg).toMatch(/Q[\d.]+ [\d.]+ [\d.]+ [\d.]+/);
  }, 60_000);
});

describe("label placement", () => {
  it("separates the labels of clustered points better than one fixed position", () => {
    const x = [100, 104, 108, 100, 200, 203];
    const y = [100, 101, 99, 108, 50, 52];
    const labels = ["face 1", "face 2", "face 3", "face 4", "tool 1", "tool 2"];
    const placed = placeLabels(x, y, labels, 10, 4);
    const fixed = placeLabels(
      x.map((v, i) => v + 1e4 * i),
      y,
      labels,
      10,
      4,
    ).map((p, i) => ({
      ...p,
      box: [x[i] - 18, y[i] - 16, x[i] + 18, y[i] - 6] as [number, number, number, number],
    }));
    expect(labelOverlap(placed)).toBeLessThan(0.25 * labelOverlap(fixed));
  });
});
