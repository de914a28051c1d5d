import { ValueError, type Generator, type Tensor } from "@tsgrad/core";
import * as F from "../functional.js";
import { Module } from "../module.js";
import { pyFloat } from "../repr.js";

/**
 * Dropout (PyTorch's `nn.Dropout`): in training mode zeroes each element with probability `p`
 * and scales the rest by 1/(1 − p); in eval mode returns the input. The mask is drawn from
 * `options.generator` (default: the one `manualSeed` seeds).
 * Shape: (*) → (*), the input's shape.
 */
export class Dropout extends Module {
  readonly #generator: Generator | undefined;

  constructor(
    /** Probability of zeroing an element in training mode. */
    readonly p = 0.5,
    options: { generator?: Generator } = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) {
      throw new ValueError(`Dropout: probability has to be between 0 and 1, but got ${p}`);
    }
    this.#generator = options.generator;
  }

  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, { generator: this.#generator });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
