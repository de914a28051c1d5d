import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";
import type { Size2 } from "./common.js";

/** Options of `AvgPool2d` (PyTorch's keywords, camelCase). */
export interface AvgPool2dLayerOptions {
  /** Step between windows (default: `kernelSize`). */
  stride?: Size2 | null;
  /** Implicit zero padding on each side, at most half the kernel (default 0). */
  padding?: Size2;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** Count padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number | null;
}

/**
 * 2-D average pooling (PyTorch's `nn.AvgPool2d`).
 * Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2P − K)/S⌋ + 1.
 */
export class AvgPool2d extends Module {
  /** Stride (`kernelSize` unless given). */
  readonly stride: Size2;
  /** Implicit border on each side. */
  readonly padding: Size2;
  /** Round the output size up instead of down. */
  readonly ceilMode: boolean;
  /** Whether the zero padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** A fixed divisor instead of the window size, or `null`. */
  readonly divisorOverride: number | null;

  constructor(
    /** Window size. */
    readonly kernelSize: Size2,
    options: AvgPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}
