"""snnTorch's spikegen on the inputs neurolab's encoders get (test/unit/encoding.test.ts).

Reads JSON {"values": [...], "latency": [{options}], "delta": {"signal": [[...]], "cases": [...]}}
from the file named in argv[1]; prints, per latency case, the spike times of
spikegen.latency_code (float64 tensors) and the raster of spikegen.latency, and per delta case the
raster of spikegen.delta.
"""
import json
import sys

import torch
from snntorch import spikegen


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    values = torch.tensor(data["values"], dtype=torch.float64)
    out = {"versions": {"snntorch": __import__("snntorch").__version__, "torch": torch.__version__}, "latency": [], "delta": []}
    for case in data["latency"]:
        kw = dict(
            num_steps=case["nSteps"],
            threshold=case.get("threshold", 0.01),
            tau=case.get("tau", 1),
            first_spike_time=case.get("firstSpikeTime", 0),
            normalize=case.get("normalize", False),
            linear=case.get("linear", False),
        )
        times, _ = spikegen.latency_code(values, **kw)
        raster = spikegen.latency(values, clip=case.get("clip", False), bypass=case.get("allowLate", False), **kw)
        out["latency"].append({"times": times.tolist(), "raster": raster.to(torch.int64).tolist()})
    signal = torch.tensor(data["delta"]["signal"], dtype=torch.float64)
    for case in data["delta"]["cases"]:
        r = spikegen.delta(signal, threshold=case["threshold"], padding=case.get("padding", False), off_spike=case.get("offSpikes", False))
        out["delta"].append(r.to(torch.int64).tolist())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
