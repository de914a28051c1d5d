import { IndexError, ShapeError, fmtShape } from "./errors.js";

/** A tensor shape. */
export type Shape = readonly number[];

/** Number of elements in a tensor of this shape (1 for a 0-d tensor). */
export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major (C-contiguous) strides for a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when `strides` are row-major for `shape` (size-1 dims may have any stride). */
export function isContiguous(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/** Shape equality. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy/PyTorch broadcasting of two or more shapes; `op` names the caller in errors. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i]!;
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) {
        out[j] = d;
        continue;
      }
      throw new ShapeError(
        `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together ` +
          `(dimension ${j - ndim} is ${out[j]} vs ${d})`,
      );
    }
  }
  return out;
}

/** Resolves a possibly negative dim against `ndim`, with a clear error when out of range. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new IndexError(
      `${op}: dimension ${dim} is out of range for a ${ndim}-d tensor (expected ${lo}..${hi})`,
    );
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Validates a shape given by a user: non-negative integers. */
export function checkShape(op: string, shape: Shape): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(
        `${op}: invalid shape ${fmtShape(shape)} (sizes must be non-negative integers)`,
      );
    }
  }
  return [...shape];
}

/** Accepts `f(2, 3)` and `f([2, 3])` alike. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}
