import { ValueError, tensor } from "@tsgrad/core";
import { describe, expect, test } from "vitest";
import {
  Adagrad,
  CosineAnnealingLR,
  ExponentialLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
} from "@tsgrad/optim";
import {
  expectClose,
  expectParams,
  fixture,
  freshParams,
  makeOptimizer,
  makeScheduler,
  trainStep,
  type SchedulerCase,
} from "./helpers.js";

function oneParamSGD(lr = 0.1, momentum = 0.9): SGD {
  return new SGD([tensor([1], { requiresGrad: true })], { lr, momentum });
}

describe("scheduler stateDict / loadStateDict", () => {
  test.each(fixture.schedulers.map((c) => [c.name, c] as const))(
    "%s: resuming optimizer + scheduler after 8 steps reproduces the run",
    (_, c: SchedulerCase) => {
      const metric = (i: number, loss: number): number | undefined =>
        c.scheduler === "ReduceLROnPlateau" ? (c.metrics?.[i] ?? loss) : undefined;
      const params = freshParams();
      const opt = makeOptimizer(c.optimizer, c.optimizerOptions, params, c.groups);
      const sched = makeScheduler(c, opt);
      for (let i = 0; i < 8; i++) sched.step(metric(i, trainStep(opt, params)));
      const optState = opt.stateDict();
      const schedState = structuredClone(sched.stateDict()); // plain data
      const resumed = {
        W: params.W.detach().clone().requiresGrad_(),
        b: params.b.detach().clone().requiresGrad_(),
      };
      const opt2 = makeOptimizer(c.optimizer, c.optimizerOptions, resumed, c.groups);
      const sched2 = makeScheduler(c, opt2);
      opt2.loadStateDict(optState);
      sched2.loadStateDict(schedState);
      for (let i = 8; i < 20; i++) {
        sched.step(metric(i, trainStep(opt, params)));
        sched2.step(metric(i, trainStep(opt2, resumed)));
        expect(sched2.getLastLr()).toEqual(sched.getLastLr());
        expect(resumed.W.toArray()).toEqual(params.W.toArray());
        expectClose(sched2.getLastLr(), c.lrs[i]!, `${c.name} resumed lrs after step ${i + 1}`);
        expectParams(resumed, c.steps[i]!, `${c.name} resumed step ${i + 1}`);
      }
    },
  );

  test("a state dict only loads into a scheduler of the same kind", () => {
    const step = new StepLR(oneParamSGD(), 3);
    const exp = new ExponentialLR(oneParamSGD(), 0.5);
    expect(() => exp.loadStateDict(step.stateDict())).toThrow(ValueError);
    expect(() => exp.loadStateDict(step.stateDict())).toThrow(
      /ExponentialLR\.loadStateDict: the state dict belongs to a StepLR/,
    );
    const sd = exp.stateDict();
    expect(sd).toMatchObject({ name: "ExponentialLR", gamma: 0.5, lastEpoch: 0, baseLrs: [0.1] });
    expect(sd).not.toHaveProperty("optimizer");
    expect(() => exp.loadStateDict({ ...sd, gamma: "fast" })).toThrow(
      /ExponentialLR\.loadStateDict: gamma should be number, got string/,
    );
    expect(() => exp.loadStateDict({ ...sd, stepSize: 3 })).toThrow(/unexpected key stepSize/);
  });
});

describe("scheduler behaviour", () => {
  test("construction sets the starting rate and stores initialLr in each group", () => {
    const opt = oneParamSGD(0.2);
    const sched = new StepLR(opt, 2, { gamma: 0.5 });
    expect(sched.getLastLr()).toEqual([0.2]);
    expect(opt.paramGroups[0]!.initialLr).toBe(0.2);
    sched.step();
    sched.step();
    expect(sched.getLastLr()).toEqual([0.1]);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });

  test("resuming with lastEpoch needs initialLr; CosineAnnealingLR then uses its closed form", () => {
    expect(() => new CosineAnnealingLR(oneParamSGD(), 10, { lastEpoch: 4 })).toThrow(
      /CosineAnnealingLR: parameter group 0 has no initialLr, which resuming with lastEpoch = 4 requires/,
    );
    const opt = oneParamSGD(0.3);
    opt.paramGroups[0]!.initialLr = 0.2;
    const sched = new CosineAnnealingLR(opt, 10, { lastEpoch: 4, etaMin: 0.01 });
    expect(sched.lastEpoch).toBe(5);
    expect(sched.getLastLr()[0]).toBeCloseTo(
      0.01 + ((0.2 - 0.01) * (1 + Math.cos(Math.PI / 2))) / 2,
      15,
    );
  });

  test("OneCycleLR throws when stepped past totalSteps", () => {
    const sched = new OneCycleLR(oneParamSGD(), 0.1, { totalSteps: 3 });
    for (let i = 0; i < 3; i++) sched.step();
    expect(() => sched.step()).toThrow(ValueError);
    expect(() => sched.step()).toThrow(
      /OneCycleLR: cannot step past the end of the cycle: this would be step 4 of totalSteps = 3/,
    );
    expect(sched.lastEpoch).toBe(3); // the refused step changed nothing
  });

  test("OneCycleLR validates its arguments", () => {
    expect(() => new OneCycleLR(oneParamSGD(), 0.1)).toThrow(
      /OneCycleLR: define either totalSteps or \(epochs and stepsPerEpoch\)/,
    );
    expect(() => new OneCycleLR(oneParamSGD(), 0.1, { totalSteps: 0 })).toThrow(
      /OneCycleLR: invalid totalSteps: 0/,
    );
    expect(() => new OneCycleLR(oneParamSGD(), 0.1, { epochs: 2 })).toThrow(
      /OneCycleLR: invalid stepsPerEpoch: undefined/,
    );
    expect(() => new OneCycleLR(oneParamSGD(), 0.1, { totalSteps: 5, pctStart: 1.5 })).toThrow(
      /OneCycleLR: invalid pctStart: 1\.5/,
    );
    expect(() => new OneCycleLR(oneParamSGD(), [0.1, 0.2], { totalSteps: 5 })).toThrow(
      /OneCycleLR: expected 1 values for maxLr, got 2/,
    );
    const adagrad = new Adagrad([tensor([1], { requiresGrad: true })]);
    expect(() => new OneCycleLR(adagrad, 0.1, { totalSteps: 5 })).toThrow(
      /OneCycleLR: cycleMomentum needs an optimizer with momentum or betas, but Adagrad has neither/,
    );
    expect(
      () => new OneCycleLR(adagrad, 0.1, { totalSteps: 5, cycleMomentum: false }),
    ).not.toThrow();
  });

  test("ReduceLROnPlateau takes tensor metrics, respects minLr, and validates", () => {
    const opt = oneParamSGD(0.1);
    const sched = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, minLr: 0.04 });
    expect(sched.getLastLr()).toEqual([0.1]);
    sched.step(tensor([1], { dtype: "float64" }));
    expect(sched.best).toBe(1);
    sched.step(1); // not better: one bad epoch > patience 0
    expect(sched.getLastLr()).toEqual([0.05]);
    sched.step(1);
    expect(sched.getLastLr()).toEqual([0.04]);
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(
      /ReduceLROnPlateau: invalid factor: 1 \(expected a number < 1\)/,
    );
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] })).toThrow(
      /ReduceLROnPlateau: expected 1 minLr values, got 2/,
    );
    expect(() => new StepLR(opt, 0)).toThrow(/StepLR: invalid stepSize: 0/);
  });
});
