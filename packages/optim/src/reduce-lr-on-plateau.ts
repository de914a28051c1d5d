import { Tensor, ValueError } from "@tsgrad/core";
import type { Optimizer } from "./optimizer.js";
import { loadSchedulerState, schedulerState, type SchedulerStateDict } from "./scheduler-state.js";
import { check, checkNonNegative } from "./util.js";

/** Options of `ReduceLROnPlateau` (PyTorch's keywords in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** `"min"` (default): the metric should decrease; `"max"`: it should increase. */
  mode?: "min" | "max";
  /** Factor the learning rate is multiplied by on a plateau (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `"rel"` (default): relative to the best value; `"abs"`: absolute. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the learning rate, for all groups or per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when a metric has stopped improving for `patience`
 * epochs — PyTorch's `ReduceLROnPlateau`. Call `step(metric)` once per epoch, e.g. with the
 * validation loss.
 */
export class ReduceLROnPlateau {
  /** The scheduler's name, used in error messages and stored in its state dict. */
  readonly name = "ReduceLROnPlateau";
  /** See `ReduceLROnPlateauOptions`. */
  mode: "min" | "max";
  /** See `ReduceLROnPlateauOptions`. */
  factor: number;
  /** See `ReduceLROnPlateauOptions`. */
  patience: number;
  /** See `ReduceLROnPlateauOptions`. */
  threshold: number;
  /** See `ReduceLROnPlateauOptions`. */
  thresholdMode: "rel" | "abs";
  /** See `ReduceLROnPlateauOptions`. */
  cooldown: number;
  /** Lower bound on each group's learning rate. */
  minLrs: number[];
  /** See `ReduceLROnPlateauOptions`. */
  eps: number;
  /** Best metric value seen (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step()` calls. */
  lastEpoch = 0;
  /** The groups' learning rates after the last step. */
  lastLr: number[];

  constructor(
    /** The optimizer whose groups' learning rates this scheduler sets. */
    readonly optimizer: Optimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    const name = this.name;
    this.factor = options.factor ?? 0.1;
    check(this.factor < 1, name, "factor", this.factor, "a number < 1");
    this.mode = options.mode ?? "min";
    check(["min", "max"].includes(this.mode), name, "mode", this.mode, '"min" or "max"');
    this.thresholdMode = options.thresholdMode ?? "rel";
    check(
      ["rel", "abs"].includes(this.thresholdMode),
      name,
      "thresholdMode",
      this.thresholdMode,
      '"rel" or "abs"',
    );
    this.patience = options.patience ?? 10;
    checkNonNegative(name, "patience", this.patience);
    this.threshold = options.threshold ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    checkNonNegative(name, "cooldown", this.cooldown);
    this.eps = options.eps ?? 1e-8;
    const groups = optimizer.paramGroups;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== groups.length) {
      throw new ValueError(`${name}: expected ${groups.length} minLr values, got ${minLr.length}`);
    }
    this.minLrs = Array.isArray(minLr) ? [...minLr] : groups.map(() => minLr);
    this.best = this.modeWorse();
    this.lastLr = groups.map((g) => g.lr);
  }

  private modeWorse(): number {
    return this.mode === "min" ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  private isBetter(a: number, best: number): boolean {
    if (this.mode === "min" && this.thresholdMode === "rel") return a < best * (1 - this.threshold);
    if (this.mode === "min") return a < best - this.threshold;
    if (this.thresholdMode === "rel") return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces on a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  /** The groups' learning rates after the last step (their current rates before any step). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state: every field but the optimizer. */
  stateDict(): SchedulerStateDict {
    return schedulerState(this);
  }

  /** Restores a state from `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    loadSchedulerState(this, stateDict);
  }
}
