import { describe, expect, test } from "vitest";
import {
  Generator,
  ShapeError,
  ValueError,
  gradcheck,
  manualSeed,
  noGrad,
  randn,
  tensor,
  type Tensor,
} from "@tsgrad/core";
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BCEWithLogitsLoss,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  CrossEntropyLoss,
  DistanceWeightedAvgPool2d,
  Dropout,
  F,
  Flatten,
  GELU,
  Identity,
  LPPool2d,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MSELoss,
  MaxPool2d,
  Module,
  ModuleList,
  NLLLoss,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  isInt64,
  type AnyModule,
} from "@tsgrad/nn";
import { fixture } from "./convnet1.js";

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const same = (a: Tensor, b: Tensor): void => {
  expect(a.shape).toEqual(b.shape);
  expect(values(a)).toEqual(values(b));
};

// The same constructions as REPR_CASES in scripts/fixtures/nn_interop.py, in tsgrad's spelling.
const REPR_CASES: Record<string, () => AnyModule> = {
  "nn.Linear(1568, 10)": () => new Linear(1568, 10),
  "nn.Linear(3, 4, bias=False)": () => new Linear(3, 4, { bias: false }),
  "nn.Conv1d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)": () =>
    new Conv1d(4, 8, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }),
  "nn.Conv2d(1, 16, 5, stride=1, padding=2)": () => new Conv2d(1, 16, 5, { stride: 1, padding: 2 }),
  "nn.Conv2d(3, 6, (3, 5), padding='same')": () => new Conv2d(3, 6, [3, 5], { padding: "same" }),
  "nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)": () =>
    new ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  "nn.BatchNorm1d(10, momentum=None, affine=False)": () =>
    new BatchNorm1d(10, { momentum: null, affine: false }),
  "nn.BatchNorm2d(16)": () => new BatchNorm2d(16),
  "nn.BatchNorm2d(4, eps=0.001, momentum=0.01, track_running_stats=False)": () =>
    new BatchNorm2d(4, { eps: 0.001, momentum: 0.01, trackRunningStats: false }),
  "nn.ReLU()": () => new ReLU(),
  "nn.LeakyReLU(0.2)": () => new LeakyReLU(0.2),
  "nn.GELU()": () => new GELU(),
  "nn.GELU(approximate='tanh')": () => new GELU({ approximate: "tanh" }),
  "nn.Sigmoid()": () => new Sigmoid(),
  "nn.Tanh()": () => new Tanh(),
  "nn.Softmax(dim=1)": () => new Softmax(1),
  "nn.LogSoftmax(dim=-1)": () => new LogSoftmax(-1),
  "nn.MaxPool2d(2)": () => new MaxPool2d(2),
  "nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)": () =>
    new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  "nn.AvgPool2d(2)": () => new AvgPool2d(2),
  "nn.AvgPool2d((2, 3), stride=(1, 2), padding=1)": () =>
    new AvgPool2d([2, 3], { stride: [1, 2], padding: 1 }),
  "nn.LPPool2d(2, 3, stride=2)": () => new LPPool2d(2, 3, { stride: 2 }),
  "nn.AdaptiveAvgPool2d(1)": () => new AdaptiveAvgPool2d(1),
  "nn.AdaptiveAvgPool2d((5, None))": () => new AdaptiveAvgPool2d([5, null]),
  "nn.Flatten()": () => new Flatten(),
  "nn.Dropout(0.25)": () => new Dropout(0.25),
  "nn.Identity()": () => new Identity(),
  "nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 1), nn.Sigmoid()))": () =>
    new Sequential(new Linear(2, 3), new ReLU(), new Sequential(new Linear(3, 1), new Sigmoid())),
  "nn.ModuleList([nn.Linear(1, 1), nn.Dropout()])": () =>
    new ModuleList<AnyModule>([new Linear(1, 1), new Dropout()]),
  "nn.CrossEntropyLoss()": () => new CrossEntropyLoss(),
  "nn.NLLLoss()": () => new NLLLoss(),
  "nn.MSELoss()": () => new MSELoss(),
  "nn.BCEWithLogitsLoss()": () => new BCEWithLogitsLoss(),
};

describe("printouts match PyTorch's repr", () => {
  test("every case of the fixture is covered", () => {
    const cases = Object.keys(fixture.reprs).filter((k) => k !== "ConvNet1()");
    expect(Object.keys(REPR_CASES).sort()).toEqual(cases.sort());
  });
  test.each(Object.entries(REPR_CASES))("%s", (expr, make) => {
    expect(make().toString()).toBe(fixture.reprs[expr]);
  });
});

