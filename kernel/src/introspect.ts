/**
 * Completion and inspection replies richer than tslab's: completion items carry their kind
 * and, for the first ones, their signature (`metadata._jupyter_types_experimental`, as
 * ipykernel sends them); inspection (Shift+Tab) prints the signature and docs and expands
 * the object types of the parameters (e.g. `opts: NetworkOptions`) into their fields, each
 * with its type and docs (where the library states units and defaults), one level deep.
 *
 * Both use the TypeScript checker through tslab's converter: quick info at a position and
 * completions at a position, on the cell's text or on a probe text (the cell with a few
 * `declare const` lines in front, whose member completions and quick infos give the fields).
 */
import type { Converter } from "tslab/dist/converter";
import { printQuickInfo } from "tslab/dist/inspect";

type QuickInfo = NonNullable<ReturnType<Converter["inspect"]>>;
type DisplayPart = { text: string; kind: string };

/** The converter calls this module needs (declarations are supplied by the kernel's compiler). */
export interface Introspector {
  inspect(src: string, position: number): QuickInfo | undefined;
  complete(src: string, position: number): ReturnType<Converter["complete"]>;
}

/** Jupyter-style type names for TypeScript's element kinds. */
const KIND: Record<string, string> = {
  function: "function",
  "local function": "function",
  method: "method",
  constructor: "function",
  class: "class",
  "local class": "class",
  interface: "interface",
  type: "type",
  enum: "enum",
  "enum member": "constant",
  property: "property",
  getter: "property",
  setter: "property",
  var: "variable",
  let: "variable",
  const: "constant",
  "local var": "variable",
  parameter: "param",
  module: "module",
  alias: "module",
  keyword: "keyword",
  string: "text",
};

/** How long completion may spend looking up signatures, ms (completion runs while typing). */
const SIGNATURE_BUDGET_MS = 150;
/** At most this many completion items get a signature. */
const SIGNATURE_ITEMS = 30;
/** How long inspection may spend expanding parameter types, ms. */
const EXPAND_BUDGET_MS = 1500;

const partsText = (parts: readonly DisplayPart[]): string => parts.map((p) => p.text).join("");

/** The first line of a quick info's display parts, whitespace collapsed (a signature). */
function signatureOf(info: QuickInfo | undefined): string | undefined {
  const text = partsText((info?.displayParts ?? []) as DisplayPart[])
    .replace(/\s+/g, " ")
    .trim();
  return text || undefined;
}

/** complete_reply content. */
export function completeReply(conv: Introspector, code: string, cursor: number): object {
  const info = conv.complete(code, cursor);
  const kinds = new Map<string, string>();
  for (const e of info.original?.entries ?? []) kinds.set(e.name, e.kind);
  const t0 = Date.now();
  const items = info.candidates.map((text, i) => {
    const item: { start: number; end: number; text: string; type: string; signature?: string } = {
      start: info.start,
      end: info.end,
      text,
      type: KIND[kinds.get(text) ?? ""] ?? kinds.get(text) ?? "<unknown>",
    };
    if (i < SIGNATURE_ITEMS && Date.now() - t0 < SIGNATURE_BUDGET_MS && /^[\w$]+$/.test(text)) {
      const probe = code.slice(0, info.start) + text + code.slice(info.end);
      const signature = signatureOf(conv.inspect(probe, info.start + Math.max(0, text.length - 1)));
      if (signature) item.signature = signature;
    }
    return item;
  });
  return {
    status: "ok",
    cursor_start: info.start,
    cursor_end: info.end,
    matches: info.candidates,
    metadata: { _jupyter_types_experimental: items },
  };
}

/** The type texts of a signature's parameters (or of a variable/property), from display parts. */
export function parameterTypes(parts: readonly DisplayPart[]): { name: string; type: string }[] {
  const out: { name: string; type: string }[] = [];
  let depth = 0;
  let current: { name: string; parts: DisplayPart[] } | undefined;
  let pendingName: string | undefined;
  let expectType = false;
  const finish = () => {
    if (current) out.push({ name: current.name, type: partsText(current.parts).trim() });
    current = undefined;
  };
  for (const p of parts) {
    const t = p.text;
    if (p.kind === "punctuation" && ["(", "<", "[", "{"].includes(t)) depth++;
    if (p.kind === "punctuation" && [")", ">", "]", "}"].includes(t)) depth--;
    if (current) {
      if (depth === 0 || (depth === 1 && p.kind === "punctuation" && t === ",")) finish();
      else current.parts.push(p);
      continue;
    }
    if (depth === 1 && p.kind === "parameterName") {
      pendingName = t;
      expectType = true;
    } else if (expectType && p.kind === "punctuation" && t === ":") {
      current = { name: pendingName!, parts: [] };
      expectType = false;
    }
  }
  finish();
  return out;
}

/** Whether a type text names an object type worth expanding (an interface, or a generic of one). */
function expandable(type: string, parts: readonly DisplayPart[]): boolean {
  if (
    /=>/.test(type) ||
    /^(string|number|boolean|bigint|symbol|unknown|any|void|never|null|undefined)(\[\])?$/.test(
      type,
    )
  )
    return false;
  return parts.some((p) => p.kind === "interfaceName" && type.includes(p.text));
}

