import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import type { ReduceOp, View } from "../backend/backend.js";
import { assertFloating, isFloating } from "../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { normalizeDim, numelOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, div, eq, mul, sub, where } from "./binary.js";
import { to } from "./cast.js";
import { be, wrap } from "./helpers.js";
import { expand, movedim, reshape, squeeze, unsqueeze } from "./movement.js";
import { scatterAdd } from "./indexing.js";
import { exp, log, sqrt } from "./unary.js";
import { eye, zeros } from "../creation.js";

/** A dim argument: one dim, several, or all (`undefined`/`null`). */
export type Dims = number | readonly number[] | null | undefined;

/** Sorted unique axes for `dim` (all axes when omitted or empty, as PyTorch's `sum(dim=[])`). */
function axesOf(op: string, x: Tensor, dim: Dims): number[] {
  if (dim === undefined || dim === null) return [...Array(x.dim()).keys()];
  const list = typeof dim === "number" ? [dim] : dim;
  if (list.length === 0) return [...Array(x.dim()).keys()];
  const axes = [...new Set(list.map((d) => normalizeDim(op, d, x.dim())))].sort((a, b) => a - b);
  if (axes.length !== list.length)
    throw new ValueError(`${op}: dim ${fmtShape(list)} repeats a dimension`);
  return x.dim() === 0 ? [] : axes;
}

function keptShape(x: Tensor, axes: readonly number[]): number[] {
  return x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
}

function reduceKernel(op: ReduceOp, x: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  const outDtype = isFloating(x.dtype) ? x.dtype : "int32";
  const kept = keptShape(x, axes);
  const shape = keepdim ? kept : x.shape.filter((_, i) => !axes.includes(i));
  return wrap(be().reduce(op, x, axes, outDtype), shape, outDtype);
}

/** Broadcasts a reduced gradient (or value) back over the reduced axes of `x`. */
function spread(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return expand(reshape(g, keptShape(x, axes)), x.shape);
}

/** Sum over `dim` (all dims by default). Bool and int32 sum to int32. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = axesOf("sum", x, dim);
  const out = reduceKernel("sum", x, axes, keepdim);
  return recordOp("sum", [x], out, (g) => [spread(g, x, axes)], { dim: axes, keepdim });
}

/** Arithmetic mean over `dim` (floating-point input). */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  assertFloating("mean", x.dtype);
  const axes = axesOf("mean", x, dim);
  const n = numelOf(axes.map((a) => x.shape[a]!));
  return div(sum(x, axes, keepdim), n);
}

/** Product over one dim, or of all elements. Exact gradients even where inputs are zero. */
export function prod(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) return prod(reshape(x, [x.numel()]), 0, false);
  const d = normalizeDim("prod", dim, x.dim());
  const axes = x.dim() === 0 ? [] : [d];
  const out = reduceKernel("prod", x, axes, keepdim);
  return recordOp(
    "prod",
    [x],
    out,
    (g, c) => {
      const xi = c.input(0);
      if (axes.length === 0) return [g];
      const gs = spread(g, x, axes);
      if (!xi.dataSync().includes(0)) return [div(mul(gs, spread(c.out(), x, axes)), xi)]; // ∂/∂xᵢ Πx = Πx / xᵢ
      // with zeros: the product of the others, taken as prod over rows of x with xᵢ replaced by 1
      const n = x.shape[d]!;
      const last = movedim(xi, d, -1);
      const rows = expand(unsqueeze(last, -2), [...last.shape.slice(0, -1), n, n]);
      const others = prod(where(eye(n, n, { dtype: "bool" }), 1, rows), -1);
      return [mul(gs, movedim(others, -1, d))];
    },
    { dim: d, keepdim },
  );
}

