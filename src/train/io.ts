/**
 * Save and load a model as plain JSON (architecture, seed, parameter names, shapes and byte
 * ranges) plus one binary block of little-endian float32 parameter values, rows without padding,
 * in the order of `model.parameters`.
 */
import { surrogateFrom } from "./surrogate.js";
import type { LayerSpec } from "./layers.js";
import { SpikingModel } from "./model.js";
import { describeValue } from "../core/describe.js";

/** The JSON half of a saved model. */
export interface SavedModel {
  format: "neurolab.train.model";
  version: 1;
  inputs: number;
  seed: number;
  layers: Record<string, unknown>[];
  parameters: { name: string; rows: number; cols: number; byteOffset: number }[];
}

/**
 * The model's description (JSON-safe) and its parameter values (binary).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const model = new train.SpikingModel({ inputs: 4, layers: [train.lif({ size: 8 }), train.readout({ size: 2 })], seed: 1 });
 * const { json, binary } = train.saveModel(model); // plain JSON + the parameters as bytes
 * const again = train.loadModel(json, binary);
 * ```
 */
export function saveModel(model: SpikingModel): { json: SavedModel; binary: Uint8Array } {
  const layers = model.layers.map((l) =>
    l.type === "lif"
      ? { ...l, surrogate: { kind: l.surrogate.kind, params: { ...l.surrogate.params } } }
      : { ...l },
  );
  const parameters: SavedModel["parameters"] = [];
  let bytes = 0;
  for (const p of model.parameters) {
    parameters.push({ name: p.name, rows: p.rows, cols: p.cols, byteOffset: bytes });
    bytes += p.rows * p.cols * 4;
  }
  const binary = new Uint8Array(bytes);
  const view = new DataView(binary.buffer);
  parameters.forEach((p) => {
    const v = model.get(p.name);
    for (let k = 0; k < v.length; k++) view.setFloat32(p.byteOffset + 4 * k, v[k], true);
  });
  return {
    json: {
      format: "neurolab.train.model",
      version: 1,
      inputs: model.inputs,
      seed: model.seed,
      layers,
      parameters,
    },
    binary,
  };
}

/**
 * Rebuilds a saved model (values bitwise as saved).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const saved = train.saveModel(new train.SpikingModel({ inputs: 4, layers: [train.readout({ size: 2 })], seed: 1 }));
 * const model = train.loadModel(JSON.parse(JSON.stringify(saved.json)), saved.binary); // e.g. after writing both to disk
 * ```
 */
export function loadModel(
  json: SavedModel,
  binary: Uint8Array,
  opts: { wasm?: boolean } = {},
): SpikingModel {
  if (!json || json.format !== "neurolab.train.model" || json.version !== 1)
    throw new RangeError(`json must be a saved model (format "neurolab.train.model", version 1)`);
  const layers = json.layers.map((l, k): LayerSpec => {
    if (l.type === "lif") {
      const s = l.surrogate as { kind: string; params: Record<string, number> };
      return { ...(l as object), surrogate: surrogateFrom(s.kind, s.params) } as LayerSpec;
    }
    if (l.type === "readout" || l.type === "meta" || l.type === "elm")
      return l as unknown as LayerSpec;
    throw new RangeError(
      `json.layers[${k}].type must be "lif", "meta", "elm" or "readout", got ${describeValue(l.type)}`,
    );
  });
  const model = new SpikingModel({ inputs: json.inputs, layers, seed: json.seed, wasm: opts.wasm });
  const view = new DataView(binary.buffer, binary.byteOffset, binary.byteLength);
  for (const p of json.parameters) {
    const len = p.rows * p.cols;
    if (p.byteOffset < 0 || p.byteOffset + 4 * len > binary.byteLength)
      throw new RangeError(
        `binary is too short for parameter ${p.name} (needs bytes up to ${p.byteOffset + 4 * len}, has ${binary.byteLength})`,
      );
    const v = new Float32Array(len);
    for (let k = 0; k < len; k++) v[k] = view.getFloat32(p.byteOffset + 4 * k, true);
    model.set(p.name, v);
  }
  return model;
}
