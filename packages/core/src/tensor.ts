import { addHook, type GradHook, type Node, type RemovableHandle } from "./autograd/node.js";
import type { View } from "./backend/backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { dtypeOfArray, isFloating } from "./dtype.js";
import { AutogradError, DTypeError, ValueError, fmtShape } from "./errors.js";
import { backwardName, formatTensor, nestedArray, type NestedArray } from "./format.js";
import { contiguousStrides, isContiguous, numelOf, shapeArgs } from "./shape.js";
import { Storage, trackTensor } from "./storage.js";
import { provideTensorClass } from "./tensor-factory.js";
import { backward, type BackwardOptions } from "./autograd/engine.js";
import * as B from "./ops/binary.js";
import * as U from "./ops/unary.js";
import * as R from "./ops/reduce.js";
import * as M from "./ops/movement.js";
import * as I from "./ops/indexing.js";
import * as C from "./ops/cast.js";
import * as P from "./ops/inplace.js";
import { matmul } from "./ops/matmul.js";
import * as A from "./ops/activation.js";

/** A tensor or a JS number (numbers broadcast and take the tensor's dtype). */
export type TensorLike = Tensor | number;

export type { NestedArray } from "./format.js";
export type { RemovableHandle } from "./autograd/node.js";

/**
 * An n-dimensional array of float32 (default), float64, int32 or bool values, with optional
 * gradient tracking. Movement ops (`view`, `permute`, `expand`, `narrow`, ...) return views over
 * the same storage; all other ops return new tensors. Methods mirror PyTorch's, in camelCase.
 */
