"""Reference values from Elephant for test/unit/analysis-elephant.test.ts.

Usage: python elephant_crosscheck.py INPUT.json  -> prints one JSON object on stdout.

INPUT: {"tStart_ms", "tStop_ms", "trains": [[t_ms, ...], ...], "rateBin_ms", "corrBin_ms",
        "cchPair": [i, j], "cchBin_ms", "cchMaxLagBins"}
If Elephant (or neo/quantities) is missing, prints {"skip": "<reason>"} instead.
"""
import json
import sys
import warnings

try:
    import numpy as np
    import quantities as pq
    import neo
    import elephant
    from elephant import statistics as st
    from elephant.conversion import BinnedSpikeTrain
    from elephant.spike_train_correlation import correlation_coefficient, cross_correlation_histogram
except Exception as exc:  # pragma: no cover - environment dependent
    print(json.dumps({"skip": f"{type(exc).__name__}: {exc}"}))
    sys.exit(0)

warnings.simplefilter("ignore")


def nan_to_none(xs):
    return [None if (x is None or np.isnan(x)) else float(x) for x in xs]


def main():
    with open(sys.argv[1]) as f:
        d = json.load(f)
    t0, t1 = d["tStart_ms"], d["tStop_ms"]
    trains = [neo.SpikeTrain(np.asarray(t, dtype=float) * pq.ms, t_start=t0 * pq.ms, t_stop=t1 * pq.ms) for t in d["trains"]]

    rates = [float(st.mean_firing_rate(s).rescale(pq.Hz).magnitude) for s in trains]
    cvs, cv2s, lvs = [], [], []
    for s in trains:
        isi = st.isi(s).magnitude
        if len(isi) < 2:
            cvs.append(np.nan); cv2s.append(np.nan); lvs.append(np.nan)
            continue
        cvs.append(float(st.cv(isi)))
        cv2s.append(float(st.cv2(isi)))
        lvs.append(float(st.lv(isi)))
    fano = float(st.fanofactor(trains))

    hist = st.time_histogram(trains, bin_size=d["rateBin_ms"] * pq.ms, output="rate")
    pop_rate = hist.rescale(pq.Hz).magnitude.ravel().tolist()
    hist_t = hist.times.rescale(pq.ms).magnitude.tolist()

    binned = BinnedSpikeTrain(trains, bin_size=d["corrBin_ms"] * pq.ms)
    cc = correlation_coefficient(binned)

    i, j = d["cchPair"]
    K = d["cchMaxLagBins"]
    bi = BinnedSpikeTrain(trains[i], bin_size=d["cchBin_ms"] * pq.ms)
    bj = BinnedSpikeTrain(trains[j], bin_size=d["cchBin_ms"] * pq.ms)
    cch, lags = cross_correlation_histogram(bi, bj, window=[-K, K])
    cchc, _ = cross_correlation_histogram(bi, bj, window=[-K, K], cross_correlation_coefficient=True)

    print(json.dumps({
        "versions": {"elephant": elephant.__version__, "neo": neo.__version__, "quantities": pq.__version__, "numpy": np.__version__},
        "rates_Hz": rates,
        "cv": nan_to_none(cvs),
        "cv2": nan_to_none(cv2s),
        "lv": nan_to_none(lvs),
        "fano": fano,
        "popRate_Hz": pop_rate,
        "popRate_t_ms": hist_t,
        "corrcoef": [nan_to_none(row) for row in np.asarray(cc).tolist()],
        "cch_lags": [int(x) for x in lags],
        "cch_counts": np.asarray(cch.magnitude).ravel().tolist(),
        "cch_coefficient": np.asarray(cchc.magnitude).ravel().tolist(),
    }))


if __name__ == "__main__":
    main()
