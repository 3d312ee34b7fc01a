// Browser test of the neurolab-jupyterlab raster renderer in a real JupyterLab 4:
// a notebook whose saved outputs (no kernel needed) hold raster payloads — a ~2000-spike
// 3-population raster, an empty raster and two malformed payloads — opened in headless
// Chromium. Checks the plot (points, traces, rates, theme), the error boxes, that payload
// text never becomes markup, and that JupyterLab keeps working. Screenshots: test/artifacts/.
//
//   node --test test/browser/extension.test.mjs
//   NEUROLAB_PYTHON=/path/to/venv/bin/python node --test test/browser/extension.test.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ARTIFACTS,
  PYTHON,
  addCellBelowLast,
  extensionErrors,
  openNotebook,
  sameColor,
  savedOutputsNotebook,
  setTheme,
  startLabSession,
} from "./jupyterlab.mjs";
import { prng } from "./prng.mjs";

const require = createRequire(import.meta.url);
const { RASTER_MIME, encodeRaster } = require("neurolab/schema");

const ERROR_PREFIX = "neurolab: cannot render raster: ";
const TITLE = 'Demo <b>network</b> & "raster" <img src=x onerror="window.__neurolabPwned=1">';
const POPULATIONS = [
  { name: "excitatory", start: 0, size: 80 },
  { name: "inhibitory <i>", start: 80, size: 20 },
  { name: "input", start: 100, size: 20 },
];

/** ~2000 Poisson spikes over 1 s: an 8 Hz-modulated excitatory population, inhibition, input. */
function demoRaster() {
  const rand = prng(42);
  const rates = [15, 30, 10]; // Hz
  const times = [];
  const neurons = [];
  const dt = 0.5; // ms
  POPULATIONS.forEach((p, k) => {
    for (let n = p.start; n < p.start + p.size; n++) {
      for (let t = 0; t < 1000; t += dt) {
        const mod = k === 2 ? 1 : 1 + 0.8 * Math.sin((2 * Math.PI * 8 * t) / 1000);
        if (rand() < (rates[k] * mod * dt) / 1000) {
          times.push(t + rand() * dt);
          neurons.push(n);
        }
      }
    }
  });
  return {
    title: TITLE,
    tStart_ms: 0,
    tStop_ms: 1000,
    nNeurons: 120,
    populations: POPULATIONS,
    times_ms: Float32Array.from(times),
    neurons: Uint32Array.from(neurons),
  };
}

/** A saved display of `payload` under `source`. */
function displayCell(source, payload) {
  return [source, { [RASTER_MIME]: payload, "text/plain": ["<neurolab raster>"] }];
}

const demo = demoRaster();
const demoPayload = encodeRaster(demo);
const emptyPayload = encodeRaster({
  ...demo,
  title: "empty raster",
  times_ms: new Float32Array(0),
  neurons: new Uint32Array(0),
});
const badSchema = { ...demoPayload, schema: '<img src=x onerror="window.__neurolabPwned=2">' };
const badCount = { ...demoPayload, n_spikes: demoPayload.n_spikes + 1 };
// Names a kernel that does not exist: rendering saved outputs needs none (see before()).
const NOTEBOOK = savedOutputsNotebook([
  displayCell("raster(demo)", demoPayload),
  displayCell("raster(empty)", emptyPayload),
  displayCell("raster(badSchema)", badSchema),
  displayCell("raster(badCount)", badCount),
]);

/** Reads what a rendered raster widget drew (DOM markers + plotly's own state). */
function inspectRasters() {
  const css = getComputedStyle(document.body);
  return [...document.querySelectorAll(".neurolab-raster")].map((root) => {
    const plot = root.querySelector(".js-plotly-plot");
    const full = plot?._fullData ?? [];
    const title = root.querySelector(".neurolab-raster-title");
    return {
      nSpikesAttr: root.getAttribute("data-n-spikes"),
      title: title ? { text: title.textContent, elements: title.children.length } : null,
      traces: full.map((t) => ({
        type: t.type,
        name: t.name,
        yaxis: t.yaxis,
        n: t.x?.length ?? 0,
        sumY:
          t.type === "scatter"
            ? Array.from(t.y)
                .slice(0, -1)
                .reduce((a, b) => a + b, 0)
            : null,
      })),
      xRange: plot?._fullLayout?.xaxis?.range,
      paperBg: plot?._fullLayout?.paper_bgcolor,
      fontColor: plot?._fullLayout?.font?.color,
      themeBg: css.getPropertyValue("--jp-layout-color0").trim(),
      themeFg: css.getPropertyValue("--jp-ui-font-color1").trim(),
      canvases: root.querySelectorAll("canvas").length,
      width: plot?.getBoundingClientRect().width ?? 0,
      caption: root.querySelector(".neurolab-raster-caption")?.textContent ?? null,
    };
  });
}

