import { describe, expect, it } from "vitest";
import {
  AutogradError,
  Generator,
  Tensor,
  arange,
  eye,
  full,
  fullLike,
  linspace,
  manualSeed,
  noGrad,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  randperm,
  tensor,
  zeros,
  zerosLike,
} from "../src/index.js";

const i32 = (values: number[], shape?: number[]): Tensor =>
  tensor(new Int32Array(values), shape ? { shape } : {});

describe("creation", () => {
  it("tensor() infers shape and dtype from nested arrays, booleans and typed arrays", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe("float32");
    expect(a.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([[true], [false]]);
    expect([b.dtype, b.shape]).toEqual(["bool", [2, 1]]);
    expect(b.toArray()).toEqual([[true], [false]]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe("float64");
    expect(tensor(new Float32Array([1, 2])).dtype).toBe("float32");
    const c = i32([1, 2, 3, 4, 5, 6], [3, 2]);
    expect([c.dtype, c.shape]).toEqual(["int32", [3, 2]]);
    expect(tensor(3.5).shape).toEqual([]);
    expect(tensor([1.7, -1.7], { dtype: "int32" }).toArray()).toEqual([1, -1]);
    expect(tensor([0, 2, NaN], { dtype: "bool" }).toArray()).toEqual([false, true, true]);
  });

  it("tensor() copies its input", () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 9;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it("zeros, ones, full and the *Like variants", () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], { dtype: "float64" }).dtype).toBe("float64");
    expect(full([2], 7, { dtype: "int32" }).toArray()).toEqual([7, 7]);
    const like = i32([1, 2, 3]);
    expect([zerosLike(like).dtype, zerosLike(like).toArray()]).toEqual(["int32", [0, 0, 0]]);
    expect(onesLike(like, { dtype: "float64" }).dtype).toBe("float64");
    expect(fullLike(tensor([[1, 2]]), -1).toArray()).toEqual([[-1, -1]]);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it("arange, linspace and eye", () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe("int32");
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    const f = arange(0, 1, 0.25);
    expect([f.dtype, f.toArray()]).toEqual(["float32", [0, 0.25, 0.5, 0.75]]);
    expect(arange(0, 3, 1, { dtype: "float64" }).dtype).toBe("float64");
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(-1, 1, 3, { dtype: "float64" }).toArray()).toEqual([-1, 0, 1]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });
});

describe("randomness", () => {
  it("manualSeed makes rand/randn/randint/randperm reproducible", () => {
    const draw = (): number[][] => [
      Array.from(rand([4]).dataSync()),
      Array.from(randn([4]).dataSync()),
      Array.from(randint(0, 10, [4]).dataSync()),
      Array.from(randperm(6).dataSync()),
    ];
    manualSeed(42);
    const first = draw();
    manualSeed(42);
    expect(draw()).toEqual(first);
    manualSeed(43);
    expect(draw()).not.toEqual(first);
  });

  it("a Generator's getState/setState replays the same stream", () => {
    const g = new Generator(5);
    rand([3], { generator: g });
    const state = g.getState();
    const a = randn([5], { generator: g, dtype: "float64" });
    g.setState(state);
    const b = randn([5], { generator: g, dtype: "float64" });
    expect(b.toArray()).toEqual(a.toArray());
    // a separate generator does not disturb the default one
    manualSeed(1);
    const d1 = rand([2]).toArray();
    manualSeed(1);
    rand([10], { generator: new Generator(9) });
    expect(rand([2]).toArray()).toEqual(d1);
  });

  it("samples have the right ranges and moments", () => {
    manualSeed(0);
    const u = Array.from(rand([5000], { dtype: "float64" }).dataSync());
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const n = randn([20000], { dtype: "float64" });
    expect(Math.abs(n.mean().item())).toBeLessThan(0.05);
    expect(Math.abs(n.std().item() - 1)).toBeLessThan(0.05);
    const r = Array.from(randint(-2, 3, [2000]).dataSync());
    expect(new Set(r)).toEqual(new Set([-2, -1, 0, 1, 2]));
    const p = Array.from(randperm(50).dataSync());
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });
});

