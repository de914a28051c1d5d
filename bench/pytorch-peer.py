"""PyTorch peer for bench/convnet-step.ts: times training steps of the reference convnet.

Usage: /usr/bin/python3 bench/pytorch-peer.py --batch 100 --steps 10 --warmup 2 --threads 2
Prints one line `BENCH-RESULT {json}` (bench/protocol.ts). Run it with OPENBLAS_NUM_THREADS set
to the thread count (the bench does this): Debian's OpenBLAS ignores torch.set_num_threads
otherwise.
"""
import argparse
import json
import resource
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--batch", type=int, default=100)
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 5, 1, 2), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 5, 1, 2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(args.batch, 1, 28, 28)
y = torch.randint(0, 10, (args.batch,))


def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


for _ in range(args.warmup):
    step()
t0 = time.perf_counter()
for _ in range(args.steps):
    step()
seconds = time.perf_counter() - t0
result = {
    "kind": "step",
    "ran": f"PyTorch {torch.__version__}, torch.get_num_threads() = {torch.get_num_threads()}",
    "samplesPerSecond": args.batch * args.steps / seconds,
    "steps": args.steps,
    "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
}
print("BENCH-RESULT " + json.dumps(result))
