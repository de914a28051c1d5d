import type { DType, TypedArray } from "../dtype.js";

/**
 * A strided window onto a typed array: what every kernel reads. `Tensor` satisfies it, so ops pass
 * tensors straight through; kernels never see autograd state.
 */
export interface View {
  /** The typed array holding the elements (shared by views). */
  readonly data: TypedArray;
  /** Element type of `data`. */
  readonly dtype: DType;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Elements to skip per step along each dimension. */
  readonly strides: readonly number[];
  /** Index in `data` of the first element. */
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

/** Which gradients `conv2dBackward` computes. */
export interface ConvGradients {
  /** The input's. */
  readonly input: boolean;
  /** The weight's. */
  readonly weight: boolean;
  /** The bias's. */
  readonly bias: boolean;
}

/**
 * Geometry of a 2-D convolution over [N, C, H, W] data, per axis as (height, width). `padding` is
 * the zero border before the first row/column; the far border is implied by the output size the
 * ops layer passes (so asymmetric `'same'` padding and `outputPadding` need no extra fields).
 * Window taps outside the input read zeros.
 */
export interface Conv2dParams {
  /** Step of the window, (height, width). */
  readonly stride: readonly [number, number];
  /** Zero border before the first row and column. */
  readonly padding: readonly [number, number];
  /** Spacing between window taps. */
  readonly dilation: readonly [number, number];
  /** Channel groups: input and output channels split into this many independent convolutions. */
  readonly groups: number;
}

/**
 * Geometry of a 2-D max-pooling window over the planes of an [N, C, H, W] input: per-axis
 * (height, width) kernel, stride, zero padding and dilation, and the output size the ops layer
 * computed (ceil mode included).
 */
export interface MaxPool2dParams {
  /** Window size, (height, width). */
  readonly kernel: readonly [number, number];
  /** Step of the window. */
  readonly stride: readonly [number, number];
  /** Implicit border before the first row and column (never selected). */
  readonly padding: readonly [number, number];
  /** Spacing between window taps. */
  readonly dilation: readonly [number, number];
  /** Output (height, width), as the ops layer computed it. */
  readonly outSize: readonly [number, number];
}

/**
 * Geometry of a 2-D average-pooling window (no dilation) and its divisor, PyTorch's semantics:
 * the divisor is `divisorOverride` when given, else the window's size clipped to the padded input
 * (`countIncludePad`) or to the input itself.
 */
export interface AvgPool2dParams {
  /** Window size, (height, width). */
  readonly kernel: readonly [number, number];
  /** Step of the window. */
  readonly stride: readonly [number, number];
  /** Zero border before the first row and column. */
  readonly padding: readonly [number, number];
  /** Output (height, width), as the ops layer computed it. */
  readonly outSize: readonly [number, number];
  /** Whether the padding counts in the divisor. */
  readonly countIncludePad: boolean;
  /** A fixed divisor instead of the window size, or `null`. */
  readonly divisorOverride: number | null;
}

/**
 * Hyperparameters of one fused Adam / AdamW step (PyTorch's, without AMSGrad or maximize), and
 * each parameter's step count t after this step (its bias corrections use βᵗ).
 */
export interface AdamStepParams {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW's decoupled decay `θ ← θ·(1 − lr·λ)` instead of Adam's L2 term `g ← g + λθ`. */
  readonly decoupled: boolean;
  /** t for each parameter, in order. */
  readonly steps: readonly number[];
}

/**
 * The primitive kernels a backend provides. Every kernel returns a fresh contiguous array (or
 * writes into a view it is given); no kernel keeps memory beyond the call. Operands arrive
 * already broadcast (stride 0 on expanded dims) and cast to a common dtype by the ops layer.
 */
export interface Backend {
  /** Human-readable name, e.g. `"js"`. */
  readonly name: string;
  /** The SIMD build its kernels run (`"none"` for plain JavaScript). */
  readonly simd: "none" | "plain" | "relaxed";
  /** Threads its large kernels split across (1 = the calling thread only). */
  readonly threads: number;
  /** Bytes of memory the backend holds between calls (a wasm arena; 0 for plain JavaScript). */
  arenaBytes(): number;
  /** Contiguous copy of a strided view, cast to `dtype`. */
  copy(x: View, dtype: DType): TypedArray;
  /** Writes `src` (same shape, any strides, same dtype) into the strided view `dst`. */
  assign(dst: View, src: View): void;
  /** Elementwise `op(x)`; output dtype equals `x.dtype`. */
  unary(op: UnaryOp, x: View): TypedArray;
  /** Elementwise `op(a, b)` over `a.shape` (equal to `b.shape`); comparisons return bool data. */
  binary(op: BinaryOp, a: View, b: View): TypedArray;
  /**
   * `grad` where `out > 0`, else 0 (relu's gradient through its output); same shape and dtype.
   * With `into` (as many elements, `grad`'s dtype; possibly `grad`'s own contiguous memory), the
   * result is written there and `into` returned.
   */
  reluBackward(grad: View, out: View, into?: TypedArray): TypedArray;
  /** `cond ? a : b` elementwise; all three views have the same shape, `a`/`b` the same dtype. */
  where(cond: View, a: View, b: View): TypedArray;
  /** Reduces over `axes` (sorted, unique); the output has those axes removed. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray;
  /** Max or min along one axis: values (dtype of x) and int32 indices, the axis removed. */
  argReduce(
    op: "max" | "min",
    x: View,
    axis: number,
  ): {
    /** The extreme values. */
    values: TypedArray;
    /** Their positions along `axis`. */
    indices: Int32Array;
  };
  /** Batched matrix product: `a` is [B, M, K], `b` is [B, K, N] (any strides); returns [B, M, N]. */
  matmul(a: View, b: View): TypedArray;
  /**
   * 2-D cross-correlation of `x` [N, C, H, W] with `weight` [O, C/groups, kh, kw] into an output
   * of spatial size `outSize`, plus `bias` [O] on each output channel when given (fused, so the
   * biased output is one pass). Shape: [N, O, OH, OW], dtype of `x`.
   */
  conv2d(
    x: View,
    weight: View,
    bias: View | null,
    outSize: readonly [number, number],
    p: Conv2dParams,
  ): TypedArray;
  /**
   * The adjoint of `conv2d` in its input: `grad` [N, O, OH, OW] through `weight`
   * [O, C/groups, kh, kw] onto an input of spatial size `inSize` (also the transposed conv).
   * Shape: [N, C, H, W] with C = weight.shape[1]·groups, dtype of `grad`.
   */
  conv2dBackwardInput(
    grad: View,
    weight: View,
    inSize: readonly [number, number],
    p: Conv2dParams,
  ): TypedArray;
  /**
   * The adjoint of `conv2d` in its weight: input `x` [N, C, H, W] and `grad` [N, O, OH, OW],
   * summed over the batch. Shape: [O, C/groups, kernelSize[0], kernelSize[1]], dtype of `x`.
   */
  conv2dBackwardWeight(
    x: View,
    grad: View,
    kernelSize: readonly [number, number],
    p: Conv2dParams,
  ): TypedArray;
  /**
   * The gradients of `conv2d` (input `x` [N, C, H, W], `weight` [O, C/groups, kh, kw]) for
   * upstream `grad` [N, O, OH, OW] in one call, each only where `needs` asks (else null): the
   * same values as `conv2dBackwardInput(grad, weight, [H, W], p)`, `conv2dBackwardWeight(x, grad,
   * [kh, kw], p)` and `reduce("sum", grad, [0, 2, 3], grad.dtype)`, so a backend may share one
   * copy of `grad` between them.
   */
  conv2dBackward(
    x: View,
    weight: View,
    grad: View,
    p: Conv2dParams,
    needs: ConvGradients,
  ): {
    /** Gradient of the input, [N, C, H, W]. */
    gradInput: TypedArray | null;
    /** Gradient of the weight, [O, C/groups, kh, kw]. */
    gradWeight: TypedArray | null;
    /** Gradient of the bias, [O]. */
    gradBias: TypedArray | null;
  };
  /** `out[..i..] = x[..index[..i..]..]` along `dim`; output has `index.shape`. */
  gather(x: View, dim: number, index: View): TypedArray;
  /** Returns a copy of `x` with `src` added at `index` along `dim` (index and src share a shape). */
  scatterAdd(x: View, dim: number, index: View, src: View): TypedArray;
  /** Selects entries `index` (1-D int32) along `dim`. */
  indexSelect(x: View, dim: number, index: View): TypedArray;
  /** Returns a copy of `x` with slices of `src` added at positions `index` along `dim`. */
  indexAdd(x: View, dim: number, index: View, src: View): TypedArray;
  /**
   * Max pooling of `x` [N, C, H, W], giving the values [N, C, OH, OW] and the argmax of each window as a
   * flat index `h·W + w` into its input plane (PyTorch's `return_indices`). Ties keep the first
   * element in row-major window order; a NaN wins.
   */
  maxPool2d(
    x: View,
    p: MaxPool2dParams,
  ): {
    /** The window maxima [N, C, OH, OW]. */
    values: TypedArray;
    /** Each maximum's flat index `h·W + w` in its input plane. */
    indices: Int32Array;
  };
  /**
   * Scatter-add of `grad` [N, C, OH, OW] into zeros of `inputShape` [N, C, H, W] at the plane
   * positions `indices` (same shape as `grad`): the backward of `maxPool2d`.
   */
  maxPool2dBackward(grad: View, indices: View, inputShape: readonly number[]): TypedArray;
  /** Average pooling of `x` [N, C, H, W] → [N, C, OH, OW]. */
  avgPool2d(x: View, p: AvgPool2dParams): TypedArray;
  /** The adjoint of `avgPool2d`: spreads `grad` [N, C, OH, OW] over an input of `inputShape`. */
  avgPool2dBackward(grad: View, inputShape: readonly number[], p: AvgPool2dParams): TypedArray;
  /**
   * `(x − mean[c])·invstd[c]·weight[c] + bias[c]` for `x` [N, C, ...]; `mean`, `invstd`, `weight`,
   * `bias` are [C] (weight/bias `null` = 1/0). Output has `x.dtype`.
   */
  batchNormForward(
    x: View,
    mean: View,
    invstd: View,
    weight: View | null,
    bias: View | null,
  ): TypedArray;
  /**
   * Training-mode batch norm: the per-channel mean and biased variance of `x` [N, C, ...] over
   * every dim but 1, accumulated in float64 (two passes), and in the same call the output exactly
   * as `batchNormForward` gives it with that mean and `invstd[c] = 1/√(variance[c] + eps)`
   * (float64). Output has `x.dtype`.
   */
  batchNormTraining(
    x: View,
    weight: View | null,
    bias: View | null,
    eps: number,
  ): {
    /** The normalised, scaled and shifted `x`. */
    output: TypedArray;
    /** Per-channel mean, [C]. */
    mean: Float64Array;
    /** Per-channel biased variance, [C]. */
    variance: Float64Array;
    /** `1/√(variance[c] + eps)`, [C]: what the output was normalised with. */
    invstd: Float64Array;
  };
  /**
   * Gradients of `batchNormForward` for upstream `grad` (shape of `x`). With `training`, `mean`
   * and `invstd` are the batch statistics of `x` and gradInput includes the paths through them;
   * otherwise they are constants. gradInput has `x.dtype`; gradWeight and gradBias are [C]
   * (`Σ grad·x̂` and `Σ grad`) in `x.dtype`. With `into` (as many elements as `x`, its dtype;
   * possibly `grad`'s own contiguous memory), gradInput is written there.
   */
  batchNormBackward(
    grad: View,
    x: View,
    mean: View,
    invstd: View,
    weight: View | null,
    training: boolean,
    into?: TypedArray,
  ): {
    /** Gradient of `x`. */
    gradInput: TypedArray;
    /** Gradient of the per-channel scale γ, [C]. */
    gradWeight: TypedArray;
    /** Gradient of the per-channel shift β, [C]. */
    gradBias: TypedArray;
  };
  /**
   * One Adam / AdamW step of every parameter, in place: for each i, `params[i]`, `expAvgs[i]` and
   * `expAvgSqs[i]` are updated from `grads[i]`. All views are contiguous (any offset) and share one
   * float dtype; the four views of one parameter share its shape. Each element computes, rounding
   * to the dtype after every operation as the equivalent chain of tensor ops does:
   * `g ← g + λθ` (Adam, λ ≠ 0) or `θ ← θ·(1 − lr·λ)` (AdamW); `m ← β₁m + (1 − β₁)g`;
   * `v ← β₂v + ((1 − β₂)g)·g`; `θ ← θ + (−lr/(1 − β₁ᵗ)·m) / (√v / √(1 − β₂ᵗ) + eps)`.
   */
  adamStep(
    params: readonly View[],
    grads: readonly View[],
    expAvgs: readonly View[],
    expAvgSqs: readonly View[],
    p: AdamStepParams,
  ): void;
}

/** The kernels of a {@link Backend} (everything but its descriptive fields). */
export type KernelName = Exclude<keyof Backend, BackendField>;

/** The descriptive fields of a {@link Backend}, as opposed to its kernels. */
export type BackendField = "name" | "simd" | "threads" | "arenaBytes";

/**
 * A kernel of a partial backend: it may return `null` to decline a call it does not handle (a
 * layout or a case it has no fast path for), and the composer then runs the fallback's kernel.
 */
export type PartialKernel<K extends KernelName> = (
  ...args: Parameters<Backend[K]>
) => ReturnType<Backend[K]> | null;

/**
 * A backend that implements some kernels for some dtypes; {@link composeBackend} fills the rest
 * from a complete backend (the JS reference), per kernel and per dtype, so adding a backend never
 * touches the ops.
 */
export interface PartialBackend {
  /** Its name in `getBackend().name`. */
  readonly name: string;
  /** Which SIMD build runs, or `"none"`. */
  readonly simd: Backend["simd"];
  /** Threads its kernels split across. */
  readonly threads: number;
  /** Bytes of memory it holds between calls (the wasm arena), for `memoryStats()`. */
  arenaBytes(): number;
  /** The dtypes its kernels take; calls on other dtypes go to the fallback. */
  readonly dtypes: readonly DType[];
  /** The kernels it implements, each with its {@link Backend} signature (or `null` to decline). */
  readonly kernels: PartialKernels;
}

/** Some of a {@link Backend}'s kernels, by name; see {@link PartialKernel}. */
export type PartialKernels = { readonly [K in KernelName]?: PartialKernel<K> };
