import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";
import type { Size2 } from "./common.js";

/**
 * Power-average pooling `(Σ_window xᵖ)^(1/p)` (PyTorch's `nn.LPPool2d`); `normType = 2` is
 * L2-norm pooling. `new LPPool2d(2, 3, { stride: 2 })`.
 * Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H − K)/S⌋ + 1.
 */
export class LPPool2d extends Module {
  /** Stride (`kernelSize` unless given). */
  readonly stride: Size2;
  /** Round the output size up instead of down. */
  readonly ceilMode: boolean;

  constructor(
    /** The p of the p-norm over each window. */
    readonly normType: number,
    /** Window size. */
    readonly kernelSize: Size2,
    options: { stride?: Size2 | null; ceilMode?: boolean } = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(x: Tensor): Tensor {
    return F.lpPool2d(x, this.normType, this.kernelSize, {
      stride: this.stride,
      ceilMode: this.ceilMode,
    });
  }

  override extraRepr(): string {
    return `norm_type=${pyRepr(this.normType)}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}
