"""Reference runs in Brian2 for test/unit/brian2.reference.test.ts.
usage: brian2_models.py <out.json>. Runs with the numpy target (no compiler needed) and writes:
  adex:  spike times (ms) of Brette & Gerstner's regular-spiking AdEx cell, forward Euler,
         constant 1 nA for 500 ms at dt 0.1 ms
  lif:   spike times (ms) of a LIF cell with exact integration, constant current
  hh:    spike times (ms) of a Hodgkin-Huxley cell, exponential Euler, 1 nA for 100 ms at dt 0.01 ms
  coba:  mean rates (Hz) and mean ISI CV of the COBA benchmark network over several seeds
  cuba:  mean rates (Hz) of the CUBA benchmark network over several seeds"""
import json
import sys

import brian2 as b2
from brian2_coba_stats import coba_stats
import numpy as np

b2.prefs.codegen.target = "numpy"
b2.defaultclock.dt = 0.1 * b2.ms
out = {}

# AdEx (Brette & Gerstner 2005), as neurolab's ADEX_DEFAULTS.
C, gL, EL, VT, DeltaT = 281 * b2.pF, 30 * b2.nS, -70.6 * b2.mV, -50.4 * b2.mV, 2 * b2.mV
tauw, a, b, Vr, Vcut = 144 * b2.ms, 4 * b2.nS, 0.0805 * b2.nA, -70.6 * b2.mV, -40.4 * b2.mV
I = 1 * b2.nA
adex = b2.NeuronGroup(
    1,
    """dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C : volt
       dw/dt = (a*(v - EL) - w)/tauw : amp""",
    threshold="v >= Vcut",
    reset="v = Vr; w += b",
    method="euler",
)
adex.v = EL
m = b2.SpikeMonitor(adex)
b2.Network(adex, m).run(500 * b2.ms)
out["adex"] = [float(t) for t in m.t / b2.ms]

# LIF, exact integration: tau 10 ms, R = 40 MOhm, I = 500 pA, threshold 15 mV above rest.
lif = b2.NeuronGroup(
    1,
    "dv/dt = (-v + 40*Mohm*500*pA)/(10*ms) : volt (unless refractory)",
    threshold="v >= 15*mV",
    reset="v = 0*mV",
    refractory=2 * b2.ms,
    method="exact",
)
m = b2.SpikeMonitor(lif)
b2.Network(lif, m).run(200 * b2.ms)
out["lif"] = [float(t) for t in m.t / b2.ms]

# Hodgkin-Huxley (NEST hh_psc_alpha parameters), exponential Euler at dt 0.01 ms, 1 nA for 100 ms.
b2.defaultclock.dt = 0.01 * b2.ms
hh = b2.NeuronGroup(
    1,
    """dv/dt = (30*nS*(-54.402*mV - v) - 12*uS*m**3*h*(v - 50*mV) - 3.6*uS*n**4*(v + 77*mV) + 1*nA) / (100*pF) : volt
       dm/dt = alpham*(1 - m) - betam*m : 1
       dh/dt = alphah*(1 - h) - betah*h : 1
       dn/dt = alphan*(1 - n) - betan*n : 1
       alpham = 1/ms / exprel(-(v + 40*mV)/(10*mV)) : Hz
       betam = 4/ms * exp(-(v + 65*mV)/(18*mV)) : Hz
       alphah = 0.07/ms * exp(-(v + 65*mV)/(20*mV)) : Hz
       betah = 1/ms / (1 + exp(-(v + 35*mV)/(10*mV))) : Hz
       alphan = 0.1/ms / exprel(-(v + 55*mV)/(10*mV)) : Hz
       betan = 0.125/ms * exp(-(v + 65*mV)/(80*mV)) : Hz""",
    threshold="v >= 0*mV",
    refractory="v >= 0*mV",
    method="exponential_euler",
)
hh.v = -65 * b2.mV
hh.m = "alpham / (alpham + betam)"
hh.h = "alphah / (alphah + betah)"
hh.n = "alphan / (alphan + betan)"
m = b2.SpikeMonitor(hh)
b2.Network(hh, m).run(100 * b2.ms)
out["hh"] = [float(t) for t in m.t / b2.ms]
b2.defaultclock.dt = 0.1 * b2.ms

# COBA (Vogels & Abbott 2005; the Brian2 benchmark), several seeds (shared with brian2_coba_stats.py).
out["coba"] = coba_stats(int(sys.argv[2]) if len(sys.argv) > 2 else 3)

# CUBA (Vogels & Abbott 2005; Brian2's CUBA example), several seeds.
cuba = []
for seed in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    b2.seed(seed)
    P = b2.NeuronGroup(
        4000,
        """dv/dt = (ge + gi - (v - (-49*mV))) / (20*ms) : volt (unless refractory)
           dge/dt = -ge / (5*ms) : volt
           dgi/dt = -gi / (10*ms) : volt""",
        threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * b2.ms, method="exact",
    )
    P.v = "-60*mV + rand() * 10*mV"
    Ce = b2.Synapses(P[:3200], P, on_pre="ge += 1.62*mV")
    Ci = b2.Synapses(P[3200:], P, on_pre="gi += -9*mV")
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    M = b2.SpikeMonitor(P)
    b2.Network(P, Ce, Ci, M).run(1 * b2.second)
    i = np.asarray(M.i)
    cuba.append({"rate_exc_Hz": float((i < 3200).sum() / 3200), "rate_inh_Hz": float((i >= 3200).sum() / 800)})
out["cuba"] = cuba
json.dump(out, open(sys.argv[1], "w"))
