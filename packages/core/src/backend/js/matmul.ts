import { allocate, type TypedArray } from "../../dtype.js";
import type { View } from "../backend.js";
import { contiguousData } from "./strided.js";

/** Batched [B, M, K] × [B, K, N] → [B, M, N]; i-k-j order so the inner loop streams rows. */
export function matmul(a: View, b: View): TypedArray {
  const [B, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const A = contiguousData(a);
  const Bm = contiguousData(b);
  const out = allocate(a.dtype, B * M * N);
  const row = new Float64Array(N);
  for (let bt = 0; bt < B; bt++) {
    const ao = bt * M * K;
    const bo = bt * K * N;
    const oo = bt * M * N;
    for (let i = 0; i < M; i++) {
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const av = A[ao + i * K + k]!;
        if (av === 0) continue;
        const bRow = bo + k * N;
        for (let j = 0; j < N; j++) row[j]! += av * Bm[bRow + j]!;
      }
      for (let j = 0; j < N; j++) out[oo + i * N + j] = row[j]!;
    }
  }
  return out;
}
