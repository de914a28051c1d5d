import { describe, expect, it } from "vitest";
import {
  AutogradError,
  ShapeError,
  Tensor,
  ValueError,
  cat,
  defineFunction,
  grad,
  manualSeed,
  noGrad,
  randn,
  tensor,
} from "../src/index.js";
import { GradcheckError, gradcheck, gradgradcheck } from "../src/testing/gradcheck.js";

/** x³ with a hand-written backward: d/dx x³ = 3x². */
const Cube = defineFunction({
  name: "cube",
  forward(ctx, x: Tensor) {
    ctx.saveForBackward(x);
    return x.mul(x).mul(x);
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return [g.mul(x.mul(x)).mul(3)];
  },
});

/** `x·w + alpha` with a number argument; saves its output to show saved outputs work. */
const ScaledExp = defineFunction({
  name: "scaledExp",
  forward(ctx, x: Tensor, w: Tensor, alpha: number) {
    const y = x.mul(w).exp().mul(alpha);
    ctx.saveForBackward(x, w, y);
    return y;
  },
  backward(ctx, g) {
    const [x, w, y] = ctx.savedTensors;
    // d/dx α·e^(xw) = w·y;  d/dw = x·y
    return [
      ctx.needsInputGrad[0] ? g.mul(w).mul(y) : null,
      ctx.needsInputGrad[1] ? g.mul(x).mul(y) : null,
      null,
    ];
  },
});

const f64 = (shape: number[]): Tensor => randn(shape, { dtype: "float64" }).requiresGrad_();

describe("defineFunction: gradients", () => {
  it("records one node named after the function and computes the forward", () => {
    const x = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const y = Cube.apply(x);
    expect(Array.from(y.dataSync())).toEqual([1, 8, 27]);
    expect(y.gradFn?.name).toBe("cube");
    expect(y.toString()).toContain("grad_fn=<CubeBackward0>");
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 12, 27]);
  });

  it("passes gradcheck and gradgradcheck", () => {
    manualSeed(1);
    expect(gradcheck((x) => Cube.apply(x), [f64([2, 3])])).toBe(true);
    expect(gradgradcheck((x) => Cube.apply(x), [f64([2, 3])])).toBe(true);
    const [x, w] = [f64([4]), f64([4])];
    const fn = (a: Tensor, b: Tensor): Tensor => ScaledExp.apply(a, b, 0.5);
    expect(gradcheck(fn, [x, w])).toBe(true);
    expect(gradgradcheck(fn, [x, w])).toBe(true);
  });

  it("a wrong backward fails gradcheck with a report of numerical and analytical values", () => {
    const WrongCube = defineFunction({
      name: "wrongCube",
      forward(ctx, x: Tensor) {
        ctx.saveForBackward(x);
        return x.mul(x).mul(x);
      },
      backward(ctx, g) {
        const [x] = ctx.savedTensors;
        return [g.mul(x.mul(x)).mul(2)]; // should be 3x²
      },
    });
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    let err: unknown;
    try {
      gradcheck((t) => WrongCube.apply(t), [x]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GradcheckError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/numerical/);
    expect(msg).toMatch(/analytical/);
    // at x = 2: numerical 12, analytical 8
    expect(msg).toMatch(/12\.0000/);
    expect(msg).toMatch(/8\.0000/);
    expect(gradcheck((t) => WrongCube.apply(t), [x], { raiseException: false })).toBe(false);
  });

  it("needsInputGrad reflects which tensor arguments require grad", () => {
    let seen: readonly boolean[] = [];
    const Probe = defineFunction({
      name: "probe",
      forward(ctx, a: Tensor, b: Tensor, k: number) {
        seen = ctx.needsInputGrad;
        return a.add(b).mul(k);
      },
      backward(ctx, g) {
        const k = ctx.args[2];
        return [g.mul(k), g.mul(k), null];
      },
    });
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    Probe.apply(a, b, 2).sum().backward();
    expect(seen).toEqual([true, false, false]);
    expect(Array.from(a.grad!.dataSync())).toEqual([2, 2]);
    noGrad(() => Probe.apply(a, b, 2));
    expect(seen).toEqual([false, false, false]);
  });

  it("returns untracked outputs when no input requires grad, and under noGrad", () => {
    const x = tensor([1, 2]);
    expect(Cube.apply(x).requiresGrad).toBe(false);
    const y = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => Cube.apply(y)).requiresGrad).toBe(false);
  });

  it("outputs share storage with what forward returned (no copy)", () => {
    const Identity = defineFunction({
      name: "identity",
      forward(_ctx, x: Tensor) {
        return x;
      },
      backward(_ctx, g) {
        return [g];
      },
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = Identity.apply(x);
    expect(y).not.toBe(x);
    expect(y.storage).toBe(x.storage);
    expect(y.gradFn?.name).toBe("identity");
    expect(x.gradFn).toBeNull();
  });
});

