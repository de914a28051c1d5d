import { allocate, type DType, type TypedArray } from "../../dtype.js";
import { isContiguous, numelOf } from "../../shape.js";
import type { View } from "../backend.js";

/**
 * The storage offset of every element of a strided view, in row-major order, or `null` when the
 * view is contiguous (element i then lives at `offset + i`).
 */
export function elementOffsets(v: View): Int32Array | null {
  if (isContiguous(v.shape, v.strides)) return null;
  const n = numelOf(v.shape);
  const out = new Int32Array(n);
  const nd = v.shape.length;
  const inner = v.shape[nd - 1]!;
  const innerStride = v.strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let base = v.offset;
  for (let p = 0; p < n; p += inner) {
    for (let j = 0, o = base; j < inner; j++, o += innerStride) out[p + j] = o;
    // advance the multi-index over all but the last dim
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      base += v.strides[d]!;
      if (idx[d]! < v.shape[d]!) break;
      base -= v.strides[d]! * v.shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Contiguous copy of a view, cast to `dtype` (bool casts to 0/1). */
export function contiguousCopy(v: View, dtype: DType): TypedArray {
  const n = numelOf(v.shape);
  const out = allocate(dtype, n);
  const src = v.data;
  const offs = elementOffsets(v);
  if (dtype === "bool") {
    if (offs) for (let i = 0; i < n; i++) out[i] = src[offs[i]!] ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = src[v.offset + i] ? 1 : 0;
  } else if (dtype === "int32" && (v.dtype === "float32" || v.dtype === "float64")) {
    // float → int truncates toward zero, like PyTorch
    if (offs) for (let i = 0; i < n; i++) out[i] = Math.trunc(src[offs[i]!]!);
    else for (let i = 0; i < n; i++) out[i] = Math.trunc(src[v.offset + i]!);
  } else if (offs) {
    for (let i = 0; i < n; i++) out[i] = src[offs[i]!]!;
  } else if (v.dtype === dtype) {
    (out as Float64Array).set((src as Float64Array).subarray(v.offset, v.offset + n));
  } else {
    for (let i = 0; i < n; i++) out[i] = src[v.offset + i]!;
  }
  return out;
}

/** The data of `v` as a contiguous array of its own dtype, copying only if needed. */
export function contiguousData(v: View): TypedArray {
  if (isContiguous(v.shape, v.strides)) {
    const n = numelOf(v.shape);
    return v.offset === 0 && v.data.length === n ? v.data : v.data.subarray(v.offset, v.offset + n);
  }
  return contiguousCopy(v, v.dtype);
}

/** Calls `fn(flat, idx)` for every position of `shape` in row-major order (idx is reused). */
export function forEachIndex(
  shape: readonly number[],
  fn: (flat: number, idx: number[]) => void,
): void {
  const n = numelOf(shape);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let p = 0; p < n; p++) {
    fn(p, idx);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}
