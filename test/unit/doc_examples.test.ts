// Every `@example` in the library's TSDoc is code a user will paste into a notebook, so it is
// compiled against the built package's public types (as a user's `import ... from "neurolab"`
// sees them) and executed, one example per test. An example that no longer type-checks or that
// throws fails here, like a doctest.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
// Inside the checkout so that `neurolab` resolves through node_modules as it does for users.
const WORK = path.join(ROOT, ".neurolab", "doc-examples");

/** One fenced example found in a TSDoc comment. */
export interface DocExample {
  /** Source file, relative to the repository root. */
  file: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  /** The example's code (TypeScript). */
  code: string;
  /** Fenced as ```` ```ts no-run ````: type-checked only (it needs a download or a kernel). */
  noRun?: boolean;
}

/** Finds the fenced TypeScript blocks that follow `@example` tags in a source file's comments. */
export function extractExamples(file: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i])) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\s*```/.test(lines[j])) {
      if (/^\s*\*\//.test(lines[j]) || /^\s*\*\s*@\w/.test(lines[j])) break;
      j++;
    }
    if (j >= lines.length || !/^\s*\*\s*```/.test(lines[j])) continue;
    const body: string[] = [];
    let k = j + 1;
    for (; k < lines.length && !/^\s*\*\s*```/.test(lines[k]); k++)
      body.push(lines[k].replace(/^\s*\* ?/, ""));
    const noRun = /\bno-run\b/.test(lines[j]);
    if (k < lines.length)
      out.push({ file, line: i + 1, code: body.join("\n"), ...(noRun ? { noRun } : {}) });
    i = k;
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

const examplesIn = (dir: string) =>
  sourceFiles(path.join(ROOT, dir)).flatMap((f) =>
    extractExamples(path.relative(ROOT, f).split(path.sep).join("/"), fs.readFileSync(f, "utf8")),
  );
// The kernel's examples need a running kernel (display, progress bars, the stop button): they
// are type-checked, not run.
const examples = [
  ...examplesIn("src"),
  ...examplesIn(path.join("kernel", "src")).map((e) => ({ ...e, noRun: true })),
];
const name = (e: DocExample) => `${e.file}:${e.line}`;
const stem = (e: DocExample, i: number) =>
  `ex${String(i).padStart(4, "0")}_${path.basename(e.file, ".ts")}_${e.line}`;

describe("extractExamples", () => {
  test("finds fenced blocks after @example and strips the comment margin", () => {
    const text = [
      "/**",
      " * Adds.",
      " * @example",
      " * ```ts",
      " * const x = 1;",
      " *   x + 1;",
      " * ```",
      " */",
      "export const a = 1;",
    ].join("\n");
    expect(extractExamples("f.ts", text)).toEqual([
      { file: "f.ts", line: 3, code: "const x = 1;\n  x + 1;" },
    ]);
  });
  test("marks a no-run block", () => {
    const text = [
      "/**",
      " * @example",
      " * ```ts no-run",
      " * await download();",
      " * ```",
      " */",
    ].join("\n");
    expect(extractExamples("f.ts", text)).toEqual([
      { file: "f.ts", line: 2, code: "await download();", noRun: true },
    ]);
  });
  test("ignores an @example without a fenced block", () => {
    expect(extractExamples("f.ts", "/**\n * @example\n * foo()\n */")).toEqual([]);
  });
});

