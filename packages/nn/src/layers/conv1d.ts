import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { ConvBase, type ConvLayerOptions } from "./conv-base.js";

/** Options of `Conv1d`. */
export interface Conv1dLayerOptions extends ConvLayerOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number] | "same" | "valid";
  dilation?: number | readonly [number];
}

/**
 * 1-D convolution layer (PyTorch's `nn.Conv1d`), initialised like PyTorch.
 * Output length: `⌊(L + 2P − D·(K − 1) − 1)/S⌋ + 1`.
 * Shape: input [N, inChannels, L] (or [inChannels, L]) → [N, outChannels, OL];
 * weight [outChannels, inChannels/groups, K], bias [outChannels].
 */
export class Conv1d extends ConvBase {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    options: Conv1dLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, options, {
      name: "Conv1d",
      dims: 1,
      transposed: false,
    });
  }

  override forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, {
      stride: this.stride as [number],
      padding: typeof this.padding === "string" ? this.padding : (this.padding as [number]),
      dilation: this.dilation as [number],
      groups: this.groups,
    });
  }
}
