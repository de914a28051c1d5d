import { Tensor, ValueError, noGrad, ones, tensor, zeros } from "@tsgrad/core";
import { describe, expect, test } from "vitest";
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from "@tsgrad/optim";
import {
  expectParams,
  fixture,
  freshParams,
  lossFn,
  makeOptimizer,
  trainStep,
  type OptimizerCase,
} from "./helpers.js";

/** Copies of `params` as new leaves (what a checkpoint restore produces). */
function copyParams(params: { W: Tensor; b: Tensor }): { W: Tensor; b: Tensor } {
  return {
    W: params.W.detach().clone().requiresGrad_(),
    b: params.b.detach().clone().requiresGrad_(),
  };
}

describe("stateDict / loadStateDict", () => {
  test.each(fixture.optimizers.map((c) => [c.name, c] as const))(
    "%s: resuming from a state dict after 10 steps reproduces the run",
    (_, c: OptimizerCase) => {
      const params = freshParams();
      const opt = makeOptimizer(c.optimizer, c.options, params, c.groups);
      for (let i = 0; i < 10; i++) trainStep(opt, params);
      const saved = opt.stateDict();
      const resumed = copyParams(params);
      // Built with default options on purpose: the state dict carries the groups' options.
      const opt2 = makeOptimizer(c.optimizer, { lr: 0.5 }, resumed, c.groups);
      opt2.loadStateDict(saved);
      for (let i = 10; i < 20; i++) {
        trainStep(opt, params);
        trainStep(opt2, resumed);
        expect(resumed.W.toArray()).toEqual(params.W.toArray());
        expect(resumed.b.toArray()).toEqual(params.b.toArray());
        expectParams(resumed, c.steps[i]!, `${c.name} resumed step ${i + 1}`);
      }
    },
  );

  test("has PyTorch's layout: state keyed by parameter index, groups listing indices", () => {
    const params = freshParams();
    const opt = new Adam([{ params: [params.W] }, { params: [params.b], lr: 0.5, amsgrad: true }]);
    opt.zeroGrad();
    lossFn(params.W, params.b).backward();
    params.W.grad = null; // only b gets state
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups).toEqual([
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0],
      },
      {
        lr: 0.5,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: true,
        maximize: false,
        params: [1],
      },
    ]);
    expect(Object.keys(sd.state)).toEqual(["1"]);
    const s = sd.state[1]!;
    expect(s.step).toBe(1);
    for (const key of ["expAvg", "expAvgSq", "maxExpAvgSq"]) {
      const t = s[key];
      expect(t).toBeInstanceOf(Tensor);
      expect((t as Tensor).shape).toEqual([2]);
      expect((t as Tensor).dtype).toBe("float64");
    }
  });

  test("clones state tensors: later steps do not change a saved dict, nor loading share it", () => {
    const params = freshParams();
    const opt = new SGD([params.W, params.b], { lr: 0.1, momentum: 0.9 });
    trainStep(opt, params);
    const sd = opt.stateDict();
    const buf = sd.state[0]!.momentumBuffer as Tensor;
    const before = buf.toArray();
    trainStep(opt, params);
    expect(buf.toArray()).toEqual(before);
    opt.loadStateDict(sd);
    expect(opt.state.get(params.W)!.momentumBuffer).not.toBe(buf);
    trainStep(opt, params);
    expect(buf.toArray()).toEqual(before);
  });

  test("rejects a state dict whose groups do not match", () => {
    const params = freshParams();
    const one = new SGD([params.W, params.b], { lr: 0.1 });
    const two = new SGD([{ params: [params.W] }, { params: [params.b] }], { lr: 0.1 });
    expect(() => two.loadStateDict(one.stateDict())).toThrow(
      /SGD\.loadStateDict: the state dict has 1 parameter groups but the optimizer has 2/,
    );
    const short = new SGD([params.W], { lr: 0.1 });
    expect(() => short.loadStateDict(one.stateDict())).toThrow(
      /parameter group 0 has 2 parameters in the state dict but 1 in the optimizer/,
    );
  });

  test("rejects state tensors whose shape differs from the parameter's", () => {
    const params = freshParams();
    const opt = new Adam([params.W, params.b], { lr: 0.1 });
    trainStep(opt, params);
    const sd = opt.stateDict();
    sd.state[0]!.expAvg = zeros([2, 3], { dtype: "float64" });
    const other = new Adam([params.W, params.b]);
    expect(() => other.loadStateDict(sd)).toThrow(ValueError);
    expect(() => other.loadStateDict(sd)).toThrow(
      /Adam\.loadStateDict: state expAvg of parameter 0 has shape \[2, 3\] but the parameter has shape \[3, 2\]/,
    );
  });

  test("casts floating state to the parameter's dtype", () => {
    const p64 = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([p64], { lr: 0.1, momentum: 0.5 });
    p64.grad = tensor([1, 1], { dtype: "float64" });
    opt.step();
    const p32 = tensor([1, 2], { requiresGrad: true });
    const opt32 = new SGD([p32], { lr: 0.1 });
    opt32.loadStateDict(opt.stateDict());
    expect(opt32.state.get(p32)!.momentumBuffer!.dtype).toBe("float32");
    expect(opt32.paramGroups[0]!.momentum).toBe(0.5);
  });
});

