import type { DType, TypedArray } from "../dtype.js";

/**
 * A strided window onto a typed array: what every kernel reads. `Tensor` satisfies it, so ops pass
 * tensors straight through; kernels never see autograd state.
 */
export interface View {
  readonly data: TypedArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise one-input kernels. Transcendental ones are only called on float dtypes. */
export type UnaryOp =
  | "neg"
  | "exp"
  | "log"
  | "sqrt"
  | "rsqrt"
  | "abs"
  | "sign"
  | "sin"
  | "cos"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "erf";

/** Elementwise two-input kernels; comparisons write 0/1 into a bool output. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge";

/** Reductions over a set of axes. */
export type ReduceOp = "sum" | "prod" | "max" | "min";

/**
 * The primitive kernels a backend provides. Every kernel returns a fresh contiguous array (or
 * writes into a view it is given); no kernel keeps memory beyond the call. Operands arrive
 * already broadcast (stride 0 on expanded dims) and cast to a common dtype by the ops layer.
 */
export interface Backend {
  /** Human-readable name, e.g. `"js"`. */
  readonly name: string;
  /** Contiguous copy of a strided view, cast to `dtype`. */
  copy(x: View, dtype: DType): TypedArray;
  /** Writes `src` (same shape, any strides, same dtype) into the strided view `dst`. */
  assign(dst: View, src: View): void;
  /** Elementwise `op(x)`; output dtype equals `x.dtype`. */
  unary(op: UnaryOp, x: View): TypedArray;
  /** Elementwise `op(a, b)` over `a.shape` (equal to `b.shape`); comparisons return bool data. */
  binary(op: BinaryOp, a: View, b: View): TypedArray;
  /** `cond ? a : b` elementwise; all three views have the same shape, `a`/`b` the same dtype. */
  where(cond: View, a: View, b: View): TypedArray;
  /** Reduces over `axes` (sorted, unique); the output has those axes removed. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray;
  /** Max or min along one axis: values (dtype of x) and int32 indices, the axis removed. */
  argReduce(op: "max" | "min", x: View, axis: number): { values: TypedArray; indices: Int32Array };
  /** Batched matrix product: `a` is [B, M, K], `b` is [B, K, N] (any strides); returns [B, M, N]. */
  matmul(a: View, b: View): TypedArray;
  /** `out[..i..] = x[..index[..i..]..]` along `dim`; output has `index.shape`. */
  gather(x: View, dim: number, index: View): TypedArray;
  /** Returns a copy of `x` with `src` added at `index` along `dim` (index and src share a shape). */
  scatterAdd(x: View, dim: number, index: View, src: View): TypedArray;
  /** Selects entries `index` (1-D int32) along `dim`. */
  indexSelect(x: View, dim: number, index: View): TypedArray;
  /** Returns a copy of `x` with slices of `src` added at positions `index` along `dim`. */
  indexAdd(x: View, dim: number, index: View, src: View): TypedArray;
}
