import { BatchNormBase, type BatchNormLayerOptions } from "./batch-norm-base.js";

/**
 * Batch normalisation of 2-D or 3-D input per channel (PyTorch's `nn.BatchNorm1d`), over N (and
 * L): `y = (x − μ)/√(σ² + eps)·γ + β`.
 * Shape: input [N, C] or [N, C, L] → same; weight, bias, running_mean, running_var [C].
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, [2, 3]);
  }
}
