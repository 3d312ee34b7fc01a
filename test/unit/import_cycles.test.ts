// The library's modules form no import cycle (src/**/*.ts), and data flows one way: the domain
// modules (network, rsa, connectome, ...) compute what a figure shows and hand it to the figure code
// in src/display, which imports only src/schema, src/core and itself (type imports included). A
// domain object displays itself through src/display/protocol.ts, which imports nothing.
// Type-only imports are erased at compile time, so they do not count as cycles (a class and the
// helper that summarises it may name each other's types); they do count for the display layer.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

/** One relative import of a source file. */
interface ImportEdge {
  specifier: string;
  /** `import type ...`, `export type ...`, or named imports that are all `type X`. */
  typeOnly: boolean;
}

/** Relative imports of a TypeScript source: static, type-only, re-exports, side-effect and dynamic. */
function importsOf(source: string): ImportEdge[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: ImportEdge[] = [];
  for (const m of text.matchAll(
    /\b(import|export)\s+(type\s+)?([^;"'`]*?)\bfrom\s*["']([^"']+)["']/g,
  )) {
    const named = /^\{([^}]*)\}$/.exec(m[3].trim());
    const allTypes =
      named !== null &&
      named[1]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith("type "));
    out.push({ specifier: m[4], typeOnly: m[2] !== undefined || allTypes });
  }
  for (const m of text.matchAll(/\bimport\s*["']([^"']+)["']/g))
    out.push({ specifier: m[1], typeOnly: false });
  for (const m of text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g))
    out.push({ specifier: m[1], typeOnly: false });
  return out.filter((e) => e.specifier.startsWith("."));
}

/** The import graph of `files` (path relative to the root -> source): file -> imported files. */
function importGraph(
  files: ReadonlyMap<string, string>,
  opts: { types: boolean },
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    const deps = importsOf(source)
      .filter((e) => opts.types || !e.typeOnly)
      .map((e) => {
        const target = path.posix
          .normalize(path.posix.join(path.posix.dirname(file), e.specifier))
          .replace(/\.js$/, ".ts");
        if (!files.has(target))
          throw new Error(
            `${file}: import "${e.specifier}" resolves to ${target}, which is not a source file`,
          );
        return target;
      });
    graph.set(file, [...new Set(deps)].sort());
  }
  return graph;
}

/** The cycles a depth-first search meets (one per back edge), each as a path a -> ... -> a. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Imports of files under `layer` that leave the folders in `allowed` (folders of src). */
function layerViolations(
  graph: ReadonlyMap<string, readonly string[]>,
  layer: string,
  allowed: readonly string[],
): string[] {
  const folder = (f: string) => f.split("/")[0];
  const out: string[] = [];
  for (const [file, deps] of graph) {
    if (folder(file) !== layer) continue;
    for (const d of deps) if (!allowed.includes(folder(d))) out.push(`${file} -> ${d}`);
  }
  return out;
}

function sourceFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "dist") continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
        files.set(
          path.relative(root, full).split(path.sep).join("/"),
          fs.readFileSync(full, "utf8"),
        );
    }
  };
  walk(root);
  return files;
}

describe("import structure of src/", () => {
  const fixture = () =>
    new Map([
      ["a/x.ts", 'import { y } from "../b/y.js";\nexport const x = y;'],
      ["b/y.ts", 'import { z, type Z } from "./z.js";\nexport const y: Z = z;'],
      ["b/z.ts", 'export * from "../a/x.js";\nexport type Z = number;\nexport const z = 1;'],
      [
        "c/w.ts",
        '// import { x } from "../a/x.js";\nconst m = import("../b/y.js");\nimport "node:fs";\nimport type { Z } from "../b/z.js";\nimport { type Z as Z2 } from "../b/z.js";',
      ],
    ]);

  it("the cycle finder follows static, re-export and dynamic imports, skips comments, and reports a cycle", () => {
    const files = fixture();
    expect(importGraph(files, { types: false }).get("c/w.ts")).toEqual(["b/y.ts"]);
    expect(importGraph(files, { types: true }).get("c/w.ts")).toEqual(["b/y.ts", "b/z.ts"]);
    expect(importCycles(importGraph(files, { types: false }))).toEqual([
      ["a/x.ts", "b/y.ts", "b/z.ts", "a/x.ts"],
    ]);
    // A type-only back edge is no runtime cycle.
    files.set(
      "b/z.ts",
      'export type { X } from "../a/x.js";\nexport type Z = number;\nexport const z = 1;',
    );
    expect(importCycles(importGraph(files, { types: false }))).toEqual([]);
    expect(importCycles(importGraph(files, { types: true }))).toHaveLength(1);
    expect(() =>
      importGraph(new Map([["a.ts", 'import "./missing.js";']]), { types: false }),
    ).toThrow(/not a source file/);
  });

  it("the layer check names imports that leave the allowed folders, type imports included", () => {
    const graph = importGraph(fixture(), { types: true });
    expect(layerViolations(graph, "c", ["c", "b"])).toEqual([]);
    expect(layerViolations(graph, "b", ["b"])).toEqual(["b/z.ts -> a/x.ts"]);
  });

  it("src/ has no import cycle", () => {
    const files = sourceFiles(SRC);
    expect(files.size).toBeGreaterThan(100);
    expect(importCycles(importGraph(files, { types: false })).map((c) => c.join(" -> "))).toEqual(
      [],
    );
  });

  it("src/display imports only src/schema, src/core and itself; protocol.ts imports nothing", () => {
    const files = sourceFiles(SRC);
    const graph = importGraph(files, { types: true });
    expect(layerViolations(graph, "display", ["display", "schema", "core"])).toEqual([]);
    expect(graph.get("display/protocol.ts")).toEqual([]);
    // src/schema (shared with the widgets) is the bottom layer, src/core sits on it, and both are
    // below every domain module.
    expect(layerViolations(graph, "schema", ["schema"])).toEqual([]);
    expect(layerViolations(graph, "core", ["core", "schema"])).toEqual([]);
  });
});
