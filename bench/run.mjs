#!/usr/bin/env node
// `npm run bench -- <suite...> [--repeats N] [--only <text>]` (in any order): runs neurolab and its peer (Brian2,
// rsatoolbox, ...) on the same cases in one run, each side as a fresh process per repeat,
// interleaved (ours, peer, ours, peer, ...), and prints a table of
// medians and ratios (neurolab / peer; < 1 means neurolab is faster). Writes
// bench/results/<suite>.json: one record per case with case, neurolab_s, peer, peer_s, ratio
// (medians of the timed section), the whole-process times and ratio, and machine info.
//
// A case is a pair of scripts that print one JSON line {"seconds": <timed section>, ...stats}.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, peersPython, setup } from "../kernel/scripts/setup.mjs";
import { benchUsage, parseBenchArgs } from "./args.mjs";

const SUITES = fs
  .readdirSync(path.join(ROOT, "bench"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, "bench", d.name, "cases.json")))
  .map((d) => d.name);

const parsed = parseBenchArgs(process.argv.slice(2), SUITES);
if (parsed.error) {
  console.error(`${parsed.error}\n${benchUsage(SUITES)}`);
  process.exit(2);
}
const { suites, repeats, only } = parsed;

setup({ jupyter: false, peers: true });

/** Runs a script once; returns its timed seconds (what it printed), its process wall time and its stats. */
function runOnce(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(cmd, argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed:\n${res.stderr}`);
  const line = res.stdout.trim().split("\n").pop();
  const stats = JSON.parse(line);
  if (!(typeof stats.seconds === "number"))
    throw new Error(`${argv.join(" ")} printed no "seconds": ${line}`);
  return { timed: stats.seconds, whole: wall, stats };
}

/**
 * Runs each command `repeats` times, interleaved (ours, peer 1, peer 2, ours, ...), so a change
 * in the machine's load affects all sides alike; returns per command the median timed seconds,
 * the median process seconds and the last stats.
 */
function measureInterleaved(commands) {
  const runs = commands.map(() => []);
  for (let r = 0; r < repeats; r++)
    commands.forEach(([cmd, argv], k) => runs[k].push(runOnce(cmd, argv)));
  return runs.map((rs) => ({
    timed: median(rs.map((x) => x.timed)),
    whole: median(rs.map((x) => x.whole)),
    stats: rs[rs.length - 1].stats,
  }));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memory_GiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  repeats,
  date: new Date().toISOString(),
};

for (const suite of suites) {
  const dir = path.join(ROOT, "bench", suite);
  const cases = JSON.parse(fs.readFileSync(path.join(dir, "cases.json"), "utf8")).filter(
    (c) => !only || c.name.includes(only),
  );
  const records = [];
  console.log(`\n${suite}: ${cases.length} case(s), median of ${repeats} runs each`);
  console.log(
    `${"case".padEnd(34)} ${"neurolab s".padStart(11)} ${"peer".padEnd(22)} ${"peer s".padStart(9)} ${"ratio".padStart(7)}   ${"process ratio".padStart(13)}`,
  );
  for (const c of cases) {
    const [ours, ...peers] = measureInterleaved([
      [process.execPath, [path.join(dir, c.neurolab), ...(c.args ?? [])]],
      // A peer script ending in .mjs (e.g. tfjs) runs in Node, the others in the peers' Python.
      ...c.peers.map((peer) => [
        peer.script.endsWith(".mjs") ? process.execPath : peersPython(),
        [path.join(dir, peer.script), ...(peer.args ?? []), ...(c.args ?? [])],
      ]),
    ]);
    if (c.peers.length === 0) {
      // A neurolab-only measurement (e.g. scaling): no ratio.
      records.push({
        case: c.name,
        neurolab_s: ours.timed,
        peer: null,
        peer_s: null,
        ratio: null,
        neurolab_process_s: ours.whole,
        neurolab_stats: ours.stats,
        machine,
      });
      console.log(
        `${c.name.padEnd(34)} ${ours.timed.toFixed(4).padStart(11)} ${"(no peer)".padEnd(22)} ${JSON.stringify(ours.stats)}`,
      );
    }
    for (const [k, peer] of c.peers.entries()) {
      const theirs = peers[k];
      const record = {
        case: c.name,
        neurolab_s: ours.timed,
        peer: peer.name,
        peer_s: theirs.timed,
        ratio: ours.timed / theirs.timed,
        neurolab_process_s: ours.whole,
        peer_process_s: theirs.whole,
        process_ratio: ours.whole / theirs.whole,
        neurolab_stats: ours.stats,
        peer_stats: theirs.stats,
        machine,
      };
      records.push(record);
      console.log(
        `${c.name.padEnd(34)} ${ours.timed.toFixed(4).padStart(11)} ${peer.name.padEnd(22)} ${theirs.timed.toFixed(4).padStart(9)} ${record.ratio.toFixed(3).padStart(7)}   ${record.process_ratio.toFixed(3).padStart(13)}`,
      );
    }
  }
  const out = path.join(ROOT, "bench", "results", `${suite}.json`);
  // With --only, the other cases' earlier records are kept.
  const kept =
    only && fs.existsSync(out)
      ? JSON.parse(fs.readFileSync(out, "utf8")).filter((r) => !r.case.includes(only))
      : [];
  fs.writeFileSync(out, JSON.stringify([...kept, ...records], null, 2) + "\n");
  console.log(`wrote ${path.relative(ROOT, out)}`);
}
