import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DataDownloadError,
  DataIntegrityError,
  defaultCacheDir,
  mirrorDirs,
  readSourceText,
  sourcePath,
  type DataSource,
} from "../../src/data/index.js";
import { parseDelimited } from "../../src/data/csv.js";

const GOOD = "a,b\n1,2\n3,4\n";
const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

let server: http.Server;
let base = "";
const hits: Record<string, number> = {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? "";
    hits[url] = (hits[url] ?? 0) + 1;
    if (url === "/good.csv") {
      res.writeHead(200, { "content-length": Buffer.byteLength(GOOD) });
      res.end(GOOD);
    } else if (url === "/crlf.csv") {
      const body = GOOD.replace(/\n/g, "\r\n");
      res.writeHead(200, { "content-length": Buffer.byteLength(body) });
      res.end(body);
    } else if (url === "/corrupt.csv") {
      const body = GOOD.replace("3,4", "3,5");
      res.writeHead(200, { "content-length": Buffer.byteLength(body) });
      res.end(body);
    } else if (url === "/partial.csv") {
      res.writeHead(200, { "content-length": 10_000 });
      res.write(GOOD);
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let cacheDir = "";
const temporaryDirs: string[] = [];
async function temporaryDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}
beforeEach(async () => {
  cacheDir = await temporaryDir("neurolab-cache-");
});
afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

function source(file: string, content = GOOD, extra: Partial<DataSource> = {}): DataSource {
  return {
    id: "test",
    path: "test/data.csv",
    url: `${base}/${file}`,
    sha256: sha(content),
    description: "test file",
    citation: "none",
    license: "none",
    ...extra,
  };
}

/** Options that never look at the environment's mirror. */
const here = () => ({ cacheDir, mirrorDir: null, env: {} });

async function leftovers(): Promise<string[]> {
  const dir = path.join(cacheDir, "test");
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".part"));
}

describe("sourcePath: download into the cache", () => {
  it("downloads, verifies and caches; the second read does not download again", async () => {
    const src = source("good.csv");
    const before = hits["/good.csv"] ?? 0;
    const file = await sourcePath(src, here());
    expect(file).toBe(path.join(cacheDir, "test/data.csv"));
    expect(await fs.readFile(file, "utf8")).toBe(GOOD);
    expect(await readSourceText(src, here())).toBe(GOOD);
    expect(hits["/good.csv"] - before).toBe(1);
    expect(await leftovers()).toEqual([]);
  });

  it("rejects a wrong hash with the file, expected and actual hash, and keeps the cached file", async () => {
    const dest = path.join(cacheDir, "test/data.csv");
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.writeFile(dest, "stale content");
    const src = source("corrupt.csv");
    const actual = sha(GOOD.replace("3,4", "3,5"));
    const err = await sourcePath(src, here()).catch((e) => e);
    expect(err).toBeInstanceOf(DataIntegrityError);
    expect(err.message).toContain("test/data.csv");
    expect(err.message).toContain(`expected ${src.sha256}`);
    expect(err.message).toContain(`got ${actual}`);
    expect(err.actual).toBe(actual);
    expect(await fs.readFile(dest, "utf8")).toBe("stale content");
    expect(await leftovers()).toEqual([]);
  });

  it("rejects an interrupted download and leaves no file behind", async () => {
    const err = await sourcePath(source("partial.csv"), here()).catch((e) => e);
    expect(err).toBeInstanceOf(DataDownloadError);
    expect(err.message).toContain("test/data.csv");
    expect(err.message).toMatch(/interrupted|incomplete/);
    await expect(fs.access(path.join(cacheDir, "test/data.csv"))).rejects.toThrow();
    expect(await leftovers()).toEqual([]);
  });

  it("uses an intact cached file without contacting the server", async () => {
    const dest = path.join(cacheDir, "test/data.csv");
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.writeFile(dest, GOOD);
    const src = source("partial.csv", GOOD); // would fail if it were downloaded
    const before = hits["/partial.csv"] ?? 0;
    expect(await sourcePath(src, here())).toBe(dest);
    expect(hits["/partial.csv"] ?? 0).toBe(before);
  });

  it("reports HTTP errors and refuses to download when offline", async () => {
    const err = await sourcePath(source("missing.csv"), here()).catch((e) => e);
    expect(err).toBeInstanceOf(DataDownloadError);
    expect(err.message).toContain("HTTP 404");
    const off = await sourcePath(source("good.csv"), { ...here(), offline: true }).catch((e) => e);
    expect(off).toBeInstanceOf(DataDownloadError);
    expect(off.message).toContain("not available offline");
  });

  it("says how to work offline when a download fails or is not allowed", async () => {
    // A closed port: the same "fetch failed" a machine without network gives.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const mirror = await temporaryDir("neurolab-mirror-");
    const src = { ...source("good.csv"), url: `http://127.0.0.1:${port}/good.csv` };
    const failed = await sourcePath(src, { cacheDir, mirrorDir: mirror }).catch((e) => e);
    const off = await sourcePath(src, { cacheDir, mirrorDir: mirror, offline: true }).catch(
      (e) => e,
    );
    for (const err of [failed, off]) {
      expect(err).toBeInstanceOf(DataDownloadError);
      expect(err.message).toContain("NEUROLAB_DATA_MIRROR");
      expect(err.message).toContain("`mirrorDir` option");
      expect(err.message).toContain(`mirror ${path.join(mirror, "test/data.csv")}`);
      expect(err.message).toContain(
        `copy it to ${path.join(cacheDir, "test/data.csv")} (the cache folder`,
      );
      expect(err.message).toContain(`Pinned URL: ${src.url}`);
      expect(err.message).toContain(src.sha256);
    }
    expect(failed.message).toMatch(/^download of test\/data.csv from .* failed: fetch failed/);
    expect(off.message).toMatch(/^test\/data.csv is not available offline \(offline: true\)/);
  });

  it("verifies 'lf-text' sources on LF-normalised text and caches them with LF endings", async () => {
    const src = source("crlf.csv", GOOD, { hashOf: "lf-text" });
    const file = await sourcePath(src, here());
    expect(await fs.readFile(file, "utf8")).toBe(GOOD);
  });
});

