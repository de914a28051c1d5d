import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * `log(softmax(x))` along `dim` (PyTorch's `nn.LogSoftmax`), computed stably. `dim` is required.
 * Shape: (*) → (*), the input's shape.
 */
export class LogSoftmax extends Module {
  constructor(
    /** The dim the log-probabilities normalise along. */
    readonly dim: number,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
