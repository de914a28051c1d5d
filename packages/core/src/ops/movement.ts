import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import { ShapeError, IndexError, fmtShape } from "../errors.js";
import { contiguousStrides, normalizeDim, numelOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { makeTensor } from "../tensor-factory.js";
import { clone } from "./cast.js";
import { arange, zeros } from "../creation.js";

// Views sit low in the op layers: reduce and indexing build on them. The two rules here that need
// those families (expand's sum, slice's indexAdd) reach them through Tensor methods, so this file
// imports neither and the import graph stays acyclic.

/** Resolves a dim for `op` (re-exported for Tensor methods). */
export const normDim = normalizeDim;

function makeView(
  x: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  return makeTensor(x.storage, shape, strides, offset, x.dtype);
}

/** Resolves one `-1` entry and checks that the element count matches. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const neg = out.filter((s) => s === -1).length;
  const known = numelOf(out.filter((s) => s !== -1));
  const bad = out.some((s) => !Number.isInteger(s) || s < -1) || neg > 1;
  if (!bad && neg === 1 && known > 0 && x.numel() % known === 0)
    out[out.indexOf(-1)] = x.numel() / known;
  if (bad || numelOf(out) !== x.numel() || out.includes(-1)) {
    throw new ShapeError(
      `${op}: shape ${fmtShape(shape)} is invalid for input of shape ${fmtShape(x.shape)} (${x.numel()} elements)`,
    );
  }
  return out;
}

/** Same data in a new shape; a view when the input is contiguous, a copy otherwise. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape("reshape", x, shape);
  const src = x.isContiguous() ? x : clone(x);
  const out = makeView(src, target, contiguousStrides(target), src.offset);
  return recordOp("reshape", [src], out, (g) => [reshape(g, src.shape)]);
}

/** Like `reshape`, but always a view: throws for non-contiguous input, as PyTorch does. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  if (!x.isContiguous()) {
    throw new ShapeError(
      `view: input of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} is not contiguous; use reshape() or contiguous() first`,
    );
  }
  return reshape(x, shape);
}

/** Merges dims `startDim..endDim` into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return reshape(x, [1]);
  const s = normalizeDim("flatten", startDim, x.dim());
  const e = normalizeDim("flatten", endDim, x.dim());
  if (s > e) throw new IndexError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

function restride(
  op: string,
  x: Tensor,
  shape: number[],
  strides: number[],
  dim: number | null,
): Tensor {
  const out = makeView(x, shape, strides, x.offset);
  return recordOp(op, [x], out, (g) => [reshape(g, x.shape)], { dim });
}

/** Removes size-1 dims (all of them, or just `dim`). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  const d = dim === undefined ? null : normalizeDim("squeeze", dim, x.dim());
  const keep = x.shape.map((s, i) => !(s === 1 && (d === null || d === i)));
  return restride(
    "squeeze",
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    d,
  );
}

/** Inserts a size-1 dim at `dim` (which may be `dim()` to append). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("unsqueeze", dim, x.dim() + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.dim() ? x.strides[d]! * x.shape[d]! : 1);
  return restride("unsqueeze", x, shape, strides, d);
}

/** Reorders dims: `out.shape[i] = x.shape[dims[i]]`. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const nd = x.dim();
  const ds = dims.map((d) => normalizeDim("permute", d, nd));
  if (ds.length !== nd || new Set(ds).size !== nd) {
    throw new ShapeError(
      `permute: dims ${fmtShape(dims)} are not a permutation of ${nd} dims of input ${fmtShape(x.shape)}`,
    );
  }
  const inverse = new Array<number>(nd);
  ds.forEach((d, i) => (inverse[d] = i));
  const out = makeView(
    x,
    ds.map((d) => x.shape[d]!),
    ds.map((d) => x.strides[d]!),
    x.offset,
  );
  return recordOp("permute", [x], out, (g) => [permute(g, inverse)], { dims: ds });
}

/** Swaps two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const order = [...Array(x.dim()).keys()];
  const a = normalizeDim("transpose", dim0, x.dim());
  const b = normalizeDim("transpose", dim1, x.dim());
  [order[a], order[b]] = [order[b]!, order[a]!];
  return permute(x, order);
}

/** Broadcasts size-1 dims (and new leading dims) to `shape` without copying; `-1` keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.dim();
  const bad = (): ShapeError =>
    new ShapeError(`expand: cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  if (lead < 0) throw bad();
  const outShape: number[] = [];
  const strides: number[] = [];
  shape.forEach((s, i) => {
    const j = i - lead;
    const cur = j >= 0 ? x.shape[j]! : 1;
    const size = s === -1 && j >= 0 ? cur : s;
    if (!Number.isInteger(size) || size < 0 || (cur !== 1 && cur !== size)) throw bad();
    outShape.push(size);
    strides.push(j >= 0 && cur === size ? x.strides[j]! : 0);
  });
  return recordOp("expand", [x], makeView(x, outShape, strides, x.offset), (g) => [
    sumTo(g, x.shape),
  ]);
}

/**
 * Elements `start, start+step, ...` below `end` along `dim` (Python slice semantics: negative
 * indices count from the end and out-of-range bounds are clamped). A view.
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  if (x.dim() === 0) throw new IndexError("slice: cannot be applied to a 0-d tensor");
  const d = normalizeDim("slice", dim, x.dim());
  const size = x.shape[d]!;
  if (!Number.isInteger(step) || step <= 0)
    throw new IndexError(`slice: step must be a positive integer, got ${step}`);
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end ?? size), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]!);
  const rule: BackwardRule = (g) => [
    zeros(x.shape, { dtype: g.dtype }).indexAdd(
      d,
      arange(s, s + len * step, step, { dtype: "int32" }),
      g,
    ),
  ];
  return recordOp("slice", [x], out, rule, { dim: d, start: s, end: e, step });
}

/** `length` elements from `start` along `dim` (a view; bounds are checked, not clamped). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.dim() === 0) throw new IndexError("narrow: cannot be applied to a 0-d tensor");
  const d = normalizeDim("narrow", dim, x.dim());
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (
    !Number.isInteger(s) ||
    !Number.isInteger(length) ||
    s < 0 ||
    length < 0 ||
    s + length > size
  ) {
    throw new IndexError(
      `narrow: start ${start} + length ${length} exceeds dimension ${dim} of size ${size} (input ${fmtShape(x.shape)})`,
    );
  }
  return slice(x, d, s, s + length);
}

/** The slice at `index` along `dim`, with that dim removed (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new IndexError("select: cannot be applied to a 0-d tensor");
  const d = normalizeDim("select", dim, x.dim());
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(
      `select: index ${index} is out of range for dimension ${dim} of size ${size} (input ${fmtShape(x.shape)})`,
    );
  }
  return squeeze(narrow(x, d, index < 0 ? index + size : index, 1), d);
}

/** Sums `g` down to `shape` (the inverse of broadcasting); used by the engine and `expand`. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.dim() - shape.length;
  if (lead < 0)
    throw new ShapeError(`sumTo: cannot reduce ${fmtShape(g.shape)} to ${fmtShape(shape)}`);
  const axes = g.shape
    .map((_, i) => i)
    .filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  const reduced = axes.length > 0 ? g.sum(axes, true) : g;
  return reshape(reduced, shape);
}

/** `x` itself if contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** Moves dim `source` to position `destination`, keeping the others in order. */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normalizeDim("movedim", source, x.dim());
  const d = normalizeDim("movedim", destination, x.dim());
  const order = [...Array(x.dim()).keys()].filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}
