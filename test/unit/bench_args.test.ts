// The benchmark harness's argument parsing (bench/args.mjs): parse only, no benchmark runs.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { benchUsage, parseBenchArgs } from "../../bench/args.mjs";

const SUITES = ["connectome", "geometry", "sim"];

describe("npm run bench -- <args>", () => {
  it("takes a suite alone (argument 0 is not dropped)", () => {
    expect(parseBenchArgs(["sim"], SUITES)).toEqual({
      suites: ["sim"],
      repeats: 5,
      only: undefined,
    });
    expect(parseBenchArgs(["geometry"], SUITES)).toEqual({
      suites: ["geometry"],
      repeats: 5,
      only: undefined,
    });
  });

  it("takes --only and --repeats in any order, and several suites", () => {
    const want = { suites: ["sim"], repeats: 3, only: "coba" };
    expect(parseBenchArgs(["sim", "--only", "coba", "--repeats", "3"], SUITES)).toEqual(want);
    expect(parseBenchArgs(["--repeats", "3", "sim", "--only", "coba"], SUITES)).toEqual(want);
    expect(parseBenchArgs(["--only", "coba", "--repeats", "3", "sim"], SUITES)).toEqual(want);
    expect(parseBenchArgs(["sim", "geometry", "sim"], SUITES)).toEqual({
      suites: ["sim", "geometry"],
      repeats: 5,
      only: undefined,
    });
    // A value equal to a suite's name is the option's value, not a suite.
    expect(parseBenchArgs(["--only", "sim", "geometry"], SUITES)).toEqual({
      suites: ["geometry"],
      repeats: 5,
      only: "sim",
    });
  });

  it("reports an unknown suite, an unknown option or a missing/invalid value", () => {
    expect(parseBenchArgs([], SUITES).error).toMatch(/no suite/);
    expect(parseBenchArgs(["simulation"], SUITES).error).toMatch(/unknown suite "simulation"/);
    expect(parseBenchArgs(["sim", "--fast"], SUITES).error).toMatch(/unknown option --fast/);
    expect(parseBenchArgs(["sim", "--only"], SUITES).error).toMatch(/--only needs a value/);
    expect(parseBenchArgs(["sim", "--repeats"], SUITES).error).toMatch(/--repeats needs a value/);
    expect(parseBenchArgs(["sim", "--repeats", "--only", "x"], SUITES).error).toMatch(
      /--repeats needs a value/,
    );
    for (const bad of ["0", "-1", "2.5", "many"])
      expect(parseBenchArgs(["sim", "--repeats", bad], SUITES).error).toMatch(
        /--repeats must be an integer/,
      );
    expect(parseBenchArgs(["sim", "--only", " "], SUITES).error).toMatch(/non-empty/);
    expect(benchUsage(SUITES)).toMatch(
      /^usage: npm run bench -- <suite\.\.\.>.*suites: connectome, geometry, sim/,
    );
  });
});

describe("bench/run.mjs", () => {
  it("exits with code 2 and the usage on bad arguments, before any set-up or run", () => {
    const res = spawnSync(
      process.execPath,
      [path.resolve(__dirname, "../../bench/run.mjs"), "no-such-suite"],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/unknown suite "no-such-suite"/);
    expect(res.stderr).toMatch(/usage: npm run bench/);
    expect(res.stdout).not.toMatch(/\[setup\]/);
  });
});
