/**
 * Makes `neurolab` and `neurolab-kernel` importable from notebooks in any directory,
 * both at runtime (NODE_PATH) and for tslab's type checker (a virtual
 * `<cwd>/node_modules/<name>` in its TypeScript `sys`), unless the notebook's directory
 * or one of its ancestors has its own copy in `node_modules`.
 */
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";

/** The packages notebooks can always import. */
export const BUNDLED_PACKAGES = ["neurolab", "neurolab-kernel"] as const;

type NodeModulePaths = (from: string) => string[];
const nodeModulePaths: NodeModulePaths = (
  Module as unknown as { _nodeModulePaths: NodeModulePaths }
)._nodeModulePaths;

/** Minimal view of the `ts.sys` methods patched here. */
interface TsSys {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath?(p: string): string;
  getDirectories(p: string): string[];
  readDirectory(p: string, ...rest: unknown[]): string[];
}

/** The `node_modules` directory holding `name` as seen from the kernel package, if any. */
function findNodeModulesDir(name: string): string | undefined {
  const kernelDir = path.dirname(__dirname);
  return nodeModulePaths(kernelDir).find((dir) =>
    fs.existsSync(path.join(dir, name, "package.json")),
  );
}

/** Whether `name` is resolvable from `cwd` through ordinary `node_modules` lookup. */
function locallyInstalled(cwd: string, name: string): boolean {
  return nodeModulePaths(cwd).some((dir) => fs.existsSync(path.join(dir, name, "package.json")));
}

/**
 * Appends the kernel's `node_modules` directories to NODE_PATH (runtime resolution of
 * notebook `require`s, inherited by child processes) and, for packages not installed
 * near `cwd`, maps `<cwd>/node_modules/<name>/**` onto the real package in the `ts.sys`
 * used by tslab's compiler. Must run before tslab's converter is created.
 */
export function exposeBundledPackages(cwd: string): void {
  const dirs = new Set<string>();
  const aliases = new Map<string, string>(); // virtual package dir -> real package dir
  for (const name of BUNDLED_PACKAGES) {
    const dir = findNodeModulesDir(name);
    if (!dir) continue;
    dirs.add(dir);
    if (!locallyInstalled(cwd, name)) {
      const virtual = toPosix(path.join(cwd, "node_modules", name));
      aliases.set(virtual, toPosix(fs.realpathSync(path.join(dir, name))));
    }
  }
  const nodePath = (process.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
  process.env.NODE_PATH = [...new Set([...nodePath, ...dirs])].join(path.delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();

  const tslabRequire = createRequire(require.resolve("tslab/package.json"));
  patchSys(tslabRequire("@tslab/typescript-for-tslab").sys as TsSys, aliases);
}

/** TypeScript spells paths with forward slashes on every platform. */
function toPosix(p: string): string {
  return p.replace(/\\/g, "/");
}

function patchSys(sys: TsSys, aliases: Map<string, string>): void {
  if (aliases.size === 0) return;
  const map = (p: string): string => {
    for (const [virtual, real] of aliases) {
      if ((p === virtual || p.startsWith(virtual + "/")) && !fs.existsSync(virtual)) {
        return real + p.slice(virtual.length);
      }
    }
    return p;
  };
  const orig = { ...sys };
  const { fileExists, directoryExists, readFile, getDirectories, readDirectory } = orig;
  const realpath = orig.realpath?.bind(sys);
  sys.fileExists = (p) => fileExists.call(sys, map(p));
  sys.directoryExists = (p) => directoryExists.call(sys, map(p));
  sys.readFile = (p, encoding) => readFile.call(sys, map(p), encoding);
  sys.getDirectories = (p) => getDirectories.call(sys, map(p));
  sys.readDirectory = (p, ...rest) => readDirectory.call(sys, map(p), ...rest);
  if (realpath) sys.realpath = (p) => realpath(map(p));
}
