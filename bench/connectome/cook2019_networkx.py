"""networkx side of the Cook 2019 connectome case (same analyses as cook2019.mjs).
usage: cook2019_networkx.py [nullSamples]. Reads the mirror (NEUROLAB_DATA_MIRROR, default
../shared/data). Prints {"seconds": load + build + analyses, ...}."""
import csv
import json
import os
import re
import sys
import time

import networkx as nx

samples = int(sys.argv[1]) if len(sys.argv) > 1 else 10
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# NEUROLAB_DATA_MIRROR may list several directories (os.pathsep), searched in order, as the loader does.
mirrors = os.environ.get("NEUROLAB_DATA_MIRROR", os.path.join(root, "..", "shared", "data")).split(os.pathsep)
mirror = next((m for m in mirrors if os.path.exists(os.path.join(m, "celegans", "owmeta_cache.json"))), mirrors[0])

t0 = time.perf_counter()
with open(os.path.join(mirror, "celegans", "owmeta_cache.json")) as f:
    neurons = set(json.load(f)["neuron_info"])


def norm(name):
    name = name.strip()
    m = re.match(r"^(AS|DA|DB|DD|VA|VB|VC|VD)0*([1-9]\d*)$", name)
    return m.group(1) + m.group(2) if m else name


chem = nx.DiGraph()
both = nx.DiGraph()
with open(os.path.join(mirror, "celegans", "herm_full_edgelist.csv"), newline="") as f:
    rows = list(csv.reader(f))[1:]
gap = {}
for a, b, w, kind in rows:
    a, b, w = norm(a), norm(b), float(w)
    if a not in neurons or b not in neurons:
        continue
    chem.add_nodes_from((a, b))
    if kind.strip() == "chemical":
        chem.add_edge(a, b, weight=chem.get_edge_data(a, b, {"weight": 0})["weight"] + w)
    else:
        key = tuple(sorted((a, b)))
        gap[key] = max(gap.get(key, 0), w)
both.add_nodes_from(chem)
for a, b, d in chem.edges(data=True):
    both.add_edge(a, b, weight=d["weight"])
for (a, b), w in gap.items():
    for u, v in ((a, b), (b, a)) if a != b else ((a, a),):
        both.add_edge(u, v, weight=both.get_edge_data(u, v, {"weight": 0})["weight"] + w)
for g in (chem, both):
    for _, _, d in g.edges(data=True):
        d["length"] = 1 / d["weight"]
loaded = time.perf_counter()

timings = {}


def timed(name, f):
    s = time.perf_counter()
    r = f()
    timings[name] = round(time.perf_counter() - s, 4)
    return r


timed("degrees", lambda: (dict(chem.in_degree()), dict(chem.out_degree()), dict(chem.in_degree(weight="weight")), dict(chem.out_degree(weight="weight"))))
reciprocity = timed("reciprocity", lambda: nx.overall_reciprocity(nx.DiGraph([e for e in chem.edges() if e[0] != e[1]])))
hops = timed("all_pairs_hops", lambda: dict(nx.all_pairs_shortest_path_length(chem)))
timed("all_pairs_weighted", lambda: dict(nx.all_pairs_dijkstra_path_length(chem, weight="length")))
chem_noloops = chem.copy()
chem_noloops.remove_edges_from(list(nx.selfloop_edges(chem_noloops)))
bc = timed("betweenness_weighted", lambda: nx.betweenness_centrality(chem_noloops, weight="length"))
timed("betweenness_hops", lambda: nx.betweenness_centrality(chem_noloops))
und = nx.Graph(both.to_undirected())
und.remove_edges_from(list(nx.selfloop_edges(und)))


def rich_club():
    phi = nx.rich_club_coefficient(und, normalized=False)
    acc = {}
    for s in range(samples):
        r = und.copy()
        nx.double_edge_swap(r, nswap=10 * r.number_of_edges(), max_tries=100 * r.number_of_edges(), seed=s)
        for k, v in nx.rich_club_coefficient(r, normalized=False).items():
            acc[k] = acc.get(k, 0) + v / samples
    return phi, acc


phi, _ = timed("rich_club_normalized", rich_club)


def motifs():
    census = nx.triadic_census(chem_noloops)
    for s in range(samples):
        r = nx.directed_edge_swap(chem_noloops.copy(), nswap=10 * chem_noloops.number_of_edges() // 3, max_tries=10**7, seed=s)
        nx.triadic_census(r)
    return census


timed("motif_census_null", motifs)
communities = timed("louvain", lambda: nx.community.louvain_communities(nx.Graph(both.to_undirected()), weight="weight", seed=1))
timed("force_layout", lambda: nx.spring_layout(und, seed=1, iterations=300))
seconds = time.perf_counter() - t0
reachable = sum(len(d) for d in hops.values())
print(
    json.dumps(
        {
            "seconds": seconds,
            "load_build_s": loaded - t0,
            "timings_s": timings,
            "neurons": chem.number_of_nodes(),
            "chemical_pairs": chem.number_of_edges(),
            "reciprocity": reciprocity,
            "reachable_pairs": reachable,
            "top_betweenness": [k for k, _ in sorted(bc.items(), key=lambda kv: -kv[1])[:3]],
            "rich_club_levels": len(phi),
            "communities": len(communities),
            "null_samples": samples,
        }
    )
)
