/** Tests of the gradient checker itself: it passes right gradients and catches wrong ones. */
import { describe, expect, test } from "vitest";
import {
  DTypeError,
  GradcheckError,
  Tensor,
  ValueError,
  gradcheck,
  gradgradcheck,
  randn,
  tensor,
} from "../src/index.js";
import { recordOp } from "../src/autograd/define-op.js";

const f64 = (shape: number[], seed = 0): Tensor => {
  // deterministic values without touching the default generator
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + seed) * 1.5);
  return tensor(data, { dtype: "float64" }).reshape(shape).requiresGrad_();
};

/** sin with a backward scaled by `k` (k = 1 is correct). */
const scaledSin = (k: number) => (x: Tensor) =>
  recordOp("scaledSin", [x], x.detach().sin(), (g, c) => [g.mul(c.input(0).cos()).mul(k)]);

/** sin whose backward is right but not differentiable (detached cos). */
const flatSin = (x: Tensor) =>
  recordOp("flatSin", [x], x.detach().sin(), (g, c) => [g.mul(c.input(0).detach().cos())]);

describe("gradcheck", () => {
  test("accepts correct gradients of several inputs and outputs", () => {
    const [a, b] = [f64([3, 4]), f64([4, 2], 1)];
    expect(gradcheck((x, y) => [x.matmul(y).tanh(), x.sum(1)], [a, b])).toBe(true);
  });

  test("reports wrong entries with output, input, index and both values", () => {
    const x = f64([2, 3]);
    let message = "";
    try {
      gradcheck(scaledSin(1.01), [x]);
    } catch (e) {
      expect(e).toBeInstanceOf(GradcheckError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^gradcheck: 6 Jacobian entries differ \(eps 1e-6, atol 1e-5/);
    expect(message).toContain("output 0, input 0, out[1, 2] / in[1, 2]");
    const expected = Math.cos(x.data[5]!);
    expect(message).toContain(expected.toPrecision(6).slice(0, 6));
    expect(message).toContain((expected * 1.01).toPrecision(6).slice(0, 6));
  });

  test("caps the listing at 10 rows plus a count", () => {
    expect(() => gradcheck(scaledSin(2), [f64([4, 4])])).toThrow(/\.\.\. and 6 more/);
  });

  test("returns false instead of throwing with raiseException: false", () => {
    expect(gradcheck(scaledSin(1.5), [f64([3])], { raiseException: false })).toBe(false);
  });

  test("uses random projections for large problems and still catches errors", () => {
    const big = f64([70, 70]);
    expect(gradcheck((x) => x.sin().mul(x), [big])).toBe(true);
    expect(() => gradcheck(scaledSin(1.01), [big])).toThrow(/random-projection.*\n[\s\S]*uᵀJv #0/);
    expect(() => gradcheck(scaledSin(1.01), [f64([3])], { fastMode: true })).toThrow(
      GradcheckError,
    );
  });

  test("perturbs non-contiguous inputs through their strides and restores them exactly", () => {
    const base = tensor([1.5, -0.25, 2, 0.75, -1, 3], { dtype: "float64" }).reshape([2, 3]);
    const x = base.transpose(0, 1).requiresGrad_(); // a strided leaf view
    const before = Array.from(base.data);
    expect(gradcheck((t) => t.mul(t).sum(0), [x])).toBe(true);
    expect(Array.from(base.data)).toEqual(before);
    expect(() => gradcheck(scaledSin(0.9), [x])).toThrow(GradcheckError);
    expect(Array.from(base.data)).toEqual(before);
  });

  test("ignores integer outputs and inputs that do not require grad", () => {
    const idx = tensor(new Int32Array([2, 0]));
    expect(gradcheck((x, i) => [x.max(0)[1], x.indexSelect(0, i!)], [f64([3]), idx])).toBe(true);
  });

  test("rejects float32 differentiable inputs and calls without any", () => {
    const x32 = randn([3]).requiresGrad_();
    expect(() => gradcheck((x) => x.sin(), [x32])).toThrow(DTypeError);
    expect(() => gradcheck((x) => x.sin(), [x32])).toThrow(/input 0 .* float32/);
    expect(() => gradcheck((x) => x.sin(), [tensor([1], { dtype: "float64" })])).toThrow(
      ValueError,
    );
  });
});

describe("gradgradcheck", () => {
  test("accepts correct second derivatives", () => {
    expect(gradgradcheck((x, y) => x.mul(y).sin(), [f64([2, 3]), f64([3], 2)])).toBe(true);
  });

  test("catches a backward rule that is not differentiable", () => {
    const x = f64([4]);
    expect(gradcheck(flatSin, [x])).toBe(true); // first derivative is right
    expect(() => gradgradcheck(flatSin, [x])).toThrow(
      /gradgradcheck: \d+ Jacobian entr(y|ies) differ/,
    );
  });

  test("uses given gradOutputs and checks their count", () => {
    const x = f64([3]);
    const go = f64([3], 5);
    expect(gradgradcheck((t) => t.exp(), [x], [go])).toBe(true);
    expect(() => gradgradcheck((t) => t.exp(), [x], [go, go])).toThrow(/2 gradOutputs for 1/);
  });
});
