import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/** `1/(1 + e⁻ˣ)` elementwise (PyTorch's `nn.Sigmoid`). Shape: (*) → (*), the input's shape. */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}
