import { isContiguous, numelOf } from "../../shape.js";
import type { PartialBackend, View } from "../backend.js";
import type { WasmRuntime } from "./runtime.js";

const DECAY_NONE = 0;
const DECAY_L2 = 1;
const DECAY_DECOUPLED = 2;

/**
 * The fused Adam / AdamW step over float32 parameters: every parameter, gradient and moment is
 * copied into one concatenated arena block per role, one kernel updates them all (split across
 * threads by element), and the parameters and moments are copied back into their views.
 */
export function optimKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  return {
    adamStep(params, grads, expAvgs, expAvgSqs, h) {
      const roles = [params, grads, expAvgs, expAvgSqs];
      // the composer keys calls on a view argument; these are lists, so check the dtype here
      const ok = (v: View): boolean => v.dtype === "float32" && isContiguous(v.shape, v.strides);
      if (!roles.every((list) => list.every(ok))) return null;
      const sizes = params.map((p) => numelOf(p.shape));
      const starts = new Int32Array(sizes.length + 1);
      sizes.forEach((s, i) => (starts[i + 1] = starts[i]! + s));
      const total = starts[sizes.length]!;
      const [beta1, beta2] = h.betas;
      // the bias corrections rounded to float32, as the tensor-op chain makes them
      const negStep = Float32Array.from(h.steps, (t) => -(h.lr / (1 - beta1 ** t)));
      const bias2Sqrt = Float32Array.from(h.steps, (t) => Math.sqrt(1 - beta2 ** t));
      let mode = DECAY_NONE;
      if (h.decoupled) mode = DECAY_DECOUPLED;
      else if (h.weightDecay !== 0) mode = DECAY_L2;
      const decay = h.decoupled ? 1 - h.lr * h.weightDecay : h.weightDecay;
      rt.arena.scope(() => {
        const blocks = roles.map(() => rt.arena.alloc(total * 4));
        const table = [rt.arena.put(starts), rt.arena.put(negStep), rt.arena.put(bias2Sqrt)];
        roles.forEach((list, r) => {
          const block = rt.arena.f32(blocks[r]!, total);
          list.forEach((v, i) => block.set(slice(v, sizes[i]!), starts[i]!));
        });
        const hyper = [beta1, 1 - beta1, beta2, 1 - beta2, h.eps, decay, mode];
        rt.split("adamF32", [...blocks, ...table, sizes.length, ...hyper], total, 8 * total, 4);
        for (const r of [0, 2, 3]) {
          const block = rt.arena.f32(blocks[r]!, total);
          roles[r]!.forEach((v, i) => {
            slice(v, sizes[i]!).set(block.subarray(starts[i]!, starts[i + 1]!));
          });
        }
      });
    },
  };
}

/** The `n` elements of a contiguous float32 view, as a window onto its data. */
const slice = (v: View, n: number): Float32Array =>
  (v.data as Float32Array).subarray(v.offset, v.offset + n);
