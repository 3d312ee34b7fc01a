// Browser test of the figure-quality details of the widgets in a real JupyterLab 4 (headless
// Debian Chromium through playwright-core), from payloads made by the library:
//
//  - raster of the C. elegans connectome network: neuron names on the axis (thinned to fit,
//    every name once zoomed in) and in the spike data, a legend naming each state trace's
//    neuron, a selected time window with edges on the dt grid;
//  - connectome (Cook 2019): edges within a layer drawn as arcs, collision-free node labels
//    (every node once zoomed in), the edge legend (clicking it toggles the synapse kind), a
//    click on empty space deselects, chemical and electrical adjacency matrices with class
//    ticks, boundaries and colour bars that survive the PNG export, and a partner panel that
//    wraps below the plot in a narrow window without covering the citation;
//  - RDM (one RDM, categories): "correlation distance" on the colour bar, one stress (Kruskal
//    stress-1) in the MDS title and none in the footer, MDS points coloured by category with
//    non-overlapping labels, x labels under the transformed matrix, no clipped tick labels;
//  - activity heatmap (60 neurons): every row labelled at 10 px, hover names quantity and unit.
//
// Screenshots: test/artifacts/figures-*.png.
//
//   NEUROLAB_PYTHON=/path/to/venv/bin/python node --test test/browser/widgets-figures.test.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import {
  cookNeurons,
  dragAcross,
  exportPng,
  extensionErrors,
  openNotebook,
  plotArea,
  savedOutputsNotebook,
  setRasterDragMode,
  shoot,
  startLabSession,
  waitForData,
  waitForRasterWindow,
  waitForRender,
} from "./jupyterlab.mjs";
import { prng } from "./prng.mjs";

const require = createRequire(import.meta.url);
const nl = require("neurolab");
const { rsa, connectome: cx } = nl;

function wormRaster(c) {
  const sim = cx.connectomeNetwork(c, {
    seed: 1,
    stimulus: {
      neurons: ["ALML", "ALMR", "AVM", "PLML", "PLMR", "PVM"],
      rate_Hz: 100,
      weight_mV: 20,
    },
  });
  const traced = ["AVAL", "PVCL"].map((n) => c.indexOf.get(n));
  const vm = sim.network.monitorState(sim.neurons, ["v_mV"], { indices: traced, every_steps: 5 });
  sim.network.run(300);
  return nl.rasterFigure({
    spikes: sim.monitor,
    states: vm,
    title: "Cook 2019 network, touch stimulation",
  });
}

const CONDITIONS = [
  "face 1",
  "face 2",
  "face 3",
  "body 1",
  "body 2",
  "body 3",
  "house 1",
  "house 2",
  "house 3",
  "tool 1",
  "tool 2",
  "tool 3",
];

function singleRdm() {
  const rand = prng(5);
  const category = (i) => Math.floor(i / 3);
  const rows = CONDITIONS.map((_, i) =>
    Array.from(
      { length: 30 },
      (_, j) =>
        Math.sin(category(i) * 1.7 + j * 0.45) +
        0.35 * Math.cos(i * 2.1 + j) +
        0.3 * (rand() - 0.5),
    ),
  );
  const r = rsa.calcRdm(rsa.makeDataset(rows), { method: "correlation" });
  return nl.rdmFigure(r, {
    title: "One RDM",
    labels: CONDITIONS,
    categories: CONDITIONS.map((c) => c.split(" ")[0]),
  });
}

function activity60() {
  const rand = prng(9);
  const names = cx.NEURON_NAMES.slice(0, 60);
  const nTimes = 600;
  const data = new Float64Array(names.length * nTimes);
  names.forEach((_, i) => {
    let x = 0;
    for (let t = 0; t < nTimes; t++) {
      x = 0.97 * x + (rand() < 0.01 ? 20 : 0);
      data[i * nTimes + t] = x;
    }
  });
  return nl.activityFigure(
    { data, nNeurons: names.length, nTimes, dt_s: 0.5, labels: names },
    { title: "Rates", quantity: "rate", unit: "Hz" },
  );
}

