/**
 * @tsgrad/core — tensors, autograd, ops, backends and gradient checking.
 * @packageDocumentation
 * @module @tsgrad/core
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
  PartialKernels,
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
export { neg, exp, log, sqrt, rsqrt, abs, sign, sin, cos, erf, clamp } from "./ops/unary.js";
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
export { gather, scatterAdd, indexSelect, indexAdd, cat, stack } from "./ops/indexing.js";
export { matmul, bmm } from "./ops/matmul.js";
export { conv2dBackwardInput, conv2dBackwardWeight } from "./ops/conv-transpose.js";
export {
  convOutputSize,
  convTransposeOutputSize,
  samePadding,
  type ConvPadding,
} from "./conv-shape.js";
export { to, clone, detach } from "./ops/cast.js";
// torch.nn.functional's ops (activations, conv, pooling, norm, dropout, pad, losses): listed once
// in functional.ts, which @tsgrad/nn's `F` re-exports whole
export * from "./functional.js";
export type { IntPair } from "./pool-shape.js";
export { distanceWeights, type SigmaPair } from "./ops/distance-pool.js";
export { fusedAdam_, type FusedAdamOptions } from "./ops/optim.js";
export {
  gradcheck,
  gradgradcheck,
  GradcheckError,
  type GradcheckOptions,
  type GradcheckFn,
} from "./testing/gradcheck.js";
