import { numelOf } from "../../shape.js";
import type { PartialBackend } from "../backend.js";
import type { WasmRuntime } from "./runtime.js";

/** Elementwise kernels: one wasm export per op, over contiguous float32 copies of the operands. */
export function elementwiseKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  return {
    unary(op, x) {
      if (op !== "relu") return null;
      const n = numelOf(x.shape);
      return rt.arena.scope(() => {
        const src = rt.put(x);
        const out = rt.arena.alloc(n * 4);
        rt.split("reluF32", [src, out], n, n, 4);
        return rt.takeF32(out, n);
      });
    },
  };
}
