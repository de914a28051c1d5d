import { enableGrad, fusedAdam_, maximum, noGrad, zerosLike, type Tensor } from "@tsgrad/core";
import { Optimizer, type BaseGroupOptions, type ParamGroup, type Params } from "./optimizer.js";
import { addcdiv_, addcmul_, check, checkNonNegative } from "./util.js";

/** The options of one Adam / AdamW parameter group (PyTorch's names in camelCase). */
export interface AdamGroupOptions extends BaseGroupOptions {
  /** Decay rates (β₁, β₂) of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay: an L2 penalty for Adam (default 0), decoupled decay for AdamW (1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant: normalise by the running maximum of the second moment. */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it (default false). */
  maximize: boolean;
}

/** Options of `Adam` and `AdamW`. */
export type AdamOptions = Partial<AdamGroupOptions>;

/** Adam's per-parameter state (`maxExpAvgSq` is only kept with AMSGrad). */
export type AdamState = {
  /** Steps taken (t). */
  step: number;
  /** First-moment estimate m (running mean of the gradients). */
  expAvg: Tensor;
  /** Second-moment estimate v (running mean of squared gradients). */
  expAvgSq: Tensor;
  /** Running maximum of v with `amsgrad`, else `null`. */
  maxExpAvgSq: Tensor | null;
};

/**
 * One Adam step of `param` in place, PyTorch 1.13's single-tensor rule. With `decoupled`, weight
 * decay shrinks the parameter (`θ ← θ(1 − lr·λ)`, AdamW) instead of adding `λθ` to the gradient.
 * `m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + eps)`
 * where `v̂` is `v`, or its running maximum under AMSGrad.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  state: AdamState,
  o: AdamGroupOptions,
  decoupled: boolean,
): void {
  let g = o.maximize ? grad.neg() : grad;
  const step = ++state.step;
  if (decoupled) param.mul_(1 - o.lr * o.weightDecay);
  else if (o.weightDecay !== 0) g = g.add(param, o.weightDecay);
  const [beta1, beta2] = o.betas;
  state.expAvg.mul_(beta1).add_(g, 1 - beta1);
  addcmul_(state.expAvgSq.mul_(beta2), g, g, 1 - beta2);
  const stepSize = o.lr / (1 - beta1 ** step);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = state.expAvgSq;
  if (o.amsgrad) {
    const max = state.maxExpAvgSq ?? (state.maxExpAvgSq = zerosLike(param));
    second = max.copy_(maximum(max, state.expAvgSq));
  }
  const denom = second.sqrt().div(bias2Sqrt).add(o.eps);
  addcdiv_(param, state.expAvg, denom, -stepSize);
}

/**
 * Steps every parameter of `group` that has a gradient. A plain group (no AMSGrad, no maximize)
 * goes through one fused kernel call for all its parameters (`fusedAdam_`, which computes exactly
 * what `adamUpdate` computes); the others go parameter by parameter through `adamUpdate`.
 * @internal Shared with AdamW.
 */
export function adamGroupStep(
  group: ParamGroup<AdamGroupOptions>,
  states: Map<Tensor, AdamState>,
  decoupled: boolean,
): void {
  const params = group.params.filter((p) => p.grad !== null);
  const state = params.map((p) => {
    const s = states.get(p) ?? adamInit(p, group);
    states.set(p, s);
    return s;
  });
  const grads = params.map((p) => p.grad!.detach());
  if (group.amsgrad || group.maximize) {
    params.forEach((p, i) => adamUpdate(p, grads[i]!, state[i]!, group, decoupled));
    return;
  }
  fusedAdam_(
    params,
    grads,
    state.map((s) => s.expAvg),
    state.map((s) => s.expAvgSq),
    {
      lr: group.lr,
      betas: group.betas,
      eps: group.eps,
      weightDecay: group.weightDecay,
      decoupled,
      steps: state.map((s) => ++s.step),
    },
  );
}

/**
 * `Optimizer.step` for Adam and AdamW: runs `closure` (if any) with grad on, then steps each group
 * under `noGrad` with `adamGroupStep`.
 * @internal Shared with AdamW.
 */
export function adamStep<L>(
  groups: readonly ParamGroup<AdamGroupOptions>[],
  states: Map<Tensor, AdamState>,
  decoupled: boolean,
  closure: (() => L) | undefined,
): L | undefined {
  const loss = closure ? enableGrad(closure) : undefined;
  noGrad(() => groups.forEach((g) => adamGroupStep(g, states, decoupled)));
  return loss;
}

/** @internal Shared with AdamW. */
export function validateAdam(name: string, o: AdamGroupOptions): void {
  checkNonNegative(name, "learning rate", o.lr);
  checkNonNegative(name, "epsilon value", o.eps);
  check(
    Array.isArray(o.betas) && o.betas.length === 2,
    name,
    "betas",
    o.betas,
    "a pair [beta1, beta2]",
  );
  o.betas.forEach((b, i) =>
    check(b >= 0 && b < 1, name, `beta parameter at index ${i}`, b, `0 ≤ betas[${i}] < 1`),
  );
  checkNonNegative(name, "weightDecay value", o.weightDecay);
}

/** @internal Shared with AdamW. */
export function adamDefaults(options: AdamOptions, weightDecay: number): AdamGroupOptions {
  return {
    lr: options.lr ?? 1e-3,
    betas: options.betas ? [options.betas[0], options.betas[1]] : [0.9, 0.999],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

/** @internal Shared with AdamW. */
export function adamInit(param: Tensor, group: AdamGroupOptions): AdamState {
  return {
    step: 0,
    expAvg: zerosLike(param),
    expAvgSq: zerosLike(param),
    maxExpAvgSq: group.amsgrad ? zerosLike(param) : null,
  };
}

/**
 * Adam (Kingma & Ba), with optional L2 weight decay, AMSGrad and maximisation — PyTorch's
 * `torch.optim.Adam`. Defaults: `lr = 1e-3`, `betas = [0.9, 0.999]`, `eps = 1e-8`.
 *
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 0.001 });
 * ```
 */
export class Adam extends Optimizer<AdamGroupOptions, AdamState> {
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    super("Adam", params, adamDefaults(options, 0));
  }
  protected validate(o: AdamGroupOptions): void {
    validateAdam(this.name, o);
  }
  protected initState(p: Tensor, group: ParamGroup<AdamGroupOptions>): AdamState {
    return adamInit(p, group);
  }
  /** One update of every parameter with a gradient; plain groups in one fused kernel call. */
  override step<L = undefined>(closure?: () => L): L | undefined {
    return adamStep(this.paramGroups, this.state, false, closure);
  }
  /** The per-parameter rule (`step` fuses the parameters of plain groups). */
  protected update(p: Tensor, g: Tensor, s: AdamState, group: ParamGroup<AdamGroupOptions>): void {
    adamUpdate(p, g, s, group, false);
  }
}
