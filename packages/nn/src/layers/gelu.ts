import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * Gaussian error linear unit `x·Φ(x)` (PyTorch's `nn.GELU`): exact by default, or the tanh
 * approximation with `{ approximate: 'tanh' }`. Shape: (*) → (*), the input's shape.
 */
export class GELU extends Module {
  /** `'none'` (exact, with erf) or `'tanh'`. */
  readonly approximate: "none" | "tanh";

  constructor(options: { approximate?: "none" | "tanh" } = {}) {
    super();
    this.approximate = options.approximate ?? "none";
  }

  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}
