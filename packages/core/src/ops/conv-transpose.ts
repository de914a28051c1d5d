import { convGeometry, convTransposeGeometry, type ConvArgs } from "../conv-shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor.js";
import {
  addBias,
  checkBias,
  checkConvDTypes,
  checkGradShape,
  conv2dBackwardInputRaw,
  conv2dBackwardWeightRaw,
  conv2dParams,
  type Conv2dOptions,
} from "./conv.js";
import { reshape } from "./movement.js";

/** Options of {@link convTranspose2d}: ints apply to both dims, pairs are (height, width). */
export interface ConvTranspose2dOptions {
  /** Stride of the matching forward conv: the upsampling factor (default 1). */
  stride?: number | readonly [number, number];
  /** Padding of the matching forward conv: trims `padding` rows/columns per side (default 0). */
  padding?: number | readonly [number, number];
  /**
   * Extra rows/columns at the bottom/right, to pick among the input sizes a strided conv maps to
   * the same output size (default 0; below stride or dilation).
   */
  outputPadding?: number | readonly [number, number];
  /** Channel groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number, number];
}

/**
 * Transposed 2-D convolution (PyTorch's `F.conv_transpose2d`): the gradient of `conv2d` with
 * respect to its input, used as a layer. Output size per dim:
 * `(I − 1)·S − 2P + D·(K − 1) + outputPadding + 1`.
 * Shape: x [N, C, H, W] (or [C, H, W]), weight [C, O/groups, kH, kW], bias [O] → [N, O, OH, OW].
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  checkConvDTypes("convTranspose2d", x, weight, bias);
  const geo = convTransposeGeometry("convTranspose2d", x.shape, weight.shape, options, 2);
  checkBias("convTranspose2d", bias, geo.outChannels);
  const batched = x.dim() === 4 ? x : reshape(x, [1, ...x.shape]);
  const outSize = geo.outSize as [number, number];
  const out = conv2dBackwardInputRaw(batched, weight, outSize, conv2dParams(geo));
  const y = addBias(out, bias);
  return x.dim() === 4 ? y : reshape(y, y.shape.slice(1));
}

function checkBatched(op: string, what: string, shape: readonly number[]): void {
  if (shape.length !== 4) {
    throw new ShapeError(`${op}: ${what} must be 4-D [N, C, H, W], got ${fmtShape(shape)}`);
  }
}

/**
 * Gradient of `conv2d` with respect to its input (PyTorch's `torch.nn.grad.conv2d_input`), as a
 * differentiable op: `grad` is the gradient of the conv output, `inputShape` the input's shape.
 * Shape: grad [N, O, OH, OW], weight [O, C/groups, kH, kW] → inputShape [N, C, H, W].
 */
export function conv2dBackwardInput(
  grad: Tensor,
  weight: Tensor,
  inputShape: readonly number[],
  options: Conv2dOptions = {},
): Tensor {
  const op = "conv2dBackwardInput";
  checkConvDTypes(op, grad, weight);
  checkBatched(op, "inputShape", inputShape);
  const geo = convGeometry(op, inputShape, weight.shape, options as ConvArgs, 2);
  checkGradShape(op, grad, [inputShape[0]!, geo.outChannels, ...geo.outSize]);
  const inSize = [inputShape[2]!, inputShape[3]!] as const;
  return conv2dBackwardInputRaw(grad, weight, inSize, conv2dParams(geo));
}

/**
 * Gradient of `conv2d` with respect to its weight (PyTorch's `torch.nn.grad.conv2d_weight`), as a
 * differentiable op, summed over the batch.
 * Shape: x [N, C, H, W], grad [N, O, OH, OW] → weightShape [O, C/groups, kH, kW].
 */
export function conv2dBackwardWeight(
  x: Tensor,
  grad: Tensor,
  weightShape: readonly number[],
  options: Conv2dOptions = {},
): Tensor {
  const op = "conv2dBackwardWeight";
  checkConvDTypes(op, x, grad);
  checkBatched(op, "input", x.shape);
  const geo = convGeometry(op, x.shape, weightShape, options as ConvArgs, 2);
  checkGradShape(op, grad, [x.shape[0]!, geo.outChannels, ...geo.outSize]);
  const kSize = [weightShape[2]!, weightShape[3]!] as const;
  return conv2dBackwardWeightRaw(x, grad, kSize, conv2dParams(geo));
}
