import type { PartialBackend } from "../backend.js";
import { place } from "./operands.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Multiply-adds of GEMM work per unit of the runtime's split threshold (which counts elementwise
 * element visits): products split across threads from 2²⁴ multiply-adds (256³; the convnet's
 * first conv, 3.1·10⁷, splits), where splitting pays on this machine.
 */
export const MADDS_PER_WORK = 4;

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
      if (B * M * N * K === 0) return new Float32Array(B * M * N);
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
