/**
 * How cells are compiled: tslab's converter behind a wrapper that owns the declarations
 * later cells are type-checked against (tslab's executor keeps them only when a cell
 * succeeds), so that
 *
 * - names a cell assigned before it threw or was interrupted stay usable, as in Python
 *   (`const coba = ...; await coba.net.runAsync(...)`, stop, then `coba.net.t_ms`): the
 *   declarations of the failed cell are kept for the names it reached, dropped for the others;
 * - a cell can run despite type errors (`%%nocheck` first line, or `typeCheck("warn")`): each
 *   line with an error gets a `// @ts-ignore` and the errors are shown as a warning;
 * - the diagnostics keep their spans, for compact messages with the source line.
 *
 * Which names a cell reached is observed at run time: tslab runs a cell as
 * `(function (exports, require) { ... })(__tslab__.exports, __tslab__.require)`, whose compiled
 * code first resets every name the cell declares (`exports.a = exports.b = void 0;`) and then
 * assigns each one where its declaration runs. A proxy over `__tslab__.exports` counts the
 * assignments: a name assigned again after the reset (or to a defined value) was reached.
 */
import { createRequire } from "node:module";
import type * as TS from "typescript";
import type { Converter } from "tslab/dist/converter";
import type { ConverterSet } from "tslab/dist/executor";
import { createConverter } from "tslab/dist/converter";

const ts: typeof TS = createRequire(require.resolve("tslab/package.json"))(
  "@tslab/typescript-for-tslab",
);

/** A diagnostic of tslab's converter (0-based line and character in the cell). */
export interface CellDiagnostic {
  start: { offset: number; line: number; character: number };
  end: { offset: number; line: number; character: number };
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

/** The first-line cell magic that runs a cell despite type errors. */
export const NOCHECK_MAGIC = "%%nocheck";
const NOCHECK_LINE = /^(\s*)(\/\/\s*)?%%nocheck[ \t]*(?=\r?\n|$)/;

/**
 * If `code` starts with the `%%nocheck` magic, the code with that line turned into a comment
 * (so line numbers stay) and true; else `code` and false.
 */
export function stripNocheckMagic(code: string): { code: string; nocheck: boolean } {
  const m = NOCHECK_LINE.exec(code);
  if (!m) return { code, nocheck: false };
  return { code: m[2] ? code : m[1] + "//" + code.slice(m[1].length), nocheck: true };
}

type Convert = Converter["convert"];
type Converted = ReturnType<Convert>;

/** The wrapper around tslab's node converter; see the module comment. */
export class CellCompiler {
  /** Declarations of every earlier cell (a .d.ts text), given to the converter. */
  private decl = "";
  private pending: { declOutput: string; names: string[] } | undefined;
  /** The notebook's variables (what cells read) and tslab's copy of them (see trackAssignments). */
  private store: Record<string | symbol, unknown> = {};
  private tslabExports: Record<string | symbol, unknown> = {};
  /** Assignments to each name in the running cell (see the module comment). */
  private assigned = new Map<string, { count: number; defined: boolean }>();
  /** The compiled JavaScript of the last converted cell. */
  compiled = "";
  /** Diagnostics that stopped the last cell. */
  diagnostics: CellDiagnostic[] = [];
  /** Type errors ignored in the last cell (run with `%%nocheck` / "warn"). */
  ignored: CellDiagnostic[] = [];
  /** Whether the next cell runs despite type errors. */
  nocheck = false;
  readonly converters: ConverterSet;

  constructor() {
    const node = createConverter({ isJS: false, isBrowser: false });
    const { convert, inspect, complete } = node;
    // tslab's executor passes its own declarations (those of the last successful cell); ours
    // also hold what failed cells reached.
    node.convert = (_prevDecl, src) => this.convert(convert.bind(node), src);
    node.inspect = (_prevDecl, src, position) => inspect.call(node, this.decl, src, position);
    node.complete = (_prevDecl, src, position) => complete.call(node, this.decl, src, position);
    let browser: Converter | undefined;
    this.converters = {
      node,
      get browser() {
        return (browser ??= createConverter({ isJS: false, isBrowser: true }));
      },
      close() {
        node.close();
        browser?.close();
      },
    };
  }

  /** The node converter (completion and inspection go through it with this compiler's declarations). */
  get node(): Converter {
    return this.converters.node;
  }

  /**
   * Watches the assignments of notebook code to tslab's `exports` (call once, right after the
   * executor was created). Cells get a proxy over a plain object of ours (one proxy between
   * notebook code and its variables, as with tslab alone: reads of earlier cells' variables in
   * hot loops cost no more than before); every assignment is counted and also written to tslab's
   * own `exports`, which its executor reads (the last value) and cleans up.
   */
  trackAssignments(): void {
    const slot = (globalThis as { __tslab__?: { exports: Record<string | symbol, unknown> } })
      .__tslab__;
    if (!slot) throw new Error("neurolab-kernel: tslab's executor is not set up");
    const tslabExports = slot.exports;
    const store: Record<string | symbol, unknown> = {};
    this.store = store;
    this.tslabExports = tslabExports;
    slot.exports = new Proxy(store, {
      // tslab's semantics: named imports arrive as getters and are stored as values (rebindable).
      defineProperty: (_t, prop, attrs) => {
        if (prop === "__esModule") return true;
        const value = attrs.get ? attrs.get() : attrs.value;
        if (typeof prop === "string") {
          const a = this.assigned.get(prop) ?? { count: 0, defined: false };
          a.count++;
          a.defined ||= value !== undefined;
          this.assigned.set(prop, a);
        }
        store[prop] = value;
        tslabExports[prop] = value;
        return true;
      },
    });
  }

