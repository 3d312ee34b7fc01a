"""Input currents of a delayed synaptic layer as DCLS builds and SNN-delays applies them
(neurolab's learnable-delays test).

DCLS (Khalfaoui-Hassani et al., `Dcls1d`, version "gauss"): kernel positions P in
[-lim // 2, lim // 2] (lim = dilated_kernel_size) over kernel indices k = 0 .. lim - 1,
g_k = exp(-((k - (P + lim // 2)) / (|SIG| + 0.27))^2 / 2) normalised by sum + 1e-7, weight
W g_k; version "max" (SNN-delays' evaluation with SIG = 0): g_k = relu(1 - |k - (P + lim // 2)|)
(|SIG| + 1 = 1). SNN-delays applies the kernel with torch's conv1d (a cross-correlation) to the
input left-padded by lim - 1 steps. Written here from that description with torch ops, float64.

Usage: dcls_delays.py in.json out.json
in.json: list of cases {"steps": T, "batch": B, "inputs": nIn, "size": n, "taps": lim,
         "sigma": SIG (0: the "max" version), "W": [nIn*n] (in x out), "P": [nIn*n] DCLS positions,
         "x": [T*B*nIn] time-major}
out.json: list of [T*B*n] currents, time-major.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def run(c):
    T, B, n_in, n, lim, sig = c["steps"], c["batch"], c["inputs"], c["size"], c["taps"], c["sigma"]
    W = torch.tensor(c["W"], dtype=torch.float64).reshape(n_in, n).T  # (out, in)
    P = torch.tensor(c["P"], dtype=torch.float64).reshape(n_in, n).T + lim // 2
    k = torch.arange(lim, dtype=torch.float64).reshape(lim, 1, 1)
    if sig > 0:
        g = torch.exp(-0.5 * ((k - P) / (abs(sig) + 0.27)) ** 2)
    else:
        g = torch.relu(1 - (k - P).abs())
    g = g / (g.sum(0) + 1e-7)
    K = (W * g).permute(1, 2, 0)  # (out, in, lim)
    x = torch.tensor(c["x"], dtype=torch.float64).reshape(T, B, n_in).permute(1, 2, 0)  # (B, in, T)
    out = F.conv1d(F.pad(x, (lim - 1, 0)), K)  # (B, out, T)
    return out.permute(2, 0, 1).reshape(-1).tolist()


cases = json.load(open(sys.argv[1]))
json.dump([run(c) for c in cases], open(sys.argv[2], "w"))
