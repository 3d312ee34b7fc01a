import { describe, expect, it } from "vitest";
import {
  RASTER_MIME,
  SchemaError,
  base64ToBytes,
  base64ToTypedArray,
  bytesToBase64,
  decodeRaster,
  encodeRaster,
  typedArrayToBase64,
} from "../../src/schema/index.js";

function sampleRaster() {
  return {
    title: "test <b>",
    tStart_ms: 0,
    tStop_ms: 100,
    nNeurons: 10,
    populations: [
      { name: "exc", start: 0, size: 8 },
      { name: "inh", start: 8, size: 2 },
    ],
    times_ms: Float32Array.from([0.1, 5, 99.9, 100]),
    neurons: Uint32Array.from([0, 9, 3, 8]),
  };
}

describe("base64 codec", () => {
  it("agrees with Node's Buffer for every length and byte value", () => {
    for (let len = 0; len < 40; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + len * 13) & 255);
      const b64 = bytesToBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString("base64"));
      expect(Array.from(base64ToBytes(b64))).toEqual(Array.from(bytes));
    }
    const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString("base64"));
  });

  it("round-trips typed arrays, including a subarray view", () => {
    const f = Float64Array.from([1.5, -2, Math.PI, 1e-300]);
    expect(Array.from(base64ToTypedArray(typedArrayToBase64(f), "float64"))).toEqual(Array.from(f));
    const view = Int32Array.from([1, 2, 3, 4, 5]).subarray(1, 4);
    expect(Array.from(base64ToTypedArray(typedArrayToBase64(view), "int32"))).toEqual([2, 3, 4]);
  });

  it("rejects malformed text, naming the field", () => {
    expect(() => base64ToBytes("abc", "f")).toThrow(/f: base64 length 3/);
    expect(() => base64ToBytes("ab$=", "f")).toThrow(/f: invalid base64 character at offset 2/);
    expect(() => base64ToTypedArray("AAAAAAA=", "float32", "g")).toThrow(
      /g: 5 bytes is not a whole number of float32 values/,
    );
  });
});

describe("raster payload", () => {
  it("round-trips through JSON and stays within 8 bytes per spike before base64", () => {
    const payload = encodeRaster(sampleRaster());
    expect(RASTER_MIME).toBe("application/vnd.neurolab.raster.v1+json");
    const back = decodeRaster(JSON.parse(JSON.stringify(payload)));
    expect(Array.from(back.neurons)).toEqual([0, 9, 3, 8]);
    expect(Array.from(back.times_ms)).toEqual(Array.from(sampleRaster().times_ms));
    expect(back.title).toBe("test <b>");
    const raw =
      base64ToBytes(payload.spike_times_ms).length + base64ToBytes(payload.spike_neurons).length;
    expect(raw / payload.n_spikes).toBe(8);
  });

  const bad: [string, (p: Record<string, unknown>) => void, RegExp][] = [
    ["wrong version", (p) => (p.version = 2), /payload.version must be 1/],
    ["wrong schema", (p) => (p.schema = "other"), /payload.schema/],
    ["NaN window", (p) => (p.t_stop_ms = NaN), /payload.t_stop_ms must be a finite number/],
    ["reversed window", (p) => (p.t_stop_ms = -1), /t_stop_ms .* must be >= payload.t_start_ms/],
    [
      "spike count mismatch",
      (p) => (p.n_spikes = 3),
      /spike_times_ms holds 4 values, payload.n_spikes says 3/,
    ],
    [
      "neuron out of range",
      (p) => (p.n_neurons = 5),
      /populations\[0\].size|spike_neurons\[1\] = 9 is outside/,
    ],
    [
      "NaN spike time",
      (p) => (p.spike_times_ms = typedArrayToBase64(Float32Array.from([NaN, 1, 2, 3]))),
      /spike_times_ms\[0\] = NaN is outside/,
    ],
    ["missing field", (p) => delete p.spike_neurons, /payload.spike_neurons must be a string/],
    [
      "populations not an array",
      (p) => (p.populations = "x"),
      /payload.populations must be an array/,
    ],
    [
      "huge title",
      (p) => (p.title = "x".repeat(10_000)),
      /payload.title must be at most 500 characters/,
    ],
  ];
  for (const [name, mutate, message] of bad) {
    it(`rejects a payload with ${name}`, () => {
      const p = encodeRaster(sampleRaster()) as unknown as Record<string, unknown>;
      mutate(p);
      expect(() => decodeRaster(p)).toThrow(SchemaError);
      expect(() => decodeRaster(p)).toThrow(message);
    });
  }

  it("rejects non-objects", () => {
    expect(() => decodeRaster(null)).toThrow(/payload must be an object, got null/);
    expect(() => decodeRaster([1])).toThrow(/got an array/);
  });
});
