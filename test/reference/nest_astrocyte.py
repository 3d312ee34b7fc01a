"""Runs NEST 3.10's astrocyte_lr_1994 on given input spikes (the NEST side of test/unit/astrocyte*.test.ts).

usage: nest_astrocyte.py <case.json>; prints JSON {"times": [ms], "IP3": [uM], "Ca_astro": [uM],
"h_IP3R": [1], "I_SIC": [pA], "V_m": [mV], "w": [pA]} (I_SIC, V_m and w of the neuron), sampled at the end of every resolution step.
The case: {"dt_ms", "duration_ms", "astro": {astrocyte_lr_1994 parameters and initial state},
"inputs": [{"times": [ms], "weight": w, "delay": ms}] (one spike_generator each, connected to the
astrocyte with a static synapse), "sic": {"weight": w, "delay": ms} (a sic_connection from the
astrocyte to one aeif_cond_alpha_astro neuron, whose recorded I_SIC is the delivered current),
optional "neuron": {aeif_cond_alpha_astro parameters}}.
A spike_generator's spike at time T with delay d reaches the astrocyte in the step ending at T + d.
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

astro = nest.Create("astrocyte_lr_1994", params=case.get("astro", {}))
for inp in case["inputs"]:
    gen = nest.Create("spike_generator", params={"spike_times": [round(t, 10) for t in inp["times"]]})
    nest.Connect(gen, astro, syn_spec={"weight": inp["weight"], "delay": inp["delay"]})
neuron = nest.Create("aeif_cond_alpha_astro", params=case.get("neuron", {}))
nest.Connect(astro, neuron, syn_spec={"synapse_model": "sic_connection", **case["sic"]})

rec_astro = nest.Create("multimeter", params={"record_from": ["IP3", "Ca_astro", "h_IP3R"], "interval": dt})
rec_neuron = nest.Create("multimeter", params={"record_from": ["I_SIC", "V_m", "w"], "interval": dt})
nest.Connect(rec_astro, astro)
nest.Connect(rec_neuron, neuron)
nest.Simulate(case["duration_ms"])

a = rec_astro.get("events")
n = rec_neuron.get("events")
order_a = sorted(range(len(a["times"])), key=lambda k: a["times"][k])
order_n = sorted(range(len(n["times"])), key=lambda k: n["times"][k])
out = {"times": [float(a["times"][k]) for k in order_a]}
for v in ("IP3", "Ca_astro", "h_IP3R"):
    out[v] = [float(a[v][k]) for k in order_a]
for v in ("I_SIC", "V_m", "w"):
    out[v] = [float(n[v][k]) for k in order_n]
print(json.dumps(out))
