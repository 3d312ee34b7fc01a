"""Independent numpy + networkx (+ scikit-learn) implementation of the tRSA authors' definitions
(Lin & Kriegeskorte, PNAS 2024; github.com/doerlbh/TopologicalRSA), written from the paper's code
semantics for test/unit/rsa.trsa.reference.test.ts.

usage: trsa_reference.py <in.json> <out.json>

Geodesic transforms ("authors" convention):
- weights: min-max normalised average ranks of the RDM ("twoStep": of the GT_{l,u} transform of it);
- the graph is networkx's from_numpy_array of the square matrix, so zero weights are not edges;
- twoStep drops edges of weight 1; p_shortest drops edges above the p-quantile of all weights;
  p_nearest (k = int(p n)) / k_nearest drop edge (i, j), i < j, unless j is among the k nearest
  neighbours of i (sorted by (weight, index));
- shortest paths by networkx's floyd_warshall_numpy, then scipy average ranks of the condensed paths.
Layer identification: leave-one-instance-out nearest-centroid classification (sklearn
NearestCentroid, euclidean) of RDM vectors labelled by layer; accuracy over all held-out RDMs.
Reference code only: never a runtime dependency.
"""
import json
import sys

import networkx as nx
import numpy as np
from scipy.spatial.distance import squareform
from scipy.stats import rankdata
from sklearn.neighbors import NearestCentroid


def minmax(x):
    return (x - np.min(x)) / (np.max(x) - np.min(x))


def gt(v, low, up):
    r = minmax(rankdata(v))
    gl, gu = np.quantile(r, low), np.quantile(r, up)
    out = np.where(r < gl, 0.0, np.where(r > gu, 1.0, (r - gl) / (gu - gl) if gu > gl else 0.0))
    return out


def geodesic(v, case):
    v = np.asarray(v, dtype=float)
    rule = case["rule"]
    w = minmax(gt(v, case["lower"], case["upper"])) if rule == "twoStep" else minmax(rankdata(v))
    g = nx.from_numpy_array(squareform(w))
    n = g.number_of_nodes()
    if rule == "twoStep":
        drop = [(a, b) for a, b, x in g.edges.data("weight") if x == 1]
    elif rule == "pShortest":
        q = np.quantile(w, case["p"])
        drop = [(a, b) for a, b, x in g.edges.data("weight") if x > q]
    else:
        k = case["k"] if rule == "kNearest" else int(case["p"] * n)
        near = {}
        for a in g.nodes():
            order = sorted((d["weight"], b) for _, b, d in g.edges(a, data=True))
            near[a] = {b for _, b in order[:k]}
        drop = [(a, b) for a, b in g.edges() if b not in near[a]]
    g.remove_edges_from(drop)
    paths = squareform(np.asarray(nx.floyd_warshall_numpy(g, nodelist=range(n))), checks=False)
    return rankdata(paths) if case.get("rerank", True) else paths


def identify(rdms, layer, instance):
    rdms, layer, instance = np.asarray(rdms, dtype=float), np.asarray(layer), np.asarray(instance)
    truth, predicted = [], []
    for s in np.unique(instance):
        test = instance == s
        clf = NearestCentroid().fit(rdms[~test], layer[~test])
        truth += list(layer[test])
        predicted += list(clf.predict(rdms[test]))
    return float(np.mean(np.asarray(truth) == np.asarray(predicted)))


def identify_sample(c):
    """One bootstrap sample as the authors build it: RDM rows with repeats (labels and instances
    follow the rows), stimuli with repeats, pairs of a stimulus with its own copy dropped."""
    rows, stim = np.asarray(c["rows"]), np.asarray(c["stimuli"])
    a, b = np.triu_indices(len(stim), 1)
    keep = stim[a] != stim[b]
    vectors = [squareform(np.asarray(c["rdms"][r], dtype=float))[np.ix_(stim, stim)][a[keep], b[keep]] for r in rows]
    return identify(vectors, np.asarray(c["layer"])[rows], np.asarray(c["instance"])[rows])


def clean(x):
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    x = float(x)
    if np.isinf(x):
        return "Infinity"
    return x


def main(path_in, path_out):
    with open(path_in) as f:
        inp = json.load(f)
    out = {"geodesic": [clean(geodesic(c["rdm"], c)) for c in inp["geodesic"]]}
    out["identify"] = [identify(c["rdms"], c["layer"], c["instance"]) for c in inp["identify"]]
    out["identify_samples"] = [identify_sample(c) for c in inp["identifySamples"]]
    with open(path_out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
