import type { TypedArray } from "../../dtype.js";
import { numelOf } from "../../shape.js";
import type { AdamStepParams, View } from "../backend.js";

const exact = (v: number): number => v;

/**
 * Fused Adam / AdamW step (see `Backend.adamStep`). It computes exactly what the chain of tensor
 * ops in @tsgrad/optim's `adamUpdate` computes, operation for operation: every scalar becomes a
 * tensor of the parameter's dtype (so float32 rounds it first), and every intermediate rounds to
 * that dtype (`Math.fround` for float32; float64 arithmetic is already exact to it).
 */
export function adamStep(
  params: readonly View[],
  grads: readonly View[],
  expAvgs: readonly View[],
  expAvgSqs: readonly View[],
  h: AdamStepParams,
): void {
  params.forEach((param, i) => {
    const r = param.dtype === "float32" ? Math.fround : exact;
    const [beta1, beta2] = h.betas;
    const step = h.steps[i]!;
    const b1 = r(beta1);
    const c1 = r(1 - beta1);
    const b2 = r(beta2);
    const c2 = r(1 - beta2);
    const eps = r(h.eps);
    const negStep = r(-(h.lr / (1 - beta1 ** step)));
    const bias2Sqrt = r(Math.sqrt(1 - beta2 ** step));
    const decay = r(h.decoupled ? 1 - h.lr * h.weightDecay : h.weightDecay);
    const l2 = !h.decoupled && h.weightDecay !== 0;
    const n = numelOf(param.shape);
    const [p, g, m, v] = [param, grads[i]!, expAvgs[i]!, expAvgSqs[i]!].map((x) =>
      x.data.subarray(x.offset, x.offset + n),
    ) as [TypedArray, TypedArray, TypedArray, TypedArray];
    for (let j = 0; j < n; j++) {
      let pv = p[j]!;
      let gv = g[j]!;
      if (h.decoupled) pv = r(pv * decay);
      else if (l2) gv = r(gv + r(pv * decay));
      const mv = r(r(m[j]! * b1) + r(gv * c1));
      const vv = r(r(v[j]! * b2) + r(r(gv * c2) * gv));
      const denom = r(r(r(Math.sqrt(vv)) / bias2Sqrt) + eps);
      m[j] = mv;
      v[j] = vv;
      p[j] = pv + r(r(mv * negStep) / denom);
    }
  });
}
