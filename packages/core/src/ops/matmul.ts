import { recordOp } from "../autograd/define-op.js";
import type { View } from "../backend/backend.js";
import { promoteTypes } from "../dtype.js";
import { ShapeError, fmtShape } from "../errors.js";
import { broadcastShapes, numelOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { to } from "./cast.js";
import { be, wrap } from "./helpers.js";
import { expand, reshape, squeeze, transpose, unsqueeze } from "./movement.js";

/** Batched matrix product of 3-D tensors: [B, M, K] × [B, K, N] → [B, M, N]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3 || b.dim() !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeError(`bmm: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}`);
  }
  const out = wrap(be().matmul(a, b), [a.shape[0]!, a.shape[1]!, b.shape[2]!], a.dtype);
  // d/dA (A·B) = G·Bᵀ;  d/dB (A·B) = Aᵀ·G
  return recordOp("bmm", [a, b], out, (g, c) => [
    a.requiresGrad ? bmm(g, transpose(c.input(1), 1, 2)) : null,
    b.requiresGrad ? bmm(transpose(c.input(0), 1, 2), g) : null,
  ]);
}

/** A 2-D view as a batch of one, for the batched kernel (a view object, not a tensor). */
function batchOfOne(t: Tensor): View {
  return {
    data: t.data,
    dtype: t.dtype,
    shape: [1, ...t.shape],
    strides: [0, ...t.strides],
    offset: t.offset,
  };
}

/**
 * Product of 2-D tensors of one dtype, [M, K] × [K, N] → [M, N], recorded as one node (PyTorch's
 * `mm`): the common case of `matmul` without the views a batched product needs around it.
 */
function mm(a: Tensor, b: Tensor): Tensor {
  const out = wrap(be().matmul(batchOfOne(a), batchOfOne(b)), [a.shape[0]!, b.shape[1]!], a.dtype);
  // d/dA (A·B) = G·Bᵀ;  d/dB (A·B) = Aᵀ·G
  return recordOp("mm", [a, b], out, (g, c) => [
    a.requiresGrad ? mm(g, transpose(c.input(1), 0, 1)) : null,
    b.requiresGrad ? mm(transpose(c.input(0), 0, 1), g) : null,
  ]);
}

/**
 * Matrix product with PyTorch's rules: 1-D operands are promoted to a row (left) or column
 * (right) and the added dim removed afterwards; batch dims broadcast.
 * Shape: [..., M, K] × [..., K, N] → [..., M, N].
 */
export function matmul(x: Tensor, y: Tensor): Tensor {
  if (x.dim() === 0 || y.dim() === 0) {
    throw new ShapeError(
      `matmul: both arguments need at least 1 dimension, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`,
    );
  }
  const dtype = promoteTypes(x.dtype, y.dtype);
  let a = x.dtype === dtype ? x : to(x, dtype);
  let b = y.dtype === dtype ? y : to(y, dtype);
  const aVec = a.dim() === 1;
  const bVec = b.dim() === 1;
  if (aVec) a = unsqueeze(a, 0);
  if (bVec) b = unsqueeze(b, 1);
  const [M, K] = a.shape.slice(-2) as [number, number];
  const [K2, N] = b.shape.slice(-2) as [number, number];
  if (K !== K2) {
    throw new ShapeError(
      `matmul: inner dimensions do not match: ${fmtShape(x.shape)} @ ${fmtShape(y.shape)} (${K} vs ${K2})`,
    );
  }
  let out: Tensor;
  if (a.dim() === 2 && b.dim() === 2) {
    out = mm(a, b);
  } else {
    const op = `matmul: batch dimensions of ${fmtShape(x.shape)} @ ${fmtShape(y.shape)}`;
    const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
    const B = numelOf(batch);
    const a3 = reshape(expand(a, [...batch, M, K]), [B, M, K]);
    const b3 = reshape(expand(b, [...batch, K, N]), [B, K, N]);
    out = reshape(bmm(a3, b3), [...batch, M, N]);
  }
  if (aVec) out = squeeze(out, -2);
  if (bVec) out = squeeze(out, -1);
  return out;
}
