"""Brian2 side of COBA 4000 with additive pair STDP on E -> E (bench/plasticity/coba_stdp.mjs): the
statements of neurolab's plasticity.stdpPair(additive, lambda 0.01, alpha 1.05, Wmax 1.2, no delay).
usage: coba_stdp.py <numpy|cython|cpp_standalone> [seed] [duration_ms]
Prints {"seconds": simulation loop time, "rate_exc_Hz", "rate_inh_Hz", "spikes", "cv_isi", "mean_w_ee"}."""
import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from peers_common import configure_brian2, spike_stats, timed_brian2_run  # noqa: E402

target = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 1000.0
b2 = configure_brian2(target, seed, "coba-stdp")
Wmax, lam, alpha, tau_plus, tau_minus = 1.2, 0.01, 1.05, 20 * b2.ms, 20 * b2.ms
taum, taue, taui = 20 * b2.ms, 5 * b2.ms, 10 * b2.ms
Vt, Vr, El = -50 * b2.mV, -60 * b2.mV, -60 * b2.mV
Ee, Ei = 0 * b2.mV, -80 * b2.mV
I = 20 * b2.mV
we, wi = 6.0 / 10.0, 67.0 / 10.0  # in units of g_L
eqs = """
dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + I) / taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
"""
P = b2.NeuronGroup(4000, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * b2.ms, method="euler")
P.v = "Vr + rand() * (Vt - Vr)"
Pe, Pi = P[:3200], P[3200:]
Cee = b2.Synapses(Pe, Pe, """w : 1
                             dapre/dt = -apre/tau_plus : 1 (event-driven)
                             dapost/dt = -apost/tau_minus : 1 (event-driven)""",
                  on_pre="""w = clip(w/Wmax - alpha*lam*apost, 0, 1)*Wmax
                            apre += 1
                            ge_post += w""",
                  on_post="""apost += 1
                             w = clip(w/Wmax + lam*apre, 0, 1)*Wmax""")
Cei = b2.Synapses(Pe, Pi, on_pre="ge += we")
Ci = b2.Synapses(Pi, P, on_pre="gi += wi")
Cee.connect(p=0.02)
Cee.w = we
Cei.connect(p=0.02)
Ci.connect(p=0.02)
M = b2.SpikeMonitor(P)
seconds = timed_brian2_run(b2, target, duration)
print(json.dumps({"seconds": seconds, **spike_stats(M.i, M.t / b2.ms, 4000, 3200, duration),
                  "mean_w_ee": float(np.mean(np.asarray(Cee.w)))}))
