import { numelOf } from "../../shape.js";
import type { PartialBackend, ReduceOp, View } from "../backend.js";
import { CHEAP, collapse, place, putInts } from "./operands.js";
import type { WasmRuntime } from "./runtime.js";

// Op codes of assembly/reduce.ts.
export const REDUCE: { readonly [op in ReduceOp]: number } = { sum: 0, prod: 1, max: 2, min: 3 };

/**
 * The geometry of a reduction (see assembly/reduce.ts): the kept dims and the reduced dims of `x`,
 * each collapsed on its own, as `[nk, shape, strides, nr, shape, strides]`; strides are those of
 * the arena copy.
 */
export function putReduceGeometry(
  rt: WasmRuntime,
  x: View,
  strides: readonly number[],
  axes: readonly number[],
): number {
  const dims = x.shape.map((_, d) => d);
  const part = (ds: number[]) => {
    const c = collapse(
      ds.map((d) => x.shape[d]!),
      [ds.map((d) => strides[d]!)],
    );
    return [c.shape.length, ...c.shape, ...c.strides[0]!];
  };
  const kept = part(dims.filter((d) => !axes.includes(d)));
  return putInts(rt, [...kept, ...part([...axes])]);
}

/**
 * Float32 reductions over any axes (float32 output; other output dtypes decline) and max/min with
 * int32 indices along one axis. Sums run in float64 like the reference; see assembly/reduce.ts
 * for the order and for when results can differ from the reference in the last bit.
 */
export function reduceKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  return {
    reduce(op, x, axes, outDtype) {
      const n = numelOf(x.shape);
      if (outDtype !== "float32" || n === 0) return null; // empty: the reference fills identities
      const outputs = numelOf(x.shape.filter((_, d) => !axes.includes(d)));
      return rt.arena.scope(() => {
        const px = place(rt, x);
        const g = putReduceGeometry(rt, x, px.strides, axes);
        const out = rt.arena.alloc(outputs * 4);
        rt.split(
          "reduceF32",
          [REDUCE[op], px.address, out, g],
          outputs,
          n * CHEAP,
          outputs >= 8 ? 4 : 1,
        );
        return rt.takeF32(out, outputs);
      });
    },

    argReduce(op, x, axis) {
      const n = numelOf(x.shape);
      if (n === 0) return null;
      const outputs = n / x.shape[axis]!;
      return rt.arena.scope(() => {
        const px = place(rt, x);
        const g = putReduceGeometry(rt, x, px.strides, [axis]);
        const values = rt.arena.alloc(outputs * 4);
        const indices = rt.arena.alloc(outputs * 4);
        const args = [op === "max" ? 2 : 3, px.address, values, indices, g];
        rt.split("argReduceF32", args, outputs, n * CHEAP, outputs >= 8 ? 4 : 1);
        return { values: rt.takeF32(values, outputs), indices: rt.takeI32(indices, outputs) };
      });
    },
  };
}
