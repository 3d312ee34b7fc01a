"""rsatoolbox 0.3.2's own Result statistics (SEMs, tests against 0 / the noise ceiling, pairwise
t-tests) for the model evaluations written by test/unit/rsa.modelcomparison.test.ts.

usage: rsatoolbox_results.py <in.json> <out.json>

- "fixed": rsatoolbox's eval_fixed on the same subject RDMs and model RDMs (its whole code path).
- "bootstrap_*": a Result built from neurolab's bootstrap evaluations, noise ceilings and covariance
  (rsatoolbox's samples come from numpy's generator, so the samples are shared instead), with the
  cv_method, dof, n_rdm and n_pattern rsatoolbox's eval_bootstrap* functions pass.
Reference code only: never a runtime dependency.
"""
import json
import sys

import numpy as np
from rsatoolbox.inference import eval_fixed
from rsatoolbox.inference.result import Result
from rsatoolbox.model import ModelFixed
from rsatoolbox.rdm import RDMs


def clean(x):
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    x = float(x)
    return "NaN" if np.isnan(x) else x


def stats(res):
    return {
        "means": clean(res.get_means()),
        "sems": clean(res.get_sem()),
        "p_zero": clean(res.test_zero()),
        "p_noise": clean(res.test_noise()),
        "p_pairs": clean(res.test_pairwise()),
    }


def main(path_in, path_out):
    with open(path_in) as f:
        inp = json.load(f)
    data = RDMs(np.asarray(inp["subjects"], dtype=float))
    models = [ModelFixed(f"m{i}", RDMs(np.asarray([v], dtype=float))) for i, v in enumerate(inp["models"])]
    out = {}
    for method in inp["methods"]:
        out["fixed_" + method] = stats(eval_fixed(models, data, method=method))
    for key, b in inp["bootstraps"].items():
        evals = np.asarray(b["evaluations"], dtype=float)
        nc = np.asarray(b["noise_ceilings"], dtype=float).T
        n_rdm = b["n_rdm"] if b["kind"] in ("both", "rdm") else None
        n_pattern = b["n_pattern"] if b["kind"] in ("both", "pattern") else None
        cv = {"both": "bootstrap", "rdm": "bootstrap_rdm", "pattern": "bootstrap_pattern"}[b["kind"]]
        res = Result(models, evals, method=b["method"], cv_method=cv, noise_ceiling=nc,
                     variances=np.asarray(b["covariance"]), dof=b["dof"], n_rdm=n_rdm, n_pattern=n_pattern)
        out["bootstrap_" + key] = stats(res)
    with open(path_out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
