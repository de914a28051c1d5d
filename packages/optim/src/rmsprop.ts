import { zerosLike, type Tensor } from "@tsgrad/core";
import { Optimizer, type BaseGroupOptions, type ParamGroup, type Params } from "./optimizer.js";
import { addcdiv_, addcmul_, checkNonNegative } from "./util.js";

/** The options of one RMSprop parameter group (PyTorch's names in camelCase). */
export interface RMSpropGroupOptions extends BaseGroupOptions {
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of `RMSprop`. */
export type RMSpropOptions = Partial<RMSpropGroupOptions>;

/** RMSprop's per-parameter state (`momentumBuffer` with momentum, `gradAvg` when centered). */
export type RMSpropState = {
  /** Steps taken. */
  step: number;
  /** Running mean of squared gradients. */
  squareAvg: Tensor;
  /** Momentum buffer with `momentum` > 0, else `null`. */
  momentumBuffer: Tensor | null;
  /** Running mean of the gradients when `centered`, else `null`. */
  gradAvg: Tensor | null;
};

/**
 * One RMSprop step of `param` in place, PyTorch 1.13's single-tensor rule:
 * `v ← αv + (1−α)g²;  d ← √(v − ḡ²) + eps (centered, ḡ ← αḡ + (1−α)g) or √v + eps;`
 * `b ← μb + g/d, θ ← θ − lr·b (momentum) or θ ← θ − lr·g/d`.
 */
export function rmspropUpdate(
  param: Tensor,
  grad: Tensor,
  state: RMSpropState,
  o: RMSpropGroupOptions,
): void {
  state.step += 1;
  let g = o.maximize ? grad.neg() : grad;
  if (o.weightDecay !== 0) g = g.add(param, o.weightDecay);
  addcmul_(state.squareAvg.mul_(o.alpha), g, g, 1 - o.alpha);
  let avg: Tensor;
  if (o.centered) {
    const gAvg = state.gradAvg ?? (state.gradAvg = zerosLike(param));
    gAvg.mul_(o.alpha).add_(g, 1 - o.alpha);
    avg = state.squareAvg.add(gAvg.neg().mul(gAvg)).sqrt();
  } else {
    avg = state.squareAvg.sqrt();
  }
  avg = avg.add(o.eps);
  if (o.momentum > 0) {
    const buf = state.momentumBuffer ?? (state.momentumBuffer = zerosLike(param));
    addcdiv_(buf.mul_(o.momentum), g, avg);
    param.add_(buf, -o.lr);
  } else {
    addcdiv_(param, g, avg, -o.lr);
  }
}

/**
 * RMSprop (Hinton), optionally centered, with momentum and weight decay — PyTorch's
 * `torch.optim.RMSprop`. Defaults: `lr = 1e-2`, `alpha = 0.99`, `eps = 1e-8`.
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions, RMSpropState> {
  constructor(params: Params<RMSpropGroupOptions>, options: RMSpropOptions = {}) {
    super("RMSprop", params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(o: RMSpropGroupOptions): void {
    checkNonNegative("RMSprop", "learning rate", o.lr);
    checkNonNegative("RMSprop", "epsilon value", o.eps);
    checkNonNegative("RMSprop", "momentum value", o.momentum);
    checkNonNegative("RMSprop", "weightDecay value", o.weightDecay);
    checkNonNegative("RMSprop", "alpha value", o.alpha);
  }

  protected initState(p: Tensor, group: ParamGroup<RMSpropGroupOptions>): RMSpropState {
    return {
      step: 0,
      squareAvg: zerosLike(p),
      momentumBuffer: group.momentum > 0 ? zerosLike(p) : null,
      gradAvg: group.centered ? zerosLike(p) : null,
    };
  }

  protected update(
    p: Tensor,
    g: Tensor,
    s: RMSpropState,
    group: ParamGroup<RMSpropGroupOptions>,
  ): void {
    rmspropUpdate(p, g, s, group);
  }
}
