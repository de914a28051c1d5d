/**
 * Bad conv configurations throw typed errors whose messages show the shapes and, for sizes, the
 * output-size formula.
 */
import { describe, expect, it } from "vitest";
import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  conv1d,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  convTranspose2d,
  zeros,
} from "../src/index.js";

type ErrorClass = typeof ShapeError | typeof ValueError | typeof DTypeError;

/** Asserts that `fn` throws exactly `type` with exactly `message`. */
function expectError(fn: () => unknown, type: ErrorClass, message: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(type);
  expect((caught as Error).message).toBe(message);
}

const z = (...shape: number[]): Tensor => zeros(shape);

describe("conv2d: output size", () => {
  it("rejects a kernel larger than the padded input, showing the formula", () => {
    expectError(
      () => conv2d(z(1, 1, 3, 3), z(1, 1, 5, 5)),
      ShapeError,
      "conv2d: output size (W − F + 2P)/S + 1 = (3 − 5 + 0)/1 + 1 = -1 is not positive for input [1, 1, 3, 3]",
    );
  });

  it("names the height when only the height is too small", () => {
    expectError(
      () => conv2d(z(2, 1, 2, 8), z(1, 1, 3, 3), null, { stride: [2, 1] }),
      ShapeError,
      "conv2d: output size (H − F + 2P)/S + 1 = (2 − 3 + 0)/2 + 1 = 0 is not positive for input [2, 1, 2, 8]",
    );
  });

  it("counts padding on both sides and shows the dilated window", () => {
    expectError(
      () => conv2d(z(1, 1, 6, 2), z(1, 1, 3, 3), null, { padding: 1, dilation: 2 }),
      ShapeError,
      "conv2d: output size (W − F + 2P)/S + 1 = (2 − 5 + 2)/1 + 1 = 0 is not positive for input " +
        "[1, 1, 6, 2] (F = D·(K − 1) + 1 = 2·2 + 1 = 5 with dilation 2)",
    );
  });

  it("conv1d uses the length L", () => {
    expectError(
      () => conv1d(z(1, 1, 2), z(1, 1, 4)),
      ShapeError,
      "conv1d: output size (L − F + 2P)/S + 1 = (2 − 4 + 0)/1 + 1 = -1 is not positive for input [1, 1, 2]",
    );
  });

  it("convTranspose2d shows its own formula", () => {
    expectError(
      () => convTranspose2d(z(1, 1, 1, 1), z(1, 1, 1, 1), null, { padding: 1 }),
      ShapeError,
      "convTranspose2d: output size (W − 1)·S − 2P + D·(F − 1) + OP + 1 = " +
        "(1 − 1)·1 − 2·1 + 1·(1 − 1) + 0 + 1 = -1 is not positive for input [1, 1, 1, 1]",
    );
  });
});

describe("conv2d: channels and groups", () => {
  it("rejects input channels that do not match the weight", () => {
    expectError(
      () => conv2d(z(8, 3, 28, 28), z(16, 1, 5, 5)),
      ShapeError,
      "conv2d: input [8, 3, 28, 28] has 3 channels but weight [16, 1, 5, 5] expects 1 (groups = 1)",
    );
  });

  it("rejects input channels not divisible by groups", () => {
    expectError(
      () => conv2d(z(1, 3, 8, 8), z(4, 1, 3, 3), null, { groups: 2 }),
      ShapeError,
      "conv2d: input [1, 3, 8, 8] has 3 channels, which is not divisible by groups = 2",
    );
  });

  it("rejects output channels not divisible by groups", () => {
    expectError(
      () => conv2d(z(1, 4, 8, 8), z(3, 2, 3, 3), null, { groups: 2 }),
      ShapeError,
      "conv2d: weight [3, 2, 3, 3] has 3 output channels, which is not divisible by groups = 2",
    );
  });

  it("rejects a grouped weight with the wrong channels per group", () => {
    expectError(
      () => conv2d(z(1, 4, 8, 8), z(4, 1, 3, 3), null, { groups: 2 }),
      ShapeError,
      "conv2d: input [1, 4, 8, 8] has 4 channels but weight [4, 1, 3, 3] expects 2 (groups = 2)",
    );
  });

  it("convTranspose2d checks input channels against weight dim 0", () => {
    expectError(
      () => convTranspose2d(z(1, 3, 4, 4), z(2, 3, 3, 3)),
      ShapeError,
      "convTranspose2d: input [1, 3, 4, 4] has 3 channels but weight [2, 3, 3, 3] expects 2",
    );
  });
});

