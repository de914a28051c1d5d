import { allocate, type TypedArray } from "../../dtype.js";
import type { Conv2dParams, View } from "../backend.js";
import { gemm } from "./gemm.js";
import { contiguousData } from "../strided.js";

// Convolution as matrix products. For one image and one group, the im2col matrix `cols` has a
// row per (channel, ki, kj) of the group's kernel — K = Cg·kh·kw rows — and a column per output
// pixel (P = OH·OW), so that
//   forward:          Y[Og, P]  = W[Og, K] · cols[K, P]
//   backward input:   dcols     = Wᵀ[K, Og] · dY[Og, P], then col2im scatters dcols into dx
//   backward weight:  dW[Og, K] += dY[Og, P] · colsᵀ[P, K]   (summed over the batch)
// Window positions outside the input read as zeros: `padding` is the zero border before the
// first row/column, and the far border is whatever the output size implies.

/** Sizes of one conv problem, derived once from the operand shapes. */
interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  OH: number;
  OW: number;
  kh: number;
  kw: number;
  G: number;
  /** Input channels per group. */
  Cg: number;
  /** Output channels per group. */
  Og: number;
  /** Rows of cols: Cg·kh·kw. */
  K: number;
  /** Columns of cols: OH·OW. */
  P: number;
}

function geometry(
  x: readonly number[],
  kernel: readonly number[],
  y: readonly number[],
  groups: number,
): Geometry {
  const [N, C, H, W] = x as [number, number, number, number];
  const [O, OH, OW] = [y[1]!, y[2]!, y[3]!];
  const [kh, kw] = [kernel[0]!, kernel[1]!];
  const Cg = C / groups;
  return {
    N,
    C,
    H,
    W,
    O,
    OH,
    OW,
    kh,
    kw,
    G: groups,
    Cg,
    Og: O / groups,
    K: Cg * kh * kw,
    P: OH * OW,
  };
}

/**
 * The column range [lo, hi) of output positions whose tap at offset `t` (= kj·dilation − padding)
 * lands inside [0, size): every other position reads padding.
 */
function validRange(t: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = t >= 0 ? 0 : Math.ceil(-t / stride);
  const hi = Math.min(outSize, Math.floor((size - 1 - t) / stride) + 1);
  return [Math.min(lo, outSize), Math.max(hi, Math.min(lo, outSize))];
}

/** Fills `cols` [K, P] from channels [c0, c0 + Cg) of image `n` of the contiguous input `x`. */
function im2col(
  x: TypedArray,
  n: number,
  c0: number,
  g: Geometry,
  p: Conv2dParams,
  cols: Float64Array,
): void {
  const { H, W, OH, OW, kh, kw, Cg, P } = g;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * g.C + c0 + c) * H * W;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, row++) {
        const tw = kj * dw - pw;
        const [lo, hi] = validRange(tw, sw, W, OW);
        const base = row * P;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh - ph + ki * dh;
          const o = base + oh * OW;
          if (ih < 0 || ih >= H) {
            cols.fill(0, o, o + OW);
            continue;
          }
          const src = plane + ih * W + tw;
          for (let ow = 0; ow < lo; ow++) cols[o + ow] = 0;
          for (let ow = lo; ow < hi; ow++) cols[o + ow] = x[src + ow * sw]!;
          for (let ow = hi; ow < OW; ow++) cols[o + ow] = 0;
        }
      }
    }
  }
}

/** Adds `cols` [K, P] into channels [0, Cg) of the image-and-group slice `dx` at `dxOffset`. */
function col2im(
  cols: Float64Array,
  g: Geometry,
  p: Conv2dParams,
  dx: Float64Array,
  dxOffset: number,
): void {
  const { H, W, OH, OW, kh, kw, Cg, P } = g;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padding;
  const [dh, dw] = p.dilation;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = dxOffset + c * H * W;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++, row++) {
        const tw = kj * dw - pw;
        const [lo, hi] = validRange(tw, sw, W, OW);
        const base = row * P;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh - ph + ki * dh;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + ih * W + tw;
          const o = base + oh * OW;
          for (let ow = lo; ow < hi; ow++) dx[dst + ow * sw] += cols[o + ow]!;
        }
      }
    }
  }
}

/** A row-major matrix operand over `data` starting at `offset`. */
const rowMajor = (data: TypedArray, offset: number, cols: number) =>
  ({ data, offset, rowStride: cols, colStride: 1 }) as const;

/**
 * Forward convolution: `x` [N, C, H, W] with `weight` [O, C/groups, kh, kw] into an output of
 * spatial size `outSize`. Shape: [N, O, OH, OW] (contiguous, dtype of `x`).
 */
