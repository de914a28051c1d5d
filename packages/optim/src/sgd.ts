import type { Tensor } from "@tsgrad/core";
import { Optimizer, type BaseGroupOptions, type ParamGroup, type Params } from "./optimizer.js";
import { check, checkNonNegative } from "./util.js";

/** The options of one SGD parameter group (PyTorch's names in camelCase). */
export interface SGDGroupOptions extends BaseGroupOptions {
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Dampening τ of the momentum (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and zero dampening). */
  nesterov: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/**
 * Options of `SGD`. `lr` is required unless every parameter group sets its own.
 */
export type SGDOptions = Partial<SGDGroupOptions>;

/** SGD's per-parameter state: the momentum buffer (`null` until momentum is used). */
export type SGDState = {
  /** The velocity buffer (`null` until the first step, or without momentum). */
  momentumBuffer: Tensor | null;
};

/**
 * One SGD update of `param` in place, PyTorch 1.13's single-tensor rule:
 * `g ← ±grad + λθ;  b ← μb + (1−τ)g (b = g at first);  g ← g + μb (Nesterov) or b;  θ ← θ − lr·g`.
 */
export function sgdUpdate(param: Tensor, grad: Tensor, state: SGDState, o: SGDGroupOptions): void {
  let d = o.maximize ? grad.neg() : grad;
  if (o.weightDecay !== 0) d = d.add(param, o.weightDecay);
  if (o.momentum !== 0) {
    let buf = state.momentumBuffer;
    if (buf === null) {
      buf = d.clone();
      state.momentumBuffer = buf;
    } else {
      buf.mul_(o.momentum).add_(d, 1 - o.dampening);
    }
    d = o.nesterov ? d.add(buf, o.momentum) : buf;
  }
  param.add_(d, -o.lr);
}

/**
 * Stochastic gradient descent, optionally with momentum, dampening, Nesterov momentum, weight
 * decay and maximisation — PyTorch's `torch.optim.SGD`.
 *
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDGroupOptions, SGDState> {
  constructor(params: Params<SGDGroupOptions>, options: SGDOptions = {}) {
    super("SGD", params, {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(o: SGDGroupOptions): void {
    checkNonNegative("SGD", "learning rate", o.lr);
    checkNonNegative("SGD", "momentum value", o.momentum);
    checkNonNegative("SGD", "weightDecay value", o.weightDecay);
    if (o.nesterov) {
      check(
        o.momentum > 0 && o.dampening === 0,
        "SGD",
        "Nesterov setting (momentum, dampening)",
        [o.momentum, o.dampening],
        "momentum > 0 and dampening = 0",
      );
    }
  }

  protected initState(): SGDState {
    return { momentumBuffer: null };
  }

  protected update(p: Tensor, g: Tensor, s: SGDState, group: ParamGroup<SGDGroupOptions>): void {
    sgdUpdate(p, g, s, group);
  }
}