describe("defineFunction: several outputs", () => {
  /** Splits x at k and returns [sin(head), tail²]. */
  const SplitMap = defineFunction({
    name: "splitMap",
    forward(ctx, x: Tensor, k: number) {
      ctx.saveForBackward(x);
      const n = x.shape[0]!;
      return [x.narrow(0, 0, k).sin(), x.narrow(0, k, n - k).pow(2)];
    },
    backward(ctx, gHead, gTail) {
      const [x] = ctx.savedTensors;
      const k = ctx.args[1];
      const n = x.shape[0]!;
      const head = gHead.mul(x.narrow(0, 0, k).cos());
      const tail = gTail.mul(x.narrow(0, k, n - k)).mul(2);
      return [cat([head, tail]), null];
    },
  });

  it("gives every output the same node and zero-fills outputs that got no gradient", () => {
    const x = tensor([0.5, 1, 2, 3], { dtype: "float64", requiresGrad: true });
    const [head, tail] = SplitMap.apply(x, 1);
    expect(head.gradFn).toBe(tail.gradFn);
    expect([head.outputNr, tail.outputNr]).toEqual([0, 1]);
    const [g] = grad(tail.sum(), x); // head gets zeros
    expect(Array.from(g!.dataSync())).toEqual([0, 2, 4, 6]);
  });

  it("passes gradcheck through both outputs", () => {
    manualSeed(2);
    expect(gradcheck((t) => SplitMap.apply(t, 2), [f64([5])])).toBe(true);
    expect(gradgradcheck((t) => SplitMap.apply(t, 2), [f64([5])])).toBe(true);
  });
});

describe("defineFunction: markNonDifferentiable", () => {
  const SortedMax = defineFunction({
    name: "rowMax",
    forward(ctx, x: Tensor) {
      const [values, indices] = x.max(1);
      const mask = x.eq(values.unsqueeze(1)).double();
      ctx.saveForBackward(mask);
      ctx.markNonDifferentiable(indices, mask);
      return [values, indices, mask];
    },
    backward(ctx, g) {
      const [mask] = ctx.savedTensors;
      return [mask.mul(g.unsqueeze(1))];
    },
  });

  it("marked outputs do not require grad; the others flow", () => {
    const x = tensor(
      [
        [1, 5, 2],
        [7, 0, 3],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    const [values, indices, mask] = SortedMax.apply(x);
    expect(values.requiresGrad).toBe(true);
    expect(indices.requiresGrad).toBe(false);
    expect(mask.requiresGrad).toBe(false);
    expect(mask.dtype).toBe("float64");
    expect(Array.from(indices.dataSync())).toEqual([1, 0]);
    values.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it("rejects marking a tensor that forward did not return", () => {
    const Bad = defineFunction({
      name: "bad",
      forward(ctx, x: Tensor) {
        ctx.markNonDifferentiable(x.add(1));
        return x.mul(2);
      },
      backward(_ctx, g) {
        return [g.mul(2)];
      },
    });
    expect(() => Bad.apply(tensor([1], { requiresGrad: true }))).toThrow(ValueError);
  });
});

describe("defineFunction: misuse is loud", () => {
  it("a saved tensor modified in place makes backward throw", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const y = Cube.apply(x);
    noGrad(() => x.mul_(2));
    expect(() => y.sum().backward()).toThrow(AutogradError);
    const x2 = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const y2 = Cube.apply(x2);
    noGrad(() => x2.add_(1));
    expect(() => y2.sum().backward()).toThrow(
      /cube backward: saved tensor 0 .*modified by an in-place operation/,
    );
  });

  it("a saved output modified in place makes backward throw", () => {
    const x = tensor([0.1], { dtype: "float64", requiresGrad: true });
    const y = ScaledExp.apply(x, tensor([2], { dtype: "float64" }), 1);
    noGrad(() => y.detach().zero_());
    expect(() => y.sum().backward()).toThrow(/scaledExp backward: saved tensor 2/);
  });

  it("a gradient of the wrong shape is a ShapeError naming the function and shapes", () => {
    const BadShape = defineFunction({
      name: "badShape",
      forward(_ctx, x: Tensor) {
        return x.sum();
      },
      backward(_ctx, g) {
        return [g.expand(2)];
      },
    });
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => BadShape.apply(x).backward()).toThrow(ShapeError);
    expect(() => BadShape.apply(x).backward()).toThrow(
      "badShape backward: gradient 0 has shape [2] but input 0 has shape [3]",
    );
  });

  it("the wrong number of gradients is an AutogradError", () => {
    const TooFew = defineFunction<[Tensor, Tensor], Tensor>({
      name: "tooFew",
      forward(_ctx, x: Tensor, y: Tensor) {
        return x.add(y);
      },
      // @ts-expect-error one gradient for two arguments
      backward(_ctx, g) {
        return [g];
      },
    });
    const x = tensor([1], { requiresGrad: true });
    expect(() => TooFew.apply(x, x).backward()).toThrow(/tooFew backward: returned 1 gradients/);
  });

  it("forward must return tensors", () => {
    const NotATensor = defineFunction({
      name: "notATensor",
      // @ts-expect-error forward returns a number
      forward(_ctx, x: Tensor) {
        return x.numel();
      },
      backward(_ctx, g: Tensor) {
        return [g];
      },
    });
    expect(() => NotATensor.apply(tensor([1]))).toThrow(ValueError);
  });

  it("backward twice without retainGraph is the usual 'second time' error", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = Cube.apply(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/second time/);
  });
});
