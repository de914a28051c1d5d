/**
 * distanceWeightedAvgPool2d beyond the registry: its typed errors, its weights, and how it relates
 * to average pooling (2 × 2 windows, a very wide σ, zero padding counted as zeros).
 */
import { describe, expect, test } from "vitest";
import {
  DTypeError,
  ShapeError,
  ValueError,
  avgPool2d,
  distanceWeightedAvgPool2d,
  distanceWeights,
  manualSeed,
  ones,
  randn,
  zeros,
  type Tensor,
} from "../src/index.js";

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const close = (a: Tensor, b: Tensor, tol = 1e-6): void => {
  expect(a.shape).toEqual(b.shape);
  values(a).forEach((v, i) => expect(Math.abs(v - values(b)[i]!)).toBeLessThan(tol));
};

describe("distanceWeightedAvgPool2d errors name the op and the shapes", () => {
  test("a kernel larger than the padded input shows the output-size formula", () => {
    expect(() => distanceWeightedAvgPool2d(zeros([1, 1, 3, 3]), 5, { stride: 1 })).toThrow(
      "distanceWeightedAvgPool2d: output size (W − F + 2P)/S + 1 = (3 − 5 + 0)/1 + 1 = -1 is not positive for input [1, 1, 3, 3]",
    );
    expect(() => distanceWeightedAvgPool2d(zeros([1, 1, 3, 3]), 3, { padding: 2 })).toThrow(
      ShapeError,
    );
  });

  test("bad ranks, dtypes, kernel sizes and σ", () => {
    expect(() => distanceWeightedAvgPool2d(zeros([4, 4]), 2)).toThrow(
      "distanceWeightedAvgPool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input with non-zero C, H, W, got [4, 4]",
    );
    const ints = zeros([1, 1, 4, 4], { dtype: "int32" });
    expect(() => distanceWeightedAvgPool2d(ints, 2)).toThrow(DTypeError);
    expect(() => distanceWeightedAvgPool2d(zeros([1, 1, 4, 4]), 0)).toThrow(ValueError);
    expect(() => distanceWeightedAvgPool2d(zeros([1, 1, 4, 4]), 3, { sigma: 0 })).toThrow(
      "distanceWeightedAvgPool2d: sigma must be a finite number > 0 or 2 of them, got 0",
    );
    expect(() => distanceWeights(3, { sigma: [1, Number.NaN] })).toThrow(
      "distanceWeightedAvgPool2d: sigma must be a finite number > 0 or 2 of them, got [1, NaN]",
    );
  });
});

describe("distanceWeightedAvgPool2d semantics", () => {
  test("the weights fall off with the distance from the centre and sum to 1", () => {
    const w = values(distanceWeights(3, { sigma: 1, dtype: "float64" }));
    const [corner, edge, centre] = [Math.exp(-1), Math.exp(-0.5), 1];
    const total = 4 * corner + 4 * edge + centre;
    const expected = [corner, edge, corner, edge, centre, edge, corner, edge, corner];
    w.forEach((v, i) => expect(v).toBeCloseTo(expected[i]! / total, 14));
    // an even kernel is centred between taps: all four of a 2 × 2 window weigh the same
    expect(values(distanceWeights([2, 2], { dtype: "float64" }))).toEqual([0.25, 0.25, 0.25, 0.25]);
    // default σ per axis: 0.8 for 3 taps, 1.1 for 5
    const d = values(distanceWeights([3, 5], { dtype: "float64" }));
    const e = values(distanceWeights([3, 5], { sigma: [0.8, 1.1], dtype: "float64" }));
    d.forEach((v, i) => expect(v).toBeCloseTo(e[i]!, 15));
  });

  test("a 2 × 2 window is average pooling; a very wide σ tends to it with padding counted", () => {
    manualSeed(3);
    const x = randn([2, 3, 8, 8], { dtype: "float64" });
    close(distanceWeightedAvgPool2d(x, 2), avgPool2d(x, 2), 1e-12);
    const wide = distanceWeightedAvgPool2d(x, 3, { stride: 2, padding: 1, sigma: 1e4 });
    close(wide, avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: true }), 1e-7);
  });

  test("zero padding counts as zeros: a border window of a constant image is pulled down", () => {
    const y = values(distanceWeightedAvgPool2d(ones([1, 4, 4]), 3, { stride: 1, padding: 1 }));
    const w = values(distanceWeights(3, { dtype: "float32" }));
    // the top-left window sees the padding row and column: its right-bottom 2 × 2 taps remain
    expect(y[0]).toBeCloseTo(w[4]! + w[5]! + w[7]! + w[8]!, 6);
    // an inner window sees only ones
    expect(y[5]).toBeCloseTo(1, 6);
  });

  test("the stride defaults to the kernel size; 3-D input stays 3-D", () => {
    expect(distanceWeightedAvgPool2d(zeros([2, 1, 9, 7]), 3).shape).toEqual([2, 1, 3, 2]);
    expect(distanceWeightedAvgPool2d(zeros([4, 9, 7]), [3, 2], { stride: 1 }).shape).toEqual([
      4, 7, 6,
    ]);
  });
});