/** One field of an expanded type. */
interface Field {
  name: string;
  signature: string;
  docs: string;
  /** The field's type and display parts (for a nested expansion). */
  type: string;
  parts: DisplayPart[];
}

/**
 * The property fields of each type in `types` (type texts valid in the cell's scope),
 * through a probe text: `declare const __nl_i__: T;` lines in front of the cell.
 */
function fieldsOf(conv: Introspector, code: string, types: string[], deadline: number): Field[][] {
  const heads = types.map((t, i) => `declare const __nl_${i}__: ${t};\n`).join("");
  const result: Field[][] = [];
  for (let i = 0; i < types.length && Date.now() < deadline; i++) {
    const probe = `${heads}__nl_${i}__.\n;\n${code}`;
    const completions = conv.complete(probe, heads.length + `__nl_${i}__.`.length);
    const names = (completions.original?.entries ?? [])
      .filter((e) => e.kind === "property" || e.kind === "getter")
      .map((e) => e.name)
      .filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
    const access = names.map((n) => `__nl_${i}__.${n};\n`).join("");
    const text = `${heads}${access};\n${code}`;
    const fields: Field[] = [];
    let at = heads.length;
    for (const n of names) {
      if (Date.now() > deadline) break;
      const position = at + `__nl_${i}__.`.length;
      const info = conv.inspect(text, position);
      at += `__nl_${i}__.${n};\n`.length;
      if (!info) continue;
      const signature = (signatureOf(info) ?? n)
        .replace(/^\(property\)\s*/, "")
        .replace(/^[\w$.<>, ]*?\.(?=[\w$]+\??:)/, "");
      const docs = (info.documentation ?? [])
        .map((d) => d.text)
        .join("")
        .trim();
      const parts = (info.displayParts ?? []) as DisplayPart[];
      const colon = signature.indexOf(":");
      fields.push({
        name: n,
        signature,
        docs,
        type: colon >= 0 ? signature.slice(colon + 1).trim() : "",
        parts,
      });
    }
    result.push(fields);
  }
  return result;
}

/**
 * The library's defaults record whose fields are exactly `names` (e.g. `LIF_DEFAULTS` for the
 * fields of `LifParams`), if exactly one exported record matches; read from the `neurolab`
 * package the kernel runs with.
 */
function defaultsFor(names: readonly string[]): Record<string, unknown> | undefined {
  let lib: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the kernel is CommonJS and resolves the library lazily, only when a completion needs its defaults
    lib = require("neurolab") as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const wanted = [...names].sort().join(",");
  const matches = Object.values(lib).filter(
    (v): v is Record<string, unknown> =>
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      !ArrayBuffer.isView(v) &&
      Object.keys(v).sort().join(",") === wanted,
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** A default value as TypeScript would write it. */
function formatDefault(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  return undefined;
}

/** Indents every line of `text` by `pad`. */
const indent = (text: string, pad: string): string =>
  text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");

/** inspect_reply content: quick info, plus the fields of the parameters' object types. */
export function inspectReply(conv: Introspector, code: string, cursor: number): object {
  const info = conv.inspect(code, cursor);
  if (!info) return { status: "ok", found: false, data: {}, metadata: {} };
  let text = printQuickInfo(info);
  const parts = (info.displayParts ?? []) as DisplayPart[];
  const params = parameterTypes(parts).filter((p) => expandable(p.type, parts));
  if (params.length > 0) {
    const deadline = Date.now() + EXPAND_BUDGET_MS;
    const fields = fieldsOf(
      conv,
      code,
      params.map((p) => p.type),
      deadline,
    );
    const sections: string[] = [];
    // One level further for fields that are option objects themselves (e.g. `params`).
    const nested = fields.flat().filter((f) => expandable(f.type, f.parts));
    const nestedFields = fieldsOf(
      conv,
      code,
      nested.map((f) => f.type),
      deadline,
    );
    const describe = (f: Field, pad: string, defaults?: Record<string, unknown>): string => {
      const k = nested.indexOf(f);
      const inner = k >= 0 ? (nestedFields[k] ?? []) : [];
      const innerDefaults = inner.length > 0 ? defaultsFor(inner.map((x) => x.name)) : undefined;
      const d = defaults ? formatDefault(defaults[f.name]) : undefined;
      return [
        `${pad}${f.signature}${d !== undefined ? ` = ${d}` : ""}`,
        ...(f.docs ? [indent(f.docs, pad + "    ")] : []),
        ...inner.map((x) => describe(x, pad + "    ", innerDefaults)),
      ].join("\n");
    };
    params.forEach((p, i) => {
      const f = fields[i];
      if (!f || f.length === 0) return;
      sections.push(`${p.name}: ${p.type}\n${f.map((x) => describe(x, "  ")).join("\n")}`);
    });
    if (sections.length > 0) text += `\n\n${sections.join("\n\n")}`;
  }
  return { status: "ok", found: true, data: { "text/plain": text }, metadata: {} };
}
