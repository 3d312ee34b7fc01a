"""Brian2 runs of models written as equations, for test/unit/equations.brian2.test.ts.
usage: brian2_equations.py <cases.json> <out.json>
Each case: {"name", "N", "dt_ms", "duration_ms", "model", "threshold", "reset", "refractory",
"method", "namespace": {name: "20*ms"}, "init": {var: "expression"}, "record": [vars],
"synapses": [{"pre", "post", "p" or "pairs", "model", "on_pre", "on_post", "delay_ms", "init"}]}
(one group named "G" unless "groups" lists several). Runs on the numpy target (no compiler, no
fast-math) and writes per case the spike indices and times (ms, Brian2's convention: the start
of the step) and the recorded variables at every step (after the step), in base units
(mV, ms, pA, nS, ...)."""
import json
import sys

import brian2 as b2
import numpy as np

b2.prefs.codegen.target = "numpy"
cases = json.load(open(sys.argv[1]))
units = {k: v for k, v in vars(b2).items() if isinstance(v, b2.Quantity)}


def value(text):
    return eval(text, {"__builtins__": {}}, units)


# neurolab's base units per dimension: the factor from SI.
def to_base(q):
    d = b2.get_dimensions(q)
    exps = [d.get_dimension(k) for k in ["m", "kg", "s", "A", "K", "mol", "cd"]]
    factor = (1e6 ** exps[0]) * (1e12 ** exps[1]) * (1e3 ** exps[2]) * (1e12 ** exps[3])
    return np.asarray(q) * factor


out = {}
for case in cases:
    b2.start_scope()
    b2.defaultclock.dt = case["dt_ms"] * b2.ms
    ns = {k: value(v) for k, v in case.get("namespace", {}).items()}
    groups = case.get("groups", [dict(name="G", **{k: case[k] for k in ["N", "model", "threshold", "reset", "refractory", "method", "init"] if k in case})])
    objs = {}
    for g in groups:
        kw = {}
        if g.get("threshold"):
            kw["threshold"] = g["threshold"]
        if g.get("reset"):
            kw["reset"] = g["reset"]
        if g.get("refractory") is not None:
            kw["refractory"] = g["refractory"] if isinstance(g["refractory"], str) else g["refractory"] * b2.ms
        G = b2.NeuronGroup(g["N"], g["model"], method=g.get("method", ("exact", "euler", "heun")), namespace=ns, name=g["name"], **kw)
        for var, expr in g.get("init", {}).items():
            setattr(G, var, expr)
        objs[g["name"]] = G
    syns = []
    for s in case.get("synapses", []):
        kw = {k: s[k] for k in ["model", "on_pre", "on_post"] if s.get(k)}
        S = b2.Synapses(objs[s["pre"]], objs[s["post"]], namespace=ns, **kw)
        if "pairs" in s:
            S.connect(i=np.array(s["pairs"][0]), j=np.array(s["pairs"][1]))
        else:
            S.connect(p=s["p"])
        if s.get("delay_ms") is not None:
            S.delay = s["delay_ms"] * b2.ms
        for var, expr in s.get("init", {}).items():
            setattr(S, var, expr)
        syns.append(S)
    first = groups[0]["name"]
    spikes = {n: b2.SpikeMonitor(G) for n, G in objs.items() if "spike" in G.events}
    state = b2.StateMonitor(objs[first], case.get("record", []), record=True, when="end") if case.get("record") else None
    net = b2.Network(*objs.values(), *syns, *spikes.values(), *([state] if state is not None else []))
    net.run(case["duration_ms"] * b2.ms)
    res = {"spikes": {n: {"i": [int(x) for x in m.i], "t_ms": [float(x) for x in m.t / b2.ms]} for n, m in spikes.items()}}
    for n in objs:
        res["spikes"].setdefault(n, {"i": [], "t_ms": []})
    if state is not None:
        res["state"] = {v: to_base(getattr(state, v)).tolist() for v in case["record"]}
    if syns:
        res["synapses"] = [{v: to_base(getattr(S, v)[:]).tolist() for v in s.get("read", [])} | {"i": [int(x) for x in S.i], "j": [int(x) for x in S.j]} for S, s in zip(syns, case["synapses"])]
    out[case["name"]] = res
json.dump(out, open(sys.argv[2], "w"))
