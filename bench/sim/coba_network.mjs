// The COBA benchmark network written as equations (the Brian2 benchmark's own model text) and
// its statistics, shared by bench/sim/coba_equations.mjs and bench/plasticity/coba_stdp.mjs.
import { createRequire } from "node:module";
const { Network, fixedProbability } = createRequire(import.meta.url)("../../src/dist/index.js");

const MODEL = `
dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + I) / taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
`;
export const COBA_NAMESPACE = {
  taum: "20*ms",
  taue: "5*ms",
  taui: "10*ms",
  Vt: "-50*mV",
  Vr: "-60*mV",
  El: "-60*mV",
  Ee: "0*mV",
  Ei: "-80*mV",
  I: "20*mV",
  we: 6 / 10,
  wi: 67 / 10,
};

/** A group of `size` COBA neurons (the benchmark's model, namespace and initial potentials). */
export function addCobaGroup(net, name, size, precision = "float64") {
  return net.addNeurons(name, {
    size,
    model: MODEL,
    threshold: "v > Vt",
    reset: "v = Vr",
    refractory: "5*ms",
    method: "euler",
    namespace: COBA_NAMESPACE,
    init: { v: "Vr + rand()*(Vt - Vr)" },
    precision,
  });
}

/**
 * COBA 4000 (3200 excitatory, 800 inhibitory, p = 0.02). `excToExc` gives the E -> E synapse
 * options (default: static `ge += we`); `precision` the groups' ("float64" or "float32"); `threads` the network's (1, 2, "auto"). Returns the network, groups, the E -> E projection and a monitor.
 */
export function cobaEquations(
  seed,
  excToExc = { on_pre: "ge += we", namespace: COBA_NAMESPACE },
  precision = "float64",
  threads = 1,
) {
  const net = new Network({ dt_ms: 0.1, seed, threads });
  const group = (name, size) => addCobaGroup(net, name, size, precision);
  const exc = group("exc", 3200);
  const inh = group("inh", 800);
  const ee = net.connect(exc, exc, { rule: fixedProbability(0.02), ...excToExc });
  for (const [pre, post, on_pre] of [
    [exc, inh, "ge += we"],
    [inh, exc, "gi += wi"],
    [inh, inh, "gi += wi"],
  ]) {
    net.connect(pre, post, { rule: fixedProbability(0.02), on_pre, namespace: COBA_NAMESPACE });
  }
  return { net, exc, inh, ee, spikes: net.monitorSpikes([exc, inh]) };
}

/** Rates per population and the mean ISI CV of every tenth neuron (as bench/sim/coba.py). */
export function cobaStats(spikes, duration_ms) {
  const counts = spikes.counts();
  const times = spikes.times_ms;
  const neurons = spikes.neurons;
  const byNeuron = new Map();
  for (let k = 0; k < times.length; k++)
    if (neurons[k] % 10 === 0)
      (byNeuron.get(neurons[k]) ?? byNeuron.set(neurons[k], []).get(neurons[k])).push(times[k]);
  let cvSum = 0;
  let cvN = 0;
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
  return {
    spikes: spikes.count,
    rate_exc_Hz: e / 3200 / (duration_ms / 1000),
    rate_inh_Hz: i / 800 / (duration_ms / 1000),
    cv_isi: cvN ? cvSum / cvN : null,
  };
}
