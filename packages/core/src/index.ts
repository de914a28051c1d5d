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
  type CreateOptions,
  type RandomOptions,
  type TensorOptions,
} from "./creation.js";
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from "./random.js";
export { memoryStats, type MemoryStats } from "./storage.js";
export { noGrad, enableGrad, isGradEnabled } from "./autograd/grad-mode.js";
export { backward, grad, type BackwardOptions, type GradOptions } from "./autograd/engine.js";
export type { GradHook } from "./autograd/node.js";
export type { Backend, View, UnaryOp, BinaryOp, ReduceOp } from "./backend/backend.js";
export { getBackend, setBackend } from "./backend/registry.js";
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
  sumTo,
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
} from "./ops/movement.js";
export { gather, scatterAdd, indexSelect, indexAdd, cat, stack, pad } from "./ops/indexing.js";
export { matmul, bmm } from "./ops/matmul.js";
export { to, clone, detach } from "./ops/cast.js";
