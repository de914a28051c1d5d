"""Scores a tsgrad `model.safetensors` (e.g. from `npm run train`) in PyTorch on the Fashion-MNIST
test set: a check that the weights mean the same thing in both frameworks.

    /usr/bin/python3 scripts/pytorch/score_model.py runs/fashion-mnist-convnet/model.safetensors
"""

import json
import struct
import sys

import numpy as np
import torch

from train_reference import DATA, ConvNet1, idx

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def load_safetensors(path: str) -> dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    body = raw[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def main() -> None:
    model = ConvNet1()
    model.load_state_dict(load_safetensors(sys.argv[1]))
    model.eval()
    x = torch.from_numpy(idx(f"{DATA}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0)
    y = torch.from_numpy(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    with torch.no_grad():
        pred = torch.cat([model(x[i : i + 1000].unsqueeze(1)).argmax(1) for i in range(0, 10000, 1000)])
    print(f"PyTorch test accuracy of {sys.argv[1]}: {100 * float((pred == y).float().mean()):.2f}%")


if __name__ == "__main__":
    main()
