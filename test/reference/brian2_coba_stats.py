"""Reference statistics of the COBA benchmark (Vogels & Abbott 2005, Brian2's benchmark model)
for test/unit/equations.float32.test.ts.
usage: brian2_coba_stats.py <out.json> [seeds]. Brian2 2.9, numpy target, float64, dt 0.1 ms,
1 s per seed; writes a list of {rate_exc_Hz, rate_inh_Hz, cv_isi} (mean ISI CV over neurons with
at least 3 spikes, numpy's population standard deviation)."""
import json
import sys

import brian2 as b2
import numpy as np

b2.prefs.codegen.target = "numpy"
b2.defaultclock.dt = 0.1 * b2.ms
out = []
for seed in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    b2.seed(seed)
    taum, taue, taui = 20 * b2.ms, 5 * b2.ms, 10 * b2.ms
    Vt, Vr, El = -50 * b2.mV, -60 * b2.mV, -60 * b2.mV
    Ee, Ei, Idrive = 0 * b2.mV, -80 * b2.mV, 20 * b2.mV
    P = b2.NeuronGroup(
        4000,
        """dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + Idrive) / taum : volt (unless refractory)
           dge/dt = -ge/taue : 1
           dgi/dt = -gi/taui : 1""",
        threshold="v>Vt", reset="v = Vr", refractory=5 * b2.ms, method="euler",
    )
    P.v = "Vr + rand() * (Vt - Vr)"
    Ce = b2.Synapses(P[:3200], P, on_pre="ge += 0.6")
    Ci = b2.Synapses(P[3200:], P, on_pre="gi += 6.7")
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    M = b2.SpikeMonitor(P)
    b2.Network(P, Ce, Ci, M).run(1 * b2.second)
    i, t = np.asarray(M.i), np.asarray(M.t / b2.ms)
    cvs = []
    for n in range(4000):
        ts = np.sort(t[i == n])
        if len(ts) >= 3:
            d = np.diff(ts)
            cvs.append(d.std() / d.mean())
    out.append({"rate_exc_Hz": float((i < 3200).sum() / 3200), "rate_inh_Hz": float((i >= 3200).sum() / 800), "cv_isi": float(np.mean(cvs))})
json.dump(out, open(sys.argv[1], "w"))
