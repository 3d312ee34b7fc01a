"""Reference for the NALSM branching factor (test/unit/reservoir.test.ts), run with the peers' Python.

The definition of Ivanov & Michmizos 2021 as their code computes it (compute_branching_factor.py,
get_branching_factor.py in combra-lab/NALSM), written here independently on a dense 0/1 raster
per sample (1 ms bins): spikes are kept in [buffer, duration - buffer); for a spike of neuron n at
bin t, t in [buffer + dt, duration - buffer - dt), ancestors are the spikes of n's presynaptic
neurons in bins t - dt .. t - 1, descendants those of its postsynaptic neurons in bins
t + 1 .. t + dt; the ratio is descendants / max(ancestors, 1); a neuron's value is the mean of its
ratios (NaN without spikes), a sample's the nanmean over neurons, the result the mean over samples.

Reads a JSON job {"n", "pre", "post", "samples": [{"times", "neurons"}], "duration", "buffer", "dt"}
from the file named on the command line and prints {"sigma": ..., "perSample": [...]}.
"""
import json
import sys

import numpy as np


def sample_sigma(adj, times, neurons, duration, buffer, dt):
    n = adj.shape[0]
    raster = np.zeros((duration, n))
    for t, j in zip(times, neurons):
        if buffer <= t < duration - buffer:
            raster[t, j] = 1.0
    ratios = [[] for _ in range(n)]
    for t in range(buffer + dt, duration - buffer - dt):
        for j in np.nonzero(raster[t])[0]:
            ancestors = raster[t - dt : t] @ adj[:, j]  # spikes of presynaptic neurons, per bin
            descendants = raster[t + 1 : t + 1 + dt] @ adj[j, :]
            ratios[j].append(descendants.sum() / max(ancestors.sum(), 1.0))
    per_neuron = np.array([np.mean(r) if r else np.nan for r in ratios])
    return float(np.nanmean(per_neuron))


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        job = json.load(f)
    adj = np.zeros((job["n"], job["n"]))
    adj[job["pre"], job["post"]] = 1.0
    per_sample = [
        sample_sigma(adj, s["times"], s["neurons"], job["duration"], job["buffer"], job["dt"])
        for s in job["samples"]
    ]
    print(json.dumps({"sigma": float(np.mean(per_sample)), "perSample": per_sample}))
