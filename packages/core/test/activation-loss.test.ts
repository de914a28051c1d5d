/**
 * Activations, losses and dropout: error messages, edge cases and dropout's seeded mask. Values
 * and gradients against PyTorch are in activation-loss.fixtures.test.ts; generated gradient
 * checks in the op registry (specs/activation.ts, specs/loss.ts).
 */
import { describe, expect, it } from "vitest";
import {
  DTypeError,
  Generator,
  IndexError,
  ShapeError,
  Tensor,
  ValueError,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  dropout,
  elu,
  gelu,
  gradcheck,
  gradgradcheck,
  l1Loss,
  leakyRelu,
  manualSeed,
  mseLoss,
  nllLoss,
  ones,
  randn,
  softmax,
  tensor,
  type Reduction,
} from "../src/index.js";

const ints = (...v: number[]): Tensor => tensor(Int32Array.from(v));
const logits = (): Tensor => randn([3, 4], { generator: new Generator(1) });

describe("crossEntropy / nllLoss: typed errors naming the op and the shapes", () => {
  it("rejects a target out of range with the value and the class count", () => {
    expect(() => crossEntropy(logits(), ints(0, 4, 1))).toThrow(IndexError);
    expect(() => crossEntropy(logits(), ints(0, 4, 1))).toThrow(
      "crossEntropy: target 4 is out of range for 4 classes (input [3, 4], ignoreIndex -100)",
    );
    expect(() => nllLoss(logits(), ints(-1, 0, 1))).toThrow(
      "nllLoss: target -1 is out of range for 4 classes (input [3, 4], ignoreIndex -100)",
    );
    expect(() => crossEntropy(logits(), ints(-100, 2, 1), { ignoreIndex: 2 })).toThrow(
      "crossEntropy: target -100 is out of range for 4 classes (input [3, 4], ignoreIndex 2)",
    );
  });

  it("rejects targets of the wrong dtype or shape", () => {
    expect(() => crossEntropy(logits(), tensor([0, 1, 2]))).toThrow(DTypeError);
    expect(() => crossEntropy(logits(), tensor([0, 1, 2]))).toThrow(
      "crossEntropy: target must be an int32 tensor of class indices with shape [3] (or float class probabilities with shape [3, 4]), got float32 [3]",
    );
    expect(() => nllLoss(logits(), ints(0, 1))).toThrow(ShapeError);
    expect(() => nllLoss(logits(), ints(0, 1))).toThrow(
      "nllLoss: target [2] must have shape [3] for input [3, 4] (the input's shape without its class dim 1)",
    );
    const x = randn([2, 3, 4, 5]);
    expect(() => crossEntropy(x, tensor(new Int32Array(40)).reshape([2, 4, 5, 1]))).toThrow(
      "crossEntropy: target [2, 4, 5, 1] must have shape [2, 4, 5] for input [2, 3, 4, 5]",
    );
  });

  it("rejects bad weights, logits and options", () => {
    expect(() => crossEntropy(logits(), ints(0, 1, 2), { weight: ones([3]) })).toThrow(
      "crossEntropy: weight [3] must have shape [4], one entry per class of input [3, 4]",
    );
    expect(() =>
      crossEntropy(logits(), ints(0, 1, 2), { weight: ones([4], { dtype: "float64" }) }),
    ).toThrow("crossEntropy: weight is float64 but input is float32");
    expect(() => crossEntropy(ints(1, 2), ints(0))).toThrow(
      "crossEntropy: input must be a floating-point tensor, got int32 [2]",
    );
    expect(() => crossEntropy(tensor(1), ints(0).reshape([]))).toThrow(
      "crossEntropy: input must have a class dim, got shape []",
    );
    expect(() => crossEntropy(logits(), ints(0, 1, 2), { labelSmoothing: 1.5 })).toThrow(
      "crossEntropy: labelSmoothing must be between 0 and 1, got 1.5",
    );
    const avg = "avg" as unknown as Reduction;
    expect(() => crossEntropy(logits(), ints(0, 1, 2), { reduction: avg })).toThrow(
      "crossEntropy: reduction must be 'mean', 'sum' or 'none', got 'avg'",
    );
  });
});

