"""Validates a NeuroML 2 document against the NeuroML 2.3 XSD bundled in libNeuroML and reads it
back, for test/unit/export_neuroml.test.ts. usage: neuroml_read.py <file.net.nml>
Prints one JSON line: {valid, components: {id: {element, attributes}}, populations: [{id,
component, size, properties}], projections: [{id, pre, post, synapse, connections: [[pre cell,
post cell, weight, delay]]}], inputLists: [{population, component, targets}]}. Validation errors
are raised (non-zero exit)."""
import json
import re
import sys

from neuroml.loaders import read_neuroml2_file
from neuroml.utils import validate_neuroml2


def cell(path):
    m = re.fullmatch(r"\.\./(\w+)\[(\d+)\]", path)
    if not m:
        raise ValueError(f"unexpected cell path {path!r}")
    return int(m.group(2))


def main():
    path = sys.argv[1]
    validate_neuroml2(path)  # raises on any schema error
    doc = read_neuroml2_file(path)
    components = {}
    for attr in ["iaf_cells", "iaf_ref_cells", "izhikevich_cells", "exp_one_synapses", "alpha_synapses", "alpha_current_synapses",
                 "exp_curr_synapses", "pulse_generators", "pulse_generator_dls", "spike_generator_poissons"]:
        for c in getattr(doc, attr):
            fields = {k: v for k, v in vars(c).items() if isinstance(v, (str, int, float)) and k not in ("id", "metaid", "gds_collector_")}
            components[c.id] = {"element": attr, "attributes": fields}
    for c in doc.spike_arrays:
        components[c.id] = {"element": "spike_arrays", "attributes": {"times": [s.time for s in c.spikes]}}
    net = doc.networks[0]
    out = {
        "valid": True,
        "components": components,
        "populations": [{"id": p.id, "component": p.component, "size": int(p.size), "properties": {q.tag: q.value for q in p.properties}}
                        for p in net.populations],
        "projections": [{"id": p.id, "pre": p.presynaptic_population, "post": p.postsynaptic_population, "synapse": p.synapse,
                         "connections": [[cell(c.pre_cell_id), cell(c.post_cell_id), float(c.weight), c.delay] for c in p.connection_wds]}
                        for p in net.projections],
        "inputLists": [{"population": il.populations, "component": il.component, "targets": [cell(i.target) for i in il.input]}
                       for il in net.input_lists],
    }
    print(json.dumps(out))


main()
