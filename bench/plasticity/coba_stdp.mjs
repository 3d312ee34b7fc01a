// neurolab side of COBA 4000 (Vogels-Abbott, as bench/sim/coba_equations.mjs) with additive pair
// STDP (plasticity.stdpPair, no delay, Brian2's convention) on the E -> E synapses; the Brian2
// side (coba_stdp.py) writes the same statements. usage: coba_stdp.mjs [seed] [duration_ms].
// Prints {"seconds": simulation loop, ...stats, "mean_w_ee"}.
import { createRequire } from "node:module";
const { Network, fixedProbability, plasticity } = createRequire(import.meta.url)("../../src/dist/index.js");

const seed = Number(process.argv[2] ?? 0);
const duration = Number(process.argv[3] ?? 1000);
const tStart = performance.now();
const model = `
dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + I) / taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
`;
const namespace = { taum: "20*ms", taue: "5*ms", taui: "10*ms", Vt: "-50*mV", Vr: "-60*mV", El: "-60*mV", Ee: "0*mV", Ei: "-80*mV", I: "20*mV", we: 6 / 10, wi: 67 / 10 };
const net = new Network({ dt_ms: 0.1, seed });
const group = (name, size) => net.addNeurons(name, { size, model, threshold: "v > Vt", reset: "v = Vr", refractory: "5*ms", method: "euler", namespace, init: { v: "Vr + rand()*(Vt - Vr)" } });
const exc = group("exc", 3200);
const inh = group("inh", 800);
const stdp = plasticity.stdpPair({ weightDependence: "additive", lambda: 0.01, alpha: 1.05, Wmax: 1.2, w0: 6 / 10, delay_ms: 0, delayConvention: "axonal", transmit: "ge_post += w" });
const ee = net.connect(exc, exc, { rule: fixedProbability(0.02), ...stdp });
for (const [pre, post, on_pre] of [[exc, inh, "ge += we"], [inh, exc, "gi += wi"], [inh, inh, "gi += wi"]]) {
  net.connect(pre, post, { rule: fixedProbability(0.02), on_pre, namespace });
}
const spikes = net.monitorSpikes([exc, inh]);
const tBuild = performance.now();
net.build(); // code generation, connectivity and initial values, before the timed loop (as Brian2's before_run)
const t0 = performance.now();
net.run(duration);
const seconds = (performance.now() - t0) / 1000;
const counts = spikes.counts();
let cvSum = 0;
let cvN = 0;
const times = spikes.times_ms;
const neurons = spikes.neurons;
const byNeuron = new Map();
for (let k = 0; k < times.length; k++) if (neurons[k] % 10 === 0) (byNeuron.get(neurons[k]) ?? byNeuron.set(neurons[k], []).get(neurons[k])).push(times[k]);
for (const ts of byNeuron.values()) {
  if (ts.length < 3) continue;
  const isi = ts.slice(1).map((t, k) => t - ts[k]);
  const m = isi.reduce((a, b) => a + b, 0) / isi.length;
  const sd = Math.sqrt(isi.reduce((a, b) => a + (b - m) ** 2, 0) / isi.length);
  cvSum += sd / m;
  cvN++;
}
let e = 0;
let i = 0;
for (let k = 0; k < 3200; k++) e += counts[k];
for (let k = 3200; k < 4000; k++) i += counts[k];
console.log(
  JSON.stringify({
    seconds,
    build_s: (t0 - tBuild) / 1000,
    setup_s: (tBuild - tStart) / 1000,
    target: exc.target,
    spikes: spikes.count,
    rate_exc_Hz: e / 3200 / (duration / 1000),
    rate_inh_Hz: i / 800 / (duration / 1000),
    cv_isi: cvN ? cvSum / cvN : null,
    synapses_ee: ee.size,
    mean_w_ee: ee.variable("w").reduce((a, b) => a + b, 0) / ee.size,
  }),
);
