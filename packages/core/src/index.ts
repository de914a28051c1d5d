/**
 * @tsgrad/core — tensors, autograd, ops, backends and gradient checking.
 * @packageDocumentation
 */
export { Tensor, type TensorLike, type NestedArray, type RemovableHandle } from "./tensor.js";
export type { DType, TypedArray } from "./dtype.js";
export { promoteTypes } from "./dtype.js";
export type { Shape } from "./shape.js";
export { broadcastShapes } from "./shape.js";
export {
  TsgradError,
  ShapeError,
  DTypeError,
  IndexError,
  ValueError,
  AutogradError,
  DataError,
  BackendError,
  AnomalyError,
  type AnomalyReport,
} from "./errors.js";
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  randperm,
  fromTypedArray,
  type CreateOptions,
  type RandomOptions,
  type TensorOptions,
} from "./creation.js";
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from "./random.js";
export { memoryStats, type MemoryStats } from "./storage.js";
export { noGrad, enableGrad, isGradEnabled } from "./autograd/grad-mode.js";
export { backward, grad, type BackwardOptions, type GradOptions } from "./autograd/engine.js";
export type { GradHook } from "./autograd/node.js";
export {
  trace,
  traceWith,
  type TraceOptions,
  type TraceTarget,
  type TraceableModule,
} from "./debug/trace.js";
export { Graph, type TracedNode, type TracedValue, type DotOptions } from "./debug/graph.js";
export type { OpAttrs, OpAttrValue } from "./debug/observer.js";
export type { SourceLocation } from "./debug/source.js";
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from "./debug/anomaly.js";
export {
  defineFunction,
  type CustomFunction,
  type FunctionContext,
  type FunctionOutput,
  type FunctionSpec,
  type GradOutputs,
  type InputGrads,
} from "./autograd/function.js";
export type {
  Backend,
  View,
  UnaryOp,
  BinaryOp,
  ReduceOp,
  Conv2dParams,
  MaxPool2dParams,
  AvgPool2dParams,
  KernelName,
  PartialBackend,
  PartialKernel,
} from "./backend/backend.js";
export {
  getBackend,
  setBackend,
  type BackendName,
  type SetBackendOptions,
} from "./backend/registry.js";
export { profileTable, resetProfile } from "./backend/profile.js";
export { enableProfiling } from "./backend/registry.js";
export { composeBackend, type ComposedBackend, type KernelCounts } from "./backend/compose.js";
export { jsBackend } from "./backend/js/index.js";

export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  where,
  logicalAnd,
  logicalNot,
} from "./ops/binary.js";
export {
  neg,
  exp,
  log,
  sqrt,
  rsqrt,
  abs,
  sign,
  sin,
  cos,
  sigmoid,
  tanh,
  relu,
  erf,
  clamp,
} from "./ops/unary.js";
export {
  sum,
  mean,
  prod,
  max,
  min,
  argmax,
  argmin,
  variance,
  variance as var,
  std,
  logsumexp,
  type Dims,
  type VarOptions,
} from "./ops/reduce.js";
export {
  reshape,
  view,
  flatten,
  squeeze,
  unsqueeze,
  permute,
  transpose,
  expand,
  narrow,
  select,
  slice,
  movedim,
  contiguous,
  sumTo,
} from "./ops/movement.js";
export { gather, scatterAdd, indexSelect, indexAdd, cat, stack, pad } from "./ops/indexing.js";
export { matmul, bmm } from "./ops/matmul.js";
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from "./ops/conv.js";
export {
  convTranspose2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  type ConvTranspose2dOptions,
} from "./ops/conv-transpose.js";
export {
  convOutputSize,
  convTransposeOutputSize,
  samePadding,
  type ConvPadding,
} from "./conv-shape.js";
export { to, clone, detach } from "./ops/cast.js";
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
export { dropout, type DropoutOptions } from "./ops/dropout.js";
export {
  maxPool2d,
  avgPool2d,
  lpPool2d,
  adaptiveAvgPool2d,
  type MaxPool2dOptions,
  type AvgPool2dOptions,
  type LpPool2dOptions,
} from "./ops/pool.js";
export type { IntPair } from "./pool-shape.js";
export {
  distanceWeightedAvgPool2d,
  distanceWeights,
  type DistanceWeightedAvgPool2dOptions,
  type SigmaPair,
} from "./ops/distance-pool.js";
export { batchNorm, type BatchNormOptions } from "./ops/norm.js";
export { fusedAdam_, type FusedAdamOptions } from "./ops/optim.js";
export {
  gradcheck,
  gradgradcheck,
  GradcheckError,
  type GradcheckOptions,
  type GradcheckFn,
} from "./testing/gradcheck.js";
