import type { Tensor } from "@tsgrad/core";
import { Module } from "../module.js";

/**
 * Flattens dims `startDim..endDim` into one (PyTorch's `nn.Flatten`, default 1 to −1, keeping
 * the batch dim). Shape: [N, C, H, W] → [N, C·H·W] with the defaults.
 */
export class Flatten extends Module {
  constructor(
    /** First dim to flatten. */
    readonly startDim = 1,
    /** Last dim to flatten (inclusive). */
    readonly endDim = -1,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
