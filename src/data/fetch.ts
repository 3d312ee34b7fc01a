/**
 * Local copies of pinned data sources: read from a mirror directory, or from a cache directory
 * filled by downloading the pinned URL. Every file is checked against its SHA-256 before use.
 * A download goes to a temporary file beside its destination, is verified, and only then is
 * renamed into place (atomic on one file system), so a partial or corrupt download never
 * replaces a good cached file.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkPositive } from "../core/checks.js";
import type { DataSource } from "./sources.js";

/** Where to look for, and where to put, local copies of data sources. */
export interface DataLocationOptions {
  /**
   * Cache directory for downloads. Default: env `NEUROLAB_CACHE_DIR`, else the user's cache
   * directory + "/neurolab" (see {@link defaultCacheDir}).
   */
  cacheDir?: string;
  /**
   * Mirror directories holding the files at their `source.path` (e.g. a shared `data/` folder),
   * read instead of the cache and never written, searched in order. A string may list several
   * directories separated by `path.delimiter` (":" on POSIX, ";" on Windows), as the
   * environment variable does. Default: env `NEUROLAB_DATA_MIRROR`, if set. `null` disables
   * the mirror even when the variable is set.
   */
  mirrorDir?: string | readonly string[] | null;
  /** Never download: fail if the file is in neither the mirror nor the cache. Default false. */
  offline?: boolean;
  /** Time limit of one download, ms (> 0). Default 120000. */
  timeout_ms?: number;
  /** Environment variables consulted for the defaults. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * A file's content does not match its pinned SHA-256.
 *
 * @example
 * ```ts
 * import { connectome, data } from "neurolab";
 * try {
 *   await connectome.loadConnectome("cook2019");
 * } catch (e) {
 *   if (e instanceof data.DataIntegrityError) console.error(`${e.file}: expected ${e.expected}, got ${e.actual}`);
 *   else throw e;
 * }
 * ```
 */
export class DataIntegrityError extends Error {
  constructor(
    /** The file (or URL) whose content was checked. */
    readonly file: string,
    /** Pinned SHA-256, hex. */
    readonly expected: string,
    /** SHA-256 of the content found, hex. */
    readonly actual: string,
    detail = "",
  ) {
    super(`SHA-256 mismatch for ${file}: expected ${expected}, got ${actual}${detail ? ` (${detail})` : ""}`);
    this.name = "DataIntegrityError";
  }
}

/**
 * A download failed (network error, HTTP status, truncated body) or is not allowed (offline).
 *
 * @example
 * ```ts
 * import { connectome, data } from "neurolab";
 * try {
 *   await connectome.loadConnectome("cook2019", { offline: true });
 * } catch (e) {
 *   if (e instanceof data.DataDownloadError) console.error(e.message); // where it looked, the pinned URL, the hash
 *   else throw e;
 * }
 * ```
 */
export class DataDownloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DataDownloadError";
  }
}

/**
 * The user's cache directory for neurolab: `$XDG_CACHE_HOME/neurolab` or `~/.cache/neurolab`
 * on Linux, `~/Library/Caches/neurolab` on macOS, `%LOCALAPPDATA%\neurolab\Cache` on Windows.
 * `NEUROLAB_CACHE_DIR` overrides all of them.
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.defaultCacheDir(); // $NEUROLAB_CACHE_DIR, else ~/.cache/neurolab (XDG / platform conventions)
 * ```
 */
export function defaultCacheDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.NEUROLAB_CACHE_DIR) return env.NEUROLAB_CACHE_DIR;
  if (platform === "win32") return path.join(env.LOCALAPPDATA || path.join(home, "AppData", "Local"), "neurolab", "Cache");
  if (platform === "darwin") return path.join(home, "Library", "Caches", "neurolab");
  return path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "neurolab");
}

/**
 * SHA-256 of bytes, lower-case hex.
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.sha256Hex(new TextEncoder().encode("abc")); // "ba7816bf..."
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * SHA-256 of a source's content as its `hashOf` defines it (raw bytes or LF-normalised text).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.sourceHash(data.COOK_2019, new TextEncoder().encode("not the file")); // differs from COOK_2019.sha256
 * ```
 */
export function sourceHash(source: DataSource, bytes: Uint8Array): string {
  return createHash(source.digest ?? "sha256").update(source.hashOf === "lf-text" ? toLfText(bytes) : bytes).digest("hex");
}

/**
 * The mirror directories that {@link sourcePath} searches, in order: `opts.mirrorDir` (a list,
 * or one string of directories separated by `path.delimiter`), else env `NEUROLAB_DATA_MIRROR`
 * split the same way; empty entries are dropped.
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.mirrorDirs({ mirrorDir: ["/data/a", "/data/b"] }); // ["/data/a", "/data/b"]
 * data.mirrorDirs(); // from NEUROLAB_DATA_MIRROR (separated by ":")
 * ```
 */
export function mirrorDirs(opts: Pick<DataLocationOptions, "mirrorDir" | "env"> = {}): string[] {
  const given = opts.mirrorDir === undefined ? (opts.env ?? process.env).NEUROLAB_DATA_MIRROR : opts.mirrorDir;
  if (!given) return [];
  const list = typeof given === "string" ? given.split(path.delimiter) : [...given];
  return list.filter((dir) => dir.length > 0);
}

/**
 * Absolute path of a verified local copy of `source`: the copy in the first mirror directory
 * that has the file, else the cached copy if present and intact, else a fresh download into
 * the cache. Throws {@link DataIntegrityError} when a mirror copy or a download has the wrong
 * SHA-256, and {@link DataDownloadError} when a download fails or `offline` forbids it.
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * await data.sourcePath(data.COOK_2019); // a verified local file: mirror, else cache, else downloaded
 * ```
 */
