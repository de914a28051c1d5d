import type { View } from "../backend/backend.js";
import { getBackend } from "../backend/registry.js";
import { allocate, scalarDType, type DType, type TypedArray } from "../dtype.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { tensorFromData } from "../tensor-factory.js";

/** The active backend (a function, so `setBackend` takes effect immediately). */
export const be = getBackend;

/** Wraps a fresh contiguous array as a tensor. */
export function wrap(data: TypedArray, shape: readonly number[], dtype?: DType): Tensor {
  return tensorFromData(data, shape, dtype);
}

/** A 0-d tensor holding `value` with the dtype a number takes next to a tensor of `dtype`. */
export function scalar(value: number, dtype: DType): Tensor {
  const d = scalarDType(dtype, value);
  const data = allocate(d, 1);
  data[0] = value;
  return wrap(data, [], d);
}

/** Numbers become 0-d tensors next to `like`; tensors pass through. */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  return typeof x === "number" ? scalar(x, like.dtype) : x;
}

/** A stride-0 broadcast view of `t` at `shape` (which must be broadcast-compatible). */
export function broadcastView(t: View, shape: readonly number[]): View {
  const lead = shape.length - t.shape.length;
  const strides = shape.map((s, i) => {
    const j = i - lead;
    if (j < 0) return 0;
    return t.shape[j] === 1 && s !== 1 ? 0 : t.strides[j]!;
  });
  return { data: t.data, dtype: t.dtype, shape, strides, offset: t.offset };
}
