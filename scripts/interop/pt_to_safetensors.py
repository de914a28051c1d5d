"""Convert a PyTorch checkpoint (.pt / .pth state dict) into a safetensors file for tsgrad.

PyTorch 1.13 (Debian's python3-torch) has no safetensors library, so this script writes the
format itself, exactly as its specification describes:

    8 bytes    N, the header length, unsigned little-endian 64-bit
    N bytes    UTF-8 JSON: {"__metadata__": {str: str}, "name": {"dtype": "F32",
               "shape": [16, 1, 5, 5], "data_offsets": [begin, end]}, ...}, padded with spaces
               so the data starts at a multiple of 8 bytes
    the rest   every tensor's bytes, C order, little-endian, at data_offsets relative to the
               start of this buffer, which they cover exactly (no holes, no overlaps)

Usage (from the repository root):

    /usr/bin/python3 scripts/interop/pt_to_safetensors.py model.pth model.safetensors
    /usr/bin/python3 scripts/interop/pt_to_safetensors.py ckpt.pt out.safetensors --key model_state_dict

The input may be a state dict or a dict holding the state dict under --key (e.g. "state_dict",
"model_state_dict"); it is unpickled with torch.load(weights_only=True), which refuses arbitrary
code. A whole pickled nn.Module needs --full-pickle (only for files you trust: unpickling can run
code); its state_dict() is taken. Supported dtypes:
float32 (F32), float64 (F64), int32 (I32), int64 (I64), bool (BOOL); float16 / bfloat16 are
converted to float32 with --cast-half, anything else is an error. tsgrad reads I64 into int32
(with a range check) and writes it back as I64, so BatchNorm's num_batches_tracked round-trips.
Load it in TypeScript with

    import { loadSafetensors } from "@tsgrad/nn/node";
    model.loadStateDict(loadSafetensors("model.safetensors").tensors);

The file is written atomically (temporary file in the same directory, then rename).
"""

import argparse
import json
import os
import struct
import sys
import tempfile
from collections import OrderedDict

import numpy as np
import torch

# torch dtype -> (safetensors dtype, little-endian numpy dtype)
DTYPES = {
    torch.float32: ("F32", "<f4"),
    torch.float64: ("F64", "<f8"),
    torch.int32: ("I32", "<i4"),
    torch.int64: ("I64", "<i8"),
    torch.bool: ("BOOL", "|b1"),
}
NUMPY_OF = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "BOOL": "|b1"}
TORCH_OF = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32,
            "I64": torch.int64, "BOOL": torch.bool}


def to_bytes(name, t, cast_half=False):
    """(safetensors dtype, C-order little-endian bytes) of one tensor."""
    t = t.detach().cpu()
    if t.dtype in (torch.float16, torch.bfloat16) and cast_half:
        t = t.float()
    if t.dtype not in DTYPES:
        raise SystemExit(f"error: tensor {name!r} has unsupported dtype {t.dtype} "
                         "(use --cast-half for float16/bfloat16)")
    code, np_dtype = DTYPES[t.dtype]
    return code, np.ascontiguousarray(t.numpy().astype(np_dtype)).tobytes()


def serialize(tensors, metadata=None, cast_half=False):
    """The bytes of a safetensors file holding `tensors` (an ordered name -> tensor mapping)."""
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name, t in tensors.items():
        code, data = to_bytes(name, t, cast_half)
        header[name] = {"dtype": code, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # data starts 8-byte aligned
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_atomic(path, data):
    """Write `data` to `path` via a temporary file in the same directory and a rename."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".safetensors")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_file(tensors, path, metadata=None, cast_half=False):
    write_atomic(path, serialize(tensors, metadata, cast_half))


def load_file(path):
    """(OrderedDict name -> torch tensor, metadata, dtypes) from a safetensors file, validated."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    buf = raw[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    spans, tensors, dtypes = [], OrderedDict(), OrderedDict()
    for name, info in header.items():
        code, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if code not in NUMPY_OF:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {code}")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - begin != count * np.dtype(NUMPY_OF[code]).itemsize or end > len(buf):
            raise ValueError(f"{path}: tensor {name!r} has bad data_offsets {[begin, end]}")
        arr = np.frombuffer(buf[begin:end], dtype=NUMPY_OF[code]).reshape(shape)
        tensors[name] = torch.from_numpy(arr.copy())
        dtypes[name] = code
        spans.append((begin, end))
    cursor = 0
    for begin, end in sorted(spans):
        if begin != cursor:
            raise ValueError(f"{path}: data buffer has a hole or overlap at byte {cursor}")
        cursor = end
    if cursor != len(buf):
        raise ValueError(f"{path}: data buffer has {len(buf) - cursor} uncovered bytes")
    return tensors, metadata, dtypes


def extract_state_dict(obj, key=None):
    if key is not None:
        obj = obj[key]
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise SystemExit(f"error: expected a state dict, got {type(obj).__name__} "
                         "(use --key to pick one out of a checkpoint dict)")
    bad = [k for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise SystemExit(f"error: entries are not tensors: {bad[:5]} "
                         "(is this a checkpoint dict? use --key)")
    return obj


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help=".pt / .pth file")
    ap.add_argument("output", help=".safetensors file to write")
    ap.add_argument("--key", help="take the state dict from this entry of a checkpoint dict")
    ap.add_argument("--cast-half", action="store_true", help="store float16/bfloat16 as F32")
    ap.add_argument("--full-pickle", action="store_true",
                    help="allow arbitrary pickles such as whole modules (trusted files only)")
    args = ap.parse_args(argv)
    obj = torch.load(args.input, map_location="cpu", weights_only=not args.full_pickle)
    sd = extract_state_dict(obj, args.key)
    save_file(sd, args.output, {"format": "pt", "source": os.path.basename(args.input)},
              args.cast_half)
    print(f"wrote {len(sd)} tensors to {args.output}")


if __name__ == "__main__":
    sys.exit(main())
