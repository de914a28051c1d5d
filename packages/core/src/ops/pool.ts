import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import { markDonatable } from "../autograd/donation.js";
import type { OpAttrs } from "../debug/observer.js";
import type { AvgPool2dParams, View } from "../backend/backend.js";
import { allocate, assertFloating } from "../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { checkPoolInput, pair, poolGeometry, type IntPair } from "../pool-shape.js";
import type { Tensor } from "../tensor.js";
import { mul, pow } from "./binary.js";
import { be, wrap } from "./helpers.js";
import { matmul } from "./matmul.js";
import { squeeze, transpose, unsqueeze } from "./movement.js";
import { abs, relu, sign } from "./unary.js";

/** Options of `maxPool2d` (PyTorch's keywords). */
export interface MaxPool2dOptions {
  /** Step between windows (default: `kernelSize`). */
  stride?: IntPair | null;
  /** Implicit −∞ padding on each side, at most half the kernel (default 0). */
  padding?: IntPair;
  /** Spacing between the taps of a window (default 1). */
  dilation?: IntPair;
  /** Round the output size up, so a last partial window is kept (default false). */
  ceilMode?: boolean;
  /** Also return the argmax of every window (default false). */
  returnIndices?: boolean;
}

/** Options of `avgPool2d` (PyTorch's keywords). */
export interface AvgPool2dOptions {
  /** Step between windows (default: `kernelSize`). */
  stride?: IntPair | null;
  /** Implicit zero padding on each side, at most half the kernel (default 0). */
  padding?: IntPair;
  /** Round the output size up, so a last partial window is kept (default false). */
  ceilMode?: boolean;
  /** Count padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number | null;
}

/** Options of `lpPool2d`. */
export interface LpPool2dOptions {
  /** Step between windows (default: `kernelSize`). */
  stride?: IntPair | null;
  /** Round the output size up, so a last partial window is kept (default false). */
  ceilMode?: boolean;
}

/** A 4-D view of a 3-D [C, H, W] or 4-D pooling input, and whether it was batched. */
function as4d(op: string, x: Tensor): [Tensor, boolean] {
  checkPoolInput(op, x.shape);
  assertFloating(op, x.dtype);
  return x.dim() === 4 ? [x, true] : [unsqueeze(x, 0), false];
}

/** An [N, C, L] view of contiguous [N, C, ...] data. */
function planesView(data: View["data"], t: Tensor): View {
  const [n, c] = t.shape as [number, number];
  const l = t.numel() / Math.max(n * c, 1);
  return { data, dtype: t.dtype, shape: [n, c, l], strides: [c * l, l, 1], offset: 0 };
}

/** `out[n, c, j] = x[n, c, indices[n, c, j]]` over flattened planes. Shape: indices.shape. */
function planeGather(x: Tensor, indices: Tensor): Tensor {
  const data = be().copy(x, x.dtype);
  const out = wrap(
    be().gather(planesView(data, x), 2, planesView(indices.data, indices)),
    indices.shape,
    x.dtype,
  );
  // the adjoint of a gather is a scatter-add to the same positions
  return recordOp("maxPool2dGather", [x, indices], out, (g) => [
    planeScatter(g, indices, x.shape),
    null,
  ]);
}

/** Scatter-add of `g` into zeros of `inputShape` at plane positions `indices`. */
function planeScatter(g: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const out = wrap(be().maxPool2dBackward(g, indices, inputShape), inputShape, g.dtype);
  // the adjoint of a scatter is a gather from the same positions
  return recordOp("maxPool2dBackward", [g, indices], out, (gg) => [planeGather(gg, indices), null]);
}

/**
 * 2-D max pooling over the planes of `x`; with `returnIndices`, also the argmax of each window
 * as a flat index `h·W + w` into its input plane (what `maxUnpool2d` takes).
 * NOTE: on ties the whole gradient goes to the first maximum in row-major window order, as in
 * PyTorch; a NaN in a window wins.
 * Shape: [N, C, H, W] → [N, C, OH, OW] with OH = ⌊(H + 2P − D·(K − 1) − 1)/S⌋ + 1 (⌈⌉ in
 * ceil mode); 3-D [C, H, W] input gives [C, OH, OW].
 */
export function maxPool2d(
  x: Tensor,
  kernelSize: IntPair,
  options: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: IntPair,
  options?: MaxPool2dOptions & { returnIndices?: false },
): Tensor;
export function maxPool2d(
  x: Tensor,
  kernelSize: IntPair,
  options?: MaxPool2dOptions,
): Tensor | [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: IntPair,
  options: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  const [x4, batched] = as4d("maxPool2d", x);
  const geo = poolGeometry("maxPool2d", x.shape, { kernelSize, ...options });
  const shape = [x4.shape[0]!, x4.shape[1]!, ...geo.outSize];
  const r = be().maxPool2d(x4, geo);
  const indices = wrap(r.indices, shape, "int32");
  const attrs = {
    kernelSize: geo.kernel,
    stride: geo.stride,
    padding: geo.padding,
    dilation: geo.dilation,
    ceilMode: options.ceilMode ?? false,
  };
  // d/dx maxPool = route each output's gradient to its argmax
  const rule: BackwardRule = (g) => [markDonatable(planeScatter(g, indices, x4.shape))];
  const [values] = recordOp(
    "maxPool2d",
    [x4],
    [wrap(r.values, shape, x.dtype), indices],
    rule,
    attrs,
  );
  const [v, i] = batched ? [values, indices] : [squeeze(values, 0), squeeze(indices, 0)];
  return options.returnIndices ? [v, i] : v;
}

/** Average pooling as a primitive; its gradient is the adjoint kernel. */
function avgPoolOp(x: Tensor, p: AvgPool2dParams): Tensor {
  const out = wrap(be().avgPool2d(x, p), [x.shape[0]!, x.shape[1]!, ...p.outSize], x.dtype);
  // average pooling is linear: its gradient is its adjoint
  return recordOp("avgPool2d", [x], out, (g) => [avgPoolBackwardOp(g, x.shape, p)], poolAttrs(p));
}

/** The adjoint of average pooling, itself differentiable (its gradient is average pooling). */
function avgPoolBackwardOp(g: Tensor, inputShape: readonly number[], p: AvgPool2dParams): Tensor {
  const out = wrap(be().avgPool2dBackward(g, inputShape, p), inputShape, g.dtype);
  return recordOp("avgPool2dBackward", [g], out, (gg) => [avgPoolOp(gg, p)], poolAttrs(p));
}

function poolAttrs(p: AvgPool2dParams): OpAttrs {
  return {
    kernelSize: p.kernel,
    stride: p.stride,
    padding: p.padding,
    countIncludePad: p.countIncludePad,
    divisorOverride: p.divisorOverride,
  };
}

function avgPoolNamed(
  op: string,
  x: Tensor,
  kernelSize: IntPair,
  options: AvgPool2dOptions,
): Tensor {
  const [x4, batched] = as4d(op, x);
  const geo = poolGeometry(op, x.shape, { kernelSize, ...options, dilation: 1 });
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null && (!Number.isInteger(divisorOverride) || divisorOverride === 0)) {
    throw new ValueError(
      `${op}: divisorOverride must be a non-zero integer, got ${divisorOverride}`,
    );
  }
  const out = avgPoolOp(x4, {
    kernel: geo.kernel,
    stride: geo.stride,
    padding: geo.padding,
    outSize: geo.outSize,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
  });
  return batched ? out : squeeze(out, 0);
}

