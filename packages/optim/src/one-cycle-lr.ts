import { ValueError } from "@tsgrad/core";
import { LRScheduler, type SchedulerOptions } from "./lr-scheduler.js";
import type { Optimizer, ParamGroup, ScheduleFields } from "./optimizer.js";
import { check } from "./util.js";

/** Options of `OneCycleLR` (PyTorch's keywords in camelCase). */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Total number of steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Number of epochs (with `stepsPerEpoch`, when `totalSteps` is not given). */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the learning rate (default 0.3). */
  pctStart?: number;
  /** `"cos"` (default) or `"linear"` annealing. */
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (or Adam's β₁) inversely to the learning rate (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum bound, reached at the peak learning rate (default 0.85). */
  baseMomentum?: number | number[];
  /** Upper momentum bound, used at the start and end of the cycle (default 0.95). */
  maxMomentum?: number | number[];
  /** The initial learning rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final learning rate is `initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial rate, then annihilation), as in the paper. */
  threePhase?: boolean;
}

type RateKey = keyof ScheduleFields;

/** One phase of the cycle: the step it ends at and the group fields it anneals between. */
type Phase = {
  endStep: number;
  startLr: RateKey;
  endLr: RateKey;
  startMomentum: RateKey;
  endMomentum: RateKey;
};

/** A group of an optimizer with momentum (SGD, RMSprop) or betas (Adam, AdamW). */
type MomentumGroup = ParamGroup & { momentum?: number; betas?: [number, number] };

/**
 * The 1cycle policy (Smith & Topin): the learning rate rises from `maxLr / divFactor` to `maxLr`
 * and anneals down to a tiny minimum over `totalSteps` batches, while momentum (or Adam's β₁)
 * moves the opposite way — PyTorch's `OneCycleLR`. Call `step()` after every batch; stepping past
 * `totalSteps` throws.
 */
export class OneCycleLR extends LRScheduler {
  /** Length of the cycle, in steps. */
  totalSteps: number;
  /** The cycle's phases, in order. */
  phases: Phase[];
  /** How the rates move within a phase. */
  annealStrategy: "cos" | "linear";
  /** Whether momentum (or β₁) is cycled. */
  cycleMomentum: boolean;
  /** Whether the optimizer's momentum is Adam's β₁ (`betas[0]`) rather than `momentum`. */
  useBeta1: boolean;

  constructor(optimizer: Optimizer, maxLr: number | number[], options: OneCycleLROptions = {}) {
    const name = "OneCycleLR";
    const positiveInt = (what: string, v: number | undefined): number => {
      check(Number.isInteger(v) && v! > 0, name, what, v, "a positive integer");
      return v!;
    };
    let total: number;
    if (options.totalSteps !== undefined) total = positiveInt("totalSteps", options.totalSteps);
    else if (options.epochs === undefined && options.stepsPerEpoch === undefined) {
      throw new ValueError(`${name}: define either totalSteps or (epochs and stepsPerEpoch)`);
    } else {
      total =
        positiveInt("epochs", options.epochs) * positiveInt("stepsPerEpoch", options.stepsPerEpoch);
    }
    const pct = options.pctStart ?? 0.3;
    check(pct >= 0 && pct <= 1, name, "pctStart", pct, "a number between 0 and 1");
    const strategy = options.annealStrategy ?? "cos";
    check(
      strategy === "cos" || strategy === "linear",
      name,
      "annealStrategy",
      strategy,
      '"cos" or "linear"',
    );
    const lastEpoch = options.lastEpoch ?? -1;
    const groups = optimizer.paramGroups as MomentumGroup[];
    const perGroup = (what: string, v: number | number[]): number[] => {
      if (!Array.isArray(v)) return groups.map(() => v);
      if (v.length !== groups.length) {
        throw new ValueError(
          `${name}: expected ${groups.length} values for ${what}, got ${v.length}`,
        );
      }
      return v;
    };
    const maxLrs = perGroup("maxLr", maxLr);
    if (lastEpoch === -1) {
      const divFactor = options.divFactor ?? 25;
      const finalDivFactor = options.finalDivFactor ?? 1e4;
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    const useBeta1 = "betas" in optimizer.defaults;
    if (cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !useBeta1) {
        throw new ValueError(
          `${name}: cycleMomentum needs an optimizer with momentum or betas, but ${optimizer.name} has neither`,
        );
      }
      const maxMoms = perGroup("maxMomentum", options.maxMomentum ?? 0.95);
      const baseMoms = perGroup("baseMomentum", options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxMoms[i]!, g.betas![1]];
          else g.momentum = maxMoms[i]!;
          g.maxMomentum = maxMoms[i]!;
          g.baseMomentum = baseMoms[i]!;
        });
      }
    }
    super(name, optimizer, options);
    this.totalSteps = total;
    this.annealStrategy = strategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    const phase = (endStep: number, lr: [RateKey, RateKey], mom: [RateKey, RateKey]): Phase => ({
      endStep,
      startLr: lr[0],
      endLr: lr[1],
      startMomentum: mom[0],
      endMomentum: mom[1],
    });
    this.phases = options.threePhase
      ? [
          phase(pct * total - 1, ["initialLr", "maxLr"], ["maxMomentum", "baseMomentum"]),
          phase(2 * pct * total - 2, ["maxLr", "initialLr"], ["baseMomentum", "maxMomentum"]),
          phase(total - 1, ["initialLr", "minLr"], ["maxMomentum", "maxMomentum"]),
        ]
      : [
          phase(pct * total - 1, ["initialLr", "maxLr"], ["maxMomentum", "baseMomentum"]),
          phase(total - 1, ["maxLr", "minLr"], ["baseMomentum", "maxMomentum"]),
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "linear") return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        `${this.name}: cannot step past the end of the cycle: this would be step ${stepNum} of totalSteps = ${this.totalSteps}`,
      );
    }
    return (this.optimizer.paramGroups as MomentumGroup[]).map((g) => {
      let startStep = 0;
      let lr = g.lr;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = this.anneal(g[phase.startLr]!, g[phase.endLr]!, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[phase.startMomentum]!, g[phase.endMomentum]!, pct);
            if (this.useBeta1) g.betas = [m, g.betas![1]];
            else g.momentum = m;
          }
          break;
        }
        startStep = phase.endStep;
      }
      return lr;
    });
  }
}
