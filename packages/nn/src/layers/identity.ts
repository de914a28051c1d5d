import type { Tensor } from "@tsgrad/core";
import { Module } from "../module.js";

/** Returns its input unchanged (PyTorch's `nn.Identity`): a placeholder layer. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}
