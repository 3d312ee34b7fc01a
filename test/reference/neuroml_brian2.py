"""Runs a NeuroML 2 network (as exported by neurolab's toNeuroML) in Brian2, for
test/unit/export_neuroml.test.ts. usage: neuroml_brian2.py <file.net.nml> <duration_ms> <dt_ms>

The document is read with libNeuroML and every component is rebuilt from its NeuroML (LEMS)
definition in NeuroML2CoreTypes: iafCell / iafRefCell, izhikevichCell, expOneSynapse,
alphaSynapse, alphaCurrentSynapse, expCurrSynapse (PyNN's, nA), pulseGenerator(DL) inputs,
spikeArray and spikeGeneratorPoisson sources, connectionWD weights and delays. Anything else
is an error. Forward Euler at dt (numpy target). Prints one JSON line: spikes as
[neurolab population name, neuron index, time in ms at the end of the step] (neurolab's stamp;
Brian2 stamps the step's start), sorted."""
import json
import re
import sys

import brian2 as b2
import numpy as np
from neuroml.loaders import read_neuroml2_file

b2.prefs.codegen.target = "numpy"
UNITS = {"ms": b2.ms, "s": b2.second, "mV": b2.mV, "V": b2.volt, "pF": b2.pF, "nF": b2.nF, "uF": b2.uF, "F": b2.farad,
         "nS": b2.nS, "pS": b2.psiemens, "uS": b2.uS, "mS": b2.mS, "S": b2.siemens, "pA": b2.pA, "nA": b2.nA, "uA": b2.uA,
         "A": b2.amp, "Hz": b2.Hz, "per_s": b2.Hz, "per_ms": 1 / b2.ms, "": 1}


