#!/usr/bin/env node
/**
 * Builds the prebuilt (federated) JupyterLab extension into
 * neurolab_jupyterlab/labextension/ with @jupyter/builder (rspack), against the
 * JupyterLab core metadata in @jupyterlab/core-meta.
 *
 * Skips the rspack build when nothing it consumes changed since the last successful build
 * (compiled lib/, styles, package.json, the neurolab/schema JS, builder and core versions)
 * and the output is intact. Flags: --force (always rebuild), --development (dev build with
 * source maps).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const extDir = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(extDir, "package.json"));
const args = new Set(process.argv.slice(2));
const development = args.has("--development");
const force = args.has("--force");

const pkg = JSON.parse(readFileSync(join(extDir, "package.json"), "utf8"));
const outDir = join(extDir, pkg.jupyterlab.outputDir);
const stampFile = join(extDir, "lib", ".labextension-stamp");
const builder = require.resolve("@jupyter/builder/lib/build-labextension.js");
const corePackageFile = require.resolve("@jupyterlab/core-meta/core.package.json");
const schemaEntry = require.resolve("neurolab/schema");

function files(dir, test) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(p, test));
    else if (test(entry.name)) out.push(p);
  }
  return out.sort();
}

function inputsHash() {
  const h = createHash("sha256");
  h.update(`mode=${development ? "development" : "production"}\n`);
  const inputs = [
    join(extDir, "package.json"),
    ...files(join(extDir, "lib"), (n) => n.endsWith(".js")),
    ...files(join(extDir, "style"), () => true),
    ...files(dirname(schemaEntry), (n) => n.endsWith(".js")),
    join(dirname(schemaEntry), "..", "..", "package.json"), // neurolab/package.json (not exported)
    require.resolve("plotly.js-dist-min/package.json"),
    require.resolve("@jupyter/builder/package.json"),
    corePackageFile,
  ];
  for (const f of inputs) {
    h.update(`${relative(extDir, f)}\n`);
    h.update(readFileSync(f));
  }
  return h.digest("hex");
}

function outputIntact() {
  const built = join(outDir, "package.json");
  if (!existsSync(built)) return false;
  try {
    const load = JSON.parse(readFileSync(built, "utf8"))?.jupyterlab?._build?.load;
    return typeof load === "string" && statSync(join(outDir, load)).isFile();
  } catch {
    return false;
  }
}

const hash = inputsHash();
if (
  !force &&
  outputIntact() &&
  existsSync(stampFile) &&
  readFileSync(stampFile, "utf8").trim() === hash
) {
  console.log(`labextension up to date: ${relative(process.cwd(), outDir) || "."}`);
  process.exit(0);
}

const started = Date.now();
const cmd = [
  builder,
  "--core-package-file",
  corePackageFile,
  ...(development ? ["--development"] : []),
  extDir,
];
const res = spawnSync(process.execPath, cmd, { stdio: "inherit", cwd: extDir });
if (res.status !== 0 || !outputIntact()) {
  console.error(`labextension build failed (exit ${res.status ?? res.signal})`);
  process.exit(res.status || 1);
}
writeFileSync(stampFile, `${hash}\n`);
console.log(`labextension built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outDir}`);
