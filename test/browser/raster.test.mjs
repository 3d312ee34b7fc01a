// Browser test of the raster widget's state-trace panel and time-window selection in a real
// JupyterLab 4 (headless Debian Chromium through playwright-core). The notebook holds saved
// outputs (no kernel needed) made by the library from a simulated network: Poisson input -> LIF
// population, spikes of both, and the membrane potential of three LIF neurons from a state
// monitor (`rasterFigure({ spikes, states })`). Checks the linked state panel (the browser draws
// the monitor's values on the raster's time axis; zoom moves every panel), hovering a trace, and
// a box selection along time that lists spike counts, mean rates and active neurons per
// population equal to those computed here from the payload. Screenshots: test/artifacts/raster-*.png.
//
//   NEUROLAB_PYTHON=/path/to/venv/bin/python node --test test/browser/raster.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ARTIFACTS,
  dragAcross,
  extensionErrors,
  openNotebook,
  outputOf,
  plotArea,
  savedOutputsNotebook,
  setRasterDragMode,
  startLabSession,
  waitForRasterWindow,
  waitForRender,
} from "./jupyterlab.mjs";

const require = createRequire(import.meta.url);
const nl = require("neurolab");
const { RASTER_MIME, decodeRaster } = nl.schema;

/** A small simulated network with a state monitor on three LIF neurons. */
function simulated() {
  const net = new nl.Network({ dt_ms: 0.1, seed: 7 });
  const input = net.addPoisson("input", { size: 150, rate_Hz: 15 });
  const exc = net.addLif("exc", { size: 60, v0_mV: (rng) => -70 + 15 * rng.uniform() });
  net.connect(input, exc, { rule: nl.fixedProbability(0.15), weight_mV: 2.5, delay_ms: 1.5 });
  const spikes = net.monitorSpikes([input, exc]);
  const vm = net.monitorState(exc, ["v_mV"], { indices: [0, 5, 9] });
  net.run(500);
  const figure = nl.rasterFigure({
    spikes,
    states: vm,
    title: "Poisson input -> LIF, with membrane potentials",
  });
  return { spikes, vm, figure };
}

