/**
 * Gradient donation (src/autograd/donation.ts): relu's and batch norm's backward write over the
 * gradient they are given when the engine offers it. On every backend the results must be the
 * same bits as without donation, donation must happen where nothing else can see the gradient,
 * and never where something can: hooks, retainGrad, grad()'s captured outputs, a gradient routed
 * to two places, a recorded (createGraph) pass.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  Tensor,
  batchNorm,
  defineFunction,
  getBackend,
  grad,
  jsBackend,
  manualSeed,
  maxPool2d,
  randn,
  relu,
  setBackend,
  type Backend,
} from "../src/index.js";
import { gradientDonation } from "../src/autograd/donation.js";
import { FAST_BACKENDS } from "./backends.js";

const initial = getBackend();
afterAll(() => {
  gradientDonation(true);
  void setBackend(initial);
});

const BACKENDS: [string, Backend][] = [["js", jsBackend], ...FAST_BACKENDS];

/** What a run produced: gradients and intermediate values as plain arrays, and donations claimed. */
interface Run {
  values: number[][];
  claimed: number;
}

/** Runs `body` on `backend` with donation on or off, from the same seed. */
function run(backend: Backend, donate: boolean, body: () => Tensor[]): Run {
  void setBackend(backend);
  gradientDonation(donate);
  manualSeed(7);
  const before = gradientDonation();
  const values = body().map((t) => Array.from(t.dataSync()));
  return { values, claimed: gradientDonation() - before };
}

/** Runs `body` with and without donation; asserts the same bits; returns the donations claimed. */
function claimedBy(backend: Backend, body: () => Tensor[]): number {
  const on = run(backend, true, body);
  const off = run(backend, false, body);
  expect(off.claimed).toBe(0);
  expect(on.values).toEqual(off.values);
  return on.claimed;
}

/** The convnet's block: batch norm → relu → 2×2 max pool, on a leaf input and parameters. */
function block() {
  const x = randn([4, 3, 6, 6]).requiresGrad_();
  const w = randn([3]).requiresGrad_();
  const b = randn([3]).requiresGrad_();
  const y = batchNorm(x, null, null, w, b, { training: true });
  const r = relu(y);
  const m = maxPool2d(r, 2);
  const loss = m.mul(randn(m.shape)).sum();
  return { x, w, b, y, r, m, loss };
}

describe.each(BACKENDS)("gradient donation on %s", (_name, backend) => {
  it("reuses the pool's and relu's gradients in the convnet's block, with the same bits", () => {
    const claimed = claimedBy(backend, () => {
      const { x, w, b, loss } = block();
      loss.backward();
      return [x.grad!, w.grad!, b.grad!];
    });
    expect(claimed).toBe(2); // relu takes the pool's gradient, batch norm relu's
  });

  it("leaves a gradient alone that a hook or retainGrad holds", () => {
    const claimed = claimedBy(backend, () => {
      const { x, y, r, loss } = block();
      r.retainGrad();
      let seen: Tensor | null = null;
      y.registerHook((g) => {
        seen = g;
      });
      loss.backward();
      return [x.grad!, r.grad!, seen!];
    });
    expect(claimed).toBe(0);
  });

  it("leaves the gradients grad() returns alone", () => {
    const claimed = claimedBy(backend, () => {
      const { x, y, r, loss } = block();
      return grad(loss, [r, y, x]).map((g) => g!);
    });
    expect(claimed).toBe(0);
  });

  it("leaves a gradient alone that a rule routes to two inputs", () => {
    // a custom op whose backward hands the same tensor to both inputs: neither relu may reuse it
    const Both = defineFunction({
      name: "both",
      forward: (_ctx, a: Tensor, b: Tensor) => a.add(b),
      backward: (_ctx, g) => [g, g],
    });
    const claimed = claimedBy(backend, () => {
      const x1 = randn([2, 2, 4, 4]).requiresGrad_();
      const x2 = randn([2, 2, 4, 4]).requiresGrad_();
      const m = maxPool2d(Both.apply(relu(x1), relu(x2)), 2);
      m.mul(randn(m.shape)).sum().backward();
      return [x1.grad!, x2.grad!];
    });
    expect(claimed).toBe(0);
  });

  it("leaves alone a gradient grad() returned when it seeds a later pass", () => {
    const claimed = claimedBy(backend, () => {
      const { r, loss } = block();
      const [g] = grad(loss, [r]); // the pool's gradient, handed to the caller
      const v = randn(g!.shape).requiresGrad_();
      relu(v).backward(g!); // the seed reaches relu's rule: it must not write over g
      return [g!, v.grad!];
    });
    expect(claimed).toBe(0);
  });

  it("leaves alone a gradient that a recorded graph saved, in a later plain pass", () => {
    const claimed = claimedBy(backend, () => {
      const { r, loss } = block();
      // t: relu's output gradient, made by the pool's rule while a graph was recorded
      const [t] = grad(loss, [r], { createGraph: true });
      const c = randn(t!.shape).requiresGrad_();
      const saved = t!.mul(c).sum(); // mul saves t to compute c's gradient
      // a custom op that returns t as its input's gradient: t reaches a relu's rule
      const ReturnsT = defineFunction({
        name: "returnsT",
        forward(_ctx, a: Tensor) {
          return a.mul(1);
        },
        backward: (_ctx, _g) => [t!],
      });
      const v = randn(t!.shape).requiresGrad_();
      saved.add(ReturnsT.apply(relu(v)).sum()).backward();
      return [c.grad!, v.grad!];
    });
    expect(claimed).toBe(0);
  });

  it("reuses nothing while a graph of the backward pass is recorded", () => {
    let recording = 0; // summed over both runs (donation is off in the second)
    claimedBy(backend, () => {
      const { x, loss } = block();
      const before = gradientDonation();
      const [gx] = grad(loss, [x], { createGraph: true });
      recording += gradientDonation() - before;
      const [ggx] = grad(gx!.pow(2).sum(), [x]); // a plain pass over that graph may reuse
      return [gx!, ggx!];
    });
    expect(recording).toBe(0);
  });
});
