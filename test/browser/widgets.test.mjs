// Browser test of the RDM, connectome and activity renderers of neurolab-jupyterlab in a real
// JupyterLab 4 (headless Debian Chromium through playwright-core). Three notebooks with saved
// outputs (no kernel needed), written by this test from payloads made by the library itself:
//
//  1. widgets.ipynb: an RDM figure (3 subject RDMs, MDS, model comparison), the whole C. elegans
//     connectome (Cook 2019, from the data mirror) and a calcium-like activity heatmap. Checks
//     what is drawn, the tRSA sliders (the browser's GT matrix must equal the library's
//     rsa.geotopologicalTransform) and the live MDS beside it (equal to the library's classical MDS
//     up to rotation), click-to-highlight partners, threshold, search, toggles (each timed from the
//     event to the painted frame: test/artifacts/connectome-latency.json), PNG export with all
//     layers aligned, adjacency view, zoom (the edge layer follows), resizing and the dark theme.
//  2. fuzz.ipynb: a corpus of hostile and malformed payloads for every MIME type (wrong version,
//     missing fields, NaN / huge / truncated arrays, markup and script in labels). Malformed ones
//     must show the error box, hostile-but-valid ones must render with labels as text, and no
//     script may ever run (injected handlers would set window.__neurolabPwned).
//  3. raster-1m.ipynb: the 1,000,000-spike raster first-paint benchmark (data-render-ms: payload
//     validation + plotly load + figure + draw, to the frame after the draw). Printed, written to
//     test/artifacts/raster-1m-benchmark.json; fails only above 5 s. Then, in image mode: neuron
//     hover (id, population, rate), a time-window selection (counts equal to the payload's), the
//     rate bin selector and zoom.
//
// Screenshots: test/artifacts/widgets-*.png, static fallbacks test/artifacts/static-*.png.
//
//   NEUROLAB_PYTHON=/path/to/venv/bin/python node --test test/browser/widgets.test.mjs
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ARTIFACTS,
  cookNeurons,
  addCellBelowLast,
  dragAcross,
  exportPng,
  extensionErrors,
  openNotebook,
  outputOf,
  plotArea,
  sameColor,
  savedOutputsNotebook,
  setRasterDragMode,
  setTheme,
  shoot,
  startLabSession,
  waitForData,
  waitForRasterWindow,
  waitForRender,
} from "./jupyterlab.mjs";
import { prng } from "./prng.mjs";

const require = createRequire(import.meta.url);
const nl = require("neurolab");
const { rsa, connectome: cx, schema } = nl;
const { RASTER_MIME, RDM_MIME, CONNECTOME_MIME, ACTIVITY_MIME } = schema;

const HOSTILE = '<img src=x onerror="window.__neurolabPwned=1">';
const BENCH_LIMIT_MS = 5000;

// ---- payloads made by the library ----

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
  `tool ${HOSTILE}`,
];

function rdmExample() {
  const rand = prng(3);
  const category = (i) => Math.floor(i / 3);
  const subjects = [0, 1, 2].map((s) => {
    const rows = CONDITIONS.map((_, i) =>
      Array.from(
        { length: 30 },
        (_, j) =>
          Math.sin(category(i) * 1.7 + j * 0.45) +
          0.35 * Math.cos(i * 2.1 + j) +
          0.3 * (rand() - 0.5) * (s + 1),
      ),
    );
    return rsa.calcRdm(rsa.makeDataset(rows), { method: "correlation" });
  });
  const data = rsa.concatRdms(subjects);
  const n = CONDITIONS.length;
  const modelVector = (f) => {
    const v = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) v.push(f(i, j));
    return v;
  };
  const models = [
    rsa.modelFixed(
      "category",
      modelVector((i, j) => (category(i) === category(j) ? 0 : 1)),
    ),
    rsa.modelFixed(
      "animate",
      modelVector((i, j) => (category(i) < 2 === category(j) < 2 ? 0 : 1)),
    ),
    rsa.modelFixed(
      `random ${HOSTILE}`,
      modelVector(() => rand()),
    ),
  ];
  const evaluation = rsa.evalFixed(models, data, { method: "corr" });
  const figure = nl.rdmFigure(data, {
    title: `Object RDMs ${HOSTILE}`,
    labels: CONDITIONS,
    rdmNames: ["subject 1", "subject 2", "subject 3"],
    models: evaluation,
  });
  return { data, figure };
}

async function connectomeExample() {
  const c = await cookNeurons();
  return {
    c,
    figure: nl.connectomeFigure(c, { title: "C. elegans hermaphrodite (Cook et al. 2019)" }),
  };
}

function activityExample() {
  const rand = prng(9);
  const names = cx.NEURON_NAMES.slice(0, 60);
  const nTimes = 900;
  const data = new Float64Array(names.length * nTimes);
  names.forEach((_, i) => {
    let x = 0;
    for (let t = 0; t < nTimes; t++) {
      x = 0.97 * x + (rand() < 0.01 ? 1 : 0) + 0.02 * (rand() - 0.5);
      data[i * nTimes + t] = x + 0.3 * Math.sin((2 * Math.PI * t) / (200 + 7 * i));
    }
    if (i % 13 === 5) for (let t = 0; t < 100; t++) data[i * nTimes + t] = NaN; // not yet recorded
  });
  return nl.activityFigure(
    { data, nNeurons: names.length, nTimes, dt_s: 1 / 3, labels: names },
    { title: "Calcium-like activity (synthetic)", quantity: "dF/F" },
  );
}

function raster1M() {
  const rand = prng(11);
  const nNeurons = 2000;
  const nSpikes = 1_000_000;
  const tStop = 10_000;
  const times = new Float32Array(nSpikes);
  const neurons = new Uint32Array(nSpikes);
  for (let k = 0; k < nSpikes; k++) {
    neurons[k] = Math.floor(rand() * nNeurons);
    times[k] = rand() * tStop;
  }
  return schema.encodeRaster({
    title: "1,000,000 spikes (benchmark)",
    tStart_ms: 0,
    tStop_ms: tStop,
    nNeurons,
    populations: [
      { name: "exc", start: 0, size: 1600 },
      { name: "inh", start: 1600, size: 400 },
    ],
    times_ms: times,
    neurons,
  });
}

// ---- the fuzz corpus ----

