"""PyTorch's Adam and SGD (momentum) on given parameters and per-step gradients, for neurolab's
optimiser test. Usage: torch_optim.py in.json out.json
in.json: {"params": [float], "grads": [[float] per step], "adam": {"lr", "betas", "eps"}, "sgd": {"lr", "momentum"}}
out.json: {"adam": [float], "sgd": [float]} (parameters after all steps, float32 as torch's default)."""
import json
import sys

import torch

spec = json.load(open(sys.argv[1]))
out = {}
for name in ("adam", "sgd"):
    p = torch.nn.Parameter(torch.tensor(spec["params"], dtype=torch.float32))
    o = spec[name]
    opt = torch.optim.Adam([p], lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"]) if name == "adam" else torch.optim.SGD([p], lr=o["lr"], momentum=o["momentum"])
    for g in spec["grads"]:
        p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
    out[name] = p.detach().tolist()
json.dump(out, open(sys.argv[2], "w"))
