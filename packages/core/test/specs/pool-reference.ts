/**
 * Naive float64 references for the pooling specs: one loop over every window tap, written from
 * PyTorch's documented semantics, sharing no code with `@tsgrad/core`.
 */
import { rt, type RefTensor } from "../reference.js";

/** A 2-D pooling configuration as the references take it (every option a pair). */
export interface RefPool {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

/** Output length along one axis, PyTorch's rule (ceil mode drops a window starting in padding). */
export function refPoolLen(I: number, k: number, s: number, p: number, d: number, ceil: boolean) {
  const span = I + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= I + p) out -= 1;
  return out;
}

/** [N, C, H, W] of a 3-D or 4-D input shape. */
const nchw = (shape: readonly number[]): [number, number, number, number] =>
  (shape.length === 3 ? [1, ...shape] : [...shape]) as [number, number, number, number];

/** Output shape matching the input's rank. */
const outShapeOf = (shape: readonly number[], oh: number, ow: number): number[] =>
  shape.length === 3 ? [shape[0]!, oh, ow] : [shape[0]!, shape[1]!, oh, ow];

/** Max pooling with plane-flat argmax indices (first maximum on ties). */
export function maxPoolRef(x: RefTensor, g: RefPool): [RefTensor, RefTensor] {
  const [N, C, H, W] = nchw(x.shape);
  const OH = refPoolLen(H, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0], g.ceilMode);
  const OW = refPoolLen(W, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1], g.ceilMode);
  const vals: number[] = [];
  const idx: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < g.kernel[0]; i++) {
            const h = oh * g.stride[0] - g.padding[0] + i * g.dilation[0];
            for (let j = 0; j < g.kernel[1]; j++) {
              const w = ow * g.stride[1] - g.padding[1] + j * g.dilation[1];
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              const v = x.data[((n * C + c) * H + h) * W + w]!;
              if (v > best) [best, at] = [v, h * W + w];
            }
          }
          vals.push(best);
          idx.push(at);
        }
      }
    }
  }
  const shape = outShapeOf(x.shape, OH, OW);
  return [rt(shape, vals), rt([...shape], idx, "int32")];
}

/** Options of the average-pooling reference. */
export interface RefAvg {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/**
 * Average pooling: each window's sum over in-range taps, divided by `divisorOverride`, or by the
 * number of taps inside the padded input (`countIncludePad`), or inside the input itself.
 * `f` transforms each element first (`xᵖ` for Lp pooling).
 */
export function avgPoolRef(
  x: RefTensor,
  g: RefPool,
  a: RefAvg,
  f: (v: number) => number = (v) => v,
): RefTensor {
  const [N, C, H, W] = nchw(x.shape);
  const [kh, kw] = g.kernel;
  const [ph, pw] = g.padding;
  const OH = refPoolLen(H, kh, g.stride[0], ph, 1, g.ceilMode);
  const OW = refPoolLen(W, kw, g.stride[1], pw, 1, g.ceilMode);
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let acc = 0;
          let inside = 0;
          let padded = 0;
          for (let i = 0; i < kh; i++) {
            const h = oh * g.stride[0] - ph + i;
            for (let j = 0; j < kw; j++) {
              const w = ow * g.stride[1] - pw + j;
              if (h < H + ph && w < W + pw) padded++;
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              inside++;
              acc += f(x.data[((n * C + c) * H + h) * W + w]!);
            }
          }
          const div = a.divisorOverride ?? (a.countIncludePad ? padded : inside);
          out.push(acc / div);
        }
      }
    }
  }
  return rt(outShapeOf(x.shape, OH, OW), out);
}

/** Lp pooling, PyTorch's definition: (kh·kw · avgPool(xᵖ))^(1/p) with zero padding 0. */
export function lpPoolRef(x: RefTensor, p: number, g: RefPool): RefTensor {
  const avg = avgPoolRef(x, g, { countIncludePad: true, divisorOverride: null }, (v) => v ** p);
  const area = g.kernel[0] * g.kernel[1];
  return rt(
    avg.shape,
    avg.data.map((v) => (v * area) ** (1 / p)),
  );
}

/** Adaptive average pooling: output o averages inputs ⌊o·I/O⌋ ..< ⌈(o+1)·I/O⌉ per axis. */
export function adaptiveAvgPoolRef(x: RefTensor, OH: number, OW: number): RefTensor {
  const [N, C, H, W] = nchw(x.shape);
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        const [h0, h1] = [Math.floor((oh * H) / OH), Math.ceil(((oh + 1) * H) / OH)];
        for (let ow = 0; ow < OW; ow++) {
          const [w0, w1] = [Math.floor((ow * W) / OW), Math.ceil(((ow + 1) * W) / OW)];
          let acc = 0;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) acc += x.data[((n * C + c) * H + h) * W + w]!;
          }
          out.push(acc / ((h1 - h0) * (w1 - w0)));
        }
      }
    }
  }
  return rt(outShapeOf(x.shape, OH, OW), out);
}

/**
 * Distance-weighted average pooling written out from its definition: each tap of a window
 * weighted by exp(−(Δh²/(2σh²) + Δw²/(2σw²))), Δ its offset from the window's centre
 * ((k − 1)/2), the weights divided by their sum over the whole window; taps in the zero padding
 * add nothing to the numerator but keep their weight in the sum.
 */
export function distanceWeightedAvgPoolRef(
  x: RefTensor,
  g: Omit<RefPool, "dilation" | "ceilMode">,
  sigma: [number, number],
): RefTensor {
  const [N, C, H, W] = nchw(x.shape);
  const [kh, kw] = g.kernel;
  const [ph, pw] = g.padding;
  const OH = refPoolLen(H, kh, g.stride[0], ph, 1, false);
  const OW = refPoolLen(W, kw, g.stride[1], pw, 1, false);
  const weight = (i: number, j: number): number =>
    Math.exp(
      -((i - (kh - 1) / 2) ** 2) / (2 * sigma[0] ** 2) -
        (j - (kw - 1) / 2) ** 2 / (2 * sigma[1] ** 2),
    );
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let [acc, total] = [0, 0];
          for (let i = 0; i < kh; i++) {
            const h = oh * g.stride[0] - ph + i;
            for (let j = 0; j < kw; j++) {
              const w = ow * g.stride[1] - pw + j;
              total += weight(i, j);
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              acc += weight(i, j) * x.data[((n * C + c) * H + h) * W + w]!;
            }
          }
          out.push(acc / total);
        }
      }
    }
  }
  return rt(outShapeOf(x.shape, OH, OW), out);
}
