import { allocate, dtypeOfArray, type DType, type TypedArray } from "../dtype.js";
import { isContiguous, numelOf } from "../shape.js";
import type { View } from "./backend.js";

/** A contiguous 1-D view over all of `data`, of its dtype (per-channel vectors for kernels). */
export function vectorView(data: TypedArray): View {
  return { data, dtype: dtypeOfArray(data), shape: [data.length], strides: [1], offset: 0 };
}

/**
 * Merges adjacent dims that every operand walks contiguously (e.g. a contiguous tensor and a
 * broadcast scalar collapse to one dim), so kernels run long inner loops.
 */
function collapseDims(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((st, k) => outStrides[k]![last] === st[d]! * size);
    if (mergeable) {
      outShape[last]! *= size;
      strides.forEach((st, k) => (outStrides[k]![last] = st[d]!));
    } else {
      outShape.push(size);
      strides.forEach((st, k) => outStrides[k]!.push(st[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    strides.forEach((_, k) => outStrides[k]!.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Walks `shape` row by row for several strided operands: `fn(offsets, n, innerStrides)` is called
 * once per innermost row with each operand's offset of the row's first element. `offsets` is
 * reused between calls.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  base: readonly number[],
  fn: (offsets: number[], n: number, inner: readonly number[]) => void,
): void {
  if (numelOf(shape) === 0) return;
  const c = collapseDims(shape, strides);
  const nd = c.shape.length;
  const n = c.shape[nd - 1]!;
  const inner = c.strides.map((st) => st[nd - 1]!);
  const offs = [...base];
  const idx = new Array<number>(nd).fill(0);
  const rows = numelOf(c.shape) / n;
  for (let r = 0; r < rows; r++) {
    fn(offs, n, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < c.shape[d]!) {
        c.strides.forEach((st, k) => (offs[k]! += st[d]!));
        break;
      }
      c.strides.forEach((st, k) => (offs[k]! -= st[d]! * (c.shape[d]! - 1)));
      idx[d] = 0;
    }
  }
}

/** Contiguous copy of a view, cast to `dtype` (bool casts to 0/1, float → int truncates). */
export function contiguousCopy(v: View, dtype: DType): TypedArray {
  const n = numelOf(v.shape);
  const out = allocate(dtype, n);
  const src = v.data;
  const toBool = dtype === "bool";
  const truncate = dtype === "int32" && (v.dtype === "float32" || v.dtype === "float64");
  if (!toBool && !truncate && v.dtype === dtype && isContiguous(v.shape, v.strides)) {
    (out as Float64Array).set((src as Float64Array).subarray(v.offset, v.offset + n));
    return out;
  }
  let o = 0;
  forEachRow(v.shape, [v.strides], [v.offset], (offs, len, inner) => {
    const s = inner[0]!;
    let p = offs[0]!;
    // `!== 0`, not truthiness: NaN casts to true, as in PyTorch
    if (toBool) for (let i = 0; i < len; i++, p += s) out[o++] = src[p] !== 0 ? 1 : 0;
    else if (truncate) for (let i = 0; i < len; i++, p += s) out[o++] = Math.trunc(src[p]!);
    else for (let i = 0; i < len; i++, p += s) out[o++] = src[p]!;
  });
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