function extremum(
  op: "max" | "min",
  x: Tensor,
  dim?: number,
  keepdim = false,
): Tensor | [Tensor, Tensor] {
  if (x.numel() === 0)
    throw new ShapeError(`${op}: cannot reduce an empty tensor of shape ${fmtShape(x.shape)}`);
  if (dim === undefined) {
    const out = reduceKernel(op, x, axesOf(op, x, null), false);
    // NOTE: ties share the gradient evenly, as PyTorch's max() does
    const rule: BackwardRule = (g, c) => {
      const mask = to(eq(c.input(0), c.out()), g.dtype);
      return [mul(div(mask, sum(mask)), g)];
    };
    return recordOp(op, [x], out, isFloating(x.dtype) ? rule : null);
  }
  const d = normalizeDim(op, dim, x.dim());
  const axes = x.dim() === 0 ? [] : [d];
  // a 0-d input reduces as a one-element vector (the kernel needs a real axis)
  const one: View = { data: x.data, dtype: x.dtype, shape: [1], strides: [1], offset: x.offset };
  const r = be().argReduce(op, x.dim() === 0 ? one : x, axes[0] ?? 0);
  const kept = keptShape(x, axes);
  const shape = keepdim ? kept : x.shape.filter((_, i) => !axes.includes(i));
  const indices = wrap(r.indices, shape, "int32");
  const values = wrap(r.values, shape, x.dtype);
  // NOTE: ties route the whole gradient to the first extreme element, as PyTorch's max(dim) does
  const rule: BackwardRule = (g) => [
    scatterAdd(zeros(x.shape, { dtype: g.dtype }), d, reshape(indices, kept), reshape(g, kept)),
  ];
  const attrs = { dim: d, keepdim };
  const [v, i] = recordOp(op, [x], [values, indices], isFloating(x.dtype) ? rule : null, attrs);
  return [v, i];
}

/** The largest element (a 0-d tensor), or `[values, indices]` along `dim`. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return extremum("max", x, dim, keepdim);
}

/** The smallest element (a 0-d tensor), or `[values, indices]` along `dim`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return extremum("min", x, dim, keepdim);
}

/** Index of the largest element along `dim` (of the flattened tensor when omitted). int32. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined)
    return max(reshape(x, [x.numel()]), 0)[1].reshape(keepdim ? x.shape.map(() => 1) : []);
  return max(x, dim, keepdim)[1];
}

/** Index of the smallest element along `dim` (of the flattened tensor when omitted). int32. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined)
    return min(reshape(x, [x.numel()]), 0)[1].reshape(keepdim ? x.shape.map(() => 1) : []);
  return min(x, dim, keepdim)[1];
}

/** Options of `var` and `std`. */
export interface VarOptions {
  /** Bessel's correction: divide by N − 1 (default true). Ignored when `correction` is given. */
  unbiased?: boolean;
  /** Divide by N − correction (PyTorch 2's spelling; overrides `unbiased`). */
  correction?: number;
  /** Keep reduced dims as size 1. */
  keepdim?: boolean;
}

/** Variance over `dim` (all dims by default); unbiased unless told otherwise. */
export function variance(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  assertFloating("var", x.dtype);
  const axes = axesOf("var", x, dim);
  const n = numelOf(axes.map((a) => x.shape[a]!));
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const centered = sub(x, mean(x, axes, true));
  return div(
    sum(mul(centered, centered), axes, options.keepdim ?? false),
    Math.max(n - correction, 0),
  );
}

/** Standard deviation: `sqrt(var(...))`. */
export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, options));
}

/** `log(sum(exp(x)))` over `dim`, computed stably by shifting by the (detached) maximum. */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  assertFloating("logsumexp", x.dtype);
  const axes = axesOf("logsumexp", x, dim);
  const xd = x.detach();
  const m = recordOp("max", [xd], reduceKernel("max", xd, axes, true), null, {
    dim: axes,
    keepdim: true,
  });
  const shift = where(eq(m.abs(), Infinity), 0, m); // all −inf (or +inf) rows: shift by 0
  const out = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
  return keepdim ? out : squeezeAxes(out, axes);
}

function squeezeAxes(x: Tensor, axes: readonly number[]): Tensor {
  return [...axes].reverse().reduce((t, a) => squeeze(t, a), x);
}