describe("neurolab-jupyterlab raster renderer in JupyterLab", { timeout: 240_000 }, () => {
  let session, lab, page, pageErrors;

  before(async () => {
    session = await startLabSession({
      prefix: "neurolab-nb-",
      files: { "raster.ipynb": JSON.stringify(NOTEBOOK, null, 1) },
      pageOptions: { viewport: { width: 1400, height: 1100 } },
    });
    ({ lab, page, pageErrors } = session);
    // The notebook names a kernel that does not exist, so JupyterLab deterministically asks
    // for one instead of starting a kernel: answer "No Kernel" (none is needed to render).
    await openNotebook(page, lab, "raster.ipynb", { reset: false });
  });

  after(async () => {
    await session?.stop();
  });

  test("the labextension is installed and loaded by JupyterLab", async () => {
    const names = await page.evaluate(() => {
      const cfg = JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "{}");
      return (cfg.federated_extensions ?? []).map((e) => e.name);
    });
    assert.ok(
      names.includes("neurolab-jupyterlab"),
      `neurolab-jupyterlab not among federated extensions ${JSON.stringify(names)}: build it (npm run build --workspace extension) and link it into the venv of ${PYTHON}`,
    );
  });

  test("renders the 3-population raster with all spikes and a linked rate panel", async () => {
    await page.waitForFunction(
      () => document.querySelectorAll(".neurolab-raster").length >= 2,
      null,
      { timeout: 90_000 },
    );
    await page
      .locator(".jp-NotebookPanel")
      .first()
      .screenshot({ path: path.join(ARTIFACTS, "extension-light.png") });
    const [r] = await page.evaluate(inspectRasters);
    const n = demo.times_ms.length;
    assert.ok(n > 1500 && n < 2500, `demo has ${n} spikes`);
    assert.equal(r.nSpikesAttr, String(n));
    const raster = r.traces.filter((t) => t.type === "scattergl");
    const rate = r.traces.filter((t) => t.type === "scatter");
    assert.deepEqual(
      raster.map((t) => t.name),
      // Names go to plotly's pseudo-HTML escaped, so they show literally.
      POPULATIONS.map((p) =>
        p.name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
      ),
    );
    assert.equal(
      raster.reduce((s, t) => s + t.n, 0),
      n,
      "points drawn = spikes in payload",
    );
    assert.ok(raster.every((t) => t.yaxis === "y") && rate.every((t) => t.yaxis === "y2"));
    assert.equal(rate.length, 3);
    // Rates in Hz: sum(rate) * bin * population size = spike count of the population.
    const bins = rate[0].n - 1;
    assert.ok(bins >= 50 && bins <= 200, `${bins} rate bins`);
    const binMs = 1000 / bins;
    rate.forEach((t, k) => {
      const spikes = (t.sumY * binMs * POPULATIONS[k].size) / 1000;
      assert.ok(
        Math.abs(spikes - raster[k].n) < 1e-6 * n + 1e-6,
        `rate of ${t.name}: ${spikes} vs ${raster[k].n}`,
      );
    });
    assert.deepEqual(r.xRange.map(Number), [0, 1000]);
    assert.ok(r.canvases > 0, "scattergl drew into a canvas");
    assert.ok(r.width > 600, `plot width ${r.width}px follows the cell`);
    assert.ok(
      await sameColor(page, r.paperBg, r.themeBg),
      `paper ${r.paperBg} vs --jp-layout-color0 ${r.themeBg}`,
    );
    // The title is text: markup in it is shown literally, never parsed.
    assert.deepEqual(r.title, { text: TITLE, elements: 0 });
  });

  test("hovering a spike shows its neuron and population", async () => {
    const plot = page.locator(".neurolab-raster .js-plotly-plot").first();
    await plot.scrollIntoViewIfNeeded();
    // Page coordinates of an inhibitory-population spike, from plotly's own axis mapping.
    const { px, py } = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
      const t = gd._fullData.find((d) => d.type === "scattergl" && d.name.startsWith("inhibitory"));
      const xa = gd._fullLayout.xaxis;
      const ya = gd._fullLayout.yaxis;
      const r = gd.getBoundingClientRect();
      return { px: r.left + xa._offset + xa.l2p(t.x[0]), py: r.top + ya._offset + ya.l2p(t.y[0]) };
    });
    await page.mouse.move(px - 30, py - 30);
    await page.mouse.move(px, py, { steps: 5 });
    const hover = page.locator(".neurolab-raster .hoverlayer .hovertext").first();
    await hover.waitFor({ timeout: 10_000 });
    const text = await hover.textContent();
    const m = /neuron (\d+).*population: (.+?)rate ([\d.]+) Hz.*t = ([\d.]+) ms/.exec(text);
    assert.ok(m, `hover text: ${text}`);
    const neuron = Number(m[1]);
    const pop = POPULATIONS.find((p) => neuron >= p.start && neuron < p.start + p.size);
    assert.equal(m[2], pop.name, "population shown as text");
    // The neuron's mean rate over the recording (1 s): its spike count in Hz.
    const count = demo.neurons.filter((i) => i === neuron).length;
    assert.equal(Number(m[3]), Number(count.toFixed(2)), "rate of the hovered neuron");
    await page.mouse.move(5, 5);
  });

  test("a payload with 0 spikes renders an empty raster", async () => {
    const [, r] = await page.evaluate(inspectRasters);
    assert.equal(r.nSpikesAttr, "0");
    assert.equal(r.title.text, "empty raster");
    assert.equal(r.traces.filter((t) => t.type === "scattergl").length, 3);
    assert.ok(r.traces.every((t) => t.type !== "scatter" || t.sumY === 0));
  });

  test("malformed payloads show an error box naming the field, as text", async () => {
    const boxes = page.locator(".neurolab-error");
    await boxes.nth(1).waitFor({ timeout: 30_000 });
    const errors = await page.evaluate(() =>
      [...document.querySelectorAll(".neurolab-error")].map((e) => ({
        text: e.textContent,
        elements: e.querySelectorAll("*").length,
        inRaster: e.closest(".neurolab-raster") !== null,
      })),
    );
    assert.equal(errors.length, 2);
    assert.ok(errors[0].text.startsWith(ERROR_PREFIX + "payload.schema"), errors[0].text);
    assert.ok(errors[0].text.includes("<img src=x"), "payload text is shown literally");
    assert.ok(errors[1].text.startsWith(ERROR_PREFIX), errors[1].text);
    assert.match(errors[1].text, /payload\.n_spikes/);
    assert.ok(errors.every((e) => e.elements === 0 && !e.inRaster));
    assert.equal(
      await page.evaluate(() => window.__neurolabPwned),
      undefined,
      "payload markup executed",
    );
  });

  test("JupyterLab keeps working", async () => {
    assert.equal(await page.locator(".jp-Notebook .jp-Cell").count(), 4);
    assert.equal(await page.locator(".jp-Dialog").count(), 0);
    // The notebook is still interactive: select the last cell, add one below.
    await addCellBelowLast(page, 4);
    assert.deepEqual(extensionErrors(pageErrors), [], "uncaught errors from the extension");
  });

  test("resizes with the notebook", async () => {
    const widthOf = () =>
      page.evaluate(
        () => document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.width,
      );
    const wide = await widthOf();
    await page.setViewportSize({ width: 1000, height: 1100 });
    await page.waitForFunction(
      (w) => document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.width < w - 200,
      wide,
      { timeout: 15_000 },
    );
    const narrow = await widthOf();
    const container = await page.evaluate(
      () => document.querySelector(".neurolab-raster .neurolab-raster-plot").clientWidth,
    );
    assert.ok(Math.abs(narrow - container) <= 2, `plot ${narrow}px vs container ${container}px`);
    await page.setViewportSize({ width: 1400, height: 1100 });
    await page.waitForFunction(
      (w) => document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.width > w + 200,
      narrow,
      {
        timeout: 15_000,
      },
    );
  });

  test("follows a switch to the dark theme", async () => {
    const before = (await page.evaluate(inspectRasters))[0];
    // Settings > Theme > JupyterLab Dark, as a user would.
    await setTheme(page, "Dark");
    await page.waitForFunction(
      (oldBg) => {
        const plot = document.querySelector(".neurolab-raster .js-plotly-plot");
        return plot && plot._fullLayout.paper_bgcolor !== oldBg;
      },
      before.paperBg,
      { timeout: 30_000 },
    );
    const [r] = await page.evaluate(inspectRasters);
    assert.ok(
      await sameColor(page, r.paperBg, r.themeBg),
      `paper ${r.paperBg} vs --jp-layout-color0 ${r.themeBg}`,
    );
    assert.ok(
      await sameColor(page, r.fontColor, r.themeFg),
      `font ${r.fontColor} vs --jp-ui-font-color1 ${r.themeFg}`,
    );
    assert.equal(r.nSpikesAttr, before.nSpikesAttr);
    await page
      .locator(".jp-NotebookPanel")
      .first()
      .screenshot({ path: path.join(ARTIFACTS, "extension-dark.png") });
  });
});
