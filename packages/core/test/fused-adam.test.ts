/**
 * The fused Adam / AdamW step: on the JS backend it computes exactly what the unfused chain of
 * tensor ops computes (float64 and float32, bitwise); the wasm kernel matches the JS one bitwise on
 * float32, on one and two threads; it bumps version counters, handles strided tensors and other
 * grad dtypes, and refuses tensors that require grad while grad mode is on.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend } from "../src/backend/backend.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import {
  AutogradError,
  Generator,
  ShapeError,
  Tensor,
  fusedAdam_,
  getBackend,
  jsBackend,
  noGrad,
  randn,
  setBackend,
  type DType,
  type FusedAdamOptions,
} from "../src/index.js";

const compiled = compileKernelsSync();
const wasm = createWasmBackend(compiled, null);
const memory = createMemory();
const wasm2 = createWasmBackend(compiled, createNodePool(compiled, memory, 2), memory, {
  splitMinWork: 1 << 18, // split test-sized calls (production: 2²²)
});
const initial = getBackend();
afterEach(() => void setBackend(initial));

function on<T>(backend: Backend, fn: () => T): T {
  const before = getBackend();
  void setBackend(backend);
  try {
    return fn();
  } finally {
    void setBackend(before);
  }
}

/** The hyperparameters of a step, without the step counts. */
type Hyper = Omit<FusedAdamOptions, "steps">;

/** PyTorch 1.13's single-tensor Adam as the chain of tensor ops @tsgrad/optim used to run. */
function unfused(p: Tensor, g: Tensor, m: Tensor, v: Tensor, step: number, o: Hyper) {
  const [beta1, beta2] = o.betas;
  if (o.decoupled) p.mul_(1 - o.lr * o.weightDecay);
  else if (o.weightDecay !== 0) g = g.add(p, o.weightDecay);
  m.mul_(beta1).add_(g, 1 - beta1);
  v.mul_(beta2).add_(g.mul(1 - beta2).mul(g));
  const stepSize = o.lr / (1 - beta1 ** step);
  const denom = v
    .sqrt()
    .div(Math.sqrt(1 - beta2 ** step))
    .add(o.eps);
  p.add_(m.mul(-stepSize).div(denom));
}

interface Problem {
  params: Tensor[];
  grads: Tensor[];
  m: Tensor[];
  v: Tensor[];
}

/** Parameters of the given shapes with random values, gradients and (non-negative) moments. */
function problem(shapes: number[][], dtype: DType, seed: number): Problem {
  const gen = new Generator(seed);
  const draw = (s: number[]) => randn(s, { generator: gen, dtype });
  return {
    params: shapes.map(draw),
    grads: shapes.map(draw),
    m: shapes.map((s) => draw(s).mul(0.1)),
    v: shapes.map((s) => draw(s).abs().mul(0.01)),
  };
}

const copy = (q: Problem): Problem => ({
  params: q.params.map((t) => t.clone()),
  grads: q.grads.map((t) => t.clone()),
  m: q.m.map((t) => t.clone()),
  v: q.v.map((t) => t.clone()),
});

const values = (q: Problem): Float64Array[] =>
  [...q.params, ...q.m, ...q.v].map((t) => Float64Array.from(t.dataSync()));

const SHAPES = [[16, 1, 5, 5], [16], [32, 16, 5, 5], [32], [10, 1568], [10], [3]];

const OPTIONS: [string, Hyper][] = [
  ["Adam", { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: false }],
  [
    "Adam, L2 decay",
    { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, decoupled: false },
  ],
  ["AdamW", { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, decoupled: true }],
  ["AdamW, no decay", { lr: 0.1, betas: [0, 0.5], eps: 1e-3, weightDecay: 0, decoupled: true }],
];

/** Three steps; the parameters' step counts differ (later ones joined later). */
function run(q: Problem, o: Hyper, fused: boolean): void {
  noGrad(() => {
    for (let t = 1; t <= 3; t++) {
      const steps = q.params.map((_, i) => t + (i % 3));
      if (fused) fusedAdam_(q.params, q.grads, q.m, q.v, { ...o, steps });
      else q.params.forEach((p, i) => unfused(p, q.grads[i]!, q.m[i]!, q.v[i]!, steps[i]!, o));
    }
  });
}

