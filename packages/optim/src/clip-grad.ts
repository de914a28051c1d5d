import {
  Tensor,
  ValueError,
  abs,
  clamp,
  div,
  max,
  ne,
  noGrad,
  pow,
  promoteTypes,
  sqrt,
  stack,
  sum,
  zeros,
} from "@tsgrad/core";
import { check } from "./util.js";

/** Options of `clipGradNorm_`. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

function gradsOf(parameters: Iterable<Tensor> | Tensor): Tensor[] {
  const params = parameters instanceof Tensor ? [parameters] : Array.from(parameters);
  return params.flatMap((p) => (p.grad === null ? [] : [p.grad.detach()]));
}

/** The p-norm of all elements of `x` (p ≥ 0 or Infinity). */
function vectorNorm(x: Tensor, p: number): Tensor {
  if (p === Infinity) return max(abs(x));
  if (p === 0) return sum(ne(x, 0).to(x.dtype));
  if (p === 1) return sum(abs(x));
  if (p === 2) return sqrt(sum(x.mul(x)));
  return pow(sum(pow(abs(x), p)), 1 / p);
}

/**
 * Scales the gradients of `parameters` in place so that their total `normType`-norm (computed
 * over all gradients together, as if concatenated) is at most `maxNorm`; returns the total norm
 * before clipping as a 0-d tensor — PyTorch's `torch.nn.utils.clip_grad_norm_`. `normType` may
 * be `Infinity` (largest absolute value). Gradients are multiplied by
 * `min(1, maxNorm / (total + 1e-6))`. Parameters without a gradient are skipped.
 */
export function clipGradNorm_(
  parameters: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): Tensor {
  check(maxNorm >= 0, "clipGradNorm_", "maxNorm", maxNorm, "a number ≥ 0");
  check(normType >= 0, "clipGradNorm_", "normType", normType, "a number ≥ 0 or Infinity");
  const grads = gradsOf(parameters);
  if (grads.length === 0) return zeros([]);
  return noGrad(() => {
    const dtype = grads.map((g) => g.dtype).reduce(promoteTypes);
    const norms = grads.map((g) => vectorNorm(g, normType).to(dtype));
    let total: Tensor;
    if (normType === Infinity) total = norms.length === 1 ? norms[0]! : max(stack(norms));
    else total = vectorNorm(stack(norms), normType);
    if (options.errorIfNonfinite && !Number.isFinite(total.item())) {
      throw new ValueError(
        `clipGradNorm_: the total norm of order ${normType} of the gradients is ${total.item()}, so they cannot be clipped; pass errorIfNonfinite: false to scale by it anyway`,
      );
    }
    const coef = clamp(div(maxNorm, total.add(1e-6)), null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` into `[−clipValue, clipValue]` in place — PyTorch's
 * `torch.nn.utils.clip_grad_value_`. Parameters without a gradient are skipped.
 */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  check(clipValue >= 0, "clipGradValue_", "clipValue", clipValue, "a number ≥ 0");
  const grads = gradsOf(parameters);
  noGrad(() => {
    for (const g of grads) g.clamp_(-clipValue, clipValue);
  });
}
