/**
 * Pooling and batch norm: typed errors with the shapes and the output-size formula, and the
 * semantics the generated specs do not reach (ties, unbatched input, running statistics in
 * place, the fused and differentiable batch-norm backward agreeing).
 */
import { describe, expect, test } from "vitest";
import {
  DTypeError,
  ShapeError,
  ValueError,
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  grad,
  lpPool2d,
  maxPool2d,
  mul,
  ones,
  randn,
  sum,
  tensor,
  zeros,
  manualSeed,
} from "../src/index.js";

const x33 = zeros([1, 1, 3, 3]);

describe("pooling errors", () => {
  test("kernel larger than the padded input shows the output-size formula", () => {
    expect(() => maxPool2d(x33, 5, { stride: 1 })).toThrow(ShapeError);
    expect(() => maxPool2d(x33, 5, { stride: 1 })).toThrow(
      "maxPool2d: output size (W − F + 2P)/S + 1 = (3 − 5 + 0)/1 + 1 = -1 is not positive for input [1, 1, 3, 3]",
    );
    expect(() => avgPool2d(zeros([2, 4, 6]), [2, 9], { padding: [0, 1] })).toThrow(
      "avgPool2d: output size (W − F + 2P)/S + 1 = (6 − 9 + 2)/9 + 1 = 0 is not positive for input [2, 4, 6]",
    );
  });

  test("the formula names the failing axis, ceil mode and the dilated kernel", () => {
    expect(() => maxPool2d(zeros([1, 1, 2, 8]), 3)).toThrow(
      "maxPool2d: output size (H − F + 2P)/S + 1 = (2 − 3 + 0)/3 + 1 = 0 is not positive for input [1, 1, 2, 8]",
    );
    expect(() => avgPool2d(zeros([1, 1, 2, 8]), 3, { stride: 1, ceilMode: true })).toThrow(
      "avgPool2d: output size ⌈(H − F + 2P)/S⌉ + 1 = ⌈(2 − 3 + 0)/1⌉ + 1 = 0 is not positive",
    );
    // as in PyTorch, ceil mode keeps one window that overhangs a smaller input
    expect(avgPool2d(zeros([1, 1, 2, 8]), 3, { ceilMode: true }).shape).toEqual([1, 1, 1, 3]);
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), 3, { dilation: 2 })).toThrow(
      "maxPool2d: output size (W − F + 2P)/S + 1 = (4 − 5 + 0)/3 + 1 = 0 is not positive for input [1, 1, 4, 4] (F = D·(K − 1) + 1 = 2·2 + 1 = 5 with dilation 2)",
    );
  });

  test("padding above half the kernel is rejected like PyTorch", () => {
    expect(() => maxPool2d(x33, 3, { padding: 2 })).toThrow(
      "maxPool2d: padding [2, 2] must be at most half of kernelSize [3, 3] (P ≤ ⌊F/2⌋) for input [1, 1, 3, 3]",
    );
    expect(() => avgPool2d(x33, [2, 3], { padding: [1, 2] })).toThrow(ShapeError);
  });

  test("a dilated window over padding only is rejected", () => {
    const x = zeros([1, 1, 1, 1]);
    expect(() => maxPool2d(x, [2, 1], { padding: [1, 0], dilation: [2, 1] })).toThrow(
      "maxPool2d: window 0 along H covers only padding (taps at -1, 1 for size 1, kernel 2, dilation 2, padding 1) for input [1, 1, 1, 1]",
    );
  });

  test("bad ranks, dtypes and option values", () => {
    expect(() => maxPool2d(zeros([3, 3]), 2)).toThrow(
      "maxPool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input with non-zero C, H, W, got [3, 3]",
    );
    expect(() => maxPool2d(zeros([1, 1, 4, 4], { dtype: "int32" }), 2)).toThrow(DTypeError);
    expect(() => maxPool2d(x33, 0)).toThrow(ValueError);
    expect(() => maxPool2d(x33, 2, { stride: [1, 0] })).toThrow(
      "maxPool2d: stride must be a positive integer or 2 of them, got [1, 0]",
    );
    expect(() => avgPool2d(x33, 2, { divisorOverride: 0 })).toThrow(
      "avgPool2d: divisorOverride must be a non-zero integer, got 0",
    );
    expect(() => lpPool2d(x33, 0, 2)).toThrow("lpPool2d: normType must be finite and non-zero");
    expect(() => lpPool2d(x33, 2, 4)).toThrow("lpPool2d: output size (W − F + 2P)/S + 1");
    expect(() => adaptiveAvgPool2d(x33, [0, 2])).toThrow(
      "adaptiveAvgPool2d: outputSize must be positive integers, got [0, 2] for input [1, 1, 3, 3]",
    );
  });
});

