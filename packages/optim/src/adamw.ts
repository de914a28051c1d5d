import type { Tensor } from "@tsgrad/core";
import {
  adamDefaults,
  adamInit,
  adamStep,
  adamUpdate,
  validateAdam,
  type AdamGroupOptions,
  type AdamOptions,
  type AdamState,
} from "./adam.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay (default `weightDecay = 1e-2`) —
 * PyTorch's `torch.optim.AdamW`.
 */
export class AdamW extends Optimizer<AdamGroupOptions, AdamState> {
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    super("AdamW", params, adamDefaults(options, 1e-2));
  }
  protected validate(o: AdamGroupOptions): void {
    validateAdam(this.name, o);
  }
  protected initState(p: Tensor, group: ParamGroup<AdamGroupOptions>): AdamState {
    return adamInit(p, group);
  }
  /** One update of every parameter with a gradient; plain groups in one fused kernel call. */
  override step<L = undefined>(closure?: () => L): L | undefined {
    return adamStep(this.paramGroups, this.state, true, closure);
  }
  /** The per-parameter rule (`step` fuses the parameters of plain groups). */
  protected update(p: Tensor, g: Tensor, s: AdamState, group: ParamGroup<AdamGroupOptions>): void {
    adamUpdate(p, g, s, group, true);
  }
}
