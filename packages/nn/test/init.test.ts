import { describe, expect, test } from "vitest";
import { Generator, ValueError, manualSeed, tensor, zeros, type Tensor } from "@tsgrad/core";
import { Conv2d, ConvTranspose2d, Linear, Parameter, init } from "@tsgrad/nn";

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const stats = (t: Tensor): { mean: number; std: number; maxAbs: number } => {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return { mean, std, maxAbs: Math.max(...v.map(Math.abs)) };
};
const param = (shape: number[]): Parameter => new Parameter(zeros(shape));

describe("gains and fans", () => {
  test("calculateGain follows PyTorch", () => {
    expect(init.calculateGain("linear")).toBe(1);
    expect(init.calculateGain("conv2d")).toBe(1);
    expect(init.calculateGain("sigmoid")).toBe(1);
    expect(init.calculateGain("tanh")).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain("relu")).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain("leaky_relu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain("leaky_relu", Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain("selu")).toBe(0.75);
    expect(() => init.calculateGain("swish" as init.Nonlinearity)).toThrow(ValueError);
  });

  test("fans: size(1)·receptive field in, size(0)·receptive field out", () => {
    expect(init.calculateFanInAndFanOut(zeros([16, 1, 5, 5]))).toEqual([25, 400]);
    expect(init.calculateFanInAndFanOut(zeros([10, 1568]))).toEqual([1568, 10]);
    expect(() => init.calculateFanInAndFanOut(zeros([3]))).toThrow(/fewer than 2 dimensions/);
  });
});

describe("initialisers fill in place, without a graph, from the seeded generator", () => {
  test("uniform_ / normal_ / constant_ / zeros_ / ones_", () => {
    const p = param([100, 100]);
    expect(init.uniform_(p, -2, 3)).toBe(p);
    const u = stats(p);
    expect(values(p).every((v) => v >= -2 && v < 3)).toBe(true);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect([p.requiresGrad, p.gradFn]).toEqual([true, null]);
    init.normal_(p, 1, 0.5);
    const n = stats(p);
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
    expect(values(init.constant_(param([3]), 0.25))).toEqual([0.25, 0.25, 0.25]);
    expect(values(init.ones_(param([2])))).toEqual([1, 1]);
    expect(values(init.zeros_(init.ones_(param([2]))))).toEqual([0, 0]);
    expect(() => init.uniform_(param([2]), 1, 0)).toThrow(ValueError);
    expect(() => init.normal_(tensor(new Int32Array([1])))).toThrow(/floating-point/);
  });

  test("the default generator is reseeded by manualSeed; an explicit generator is used", () => {
    manualSeed(11);
    const a = values(init.normal_(param([5])));
    manualSeed(11);
    expect(values(init.normal_(param([5])))).toEqual(a);
    const g = (seed: number) => ({ generator: new Generator(seed) });
    expect(values(init.kaimingNormal_(param([4, 4]), g(3)))).toEqual(
      values(init.kaimingNormal_(param([4, 4]), g(3))),
    );
    expect(values(init.xavierUniform_(param([4, 4]), g(3)))).not.toEqual(
      values(init.xavierUniform_(param([4, 4]), g(4))),
    );
  });

  test("kaimingUniform_ / kaimingNormal_: bound and std from gain / √fan", () => {
    const w = param([200, 50, 2, 2]); // fanIn 200, fanOut 800
    const bound = Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(200));
    init.kaimingUniform_(w, { nonlinearity: "relu" });
    const s = stats(w);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.99 * bound);
    init.kaimingNormal_(w, { mode: "fan_out", nonlinearity: "relu" });
    expect(stats(w).std).toBeCloseTo(Math.SQRT2 / Math.sqrt(800), 2);
    expect(() => init.kaimingNormal_(w, { mode: "fan_avg" as init.FanMode })).toThrow(/fan_in/);
    expect(init.kaimingUniform_(param([0, 3]))).toBeDefined(); // zero elements: a no-op
  });

  test("xavierUniform_ / xavierNormal_: gain·√(6 / (fanIn + fanOut)) and gain·√(2 / ...)", () => {
    const w = param([300, 100]);
    const a = 2 * Math.sqrt(6 / 400);
    init.xavierUniform_(w, { gain: 2 });
    expect(stats(w).maxAbs).toBeLessThanOrEqual(a);
    expect(stats(w).maxAbs).toBeGreaterThan(0.99 * a);
    init.xavierNormal_(w);
    expect(stats(w).std).toBeCloseTo(Math.sqrt(2 / 400), 2);
  });
});

describe("PyTorch's default layer init", () => {
  test("Linear / Conv weights and biases are U(±1/√fanIn)", () => {
    const cases: [Tensor, Tensor, number][] = [];
    const lin = new Linear(1568, 10);
    cases.push([lin.weight, lin.bias!, 1568]);
    const conv = new Conv2d(16, 32, 5, { padding: 2 });
    cases.push([conv.weight, conv.bias!, 16 * 25]);
    const up = new ConvTranspose2d(8, 4, 3); // PyTorch takes fanIn from weight.size(1): 4·9
    cases.push([up.weight, up.bias!, 4 * 9]);
    for (const [w, b, fanIn] of cases) {
      const bound = 1 / Math.sqrt(fanIn);
      expect(stats(w).maxAbs).toBeLessThanOrEqual(bound);
      expect(stats(w).maxAbs).toBeGreaterThan(0.95 * bound);
      expect(stats(b).maxAbs).toBeLessThanOrEqual(bound);
    }
  });
});