describe.skipIf(examples.length === 0)("TSDoc examples", () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const files = examples.map((e, i) => {
    const p = path.join(WORK, `${stem(e, i)}.mts`);
    fs.writeFileSync(p, `${e.code}\nexport {};\n`);
    return p;
  });

  test("type-check against the built package's public types", () => {
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules", "@types")],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const i = d.file ? files.indexOf(d.file.fileName) : -1;
      const where = i >= 0 ? name(examples[i]) : (d.file?.fileName ?? "?");
      const line =
        d.file && d.start !== undefined
          ? d.file.getLineAndCharacterOfPosition(d.start).line + 1
          : 0;
      return `${where} (example line ${line}): ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  // Transpiled to ES modules and run one after another in a single Node process.
  const results = new Map<string, string>();
  const runAll = () => {
    if (results.size > 0) return;
    const run = files.filter((_, i) => !examples[i].noRun);
    files.forEach((p, i) => {
      if (examples[i].noRun) return;
      const js = ts.transpileModule(fs.readFileSync(p, "utf8"), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
      }).outputText;
      fs.writeFileSync(path.join(WORK, `${stem(examples[i], i)}.mjs`), js);
    });
    const runner = [
      "const out = {};",
      `for (const f of ${JSON.stringify(run.map((p) => path.basename(p, ".mts") + ".mjs"))}) {`,
      "  try { await import('./' + f); out[f] = 'ok'; }",
      "  catch (e) { out[f] = String(e && e.stack || e); }",
      "}",
      "process.stdout.write('\\n@@RESULTS@@' + JSON.stringify(out));",
    ].join("\n");
    fs.writeFileSync(path.join(WORK, "run.mjs"), runner);
    const res = spawnSync(process.execPath, [path.join(WORK, "run.mjs")], {
      cwd: WORK,
      encoding: "utf8",
      timeout: 240_000,
      maxBuffer: 64 << 20,
    });
    const marker = res.stdout.lastIndexOf("@@RESULTS@@");
    if (marker < 0) throw new Error(`example runner failed (${res.status}): ${res.stderr}`);
    for (const [k, v] of Object.entries(
      JSON.parse(res.stdout.slice(marker + 11)) as Record<string, string>,
    ))
      results.set(k, v);
  };

  examples.forEach((e, i) => {
    if (e.noRun) return;
    test(`runs ${name(e)}`, () => {
      runAll();
      expect(results.get(`${stem(e, i)}.mjs`)).toBe("ok");
    }, 240_000);
  });
});

/**
 * Public functions and classes of `neurolab` (by namespace: "" for the top level) with and
 * without an `@example`, read from the source through the TypeScript checker.
 */
function exampleCoverage(): Map<string, { documented: string[]; missing: string[] }> {
  const program = ts.createProgram([path.join(ROOT, "src", "index.ts")], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const out = new Map<string, { documented: string[]; missing: string[] }>();
  const visit = (moduleSymbol: ts.Symbol, ns: string) => {
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.declarations?.[0];
      if (!decl) continue;
      if (ts.isSourceFile(decl) || ts.isModuleDeclaration(decl)) {
        visit(symbol, exported.name);
        continue;
      }
      if (!(ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl))) continue;
      if (ts.getJSDocTags(decl).some((t) => t.tagName.text === "internal")) continue;
      const entry = out.get(ns) ?? { documented: [], missing: [] };
      const has = (symbol.declarations ?? []).some((d) =>
        ts.getJSDocTags(d).some((t) => t.tagName.text === "example"),
      );
      (has ? entry.documented : entry.missing).push(exported.name);
      out.set(ns, entry);
    }
  };
  const index = program.getSourceFile(path.join(ROOT, "src", "index.ts"))!;
  visit(checker.getSymbolAtLocation(index)!, "");
  return out;
}

// Namespaces whose every public function and class has an example ("" is the top level of
// `neurolab`); the list only grows.
const COMPLETE = [
  "",
  "rsa",
  "data",
  "encoding",
  "plasticity",
  "connectome",
  "train",
  "reservoir",
  "astrocytes",
  "schema",
];

describe("example coverage", () => {
  const coverage = exampleCoverage();
  test.each(COMPLETE)("every public function and class of %s has an @example", (ns) => {
    const entry = coverage.get(ns);
    expect(entry?.documented.length ?? 0).toBeGreaterThan(0);
    expect(entry?.missing ?? []).toEqual([]);
  });
});
