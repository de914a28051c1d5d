/**
 * Naive float64 reference implementations of tsgrad's ops, for the generated op tests. They work
 * on flat row-major JS arrays with plain loops and index arithmetic, and deliberately share no
 * code with `@tsgrad/core` (no tensors, no backend), so a bug in an op cannot hide in its oracle.
 */

/** A reference value: shape, row-major data, and the dtype when it is not floating point. */
export interface RefTensor {
  shape: number[];
  data: number[];
  /** `int32` (indices) or `bool` (comparisons); absent for floating outputs. */
  dtype?: "int32" | "bool";
}

/** Builds a RefTensor. */
export const rt = (shape: number[], data: number[], dtype?: "int32" | "bool"): RefTensor =>
  dtype ? { shape, data, dtype } : { shape, data };

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Multi-index of row-major position `p`. */
export function unravel(p: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = p % shape[d]!;
    p = Math.floor(p / shape[d]!);
  }
  return idx;
}

/** Row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let p = 0;
  for (let d = 0; d < shape.length; d++) p = p * shape[d]! + idx[d]!;
  return p;
}

/** Resolves a negative dim. */
export const normDim = (d: number, nd: number): number => (d < 0 ? d + nd : d);

/** Elementwise `f` of one tensor. */
export function map(x: RefTensor, f: (v: number) => number, dtype?: "int32" | "bool"): RefTensor {
  return rt([...x.shape], x.data.map(f), dtype);
}

/** NumPy broadcasting of several shapes (assumed compatible). */
export function broadcastShape(...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    let size = 1;
    for (const s of shapes) {
      const v = s[s.length - nd + i] ?? 1;
      if (v !== 1) size = v;
    }
    out.push(size);
  }
  return out;
}

/** The element of `x` that broadcasts to multi-index `idx` of a larger shape. */
function broadcastAt(x: RefTensor, idx: readonly number[]): number {
  const lead = idx.length - x.shape.length;
  const own = x.shape.map((s, d) => (s === 1 ? 0 : idx[d + lead]!));
  return x.data[ravel(own, x.shape)]!;
}

/** Elementwise `f` of several tensors, broadcasting. */
export function zipWith(
  xs: readonly RefTensor[],
  f: (...v: number[]) => number,
  dtype?: "int32" | "bool",
): RefTensor {
  const shape = broadcastShape(...xs.map((x) => x.shape));
  const data: number[] = [];
  for (let p = 0; p < numel(shape); p++) {
    const idx = unravel(p, shape);
    data.push(f(...xs.map((x) => broadcastAt(x, idx))));
  }
  return rt(shape, data, dtype);
}

/** `x` broadcast to `shape` (materialized). */
export function expandRef(x: RefTensor, shape: readonly number[]): RefTensor {
  const full = shape.map((s, i) => (s === -1 ? x.shape[i - shape.length + x.shape.length]! : s));
  return zipWith([x, rt(full, new Array<number>(numel(full)).fill(0))], (a) => a);
}

/**
 * Reduces `axes` (all when `null`) with `f` over the list of values in each group, in row-major
 * order of the reduced dims.
 */
export function reduceAxes(
  x: RefTensor,
  axes: readonly number[] | null,
  keepdim: boolean,
  f: (vals: number[]) => number,
  dtype?: "int32" | "bool",
): RefTensor {
  const nd = x.shape.length;
  const ax =
    axes === null || axes.length === 0 ? [...Array(nd).keys()] : axes.map((a) => normDim(a, nd));
  const kept = x.shape.map((s, d) => (ax.includes(d) ? 1 : s));
  const groups: number[][] = Array.from({ length: numel(kept) }, () => []);
  for (let p = 0; p < x.data.length; p++) {
    const idx = unravel(p, x.shape).map((v, d) => (ax.includes(d) ? 0 : v));
    groups[ravel(idx, kept)]!.push(x.data[p]!);
  }
  const shape = keepdim ? kept : x.shape.filter((_, d) => !ax.includes(d));
  return rt(shape, groups.map(f), dtype);
}

