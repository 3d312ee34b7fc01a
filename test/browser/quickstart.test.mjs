// The walking skeleton end to end, as a user does it: a real JupyterLab from the project venv,
// notebooks/00-quickstart.ipynb opened in headless Chromium on the "TypeScript (neurolab)"
// kernel, Run All, and the raster widget must draw exactly the spikes the kernel reported.
// Then a cell whose value is a malformed raster payload must show the widget's error box while
// JupyterLab keeps working. Screenshots: test/artifacts/quickstart*.png.
//
//   node --test test/browser/quickstart.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ARTIFACTS, PYTHON, ROOT, launchChromium, startJupyterLab } from "./jupyterlab.mjs";

const MALFORMED =
  '({ [Symbol.for("jupyter.mimebundle")]: () => ({ "application/vnd.neurolab.raster.v1+json": { schema: "neurolab.raster", version: 99 }, "text/plain": "malformed raster" }) })';

describe("quickstart notebook in JupyterLab with the neurolab kernel", { timeout: 300_000 }, () => {
  let lab, browser, page, rootDir;
  const pageErrors = [];

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // A copy, so JupyterLab's autosave never touches the repository's notebook.
    rootDir = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-quickstart-"));
    fs.copyFileSync(
      path.join(ROOT, "notebooks", "00-quickstart.ipynb"),
      path.join(rootDir, "00-quickstart.ipynb"),
    );
    lab = await startJupyterLab({ python: PYTHON, rootDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.on("pageerror", (err) => pageErrors.push(String(err?.stack ?? err)));
    await page.goto(`${lab.url}/lab/tree/00-quickstart.ipynb?token=${lab.token}`, {
      waitUntil: "domcontentloaded",
    });
    await page.locator(".jp-Notebook").first().waitFor({ timeout: 90_000 });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await lab?.stop();
    if (rootDir) fs.rmSync(rootDir, { recursive: true, force: true });
  });

  test("the notebook opens on the TypeScript (neurolab) kernel", async () => {
    const kernelName = page
      .locator(".jp-NotebookPanel-toolbar .jp-KernelName, .jp-Toolbar-kernelName")
      .first();
    await page.waitForFunction(
      () =>
        /TypeScript \(neurolab\)/.test(
          document.querySelector(".jp-NotebookPanel-toolbar")?.textContent ?? "",
        ),
      null,
      { timeout: 60_000 },
    );
    assert.match((await kernelName.textContent()) ?? "", /TypeScript \(neurolab\)/);
    // Wait for the kernel to be idle before running.
    await page.waitForFunction(
      () =>
        document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") ===
        "idle",
      null,
      {
        timeout: 60_000,
      },
    );
  });

  test("Run All draws the raster with exactly the spikes the kernel simulated", async () => {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    await page.locator(".neurolab-raster[data-n-spikes]").first().waitFor({ timeout: 120_000 });
    // The kernel printed the monitor's spike count; the widget must draw that many points.
    const printed = await page
      .locator(".jp-OutputArea-output", { hasText: /exc: [\d.]+ Hz, \d+ spikes/ })
      .first()
      .textContent();
    const match = /exc: [\d.]+ Hz, (\d+) spikes/.exec(printed ?? "");
    assert.ok(match, `no spike count printed: ${printed}`);
    const expected = Number(match[1]);
    const drawn = await page.evaluate(() => {
      const root = document.querySelector(".neurolab-raster[data-n-spikes]");
      const plot = root.querySelector(".js-plotly-plot");
      const traces = (plot?._fullData ?? []).filter((t) => t.type === "scattergl");
      return {
        attr: Number(root.getAttribute("data-n-spikes")),
        points: traces.reduce((s, t) => s + t.x.length, 0),
        names: traces.map((t) => t.name),
        canvases: root.querySelectorAll("canvas").length,
      };
    });
    assert.ok(expected > 3000, `expected thousands of spikes, got ${expected}`);
    assert.equal(drawn.attr, expected);
    assert.equal(drawn.points, expected);
    assert.deepEqual(drawn.names, ["input", "exc"]);
    assert.ok(drawn.canvases > 0, "scattergl drew into a canvas");
    const output = page
      .locator(".jp-OutputArea-child", { has: page.locator(".neurolab-raster") })
      .first();
    await output.scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await output.screenshot({ path: path.join(ARTIFACTS, "quickstart-raster.png") });
    await page
      .locator(".jp-NotebookPanel")
      .first()
      .screenshot({ path: path.join(ARTIFACTS, "quickstart.png") });
  });

  test("a malformed payload from the kernel shows the error box and JupyterLab keeps working", async () => {
    // Select the last cell, add a cell below it and run the malformed display.
    await page
      .locator(".jp-Cell")
      .last()
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Escape");
    await page.keyboard.press("b");
    await page.keyboard.press("Enter");
    await page.keyboard.insertText(MALFORMED);
    await page.keyboard.press("Shift+Enter");
    const box = page.locator(".neurolab-error").first();
    await box.waitFor({ timeout: 60_000 });
    assert.match(
      (await box.textContent()) ?? "",
      /neurolab: cannot render raster: payload\.version must be 1/,
    );
    await box.screenshot({ path: path.join(ARTIFACTS, "quickstart-error.png") });
    // Still working: a plain cell runs and prints its value.
    await page.keyboard.press("Escape");
    await page.keyboard.press("b");
    await page.keyboard.press("Enter");
    await page.keyboard.insertText("6 * 7");
    await page.keyboard.press("Shift+Enter");
    await page
      .locator(".jp-OutputArea-output", { hasText: /^42$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.deepEqual(
      pageErrors.filter((e) => /neurolab|plotly/i.test(e)),
      [],
    );
  });
});
