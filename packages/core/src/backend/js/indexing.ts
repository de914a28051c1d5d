import { allocate, type TypedArray } from "../../dtype.js";
import { contiguousStrides, numelOf } from "../../shape.js";
import type { View } from "../backend.js";
import { contiguousCopy, contiguousData, forEachIndex } from "../strided.js";

/** Flat offset into a contiguous array of `strides` for `idx` with `idx[dim]` replaced by `at`. */
function offsetWith(
  idx: readonly number[],
  strides: readonly number[],
  dim: number,
  at: number,
): number {
  let o = 0;
  for (let d = 0; d < idx.length; d++) o += (d === dim ? at : idx[d]!) * strides[d]!;
  return o;
}

export function gather(x: View, dim: number, index: View): TypedArray {
  const xd = contiguousData(x);
  const xs = contiguousStrides(x.shape);
  const id = contiguousData(index);
  const out = allocate(x.dtype, numelOf(index.shape));
  forEachIndex(index.shape, (p, idx) => {
    out[p] = xd[offsetWith(idx, xs, dim, id[p]!)]!;
  });
  return out;
}

export function scatterAdd(x: View, dim: number, index: View, src: View): TypedArray {
  const out = contiguousCopy(x, x.dtype);
  const os = contiguousStrides(x.shape);
  const id = contiguousData(index);
  const sd = contiguousData(src);
  forEachIndex(index.shape, (p, idx) => {
    out[offsetWith(idx, os, dim, id[p]!)]! += sd[p]!;
  });
  return out;
}

/** [outer, size, inner] decomposition of a shape around `dim`. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim]!, numelOf(shape.slice(dim + 1))];
}

export function indexSelect(x: View, dim: number, index: View): TypedArray {
  const xd = contiguousData(x);
  const id = contiguousData(index);
  const [outer, size, inner] = around(x.shape, dim);
  const m = id.length;
  const out = allocate(x.dtype, outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * size + id[j]!) * inner;
      const dst = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = xd[src + i]!;
    }
  }
  return out;
}

export function indexAdd(x: View, dim: number, index: View, src: View): TypedArray {
  const out = contiguousCopy(x, x.dtype);
  const id = contiguousData(index);
  const sd = contiguousData(src);
  const [outer, size, inner] = around(x.shape, dim);
  const m = id.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * size + id[j]!) * inner;
      const s = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += sd[s + i]!;
    }
  }
  return out;
}
