import type { CrossEntropyOptions, Reduction, Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * Cross-entropy between logits and class targets (PyTorch's `nn.CrossEntropyLoss`):
 * `logSoftmax` + negative log-likelihood, with optional class `weight` (a buffer, as in PyTorch),
 * `ignoreIndex` (default −100), `reduction` (default `'mean'`) and `labelSmoothing`.
 * Shape: input [N, C] (or [N, C, d1, ...]), target int32 [N] (or [N, d1, ...]) or class
 * probabilities of the input's shape → [] (or per-sample with `'none'`).
 */
export class CrossEntropyLoss extends Module<[Tensor, Tensor]> {
  /** Targets equal to this contribute no loss and no gradient. */
  readonly ignoreIndex: number;
  /** `"mean"`, `"sum"` or `"none"` over the per-element losses. */
  readonly reduction: Reduction;
  /** Mass moved from the target class to a uniform distribution, in [0, 1]. */
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyOptions = {}) {
    super();
    this.registerBuffer("weight", options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.reduction = options.reduction ?? "mean";
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.getBuffer("weight") ?? undefined,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}
