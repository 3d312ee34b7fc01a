"""Brian2 side of the white-noise case: 4000 unconnected LIF neurons driven by their own white
noise (an Ornstein-Uhlenbeck membrane, `xi` with Brian2's Euler-Maruyama meaning), forward Euler
at dt 0.1 ms: one normal variate per neuron and step, so the case measures the generator.
usage: noisy_lif.py <numpy|cython|cpp_standalone> [seed] [duration_ms]
Prints {"seconds": simulation loop time, "rate_Hz", "spikes"}."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from peers_common import configure_brian2, spike_stats, timed_brian2_run  # noqa: E402

target = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 1000.0
b2 = configure_brian2(target, seed, "noisy")
N = 4000
eqs = """
dv/dt = (El - v)/tau + sigma*sqrt(2/tau)*xi : volt
El : volt (constant, shared)
tau : second (constant, shared)
sigma : volt (constant, shared)
"""
G = b2.NeuronGroup(N, eqs, threshold="v > -50*mV", reset="v = -60*mV", method="euler")
G.El = -55 * b2.mV
G.tau = 20 * b2.ms
G.sigma = 5 * b2.mV
G.v = -60 * b2.mV
M = b2.SpikeMonitor(G)
seconds = timed_brian2_run(b2, target, duration)
stats = spike_stats(M.i, None, N, N, duration, cv=False)
print(json.dumps({"seconds": seconds, "spikes": stats["spikes"], "rate_Hz": stats["rate_exc_Hz"]}))
