/**
 * Autograd basics: gradients, grad of grad, a Hessian-vector product, and a tiny fit.
 *
 *   npx tsx examples/autograd-basics.ts [--steps 200]
 */
import { grad, linspace, manualSeed, noGrad, randn, sin, tensor, zeros } from "@tsgrad/core";
import { argsOrExit } from "./lib/cli.js";
import { integer } from "./lib/flags.js";

const { steps } = argsOrExit({
  usage: "npx tsx examples/autograd-basics.ts [flags]",
  summary: "Gradients, grad of grad, a Hessian-vector product, and a tiny fit by gradient descent.",
  flags: { steps: integer("gradient-descent steps of the fit", { min: 1, default: 200 }) },
});

// 1. Gradients: y = x³ + 2x at x = 3 → dy/dx = 3x² + 2 = 29
const x = tensor([3], { dtype: "float64", requiresGrad: true });
const y = x.pow(3).add(x.mul(2)).sum();
y.backward();
console.log(`d/dx (x³ + 2x) at 3 = ${x.grad!.item()} (expected 29)`);

// 2. Grad of grad: keep the backward graph with createGraph, then differentiate again → 6x = 18
const [dy] = grad(x.pow(3).add(x.mul(2)).sum(), x, { createGraph: true });
const [d2y] = grad(dy!.sum(), x);
console.log(`d²/dx² (x³ + 2x) at 3 = ${d2y!.item()} (expected 18)`);

// 3. Hessian-vector product of f(w) = Σ sin(w)·w² without forming the Hessian:
//    H·v = ∇_w (∇_w f · v)
manualSeed(0);
const w = randn([4], { dtype: "float64", requiresGrad: true });
const v = randn([4], { dtype: "float64" });
const [gw] = grad(sin(w).mul(w.pow(2)).sum(), w, { createGraph: true });
const [hv] = grad(gw!.mul(v).sum(), w);
// the Hessian here is diagonal: (2 − w²)·sin w + 4w·cos w
const wd = w.detach();
const diag = wd.sin().mul(wd.pow(2).neg().add(2)).add(wd.cos().mul(wd).mul(4));
console.log("H·v        ", hv!.toString());
console.log("closed form", diag.mul(v).toString());

// 4. A tiny fit: learn a, b, c of a·t² + b·t + c from noisy samples with plain gradient descent
const t = linspace(-1, 1, 64);
const target = t
  .pow(2)
  .mul(1.5)
  .sub(t.mul(0.5))
  .add(0.25)
  .add(randn([64]).mul(0.01));
const coef = zeros([3], { requiresGrad: true });
let loss = 0;
for (let i = 0; i < steps; i++) {
  const pred = t
    .pow(2)
    .mul(coef.select(0, 0))
    .add(t.mul(coef.select(0, 1)))
    .add(coef.select(0, 2));
  const l = pred.sub(target).pow(2).mean();
  coef.grad = null;
  l.backward();
  noGrad(() => coef.sub_(coef.grad!.mul(0.5)));
  loss = l.item();
}
console.log(
  `fit after ${steps} steps: loss ${loss.toExponential(2)}, coefficients`,
  coef.toArray(),
);
