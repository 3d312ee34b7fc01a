"""Brian2 side of the Poisson -> LIF case (same model as poisson_lif.mjs).
usage: poisson_lif.py <numpy|cython> N_in N. Prints {"seconds": run() time, ...}."""
import json
import sys
import time

import brian2 as b2

target, n_in, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b2.prefs.codegen.target = target
b2.defaultclock.dt = 0.1 * b2.ms
b2.seed(1)
inp = b2.PoissonGroup(n_in, 20 * b2.Hz)
lif = b2.NeuronGroup(
    n,
    "dv/dt = (-70*mV - v) / (10*ms) : volt (unless refractory)",
    threshold="v >= -55*mV",
    reset="v = -70*mV",
    refractory=2 * b2.ms,
    method="exact",
)
lif.v = -70 * b2.mV
syn = b2.Synapses(inp, lif, on_pre="v += 0.5*mV", delay=1.5 * b2.ms)
syn.connect(p=0.1)
mon = b2.SpikeMonitor(lif)
net = b2.Network(inp, lif, syn, mon)
net.run(0 * b2.ms)  # code generation and compilation outside the timed section
t0 = time.perf_counter()
net.run(1 * b2.second)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "synapses": len(syn), "spikes": int(mon.num_spikes), "rate_Hz": mon.num_spikes / n / 1.0}))
