import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * `eˣ / Σ eˣ` along `dim` (PyTorch's `nn.Softmax`), computed stably. Unlike PyTorch, `dim` is
 * required (PyTorch's implicit choice is deprecated). Shape: (*) → (*), the input's shape.
 */
export class Softmax extends Module {
  constructor(
    /** The dim the probabilities sum to 1 along. */
    readonly dim: number,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
