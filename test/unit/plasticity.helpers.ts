// Shared by the plasticity tests: NEST 3.10 (test/reference/nest_stdp.py) and neurolab runs of
// plastic synapses on given spike times, recording the weight after every presynaptic spike.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  Network,
  type Rng,
  oneToOne,
  type Synapses,
  type SynapsesOptions,
} from "../../src/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

const ROOT = path.resolve(__dirname, "..", "..");
export const DT = 0.1;

export interface NestCase {
  dt_ms: number;
  duration_ms: number;
  synapse_model: string;
  syn: Record<string, number>;
  post?: Record<string, number>;
  pre_times: number[][];
  post_times: number[][];
  common?: Record<string, number>;
  dopamine_times?: number[];
}

/** Runs test/reference/nest_stdp.py on a case: the weight after each presynaptic spike, per pair. */
export function runNest(c: NestCase): { weights: number[][]; final: number[]; syn: Synapses } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-nest-stdp-"));
  const file = path.join(dir, "case.json");
  fs.writeFileSync(file, JSON.stringify(c));
  const out = execFileSync(
    peersPython(),
    [path.join(ROOT, "test", "reference", "nest_stdp.py"), file],
    { encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "ignore"] },
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return JSON.parse(out.trim().split("\n").pop()!);
}

/** Runs our synapse model on the same spike times: the weight after each presynaptic spike's on_pre, per pair. */
export function runOurs(
  pre: number[][],
  post: number[][],
  model: Omit<SynapsesOptions, "rule">,
  duration_ms: number,
  dt_ms = DT,
): { weights: number[][]; final: number[]; syn: Synapses } {
  const net = new Network({ dt_ms, seed: 1 });
  const flat = (trains: number[][]) => ({
    neurons: trains.flatMap((tr, k) => tr.map(() => k)),
    times_ms: trains.flat(),
  });
  const a = net.addSpikeGenerator("pre", { size: pre.length, ...flat(pre) });
  const b = net.addSpikeGenerator("post", { size: post.length, ...flat(post) });
  const syn = net.connect(a, b, { rule: oneToOne(), ...model });
  // A spike stamped at T lives in the step starting at T - dt; on_pre runs delay/dt steps later.
  const dSteps = Math.round(((model.delay_ms as number | undefined) ?? 0) / dt_ms);
  const due = new Map<number, number[]>();
  pre.forEach((tr, k) =>
    tr.forEach((t) =>
      due.set(Math.round(t / dt_ms) - 1 + dSteps, [
        ...(due.get(Math.round(t / dt_ms) - 1 + dSteps) ?? []),
        k,
      ]),
    ),
  );
  const weights = pre.map(() => [] as number[]);
  net.addOperation(
    (t) => {
      const ks = due.get(Math.round(t / dt_ms));
      if (ks) for (const k of ks) weights[k].push(syn.variable("w")[k]);
    },
    { when: "end" },
  );
  net.run(duration_ms);
  return { weights, final: Array.from(syn.variable("w")), syn };
}

/** Poisson trains on the dt grid (rate in Hz), in [start, end) ms. */
export function poissonTrain(
  rng: Rng,
  rate_Hz: number,
  start_ms: number,
  end_ms: number,
): number[] {
  const out: number[] = [];
  const p = rate_Hz * DT * 1e-3;
  for (let n = Math.round(start_ms / DT); n < Math.round(end_ms / DT); n++)
    if (rng.uniform() < p) out.push(Number((n * DT).toFixed(1)));
  return out;
}
