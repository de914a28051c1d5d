import { zeros, type Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { defaultLayerInit_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { checkInt, type FactoryOptions } from "./common.js";

/** Options of `Linear`. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * Fully connected layer, `y = x·Wᵀ + b` (PyTorch's `nn.Linear`), initialised like PyTorch:
 * W and b from U(±1/√inFeatures).
 * Shape: input [*, inFeatures] → output [*, outFeatures]; weight [outFeatures, inFeatures],
 * bias [outFeatures].
 */
export class Linear extends Module {
  /** Shape [outFeatures, inFeatures]. */
  readonly weight: Parameter;
  /** Shape [outFeatures], or `null` without bias. */
  readonly bias: Parameter | null;

  constructor(
    /** Size of each input sample. */
    readonly inFeatures: number,
    /** Size of each output sample. */
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkInt("Linear", "inFeatures", inFeatures, 0);
    checkInt("Linear", "outFeatures", outFeatures, 0);
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(options);
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(options: Pick<FactoryOptions, "generator"> = {}): void {
    defaultLayerInit_(this.weight, this.bias, options);
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }
}
