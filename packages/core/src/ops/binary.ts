import { recordOp } from "../autograd/define-op.js";
import { NO_ATTRS } from "../debug/observer.js";
import type { BinaryOp } from "../backend/backend.js";
import { isFloating, promoteTypes } from "../dtype.js";
import { DTypeError, ValueError, fmtShape } from "../errors.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { to } from "./cast.js";
import { asTensor, be, broadcastView, wrap } from "./helpers.js";

// Binary ops sit below the unary ones (whose rules use mul, div, where ...); the two rules here
// that need a unary op (div's neg, pow's log) call it as a Tensor method, so this file need not
// import unary.ts and the import graph stays acyclic.

/** Both operands as tensors of their promoted dtype (`float` forces a floating result). */
function operands(x: TensorLike, y: TensorLike, float = false): [Tensor, Tensor] {
  const like = typeof x === "number" ? (y as Tensor) : x;
  let a = asTensor(x, like);
  let b = asTensor(y, like);
  let dtype = promoteTypes(a.dtype, b.dtype);
  if (float && !isFloating(dtype)) dtype = "float32";
  if (a.dtype !== dtype) a = to(a, dtype);
  if (b.dtype !== dtype) b = to(b, dtype);
  return [a, b];
}

function kernel(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const data = be().binary(op, broadcastView(a, shape), broadcastView(b, shape));
  return wrap(data, shape);
}

/** `x + alpha·y`, broadcasting. */
export function add(x: TensorLike, y: TensorLike, alpha = 1): Tensor {
  const [a, b] = operands(x, y);
  const out = kernel("add", a, alpha === 1 ? b : kernel("mul", b, asTensor(alpha, b)));
  const attrs = alpha === 1 ? NO_ATTRS : { alpha };
  return recordOp("add", [a, b], out, (g) => [g, alpha === 1 ? g : mul(g, alpha)], attrs);
}

/** `x − alpha·y`, broadcasting. */
export function sub(x: TensorLike, y: TensorLike, alpha = 1): Tensor {
  const [a, b] = operands(x, y);
  if (a.dtype === "bool") {
    throw new DTypeError(
      `sub: subtraction of bool tensors (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}) is not supported; to invert a mask use logicalNot or where`,
    );
  }
  const out = kernel("sub", a, alpha === 1 ? b : kernel("mul", b, asTensor(alpha, b)));
  const attrs = alpha === 1 ? NO_ATTRS : { alpha };
  return recordOp("sub", [a, b], out, (g) => [g, mul(g, -alpha)], attrs);
}

/** Elementwise product, broadcasting. */
export function mul(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  return recordOp("mul", [a, b], kernel("mul", a, b), (g, c) => [
    a.requiresGrad ? mul(g, c.input(1)) : null,
    b.requiresGrad ? mul(g, c.input(0)) : null,
  ]);
}

/** True division (integer operands give float32), broadcasting. */
export function div(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y, true);
  // d/da a/b = 1/b;  d/db a/b = −a/b²
  return recordOp("div", [a, b], kernel("div", a, b), (g, c) => [
    a.requiresGrad ? div(g, c.input(1)) : null,
    b.requiresGrad ? div(mul(g, c.input(0)), mul(c.input(1), c.input(1))).neg() : null,
  ]);
}

/** `x ** y` elementwise, broadcasting. */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  if (a.dtype === "int32" && b.dataSync().some((v) => v < 0)) {
    throw new ValueError(
      `pow: integers to negative integer powers are not allowed (base ${fmtShape(a.shape)} int32); cast the base to float first`,
    );
  }
  // d/da aᵇ = b·aᵇ⁻¹;  d/db aᵇ = aᵇ·ln a (0 where a = 0 and b ≥ 0, as in PyTorch)
  return recordOp("pow", [a, b], kernel("pow", a, b), (g, c) => {
    const [ai, bi] = [c.input(0), c.input(1)];
    const ga = a.requiresGrad ? mul(g, mul(bi, pow(ai, sub(bi, 1)))) : null;
    let gb: Tensor | null = null;
    if (b.requiresGrad) {
      const raw = mul(g, mul(c.out(), ai.log()));
      gb = where(logicalAnd(eq(ai, 0), ge(bi, 0)), 0, raw);
    }
    return [ga, gb];
  });
}

/** Share of the gradient the first operand gets at each element: 1 where it wins, ½ on ties. */
function winnerShare(a: Tensor, b: Tensor, op: "gt" | "lt"): Tensor {
  const wins = compare(op, a, b);
  const ties = compare("eq", a, b);
  return add(to(wins, a.dtype), mul(to(ties, a.dtype), 0.5));
}

/** Elementwise maximum; ties split the gradient evenly, as in PyTorch. */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  return recordOp("maximum", [a, b], kernel("maximum", a, b), (g, c) => {
    const share = winnerShare(c.input(0).detach(), c.input(1).detach(), "gt");
    return [mul(g, share), mul(g, sub(1, share))];
  });
}

/** Elementwise minimum; ties split the gradient evenly, as in PyTorch. */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  return recordOp("minimum", [a, b], kernel("minimum", a, b), (g, c) => {
    const share = winnerShare(c.input(0).detach(), c.input(1).detach(), "lt");
    return [mul(g, share), mul(g, sub(1, share))];
  });
}

function compare(op: BinaryOp, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  return recordOp(op, [a, b], kernel(op, a, b), null); // bool: no gradient
}

/** `x == y` elementwise (bool, not differentiable). */
export const eq = (x: TensorLike, y: TensorLike): Tensor => compare("eq", x, y);
/** `x != y` elementwise (bool). */
export const ne = (x: TensorLike, y: TensorLike): Tensor => compare("ne", x, y);
/** `x < y` elementwise (bool). */
export const lt = (x: TensorLike, y: TensorLike): Tensor => compare("lt", x, y);
/** `x <= y` elementwise (bool). */
export const le = (x: TensorLike, y: TensorLike): Tensor => compare("le", x, y);
/** `x > y` elementwise (bool). */
export const gt = (x: TensorLike, y: TensorLike): Tensor => compare("gt", x, y);
/** `x >= y` elementwise (bool). */
export const ge = (x: TensorLike, y: TensorLike): Tensor => compare("ge", x, y);

/** Elementwise logical not: true where `x` is zero (or false). Returns bool. */
export function logicalNot(x: Tensor): Tensor {
  return eq(x, 0);
}

/** Elementwise logical and of two bool (or 0/1) tensors. */
export function logicalAnd(x: Tensor, y: Tensor): Tensor {
  return ne(mul(to(x, "int32"), to(y, "int32")), 0);
}

/** `condition ? x : y` elementwise, broadcasting all three. */
export function where(condition: Tensor, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  const shape = broadcastShapes("where", condition.shape, a.shape, b.shape);
  const cond = condition.dtype === "bool" ? condition : to(condition, "bool");
  const data = be().where(
    broadcastView(cond, shape),
    broadcastView(a, shape),
    broadcastView(b, shape),
  );
  // the condition is an input too (for a trace), with no gradient
  return recordOp("where", [cond, a, b], wrap(data, shape), (g) => [
    null,
    a.requiresGrad ? where(cond, g, 0) : null,
    b.requiresGrad ? where(cond, 0, g) : null,
  ]);
}