describe("parameter groups", () => {
  test("groups take the defaults for options they omit and override the rest", () => {
    const { W, b } = freshParams();
    const opt = new SGD([{ params: [W] }, { params: b, lr: 0.01, momentum: 0.5 }], {
      lr: 0.1,
      weightDecay: 0.2,
    });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.weightDecay, g.params])).toEqual([
      [0.1, 0, 0.2, [W]],
      [0.01, 0.5, 0.2, [b]],
    ]);
  });

  test("each group steps with its own learning rate", () => {
    const a = tensor([1], { dtype: "float64", requiresGrad: true });
    const c = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([{ params: [a], lr: 0.5 }, { params: [c] }], { lr: 0.1 });
    a.grad = tensor([1], { dtype: "float64" });
    c.grad = tensor([1], { dtype: "float64" });
    opt.step();
    expect(a.item()).toBe(0.5);
    expect(c.item()).toBeCloseTo(0.9, 15);
  });

  test("addParamGroup adds a group with the defaults; a tensor may be in one group only", () => {
    const { W, b } = freshParams();
    const opt = new Adam([W], { lr: 0.01, betas: [0.8, 0.9] });
    opt.addParamGroup({ params: [b], eps: 1e-3 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, betas: [0.8, 0.9], eps: 1e-3 });
    expect(opt.paramGroups[1]!.betas).not.toBe(opt.paramGroups[0]!.betas);
    expect(() => opt.addParamGroup({ params: [W] })).toThrow(
      /Adam: some parameters appear in more than one parameter group/,
    );
  });

  test("SGD's lr may come from the groups alone, but must come from somewhere", () => {
    const { W, b } = freshParams();
    expect(new SGD([{ params: [W], lr: 0.3 }]).paramGroups[0]!.lr).toBe(0.3);
    expect(() => new SGD([W, b])).toThrow(
      /SGD: parameter group 0 did not specify a value of required option lr/,
    );
  });
});

