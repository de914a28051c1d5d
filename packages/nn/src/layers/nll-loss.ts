import type { NllLossOptions, Reduction, Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * Negative log-likelihood of log-probabilities (PyTorch's `nn.NLLLoss`), with optional class
 * `weight` (a buffer), `ignoreIndex` (default −100) and `reduction` (default `'mean'`).
 * Shape: input [N, C] (or [N, C, d1, ...]), target int32 [N] (or [N, d1, ...]) → [] (or per
 * sample with `'none'`).
 */
export class NLLLoss extends Module<[Tensor, Tensor]> {
  /** Targets equal to this contribute no loss and no gradient. */
  readonly ignoreIndex: number;
  /** `"mean"`, `"sum"` or `"none"` over the per-element losses. */
  readonly reduction: Reduction;

  constructor(options: NllLossOptions = {}) {
    super();
    this.registerBuffer("weight", options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.reduction = options.reduction ?? "mean";
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, {
      weight: this.getBuffer("weight") ?? undefined,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}
