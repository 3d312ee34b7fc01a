"""Brian2 side of Song, Miller & Abbott 2000 (Brian2's example synapses/STDP.py: N Poisson inputs at
15 Hz -> one LIF neuron, additive pair STDP), also the reference of test/unit/plasticity.songAbbott.test.ts.
usage: song_abbott.py <numpy|cython|cpp_standalone> [seed] [duration_ms] [N] [--weights]
Prints {"seconds": simulation loop time, "spikes", "rate_Hz", "hist": final w/gmax in 10 bins[, "w": [...]]}."""
import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from peers_common import configure_brian2, timed_brian2_run  # noqa: E402

args = [a for a in sys.argv[1:] if not a.startswith("--")]
target = args[0]
seed = int(args[1]) if len(args) > 1 else 0
duration = float(args[2]) if len(args) > 2 else 100000.0
N = int(args[3]) if len(args) > 3 else 1000
b2 = configure_brian2(target, seed, "song-abbott")
taum, taupre, taupost, taue = 10 * b2.ms, 20 * b2.ms, 20 * b2.ms, 5 * b2.ms
Ee, vt, vr, El = 0 * b2.mV, -54 * b2.mV, -60 * b2.mV, -74 * b2.mV
F = 15 * b2.Hz
gmax = 0.01
dApre = 0.01
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax
eqs = """
dv/dt = (ge * (Ee-v) + El - v) / taum : volt
dge/dt = -ge / taue : 1
"""
inp = b2.PoissonGroup(N, rates=F)
neuron = b2.NeuronGroup(1, eqs, threshold="v>vt", reset="v = vr", method="euler")
neuron.v = vr
S = b2.Synapses(inp, neuron,
                """w : 1
                   dApre/dt = -Apre / taupre : 1 (event-driven)
                   dApost/dt = -Apost / taupost : 1 (event-driven)""",
                on_pre="""ge += w
                          Apre += dApre
                          w = clip(w + Apost, 0, gmax)""",
                on_post="""Apost += dApost
                           w = clip(w + Apre, 0, gmax)""")
S.connect()
S.w = "rand() * gmax"
M = b2.SpikeMonitor(neuron)
seconds = timed_brian2_run(b2, target, duration)
w = np.asarray(S.w) / gmax
hist = np.histogram(w, bins=10, range=(0, 1))[0]
out = {"seconds": float(seconds), "spikes": int(M.num_spikes), "rate_Hz": float(M.num_spikes / (duration / 1000)), "hist": hist.tolist()}
if "--weights" in sys.argv:
    out["w"] = w.tolist()
print(json.dumps(out))
