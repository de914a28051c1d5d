"""The reference recipe of `npm run train`, in PyTorch, for the wall-time comparison in the README.

ConvNet1 on Fashion-MNIST (pixels scaled to [0, 1]), batch 100, 5 epochs, Adam(lr 1e-3) with the
rate annealed by a cosine over every step of the run, evaluation on the 10,000 test images after
each epoch. Run with Debian's python3-torch:

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/pytorch/train_reference.py --threads 2

Prints per-epoch test accuracy and the wall time of the whole run (data loading included).
"""

import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class ConvNet1(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, stride=1, padding=2)
        self.batch1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 5, stride=1, padding=2)
        self.batch2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.max_pool2d(torch.relu(self.batch1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.batch2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", default=os.environ.get("TSGRAD_DATA", DATA))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.perf_counter()

    def load(kind: str) -> tuple[torch.Tensor, torch.Tensor]:
        x = idx(f"{args.data}/{kind}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
        y = idx(f"{args.data}/{kind}-labels-idx1-ubyte.gz").astype(np.int64)
        return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)

    train_x, train_y = load("train")
    test_x, test_y = load("t10k")
    model = ConvNet1()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps = args.epochs * (len(train_x) // args.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        e0 = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_x))
        for i in range(0, len(order) - args.batch_size + 1, args.batch_size):
            b = order[i : i + args.batch_size]
            opt.zero_grad()
            loss_fn(model(train_x[b]), train_y[b]).backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            correct = sum(
                int((model(test_x[i : i + 1000]).argmax(1) == test_y[i : i + 1000]).sum())
                for i in range(0, len(test_x), 1000)
            )
        print(
            f"epoch {epoch}: test accuracy {100 * correct / len(test_x):.2f}% "
            f"({time.perf_counter() - e0:.1f} s)",
            flush=True,
        )
    print(f"wall time {time.perf_counter() - t0:.1f} s ({args.threads} threads)")


if __name__ == "__main__":
    main()
