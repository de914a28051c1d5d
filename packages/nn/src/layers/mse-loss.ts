import type { LossOptions, Reduction, Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * Mean squared error `(input − target)²` (PyTorch's `nn.MSELoss`), reduced by `reduction`
 * (default `'mean'`). Shape: input and target [*] → [] (or [*] with `'none'`).
 */
export class MSELoss extends Module<[Tensor, Tensor]> {
  /** `"mean"`, `"sum"` or `"none"` over the per-element losses. */
  readonly reduction: Reduction;

  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? "mean";
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}
