import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";
import { pyFloat } from "../repr.js";

/**
 * `x` where x > 0, `negativeSlope·x` elsewhere (PyTorch's `nn.LeakyReLU`, default slope 0.01).
 * Shape: (*) → (*), the input's shape.
 */
export class LeakyReLU extends Module {
  constructor(
    /** Slope for negative inputs. */
    readonly negativeSlope = 0.01,
  ) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}
