import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/** Hyperbolic tangent elementwise (PyTorch's `nn.Tanh`). Shape: (*) → (*), the input's shape. */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}