describe(
  "raster widget: state panel and time-window selection in JupyterLab",
  { timeout: 300_000 },
  () => {
    let session, lab, browser, page, pageErrors, sim, payload;

    before(async () => {
      sim = simulated();
      const bundle = sim.figure[nl.MIME_BUNDLE]();
      payload = bundle[RASTER_MIME];
      session = await startLabSession({
        prefix: "neurolab-raster-",
        files: {
          "raster.ipynb": savedOutputsNotebook([["rasterFigure({ spikes, states: vm })", bundle]]),
        },
        pageOptions: { viewport: { width: 1400, height: 1200 } },
      });
      ({ lab, browser, page, pageErrors } = session);
      fs.writeFileSync(path.join(ARTIFACTS, "static-raster-states.svg"), bundle["image/svg+xml"]);
      await openNotebook(page, lab, "raster.ipynb");
      await waitForRender(page, ".neurolab-raster");
    });

    after(async () => {
      await session?.stop();
    });

    test("the static fallback has the state panel", async () => {
      const p = await browser.newPage({ viewport: { width: 900, height: 700 } });
      try {
        const svg = sim.figure.toSvg();
        assert.ok(!/<script/i.test(svg) && !/<[^>]*\son\w+\s*=/i.test(svg));
        assert.equal(
          (svg.match(/<polyline [^>]*stroke-opacity="0.85"/g) ?? []).length,
          3,
          "one polyline per trace",
        );
        assert.equal(
          (svg.match(/<polyline /g) ?? []).length,
          3 + 2,
          "and one rate line per population (input, exc)",
        );
        for (const label of ["exc 0", "exc 5", "exc 9"])
          assert.ok(svg.includes(`>${label}</text>`), `legend names ${label}`);
        await p.setContent(
          `<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`,
        );
        await p
          .locator("svg")
          .first()
          .screenshot({ path: path.join(ARTIFACTS, "static-raster-states.png") });
      } finally {
        await p.close();
      }
    });

    test("the state panel draws the monitor's traces on the raster's time axis", async () => {
      const r = await page.evaluate(() => {
        const root = document.querySelector(".neurolab-raster");
        const gd = root.querySelector(".js-plotly-plot");
        const states = gd._fullData.filter((t) => t.yaxis === "y3");
        return {
          nTraces: root.dataset.nTraces,
          names: states.map((t) => t.name),
          xaxes: [...new Set(gd._fullData.map((t) => t.xaxis))],
          y: states.map((t) => Array.from(t.y)),
          x0: states.map((t) => gd.calcdata[t.index][0].x),
          x1: states.map((t) => gd.calcdata[t.index][t._length - 1].x),
          title: gd._fullLayout.yaxis3.title.text,
          spikes: gd._fullData
            .filter((t) => t.type === "scattergl")
            .reduce((s, t) => s + t.x.length, 0),
          caption: root.querySelector(".neurolab-raster-summary").textContent,
        };
      });
      assert.equal(r.nTraces, "3");
      assert.deepEqual(r.names, ["exc 0", "exc 5", "exc 9"]);
      assert.deepEqual(r.xaxes, ["x"], "one shared time axis");
      assert.equal(r.title, "v (mV)");
      const times = sim.vm.times_ms;
      [0, 1, 2].forEach((k) => {
        assert.deepEqual(
          r.y[k],
          Array.from(Float32Array.from(sim.vm.trace("v_mV", k))),
          `trace ${k} values`,
        );
        assert.ok(
          Math.abs(r.x0[k] - times[0]) < 1e-9 && Math.abs(r.x1[k] - times[times.length - 1]) < 1e-6,
          `trace ${k} times`,
        );
      });
      assert.equal(r.spikes, sim.spikes.count);
      assert.match(r.caption, /3 v_mV traces/);
      await outputOf(page, ".neurolab-raster").screenshot({
        path: path.join(ARTIFACTS, "raster-states.png"),
      });
    });

    test("hovering a state trace names its neuron and value", async () => {
      const { px, py } = await page.evaluate(() => {
        const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
        const t = gd._fullData.find((d) => d.yaxis === "y3" && d.name === "exc 5");
        const k = Math.floor(t._length / 2);
        const pt = gd.calcdata[t.index][k];
        const xa = gd._fullLayout.xaxis;
        const ya = gd._fullLayout.yaxis3;
        const r = gd.getBoundingClientRect();
        return { px: r.left + xa._offset + xa.l2p(pt.x), py: r.top + ya._offset + ya.l2p(pt.y) };
      });
      await page.mouse.move(px - 20, py - 20);
      await page.mouse.move(px, py, { steps: 4 });
      const hover = page
        .locator(".neurolab-raster .hoverlayer .hovertext", { hasText: /mV/ })
        .first();
      await hover.waitFor({ timeout: 10_000 });
      assert.match(await hover.textContent(), /exc \d+.*t = [\d.]+ ms.*-?[\d.]+ mV/);
      await page.mouse.move(5, 5);
    });

    test("zooming the raster zooms the rate and state panels with it", async () => {
      const box = await plotArea(page, ".neurolab-raster");
      await dragAcross(page, box, [0.2, 0.3], [0.4, 0.3], 6);
      await page.waitForFunction(
        () => {
          const r = document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.xaxis
            .range;
          return r[1] - r[0] < 200;
        },
        null,
        { timeout: 10_000 },
      );
      const r = await page.evaluate(() => {
        const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
        const fl = gd._fullLayout;
        // Every panel is drawn against the one x axis: its data's visible extent is the zoomed range.
        return {
          range: fl.xaxis.range,
          anchors: ["yaxis", "yaxis2", "yaxis3"].map((a) => fl[a].anchor),
        };
      });
      assert.deepEqual(r.anchors, ["x", "x", "x"]);
      assert.ok(r.range[0] > 50 && r.range[1] < 300, `zoomed range ${r.range}`);
      await outputOf(page, ".neurolab-raster").screenshot({
        path: path.join(ARTIFACTS, "raster-states-zoom.png"),
      });
      // Double-click resets the zoom.
      await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height * 0.3);
      await page.waitForFunction(
        () => {
          const r = document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.xaxis
            .range;
          return Math.abs(r[0]) < 1e-6 && Math.abs(r[1] - 500) < 1e-6;
        },
        null,
        { timeout: 10_000 },
      );
    });

    test("selecting a time window lists spike counts, rates and active neurons per population", async () => {
      await setRasterDragMode(page, "select");
      const box = await plotArea(page, ".neurolab-raster");
      await dragAcross(page, box, [0.3, 0.4], [0.6, 0.5], 8);
      await waitForRasterWindow(page);
      const shown = await page.evaluate(() => {
        const root = document.querySelector(".neurolab-raster");
        return {
          window: root.dataset.windowMs.split(",").map(Number),
          head: root.querySelector(".neurolab-raster-window-head").textContent,
          rows: [...root.querySelectorAll(".neurolab-raster-window-row")].map((r) => ({
            name: r.cells[0].textContent,
            spikes: Number(r.dataset.spikes),
            rate: Number(r.dataset.rateHz),
            active: Number(r.dataset.active),
            text: r.textContent,
          })),
        };
      });
      const [t0, t1] = shown.window;
      assert.ok(t0 > 100 && t0 < 200 && t1 > 250 && t1 < 350, `window ${t0}-${t1} ms`);
      // Expected statistics straight from the payload.
      const d = decodeRaster(payload);
      d.populations.forEach((p, k) => {
        const inWindow = [];
        for (let i = 0; i < d.times_ms.length; i++) {
          const t = d.times_ms[i];
          const n = d.neurons[i];
          if (t >= t0 && t < t1 && n >= p.start && n < p.start + p.size) inWindow.push(n);
        }
        const row = shown.rows[k];
        assert.equal(row.name, p.name);
        assert.equal(row.spikes, inWindow.length, `${p.name}: spikes in window`);
        assert.ok(
          Math.abs(row.rate - inWindow.length / (p.size * (t1 - t0) * 1e-3)) < 1e-9,
          `${p.name}: rate`,
        );
        assert.equal(row.active, new Set(inWindow).size, `${p.name}: active neurons`);
        assert.ok(row.spikes > 10, `${p.name}: ${row.spikes} spikes in the window`);
      });
      assert.match(shown.head, /^window [\d.,]+–[\d.,]+ ms/);
      await outputOf(page, ".neurolab-raster").screenshot({
        path: path.join(ARTIFACTS, "raster-window.png"),
      });
      // Clear: the panel empties and the selection box goes.
      await page.locator(".neurolab-raster-window-clear").first().click();
      await page.waitForFunction(
        () => !document.querySelector(".neurolab-raster").dataset.windowMs,
        null,
        { timeout: 10_000 },
      );
      await page.waitForFunction(
        () =>
          (document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.selections ?? [])
            .length === 0,
        null,
        { timeout: 10_000 },
      );
      assert.deepEqual(extensionErrors(pageErrors), [], "uncaught errors from the extension");
    });
  },
);