/** Pairwise overlap area (px²) of client rectangles. */
function overlapArea(rects) {
  let total = 0;
  for (let a = 0; a < rects.length; a++) {
    for (let b = a + 1; b < rects.length; b++) {
      const A = rects[a];
      const B = rects[b];
      total +=
        Math.max(0, Math.min(A.right, B.right) - Math.max(A.left, B.left)) *
        Math.max(0, Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top));
    }
  }
  return total;
}

describe("widget figure details in JupyterLab", { timeout: 600_000 }, () => {
  let session, lab, page, pageErrors, c, raster, con, rdm, act;

  before(async () => {
    c = await cookNeurons();
    raster = wormRaster(c);
    con = nl.connectomeFigure(c, { title: "C. elegans (Cook et al. 2019)" });
    rdm = singleRdm();
    act = activity60();
    const bundle = (fig) => fig[nl.MIME_BUNDLE]();
    session = await startLabSession({
      prefix: "neurolab-figures-",
      files: {
        "figures.ipynb": savedOutputsNotebook([
          ["worm raster", bundle(raster)],
          ["connectome", bundle(con)],
          ["rdm", bundle(rdm)],
          ["activity", bundle(act)],
        ]),
      },
      pageOptions: { viewport: { width: 1400, height: 1100 }, acceptDownloads: true },
    });
    ({ lab, page, pageErrors } = session);
    await openNotebook(page, lab, "figures.ipynb");
  });

  after(async () => {
    await session?.stop();
  });

  test("raster: neuron names on the axis and in the spike data, trace legend, window on the dt grid", async () => {
    await waitForRender(page, ".neurolab-raster");
    const names = raster.data.neuronNames;
    assert.equal(names.length, 300);
    const r = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
      const spikes = gd._fullData.filter((t) => t.yaxis === "y" && t.type === "scattergl");
      return {
        ticktext: [...gd.querySelectorAll(".ytick text")].map((t) => t.textContent),
        tickRects: [...gd.querySelectorAll(".ytick text")].map((t) =>
          t.getBoundingClientRect().toJSON(),
        ),
        spikeText: spikes.flatMap((t) => Array.from(t.text ?? []).slice(0, 5)),
        spikeRows: spikes.flatMap((t) => Array.from(t.y).slice(0, 5)),
        template: spikes[0]?.hovertemplate,
        legend2: [...gd.querySelectorAll(".legend2 .legend2text")].map((t) => t.textContent),
      };
    });
    assert.ok(
      r.ticktext.length >= 8 && r.ticktext.every((t) => names.includes(t)),
      `axis names: ${r.ticktext.join(", ")}`,
    );
    assert.equal(overlapArea(r.tickRects), 0, "axis names do not overlap");
    assert.deepEqual(
      r.spikeText,
      r.spikeRows.map((i) => names[i]),
      "every spike knows its neuron's name",
    );
    assert.match(r.template, /neuron %\{text\} \(row %\{y\}\)/);
    assert.deepEqual(
      r.legend2,
      raster.data.states.labels.map((l, k) => `${l} (${names[raster.data.states.rows[k]]})`),
      "the trace legend names each trace's neuron",
    );
    assert.deepEqual(
      r.legend2.map((t) => /\((\w+)\)$/.exec(t)[1]),
      ["AVAL", "PVCL"],
    );
    await shoot(page, ".neurolab-raster", "figures-raster-names.png");
    // Zoom into 20 rows: every row is named.
    const box = await plotArea(page, ".neurolab-raster");
    // A vertical zoom box by mouse over a narrow band of rows (as a user would).
    await dragAcross(page, box, [0.5, 0.4], [0.502, 0.49], 6); // >= 20 px: plotly's smallest zoom box
    await page.waitForFunction(
      () => {
        const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
        const [a, b] = gd._fullLayout.yaxis.range;
        return Math.abs(b - a) < 40;
      },
      null,
      { timeout: 10_000 },
    );
    // ~27 rows in ~270 px: names thinned to one per 16 px, all from the rows in view.
    await page.waitForFunction(
      () => document.querySelector(".neurolab-raster").dataset.nameTicks !== undefined,
      null,
      { timeout: 10_000 },
    );
    const first = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
      return {
        range: gd._fullLayout.yaxis.range,
        len: gd._fullLayout.yaxis._length,
        vals: gd._fullLayout.yaxis.tickvals,
        text: [...gd.querySelectorAll(".ytick text")].map((t) => t.textContent),
      };
    });
    assert.ok(
      first.vals.length <= Math.floor(first.len / 16) && first.vals.length >= 5,
      `${first.vals.length} names in ${first.len} px`,
    );
    assert.deepEqual(
      first.text,
      first.vals.map((i) => names[i]),
    );
    for (const v of first.vals)
      assert.ok(v >= Math.min(...first.range) && v <= Math.max(...first.range));
    // Zoom in again: now every row in view is named.
    await dragAcross(page, box, [0.5, 0.3], [0.502, 0.6], 6);
    await page.waitForFunction(
      () => {
        const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
        const [a, b] = gd._fullLayout.yaxis.range;
        const lo = Math.ceil(Math.min(a, b));
        const hi = Math.floor(Math.max(a, b));
        return (
          hi - lo < 15 &&
          document.querySelector(".neurolab-raster").dataset.nameTicks === String(hi - lo + 1)
        );
      },
      null,
      { timeout: 10_000 },
    );
    const zoomed = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
      return {
        range: gd._fullLayout.yaxis.range,
        text: [...gd.querySelectorAll(".ytick text")].map((t) => t.textContent),
      };
    });
    const lo = Math.ceil(Math.min(...zoomed.range));
    const hi = Math.floor(Math.max(...zoomed.range));
    assert.deepEqual(zoomed.text, names.slice(lo, hi + 1), "every row in view is named");
    await shoot(page, ".neurolab-raster", "figures-raster-names-zoom.png");
    // Back to the full view (double click), then select a time window: its edges lie on the dt grid.
    await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await setRasterDragMode(page, "select");
    await dragAcross(page, box, [0.213, 0.3], [0.377, 0.4], 5);
    await waitForRasterWindow(page);
    const w = (await page.locator(".neurolab-raster").first().getAttribute("data-window-ms"))
      .split(",")
      .map(Number);
    const dt = raster.data.dt_ms;
    assert.equal(dt, 0.1);
    for (const t of w)
      assert.ok(
        Math.abs(t / dt - Math.round(t / dt)) < 1e-6,
        `window edge ${t} ms is on the ${dt} ms grid`,
      );
    assert.match(
      await page.locator(".neurolab-raster-window-head").first().textContent(),
      new RegExp(`window ${w[0]}\u2013${w[1]} ms`),
    );
    await page.locator(".neurolab-raster-window-clear").first().click();
    await page.locator(".neurolab-raster-drag").first().selectOption("zoom");
  });

  test("connectome: arcs within layers, node labels, edge legend, deselect on empty space", async () => {
    await waitForRender(page, ".neurolab-connectome");
    await page.evaluate(() =>
      document
        .querySelector(".neurolab-connectome .js-plotly-plot")
        .scrollIntoView({ block: "center" }),
    );
    const d = con.data;
    const layered = d.layouts.layered;
    // Labels: many names at the full view, none overlapping.
    await page.waitForFunction(
      () => Number(document.querySelector(".neurolab-connectome").dataset.labels) > 0,
      null,
      { timeout: 10_000 },
    );
    const labels = await page.evaluate(() => {
      const texts = [
        ...document.querySelectorAll(".neurolab-connectome .neurolab-connectome-labels text"),
      ];
      return {
        names: texts.map((t) => t.textContent),
        rects: texts.map((t) => t.getBoundingClientRect().toJSON()),
      };
    });
    assert.ok(labels.names.length >= 25, `${labels.names.length} names at the full view`);
    assert.ok(
      labels.names.includes("AVAL") || labels.names.includes("AVAR"),
      "the biggest hub is named",
    );
    assert.ok(overlapArea(labels.rects) < 1, "labels never overlap");
    // Edge legend entries, in plotly's legend.
    const legend = await page.evaluate(() =>
      [...document.querySelectorAll(".neurolab-connectome .legendtext")].map((t) => t.textContent),
    );
    assert.ok(
      legend.includes("chemical synapse") && legend.includes("gap junction"),
      legend.join(", "),
    );
    await shoot(page, ".neurolab-connectome", "figures-connectome-labels.png");
    // Select AVAL: its partners within the interneuron layer are joined by arcs.
    await page.locator(".neurolab-connectome-search").first().fill("AVAL");
    await waitForData(page, ".neurolab-connectome", "selected", "AVAL");
    const i = d.names.indexOf("AVAL");
    let sameLayerIn = 0;
    for (let k = 0; k < d.chemical.pre.length; k++)
      if (
        d.chemical.post[k] === i &&
        d.chemical.pre[k] !== i &&
        layered.x[d.chemical.pre[k]] === layered.x[i]
      )
        sameLayerIn++;
    const arcs = await page.evaluate(
      () =>
        (
          document
            .querySelector(".neurolab-connectome .neurolab-highlight-input")
            .getAttribute("d")
            .match(/Q/g) ?? []
        ).length,
    );
    assert.ok(sameLayerIn >= 5, `AVAL has ${sameLayerIn} inputs from its own layer`);
    assert.equal(arcs, sameLayerIn, "inputs from the same layer are arcs");
    const partnerLabels = await page.evaluate(() =>
      [...document.querySelectorAll(".neurolab-connectome .neurolab-connectome-labels text")].map(
        (t) => t.textContent,
      ),
    );
    const partners = new Set();
    for (let k = 0; k < d.chemical.pre.length; k++) {
      if (d.chemical.post[k] === i) partners.add(d.names[d.chemical.pre[k]]);
      if (d.chemical.pre[k] === i) partners.add(d.names[d.chemical.post[k]]);
    }
    for (let k = 0; k < d.electrical.pre.length; k++) {
      if (d.electrical.pre[k] === i) partners.add(d.names[d.electrical.post[k]]);
      if (d.electrical.post[k] === i) partners.add(d.names[d.electrical.pre[k]]);
    }
    assert.ok(
      partnerLabels.length >= 10 && partnerLabels.every((n) => partners.has(n)),
      `partners named: ${partnerLabels.length}`,
    );
    await shoot(page, ".neurolab-connectome", "figures-connectome-arcs.png");
    // A click on empty plot space deselects.
    const empty = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
      const fl = gd._fullLayout;
      const r = gd.getBoundingClientRect();
      const pts = gd._fullData
        .filter((t) => t.mode === "markers")
        .flatMap((t) => Array.from(t.x, (x, k) => [fl.xaxis.l2p(x), fl.yaxis.l2p(t.y[k])]));
      for (let fy = 0.1; fy < 0.9; fy += 0.05) {
        for (let fx = 0.1; fx < 0.9; fx += 0.02) {
          const x = fx * fl.xaxis._length;
          const y = fy * fl.yaxis._length;
          if (pts.every(([px, py]) => Math.hypot(px - x, py - y) > 30))
            return { x: r.left + fl.xaxis._offset + x, y: r.top + fl.yaxis._offset + y };
        }
      }
      return null;
    });
    assert.ok(empty, "an empty spot in the plot");
    await page.mouse.move(empty.x, empty.y);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction(
      () => document.querySelector(".neurolab-connectome").dataset.selected === undefined,
      null,
      { timeout: 10_000 },
    );
    assert.equal(await page.locator(".neurolab-connectome .neurolab-highlight-input").count(), 0);
    // Clicking the legend's "gap junction" toggles the electrical synapses.
    const gapEntry = page
      .locator(".neurolab-connectome .legend .traces", { hasText: "gap junction" })
      .first()
      .locator(".legendtoggle");
    await gapEntry.click();
    await page.waitForFunction(
      () => !document.querySelector(".neurolab-connectome-electrical").checked,
      null,
      { timeout: 10_000 },
    );
    await gapEntry.click();
    await page.waitForFunction(
      () => document.querySelector(".neurolab-connectome-electrical").checked,
      null,
      { timeout: 10_000 },
    );
    // Zoomed in on the interneuron column, every node in view is named.
    const plot = await plotArea(page, ".neurolab-connectome");
    await dragAcross(page, plot, [0.3, 0.3], [0.42, 0.42], 6);
    await page.waitForFunction(
      () => {
        const root = document.querySelector(".neurolab-connectome");
        const r = root.querySelector(".js-plotly-plot")._fullLayout.xaxis.range;
        return r[1] - r[0] < 0.3 && root.dataset.labelCandidates !== undefined;
      },
      null,
      { timeout: 10_000 },
    );
    await page.waitForTimeout(300);
    const zoomed = await page.evaluate(() => {
      const root = document.querySelector(".neurolab-connectome");
      return {
        shown: Number(root.dataset.labels),
        candidates: Number(root.dataset.labelCandidates),
      };
    });
    assert.ok(zoomed.candidates >= 3, `${zoomed.candidates} nodes in view`);
    assert.ok(
      zoomed.shown >= 0.8 * zoomed.candidates,
      `zoomed in: ${zoomed.shown} of ${zoomed.candidates} nodes named`,
    );
    await shoot(page, ".neurolab-connectome", "figures-connectome-zoom-labels.png");
    await page.mouse.dblclick(plot.x + plot.width * 0.5, plot.y + plot.height * 0.95);
  });

  test("connectome: chemical and electrical matrices, class ticks and boundaries, colour bars in the PNG export", async () => {
    await page.locator(".neurolab-connectome-view").first().selectOption("adjacency");
    await waitForData(page, ".neurolab-connectome", "view", "adjacency");
    const r = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
      return {
        types: gd._fullData.map((t) => t.type),
        colorbars: [...gd.querySelectorAll(".colorbar .cbtitle text, .colorbar .cbtitle")]
          .map((t) => t.textContent)
          .filter(Boolean),
        ticktext: gd._fullLayout.yaxis.ticktext,
        shapes: gd._fullLayout.shapes.filter((s) => s.type === "path").length,
        chemSum: gd.data[0].z.flat().reduce((s, v) => s + (v ?? 0), 0),
        elecSum: gd.data[1].z.flat().reduce((s, v) => s + (v ?? 0), 0),
        cbfill: [...gd.querySelectorAll(".colorbar .cbfill")].map((e) =>
          e.getBoundingClientRect().toJSON(),
        ),
        box: gd.querySelector(".svg-container").getBoundingClientRect().toJSON(),
      };
    });
    assert.deepEqual(r.types, ["heatmap", "heatmap"]);
    assert.ok(
      r.colorbars.some((t) => /chemical synapses/.test(t)) &&
        r.colorbars.some((t) => /gap junctions/.test(t)),
      r.colorbars.join(" | "),
    );
    const classes = new Set(con.data.classes);
    assert.ok(
      r.ticktext.length >= 15 && r.ticktext.every((t) => classes.has(t)),
      `class ticks: ${r.ticktext.length}`,
    );
    assert.equal(r.shapes, 2, "group boundaries on both matrices");
    const d = con.data;
    assert.equal(
      r.chemSum,
      d.chemical.weight.reduce((s, w) => s + w, 0),
    );
    assert.equal(
      r.elecSum,
      d.electrical.weight.reduce(
        (s, w, k) => s + (d.electrical.pre[k] === d.electrical.post[k] ? w : 2 * w),
        0,
      ),
    );
    await shoot(page, ".neurolab-connectome", "figures-connectome-adjacency.png");
    // PNG export keeps both colour bars.
    const png = await exportPng(
      page,
      ".neurolab-connectome",
      "figures-connectome-adjacency-export.png",
    );
    const colours = await page.evaluate(
      async ([b64, bars, box]) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext("2d");
        ctx.drawImage(img, 0, 0);
        const s = img.width / box.width;
        return bars.map((b) =>
          [0.1, 0.5, 0.9].map((f) =>
            Array.from(
              ctx.getImageData(
                Math.round((b.left - box.left + b.width / 2) * s),
                Math.round((b.top - box.top + f * b.height) * s),
                1,
                1,
              ).data,
            ),
          ),
        );
      },
      [png.toString("base64"), r.cbfill, r.box],
    );
    assert.equal(colours.length, 2, "two colour bars");
    for (const bar of colours) {
      const sat = bar.map(([R, G, B]) => Math.max(R, G, B) - Math.min(R, G, B));
      assert.ok(
        sat.every((v) => v > 40),
        `colour bar pixels are coloured: ${JSON.stringify(bar)}`,
      );
      assert.notDeepEqual(bar[0], bar[2], "a gradient, not one colour");
    }
    await page.locator(".neurolab-connectome-view").first().selectOption("layered");
    await waitForData(page, ".neurolab-connectome", "view", "layered");
  });

  test("connectome: in a narrow window the partner panel goes below the plot, clear of the citation", async () => {
    await page.locator(".neurolab-connectome-search").first().fill("AVAL");
    await waitForData(page, ".neurolab-connectome", "selected", "AVAL");
    const geometry = () =>
      page.evaluate(() => {
        const root = document.querySelector(".neurolab-connectome");
        const rect = (s) => root.querySelector(s).getBoundingClientRect().toJSON();
        return {
          plot: rect(".neurolab-connectome-plot"),
          partners: rect(".neurolab-connectome-partners"),
          caption: rect(".neurolab-caption"),
          body: rect(".neurolab-connectome-body"),
        };
      });
    const wide = await geometry();
    assert.ok(wide.partners.left >= wide.plot.right - 1, "wide: partners beside the plot");
    assert.ok(wide.partners.bottom <= wide.caption.top + 1, "wide: partners above the citation");
    await page.setViewportSize({ width: 760, height: 1100 });
    await page.waitForFunction(
      () => {
        const root = document.querySelector(".neurolab-connectome");
        return (
          root.querySelector(".neurolab-connectome-partners").getBoundingClientRect().top >=
          root.querySelector(".neurolab-connectome-plot").getBoundingClientRect().bottom - 1
        );
      },
      null,
      { timeout: 15_000 },
    );
    const narrow = await geometry();
    assert.ok(
      narrow.plot.width >= 0.95 * narrow.body.width,
      `narrow: the plot keeps the width (${narrow.plot.width} of ${narrow.body.width})`,
    );
    assert.ok(
      narrow.partners.bottom <= narrow.caption.top + 1,
      "narrow: partners above the citation",
    );
    await shoot(page, ".neurolab-connectome", "figures-connectome-narrow.png");
    await page.setViewportSize({ width: 1400, height: 1100 });
  });

  test("RDM: measure named as a distance, one Kruskal stress, coloured MDS with separate labels, unclipped ticks", async () => {
    await waitForRender(page, ".neurolab-rdm");
    await page.locator(".neurolab-rdm").first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => {
      const root = document.querySelector(".neurolab-rdm");
      const [heat, gt] = [...root.querySelectorAll(".js-plotly-plot")];
      const mds = gt._fullData[1];
      const rect = (e) => e.getBoundingClientRect().toJSON();
      return {
        colorbar: [...heat.querySelectorAll(".colorbar .cbtitle text")]
          .map((t) => t.textContent)
          .join(" "),
        mdsTitle: gt._fullLayout.annotations[1].text,
        caption: root.querySelector(".neurolab-caption").textContent,
        colors: Array.from(mds.marker.color),
        legend: [...gt.querySelectorAll(".legendtext")].map((t) => t.textContent),
        mdsLabels: [...gt.querySelectorAll(".scatterlayer .textpoint text")].map(rect),
        gtXTicks: [...gt.querySelectorAll(".xtick text")].map((t) => ({
          text: t.textContent,
          ...rect(t),
        })),
        heatTicks: [...heat.querySelectorAll(".xtick text, .ytick text")].map(rect),
        heatBox: rect(heat),
        gtBox: rect(gt),
      };
    });
    assert.match(r.colorbar, /correlation distance/);
    assert.match(r.mdsTitle, /Kruskal stress-1 \d/);
    assert.doesNotMatch(r.caption, /stress/, "the footer does not repeat a (different) stress");
    assert.equal(new Set(r.colors).size, 4, "four categories, four colours");
    assert.deepEqual(r.legend, ["face", "body", "house", "tool"]);
    assert.equal(r.mdsLabels.length, 12);
    assert.ok(
      overlapArea(r.mdsLabels) < 20,
      `MDS labels overlap by ${overlapArea(r.mdsLabels).toFixed(0)} px²`,
    );
    assert.deepEqual(
      r.gtXTicks.map((t) => t.text),
      CONDITIONS,
      "x labels under the transformed matrix",
    );
    for (const t of r.gtXTicks)
      assert.ok(
        t.bottom <= r.gtBox.bottom + 0.5 && t.left >= r.gtBox.left - 0.5,
        `GT tick ${t.text} inside the plot`,
      );
    assert.equal(r.heatTicks.length, 24);
    for (const t of r.heatTicks)
      assert.ok(
        t.bottom <= r.heatBox.bottom + 0.5 &&
          t.left >= r.heatBox.left - 0.5 &&
          t.top >= r.heatBox.top - 0.5,
        "heatmap tick labels are not clipped",
      );
    await shoot(page, ".neurolab-rdm", "figures-rdm-single.png");
  });

  test("activity: every row labelled at 60 neurons; hover names quantity and unit", async () => {
    await waitForRender(page, ".neurolab-activity");
    await page.locator(".neurolab-activity").first().scrollIntoViewIfNeeded();
    const r = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-activity .js-plotly-plot");
      const ticks = [...gd.querySelectorAll(".ytick text")];
      return {
        text: ticks.map((t) => t.textContent),
        size: Math.min(...ticks.map((t) => parseFloat(getComputedStyle(t).fontSize))),
        rects: ticks.map((t) => t.getBoundingClientRect().toJSON()),
        colorbar: [...gd.querySelectorAll(".colorbar .cbtitle text")]
          .map((t) => t.textContent)
          .join(" "),
      };
    });
    assert.deepEqual(r.text, act.data.labels);
    assert.ok(r.size >= 10, `label font ${r.size} px`);
    assert.equal(overlapArea(r.rects), 0);
    assert.equal(r.colorbar, "rate (Hz)");
    const { px, py } = await page.evaluate(() => {
      const gd = document.querySelector(".neurolab-activity .js-plotly-plot");
      const fl = gd._fullLayout;
      const b = gd.getBoundingClientRect();
      return {
        px: b.left + fl.xaxis._offset + fl.xaxis._length * 0.5,
        py: b.top + fl.yaxis._offset + fl.yaxis.l2p(10),
      };
    });
    await page.mouse.move(px - 10, py - 10);
    await page.mouse.move(px, py, { steps: 3 });
    const hover = page.locator(".neurolab-activity .hoverlayer .hovertext").first();
    await hover.waitFor({ timeout: 10_000 });
    const text = await hover.textContent();
    const m = /^(\w+)t = [\d.]+ srate = [\d.]+ Hz$/.exec(text); // lines: name, time, "quantity = value unit"
    assert.ok(m, text);
    assert.ok(Math.abs(act.data.labels.indexOf(m[1]) - 10) <= 1, `hovered ${m[1]} near row 10`);
    await shoot(page, ".neurolab-activity", "figures-activity-60.png");
    assert.deepEqual(extensionErrors(pageErrors), [], "uncaught errors from the extension");
  });
});
