import { isFloating } from "../dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, div, mul, ne, where } from "./binary.js";
import { logSoftmax } from "./activation.js";
import { gather, indexSelect } from "./indexing.js";
import { checkReduction, type Reduction } from "./loss.js";
import { flatten, reshape, squeeze, unsqueeze } from "./movement.js";
import { sum } from "./reduce.js";
import { neg } from "./unary.js";

/** Options of `nllLoss`. */
export interface NllLossOptions {
  /** `'mean'` (default: weighted mean over non-ignored targets), `'sum'` or `'none'`. */
  reduction?: Reduction;
  /** Targets equal to this contribute nothing, to the loss or to the mean's divisor (default −100). */
  ignoreIndex?: number;
  /** A rescaling weight per class, shape [C], of the input's dtype. */
  weight?: Tensor;
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mix the targets with the uniform distribution: `(1 − ε)·onehot + ε/C` (default 0). */
  labelSmoothing?: number;
}

/** The class dim of [C] (0) or [N, C, d1...] (1) scores, after validating them. */
function classDimOf(op: string, input: Tensor): number {
  if (!isFloating(input.dtype)) {
    throw new DTypeError(
      `${op}: input must be a floating-point tensor, got ${input.dtype} ${fmtShape(input.shape)}`,
    );
  }
  if (input.dim() === 0) throw new ShapeError(`${op}: input must have a class dim, got shape []`);
  return input.dim() === 1 ? 0 : 1;
}

/** Validates `weight`: [C] with the input's dtype. */
function checkWeight(op: string, weight: Tensor | undefined, input: Tensor, c: number): void {
  if (!weight) return;
  if (weight.dim() !== 1 || weight.shape[0] !== c) {
    throw new ShapeError(
      `${op}: weight ${fmtShape(weight.shape)} must have shape [${c}], one entry per class of input ${fmtShape(input.shape)}`,
    );
  }
  if (weight.dtype !== input.dtype) {
    throw new DTypeError(`${op}: weight is ${weight.dtype} but input is ${input.dtype}`);
  }
}

/** Validates int32 class targets (shape = input's without the class dim; values in range). */
function checkTargets(op: string, input: Tensor, target: Tensor, cd: number, ignore: number): void {
  const want = input.shape.filter((_, i) => i !== cd);
  if (target.dtype !== "int32") {
    throw new DTypeError(
      `${op}: target must be an int32 tensor of class indices with shape ${fmtShape(want)}` +
        `${op === "crossEntropy" ? ` (or float class probabilities with shape ${fmtShape(input.shape)})` : ""}` +
        `, got ${target.dtype} ${fmtShape(target.shape)}`,
    );
  }
  if (!sameShape(target.shape, want)) {
    throw new ShapeError(
      `${op}: target ${fmtShape(target.shape)} must have shape ${fmtShape(want)} for input ${fmtShape(input.shape)} (the input's shape without its class dim ${cd})`,
    );
  }
  const c = input.shape[cd]!;
  for (const t of target.dataSync()) {
    if (t !== ignore && (t < 0 || t >= c)) {
      throw new IndexError(
        `${op}: target ${t} is out of range for ${c} classes (input ${fmtShape(input.shape)}, ignoreIndex ${ignore})`,
      );
    }
  }
}

/** The per-target losses `−w[t]·logp[t]` (0 where ignored) and the weighted-mean divisor. */
function nllParts(
  logp: Tensor,
  target: Tensor,
  cd: number,
  ignore: number,
  weight: Tensor | undefined,
): { loss: Tensor; valid: Tensor; divisor: Tensor | number } {
  const valid = ne(target, ignore);
  const safe = where(valid, target, 0);
  const picked = squeeze(gather(logp, cd, unsqueeze(safe, cd)), cd);
  const wt = weight ? reshape(indexSelect(weight, 0, flatten(safe)), target.shape) : null;
  const loss = where(valid, neg(wt ? mul(picked, wt) : picked), 0);
  const divisor = wt ? sum(where(valid, wt, 0)) : valid.sum().item();
  return { loss, valid, divisor };
}

