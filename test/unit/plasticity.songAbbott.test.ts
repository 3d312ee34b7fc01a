// Song, Miller & Abbott 2000 as Brian2's STDP example (1000 Poisson inputs -> one neuron, 100 s):
// the final weights are bimodal, and their histogram matches Brian2 2.9's (cpp_standalone, in the
// peers venv) on the same statistics: mass near 0 and near gmax, and the output rate.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { plasticity } from "../../src/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const ROOT = path.resolve(__dirname, "..", "..");

function histogram(w: Float64Array, gmax: number): number[] {
  const h = new Array(10).fill(0);
  for (const x of w) h[Math.min(9, Math.floor((x / gmax) * 10))]++;
  return h;
}

describe("Song, Miller & Abbott 2000 with stdpPair", () => {
  it("weights become bimodal, as Brian2's example on the same statistics", () => {
    const ours = [1, 2, 3].map((seed) => {
      const m = plasticity.songAbbott2000({ seed });
      m.net.run(100_000);
      return { hist: histogram(m.synapses.variable("w"), 0.01), rate_Hz: m.spikes.count / 100 };
    });
    const out = execFileSync(
      peersPython(),
      [
        path.join(ROOT, "bench", "plasticity", "song_abbott.py"),
        "cpp_standalone",
        "0",
        "100000",
        "1000",
      ],
      { encoding: "utf8", timeout: 600_000, stdio: ["ignore", "pipe", "ignore"] },
    );
    const brian = JSON.parse(out.trim().split("\n").pop()!) as { hist: number[]; rate_Hz: number };
    const low = (h: number[]) => (h[0] + h[1]) / 1000;
    const high = (h: number[]) => (h[8] + h[9]) / 1000;
    const middle = (h: number[]) => h.slice(2, 8).reduce((a, b) => a + b, 0) / 6;
    for (const h of [brian.hist, ...ours.map((o) => o.hist)]) {
      // Bimodal: both edge bins hold well over the middle bins' mean.
      expect(h[0]).toBeGreaterThan(2 * middle(h));
      expect(h[9]).toBeGreaterThan(2 * middle(h));
    }
    const mean = (f: (o: (typeof ours)[number]) => number) =>
      ours.reduce((a, o) => a + f(o), 0) / ours.length;
    expect(Math.abs(mean((o) => low(o.hist)) - low(brian.hist))).toBeLessThan(0.08);
    expect(Math.abs(mean((o) => high(o.hist)) - high(brian.hist))).toBeLessThan(0.08);
    expect(Math.abs(mean((o) => o.rate_Hz) - brian.rate_Hz)).toBeLessThan(0.2 * brian.rate_Hz);
  }, 900_000);
});
