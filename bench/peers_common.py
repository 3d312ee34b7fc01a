"""What the benchmarks' Python peers share: Brian2's device set-up and the timed run, and the spike
statistics every network case reports (the same definitions as bench/sim/coba_network.mjs's
cobaStats on the neurolab side). Imported by the scripts in bench/<suite>/ (their parent folder is
put on sys.path)."""
import tempfile
import time

import numpy as np


def configure_brian2(target, seed, prefix, dt_ms=0.1):
    """Brian2 on `target` ("numpy", "cython" or "cpp_standalone", single-threaded), dt and seed set;
    returns the brian2 module."""
    import brian2 as b2

    if target == "cpp_standalone":
        b2.set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix=f"brian2-{prefix}-"))
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
    else:
        b2.prefs.codegen.target = target
    b2.defaultclock.dt = dt_ms * b2.ms
    b2.seed(seed)
    return b2


def timed_brian2_run(b2, target, duration_ms):
    """Runs the caller's network (Brian2's magic network: the objects in the calling script's
    namespace, hence `level=1`) for `duration_ms`; returns the simulation loop's seconds
    (standalone: the compiled binary's own run time, without compilation)."""
    t0 = time.perf_counter()
    b2.run(duration_ms * b2.ms, level=1)
    wall = time.perf_counter() - t0
    return float(b2.device._last_run_time) if target == "cpp_standalone" else wall


def spike_stats(i, t_ms, n, n_exc, duration_ms, cv=True):
    """Spike count, mean excitatory (neurons [0, n_exc)) and inhibitory rates in Hz, and the mean
    ISI CV over every 10th neuron with at least 3 spikes (None when there is none)."""
    i = np.asarray(i)
    counts = np.bincount(i, minlength=n)
    out = {
        "spikes": int(len(i)),
        "rate_exc_Hz": float(counts[:n_exc].sum() / n_exc / (duration_ms / 1000)),
        "rate_inh_Hz": float(counts[n_exc:].sum() / (n - n_exc) / (duration_ms / 1000)),
    }
    if cv:
        t_ms = np.asarray(t_ms)
        cvs = []
        for k in range(0, n, 10):
            ts = np.sort(t_ms[i == k])
            if len(ts) >= 3:
                isi = np.diff(ts)
                cvs.append(isi.std() / isi.mean())
        out["cv_isi"] = float(np.mean(cvs)) if cvs else None
    return out
