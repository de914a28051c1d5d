import { Tensor } from "@tsgrad/core";

/**
 * A module's trainable tensor (PyTorch's `nn.Parameter`). A `Parameter` is a `Tensor` subclass
 * that shares the storage of the tensor it wraps and is a leaf requiring grad (unless
 * `requiresGrad` is false). Modules discover their parameters by type: every own property of a
 * module holding a `Parameter` is one of its parameters, named after the property.
 *
 * Operations on a parameter return plain tensors; only the parameter object itself is registered.
 *
 * @example
 * ```ts
 * class Scale extends Module {
 *   readonly alpha = new Parameter(ones([1]));
 *   forward(x: Tensor): Tensor { return x.mul(this.alpha); }
 * }
 * ```
 */
export class Parameter extends Tensor {
  /**
   * Wraps `data` (no copy: the parameter shares its storage, shape and strides).
   * @param data - the initial values; a floating-point tensor when `requiresGrad` is true
   * @param requiresGrad - whether the parameter is trained (default true)
   */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** PyTorch's printout: `Parameter containing:` followed by the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
