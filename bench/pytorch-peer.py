"""PyTorch peer for bench/convnet-step.ts: times training steps of the article's convnet.

Usage: /usr/bin/python3 bench/pytorch-peer.py BATCH STEPS THREADS  → prints samples/s as JSON.
Run with OPENBLAS_NUM_THREADS set to THREADS (the bench does this), since Debian's OpenBLAS
ignores torch.set_num_threads otherwise.
"""
import json
import sys
import time

import torch
from torch import nn

batch, steps, threads = (int(a) for a in sys.argv[1:4])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 5, 1, 2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 5, 1, 2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(batch, 1, 28, 28)
y = torch.randint(0, 10, (batch,))


def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


step()  # warm-up
t0 = time.perf_counter()
for _ in range(steps):
    step()
seconds = time.perf_counter() - t0
print(json.dumps({"samplesPerSecond": batch * steps / seconds}))