describe("dtypes: promotion and casts", () => {
  it.each([
    ["float32 ⊕ float64", () => tensor([1]).add(tensor([1], { dtype: "float64" })), "float64"],
    ["int32 ⊕ float32", () => i32([1]).add(tensor([0.5])), "float32"],
    ["bool ⊕ int32", () => tensor([true]).add(i32([1])), "int32"],
    ["float32 ⊕ number", () => tensor([1]).mul(3.5), "float32"],
    ["float64 ⊕ number", () => tensor([1], { dtype: "float64" }).mul(2), "float64"],
    ["int32 ⊕ integer number", () => i32([1]).add(2), "int32"],
    ["int32 ⊕ fractional number", () => i32([1]).add(2.5), "float32"],
    ["int32 / int32", () => i32([1]).div(i32([2])), "float32"],
    ["comparison", () => tensor([1, 2]).gt(1.5), "bool"],
  ])("%s → %s", (_name, make, dtype) => {
    expect(make().dtype).toBe(dtype);
  });

  it("promoted arithmetic computes the right values", () => {
    expect(
      i32([1, 2])
        .div(i32([2, 2]))
        .toArray(),
    ).toEqual([0.5, 1]);
    expect(i32([1, 2]).add(2.5).toArray()).toEqual([3.5, 4.5]);
    expect(tensor([1, 2]).gt(1.5).toArray()).toEqual([false, true]);
  });

  it("gradients flow back through promotion in each leaf's own dtype", () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    const y = tensor([0.1, 3], { dtype: "float64", requiresGrad: true });
    const z = x.mul(y).add(x.pow(2)).sum();
    expect(z.dtype).toBe("float64");
    z.backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(y.grad!.dtype).toBe("float64");
    expect(x.grad!.toArray()).toEqual([Math.fround(0.1 + 3), Math.fround(3 - 4)]);
    expect(y.grad!.toArray()).toEqual([1.5, -2]);
  });

  it("to/float/double/int/bool/clone", () => {
    const x = tensor([-2.7, 0, 2.7]);
    expect(x.to("float32")).toBe(x);
    expect(x.double().dtype).toBe("float64");
    expect(x.int().toArray()).toEqual([-2, 0, 2]); // truncates toward zero
    expect(x.bool().toArray()).toEqual([true, false, true]);
    expect(tensor([true, false]).float().toArray()).toEqual([1, 0]);
    expect(i32([3]).float().dtype).toBe("float32");
    const c = x.clone();
    expect(c).not.toBe(x);
    expect(c.storage).not.toBe(x.storage);
    expect(c.toArray()).toEqual(x.toArray());
  });

  it("casts between floats are differentiable; clone passes gradients through", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.double().mul(3).float().clone().sum();
    y.backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });
});

