/** Turns TypeScript diagnostics and thrown values into Jupyter `error` contents. */
import path from "node:path";
import { inspect } from "node:util";

/** The content of an iopub `error` message (and of an error execute_reply). */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

const red = (s: string): string => `\x1b[31m${s}\x1b[0m`;

/** ename used for type-check failures. */
export const TYPESCRIPT_ERROR = "TypeScriptError";

/** An error for tslab diagnostics, each already formatted as "line:col - message". */
export function diagnosticsError(lines: string[]): CellError {
  return {
    ename: TYPESCRIPT_ERROR,
    evalue: lines.join("\n"),
    traceback: lines.map((line) => `${red(TYPESCRIPT_ERROR)}: ${line}`),
  };
}

/** A type-checker diagnostic with its span in the cell (0-based lines and characters). */
export interface SpanDiagnostic {
  start: { line: number; character: number };
  end: { line: number; character: number };
  messageText: string;
  fileName?: string;
}

/**
 * Compact lines for type-checker diagnostics: one header per error ("cell:L:C message", the
 * follow-up lines of a chained message indented below it) and the source line with the span
 * underlined.
 */
export function diagnosticLines(diagnostics: readonly SpanDiagnostic[], source: string): string[] {
  const src = source.split("\n");
  const out: string[] = [];
  let previous: SpanDiagnostic | undefined;
  for (const d of diagnostics) {
    const sameSpan =
      previous !== undefined &&
      previous.fileName === d.fileName &&
      previous.start.line === d.start.line &&
      previous.start.character === d.start.character &&
      previous.end.line === d.end.line &&
      previous.end.character === d.end.character;
    previous = d;
    if (sameSpan) {
      out.push(`    ${d.messageText}`); // the next link of a message chain
      continue;
    }
    const where = `${d.fileName ?? "cell"}:${d.start.line + 1}:${d.start.character + 1}`;
    out.push(`${red(TYPESCRIPT_ERROR)} ${where} ${d.messageText}`);
    const text = d.fileName ? undefined : src[d.start.line];
    if (text === undefined) continue;
    const number = String(d.start.line + 1);
    const width =
      d.end.line === d.start.line
        ? Math.max(1, d.end.character - d.start.character)
        : Math.max(1, text.length - d.start.character);
    out.push(`  ${number} | ${text}`);
    out.push(
      `  ${" ".repeat(number.length)} | ${" ".repeat(d.start.character)}${red("^".repeat(width))}`,
    );
  }
  return out;
}

/** An error for type-checker diagnostics of `source`: evalue "line:col - message" lines, a compact traceback. */
export function typeCheckError(diagnostics: readonly SpanDiagnostic[], source: string): CellError {
  const evalue = diagnostics
    .map(
      (d) =>
        `${d.fileName ? d.fileName + " " : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`,
    )
    .join("\n");
  const hint = `(run the cell anyway: put ${"%%nocheck"} on its first line)`;
  return {
    ename: TYPESCRIPT_ERROR,
    evalue,
    traceback: [...diagnosticLines(diagnostics, source), hint],
  };
}

/** Removes whitespace and semicolons so that compiled and source statements compare. */
const squash = (s: string): string => s.replace(/[\s;]+/g, "");

/**
 * Where frame `line:col` of the compiled cell is in the source cell: "cell:N" when the
 * compiled statement's text is found on source line N (TypeScript reformats code, so
 * this is a best effort), else "cell.js:line:col"; undefined for tslab's wrapper call.
 */
function cellLocation(
  compiled: string,
  source: string,
  line: number,
  col: number,
): string | undefined {
  const lines = compiled.split("\n");
  if (compiled && line > lines.length) return undefined;
  const stmt = squash(lines[line - 1] ?? "").replace(/^exports\.\w+=/, "");
  const squashed = source.split("\n").map(squash);
  let index = squashed.indexOf(stmt);
  if (index < 0 && stmt.length >= 8) index = squashed.findIndex((l) => l.includes(stmt));
  return stmt && index >= 0 ? `cell:${index + 1}` : `cell.js:${line}:${col}`;
}

/** Stack frames from here on belong to the kernel, not to the notebook. */
const MACHINERY = [
  "(node:vm:",
  path.dirname(require.resolve("tslab/package.json")) + path.sep,
  __dirname + path.sep,
];

/**
 * An error for a value thrown by a cell. Stack frames of the kernel machinery are
 * dropped and frames in the cell ("evalmachine.<anonymous>:L:C") are shown as "cell:N"
 * (see cellLocation).
 */
export function thrownError(err: unknown, source: string, compiled: string): CellError {
  if (!(err instanceof Error)) {
    const evalue = inspect(err);
    return { ename: "Uncaught", evalue, traceback: [`${red("Uncaught")} ${evalue}`] };
  }
  const ename = err.name || err.constructor?.name || "Error";
  const frames: string[] = [];
  for (const frame of (err.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l))) {
    if (MACHINERY.some((m) => frame.includes(m))) break;
    if (frame.includes("(node:internal/")) continue;
    const at = /evalmachine\.<anonymous>:(\d+):(\d+)/.exec(frame);
    const location = at ? cellLocation(compiled, source, Number(at[1]), Number(at[2])) : "";
    if (location !== undefined) frames.push(at ? frame.replace(at[0], location) : frame);
  }
  return { ename, evalue: err.message, traceback: [`${red(ename)}: ${err.message}`, ...frames] };
}

/** `error` with another ename (and evalue), e.g. an interrupt reported as KeyboardInterrupt. */
export function renameError(error: CellError, ename: string, evalue = error.evalue): CellError {
  return { ename, evalue, traceback: [`${red(ename)}: ${evalue}`, ...error.traceback.slice(1)] };
}
