import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import type { UnaryOp } from "../backend/backend.js";
import { assertFloating } from "../dtype.js";
import { DTypeError, ValueError, fmtShape } from "../errors.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { div, ge, gt, le, logicalAnd, lt, mul, sub, where } from "./binary.js";
import { be, wrap } from "./helpers.js";
import { markDonatable, takeDonation } from "../autograd/donation.js";
import { inside } from "../debug/observer.js";

function unaryOp(op: UnaryOp, x: Tensor, rule: BackwardRule, floatOnly = true): Tensor {
  if (floatOnly) assertFloating(op, x.dtype);
  return recordOp(op, [x], wrap(be().unary(op, x), x.shape), rule);
}

/** −x. */
export const neg = (x: Tensor): Tensor => {
  if (x.dtype === "bool") {
    throw new DTypeError(
      `neg: negation of a bool tensor (shape ${fmtShape(x.shape)}) is not supported; use logicalNot`,
    );
  }
  return unaryOp("neg", x, (g) => [neg(g)], false);
};
/** eˣ. */
export const exp = (x: Tensor): Tensor => unaryOp("exp", x, (g, c) => [mul(g, c.out())]); // d eˣ = eˣ
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unaryOp("log", x, (g, c) => [div(g, c.input(0))]); // d ln x = 1/x
/** √x. */
export const sqrt = (x: Tensor): Tensor => unaryOp("sqrt", x, (g, c) => [div(g, mul(c.out(), 2))]); // d √x = 1/(2√x)
/** 1/√x. */
export const rsqrt = (x: Tensor): Tensor =>
  unaryOp("rsqrt", x, (g, c) => {
    const y = c.out();
    return [mul(g, mul(mul(y, mul(y, y)), -0.5))]; // d x^(−½) = −½·y³
  });
/** |x|; its gradient at 0 is 0, as in PyTorch. */
export const abs = (x: Tensor): Tensor =>
  unaryOp("abs", x, (g, c) => [mul(g, sign(c.input(0)))], false);
/** −1, 0 or 1 (gradient is zero everywhere). */
export const sign = (x: Tensor): Tensor => unaryOp("sign", x, (g) => [mul(g, 0)], false);
/** sin x. */
export const sin = (x: Tensor): Tensor => unaryOp("sin", x, (g, c) => [mul(g, cos(c.input(0)))]);
/** cos x. */
export const cos = (x: Tensor): Tensor =>
  unaryOp("cos", x, (g, c) => [neg(mul(g, sin(c.input(0))))]);
/** Logistic sigmoid 1/(1+e⁻ˣ), stable for large |x|. */
export const sigmoid = (x: Tensor): Tensor =>
  unaryOp("sigmoid", x, (g, c) => {
    const y = c.out();
    return [mul(g, mul(y, sub(1, y)))]; // d σ = σ(1 − σ)
  });
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor =>
  unaryOp("tanh", x, (g, c) => {
    const y = c.out();
    return [mul(g, sub(1, mul(y, y)))]; // d tanh = 1 − tanh²
  });
/** max(x, 0). NOTE: the gradient at exactly 0 is 0, as in PyTorch. */
export const relu = (x: Tensor): Tensor =>
  unaryOp("relu", x, (g, c) => [markDonatable(reluBackward(g, c.out()))], false);

/**
 * The gradient of relu through its output: `g` where `y > 0`, else 0, in one kernel rather than a
 * comparison and a select. Linear in `g`; its derivative in `y` is 0 almost everywhere.
 */
function reluBackward(g: Tensor, y: Tensor): Tensor {
  if (g.dtype !== y.dtype || !sameShape(g.shape, y.shape)) return where(gt(y, 0), g, 0);
  // written over g's own memory where the engine offers it (autograd/donation.ts)
  const out = wrap(be().reluBackward(g, y, takeDonation(g)), g.shape, g.dtype);
  // ∂/∂g = reluBackward(h, y);  ∂/∂y = 0
  return recordOp("reluBackward", [g, y], out, (h, c) => [reluBackward(h, c.input(1)), null]);
}
/** The error function (used by exact GELU). */
export const erf = (x: Tensor): Tensor =>
  unaryOp("erf", x, (g, c) => {
    const xi = c.input(0);
    return [mul(g, mul(exp(neg(mul(xi, xi))), 2 / Math.sqrt(Math.PI)))]; // d erf = 2/√π·e^(−x²)
  });

/**
 * Clamps every element into [min, max] (either bound may be omitted). The gradient passes where
 * min ≤ x ≤ max, as in PyTorch.
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null)
    throw new ValueError("clamp: at least one of min and max must be given");
  const out = inside("clamp", () => {
    let v = x.detach();
    // NaN stays NaN; with min > max every element becomes max, as in PyTorch
    if (lo !== null) v = where(lt(v, lo), lo, v);
    if (hi !== null) v = where(gt(v, hi), hi, v);
    return v;
  });
  const rule: BackwardRule = (g, c) => {
    const xi = c.input(0);
    const inLo = lo === null ? null : ge(xi, lo);
    const inHi = hi === null ? null : le(xi, hi);
    const mask = inLo && inHi ? logicalAnd(inLo, inHi) : (inLo ?? inHi)!;
    return [where(mask, g, 0)];
  };
  return recordOp("clamp", [x], out, rule, { min: lo, max: hi });
}