describe("layers with parameters", () => {
  test("Linear: x·Wᵀ + b, PyTorch's shapes and default init bounds", () => {
    manualSeed(0);
    const lin = new Linear(5, 3);
    expect([lin.weight.shape, lin.bias!.shape]).toEqual([[3, 5], [3]]);
    const bound = 1 / Math.sqrt(5);
    for (const p of lin.parameters())
      expect(values(p).every((v) => Math.abs(v) <= bound)).toBe(true);
    const x = randn([4, 5]);
    same(lin.forward(x), x.matmul(lin.weight.t()).add(lin.bias!));
    expect(() => lin.forward(randn([4, 6]))).toThrow(ShapeError);
    expect(() => new Linear(-1, 2)).toThrow(ValueError);
  });

  test("the default init follows the given generator", () => {
    const a = new Linear(4, 4, { generator: new Generator(5) });
    const b = new Linear(4, 4, { generator: new Generator(5) });
    const c = new Linear(4, 4, { generator: new Generator(6) });
    expect(values(a.weight)).toEqual(values(b.weight));
    expect(values(a.weight)).not.toEqual(values(c.weight));
    expect(new Linear(2, 2, { dtype: "float64" }).weight.dtype).toBe("float64");
  });

  test("Conv2d / Conv1d / ConvTranspose2d: weight shapes, init bounds and forward", () => {
    const conv = new Conv2d(4, 6, 3, { padding: 1, groups: 2 });
    expect(conv.weight.shape).toEqual([6, 2, 3, 3]);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(values(conv.weight).every((v) => Math.abs(v) <= bound)).toBe(true);
    const x = randn([2, 4, 5, 5]);
    same(conv.forward(x), F.conv2d(x, conv.weight, conv.bias, { padding: 1, groups: 2 }));
    expect(conv.forward(x).shape).toEqual([2, 6, 5, 5]);

    const c1 = new Conv1d(4, 8, 3, { stride: 2, padding: 1, groups: 2, bias: false });
    expect([c1.weight.shape, c1.bias]).toEqual([[8, 2, 3], null]);
    expect(c1.forward(randn([1, 4, 9])).shape).toEqual([1, 8, 5]);

    const up = new ConvTranspose2d(6, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
    expect(up.weight.shape).toEqual([6, 3, 3, 3]);
    const y = randn([1, 6, 4, 4]);
    same(
      up.forward(y),
      F.convTranspose2d(y, up.weight, up.bias, { stride: 2, padding: 1, outputPadding: 1 }),
    );
    expect(up.forward(y).shape).toEqual([1, 3, 8, 8]);
  });

  test("float64 layers pass gradcheck with respect to input and parameters", () => {
    const conv = new Conv2d(2, 3, 3, { padding: 1, stride: 2, dtype: "float64" });
    const bn = new BatchNorm2d(3, { dtype: "float64" });
    const lin = new Linear(12, 2, { dtype: "float64" });
    const x = randn([2, 2, 4, 4], { dtype: "float64" }).requiresGrad_();
    const net = (t: Tensor): Tensor => lin.forward(bn.forward(conv.forward(t)).flatten(1)).tanh();
    const params = [conv.weight, conv.bias!, bn.weight!, bn.bias!, lin.weight];
    expect(gradcheck((t) => net(t), [x, ...params])).toBe(true);
  });

  test("conv settings are validated at construction", () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/divisible by groups/);
    expect(() => new Conv2d(3, 4, 3, { stride: 2, padding: "same" })).toThrow(/strided/);
    expect(() => new Conv2d(3, 4, 0)).toThrow(/kernelSize must be an integer >= 1/);
    expect(() => new Conv2d(3, 4, [3, 3, 3] as unknown as [number, number])).toThrow(/2 ints/);
  });
});

