#!/usr/bin/env node
/**
 * Installs the `neurolab` kernelspec:
 * `node kernel/dist/install.js [--user | --sys-prefix [--python PY] | --prefix DIR]`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { deflateSync } from "node:zlib";
import { heapCeilingMb } from "./memory.js";

/** The kernelspec name (`jupyter kernelspec list`, `KernelManager(kernel_name=...)`). */
export const KERNEL_NAME = "neurolab";

/** Where to install: `{prefix}`, the `{sysPrefix}` of a Python, or the `{user}` data dir. */
export type InstallTarget =
  { prefix: string } | { sysPrefix: true; python?: string } | { user: true; python?: string };

const DEFAULT_PYTHON = process.platform === "win32" ? "python" : "python3";

function runPython(python: string, code: string): string {
  return execFileSync(python, ["-c", code], { encoding: "utf8" }).trim();
}

/** `jupyter --data-dir` of `python`, or jupyter_core's default when it is not importable. */
function userDataDir(python: string): string {
  try {
    return runPython(
      python,
      "from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())",
    );
  } catch {
    if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
    if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
    if (process.platform === "win32")
      return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
    return path.join(
      process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share"),
      "jupyter",
    );
  }
}

/** The `kernels` directory of `target`. */
function kernelsDir(target: InstallTarget): string {
  if ("prefix" in target) return path.resolve(target.prefix, "share", "jupyter", "kernels");
  const python = target.python ?? DEFAULT_PYTHON;
  if ("sysPrefix" in target)
    return path.join(
      runPython(python, "import sys; print(sys.prefix)"),
      "share",
      "jupyter",
      "kernels",
    );
  return path.join(userDataDir(python), "kernels");
}

/** Options of the kernelspec. */
export interface KernelSpecOptions {
  /**
   * The memory guard's limit, MB (0: off), written as the launcher's `--memory-limit-mb`;
   * default: decided when the kernel starts (half the memory, at most 8 GB).
   * `NEUROLAB_KERNEL_MEMORY_MB` overrides it at start-up.
   */
  memoryLimitMb?: number;
}

/**
 * The kernel.json contents: this Node binary running this package's launcher, with V8's
 * heap ceiling above the memory limit (so the memory guard acts before V8 would abort).
 */
export function kernelJson(options: KernelSpecOptions = {}): object {
  const limit = options.memoryLimitMb;
  return {
    argv: [
      process.execPath,
      `--max-old-space-size=${heapCeilingMb(limit)}`,
      path.join(__dirname, "launcher.js"),
      ...(limit !== undefined ? ["--memory-limit-mb", String(limit)] : []),
      "--config-path",
      "{connection_file}",
    ],
    display_name: "TypeScript (neurolab)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

/** Writes (or overwrites) the kernelspec directory for `target`; returns its path. */
export function installKernelSpec(target: InstallTarget, options: KernelSpecOptions = {}): string {
  const dir = path.join(kernelsDir(target), KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "kernel.json"),
    JSON.stringify(kernelJson(options), null, 2) + "\n",
  );
  for (const size of [32, 64])
    fs.writeFileSync(path.join(dir, `logo-${size}x${size}.png`), logoPng(size));
  return dir;
}

// ---------------------------------------------------------------- logo

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
  return n >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A `size`x`size` RGBA PNG: a spike raster (white ticks) on a rounded navy square. */
export function logoPng(size: number): Buffer {
  const spikes = [
    [0.18, 0.34, 0.41, 0.72],
    [0.25, 0.48, 0.63, 0.8],
    [0.2, 0.37, 0.55, 0.68, 0.84],
    [0.3, 0.45, 0.6, 0.77],
  ];
  const s = size / 64;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const r = 12 * s; // corner radius
      const dx = Math.max(r - x - 0.5, x + 0.5 - (size - r), 0);
      const dy = Math.max(r - y - 0.5, y + 0.5 - (size - r), 0);
      const inside = dx * dx + dy * dy <= r * r;
      const row = Math.floor((y - 10 * s) / (12 * s));
      const inRow = row >= 0 && row < 4 && (y - 10 * s) % (12 * s) < 8 * s;
      const tick =
        inRow && spikes[row].some((f) => Math.abs(x + 0.5 - f * size) <= Math.max(1, 1.5 * s));
      const px = raw.subarray(y * (size * 4 + 1) + 1 + x * 4);
      px.set(tick ? [255, 255, 255, 255] : inside ? [31, 42, 68, 255] : [0, 0, 0, 0]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- CLI

function main(): void {
  const { values } = parseArgs({
    options: {
      prefix: { type: "string" },
      user: { type: "boolean" },
      "sys-prefix": { type: "boolean" },
      python: { type: "string" },
      "memory-limit-mb": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "usage: node install.js [--user | --sys-prefix [--python PY] | --prefix DIR] [--memory-limit-mb MB]  (default: --user)\n" +
        "  --memory-limit-mb MB  interrupt cells once the kernel uses more than MB (0: never; default: half the memory, at most 8192)",
    );
    return;
  }
  const rawLimit = values["memory-limit-mb"];
  const memoryLimitMb = rawLimit === undefined ? undefined : Number(rawLimit);
  if (memoryLimitMb !== undefined && !(Number.isInteger(memoryLimitMb) && memoryLimitMb >= 0)) {
    console.error(
      `--memory-limit-mb: expected a whole number of MB >= 0, got ${JSON.stringify(rawLimit)}`,
    );
    process.exitCode = 2;
    return;
  }
  const target: InstallTarget = values.prefix
    ? { prefix: values.prefix }
    : values["sys-prefix"]
      ? { sysPrefix: true, python: values.python }
      : { user: true, python: values.python };
  const dir = installKernelSpec(target, { memoryLimitMb });
  console.log(`Installed the "${KERNEL_NAME}" kernelspec in ${dir}`);
}

if (require.main === module) main();
