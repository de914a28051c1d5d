import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import { inside } from "../debug/observer.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { promoteTypes } from "../dtype.js";
import { normalizeDim, sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { mul } from "./binary.js";
import { to } from "./cast.js";
import { be, wrap } from "./helpers.js";
import { narrow, reshape, unsqueeze } from "./movement.js";
import { full, zeros } from "../creation.js";

/** Checks an index tensor's dtype and that every entry lies in [0, size) (negatives wrap). */
function checkIndex(op: string, index: Tensor, size: number, dim: number, input: Tensor): Tensor {
  if (index.dtype !== "int32") {
    throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  }
  const data = index.dataSync() as Int32Array;
  let wrapped: Int32Array | null = null;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -size || v >= size) {
      throw new IndexError(
        `${op}: index ${v} is out of range for dimension ${dim} with size ${size} (input ${fmtShape(input.shape)})`,
      );
    }
    if (v < 0) (wrapped ??= data.slice())[i] = v + size;
  }
  return wrapped ? wrap(wrapped, index.shape, "int32") : index;
}

function checkSameRank(op: string, x: Tensor, index: Tensor, dim: number): void {
  const bad = index.dim() !== x.dim() || index.shape.some((s, d) => d !== dim && s > x.shape[d]!);
  if (bad) {
    throw new ShapeError(
      `${op}: index ${fmtShape(index.shape)} must have the rank of input ${fmtShape(x.shape)} and no larger size outside dimension ${dim}`,
    );
  }
}

/** `out[i][j] = x[i][index[i][j]]` for dim 1 (and likewise for any dim). Shape: index.shape. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim("gather", dim, x.dim());
  checkSameRank("gather", x, index, d);
  const idx = checkIndex("gather", index, x.shape[d]!, d, x);
  const out = wrap(be().gather(x, d, idx), idx.shape, x.dtype);
  // d/dx gather = scatter the gradient back to where it came from
  const rule: BackwardRule = (g) => [
    scatterAdd(zeros(x.shape, { dtype: g.dtype }), d, idx, g),
    null,
  ];
  return recordOp("gather", [x, idx], out, rule, { dim: d });
}

/** A copy of `x` with `src[i][j]` added at `[i][index[i][j]]` (dim 1; likewise for any dim). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim("scatterAdd", dim, x.dim());
  checkSameRank("scatterAdd", x, index, d);
  if (!sameShape(index.shape, src.shape)) {
    throw new ShapeError(
      `scatterAdd: src ${fmtShape(src.shape)} must have the shape of index ${fmtShape(index.shape)}`,
    );
  }
  const idx = checkIndex("scatterAdd", index, x.shape[d]!, d, x);
  const s = src.dtype === x.dtype ? src : to(src, x.dtype);
  const out = wrap(be().scatterAdd(x, d, idx, s), x.shape, x.dtype);
  return recordOp("scatterAdd", [x, idx, s], out, (g) => [g, null, gather(g, d, idx)], { dim: d });
}

function check1d(op: string, index: Tensor): void {
  if (index.dim() !== 1)
    throw new ShapeError(`${op}: index must be 1-D, got shape ${fmtShape(index.shape)}`);
}

/** Entries `index` (1-D int32) of `x` along `dim`. Shape: x.shape with dim resized to index.numel(). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim("indexSelect", dim, x.dim());
  // a 0-d input acts as a 1-element vector, and the result stays 0-d (PyTorch)
  if (x.dim() === 0) return reshape(indexSelect(reshape(x, [1]), 0, index), []);
  check1d("indexSelect", index);
  const idx = checkIndex("indexSelect", index, x.shape[d]!, d, x);
  const shape = [...x.shape];
  shape[d] = idx.numel();
  const out = wrap(be().indexSelect(x, d, idx), shape, x.dtype);
  const rule: BackwardRule = (g) => [indexAdd(zeros(x.shape, { dtype: g.dtype }), d, idx, g), null];
  return recordOp("indexSelect", [x, idx], out, rule, { dim: d });
}

/** A copy of `x` with `alpha·source` added at rows `index` along `dim`. */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
  const d = normalizeDim("indexAdd", dim, x.dim());
  if (x.dim() === 0)
    return reshape(indexAdd(reshape(x, [1]), 0, index, reshape(source, [-1]), alpha), []);
  check1d("indexAdd", index);
  const want = [...x.shape];
  want[d] = index.numel();
  if (!sameShape(source.shape, want)) {
    throw new ShapeError(
      `indexAdd: source ${fmtShape(source.shape)} must have shape ${fmtShape(want)} for input ${fmtShape(x.shape)} and ${index.numel()} indices along dimension ${d}`,
    );
  }
  const idx = checkIndex("indexAdd", index, x.shape[d]!, d, x);
  let s = source.dtype === x.dtype ? source : to(source, x.dtype);
  if (alpha !== 1) s = mul(s, alpha);
  const out = wrap(be().indexAdd(x, d, idx, s), x.shape, x.dtype);
  // alpha is already folded into s
  return recordOp("indexAdd", [x, idx, s], out, (g) => [g, null, indexSelect(g, d, idx)], {
    dim: d,
  });
}

