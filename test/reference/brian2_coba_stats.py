"""Reference statistics of the COBA benchmark (Vogels & Abbott 2005, Brian2's benchmark model),
for test/unit/equations.float32.test.ts and (imported) test/reference/brian2_models.py.
usage: brian2_coba_stats.py <out.json> [seeds]. Brian2 2.9, numpy target, float64, dt 0.1 ms,
1 s per seed; writes a list of {rate_exc_Hz, rate_inh_Hz, cv_isi} (mean ISI CV over neurons with
at least 3 spikes, numpy's population standard deviation)."""
import json
import sys

import brian2 as b2
import numpy as np


def coba_stats(seeds):
    """Rates and mean ISI CV of Brian2's COBA network for seeds 0..seeds-1 (numpy target, dt 0.1 ms)."""
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * b2.ms
    out = []
    for seed in range(seeds):
        b2.seed(seed)
        namespace = {
            "taum": 20 * b2.ms, "taue": 5 * b2.ms, "taui": 10 * b2.ms, "Vt": -50 * b2.mV, "Vr": -60 * b2.mV,
            "El": -60 * b2.mV, "Ee": 0 * b2.mV, "Ei": -80 * b2.mV, "Idrive": 20 * b2.mV,
        }
        P = b2.NeuronGroup(
            4000,
            """dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + Idrive) / taum : volt (unless refractory)
               dge/dt = -ge/taue : 1
               dgi/dt = -gi/taui : 1""",
            threshold="v>Vt", reset="v = Vr", refractory=5 * b2.ms, method="euler", namespace=namespace,
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
    return out


if __name__ == "__main__":
    json.dump(coba_stats(int(sys.argv[2]) if len(sys.argv) > 2 else 3), open(sys.argv[1], "w"))
