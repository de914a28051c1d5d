import { recordOp } from "../autograd/define-op.js";
import { inside } from "../debug/observer.js";
import { assertFloating, isFloating } from "../dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, div, mul, sub } from "./binary.js";
import { log1pValue, softplusExact } from "./activation.js";
import { mean, sum } from "./reduce.js";
import { abs, clamp, log, neg } from "./unary.js";

/** How a loss reduces its per-element values: PyTorch's `reduction` keyword. */
export type Reduction = "mean" | "sum" | "none";

/** Options of the elementwise losses (`mseLoss`, `l1Loss`). */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'` (per-element losses, the input's shape). */
  reduction?: Reduction;
}

/** Validates a `reduction` option (default `'mean'`). */
export function checkReduction(op: string, reduction: Reduction | undefined): Reduction {
  const r = reduction ?? "mean";
  if (r !== "mean" && r !== "sum" && r !== "none") {
    throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(r)}'`);
  }
  return r;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  return reduction === "sum" ? sum(loss) : mean(loss);
}

/** Checks that `input` and `target` are floating tensors of one shape (no silent broadcasting). */
function checkPair(op: string, input: Tensor, target: Tensor): void {
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) {
    throw new DTypeError(
      `${op}: input and target must be floating-point tensors, got ${input.dtype} ${fmtShape(input.shape)} and ${target.dtype} ${fmtShape(target.shape)}`,
    );
  }
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: target ${fmtShape(target.shape)} must have the shape of input ${fmtShape(input.shape)}`,
    );
  }
}

/** Checks that an optional rescaling tensor broadcasts to `input`'s shape without enlarging it. */
function checkScale(op: string, name: string, t: Tensor | undefined, input: Tensor): void {
  if (!t) return;
  assertFloating(`${op} (${name})`, t.dtype);
  const ok =
    t.dim() <= input.dim() &&
    t.shape.every((s, i) => s === 1 || s === input.shape[input.dim() - t.dim() + i]);
  if (!ok) {
    throw new ShapeError(
      `${op}: ${name} ${fmtShape(t.shape)} must broadcast to input ${fmtShape(input.shape)}`,
    );
  }
}

/**
 * Mean squared error `(input − target)²`, reduced (PyTorch's `F.mse_loss`). Unlike PyTorch, the
 * shapes must match exactly (PyTorch broadcasts with a warning, which usually hides a bug).
 * Shape: input and target [*] → [] (or [*] with `reduction: 'none'`).
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction("mseLoss", options.reduction);
  checkPair("mseLoss", input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/**
 * Mean absolute error `|input − target|`, reduced (PyTorch's `F.l1_loss`); the gradient where
 * input = target is 0. Shapes must match exactly.
 * Shape: input and target [*] → [] (or [*] with `reduction: 'none'`).
 */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction("l1Loss", options.reduction);
  checkPair("l1Loss", input, target);
  return reduce(abs(sub(input, target)), reduction);
}

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Rescaling weight per element, broadcast to the input's shape. */
  weight?: Tensor;
}

/** Elementwise `−[y·log p + (1 − y)·log(1 − p)]` with both logs clamped at −100, as PyTorch. */
function bceElements(p: Tensor, y: Tensor): Tensor {
  const out = inside("binaryCrossEntropy", () => {
    const pv = p.detach();
    const yv = y.detach();
    const logP = clamp(log(pv), -100);
    const log1mP = clamp(log1pValue(neg(pv)), -100);
    return sub(mul(sub(yv, 1), log1mP), mul(yv, logP));
  });
  return recordOp("binaryCrossEntropy", [p, y], out, (g, c) => {
    const [pi, yi] = [c.input(0), c.input(1)];
    // ∂/∂p = (p − y) / max(p(1 − p), 1e-12) (PyTorch's guard);  ∂/∂y = log(1 − p) − log p
    const oneMinusP = sub(1, pi);
    const gp = p.requiresGrad ? mul(g, div(sub(pi, yi), clamp(mul(pi, oneMinusP), 1e-12))) : null;
    const gy = y.requiresGrad ? mul(g, sub(log(oneMinusP), log(pi))) : null;
    return [gp, gy];
  });
}

/**
 * Binary cross-entropy between probabilities `input` ∈ [0, 1] and targets (PyTorch's
 * `F.binary_cross_entropy`): `−w·[y·log p + (1 − y)·log(1 − p)]`, each log clamped at −100 so
 * p = 0 or 1 gives a finite loss. Inputs outside [0, 1] throw a `ValueError`.
 * Shape: input and target [*] (equal); weight broadcasts to [*]; output [] (or [*] with `'none'`).
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyOptions = {},
): Tensor {
  const op = "binaryCrossEntropy";
  const reduction = checkReduction(op, options.reduction);
  checkPair(op, input, target);
  checkScale(op, "weight", options.weight, input);
  const data = input.dataSync();
  const bad = data.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    throw new ValueError(
      `${op}: all elements of input should be between 0 and 1, got ${data[bad]} at flat index ${bad} of input ${fmtShape(input.shape)}`,
    );
  }
  const loss = bceElements(input, target);
  return reduce(options.weight ? mul(loss, options.weight) : loss, reduction);
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BceWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of positive examples, broadcast along the last dims (e.g. one per class, [C]). */
  posWeight?: Tensor;
}

/**
 * Binary cross-entropy on logits, `−w·[pw·y·log σ(x) + (1 − y)·log(1 − σ(x))]` (PyTorch's
 * `F.binary_cross_entropy_with_logits`), computed stably as `(1 − y)·x + (1 + (pw − 1)·y)·
 * softplus(−x)`: finite and accurate for logits of any magnitude.
 * Shape: input and target [*] (equal); weight and posWeight broadcast to [*]; output [] (or [*]).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BceWithLogitsOptions = {},
): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  const reduction = checkReduction(op, options.reduction);
  checkPair(op, input, target);
  checkScale(op, "weight", options.weight, input);
  checkScale(op, "posWeight", options.posWeight, input);
  const sp = softplusExact(neg(input)); // −log σ(x)
  const pw = options.posWeight;
  const scaled = pw ? mul(add(mul(sub(pw, 1), target), 1), sp) : sp;
  const loss = add(mul(sub(1, target), input), scaled);
  return reduce(options.weight ? mul(loss, options.weight) : loss, reduction);
}
