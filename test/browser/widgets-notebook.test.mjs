// notebooks/04-widgets.ipynb end to end, as a user runs it: a real JupyterLab, the
// "TypeScript (neurolab)" kernel, Run All; the raster (with its state panel), RDM, connectome and
// activity widgets must render from the kernel's outputs (not saved ones), with no error box; a
// time window selected on the raster must list what the notebook's library cell computed, and
// the RDM sliders must work.
// Screenshots: test/artifacts/widgets-notebook*.png.
//
//   NEUROLAB_PYTHON=/path/to/venv/bin/python node --test test/browser/widgets-notebook.test.mjs
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
  setRasterDragMode,
  shoot,
  startLabSession,
  waitForKernelIdle,
  waitForNeurolabKernel,
  waitForRasterWindow,
} from "./jupyterlab.mjs";

const NOTEBOOK = "04-widgets.ipynb";

describe("04-widgets notebook in JupyterLab with the neurolab kernel", { timeout: 300_000 }, () => {
  let session, lab, page, pageErrors;

  before(async () => {
    // A copy, so JupyterLab's autosave never touches the repository's notebook; the kernel finds
    // the connectome data through NEUROLAB_DATA_MIRROR (the copy is not beside the repository).
    process.env.NEUROLAB_DATA_MIRROR ||= path.resolve(ROOT, "..", "shared", "data");
    session = await startLabSession({
      prefix: "neurolab-widgets-nb-",
      files: { [NOTEBOOK]: fs.readFileSync(path.join(ROOT, "notebooks", NOTEBOOK)) },
      pageOptions: { viewport: { width: 1400, height: 1400 } },
    });
    ({ lab, page, pageErrors } = session);
    await gotoNotebook(page, lab, NOTEBOOK);
    await page.locator(".jp-Notebook").first().waitFor({ timeout: 90_000 });
    await waitForNeurolabKernel(page);
    await waitForKernelIdle(page);
  });

  after(async () => {
    await session?.stop();
  });

  test("Run All renders the raster, RDM, connectome and activity widgets from the kernel", async () => {
    await runAllCells(page);
    for (const cls of [
      "neurolab-raster",
      "neurolab-rdm",
      "neurolab-connectome",
      "neurolab-activity",
    ]) {
      const w = page.locator(`.${cls}[data-render-ms]`).first();
      await w.scrollIntoViewIfNeeded().catch(() => undefined);
      await w.waitFor({ timeout: 120_000 });
    }
    await waitForKernelIdle(page, 120_000);
    const state = await page.evaluate(() => ({
      errors: [
        ...document.querySelectorAll(
          ".neurolab-error, .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        ),
      ].map((e) => e.textContent),
      raster: { ...document.querySelector(".neurolab-raster").dataset },
      rdm: { ...document.querySelector(".neurolab-rdm").dataset },
      connectome: { ...document.querySelector(".neurolab-connectome").dataset },
      activity: { ...document.querySelector(".neurolab-activity").dataset },
      printed: [...document.querySelectorAll(".jp-OutputArea-output")]
        .map((e) => e.textContent)
        .join("\n"),
    }));
    assert.deepEqual(state.errors, []);
    assert.equal(state.raster.nTraces, "3");
    assert.equal(state.raster.nPopulations, "3");
    assert.equal(state.rdm.nConditions, "12");
    assert.equal(state.rdm.nRdms, "3");
    assert.deepEqual([state.rdm.lower, state.rdm.upper], ["0.1", "0.5"]);
    assert.equal(state.connectome.nNodes, "300");
    assert.equal(state.activity.nNeurons, "40");
    assert.match(state.printed, /max \|widget - library\| = 0\b/);
    // Select about 200-400 ms on the raster: the window panel lists what the library cell printed for
    // that window, up to the pixel-rounded window edges (compare the rates of the exact window loosely).
    const printed = Object.fromEntries(
      [
        ...state.printed.matchAll(
          /(\w+): (\d+) spikes, ([\d.]+) Hz, (\d+) \/ (\d+) neurons active/g,
        ),
      ].map((m) => [m[1], { spikes: Number(m[2]), rate: Number(m[3]) }]),
    );
    assert.deepEqual(Object.keys(printed), ["input", "exc", "inh"]);
    const raster = page.locator(".neurolab-raster").first();
    await raster.scrollIntoViewIfNeeded();
    await setRasterDragMode(page, "select");
    const ends = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
      const xa = gd._fullLayout.xaxis;
      const ya = gd._fullLayout.yaxis;
      const r = gd.getBoundingClientRect();
      return {
        x0: r.left + xa._offset + xa.l2p(200),
        x1: r.left + xa._offset + xa.l2p(400),
        y: r.top + ya._offset + ya._length / 2,
      };
    });
    await page.mouse.move(ends.x0, ends.y);
    await page.mouse.down();
    await page.mouse.move(ends.x1, ends.y + 20, { steps: 8 });
    await page.mouse.up();
    await waitForRasterWindow(page);
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll(".neurolab-raster-window-row")].map((r) => ({
        name: r.cells[0].textContent,
        spikes: Number(r.dataset.spikes),
        rate: Number(r.dataset.rateHz),
      })),
    );
    const [w0, w1] = (await raster.getAttribute("data-window-ms")).split(",").map(Number);
    assert.ok(Math.abs(w0 - 200) < 3 && Math.abs(w1 - 400) < 3, `window ${w0}-${w1} ms`);
    for (const r of rows) {
      assert.ok(
        Math.abs(r.spikes - printed[r.name].spikes) <= 0.05 * printed[r.name].spikes + 5,
        `${r.name}: ${r.spikes} vs ${printed[r.name].spikes} spikes`,
      );
    }
    const rasterOut = outputOf(page, ".neurolab-raster");
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await rasterOut.screenshot({ path: path.join(ARTIFACTS, "widgets-notebook-raster.png") });
    // The sliders work on kernel output too.
    const upper = page.locator(".neurolab-rdm-upper").first();
    const b = await upper.boundingBox();
    await upper.click({ position: { x: 0.8 * b.width, y: b.height / 2 } });
    await page.waitForFunction(
      () => Number(document.querySelector(".neurolab-rdm").dataset.upper) > 0.6,
      null,
      { timeout: 10_000 },
    );
    for (const [cls, file] of [
      ["neurolab-rdm", "widgets-notebook-rdm.png"],
      ["neurolab-connectome", "widgets-notebook-connectome.png"],
      ["neurolab-activity", "widgets-notebook-activity.png"],
    ])
      await shoot(page, `.${cls}`, file);
    assert.deepEqual(extensionErrors(pageErrors), []);
  });
});
