"""rsatoolbox side of the geometry suite (same closed-form data as geometry.mjs).
usage: geometry.py <case> <sizes...>; prints one JSON line {"seconds": timed section, ...checks}."""
import json
import sys
import time
import warnings

import numpy as np
import rsatoolbox
from rsatoolbox.data import Dataset
from rsatoolbox.rdm import calc_rdm
from rsatoolbox.rdm.transform import geodesic_transform


def patterns(n, c, r=0):
    i = np.arange(n)[:, None]
    k = np.arange(c)[None, :]
    return np.sin(0.37 * i + 0.11 * k) + np.cos(0.0013 * i * k) + 0.5 * np.sin(0.05 * (r + 1) * (i + 1) + 0.07 * k)


def finite_mean(v):
    v = np.asarray(v, dtype=float)
    return float(np.where(np.isfinite(v), v, 0).mean())


name, *sizes = sys.argv[1:]
args = [int(s) for s in sizes]
if name == "correlation":
    n, c = args
    ds = Dataset(patterns(n, c))
    t0 = time.perf_counter()
    rdm = calc_rdm(ds, method="correlation")
    seconds = time.perf_counter() - t0
    stats = {"mean_dissimilarity": finite_mean(rdm.get_vectors())}
elif name == "crossnobis":
    n, c, runs = args
    x = np.concatenate([patterns(n, c, r) for r in range(runs)])
    obs = {"condition": np.tile(np.arange(n), runs), "run": np.repeat(np.arange(runs), n)}
    ds = Dataset(x, obs_descriptors=obs)
    t0 = time.perf_counter()
    rdm = calc_rdm(ds, method="crossnobis", descriptor="condition", cv_descriptor="run")
    seconds = time.perf_counter() - t0
    stats = {"mean_dissimilarity": finite_mean(rdm.get_vectors())}
elif name == "bootstrap":
    from rsatoolbox.inference import eval_bootstrap
    from rsatoolbox.model import ModelFixed
    from rsatoolbox.rdm import RDMs

    samples, n_rdm, n = args
    k = np.arange(n * (n - 1) // 2)
    truth = 1 + np.sin(0.37 * k)
    subjects = np.array([truth + 0.3 * np.sin(1.7 * s + 0.9 * k) for s in range(n_rdm)])
    models = [ModelFixed("truth", truth), ModelFixed("cosine", 1 + np.cos(0.21 * k)), ModelFixed("squared", truth**2)]
    data = RDMs(subjects)
    np.random.seed(1)
    t0 = time.perf_counter()
    res = eval_bootstrap(models, data, method="corr", N=samples)
    seconds = time.perf_counter() - t0
    ev = res.evaluations
    stats = {"mean_eval": np.nanmean(ev, axis=0).tolist(), "noise_ceiling_lower": float(np.nanmean(res.noise_ceiling[0]))}
elif name == "geodesic":
    (n,) = args
    rdm = calc_rdm(Dataset(patterns(n, 50)))
    t0 = time.perf_counter()
    geo = geodesic_transform(rdm)
    seconds = time.perf_counter() - t0
    stats = {"mean_geodesic": finite_mean(geo.get_vectors())}
else:
    raise SystemExit(f"unknown case {name}")
print(json.dumps({"seconds": seconds, **stats}))
