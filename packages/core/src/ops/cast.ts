import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import { isFloating, type DType, type TypedArray } from "../dtype.js";
import type { Tensor } from "../tensor.js";
import { makeTensor } from "../tensor-factory.js";
import { be, wrap } from "./helpers.js";

/** Contiguous typed-array copy of a tensor's elements (no graph). */
export function contiguousCopy(x: Tensor): TypedArray {
  return be().copy(x, x.dtype);
}

/** Converts to `dtype` (returns `x` itself if it already has it); differentiable between floats. */
export function to(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = wrap(be().copy(x, dtype), x.shape, dtype);
  // a cast to int32 or bool has no gradient
  const rule: BackwardRule | null = isFloating(dtype) ? (g) => [to(g, x.dtype)] : null;
  return recordOp("to", [x], out, rule, { dtype });
}

/** A contiguous copy that stays in the graph (gradient passes straight through). */
export function clone(x: Tensor): Tensor {
  return recordOp("clone", [x], wrap(contiguousCopy(x), x.shape, x.dtype), (g) => [g]);
}

/** Same data, no history, never requires grad. */
export function detach(x: Tensor): Tensor {
  return recordOp(
    "detach",
    [x],
    makeTensor(x.storage, x.shape, x.strides, x.offset, x.dtype),
    null,
  );
}
