/**
 * Text and HTML summaries of networks and populations, shown when one is a notebook cell's
 * value (as Brian2's `scheduling_summary()` and pandas' table reprs): populations with sizes
 * and models, projections with receptors, weights, delays and synapse counts, the memory
 * that state and synapses take, monitors, and the order of operations in every step.
 *
 * The summaries read only what the objects expose; they never build a network (synapses are
 * drawn when a network is built, so before its first run the projections show no counts).
 * The HTML is script-free (tables, escaped text).
 */
import type { MimeBundle } from "../display/protocol.js";
import type { ConnectivityRule } from "../synapses/connectivity.js";
import type { Projection } from "../synapses/projection.js";
import type { NeuronGroup, Population } from "./populations.js";

/** What a network's summary shows: the network's own lists (see `Network[MIME_BUNDLE]`). */
export interface NetworkSummaryInput {
  dt_ms: number;
  seed: number;
  wasm: boolean;
  t_ms: number;
  populations: readonly Population[];
  /** Projections as specified, with the built projection when the network is built. */
  projections: readonly {
    pre: Population;
    post: NeuronGroup;
    receptor: number;
    weightName: string;
    weight: unknown;
    delay: unknown;
    rule: ConnectivityRule;
    built?: Projection;
  }[];
  gapJunctions: readonly { a: Population; b: Population }[];
  currentSources: number;
  monitors: readonly object[];
  built: boolean;
  /** Synapses written as equations: name, synapse count (0 before the build) and variables. */
  equationSynapses?: readonly { name: string; size: number; variables: readonly string[] }[];
  /** The built network's plan (slot, component, operation), when it is built. */
  schedule?: readonly { slot: string; owner: string; what: string }[];
}

