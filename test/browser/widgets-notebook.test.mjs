// notebooks/04-widgets.ipynb end to end, as a user runs it: a real JupyterLab, the
// "TypeScript (neurolab)" kernel, Run All; the RDM, connectome and activity widgets must render
// from the kernel's outputs (not saved ones), with no error box, and the RDM sliders must work.
// Screenshots: test/artifacts/widgets-notebook*.png.
//
//   NEUROLAB_PYTHON=/path/to/venv/bin/python node --test test/browser/widgets-notebook.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ARTIFACTS, PYTHON, ROOT, launchChromium, startJupyterLab } from "./jupyterlab.mjs";

const NOTEBOOK = "04-widgets.ipynb";

describe("04-widgets notebook in JupyterLab with the neurolab kernel", { timeout: 300_000 }, () => {
  let lab, browser, page, rootDir;
  const pageErrors = [];

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // A copy, so JupyterLab's autosave never touches the repository's notebook; the kernel finds
    // the connectome data through NEUROLAB_DATA_MIRROR (the copy is not beside the repository).
    process.env.NEUROLAB_DATA_MIRROR ||= path.resolve(ROOT, "..", "shared", "data");
    rootDir = fs.mkdtempSync(path.join(os.tmpdir(), "neurolab-widgets-nb-"));
    fs.copyFileSync(path.join(ROOT, "notebooks", NOTEBOOK), path.join(rootDir, NOTEBOOK));
    lab = await startJupyterLab({ python: PYTHON, rootDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.on("pageerror", (err) => pageErrors.push(String(err?.stack ?? err)));
    await page.goto(`${lab.url}/lab/tree/${NOTEBOOK}?reset&token=${lab.token}`, { waitUntil: "domcontentloaded" });
    await page.locator(".jp-Notebook").first().waitFor({ timeout: 90_000 });
    await page.waitForFunction(() => /TypeScript \(neurolab\)/.test(document.querySelector(".jp-NotebookPanel-toolbar")?.textContent ?? ""), null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle", null, { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await lab?.stop();
    if (rootDir) fs.rmSync(rootDir, { recursive: true, force: true });
  });

  test("Run All renders the RDM, connectome and activity widgets from the kernel", async () => {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    for (const cls of ["neurolab-rdm", "neurolab-connectome", "neurolab-activity"]) {
      const w = page.locator(`.${cls}[data-render-ms]`).first();
      await w.scrollIntoViewIfNeeded().catch(() => undefined);
      await w.waitFor({ timeout: 120_000 });
    }
    await page.waitForFunction(() => document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle", null, { timeout: 120_000 });
    const state = await page.evaluate(() => ({
      errors: [...document.querySelectorAll(".neurolab-error, .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")].map((e) => e.textContent),
      rdm: { ...document.querySelector(".neurolab-rdm").dataset },
      connectome: { ...document.querySelector(".neurolab-connectome").dataset },
      activity: { ...document.querySelector(".neurolab-activity").dataset },
      printed: [...document.querySelectorAll(".jp-OutputArea-output")].map((e) => e.textContent).join("\n"),
    }));
    assert.deepEqual(state.errors, []);
    assert.equal(state.rdm.nConditions, "12");
    assert.equal(state.rdm.nRdms, "3");
    assert.deepEqual([state.rdm.lower, state.rdm.upper], ["0.1", "0.5"]);
    assert.equal(state.connectome.nNodes, "300");
    assert.equal(state.activity.nNeurons, "40");
    assert.match(state.printed, /max \|widget - library\| = 0\b/);
    // The sliders work on kernel output too.
    const upper = page.locator(".neurolab-rdm-upper").first();
    const b = await upper.boundingBox();
    await upper.click({ position: { x: 0.8 * b.width, y: b.height / 2 } });
    await page.waitForFunction(() => Number(document.querySelector(".neurolab-rdm").dataset.upper) > 0.6, null, { timeout: 10_000 });
    for (const [cls, file] of [["neurolab-rdm", "widgets-notebook-rdm.png"], ["neurolab-connectome", "widgets-notebook-connectome.png"], ["neurolab-activity", "widgets-notebook-activity.png"]]) {
      const out = page.locator(".jp-OutputArea-child", { has: page.locator(`.${cls}`) }).first();
      await out.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await out.screenshot({ path: path.join(ARTIFACTS, file) });
    }
    assert.deepEqual(pageErrors.filter((e) => /neurolab|plotly/i.test(e)), []);
  });
});
