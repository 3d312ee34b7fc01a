// Models written as equations against Brian2 2.9 (numpy target, in the peers venv): the same
// equations, namespace, integration method, threshold, reset, refractoriness, synapses and
// events must give the same spikes and the same state traces. Brian2 stamps a spike at the
// start of its step, neurolab at the end, so neurolab's times are Brian2's + dt.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Network,
  fromPairs,
  type EquationGroup,
  type SpikeMonitor,
  type StateMonitor,
  type Synapses,
} from "../../src/index.js";
import { peersPython } from "../../kernel/scripts/setup.mjs";

interface GroupCase {
  name: string;
  N: number;
  model: string;
  threshold?: string;
  reset?: string;
  refractory?: number | string;
  method?: "euler" | "exponential_euler" | "rk2" | "rk4" | "exact";
  init?: Record<string, string>;
}
interface SynapseCase {
  pre: string;
  post: string;
  pairs: [number[], number[]];
  model?: string;
  on_pre?: string;
  on_post?: string;
  delay_ms?: number;
  init?: Record<string, string>;
  read?: string[];
}
interface Case {
  name: string;
  dt_ms: number;
  duration_ms: number;
  namespace?: Record<string, string>;
  groups: GroupCase[];
  synapses?: SynapseCase[];
  record?: string[];
}

const izhikevich = `
dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I)/ms : volt
du/dt = a*(b*v - u)/ms : volt
I : volt
`;
const hh = `
dv/dt = (gl*(El - v) - g_na*m**3*h*(v - ENa) - g_kd*n**4*(v - EK) + I)/Cm : volt
dm/dt = alpham*(1 - m) - betam*m : 1
dh/dt = alphah*(1 - h) - betah*h : 1
dn/dt = alphan*(1 - n) - betan*n : 1
alpham = 1/ms / exprel(-(v + 40*mV)/(10*mV)) : Hz
betam = 4/ms * exp(-(v + 65*mV)/(18*mV)) : Hz
alphah = 0.07/ms * exp(-(v + 65*mV)/(20*mV)) : Hz
betah = 1/ms / (1 + exp(-(v + 35*mV)/(10*mV))) : Hz
alphan = 0.1/ms / exprel(-(v + 55*mV)/(10*mV)) : Hz
betan = 0.125/ms * exp(-(v + 65*mV)/(80*mV)) : Hz
I : amp
`;
const fitzhughNagumo = `
dv/dt = (v - v**3/3 - w + I)/tau : 1
dw/dt = (v + a - b*w)/(12.5*tau) : 1
I : 1
`;
const stdpNeuron = `
dv/dt = (ge*(Ee - v) + El - v + I)/taum : volt (unless refractory)
dge/dt = -ge/taue : 1
I : volt
`;

