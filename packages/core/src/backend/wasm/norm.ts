import type { PartialBackend, View } from "../backend.js";
import { contiguousCopy } from "../strided.js";
import { takeOut, type WasmRuntime } from "./runtime.js";

/** [N, C, L] of an [N, C, ...] shape. */
function ncl(shape: readonly number[]): [number, number, number] {
  let l = 1;
  for (let i = 2; i < shape.length; i++) l *= shape[i]!;
  return [shape[0]!, shape[1]!, l];
}

/** A per-channel vector as float64, or a constant fill when absent. */
function perChannel(v: View | null, c: number, fill: number): Float64Array {
  return v ? (contiguousCopy(v, "float64") as Float64Array) : new Float64Array(c).fill(fill);
}

/** Copies float64 values into fresh arena space and returns the address. */
function putF64(rt: WasmRuntime, values: Float64Array): number {
  const at = rt.arena.alloc(values.byteLength);
  new Float64Array(rt.arena.memory.buffer, at, values.length).set(values);
  return at;
}

/** `n` float64 values at `address`, copied out of the arena. */
function takeF64(rt: WasmRuntime, address: number, n: number): Float64Array {
  return takeOut(rt.arena.memory, address, n, Float64Array);
}

/**
 * Runs batchNormForwardF32 over x [N, C, L] at `src` in the arena: `(x − mean)·invstd·weight +
 * bias` with the per-channel vectors rounded to float32 (the scale after its float64 product).
 * Returns the output's address.
 */
function normalize(
  rt: WasmRuntime,
  src: number,
  [N, C, L]: [number, number, number],
  mean: Float64Array,
  invstd: Float64Array,
  weight: View | null,
  bias: View | null,
): number {
  const w = perChannel(weight, C, 1);
  const scale = Float32Array.from(invstd, (s, c) => s * w[c]!);
  const n = N * C * L;
  const out = rt.arena.alloc(n * 4);
  const m = rt.arena.put(Float32Array.from(mean));
  const sc = rt.arena.put(scale);
  const b = rt.arena.put(Float32Array.from(perChannel(bias, C, 0)));
  rt.split("batchNormForwardF32", [src, out, m, sc, b, C, L], N * C, n);
  return out;
}

/**
 * Batch-norm kernels over float32 [N, C, L] data. Statistics and backward split over channels,
 * so each per-channel sum is one thread's, in one order (the same for any thread count); the
 * backward is fused: one pass for Σg and Σg·(x − μ), one for gradInput, per channel while its
 * data is in cache.
 */
export function normKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  return {
    batchNormForward(x, mean, invstd, weight, bias) {
      const [N, C, L] = ncl(x.shape);
      const is = perChannel(invstd, C, 1);
      return rt.arena.scope(() => {
        const out = normalize(rt, rt.put(x), [N, C, L], perChannel(mean, C, 0), is, weight, bias);
        return rt.takeF32(out, N * C * L);
      });
    },

    batchNormTraining(x, weight, bias, eps) {
      const [N, C, L] = ncl(x.shape);
      return rt.arena.scope(() => {
        // x copied in once for the statistics and the output
        const src = rt.put(x);
        const mean = rt.arena.alloc(C * 8);
        const variance = rt.arena.alloc(C * 8);
        rt.split("batchNormStatsF32", [src, mean, variance, N, C, L], C, 2 * N * C * L);
        const m = takeF64(rt, mean, C);
        const v = takeF64(rt, variance, C);
        const is = v.map((s) => 1 / Math.sqrt(s + eps));
        const out = normalize(rt, src, [N, C, L], m, is, weight, bias);
        return { output: rt.takeF32(out, N * C * L), mean: m, variance: v, invstd: is };
      });
    },

    batchNormBackward(grad, x, mean, invstd, weight, training, into) {
      if (into && !(into instanceof Float32Array)) return null;
      const [N, C, L] = ncl(x.shape);
      const params = new Float64Array(3 * C);
      params.set(perChannel(mean, C, 0), 0);
      params.set(perChannel(invstd, C, 1), C);
      params.set(perChannel(weight, C, 1), 2 * C);
      const n = N * C * L;
      return rt.arena.scope(() => {
        const g = rt.put(grad);
        const src = rt.put(x);
        const gi = rt.arena.alloc(n * 4);
        const gw = rt.arena.alloc(C * 4);
        const gb = rt.arena.alloc(C * 4);
        const pa = putF64(rt, params);
        const args = [g, src, gi, gw, gb, pa, N, C, L, training ? 1 : 0];
        rt.split("batchNormBackwardF32", args, C, 2 * n);
        return {
          gradInput: rt.resultF32(gi, n, into),
          gradWeight: rt.takeF32(gw, C),
          gradBias: rt.takeF32(gb, C),
        };
      });
    },
  };
}
