import { describe, expect, it } from "vitest";
import { Network, fixedProbability, allToAll, MIME_BUNDLE } from "../../src/index.js";
import { formatBytes, formatCount, formatMs } from "../../src/network/summary.js";

function bundle(x: unknown): Record<string, string> {
  return (x as { [MIME_BUNDLE](): Record<string, string> })[MIME_BUNDLE]();
}

function small() {
  const net = new Network({ dt_ms: 0.1, seed: 7 });
  const input = net.addPoisson("input", { size: 50, rate_Hz: 20 });
  const exc = net.addLif("exc", {
    size: 40,
    receptors: { ampa: { kind: "conductance", kernel: "exp", tau_ms: 5, eRev_mV: 0 } },
  });
  net.connect(input, exc, {
    rule: fixedProbability(0.2),
    receptor: "ampa",
    weight_nS: 2,
    delay_ms: 1.5,
  });
  net.connect(exc, exc, { rule: allToAll(), weight_mV: (rng) => rng.uniform() });
  const spikes = net.monitorSpikes([input, exc]);
  return { net, input, exc, spikes };
}

describe("network and population summaries", () => {
  it("formats counts, bytes and times without noise", () => {
    expect(formatCount(239114)).toBe("239,114");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 kB");
    expect(formatBytes(5.6 * 2 ** 20)).toBe("5.6 MB");
    expect(formatMs(28844.800000000003)).toBe("28844.8 ms");
  });

  it("lists populations and projections before the network is built, without building it", () => {
    const { net } = small();
    const text = bundle(net)["text/plain"];
    expect(text).toContain("not built yet");
    expect(text).toMatch(/populations: 2, 90 neurons/);
    expect(text).toMatch(/input\s+poisson\s+50\s+-\s+rate 20 Hz/);
    expect(text).toMatch(/exc\s+lif\s+40\s+.*receptors: delta, ampa/);
    expect(text).toMatch(/input\s+exc\s+ampa\s+2 nS\s+1.5 ms\s+-\s+-/);
    expect(text).toMatch(/exc\s+exc\s+delta\s+per synapse \(mV\)\s+0.1 ms \(one step\)/);
    expect(text).toContain("SpikeMonitor(input, exc, 0 spikes)");
    // Still not built: the repr did not build it.
    expect(bundle(net)["text/plain"]).toContain("not built yet");
  });

  it("shows synapse counts and memory equal to the network's own once built", () => {
    const { net, spikes } = small();
    net.run(20);
    const text = bundle(net)["text/plain"];
    expect(text).not.toContain("not built yet");
    expect(text).toContain(`t = 20 ms (200 steps)`);
    const total = net.synapseCount;
    expect(text).toContain(
      `projections: 2, ${formatCount(total)} synapses, ${formatBytes(net.connectivityBytes)}`,
    );
    // all-to-all within exc (self-connections included): 40 x 40 synapses, 4 bytes of column
    // index and 4 of float32 weight each, plus 41 row pointers of 4 bytes.
    expect(text).toMatch(
      new RegExp(
        `\\n\\s+exc\\s+exc\\s+delta\\s+per synapse \\(mV\\)\\s+0.1 ms \\(one step\\)\\s+1,600\\s+${formatBytes(1600 * 8 + 41 * 4)}\\n`,
      ),
    );
    const fromInput = total - 1600;
    expect(text).toMatch(
      new RegExp(
        `\\n\\s+input\\s+exc\\s+ampa\\s+2 nS\\s+1.5 ms\\s+${formatCount(fromInput)}\\s+${formatBytes(fromInput * 4 + 51 * 4)}\\n`,
      ),
    );
    expect(text).toContain(`SpikeMonitor(input, exc, ${formatCount(spikes.count)} spikes)`);
    expect(text).toContain("3. synapses: input -> exc: spike delivery");
    expect(text).toContain("4. synapses: exc -> exc: spike delivery"); // the built plan, in order
  });

  it("renders script-free HTML with escaped names", () => {
    const net = new Network();
    net.addLif("<img src=x onerror=alert(1)>", { size: 3 });
    const html = bundle(net)["text/html"];
    expect(html).not.toContain("<img");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;");
    expect(html).toContain("<table");
  });

  it("summarises a population with its parameters", () => {
    const { exc, input } = small();
    const text = bundle(exc)["text/plain"];
    expect(text.split("\n")[0]).toBe('NeuronGroup "exc"');
    expect(text).toContain("tauM_ms = 10");
    expect(bundle(input)["text/plain"]).toMatch(/input\s+poisson\s+50\s+-\s+rate 20 Hz/);
  });
});