describe("crossEntropy: semantics", () => {
  it("stays finite, with finite gradients, for logits of magnitude 1e4 and beyond (float32)", () => {
    for (const scale of [1e4, 1e30]) {
      const x = randn([4, 6], { generator: new Generator(2) })
        .mul(scale)
        .detach()
        .requiresGrad_();
      const loss = crossEntropy(x, ints(1, 0, 5, 3), { labelSmoothing: 0.1 });
      expect(Number.isFinite(loss.item())).toBe(true);
      expect(loss.item()).toBeGreaterThan(0);
      loss.backward();
      expect(Array.from(x.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    }
  });

  it("gives NaN for a mean over only ignored targets and 0 for their sum, as PyTorch", () => {
    const t = ints(-100, -100, -100);
    expect(crossEntropy(logits(), t).item()).toBeNaN();
    expect(crossEntropy(logits(), t, { reduction: "sum" }).item()).toBe(0);
    expect(crossEntropy(logits(), t, { reduction: "none" }).toArray()).toEqual([0, 0, 0]);
  });

  it("handles an empty batch (mean NaN, sum 0) and 0-d softmax rows, as PyTorch", () => {
    const empty = tensor([], { dtype: "float32" }).reshape([0, 3]);
    const none = tensor(new Int32Array(0));
    expect(crossEntropy(empty, none).item()).toBeNaN();
    expect(crossEntropy(empty, none, { reduction: "sum" }).item()).toBe(0);
    expect(softmax(tensor(3), 0).item()).toBe(1);
    expect(() => softmax(tensor([1, 2]), 1)).toThrow(
      "softmax: dimension 1 is out of range for a 1-d tensor (expected -1..0)",
    );
  });

  it("equals nllLoss of logSoftmax without smoothing", () => {
    const x = logits();
    const t = ints(3, 0, 2);
    const a = crossEntropy(x, t, { reduction: "none" }).toArray() as number[];
    const b = nllLoss(softmax(x, 1).log(), t, { reduction: "none" }).toArray() as number[];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
  });
});

describe("elementwise losses and activations: typed errors", () => {
  it("requires matching input and target shapes", () => {
    expect(() => mseLoss(ones([3, 1]), ones([3]))).toThrow(
      "mseLoss: target [3] must have the shape of input [3, 1]",
    );
    expect(() => l1Loss(ones([2]), ones([2], { dtype: "int32" }))).toThrow(
      "l1Loss: input and target must be floating-point tensors, got float32 [2] and int32 [2]",
    );
    expect(() => binaryCrossEntropyWithLogits(ones([2, 3]), ones([3, 2]))).toThrow(ShapeError);
  });

  it("binaryCrossEntropy rejects probabilities outside [0, 1]", () => {
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(ValueError);
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(
      "binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.5 at flat index 1 of input [2]",
    );
  });

  it("checks that weight and posWeight broadcast to the input", () => {
    expect(() =>
      binaryCrossEntropyWithLogits(ones([2, 3]), ones([2, 3]), { posWeight: ones([2]) }),
    ).toThrow("binaryCrossEntropyWithLogits: posWeight [2] must broadcast to input [2, 3]");
    expect(() =>
      binaryCrossEntropy(tensor([0.5, 0.5]), tensor([1, 0]), { weight: ones([2, 2]) }),
    ).toThrow("binaryCrossEntropy: weight [2, 2] must broadcast to input [2]");
  });

  it("rejects integer inputs and unknown options", () => {
    expect(() => leakyRelu(ints(1, -1))).toThrow(DTypeError);
    const bogus = "erf" as unknown as "tanh";
    expect(() => gelu(ones([2]), { approximate: bogus })).toThrow(
      "gelu: approximate must be 'none' or 'tanh', got 'erf'",
    );
  });

  it("elu keeps gradients finite for large positive inputs", () => {
    const x = tensor([800, -1, 3], { requiresGrad: true });
    elu(x).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, Math.fround(Math.exp(-1)), 1]);
  });
});

describe("dropout", () => {
  const x = (): Tensor => ones([100, 100], { dtype: "float64" });

  it("validates p", () => {
    for (const p of [1.5, -0.1, NaN]) {
      expect(() => dropout(x(), p)).toThrow(ValueError);
    }
    expect(() => dropout(x(), 1.5)).toThrow(
      "dropout: probability has to be between 0 and 1, but got 1.5",
    );
    expect(() => dropout(ints(1, 2), 0.5)).toThrow(DTypeError);
  });

  it("keeps about 1 − p of the elements and scales them by 1/(1 − p)", () => {
    const out = Array.from(dropout(x(), 0.3, true, { generator: new Generator(7) }).dataSync());
    const kept = out.filter((v) => v !== 0);
    expect(kept.every((v) => v === 1 / 0.7)).toBe(true);
    expect(Math.abs(kept.length / out.length - 0.7)).toBeLessThan(0.03);
  });

  it("is reproducible from a seed (explicit generator or manualSeed)", () => {
    const a = dropout(x(), 0.5, true, { generator: new Generator(3) }).toArray();
    const b = dropout(x(), 0.5, true, { generator: new Generator(3) }).toArray();
    const c = dropout(x(), 0.5, true, { generator: new Generator(4) }).toArray();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    manualSeed(11);
    const d = dropout(x(), 0.5).toArray();
    manualSeed(11);
    expect(dropout(x(), 0.5).toArray()).toEqual(d);
  });

  it("is the identity in eval mode or at p = 0, and zeros at p = 1", () => {
    const t = x();
    expect(dropout(t, 0.5, false)).toBe(t);
    expect(dropout(t, 0)).toBe(t);
    const z = tensor([1, -2, 3], { requiresGrad: true });
    const out = dropout(z, 1);
    expect(out.toArray()).toEqual([0, -0, 0]);
    out.sum().backward();
    expect(z.grad!.toArray()).toEqual([0, 0, 0]);
  });

  it("backpropagates through the same mask (gradcheck and gradgradcheck)", () => {
    const z = randn([4, 5], { dtype: "float64", generator: new Generator(5) }).requiresGrad_();
    const f = (t: Tensor): Tensor => dropout(t, 0.4, true, { generator: new Generator(9) });
    const out = f(z);
    out.backward(ones([4, 5], { dtype: "float64" }));
    const mask = Array.from(out.dataSync(), (v) => (v === 0 ? 0 : 1 / 0.6));
    expect(new Set(mask)).toEqual(new Set([0, 1 / 0.6]));
    expect(Array.from(out.dataSync())).toEqual(Array.from(z.dataSync(), (v, i) => v * mask[i]!));
    expect(Array.from(z.grad!.dataSync())).toEqual(mask);
    expect(gradcheck(f, [z])).toBe(true);
    expect(gradgradcheck((t) => f(t).mul(t), [z])).toBe(true);
  });
});
