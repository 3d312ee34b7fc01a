"""snnTorch side of "Linear + LIF, batch 16, 500 steps, 512 -> 512, one forward + backward"
(the Open Neuromorphic SNN library benchmark's configuration) on PyTorch CPU, one thread
(neurolab runs on one core). Input: Bernoulli spikes with probability `density` (argv[1]).
Loss: the sum of the output spikes. Prints {"seconds": forward + backward CPU time (median of 5 after
one warm-up), "wall_s", ...}."""
import json
import sys
import time

import torch
import snntorch as snn

torch.set_num_threads(1)
density = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
T, B, N = 500, 16, 512
torch.manual_seed(1)
x = (torch.rand(T, B, N) < density).float()
fc = torch.nn.Linear(N, N)
lif = snn.Leaky(beta=0.9)
times, cpus = [], []
for rep in range(6):
    c0, t0 = time.process_time(), time.perf_counter()
    mem = lif.init_leaky()
    total = 0
    for t in range(T):
        spk, mem = lif(fc(x[t]), mem)
        total = total + spk.sum()
    fc.zero_grad()
    total.backward()
    t1, c1 = time.perf_counter(), time.process_time()
    if rep > 0:
        times.append(t1 - t0)
        cpus.append(c1 - c0)
print(json.dumps({"seconds": sorted(cpus)[len(cpus) // 2], "wall_s": sorted(times)[len(times) // 2], "output_rate": float(total.detach()) / (T * B * N), "torch": torch.__version__}))
