"""Brian2 runs of clock-driven synapse equations, for test/unit/synapses.clock_driven.test.ts.
usage: brian2_clock_driven.py <case.json> <out.json>
The case: {"dt_ms", "duration_ms", "methods": [...], "namespace": {name: "20*ms"}, "pre" and
"post": {"N", "model", "threshold", "reset", "refractory" (ms), "init"}, "synapses": {"i", "j",
"model", "on_pre", "init"}, "record_syn": [vars], "record_post": [vars]}. For each method: one
network (NeuronGroups named P and Q, Synapses named S, so Brian2's name order puts the synapses'
state update after the groups' in the "groups" slot), numpy target (no compiler, no fast-math).
Writes per method the spikes of P and Q (indices, times in ms at the start of the step) and the
recorded variables after every step (StateMonitor when="end"), in neurolab's base units."""
import json
import sys

import brian2 as b2
import numpy as np

b2.prefs.codegen.target = "numpy"
case = json.load(open(sys.argv[1]))
units = {k: v for k, v in vars(b2).items() if isinstance(v, b2.Quantity)}


def value(text):
    return eval(text, {"__builtins__": {}}, units)


# neurolab's base units per dimension: the factor from SI (ms, mV, pA, nS, pF, um).
def to_base(q):
    d = b2.get_dimensions(q)
    exps = [d.get_dimension(k) for k in ["m", "kg", "s", "A", "K", "mol", "cd"]]
    factor = (1e6 ** exps[0]) * (1e12 ** exps[1]) * (1e3 ** exps[2]) * (1e12 ** exps[3])
    return np.asarray(q) * factor


def group(spec, name, ns):
    kw = {}
    for k in ["threshold", "reset"]:
        if spec.get(k):
            kw[k] = spec[k]
    if spec.get("refractory") is not None:
        kw["refractory"] = spec["refractory"] * b2.ms
    G = b2.NeuronGroup(spec["N"], spec["model"], method="exact", namespace=ns, name=name, **kw)
    for var, expr in spec.get("init", {}).items():
        setattr(G, var, expr)
    return G


out = {}
for method in case["methods"]:
    b2.start_scope()
    b2.defaultclock.dt = case["dt_ms"] * b2.ms
    ns = {k: value(v) for k, v in case["namespace"].items()}
    P = group(case["pre"], "P", ns)
    Q = group(case["post"], "Q", ns)
    syn = case["synapses"]
    S = b2.Synapses(P, Q, syn["model"], on_pre=syn["on_pre"], method=method, namespace=ns, name="S")
    S.connect(i=np.array(syn["i"]), j=np.array(syn["j"]))
    for var, expr in syn.get("init", {}).items():
        setattr(S, var, expr)
    sp = b2.SpikeMonitor(P)
    sq = b2.SpikeMonitor(Q)
    ms = b2.StateMonitor(S, case["record_syn"], record=True, when="end")
    mq = b2.StateMonitor(Q, case["record_post"], record=True, when="end")
    net = b2.Network(P, Q, S, sp, sq, ms, mq)
    net.run(case["duration_ms"] * b2.ms)
    out[method] = {
        "spikes": {
            n: {"i": [int(x) for x in m.i], "t_ms": [float(x) for x in m.t / b2.ms]}
            for n, m in [("P", sp), ("Q", sq)]
        },
        "syn": {v: to_base(getattr(ms, v)).tolist() for v in case["record_syn"]},
        "post": {v: to_base(getattr(mq, v)).tolist() for v in case["record_post"]},
        "i": [int(x) for x in S.i],
        "j": [int(x) for x in S.j],
        "schedule": str(net.scheduling_summary()),
    }
json.dump(out, open(sys.argv[2], "w"))
