"""Runs rsatoolbox 0.3.2 on the arrays written by test/unit/rsa.rsatoolbox.test.ts and writes its
results, so that neurolab's rsa module can be compared with it entry by entry.

usage: rsatoolbox_crosscheck.py <in.json> <out.json>

Input keys: see the test. Every output is a plain list (condensed vectors in scipy squareform
order, comparison matrices as nested lists). Reference code only: never a runtime dependency.
"""
import json
import sys
import warnings

import numpy as np
import rsatoolbox
from rsatoolbox.data import Dataset
from rsatoolbox.data.noise import cov_from_residuals, prec_from_residuals
from rsatoolbox.rdm import RDMs, calc_rdm, compare
from rsatoolbox.rdm.calc_unbalanced import calc_rdm_unbalanced
from rsatoolbox.rdm.transform import geodesic_transform, geotopological_transform, rank_transform


def dataset(spec):
    obs = {k: np.asarray(v) for k, v in spec["obs"].items()}
    return Dataset(np.asarray(spec["measurements"], dtype=float), obs_descriptors=obs)


def vec(rdms):
    return rdms.get_vectors()[0].tolist()


def clean(x):
    """JSON has no NaN/Infinity: encode them as strings."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def main(path_in, path_out):
    with open(path_in) as f:
        inp = json.load(f)
    out = {}

    # --- distances on balanced data (conditions x runs, sorted by rsatoolbox) ---
    ds = dataset(inp["balanced"])
    noise = np.asarray(inp["noise"])
    out["euclidean"] = vec(calc_rdm(ds, method="euclidean", descriptor="condition"))
    out["euclidean_removeMean"] = vec(calc_rdm(ds, method="euclidean", descriptor="condition", remove_mean=True))
    out["euclidean_raw"] = vec(calc_rdm(ds, method="euclidean"))
    out["correlation"] = vec(calc_rdm(ds, method="correlation", descriptor="condition"))
    out["mahalanobis"] = vec(calc_rdm(ds, method="mahalanobis", descriptor="condition", noise=noise))
    out["crossnobis"] = vec(calc_rdm(ds, method="crossnobis", descriptor="condition", cv_descriptor="run"))
    out["crossnobis_noise"] = vec(calc_rdm(ds, method="crossnobis", descriptor="condition", cv_descriptor="run", noise=noise))
    de = dataset(inp["equalCells"])
    out["crossnobis_equal"] = vec(calc_rdm(de, method="crossnobis", descriptor="condition", cv_descriptor="run"))
    out["crossnobis_equal_removeMean"] = vec(calc_rdm(de, method="crossnobis", descriptor="condition", cv_descriptor="run", remove_mean=True))
    out["crossnobis_removeMean"] = vec(calc_rdm(ds, method="crossnobis", descriptor="condition", cv_descriptor="run", remove_mean=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rb = calc_rdm_unbalanced(ds, method="crossnobis", descriptor="condition", cv_descriptor="run")
    out["crossnobis_allPairs_balanced_order"] = [str(v) for v in rb.pattern_descriptors["condition"]]
    out["crossnobis_allPairs_balanced"] = clean(rb.get_matrices()[0].tolist())

    # --- unbalanced crossnobis (rsatoolbox keeps first-appearance order: report it) ---
    dsu = dataset(inp["unbalanced"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ru = calc_rdm_unbalanced(dsu, method="crossnobis", descriptor="condition", cv_descriptor="run")
        ru_noise = calc_rdm_unbalanced(dsu, method="crossnobis", descriptor="condition", cv_descriptor="run", noise=noise)
    out["crossnobis_unbalanced_order"] = [str(v) for v in ru.pattern_descriptors["condition"]]
    out["crossnobis_unbalanced"] = clean(ru.get_matrices()[0].tolist())
    out["crossnobis_unbalanced_noise"] = clean(ru_noise.get_matrices()[0].tolist())

    # --- NaN measurements: propagation (calc_rdm) and per-pair skipping (calc_rdm_unbalanced) ---
    dn = dataset(inp["withNaN"])
    out["nan_euclidean"] = clean(vec(calc_rdm(dn, method="euclidean", descriptor="condition")))
    out["nan_correlation"] = clean(vec(calc_rdm(dn, method="correlation", descriptor="condition")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rn = calc_rdm_unbalanced(dn, method="crossnobis", descriptor="condition", cv_descriptor="run")
    out["nan_allPairs_order"] = [str(v) for v in rn.pattern_descriptors["condition"]]
    out["nan_allPairs"] = clean(rn.get_matrices()[0].tolist())

    # --- poisson on counts ---
    dp = dataset(inp["counts"])
    out["poisson"] = vec(calc_rdm(dp, method="poisson", descriptor="condition"))
    out["poisson_prior"] = vec(calc_rdm(dp, method="poisson", descriptor="condition", prior_lambda=2.0, prior_weight=0.5))
    out["poissonCv_lastFold"] = vec(calc_rdm(dp, method="poisson_cv", descriptor="condition", cv_descriptor="run"))
    # rsatoolbox's own kernel for every fold: relabel so that fold f sorts last, then average.
    runs = np.asarray(inp["counts"]["obs"]["run"])
    folds = np.unique(runs)
    per_fold = []
    for f in folds:
        relabel = np.where(runs == f, 10**6, runs)
        spec = dict(inp["counts"])
        spec = {"measurements": inp["counts"]["measurements"], "obs": {"condition": inp["counts"]["obs"]["condition"], "run": relabel.tolist()}}
        per_fold.append(calc_rdm(dataset(spec), method="poisson_cv", descriptor="condition", cv_descriptor="run").get_vectors()[0])
    out["poissonCv_allFolds"] = np.mean(per_fold, axis=0).tolist()

    # --- noise estimates ---
    res = np.asarray(inp["residuals"])
    for method in ["shrinkage_diag", "shrinkage_eye", "diag", "full"]:
        out["cov_" + method] = cov_from_residuals(res, method=method).tolist()
    out["prec_shrinkage_diag"] = prec_from_residuals(res).tolist()
    out["cov_shrinkage_diag_dof"] = cov_from_residuals(res, method="shrinkage_diag", dof=res.shape[0] - 3).tolist()

    # --- comparisons ---
    # float64 explicitly: rsatoolbox's minmax/geodesic transforms write floats into the input's
    # dtype, so an integer-valued RDM array would be truncated to 0/1 (a deviation noted in the README).
    r1 = RDMs(np.asarray(inp["rdms1"], dtype=float))
    r2 = RDMs(np.asarray(inp["rdms2"], dtype=float))
    for method in ["cosine", "corr", "spearman", "rho-a", "tau-a", "kendall", "cosine_cov", "corr_cov", "bures", "bures_metric"]:
        out["compare_" + method] = clean(compare(r1, r2, method=method).tolist())
    sig_diag = np.asarray(inp["sigmaKDiag"])
    sig_full = np.asarray(inp["sigmaKFull"])
    out["compare_cosine_cov_diag"] = clean(compare(r1, r2, method="cosine_cov", sigma_k=sig_diag).tolist())
    out["compare_corr_cov_diag"] = clean(compare(r1, r2, method="corr_cov", sigma_k=sig_diag).tolist())
    out["compare_cosine_cov_full"] = clean(compare(r1, r2, method="cosine_cov", sigma_k=sig_full).tolist())
    n1 = RDMs(np.asarray([[np.nan if v is None else v for v in row] for row in inp["rdmsNaN1"]]))
    n2 = RDMs(np.asarray([[np.nan if v is None else v for v in row] for row in inp["rdmsNaN2"]]))
    for method in ["cosine", "corr", "spearman", "rho-a", "tau-a", "kendall", "cosine_cov", "corr_cov"]:
        out["compareNaN_" + method] = clean(compare(n1, n2, method=method).tolist())
    out["compareNaN_cosine_cov_diag"] = clean(compare(n1, n2, method="cosine_cov", sigma_k=sig_diag).tolist())

    # --- transforms (one RDM at a time: rsatoolbox pools GT quantiles over a set) ---
    out["rank"] = [rank_transform(RDMs(np.asarray([v], dtype=float))).get_vectors()[0].tolist() for v in inp["rdms2"]]
    gt = {}
    for key, (low, up) in inp["gtThresholds"].items():
        gt[key] = [clean(geotopological_transform(RDMs(np.asarray([v], dtype=float)), low, up).get_vectors()[0]) for v in inp["rdms1"]]
    out["geotopological_raw"] = gt
    out["geodesic"] = [clean(geodesic_transform(RDMs(np.asarray([v], dtype=float))).get_vectors()[0]) for v in inp["rdms1"] + inp["rdms2"]]
    inference(inp, out)
    with open(path_out, "w") as f:
        json.dump(out, f)


def inference(inp, out):
    """eval_fixed, the bootstrap loop of eval_bootstrap on given samples, noise ceilings, tests."""
    from rsatoolbox.inference import eval_fixed
    from rsatoolbox.inference.noise_ceiling import boot_noise_ceiling
    from rsatoolbox.model import ModelFixed
    from rsatoolbox.util.inference_util import bootstrap_pair_tests, t_test_0, t_test_nc, t_tests

    data = RDMs(np.asarray(inp["subjects"], dtype=float))
    models = [ModelFixed(f"m{i}", RDMs(np.asarray([v], dtype=float))) for i, v in enumerate(inp["models"])]
    for method in ["cosine", "corr", "spearman", "rho-a"]:
        res = eval_fixed(models, data, method=method)
        out["fixed_" + method] = {
            "evaluations": res.evaluations[0].tolist(),
            "variances": np.asarray(res.variances).tolist(),
            "noise_ceiling": np.asarray(res.noise_ceiling).tolist(),
        }
    boot = {}
    for method in ["corr", "cosine"]:
        evals, nc = [], []
        for s in inp["samples"]:
            sample = data.subsample("index", np.asarray(s["rdmIndices"])).subsample_pattern("index", np.asarray(s["patternIndices"]))
            evals.append([np.mean(compare(m.predict_rdm().subsample_pattern("index", np.asarray(s["patternIndices"])), sample, method)) for m in models])
            nc.append(list(boot_noise_ceiling(sample, method=method, rdm_descriptor="index")))
        evals = np.asarray(evals)
        nc = np.asarray(nc).T
        boot[method] = {"evaluations": evals.tolist(), "noise_ceilings": nc.T.tolist(), "covariance": np.cov(np.concatenate([evals.T, nc])).tolist()}
    out["bootstrap"] = boot
    ev = np.asarray(boot["corr"]["evaluations"])
    out["bootstrap_pair_tests"] = bootstrap_pair_tests(ev).tolist()
    out["t_tests"] = t_tests(ev, np.asarray(inp["diffVariances"]), dof=inp["dof"]).tolist()
    out["t_test_0"] = t_test_0(ev, np.asarray(inp["modelVariances"]), dof=inp["dof"]).tolist()
    out["t_test_nc"] = t_test_nc(ev, np.asarray(inp["modelVariances"]), inp["ceiling"], dof=inp["dof"]).tolist()
    # dual-bootstrap correction applied by rsatoolbox to neurolab's three bootstrap covariances
    from rsatoolbox.util.inference_util import extract_variances

    d = inp["dual"]
    mv, dv, nv = extract_variances(np.asarray(d["covariances"]), True, d["nRdm"], d["nPattern"])
    out["dual"] = {"model": mv.tolist(), "diff": dv.tolist(), "nc": nv.tolist()}


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
