import { recordOp, type BackwardRule } from "../autograd/define-op.js";
import { takeDonation } from "../autograd/donation.js";
import { isGradEnabled, noGrad } from "../autograd/grad-mode.js";
import { vectorView } from "../backend/strided.js";
import { assertFloating, isFloating } from "../dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { add, mul, sub } from "./binary.js";
import { be, wrap } from "./helpers.js";
import { add_, mul_ } from "./inplace.js";
import { reshape } from "./movement.js";
import { mean, sum } from "./reduce.js";
import { rsqrt } from "./unary.js";

/** Options of `batchNorm` (PyTorch's keywords). */
export interface BatchNormOptions {
  /** Normalise with batch statistics and update the running ones (default false: eval mode). */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

function checkArgs(x: Tensor, named: Record<string, Tensor | null>): number {
  assertFloating("batchNorm", x.dtype);
  if (x.dim() < 2) {
    throw new ShapeError(
      `batchNorm: expected input of rank ≥ 2 ([N, C], [N, C, L] or [N, C, H, W]), got ${fmtShape(x.shape)}`,
    );
  }
  const c = x.shape[1]!;
  for (const [name, t] of Object.entries(named)) {
    if (!t) continue;
    if (t.dim() !== 1 || t.shape[0] !== c) {
      throw new ShapeError(
        `batchNorm: input ${fmtShape(x.shape)} has ${c} channels but ${name} ${fmtShape(t.shape)} has ${t.numel()} elements (expected [${c}])`,
      );
    }
    // running statistics may be any float dtype; weight and bias must match the input
    const ok = name.startsWith("running") ? isFloating(t.dtype) : t.dtype === x.dtype;
    if (!ok) {
      throw new DTypeError(
        `batchNorm: ${name} is ${t.dtype} but input is ${x.dtype} (shape ${fmtShape(x.shape)})`,
      );
    }
  }
  return c;
}

/**
 * The output and the statistics it was normalised with (float64 [C] arrays): in training, the
 * batch's, with the running statistics updated in place; in eval, the running ones.
 */
function normalize(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  { training, momentum, eps }: Required<BatchNormOptions>,
): { output: Tensor; mean: Float64Array; invstd: Float64Array } {
  if (training) {
    const count = x.numel() / x.shape[1]!;
    if (count <= 1) {
      throw new ValueError(
        `batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`,
      );
    }
    const r = be().batchNormTraining(x, weight, bias, eps);
    // NOTE: normalise with the biased variance; the running average takes the unbiased one
    noGrad(() => {
      const update = (run: Tensor | null, stat: Float64Array, k: number): void => {
        if (run)
          add_(
            mul_(run, 1 - momentum),
            wrap(
              stat.map((s) => s * k),
              run.shape,
            ),
            momentum,
          );
      };
      update(runningMean, r.mean, 1);
      update(runningVar, r.variance, count / (count - 1));
    });
    return { output: wrap(r.output, x.shape, x.dtype), mean: r.mean, invstd: r.invstd };
  }
  if (!runningMean || !runningVar) {
    throw new ValueError(
      "batchNorm: runningMean and runningVar must be given in eval mode (training = false)",
    );
  }
  const m = Float64Array.from(runningMean.dataSync());
  const v = Float64Array.from(runningVar.dataSync());
  const invstd = v.map((s) => 1 / Math.sqrt(s + eps));
  const output = be().batchNormForward(x, vectorView(m), vectorView(invstd), weight, bias);
  return { output: wrap(output, x.shape, x.dtype), mean: m, invstd };
}

/**
 * Batch normalisation, PyTorch's `F.batch_norm`: per channel (dim 1),
 * `y = (x − μ)/√(σ² + eps)·weight + bias`. In training, μ and σ² are the batch statistics over
 * every dim but 1 (biased variance), and `runningMean`/`runningVar` (if given) are updated in
 * place: `r ← (1 − momentum)·r + momentum·stat`, with the unbiased variance. In eval, the running
 * statistics are used and not changed. Gradients flow to `x` (through the batch statistics in
 * training), `weight` and `bias`, to any order.
 * Shape: x [N, C], [N, C, L] or [N, C, H, W]; runningMean, runningVar, weight, bias [C];
 * output like x.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  const training = options.training ?? false;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  const c = checkArgs(x, { runningMean, runningVar, weight, bias });
  const modes = { training, momentum, eps };
  const { output: out, ...stats } = normalize(x, runningMean, runningVar, weight, bias, modes);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  const inputs = [x, runningMean, runningVar, weight, bias];
  const rule: BackwardRule = (g, ctx) => {
    const xi = ctx.input(0);
    const w = weight ? ctx.input(3) : null;
    if (!isGradEnabled()) {
      // no graph requested: one fused kernel computes the same formulas as below
      // gradInput written over g's own memory where the engine offers it (autograd/donation.ts)
      const [m, is] = [vectorView(stats.mean), vectorView(stats.invstd)];
      const r = be().batchNormBackward(g, xi, m, is, w, training, takeDonation(g));
      const gx = wrap(r.gradInput, x.shape, x.dtype);
      const gw = w ? wrap(r.gradWeight, [c], x.dtype) : null;
      const gb = bias ? wrap(r.gradBias, [c], x.dtype) : null;
      const grads = [gx, ...(gw ? [gw] : []), ...(gb ? [gb] : [])];
      recordOp("batchNormBackward", [g, xi, w], grads, null, { training });
      return [gx, null, null, gw, gb];
    }
    // differentiable form (createGraph): statistics recomputed from x so they carry gradients
    let invstd: Tensor;
    let xhat: Tensor;
    if (training) {
      const xc = sub(xi, mean(xi, axes, true));
      invstd = rsqrt(add(mean(mul(xc, xc), axes, true), eps));
      xhat = mul(xc, invstd);
    } else {
      invstd = reshape(wrap(stats.invstd, [c]).to(x.dtype), bshape);
      xhat = mul(sub(xi, reshape(wrap(stats.mean, [c]).to(x.dtype), bshape)), invstd);
    }
    const scale = w ? mul(reshape(w, bshape), invstd) : invstd;
    // d/dx: w·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)) in training, w·σ⁻¹·g in eval
    const gx = training
      ? mul(scale, sub(sub(g, mean(g, axes, true)), mul(xhat, mean(mul(g, xhat), axes, true))))
      : mul(scale, g);
    return [gx, null, null, w ? sum(mul(g, xhat), axes) : null, bias ? sum(g, axes) : null];
  };
  // the running statistics are inputs too (for a trace), with no gradient
  return recordOp("batchNorm", inputs, out, rule, { training, momentum, eps });
}
