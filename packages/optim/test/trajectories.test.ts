import { describe, expect, test } from "vitest";
import {
  expectClose,
  expectParams,
  fixture,
  freshParams,
  makeOptimizer,
  makeScheduler,
  momenta,
  trainStep,
} from "./helpers.js";

describe("optimizer trajectories match PyTorch 1.13 (float64, 20 steps)", () => {
  test.each(fixture.optimizers.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const params = freshParams();
    const opt = makeOptimizer(c.optimizer, c.options, params, c.groups);
    c.steps.forEach((want, i) => {
      const loss = trainStep(opt, params);
      expectClose(loss, c.losses[i]!, `${c.name} loss before step ${i + 1}`);
      expectParams(params, want, `${c.name} step ${i + 1}`);
    });
  });
});

describe("scheduler trajectories match PyTorch 1.13 (driving the optimizer, 20 steps)", () => {
  test.each(fixture.schedulers.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const params = freshParams();
    const opt = makeOptimizer(c.optimizer, c.optimizerOptions, params, c.groups);
    const sched = makeScheduler(c, opt);
    expectClose(
      opt.paramGroups.map((g) => g.lr),
      c.initialLrs,
      `${c.name} lrs after construction`,
    );
    c.steps.forEach((want, i) => {
      const loss = trainStep(opt, params);
      expectClose(loss, c.losses[i]!, `${c.name} loss before step ${i + 1}`);
      sched.step(c.scheduler === "ReduceLROnPlateau" ? (c.metrics?.[i] ?? loss) : undefined);
      expectClose(sched.getLastLr(), c.lrs[i]!, `${c.name} lrs after step ${i + 1}`);
      expectClose(momenta(opt), c.momenta[i]!, `${c.name} momenta after step ${i + 1}`);
      expectParams(params, want, `${c.name} step ${i + 1}`);
    });
  });

  test("the fixture covers every optimizer and scheduler", () => {
    const optimizers = new Set(fixture.optimizers.map((c) => c.optimizer));
    const schedulers = new Set(fixture.schedulers.map((c) => c.scheduler));
    expect([...optimizers].sort()).toEqual(["Adagrad", "Adam", "AdamW", "RMSprop", "SGD"]);
    expect([...schedulers].sort()).toEqual([
      "CosineAnnealingLR",
      "ExponentialLR",
      "MultiStepLR",
      "OneCycleLR",
      "ReduceLROnPlateau",
      "StepLR",
    ]);
    expect(fixture.optimizers.every((c) => c.steps.length === 20)).toBe(true);
  });
});
