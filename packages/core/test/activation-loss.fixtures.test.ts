/**
 * Activations and losses against PyTorch 1.13: values and gradients from
 * `scripts/fixtures/activation_loss.py` (committed in fixtures/activation_loss.json), compared with
 * |got − want| ≤ atol + rtol·|want| (float64: rtol 1e-6; float32: rtol 1e-4).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  Tensor,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  elu,
  gelu,
  l1Loss,
  leakyRelu,
  logSoftmax,
  mseLoss,
  nllLoss,
  silu,
  softmax,
  softplus,
  tensor,
  type DType,
  type Reduction,
} from "../src/index.js";

interface Encoded {
  shape: number[];
  dtype: DType;
  data: number[];
  requiresGrad?: boolean;
}

interface Params {
  dim?: number;
  negativeSlope?: number;
  alpha?: number;
  approximate?: "none" | "tanh";
  beta?: number;
  threshold?: number;
  reduction?: Reduction;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

interface Case {
  name: string;
  op: string;
  params: Params;
  inputs: Record<string, Encoded>;
  output: Encoded;
  gradOut: Encoded;
  grads: Record<string, Encoded>;
}

type Inputs = Record<string, Tensor>;

const OPS: Record<string, (a: Inputs, p: Params) => Tensor> = {
  leakyRelu: (a, p) => leakyRelu(a.x!, p.negativeSlope),
  elu: (a, p) => elu(a.x!, p.alpha),
  gelu: (a, p) => gelu(a.x!, { approximate: p.approximate }),
  silu: (a) => silu(a.x!),
  softplus: (a, p) => softplus(a.x!, { beta: p.beta, threshold: p.threshold }),
  softmax: (a, p) => softmax(a.x!, p.dim!),
  logSoftmax: (a, p) => logSoftmax(a.x!, p.dim!),
  crossEntropy: (a, p) => crossEntropy(a.input!, a.target!, { ...p, weight: a.weight }),
  nllLoss: (a, p) => nllLoss(a.input!, a.target!, { ...p, weight: a.weight }),
  mseLoss: (a, p) => mseLoss(a.input!, a.target!, p),
  l1Loss: (a, p) => l1Loss(a.input!, a.target!, p),
  binaryCrossEntropy: (a, p) => binaryCrossEntropy(a.input!, a.target!, { ...p, weight: a.weight }),
  binaryCrossEntropyWithLogits: (a, p) =>
    binaryCrossEntropyWithLogits(a.input!, a.target!, {
      ...p,
      weight: a.weight,
      posWeight: a.posWeight,
    }),
};

const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/activation_loss.json", import.meta.url), "utf8"),
) as { cases: Case[] };

function decode(e: Encoded): Tensor {
  const data = e.dtype === "int32" ? Int32Array.from(e.data) : e.data;
  const t = tensor(data, { dtype: e.dtype }).reshape(e.shape);
  return e.requiresGrad ? t.detach().requiresGrad_() : t;
}

/** Asserts shape and |got − want| ≤ atol + rtol·|want| elementwise, naming the first miss. */
function expectClose(what: string, got: Tensor, want: Encoded): void {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.dtype, `${what} dtype`).toBe(want.dtype);
  const [atol, rtol] = want.dtype === "float64" ? [1e-12, 1e-6] : [1e-6, 1e-4];
  const g = got.dataSync();
  const misses = want.data.flatMap((w, i) => {
    const v = g[i]!;
    return Number.isFinite(v) && Math.abs(v - w) <= atol + rtol * Math.abs(w) ? [] : [[i, v, w]];
  });
  expect(misses, `${what}: [flat index, got, want] beyond atol ${atol}, rtol ${rtol}`).toEqual([]);
}

describe("activations and losses match PyTorch 1.13 (values and gradients)", () => {
  it("has fixture cases for every op", () => {
    expect(new Set(fixtures.cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
  });

  for (const c of fixtures.cases) {
    it(c.name, () => {
      const inputs = Object.fromEntries(
        Object.entries(c.inputs).map(([k, e]) => [k, decode(e)] as const),
      );
      const out = OPS[c.op]!(inputs, c.params);
      expectClose("output", out, c.output);
      out.backward(decode(c.gradOut));
      for (const [k, want] of Object.entries(c.grads)) {
        expect(inputs[k]!.grad, `grad of ${k}`).not.toBeNull();
        expectClose(`grad of ${k}`, inputs[k]!.grad!, want);
      }
    });
  }
});
