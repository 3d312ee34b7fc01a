// Helpers for browser tests: a throw-away JupyterLab server on 127.0.0.1 and a headless
// Debian Chromium driven by playwright-core (which never downloads a browser here), and the steps
// the suites share: opening notebooks, waiting for the kernel and the widgets, driving plotly.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
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
 * Starts JupyterLab (the venv's, see PYTHON) on a fresh temporary folder named after `prefix`
 * holding `files` ({name: string | Buffer | JSON value}), and a headless Chromium page (`newPage`
 * options `pageOptions`) whose uncaught errors collect in `pageErrors`. `stop()` ends them all and
 * removes the folder (also done here when the start fails half-way).
 *
 * @param {{prefix: string, files?: Record<string, unknown>, pageOptions?: object}} opts
 * @returns {Promise<{rootDir: string, lab: object, browser: object, page: object, pageErrors: string[], stop: () => Promise<void>}>}
 */
export async function startLabSession({ prefix, files = {}, pageOptions = {} }) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const session = { rootDir, lab: undefined, browser: undefined, page: undefined, pageErrors: [] };
  session.stop = async () => {
    await session.browser?.close().catch(() => undefined);
    await session.lab?.stop();
    fs.rmSync(rootDir, { recursive: true, force: true });
  };
  try {
    for (const [name, content] of Object.entries(files)) {
      const text =
        typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content);
      fs.writeFileSync(path.join(rootDir, name), text);
    }
    session.lab = await startJupyterLab({ python: PYTHON, rootDir });
    session.browser = await launchChromium();
    session.page = await session.browser.newPage(pageOptions);
    session.page.on("pageerror", (err) => session.pageErrors.push(String(err?.stack ?? err)));
  } catch (e) {
    await session.stop();
    throw e;
  }
  return session;
}

/**
 * A notebook of saved outputs: one code cell per [source, MIME bundle], naming a kernel that does
 * not exist (openNotebook answers JupyterLab's kernel question with "No Kernel").
 */
export function savedOutputsNotebook(outputs) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "neurolab-test-no-kernel",
        display_name: "No kernel (test)",
        language: "none",
      },
    },
    cells: outputs.map(([source, data], i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      execution_count: null,
      metadata: {},
      source: [source],
      outputs: [{ output_type: "display_data", metadata: {}, data }],
    })),
  };
}

/** Loads JupyterLab on notebook `name` of the server's root (`reset`: in a fresh workspace). */
export function gotoNotebook(page, lab, name, { reset = true } = {}) {
  return page.goto(`${lab.url}/lab/tree/${name}?${reset ? "reset&" : ""}token=${lab.token}`, {
    waitUntil: "domcontentloaded",
  });
}

/**
 * Opens `name` from the server's root (by default in a fresh workspace). Notebooks of these tests
 * name a kernel that does not exist, so JupyterLab asks for one: answer "No Kernel" (saved outputs
 * need none).
 */
export async function openNotebook(page, lab, name, { reset = true } = {}) {
  await gotoNotebook(page, lab, name, { reset });
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

/** Waits until the notebook's toolbar names the "TypeScript (neurolab)" kernel. */
export function waitForNeurolabKernel(page, timeout = 60_000) {
  return page.waitForFunction(
    () =>
      /TypeScript \(neurolab\)/.test(
        document.querySelector(".jp-NotebookPanel-toolbar")?.textContent ?? "",
      ),
    null,
    { timeout },
  );
}

/** Waits until the notebook's execution indicator reports an idle kernel. */
export function waitForKernelIdle(page, timeout = 60_000) {
  return page.waitForFunction(
    () =>
      document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") ===
      "idle",
    null,
    { timeout },
  );
}

/** Runs every cell of the notebook through the menu: Run > Run All Cells. */
export async function runAllCells(page) {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
}

/** Adds a cell below the last of the notebook's `n` cells (command mode "b"); waits for n + 1. */
export async function addCellBelowLast(page, n) {
  await page.locator(".jp-Notebook .jp-Cell").last().locator(".jp-InputPrompt").click();
  await page.keyboard.press("Escape");
  await page.keyboard.press("b");
  await page.waitForFunction(
    (n) => document.querySelectorAll(".jp-Notebook .jp-Cell").length === n + 1,
    n,
    { timeout: 10_000 },
  );
}

/** Switches Settings > Theme to "JupyterLab <name>" ("Dark" or "Light") and waits for it. */
export async function setTheme(page, name) {
  await page.locator(".lm-MenuBar-item", { hasText: /^Settings$/ }).click();
  await page.locator(".lm-Menu-item", { hasText: /^Theme/ }).hover();
  await page.getByRole("menuitem", { name: `JupyterLab ${name}`, exact: true }).click();
  await page.waitForFunction(
    (light) => document.body.dataset.jpThemeLight === light,
    String(name === "Light"),
    { timeout: 30_000 },
  );
}

/** Waits until the first widget matching `selector` has painted (data-render-ms); returns it. */
export async function waitForRender(page, selector, timeout = 90_000) {
  const widget = page.locator(`${selector}[data-render-ms]`).first();
  await widget.waitFor({ timeout });
  return widget;
}

/** The notebook output (`.jp-OutputArea-child`) holding the first element matching `selector`. */
export function outputOf(page, selector) {
  return page.locator(".jp-OutputArea-child", { has: page.locator(selector) }).first();
}

/** Screenshots the output holding `selector` to test/artifacts/`file`, scrolled into view and settled. */
export async function shoot(page, selector, file) {
  const out = outputOf(page, selector);
  await out.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await out.screenshot({ path: path.join(ARTIFACTS, file) });
}

/** Bounding box (page px) of the plot area (plotly's drag layer) of the first `selector` widget. */
export function plotArea(page, selector) {
  return page.locator(`${selector} .js-plotly-plot .nsewdrag`).first().boundingBox();
}

/** Drags the mouse across `box` from fractions [fx0, fy0] to [fx1, fy1] of its size, in `steps`. */
export async function dragAcross(page, box, [fx0, fy0], [fx1, fy1], steps) {
  await page.mouse.move(box.x + box.width * fx0, box.y + box.height * fy0);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * fx1, box.y + box.height * fy1, { steps });
  await page.mouse.up();
}