describe("pooling semantics", () => {
  test("max-pool ties send the whole gradient to the first maximum of each window", () => {
    const x = ones([1, 1, 4, 4], { dtype: "float64" }).requiresGrad_();
    const [y, idx] = maxPool2d(x, 2, { returnIndices: true });
    expect(Array.from(idx.dataSync())).toEqual([0, 2, 8, 10]);
    const [g] = grad(sum(y), x);
    expect(Array.from(g!.dataSync())).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
  });

  test("overlapping windows accumulate the gradient on a shared maximum", () => {
    const x = tensor(
      [
        [
          [
            [0, 1, 0],
            [1, 9, 1],
            [0, 1, 0],
          ],
        ],
      ],
      { dtype: "float64" },
    ).requiresGrad_();
    const y = maxPool2d(x, 2, { stride: 1 });
    expect(Array.from(y.dataSync())).toEqual([9, 9, 9, 9]);
    const [g] = grad(sum(y), x);
    expect(g!.dataSync()[4]).toBe(4);
  });

  test("3-D input is pooled as one unbatched sample", () => {
    manualSeed(3);
    const x = randn([2, 5, 5]);
    const [v3, i3] = maxPool2d(x, 2, { returnIndices: true });
    const [v4, i4] = maxPool2d(x.unsqueeze(0), 2, { returnIndices: true });
    expect(v3.shape).toEqual([2, 2, 2]);
    expect(Array.from(v3.dataSync())).toEqual(Array.from(v4.dataSync()));
    expect(Array.from(i3.dataSync())).toEqual(Array.from(i4.dataSync()));
    expect(avgPool2d(x, 3, { ceilMode: true }).shape).toEqual([2, 2, 2]);
    expect(adaptiveAvgPool2d(x, [1, null]).shape).toEqual([2, 1, 5]);
  });
});

describe("batchNorm", () => {
  test("channel counts that do not match are rejected with the shapes", () => {
    const x = zeros([8, 4, 3, 3]);
    expect(() => batchNorm(x, zeros([5]), ones([5]))).toThrow(
      "batchNorm: input [8, 4, 3, 3] has 4 channels but runningMean [5] has 5 elements (expected [4])",
    );
    expect(() => batchNorm(x, null, null, ones([3]), null, { training: true })).toThrow(
      "batchNorm: input [8, 4, 3, 3] has 4 channels but weight [3] has 3 elements (expected [4])",
    );
    expect(() => batchNorm(x, null, null, null, zeros([1, 4]), { training: true })).toThrow(
      ShapeError,
    );
  });

  test("bad rank, dtype, single values per channel and eval without statistics", () => {
    expect(() => batchNorm(zeros([4]), zeros([4]), ones([4]))).toThrow(
      "batchNorm: expected input of rank ≥ 2 ([N, C], [N, C, L] or [N, C, H, W]), got [4]",
    );
    const w64 = ones([2], { dtype: "float64" });
    expect(() => batchNorm(zeros([3, 2]), null, null, w64, null, { training: true })).toThrow(
      "batchNorm: weight is float64 but input is float32 (shape [3, 2])",
    );
    expect(() => batchNorm(zeros([1, 2, 1]), null, null, null, null, { training: true })).toThrow(
      "batchNorm: expected more than 1 value per channel when training, got input [1, 2, 1]",
    );
    expect(() => batchNorm(zeros([3, 2]), null, null)).toThrow(
      "batchNorm: runningMean and runningVar must be given in eval mode (training = false)",
    );
  });

  test("training updates the running statistics in place (unbiased variance); eval leaves them", () => {
    const x = tensor(
      [
        [1, 10],
        [3, 20],
        [5, 60],
      ],
      { dtype: "float64" },
    ).requiresGrad_();
    const rm = zeros([2], { dtype: "float64" });
    const rv = ones([2], { dtype: "float64" });
    const version = rm.storage.version;
    batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.5 });
    expect(rm.storage.version).toBeGreaterThan(version);
    expect(rm.requiresGrad).toBe(false);
    const close = (t: typeof rm, want: number[]): void =>
      want.forEach((v, i) => expect(t.dataSync()[i]).toBeCloseTo(v, 12));
    close(rm, [1.5, 15]); // 0.5·0 + 0.5·mean
    close(rv, [2.5, 350.5]); // 0.5·1 + 0.5·(unbiased variance 4 and 700)
    const before = Array.from(rm.dataSync());
    batchNorm(x, rm, rv, null, null, { training: false });
    expect(Array.from(rm.dataSync())).toEqual(before);
  });

  test("fused backward (no graph) and differentiable backward (createGraph) agree", () => {
    manualSeed(11);
    for (const training of [true, false]) {
      const x = randn([4, 3, 2, 5], { dtype: "float64" }).requiresGrad_();
      const w = randn([3], { dtype: "float64" }).requiresGrad_();
      const b = randn([3], { dtype: "float64" }).requiresGrad_();
      const [rm, rv] = [randn([3], { dtype: "float64" }), ones([3], { dtype: "float64" })];
      const y = batchNorm(x, rm, rv, w, b, { training });
      const g = randn([4, 3, 2, 5], { dtype: "float64" });
      const fused = grad(y, [x, w, b], { gradOutputs: [g], retainGraph: true });
      const graph = grad(y, [x, w, b], { gradOutputs: [g], createGraph: true });
      fused.forEach((f, i) => {
        const a = Array.from(f!.dataSync());
        const c = Array.from(graph[i]!.dataSync());
        a.forEach((v, j) => expect(Math.abs(v - c[j]!)).toBeLessThan(1e-12 * (1 + Math.abs(v))));
      });
      expect(graph[0]!.requiresGrad).toBe(true);
      expect(fused[0]!.requiresGrad).toBe(false);
      const [hx] = grad(sum(mul(graph[0]!, graph[0]!)), [w], { allowUnused: true });
      expect(hx!.shape).toEqual([3]);
    }
  });
});
