/**
 * `@tsgrad/nn`: PyTorch-shaped neural-network building blocks — `Module` and `Parameter`,
 * layers, losses, the functional namespace `F`, initialisers (`init`) and safetensors
 * checkpoints (bytes here; files in `@tsgrad/nn/node`).
 * @packageDocumentation
 * @module @tsgrad/nn
 */
export { Module, type AnyModule, type NamedOptions } from "./module.js";
export type { ForwardHook, ForwardPreHook, FullBackwardHook } from "./hooks.js";
export type { LoadStateDictOptions, LoadStateDictResult, StateDict } from "./state-dict.js";
export { Parameter } from "./parameter.js";
export * as F from "./functional.js";
export * as init from "./init.js";
export type { FanMode, InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from "./init.js";
export {
  SAFETENSORS_ITEM_SIZE,
  isInt64,
  markInt64,
  parseSafetensors,
  serializeSafetensors,
  type SafetensorsDType,
  type SafetensorsFile,
  type SerializeOptions,
} from "./safetensors.js";

export type { FactoryOptions, Size2 } from "./layers/common.js";
export { Linear, type LinearOptions } from "./layers/linear.js";
export { ConvBase, type ConvLayerOptions } from "./layers/conv-base.js";
export { Conv1d, type Conv1dLayerOptions } from "./layers/conv1d.js";
export { Conv2d, type Conv2dLayerOptions } from "./layers/conv2d.js";
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from "./layers/conv-transpose2d.js";
export { BatchNormBase, type BatchNormLayerOptions } from "./layers/batch-norm-base.js";
export { BatchNorm1d } from "./layers/batch-norm1d.js";
export { BatchNorm2d } from "./layers/batch-norm2d.js";
export { ReLU } from "./layers/relu.js";
export { LeakyReLU } from "./layers/leaky-relu.js";
export { GELU } from "./layers/gelu.js";
export { Sigmoid } from "./layers/sigmoid.js";
export { Tanh } from "./layers/tanh.js";
export { Softmax } from "./layers/softmax.js";
export { LogSoftmax } from "./layers/log-softmax.js";
export { MaxPool2d, type MaxPool2dLayerOptions } from "./layers/max-pool2d.js";
export { AvgPool2d, type AvgPool2dLayerOptions } from "./layers/avg-pool2d.js";
export { LPPool2d } from "./layers/lp-pool2d.js";
export { AdaptiveAvgPool2d, type AdaptiveSize2 } from "./layers/adaptive-avg-pool2d.js";
export {
  DistanceWeightedAvgPool2d,
  type DistanceWeightedAvgPool2dLayerOptions,
} from "./layers/distance-weighted-avg-pool2d.js";
export { Flatten } from "./layers/flatten.js";
export { Dropout } from "./layers/dropout.js";
export { Identity } from "./layers/identity.js";
export { Sequential } from "./layers/sequential.js";
export { ModuleList } from "./layers/module-list.js";
export { CrossEntropyLoss } from "./layers/cross-entropy-loss.js";
export { NLLLoss } from "./layers/nll-loss.js";
export { MSELoss } from "./layers/mse-loss.js";
export { BCEWithLogitsLoss } from "./layers/bce-with-logits-loss.js";
