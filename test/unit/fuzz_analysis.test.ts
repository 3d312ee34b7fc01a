/**
 * Fuzz: spike-train statistics with hostile spike data and options (see fuzzHarness.ts).
 * Statistics that are undefined for the data (a CV with fewer than two intervals, a Fano factor
 * of empty counts) are NaN by Elephant's definitions; everything else is finite.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import {
  autoCorrelogram,
  coefficientOfVariation,
  crossCorrelogram,
  fanoFactor,
  fanoFactorAcrossTrains,
  fanoFactorPerNeuron,
  firingRates_Hz,
  isiIntervals,
  localVariation,
  pairwiseSpikeCountCorrelation,
  populationRate_Hz,
  spikeCountsPerNeuron,
  spikeTrainSynchrony,
  type SpikeEvents,
} from "../../src/index.js";
import {
  badNumber,
  badValue,
  expectFiniteResult,
  expectGraceful,
  expectRejected,
  params,
  wrongType,
  show,
} from "./fuzzHarness.js";

/** Valid events: sorted times in a window, neuron indices in range. */
const events = fc
  .record({
    nNeurons: fc.integer({ min: 1, max: 6 }),
    times: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 40 }),
    seed: fc.nat(),
  })
  .map(({ nNeurons, times, seed }): SpikeEvents => {
    const t = Float64Array.from(times).sort();
    return {
      times_ms: t,
      neurons: Int32Array.from(t, (_, k) => (k * 7 + seed) % nNeurons),
      nNeurons,
      tStart_ms: 0,
      tStop_ms: 100,
    };
  });

const ON_SPIKES: Record<string, (s: SpikeEvents) => unknown> = {
  spikeCountsPerNeuron: (s) => spikeCountsPerNeuron(s),
  firingRates_Hz: (s) => firingRates_Hz(s),
  populationRate_Hz: (s) => populationRate_Hz(s, { binWidth_ms: 5 }),
  isiIntervals: (s) => isiIntervals(s),
  coefficientOfVariation: (s) => coefficientOfVariation(s),
  localVariation: (s) => localVariation(s),
  fanoFactorAcrossTrains: (s) => fanoFactorAcrossTrains(s),
  fanoFactorPerNeuron: (s) => fanoFactorPerNeuron(s, { binWidth_ms: 10 }),
  pairwiseSpikeCountCorrelation: (s) => pairwiseSpikeCountCorrelation(s, { binWidth_ms: 10 }),
  spikeTrainSynchrony: (s) => spikeTrainSynchrony(s, { binWidth_ms: 5 }),
};

const FIELDS = [
  "spikes",
  "times_ms",
  "neurons",
  "nNeurons",
  "tStart_ms",
  "tStop_ms",
  "offsets",
  "binWidth_ms",
];

describe("fuzz: spike-train statistics", { timeout: 60_000 }, () => {
  it("valid spikes give finite statistics (NaN only where undefined by definition)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ON_SPIKES)), events, (name, s) => {
        expectGraceful(
          () => ON_SPIKES[name](s),
          FIELDS,
          name,
          (v) => expectFiniteResult(v, name, true),
        );
      }),
      params(41),
    );
  });

  it("a corrupted field (NaN, Infinity, negative, wrong type, unsorted, out of range) is refused by name", () => {
    const corrupt = fc.oneof(
      fc.record({
        field: fc.constantFrom("tStart_ms", "tStop_ms", "nNeurons"),
        value: fc.oneof(badNumber, wrongType),
      }),
      fc.record({
        field: fc.constant("times_ms"),
        value: fc.constantFrom(
          Float64Array.from([5, 1]),
          Float64Array.from([NaN]),
          Float64Array.from([Infinity]),
          null,
          "1",
        ),
      }),
      fc.record({
        field: fc.constant("neurons"),
        value: fc.constantFrom(Int32Array.from([99]), Int32Array.from([-1]), null, "x"),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ON_SPIKES)), corrupt, (name, { field, value }) => {
        const s = {
          times_ms: Float64Array.from([1]),
          neurons: Int32Array.from([0]),
          nNeurons: 2,
          tStart_ms: 0,
          tStop_ms: 10,
        } as Record<string, unknown>;
        s[field] = value;
        if (
          field === "tStart_ms" &&
          typeof value === "number" &&
          Number.isFinite(value) &&
          value < 10 &&
          value <= 1
        )
          return; // still a valid window
        if (
          field === "tStop_ms" &&
          typeof value === "number" &&
          Number.isFinite(value) &&
          value > 0
        )
          return;
        if (
          field === "nNeurons" &&
          typeof value === "number" &&
          Number.isInteger(value) &&
          value >= 1 &&
          value <= 2 ** 26
        )
          return;
        expectRejected(
          () => ON_SPIKES[name](s as unknown as SpikeEvents),
          FIELDS,
          `${name} with ${field} = ${show(value)}`,
        );
      }),
      params(42),
    );
  });

  it("not spike data at all, and bad bin widths, are refused by name", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(ON_SPIKES)),
        wrongType,
        badValue,
        (name, s, width) => {
          expectRejected(() => ON_SPIKES[name](s as never), FIELDS, `${name}(${show(s)})`);
          const ok: SpikeEvents = {
            times_ms: Float64Array.from([1, 2]),
            neurons: Int32Array.from([0, 1]),
            nNeurons: 2,
            tStart_ms: 0,
            tStop_ms: 10,
          };
          if (!(typeof width === "number" && width > 0 && Number.isFinite(width))) {
            expectRejected(
              () => populationRate_Hz(ok, { binWidth_ms: width as number }),
              ["binWidth_ms"],
              `binWidth ${show(width)}`,
            );
            expectRejected(
              () =>
                crossCorrelogram(ok.times_ms, ok.times_ms, {
                  binWidth_ms: width as number,
                  maxLag_ms: 5,
                } as never),
              ["binWidth_ms"],
              `correlogram binWidth ${show(width)}`,
            );
          }
          if (!Array.isArray(s))
            expectRejected(() => fanoFactor(s as never), ["counts"], `fanoFactor(${show(s)})`);
          if (!Array.isArray(s))
            expectRejected(
              () => autoCorrelogram(s as never, { binWidth_ms: 1, maxLag_ms: 5 } as never),
              ["times_ms"],
              `autoCorrelogram(${show(s)})`,
            );
        },
      ),
      params(43),
    );
  });
});
