import { Tensor, ValueError, tensor } from "@tsgrad/core";
import { describe, expect, test } from "vitest";
import { clipGradNorm_, clipGradValue_ } from "@tsgrad/optim";
import { expectClose, fixture, freshParams, lossFn } from "./helpers.js";

describe("clipGradNorm_ / clipGradValue_ match PyTorch", () => {
  test.each(
    fixture.clip.map((c) => [`${c.kind} ${c.normType ?? ""} limit ${c.limit}`, c] as const),
  )("%s", (label, c) => {
    const { W, b } = freshParams();
    lossFn(W, b).backward();
    if (c.kind === "norm") {
      const normType = c.normType === "inf" ? Infinity : c.normType!;
      const total = clipGradNorm_([W, b], c.limit, normType);
      expect(total).toBeInstanceOf(Tensor);
      expect(total.shape).toEqual([]);
      expectClose(total.item(), c.totalNorm!, `${label} total norm`, 1e-12, 1e-15);
    } else {
      clipGradValue_([W, b], c.limit);
    }
    expectClose(W.grad!.toArray(), c.grads.W, `${label} W.grad`, 1e-12, 1e-15);
    expectClose(b.grad!.toArray(), c.grads.b, `${label} b.grad`, 1e-12, 1e-15);
  });
});

describe("clipGradNorm_", () => {
  test("a single tensor works; parameters without gradients are skipped", () => {
    const a = tensor([3, 4], { dtype: "float64", requiresGrad: true });
    const c = tensor([1], { dtype: "float64", requiresGrad: true });
    a.grad = tensor([3, 4], { dtype: "float64" });
    expect(clipGradNorm_([a, c], 1).item()).toBe(5);
    expect(c.grad).toBeNull();
    expectClose(a.grad.toArray(), [0.6 / (1 + 2e-7), 0.8 / (1 + 2e-7)], "clipped", 1e-12);
    const total = clipGradNorm_(a, 10, Infinity);
    expectClose(total.item(), 0.8 / (1 + 2e-7), "inf norm", 1e-12);
  });

  test("no gradients gives a zero norm", () => {
    expect(clipGradNorm_([tensor([1], { requiresGrad: true })], 1).item()).toBe(0);
  });

  test("errorIfNonfinite rejects a NaN norm; bad arguments are ValueErrors", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    a.grad = tensor([NaN, 1]);
    expect(() => clipGradNorm_([a], 1, 2, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm_: the total norm of order 2 of the gradients is NaN/,
    );
    expect(Number.isNaN(clipGradNorm_([a], 1).item())).toBe(true);
    expect(() => clipGradNorm_([a], -1)).toThrow(ValueError);
    expect(() => clipGradNorm_([a], 1, -2)).toThrow(/clipGradNorm_: invalid normType: -2/);
    expect(() => clipGradValue_([a], -1)).toThrow(/clipGradValue_: invalid clipValue: -1/);
  });
});