/** Concatenates tensors along `dim` (all other sizes must match). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("cat: expected a non-empty list of tensors");
  const first = tensors[0]!;
  const d = normalizeDim("cat", dim, first.dim());
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  for (const t of tensors) {
    if (t.dim() !== first.dim() || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(
        `cat: sizes must match except in dimension ${d}; got ${tensors.map((u) => fmtShape(u.shape)).join(", ")}`,
      );
    }
  }
  const ins = tensors.map((t) => (t.dtype === dtype ? t : to(t, dtype)));
  const shape = [...first.shape];
  shape[d] = ins.reduce((n, t) => n + t.shape[d]!, 0);
  const starts = ins.map((_, i) => ins.slice(0, i).reduce((n, t) => n + t.shape[d]!, 0));
  const out = inside("cat", () => {
    const o = zeros(shape, { dtype });
    ins.forEach((t, i) => be().assign(narrow(o, d, starts[i]!, t.shape[d]!), t));
    return o;
  });
  const rule: BackwardRule = (g) => ins.map((t, i) => narrow(g, d, starts[i]!, t.shape[d]!));
  return recordOp("cat", ins, out, rule, { dim: d });
}

/** Stacks same-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("stack: expected a non-empty list of tensors");
  const first = tensors[0]!;
  for (const t of tensors) {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: all tensors must have the same shape; got ${tensors.map((u) => fmtShape(u.shape)).join(", ")}`,
      );
    }
  }
  const d = normalizeDim("stack", dim, first.dim() + 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/**
 * Constant padding, PyTorch's `F.pad(x, pad, value)`: `pad` lists (before, after) pairs starting
 * from the last dim, e.g. `[left, right, top, bottom]`. Sizes must be non-negative.
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  if (
    padding.length % 2 !== 0 ||
    padding.length / 2 > x.dim() ||
    padding.some((p) => !Number.isInteger(p) || p < 0)
  ) {
    throw new ShapeError(
      `pad: padding ${fmtShape(padding)} must be non-negative integer pairs for at most ${x.dim()} dims of input ${fmtShape(x.shape)}`,
    );
  }
  const shape = [...x.shape];
  const before = new Array<number>(x.dim()).fill(0);
  for (let k = 0; k < padding.length / 2; k++) {
    const d = x.dim() - 1 - k;
    before[d] = padding[2 * k]!;
    shape[d] = shape[d]! + padding[2 * k]! + padding[2 * k + 1]!;
  }
  const crop = (g: Tensor): Tensor => before.reduce((t, b, d) => narrow(t, d, b, x.shape[d]!), g);
  const out = inside("pad", () => {
    const o = full(shape, value, { dtype: x.dtype });
    be().assign(crop(o), x);
    return o;
  });
  return recordOp("pad", [x], out, (g) => [crop(g)], { padding, value });
}
