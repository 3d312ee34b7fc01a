"""Reference computations (numpy, scipy, networkx) for test/unit/connectome_functional*.test.ts.

Usage: python functional_connectome.py INPUT.json  -> prints one JSON object on stdout.

Every section of INPUT is optional:
  "differential": {"worms": [{"steps", "data": [row-major steps x n, null = NaN]}], "bin", "scaling", "neurons"}
      -> the time x worm x pair tensor of a_ij(t) = max(0, g_i g_j), g = numpy.gradient of each
         trace divided by max|g| ("max") or the root mean square of g ("std"), averaged over
         bins of `bin` samples (nanmean); mask = some sample observed.
  "correlation": {"worms", "window", "step", "neurons"}
      -> windowed Pearson r (numpy.corrcoef) clipped at 0, masked where a neuron has a missing
         sample in the window or the window passes the worm's end; constant neuron -> 0.
  "cp": {"dims", "data", "mask", "factors": [A, B, C] row-major, "weights", "rank"}
      -> masked relative error ||M (X - model)|| / ||M X||, and the model's value at every entry.
  "kkt": [{"dims", "data", "mask", "factors", "weights", "rank"}, ...] -> for each model, the norm of
      the projected gradient of the masked loss 0.5 ||M (X - [[wA, B, C]])||^2 over all factor
      entries (grad where the entry is > 1e-6 of its factor's largest, min(grad, 0) where it is
      below, i.e. numerically 0), relative to ||M X||:
      0 at a stationary point of the masked non-negative problem.
  "fms": {"a": model, "b": model} (models as in "cp") -> factor match score, scipy's
      linear_sum_assignment on the tensortools similarity (weight penalty x product of cosines).
  "graph": {"n", "affinity": n x n row-major, "partition": [label per node, -1 = left out], "seed"}
      -> networkx modularity of the partition and networkx's Louvain partition (seeded).
"""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")


def worm_matrix(w, neurons):
    x = np.array([np.nan if v is None else v for v in w["data"]], dtype=float).reshape(w["steps"], -1)
    return x if neurons is None else x[:, neurons]


def pair_indices(n):
    return np.triu_indices(n, k=1)  # (0,1), (0,2), ..., (1,2), ... = neurolab's pair order


