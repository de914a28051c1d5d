import { describe, expect, it } from "vitest";
import {
  AutogradError,
  Tensor,
  enableGrad,
  grad,
  isGradEnabled,
  manualSeed,
  noGrad,
  randn,
  tensor,
} from "../src/index.js";

const f64 = (data: number[] | number[][]): Tensor =>
  tensor(data, { dtype: "float64", requiresGrad: true });

function expectClose(t: Tensor | null, expected: readonly number[], tol = 1e-9): void {
  expect(t).not.toBeNull();
  const got = Array.from(t!.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tol));
}

describe("backward: accumulation and graph shapes", () => {
  it("accumulates into .grad over two backward calls", () => {
    const x = f64([1, 2, 3]);
    x.mul(x).sum().backward();
    expectClose(x.grad, [2, 4, 6]);
    x.mul(3).sum().backward();
    expectClose(x.grad, [5, 7, 9]);
  });

  it("sums gradients along both paths of a diamond", () => {
    const x = f64([0.5, -1.2]);
    const a = x.mul(2);
    const d = a.exp().add(a.sin()); // d/dx = 2eᵃ + 2cos a
    d.sum().backward();
    const xs = [0.5, -1.2];
    expectClose(
      x.grad,
      xs.map((v) => 2 * Math.exp(2 * v) + 2 * Math.cos(2 * v)),
    );
  });

  it("uses the same input twice in one op (x·x)", () => {
    const x = f64([3]);
    const [g] = grad(x.mul(x), x);
    expectClose(g!, [6]);
  });

  it("backpropagates an explicit gradient through a non-scalar output", () => {
    const x = f64([1, 2]);
    x.mul(x).backward(tensor([1, 10], { dtype: "float64" }));
    expectClose(x.grad, [2, 40]);
  });

  it("reduces broadcast gradients to each input's shape", () => {
    const x = f64([[1, 2, 3]]); // [1, 3]
    const b = f64([1]); // [1]
    const y = x.expand(4, 3).mul(b);
    y.sum().backward();
    expect(x.grad!.shape).toEqual([1, 3]);
    expectClose(x.grad, [4, 4, 4]);
    expectClose(b.grad, [24]);
  });
});

describe("retainGraph and freeing", () => {
  it("allows a second backward only with retainGraph", () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expectClose(
      x.grad,
      [1, 2].map((v) => 2 * Math.exp(v)),
    );
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/second time/);
  });

  it("throws the 'second time' error on a shared subgraph freed by another backward", () => {
    const x = f64([1, 2]);
    const h = x.tanh();
    h.sum().backward();
    expect(() => h.mul(2).sum().backward()).toThrow(/backward through the graph a second time/);
  });
});

describe("grad mode", () => {
  it("noGrad records nothing and enableGrad re-enables recording inside it", () => {
    const x = f64([1, 2]);
    const inside = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const y = x.mul(2);
      const z = enableGrad(() => x.mul(2));
      return { y, z };
    });
    expect(inside.y.requiresGrad).toBe(false);
    expect(inside.y.gradFn).toBeNull();
    expect(inside.z.requiresGrad).toBe(true);
    expect(inside.z.gradFn?.name).toBe("mul");
    expect(isGradEnabled()).toBe(true);
  });

  it("restores grad mode when the body throws", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
  });

  it("detach shares storage but cuts the graph", () => {
    const x = f64([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    const xd = x.detach();
    expect(xd.storage).toBe(x.storage);
    const y = x.mul(d).sum(); // d is a constant: dy/dx = d
    y.backward();
    expectClose(x.grad, [2, 4]);
  });
});

describe("grad(): unused inputs and non-leaf inputs", () => {
  it("throws for an unused input unless allowUnused is set", () => {
    const x = f64([1, 2]);
    const unused = f64([5]);
    const y = x.mul(x).sum();
    expect(() => grad(y, [x, unused], { retainGraph: true })).toThrow(AutogradError);
    expect(() => grad(y, [x, unused], { retainGraph: true })).toThrow(/input 1.*not used/);
    const [gx, gu] = grad(y, [x, unused], { allowUnused: true });
    expectClose(gx!, [2, 4]);
    expect(gu).toBeNull();
  });

  it("differentiates with respect to an intermediate tensor, without touching .grad", () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const y = h.mul(h).sum();
    const [gh, gx] = grad(y, [h, x]);
    expectClose(gh!, [6, 12]);
    expectClose(gx!, [18, 36]);
    expect(x.grad).toBeNull();
  });

  it("does not run backward below the requested inputs (a freed subgraph there is fine)", () => {
    const x = f64([1, 2]);
    const h = x.tanh();
    h.sum().backward(); // frees tanh's node
    const [gh] = grad(h.mul(h).sum(), h);
    expectClose(
      gh!,
      [1, 2].map((v) => 2 * Math.tanh(v)),
    );
    const w = f64([3]);
    const [gw] = grad(h.mul(w).sum(), w); // x's branch is not needed for w
    expectClose(gw!, [Math.tanh(1) + Math.tanh(2)]);
  });
});