/** A table: header and rows of cells (strings), right-aligned where `numeric`. */
interface Table {
  header: string[];
  rows: string[][];
  numeric: boolean[];
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An integer with thousands separators ("239,114"). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Bytes in B / kB / MB / GB (powers of 1024, one decimal above 1 kB). */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** A time in ms without floating-point noise (at most 6 decimals, trailing zeros dropped). */
export function formatMs(t_ms: number): string {
  return `${Number(t_ms.toFixed(6))} ms`;
}

/** A synapse value (weight or delay): a number with its unit, or "per synapse" for a function. */
function formatValue(value: unknown, unit: string): string {
  if (typeof value === "number") return `${Number(value.toPrecision(6))} ${unit}`;
  if (typeof value === "function") return `per synapse (${unit})`;
  return "";
}

function textTable(t: Table): string[] {
  const widths = t.header.map((h, j) => Math.max(h.length, ...t.rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    "  " +
    cells
      .map((c, j) => (t.numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join("  ")
      .trimEnd();
  return [line(t.header), ...t.rows.map(line)];
}

function htmlTable(t: Table): string {
  const cell = (tag: string, c: string, j: number) =>
    `<${tag}${t.numeric[j] ? ' style="text-align:right"' : ""}>${escapeHtml(c)}</${tag}>`;
  const head = `<thead><tr>${t.header.map((h, j) => cell("th", h, j)).join("")}</tr></thead>`;
  const body = t.rows.map((r) => `<tr>${r.map((c, j) => cell("td", c, j)).join("")}</tr>`).join("");
  return `<table class="neurolab-summary">${head}<tbody>${body}</tbody></table>`;
}

/** Model of a population: the neuron model's name, or the input kind. */
function modelOf(p: Population): string {
  if (p.kind === "equations")
    return `equations (${(p as { model?: { method?: string } }).model?.method ?? "?"})`;
  const model = (p as { model?: { name?: string } }).model;
  return model?.name ?? p.kind;
}

/** What characterises a population beyond its model: rate, receptors, spike count. */
function detailOf(p: Population): string {
  const rate = (p as { rate_Hz?: unknown }).rate_Hz;
  if (typeof rate === "number") return `rate ${Number(rate.toPrecision(6))} Hz`;
  const opts = (p as { opts?: { times_ms?: ArrayLike<number> } }).opts;
  if (opts?.times_ms) return `${formatCount(opts.times_ms.length)} scheduled spikes`;
  const receptors = (p as { receptorNames?: readonly string[] }).receptorNames;
  return receptors ? `receptors: ${receptors.join(", ")}` : "";
}

/** Bytes of a neuron group's state (float64 per variable and neuron); 0 for inputs. */
function stateBytes(p: Population): number {
  const variables = (p as { model?: { variables?: readonly string[] } }).model?.variables;
  return variables ? variables.length * p.size * 8 : 0;
}

/** Bytes that store a built projection's synapses (CSR, per-synapse weights and delays). */
function projectionBytes(proj: Projection): number {
  const w = typeof proj.weight === "number" ? 0 : proj.weight.byteLength;
  const d = typeof proj.delaySteps === "number" ? 0 : proj.delaySteps.byteLength;
  return proj.csr.rowPtr.byteLength + proj.csr.colIdx.byteLength + w + d;
}

/** A monitor's one-line description. */
function monitorOf(m: object): string {
  const kind = m.constructor?.name ?? "Monitor";
  const pops = (m as { populations?: readonly Population[] }).populations;
  const group = (m as { group?: Population }).group;
  const vars = (m as { variables?: readonly string[] }).variables;
  if (group && vars) return `${kind}(${group.name}: ${vars.join(", ")})`;
  const count = (m as { count?: unknown }).count;
  const counted = typeof count === "number" ? `, ${formatCount(count)} spikes` : "";
  return pops ? `${kind}(${pops.map((p) => p.name).join(", ")}${counted})` : kind;
}

/** The parts of a network summary. */
interface Summary {
  title: string;
  sections: { heading: string; table?: Table; lines?: string[] }[];
}

function networkParts(n: NetworkSummaryInput): Summary {
  const steps = Math.round(n.t_ms / n.dt_ms);
  const neurons = n.populations.reduce((s, p) => s + p.size, 0);
  const state = n.populations.reduce((s, p) => s + stateBytes(p), 0);
  const title =
    `Network: dt = ${formatMs(n.dt_ms)}, seed ${n.seed}, t = ${formatMs(n.t_ms)} (${formatCount(steps)} steps), ` +
    `${n.wasm ? "WebAssembly kernels where available" : "TypeScript reference loops"}${n.built ? "" : ", not built yet"}`;
  const sections: Summary["sections"] = [];
  sections.push({
    heading: `populations: ${n.populations.length}, ${formatCount(neurons)} neurons, state ${formatBytes(state)}`,
    table: {
      header: ["name", "model", "size", "state", "details"],
      numeric: [false, false, true, true, false],
      rows: n.populations.map((p) => [
        p.name,
        modelOf(p),
        formatCount(p.size),
        stateBytes(p) ? formatBytes(stateBytes(p)) : "-",
        detailOf(p),
      ]),
    },
  });
  if (n.projections.length > 0) {
    const synapses = n.projections.reduce(
      (s, p) => s + (p.built ? p.built.csr.colIdx.length : 0),
      0,
    );
    const bytes = n.projections.reduce((s, p) => s + (p.built ? projectionBytes(p.built) : 0), 0);
    const totals = n.built
      ? `, ${formatCount(synapses)} synapses, ${formatBytes(bytes)}`
      : " (synapses are drawn when the network is built)";
    sections.push({
      heading: `projections: ${n.projections.length}${totals}`,
      table: {
        header: ["pre", "post", "receptor", "weight", "delay", "synapses", "memory"],
        numeric: [false, false, false, false, false, true, true],
        rows: n.projections.map((p) => [
          p.pre.name,
          p.post.name,
          p.post.receptorNames[p.receptor] ?? String(p.receptor),
          formatValue(p.weight, p.weightName.replace(/^weight_/, "")),
          p.delay === undefined ? `${formatMs(n.dt_ms)} (one step)` : formatValue(p.delay, "ms"),
          p.built ? formatCount(p.built.csr.colIdx.length) : "-",
          p.built ? formatBytes(projectionBytes(p.built)) : "-",
        ]),
      },
    });
  }
  const extras: string[] = [];
  if (n.gapJunctions.length > 0)
    extras.push(
      `gap junctions: ${n.gapJunctions.map((g) => `${g.a.name} <-> ${g.b.name}`).join(", ")}`,
    );
  if (n.currentSources > 0) extras.push(`current sources: ${n.currentSources}`);
  extras.push(`monitors: ${n.monitors.length > 0 ? n.monitors.map(monitorOf).join(", ") : "none"}`);
  sections.push({ heading: "also", lines: extras });
  if (n.equationSynapses && n.equationSynapses.length > 0) {
    sections.push({
      heading: "synapses written as equations",
      table: {
        header: ["synapses", "count", "variables"],
        numeric: [false, true, false],
        rows: n.equationSynapses.map((x) => [
          x.name,
          n.built ? formatCount(x.size) : "-",
          x.variables.join(", ") || "-",
        ]),
      },
    });
  }
  if (n.schedule) {
    sections.push({
      heading: `schedule of every step (${formatMs(n.dt_ms)})`,
      lines: n.schedule.map((e, k) => `${k + 1}. ${e.slot}: ${e.owner}: ${e.what}`),
    });
    return { title, sections };
  }
  const inputs = n.populations.filter((p) => !("model" in p)).map((p) => p.name);
  const groups = n.populations.filter((p) => "model" in p).map((p) => p.name);
  const schedule = [
    `1. inputs: ${[...inputs, ...(n.currentSources > 0 ? [`${n.currentSources} current source(s)`] : [])].join(", ") || "-"}`,
    ...(n.gapJunctions.length > 0
      ? ["   gap-junction currents (from the potentials at the step's start)"]
      : []),
    `2. state update and threshold: ${groups.join(", ") || "-"}`,
    `3. propagate: ${n.projections.map((p) => `${p.pre.name} -> ${p.post.name}`).join(", ") || "-"}`,
    `4. reset: ${groups.join(", ") || "-"}`,
    `5. monitors: ${n.monitors.length}`,
  ];
  sections.push({ heading: `schedule of every step (${formatMs(n.dt_ms)})`, lines: schedule });
  return { title, sections };
}

function renderText(s: Summary): string {
  const out = [s.title];
  for (const sec of s.sections) {
    if (sec.heading === "also") out.push(...(sec.lines ?? []));
    else
      out.push(
        `${sec.heading}:`,
        ...(sec.table ? textTable(sec.table) : []),
        ...(sec.lines ?? []).map((l) => `  ${l}`),
      );
  }
  return out.join("\n");
}

function renderHtml(s: Summary): string {
  const parts = [`<div class="neurolab-summary"><p><b>${escapeHtml(s.title)}</b></p>`];
  for (const sec of s.sections) {
    if (sec.heading !== "also") parts.push(`<p>${escapeHtml(sec.heading)}</p>`);
    if (sec.table) parts.push(htmlTable(sec.table));
    if (sec.lines)
      parts.push(`<ul>${sec.lines.map((l) => `<li>${escapeHtml(l.trim())}</li>`).join("")}</ul>`);
  }
  parts.push("</div>");
  return parts.join("");
}

/** The plain-text summary of a network. */
export function networkSummaryText(input: NetworkSummaryInput): string {
  return renderText(networkParts(input));
}

/** A network's MIME bundle: `text/plain` and script-free `text/html` summaries. */
export function networkBundle(input: NetworkSummaryInput): MimeBundle {
  const parts = networkParts(input);
  return { "text/plain": renderText(parts), "text/html": renderHtml(parts) };
}

/** A population's MIME bundle: its name, model, size, state memory and details. */
export function populationBundle(p: Population): MimeBundle {
  const kind = p.constructor?.name ?? "Population";
  const table: Table = {
    header: ["name", "model", "size", "state", "details"],
    numeric: [false, false, true, true, false],
    rows: [
      [
        p.name,
        modelOf(p),
        formatCount(p.size),
        stateBytes(p) ? formatBytes(stateBytes(p)) : "-",
        detailOf(p),
      ],
    ],
  };
  const params = (p as { params?: Record<string, unknown> }).params;
  const lines = params
    ? Object.entries(params)
        .filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean")
        .map(([k, v]) => `${k} = ${typeof v === "number" ? Number(v.toPrecision(6)) : v}`)
    : [];
  const summary: Summary = {
    title: `${kind} "${p.name}"`,
    sections: [{ heading: "population", table }],
  };
  if (lines.length > 0) summary.sections.push({ heading: "parameters", lines: [lines.join(", ")] });
  return { "text/plain": renderText(summary), "text/html": renderHtml(summary) };
}