/** Malformed payloads per MIME type: [name, mime, payload]; each must give the error box. */
function malformedCorpus(valid) {
  const out = [];
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const b64 = (a) => schema.typedArrayToBase64(a);
  for (const [mime, payload] of Object.entries(valid)) {
    const kind = mime.split(".")[2];
    const add = (name, mutate) => {
      const p = clone(payload);
      const r = mutate(p);
      out.push([`${kind}: ${name}`, mime, r === undefined ? p : r]);
    };
    add("null payload", () => null);
    add("array payload", () => [payload]);
    add("string payload", () => HOSTILE);
    add("number payload", () => 42);
    add("schema with markup", (p) => void (p.schema = `<svg onload="window.__neurolabPwned=2">`));
    add("version 2", (p) => void (p.version = 2));
    add("version as string", (p) => void (p.version = "1"));
    add("version missing", (p) => void delete p.version);
    add("title not a string", (p) => void (p.title = { html: HOSTILE }));
    add("huge title", (p) => void (p.title = HOSTILE.repeat(20_000)));
    for (const key of Object.keys(payload)) {
      if (
        [
          "schema",
          "version",
          "title",
          "citation",
          "thresholds",
          "mds",
          "models",
          "states",
          "revision",
          "neuron_names",
          "dt_ms",
          "unit",
          "categories",
        ].includes(key)
      )
        continue; // optional
      add(`missing ${key}`, (p) => void delete p[key]);
    }
    for (const [key, value] of Object.entries(payload)) {
      if (typeof value === "string" && value.length > 16 && /^[A-Za-z0-9+/]+=*$/.test(value)) {
        add(`${key} truncated`, (p) => void (p[key] = value.slice(0, value.length - 8)));
        add(
          `${key} with script`,
          (p) =>
            void (p[key] = `<script>window.__neurolabPwned=3</script>`.padEnd(value.length, "A")),
        );
        // float32 NaN bytes read as float64 are NaN too; as (u)int32 they are out-of-range indices.
        const bytes =
          (value.length / 4) * 3 - (value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0);
        add(
          `${key} NaN`,
          (p) =>
            void (p[key] = b64(
              key === "dissimilarities"
                ? new Float64Array(bytes / 8).fill(NaN)
                : new Float32Array(bytes / 4).fill(NaN),
            )),
        );
      }
      if (typeof value === "number" && key !== "version") {
        add(`${key} null (NaN in JSON)`, (p) => void (p[key] = null));
        add(`${key} as a string`, (p) => void (p[key] = String(value)));
        if (key.startsWith("n_")) {
          add(`${key} huge`, (p) => void (p[key] = 1e12));
          add(`${key} negative`, (p) => void (p[key] = -1));
          add(`${key} fractional`, (p) => void (p[key] = value + 0.5));
        }
      }
      if (Array.isArray(value) && value.length > 0 && typeof value[0] === "string") {
        add(`${key} with an object`, (p) => void (p[key][0] = { toString: HOSTILE }));
        if (key !== "layers") add(`${key} too long`, (p) => void p[key].push(HOSTILE)); // one per node / condition
        add(`${key} huge`, () => ({ ...clone(payload), [key]: new Array(200_000).fill("x") }));
      }
    }
  }
  // Type-specific traps.
  const rdm = valid[RDM_MIME];
  const n = rdm.n_conditions;
  const pairs = (n * (n - 1)) / 2;
  out.push([
    "rdm: infinite dissimilarity",
    RDM_MIME,
    { ...clone(rdm), dissimilarities: b64(new Float64Array(pairs * rdm.n_rdms).fill(Infinity)) },
  ]);
  out.push([
    "rdm: thresholds l > u",
    RDM_MIME,
    { ...clone(rdm), thresholds: { lower: 0.9, upper: 0.1 } },
  ]);
  out.push([
    "rdm: NaN MDS",
    RDM_MIME,
    { ...clone(rdm), mds: { ...rdm.mds, coordinates: b64(new Float64Array(2 * n).fill(NaN)) } },
  ]);
  out.push([
    "rdm: model means with null",
    RDM_MIME,
    { ...clone(rdm), models: { ...rdm.models, means: rdm.models.means.map(() => null) } },
  ]);
  out.push(["rdm: 10^6 conditions", RDM_MIME, { ...clone(rdm), n_conditions: 1_000_000 }]);
  const con = valid[CONNECTOME_MIME];
  out.push([
    "connectome: edge to a missing node",
    CONNECTOME_MIME,
    {
      ...clone(con),
      chemical: {
        n_edges: 1,
        pre: b64(Uint32Array.from([0])),
        post: b64(Uint32Array.from([99999])),
        weight: b64(Float32Array.from([1])),
      },
    },
  ]);
  out.push([
    "connectome: NaN weight",
    CONNECTOME_MIME,
    {
      ...clone(con),
      electrical: {
        n_edges: 1,
        pre: b64(Uint32Array.from([0])),
        post: b64(Uint32Array.from([1])),
        weight: b64(Float32Array.from([NaN])),
      },
    },
  ]);
  out.push([
    "connectome: 10^9 edges declared",
    CONNECTOME_MIME,
    { ...clone(con), chemical: { ...con.chemical, n_edges: 1e9 } },
  ]);
  out.push([
    "connectome: layout with markup key",
    CONNECTOME_MIME,
    { ...clone(con), layouts: { [HOSTILE]: con.layouts.layered } },
  ]);
  const ras = valid[RASTER_MIME];
  out.push(["raster: spike outside the window", RASTER_MIME, { ...clone(ras), t_stop_ms: 1 }]);
  const withStates = (mutate) => {
    const p = clone(ras);
    mutate(p.states);
    return p;
  };
  out.push([
    "raster: state values NaN",
    RASTER_MIME,
    withStates((st) => void (st.values = b64(new Float32Array(100).fill(NaN)))),
  ]);
  out.push([
    "raster: state values truncated",
    RASTER_MIME,
    withStates((st) => void (st.values = st.values.slice(0, -8))),
  ]);
  out.push([
    "raster: state trace row out of range",
    RASTER_MIME,
    withStates((st) => void (st.traces[1].row = 3)),
  ]);
  out.push([
    "raster: states outside the window",
    RASTER_MIME,
    withStates((st) => void (st.t_start_ms = 50)),
  ]);
  out.push(["raster: states dt 0", RASTER_MIME, withStates((st) => void (st.dt_ms = 0))]);
  out.push([
    "raster: 10^9 state samples declared",
    RASTER_MIME,
    withStates((st) => void (st.n_samples = 1e9)),
  ]);
  out.push([
    "raster: state label with an object",
    RASTER_MIME,
    withStates((st) => void (st.traces[0].label = { toString: HOSTILE })),
  ]);
  out.push(["raster: states not an object", RASTER_MIME, { ...clone(ras), states: [HOSTILE] }]);
  const act = valid[ACTIVITY_MIME];
  out.push([
    "activity: 10^8 values declared",
    ACTIVITY_MIME,
    { ...clone(act), n_neurons: 10_000, n_times: 10_000 },
  ]);
  out.push(["activity: dt 0", ACTIVITY_MIME, { ...clone(act), dt_s: 0 }]);
  return out;
}

/** Valid payloads whose every text field carries markup: must render, labels as text. */
function hostileValidCorpus() {
  const evil = [
    HOSTILE,
    '<svg onload="window.__neurolabPwned=5"></svg>',
    "<script>window.__neurolabPwned=6</script>",
    '<a href="javascript:window.__neurolabPwned=7">x</a>',
    "<b>bold</b> & <i>",
  ];
  const rdms = rsa.makeRdms([[1, 2, 3, 4, 5, 6]], {
    patternDescriptors: { label: evil.slice(0, 4) },
  });
  const rdm = nl
    .rdmFigure(rdms, {
      title: evil[2],
      labels: "label",
      rdmNames: [evil[1]],
      models: {
        method: evil[4],
        names: evil.slice(0, 2),
        means: [0.2, 0.1],
        errors: [0.01, 0.02],
        noiseCeiling: [0.3, 0.4],
      },
    })
    .payload();
  const raster = schema.encodeRaster({
    title: evil[1],
    tStart_ms: 0,
    tStop_ms: 10,
    nNeurons: 2,
    populations: [{ name: evil[2], start: 0, size: 2 }],
    times_ms: Float32Array.from([1, 2]),
    neurons: Uint32Array.from([0, 1]),
    states: {
      variable: evil[3],
      unit: evil[4].slice(0, 40),
      tStart_ms: 0,
      dt_ms: 1,
      nSamples: 11,
      labels: [evil[0], evil[2]],
      rows: [0, -1],
      values: new Float32Array(22),
    },
  });
  const con = schema.encodeConnectome({
    title: evil[0],
    citation: evil[3],
    names: evil.slice(0, 3),
    types: [evil[4], "inter", "motor"],
    neurotransmitters: [evil[1], "", "ACh"],
    classes: evil.slice(0, 3),
    communities: Int32Array.from([0, 1, 1]),
    layers: [evil[2]],
    layouts: { force: { x: Float32Array.from([0, 0.5, 1]), y: Float32Array.from([0, 1, 0.5]) } },
    chemical: {
      pre: Uint32Array.from([0, 1]),
      post: Uint32Array.from([1, 2]),
      weight: Float32Array.from([2, 3]),
    },
    electrical: {
      pre: Uint32Array.from([0]),
      post: Uint32Array.from([2]),
      weight: Float32Array.from([1]),
    },
  });
  const act = nl
    .activityFigure(
      { data: [1, 2, 3, 4], nNeurons: 2, nTimes: 2, dt_s: 1, labels: [evil[0], evil[3]] },
      { title: evil[1], quantity: evil[2] },
    )
    .payload();
  return [
    ["rdm: markup everywhere", RDM_MIME, rdm],
    ["raster: markup everywhere", RASTER_MIME, raster],
    ["connectome: markup everywhere", CONNECTOME_MIME, con],
    ["activity: markup everywhere", ACTIVITY_MIME, act],
  ];
}

