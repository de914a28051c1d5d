import { contiguousStrides, numelOf } from "../../shape.js";
import type { PartialBackend, View } from "../backend.js";
import type { WasmRuntime } from "./runtime.js";

/** A view copied into the arena: the address of its element 0 and its strides (in elements). */
interface Placed {
  readonly address: number;
  readonly strides: readonly number[];
}

/**
 * Copies `v` into the arena. A view whose elements fill most of the range they span (contiguous,
 * transposed, sliced or broadcast) is copied as that one block and keeps its strides, so the GEMM
 * reads a transpose without reordering it; a sparse view is copied in row-major order.
 */
function place(rt: WasmRuntime, v: View): Placed {
  let lo = 0;
  let hi = 0;
  v.shape.forEach((d, i) => {
    const reach = v.strides[i]! * (d - 1);
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  const n = numelOf(v.shape);
  if (n > 0 && hi - lo < 2 * n) {
    const data = v.data as Float32Array;
    const at = rt.arena.put(data.subarray(v.offset + lo, v.offset + hi + 1));
    return { address: at - 4 * lo, strides: v.strides };
  }
  return { address: rt.put(v), strides: contiguousStrides(v.shape) };
}

/**
 * Multiply-adds of GEMM work per unit of the runtime's split threshold (which counts elementwise
 * element visits): one SIMD multiply-add costs about 1/16 of an element visit, so products split
 * across threads from about 2²² multiply-adds (160³), where splitting starts to pay.
 */
export const MADDS_PER_WORK = 16;

/** Bytes of GEMM scratch one thread needs (packed panels of both operands). */
export function gemmScratchBytes(rt: WasmRuntime): number {
  return rt.exports["gemmScratchBytes"]!();
}

/**
 * Batched matrix product in the packed SIMD GEMM. Operands keep their strides (transposed and
 * broadcast views are not reordered); the work is dealt to the threads as tiles of output rows,
 * or of columns when N has more tiles than M, so every thread count gives the same bits.
 */
export function matmulKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  const scratchBytes = gemmScratchBytes(rt);
  return {
    matmul(a, b) {
      const [B, M, K] = a.shape as [number, number, number];
      const N = b.shape[2]!;
      if (B * M * N === 0) return new Float32Array(0);
      return rt.arena.scope(() => {
        const pa = place(rt, a);
        const pb = place(rt, b);
        const c = rt.arena.alloc(B * M * N * 4);
        const slots = rt.threads;
        const scratch = rt.arena.alloc(slots * scratchBytes);
        const splitCols = Math.ceil(N / 8) > Math.ceil(M / 4) ? 1 : 0;
        const [sab, ars, acs] = pa.strides as [number, number, number];
        const [sbb, brs, bcs] = pb.strides as [number, number, number];
        const args = [B, M, N, K, pa.address, sab, ars, acs, pb.address, sbb, brs, bcs, c];
        const work = (B * M * N * K) / MADDS_PER_WORK;
        rt.split("matmulF32", [...args, scratch, slots, splitCols], slots, work);
        return rt.takeF32(c, B * M * N);
      });
    },
  };
}
