/**
 * Naive references for indexing and joining ops (cat, gather, scatterAdd, indexSelect, indexAdd,
 * pad): plain loops over flat row-major arrays, independent of tsgrad (see reference.ts).
 */
import {
  normDim,
  numel,
  pickFrom,
  ravel,
  rt,
  sumOf,
  unravel,
  type RefTensor,
} from "./reference.js";

/** Concatenation along `dim`. */
export function catRef(xs: readonly RefTensor[], dim: number): RefTensor {
  const d = normDim(dim, xs[0]!.shape.length);
  const shape = [...xs[0]!.shape];
  shape[d] = sumOf(xs.map((x) => x.shape[d]!));
  const data: number[] = [];
  for (let p = 0; p < numel(shape); p++) {
    const idx = unravel(p, shape);
    let k = 0;
    let at = idx[d]!;
    while (at >= xs[k]!.shape[d]!) at -= xs[k++]!.shape[d]!;
    const own = [...idx];
    own[d] = at;
    data.push(xs[k]!.data[ravel(own, xs[k]!.shape)]!);
  }
  return rt(shape, data);
}

/** `out[i][j] = x[i][index[i][j]]` (dim 1), for any dim. */
export function gatherRef(x: RefTensor, dim: number, index: RefTensor): RefTensor {
  const d = normDim(dim, x.shape.length);
  return rt(
    [...index.shape],
    index.data.map((iv, p) => {
      const idx = unravel(p, index.shape);
      idx[d] = iv;
      return x.data[ravel(idx, x.shape)]!;
    }),
  );
}

/** Copy of `x` with `src[i][j]` added at `[i][index[i][j]]` (dim 1), for any dim. */
export function scatterAddRef(
  x: RefTensor,
  dim: number,
  index: RefTensor,
  src: RefTensor,
): RefTensor {
  const d = normDim(dim, x.shape.length);
  const data = [...x.data];
  index.data.forEach((iv, p) => {
    const idx = unravel(p, index.shape);
    idx[d] = iv;
    data[ravel(idx, x.shape)]! += src.data[p]!;
  });
  return rt([...x.shape], data);
}

/** Rows `index` of `x` along `dim`. */
export function indexSelectRef(x: RefTensor, dim: number, index: readonly number[]): RefTensor {
  const d = normDim(dim, x.shape.length);
  const shape = [...x.shape];
  shape[d] = index.length;
  return pickFrom(x, shape, (idx) => idx.map((v, k) => (k === d ? index[v]! : v)));
}

/** Copy of `x` with `alpha·src` rows added at rows `index` along `dim`. */
export function indexAddRef(
  x: RefTensor,
  dim: number,
  index: readonly number[],
  src: RefTensor,
  alpha: number,
): RefTensor {
  const d = normDim(dim, x.shape.length);
  const data = [...x.data];
  for (let p = 0; p < src.data.length; p++) {
    const idx = unravel(p, src.shape);
    idx[d] = index[idx[d]!]!;
    data[ravel(idx, x.shape)]! += alpha * src.data[p]!;
  }
  return rt([...x.shape], data);
}

/** Constant padding; `pads` lists (before, after) pairs from the last dim backwards. */
export function padRef(x: RefTensor, pads: readonly number[], value: number): RefTensor {
  const nd = x.shape.length;
  const before = new Array<number>(nd).fill(0);
  const shape = [...x.shape];
  for (let k = 0; k < pads.length / 2; k++) {
    before[nd - 1 - k] = pads[2 * k]!;
    shape[nd - 1 - k]! += pads[2 * k]! + pads[2 * k + 1]!;
  }
  const data: number[] = [];
  for (let p = 0; p < numel(shape); p++) {
    const src = unravel(p, shape).map((v, d) => v - before[d]!);
    const inside = src.every((v, d) => v >= 0 && v < x.shape[d]!);
    data.push(inside ? x.data[ravel(src, x.shape)]! : value);
  }
  return rt(shape, data);
}
