import { recordOp } from "../autograd/define-op.js";
import { inside } from "../debug/observer.js";
import { assertFloating } from "../dtype.js";
import { ValueError } from "../errors.js";
import { normalizeDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, div, eq, gt, mul, sub, where } from "./binary.js";
import { max, sum } from "./reduce.js";
import { abs, erf, exp, log, neg, relu, sigmoid, tanh } from "./unary.js";

/**
 * `log(1 + u)` accurate for tiny `u` (Goldberg's trick: `log(w)·u/(w − 1)` with `w = 1 + u`
 * rounded, which cancels the rounding error of `w`). Forward values only: not differentiable.
 */
export function log1pValue(u: Tensor): Tensor {
  const v = u.detach();
  const w = add(v, 1);
  return where(eq(w, 1), v, div(mul(log(w), v), sub(w, 1)));
}

/**
 * `log(1 + eˣ)` for every x, without overflow or cancellation: `max(x, 0) + log1p(e^−|x|)`.
 * Its backward `g·σ(x)` is written with differentiable ops.
 */
export function softplusExact(x: Tensor): Tensor {
  const out = inside("softplus", () => {
    const v = x.detach();
    return add(relu(v), log1pValue(exp(neg(abs(v)))));
  });
  return recordOp("softplus", [x], out, (g, c) => [mul(g, sigmoid(c.input(0)))]); // d softplus = σ(x)
}

/**
 * Leaky ReLU: `x` where x > 0, `negativeSlope·x` elsewhere (PyTorch's `F.leaky_relu`).
 * NOTE: the gradient at exactly 0 is `negativeSlope`, as in PyTorch.
 * Shape: (*) → (*), the input's shape.
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  assertFloating("leakyRelu", x.dtype);
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/**
 * ELU: `x` where x > 0, `alpha·(eˣ − 1)` elsewhere (PyTorch's `F.elu`). The gradient at 0 is
 * `alpha`, as in PyTorch. Shape: (*) → (*), the input's shape.
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  assertFloating("elu", x.dtype);
  const pos = gt(x, 0);
  // exp only sees x ≤ 0, so a large positive x cannot turn the unused branch's gradient into NaN
  const negPart = mul(sub(exp(where(pos, 0, x)), 1), alpha);
  return where(pos, x, negPart);
}

/** Options of `gelu`. */
export interface GeluOptions {
  /** `'none'` (default): exact, with erf; `'tanh'`: the tanh approximation. */
  approximate?: "none" | "tanh";
}

/**
 * GELU, `x·Φ(x)` (PyTorch's `F.gelu`): exact `½x(1 + erf(x/√2))`, or with `approximate: 'tanh'`
 * `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`. Shape: (*) → (*), the input's shape.
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  assertFloating("gelu", x.dtype);
  const approximate = options.approximate ?? "none";
  if (approximate === "none") return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
  if (approximate !== "tanh") {
    throw new ValueError(
      `gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`,
    );
  }
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/** SiLU (swish): `x·σ(x)` (PyTorch's `F.silu`). Shape: (*) → (*), the input's shape. */
export function silu(x: Tensor): Tensor {
  assertFloating("silu", x.dtype);
  return mul(x, sigmoid(x));
}

/** Options of `softplus`. */
export interface SoftplusOptions {
  /** Sharpness β (default 1). */
  beta?: number;
  /** Above `β·x > threshold` the function is taken as linear, `x` (default 20). */
  threshold?: number;
}

/**
 * Softplus `log(1 + e^(βx))/β` (PyTorch's `F.softplus`), and `x` itself where `βx > threshold`.
 * Accurate for very negative inputs too (`softplus(-50) ≈ 1.9e-22`, not 0).
 * Shape: (*) → (*), the input's shape.
 */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  assertFloating("softplus", x.dtype);
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  const bx = beta === 1 ? x : mul(x, beta);
  const smooth = beta === 1 ? softplusExact(bx) : div(softplusExact(bx), beta);
  return where(gt(bx, threshold), x, smooth);
}

/** `x − max(x)` along `dim` with the maximum detached (rows of all ±∞ are shifted by 0). */
function shifted(op: string, x: Tensor, dim: number): Tensor {
  assertFloating(op, x.dtype);
  normalizeDim(op, dim, x.dim());
  if (x.dim() === 0) return sub(x, x.detach()); // a 0-d tensor is its own row: 0, gradient 1
  if (x.numel() === 0) return x;
  const m = max(x.detach(), dim, true)[0];
  return sub(x, where(eq(abs(m), Infinity), 0, m));
}

/**
 * `eˣ / Σ eˣ` along `dim` (PyTorch's `F.softmax`), computed with the row maximum subtracted so
 * large logits do not overflow. Shape: (*) → (*), the input's shape.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const e = exp(shifted("softmax", x, dim));
  return div(e, sum(e, dim, true));
}

/**
 * `log(softmax(x))` along `dim` (PyTorch's `F.log_softmax`), computed as
 * `(x − m) − log Σ e^(x − m)` with the row maximum `m` detached: finite and accurate for logits
 * of any magnitude (1e4 included, in float32 too). Shape: (*) → (*), the input's shape.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const z = shifted("logSoftmax", x, dim);
  return sub(z, log(sum(exp(z), dim, true)));
}
