import { assertFloating } from "../dtype.js";
import { ValueError } from "../errors.js";
import { rand } from "../creation.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { div, lt, mul } from "./binary.js";
import { to } from "./cast.js";

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Generator to draw the mask from (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * Dropout (PyTorch's `F.dropout`): in training, zeroes each element independently with
 * probability `p` and scales the survivors by `1/(1 − p)`, so the expected value is unchanged;
 * the mask comes from the seeded generator, so runs are reproducible. Returns `x` itself when
 * `training` is false or `p = 0`; `p = 1` gives zeros (`x·0`). The gradient is the same mask.
 * Shape: (*) → (*), the input's shape.
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) {
    throw new ValueError(`dropout: probability has to be between 0 and 1, but got ${p}`);
  }
  assertFloating("dropout", x.dtype);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  // uniforms drawn in float64 so that rounding can never turn u < 1 − p into u = 1
  const u = rand(x.shape, { dtype: "float64", generator: options.generator });
  const keep = to(lt(u, 1 - p), x.dtype);
  return mul(x, div(keep, 1 - p));
}
