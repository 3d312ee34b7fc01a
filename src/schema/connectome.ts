/**
 * The connectome payload: `application/vnd.neurolab.connectome.v1+json`.
 *
 * Nodes travel as JSON string arrays (names, type, neurotransmitter, class) plus a community
 * index per node; node positions of each layout and the chemical / electrical edge lists as
 * base64 little-endian typed arrays (uint32 pre, uint32 post, float32 weight: 12 bytes per edge).
 * Electrical edges are undirected and listed once per pair (pre <= post).
 */
import { typedArrayToBase64 } from "./base64.js";
import {
  SchemaError,
  checkValues,
  expectArray,
  expectBase64Array,
  expectInteger,
  expectObject,
  expectString,
  fitText,
  expectStringArray,
  expectVersion,
  optionalString,
} from "./validate.js";
import { describeValue } from "./describe.js";

/** MIME type of connectome payloads (version 1). */
export const CONNECTOME_MIME = "application/vnd.neurolab.connectome.v1+json";

/** Largest node count of a connectome payload. */
export const CONNECTOME_MAX_NODES = 5000;
/** Largest edge count per synapse kind. */
export const CONNECTOME_MAX_EDGES = 500_000;
/** Layout names a payload may carry. */
export const CONNECTOME_LAYOUTS = ["layered", "force"] as const;
export type ConnectomeLayoutName = (typeof CONNECTOME_LAYOUTS)[number];

/** An edge list over node indices. */
export interface EdgeList {
  pre: Uint32Array;
  post: Uint32Array;
  weight: Float32Array;
}

/** A validated, decoded connectome payload. */
export interface ConnectomeData {
  title: string;
  citation: string;
  names: string[];
  /** Neuron type / cell kind per node ("sensory", "inter", "motor", "muscle", ...). */
  types: string[];
  /** Primary neurotransmitter per node ("" when unknown). */
  neurotransmitters: string[];
  /** Class per node (AVAL -> AVA). */
  classes: string[];
  /** Community index per node (0..). */
  communities: Int32Array;
  /** Layer names of the layered layout, left to right (may be empty). */
  layers: string[];
  layouts: Partial<Record<ConnectomeLayoutName, { x: Float32Array; y: Float32Array }>>;
  chemical: EdgeList;
  electrical: EdgeList;
}

interface EdgePayload {
  n_edges: number;
  pre: string;
  post: string;
  weight: string;
}

/** The JSON payload sent under {@link CONNECTOME_MIME}. */
export interface ConnectomePayload {
  schema: "neurolab.connectome";
  version: 1;
  title?: string;
  citation?: string;
  n_nodes: number;
  names: string[];
  types: string[];
  neurotransmitters: string[];
  classes: string[];
  /** base64 Int32Array, one community per node. */
  communities: string;
  layers: string[];
  /** base64 Float32Array x and y in [0, 1] per node, per layout. */
  layouts: Partial<Record<ConnectomeLayoutName, { x: string; y: string }>>;
  chemical: EdgePayload;
  electrical: EdgePayload;
}

function encodeEdges(e: EdgeList): EdgePayload {
  return {
    n_edges: e.pre.length,
    pre: typedArrayToBase64(e.pre),
    post: typedArrayToBase64(e.post),
    weight: typedArrayToBase64(e.weight),
  };
}

/**
 * Builds a connectome payload.
 *
 * @example
 * ```ts
 * import { connectome, connectomeFigure } from "neurolab";
 * import { encodeConnectome } from "neurolab/schema";
 * const c = connectome.buildConnectome([{ pre: "ASHL", post: "AVAL", type: "chemical", count: 7 }]);
 * encodeConnectome(connectomeFigure(c).data); // the connectome widget's JSON payload
 * ```
 */
export function encodeConnectome(d: ConnectomeData): ConnectomePayload {
  const layouts: ConnectomePayload["layouts"] = {};
  for (const name of CONNECTOME_LAYOUTS) {
    const l = d.layouts[name];
    if (l) layouts[name] = { x: typedArrayToBase64(l.x), y: typedArrayToBase64(l.y) };
  }
  return {
    schema: "neurolab.connectome",
    version: 1,
    title: fitText(d.title, 500),
    citation: fitText(d.citation, 2000),
    n_nodes: d.names.length,
    names: d.names.map((s) => fitText(s, 100)),
    types: d.types.map((s) => fitText(s, 100)),
    neurotransmitters: d.neurotransmitters.map((s) => fitText(s, 100)),
    classes: d.classes.map((s) => fitText(s, 100)),
    communities: typedArrayToBase64(d.communities),
    layers: d.layers.map((s) => fitText(s, 100)),
    layouts,
    chemical: encodeEdges(d.chemical),
    electrical: encodeEdges(d.electrical),
  };
}

