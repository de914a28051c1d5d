import { allocate, type TypedArray } from "../../dtype.js";
import type { View } from "../backend.js";
import { gemm } from "./gemm.js";

/**
 * Batched [B, M, K] × [B, K, N] → [B, M, N] through the blocked {@link gemm}, reading both
 * operands through their strides (transposed and broadcast views need no copy). Accumulates in
 * float64; float64 output is written in place, other dtypes are converted once at the end.
 */
export function matmul(a: View, b: View): TypedArray {
  const [B, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const out = allocate(a.dtype, B * M * N);
  const c = out instanceof Float64Array ? out : new Float64Array(B * M * N);
  for (let bt = 0; bt < B; bt++) {
    gemm(
      M,
      N,
      K,
      {
        data: a.data,
        offset: a.offset + bt * a.strides[0]!,
        rowStride: a.strides[1]!,
        colStride: a.strides[2]!,
      },
      {
        data: b.data,
        offset: b.offset + bt * b.strides[0]!,
        rowStride: b.strides[1]!,
        colStride: b.strides[2]!,
      },
      c,
      bt * M * N,
      N,
    );
  }
  if (c !== out) out.set(c);
  return out;
}