  /** Called before a cell runs. */
  begin(nocheck: boolean): void {
    this.nocheck = nocheck;
    this.pending = undefined;
    this.compiled = "";
    this.diagnostics = [];
    this.ignored = [];
    this.assigned.clear();
  }

  /**
   * Called after a cell ran: keeps its declarations when it succeeded, and those of the names
   * it reached when it failed after it started (an error or an interrupt).
   */
  end(ok: boolean): void {
    // tslab deletes the cell's last-value variable from its exports after showing it.
    for (const k of Object.keys(this.store)) if (!(k in this.tslabExports)) delete this.store[k];
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    if (ok) {
      this.decl = p.declOutput;
      return;
    }
    const reached = (name: string) => {
      const a = this.assigned.get(name);
      return a !== undefined && (a.count >= 2 || a.defined);
    };
    const unreached = new Set(p.names.filter((n) => !reached(n)));
    this.decl = dropDeclarations(p.declOutput, unreached);
  }

  private convert(convert: Convert, src: string): Converted {
    let result = convert(this.decl, src);
    if (result.diagnostics.length > 0 && this.nocheck) {
      const patched = ignoreErrorLines(src, result.diagnostics as CellDiagnostic[]);
      const retried = patched === undefined ? undefined : convert(this.decl, patched);
      if (retried && retried.diagnostics.length === 0) {
        this.ignored = result.diagnostics as CellDiagnostic[];
        result = retried;
      }
    }
    this.diagnostics = result.diagnostics as CellDiagnostic[];
    this.compiled = result.output ?? "";
    this.pending =
      this.diagnostics.length > 0
        ? undefined
        : { declOutput: result.declOutput ?? "", names: declaredNames(result.output ?? "") };
    return result;
  }
}

/** The names a compiled cell declares: those of its `exports.a = exports.b = void 0;` resets. */
export function declaredNames(compiled: string): string[] {
  const names: string[] = [];
  for (const line of compiled.split("\n")) {
    if (!/^exports\.[\w$]+ = (?:exports\.[\w$]+ = )*void 0;$/.test(line)) continue;
    for (const m of line.matchAll(/exports\.([\w$]+)/g)) names.push(m[1]);
  }
  return names;
}

/** The value names a top-level statement of a declaration file binds. */
function boundNames(stmt: TS.Statement): string[] {
  if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isEnumDeclaration(stmt)) {
    return stmt.name ? [stmt.name.text] : [];
  }
  if (ts.isModuleDeclaration(stmt) && ts.isIdentifier(stmt.name)) return [stmt.name.text];
  if (ts.isImportEqualsDeclaration(stmt)) return [stmt.name.text];
  if (ts.isImportDeclaration(stmt)) {
    const clause = stmt.importClause;
    if (!clause) return [];
    const names = clause.name ? [clause.name.text] : [];
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    else if (bindings) names.push(...bindings.elements.map((e) => e.name.text));
    return names;
  }
  return [];
}

/**
 * `declText` (a declaration file) without the declarations of `names` (value declarations
 * only; interfaces and type aliases have nothing to run and stay).
 */
export function dropDeclarations(declText: string, names: ReadonlySet<string>): string {
  if (names.size === 0) return declText;
  const file = ts.createSourceFile("__prev__.d.ts", declText, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const stmt of file.statements) {
    const full = declText.slice(stmt.getFullStart(), stmt.end);
    if (ts.isVariableStatement(stmt)) {
      const decls = stmt.declarationList.declarations;
      const kept = decls.filter((d) => !(ts.isIdentifier(d.name) && names.has(d.name.text)));
      if (kept.length === decls.length) out.push(full);
      else if (kept.length > 0) {
        const head = declText.slice(stmt.getFullStart(), decls[0].getStart(file));
        out.push(head + kept.map((d) => d.getText(file)).join(", ") + ";");
      }
      continue;
    }
    const bound = boundNames(stmt);
    if (bound.length > 0 && bound.every((n) => names.has(n))) continue;
    out.push(full);
  }
  return out.join("") + "\n";
}

/** Whether `node` contains an `await` outside any function (a top-level await of a cell). */
function hasTopLevelAwait(node: TS.Node): boolean {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
  return ts.forEachChild(node, hasTopLevelAwait) ?? false;
}

/**
 * `src` with a `// @ts-ignore` line before each line where a diagnostic starts; undefined when
 * that cannot be done (an error in another file, or a line starting inside a multi-line
 * string or template literal, where an added line would change the string).
 */
export function ignoreErrorLines(
  src: string,
  diagnostics: readonly CellDiagnostic[],
): string | undefined {
  if (diagnostics.some((d) => d.fileName)) return undefined;
  const file = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, true);
  const literals: [number, number][] = [];
  const visit = (node: TS.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateExpression(node)
    ) {
      literals.push([node.getStart(file), node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const lines = src.split("\n");
  const offsets: number[] = [];
  for (let i = 0, offset = 0; i < lines.length; offset += lines[i].length + 1, i++)
    offsets.push(offset);
  const errorLines = new Set(diagnostics.map((d) => d.start.line));
  for (const line of errorLines) {
    const at = offsets[line];
    if (at === undefined || literals.some(([s, e]) => s < at && at < e)) return undefined;
  }
  const patched = lines
    .map((text, i) => (errorLines.has(i) ? `// @ts-ignore\n${text}` : text))
    .join("\n");
  // An ignored line would also hide the diagnostic tslab detects top-level awaits by; a first
  // line that awaits keeps the cell asynchronous.
  return hasTopLevelAwait(file) ? `await 0;\n${patched}` : patched;
}