describe("BatchNorm", () => {
  const x = tensor([
    [1, 2],
    [3, 6],
    [5, 1],
    [-1, 3],
  ]);

  test("train mode normalises by batch statistics and updates running stats (unbiased var)", () => {
    const bn = new BatchNorm1d(2);
    const y = bn.forward(x);
    // channel 0: mean 2, biased var 5, unbiased var 20/3
    expect(values(y)[0]).toBeCloseTo((1 - 2) / Math.sqrt(5 + 1e-5), 5);
    expect(values(bn.runningMean!)[0]).toBeCloseTo(0.1 * 2, 6);
    expect(values(bn.runningVar!)[0]).toBeCloseTo(0.9 + 0.1 * (20 / 3), 5);
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  test("eval mode uses the running statistics and leaves them alone", () => {
    const bn = new BatchNorm1d(2).eval();
    noGrad(() => {
      bn.runningMean!.copy_(tensor([1, -1]));
      bn.runningVar!.copy_(tensor([4, 9]));
      bn.weight!.copy_(tensor([2, 1]));
      bn.bias!.copy_(tensor([0.5, 0]));
    });
    const y = bn.forward(x);
    expect(values(y)[0]).toBeCloseTo(((1 - 1) / Math.sqrt(4 + 1e-5)) * 2 + 0.5, 5);
    expect(values(y)[1]).toBeCloseTo((2 + 1) / Math.sqrt(9 + 1e-5), 5);
    expect([values(bn.runningMean!), bn.numBatchesTracked!.item()]).toEqual([[1, -1], 0]);
  });

  test("momentum: null keeps the cumulative average of the batch statistics", () => {
    const bn = new BatchNorm1d(1, { momentum: null, affine: false });
    // batch means 2, 7, 1; unbiased variances 2, 8, 2; the initial (0, 1) carries no weight
    const batches = [
      [1, 3],
      [5, 9],
      [0, 2],
    ];
    for (const batch of batches) bn.forward(tensor(batch.map((v) => [v])));
    expect(values(bn.runningMean!)[0]).toBeCloseTo((2 + 7 + 1) / 3, 5);
    expect(values(bn.runningVar!)[0]).toBeCloseTo((2 + 8 + 2) / 3, 5);
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });

  test("state-dict keys, the 0-d int64-marked counter, and options that drop state", () => {
    const bn = new BatchNorm2d(3);
    expect(Object.entries(bn.stateDict()).map(([k, t]) => [k, t.shape, t.dtype])).toEqual([
      ["weight", [3], "float32"],
      ["bias", [3], "float32"],
      ["running_mean", [3], "float32"],
      ["running_var", [3], "float32"],
      ["num_batches_tracked", [], "int32"],
    ]);
    expect(isInt64(bn.stateDict().num_batches_tracked!)).toBe(true);
    expect(Object.keys(new BatchNorm2d(3, { affine: false }).stateDict())).toEqual([
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ]);
    const free = new BatchNorm2d(3, { trackRunningStats: false }).eval();
    expect(Object.keys(free.stateDict())).toEqual(["weight", "bias"]);
    const z = randn([2, 3, 2, 2]);
    // without running statistics eval mode normalises with the batch statistics
    expect(Math.abs(free.forward(z).mean().item())).toBeLessThan(1e-6);
    expect(() => bn.forward(randn([2, 3, 4]))).toThrow(
      "BatchNorm2d: expected 4D input (got 3D input [2, 3, 4])",
    );
    expect(() => new BatchNorm1d(2).forward(randn([2]))).toThrow(/expected 2D or 3D input/);
  });
});

describe("stateless layers delegate to F", () => {
  const x = randn([2, 3, 6, 6]);
  const cases: [string, Module, (t: Tensor) => Tensor][] = [
    ["ReLU", new ReLU(), F.relu],
    ["LeakyReLU", new LeakyReLU(0.3), (t) => F.leakyRelu(t, 0.3)],
    ["GELU", new GELU({ approximate: "tanh" }), (t) => F.gelu(t, { approximate: "tanh" })],
    ["Sigmoid", new Sigmoid(), F.sigmoid],
    ["Tanh", new Tanh(), F.tanh],
    ["Softmax", new Softmax(1), (t) => F.softmax(t, 1)],
    ["LogSoftmax", new LogSoftmax(-1), (t) => F.logSoftmax(t, -1)],
    [
      "MaxPool2d",
      new MaxPool2d(3, { stride: 2, padding: 1 }),
      (t) => F.maxPool2d(t, 3, { stride: 2, padding: 1 }),
    ],
    ["AvgPool2d", new AvgPool2d(2), (t) => F.avgPool2d(t, 2)],
    ["LPPool2d", new LPPool2d(2, 2), (t) => F.lpPool2d(t, 2, 2)],
    [
      "DistanceWeightedAvgPool2d",
      new DistanceWeightedAvgPool2d(3, { stride: 2, padding: 1, sigma: [0.7, 1.2] }),
      (t) => F.distanceWeightedAvgPool2d(t, 3, { stride: 2, padding: 1, sigma: [0.7, 1.2] }),
    ],
    [
      "AdaptiveAvgPool2d",
      new AdaptiveAvgPool2d([4, null]),
      (t) => F.adaptiveAvgPool2d(t, [4, null]),
    ],
    ["Flatten", new Flatten(), (t) => t.reshape(2, -1)],
    ["Identity", new Identity(), (t) => t],
  ];
  test.each(cases)("%s", (_, layer, f) => {
    same(layer.forward(x), f(x));
  });

  test("MaxPool2d(2) halves the spatial size; the stride defaults to the kernel", () => {
    expect(new MaxPool2d(2).forward(x).shape).toEqual([2, 3, 3, 3]);
    expect(new AvgPool2d(2).stride).toBe(2);
  });

  test("DistanceWeightedAvgPool2d: stride defaults to the kernel, σ is checked at construction", () => {
    const pool = new DistanceWeightedAvgPool2d(2);
    expect([pool.stride, pool.sigma, pool.parameters().length]).toEqual([2, null, 0]);
    expect(pool.forward(x).shape).toEqual([2, 3, 3, 3]);
    expect(pool.toString()).toBe(
      "DistanceWeightedAvgPool2d(kernel_size=2, stride=2, padding=0, sigma=None)",
    );
    expect(() => new DistanceWeightedAvgPool2d(3, { sigma: -1 })).toThrow(
      "distanceWeightedAvgPool2d: sigma must be a finite number > 0 or 2 of them, got -1",
    );
  });

  test("Dropout: identity in eval mode, seeded and rescaled in training", () => {
    const d = new Dropout(0.5, { generator: new Generator(1) });
    const ones = tensor(new Array(1000).fill(1));
    const y = values(d.forward(ones));
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(400);
    expect(y.filter((v) => v === 0).length).toBeLessThan(600);
    const again = new Dropout(0.5, { generator: new Generator(1) });
    expect(values(again.forward(ones))).toEqual(y);
    d.eval();
    expect(d.forward(ones)).toBe(ones);
    expect(() => new Dropout(1.5)).toThrow(ValueError);
  });
});

describe("containers", () => {
  test("Sequential chains its modules and names them by position or by key", () => {
    const seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    const x = randn([5, 3]);
    const [a, r, b] = [...seq] as [Linear, ReLU, Linear];
    same(seq.forward(x), b.forward(r.forward(a.forward(x))));
    expect([seq.length, seq.at(-1)]).toEqual([3, b]);
    expect(() => seq.at(3)).toThrow(/index 3 is out of range for 3 modules/);
    expect(Object.keys(seq.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    const named = new Sequential({ fc: new Linear(3, 1), act: new Sigmoid() });
    expect(Object.keys(named.stateDict())).toEqual(["fc.weight", "fc.bias"]);
    expect(
      named
        .append(new Identity())
        .namedChildren()
        .map(([k]) => k),
    ).toEqual(["fc", "act", "2"]);
  });

  test("ModuleList registers its modules but has no forward", () => {
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 1)]);
    list.append(new Linear(1, 1));
    expect(list.length).toBe(3);
    expect(list.parameters()).toHaveLength(6);
    expect(Object.keys(list.stateDict())[4]).toBe("2.weight");
    expect(list.eval().at(0).training).toBe(false);
    expect(() => list.forward()).toThrow(/has no forward/);
  });
});

describe("loss modules", () => {
  const logits = randn([4, 3]);
  const target = tensor(new Int32Array([0, 2, 1, 2]));

  test("CrossEntropyLoss / NLLLoss match F and keep the class weight as a buffer", () => {
    const weight = tensor([1, 2, 0.5]);
    const ce = new CrossEntropyLoss({ weight, labelSmoothing: 0.1 });
    same(
      ce.forward(logits, target),
      F.crossEntropy(logits, target, { weight, labelSmoothing: 0.1 }),
    );
    expect(Object.keys(ce.stateDict())).toEqual(["weight"]);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    const logp = F.logSoftmax(logits, 1);
    same(
      new NLLLoss({ reduction: "sum" }).forward(logp, target),
      F.nllLoss(logp, target, { reduction: "sum" }),
    );
    same(new CrossEntropyLoss().forward(logits, target), new NLLLoss().forward(logp, target));
  });

  test("MSELoss / BCEWithLogitsLoss match F; pos_weight is a buffer", () => {
    const y = randn([4, 3]);
    same(new MSELoss().forward(logits, y), F.mseLoss(logits, y));
    same(new MSELoss({ reduction: "none" }).forward(logits, y), logits.sub(y).pow(2));
    const t = tensor([
      [1, 0, 1],
      [0, 0, 1],
      [1, 1, 1],
      [0, 1, 0],
    ]);
    const posWeight = tensor([1, 2, 3]);
    const bce = new BCEWithLogitsLoss({ posWeight });
    same(bce.forward(logits, t), F.binaryCrossEntropyWithLogits(logits, t, { posWeight }));
    expect(Object.keys(bce.stateDict())).toEqual(["pos_weight"]);
  });

  test("a loss's forward is typed with two inputs", () => {
    const loss = new MSELoss();
    // @ts-expect-error a loss takes (input, target)
    expect(() => loss.forward(logits)).toThrow();
  });
});
