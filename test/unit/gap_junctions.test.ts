/**
 * Gap junctions (`Network.connectGap`) as equation synapses with a summed variable
 * (synapses/gapJunctions): closed forms of passive cells, several sets summing into one group,
 * the coupling held from the step's start for every built-in model, and the visible spec.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { peersPython } from "../../kernel/scripts/setup.mjs";
import {
  adex,
  escapeNoiseLif,
  fromPairs,
  GAP_JUNCTION_EQUATIONS,
  gapJunctionEquations,
  hh,
  metaNeuron,
  Network,
  nestRefractory,
  type NeuronGroup,
} from "../../src/index.js";

const PASSIVE = { vRest_mV: -65, vThresh_mV: 1e6, vReset_mV: -65 };

describe("gap junctions as summed variables", () => {
  it("two passive cells: the difference of potentials decays by the step's exact factor, the sum as uncoupled (equal and opposite currents)", () => {
    for (const wasm of [true, false]) {
      const dt = 0.1,
        tau = 10,
        C = 250,
        g = 5;
      const net = new Network({ dt_ms: dt, wasm });
      const cells = net.addLif("cells", {
        size: 2,
        params: { tauM_ms: tau, cM_pF: C, ...PASSIVE },
        init: { v_mV: (_r, i) => (i === 0 ? -50 : -70) },
      });
      net.connectGap(cells, cells, { rule: fromPairs([0], [1]), g_nS: g });
      const steps = 400;
      net.run(steps * dt);
      // Exponential Euler with the coupling current held from the step's start:
      // v' = El + (v - El) e + (1 - e) (tau/C) g (v_other - v), so the difference d = va - vb
      // takes d' = d (e - 2 (1 - e) (tau/C) g) and the sum decays as without coupling.
      const e = Math.exp(-dt / tau);
      const factor = e - 2 * (1 - e) * (tau / C) * g;
      const d = 20 * factor ** steps;
      const s = -65 * 2 + (-50 - 70 + 130) * e ** steps;
      const [va, vb] = cells.v_mV;
      expect(va - vb).toBeCloseTo(d, 10);
      expect(va + vb).toBeCloseTo(s, 10);
      // ... and the continuous solution d0 exp(-t (1/tau + 2 g/C)) to O(dt).
      const t = steps * dt;
      expect(Math.abs(va - vb - 20 * Math.exp(-t * (1 / tau + (2 * g) / C)))).toBeLessThan(
        0.02 * 20 * Math.exp(-t * (1 / tau + (2 * g) / C)) + 1e-6,
      );
      expect(d).toBeGreaterThan(1e-3); // the comparison still sees the difference
      expect(String(net.schedule())).toMatch(
        wasm
          ? /gap junctions cells -> cells \(both ways\).*summed variable\), WebAssembly/
          : /gap junctions cells -> cells \(both ways\).*summed variable\), JavaScript/,
      );
    }
  });

  it("several sets into one group sum (within a group, between groups, twice between the same groups), as the linear recursion of the whole network", () => {
    const dt = 0.1;
    const net = new Network({ dt_ms: dt, seed: 3 });
    const a = net.addLif("a", {
      size: 3,
      params: { tauM_ms: 10, cM_pF: 200, ...PASSIVE },
      init: { v_mV: (_r, i) => -80 + 10 * i },
    });
    const b = net.addLif("b", {
      size: 2,
      params: { tauM_ms: 20, cM_pF: 300, ...PASSIVE },
      init: { v_mV: (_r, i) => -55 - 20 * i },
    });
    a.current_pA.set([100, 0, -50]);
    const sets: [NeuronGroup, NeuronGroup, number[], number[], (i: number, j: number) => number][] =
      [
        [a, a, [0, 1], [1, 2], (i) => 2 + i],
        [a, b, [0, 2], [0, 1], (i, j) => 1 + i + 3 * j],
        [a, b, [1], [1], () => 4],
        [b, b, [0], [1], () => 1.5],
      ];
    for (const [x, y, pre, post, g] of sets)
      net.connectGap(x, y, { rule: fromPairs(pre, post), g_nS: (_r, i, j) => g(i, j) });
    const steps = 300;
    net.run(steps * dt);
    // a: a-a (both ways) and b -> a of both a-b sets; b: a -> b of both a-b sets and b-b
    expect(a.equations!.model).toMatch(/Igap = Igap_1 \+ Igap_2 \+ Igap_3 : amp/);
    expect(b.equations!.model).toMatch(/Igap = Igap_1 \+ Igap_2 \+ Igap_3 : amp/);
    // Reference: the five cells' potentials stepped together, coupling from the step's start.
    const offset = new Map<NeuronGroup, number>([
      [a, 0],
      [b, 3],
    ]);
    const tau = [10, 10, 10, 20, 20],
      C = [200, 200, 200, 300, 300],
      I = [100, 0, -50, 0, 0];
    let v = [-80, -70, -60, -55, -75];
    const pairs: [number, number, number][] = [];
    for (const [x, y, pre, post, g] of sets)
      pre.forEach((i, k) =>
        pairs.push([offset.get(x)! + i, offset.get(y)! + post[k], g(i, post[k])]),
      );
    for (let n = 0; n < steps; n++) {
      const Igap = [0, 0, 0, 0, 0];
      for (const [p, q, g] of pairs) {
        Igap[p] += g * (v[q] - v[p]);
        Igap[q] += g * (v[p] - v[q]);
      }
      v = v.map((x, k) => {
        const e = Math.exp(-dt / tau[k]);
        return -65 + (x + 65) * e + (1 - e) * (tau[k] / C[k]) * (I[k] + Igap[k]);
      });
    }
    const ours = [...a.v_mV, ...b.v_mV];
    for (let k = 0; k < 5; k++) expect(ours[k]).toBeCloseTo(v[k], 9);
    // describe() still lists each set's pairs once, with their conductances (nS)
    const d = net.describe().gapJunctions;
    expect(d.map((x) => [x.a, x.b, Array.from(x.g_nS)])).toEqual([
      ["a", "a", [2, 3]],
      ["a", "b", [1, 6]],
      ["a", "b", [4]],
      ["b", "b", [1.5]],
    ]);
  });

  it("for every built-in model, one coupled step equals one uncoupled step with the current g (v_other - v) of the step's start", () => {
    const models: [string, (net: Network) => NeuronGroup, number][] = [
      ["lif", (net) => net.addLif("g", { size: 2, init: { v_mV: (_r, i) => -70 + 8 * i } }), 0.1],
      [
        "izhikevich (paper units)",
        (net) => net.addIzhikevich("g", { size: 2, init: { v_mV: (_r, i) => -70 + 8 * i } }),
        0.1,
      ],
      [
        "adex",
        (net) => net.addNeurons("g", adex, { size: 2, init: { v_mV: (_r, i) => -70 + 8 * i } }),
        0.1,
      ],
      [
        "hh",
        (net) => net.addNeurons("g", hh, { size: 2, init: { v_mV: (_r, i) => -70 + 8 * i } }),
        0.01,
      ],
      [
        "escapeNoiseLif",
        (net) =>
          net.addNeurons("g", escapeNoiseLif, {
            size: 2,
            init: { v_mV: (_r, i) => -70 + 8 * i },
          }),
        0.1,
      ],
      [
        "metaNeuron",
        (net) =>
          net.addNeurons("g", metaNeuron, { size: 2, init: { v_mV: (_r, i) => -3 - 3 * i } }),
        0.1,
      ],
    ];
    const g = 3;
    for (const [name, add, dt] of models) {
      const coupled = new Network({ dt_ms: dt, seed: 9 });
      const x = add(coupled);
      coupled.connectGap(x, x, { rule: fromPairs([0], [1]), g_nS: g });
      coupled.build();
      const v0 = Array.from(x.v_mV);
      coupled.run(dt);
      const plain = new Network({ dt_ms: dt, seed: 9 });
      const y = add(plain);
      plain.build();
      y.current_pA.set([g * (v0[1] - v0[0]), g * (v0[0] - v0[1])]);
      plain.run(dt);
      expect(v0[0], name).not.toBe(v0[1]);
      for (const v of x.variables)
        for (let i = 0; i < 2; i++)
          expect(x.variable(v)[i], `${name}.${v}[${i}]`).toBeCloseTo(y.variable(v)[i], 11);
      expect(x.v_mV[0], name).not.toBeCloseTo(
        (() => {
          const z = new Network({ dt_ms: dt, seed: 9 });
          const w = add(z);
          z.run(dt);
          return w.v_mV[0];
        })(),
        11,
      );
    }
  });

  it("shows its equations: the spec the network builds, in Brian2's notation", () => {
    expect(GAP_JUNCTION_EQUATIONS).toBe(
      "g : siemens\nIgap_post = g*(v_pre - v_post) : amp (summed)",
    );
    expect(gapJunctionEquations("Igap_2", { paperUnits: true })).toBe(
      "g : siemens\nIgap_2_post = g*(v_pre - v_post)/pA : 1 (summed)",
    );
    expect(() => gapJunctionEquations("2x")).toThrow(/target must be a variable name/);
    const net = new Network();
    const cells = net.addLif("cells", { size: 2 });
    net.connectGap(cells, cells, { rule: fromPairs([0], [1]), g_nS: 1 });
    net.build();
    expect(cells.equations!.model).toMatch(/I = Iext \+ Igap : amp/);
    expect(cells.equations!.model).toMatch(/^Igap : amp$/m);
  });
});

describe("gap junctions against Brian2 2.9", () => {
  it("built-in LIF groups coupled by connectGap spike and move as Brian2's NeuronGroups with the same summed-variable synapses", () => {
    const dt = 0.1;
    const params = {
      tauM_ms: 10,
      cM_pF: 250,
      vRest_mV: -65,
      vThresh_mV: -50,
      vReset_mV: -65,
      tRef_ms: 2,
    };
    const aPairs: [number[], number[]] = [
      [0, 1],
      [1, 2],
    ];
    const abPairs: [number[], number[]] = [
      [0, 2],
      [0, 1],
    ];
    const net = new Network({ dt_ms: dt, seed: 2 });
    const a = net.addLif("A", { size: 3, params, init: { v_mV: (_r, i) => -65 + 3 * i } });
    const b = net.addLif("B", { size: 2, params, init: { v_mV: (_r, i) => -65 + 3 * i } });
    a.current_pA.set([380, 410, 440]);
    b.current_pA.set([380, 420]);
    net.connectGap(a, a, { rule: fromPairs(...aPairs), g_nS: 2 });
    net.connectGap(a, b, { rule: fromPairs(...abPairs), g_nS: 3 });
    const spikes = new Map([
      [a, net.monitorSpikes([a])],
      [b, net.monitorSpikes([b])],
    ]);
    const trace = net.monitorState(a, ["v_mV"]);
    net.run(200);
    // What a Brian2 user writes: one summed target per synapse set (Brian2 refuses two summed
    // variables into one target), the group's Igap their sum, pairs listed in both directions.
    const lif = (extra: string) =>
      `dv/dt = (El - v)/taum + (I + Igap)/Cm : volt (unless refractory)\n${extra}\nI : amp`;
    const both = (p: [number[], number[]]) => [
      [...p[0], ...p[1]],
      [...p[1], ...p[0]],
    ];
    const kase = {
      name: "gap",
      dt_ms: dt,
      duration_ms: 200,
      namespace: { El: "-65*mV", taum: "10*ms", Cm: "250*pF", Vth: "-50*mV", Vr: "-65*mV" },
      groups: [
        {
          name: "A",
          N: 3,
          model: lif("Igap = Igap_1 + Igap_2 : amp\nIgap_1 : amp\nIgap_2 : amp"),
          threshold: "v >= Vth",
          reset: "v = Vr",
          refractory: nestRefractory(2, dt),
          method: "exact",
          init: { v: "El + 3*i*mV", I: "(380 + 30*i)*pA" },
        },
        {
          name: "B",
          N: 2,
          model: lif("Igap : amp"),
          threshold: "v >= Vth",
          reset: "v = Vr",
          refractory: nestRefractory(2, dt),
          method: "exact",
          init: { v: "El + 3*i*mV", I: "(380 + 40*i)*pA" },
        },
      ],
      synapses: [
        {
          pre: "A",
          post: "A",
          pairs: both(aPairs),
          model: gapJunctionEquations("Igap_1"),
          init: { g: "2*nS" },
        },
        {
          pre: "B",
          post: "A",
          pairs: [abPairs[1], abPairs[0]],
          model: gapJunctionEquations("Igap_2"),
          init: { g: "3*nS" },
        },
        { pre: "A", post: "B", pairs: abPairs, model: GAP_JUNCTION_EQUATIONS, init: { g: "3*nS" } },
      ],
      record: ["v"],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brian2-gap-"));
    fs.writeFileSync(path.join(dir, "cases.json"), JSON.stringify([kase]));
    execFileSync(
      peersPython(),
      [
        path.join(__dirname, "..", "reference", "brian2_equations.py"),
        path.join(dir, "cases.json"),
        path.join(dir, "out.json"),
      ],
      { stdio: ["ignore", "inherit", "inherit"], timeout: 300_000 },
    );
    const ref = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")).gap as {
      spikes: Record<string, { i: number[]; t_ms: number[] }>;
      state: Record<string, number[][]>;
    };
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [g, name] of [
      [a, "A"],
      [b, "B"],
    ] as const) {
      const ours = spikes.get(g)!;
      const want = ref.spikes[name];
      expect(want.i.length, name).toBeGreaterThan(10);
      expect(Array.from(ours.neurons), name).toEqual(want.i);
      // (Brian2 stamps a spike at its step's start, neurolab at its end)
      want.t_ms.forEach((tb, k) => expect(Math.abs(ours.times_ms[k] - dt - tb)).toBeLessThan(1e-6));
    }
    const theirs = ref.state.v; // [neuron][sample], mV
    const v = trace.values("v_mV");
    expect(v.length).toBe(3 * theirs[0].length);
    let worst = 0;
    for (let s = 0; s < theirs[0].length; s++)
      for (let i = 0; i < 3; i++) worst = Math.max(worst, Math.abs(v[s * 3 + i] - theirs[i][s]));
    expect(worst).toBeLessThan(1e-9);
  }, 300_000);
});