const CASES: Case[] = [
  {
    name: "lif_exact_refractory",
    dt_ms: 0.1,
    duration_ms: 100,
    namespace: { El: "-65*mV", Vt: "-50*mV", Vr: "-70*mV", R: "40*Mohm", tau: "10*ms" },
    groups: [
      {
        name: "G",
        N: 5,
        model: "dv/dt = (El - v + R*I)/tau : volt (unless refractory)\nI : amp",
        threshold: "v > Vt",
        reset: "v = Vr",
        refractory: 2,
        method: "exact",
        init: { v: "El", I: "(400 + 50*i)*pA" },
      },
    ],
    record: ["v"],
  },
  {
    name: "izhikevich_euler",
    dt_ms: 0.1,
    duration_ms: 200,
    namespace: { a: "0.02", b: "0.2", c: "-65*mV", d: "8*mV" },
    groups: [
      {
        name: "G",
        N: 4,
        model: izhikevich,
        threshold: "v >= 30*mV",
        reset: "v = c; u += d",
        method: "euler",
        init: { v: "-65*mV", u: "-13*mV", I: "(5 + 2*i)*mV" },
      },
    ],
    record: ["v", "u"],
  },
  {
    name: "hh_exponential_euler",
    dt_ms: 0.01,
    duration_ms: 40,
    namespace: {
      Cm: "200*pF",
      gl: "10*nS",
      El: "-65*mV",
      ENa: "50*mV",
      EK: "-90*mV",
      g_na: "20*uS",
      g_kd: "6*uS",
    },
    groups: [
      {
        name: "G",
        N: 3,
        model: hh,
        threshold: "v > -20*mV",
        refractory: "v > -20*mV",
        method: "exponential_euler",
        init: { v: "-65*mV", m: "0.05", h: "0.6", n: "0.32", I: "(0.3 + 0.4*i)*nA" },
      },
    ],
    record: ["v", "m"],
  },
  {
    name: "fitzhugh_nagumo_rk4",
    dt_ms: 0.05,
    duration_ms: 100,
    namespace: { tau: "1*ms", a: "0.7", b: "0.8" },
    groups: [
      {
        name: "G",
        N: 2,
        model: fitzhughNagumo,
        method: "rk4",
        init: { v: "-1", w: "1", I: "0.5 + 0.3*i" },
      },
    ],
    record: ["v", "w"],
  },
  {
    name: "fitzhugh_nagumo_rk2",
    dt_ms: 0.05,
    duration_ms: 100,
    namespace: { tau: "1*ms", a: "0.7", b: "0.8" },
    groups: [
      {
        name: "G",
        N: 2,
        model: fitzhughNagumo,
        method: "rk2",
        init: { v: "-1", w: "1", I: "0.5 + 0.3*i" },
      },
    ],
    record: ["v", "w"],
  },
  {
    name: "stdp_delays_event_driven",
    dt_ms: 0.1,
    duration_ms: 300,
    namespace: {
      taum: "10*ms",
      taue: "5*ms",
      Ee: "0*mV",
      El: "-60*mV",
      Vt: "-54*mV",
      Vr: "-60*mV",
      taupre: "20*ms",
      taupost: "20*ms",
      wmax: "0.5",
      Apre: "0.01",
      Apost: "-0.0105",
    },
    groups: [
      {
        name: "G",
        N: 6,
        model: stdpNeuron,
        threshold: "v > Vt",
        reset: "v = Vr",
        refractory: 1,
        method: "euler",
        init: { v: "El", I: "(6.5 + 0.4*i)*mV" },
      },
    ],
    synapses: [
      {
        pre: "G",
        post: "G",
        pairs: [
          [0, 1, 2, 3, 4, 5, 0, 2, 4],
          [1, 2, 3, 4, 5, 0, 3, 5, 1],
        ],
        model:
          "w : 1\ndapre/dt = -apre/taupre : 1 (event-driven)\ndapost/dt = -apost/taupost : 1 (event-driven)",
        on_pre: "ge_post += w\napre += Apre\nw = clip(w + apost, 0, wmax)",
        on_post: "apost += Apost\nw = clip(w + apre, 0, wmax)",
        delay_ms: 1.5,
        init: { w: "0.05 + 0.01*i" },
        read: ["w", "apre", "apost"],
      },
    ],
    record: ["v", "ge"],
  },
  {
    name: "gap_junctions_summed",
    dt_ms: 0.1,
    duration_ms: 100,
    namespace: { tau: "10*ms", C: "100*pF", El: "-65*mV", Vt: "-50*mV", Vr: "-65*mV" },
    groups: [
      {
        name: "G",
        N: 4,
        model: "dv/dt = (El - v)/tau + (Igap + I)/C : volt\nIgap : amp\nI : amp",
        threshold: "v > Vt",
        reset: "v = Vr",
        method: "euler",
        init: { v: "El", I: "(170 + 20*i)*pA" },
      },
    ],
    synapses: [
      {
        pre: "G",
        post: "G",
        pairs: [
          [0, 1, 1, 2, 2, 3],
          [1, 0, 2, 1, 3, 2],
        ],
        model: "g : siemens\nIgap_post = g*(v_pre - v_post) : amp (summed)",
        init: { g: "2*nS" },
      },
    ],
    record: ["v", "Igap"],
  },
];

let ref: Record<
  string,
  {
    spikes: Record<string, { i: number[]; t_ms: number[] }>;
    state?: Record<string, number[][]>;
    synapses?: Record<string, number[]>[];
  }
>;

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brian2-eq-"));
  const cases = path.join(dir, "cases.json");
  const out = path.join(dir, "out.json");
  const asBrian = CASES.map((c) => ({
    ...c,
    synapses: c.synapses?.map((s) => ({ ...s, init: s.init })),
  }));
  fs.writeFileSync(cases, JSON.stringify(asBrian));
  execFileSync(
    peersPython(),
    [path.join(__dirname, "..", "reference", "brian2_equations.py"), cases, out],
    { stdio: ["ignore", "inherit", "inherit"], timeout: 600_000 },
  );
  ref = JSON.parse(fs.readFileSync(out, "utf8"));
}, 600_000);

