"""Prints NEST 3.10's defaults of stdp_triplet_synapse as JSON (for test/unit/plasticity.triplet.test.ts)."""
import json

import nest

nest.set_verbosity("M_ERROR")
d = nest.GetDefaults("stdp_triplet_synapse")
print(json.dumps({k: float(d[k]) for k in ["tau_plus", "tau_plus_triplet", "Aplus", "Aplus_triplet", "Aminus", "Aminus_triplet", "Wmax"]}))
