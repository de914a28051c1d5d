import type { GradHook, Node } from "./autograd/node.js";
import type { View } from "./backend/backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { dtypeOfArray, isFloating } from "./dtype.js";
import { AutogradError, DTypeError, ValueError, fmtShape } from "./errors.js";
import { formatTensor } from "./format.js";
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

/** Nested number arrays, as returned by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

/** A handle returned by `registerHook`, to remove the hook again. */
export interface RemovableHandle {
  remove(): void;
}

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
  ) {
    trackTensor(this);
  }

  /** @internal Wraps a fresh contiguous array (no copy). */
  static fromData(data: TypedArray, shape: readonly number[], dtype?: DType): Tensor {
    return new Tensor(
      new Storage(data),
      shape,
      contiguousStrides(shape),
      0,
      dtype ?? dtypeOfArray(data),
    );
  }

  /** The underlying storage array (shared with views; index it through `strides`/`offset`). */
  get data(): TypedArray {
    return this.storage.data;
  }

  /** Whether gradients flow to this tensor: a leaf marked with `requiresGrad_()`, or an op result. */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }
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
    const flat = Array.from(this.dataSync(), (v) => (this.dtype === "bool" ? v !== 0 : v));
    const build = (d: number, off: number): NestedArray => {
      if (d === this.dim()) return flat[off]!;
      const stride = numelOf(this.shape.slice(d + 1));
      return Array.from({ length: this.shape[d]! }, (_, i) => build(d + 1, off + i * stride));
    };
    return build(0, 0);
  }
  /** PyTorch-style printout: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
  toString(): string {
    const extras: string[] = [];
    if (this.gradFn)
      extras.push(
        `grad_fn=<${this.gradFn.name[0]!.toUpperCase()}${this.gradFn.name.slice(1)}Backward0>`,
      );
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
    const list = this.gradFn ? getOrInit(this.gradFn.hooks, this.outputNr) : this.leafHooks;
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
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
  to(dtype: DType): Tensor {
    return C.to(this, dtype);
  }
  float(): Tensor {
    return C.to(this, "float32");
  }
  double(): Tensor {
    return C.to(this, "float64");
  }
  int(): Tensor {
    return C.to(this, "int32");
  }
  bool(): Tensor {
    return C.to(this, "bool");
  }
  clone(): Tensor {
    return C.clone(this);
  }
  contiguous(): Tensor {
    return M.contiguous(this);
  }

  // ---- movement (views) -----------------------------------------------------------------------
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return M.reshape(this, shapeArgs(shape));
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return M.view(this, shapeArgs(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return M.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number): Tensor {
    return M.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return M.unsqueeze(this, dim);
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return M.permute(this, shapeArgs(dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return M.transpose(this, dim0, dim1);
  }
  /** Transpose of a ≤2-d tensor. */
  t(): Tensor {
    return this.dim() < 2 ? this : M.transpose(this, 0, 1);
  }
  expand(...shape: (number | readonly number[])[]): Tensor {
    return M.expand(this, shapeArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return M.expand(this, other.shape);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return M.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return M.select(this, dim, index);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return M.slice(this, dim, start, end, step);
  }

  // ---- elementwise ----------------------------------------------------------------------------
  add(other: TensorLike, alpha?: number): Tensor {
    return B.add(this, other, alpha);
  }
  sub(other: TensorLike, alpha?: number): Tensor {
    return B.sub(this, other, alpha);
  }
  mul(other: TensorLike): Tensor {
    return B.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return B.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return B.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return B.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return B.minimum(this, other);
  }
  eq(other: TensorLike): Tensor {
    return B.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return B.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return B.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return B.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return B.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return B.ge(this, other);
  }
  /** `condition ? this : other`, like PyTorch's `x.where(condition, y)`. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return B.where(condition, this, other);
  }
  neg(): Tensor {
    return U.neg(this);
  }
  exp(): Tensor {
    return U.exp(this);
  }
  log(): Tensor {
    return U.log(this);
  }
  sqrt(): Tensor {
    return U.sqrt(this);
  }
  rsqrt(): Tensor {
    return U.rsqrt(this);
  }
  abs(): Tensor {
    return U.abs(this);
  }
  sign(): Tensor {
    return U.sign(this);
  }
  sin(): Tensor {
    return U.sin(this);
  }
  cos(): Tensor {
    return U.cos(this);
  }
  sigmoid(): Tensor {
    return U.sigmoid(this);
  }
  tanh(): Tensor {
    return U.tanh(this);
  }
  relu(): Tensor {
    return U.relu(this);
  }
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
  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
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
  argmax(dim?: number, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  var(dim?: number | readonly number[] | null, options: R.VarOptions = {}): Tensor {
    return R.variance(this, dim, options);
  }
  std(dim?: number | readonly number[] | null, options: R.VarOptions = {}): Tensor {
    return R.std(this, dim, options);
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }

  // ---- linear algebra and indexing ------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha?: number): Tensor {
    return I.indexAdd(this, dim, index, source, alpha);
  }

  // ---- in place (leaves under noGrad, or tensors outside the graph) ---------------------------
  add_(other: TensorLike, alpha?: number): this {
    return P.add_(this, other, alpha);
  }
  sub_(other: TensorLike, alpha?: number): this {
    return P.sub_(this, other, alpha);
  }
  mul_(other: TensorLike): this {
    return P.mul_(this, other);
  }
  div_(other: TensorLike): this {
    return P.div_(this, other);
  }
  copy_(src: TensorLike): this {
    return P.copy_(this, src);
  }
  zero_(): this {
    return P.fill_(this, 0);
  }
  fill_(value: number): this {
    return P.fill_(this, value);
  }
  clamp_(min?: number | null, max?: number | null): this {
    return P.clamp_(this, min, max);
  }
}

// ops build tensors through tensor-factory.ts, so that they need not import this module
provideTensorClass(Tensor);

function getOrInit<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