describe("hooks and retainGrad", () => {
  it("runs a leaf hook once with the summed gradient, and a replacement gradient takes effect", () => {
    const x = f64([1, 2]);
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(Array.from(g.dataSync()));
      return g.mul(10);
    });
    x.mul(2).add(x.mul(3)).sum().backward();
    expect(seen).toEqual([[5, 5]]);
    expectClose(x.grad, [50, 50]);
  });

  it("a non-leaf hook replaces the gradient flowing upstream; remove() detaches it", () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    const handle = h.registerHook((g) => g.mul(0.5));
    h.sum().backward(undefined, { retainGraph: true });
    expectClose(x.grad, [1, 1]);
    handle.remove();
    x.grad = null;
    h.sum().backward();
    expectClose(x.grad, [2, 2]);
  });

  it("a hook returning nothing observes without changing the gradient", () => {
    const x = f64([1]);
    let calls = 0;
    x.registerHook(() => {
      calls++;
    });
    x.mul(4).sum().backward();
    expect(calls).toBe(1);
    expectClose(x.grad, [4]);
  });

  it("refuses a hook on a tensor that does not require grad", () => {
    expect(() => tensor([1]).registerHook((g) => g)).toThrow(AutogradError);
  });

  it("retainGrad keeps a non-leaf gradient (once, even if called twice)", () => {
    const x = f64([1, 2]);
    const h = x.mul(x);
    const plain = x.mul(x);
    h.retainGrad();
    h.retainGrad();
    h.mul(3).sum().add(plain.sum()).backward();
    expectClose(h.grad, [3, 3]);
    expect(plain.grad).toBeNull();
    expectClose(x.grad, [8, 16]);
  });
});

describe("in-place modification of saved tensors", () => {
  it("fails loudly when an input saved for backward was modified in place", () => {
    const x = f64([1, 2]);
    const w = tensor([3, 4], { dtype: "float64" });
    const y = x.mul(w).sum();
    noGrad(() => w.add_(1));
    expect(() => y.backward()).toThrow(AutogradError);
    const y2 = x.mul(w).sum();
    noGrad(() => w.mul_(2));
    expect(() => y2.backward()).toThrow(/mul backward: .*modified by an in-place operation/);
  });

  it("fails loudly when a saved output was modified through a view", () => {
    const x = f64([0.1, 0.2]);
    const y = x.exp(); // exp saves its output
    const v = y.detach().narrow(0, 0, 1);
    noGrad(() => v.fill_(0));
    expect(() => y.sum().backward()).toThrow(/exp backward: its output/);
  });
});

describe("deep graphs", () => {
  it("backpropagates through a 100,000-op chain without overflowing the stack", () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.backward();
    expect(y.item()).toBe(100_001);
    expectClose(x.grad, [1]);
  });
});

describe("higher-order derivatives", () => {
  it.each([
    ["tanh", (t: Tensor) => t.tanh(), (v: number) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    [
      "sigmoid",
      (t: Tensor) => t.sigmoid(),
      (v: number) => {
        const s = 1 / (1 + Math.exp(-v));
        return s * (1 - s) * (1 - 2 * s);
      },
    ],
    ["exp", (t: Tensor) => t.exp(), (v: number) => Math.exp(v)],
  ])("grad of grad of %s matches the closed form", (_name, f, second) => {
    const xs = [-1.5, -0.3, 0, 0.7, 2];
    const x = f64(xs);
    const [g] = grad(f(x).sum(), x, { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    const [gg] = grad(g!.sum(), x);
    expectClose(gg!, xs.map(second), 1e-12);
  });

  it("Hessian-vector product of a small tanh MLP matches finite differences of the gradient", () => {
    manualSeed(7);
    const opts = { dtype: "float64" } as const;
    const input = randn([5, 3], opts);
    const target = randn([5, 1], opts);
    const params = [randn([3, 4], opts), randn([4], opts), randn([4, 1], opts), randn([1], opts)];
    params.forEach((p) => p.requiresGrad_());
    const loss = (ps: readonly Tensor[]): Tensor => {
      const h = input.matmul(ps[0]!).add(ps[1]!).tanh();
      const err = h.matmul(ps[2]!).add(ps[3]!).sub(target);
      return err.mul(err).mean();
    };
    const vs = params.map((p) => randn([...p.shape], opts));
    const gs = grad(loss(params), params, { createGraph: true });
    const dot = gs.map((g, i) => g!.mul(vs[i]!).sum()).reduce((a, b) => a.add(b));
    const hv = grad(dot, params);

    const eps = 1e-5;
    const gradAt = (sign: number): Float64Array[] => {
      const shifted = params.map((p, i) =>
        noGrad(() => p.add(vs[i]!.mul(sign * eps))).requiresGrad_(),
      );
      return grad(loss(shifted), shifted).map((g) => Float64Array.from(g!.dataSync()));
    };
    const plus = gradAt(1);
    const minus = gradAt(-1);
    params.forEach((_, i) => {
      const fd = Array.from(plus[i]!, (v, e) => (v - minus[i]![e]!) / (2 * eps));
      expectClose(hv[i]!, fd, 1e-6);
    });
    // and the HVP is not trivially zero
    expect(hv.some((h) => Array.from(h!.dataSync()).some((v) => Math.abs(v) > 1e-3))).toBe(true);
  });
});
