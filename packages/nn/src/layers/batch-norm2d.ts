import { BatchNormBase, type BatchNormLayerOptions } from "./batch-norm-base.js";

/**
 * Batch normalisation of 4-D input over (N, H, W) per channel (PyTorch's `nn.BatchNorm2d`):
 * `y = (x − μ)/√(σ² + eps)·γ + β`. `new BatchNorm2d(16)`.
 * Shape: input [N, C, H, W] → same; weight, bias, running_mean, running_var [C].
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, [4]);
  }
}
