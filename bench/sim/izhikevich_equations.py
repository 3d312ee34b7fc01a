"""Brian2 side of the user-defined-model case: a sparse Izhikevich (2003) network written as
equations (800 regular-spiking excitatory, 200 fast-spiking inhibitory cells with per-neuron
parameters, p = 0.1, driven by 1000 Poisson inputs at 20 Hz, p = 0.1, 1.5 mV), forward Euler at dt 0.1 ms.
usage: izhikevich_equations.py <numpy|cython|cpp_standalone> [seed] [duration_ms]
Prints {"seconds": simulation loop time, "rate_exc_Hz", "rate_inh_Hz", "spikes"}."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from peers_common import configure_brian2, spike_stats, timed_brian2_run  # noqa: E402

target = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 1000.0
b2 = configure_brian2(target, seed, "izh")
eqs = """
dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u)/ms : volt
du/dt = a*(b*v - u)/ms : volt
a : 1
b : 1
c : volt
d : volt
"""
G = b2.NeuronGroup(1000, eqs, threshold="v >= 30*mV", reset="v = c; u += d", method="euler")
G.a = "0.02 + 0.08*int(i >= 800)"
G.b = "0.2 + 0.05*int(i >= 800)"
G.c = "-65*mV"
G.d = "8*mV - 6*mV*int(i >= 800)"
G.v = "-65*mV"
G.u = "b*v"
P = b2.PoissonGroup(1000, 20 * b2.Hz)
S_in = b2.Synapses(P, G, on_pre="v += 1.5*mV")
S_in.connect(p=0.1)
Se = b2.Synapses(G[:800], G, on_pre="v += 0.5*mV")
Se.connect(p=0.1)
Si = b2.Synapses(G[800:], G, on_pre="v -= 1*mV")
Si.connect(p=0.1)
M = b2.SpikeMonitor(G)
seconds = timed_brian2_run(b2, target, duration)
print(json.dumps({"seconds": seconds, **spike_stats(M.i, None, 1000, 800, duration, cv=False)}))
