/**
 * The training example's learning-rate schedules, stepped once per training step: a cosine from
 * `lr` to 0 over `scheduleEpochs` epochs, or a constant rate.
 */
import type { Optimizer } from "@tsgrad/optim";
import {
  CosineAnnealingLR,
  StepLR,
  type LRScheduler,
  type SchedulerStateDict,
} from "@tsgrad/optim";
import type { RunConfig } from "./run-record.js";

/** A fresh scheduler for `config` (call before any step). */
export function createScheduler(
  optimizer: Optimizer,
  config: RunConfig,
  stepsPerEpoch: number,
): LRScheduler {
  return config.scheduleEpochs === null
    ? new StepLR(optimizer, 1, { gamma: 1 })
    : new CosineAnnealingLR(optimizer, config.scheduleEpochs * stepsPerEpoch);
}

/**
 * The scheduler of a resumed run after `step` steps, from its saved state; the optimizer's state
 * must already be loaded. When an extension made `config`'s cosine longer than the saved one, the
 * cosine is stretched: from this step on it gives the rate a cosine of the new length has here.
 */
export function resumeScheduler(
  optimizer: Optimizer,
  config: RunConfig,
  stepsPerEpoch: number,
  state: SchedulerStateDict,
  step: number,
): LRScheduler {
  const saved = createScheduler(optimizer, config, stepsPerEpoch);
  saved.loadStateDict(state);
  const total = (config.scheduleEpochs ?? 0) * stepsPerEpoch;
  if (!(saved instanceof CosineAnnealingLR) || saved.tMax === total) return saved;
  // PyTorch's idiom for a new horizon: the closed form at `step`, then the usual recursion
  return new CosineAnnealingLR(optimizer, total, { lastEpoch: step - 1 });
}
