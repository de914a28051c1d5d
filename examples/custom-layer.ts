/**
 * A researcher's new layer: a parametric Swish, y = x·σ(β·x) with a learnable β per channel.
 * The op is written with the custom-op API (forward + hand-derived backward), wrapped in a
 * Module, proven correct with gradcheck and gradgradcheck, then trained inside a small network.
 *
 *   npx tsx examples/custom-layer.ts [--steps 60]
 */
import {
  type Tensor,
  defineFunction,
  full,
  gradcheck,
  gradgradcheck,
  manualSeed,
  randn,
} from "@tsgrad/core";
import { Linear, Module, MSELoss, Parameter } from "@tsgrad/nn";
import { Adam } from "@tsgrad/optim";
import { argsOrExit } from "./lib/cli.js";
import { integer } from "./lib/flags.js";

const { steps } = argsOrExit({
  usage: "npx tsx examples/custom-layer.ts [flags]",
  summary:
    "A parametric Swish written with defineFunction, checked by gradcheck and gradgradcheck,\n" +
    "then trained inside a small network.",
  flags: { steps: integer("Adam steps of the training", { min: 1, default: 60 }) },
});

/**
 * y = x·σ(βx). Derivatives, with s = σ(βx):
 *   ∂y/∂x = s + βx·s(1 − s)        ∂y/∂β = x²·s(1 − s)
 * The backward is written with tsgrad ops, so it is differentiable again (grad of grad works).
 * β broadcasts against x; the engine sums its gradient back to β's shape.
 */
const pswish = defineFunction({
  name: "pswish",
  forward(ctx, x: Tensor, beta: Tensor) {
    ctx.saveForBackward(x, beta);
    return x.mul(x.mul(beta).sigmoid());
  },
  backward(ctx, grad) {
    const [x, beta] = ctx.savedTensors as [Tensor, Tensor];
    const s = x.mul(beta).sigmoid();
    const ds = s.mul(s.neg().add(1)); // σ' = s(1 − s)
    const dx = s.add(beta.mul(x).mul(ds));
    const dbeta = x.mul(x).mul(ds);
    return [grad.mul(dx), grad.mul(dbeta)];
  },
});

/** Parametric Swish with one learnable β per feature (initialised to 1, i.e. SiLU). */
class PSwish extends Module {
  beta: Parameter;
  constructor(features: number) {
    super();
    this.beta = new Parameter(full([features], 1));
  }
  /** Shape: [N, features] → [N, features]. */
  forward(x: Tensor): Tensor {
    return pswish.apply(x, this.beta);
  }
}

// 1. Prove the op correct in float64: first and second derivatives against finite differences.
manualSeed(0);
const x = randn([4, 3], { dtype: "float64", requiresGrad: true });
const beta = randn([3], { dtype: "float64", requiresGrad: true });
gradcheck((a, b) => pswish.apply(a, b), [x, beta]);
gradgradcheck((a, b) => pswish.apply(a, b), [x, beta]);
console.log("pswish: gradcheck and gradgradcheck passed");

// 2. Use it in a model: fit y = sin(3x) with Linear → PSwish → Linear.
class Net extends Module {
  fc1 = new Linear(1, 32);
  act = new PSwish(32);
  fc2 = new Linear(32, 1);
  forward(input: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(input)));
  }
}
const net = new Net();
const inputs = randn([128, 1]);
const targets = inputs.mul(3).sin();
const optimizer = new Adam(net.parameters(), { lr: 0.02 });
const criterion = new MSELoss();
let first = 0;
let last = 0;
for (let step = 0; step < steps; step++) {
  optimizer.zeroGrad();
  const loss = criterion.forward(net.forward(inputs), targets);
  loss.backward();
  optimizer.step();
  if (step === 0) first = loss.item();
  last = loss.item();
}
console.log(`training with PSwish: loss ${first.toFixed(4)} → ${last.toFixed(4)}`);
console.log(
  `learned β (first 4): ${(net.act.beta.toArray() as number[])
    .slice(0, 4)
    .map((b) => b.toFixed(3))
    .join(", ")}`,
);
