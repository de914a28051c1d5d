import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { ConvBase, type ConvLayerOptions } from "./conv-base.js";
import type { Size2 } from "./common.js";

/** Options of `Conv2d`: ints apply to both spatial dims, pairs are (height, width). */
export interface Conv2dLayerOptions extends ConvLayerOptions {
  stride?: Size2;
  padding?: Size2 | "same" | "valid";
  dilation?: Size2;
}

/**
 * 2-D convolution layer (PyTorch's `nn.Conv2d`): `new Conv2d(1, 16, 5, { padding: 2 })`.
 * Initialised like PyTorch (weight and bias from U(±1/√fanIn), fanIn = in/groups·kH·kW).
 * Output size per dim: `⌊(I + 2P − D·(K − 1) − 1)/S⌋ + 1`.
 * Shape: input [N, inChannels, H, W] (or [inChannels, H, W]) → [N, outChannels, OH, OW];
 * weight [outChannels, inChannels/groups, kH, kW], bias [outChannels].
 */
export class Conv2d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size2,
    options: Conv2dLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, options, {
      name: "Conv2d",
      dims: 2,
      transposed: false,
    });
  }

  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: typeof this.padding === "string" ? this.padding : (this.padding as [number, number]),
      dilation: this.dilation as [number, number],
      groups: this.groups,
    });
  }
}
