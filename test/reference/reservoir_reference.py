"""Reference values for test/unit/reservoir.test.ts (run with the peers' Python).

Reads a JSON job from the file named on the command line and prints JSON:
- "ridge" (a list of data sets): scikit-learn's Ridge (solver "cholesky") on X, Y for each alpha / fit_intercept
  -> coef_ (targets x features) and intercept_; RidgeClassifier's predictions.
- "powerlaw": the discrete power-law maximum-likelihood exponent for sizes >= s_min
  (<= s_max), maximising -alpha * sum(log s) - n * log(Z) with Z from scipy.special.zeta
  (Hurwitz), by scipy.optimize.minimize_scalar (bounded); and zeta values to compare.
"""
import json
import sys

import numpy as np
from scipy import optimize, special
from sklearn.linear_model import Ridge, RidgeClassifier


def ridge(job):
    X = np.asarray(job["X"], dtype=float)
    Y = np.asarray(job["Y"], dtype=float)
    out = []
    for case in job["cases"]:
        m = Ridge(alpha=case["alpha"], fit_intercept=case["fitIntercept"], solver="cholesky").fit(X, Y)
        coef = np.atleast_2d(m.coef_)
        out.append({"coef": coef.tolist(), "intercept": np.atleast_1d(m.intercept_).tolist()})
    clf = RidgeClassifier(alpha=job["classifier"]["alpha"], solver="cholesky").fit(X, job["classifier"]["labels"])
    return {"cases": out, "classifierPredictions": clf.predict(X).astype(int).tolist()}


def powerlaw(job):
    s = np.asarray(job["sizes"], dtype=float)
    s_min = job["sMin"]
    s_max = job.get("sMax")
    keep = (s >= s_min) & (s <= (s_max if s_max is not None else np.inf))
    x = s[keep]
    n, sum_log = len(x), float(np.sum(np.log(x)))

    def neg_ll(a):
        z = special.zeta(a, s_min) - (special.zeta(a, s_max + 1) if s_max is not None else 0.0)
        return a * sum_log + n * np.log(z)

    res = optimize.minimize_scalar(neg_ll, bounds=(1.0 + 1e-6, 6.0), method="bounded", options={"xatol": 1e-12})
    zetas = [float(special.zeta(a, q)) for a, q in job["zetaArgs"]]
    return {"alpha": float(res.x), "n": n, "zetas": zetas}


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        job = json.load(f)
    print(json.dumps({"ridge": [ridge(r) for r in job["ridge"]], "powerlaw": powerlaw(job["powerlaw"])}))
