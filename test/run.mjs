#!/usr/bin/env node
// `npm test`: set up (idempotently) and run every test suite against the real parts:
//   lint      ESLint and `prettier --check` (seconds; a failure stops the run: `npm run lint`,
//             `npm run format` fix most findings)
//   unit      vitest: library and payload schema
//   python    pytest in the project venv: the kernel (jupyter_client, jupyter_kernel_test),
//             every notebook executed with nbclient, the extension's wheel
//   browser   node:test + playwright-core + Debian Chromium: the built extension in a real JupyterLab
// Prints one summary line "summary: N passed, N failed" and the total time.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PEER_DATA_MIRROR, PYTHON, ROOT, setup } from "../kernel/scripts/setup.mjs";

const ARTIFACTS = path.join(ROOT, "test", "artifacts");
// Tests and notebooks read the pinned data from offline mirrors: the shared folder beside the
// checkout (or the directories already in the variable), then the files setup --peers extracts
// from pinned peer packages (data that may not be redistributed, e.g. the GPL ganglia table).
const mirrors = (
  process.env.NEUROLAB_DATA_MIRROR || path.resolve(ROOT, "..", "shared", "data")
).split(path.delimiter);
process.env.NEUROLAB_DATA_MIRROR = [...new Set([...mirrors, PEER_DATA_MIRROR])].join(
  path.delimiter,
);
const only = process.argv.slice(2);
const t0 = Date.now();
fs.mkdirSync(ARTIFACTS, { recursive: true });

function section(name) {
  process.stdout.write(`\n=== ${name} ===\n`);
}

/** Runs a suite; returns its counts read from the report file `parse` understands. */
function suite(name, cmd, args, report, parse, env = {}) {
  section(name);
  const start = Date.now();
  fs.rmSync(report, { force: true });
  const res = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const seconds = (Date.now() - start) / 1000;
  let counts = { passed: 0, failed: 0, skipped: 0 };
  if (fs.existsSync(report)) counts = parse(fs.readFileSync(report, "utf8"));
  // A runner that crashed or exited non-zero without reporting a failure still fails the suite.
  if (res.status !== 0 && counts.failed === 0) counts.failed = 1;
  if (res.status === 0 && counts.passed === 0) counts.failed += 1; // a suite that ran nothing is a failure
  return { name, seconds, ...counts };
}

function parseVitest(text) {
  const r = JSON.parse(text);
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests,
    skipped: r.numPendingTests + (r.numTodoTests ?? 0),
  };
}

/** Sums the <testsuite> counters of a JUnit XML report. */
function parseJunit(text) {
  let tests = 0,
    failed = 0,
    skipped = 0;
  const suites = [...text.matchAll(/<testsuite\b([^>]*)>/g)].map((m) => m[1]);
  const attr = (s, k) => Number((s.match(new RegExp(`\\b${k}="(\\d+)"`)) ?? [0, 0])[1]);
  // Node's reporter nests suites; count leaf test cases instead when present.
  const cases = [...text.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)];
  if (cases.length > 0) {
    for (const c of cases) {
      tests++;
      const body = c[2] ?? "";
      if (/<(failure|error)\b/.test(body)) failed++;
      else if (/<skipped\b/.test(body)) skipped++;
    }
  } else
    for (const s of suites) {
      tests += attr(s, "tests");
      failed += attr(s, "failures") + attr(s, "errors");
      skipped += attr(s, "skipped");
    }
  return { passed: tests - failed - skipped, failed, skipped };
}

section("setup");
try {
  setup({ test: true, peers: true });
} catch (e) {
  process.stderr.write(`setup failed: ${e.message}\n`);
  process.stdout.write("\nsummary: 0 passed, 1 failed\n");
  process.exit(1);
}
const setupSeconds = (Date.now() - t0) / 1000;

const results = [];
const want = (name) => only.length === 0 || only.includes(name);
if (want("lint")) {
  // The fast first stage: each tool counts as one check; a failing one ends the run here.
  section("lint");
  const start = Date.now();
  const bin = (...p) => path.join(ROOT, "node_modules", ...p);
  const checks = [
    [
      "eslint",
      [
        bin("eslint", "bin", "eslint.js"),
        "--cache",
        "--cache-location",
        bin(".cache", "eslint") + path.sep,
        ".",
      ],
    ],
    [
      "prettier --check",
      [bin("prettier", "bin", "prettier.cjs"), "--check", "--cache", "--log-level", "warn", "."],
    ],
  ];
  let failed = 0;
  for (const [name, args] of checks) {
    const res = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
    process.stdout.write(`${name}: ${res.status === 0 ? "ok" : "FAILED"}\n`);
    if (res.status !== 0) failed++;
  }
  results.push({
    name: "lint",
    seconds: (Date.now() - start) / 1000,
    passed: checks.length - failed,
    failed,
    skipped: 0,
  });
  if (failed > 0)
    process.stdout.write(
      "lint failed: `npm run lint` lists the findings, `npm run format` rewrites the layout; later suites are skipped\n",
    );
}
const lintFailed = results.some((r) => r.name === "lint" && r.failed > 0);
if (lintFailed) only.splice(0, only.length, "lint");
if (want("unit")) {
  const report = path.join(ARTIFACTS, "vitest.json");
  results.push(
    suite(
      "unit",
      process.execPath,
      [
        path.join(ROOT, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "test/unit",
        "--reporter=default",
        "--reporter=json",
        `--outputFile=${report}`,
      ],
      report,
      parseVitest,
    ),
  );
}
if (want("python")) {
  const report = path.join(ARTIFACTS, "pytest.xml");
  results.push(
    suite(
      "python",
      PYTHON,
      ["-m", "pytest", "test/python", "-q", "-rA", `--junitxml=${report}`],
      report,
      parseJunit,
    ),
  );
}
if (want("browser")) {
  const report = path.join(ARTIFACTS, "browser.xml");
  const files = fs
    .readdirSync(path.join(ROOT, "test", "browser"))
    .filter((f) => f.endsWith(".test.mjs"))
    .map((f) => path.join("test", "browser", f));
  results.push(
    suite(
      "browser",
      process.execPath,
      [
        "--test",
        "--test-concurrency=1",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=junit",
        `--test-reporter-destination=${report}`,
        ...files,
      ],
      report,
      parseJunit,
      { NEUROLAB_PYTHON: PYTHON },
    ),
  );
}

section("results");
const total = { passed: 0, failed: 0, skipped: 0 };
process.stdout.write(`setup          ${setupSeconds.toFixed(1).padStart(7)} s\n`);
for (const r of results) {
  process.stdout.write(
    `${r.name.padEnd(14)} ${r.seconds.toFixed(1).padStart(7)} s   ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped\n`,
  );
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
}
const minutes = (Date.now() - t0) / 60000;
process.stdout.write(
  `total time     ${(minutes * 60).toFixed(1).padStart(7)} s (${minutes.toFixed(1)} min; target < 20 min on 2 cores)\n`,
);
process.stdout.write(
  `\nsummary: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`,
);
process.exit(total.failed > 0 ? 1 : 0);