function reduceNll(loss: Tensor, divisor: Tensor | number, reduction: Reduction): Tensor {
  if (reduction === "none") return loss;
  return reduction === "sum" ? sum(loss) : div(sum(loss), divisor);
}

/**
 * Negative log-likelihood of class targets under log-probabilities `input` (PyTorch's
 * `F.nll_loss`): `−weight[t]·input[n, t]` per target, 0 where `t = ignoreIndex`; `'mean'` divides
 * by the summed weights of the non-ignored targets (NaN if all are ignored, as PyTorch).
 * Shape: input [N, C] or [N, C, d1, ...] or [C]; target int32 [N] or [N, d1, ...] or [];
 * output [] (or the target's shape with `reduction: 'none'`).
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const reduction = checkReduction("nllLoss", options.reduction);
  const ignore = options.ignoreIndex ?? -100;
  const cd = classDimOf("nllLoss", input);
  checkWeight("nllLoss", options.weight, input, input.shape[cd]!);
  checkTargets("nllLoss", input, target, cd, ignore);
  const { loss, divisor } = nllParts(input, target, cd, ignore, options.weight);
  return reduceNll(loss, divisor, reduction);
}

/** `weight` viewed so it broadcasts along the class dim of `input`. */
function classView(weight: Tensor, input: Tensor, cd: number): Tensor {
  return reshape(
    weight,
    input.shape.map((s, i) => (i === cd ? s : 1)),
  );
}

/** Cross-entropy against class probabilities (float targets of the input's shape). */
function softTargets(
  logp: Tensor,
  target: Tensor,
  cd: number,
  smoothing: number,
  weight: Tensor | undefined,
  reduction: Reduction,
): Tensor {
  const c = logp.shape[cd]!;
  const probs = smoothing > 0 ? add(mul(target, 1 - smoothing), smoothing / c) : target;
  const terms = mul(logp, weight ? mul(probs, classView(weight, logp, cd)) : probs);
  if (reduction === "none") return neg(sum(terms, cd));
  const total = neg(sum(terms));
  return reduction === "sum" ? total : div(total, logp.numel() / c);
}

/**
 * Cross-entropy between logits and targets (PyTorch's `F.cross_entropy`): `nllLoss` of
 * `logSoftmax(input)` over the class dim, which is stable for logits of any magnitude. With
 * `labelSmoothing = ε` the loss is `(1 − ε)·nll + (ε/C)·Σ_c −weight[c]·logp[c]`, the second term
 * reduced with the same (weighted) divisor as the first, exactly as PyTorch does. Targets may also
 * be float class probabilities of the input's shape (then `ignoreIndex` does not apply and
 * `'mean'` divides by the number of samples).
 * Shape: input [N, C] or [N, C, d1, ...] or [C]; target int32 [N] or [N, d1, ...] or [] (or
 * float with the input's shape); output [] (or the target's shape without C, with `'none'`).
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const op = "crossEntropy";
  const reduction = checkReduction(op, options.reduction);
  const ignore = options.ignoreIndex ?? -100;
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be between 0 and 1, got ${smoothing}`);
  }
  const cd = classDimOf(op, input);
  const c = input.shape[cd]!;
  checkWeight(op, options.weight, input, c);
  const logp = logSoftmax(input, cd);
  if (isFloating(target.dtype) && sameShape(target.shape, input.shape)) {
    return softTargets(logp, target, cd, smoothing, options.weight, reduction);
  }
  checkTargets(op, input, target, cd, ignore);
  const { loss, valid, divisor } = nllParts(logp, target, cd, ignore, options.weight);
  const nll = reduceNll(loss, divisor, reduction);
  if (smoothing === 0) return nll;
  const w = options.weight;
  const spread = neg(sum(w ? mul(logp, classView(w, logp, cd)) : logp, cd));
  const smooth = reduceNll(where(valid, spread, 0), divisor, reduction);
  return add(mul(nll, 1 - smoothing), mul(smooth, smoothing / c));
}