def quantity(text):
    m = re.fullmatch(r"\s*(-?[0-9]*(?:\.[0-9]+)?(?:[eE]-?[0-9]+)?)\s*([A-Za-z_]*)\s*", str(text))
    if not m or m.group(2) not in UNITS:
        raise ValueError(f"unsupported quantity {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def cell_index(path):
    m = re.fullmatch(r"\.\./(\w+)\[(\d+)\]", path)
    if not m:
        raise ValueError(f"unsupported cell path {path!r}")
    return m.group(1), int(m.group(2))


def main():
    doc = read_neuroml2_file(sys.argv[1])
    duration, dt = float(sys.argv[2]) * b2.ms, float(sys.argv[3]) * b2.ms
    b2.defaultclock.dt = dt
    net = doc.networks[0]
    comps = {}
    for kind in ["iaf_cells", "iaf_ref_cells", "izhikevich_cells", "exp_one_synapses", "alpha_synapses", "alpha_current_synapses",
                 "exp_curr_synapses", "pulse_generators", "pulse_generator_dls", "spike_arrays", "spike_generator_poissons"]:
        for c in getattr(doc, kind):
            comps[c.id] = (kind, c)
    known = set(comps)
    for attr, items in doc.__dict__.items():
        if isinstance(items, list) and attr != "networks" and any(hasattr(c, "id") and c.id not in known for c in items):
            raise ValueError(f"unsupported NeuroML element list {attr}")

    names = {}  # NeuroML population id -> (neurolab name, neurolab index offset or None)
    for pop in net.populations:
        props = {p.tag: p.value for p in pop.properties}
        names[pop.id] = (props["neurolab_name"], int(props["neurolab_index"]) if "neurolab_index" in props else None)

    # Synapse components used on each postsynaptic population.
    syn_on = {}
    for proj in net.projections:
        syn_on.setdefault(proj.postsynaptic_population, [])
        if proj.synapse not in syn_on[proj.postsynaptic_population]:
            syn_on[proj.postsynaptic_population].append(proj.synapse)

    groups, objects = {}, []
    for pop in net.populations:
        kind, c = comps[pop.component]
        n = int(pop.size)
        if kind in ("iaf_cells", "iaf_ref_cells"):
            ns = {"C": quantity(c.C), "gL": quantity(c.leak_conductance), "EL": quantity(c.leak_reversal),
                  "Vth": quantity(c.thresh), "Vr": quantity(c.reset), "e": np.e}
            currents, eqs = [], []
            for s in syn_on.get(pop.id, []):
                skind, sc = comps[s]
                if skind == "exp_one_synapses":
                    ns[f"tau_{s}"], ns[f"E_{s}"], ns[f"gb_{s}"] = quantity(sc.tau_decay), quantity(sc.erev), quantity(sc.gbase)
                    eqs.append(f"dg_{s}/dt = -g_{s}/tau_{s} : siemens")
                    currents.append(f"g_{s}*(E_{s} - v)")
                elif skind == "alpha_synapses":
                    ns[f"tau_{s}"], ns[f"E_{s}"], ns[f"gb_{s}"] = quantity(sc.tau), quantity(sc.erev), quantity(sc.gbase)
                    eqs += [f"dg_{s}/dt = (e*A_{s} - g_{s})/tau_{s} : siemens", f"dA_{s}/dt = -A_{s}/tau_{s} : siemens"]
                    currents.append(f"g_{s}*(E_{s} - v)")
                elif skind == "alpha_current_synapses":
                    ns[f"tau_{s}"], ns[f"gb_{s}"] = quantity(sc.tau), quantity(sc.ibase)
                    eqs += [f"dI_{s}/dt = (e*A_{s} - I_{s})/tau_{s} : amp", f"dA_{s}/dt = -A_{s}/tau_{s} : amp"]
                    currents.append(f"I_{s}")
                elif skind == "exp_curr_synapses":
                    ns[f"tau_{s}"], ns[f"gb_{s}"] = float(sc.tau_syn) * b2.ms, 1 * b2.nA
                    eqs.append(f"dI_{s}/dt = -I_{s}/tau_{s} : amp")
                    currents.append(f"I_{s}")
                else:
                    raise ValueError(f"unsupported synapse {skind}")
            isyn = " + ".join(currents) or "0*amp"
            # iafRefCell: no dynamics for v while refractory (v held at reset).
            unless = " (unless refractory)" if kind == "iaf_ref_cells" else ""
            eqs = [f"dv/dt = (gL*(EL - v) + {isyn} + I_in)/C : volt{unless}", "I_in : amp"] + eqs
            g = b2.NeuronGroup(n, "\n".join(eqs), threshold="v > Vth", reset="v = Vr", method="euler", namespace=ns,
                               refractory=quantity(c.refract) if kind == "iaf_ref_cells" else False)
            g.v = ns["EL"]  # OnStart: v = leakReversal
        elif kind == "izhikevich_cells":
            if syn_on.get(pop.id):
                raise ValueError("synapses on izhikevichCell are not supported")
            ns = {"a": float(c.a), "b": float(c.b), "c": float(c.c), "d": float(c.d), "Vpk": quantity(c.thresh)}
            g = b2.NeuronGroup(n, """dv/dt = (0.04*v**2/mV + 5*v + (140 - U + I_in)*mV)/ms : volt
                                     dU/dt = a*(b*v/mV - U)/ms : 1
                                     I_in : 1""", threshold="v > Vpk", reset="v = c*mV; U += d", method="euler", namespace=ns)
            g.v = quantity(c.v0)
            g.U = quantity(c.v0) / b2.mV * ns["b"]  # OnStart: U = v0 b / mV
        elif kind == "spike_arrays":
            times = sorted(quantity(s.time) / b2.ms for s in c.spikes)
            g = b2.SpikeGeneratorGroup(n, np.zeros(len(times), dtype=int), np.array(times) * b2.ms) if times else b2.SpikeGeneratorGroup(n, [], [] * b2.ms)
        elif kind == "spike_generator_poissons":
            g = b2.PoissonGroup(n, rates=quantity(c.average_rate))
        else:
            raise ValueError(f"unsupported population component {kind}")
        groups[pop.id] = g
        objects.append(g)

    for il in net.input_lists:
        kind, c = comps[il.component]
        g = groups[il.populations]
        amp = quantity(c.amplitude) if kind == "pulse_generators" else float(c.amplitude)
        if quantity(c.delay) != 0 * b2.ms or quantity(c.duration) < duration:
            raise ValueError("only pulses covering the whole run are supported")
        for inp in il.input:
            _, i = cell_index(inp.target)
            g.I_in[i] = g.I_in[i] + amp

    for proj in net.projections:
        s = proj.synapse
        skind, _ = comps[s]
        var = {"exp_one_synapses": "g", "alpha_synapses": "A", "alpha_current_synapses": "A", "exp_curr_synapses": "I"}[skind]
        syn = b2.Synapses(groups[proj.presynaptic_population], groups[proj.postsynaptic_population], "w : 1",
                          on_pre=f"{var}_{s}_post += w*gb_{s}", namespace={f"gb_{s}": groups[proj.postsynaptic_population].namespace[f"gb_{s}"]})
        conns = proj.connection_wds
        if conns:
            syn.connect(i=np.array([cell_index(c.pre_cell_id)[1] for c in conns]), j=np.array([cell_index(c.post_cell_id)[1] for c in conns]))
            syn.w = np.array([float(c.weight) for c in conns])
            syn.delay = np.array([quantity(c.delay) / b2.ms for c in conns]) * b2.ms
        objects.append(syn)

    monitors = {pid: b2.SpikeMonitor(g) for pid, g in groups.items()}
    b2.Network(objects, list(monitors.values())).run(duration)
    spikes = []
    for pid, m in monitors.items():
        name, offset = names[pid]
        for i, t in zip(np.asarray(m.i), np.asarray(m.t / b2.ms)):
            spikes.append([name, int(i) if offset is None else offset, round(float(t) + float(dt / b2.ms), 6)])
    spikes.sort()
    print(json.dumps(spikes))


main()
