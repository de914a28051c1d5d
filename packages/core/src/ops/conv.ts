import { recordOp } from "../autograd/define-op.js";
import type { OpAttrs } from "../debug/observer.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import type { Conv2dParams, ConvGradients } from "../backend/backend.js";
import { convGeometry, type ConvArgs, type ConvGeometry } from "../conv-shape.js";
import { assertFloating } from "../dtype.js";
import { DTypeError, ShapeError, fmtShape } from "../errors.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add } from "./binary.js";
import { be, wrap } from "./helpers.js";
import { reshape } from "./movement.js";
import { sum } from "./reduce.js";

// The three primitives of the conv family. Each is linear in each of its two tensor arguments,
// and each one's adjoints are the other two, so their backward rules only call each other:
//   ⟨conv(x, w), g⟩ = ⟨x, convBackwardInput(g, w)⟩ = ⟨w, convBackwardWeight(x, g)⟩
// Sizes travel explicitly (input size for the input gradient, kernel size for the weight
// gradient, output size for the forward), so odd 'same' padding and outputPadding stay exact.

type Size2 = readonly [number, number];

const spatial = (t: Tensor): Size2 => [t.shape[2]!, t.shape[3]!];

/**
 * The forward conv kernel as an op: x [N, C, H, W], w [O, C/g, kh, kw], optional bias [O] →
 * [N, O, ...outSize]. The bias rides in the kernel (one pass over the output, not two).
 */
export function conv2dRaw(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  outSize: Size2,
  p: Conv2dParams,
): Tensor {
  const shape = [x.shape[0]!, w.shape[0]!, ...outSize];
  const out = wrap(be().conv2d(x, w, bias, outSize, p), shape, x.dtype);
  const inSize = spatial(x);
  const kSize = spatial(w);
  // ∂/∂x = convBackwardInput(g, w);  ∂/∂w = convBackwardWeight(x, g);  ∂/∂b = Σ g over N, H, W
  return recordOp(
    "conv2d",
    [x, w, bias],
    out,
    (g, c) => {
      const needs = { input: x.requiresGrad, weight: w.requiresGrad, bias: !!bias?.requiresGrad };
      if (!isGradEnabled()) return conv2dGradients(c.input(0), c.input(1), g, p, needs);
      return [
        needs.input ? conv2dBackwardInputRaw(g, c.input(1), inSize, p) : null,
        needs.weight ? conv2dBackwardWeightRaw(c.input(0), g, kSize, p) : null,
        needs.bias ? sum(g, [0, 2, 3]) : null,
      ];
    },
    convAttrs(p),
  );
}

/**
 * The gradients of conv2d(x, w) for `g` when no graph is recorded: one backend call that may share
 * `g`'s copy between them, with the same values, and shown to observers as the ops the recorded
 * path runs.
 */
function conv2dGradients(
  x: Tensor,
  w: Tensor,
  g: Tensor,
  p: Conv2dParams,
  needs: ConvGradients,
): [Tensor | null, Tensor | null, Tensor | null] {
  const r = be().conv2dBackward(x, w, g, p, needs);
  const gx = r.gradInput && wrap(r.gradInput, x.shape, g.dtype);
  const gw = r.gradWeight && wrap(r.gradWeight, w.shape, x.dtype);
  const gb = r.gradBias && wrap(r.gradBias, [g.shape[1]!], g.dtype);
  if (gx) recordOp("conv2dBackwardInput", [g, w], gx, null, convAttrs(p));
  if (gw) recordOp("conv2dBackwardWeight", [x, g], gw, null, convAttrs(p));
  if (gb) recordOp("sum", [g], gb, null, { dim: [0, 2, 3], keepdim: false });
  return [gx, gw, gb];
}

/** Input-gradient kernel as an op: g [N, O, OH, OW], w [O, C/g, kh, kw] → [N, C, ...inSize]. */
export function conv2dBackwardInputRaw(
  g: Tensor,
  w: Tensor,
  inSize: Size2,
  p: Conv2dParams,
): Tensor {
  const C = w.shape[1]! * p.groups;
  const out = wrap(be().conv2dBackwardInput(g, w, inSize, p), [g.shape[0]!, C, ...inSize], g.dtype);
  const outSize = spatial(g);
  const kSize = spatial(w);
  // ⟨convBackwardInput(g, w), h⟩ = ⟨g, conv(h, w)⟩:
  //   ∂/∂g = conv(h, w), ∂/∂w = convBackwardWeight(h, g)
  return recordOp(
    "conv2dBackwardInput",
    [g, w],
    out,
    (h, c) => [
      g.requiresGrad ? conv2dRaw(h, c.input(1), null, outSize, p) : null,
      w.requiresGrad ? conv2dBackwardWeightRaw(h, c.input(0), kSize, p) : null,
    ],
    convAttrs(p),
  );
}

/** Weight-gradient kernel as an op: x [N, C, H, W], g [N, O, OH, OW] → [O, C/g, ...kSize]. */
export function conv2dBackwardWeightRaw(
  x: Tensor,
  g: Tensor,
  kSize: Size2,
  p: Conv2dParams,
): Tensor {
  const shape = [g.shape[1]!, x.shape[1]! / p.groups, ...kSize];
  const out = wrap(be().conv2dBackwardWeight(x, g, kSize, p), shape, x.dtype);
  const inSize = spatial(x);
  const outSize = spatial(g);
  // ⟨convBackwardWeight(x, g), h⟩ = ⟨g, conv(x, h)⟩:
  //   ∂/∂x = convBackwardInput(g, h), ∂/∂g = conv(x, h)
  return recordOp(
    "conv2dBackwardWeight",
    [x, g],
    out,
    (h, c) => [
      x.requiresGrad ? conv2dBackwardInputRaw(c.input(1), h, inSize, p) : null,
      g.requiresGrad ? conv2dRaw(c.input(0), h, null, outSize, p) : null,
    ],
    convAttrs(p),
  );
}

