"""Writes small HDF5 files in the Spiking Heidelberg Digits layout (and malformed variants) with
h5py, for test/unit/shd.test.ts.

argv[1]: output directory; argv[2]: JSON file {"samples": [{"times": [...s], "units": [...], "label": k, "speaker": s}]}.
Writes shd.h5 (the layout: spikes/times vlen float16 s, spikes/units vlen uint16, labels uint16,
extra/speaker uint16, extra/keys strings) and the malformed files no_labels.h5,
length_mismatch.h5, fixed_times.h5, count_mismatch.h5. Prints the float16-rounded times (s) as JSON.
"""
import json
import os
import sys

import h5py
import numpy as np


def write(path, samples, *, labels=True, mismatch_sample=None, fixed_times=False, extra_label=False):
    with h5py.File(path, "w") as f:
        n = len(samples)
        if fixed_times:
            f.create_dataset("spikes/times", data=np.zeros((n, 3), dtype="float16"))
        else:
            t = f.create_dataset("spikes/times", (n,), dtype=h5py.vlen_dtype(np.dtype("float16")))
            for k, s in enumerate(samples):
                t[k] = np.asarray(s["times"], dtype="float16")
        u = f.create_dataset("spikes/units", (n,), dtype=h5py.vlen_dtype(np.dtype("uint16")))
        for k, s in enumerate(samples):
            units = list(s["units"])
            if k == mismatch_sample:
                units = units + [1]
            u[k] = np.asarray(units, dtype="uint16")
        if labels:
            lab = [s["label"] for s in samples] + ([0] if extra_label else [])
            f.create_dataset("labels", data=np.asarray(lab, dtype="uint16"))
        f.create_dataset("extra/speaker", data=np.asarray([s["speaker"] for s in samples], dtype="uint16"))
        f.create_dataset("extra/keys", data=[f"digit-{i}" for i in range(20)])


def main():
    out = sys.argv[1]
    with open(sys.argv[2]) as fh:
        samples = json.load(fh)["samples"]
    write(os.path.join(out, "shd.h5"), samples)
    write(os.path.join(out, "no_labels.h5"), samples, labels=False)
    write(os.path.join(out, "length_mismatch.h5"), samples, mismatch_sample=1)
    write(os.path.join(out, "fixed_times.h5"), samples, fixed_times=True)
    write(os.path.join(out, "count_mismatch.h5"), samples, extra_label=True)
    rounded = [np.asarray(s["times"], dtype="float16").astype("float64").tolist() for s in samples]
    print(json.dumps({"h5py": h5py.__version__, "times_s": rounded}))


if __name__ == "__main__":
    main()
