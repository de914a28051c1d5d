import { ValueError } from "@tsgrad/core";
import type { Optimizer } from "./optimizer.js";
import { loadSchedulerState, schedulerState, type SchedulerStateDict } from "./scheduler-state.js";
import { check } from "./util.js";

/** Options every epoch-based scheduler takes. */
export interface SchedulerOptions {
  /**
   * Index of the last epoch when resuming (default −1: start fresh). When resuming, each
   * parameter group must already hold its `initialLr`.
   */
  lastEpoch?: number;
}

/**
 * Base class of the learning-rate schedulers (PyTorch's `_LRScheduler`). A scheduler sets each
 * parameter group's `lr` when `step()` is called, once per epoch (or batch, for `OneCycleLR`),
 * after `optimizer.step()`. Construction performs the first step, which sets the starting rates.
 * Subclasses compute rates in PyTorch's recursive ("chainable") form, so their values match
 * PyTorch's to the last bits.
 */
export abstract class LRScheduler {
  /** Index of the last epoch stepped (−1 before the constructor's first step). */
  lastEpoch: number;
  /** The groups' initial learning rates. */
  baseLrs: number[];
  /** Number of `step()` calls, the constructor's included. */
  stepCount = 0;
  /** Learning rates set by the last step. */
  lastLr: number[] = [];

  constructor(
    /** The scheduler's name, used in error messages and stored in its state dict. */
    readonly name: string,
    /** The optimizer whose groups' learning rates this scheduler sets. */
    readonly optimizer: Optimizer,
    options: SchedulerOptions,
  ) {
    const lastEpoch = options.lastEpoch ?? -1;
    check(
      Number.isInteger(lastEpoch) && lastEpoch >= -1,
      name,
      "lastEpoch",
      lastEpoch,
      "an integer ≥ −1",
    );
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new ValueError(
          `${name}: parameter group ${i} has no initialLr, which resuming with lastEpoch = ${lastEpoch} requires`,
        );
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates for epoch `lastEpoch`, one per parameter group. */
  protected abstract getLr(): number[];

  /** Subclasses call this at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets each group's `lr`. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    let values: number[];
    try {
      values = this.getLr();
    } catch (e) {
      // A refused step (e.g. OneCycleLR past its end) leaves the scheduler as it was.
      this.stepCount -= 1;
      this.lastEpoch -= 1;
      throw e;
    }
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = values[i]!));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates the last step set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state: every field but the optimizer. */
  stateDict(): SchedulerStateDict {
    return schedulerState(this);
  }

  /** Restores a state from `stateDict()` of a scheduler of the same kind. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    loadSchedulerState(this, stateDict);
  }

  /** The optimizer's current group learning rates. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** Options of `StepLR`. */
export interface StepLROptions extends SchedulerOptions {
  /** Multiplicative decay factor (default 0.1). */
  gamma?: number;
}

/** Multiplies the learning rate by `gamma` every `stepSize` epochs — PyTorch's `StepLR`. */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative decay factor. */
  gamma: number;
  constructor(optimizer: Optimizer, stepSize: number, options: StepLROptions = {}) {
    const ok = Number.isInteger(stepSize) && stepSize > 0;
    check(ok, "StepLR", "stepSize", stepSize, "an integer ≥ 1");
    super("StepLR", optimizer, options);
    this.stepSize = stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/** Options of `MultiStepLR`. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Multiplicative decay factor (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` at each milestone epoch (a milestone listed twice
 * multiplies twice) — PyTorch's `MultiStepLR`.
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted, repeats kept. */
  milestones: number[];
  /** Multiplicative decay factor. */
  gamma: number;
  constructor(
    optimizer: Optimizer,
    milestones: readonly number[],
    options: MultiStepLROptions = {},
  ) {
    for (const m of milestones) {
      check(Number.isInteger(m), "MultiStepLR", "milestone", m, "an integer epoch");
    }
    super("MultiStepLR", optimizer, options);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }
  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** hits);
  }
}

/** Multiplies the learning rate by `gamma` every epoch — PyTorch's `ExponentialLR`. */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay factor per epoch. */
  gamma: number;
  constructor(optimizer: Optimizer, gamma: number, options: SchedulerOptions = {}) {
    check(Number.isFinite(gamma), "ExponentialLR", "gamma", gamma, "a finite number");
    super("ExponentialLR", optimizer, options);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing from the initial rate down to `etaMin` over `tMax` epochs and back up, in
 * PyTorch's recursive form (`CosineAnnealingLR`; SGDR without restarts):
 * `ηₜ = η_min + (η_max − η_min)(1 + cos(π t / T_max)) / 2`.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period, in epochs. */
  tMax: number;
  /** Minimum learning rate. */
  etaMin: number;
  constructor(optimizer: Optimizer, tMax: number, options: CosineAnnealingLROptions = {}) {
    check(tMax > 0, "CosineAnnealingLR", "tMax", tMax, "a number > 0");
    super("CosineAnnealingLR", optimizer, options);
    this.tMax = tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.groupLrs();
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map(
        (base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2,
      );
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groupLrs().map(
        (lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2,
      );
    }
    return this.groupLrs().map(
      (lr) =>
        ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) *
          (lr - etaMin) +
        etaMin,
    );
  }
}