function expectEqual(got: Float64Array[], want: Float64Array[], what: string): void {
  got.forEach((g, i) => {
    const w = want[i]!;
    const bad = g.findIndex((x, j) => !Object.is(x, w[j]));
    if (bad >= 0) expect.fail(`${what}: tensor ${i}, element ${bad}: ${g[bad]} vs ${w[bad]}`);
  });
}

describe("fused Adam on the JS backend equals the unfused tensor ops", () => {
  for (const dtype of ["float64", "float32"] as const) {
    test.each(OPTIONS)(`%s (${dtype})`, (_, o) => {
      const q = problem(SHAPES, dtype, 1);
      const r = copy(q);
      on(jsBackend, () => run(q, o, true));
      on(jsBackend, () => run(r, o, false));
      expectEqual(values(q), values(r), `${dtype} fused vs unfused`);
    });
  }
});

describe("fused Adam in wasm (float32)", () => {
  test.each(OPTIONS)("%s: bitwise the JS kernel, on 1 and 2 threads", (_, o) => {
    // 66k elements: enough for the pool to split
    const q = problem([...SHAPES, [256, 128]], "float32", 2);
    const want = copy(q);
    on(jsBackend, () => run(want, o, true));
    for (const backend of [wasm, wasm2]) {
      const r = copy(q);
      backend.resetCounts();
      on(backend, () => run(r, o, true));
      expect(backend.counts.get("adamStep")!.fast).toBe(3);
      expectEqual(values(r), values(want), `wasm on ${backend.threads} thread(s)`);
    }
  });

  test("float64 parameters fall back to the JS kernel", () => {
    const q = problem([[4, 3]], "float64", 3);
    const want = copy(q);
    wasm.resetCounts();
    on(wasm, () => run(q, OPTIONS[0]![1], true));
    on(jsBackend, () => run(want, OPTIONS[0]![1], true));
    expect(wasm.counts.get("adamStep")).toEqual({ fast: 0, fallback: 3 });
    expectEqual(values(q), values(want), "float64 through the wasm backend");
  });
});

describe("fused Adam as an in-place op", () => {
  const o = { ...OPTIONS[1]![1], steps: [1, 1] };

  test("bumps the version counters of parameters and moments", () => {
    const q = problem([[3], [2, 2]], "float32", 4);
    const before = [...q.params, ...q.m, ...q.v].map((t) => t.storage.version);
    noGrad(() => fusedAdam_(q.params, q.grads, q.m, q.v, o));
    const after = [...q.params, ...q.m, ...q.v].map((t) => t.storage.version);
    expect(after).toEqual(before.map((v) => v + 1));
  });

  test("strided tensors and gradients of another dtype", () => {
    const q = problem([[3, 4], [5]], "float32", 5);
    const r = copy(q);
    // a transposed parameter and moment, a float64 gradient
    const bases = [q.params[0]!, q.m[0]!].map((t) => t.t().contiguous());
    q.params[0] = bases[0]!.t();
    q.m[0] = bases[1]!.t();
    q.grads[1] = q.grads[1]!.to("float64");
    expect(q.params[0].isContiguous()).toBe(false);
    noGrad(() => fusedAdam_(q.params, q.grads, q.m, q.v, o));
    noGrad(() => fusedAdam_(r.params, r.grads, r.m, r.v, o));
    expectEqual(values(q), values(r), "strided vs contiguous");
  });

  test("errors", () => {
    const q = problem([[3]], "float32", 6);
    const p = q.params[0]!.requiresGrad_(true);
    expect(() => fusedAdam_([p], q.grads, q.m, q.v, { ...o, steps: [1] })).toThrow(AutogradError);
    expect(() =>
      noGrad(() => fusedAdam_([p], q.grads, q.m, [q.v[0]!.reshape(1, 3)], { ...o, steps: [1] })),
    ).toThrow("fusedAdam_: parameter 0 has shape [3] but its expAvgSq has shape [1, 3]");
    expect(() => noGrad(() => fusedAdam_([p], q.grads, q.m, q.v, o))).toThrow(
      "fusedAdam_: expected as many grads, expAvgs, expAvgSqs and steps as params (1), got 1, 1, 1, 2",
    );
    const expanded = q.m[0]!.reshape(1, 3).expand(2, 3);
    const g2 = randn([2, 3]);
    expect(() =>
      noGrad(() => fusedAdam_([g2.clone()], [g2], [expanded], [g2.clone()], { ...o, steps: [1] })),
    ).toThrow(ShapeError);
  });
});