/** A conv's settings as a trace shows them. */
function convAttrs(p: Conv2dParams): OpAttrs {
  return { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups };
}

/** Kernel parameters of a validated 2-D geometry. */
export function conv2dParams(geo: ConvGeometry): Conv2dParams {
  const [sh, sw] = geo.stride as [number, number];
  const [ph, pw] = geo.padBefore as [number, number];
  const [dh, dw] = geo.dilation as [number, number];
  return { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], groups: geo.groups };
}

/** Throws unless the operands are floating point of one dtype (PyTorch does not promote here). */
export function checkConvDTypes(
  op: string,
  x: Tensor,
  ...others: (Tensor | null | undefined)[]
): void {
  assertFloating(op, x.dtype);
  for (const t of others) {
    if (t && t.dtype !== x.dtype) {
      throw new DTypeError(
        `${op}: input ${fmtShape(x.shape)} is ${x.dtype} but ${fmtShape(t.shape)} is ${t.dtype}; cast one with to()`,
      );
    }
  }
}

/** Throws unless `bias` is absent or 1-D with one entry per output channel. */
export function checkBias(op: string, bias: Tensor | null | undefined, channels: number): void {
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== channels)) {
    throw new ShapeError(
      `${op}: bias ${fmtShape(bias.shape)} must be 1-D with ${channels} elements (one per output channel)`,
    );
  }
}

/** Adds `bias` [O] (already checked) over dim 1 of `out` [N, O, ...]. */
export function addBias(out: Tensor, bias: Tensor | null | undefined): Tensor {
  if (!bias) return out;
  return add(out, reshape(bias, [bias.shape[0]!, ...new Array<number>(out.dim() - 2).fill(1)]));
}

/** Options of {@link conv2d}: ints apply to both spatial dims, pairs are (height, width). */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number, number];
  /**
   * Zeros added on both sides (default 0); `'valid'` is 0, `'same'` keeps the input size
   * (stride 1 only; an odd total puts the extra zero at the bottom/right, as PyTorch does).
   */
  padding?: number | readonly [number, number] | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number, number];
  /** Channel groups: channels split into `groups` independent convs (default 1). */
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, like PyTorch's `F.conv2d`), differentiable to any order.
 * Output size per dim: `⌊(I + 2P − D·(K − 1) − 1)/S⌋ + 1`.
 * Shape: x [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kH, kW], bias [O] →
 * [N, O, OH, OW] (or [O, OH, OW]).
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: Conv2dOptions = {},
): Tensor {
  checkConvDTypes("conv2d", x, weight, bias);
  const geo = convGeometry("conv2d", x.shape, weight.shape, options as ConvArgs, 2);
  checkBias("conv2d", bias, geo.outChannels);
  const batched = x.dim() === 4 ? x : reshape(x, [1, ...x.shape]);
  const size = geo.outSize as [number, number];
  const y = conv2dRaw(batched, weight, bias ?? null, size, conv2dParams(geo));
  return x.dim() === 4 ? y : reshape(y, y.shape.slice(1));
}

/** Options of {@link conv1d}. */
export interface Conv1dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number];
  /** Zeros added on both sides (default 0), or `'valid'` / `'same'` (stride 1 only). */
  padding?: number | readonly [number] | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number];
  /** Channel groups (default 1). */
  groups?: number;
}

/**
 * 1-D convolution, PyTorch's `F.conv1d`; runs as a 2-D convolution over a unit height.
 * Shape: x [N, C, L] (or [C, L]), weight [O, C/groups, K], bias [O] → [N, O, OL] (or [O, OL]).
 */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: Conv1dOptions = {},
): Tensor {
  checkConvDTypes("conv1d", x, weight, bias);
  const geo = convGeometry("conv1d", x.shape, weight.shape, options as ConvArgs, 1);
  checkBias("conv1d", bias, geo.outChannels);
  const batched = x.dim() === 3 ? x : reshape(x, [1, ...x.shape]);
  const [N, C, L] = batched.shape as [number, number, number];
  const w2 = reshape(weight, [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]);
  const p: Conv2dParams = {
    stride: [1, geo.stride[0]!],
    padding: [0, geo.padBefore[0]!],
    dilation: [1, geo.dilation[0]!],
    groups: geo.groups,
  };
  const out = conv2dRaw(reshape(batched, [N, C, 1, L]), w2, bias ?? null, [1, geo.outSize[0]!], p);
  const y = reshape(out, [N, geo.outChannels, geo.outSize[0]!]);
  return x.dim() === 3 ? y : reshape(y, y.shape.slice(1));
}

/** Re-checks a gradient's shape against the output shape a conv geometry implies. */
export function checkGradShape(op: string, grad: Tensor, expected: readonly number[]): void {
  if (!sameShape(grad.shape, expected)) {
    throw new ShapeError(
      `${op}: grad ${fmtShape(grad.shape)} does not match the convolution output ${fmtShape(expected)}`,
    );
  }
}