function runOurs(c: Case, wasm: boolean) {
  const net = new Network({ dt_ms: c.dt_ms, seed: 1, wasm });
  const groups = new Map<string, EquationGroup>();
  for (const g of c.groups) {
    const { name, N, init, ...spec } = g;
    groups.set(name, net.addNeurons(name, { size: N, ...spec, namespace: c.namespace, init }));
  }
  const syns: Synapses[] = (c.synapses ?? []).map((s) =>
    net.connect(groups.get(s.pre)!, groups.get(s.post)!, {
      rule: fromPairs(s.pairs[0], s.pairs[1]),
      model: s.model,
      on_pre: s.on_pre,
      on_post: s.on_post,
      delay_ms: s.delay_ms,
      namespace: c.namespace,
      init: s.init,
    }),
  );
  const spikes: SpikeMonitor = net.monitorSpikes([...groups.values()]);
  const first = groups.get(c.groups[0].name)!;
  const state: StateMonitor | null = c.record ? net.monitorState(first, c.record) : null;
  net.run(c.duration_ms);
  return { net, groups, syns, spikes, state, first };
}

describe.each(CASES)("$name", (c) => {
  it("spikes as Brian2 (same neurons; times + dt) and the state traces agree", () => {
    const ours = runOurs(c, true);
    const theirs = ref[c.name];
    const first = c.groups[0];
    const t = ours.spikes.times_ms;
    const n = ours.spikes.neurons;
    const want = theirs.spikes[first.name];
    expect(Array.from(n)).toEqual(want.i);
    want.t_ms.forEach((tb, k) => expect(Math.abs(t[k] - c.dt_ms - tb)).toBeLessThan(1e-6));
    for (const v of c.record ?? []) {
      const ourTrace = ours.state!.values(v);
      const theirTrace = theirs.state![v]; // [neuron][sample]
      const N = first.N;
      const samples = theirTrace[0].length;
      expect(ourTrace.length).toBe(samples * N);
      let worst = 0;
      for (let s = 0; s < samples; s++)
        for (let i = 0; i < N; i++) {
          const a = ourTrace[s * N + i];
          const b = theirTrace[i][s];
          worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
        }
      expect(worst, `${v}: largest relative difference`).toBeLessThan(
        c.name.includes("izhikevich") || c.name.includes("hh") ? 1e-6 : 1e-9,
      );
    }
    (c.synapses ?? []).forEach((s, k) => {
      const got = ours.syns[k];
      const theirsSyn = theirs.synapses![k];
      // neurolab stores synapses in CSR order (by presynaptic neuron), Brian2 in creation order: match by (i, j).
      const key = (i: number, j: number) => `${i},${j}`;
      const ourIndex = new Map(Array.from(got.i, (i, q) => [key(i, got.j[q]), q]));
      expect(ourIndex.size).toBe(theirsSyn.i.length);
      const order = theirsSyn.i.map((i, q) => ourIndex.get(key(i, theirsSyn.j[q])));
      expect(order.every((q) => q !== undefined)).toBe(true);
      for (const v of s.read ?? []) {
        const a = got.variable(v);
        theirsSyn[v].forEach((b, q) =>
          expect(
            Math.abs(a[order[q]!] - b),
            `${v} of synapse ${theirsSyn.i[q]} -> ${theirsSyn.j[q]}`,
          ).toBeLessThan(1e-9),
        );
      }
    });
  });

  it("the WebAssembly and JavaScript targets are bitwise identical", () => {
    const a = runOurs(c, true);
    const b = runOurs(c, false);
    expect(a.first.target).toBe("wasm");
    expect(b.first.target).toBe("js");
    expect(Array.from(a.spikes.neurons)).toEqual(Array.from(b.spikes.neurons));
    expect(Array.from(a.spikes.times_ms)).toEqual(Array.from(b.spikes.times_ms));
    for (const v of a.first.variables)
      expect(
        Buffer.from(
          a.first.variable(v).buffer,
          a.first.variable(v).byteOffset,
          a.first.size * 8,
        ).equals(
          Buffer.from(b.first.variable(v).buffer, b.first.variable(v).byteOffset, b.first.size * 8),
        ),
      ).toBe(true);
  });
});
