import { recordOp } from "../autograd/define-op.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { NO_ATTRS, debugMode, inside } from "../debug/observer.js";
import { AutogradError, ShapeError, fmtShape } from "../errors.js";
import { broadcastShapes, sameShape } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { add, div, mul, sub } from "./binary.js";
import { detach, to } from "./cast.js";
import { be, broadcastView, scalar } from "./helpers.js";
import { clamp } from "./unary.js";

/**
 * Computes `compute(x, ...operands)` outside the graph and writes it into `x` in place, bumping
 * the version counter. In-place updates are for tensors outside the graph: leaves under `noGrad`
 * (optimizers, init, running statistics) or tensors that do not require grad.
 */
function inPlace<T extends Tensor>(
  op: string,
  x: T,
  operands: readonly TensorLike[],
  compute: (x: Tensor, ...operands: TensorLike[]) => Tensor,
): T {
  const tracked = [x, ...operands].some((t) => typeof t !== "number" && t.requiresGrad);
  if (isGradEnabled() && tracked) {
    throw new AutogradError(
      `${op}: in-place operation on tensors that require grad (target shape ${fmtShape(x.shape)}) while grad mode is on; ` +
        "wrap it in noGrad(() => ...) or use the out-of-place op",
    );
  }
  if (x.shape.some((s, i) => s > 1 && x.strides[i] === 0)) {
    throw new ShapeError(
      `${op}: cannot write in place into an expanded tensor of shape ${fmtShape(x.shape)} (several elements share memory); clone() it first`,
    );
  }
  const v = inside(op, () => {
    const plain = operands.map((t) => (typeof t === "number" ? t : detach(t)));
    const value = compute(detach(x), ...plain);
    const shape = broadcastShapes(op, x.shape, value.shape);
    if (!sameShape(shape, x.shape)) {
      throw new ShapeError(
        `${op}: result of shape ${fmtShape(shape)} cannot be written into a tensor of shape ${fmtShape(x.shape)}`,
      );
    }
    return value.dtype === x.dtype ? value : to(value, x.dtype);
  });
  be().assign(x, broadcastView(v, x.shape));
  x.storage.version++;
  if (debugMode.on) report(op, x, operands);
  return x;
}

/** Reports an in-place op to `trace` / anomaly mode: its output is its first input, updated. */
function report(op: string, x: Tensor, operands: readonly TensorLike[]): void {
  const tensors = operands.filter((t): t is Tensor => typeof t !== "number");
  const scalars = operands.filter((t): t is number => typeof t === "number");
  recordOp(op, [x, ...tensors], x, null, scalars.length > 0 ? { value: scalars } : NO_ATTRS);
}

/** `x += alpha·other` in place. */
export const add_ = <T extends Tensor>(x: T, other: TensorLike, alpha?: number): T =>
  inPlace("add_", x, [other], (a, b) => add(a, b!, alpha));
/** `x −= alpha·other` in place. */
export const sub_ = <T extends Tensor>(x: T, other: TensorLike, alpha?: number): T =>
  inPlace("sub_", x, [other], (a, b) => sub(a, b!, alpha));
/** `x *= other` in place. */
export const mul_ = <T extends Tensor>(x: T, other: TensorLike): T =>
  inPlace("mul_", x, [other], (a, b) => mul(a, b!));
/** `x /= other` in place. */
export const div_ = <T extends Tensor>(x: T, other: TensorLike): T =>
  inPlace("div_", x, [other], (a, b) => div(a, b!));
/** Copies `src` (broadcast and cast to `x`'s dtype) into `x`. */
export const copy_ = <T extends Tensor>(x: T, src: TensorLike): T =>
  inPlace("copy_", x, [src], (a, s) => (typeof s === "number" ? scalar(s, a.dtype) : s!));
/** Sets every element to `value`. */
export const fill_ = <T extends Tensor>(x: T, value: number): T =>
  inPlace("fill_", x, [], (a) => scalar(value, a.dtype));
/** Clamps in place. */
export const clamp_ = <T extends Tensor>(x: T, min?: number | null, max?: number | null): T =>
  inPlace("clamp_", x, [], (a) => clamp(a, min, max));