describe("conv2d: ranks, bias, options, dtypes", () => {
  it("rejects a weight of the wrong rank", () => {
    expectError(
      () => conv2d(z(1, 1, 5, 5), z(1, 5, 5)),
      ShapeError,
      "conv2d: weight must be 4-D [outChannels, inChannels/groups, kH, kW], got [1, 5, 5] (rank 3)",
    );
    expectError(
      () => conv1d(z(1, 1, 5), z(1, 1, 1, 3)),
      ShapeError,
      "conv1d: weight must be 3-D [outChannels, inChannels/groups, kL], got [1, 1, 1, 3] (rank 4)",
    );
  });

  it("rejects an input of the wrong rank", () => {
    expectError(
      () => conv2d(z(5, 5), z(1, 1, 3, 3)),
      ShapeError,
      "conv2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got [5, 5] (rank 2)",
    );
  });

  it("rejects a bias that is not one value per output channel", () => {
    expectError(
      () => conv2d(z(1, 2, 5, 5), z(4, 2, 3, 3), z(3)),
      ShapeError,
      "conv2d: bias [3] must be 1-D with 4 elements (one per output channel)",
    );
    expectError(
      () => convTranspose2d(z(1, 2, 5, 5), z(2, 3, 3, 3), z(1, 3)),
      ShapeError,
      "convTranspose2d: bias [1, 3] must be 1-D with 3 elements (one per output channel)",
    );
  });

  it("rejects bad option values", () => {
    expectError(
      () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { stride: 0 }),
      ValueError,
      "conv2d: stride must be a positive integer or 2 of them, got 0",
    );
    expectError(
      () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { padding: [1, -1] }),
      ValueError,
      "conv2d: padding must be a non-negative integer or 2 of them, got [1, -1]",
    );
    expectError(
      () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { padding: "same", stride: 2 }),
      ValueError,
      "conv2d: padding 'same' requires stride 1, got [2, 2]",
    );
    expectError(
      () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { groups: 0 }),
      ValueError,
      "conv2d: groups must be a positive integer, got 0",
    );
    expectError(
      () => convTranspose2d(z(1, 1, 3, 3), z(1, 1, 3, 3), null, { stride: 2, outputPadding: 2 }),
      ValueError,
      "convTranspose2d: outputPadding [2, 2] must be smaller than either stride [2, 2] or dilation [1, 1]",
    );
  });

  it("rejects mixed and non-floating dtypes", () => {
    expectError(
      () => conv2d(z(1, 1, 5, 5), zeros([1, 1, 3, 3], { dtype: "float64" })),
      DTypeError,
      "conv2d: input [1, 1, 5, 5] is float32 but [1, 1, 3, 3] is float64; cast one with to()",
    );
    expectError(
      () =>
        conv2d(zeros([1, 1, 5, 5], { dtype: "int32" }), zeros([1, 1, 3, 3], { dtype: "int32" })),
      DTypeError,
      "conv2d: expected a floating-point tensor (float32 or float64), got int32",
    );
  });

  it("the backward ops check the gradient's shape", () => {
    expectError(
      () => conv2dBackwardInput(z(1, 2, 4, 4), z(2, 1, 3, 3), [1, 1, 5, 5]),
      ShapeError,
      "conv2dBackwardInput: grad [1, 2, 4, 4] does not match the convolution output [1, 2, 3, 3]",
    );
    expectError(
      () => conv2dBackwardWeight(z(1, 1, 5, 5), z(1, 2, 3, 3), [2, 1, 3, 3], { padding: 1 }),
      ShapeError,
      "conv2dBackwardWeight: grad [1, 2, 3, 3] does not match the convolution output [1, 2, 5, 5]",
    );
  });
});
