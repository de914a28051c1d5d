import { recordOp } from "../autograd/define-op.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import type { AdamStepParams, View } from "../backend/backend.js";
import { isFloating, type DType, type TypedArray } from "../dtype.js";
import { AutogradError, DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { contiguousStrides, sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { be } from "./helpers.js";

/** Options of `fusedAdam_`: Adam's hyperparameters and each parameter's step count t. */
export type FusedAdamOptions = AdamStepParams;

/** A contiguous view of fresh data. */
const packed = (data: TypedArray, like: Tensor, dtype: DType): View => ({
  data,
  dtype,
  shape: like.shape,
  strides: contiguousStrides(like.shape),
  offset: 0,
});

function check(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  expAvgs: readonly Tensor[],
  expAvgSqs: readonly Tensor[],
  steps: readonly number[],
): void {
  const n = params.length;
  if ([grads, expAvgs, expAvgSqs, steps].some((l) => l.length !== n)) {
    throw new ValueError(
      `fusedAdam_: expected as many grads, expAvgs, expAvgSqs and steps as params (${n}), got ${grads.length}, ${expAvgs.length}, ${expAvgSqs.length}, ${steps.length}`,
    );
  }
  const all = [...params, ...grads, ...expAvgs, ...expAvgSqs];
  if (isGradEnabled() && all.some((t) => t.requiresGrad)) {
    throw new AutogradError(
      "fusedAdam_: in-place update of tensors that require grad while grad mode is on; wrap it in noGrad(() => ...)",
    );
  }
  params.forEach((p, i) => {
    if (!isFloating(p.dtype)) {
      throw new DTypeError(`fusedAdam_: parameter ${i} is ${p.dtype}; Adam updates float tensors`);
    }
    const named = { grad: grads[i]!, expAvg: expAvgs[i]!, expAvgSq: expAvgSqs[i]! };
    for (const [name, t] of Object.entries(named)) {
      if (!sameShape(t.shape, p.shape)) {
        throw new ShapeError(
          `fusedAdam_: parameter ${i} has shape ${fmtShape(p.shape)} but its ${name} has shape ${fmtShape(t.shape)}`,
        );
      }
      if (name !== "grad" && t.dtype !== p.dtype) {
        throw new DTypeError(
          `fusedAdam_: parameter ${i} is ${p.dtype} but its ${name} is ${t.dtype}`,
        );
      }
    }
    for (const t of [p, named.expAvg, named.expAvgSq]) {
      if (t.shape.some((s, d) => s > 1 && t.strides[d] === 0)) {
        throw new ShapeError(
          `fusedAdam_: cannot update an expanded tensor of shape ${fmtShape(t.shape)} in place (parameter ${i}); clone() it first`,
        );
      }
    }
  });
}

/**
 * One Adam / AdamW step of many parameters in place, fused into one backend kernel per dtype:
 * for each i, `params[i]` and its moments `expAvgs[i]`, `expAvgSqs[i]` are updated from
 * `grads[i]` with step count `options.steps[i]`. It computes exactly what @tsgrad/optim's
 * `adamUpdate` computes with its chain of tensor ops (PyTorch 1.13's single-tensor rule, without
 * AMSGrad or maximize), rounding for rounding, in a fraction of the time:
 * `m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + eps)`,
 * with `g ← g + λθ` first (Adam, `weightDecay` λ ≠ 0) or `θ ← θ·(1 − lr·λ)` (AdamW, `decoupled`).
 *
 * Like the other in-place ops it runs outside the graph (under `noGrad` for leaves that require
 * grad) and bumps the version counters of the tensors it writes. Gradients of another float dtype
 * are cast to the parameter's.
 * Shape: grads[i], expAvgs[i], expAvgSqs[i] like params[i]; moments in the parameter's dtype.
 * @internal The optimizers' fast path; its signature may change.
 */
export function fusedAdam_(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  expAvgs: readonly Tensor[],
  expAvgSqs: readonly Tensor[],
  options: FusedAdamOptions,
): void {
  check(params, grads, expAvgs, expAvgSqs, options.steps);
  const byDType = new Map<DType, number[]>();
  params.forEach((p, i) => byDType.set(p.dtype, [...(byDType.get(p.dtype) ?? []), i]));
  for (const [dtype, ids] of byDType) {
    const writeBack: [Tensor, View][] = [];
    // the kernel takes contiguous views: strided targets are updated in a copy and written back
    const target = (t: Tensor): View => {
      if (t.isContiguous()) return t;
      const copy = packed(be().copy(t, dtype), t, dtype);
      writeBack.push([t, copy]);
      return copy;
    };
    const ps = ids.map((i) => target(params[i]!));
    const ms = ids.map((i) => target(expAvgs[i]!));
    const vs = ids.map((i) => target(expAvgSqs[i]!));
    const gs = ids.map((i) => {
      const g = grads[i]!;
      return g.isContiguous() && g.dtype === dtype ? g : packed(be().copy(g, dtype), g, dtype);
    });
    be().adamStep(ps, gs, ms, vs, { ...options, steps: ids.map((i) => options.steps[i]!) });
    for (const [t, copy] of writeBack) be().assign(t, copy);
    for (const i of ids) {
      for (const t of [params[i]!, expAvgs[i]!, expAvgSqs[i]!]) t.storage.version++;
    }
  }
  const { lr, betas, eps, weightDecay, decoupled } = options;
  const attrs = { lr, betas, eps, weightDecay, decoupled, steps: options.steps };
  const inputs = [...params, ...grads, ...expAvgs, ...expAvgSqs];
  recordOp("fusedAdam_", inputs, [...params, ...expAvgs, ...expAvgSqs], null, attrs);
}
