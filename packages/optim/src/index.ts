/**
 * @tsgrad/optim — optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) with PyTorch's update rules,
 * learning-rate schedulers, and gradient clipping.
 * @packageDocumentation
 * @module @tsgrad/optim
 */
export {
  Optimizer,
  type BaseGroupOptions,
  type GroupDefaults,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type ScheduleFields,
  type StateValue,
  type ZeroGradOptions,
} from "./optimizer.js";
export { SGD, type SGDGroupOptions, type SGDOptions, type SGDState } from "./sgd.js";
export { Adam, type AdamGroupOptions, type AdamOptions, type AdamState } from "./adam.js";
export { AdamW } from "./adamw.js";
export {
  RMSprop,
  type RMSpropGroupOptions,
  type RMSpropOptions,
  type RMSpropState,
} from "./rmsprop.js";
export {
  Adagrad,
  type AdagradGroupOptions,
  type AdagradOptions,
  type AdagradState,
} from "./adagrad.js";
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  type SchedulerOptions,
  type StepLROptions,
  type MultiStepLROptions,
  type CosineAnnealingLROptions,
} from "./lr-scheduler.js";
export { OneCycleLR, type OneCycleLROptions } from "./one-cycle-lr.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce-lr-on-plateau.js";
export type { SchedulerStateDict, SchedulerStateValue } from "./scheduler-state.js";
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from "./clip-grad.js";