describe(
  "neurolab-jupyterlab RDM, connectome and activity widgets in JupyterLab",
  { timeout: 600_000 },
  () => {
    let session, lab, browser, page, rootDir, pageErrors, rdm, con, activity, valid;
    /** Connectome interaction latencies (ms, interaction -> painted frame), written to test/artifacts. */
    const latency = { first_paint: [], click: [], search: [], threshold: [], toggle: [] };

    before(async () => {
      rdm = rdmExample();
      con = await connectomeExample();
      activity = activityExample();
      valid = {
        [RDM_MIME]: rdm.figure.payload(),
        [CONNECTOME_MIME]: con.figure.payload(),
        [ACTIVITY_MIME]: activity.payload(),
        [RASTER_MIME]: schema.encodeRaster({
          title: "r",
          tStart_ms: 0,
          tStop_ms: 100,
          nNeurons: 3,
          populations: [{ name: "p", start: 0, size: 3 }],
          times_ms: Float32Array.from([1, 50, 99]),
          neurons: Uint32Array.from([0, 1, 2]),
          states: {
            variable: "v_mV",
            unit: "mV",
            tStart_ms: 1,
            dt_ms: 2,
            nSamples: 50,
            labels: ["p 0", "p 2"],
            rows: [0, 2],
            values: Float32Array.from({ length: 100 }, (_, k) => -70 + (k % 50) / 5),
          },
        }),
      };
      const bundle = (fig) => fig[nl.MIME_BUNDLE]();
      session = await startLabSession({
        prefix: "neurolab-widgets-",
        files: {
          "widgets.ipynb": savedOutputsNotebook([
            ["rdmFigure(rdms, { models })", bundle(rdm.figure)],
            ["connectomeFigure(cook)", bundle(con.figure)],
            ["activityFigure(traces)", bundle(activity)],
          ]),
        },
        pageOptions: { viewport: { width: 1400, height: 1100 } },
      });
      ({ lab, browser, page, rootDir, pageErrors } = session);
      await openNotebook(page, lab, "widgets.ipynb");
    });

    after(async () => {
      await session?.stop();
    });

    test("static fallbacks are script-free SVG drawn by the library", async () => {
      const p = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      try {
        for (const [name, fig] of [
          ["rdm", rdm.figure],
          ["connectome", con.figure],
          ["activity", activity],
        ]) {
          const svg = fig.toSvg();
          assert.ok(
            !/<script/i.test(svg) && !/<[^>]*\son\w+\s*=/i.test(svg),
            `${name} SVG has script or handlers`,
          );
          await p.setContent(
            `<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`,
          );
          await p
            .locator("svg")
            .first()
            .screenshot({ path: path.join(ARTIFACTS, `static-${name}.png`) });
        }
        assert.equal(await p.evaluate(() => window.__neurolabPwned), undefined);
      } finally {
        await p.close();
      }
    });

    test("the RDM widget draws every RDM with one colour scale, labels as text, MDS and model bars", async () => {
      await waitForRender(page, ".neurolab-rdm");
      const r = await page.evaluate(() => {
        const root = document.querySelector(".neurolab-rdm");
        const [heat, gt, models] = [...root.querySelectorAll(".js-plotly-plot")];
        return {
          title: root.querySelector(".neurolab-title").textContent,
          titleElements: root.querySelector(".neurolab-title").children.length,
          heatTypes: heat._fullData.map((t) => t.type),
          coloraxes: heat._fullData.map((t) => t.coloraxis),
          ticktext: heat._fullLayout.xaxis.ticktext,
          tickSvgText: [...heat.querySelectorAll(".xtick text")].map((t) => t.textContent),
          gtTypes: gt._fullData.map((t) => t.type),
          mdsPoints: gt._fullData[1]?.x.length,
          bars: models?._fullData[0].y,
          errors: models?._fullData[0].error_y.array,
          shapes: models?._fullLayout.shapes.length,
          stars: models?._fullData[1]?.x ?? [],
          width: heat.getBoundingClientRect().width,
        };
      });
      assert.equal(r.title, `Object RDMs ${HOSTILE}`);
      assert.equal(r.titleElements, 0);
      assert.deepEqual(r.heatTypes, ["heatmap", "heatmap", "heatmap"]);
      assert.deepEqual(
        r.coloraxes,
        ["coloraxis", "coloraxis", "coloraxis"],
        "one shared colour scale",
      );
      assert.deepEqual(r.tickSvgText, CONDITIONS, "labels shown verbatim");
      assert.deepEqual(r.gtTypes, ["heatmap", "scatter"]);
      assert.equal(r.mdsPoints, CONDITIONS.length);
      const ev = rdm.figure.data.models;
      assert.deepEqual(r.bars, ev.means);
      assert.deepEqual(r.errors, ev.errors);
      assert.equal(r.shapes, 1, "noise-ceiling band");
      const expectedStars = ev.pValues.map((p, i) => (p < ev.alpha ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(r.stars, expectedStars);
      assert.ok(expectedStars.length >= 1, "the category model is significant");
      assert.ok(r.width > 600);
      await shoot(page, ".neurolab-rdm", "widgets-rdm-light.png");
    });

    test("moving the l / u sliders redraws the GT matrix, equal to rsa.geotopologicalTransform", async () => {
      const gtNow = () =>
        page.evaluate(
          () => document.querySelectorAll(".neurolab-rdm .js-plotly-plot")[1].data[0].z,
        );
      const lib = (lower, upper) =>
        rsa.toMatrix(rsa.geotopologicalTransform(rdm.data, { lower, upper }), 0);
      assert.deepEqual(await gtNow(), lib(0, 1));
      const mdsNow = () =>
        page.evaluate(() => {
          const gd = document.querySelectorAll(".neurolab-rdm .js-plotly-plot")[1];
          const root = document.querySelector(".neurolab-rdm");
          return {
            x: Array.from(gd.data[1].x),
            y: Array.from(gd.data[1].y),
            source: root.dataset.mds,
            stress: Number(root.dataset.mdsStress),
          };
        });
      const pairwise = (pts) =>
        pts.flatMap((a, i) => pts.slice(i + 1).map((b) => Math.hypot(a[0] - b[0], a[1] - b[1])));
      const first = await mdsNow();
      const mds0 = { d: pairwise(first.x.map((x, i) => [x, first.y[i]])) };
      // Click on the slider tracks, as a user would; the widget reports the values it used.
      const setSlider = async (cls, fraction) => {
        const input = page.locator(cls).first();
        await input.scrollIntoViewIfNeeded();
        const b = await input.boundingBox();
        await input.click({ position: { x: fraction * b.width, y: b.height / 2 } });
        return Number(await input.inputValue());
      };
      const l = await setSlider(".neurolab-rdm-lower", 0.3);
      assert.ok(l > 0.1 && l < 0.5, `lower ${l}`);
      await waitForData(page, ".neurolab-rdm", "lower", String(l));
      assert.deepEqual(await gtNow(), lib(l, 1));
      const u = await setSlider(".neurolab-rdm-upper", 0.6);
      assert.ok(u > l && u < 0.8, `upper ${u}`);
      await waitForData(page, ".neurolab-rdm", "upper", String(u));
      const z = await gtNow();
      assert.deepEqual(z, lib(l, u));
      assert.notDeepEqual(z, lib(0, 1), "the matrix changed");
      // The MDS scatter follows: the classical MDS of GT_{l,u} (the library's shared routine), up to
      // rotation / reflection (the widget keeps the picture aligned), so compare pairwise distances.
      await page.waitForFunction(
        (t) =>
          document
            .querySelectorAll(".neurolab-rdm .js-plotly-plot")[1]
            ._fullLayout.annotations[1].text.includes(t),
        `l=${l.toFixed(2)}, u=${u.toFixed(2)}`,
        { timeout: 10_000 },
      );
      const shown = await mdsNow();
      assert.equal(shown.source, "live");
      const expected = rsa.mds(rsa.geotopologicalTransform(rdm.data, { lower: l, upper: u }), {
        method: "classical",
        rdm: 0,
      });
      const dShown = pairwise(shown.x.map((x, i) => [x, shown.y[i]]));
      const dLib = pairwise(expected.coordinates);
      dShown.forEach((v, k) =>
        assert.ok(Math.abs(v - dLib[k]) < 1e-9, `MDS distance ${k}: ${v} vs ${dLib[k]}`),
      );
      assert.ok(
        Math.abs(shown.stress - expected.stress) < 1e-9,
        `stress ${shown.stress} vs ${expected.stress}`,
      );
      assert.ok(
        dShown.some((v, k) => Math.abs(v - mds0.d[k]) > 1e-3),
        "the MDS changed with the sliders",
      );
      console.log(
        `# RDM widget: slider -> GT matrix + live MDS redraw ${await page.evaluate(() => document.querySelector(".neurolab-rdm").dataset.updateMs)} ms (12 conditions)`,
      );
      // Keyboard: the sliders keep arrow keys (JupyterLab's shortcuts must not swallow them).
      const upper = page.locator(".neurolab-rdm-upper").first();
      await upper.focus();
      await upper.press("ArrowLeft");
      const u2 = Math.round((u - 0.01) * 100) / 100;
      await waitForData(page, ".neurolab-rdm", "upper", String(u2));
      assert.deepEqual(await gtNow(), lib(l, u2));
      // Another subject's RDM.
      await page.locator(".neurolab-rdm-select").first().selectOption("2");
      await waitForData(page, ".neurolab-rdm", "rdm", "2");
      assert.deepEqual(
        await gtNow(),
        rsa.toMatrix(rsa.geotopologicalTransform(rdm.data, { lower: l, upper: u2 }), 2),
      );
      assert.equal(
        await page.locator(".neurolab-rdm .neurolab-control-value").first().textContent(),
        l.toFixed(2),
      );
      await shoot(page, ".neurolab-rdm", "widgets-rdm-sliders.png");
    });

    test("the connectome widget draws all 300 neurons and their connections", async () => {
      await waitForRender(page, ".neurolab-connectome");
      const r = await page.evaluate(() => {
        const root = document.querySelector(".neurolab-connectome");
        const gd = root.querySelector(".js-plotly-plot");
        const nodes = gd._fullData.filter((t) => t.mode === "markers");
        return {
          nodes: nodes.reduce((s, t) => s + t.x.length, 0),
          legend: nodes.map((t) => t.name),
          edgesShown: Number(root.dataset.edgesShown),
          renderMs: Number(root.dataset.renderMs),
          view: root.dataset.view,
        };
      });
      assert.equal(r.nodes, 300);
      assert.deepEqual(r.legend.slice(0, 3), ["sensory", "inter", "motor"]);
      assert.equal(
        r.edgesShown,
        con.c.chemical.colIdx.length + con.figure.data.electrical.pre.length,
      );
      assert.equal(r.view, "layered");
      console.log(
        `# connectome widget (300 neurons, ${r.edgesShown} edges): first paint ${r.renderMs} ms`,
      );
      latency.first_paint.push(r.renderMs);
      // The edges are painted into the layer behind the plot.
      const inked = await page.evaluate(() => {
        const c = document.querySelector(".neurolab-connectome .neurolab-connectome-edges");
        const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let k = 3; k < px.length; k += 4) if (px[k] > 0) n++;
        return n / (c.width * c.height);
      });
      assert.ok(inked > 0.02, `edge layer covers ${(100 * inked).toFixed(1)}% of the plot area`);
      await shoot(page, ".neurolab-connectome", "widgets-connectome-light.png");
    });

    test("clicking a neuron highlights its partners and lists them with weights", async () => {
      const name = "AVAL";
      const i = con.c.indexOf.get(name);
      await page.evaluate(() =>
        document
          .querySelector(".neurolab-connectome .js-plotly-plot")
          .scrollIntoView({ block: "center" }),
      );
      const locate = () =>
        page.evaluate((node) => {
          const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
          const t = gd._fullData.find(
            (d) => d.mode === "markers" && Array.from(d.customdata).includes(node),
          );
          const k = Array.from(t.customdata).indexOf(node);
          const xa = gd._fullLayout.xaxis;
          const ya = gd._fullLayout.yaxis;
          const r = gd.getBoundingClientRect();
          return {
            px: r.left + xa._offset + xa.l2p(t.x[k]),
            py: r.top + ya._offset + ya.l2p(t.y[k]),
          };
        }, i);
      // Wait until the (windowed) notebook stops moving, then hover until plotly names the neuron.
      let pos = await locate();
      for (let k = 0; k < 20; k++) {
        await page.waitForTimeout(150);
        const next = await locate();
        if (Math.abs(next.px - pos.px) < 0.5 && Math.abs(next.py - pos.py) < 0.5) break;
        pos = next;
      }
      const { px, py } = pos;
      await page.mouse.move(px - 20, py - 20);
      await page.mouse.move(px, py, { steps: 4 });
      await page
        .locator(".neurolab-connectome .hoverlayer .hovertext", { hasText: name })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.mouse.down();
      await page.mouse.up();
      await waitForData(page, ".neurolab-connectome", "selected", name);
      // Expected partners straight from the library's CSR.
      const post = [];
      for (let k = con.c.chemical.rowPtr[i]; k < con.c.chemical.rowPtr[i + 1]; k++)
        post.push([con.c.cells[con.c.chemical.colIdx[k]].name, con.c.chemical.weight[k]]);
      const pre = [];
      for (let a = 0; a < con.c.cells.length; a++) {
        for (let k = con.c.chemical.rowPtr[a]; k < con.c.chemical.rowPtr[a + 1]; k++)
          if (con.c.chemical.colIdx[k] === i)
            pre.push([con.c.cells[a].name, con.c.chemical.weight[k]]);
      }
      const gap = [];
      for (let k = con.c.electrical.rowPtr[i]; k < con.c.electrical.rowPtr[i + 1]; k++)
        if (con.c.electrical.colIdx[k] !== i)
          gap.push([con.c.cells[con.c.electrical.colIdx[k]].name, con.c.electrical.weight[k]]);
      const listed = await page.evaluate(() => {
        const get = (cls) =>
          [...document.querySelectorAll(`.neurolab-connectome .${cls} li`)].map(
            (li) => li.textContent,
          );
        const root = document.querySelector(".neurolab-connectome");
        const overlay = root.querySelector(".neurolab-connectome-overlay");
        return {
          pre: get("neurolab-partners-pre"),
          post: get("neurolab-partners-post"),
          gap: get("neurolab-partners-gap"),
          head: document.querySelector(".neurolab-partners-head").textContent,
          highlight: root.dataset.highlighted.split(",").map(Number),
          // Segments drawn in the overlay's highlight paths.
          drawn: ["input", "output", "gap"].map(
            (k) =>
              (
                overlay.querySelector(`.neurolab-highlight-${k}`)?.getAttribute("d").match(/M/g) ??
                []
              ).length,
          ),
          label: overlay.querySelector("text").textContent,
          latency: Number(root.dataset.interactionMs),
        };
      });
      const fmt = (l) =>
        l.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n, w]) => `${n} \u2014 ${w}`);
      assert.equal(listed.head, name);
      assert.deepEqual(listed.pre.map((s) => s.replace(/ syn\.$/, "")).sort(), fmt(pre).sort());
      assert.deepEqual(listed.post.map((s) => s.replace(/ syn\.$/, "")).sort(), fmt(post).sort());
      assert.deepEqual(listed.gap.map((s) => s.replace(/ gj$/, "")).sort(), fmt(gap).sort());
      assert.ok(
        pre.length > 20 && post.length > 5,
        `AVAL has ${pre.length} inputs, ${post.length} outputs`,
      );
      assert.deepEqual(
        listed.highlight,
        [pre.length, post.length, gap.length],
        "highlighted edges",
      );
      assert.deepEqual(
        listed.drawn,
        [pre.length, post.length, gap.length],
        "highlighted edges drawn",
      );
      assert.equal(listed.label, name);
      latency.click.push(listed.latency);
      await shoot(page, ".neurolab-connectome", "widgets-connectome-selected.png");
      // Export to PNG from the widget: plotly's image with the edge and selection layers.
      const png = await exportPng(page, ".neurolab-connectome", "widgets-connectome-export.png");
      assert.equal(png.subarray(1, 4).toString(), "PNG");
      const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      assert.ok(w > 1000 && h === 2 * 620, `exported ${w} x ${h} px`);
      // The layers line up in the export: the selected neuron's ring (its category colour) sits on its node.
      const aligned = await page.evaluate(
        async ([b64, node]) => {
          const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
          const t = gd._fullData.find(
            (d) => d.mode === "markers" && Array.from(d.customdata).includes(node),
          );
          const k = Array.from(t.customdata).indexOf(node);
          const fl = gd._fullLayout;
          const at = [
            2 * (fl.xaxis._offset + fl.xaxis.l2p(t.x[k])),
            2 * (fl.yaxis._offset + fl.yaxis.l2p(t.y[k])),
          ];
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement("canvas");
          c.width = img.width;
          c.height = img.height;
          const ctx = c.getContext("2d");
          ctx.drawImage(img, 0, 0);
          const px = Array.from(ctx.getImageData(Math.round(at[0]), Math.round(at[1]), 1, 1).data);
          const probe = document.createElement("div");
          probe.style.color = t.marker.color;
          document.body.appendChild(probe);
          const want = getComputedStyle(probe).color.match(/\d+/g).map(Number);
          probe.remove();
          return { px, want };
        },
        [png.toString("base64"), i],
      );
      assert.deepEqual(
        aligned.px.slice(0, 3),
        aligned.want.slice(0, 3),
        "the exported ring is on the selected node",
      );
    });

    test("threshold slider, search box, synapse toggles, adjacency view and zoom work", async () => {
      const root = page.locator(".neurolab-connectome").first();
      // Drag the weight threshold a few synapses up with the mouse, as a user would.
      const thr = page.locator(".neurolab-connectome-threshold").first();
      const tb = await thr.boundingBox();
      await thr.click({ position: { x: 0.2 * tb.width, y: tb.height / 2 } });
      await page.waitForFunction(
        () => Number(document.querySelector(".neurolab-connectome").dataset.threshold) > 1,
        null,
        { timeout: 10_000 },
      );
      const t = Number(await root.getAttribute("data-threshold"));
      await page.waitForFunction(
        () => document.querySelector(".neurolab-connectome").dataset.interactionMs,
        null,
        { timeout: 10_000 },
      );
      // Latency of further interactions, each from the event to the painted frame after the update.
      const timed = async (kind, act) => {
        await page.evaluate(
          () => delete document.querySelector(".neurolab-connectome").dataset.interactionMs,
        );
        await act();
        await page.waitForFunction(
          () => document.querySelector(".neurolab-connectome").dataset.interactionMs,
          null,
          { timeout: 10_000 },
        );
        latency[kind].push(Number(await root.getAttribute("data-interaction-ms")));
      };
      for (const v of [3, 6, 2, t]) await timed("threshold", () => thr.fill(String(v)));
      assert.equal(await thr.inputValue(), String(t));
      for (const cls of [
        ".neurolab-connectome-chemical",
        ".neurolab-connectome-chemical",
        ".neurolab-connectome-electrical",
        ".neurolab-connectome-electrical",
      ]) {
        await timed("toggle", () => page.locator(cls).first().click());
      }
      for (const q of ["RIML", "ASEL", "DVA", "AVAL"]) {
        await timed("search", () => page.locator(".neurolab-connectome-search").first().fill(q));
        await waitForData(page, ".neurolab-connectome", "selected", q);
      }
      assert.equal(await thr.inputValue(), String(t));
      const above = (w) => w.filter((x) => x >= t).length;
      await page.waitForFunction(
        (n) => Number(document.querySelector(".neurolab-connectome").dataset.edgesShown) === n,
        above(Array.from(con.figure.data.chemical.weight)) +
          above(Array.from(con.figure.data.electrical.weight)),
        { timeout: 10_000 },
      );
      await page.locator(".neurolab-connectome-electrical").first().uncheck();
      await page.waitForFunction(
        (n) => Number(document.querySelector(".neurolab-connectome").dataset.edgesShown) === n,
        above(Array.from(con.figure.data.chemical.weight)),
        { timeout: 10_000 },
      );
      assert.equal(await page.locator(".neurolab-connectome .neurolab-partners-gap").count(), 0);
      await page.locator(".neurolab-connectome-electrical").first().check();
      // Search.
      const search = page.locator(".neurolab-connectome-search").first();
      await search.fill("avbr");
      await waitForData(page, ".neurolab-connectome", "selected", "AVBR");
      // Colour by neurotransmitter: legend shows transmitters.
      await page.locator(".neurolab-connectome-color").first().selectOption("neurotransmitter");
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll(".neurolab-connectome .legendtext")].some(
            (t) => t.textContent === "ACh",
          ),
        null,
        { timeout: 10_000 },
      );
      // Force layout, then zoom by dragging a box.
      await page.locator(".neurolab-connectome-view").first().selectOption("force");
      await waitForData(page, ".neurolab-connectome", "view", "force");
      const box = await plotArea(page, ".neurolab-connectome");
      const before = await page.evaluate(() =>
        document
          .querySelector(".neurolab-connectome .js-plotly-plot")
          ._fullLayout.xaxis.range.slice(),
      );
      await dragAcross(page, box, [0.3, 0.3], [0.6, 0.6], 8);
      await page.waitForFunction(
        (w) => {
          const r = document.querySelector(".neurolab-connectome .js-plotly-plot")._fullLayout.xaxis
            .range;
          return r[1] - r[0] < 0.6 * w;
        },
        before[1] - before[0],
        { timeout: 10_000 },
      );
      // The edge layer follows the zoom (painted for plotly's new axis ranges).
      await page.waitForFunction(
        () => {
          const root = document.querySelector(".neurolab-connectome");
          const fl = root.querySelector(".js-plotly-plot")._fullLayout;
          return (
            root.dataset.edgesRange ===
            [...fl.xaxis.range, ...fl.yaxis.range].map((v) => v.toPrecision(6)).join(",")
          );
        },
        null,
        { timeout: 10_000 },
      );
      // A neuron well inside the zoomed view, with no other neuron within plotly's hover radius
      // (20 px), so that "the neuron under the cursor" is unambiguous.
      const forceNode = await page.evaluate(() => {
        const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
        const fl = gd._fullLayout;
        const [x0, x1] = fl.xaxis.range;
        const [y0, y1] = [Math.min(...fl.yaxis.range), Math.max(...fl.yaxis.range)];
        const r = gd.getBoundingClientRect();
        const pts = [];
        for (const t of gd._fullData.filter((d) => d.mode === "markers")) {
          for (let k = 0; k < t.x.length; k++)
            pts.push({
              node: t.customdata[k],
              x: t.x[k],
              y: t.y[k],
              px: fl.xaxis.l2p(t.x[k]),
              py: fl.yaxis.l2p(t.y[k]),
            });
        }
        for (const p of pts) {
          if (!(
            p.x > x0 + 0.1 * (x1 - x0) &&
            p.x < x1 - 0.1 * (x1 - x0) &&
            p.y > y0 + 0.1 * (y1 - y0) &&
            p.y < y1 - 0.1 * (y1 - y0)
          ))
            continue;
          if (pts.some((q) => q !== p && Math.hypot(q.px - p.px, q.py - p.py) < 24)) continue;
          return {
            node: p.node,
            range: [...fl.xaxis.range, ...fl.yaxis.range],
            px: r.left + fl.xaxis._offset + p.px,
            py: r.top + fl.yaxis._offset + p.py,
          };
        }
        return null;
      });
      assert.ok(forceNode, "an isolated neuron inside the zoomed view");
      const name = con.figure.data.names[forceNode.node];
      await page.mouse.move(forceNode.px - 10, forceNode.py - 10);
      await page.mouse.move(forceNode.px, forceNode.py, { steps: 3 });
      await page
        .locator(".neurolab-connectome .hoverlayer .hovertext", { hasText: name })
        .first()
        .waitFor({ timeout: 10_000 });
      // Plotly takes a mousedown within doubleClickDelay (300 ms) of the previous one as the second
      // click of a double click, even when the previous one began a zoom drag: a quick click on a
      // node right after zooming reset the zoom and was then hit-tested in the reset view (in fresh
      // CI runs a neuron 427 px from the hovered one got selected). Make that timing certain here
      // rather than dependent on the machine's speed: the zoom's mousedown "was" just now.
      // The cursor rests on the node a moment first, as a hand does: plotly's click then hit-tests
      // anew (hovers are throttled to one per 50 ms) instead of reusing the last hover's point.
      await page.waitForTimeout(120);
      await page.evaluate(
        () =>
          (document.querySelector(".neurolab-connectome .js-plotly-plot")._mouseDownTime =
            Date.now()),
      );
      await page.mouse.down();
      await page.mouse.up();
      // The click selects the neuron under the cursor (the one the hover label names) and keeps the zoom.
      await page
        .waitForFunction(
          (n) => document.querySelector(".neurolab-connectome").dataset.selected === n,
          name,
          { timeout: 10_000 },
        )
        .catch(async () => {
          const now = await page.evaluate(() => ({
            selected: document.querySelector(".neurolab-connectome").dataset.selected,
            range: [
              ...document.querySelector(".neurolab-connectome .js-plotly-plot")._fullLayout.xaxis
                .range,
            ],
          }));
          assert.fail(
            `the click on ${name} selected ${now.selected} (x range ${forceNode.range.slice(0, 2)} before the click, ${now.range} after)`,
          );
        });
      const rangeAfterClick = await page.evaluate(() => {
        const fl = document.querySelector(".neurolab-connectome .js-plotly-plot")._fullLayout;
        return [...fl.xaxis.range, ...fl.yaxis.range];
      });
      assert.deepEqual(
        rangeAfterClick,
        forceNode.range,
        "a click after a zoom keeps the zoom (it is not half of a double click)",
      );
      // A double click zooms back out; the neuron that lies under the cursor in the reset view is
      // not selected by it (plotly hit-tests its second click after resetting the axes).
      const other = await page.evaluate((sel) => {
        const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
        const fl = gd._fullLayout;
        const r = gd.getBoundingClientRect();
        const [x0, x1] = fl.xaxis.range;
        const [y0, y1] = [Math.min(...fl.yaxis.range), Math.max(...fl.yaxis.range)];
        for (const t of gd._fullData.filter((d) => d.mode === "markers")) {
          for (let k = 0; k < t.x.length; k++) {
            if (
              t.customdata[k] === sel ||
              !(
                t.x[k] > x0 + 0.1 * (x1 - x0) &&
                t.x[k] < x1 - 0.1 * (x1 - x0) &&
                t.y[k] > y0 + 0.1 * (y1 - y0) &&
                t.y[k] < y1 - 0.1 * (y1 - y0)
              )
            )
              continue;
            return {
              node: t.customdata[k],
              px: r.left + fl.xaxis._offset + fl.xaxis.l2p(t.x[k]),
              py: r.top + fl.yaxis._offset + fl.yaxis.l2p(t.y[k]),
            };
          }
        }
        return null;
      }, forceNode.node);
      assert.ok(other, "a second neuron inside the zoomed view");
      await page.waitForTimeout(400); // the click above ends its own click train (doubleClickDelay)
      const otherName = con.figure.data.names[other.node];
      await page.mouse.move(other.px, other.py, { steps: 3 });
      await page
        .locator(".neurolab-connectome .hoverlayer .hovertext", { hasText: otherName })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.mouse.dblclick(other.px, other.py);
      await page.waitForFunction(
        (w) => {
          const r = document.querySelector(".neurolab-connectome .js-plotly-plot")._fullLayout.xaxis
            .range;
          return r[1] - r[0] > 0.9 * w;
        },
        before[1] - before[0],
        { timeout: 10_000 },
      );
      await page.waitForTimeout(200);
      assert.equal(
        await root.getAttribute("data-selected"),
        otherName,
        "a double click on a neuron selects it (first click) and zooms out; nothing else",
      );
      await page.locator(".neurolab-connectome-search").first().fill("AVBR");
      await waitForData(page, ".neurolab-connectome", "selected", "AVBR");
      await shoot(page, ".neurolab-connectome", "widgets-connectome-force-zoom.png");
      // Adjacency matrix ordered by community.
      await page.locator(".neurolab-connectome-view").first().selectOption("adjacency");
      await page.locator(".neurolab-connectome-order").first().selectOption("community");
      await page.waitForFunction(
        () => {
          const gd = document.querySelector(".neurolab-connectome .js-plotly-plot");
          return (
            gd._fullData[0]?.type === "heatmap" && /community/.test(gd._fullLayout.yaxis.title.text)
          );
        },
        null,
        { timeout: 10_000 },
      );
      const z = await page.evaluate(
        () => document.querySelector(".neurolab-connectome .js-plotly-plot").data[0].z.length,
      );
      assert.equal(z, 300);
      await shoot(page, ".neurolab-connectome", "widgets-connectome-adjacency.png");
      assert.equal(await root.getAttribute("data-selected"), "AVBR");
      const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
      const summary = Object.fromEntries(
        Object.entries(latency).map(([k, v]) => [k, { median_ms: median(v), all_ms: v }]),
      );
      fs.writeFileSync(
        path.join(ARTIFACTS, "connectome-latency.json"),
        JSON.stringify(
          {
            ...summary,
            cpus: os.cpus().length,
            loadavg: os.loadavg(),
            when: new Date().toISOString(),
          },
          null,
          2,
        ),
      );
      console.log(
        `# connectome interaction -> painted frame (median ms): ${Object.entries(summary)
          .map(([k, v]) => `${k} ${v.median_ms}`)
          .join(", ")}`,
      );
      // A regression guard with room for a loaded 2-core machine (the target is well under 100 ms).
      for (const k of ["click", "search", "threshold", "toggle"])
        assert.ok(summary[k].median_ms < 400, `${k}: median ${summary[k].median_ms} ms`);
    });

    test("the activity heatmap draws neurons x time", async () => {
      await waitForRender(page, ".neurolab-activity");
      const r = await page.evaluate(() => {
        const gd = document.querySelector(".neurolab-activity .js-plotly-plot");
        return {
          type: gd._fullData[0].type,
          rows: gd.data[0].z.length,
          cols: gd.data[0].z[0].length,
          gaps: gd.data[0].z.flat().filter((v) => v === null).length,
        };
      });
      assert.deepEqual([r.type, r.rows, r.cols], ["heatmap", 60, 900]);
      assert.equal(r.gaps, 5 * 100, "unrecorded samples are gaps");
      await shoot(page, ".neurolab-activity", "widgets-activity-light.png");
    });

    test("widgets resize with the notebook and follow the dark theme", async () => {
      const widths = () =>
        page.evaluate(() =>
          [".neurolab-rdm", ".neurolab-connectome", ".neurolab-activity"].map(
            (s) => document.querySelector(`${s} .js-plotly-plot`)._fullLayout.width,
          ),
        );
      const wide = await widths();
      await page.setViewportSize({ width: 1000, height: 1100 });
      // The connectome's partner panel wraps below its plot in a narrow cell, so that plot loses less width.
      await page.waitForFunction(
        (w) =>
          [".neurolab-rdm", ".neurolab-connectome", ".neurolab-activity"].every(
            (s, k) =>
              document.querySelector(`${s} .js-plotly-plot`)._fullLayout.width <
              w[k] - (k === 1 ? 100 : 200),
          ),
        wide,
        { timeout: 15_000 },
      );
      await page.setViewportSize({ width: 1400, height: 1100 });
      // The connectome's node-link plot is transparent over the widget (its edge layer lies behind): use the widget's background.
      const bgOf = (s) => {
        const gd = document.querySelector(`${s} .js-plotly-plot`);
        const paper = gd._fullLayout.paper_bgcolor;
        return paper === "rgba(0, 0, 0, 0)" || paper === "rgba(0,0,0,0)"
          ? getComputedStyle(document.querySelector(s)).backgroundColor
          : paper;
      };
      const lightBg = await page.evaluate(
        `[".neurolab-rdm", ".neurolab-connectome", ".neurolab-activity"].map(${bgOf.toString()})`,
      );
      await setTheme(page, "Dark");
      const themeBg = await page.evaluate(() =>
        getComputedStyle(document.body).getPropertyValue("--jp-layout-color0").trim(),
      );
      await page.waitForFunction(
        `[".neurolab-rdm", ".neurolab-connectome", ".neurolab-activity"].map(${bgOf.toString()}).every((bg, k) => bg !== ${JSON.stringify(lightBg)}[k])`,
        null,
        { timeout: 30_000 },
      );
      for (const s of [".neurolab-rdm", ".neurolab-connectome", ".neurolab-activity"]) {
        const bg = await page.evaluate(`(${bgOf.toString()})(${JSON.stringify(s)})`);
        assert.ok(await sameColor(page, bg, themeBg), `${s}: paper ${bg} vs ${themeBg}`);
      }
      await page.waitForTimeout(400);
      await shoot(page, ".neurolab-rdm", "widgets-rdm-dark.png");
      await shoot(page, ".neurolab-connectome", "widgets-connectome-dark.png");
      await shoot(page, ".neurolab-activity", "widgets-activity-dark.png");
      // Back to light for the next notebooks (settings persist on the server).
      await setTheme(page, "Light");
    });

    test("fuzz corpus: malformed payloads show the error box, hostile labels stay text, no script runs", async () => {
      const malformed = malformedCorpus(valid);
      const hostile = hostileValidCorpus();
      fs.writeFileSync(
        path.join(ARTIFACTS, "fuzz-corpus.json"),
        JSON.stringify(
          [...malformed, ...hostile].map(([name, mime, p]) => ({
            name,
            mime,
            payload: JSON.stringify(p)?.slice(0, 300),
          })),
          null,
          1,
        ),
      );
      const cells = [...malformed, ...hostile].map(([name, mime, payload]) => [
        name,
        { [mime]: payload, "text/plain": name },
      ]);
      fs.writeFileSync(
        path.join(rootDir, "fuzz.ipynb"),
        JSON.stringify(savedOutputsNotebook(cells)),
      );
      await openNotebook(page, lab, "fuzz.ipynb");
      // Windowed notebooks render lazily: scroll through every cell.
      const total = cells.length;
      await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
      for (let k = 0; k < total; k++) {
        const cell = page.locator(".jp-Notebook .jp-Cell").nth(k);
        await cell.scrollIntoViewIfNeeded();
        await cell
          .locator(".neurolab-error, .neurolab-output[data-render-ms]")
          .first()
          .waitFor({ timeout: 30_000 })
          .catch(() => {
            throw new Error(
              `cell ${k} (${cells[k][0]}) rendered neither an error box nor a widget`,
            );
          });
      }
      const result = await page.evaluate(() =>
        [...document.querySelectorAll(".jp-Notebook .jp-Cell")].map((cell) => {
          const err = cell.querySelector(".neurolab-error");
          const out = cell.querySelector(".neurolab-output");
          return {
            error: err ? err.textContent : null,
            errorElements: err ? err.querySelectorAll("*").length : 0,
            rendered: !!cell.querySelector(".neurolab-output[data-render-ms]"),
            dangerous: out
              ? out.querySelectorAll("img, script, iframe, object, embed, a[href^='javascript']")
                  .length
              : 0,
            texts: out
              ? [
                  ...out.querySelectorAll(
                    ".neurolab-title, .neurolab-raster-title, .neurolab-caption, .neurolab-partners-head",
                  ),
                ].map((e) => e.textContent)
              : [],
          };
        }),
      );
      assert.equal(result.length, total);
      malformed.forEach(([name, mime], k) => {
        const kind = {
          [RDM_MIME]: "rdm",
          [CONNECTOME_MIME]: "connectome",
          [ACTIVITY_MIME]: "activity",
          [RASTER_MIME]: "raster",
        }[mime];
        assert.ok(
          result[k].error?.startsWith(`neurolab: cannot render ${kind}: `),
          `${name}: ${JSON.stringify(result[k])}`,
        );
        assert.equal(result[k].errorElements, 0, `${name}: error box holds elements`);
        assert.ok(result[k].error.length < 2200, `${name}: error message is bounded`);
      });
      hostile.forEach(([name], j) => {
        const r = result[malformed.length + j];
        assert.ok(r.rendered && !r.error, `${name} should render: ${JSON.stringify(r)}`);
        assert.equal(r.dangerous, 0, `${name}: markup became elements`);
      });
      assert.ok(
        result[malformed.length].texts.some((t) =>
          t.includes("<script>window.__neurolabPwned=6</script>"),
        ),
        "title shown as text",
      );
      assert.equal(
        await page.evaluate(() => window.__neurolabPwned),
        undefined,
        "payload script ran",
      );
      console.log(
        `# fuzz corpus: ${malformed.length} malformed payloads -> error boxes, ${hostile.length} hostile-but-valid payloads rendered as text`,
      );
      await page
        .locator(".jp-NotebookPanel")
        .first()
        .screenshot({ path: path.join(ARTIFACTS, "widgets-fuzz.png") });
      // JupyterLab keeps working: add a cell.
      await addCellBelowLast(page, total);
      assert.deepEqual(extensionErrors(pageErrors), [], "uncaught errors from the extension");
    });

    test("benchmark: a 1,000,000-spike raster reaches first paint quickly", async () => {
      const payload = raster1M();
      fs.writeFileSync(
        path.join(rootDir, "raster-1m.ipynb"),
        JSON.stringify(
          savedOutputsNotebook([
            ["raster 1M", { [RASTER_MIME]: payload, "text/plain": "1M spikes" }],
          ]),
        ),
      );
      const t0 = Date.now();
      await openNotebook(page, lab, "raster-1m.ipynb");
      const root = await waitForRender(page, ".neurolab-raster", 120_000);
      const wall = Date.now() - t0;
      const renderMs = Number(await root.getAttribute("data-render-ms"));
      const nSpikes = Number(await root.getAttribute("data-n-spikes"));
      assert.equal(nSpikes, 1_000_000);
      assert.equal(
        await root.getAttribute("data-mode"),
        "image",
        "large rasters are painted as an image",
      );
      const drawn = await page.evaluate(() => {
        const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
        return {
          images: gd._fullLayout.images.length,
          legend: gd._fullData
            .filter((t) => t.type === "scatter" && t.yaxis === "y")
            .map((t) => t.name),
          rates: gd._fullData.filter((t) => t.yaxis === "y2").length,
          hoverRows: gd._fullData
            .filter((t) => t.type === "heatmap")
            .map((t) => t._z?.length ?? t.z.length),
        };
      });
      assert.deepEqual(drawn, { images: 1, legend: ["exc", "inh"], rates: 2, hoverRows: [2000] });
      const result = {
        case: "raster 1,000,000 spikes, 2000 neurons, 10 s",
        first_paint_ms: renderMs,
        page_open_to_paint_ms: wall,
        payload_bytes: JSON.stringify(payload).length,
        chromium: await browser.version(),
        cpus: os.cpus().length,
        when: new Date().toISOString(),
      };
      fs.writeFileSync(
        path.join(ARTIFACTS, "raster-1m-benchmark.json"),
        JSON.stringify(result, null, 2),
      );
      console.log(
        `# raster 1M spikes: first paint ${renderMs} ms (renderModel -> painted frame), ${wall} ms from opening the notebook`,
      );
      await outputOf(page, ".neurolab-raster").screenshot({
        path: path.join(ARTIFACTS, "widgets-raster-1m.png"),
      });
      assert.ok(renderMs < BENCH_LIMIT_MS, `first paint ${renderMs} ms > ${BENCH_LIMIT_MS} ms`);
      // The rate panel's bin width is adjustable: 50 ms bins over 10 s -> 200 bins (201 step points).
      await page.locator(".neurolab-raster-bin-select").first().selectOption("50");
      await waitForData(page, ".neurolab-raster", "binMs", "50");
      await page.waitForFunction(
        () => {
          const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
          return (
            gd._fullData.filter((t) => t.yaxis === "y2").every((t) => t.x.length === 201) &&
            gd._fullLayout.images.length === 1
          );
        },
        null,
        { timeout: 10_000 },
      );
      // Neuron hover works without spike markers: a transparent per-neuron layer names the row.
      const decoded = schema.decodeRaster(payload);
      const hoverAt = async (neuron, t) => {
        const { px, py } = await page.evaluate(
          ([neuron, t]) => {
            const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
            const xa = gd._fullLayout.xaxis;
            const ya = gd._fullLayout.yaxis;
            const r = gd.getBoundingClientRect();
            return { px: r.left + xa._offset + xa.l2p(t), py: r.top + ya._offset + ya.l2p(neuron) };
          },
          [neuron, t],
        );
        await page.mouse.move(px - 15, py - 15);
        await page.mouse.move(px, py);
        const hover = page
          .locator(".neurolab-raster .hoverlayer .hovertext", { hasText: /neuron/ })
          .first();
        await hover.waitFor({ timeout: 10_000 });
        await page.waitForTimeout(250); // plotly throttles hover: let the label settle at the final position
        const m = /neuron (\d+).*population: (\w+).*rate ([\d.]+) Hz/.exec(
          await hover.textContent(),
        );
        assert.ok(m, await hover.textContent());
        return { neuron: Number(m[1]), population: m[2], rate: Number(m[3]) };
      };
      await page.locator(".neurolab-raster .js-plotly-plot").first().scrollIntoViewIfNeeded();
      for (const target of [300, 1800]) {
        const h = await hoverAt(target, 5000);
        assert.ok(
          Math.abs(h.neuron - target) <= 10,
          `hovered neuron ${h.neuron} near ${target} (one pixel is ~8 rows)`,
        );
        assert.equal(h.population, h.neuron < 1600 ? "exc" : "inh");
        const count = decoded.neurons.reduce((c, i) => c + (i === h.neuron ? 1 : 0), 0);
        assert.equal(h.rate, Number((count / 10).toFixed(2)), `rate of neuron ${h.neuron}`);
      }
      await outputOf(page, ".neurolab-raster").screenshot({
        path: path.join(ARTIFACTS, "widgets-raster-1m-hover.png"),
      });
      await page.mouse.move(5, 5);
      // Time-window selection in image mode: counts straight from the payload.
      await setRasterDragMode(page, "select");
      const sbox = await plotArea(page, ".neurolab-raster");
      const tSel = Date.now();
      await dragAcross(page, sbox, [0.2, 0.3], [0.3, 0.4], 5);
      await waitForRasterWindow(page);
      const selectMs = Date.now() - tSel;
      const win = await page.evaluate(() => {
        const root = document.querySelector(".neurolab-raster");
        return {
          w: root.dataset.windowMs.split(",").map(Number),
          spikes: [...root.querySelectorAll(".neurolab-raster-window-row")].map((r) =>
            Number(r.dataset.spikes),
          ),
        };
      });
      const expected = [0, 0];
      for (let i = 0; i < decoded.times_ms.length; i++) {
        const t = decoded.times_ms[i];
        if (t >= win.w[0] && t < win.w[1]) expected[decoded.neurons[i] < 1600 ? 0 : 1]++;
      }
      assert.deepEqual(win.spikes, expected);
      assert.ok(expected[0] > 5_000, `${expected[0]} exc spikes in the window`);
      console.log(
        `# raster 1M spikes: window selection (drag of 5 steps to listed counts) ${selectMs} ms`,
      );
      await page.locator(".neurolab-raster-window-clear").first().click();
      await setRasterDragMode(page, "zoom");
      // Zoom into 1 s: the spike image is repainted for the new range.
      const before = await page.evaluate(
        () =>
          document.querySelector(".neurolab-raster .js-plotly-plot")._fullLayout.images[0].source
            .length,
      );
      const box = await plotArea(page, ".neurolab-raster");
      await dragAcross(page, box, [0.4, 0.2], [0.5, 0.2], 6);
      await page.waitForFunction(
        (len) => {
          const gd = document.querySelector(".neurolab-raster .js-plotly-plot");
          const r = gd._fullLayout.xaxis.range;
          const img = gd._fullLayout.images[0];
          return (
            r[1] - r[0] < 2000 &&
            Math.abs(img.x - r[0]) < 1e-6 * 10_000 &&
            img.source.length !== len
          );
        },
        before,
        { timeout: 10_000 },
      );
      await outputOf(page, ".neurolab-raster").screenshot({
        path: path.join(ARTIFACTS, "widgets-raster-1m-zoom.png"),
      });
    });
  },
);
