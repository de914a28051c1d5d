import { fullLike, type Tensor } from "@tsgrad/core";
import { Optimizer, type BaseGroupOptions, type ParamGroup, type Params } from "./optimizer.js";
import { addcdiv_, addcmul_, checkNonNegative } from "./util.js";

/** The options of one Adagrad parameter group (PyTorch's names in camelCase). */
export interface AdagradGroupOptions extends BaseGroupOptions {
  /** Learning-rate decay: step t uses `lr / (1 + (t − 1)·lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of `Adagrad`. */
export type AdagradOptions = Partial<AdagradGroupOptions>;

/** Adagrad's per-parameter state: step count and the running sum of squared gradients. */
export type AdagradState = {
  /** Steps taken. */
  step: number;
  /** Running sum of squared gradients. */
  sum: Tensor;
};

/**
 * One Adagrad step of `param` in place, PyTorch 1.13's single-tensor rule:
 * `s ← s + g²;  θ ← θ − lr/(1 + (t−1)·lrDecay) · g / (√s + eps)`.
 */
export function adagradUpdate(
  param: Tensor,
  grad: Tensor,
  state: AdagradState,
  o: AdagradGroupOptions,
): void {
  const step = ++state.step;
  let g = o.maximize ? grad.neg() : grad;
  if (o.weightDecay !== 0) g = g.add(param, o.weightDecay);
  const clr = o.lr / (1 + (step - 1) * o.lrDecay);
  addcmul_(state.sum, g, g, 1);
  const std = state.sum.sqrt().add(o.eps);
  addcdiv_(param, g, std, -clr);
}

/**
 * Adagrad (Duchi et al.) — PyTorch's `torch.optim.Adagrad`. Defaults: `lr = 1e-2`,
 * `eps = 1e-10`. As in PyTorch, the state of the constructor's parameters exists from the start.
 */
export class Adagrad extends Optimizer<AdagradGroupOptions, AdagradState> {
  constructor(params: Params<AdagradGroupOptions>, options: AdagradOptions = {}) {
    super("Adagrad", params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
    for (const group of this.paramGroups) {
      for (const p of group.params) this.state.set(p, this.initState(p, group));
    }
  }

  protected validate(o: AdagradGroupOptions): void {
    checkNonNegative("Adagrad", "learning rate", o.lr);
    checkNonNegative("Adagrad", "lrDecay value", o.lrDecay);
    checkNonNegative("Adagrad", "weightDecay value", o.weightDecay);
    checkNonNegative("Adagrad", "initialAccumulatorValue value", o.initialAccumulatorValue);
    checkNonNegative("Adagrad", "epsilon value", o.eps);
  }

  protected initState(p: Tensor, group: ParamGroup<AdagradGroupOptions>): AdagradState {
    return { step: 0, sum: fullLike(p, group.initialAccumulatorValue) };
  }

  protected update(
    p: Tensor,
    g: Tensor,
    s: AdagradState,
    group: ParamGroup<AdagradGroupOptions>,
  ): void {
    adagradUpdate(p, g, s, group);
  }
}