def differential(d):
    neurons = d.get("neurons")
    worms = [worm_matrix(w, neurons) for w in d["worms"]]
    n = worms[0].shape[1]
    iu, ju = pair_indices(n)
    b = d.get("bin", 1)
    T = int(np.ceil(max(x.shape[0] for x in worms) / b))
    W = len(worms)
    P = len(iu)
    data = np.zeros((T, W, P))
    mask = np.zeros((T, W, P), dtype=int)
    for w, x in enumerate(worms):
        g = np.gradient(x, axis=0)
        if d.get("scaling", "max") == "max":
            scale = np.nanmax(np.abs(g), axis=0)
        else:
            scale = np.sqrt(np.nanmean(g**2, axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            g = np.where(scale > 0, g / scale, np.where(np.isnan(g), np.nan, 0.0))
        a = np.maximum(g[:, iu] * g[:, ju], 0.0)  # NaN stays NaN (np.maximum propagates NaN)
        for t in range(T):
            chunk = a[t * b:(t + 1) * b]
            if chunk.shape[0] == 0:
                continue
            seen = ~np.isnan(chunk)
            cnt = seen.sum(axis=0)
            with np.errstate(invalid="ignore"):
                mean = np.nansum(chunk, axis=0) / cnt
            data[t, w] = np.where(cnt > 0, mean, 0.0)
            mask[t, w] = cnt > 0
    return {"dims": [T, W, P], "data": data.ravel().tolist(), "mask": mask.ravel().tolist()}


def correlation(d):
    neurons = d.get("neurons")
    worms = [worm_matrix(w, neurons) for w in d["worms"]]
    n = worms[0].shape[1]
    iu, ju = pair_indices(n)
    win = d["window"]
    step = d.get("step", win)
    longest = max(x.shape[0] for x in worms)
    starts = list(range(0, longest - win + 1, step))
    W, P = len(worms), len(iu)
    data = np.zeros((len(starts), W, P))
    mask = np.zeros((len(starts), W, P), dtype=int)
    for w, x in enumerate(worms):
        for t, s in enumerate(starts):
            if s + win > x.shape[0]:
                continue
            seg = x[s:s + win]
            finite = np.all(np.isfinite(seg), axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                r = np.corrcoef(seg.T)
            r = np.nan_to_num(r, nan=0.0)  # constant traces: r undefined -> 0
            ok = finite[iu] & finite[ju]
            data[t, w] = np.where(ok, np.maximum(r[iu, ju], 0.0), 0.0)
            mask[t, w] = ok
    return {"dims": [len(starts), W, P], "data": data.ravel().tolist(), "mask": mask.ravel().tolist()}


def model_tensor(m, dims):
    R = m["rank"]
    A, B, C = (np.array(f, dtype=float).reshape(dims[k], R) for k, f in enumerate(m["factors"]))
    return np.einsum("r,ar,br,cr->abc", np.array(m["weights"], dtype=float), A, B, C)


def cp(d):
    dims = d["dims"]
    x = np.array(d["data"], dtype=float).reshape(dims)
    mask = np.array(d["mask"], dtype=bool).reshape(dims) if d.get("mask") is not None else np.ones(dims, dtype=bool)
    xhat = model_tensor(d, dims)
    err = np.sqrt(np.sum(((x - xhat) * mask) ** 2) / np.sum((x * mask) ** 2))
    return {"relativeError": float(err), "model": xhat.ravel().tolist()}


def kkt(d):
    dims = d["dims"]
    R = d["rank"]
    x = np.array(d["data"], dtype=float).reshape(dims)
    mask = np.array(d["mask"], dtype=float).reshape(dims)
    A, B, C = (np.array(f, dtype=float).reshape(dims[k], R) for k, f in enumerate(d["factors"]))
    A = A * np.array(d["weights"], dtype=float)[None, :]
    resid = mask * (np.einsum("ar,br,cr->abc", A, B, C) - x)
    grads = [
        np.einsum("abc,br,cr->ar", resid, B, C),
        np.einsum("abc,ar,cr->br", resid, A, C),
        np.einsum("abc,ar,br->cr", resid, A, B),
    ]
    total = 0.0
    for f, g in zip((A, B, C), grads):
        zero = f <= 1e-6 * f.max()  # multiplicative updates only approach 0: treat tiny entries as 0
        pg = np.where(zero, np.minimum(g, 0.0), g)
        total += float(np.sum(pg**2))
    return float(np.sqrt(total) / np.linalg.norm(mask * x))


def fms(d):
    from scipy.optimize import linear_sum_assignment

    a, b = d["a"], d["b"]
    R = a["rank"]
    wa, wb = np.array(a["weights"]), np.array(b["weights"])
    sim = 1 - np.abs(wa[:, None] - wb[None, :]) / np.maximum(wa[:, None], wb[None, :])
    for k in range(3):
        fa = np.array(a["factors"][k]).reshape(-1, R)
        fb = np.array(b["factors"][k]).reshape(-1, R)
        fa = fa / np.linalg.norm(fa, axis=0)
        fb = fb / np.linalg.norm(fb, axis=0)
        sim = sim * np.abs(fa.T @ fb)
    rows, cols = linear_sum_assignment(-sim)
    return {"score": float(sim[rows, cols].mean()), "permutation": cols.tolist()}


def graph(d):
    import networkx as nx

    n = d["n"]
    a = np.array(d["affinity"], dtype=float).reshape(n, n)
    g = nx.from_numpy_array(a)  # undirected, zero entries are not edges
    part = d["partition"]
    keep = [i for i in range(n) if part[i] >= 0]
    groups = {}
    for i in keep:
        groups.setdefault(part[i], set()).add(i)
    sub = g.subgraph(keep)
    q = nx.community.modularity(sub, list(groups.values()), weight="weight")
    lv = nx.community.louvain_communities(sub, weight="weight", seed=d.get("seed", 0))
    return {
        "modularity": float(q),
        "louvain": sorted(sorted(int(v) for v in c) for c in lv),
        "louvainModularity": float(nx.community.modularity(sub, lv, weight="weight")),
        "networkx": nx.__version__,
    }


def main():
    with open(sys.argv[1]) as f:
        d = json.load(f)
    out = {"numpy": np.__version__}
    if "differential" in d:
        out["differential"] = differential(d["differential"])
    if "correlation" in d:
        out["correlation"] = correlation(d["correlation"])
    if "cp" in d:
        out["cp"] = cp(d["cp"])
    if "kkt" in d:
        out["kkt"] = [kkt(m) for m in d["kkt"]]
    if "fms" in d:
        out["fms"] = fms(d["fms"])
    if "graph" in d:
        out["graph"] = graph(d["graph"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
