import { describe, expect, it } from "vitest";
import {
  declaredNames,
  dropDeclarations,
  ignoreErrorLines,
  stripNocheckMagic,
  type CellDiagnostic,
} from "../../kernel/src/cells.js";
import { diagnosticLines } from "../../kernel/src/errors.js";

const at = (
  line: number,
  character: number,
  endCharacter: number,
  messageText = "boom",
): CellDiagnostic => ({
  start: { offset: 0, line, character },
  end: { offset: 0, line, character: endCharacter },
  messageText,
  category: 1,
  code: 2322,
});
// eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("kernel cells: declarations of a failed cell", () => {
  it("reads the names a compiled cell declares from its reset lines", () => {
    const compiled =
      'Object.defineProperty(exports, "__esModule", { value: true });\nexports.K = exports.b = exports.a = void 0;\nexports.$x = void 0;\nconst a = 1;\nexports.a = a;';
    expect(declaredNames(compiled)).toEqual(["K", "b", "a", "$x"]);
  });

  it("drops the value declarations of the given names and keeps types, comments and the rest", () => {
    const decl = [
      'import * as path from "path";',
      "/** kept doc */",
      "declare const a = 1, b: string, c: number;",
      "declare function f(x: number): number;",
      "declare function f(x: string): string;",
      "declare class K {\n    y: number;\n}",
      "interface I {\n    u: number;\n}",
      "type T = string;",
      'import { join, resolve } from "path";',
    ].join("\n");
    const out = dropDeclarations(decl, new Set(["b", "f", "K", "path", "I", "T", "join"]));
    expect(out.split("\n").filter((l) => l.trim() !== "")).toEqual([
      "/** kept doc */",
      "declare const a = 1, c: number;",
      "interface I {",
      "    u: number;",
      "}",
      "type T = string;",
      'import { join, resolve } from "path";',
    ]);
    expect(dropDeclarations(decl, new Set())).toBe(decl);
  });
});

describe("kernel cells: running despite type errors", () => {
  it("recognises the %%nocheck magic on the first line only, keeping line numbers", () => {
    expect(stripNocheckMagic("%%nocheck\nconst a = 1;")).toEqual({
      code: "//%%nocheck\nconst a = 1;",
      nocheck: true,
    });
    expect(stripNocheckMagic("  // %%nocheck\nx")).toEqual({
      code: "  // %%nocheck\nx",
      nocheck: true,
    });
    expect(stripNocheckMagic("const a = 1;\n%%nocheck").nocheck).toBe(false);
    expect(stripNocheckMagic("%%nochecks\n").nocheck).toBe(false);
  });

  it("puts // @ts-ignore before each line with an error, once per line", () => {
    const src = 'const a: number = "x";\nconst b = 2;\nconst c: string = 3; const d: string = 4;';
    expect(ignoreErrorLines(src, [at(0, 6, 7), at(2, 6, 7), at(2, 27, 28)])).toBe(
      '// @ts-ignore\nconst a: number = "x";\nconst b = 2;\n// @ts-ignore\nconst c: string = 3; const d: string = 4;',
    );
  });

  it("keeps a top-level await working and refuses lines inside multi-line strings", () => {
    expect(ignoreErrorLines('const a: number = "x";\nawait f(a);', [at(0, 6, 7)])).toBe(
      'await 0;\n// @ts-ignore\nconst a: number = "x";\nawait f(a);',
    );
    // an await inside a function is not top-level
    expect(
      ignoreErrorLines("const a: number = 1;\nasync function g() { await 1; }", [
        at(0, 6, 7),
      ])?.startsWith("await 0;"),
    ).toBe(false);
    const template = "const s = `first\n${1 + 1}\nlast`;\nconst n: number = s;";
    expect(ignoreErrorLines(template, [at(1, 2, 3)])).toBeUndefined();
    expect(ignoreErrorLines(template, [at(3, 6, 7)])).toBe(
      "const s = `first\n${1 + 1}\nlast`;\n// @ts-ignore\nconst n: number = s;",
    );
    expect(ignoreErrorLines("x", [{ ...at(0, 0, 1), fileName: "other.ts" }])).toBeUndefined();
  });

  it("shows diagnostics compactly: one header per error, chained messages indented, the span underlined", () => {
    const lines = diagnosticLines(
      [
        at(1, 6, 11, "Type 'string' is not assignable to type 'number'."),
        at(1, 6, 11, "More detail."),
      ],
      'const ok = 1;\nconst wrong: number = "text";',
    ).map(strip);
    expect(lines).toEqual([
      "TypeScriptError cell:2:7 Type 'string' is not assignable to type 'number'.",
      '  2 | const wrong: number = "text";',
      "    |       ^^^^^",
      "    More detail.",
    ]);
  });
});
