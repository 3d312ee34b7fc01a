"""Independent numpy computations of the reference definitions behind neurolab's `rsa.cka` (RBF
kernel) and `rsa.procrustesDistance` (partial whitening), for test/unit/rsa.similarity.reference.test.ts.

usage: similarity_reference.py <out.json>

- RBF CKA as Kornblith et al. (2019)'s reference code defines it: K = exp(-D2 / (2 t^2 median(D2)))
  with D2 the full n x n matrix of squared distances (diagonal zeros included in the median),
  biased HSIC with centring matrices; plus the "pairwise median" convention (bandwidth t times the
  median of the n(n-1)/2 distances between distinct rows) for the named option.
- netrep's LinearMetric(alpha, center_columns=True, zero_pad=True): centre, whiten with the
  eigendecomposition of X^T X (eigenvalues clipped at 1e-7, variance-preserving rescaling over all
  padded channels), rotate with the SVD of Xw^T Yw, angular = arccos(<XwU, YwV> / (|Xw||Yw|)),
  euclidean = |XwU - YwV|_F.
Reference code only: written from the definitions, never a runtime dependency.
"""
import json
import sys

import numpy as np


def centring(n):
    return np.eye(n) - np.ones((n, n)) / n


def cka_from_kernels(k, l):
    h = centring(k.shape[0])
    kc, lc = h @ k @ h, h @ l @ h
    return float(np.sum(kc * lc) / np.sqrt(np.sum(kc * kc) * np.sum(lc * lc)))


def u_centre(k):
    """U-centring (Szekely & Rizzo 2014), the unbiased centring of Kornblith et al.'s debiased CKA."""
    n = k.shape[0]
    k = k.copy()
    np.fill_diagonal(k, 0)
    col = k.sum(axis=0) / (n - 2)
    col -= k.sum() / (2 * (n - 1) * (n - 2))
    k = k - col[:, None] - col[None, :]
    np.fill_diagonal(k, 0)
    return k


def cka_debiased(k, l):
    kc, lc = u_centre(k), u_centre(l)
    return float(np.sum(kc * lc) / np.sqrt(np.sum(kc * kc) * np.sum(lc * lc)))


def squared_distances(x):
    diff = x[:, None, :] - x[None, :, :]
    return np.sum(diff * diff, axis=-1)


def rbf_kornblith(x, t):
    d2 = squared_distances(x)
    return np.exp(-d2 / (2.0 * t * t * np.median(d2)))


def rbf_pairwise(x, t):
    d2 = squared_distances(x)
    iu = np.triu_indices(x.shape[0], 1)
    bw = t * np.median(np.sqrt(d2[iu]))
    return np.exp(-d2 / (2.0 * bw * bw))


def netrep_whiten(x, alpha, width):
    xc = x - x.mean(axis=0)
    xp = np.zeros((x.shape[0], width))
    xp[:, : x.shape[1]] = xc
    if alpha > 1 - 1e-7:
        return xp
    lam, v = np.linalg.eigh(xp.T @ xp)
    lam = np.maximum(lam, 1e-7)
    d = alpha + (1 - alpha) / np.sqrt(lam)
    d *= np.sqrt(lam.sum() / np.sum((alpha * np.sqrt(lam) + 1 - alpha) ** 2))
    return xp @ (v * d) @ v.T


def netrep_distance(x, y, alpha, metric):
    width = max(x.shape[1], y.shape[1])
    xw, yw = netrep_whiten(x, alpha, width), netrep_whiten(y, alpha, width)
    u, _, vt = np.linalg.svd(xw.T @ yw)
    xa, ya = xw @ u, yw @ vt.T
    if metric == "angular":
        c = np.sum(xa * ya) / (np.linalg.norm(xa) * np.linalg.norm(ya))
        return float(np.arccos(np.clip(c, -1, 1)))
    return float(np.linalg.norm(xa - ya))


def main(path_out):
    out = {}
    # Kornblith et al.'s demo data: seed 1337, X ~ N(0,1) 100 x 10, Y = X + N(0,1).
    np.random.seed(1337)
    x = np.random.randn(100, 10)
    y = np.random.randn(100, 10) + x
    out["demo"] = {
        "x": x.tolist(),
        "y": y.tolist(),
        "rbf_kornblith_0.5": cka_from_kernels(rbf_kornblith(x, 0.5), rbf_kornblith(y, 0.5)),
        "rbf_pairwise_0.5": cka_from_kernels(rbf_pairwise(x, 0.5), rbf_pairwise(y, 0.5)),
        "rbf_kornblith_1": cka_from_kernels(rbf_kornblith(x, 1.0), rbf_kornblith(y, 1.0)),
        "linear": cka_from_kernels(x @ x.T, y @ y.T),
        "linear_debiased": cka_debiased(x @ x.T, y @ y.T),
        "rbf_kornblith_0.5_debiased": cka_debiased(rbf_kornblith(x, 0.5), rbf_kornblith(y, 0.5)),
    }
    rng = np.random.default_rng(2024)
    a = rng.normal(size=(30, 6)) @ rng.normal(size=(6, 6))
    b = a @ rng.normal(size=(6, 6)) + 0.5 * rng.normal(size=(30, 6))
    c = rng.normal(size=(30, 4)) * np.array([3.0, 1.0, 0.5, 0.1])
    cases = []
    for alpha in [0.0, 0.25, 0.5, 0.9, 1.0]:
        for name, (p, q) in {"same width": (a, b), "padded": (a, c)}.items():
            for metric in ["angular", "euclidean"]:
                cases.append({"alpha": alpha, "pair": name, "metric": metric, "value": netrep_distance(p, q, alpha, metric)})
    out["procrustes"] = {"a": a.tolist(), "b": b.tolist(), "c": c.tolist(), "cases": cases}
    # the example convention check: whitening with X^T X / n instead of X^T X
    with open(path_out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1])
