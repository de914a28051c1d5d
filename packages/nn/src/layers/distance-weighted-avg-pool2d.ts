import { distanceWeights, type SigmaPair, type Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";
import type { Size2 } from "./common.js";

/** Options of `DistanceWeightedAvgPool2d`. */
export interface DistanceWeightedAvgPool2dLayerOptions {
  /** Step between windows (default: `kernelSize`). */
  stride?: Size2 | null;
  /** Implicit zero padding on each side, at most half the kernel; zeros count (default 0). */
  padding?: Size2;
  /** Width of the Gaussian weights in pixels (default per axis `0.3·((K − 1)/2 − 1) + 0.8`). */
  sigma?: SigmaPair | null;
}

/**
 * Distance-weighted average pooling (`F.distanceWeightedAvgPool2d`): each window averaged with
 * normalised weights `exp(−d²/(2σ²))`, `d` a tap's distance from the window's centre. No
 * parameters. The kernel size and σ are checked here, the input at `forward`.
 * `new DistanceWeightedAvgPool2d(3, { stride: 2, padding: 1, sigma: 1 })`.
 * Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2P − K)/S⌋ + 1.
 */
export class DistanceWeightedAvgPool2d extends Module {
  /** Stride (`kernelSize` unless given). */
  readonly stride: Size2;
  /** Zero padding on each side (zeros count in the window's weighted average). */
  readonly padding: Size2;
  /** σ as given (`null`: the default for the kernel size). */
  readonly sigma: SigmaPair | null;

  constructor(
    /** Window size, one value or `[kh, kw]`. */
    readonly kernelSize: Size2,
    options: DistanceWeightedAvgPool2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.sigma = options.sigma ?? null;
    distanceWeights(kernelSize, { sigma: this.sigma }); // a bad kernel size or σ fails here
  }

  override forward(x: Tensor): Tensor {
    return F.distanceWeightedAvgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      sigma: this.sigma,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, sigma=${pyRepr(this.sigma)}`;
  }
}
