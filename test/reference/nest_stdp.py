"""Runs plastic synapses in NEST 3.10 on given spike times (the NEST side of test/unit/plasticity*.test.ts).

usage: nest_stdp.py <case.json>; prints JSON {"weights": [[w after each presynaptic spike] per pair],
"times": [...]}, one list per pre/post pair.
The case: {"dt_ms", "duration_ms", "synapse_model" (e.g. "stdp_synapse"), "syn": {NEST synapse
parameters, incl. weight and delay}, "post": {parameters of the postsynaptic parrot, e.g. tau_minus},
"pre_times": [[ms...] per pair], "post_times": [[ms...] per pair], optional "common": {the synapse model's common properties, set
with CopyModel}, optional "dopamine_times": [ms...] (a parrot driving a volume transmitter, delay one step)}. Spike times are those of the parrot neurons: each spike generator
fires one resolution step earlier and reaches its parrot after a delay of one step. Each pair is a
pre parrot connected to a post parrot's receptor 1 (where parrot_neuron ignores spikes), so the post
spikes are exactly the given ones.
"""
import json
import sys

import nest

case = json.load(open(sys.argv[1]))
dt = case["dt_ms"]
nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.resolution = dt
nest.local_num_threads = 1

pairs = len(case["pre_times"])


def parrots(trains):
    gens = nest.Create("spike_generator", len(trains))
    for g, train in zip(gens, trains):
        g.spike_times = [round(t - dt, 10) for t in train]
    par = nest.Create("parrot_neuron", len(trains))
    nest.Connect(gens, par, "one_to_one", {"delay": dt})
    return par


pre = parrots(case["pre_times"])
post = parrots(case["post_times"])
post.set(case.get("post", {}))
recorder = nest.Create("weight_recorder")
syn = dict(case["syn"])
common = dict(case.get("common", {}))
if case.get("dopamine_times") is not None:
    dop = parrots([case["dopamine_times"]])
    vt = nest.Create("volume_transmitter")
    nest.Connect(dop, vt, syn_spec={"delay": dt})
    common["volume_transmitter"] = vt
nest.CopyModel(case["synapse_model"], "recorded_synapse", {"weight_recorder": recorder, **common})
nest.Connect(pre, post, "one_to_one", {"synapse_model": "recorded_synapse", "receptor_type": 1, **syn})
nest.Simulate(case["duration_ms"])

ev = recorder.get("events")
pre_ids = list(pre.tolist())
weights = [[] for _ in range(pairs)]
times = [[] for _ in range(pairs)]
order = sorted(range(len(ev["times"])), key=lambda k: (ev["times"][k], ev["senders"][k]))
for k in order:
    p = pre_ids.index(int(ev["senders"][k]))
    weights[p].append(float(ev["weights"][k]))
    times[p].append(float(ev["times"][k]))
conns = nest.GetConnections(pre, post, synapse_model="recorded_synapse")
sources, ws = conns.get("source"), conns.get("weight")
if not isinstance(sources, (list, tuple)):
    sources, ws = [sources], [ws]
final = {int(s): float(w) for s, w in zip(sources, ws)}
print(json.dumps({"weights": weights, "times": times, "final": [final[i] for i in pre_ids]}))
