import type { Tensor } from "@tsgrad/core";
import {
  adamDefaults,
  adamInit,
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
  protected update(p: Tensor, g: Tensor, s: AdamState, group: ParamGroup<AdamGroupOptions>): void {
    adamUpdate(p, g, s, group, true);
  }
}
