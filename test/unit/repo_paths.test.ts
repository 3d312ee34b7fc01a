// No tracked file may name an absolute path of a developer's machine: CI and users clone the
// repository into other folders, so such a path works only where that checkout happens to exist.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

/** Home and work-directory prefixes (Linux, macOS, Windows); built from parts so this file does not match itself. */
const FORBIDDEN = new RegExp(
  [
    "/ho" + "me/[A-Za-z0-9_.-]+/",
    "/ro" + "ot/",
    "/Us" + "ers/[A-Za-z0-9_.-]+/",
    "/wo" + "rk/",
    "[A-Za-z]:\\\\Us" + "ers\\\\",
  ].join("|"),
);

function offending(text: string, checkout: string): string[] {
  return text
    .split("\n")
    .map((line, i) => [i + 1, line] as const)
    .filter(([, line]) => line.includes(checkout) || FORBIDDEN.test(line))
    .map(([n, line]) => `${n}: ${line.trim().slice(0, 160)}`);
}

describe("tracked files", () => {
  it("contain no absolute path of this checkout or of a home/work directory", () => {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const f of files) {
      const p = path.join(ROOT, f);
      if (!fs.existsSync(p) || fs.statSync(p).size > 8 << 20) continue;
      const buf = fs.readFileSync(p);
      if (buf.subarray(0, 8000).includes(0)) continue; // binary (PNG, ...)
      for (const hit of offending(buf.toString("utf8"), ROOT)) found.push(`${f}:${hit}`);
    }
    expect(found).toEqual([]);
  });

  it("the check itself finds such paths", () => {
    expect(offending(`const PY = "${ROOT}/.venv-peers/bin/python";`, ROOT)).toHaveLength(1);
    for (const bad of [
      "/ho" + "me/alice/x",
      "/ro" + "ot/.cache",
      "/Us" + "ers/bob/y",
      "/wo" + "rk/main/z",
      "C:\\Us" + "ers\\carol\\z",
    ])
      expect(offending(bad, "/nonexistent-checkout")).toHaveLength(1);
    expect(offending("/usr/bin/chromium and ../shared/data", "/nonexistent-checkout")).toEqual([]);
  });
});