/** Along one dim: the best value per group and its first index (`better(a, b)`: a beats b). */
export function extremumDim(
  x: RefTensor,
  dim: number,
  keepdim: boolean,
  better: (a: number, b: number) => boolean,
): [RefTensor, RefTensor] {
  const pick = (vals: number[]): number =>
    vals.reduce((bi, v, i) => (better(v, vals[bi]!) ? i : bi), 0);
  const axes = x.shape.length === 0 ? [] : [dim];
  const values = reduceAxes(x, axes, keepdim, (v) => v[pick(v)]!);
  const indices = reduceAxes(x, axes, keepdim, pick, "int32");
  return [values, indices];
}

/** Sum, mean, variance (with `correction`) of a list. */
export const sumOf = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
export const meanOf = (v: readonly number[]): number => sumOf(v) / v.length;
export function varOf(v: readonly number[], correction: number): number {
  const m = meanOf(v);
  return sumOf(v.map((a) => (a - m) * (a - m))) / Math.max(v.length - correction, 0);
}
export function logSumExpOf(v: readonly number[]): number {
  const m = Math.max(...v);
  return m + Math.log(sumOf(v.map((a) => Math.exp(a - m))));
}

/** erf by composite Simpson integration of 2/√π·e^(−t²) (independent of the op's series). */
export function erfRef(x: number): number {
  const n = 4000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-(i * h) * (i * h));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

/** Matrix product with PyTorch's 1-D promotion and batch broadcasting. */
export function matmulRef(a: RefTensor, b: RefTensor): RefTensor {
  const A = a.shape.length === 1 ? rt([1, a.shape[0]!], a.data) : a;
  const B = b.shape.length === 1 ? rt([b.shape[0]!, 1], b.data) : b;
  const [M, K] = A.shape.slice(-2) as [number, number];
  const N = B.shape[B.shape.length - 1]!;
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const out: number[] = [];
  for (let bi = 0; bi < numel(batch); bi++) {
    const bidx = unravel(bi, batch);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          s += broadcastAt(A, [...bidx, i, k]) * broadcastAt(B, [...bidx, k, j]);
        }
        out.push(s);
      }
    }
  }
  const shape = [
    ...batch,
    ...(a.shape.length === 1 ? [] : [M]),
    ...(b.shape.length === 1 ? [] : [N]),
  ];
  return rt(shape, out);
}

/** Generic gather-by-index: `out[idx] = x[source(idx)]` over an output shape. */
export function pickFrom(
  x: RefTensor,
  shape: number[],
  source: (idx: number[]) => number[],
): RefTensor {
  const data: number[] = [];
  for (let p = 0; p < numel(shape); p++)
    data.push(x.data[ravel(source(unravel(p, shape)), x.shape)]!);
  return rt(shape, data, x.dtype);
}

/** Same data, new shape (one `-1` allowed). */
export function reshapeRef(x: RefTensor, shape: readonly number[]): RefTensor {
  const known = numel(shape.filter((s) => s !== -1));
  return rt(
    shape.map((s) => (s === -1 ? x.data.length / known : s)),
    [...x.data],
    x.dtype,
  );
}

/** `out.shape[i] = x.shape[dims[i]]`. */
export function permuteRef(x: RefTensor, dims: readonly number[]): RefTensor {
  const nd = x.shape.length;
  const ds = dims.map((d) => normDim(d, nd));
  return pickFrom(
    x,
    ds.map((d) => x.shape[d]!),
    (idx) => {
      const src = new Array<number>(nd);
      ds.forEach((d, i) => (src[d] = idx[i]!));
      return src;
    },
  );
}

/** Python-style slice `start:end:step` along `dim` (negative and out-of-range bounds handled). */
export function sliceRef(
  x: RefTensor,
  dim: number,
  start: number,
  end: number,
  step: number,
): RefTensor {
  const d = normDim(dim, x.shape.length);
  const size = x.shape[d]!;
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const picked: number[] = [];
  for (let i = clampIdx(start); i < clampIdx(end); i += step) picked.push(i);
  const shape = [...x.shape];
  shape[d] = picked.length;
  return pickFrom(x, shape, (idx) => idx.map((v, k) => (k === d ? picked[v]! : v)));
}
