import type { Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";

/**
 * `max(x, 0)` elementwise (PyTorch's `nn.ReLU`). NOTE: the gradient at exactly 0 is 0.
 * Shape: (*) → (*), the input's shape.
 */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}
