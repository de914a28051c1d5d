import { describe, expect, it } from "vitest";
import {
  AutogradError,
  DTypeError,
  IndexError,
  ShapeError,
  TsgradError,
  ValueError,
  cat,
  stack,
  tensor,
  where,
  zeros,
  logicalNot,
} from "../src/index.js";

type ErrorClass = new (message: string) => TsgradError;

/** Asserts that `fn` throws exactly `type` (a TsgradError) with `message` (string = exact). */
function expectError(fn: () => unknown, type: ErrorClass, message: string | RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, "expected a throw").toBeInstanceOf(type);
  expect(err).toBeInstanceOf(TsgradError);
  const e = err as Error;
  expect(e.name).toBe(type.name);
  if (typeof message === "string") expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}

const idx = (values: number[], shape?: number[]) =>
  tensor(new Int32Array(values), shape ? { shape } : {});

describe("the error hierarchy", () => {
  it("every typed error is a TsgradError and an Error, named after its class", () => {
    for (const E of [ShapeError, DTypeError, IndexError, ValueError, AutogradError]) {
      const e = new E("x");
      expect(e).toBeInstanceOf(TsgradError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(E.name);
    }
  });
});

describe("shape errors name the op and the shapes", () => {
  it("incompatible broadcast", () => {
    expectError(
      () => zeros([2, 3]).add(zeros([4])),
      ShapeError,
      "add: shapes [2, 3] and [4] cannot be broadcast together (dimension -1 is 3 vs 4)",
    );
    expectError(
      () => zeros([2, 3]).mul(zeros([3, 2])),
      ShapeError,
      "mul: shapes [2, 3] and [3, 2] cannot be broadcast together (dimension -2 is 2 vs 3)",
    );
    expectError(
      () => where(zeros([2], { dtype: "bool" }), zeros([3]), 0),
      ShapeError,
      /^where: shapes \[2\] and \[3\] and \[\] cannot be broadcast/,
    );
  });

  it("matmul inner dimensions", () => {
    expectError(
      () => zeros([2, 3]).matmul(zeros([4, 5])),
      ShapeError,
      "matmul: inner dimensions do not match: [2, 3] @ [4, 5] (3 vs 4)",
    );
    expectError(
      () => zeros([3]).matmul(zeros([4])),
      ShapeError,
      "matmul: inner dimensions do not match: [3] @ [4] (3 vs 4)",
    );
    expectError(
      () => zeros([2, 2, 3]).matmul(zeros([3, 3, 5])),
      ShapeError,
      /^matmul: batch dimensions of \[2, 2, 3\] @ \[3, 3, 5\]: shapes \[2\] and \[3\] cannot be broadcast/,
    );
    expectError(
      () => zeros([]).matmul(zeros([4])),
      ShapeError,
      "matmul: both arguments need at least 1 dimension, got [] and [4]",
    );
  });

  it("reshape / view sizes", () => {
    expectError(
      () => zeros([2, 3]).reshape(4, 2),
      ShapeError,
      "reshape: shape [4, 2] is invalid for input of shape [2, 3] (6 elements)",
    );
    expectError(
      () => zeros([2, 3]).reshape(-1, 4),
      ShapeError,
      "reshape: shape [-1, 4] is invalid for input of shape [2, 3] (6 elements)",
    );
    expectError(() => zeros([2, 3]).view(-1, -1), ShapeError, /^reshape: shape \[-1, -1\]/);
    expectError(
      () => zeros([2, 3]).t().view(6),
      ShapeError,
      "view: input of shape [3, 2] with strides [1, 3] is not contiguous; use reshape() or contiguous() first",
    );
  });

  it("bad permute", () => {
    expectError(
      () => zeros([2, 3, 4]).permute(0, 1),
      ShapeError,
      "permute: dims [0, 1] are not a permutation of 3 dims of input [2, 3, 4]",
    );
    expectError(
      () => zeros([2, 3, 4]).permute(0, 1, 1),
      ShapeError,
      "permute: dims [0, 1, 1] are not a permutation of 3 dims of input [2, 3, 4]",
    );
    expectError(
      () => zeros([2, 3, 4]).permute(0, 1, 3),
      IndexError,
      "permute: dimension 3 is out of range for a 3-d tensor (expected -3..2)",
    );
  });

  it("cat / stack mismatch", () => {
    expectError(
      () => cat([zeros([2, 3]), zeros([2, 4])], 0),
      ShapeError,
      "cat: sizes must match except in dimension 0; got [2, 3], [2, 4]",
    );
    expectError(() => cat([zeros([2, 3]), zeros([2])], 1), ShapeError, /^cat: .*\[2, 3\], \[2\]/);
    expectError(() => cat([]), ValueError, "cat: expected a non-empty list of tensors");
    expectError(
      () => stack([zeros([2, 3]), zeros([3, 2])]),
      ShapeError,
      "stack: all tensors must have the same shape; got [2, 3], [3, 2]",
    );
  });

  it("expand and ragged nested arrays", () => {
    expectError(
      () => zeros([2, 3]).expand(4, 3),
      ShapeError,
      "expand: cannot expand shape [2, 3] to [4, 3]",
    );
    expectError(
      () => tensor([[1, 2], [3]]),
      ShapeError,
      "tensor: nested arrays are ragged (expected shape [2, 2])",
    );
  });
});

describe("dtype errors", () => {
  it("requiresGrad on int32 and bool tensors", () => {
    const msg = (dtype: string, shape: string): string =>
      `requiresGrad_: only floating-point tensors can require gradients, got ${dtype} tensor of shape ${shape}`;
    expectError(
      () => zeros([2], { dtype: "int32" }).requiresGrad_(),
      DTypeError,
      msg("int32", "[2]"),
    );
    expectError(() => tensor([true]).requiresGrad_(), DTypeError, msg("bool", "[1]"));
    expectError(
      () => zeros([2, 2], { dtype: "int32", requiresGrad: true }),
      DTypeError,
      msg("int32", "[2, 2]"),
    );
    expectError(
      () => {
        tensor([true]).requiresGrad = true;
      },
      DTypeError,
      msg("bool", "[1]"),
    );
  });

  it("index tensors must be int32; transcendental ops need floats", () => {
    expectError(
      () => zeros([2, 3]).gather(1, zeros([2, 2])),
      DTypeError,
      "gather: index must be an int32 tensor, got float32",
    );
    expectError(
      () => idx([1, 2]).exp(),
      DTypeError,
      "exp: expected a floating-point tensor (float32 or float64), got int32",
    );
  });
});

describe("index errors name the op, the index and the size", () => {
  it("gather", () => {
    expectError(
      () => zeros([2, 3]).gather(1, idx([0, 3, 1, 1], [2, 2])),
      IndexError,
      "gather: index 3 is out of range for dimension 1 with size 3 (input [2, 3])",
    );
  });
  it("indexSelect", () => {
    expectError(
      () => zeros([2, 3]).indexSelect(0, idx([0, 2])),
      IndexError,
      "indexSelect: index 2 is out of range for dimension 0 with size 2 (input [2, 3])",
    );
    expectError(
      () => zeros([2, 3]).indexSelect(0, idx([-3])),
      IndexError,
      "indexSelect: index -3 is out of range for dimension 0 with size 2 (input [2, 3])",
    );
  });
  it("select", () => {
    expectError(
      () => zeros([2, 3]).select(1, 3),
      IndexError,
      "select: index 3 is out of range for dimension 1 of size 3 (input [2, 3])",
    );
    expectError(
      () => zeros([2, 3]).select(2, 0),
      IndexError,
      "select: dimension 2 is out of range for a 2-d tensor (expected -2..1)",
    );
  });
  it("narrow", () => {
    expectError(
      () => zeros([2, 3]).narrow(1, 2, 2),
      IndexError,
      "narrow: start 2 + length 2 exceeds dimension 1 of size 3 (input [2, 3])",
    );
  });
  it("reduction dims", () => {
    expectError(
      () => zeros([2]).sum(3),
      IndexError,
      "sum: dimension 3 is out of range for a 1-d tensor (expected -1..0)",
    );
  });
});

describe("autograd errors", () => {
  it("backward on a non-scalar without a gradient", () => {
    expectError(
      () => zeros([2, 2]).requiresGrad_().mul(2).backward(),
      AutogradError,
      "backward: grad can be implicitly created only for scalar outputs, got shape [2, 2]; pass a gradient",
    );
  });
  it("backward with a gradient of the wrong shape", () => {
    expectError(
      () =>
        zeros([2])
          .requiresGrad_()
          .mul(2)
          .backward(zeros([3])),
      ShapeError,
      "backward: gradient shape [3] does not match output shape [2]",
    );
  });
  it("backward on a tensor outside the graph", () => {
    expectError(
      () => zeros([1]).backward(),
      AutogradError,
      "backward: output 0 does not require grad and has no gradFn",
    );
  });
  it("in-place on a tensor that requires grad while grad mode is on", () => {
    expectError(
      () => zeros([2]).requiresGrad_().add_(1),
      AutogradError,
      /^add_: in-place operation on tensors that require grad \(target shape \[2\]\)/,
    );
  });
  it("item on a multi-element tensor", () => {
    expectError(
      () => zeros([2]).item(),
      ValueError,
      "item: only one-element tensors can be converted, got shape [2]",
    );
  });
});

describe("dtype rules PyTorch enforces", () => {
  it("bool tensors cannot be subtracted or negated; logicalNot inverts a mask", () => {
    const mask = tensor([true, false]);
    expectError(
      () => mask.sub(mask),
      DTypeError,
      /^sub: subtraction of bool tensors \(shapes \[2\] and \[2\]\)/,
    );
    expectError(() => mask.neg(), DTypeError, /^neg: negation of a bool tensor \(shape \[2\]\)/);
    const inv = logicalNot(mask);
    expect(inv.dtype).toBe("bool");
    expect(inv.toArray()).toEqual([false, true]);
  });

  it("integer tensors cannot be raised to negative integer powers", () => {
    const base = tensor(new Int32Array([2, 3]));
    expectError(
      () => base.pow(-1),
      ValueError,
      /^pow: integers to negative integer powers are not allowed/,
    );
    expect(base.pow(2).toArray()).toEqual([4, 9]);
    expect(base.float().pow(-1).toArray()).toEqual([0.5, Math.fround(1 / 3)]);
  });
});

describe("index ops on 0-d inputs", () => {
  it("indexSelect and indexAdd treat a 0-d input as one element and keep it 0-d", () => {
    const x = tensor(5);
    const picked = x.indexSelect(0, idx([0]));
    expect(picked.shape).toEqual([]);
    expect(picked.item()).toBe(5);
    const added = x.indexAdd(0, idx([0]), tensor(2), 3);
    expect(added.shape).toEqual([]);
    expect(added.item()).toBe(11);
    expectError(() => x.indexSelect(0, idx([1])), IndexError, /out of range/);
  });
});