/**
 * 2-D average pooling with PyTorch's divisor rules: the window size clipped to the padded input
 * (`countIncludePad`, the default), or to the input itself, or `divisorOverride`.
 * Shape: [N, C, H, W] → [N, C, OH, OW] with OH = ⌊(H + 2P − K)/S⌋ + 1 (⌈⌉ in ceil mode).
 */
export function avgPool2d(x: Tensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Tensor {
  return avgPoolNamed("avgPool2d", x, kernelSize, options);
}

/**
 * Power-average pooling, PyTorch's definition: `(Σ_window xᵖ)^(1/p)`, computed as average
 * pooling of `xᵖ` times the kernel area (so with `ceilMode` a clipped last window is rescaled as
 * in PyTorch). `normType = 2` is the L2-norm pooling. Differentiable where the window sum is
 * non-zero.
 * Shape: [N, C, H, W] → [N, C, OH, OW] with OH = ⌊(H − K)/S⌋ + 1.
 */
export function lpPool2d(
  x: Tensor,
  normType: number,
  kernelSize: IntPair,
  options: LpPool2dOptions = {},
): Tensor {
  if (!Number.isFinite(normType) || normType === 0) {
    throw new ValueError(`lpPool2d: normType must be finite and non-zero, got ${normType}`);
  }
  const [kh, kw] = pair("lpPool2d", "kernelSize", kernelSize, 1);
  assertFloating("lpPool2d", x.dtype);
  const avg = avgPoolNamed("lpPool2d", pow(x, normType), kernelSize, {
    stride: options.stride ?? null,
    ceilMode: options.ceilMode ?? false,
  });
  // sign(a)·relu(|a|), as PyTorch writes it, before rescaling by the kernel area
  return pow(mul(mul(sign(avg), relu(abs(avg))), kh * kw), 1 / normType);
}

/** [O, I] matrix averaging PyTorch's adaptive windows [⌊o·I/O⌋, ⌈(o+1)·I/O⌉). */
function adaptiveMatrix(o: number, i: number, like: Tensor): Tensor {
  const data = allocate(like.dtype, o * i);
  for (let r = 0; r < o; r++) {
    const lo = Math.floor((r * i) / o);
    const hi = Math.ceil(((r + 1) * i) / o);
    for (let c = lo; c < hi; c++) data[r * i + c] = 1 / (hi - lo);
  }
  return wrap(data, [o, i], like.dtype);
}

/**
 * Average pooling to a fixed output size with PyTorch's adaptive windows: output row `o` averages
 * input rows ⌊o·H/OH⌋ to ⌈(o+1)·H/OH⌉ − 1 (likewise for columns). `null` keeps an input size.
 * Shape: [N, C, H, W] → [N, C, OH, OW].
 */
export function adaptiveAvgPool2d(
  x: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  const [x4, batched] = as4d("adaptiveAvgPool2d", x);
  const [H, W] = x4.shape.slice(2) as [number, number];
  const req = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const [oh, ow] = [req[0] ?? H, req[1] ?? W];
  if (req.length !== 2 || ![oh, ow].every((s) => Number.isInteger(s) && s > 0)) {
    throw new ShapeError(
      `adaptiveAvgPool2d: outputSize must be positive integers, got ${typeof outputSize === "number" ? outputSize : fmtShape(req.map((s) => s ?? -1))} for input ${fmtShape(x.shape)}`,
    );
  }
  let out: Tensor;
  if (H % oh === 0 && W % ow === 0) {
    // equal windows: plain average pooling with kernel = stride = input / output
    const k: [number, number] = [H / oh, W / ow];
    const p = { kernel: k, stride: k, padding: [0, 0] as const, outSize: [oh, ow] as const };
    out = avgPoolOp(x4, { ...p, countIncludePad: true, divisorOverride: null });
  } else {
    // rows then columns: the adaptive average is separable, A_H · x · A_Wᵀ
    const rows = matmul(adaptiveMatrix(oh, H, x4), x4);
    out = matmul(rows, transpose(adaptiveMatrix(ow, W, x4), 0, 1));
  }
  return batched ? out : squeeze(out, 0);
}