export class Tensor implements View {
  /** Accumulated gradient of a leaf after `backward()`, or `null`. */
  grad: Tensor | null = null;
  /** The graph node that produced this tensor (`null` for leaves). */
  gradFn: Node | null = null;
  /** Which output of `gradFn` this tensor is. */
  outputNr = 0;
  /** @internal Hooks of a leaf tensor. */
  leafHooks: GradHook[] = [];
  private leafRequiresGrad = false;
  private retainsGrad = false;
  /** @internal Counts this tensor in `memoryStats()` while it lives (see storage.ts). */
  readonly liveToken: object = trackTensor();

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) instead. */
  constructor(
    /** The shared memory under this tensor. */
    readonly storage: Storage,
    /** Size of each dimension. */
    readonly shape: readonly number[],
    /** Elements to skip per step along each dimension. */
    readonly strides: readonly number[] = contiguousStrides(shape),
    /** Position of the first element in the storage. */
    readonly offset = 0,
    /** Element type. */
    readonly dtype: DType = dtypeOfArray(storage.data),
  ) {}

  /** The underlying storage array (shared with views; index it through `strides`/`offset`). */
  get data(): TypedArray {
    return this.storage.data;
  }

  /** Whether gradients flow to this tensor: a leaf marked with `requiresGrad_()`, or an op result. */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }
  /** Setting it is `requiresGrad_(value)`. */
  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** True for tensors not produced by a recorded op (user-created, or detached). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }
  /** Number of dimensions. */
  dim(): number {
    return this.shape.length;
  }
  /** Size of one dimension, or the whole shape. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    return this.shape[M.normDim("size", dim, this.dim())]!;
  }
  /** True when the elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** The value of a one-element tensor as a JS number (bool → 0/1). */
  item(): number {
    if (this.numel() !== 1) {
      throw new ValueError(
        `item: only one-element tensors can be converted, got shape ${fmtShape(this.shape)}`,
      );
    }
    return this.data[this.offset]!;
  }
  /** A contiguous typed-array copy of the elements, in row-major order. */
  dataSync(): TypedArray {
    return C.contiguousCopy(this);
  }
  /** The elements as nested JS arrays (booleans for bool tensors); a number for 0-d tensors. */
  toArray(): NestedArray {
    return nestedArray(this.dataSync(), this.shape, this.dtype);
  }
  /** PyTorch-style printout: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
  toString(): string {
    const extras: string[] = [];
    if (this.gradFn) extras.push(`grad_fn=<${backwardName(this.gradFn.name)}>`);
    else if (this.requiresGrad) extras.push("requires_grad=True");
    return formatTensor(this.dataSync(), this.shape, this.dtype, extras);
  }

  // ---- autograd -------------------------------------------------------------------------------

  /** Marks a leaf as requiring gradients (float tensors only). Returns `this`. */
  requiresGrad_(requiresGrad = true): this {
    if (this.gradFn !== null && !requiresGrad) {
      throw new AutogradError(
        "requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach() instead",
      );
    }
    if (requiresGrad && !isFloating(this.dtype)) {
      throw new DTypeError(
        `requiresGrad_: only floating-point tensors can require gradients, got ${this.dtype} tensor of shape ${fmtShape(this.shape)}`,
      );
    }
    if (this.gradFn === null) this.leafRequiresGrad = requiresGrad;
    return this;
  }
  /** Backpropagates from this tensor; `gradient` is required unless it has one element. */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    backward([this], gradient ? [gradient] : undefined, options);
  }
  /**
   * Registers `hook(grad)` to run when this tensor's gradient is computed; it may return a
   * replacement gradient.
   */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) {
      throw new AutogradError(
        "registerHook: cannot register a hook on a tensor that does not require grad",
      );
    }
    return addHook(this.gradFn ? this.gradFn.outputHooks(this.outputNr) : this.leafHooks, hook);
  }
  /** Keeps `.grad` for a non-leaf tensor after backward (leaves always keep it). */
  retainGrad(): void {
    if (this.isLeaf || this.retainsGrad) return;
    this.retainsGrad = true;
    this.registerHook((g) => {
      this.grad = this.grad ? B.add(this.grad, g) : g;
    });
  }
  /** A view of the same data with no graph history (never requires grad). */
  detach(): Tensor {
    return C.detach(this);
  }

  // ---- casts and copies -----------------------------------------------------------------------
  /**
   * A copy converted to `dtype` (or `this` when it already has it); differentiable between float
   * dtypes.
   */
  to(dtype: DType): Tensor {
    return C.to(this, dtype);
  }
  /** `to("float32")`. */
  float(): Tensor {
    return C.to(this, "float32");
  }
  /** `to("float64")`. */
  double(): Tensor {
    return C.to(this, "float64");
  }
  /** `to("int32")` (truncates toward zero). */
  int(): Tensor {
    return C.to(this, "int32");
  }
  /** `to("bool")` (nonzero → true). */
  bool(): Tensor {
    return C.to(this, "bool");
  }
  /** A copy with its own storage; gradients flow back to `this`. */
  clone(): Tensor {
    return C.clone(this);
  }
  /** `this` when it is contiguous, else a row-major copy. */
  contiguous(): Tensor {
    return M.contiguous(this);
  }

  // ---- movement (views) -----------------------------------------------------------------------
  /**
   * The same elements in a new shape (varargs or one array; one size may be -1): a view when the
   * strides allow, else a copy.
   */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return M.reshape(this, shapeArgs(shape));
  }
  /**
   * A view with a new shape (varargs or one array; one size may be -1); the tensor must be viewable
   * without a copy (see `reshape`).
   */
  view(...shape: (number | readonly number[])[]): Tensor {
    return M.view(this, shapeArgs(shape));
  }
  /** Merges dims `startDim..endDim` into one (a view when possible). */
  flatten(startDim = 0, endDim = -1): Tensor {
    return M.flatten(this, startDim, endDim);
  }
  /** Removes size-1 dims (all of them, or just `dim`). A view. */
  squeeze(dim?: number): Tensor {
    return M.squeeze(this, dim);
  }
  /** Inserts a size-1 dim at `dim`. A view. */
  unsqueeze(dim: number): Tensor {
    return M.unsqueeze(this, dim);
  }
  /** Reorders the dims (varargs or one array). A view. */
  permute(...dims: (number | readonly number[])[]): Tensor {
    return M.permute(this, shapeArgs(dims));
  }
  /** Swaps dims `dim0` and `dim1`. A view. */
  transpose(dim0: number, dim1: number): Tensor {
    return M.transpose(this, dim0, dim1);
  }
  /** Transpose of a ≤2-d tensor. */
  t(): Tensor {
    return this.dim() < 2 ? this : M.transpose(this, 0, 1);
  }
  /** Broadcasts size-1 dims to `shape` (-1 keeps a size) without copying. A view. */
  expand(...shape: (number | readonly number[])[]): Tensor {
    return M.expand(this, shapeArgs(shape));
  }
  /** `expand(other.shape)`. */
  expandAs(other: Tensor): Tensor {
    return M.expand(this, other.shape);
  }
  /** The `length` entries of `dim` from `start`. A view. */
  narrow(dim: number, start: number, length: number): Tensor {
    return M.narrow(this, dim, start, length);
  }
  /** The slice at `index` along `dim`, with that dim removed. A view. */
  select(dim: number, index: number): Tensor {
    return M.select(this, dim, index);
  }
  /**
   * Entries `start, start + step, ...` before `end` along `dim` (Python slicing; negatives count
   * from the end). A view.
   */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return M.slice(this, dim, start, end, step);
  }

  // ---- elementwise ----------------------------------------------------------------------------
  /** Elementwise `this + alpha·other`, broadcasting. */
  add(other: TensorLike, alpha?: number): Tensor {
    return B.add(this, other, alpha);
  }
  /** Elementwise `this − alpha·other`, broadcasting. */
  sub(other: TensorLike, alpha?: number): Tensor {
    return B.sub(this, other, alpha);
  }
  /** Elementwise product, broadcasting. */
  mul(other: TensorLike): Tensor {
    return B.mul(this, other);
  }
  /** Elementwise true division, broadcasting. */
  div(other: TensorLike): Tensor {
    return B.div(this, other);
  }
  /** Elementwise `this ** exponent`, broadcasting. */
  pow(exponent: TensorLike): Tensor {
    return B.pow(this, exponent);
  }
  /** Elementwise maximum, broadcasting (NaN propagates). */
  maximum(other: TensorLike): Tensor {
    return B.maximum(this, other);
  }
  /** Elementwise minimum, broadcasting (NaN propagates). */
  minimum(other: TensorLike): Tensor {
    return B.minimum(this, other);
  }
  /** Elementwise `this == other` as a bool tensor. */
  eq(other: TensorLike): Tensor {
    return B.eq(this, other);
  }
  /** Elementwise `this != other` as a bool tensor. */
  ne(other: TensorLike): Tensor {
    return B.ne(this, other);
  }
  /** Elementwise `this < other` as a bool tensor. */
  lt(other: TensorLike): Tensor {
    return B.lt(this, other);
  }
  /** Elementwise `this <= other` as a bool tensor. */
  le(other: TensorLike): Tensor {
    return B.le(this, other);
  }
  /** Elementwise `this > other` as a bool tensor. */
  gt(other: TensorLike): Tensor {
    return B.gt(this, other);
  }
  /** Elementwise `this >= other` as a bool tensor. */
  ge(other: TensorLike): Tensor {
    return B.ge(this, other);
  }
  /** `condition ? this : other`, like PyTorch's `x.where(condition, y)`. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return B.where(condition, this, other);
  }
  /** Elementwise `−x`. */
  neg(): Tensor {
    return U.neg(this);
  }
  /** Elementwise `eˣ`. */
  exp(): Tensor {
    return U.exp(this);
  }
  /** Elementwise natural logarithm. */
  log(): Tensor {
    return U.log(this);
  }
  /** Elementwise square root. */
  sqrt(): Tensor {
    return U.sqrt(this);
  }
  /** Elementwise `1 / √x`. */
  rsqrt(): Tensor {
    return U.rsqrt(this);
  }
  /** Elementwise absolute value. */
  abs(): Tensor {
    return U.abs(this);
  }
  /** Elementwise sign: −1, 0 or 1. */
  sign(): Tensor {
    return U.sign(this);
  }
  /** Elementwise sine. */
  sin(): Tensor {
    return U.sin(this);
  }
  /** Elementwise cosine. */
  cos(): Tensor {
    return U.cos(this);
  }
  /** Elementwise logistic sigmoid `1 / (1 + e⁻ˣ)`. */
  sigmoid(): Tensor {
    return U.sigmoid(this);
  }
  /** Elementwise hyperbolic tangent. */
  tanh(): Tensor {
    return U.tanh(this);
  }
  /** Elementwise `max(x, 0)`. */
  relu(): Tensor {
    return U.relu(this);
  }
  /** Elementwise clamp to `[min, max]` (either bound may be omitted or `null`). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return U.clamp(this, min, max);
  }

  /** Softmax along `dim` (numerically stable). */
  softmax(dim: number): Tensor {
    return A.softmax(this, dim);
  }
  /** Log-softmax along `dim` (numerically stable). */
  logSoftmax(dim: number): Tensor {
    return A.logSoftmax(this, dim);
  }

  // ---- reductions -----------------------------------------------------------------------------
  /**
   * Sum of all elements, or along `dim` (one or several), keeping reduced dims as size 1 with
   * `keepdim`.
   */
  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  /** Mean of all elements, or along `dim` (one or several); `keepdim` as in `sum`. */
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
  /** Product of all elements, or along `dim`; `keepdim` as in `sum`. */
  prod(dim?: number | null, keepdim = false): Tensor {
    return R.prod(this, dim, keepdim);
  }
  /** The largest element, or `[values, indices]` along `dim`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? R.max(this) : R.max(this, dim, keepdim);
  }
  /** The smallest element, or `[values, indices]` along `dim`. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? R.min(this) : R.min(this, dim, keepdim);
  }
  /** Index of the largest element (of the flattened tensor, or along `dim`) as int32. */
  argmax(dim?: number, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  /** Index of the smallest element (of the flattened tensor, or along `dim`) as int32. */
  argmin(dim?: number, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  /**
   * Variance of all elements or along `dim` (Bessel-corrected unless `options.correction` says
   * otherwise).
   */
  var(dim?: number | readonly number[] | null, options: R.VarOptions = {}): Tensor {
    return R.variance(this, dim, options);
  }
  /** Standard deviation: the square root of `var` with the same arguments. */
  std(dim?: number | readonly number[] | null, options: R.VarOptions = {}): Tensor {
    return R.std(this, dim, options);
  }
  /** `log Σ exp(x)` along `dim`, computed stably. */
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }

  // ---- linear algebra and indexing ------------------------------------------------------------
  /** Matrix product with broadcasting batch dims, as `torch.matmul` (1-D operands are vectors). */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** Values of `this` at `index` (int32, same rank) along `dim`. */
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /** A copy of `this` with `src` added at the positions `index` gives along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  /** The entries `index` (1-D int32) along `dim`. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /** A copy of `this` with `alpha·source` slices added at positions `index` along `dim`. */
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha?: number): Tensor {
    return I.indexAdd(this, dim, index, source, alpha);
  }

  // ---- in place (leaves under noGrad, or tensors outside the graph) ---------------------------
  /** In place: `this += alpha·other`. Returns `this`. */
  add_(other: TensorLike, alpha?: number): this {
    return P.add_(this, other, alpha);
  }
  /** In place: `this −= alpha·other`. Returns `this`. */
  sub_(other: TensorLike, alpha?: number): this {
    return P.sub_(this, other, alpha);
  }
  /** In place: `this *= other`. Returns `this`. */
  mul_(other: TensorLike): this {
    return P.mul_(this, other);
  }
  /** In place: `this /= other`. Returns `this`. */
  div_(other: TensorLike): this {
    return P.div_(this, other);
  }
  /** In place: copies `src` (broadcast to this shape) into `this`. Returns `this`. */
  copy_(src: TensorLike): this {
    return P.copy_(this, src);
  }
  /** In place: fills with zeros. Returns `this`. */
  zero_(): this {
    return P.fill_(this, 0);
  }
  /** In place: fills with `value`. Returns `this`. */
  fill_(value: number): this {
    return P.fill_(this, value);
  }
  /** In place: clamps to `[min, max]`. Returns `this`. */
  clamp_(min?: number | null, max?: number | null): this {
    return P.clamp_(this, min, max);
  }
}

// ops build tensors through tensor-factory.ts, so that they need not import this module
provideTensorClass(Tensor);