export function conv2d(
  x: View,
  weight: View,
  bias: View | null,
  outSize: readonly [number, number],
  p: Conv2dParams,
): TypedArray {
  const g = geometry(
    x.shape,
    weight.shape.slice(2),
    [x.shape[0]!, weight.shape[0]!, ...outSize],
    p.groups,
  );
  const { N, O, Og, K, P } = g;
  const xd = contiguousData(x);
  const wd = contiguousData(weight);
  const out = allocate(x.dtype, N * O * P);
  const direct = out instanceof Float64Array;
  const y = direct ? out : new Float64Array(O * P);
  const cols = new Float64Array(K * P);
  for (let n = 0; n < N; n++) {
    const yo = direct ? n * O * P : 0;
    for (let gi = 0; gi < g.G; gi++) {
      im2col(xd, n, gi * g.Cg, g, p, cols);
      gemm(Og, P, K, rowMajor(wd, gi * Og * K, K), rowMajor(cols, 0, P), y, yo + gi * Og * P, P);
    }
    if (!direct) out.set(y, n * O * P);
  }
  if (bias) addChannelBias(out, contiguousData(bias), N, O, P);
  return out;
}

/** Adds `bias[o]` to every element of channel o of `out` [N, O, P] (after rounding, as a separate add would). */
function addChannelBias(out: TypedArray, bias: TypedArray, N: number, O: number, P: number): void {
  for (let n = 0, i = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const b = bias[o]!;
      for (let e = i + P; i < e; i++) out[i] = out[i]! + b;
    }
  }
}

/**
 * Gradient of `conv2d` with respect to its input: `grad` [N, O, OH, OW] through `weight`
 * [O, C/groups, kh, kw] back onto an input of spatial size `inSize`.
 * Shape: [N, C, H, W] with C = (C/groups)·groups (contiguous, dtype of `grad`).
 */
export function conv2dBackwardInput(
  grad: View,
  weight: View,
  inSize: readonly [number, number],
  p: Conv2dParams,
): TypedArray {
  const [N, O] = grad.shape as [number, number];
  const C = weight.shape[1]! * p.groups;
  const g = geometry([N, C, ...inSize], weight.shape.slice(2), grad.shape, p.groups);
  const { Og, K, P, Cg, H, W } = g;
  const gd = contiguousData(grad);
  const wd = contiguousData(weight);
  const out = allocate(grad.dtype, N * C * H * W);
  const direct = out instanceof Float64Array;
  const dx = direct ? out : new Float64Array(C * H * W);
  const cols = new Float64Array(K * P);
  for (let n = 0; n < N; n++) {
    const xo = direct ? n * C * H * W : 0;
    if (!direct) dx.fill(0);
    for (let gi = 0; gi < g.G; gi++) {
      // Wᵀ: element (k, o) of group gi at wd[(gi·Og + o)·K + k]
      const wT = { data: wd, offset: gi * Og * K, rowStride: 1, colStride: K };
      gemm(K, P, Og, wT, rowMajor(gd, (n * O + gi * Og) * P, P), cols, 0, P);
      col2im(cols, g, p, dx, xo + gi * Cg * H * W);
    }
    if (!direct) out.set(dx, n * C * H * W);
  }
  return out;
}

/**
 * Gradient of `conv2d` with respect to its weight: input `x` [N, C, H, W] and `grad`
 * [N, O, OH, OW] give a weight of spatial size `kernelSize`.
 * Shape: [O, C/groups, kh, kw] (contiguous, dtype of `x`).
 */
export function conv2dBackwardWeight(
  x: View,
  grad: View,
  kernelSize: readonly [number, number],
  p: Conv2dParams,
): TypedArray {
  const g = geometry(x.shape, kernelSize, grad.shape, p.groups);
  const { N, O, Og, K, P } = g;
  const xd = contiguousData(x);
  const gd = contiguousData(grad);
  const out = allocate(x.dtype, O * K);
  const dw = out instanceof Float64Array ? out : new Float64Array(O * K);
  const cols = new Float64Array(K * P);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < g.G; gi++) {
      im2col(xd, n, gi * g.Cg, g, p, cols);
      // colsᵀ: element (p, k) at cols[k·P + p]
      const colsT = { data: cols, offset: 0, rowStride: 1, colStride: P };
      gemm(Og, K, P, rowMajor(gd, (n * O + gi * Og) * P, P), colsT, dw, gi * Og * K, K, n > 0);
    }
  }
  if (dw !== out) out.set(dw);
  return out;
}