/** Picks `mode` ("zoom" | "select") in the raster's drag menu and waits for plotly to take it. */
export async function setRasterDragMode(page, mode) {
  await page.locator(".neurolab-raster-drag").first().selectOption(mode);
  await page.waitForFunction(
    (mode) =>
      document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.dragmode === mode,
    mode,
    { timeout: 10_000 },
  );
}

/** Waits until the raster lists a finished time-window selection (data-window-ms, not selecting). */
export function waitForRasterWindow(page) {
  return page.waitForFunction(
    () => {
      const root = document.querySelector(".neurolab-raster");
      return root.dataset.windowMs && !root.dataset.selecting;
    },
    null,
    { timeout: 10_000 },
  );
}

/** Whether the browser parses CSS colours `a` and `b` to the same colour (plotly writes rgb()). */
export function sameColor(page, a, b) {
  return page.evaluate(
    ([x, y]) => {
      const el = document.createElement("div");
      document.body.appendChild(el);
      el.style.color = x;
      const cx = getComputedStyle(el).color;
      el.style.color = y;
      const cy = getComputedStyle(el).color;
      el.remove();
      return cx === cy;
    },
    [a, b],
  );
}

/** The collected page errors that come from neurolab or plotly (the extension's own). */
export function extensionErrors(pageErrors) {
  return pageErrors.filter((e) => /neurolab|plotly/i.test(e));
}

/** Waits until the first `selector` element's data-* attribute `key` (camelCase) equals `value`. */
export function waitForData(page, selector, key, value, timeout = 10_000) {
  return page.waitForFunction(
    ([selector, key, value]) => document.querySelector(selector).dataset[key] === value,
    [selector, key, value],
    { timeout },
  );
}

/** Clicks the modebar's "Download plot as a PNG" of the first `selector` widget; saves to test/artifacts/`file`, returns its bytes. */
export async function exportPng(page, selector, file) {
  await page
    .locator(`${selector} .js-plotly-plot`)
    .first()
    .hover({ position: { x: 30, y: 30 } });
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 30_000 }),
    page
      .locator(`${selector} .modebar-btn[data-title="Download plot as a PNG"]`)
      .first()
      .click({ force: true }),
  ]);
  const out = path.join(ARTIFACTS, file);
  await download.saveAs(out);
  return fs.readFileSync(out);
}

/** The neurons of the Cook 2019 C. elegans connectome, loaded offline from the data mirror (NEUROLAB_DATA_MIRROR). */
export async function cookNeurons() {
  const { connectome: cx } = createRequire(import.meta.url)("neurolab");
  const mirror = process.env.NEUROLAB_DATA_MIRROR || path.resolve(ROOT, "..", "shared", "data");
  return cx.neuronsOnly(
    await cx.loadConnectome("cook2019", {
      mirrorDir: mirror,
      offline: true,
      cacheDir: path.join(os.tmpdir(), "neurolab-no-cache"),
    }),
  );
}
