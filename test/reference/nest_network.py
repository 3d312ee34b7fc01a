"""Runs a neurolab network description (LIF with delta synapses, spike generators) in NEST.
usage: nest_network.py <description.json> <duration_ms>; prints JSON [[population, neuron, time_ms], ...].
The description is `net.describe()` with typed arrays as lists (see test/unit/nest.reference.test.ts)."""
import json
import sys

import nest

d = json.load(open(sys.argv[1]))
duration = float(sys.argv[2])
nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.resolution = d["dt_ms"]
nodes = {}
recorded = []
for p in d["populations"]:
    if p["kind"] == "spikeGenerator":
        gens = nest.Create("spike_generator", p["size"])
        trains = [[] for _ in range(p["size"])]
        for i, t in zip(p["neurons"], p["times_ms"]):
            trains[i].append(t)
        for k in range(p["size"]):
            gens[k].spike_times = [float(t) for t in sorted(trains[k])]  # floats: NEST types the array by its first item
        nodes[p["name"]] = gens
    elif p["kind"] == "neurons" and p["model"] == "lif" and len(p["receptors"]) == 1:
        par = p["params"]
        cells = nest.Create("iaf_psc_delta", p["size"], params={
            "C_m": par["cM_pF"], "tau_m": par["tauM_ms"], "E_L": par["vRest_mV"], "V_reset": par["vReset_mV"],
            "V_th": par["vThresh_mV"], "t_ref": par["tRef_ms"], "I_e": par["iBias_pA"],
        })
        cells.V_m = [float(v) for v in p["state"]["v_mV"]]
        nodes[p["name"]] = cells
        recorded.append(p["name"])
    else:
        raise SystemExit(f"unsupported population {p['name']} ({p['kind']})")
for proj in d["projections"]:
    pre_ids, post_ids = [], []
    for i in range(len(proj["rowPtr"]) - 1):
        for k in range(proj["rowPtr"][i], proj["rowPtr"][i + 1]):
            pre_ids.append(i)
            post_ids.append(proj["colIdx"][k])
    delays = proj["delay_ms"] if isinstance(proj["delay_ms"], list) else [proj["delay_ms"]] * len(pre_ids)
    pre, post = nodes[proj["pre"]], nodes[proj["post"]]
    # One call per synapse: exact (pre, post, weight, delay) tuples, no reordering by NEST.
    for i, j, w, dl in zip(pre_ids, post_ids, proj["weight"], delays):
        nest.Connect(pre[i], post[j], "one_to_one", {"synapse_model": "static_synapse", "weight": float(w), "delay": float(dl)})
recorders = {}
for name in recorded:
    recorders[name] = nest.Create("spike_recorder")
    nest.Connect(nodes[name], recorders[name])
n_syn = sum(len(p["colIdx"]) for p in d["projections"])
assert nest.num_connections == n_syn + sum(len(nodes[n]) for n in recorded), (nest.num_connections, n_syn)
nest.Simulate(duration)
out = []
for name, rec in recorders.items():
    first = nodes[name][0].global_id
    ev = rec.get("events")
    out += [[name, int(s) - first, round(float(t), 6)] for s, t in zip(ev["senders"], ev["times"])]
print(json.dumps(sorted(out)))
