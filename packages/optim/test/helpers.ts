import { readFileSync } from "node:fs";
import { matmul, mean, tanh, tensor, type NestedArray, type Tensor } from "@tsgrad/core";
import { expect } from "vitest";
import {
  CosineAnnealingLR,
  ExponentialLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
  type CosineAnnealingLROptions,
  type MultiStepLROptions,
  type OneCycleLROptions,
  type ReduceLROnPlateauOptions,
  type SchedulerStateDict,
  type StepLROptions,
  Adagrad,
  Adam,
  AdamW,
  RMSprop,
  SGD,
  type AdagradGroupOptions,
  type AdagradOptions,
  type AdamGroupOptions,
  type AdamOptions,
  type Optimizer,
  type Params,
  type RMSpropGroupOptions,
  type RMSpropOptions,
  type SGDGroupOptions,
  type SGDOptions,
} from "@tsgrad/optim";

/** Parameter values after one step. */
export interface Snapshot {
  W: number[][];
  b: number[];
}

/** A parameter group of a fixture case: which parameter, and its option overrides. */
export type GroupSpec = { param: "W" | "b" } & Record<string, unknown>;

export interface OptimizerCase {
  name: string;
  optimizer: OptimizerKind;
  options: Record<string, unknown>;
  groups?: GroupSpec[];
  losses: number[];
  steps: Snapshot[];
}

export interface SchedulerCase {
  name: string;
  scheduler: string;
  options: Record<string, unknown>;
  optimizer: OptimizerKind;
  optimizerOptions: Record<string, unknown>;
  groups?: GroupSpec[];
  metrics?: number[];
  initialLrs: number[];
  losses: number[];
  lrs: number[][];
  momenta: number[][];
  steps: Snapshot[];
}

export interface ClipCase {
  kind: "norm" | "value";
  limit: number;
  normType?: number | "inf";
  totalNorm?: number;
  grads: Snapshot;
}

export interface Fixture {
  torchVersion: string;
  steps: number;
  problem: { X: number[][]; Y: number[][]; W0: number[][]; b0: number[]; l2: number };
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
  clip: ClipCase[];
}

/** Recorded by scripts/fixtures/optim.py with PyTorch 1.13. */
export const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8"),
) as Fixture;

const f64 = { dtype: "float64" } as const;
const X = tensor(fixture.problem.X, f64);
const Y = tensor(fixture.problem.Y, f64);

/** Fresh leaf parameters W [3, 2] and b [2] at the fixture's starting point (float64). */
export function freshParams(): { W: Tensor; b: Tensor } {
  return {
    W: tensor(fixture.problem.W0, { ...f64, requiresGrad: true }),
    b: tensor(fixture.problem.b0, { ...f64, requiresGrad: true }),
  };
}

/** `mean((tanh(X W + b) − Y)²) + l2 · sum(W²)`, the fixture's objective. */
export function lossFn(W: Tensor, b: Tensor): Tensor {
  const r = tanh(matmul(X, W).add(b)).sub(Y);
  return mean(r.mul(r)).add(W.mul(W).sum().mul(fixture.problem.l2));
}

export type OptimizerKind = "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad";

/**
 * Builds an optimizer of `kind` on W and b, one group or per-parameter groups. Fixture options are
 * plain JSON, so they are handed over as the constructor's options type.
 */
export function makeOptimizer(
  kind: OptimizerKind,
  options: Record<string, unknown>,
  params: { W: Tensor; b: Tensor },
  groups?: GroupSpec[],
): Optimizer {
  const ps = groups
    ? groups.map(({ param, ...o }) => ({ ...o, params: [params[param]] }))
    : [params.W, params.b];
  switch (kind) {
    case "SGD":
      return new SGD(ps as Params<SGDGroupOptions>, options as SGDOptions);
    case "Adam":
      return new Adam(ps as Params<AdamGroupOptions>, options as AdamOptions);
    case "AdamW":
      return new AdamW(ps as Params<AdamGroupOptions>, options as AdamOptions);
    case "RMSprop":
      return new RMSprop(ps as Params<RMSpropGroupOptions>, options as RMSpropOptions);
    case "Adagrad":
      return new Adagrad(ps as Params<AdagradGroupOptions>, options as AdagradOptions);
  }
}

/** One training step: clear grads, backprop the objective, update. Returns the loss. */
export function trainStep(opt: Optimizer, params: { W: Tensor; b: Tensor }): number {
  opt.zeroGrad();
  const loss = lossFn(params.W, params.b);
  loss.backward();
  opt.step();
  return loss.item();
}

function flat(v: NestedArray): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [Number(v)];
}

/** Asserts `|got − want| ≤ atol + rtol·|want|` elementwise, reporting the worst element. */
export function expectClose(
  got: NestedArray,
  want: NestedArray,
  label: string,
  rtol = 1e-9,
  atol = 1e-12,
): void {
  const [g, w] = [flat(got), flat(want)];
  expect(g.length, `${label}: element count`).toBe(w.length);
  let worst = -Infinity;
  let at = -1;
  g.forEach((x, i) => {
    const excess = Math.abs(x - w[i]!) - (atol + rtol * Math.abs(w[i]!));
    if (!(excess <= worst)) [worst, at] = [excess, i];
  });
  if (at >= 0 && !(worst <= 0)) {
    expect.fail(`${label}: element ${at} is ${g[at]} but PyTorch has ${w[at]} (beyond tolerance)`);
  }
}

/** Asserts that W and b equal a recorded snapshot. */
export function expectParams(
  params: { W: Tensor; b: Tensor },
  want: Snapshot,
  label: string,
): void {
  expectClose(params.W.toArray(), want.W, `${label} W`);
  expectClose(params.b.toArray(), want.b, `${label} b`);
}

/** Momentum (or Adam's β₁) of each group, as the fixture records it. */
export function momenta(opt: Optimizer): number[] {
  return opt.paramGroups.map((g) => {
    const group = g as typeof g & { betas?: [number, number]; momentum?: number };
    return group.betas ? group.betas[0] : (group.momentum ?? 0);
  });
}

/** What the tests need of a scheduler; ReduceLROnPlateau is wrapped to take its metric. */
export type Scheduler = {
  step(metric?: number): void;
  getLastLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(sd: SchedulerStateDict): void;
};

/** Builds the scheduler a fixture case describes (positional arguments pulled from its options). */
export function makeScheduler(c: SchedulerCase, opt: Optimizer): Scheduler {
  const { stepSize, milestones, tMax, maxLr, ...rest } = c.options;
  switch (c.scheduler) {
    case "StepLR":
      return new StepLR(opt, stepSize as number, rest as StepLROptions);
    case "MultiStepLR":
      return new MultiStepLR(opt, milestones as number[], rest as MultiStepLROptions);
    case "ExponentialLR":
      return new ExponentialLR(opt, c.options.gamma as number);
    case "CosineAnnealingLR":
      return new CosineAnnealingLR(opt, tMax as number, rest as CosineAnnealingLROptions);
    case "OneCycleLR":
      return new OneCycleLR(opt, maxLr as number | number[], rest as OneCycleLROptions);
    case "ReduceLROnPlateau": {
      const plateau = new ReduceLROnPlateau(opt, c.options as ReduceLROnPlateauOptions);
      return {
        step: (m) => plateau.step(m!),
        getLastLr: () => plateau.getLastLr(),
        stateDict: () => plateau.stateDict(),
        loadStateDict: (sd) => plateau.loadStateDict(sd),
      };
    }
  }
  throw new Error(`unknown scheduler ${c.scheduler}`);
}
