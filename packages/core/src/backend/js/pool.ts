import { allocate, type TypedArray } from "../../dtype.js";
import type { AvgPool2dParams, MaxPool2dParams, View } from "../backend.js";
import { contiguousData } from "../strided.js";

/** [N·C, H, W] of an NCHW shape. */
function planes(shape: readonly number[]): [number, number, number] {
  const [n, c, h, w] = shape as [number, number, number, number];
  return [n * c, h, w];
}

/**
 * First in-range tap and end (exclusive) of each dilated max-pool window along one axis:
 * PyTorch's `start = o·S − P`, stepped by D past the padding, `end = min(start + D·(K − 1) + 1, I)`.
 */
function maxWindows(
  out: number,
  size: number,
  k: number,
  s: number,
  pad: number,
  d: number,
): [Int32Array, Int32Array] {
  const starts = new Int32Array(out);
  const ends = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    let start = o * s - pad;
    ends[o] = Math.min(start + (k - 1) * d + 1, size);
    while (start < 0) start += d;
    starts[o] = start;
  }
  return [starts, ends];
}

/** Max pooling with plane-flat argmax indices (see `Backend.maxPool2d`). */
export function maxPool2d(
  x: View,
  p: MaxPool2dParams,
): { values: TypedArray; indices: Int32Array } {
  const [P, H, W] = planes(x.shape);
  const [OH, OW] = p.outSize;
  const [dH, dW] = p.dilation;
  const [hs, he] = maxWindows(OH, H, p.kernel[0], p.stride[0], p.padding[0], dH);
  const [ws, we] = maxWindows(OW, W, p.kernel[1], p.stride[1], p.padding[1], dW);
  const xd = contiguousData(x);
  const values = allocate(x.dtype, P * OH * OW);
  const indices = new Int32Array(P * OH * OW);
  let o = 0;
  for (let pl = 0; pl < P; pl++) {
    const base = pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = hs[oh]!;
      const h1 = he[oh]!;
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = ws[ow]!;
        const w1 = we[ow]!;
        let best = -Infinity;
        let bi = h0 * W + w0;
        for (let h = h0; h < h1; h += dH) {
          const row = h * W;
          for (let w = w0; w < w1; w += dW) {
            const v = xd[base + row + w]!;
            // strict > keeps the first maximum on ties; a NaN always wins, as in PyTorch
            if (v > best || v !== v) {
              best = v;
              bi = row + w;
            }
          }
        }
        values[o] = best;
        indices[o] = bi;
      }
    }
  }
  return { values, indices };
}

/** Scatter-add of the pooled gradient back to the argmax positions. */
export function maxPool2dBackward(
  grad: View,
  indices: View,
  inputShape: readonly number[],
): TypedArray {
  const [P, H, W] = planes(inputShape);
  const L = grad.shape[2]! * grad.shape[3]!;
  const gd = contiguousData(grad);
  const id = contiguousData(indices);
  const out = allocate(grad.dtype, P * H * W);
  for (let pl = 0; pl < P; pl++) {
    const ob = pl * H * W;
    const gb = pl * L;
    for (let j = 0; j < L; j++) out[ob + id[gb + j]!]! += gd[gb + j]!;
  }
  return out;
}

/**
 * Average-pool windows along one axis, PyTorch's CPU kernel: `lo = o·S − P`,
 * `hi = min(lo + K, I + P)` (its length counts toward the padded divisor), then clipped to [0, I).
 */
function avgWindows(
  out: number,
  size: number,
  k: number,
  s: number,
  pad: number,
): { lo: Int32Array; hi: Int32Array; padded: Int32Array } {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const padded = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    const a = o * s - pad;
    const b = Math.min(a + k, size + pad);
    padded[o] = b - a;
    lo[o] = Math.max(a, 0);
    hi[o] = Math.min(b, size);
  }
  return { lo, hi, padded };
}

/** Divisors of every output position [OH·OW] (0 marks an empty window). */
function divisors(
  H: number,
  W: number,
  p: AvgPool2dParams,
): {
  rows: ReturnType<typeof avgWindows>;
  cols: ReturnType<typeof avgWindows>;
  div: Float64Array;
} {
  const [OH, OW] = p.outSize;
  const rows = avgWindows(OH, H, p.kernel[0], p.stride[0], p.padding[0]);
  const cols = avgWindows(OW, W, p.kernel[1], p.stride[1], p.padding[1]);
  const div = new Float64Array(OH * OW);
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const inside = (rows.hi[oh]! - rows.lo[oh]!) * (cols.hi[ow]! - cols.lo[ow]!);
      const padded = rows.padded[oh]! * cols.padded[ow]!;
      const d = p.divisorOverride ?? (p.countIncludePad ? padded : inside);
      div[oh * OW + ow] = rows.hi[oh]! <= rows.lo[oh]! || cols.hi[ow]! <= cols.lo[ow]! ? 0 : d;
    }
  }
  return { rows, cols, div };
}

/** Average pooling (see `Backend.avgPool2d`). */
export function avgPool2d(x: View, p: AvgPool2dParams): TypedArray {
  const [P, H, W] = planes(x.shape);
  const [OH, OW] = p.outSize;
  const { rows, cols, div } = divisors(H, W, p);
  const xd = contiguousData(x);
  const out = allocate(x.dtype, P * OH * OW);
  let o = 0;
  for (let pl = 0; pl < P; pl++) {
    const base = pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = rows.lo[oh]!;
      const h1 = rows.hi[oh]!;
      for (let ow = 0; ow < OW; ow++, o++) {
        const d = div[oh * OW + ow]!;
        if (d === 0) continue;
        const w0 = cols.lo[ow]!;
        const w1 = cols.hi[ow]!;
        let acc = 0;
        for (let h = h0; h < h1; h++) {
          const row = base + h * W;
          for (let w = w0; w < w1; w++) acc += xd[row + w]!;
        }
        out[o] = acc / d;
      }
    }
  }
  return out;
}

/** The adjoint of `avgPool2d`: each output's gradient / divisor is added over its window. */
export function avgPool2dBackward(
  grad: View,
  inputShape: readonly number[],
  p: AvgPool2dParams,
): TypedArray {
  const [P, H, W] = planes(inputShape);
  const [OH, OW] = p.outSize;
  const { rows, cols, div } = divisors(H, W, p);
  const gd = contiguousData(grad);
  const out = allocate(grad.dtype, P * H * W);
  let o = 0;
  for (let pl = 0; pl < P; pl++) {
    const base = pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = rows.lo[oh]!;
      const h1 = rows.hi[oh]!;
      for (let ow = 0; ow < OW; ow++, o++) {
        const d = div[oh * OW + ow]!;
        if (d === 0) continue;
        const v = gd[o]! / d;
        const w0 = cols.lo[ow]!;
        const w1 = cols.hi[ow]!;
        for (let h = h0; h < h1; h++) {
          const row = base + h * W;
          for (let w = w0; w < w1; w++) out[row + w]! += v;
        }
      }
    }
  }
  return out;
}
