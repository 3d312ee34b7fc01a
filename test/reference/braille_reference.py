"""Reads the Braille pickle with Python's own pickle + numpy and applies SpyTorch tutorial 5's
preprocessing with torch, for neurolab's loader test.

Usage: braille_reference.py file.pkl.gz out.json
out.json: {"n", "letters" (per trial), "repetitions", "steps", "sums" (per trial), "first" (trial 0's
taxel_data, flattened), "x" {trial index: preprocessed steps x 4, flattened} for trials 0, 777, 1349}
"""
import gzip
import json
import pickle
import sys

import numpy as np
import torch

data = pickle.load(gzip.open(sys.argv[1], "rb"))
letters = ["Space"] + [chr(ord("A") + k) for k in range(26)]
x = [1.0 - d["taxel_data"][:] / 255 for d in data]
steps = min(len(d) for d in x)
x = torch.tensor(np.array([d[:steps] for d in x]), dtype=torch.float)[:, :, [1, 2, 6, 10]]
flat = x.reshape((-1, x.shape[2]))
x = (x - flat.mean(0)) / (flat.std(0) + 1e-3)
x = x.repeat_interleave(2, dim=1)
out = {
    "n": len(data),
    "letters": [d["letter"] for d in data],
    "repetitions": [int(d["repetition"]) for d in data],
    "steps": [int(d["taxel_data"].shape[0]) for d in data],
    "sums": [float(d["taxel_data"].sum()) for d in data],
    "first": data[0]["taxel_data"].flatten().tolist(),
    "x": {str(k): x[k].flatten().tolist() for k in (0, 777, 1349)},
}
json.dump(out, open(sys.argv[2], "w"))
