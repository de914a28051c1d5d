import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { ConvBase } from "./conv-base.js";
import type { FactoryOptions, Size2 } from "./common.js";

/** Options of `ConvTranspose2d`: ints apply to both spatial dims, pairs are (height, width). */
export interface ConvTranspose2dLayerOptions extends FactoryOptions {
  /** Stride of the matching forward conv: the upsampling factor (default 1). */
  stride?: Size2;
  /** Padding of the matching forward conv (default 0). */
  padding?: Size2;
  /** Extra rows/columns at the bottom/right (default 0; less than stride or dilation). */
  outputPadding?: Size2;
  /** Channel groups (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
}

/**
 * Transposed 2-D convolution layer (PyTorch's `nn.ConvTranspose2d`), the gradient of a conv with
 * respect to its input used as an upsampling layer; initialised like PyTorch (whose fanIn here is
 * computed from the weight's second dim, outChannels/groups·kH·kW).
 * Output size per dim: `(I − 1)·S − 2P + D·(K − 1) + outputPadding + 1`.
 * Shape: input [N, inChannels, H, W] (or [inChannels, H, W]) → [N, outChannels, OH, OW];
 * weight [inChannels, outChannels/groups, kH, kW], bias [outChannels].
 */
export class ConvTranspose2d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size2,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, options, {
      name: "ConvTranspose2d",
      dims: 2,
      transposed: true,
      outputPadding: options.outputPadding ?? 0,
    });
  }

  override forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: this.padding as [number, number],
      outputPadding: this.outputPadding as [number, number],
      groups: this.groups,
      dilation: this.dilation as [number, number],
    });
  }
}
