/**
 * Naive float64 references for the conv family: the definitions as direct loops over every
 * output (or input) element and every kernel tap, sharing no code with tsgrad's im2col + GEMM
 * kernels or its output-size formulas.
 */
import { rt, type RefTensor } from "../reference.js";

/** Geometry of a reference conv: per spatial dim (height, width). */
export interface RefConv {
  stride: [number, number];
  /** Zeros before and after, per dim: [[top, bottom], [left, right]]. */
  pad: [[number, number], [number, number]];
  dilation: [number, number];
  groups: number;
}

/** The same zeros before and after: `[[p₀, p₀], [p₁, p₁]]`. */
export const symmetric = (p: readonly [number, number]): RefConv["pad"] => [
  [p[0], p[0]],
  [p[1], p[1]],
];

const at4 = (t: RefTensor, a: number, b: number, c: number, d: number): number => {
  const [, B, C, D] = t.shape as [number, number, number, number];
  return t.data[((a * B + b) * C + c) * D + d]!;
};

/** `'same'` padding along one dim: total dilation·(k − 1), the odd zero after. */
export function refSame(k: number, d: number): [number, number] {
  const total = d * (k - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Number of window positions that fit in the padded length. */
const windows = (size: number, k: number, s: number, d: number, pads: [number, number]): number =>
  Math.floor((size + pads[0] + pads[1] - d * (k - 1) - 1) / s) + 1;

/** y[n, o, i, j] = b[o] + Σ x[n, g·Cg + c, i·s − p + ki·d, j·s − p + kj·d] · w[o, c, ki, kj]. */
export function conv2dRef(x: RefTensor, w: RefTensor, b: RefTensor | null, p: RefConv): RefTensor {
  const [N, , H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = w.shape as [number, number, number, number];
  const OH = windows(H, kh, p.stride[0], p.dilation[0], p.pad[0]);
  const OW = windows(W, kw, p.stride[1], p.dilation[1], p.pad[1]);
  const Og = O / p.groups;
  const data: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let s = b ? b.data[o]! : 0;
          for (let c = 0; c < Cg; c++) {
            for (let ki = 0; ki < kh; ki++) {
              for (let kj = 0; kj < kw; kj++) {
                const ih = i * p.stride[0] - p.pad[0][0] + ki * p.dilation[0];
                const iw = j * p.stride[1] - p.pad[1][0] + kj * p.dilation[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += at4(x, n, g * Cg + c, ih, iw) * at4(w, o, c, ki, kj);
              }
            }
          }
          data.push(s);
        }
      }
    }
  }
  return rt([N, O, OH, OW], data);
}

/**
 * Calls `visit` for every tap of a conv that reads inside the input: sample n, input channel ci at
 * (ih, iw), output channel o at (i, j), weight entry (o, c, ki, kj).
 */
function forEachTap(
  xShape: readonly number[],
  wShape: readonly number[],
  outSize: readonly [number, number],
  p: RefConv,
  visit: (
    n: number,
    ci: number,
    ih: number,
    iw: number,
    o: number,
    c: number,
    ki: number,
    kj: number,
    i: number,
    j: number,
  ) => void,
): void {
  const [N, , H, W] = xShape as [number, number, number, number];
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  const Og = O / p.groups;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < outSize[0]; i++)
        for (let j = 0; j < outSize[1]; j++)
          for (let c = 0; c < Cg; c++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const ih = i * p.stride[0] - p.pad[0][0] + ki * p.dilation[0];
                const iw = j * p.stride[1] - p.pad[1][0] + kj * p.dilation[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                visit(n, Math.floor(o / Og) * Cg + c, ih, iw, o, c, ki, kj, i, j);
              }
}

/**
 * The input gradient of a conv with input shape `xShape`: dx[n, ci, ih, iw] = Σ g[n, o, i, j] ·
 * w[o, c, ki, kj] over the taps that read (ih, iw). Also the transposed conv.
 */
export function convInputGradRef(
  g: RefTensor,
  w: RefTensor,
  xShape: readonly number[],
  p: RefConv,
): RefTensor {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [OH, OW] = [g.shape[2]!, g.shape[3]!];
  const dx = new Array<number>(N * C * H * W).fill(0);
  forEachTap(xShape, w.shape, [OH, OW], p, (n, ci, ih, iw, o, c, ki, kj, i, j) => {
    dx[((n * C + ci) * H + ih) * W + iw]! += at4(g, n, o, i, j) * at4(w, o, c, ki, kj);
  });
  return rt([N, C, H, W], dx);
}

/** The weight gradient: dw[o, c, ki, kj] = Σ g[n, o, i, j] · x[n, g·Cg + c, ih, iw]. */
export function convWeightGradRef(
  x: RefTensor,
  g: RefTensor,
  wShape: readonly number[],
  p: RefConv,
): RefTensor {
  const [O, Cg, kh, kw] = wShape as [number, number, number, number];
  const dw = new Array<number>(O * Cg * kh * kw).fill(0);
  const outSize: [number, number] = [g.shape[2]!, g.shape[3]!];
  forEachTap(x.shape, wShape, outSize, p, (n, ci, ih, iw, o, c, ki, kj, i, j) => {
    dw[((o * Cg + c) * kh + ki) * kw + kj]! += at4(g, n, o, i, j) * at4(x, n, ci, ih, iw);
  });
  return rt([O, Cg, kh, kw], dw);
}

/**
 * Transposed conv: x [N, Cin, H, W], w [Cin, Cout/groups, kh, kw]; every input element scatters
 * x·w into the output at (i·s − p + ki·d, j·s − p + kj·d), plus bias.
 */
export function convTranspose2dRef(
  x: RefTensor,
  w: RefTensor,
  b: RefTensor | null,
  p: RefConv,
  outputPadding: [number, number],
): RefTensor {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [, Og, kh, kw] = w.shape as [number, number, number, number];
  const size = (I: number, k: number, a: 0 | 1): number =>
    (I - 1) * p.stride[a] - 2 * p.pad[a][0] + p.dilation[a] * (k - 1) + outputPadding[a] + 1;
  const [OH, OW] = [size(H, kh, 0), size(W, kw, 1)];
  const O = Og * p.groups;
  const Cg = Cin / p.groups;
  const y = new Array<number>(N * O * OH * OW).fill(0);
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < Cin; ci++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let o = 0; o < Og; o++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const oh = i * p.stride[0] - p.pad[0][0] + ki * p.dilation[0];
                const ow = j * p.stride[1] - p.pad[1][0] + kj * p.dilation[1];
                if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
                const oc = Math.floor(ci / Cg) * Og + o;
                y[((n * O + oc) * OH + oh) * OW + ow]! +=
                  at4(x, n, ci, i, j) * at4(w, ci, o, ki, kj);
              }
  if (b) for (let q = 0; q < y.length; q++) y[q]! += b.data[Math.floor(q / (OH * OW)) % O]!;
  return rt([N, O, OH, OW], y);
}