describe("reading values", () => {
  it("item, toArray and dataSync", () => {
    expect(tensor([[5]]).item()).toBe(5);
    expect(() => tensor([1, 2]).item()).toThrow(/item: only one-element tensors/);
    expect(tensor(2).toArray()).toBe(2);
    const t = tensor([
      [1, 2],
      [3, 4],
    ]).t();
    expect(t.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const d = t.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 3, 2, 4]);
    d[0] = 100; // a copy
    expect(t.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});

// Expected strings are `str(t)` printed by PyTorch 1.13 for the same tensors (pasted literals).
const PRINTS: [string, () => Tensor, string][] = [
  [
    "2-d float32",
    () =>
      tensor([
        [1.5, 2],
        [3, 4],
      ]),
    "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])",
  ],
  [
    "int32",
    () => tensor(new Int32Array([-10, 2, 3, 400]), { shape: [2, 2] }),
    "tensor([[-10,   2],\n        [  3, 400]], dtype=torch.int32)",
  ],
  ["bool", () => tensor([true, false]), "tensor([ True, False])"],
  [
    "float64",
    () => tensor([0.1, 2], { dtype: "float64" }),
    "tensor([0.1000, 2.0000], dtype=torch.float64)",
  ],
  ["integers as float", () => tensor([1, -2, 30]), "tensor([ 1., -2., 30.])"],
  [
    "wide range \u2192 scientific",
    () => tensor([1e-5, 1, 1000]),
    "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])",
  ],
  [
    "integers with ratio > 1000 \u2192 scientific",
    () => tensor([1, 2000]),
    "tensor([1.0000e+00, 2.0000e+03])",
  ],
  ["0-d", () => tensor(3.5), "tensor(3.5000)"],
  ["0-d int32", () => tensor(new Int32Array([7]), { shape: [] }), "tensor(7, dtype=torch.int32)"],
  [
    "3-d",
    () => arange(0, 8, 1, { dtype: "float32" }).reshape(2, 2, 2),
    "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
  ],
  ["non-finite", () => tensor([NaN, 1, -Infinity]), "tensor([nan, 1., -inf])"],
  ["empty", () => zeros([0]), "tensor([])"],
  [
    "empty 2-d int32",
    () => zeros([0, 3], { dtype: "int32" }),
    "tensor([], size=(0, 3), dtype=torch.int32)",
  ],
  [
    "long row wraps at 80 columns",
    () => arange(0, 3, 0.125),
    "tensor([0.0000, 0.1250, 0.2500, 0.3750, 0.5000, 0.6250, 0.7500, 0.8750, 1.0000,\n        1.1250, 1.2500, 1.3750, 1.5000, 1.6250, 1.7500, 1.8750, 2.0000, 2.1250,\n        2.2500, 2.3750, 2.5000, 2.6250, 2.7500, 2.8750])",
  ],
  [
    "summarized vector",
    () => arange(0, 2000, 1, { dtype: "float32" }),
    "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
  ],
  [
    "summarized matrix",
    () => arange(0, 1200, 1, { dtype: "int32" }).reshape(40, 30),
    "tensor([[   0,    1,    2,  ...,   27,   28,   29],\n        [  30,   31,   32,  ...,   57,   58,   59],\n        [  60,   61,   62,  ...,   87,   88,   89],\n        ...,\n        [1110, 1111, 1112,  ..., 1137, 1138, 1139],\n        [1140, 1141, 1142,  ..., 1167, 1168, 1169],\n        [1170, 1171, 1172,  ..., 1197, 1198, 1199]], dtype=torch.int32)",
  ],
  [
    "requires grad",
    () => tensor([1, 2], { requiresGrad: true }),
    "tensor([1., 2.], requires_grad=True)",
  ],
  [
    "grad_fn",
    () => tensor([1, 2], { requiresGrad: true }).mul(2),
    "tensor([2., 4.], grad_fn=<MulBackward0>)",
  ],
  [
    "0-d grad_fn",
    () => tensor([1, 2], { requiresGrad: true }).mul(2).sum(),
    "tensor(6., grad_fn=<SumBackward0>)",
  ],
  [
    "suffix wraps to a new line",
    () => arange(0, 2.25, 0.125, { dtype: "float64" }).requiresGrad_(),
    "tensor([0.0000, 0.1250, 0.2500, 0.3750, 0.5000, 0.6250, 0.7500, 0.8750, 1.0000,\n        1.1250, 1.2500, 1.3750, 1.5000, 1.6250, 1.7500, 1.8750, 2.0000, 2.1250],\n       dtype=torch.float64, requires_grad=True)",
  ],
  ["round half to even, like Python", () => tensor([0.03125, 0.5]), "tensor([0.0312, 0.5000])"],
  ["negative zero keeps its sign", () => tensor([-0, 1.5]), "tensor([-0.0000, 1.5000])"],
  [
    "ties round to even in scientific notation",
    () => tensor([1.03125, 2000]),
    "tensor([1.0312e+00, 2.0000e+03])",
  ],
  ["empty bool", () => tensor([] as boolean[], { dtype: "bool" }), "tensor([], dtype=torch.bool)"],
];

describe("toString prints like PyTorch", () => {
  it.each(PRINTS)("%s", (_name, make, expected) => {
    expect(make().toString()).toBe(expected);
  });
});

describe("views and versions", () => {
  it("views share storage: an in-place write through one is visible through the others", () => {
    const base = zeros([2, 3]);
    const row = base.select(0, 1);
    const col = base.t().narrow(0, 2, 1);
    noGrad(() => row.copy_(tensor([1, 2, 3])));
    expect(base.toArray()).toEqual([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    expect(col.toArray()).toEqual([[0, 3]]);
    expect(row.storage).toBe(base.storage);
    expect(base.view(6).storage).toBe(base.storage);
    expect(base.permute(1, 0).storage).toBe(base.storage);
    expect(base.unsqueeze(0).expand(4, 2, 3).storage).toBe(base.storage);
  });

  it("in-place ops under noGrad bump the shared version counter", () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const v0 = w.storage.version;
    noGrad(() => w.mul_(2));
    expect(w.storage.version).toBe(v0 + 1);
    const view = w.detach().narrow(0, 0, 2);
    noGrad(() => view.zero_());
    expect(w.storage.version).toBe(v0 + 2);
    expect(w.toArray()).toEqual([0, 0, 6]);
    expect(w.requiresGrad).toBe(true);
  });

  it("in-place ops on tensors that require grad are refused while grad mode is on", () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(AutogradError);
    expect(w.storage.version).toBe(0);
  });
});

describe("activation methods", () => {
  it("x.softmax(dim) and x.logSoftmax(dim) match exp/normalise and stay finite for large logits", () => {
    const x = tensor([
      [1, 2, 3],
      [1e4, 0, -1e4],
    ]);
    const p = x.softmax(1).toArray() as number[][];
    const e = [1, 2, 3].map((v) => Math.exp(v - 3));
    const z = e.reduce((a, b) => a + b, 0);
    p[0]!.forEach((v, i) => expect(v).toBeCloseTo(e[i]! / z, 6));
    expect(p[1]).toEqual([1, 0, 0]);
    const logp = x.logSoftmax(1).toArray() as number[][];
    logp[0]!.forEach((v, i) => expect(v).toBeCloseTo(i + 1 - 3 - Math.log(z), 5));
    expect(logp[1]).toEqual([0, -1e4, -2e4]);
  });
});
