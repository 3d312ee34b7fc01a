"""Pfister & Gerstner 2006's triplet rule in Brian2 2.9 on given spike times (the Brian2 side of
test/unit/plasticity.triplet.test.ts; NEST has no nearest-spike scheme, so this is the reference
for it, and a second one for all-to-all).

usage: brian2_triplet.py <case.json>; prints JSON {"final": [w per pre/post pair]}.
The case: {"dt_ms", "duration_ms", "interaction": "all-to-all" | "nearest", "params": {tau_plus_ms,
tau_x_ms, tau_minus_ms, tau_y_ms, A2_plus, A3_plus, A2_minus, A3_minus}, "w0", "Wmax",
"pre_times": [[ms...] per pair], "post_times": [[ms...] per pair], optional "delay_pre_ms" and
"delay_post_ms" (the pathways' delays, default 0), optional "float32": true (Brian2's
float32 default dtype: w and the traces are float32 arrays, lastupdate stays float64)}. Spikes come from SpikeGeneratorGroups. The rule is the paper's eqs. 3-4 with the traces read before
their own spike's increment; all-to-all adds 1 to a trace per spike, nearest-spike sets it to 1.
Runs on the numpy target (event-driven traces are decayed exactly between events).
"""
import json
import sys

import brian2 as b2
import numpy as np

b2.prefs.codegen.target = "numpy"
case = json.load(open(sys.argv[1]))
if case.get("float32"):
    b2.prefs.core.default_float_dtype = np.float32
p = case["params"]
b2.defaultclock.dt = case["dt_ms"] * b2.ms
pairs = len(case["pre_times"])


def generator(trains, name):
    idx = np.concatenate([np.full(len(t), k) for k, t in enumerate(trains)]).astype(int)
    times = np.concatenate([np.asarray(t, dtype=float) for t in trains]) * b2.ms
    return b2.SpikeGeneratorGroup(len(trains), idx, times, name=name)


pre = generator(case["pre_times"], "pre")
post = generator(case["post_times"], "post")
bump = "+= 1" if case["interaction"] == "all-to-all" else "= 1"
ns = {
    "tau_plus": p["tau_plus_ms"] * b2.ms,
    "tau_x": p["tau_x_ms"] * b2.ms,
    "tau_minus": p["tau_minus_ms"] * b2.ms,
    "tau_y": p["tau_y_ms"] * b2.ms,
    "A2p": p["A2_plus"],
    "A3p": p["A3_plus"],
    "A2m": p["A2_minus"],
    "A3m": p["A3_minus"],
    "Wmax": case["Wmax"],
}
S = b2.Synapses(
    pre,
    post,
    """w : 1
    dr1/dt = -r1/tau_plus : 1 (event-driven)
    dr2/dt = -r2/tau_x : 1 (event-driven)
    do1/dt = -o1/tau_minus : 1 (event-driven)
    do2/dt = -o2/tau_y : 1 (event-driven)""",
    on_pre=f"""w = clip(w - o1*(A2m + A3m*r2), 0, Wmax)
    r1 {bump}
    r2 {bump}""",
    on_post=f"""w = clip(w + r1*(A2p + A3p*o2), 0, Wmax)
    o1 {bump}
    o2 {bump}""",
    namespace=ns,
)
S.connect(j="i")
S.w = case["w0"]
S.pre.delay = case.get("delay_pre_ms", 0) * b2.ms
S.post.delay = case.get("delay_post_ms", 0) * b2.ms
b2.run(case["duration_ms"] * b2.ms)
order = np.argsort(np.asarray(S.i[:]))
print(
    json.dumps(
        {"final": [float(x) for x in np.asarray(S.w[:])[order]], "dtype": str(S.w[:].dtype)}
    )
)
