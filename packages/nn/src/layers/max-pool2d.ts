import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";
import type { Size2 } from "./common.js";

/** Options of `MaxPool2d` (PyTorch's keywords, camelCase). */
export interface MaxPool2dLayerOptions {
  /** Step between windows (default: `kernelSize`). */
  stride?: Size2 | null;
  /** Implicit −∞ padding on each side, at most half the kernel (default 0). */
  padding?: Size2;
  /** Spacing between the taps of a window (default 1). */
  dilation?: Size2;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
}

/**
 * 2-D max pooling (PyTorch's `nn.MaxPool2d`): `new MaxPool2d(2)` halves H and W.
 * NOTE: on ties the gradient goes to the first maximum of the window.
 * Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2P − D·(K − 1) − 1)/S⌋ + 1.
 */
export class MaxPool2d extends Module {
  /** Stride (`kernelSize` unless given). */
  readonly stride: Size2;
  /** Implicit border on each side. */
  readonly padding: Size2;
  /** Spacing between window taps. */
  readonly dilation: Size2;
  /** Round the output size up instead of down. */
  readonly ceilMode: boolean;

  constructor(
    /** Window size. */
    readonly kernelSize: Size2,
    options: MaxPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, dilation=${pyRepr(this.dilation)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}
