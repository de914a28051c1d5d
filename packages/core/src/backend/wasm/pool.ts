import { numelOf } from "../../shape.js";
import type { AvgPool2dParams, MaxPool2dParams, PartialBackend } from "../backend.js";
import type { WasmRuntime } from "./runtime.js";

/** [N·C, H, W] of an NCHW shape. */
function planes(shape: readonly number[]): [number, number, number] {
  const [n, c, h, w] = shape as [number, number, number, number];
  return [n * c, h, w];
}

/** The average-pool geometry as kernel arguments (0 = no divisor override). */
const avgArgs = (p: AvgPool2dParams): number[] => [
  ...p.kernel,
  ...p.stride,
  ...p.padding,
  p.countIncludePad ? 1 : 0,
  p.divisorOverride ?? 0,
];

/** A 2×2 window, stride 2, no padding or dilation, every window inside the input. */
function isTwoByTwo(p: MaxPool2dParams, H: number, W: number): boolean {
  const same = (pair: readonly [number, number], v: number): boolean =>
    pair[0] === v && pair[1] === v;
  const [OH, OW] = p.outSize;
  return (
    same(p.kernel, 2) &&
    same(p.stride, 2) &&
    same(p.padding, 0) &&
    same(p.dilation, 1) &&
    2 * OH <= H &&
    2 * OW <= W
  );
}

/**
 * Pooling kernels over float32 planes, split across threads by plane (N·C). Max pooling with a
 * 2×2 window, stride 2 and no padding (the reference convnet's) has its own SIMD kernel.
 */
export function poolKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  return {
    maxPool2d(x, p) {
      const [P, H, W] = planes(x.shape);
      const [OH, OW] = p.outSize;
      const n = P * OH * OW;
      const taps = p.kernel[0] * p.kernel[1];
      return rt.arena.scope(() => {
        const src = rt.put(x);
        const values = rt.arena.alloc(n * 4);
        const indices = rt.arena.alloc(n * 4);
        if (isTwoByTwo(p, H, W)) {
          rt.split("maxPool2x2F32", [src, values, indices, H, W, OH, OW], P, n * taps);
        } else {
          const geo = [...p.kernel, ...p.stride, ...p.padding, ...p.dilation];
          rt.split("maxPool2dF32", [src, values, indices, H, W, OH, OW, ...geo], P, n * taps);
        }
        return { values: rt.takeF32(values, n), indices: rt.takeI32(indices, n) };
      });
    },

    maxPool2dBackward(grad, indices, inputShape) {
      const [P, H, W] = planes(inputShape);
      const L = grad.shape[2]! * grad.shape[3]!;
      const n = P * H * W;
      return rt.arena.scope(() => {
        const g = rt.put(grad);
        const idx = rt.put(indices);
        const out = rt.arena.alloc(n * 4);
        rt.split("maxPool2dBackwardF32", [g, idx, out, H * W, L], P, n + P * L);
        return rt.takeF32(out, n);
      });
    },

    avgPool2d(x, p) {
      const [P, H, W] = planes(x.shape);
      const [OH, OW] = p.outSize;
      const n = P * OH * OW;
      return rt.arena.scope(() => {
        const src = rt.put(x);
        const out = rt.arena.alloc(n * 4);
        const args = [src, out, H, W, OH, OW, ...avgArgs(p)];
        rt.split("avgPool2dF32", args, P, n * p.kernel[0] * p.kernel[1]);
        return rt.takeF32(out, n);
      });
    },

    avgPool2dBackward(grad, inputShape, p) {
      const [P, H, W] = planes(inputShape);
      const [OH, OW] = p.outSize;
      const n = P * H * W;
      return rt.arena.scope(() => {
        const g = rt.put(grad);
        const out = rt.arena.alloc(n * 4);
        const args = [g, out, H, W, OH, OW, ...avgArgs(p)];
        rt.split(
          "avgPool2dBackwardF32",
          args,
          P,
          n + numelOf(grad.shape) * p.kernel[0] * p.kernel[1],
        );
        return rt.takeF32(out, n);
      });
    },
  };
}
