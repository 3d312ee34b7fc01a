/**
 * Fuzz: a figure the library makes always renders. Whatever titles, names, labels and values
 * the user passes, the MIME bundle either carries a widget payload that the widgets' own
 * validator (the schema decoders the extension runs) accepts, or, when there is nothing the
 * widget can draw, only the static SVG and the text, never a payload the widget rejects.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activityFigure,
  connectome as C,
  MIME_BUNDLE,
  Network,
  rdmFigure,
  rsa,
  schema,
} from "../../src/index.js";
import { params } from "./fuzzHarness.js";

type Bundle = Record<string, unknown>;
const bundleOf = (x: unknown): Bundle => (x as { [MIME_BUNDLE](): Bundle })[MIME_BUNDLE]();

/** Any text a user might type, including very long and non-BMP strings. */
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 180, maxLength: 2600, unit: "grapheme" }),
  fc.constantFrom(
    "x".repeat(501),
    "\u{1F9E0}".repeat(300),
    "é".repeat(2001),
    "<script>alert(1)</script>",
    "",
  ),
);

/** The bundle is well formed: always SVG and text; the payload, when present, passes `decode`. */
function expectRenders(
  b: Bundle,
  mime: string,
  decode: (v: unknown) => unknown,
  context: string,
): void {
  expect(typeof b["image/svg+xml"], context).toBe("string");
  expect(typeof b["text/plain"], context).toBe("string");
  if (mime in b) {
    const payload = JSON.parse(JSON.stringify(b[mime])); // as the kernel sends it
    expect(() => decode(payload), context).not.toThrow();
  }
}

describe("fuzz: library output always passes the schema validator", { timeout: 60_000 }, () => {
  it("raster: any title and population names", () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 1, max: 5 }), (title, name, seed) => {
        const net = new Network({ seed });
        const a = net.addPoisson(name === "" ? "p" : name, { size: 5, rate_Hz: 200 });
        const b = net.addPoisson(`${name}2`, { size: 3, rate_Hz: 100 });
        const spikes = net.monitorSpikes([a, b]);
        net.run(20);
        const bundle = bundleOf(spikes.raster({ title }));
        expect(schema.RASTER_MIME in bundle).toBe(true);
        expectRenders(bundle, schema.RASTER_MIME, schema.decodeRaster, "raster");
      }),
      params(51, 60),
    );
  });

  it("rdm: any title and labels; NaN-only RDMs (e.g. the geo-topological transform of a constant RDM)", () => {
    fc.assert(
      fc.property(
        text,
        fc.array(text, { minLength: 4, maxLength: 4 }),
        fc.array(fc.constantFrom("finite", "constant", "nan", "partial"), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (title, labels, kinds, lower) => {
          const vectors = kinds.map((k, r) =>
            k === "finite"
              ? [1, 2, 3, 4, 5, 6].map((x) => x * (r + 1))
              : k === "constant"
                ? [2, 2, 2, 2, 2, 2]
                : k === "nan"
                  ? [NaN, NaN, NaN, NaN, NaN, NaN]
                  : [1, NaN, 3, 4, NaN, 6],
          );
          const rdms = rsa.makeRdms(vectors, { patternDescriptors: { label: labels } });
          const transformed = rsa.geotopologicalTransform(rdms, { lower, upper: 1 });
          for (const r of [rdms, transformed]) {
            expectRenders(
              bundleOf(rdmFigure(r, { title, labels: "label" })),
              schema.RDM_MIME,
              schema.decodeRdm,
              "rdmFigure",
            );
            expectRenders(bundleOf(r), schema.RDM_MIME, schema.decodeRdm, "RDM set");
          }
        },
      ),
      params(52, 40),
    );
    const constant = rsa.geotopologicalTransform(rsa.makeRdms([[2, 2, 2, 2, 2, 2]]), {
      lower: 0.2,
      upper: 0.8,
    });
    const bundle = bundleOf(constant);
    expect(schema.RDM_MIME in bundle).toBe(false);
    expect(bundle["text/plain"]).toMatch(/all NaN, not drawn: RDM 1/);
  });

  it("rdm: more RDMs than the widget takes: the first 64 are sent, the text says so", () => {
    const many = rsa.makeRdms(Array.from({ length: 70 }, (_, r) => [1, 2, 3, 4, 5, 6 + r]));
    const bundle = bundleOf(rdmFigure(many, { mds: false }));
    expectRenders(bundle, schema.RDM_MIME, schema.decodeRdm, "70 RDMs");
    expect(
      schema.decodeRdm(JSON.parse(JSON.stringify(bundle[schema.RDM_MIME]))).rdmNames,
    ).toHaveLength(schema.RDM_MAX_RDMS);
    expect(bundle["text/plain"]).toMatch(/the interactive widget shows the first 64/);
  });

  it("connectome: any title and connectome name", () => {
    fc.assert(
      fc.property(text, text, (title, name) => {
        const c = C.buildConnectome(
          [
            { pre: "ADAL", post: "ADAR", type: "chemical", count: 2 },
            { pre: "AVAL", post: "AVAR", type: "electrical", count: 1 },
            { pre: "AVAL", post: "MDL01", type: "chemical", count: 3 },
          ],
          { name, citation: title.repeat(2) },
        );
        expectRenders(
          bundleOf(C.selectCells(c, () => true)),
          schema.CONNECTOME_MIME,
          schema.decodeConnectome,
          "connectome",
        );
      }),
      params(53, 40),
    );
  });

  it("activity: any title, quantity and labels", () => {
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(text, { minLength: 2, maxLength: 2 }),
        (title, quantity, labels) => {
          const fig = activityFigure(
            {
              data: Float64Array.from([1, 2, 3, NaN, 5, 6]),
              nNeurons: 2,
              nTimes: 3,
              dt_s: 0.5,
              labels,
            },
            { title, quantity },
          );
          expectRenders(bundleOf(fig), schema.ACTIVITY_MIME, schema.decodeActivity, "activity");
        },
      ),
      params(54, 100),
    );
  });

  it("fitText keeps strings within the limit without splitting a surrogate pair", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 600, unit: "binary" }),
        fc.integer({ min: 2, max: 500 }),
        (s, max) => {
          const out = schema.fitText(s, max);
          expect(out.length).toBeLessThanOrEqual(max);
          if (s.length <= max) expect(out).toBe(s);
          else expect(out.endsWith("\u2026")).toBe(true);
        },
      ),
      params(55),
    );
    expect(schema.fitText("\u{1F9E0}".repeat(3), 4)).toBe("\u{1F9E0}\u2026");
  });
});