describe("sourcePath: mirror directory", () => {
  it("reads the mirror's copy, verifies it, and falls back to the cache when absent", async () => {
    const mirror = await temporaryDir("neurolab-mirror-");
    await fs.mkdir(path.join(mirror, "test"));
    await fs.writeFile(path.join(mirror, "test/data.csv"), GOOD);
    const src = source("missing.csv"); // a download would fail
    expect(await sourcePath(src, { cacheDir, mirrorDir: mirror })).toBe(
      path.join(mirror, "test/data.csv"),
    );
    // the environment variable is honoured when no option is given
    expect(await sourcePath(src, { cacheDir, env: { NEUROLAB_DATA_MIRROR: mirror } })).toBe(
      path.join(mirror, "test/data.csv"),
    );

    await fs.writeFile(path.join(mirror, "test/data.csv"), "tampered");
    const err = await sourcePath(src, { cacheDir, mirrorDir: mirror }).catch((e) => e);
    expect(err).toBeInstanceOf(DataIntegrityError);
    expect(err.message).toContain(path.join(mirror, "test/data.csv"));
    expect(err.message).toContain(`expected ${src.sha256}, got ${sha("tampered")}`);

    const empty = await temporaryDir("neurolab-mirror-");
    expect(await sourcePath(source("good.csv"), { cacheDir, mirrorDir: empty })).toBe(
      path.join(cacheDir, "test/data.csv"),
    );
  });

  it("searches several mirror directories in order (a list, or joined by path.delimiter as in the variable)", async () => {
    const first = await temporaryDir("neurolab-mirror-");
    const second = await temporaryDir("neurolab-mirror-");
    await fs.mkdir(path.join(second, "test"));
    await fs.writeFile(path.join(second, "test/data.csv"), GOOD);
    const src = source("missing.csv"); // a download would fail
    const inSecond = path.join(second, "test/data.csv");
    expect(await sourcePath(src, { cacheDir, mirrorDir: [first, second] })).toBe(inSecond);
    const joined = [first, "", second].join(path.delimiter);
    expect(mirrorDirs({ mirrorDir: joined })).toEqual([first, second]);
    expect(mirrorDirs({ env: { NEUROLAB_DATA_MIRROR: joined } })).toEqual([first, second]);
    expect(mirrorDirs({ mirrorDir: null, env: { NEUROLAB_DATA_MIRROR: joined } })).toEqual([]);
    expect(await sourcePath(src, { cacheDir, env: { NEUROLAB_DATA_MIRROR: joined } })).toBe(
      inSecond,
    );

    // the first directory that has the file wins, and a bad copy there is an error, not skipped
    await fs.mkdir(path.join(first, "test"));
    await fs.writeFile(path.join(first, "test/data.csv"), "tampered");
    const err = await sourcePath(src, { cacheDir, mirrorDir: joined }).catch((e) => e);
    expect(err).toBeInstanceOf(DataIntegrityError);
    expect(err.message).toContain(path.join(first, "test/data.csv"));

    // offline and nowhere: the error names every place searched
    const off = await sourcePath(source("missing.csv", "other content"), {
      cacheDir,
      mirrorDir: [second, first],
      offline: true,
    }).catch((e) => e);
    expect(off).toBeInstanceOf(DataIntegrityError); // second's copy has other bytes than this source pins
    const nowhere = { ...source("missing.csv"), path: "test/absent.csv" };
    const none = await sourcePath(nowhere, {
      cacheDir,
      mirrorDir: [first, second],
      offline: true,
    }).catch((e) => e);
    expect(none).toBeInstanceOf(DataDownloadError);
    expect(none.message).toContain(
      `mirror ${path.join(first, "test/absent.csv")} or mirror ${path.join(second, "test/absent.csv")} or cache`,
    );
  });
});

describe("defaultCacheDir", () => {
  it("follows NEUROLAB_CACHE_DIR, XDG_CACHE_HOME and the platform conventions", () => {
    expect(defaultCacheDir({ NEUROLAB_CACHE_DIR: "/c" }, "linux", "/h")).toBe("/c");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" }, "linux", "/h")).toBe(
      path.join("/x", "neurolab"),
    );
    expect(defaultCacheDir({}, "linux", "/h")).toBe(path.join("/h", ".cache", "neurolab"));
    expect(defaultCacheDir({}, "darwin", "/h")).toBe(
      path.join("/h", "Library", "Caches", "neurolab"),
    );
  });
});

describe("parseDelimited", () => {
  it("handles quotes, doubled quotes, CRLF and a missing final newline", () => {
    expect(parseDelimited('a,"b, c","say ""hi"""\r\n1,,3')).toEqual([
      ["a", "b, c", 'say "hi"'],
      ["1", "", "3"],
    ]);
    expect(parseDelimited("x\ty\n", "\t")).toEqual([["x", "y"]]);
  });
});