describe("zeroGrad and step", () => {
  test("zeroGrad() drops gradients; zeroGrad({ setToNone: false }) zeroes them", () => {
    const params = freshParams();
    const opt = new SGD([params.W, params.b], { lr: 0.1 });
    lossFn(params.W, params.b).backward();
    opt.zeroGrad();
    expect(params.W.grad).toBeNull();
    lossFn(params.W, params.b).backward();
    opt.zeroGrad({ setToNone: false });
    expect(params.W.grad!.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(params.b.grad!.toArray()).toEqual([0, 0]);
    expect(params.W.grad!.requiresGrad).toBe(false);
  });

  test("updates in place under noGrad: same leaf tensors, version bumped, grads untouched", () => {
    const params = freshParams();
    const { W } = params;
    const opt = new AdamW([params.W, params.b], { lr: 0.1 });
    lossFn(params.W, params.b).backward();
    const grad = W.grad!.toArray();
    const version = W.storage.version;
    opt.step();
    expect(params.W).toBe(W);
    expect(W.isLeaf && W.requiresGrad).toBe(true);
    expect(W.storage.version).toBeGreaterThan(version);
    expect(W.grad!.toArray()).toEqual(grad);
  });

  test("parameters without a gradient are skipped and get no state", () => {
    const params = freshParams();
    const opt = new RMSprop([params.W, params.b], { lr: 0.1, momentum: 0.9 });
    lossFn(params.W, params.b).backward();
    params.b.grad = null;
    const b = params.b.toArray();
    opt.step();
    expect(params.b.toArray()).toEqual(b);
    expect(opt.state.has(params.b)).toBe(false);
    expect(opt.state.get(params.W)!.step).toBe(1);
  });

  test("step(closure) evaluates the closure with grad on and returns its loss", () => {
    const params = freshParams();
    const viaClosure = new Adam([params.W, params.b], { lr: 0.05 });
    const reference = copyParams(freshParams());
    const plain = new Adam([reference.W, reference.b], { lr: 0.05 });
    for (let i = 0; i < 3; i++) {
      const loss = noGrad(() =>
        viaClosure.step(() => {
          viaClosure.zeroGrad();
          const l = lossFn(params.W, params.b);
          l.backward();
          return l.item();
        }),
      );
      expect(loss).toBe(trainStep(plain, reference));
      expect(params.W.toArray()).toEqual(reference.W.toArray());
    }
    expect(viaClosure.step()).toBeUndefined();
  });

  test("float32 parameters keep float32 state", () => {
    const p = ones([4], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    p.grad = ones([4]);
    opt.step();
    const s = opt.state.get(p)!;
    expect([p.dtype, s.expAvg.dtype, s.maxExpAvgSq!.dtype]).toEqual([
      "float32",
      "float32",
      "float32",
    ]);
    for (const v of p.toArray() as number[]) expect(v).toBeCloseTo(0.9, 6); // first step: lr·sign(g)
  });

  test("Adagrad creates its state at construction, as PyTorch does", () => {
    const { W, b } = freshParams();
    const opt = new Adagrad([W, b], { initialAccumulatorValue: 0.25 });
    expect(opt.state.get(b)!.step).toBe(0);
    expect(opt.state.get(b)!.sum.toArray()).toEqual([0.25, 0.25]);
  });
});

describe("argument validation", () => {
  const p = (): Tensor => tensor([1, 2], { requiresGrad: true });
  const cases: [string, () => Optimizer | object, RegExp][] = [
    ["SGD lr", () => new SGD([p()], { lr: -0.1 }), /^SGD: invalid learning rate: -0\.1/],
    [
      "SGD momentum",
      () => new SGD([p()], { lr: 0.1, momentum: -1 }),
      /SGD: invalid momentum value: -1/,
    ],
    [
      "SGD weight decay",
      () => new SGD([p()], { lr: 0.1, weightDecay: -1 }),
      /SGD: invalid weightDecay value: -1/,
    ],
    [
      "SGD nesterov",
      () => new SGD([p()], { lr: 0.1, nesterov: true }),
      /SGD: invalid Nesterov setting \(momentum, dampening\): \[0, 0\]/,
    ],
    ["Adam lr", () => new Adam([p()], { lr: -1 }), /^Adam: invalid learning rate: -1/],
    ["Adam lr NaN", () => new Adam([p()], { lr: NaN }), /^Adam: invalid learning rate: NaN/],
    [
      "Adam beta1",
      () => new Adam([p()], { betas: [1, 0.999] }),
      /^Adam: invalid beta parameter at index 0: 1 \(expected 0 ≤ betas\[0\] < 1\)/,
    ],
    [
      "AdamW beta2",
      () => new AdamW([p()], { betas: [0.9, -0.5] }),
      /^AdamW: invalid beta parameter at index 1: -0\.5/,
    ],
    ["AdamW eps", () => new AdamW([p()], { eps: -1e-8 }), /^AdamW: invalid epsilon value: -1e-8/],
    [
      "Adam group beta",
      () => new Adam([{ params: [p()], betas: [0.9, 1.5] }]),
      /^Adam: invalid beta parameter at index 1: 1\.5/,
    ],
    ["RMSprop alpha", () => new RMSprop([p()], { alpha: -0.1 }), /^RMSprop: invalid alpha value/],
    ["Adagrad lrDecay", () => new Adagrad([p()], { lrDecay: -1 }), /^Adagrad: invalid lrDecay/],
    ["empty params", () => new Adam([]), /^Adam: got an empty parameter list/],
    [
      "non-leaf",
      () => new Adam([p().mul(2)]),
      /^Adam: cannot optimize a non-leaf tensor \(shape \[2\]\)/,
    ],
    [
      "duplicate",
      () => {
        const t = p();
        return new SGD([t, t], { lr: 0.1 });
      },
      /^SGD: parameter group 0 lists a tensor twice/,
    ],
  ];
  test.each(cases)("%s", (_, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });
});
