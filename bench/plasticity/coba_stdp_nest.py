"""NEST 3.10 side of COBA 4000 with additive pair STDP on E -> E (bench/plasticity/coba_stdp.mjs and
the Brian2 peer coba_stdp.py): the same network in NEST's own models. Neurons are iaf_cond_exp
(C_m = 200 pF, g_L = 10 nS, so tau_m = 20 ms; I_e = 200 pA is Brian2's I = 20 mV), the E -> E
synapses NEST's stdp_synapse (additive: mu_plus = mu_minus = 0, lambda 0.01, alpha 1.05,
Wmax = 1.2 x 6 nS, tau_plus = tau_minus = 20 ms). Differences from the other two sides, all NEST's
own: iaf_cond_exp integrates with GSL's adaptive RK45 (not forward Euler), and every connection
has a delay of at least one step (0.1 ms). One thread, as neurolab and Brian2 standalone here.
usage: coba_stdp_nest.py [seed] [duration_ms]
Prints {"seconds": nest.Run's CPU time (process_time, as Brian2 cpp_standalone's std::clock() and
neurolab's side), "wall_s", "rate_exc_Hz", "rate_inh_Hz", "spikes", "cv_isi", "mean_w_ee"}."""
import json
import pathlib
import sys
import time

import nest
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from peers_common import spike_stats  # noqa: E402

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
duration = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.0
nest.verbosity = nest.VerbosityLevel.ERROR
nest.ResetKernel()
nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": 1, "rng_seed": seed + 1})

g_L = 10.0  # nS
params = {"C_m": 200.0, "g_L": g_L, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
          "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "I_e": 20.0 * g_L,
          "tau_minus": 20.0}
P = nest.Create("iaf_cond_exp", 4000, params=params)
P.V_m = nest.random.uniform(-60.0, -50.0)
Pe, Pi = P[:3200], P[3200:]
we, wi = 0.6 * g_L, 6.7 * g_L  # nS
nest.CopyModel("stdp_synapse", "stdp_ee", {"lambda": 0.01, "alpha": 1.05, "mu_plus": 0.0, "mu_minus": 0.0,
                                           "Wmax": 1.2 * we, "tau_plus": 20.0})
pairwise = {"rule": "pairwise_bernoulli", "p": 0.02, "allow_autapses": False}
nest.Connect(Pe, Pe, pairwise, {"synapse_model": "stdp_ee", "weight": we, "delay": 0.1})
nest.Connect(Pe, Pi, pairwise, {"synapse_model": "static_synapse", "weight": we, "delay": 0.1})
nest.Connect(Pi, P, pairwise, {"synapse_model": "static_synapse", "weight": -wi, "delay": 0.1})
rec = nest.Create("spike_recorder")
nest.Connect(P, rec)
nest.Prepare()  # NEST's set-up before the loop (as Brian2's before_run and neurolab's build)
t0, cpu0 = time.perf_counter(), time.process_time()
nest.Run(duration)
seconds, wall_s = time.process_time() - cpu0, time.perf_counter() - t0
nest.Cleanup()

ev = rec.get("events")
w = np.asarray(nest.GetConnections(Pe, Pe).get("weight"))
print(json.dumps({"seconds": seconds, "wall_s": wall_s, **spike_stats(np.asarray(ev["senders"]) - P[0].global_id, ev["times"], 4000, 3200, duration),
                  "mean_w_ee": float(w.mean() / g_L)}))  # w in units of g_L, as the other two sides