function decodeEdges(v: unknown, what: string, n: number): EdgeList {
  const o = expectObject(v, what);
  const m = expectInteger(o.n_edges, `${what}.n_edges`, 0, CONNECTOME_MAX_EDGES);
  const pre = expectBase64Array(o.pre, `${what}.pre`, "uint32", m);
  const post = expectBase64Array(o.post, `${what}.post`, "uint32", m);
  const weight = expectBase64Array(o.weight, `${what}.weight`, "float32", m);
  for (let k = 0; k < m; k++) {
    if (pre[k] >= n)
      throw new SchemaError(`${what}.pre[${k}] = ${pre[k]} is outside [0, n_nodes) = [0, ${n})`);
    if (post[k] >= n)
      throw new SchemaError(`${what}.post[${k}] = ${post[k]} is outside [0, n_nodes) = [0, ${n})`);
  }
  checkValues(weight, `${what}.weight`, { min: 0 });
  return { pre, post, weight };
}

/**
 * Validates and decodes a connectome payload of unknown origin. Throws {@link SchemaError}
 * naming the offending field.
 *
 * @example
 * ```ts
 * import { connectome, connectomeFigure } from "neurolab";
 * import { decodeConnectome } from "neurolab/schema";
 * const c = connectome.buildConnectome([{ pre: "ASHL", post: "AVAL", type: "chemical", count: 7 }]);
 * decodeConnectome(connectomeFigure(c).payload()).names; // ["ASHL", "AVAL"]
 * ```
 */
export function decodeConnectome(value: unknown): ConnectomeData {
  const p = expectObject(value, "payload");
  if (p.schema !== "neurolab.connectome")
    throw new SchemaError(
      `payload.schema must be "neurolab.connectome", got ${describe(p.schema)}`,
    );
  expectVersion(p.version, 1, "payload.version");
  const title = optionalString(p.title, "payload.title", 500) ?? "";
  const citation = optionalString(p.citation, "payload.citation", 2000) ?? "";
  const n = expectInteger(p.n_nodes, "payload.n_nodes", 1, CONNECTOME_MAX_NODES);
  const names = expectStringArray(p.names, "payload.names", n, 100);
  const types = expectStringArray(p.types, "payload.types", n, 100);
  const neurotransmitters = expectStringArray(
    p.neurotransmitters,
    "payload.neurotransmitters",
    n,
    100,
  );
  const classes = expectStringArray(p.classes, "payload.classes", n, 100);
  const communities = expectBase64Array(p.communities, "payload.communities", "int32", n);
  checkValues(communities, "payload.communities", { min: 0, max: n - 1 });
  const layers = expectArray(p.layers, "payload.layers", 100).map((s, i) =>
    expectString(s, `payload.layers[${i}]`, 100),
  );
  const rawLayouts = expectObject(p.layouts, "payload.layouts");
  const layouts: ConnectomeData["layouts"] = {};
  for (const key of Object.keys(rawLayouts)) {
    if (!(CONNECTOME_LAYOUTS as readonly string[]).includes(key)) {
      throw new SchemaError(
        `payload.layouts may only hold ${CONNECTOME_LAYOUTS.join(", ")}, got ${describe(key)}`,
      );
    }
    const l = expectObject(rawLayouts[key], `payload.layouts.${key}`);
    const x = expectBase64Array(l.x, `payload.layouts.${key}.x`, "float32", n);
    const y = expectBase64Array(l.y, `payload.layouts.${key}.y`, "float32", n);
    checkValues(x, `payload.layouts.${key}.x`, { min: -1e6, max: 1e6 });
    checkValues(y, `payload.layouts.${key}.y`, { min: -1e6, max: 1e6 });
    layouts[key as ConnectomeLayoutName] = { x, y };
  }
  if (Object.keys(layouts).length === 0)
    throw new SchemaError(
      `payload.layouts must hold at least one of ${CONNECTOME_LAYOUTS.join(", ")}`,
    );
  const chemical = decodeEdges(p.chemical, "payload.chemical", n);
  const electrical = decodeEdges(p.electrical, "payload.electrical", n);
  return {
    title,
    citation,
    names,
    types,
    neurotransmitters,
    classes,
    communities,
    layers,
    layouts,
    chemical,
    electrical,
  };
}

function describe(v: unknown): string {
  return describeValue(v);
}
