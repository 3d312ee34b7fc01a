"""Brian2 side of COBA 4000 with additive pair STDP on E -> E (bench/plasticity/coba_stdp.mjs): the
statements of neurolab's plasticity.stdpPair(additive, lambda 0.01, alpha 1.05, Wmax 1.2, no delay).
usage: coba_stdp.py <numpy|cython|cpp_standalone> [seed] [duration_ms]
Prints {"seconds": simulation loop time, "rate_exc_Hz", "rate_inh_Hz", "spikes", "cv_isi", "mean_w_ee"}."""
import json
import sys
import tempfile
import time

import brian2 as b2
import numpy as np

target = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 1000.0
if target == "cpp_standalone":
    b2.set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="brian2-coba-"))
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
else:
    b2.prefs.codegen.target = target
b2.defaultclock.dt = 0.1 * b2.ms
b2.seed(seed)
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
t0 = time.perf_counter()
b2.run(duration * b2.ms)
wall = time.perf_counter() - t0
seconds = b2.device._last_run_time if target == "cpp_standalone" else wall
i, t = np.asarray(M.i), np.asarray(M.t / b2.ms)
counts = np.bincount(i, minlength=4000)
cvs = []
for n in range(0, 4000, 10):
    ts = np.sort(t[i == n])
    if len(ts) >= 3:
        isi = np.diff(ts)
        cvs.append(isi.std() / isi.mean())
print(json.dumps({
    "seconds": float(seconds),
    "spikes": int(len(i)),
    "rate_exc_Hz": float(counts[:3200].sum() / 3200 / (duration / 1000)),
    "rate_inh_Hz": float(counts[3200:].sum() / 800 / (duration / 1000)),
    "cv_isi": float(np.mean(cvs)) if cvs else None,
    "mean_w_ee": float(np.mean(np.asarray(Cee.w))),
}))
