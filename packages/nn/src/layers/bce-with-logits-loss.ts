import type { BceWithLogitsOptions, Reduction, Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * Binary cross-entropy on logits, computed stably (PyTorch's `nn.BCEWithLogitsLoss`), with
 * optional element `weight` and `posWeight` (buffers `weight` and `pos_weight`, as in PyTorch)
 * and `reduction` (default `'mean'`). Shape: input and target [*] → [] (or [*] with `'none'`).
 */
export class BCEWithLogitsLoss extends Module<[Tensor, Tensor]> {
  /** `"mean"`, `"sum"` or `"none"` over the per-element losses. */
  readonly reduction: Reduction;

  constructor(options: BceWithLogitsOptions = {}) {
    super();
    this.registerBuffer("weight", options.weight ?? null);
    this.registerBuffer("pos_weight", options.posWeight ?? null);
    this.reduction = options.reduction ?? "mean";
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.getBuffer("weight") ?? undefined,
      posWeight: this.getBuffer("pos_weight") ?? undefined,
      reduction: this.reduction,
    });
  }
}
