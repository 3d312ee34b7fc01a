// Helpers for browser tests: a throw-away JupyterLab server on 127.0.0.1 and a headless
// Debian Chromium driven by playwright-core (which never downloads a browser here).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = path.join(ROOT, "test", "artifacts");
/** Python of the venv holding JupyterLab (and the linked labextension). */
export const PYTHON = process.env.NEUROLAB_PYTHON || path.join(ROOT, ".venv", "bin", "python");
export const CHROMIUM = process.env.NEUROLAB_CHROMIUM || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** User settings for the test server: no news / update pop-ups over screenshots. */
const USER_SETTINGS = {
  "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
    fetchNews: "false",
    checkForUpdates: false,
  },
};

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts JupyterLab (`python -m jupyterlab`) serving `rootDir` on 127.0.0.1:<free port> with a
 * random token, in isolated config/data/runtime/settings/workspace directories (the venv is
 * not modified). Resolves once GET /api/status answers 200.
 *
 * @param {{python?: string, rootDir: string, settings?: Record<string, object>, timeoutMs?: number, extraArgs?: string[]}} opts
 *   settings: extra user settings files, keyed by "<plugin package>/<plugin>.jupyterlab-settings".
 * @returns {Promise<{url: string, token: string, port: number, stop: () => Promise<void>, log: () => string}>}
 */
export async function startJupyterLab({
  python = PYTHON,
  rootDir,
  settings = {},
  timeoutMs = 90_000,
  extraArgs = [],
} = {}) {
  if (!rootDir) throw new Error("startJupyterLab: rootDir is required");
  if (!fs.existsSync(python))
    throw new Error(`startJupyterLab: no Python at ${python} (set NEUROLAB_PYTHON)`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-jlab-"));
  const dirs = Object.fromEntries(
    ["config", "data", "runtime", "settings", "workspaces"].map((d) => [d, path.join(home, d)]),
  );
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  for (const [file, value] of Object.entries({ ...USER_SETTINGS, ...settings })) {
    const p = path.join(dirs.settings, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, JSON.stringify(value, null, 2));
  }
  const token = randomBytes(16).toString("hex");
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTERLAB_SETTINGS_DIR: dirs.settings,
    JUPYTERLAB_WORKSPACES_DIR: dirs.workspaces,
    PYTHONUNBUFFERED: "1",
  };

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      "-m",
      "jupyterlab",
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.root_dir=${rootDir}`,
      `--IdentityProvider.token=${token}`,
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      ...extraArgs,
    ];
    const proc = spawn(python, args, { cwd: rootDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    proc.stdout.on("data", collect);
    proc.stderr.on("data", collect);
    let exited = false;
    const exitPromise = new Promise((resolve) =>
      proc.on("exit", (code, signal) => ((exited = true), resolve({ code, signal }))),
    );

    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (!exited) {
        proc.kill("SIGTERM");
        const done = await Promise.race([
          exitPromise.then(() => true),
          sleep(10_000).then(() => false),
        ]);
        if (!done) {
          proc.kill("SIGKILL");
          await exitPromise;
        }
      }
      fs.rmSync(home, { recursive: true, force: true });
    };

    const deadline = Date.now() + timeoutMs;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`${url}/api/status`, {
          headers: { Authorization: `token ${token}` },
        });
        if (res.ok) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    if (ready) return { url, token, port, stop, log: () => output };
    lastError = new Error(
      `JupyterLab did not become ready on ${url} (${exited ? "exited" : "timed out"}):\n${output.slice(-4000)}`,
    );
    if (exited) {
      // Most likely the port was taken between freePort() and bind: try another one.
      if (/address already in use/i.test(output)) continue;
    } else {
      proc.kill("SIGKILL");
      await exitPromise;
    }
    break;
  }
  fs.rmSync(home, { recursive: true, force: true });
  throw lastError;
}

/** Headless Debian Chromium through playwright-core. */
export async function launchChromium({ executablePath = CHROMIUM, args = [] } = {}) {
  const { chromium } = await import("playwright-core");
  if (!fs.existsSync(executablePath))
    throw new Error(`launchChromium: no Chromium at ${executablePath} (set NEUROLAB_CHROMIUM)`);
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...args] });
}

/**
 * Opens `name` from the server's root in a fresh workspace. Notebooks of these tests name a
 * kernel that does not exist, so JupyterLab asks for one: answer "No Kernel" (saved outputs need none).
 */
export async function openNotebook(page, lab, name) {
  await page.goto(`${lab.url}/lab/tree/${name}?reset&token=${lab.token}`, {
    waitUntil: "domcontentloaded",
  });
  const dialog = page.locator(".jp-Dialog");
  const appeared = await dialog
    .first()
    .waitFor({ timeout: 60_000 })
    .then(
      () => true,
      () => false,
    );
  if (appeared) {
    await dialog.locator("button.jp-mod-reject").click(); // "No Kernel"
    await dialog.first().waitFor({ state: "detached", timeout: 10_000 });
  }
}
