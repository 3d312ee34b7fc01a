// The walking skeleton end to end, as a user does it: a real JupyterLab from the project venv,
// notebooks/00-quickstart.ipynb opened in headless Chromium on the "TypeScript (neurolab)"
// kernel, Run All, and the raster widget must draw exactly the spikes the kernel reported.
// Then a cell whose value is a malformed raster payload must show the widget's error box while
// JupyterLab keeps working. Screenshots: test/artifacts/quickstart*.png.
//
//   node --test test/browser/quickstart.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ARTIFACTS,
  ROOT,
  extensionErrors,
  gotoNotebook,
  outputOf,
  runAllCells,
  startLabSession,
  waitForKernelIdle,
  waitForNeurolabKernel,
} from "./jupyterlab.mjs";

const MALFORMED =
  '({ [Symbol.for("jupyter.mimebundle")]: () => ({ "application/vnd.neurolab.raster.v1+json": { schema: "neurolab.raster", version: 99 }, "text/plain": "malformed raster" }) })';

describe("quickstart notebook in JupyterLab with the neurolab kernel", { timeout: 300_000 }, () => {
  let session, lab, page, pageErrors;

  before(async () => {
    // A copy, so JupyterLab's autosave never touches the repository's notebook.
    session = await startLabSession({
      prefix: "neurolab-quickstart-",
      files: {
        "00-quickstart.ipynb": fs.readFileSync(path.join(ROOT, "notebooks", "00-quickstart.ipynb")),
      },
      pageOptions: { viewport: { width: 1400, height: 1400 } },
    });
    ({ lab, page, pageErrors } = session);
    await gotoNotebook(page, lab, "00-quickstart.ipynb", { reset: false });
    await page.locator(".jp-Notebook").first().waitFor({ timeout: 90_000 });
  });

  after(async () => {
    await session?.stop();
  });

  test("the notebook opens on the TypeScript (neurolab) kernel", async () => {
    const kernelName = page
      .locator(".jp-NotebookPanel-toolbar .jp-KernelName, .jp-Toolbar-kernelName")
      .first();
    await waitForNeurolabKernel(page);
    assert.match((await kernelName.textContent()) ?? "", /TypeScript \(neurolab\)/);
    // Wait for the kernel to be idle before running.
    await waitForKernelIdle(page);
  });

  test("Run All draws the raster with exactly the spikes the kernel simulated", async () => {
    await runAllCells(page);
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
    const output = outputOf(page, ".neurolab-raster");
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
    assert.deepEqual(extensionErrors(pageErrors), []);
  });
});