export async function sourcePath(source: DataSource, opts: DataLocationOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const mirrored = mirrorDirs({ mirrorDir: opts.mirrorDir, env }).map((dir) => path.resolve(dir, source.path));
  for (const file of mirrored) {
    const bytes = await readIfExists(file);
    if (bytes) {
      const actual = sourceHash(source, bytes);
      if (actual !== source.sha256) throw new DataIntegrityError(file, source.sha256, actual, "mirror copy");
      return file;
    }
  }
  const cached = path.resolve(opts.cacheDir ?? defaultCacheDir(env), source.path);
  const bytes = await readIfExists(cached);
  if (bytes && sourceHash(source, bytes) === source.sha256) return cached;
  const help = offlineHelp(source, mirrored, cached);
  if (opts.offline) throw new DataDownloadError(`${source.path} is not available offline (offline: true). ${help}`);
  try {
    await download(source, cached, checkPositive(opts.timeout_ms ?? 120_000, "timeout_ms"));
  } catch (e) {
    if (e instanceof DataDownloadError) throw new DataDownloadError(`${e.message}. ${help}`, { cause: e.cause });
    throw e;
  }
  return cached;
}

/**
 * What to do when a file cannot be downloaded: where it was looked for, and the three ways
 * to provide it without the network (a mirror directory through the variable or the option,
 * or the cache folder), with the pinned URL and hash.
 */
function offlineHelp(source: DataSource, mirrored: readonly string[], cached: string): string {
  const searched = [...mirrored.map((file) => `mirror ${file}`), `cache ${cached}`].join(" or ");
  return (
    `Looked in: ${searched}. To work without the network, put the file (SHA-256 ${source.sha256}) at ` +
    `"${source.path}" inside a mirror directory and list that directory in the environment variable ` +
    `NEUROLAB_DATA_MIRROR (several separated by "${path.delimiter}"; \`npm start\` adds ../shared/data when it exists) ` +
    `or pass it as the loader's \`mirrorDir\` option; or copy it to ${cached} (the cache folder, ` +
    `\`cacheDir\` option or NEUROLAB_CACHE_DIR). Pinned URL: ${source.url}`
  );
}

/**
 * Verified content of a source as bytes (see {@link sourcePath}).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * const bytes = await data.readSourceBytes(data.BRAILLE_SPYTORCH, { offline: true }); // never downloads
 * ```
 */
export async function readSourceBytes(source: DataSource, opts: DataLocationOptions = {}): Promise<Uint8Array> {
  return fs.readFile(await sourcePath(source, opts));
}

/**
 * Verified content of a source as UTF-8 text (see {@link sourcePath}).
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * const csv = await data.readSourceText(data.COOK_2019);
 * data.parseDelimited(csv).length;
 * ```
 */
export async function readSourceText(source: DataSource, opts: DataLocationOptions = {}): Promise<string> {
  return fs.readFile(await sourcePath(source, opts), "utf8");
}

/**
 * Downloads `source.url` to `destination`: streams into a unique temporary file in the same
 * directory, checks length and SHA-256, then renames it over `destination`. On any failure
 * the temporary file is removed and `destination` is left as it was.
 */
async function download(source: DataSource, destination: string, timeout_ms: number): Promise<void> {
  await fs.mkdir(path.dirname(destination), { recursive: true });
  const temporary = `${destination}.${process.pid}.${randomBytes(6).toString("hex")}.part`;
  let renamed = false;
  try {
    let response: Response;
    try {
      response = await fetch(source.url, { signal: AbortSignal.timeout(timeout_ms) });
    } catch (e) {
      throw new DataDownloadError(`download of ${source.path} from ${source.url} failed: ${errorText(e)}`, { cause: e });
    }
    if (!response.ok || !response.body) {
      throw new DataDownloadError(`download of ${source.path} from ${source.url} failed: HTTP ${response.status} ${response.statusText}`);
    }
    const declared = Number(response.headers.get("content-length") ?? NaN);
    const hash = createHash(source.digest ?? "sha256");
    const file = await fs.open(temporary, "w");
    let received = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        received += chunk.byteLength;
        await file.write(chunk);
      }
    } catch (e) {
      throw new DataDownloadError(
        `download of ${source.path} from ${source.url} was interrupted after ${received} bytes: ${errorText(e)}`,
        { cause: e },
      );
    } finally {
      await file.close();
    }
    if (Number.isFinite(declared) && received !== declared) {
      throw new DataDownloadError(`download of ${source.path} from ${source.url} is incomplete: got ${received} of ${declared} bytes`);
    }
    let actual = hash.digest("hex");
    if (source.hashOf === "lf-text") {
      const text = toLfText(await fs.readFile(temporary));
      await fs.writeFile(temporary, text);
      actual = sourceHash(source, text);
    }
    if (actual !== source.sha256) {
      throw new DataIntegrityError(source.path, source.sha256, actual, `downloaded from ${source.url}; cached copy left unchanged`);
    }
    await fs.rename(temporary, destination);
    renamed = true;
  } finally {
    if (!renamed) await fs.rm(temporary, { force: true });
  }
}

async function readIfExists(file: string): Promise<Uint8Array | null> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EISDIR") throw new Error(`${file} is a directory, but the data file ${path.basename(file)} was expected there (remove the directory or fix the mirror/cache path)`, { cause: e });
    throw new Error(`cannot read ${file}: ${errorText(e)}`, { cause: e });
  }
}

function toLfText(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8").replace(/\r\n/g, "\n");
  return Buffer.from(text, "utf8");
}

function errorText(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : "";
  return `${e instanceof Error ? e.message : String(e)}${cause}`;
}
