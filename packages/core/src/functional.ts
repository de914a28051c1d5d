/**
 * `@tsgrad/core/functional`: the ops that PyTorch keeps in `torch.nn.functional` — activations,
 * convolutions, pooling, normalisation, dropout, padding and losses — listed once. `@tsgrad/core`
 * re-exports them at its top level, and `@tsgrad/nn`'s `F` namespace re-exports this module whole
 * (plus `F.linear`), so an op added here is in both with no other edit.
 *
 * @packageDocumentation
 * @module @tsgrad/core/functional
 */
export { relu, sigmoid, tanh } from "./ops/unary.js";
export {
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  softmax,
  logSoftmax,
  type GeluOptions,
  type SoftplusOptions,
} from "./ops/activation.js";
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from "./ops/conv.js";
export { convTranspose2d, type ConvTranspose2dOptions } from "./ops/conv-transpose.js";
export {
  maxPool2d,
  avgPool2d,
  lpPool2d,
  adaptiveAvgPool2d,
  type MaxPool2dOptions,
  type AvgPool2dOptions,
  type LpPool2dOptions,
} from "./ops/pool.js";
export {
  distanceWeightedAvgPool2d,
  type DistanceWeightedAvgPool2dOptions,
} from "./ops/distance-pool.js";
export { batchNorm, type BatchNormOptions } from "./ops/norm.js";
export { dropout, type DropoutOptions } from "./ops/dropout.js";
export { pad } from "./ops/indexing.js";
export {
  mseLoss,
  l1Loss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type Reduction,
  type LossOptions,
  type BinaryCrossEntropyOptions,
  type BceWithLogitsOptions,
} from "./ops/loss.js";
export {
  nllLoss,
  crossEntropy,
  type NllLossOptions,
  type CrossEntropyOptions,
} from "./ops/cross-entropy.js";
