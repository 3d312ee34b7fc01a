/**
 * Spiking Heidelberg Digits loader on small HDF5 files that h5py writes in the SHD layout
 * (test/reference/shd_write.py, peers' Python): values read back exactly (float16 times),
 * download (local server) -> MD5 check -> cache -> decompress, the mirror path, and clear errors
 * for malformed files. The real SHD files are never needed (nor reachable) here.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DataIntegrityError,
  SHD_TEST,
  SHD_TRAIN,
  type DataSource,
  halfToNumber,
  loadShd,
  readShdFile,
  shdSampleCounts,
} from "../../src/data/index.js";
import { Rng } from "../../src/random/rng.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const SCRIPT = path.join(__dirname, "..", "reference", "shd_write.py");

const rng = new Rng(2019);
const samples = Array.from({ length: 5 }, (_, k) => {
  const n = k === 2 ? 0 : 5 + rng.int(40);
  const pairs = Array.from({ length: n }, () => [rng.uniform() * 1.3, rng.int(700)] as const).sort(
    (a, b) => a[0] - b[0],
  );
  return {
    times: pairs.map((p) => p[0]),
    units: pairs.map((p) => p[1]),
    label: k * 4 + 1,
    speaker: k % 3,
  };
});
samples[0].units[0] = 699;

let dir = "";
let rounded: number[][] = [];
let gz: Buffer;
let server: http.Server;
let base = "";

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "shd-"));
  const spec = path.join(dir, "spec.json");
  await fs.writeFile(spec, JSON.stringify({ samples }));
  rounded = JSON.parse(
    execFileSync(peersPython(), [SCRIPT, dir, spec], { encoding: "utf8", timeout: 120_000 }),
  ).times_s;
  gz = gzipSync(await fs.readFile(path.join(dir, "shd.h5")));
  server = http.createServer((req, res) => {
    if (req.url === "/shd_train.h5.gz") {
      res.writeHead(200, { "content-length": gz.length });
      res.end(gz);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await fs.rm(dir, { recursive: true, force: true });
});

function expectSamples(data: Awaited<ReturnType<typeof readShdFile>>) {
  expect(data.nSamples).toBe(5);
  expect(data.nChannels).toBe(700);
  expect(Array.from(data.labels)).toEqual(samples.map((s) => s.label));
  expect(Array.from(data.speakers!)).toEqual(samples.map((s) => s.speaker));
  expect(data.classNames).toEqual(Array.from({ length: 20 }, (_, i) => `digit-${i}`));
  samples.forEach((s, k) => {
    const a = data.offsets[k];
    const b = data.offsets[k + 1];
    expect(b - a).toBe(s.times.length);
    expect(Array.from(data.units.subarray(a, b))).toEqual(s.units);
    // float16 seconds (as h5py rounded them) x 1000, stored as float32
    expect(Array.from(data.times_ms.subarray(a, b))).toEqual(
      rounded[k].map((t) => Math.fround(t * 1000)),
    );
  });
}

describe("SHD loader", () => {
  it("reads an h5py-written file in the SHD layout, float16 times exactly", async () => {
    expectSamples(await readShdFile(path.join(dir, "shd.h5")));
  });

  it("downloads, checks the MD5, caches, decompresses and reads; a second load uses the cache", async () => {
    const md5 = createHash("md5").update(gz).digest("hex");
    const source: DataSource = { ...SHD_TRAIN, url: `${base}/shd_train.h5.gz`, sha256: md5 };
    const cacheDir = path.join(dir, "cache");
    expectSamples(await loadShd("train", { source, cacheDir, mirrorDir: null }));
    expect((await fs.stat(path.join(cacheDir, "spiking", "shd_train.h5"))).size).toBeGreaterThan(0);
    expectSamples(await loadShd("train", { source, cacheDir, mirrorDir: null, offline: true }));
    // a wrong MD5: the download is rejected and the cache left as it was
    const bad: DataSource = { ...source, sha256: "0".repeat(32), path: "spiking/other.h5.gz" };
    await expect(
      loadShd("train", { source: bad, cacheDir, mirrorDir: null }),
    ).rejects.toBeInstanceOf(DataIntegrityError);
    await expect(fs.access(path.join(cacheDir, "spiking", "other.h5.gz"))).rejects.toThrow();
  });

  it("reads from a mirror (never written), decompressing into the cache", async () => {
    const mirror = path.join(dir, "mirror");
    await fs.mkdir(path.join(mirror, "spiking"), { recursive: true });
    await fs.writeFile(path.join(mirror, "spiking", "shd_test.h5.gz"), gz);
    const source: DataSource = {
      ...SHD_TEST,
      url: "http://127.0.0.1:9/unreachable",
      sha256: createHash("md5").update(gz).digest("hex"),
    };
    const cacheDir = path.join(dir, "cache2");
    expectSamples(await loadShd("test", { source, cacheDir, mirrorDir: mirror, offline: true }));
    expect(await fs.readdir(path.join(mirror, "spiking"))).toEqual(["shd_test.h5.gz"]);
    // the pinned sources: MD5s of the distributed files (shared data README), .gz paths
    expect(SHD_TRAIN.digest).toBe("md5");
    expect(SHD_TRAIN.sha256).toBe("d47c9825dee33347913e8ce0f2be08b0");
    expect(SHD_TEST.sha256).toBe("3062a80ec0c5719404d5b02e166543b1");
    await expect(loadShd("valid" as never)).rejects.toThrow(/split/);
  });

  it("bins a sample into a time-major count matrix", async () => {
    const data = await readShdFile(path.join(dir, "shd.h5"));
    const counts = shdSampleCounts(data, 0, { nSteps: 100, maxTime_ms: 1400 });
    expect(counts.length).toBe(100 * 700);
    let total = 0;
    for (const c of counts) total += c;
    expect(total).toBe(rounded[0].filter((t) => t * 1000 < 1400).length);
    const j = data.offsets[0];
    expect(counts[Math.floor(data.times_ms[j] / 14) * 700 + data.units[j]]).toBeGreaterThanOrEqual(
      1,
    );
    expect(() => shdSampleCounts(data, 5, { nSteps: 10, maxTime_ms: 1000 })).toThrow(
      /k must be an integer in \[0, 4\]/,
    );
  });

  it("malformed files give clear errors naming the file and the problem", async () => {
    await expect(readShdFile(path.join(dir, "missing.h5"))).rejects.toThrow(/does not exist/);
    await fs.writeFile(path.join(dir, "text.h5"), "not hdf5");
    await expect(readShdFile(path.join(dir, "text.h5"))).rejects.toThrow(
      /text\.h5 is not a readable HDF5 file/,
    );
    await expect(readShdFile(path.join(dir, "no_labels.h5"))).rejects.toThrow(
      /no_labels\.h5 is not in the SHD layout: dataset "labels" is missing/,
    );
    await expect(readShdFile(path.join(dir, "length_mismatch.h5"))).rejects.toThrow(
      /sample 1 has \d+ spike times but \d+ units/,
    );
    await expect(readShdFile(path.join(dir, "fixed_times.h5"))).rejects.toThrow(
      /spikes\/times must be a 1-d dataset of variable-length arrays/,
    );
    await expect(readShdFile(path.join(dir, "count_mismatch.h5"))).rejects.toThrow(
      /must have one entry per sample/,
    );
  });

  it("decodes IEEE binary16 exactly", () => {
    expect(
      [0x0000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0x3555].map(halfToNumber),
    ).toEqual([0, 1, -2, 65504, 2 ** -24, 2 ** -14, Infinity, 0.333251953125]);
    expect(halfToNumber(0x7e00)).toBeNaN();
  });
});
