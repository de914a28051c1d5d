import { allocate, type DType, type TypedArray } from "../../dtype.js";
import { numelOf } from "../../shape.js";
import type { ReduceOp, View } from "../backend.js";
import { contiguousCopy, contiguousData } from "../strided.js";

/** Moves `axes` to the end and returns contiguous data as [outer, inner] blocks. */
function reducedLast(
  x: View,
  axes: readonly number[],
): { data: TypedArray; outer: number; inner: number } {
  const nd = x.shape.length;
  const keep = [...Array(nd).keys()].filter((d) => !axes.includes(d));
  const order = [...keep, ...axes];
  const inner = numelOf(axes.map((d) => x.shape[d]!));
  const outer = numelOf(keep.map((d) => x.shape[d]!));
  const alreadyLast = order.every((d, i) => d === i);
  const view: View = alreadyLast
    ? x
    : {
        data: x.data,
        dtype: x.dtype,
        offset: x.offset,
        shape: order.map((d) => x.shape[d]!),
        strides: order.map((d) => x.strides[d]!),
      };
  const data = alreadyLast ? contiguousData(view) : contiguousCopy(view, x.dtype);
  return { data, outer, inner };
}

/** Sum / product / max / min over `axes`. */
export function reduce(
  op: ReduceOp,
  x: View,
  axes: readonly number[],
  outDtype: DType,
): TypedArray {
  const { data, outer, inner } = reducedLast(x, axes);
  const out = allocate(outDtype, outer);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        for (let i = 0; i < inner; i++) acc += data[base + i]!;
        break;
      case "prod":
        acc = 1;
        for (let i = 0; i < inner; i++) acc *= data[base + i]!;
        break;
      case "max":
        acc = -Infinity;
        for (let i = 0; i < inner; i++) {
          const v = data[base + i]!;
          if (v > acc || Number.isNaN(v)) acc = v;
          if (Number.isNaN(acc)) break;
        }
        break;
      case "min":
        acc = Infinity;
        for (let i = 0; i < inner; i++) {
          const v = data[base + i]!;
          if (v < acc || Number.isNaN(v)) acc = v;
          if (Number.isNaN(acc)) break;
        }
        break;
    }
    out[o] = acc;
  }
  return out;
}

/** Max or min along one axis, with the index of the first extreme element. */
export function argReduce(
  op: "max" | "min",
  x: View,
  axis: number,
): { values: TypedArray; indices: Int32Array } {
  const { data, outer, inner } = reducedLast(x, [axis]);
  const values = allocate(x.dtype, outer);
  const indices = new Int32Array(outer);
  const sign = op === "max" ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let best = data[base]!;
    let bi = 0;
    for (let i = 1; i < inner && !Number.isNaN(best); i++) {
      const v = data[base + i]!;
      if (sign * (v - best) > 0 || Number.isNaN(v)) {
        best = v;
        bi = i;
      }
    }
    values[o] = best;
    indices[o] = bi;
  }
  return { values, indices };
}
