"""snnTorch side of "Braille, one training epoch" on PyTorch CPU, one thread: the same data and
preprocessing (SpyTorch tutorial 5), Linear(4, 200) + RSynaptic (all-to-all, tau_mem 20 ms,
tau_syn 10 ms at dt 1 ms, reset by subtraction), Linear(200, 27) + a non-resetting Leaky readout,
max over time, cross-entropy, Adam lr 2e-3, batch 64. argv: epochs (default 1), seed (default 1).
Prints {"seconds": CPU time (process_time) of the epoch, or with several epochs the mean of those
after the first, "total_s", "epoch_s" (each epoch's), "wall_s" (all epochs), "train_accuracy",
"test_accuracy"}."""
import gzip
import json
import math
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import torch
import snntorch as snn

torch.set_num_threads(1)
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.manual_seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
here = Path(__file__).resolve().parent
mirror = os.environ.get("NEUROLAB_DATA_MIRROR", str(here.parents[2] / "shared" / "data")).split(os.pathsep)[0]
trials = pickle.load(gzip.open(Path(mirror) / "spiking" / "tutorial5_braille_spiking_data.pkl.gz", "rb"))
letters = ["Space"] + [chr(ord("A") + k) for k in range(26)]
raw = [1.0 - t["taxel_data"][:] / 255 for t in trials]
steps = min(len(r) for r in raw)
x = torch.tensor(np.array([r[:steps] for r in raw]), dtype=torch.float)[:, :, [1, 2, 6, 10]]
flat = x.reshape((-1, 4))
x = ((x - flat.mean(0)) / (flat.std(0) + 1e-3)).repeat_interleave(2, dim=1)
y = torch.tensor([letters.index(t["letter"]) for t in trials])
perm = torch.from_numpy(np.random.default_rng(42).permutation(len(y)))
x_train, y_train, x_test, y_test = x[perm[:1080]], y[perm[:1080]], x[perm[1080:]], y[perm[1080:]]
beta, alpha = math.exp(-1 / 20), math.exp(-1 / 10)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 200)
        torch.nn.init.normal_(self.fc1.weight, std=1 / math.sqrt(4))
        torch.nn.init.zeros_(self.fc1.bias)
        self.lif1 = snn.RSynaptic(alpha=alpha, beta=beta, all_to_all=True, linear_features=200)
        torch.nn.init.normal_(self.lif1.recurrent.weight, std=0.03 / math.sqrt(200))
        torch.nn.init.zeros_(self.lif1.recurrent.bias)
        self.fc2 = torch.nn.Linear(200, 27)
        torch.nn.init.normal_(self.fc2.weight, std=1 / math.sqrt(200))
        torch.nn.init.zeros_(self.fc2.bias)
        self.out = snn.Leaky(beta=beta, reset_mechanism="none")

    def forward(self, xb):  # xb: batch x steps x 4
        spk, syn, mem = self.lif1.init_rsynaptic()
        mem2 = self.out.init_leaky()
        outs = []
        for t in range(xb.shape[1]):
            spk, syn, mem = self.lif1(self.fc1(xb[:, t]), spk, syn, mem)
            _, mem2 = self.out(self.fc2(spk), mem2)
            outs.append(mem2)
        return torch.stack(outs).max(0).values


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
loss_fn = torch.nn.CrossEntropyLoss()
c0, t0 = time.process_time(), time.perf_counter()
epoch_ends = []
for epoch in range(epochs):
    order = torch.randperm(len(y_train))
    correct = 0
    for k in range(0, len(order), 64):
        idx = order[k:k + 64]
        out = net(x_train[idx])
        loss = loss_fn(out, y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        correct += int((out.argmax(1) == y_train[idx]).sum())
    epoch_ends.append(time.process_time())
seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
epoch_s = [b - a for a, b in zip([c0] + epoch_ends[:-1], epoch_ends)]
# per epoch: the one epoch, or the mean of the epochs after the first (steady state)
per_epoch = epoch_s[0] if epochs == 1 else sum(epoch_s[1:]) / (epochs - 1)
with torch.no_grad():
    test_acc = float((net(x_test).argmax(1) == y_test).float().mean())
print(json.dumps({"seconds": per_epoch, "total_s": cpu_s, "epoch_s": epoch_s, "wall_s": seconds, "epochs": epochs, "train_accuracy": correct / len(y_train), "test_accuracy": test_acc, "torch": torch.__version__}))
