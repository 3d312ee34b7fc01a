"""Forward pass of a stack of snnTorch layers on given weights and inputs (neurolab's train test).

Usage: snntorch_forward.py in.json out.json
in.json: a list of cases, each {"steps": T, "batch": B, "inputs": n, "x": [T*B*n] time-major,
          "layers": [{"kind": "leaky"|"synaptic"|"rleaky", "size", "beta", "alpha", "threshold",
                      "reset": "subtract"|"zero"|"none", "W": [n_in*size] row-major (in x out), "b": [size],
                      "V": [size*size] (in x out)}]}
out.json: a list of results, each {"layers": [{"spk": [T*B*size], "mem": [T*B*size]}]}
Everything in float32 (torch's default), the layers' default surrogate (irrelevant to the forward pass).
"""
import json
import sys

import torch
import snntorch as snn

torch.set_num_threads(1)


def run(spec):
    T, B, n = spec["steps"], spec["batch"], spec["inputs"]
    x = torch.tensor(spec["x"], dtype=torch.float32).reshape(T, B, n)
    out = []
    n_in = n
    with torch.no_grad():
        for layer in spec["layers"]:
            size = layer["size"]
            fc = torch.nn.Linear(n_in, size)
            fc.weight.copy_(torch.tensor(layer["W"], dtype=torch.float32).reshape(n_in, size).T)
            fc.bias.copy_(torch.tensor(layer["b"], dtype=torch.float32))
            kind = layer["kind"]
            common = dict(beta=layer["beta"], threshold=layer["threshold"], reset_mechanism=layer["reset"])
            if kind == "leaky":
                neuron = snn.Leaky(**common)
                state = neuron.init_leaky()
            elif kind == "synaptic":
                neuron = snn.Synaptic(alpha=layer["alpha"], **common)
                syn, mem = neuron.init_synaptic()
            elif kind == "rleaky":
                neuron = snn.RLeaky(linear_features=size, all_to_all=True, **common)
                neuron.recurrent.weight.copy_(torch.tensor(layer["V"], dtype=torch.float32).reshape(size, size).T)
                neuron.recurrent.bias.zero_()
                spk, mem = neuron.init_rleaky()
            else:
                raise ValueError(f"unknown layer kind {kind!r}")
            spks, mems = [], []
            for t in range(T):
                cur = fc(x[t])
                if kind == "leaky":
                    spk, state = neuron(cur, state)
                    mem = state
                elif kind == "synaptic":
                    spk, syn, mem = neuron(cur, syn, mem)
                else:
                    spk, mem = neuron(cur, spk, mem)
                spks.append(spk.clone())
                mems.append(mem.clone())
            s = torch.stack(spks)
            out.append({"spk": s.flatten().tolist(), "mem": torch.stack(mems).flatten().tolist()})
            x = s
            n_in = size
    return {"layers": out}


def main():
    cases = json.load(open(sys.argv[1]))
    json.dump([run(spec) for spec in cases], open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
