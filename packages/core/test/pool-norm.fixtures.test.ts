/**
 * Pooling and batch norm against PyTorch 1.13: values, argmax indices, gradients, running
 * statistics and (batch norm) second-order gradients recorded by scripts/fixtures/pool_norm.py.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  grad,
  lpPool2d,
  maxPool2d,
  mul,
  sum,
  tensor,
  type IntPair,
  type Tensor,
} from "../src/index.js";

interface Enc {
  shape: number[];
  data: number[];
}
interface Case {
  op: "maxPool2d" | "avgPool2d" | "lpPool2d" | "adaptiveAvgPool2d" | "batchNorm";
  dtype: "float32" | "float64";
  options: Record<string, unknown>;
  inputs: Record<string, Enc>;
  gradOutput: Enc;
  secondOrderV?: Enc;
  expected: Record<string, Enc>;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/pool_norm.json", import.meta.url), "utf8"),
) as { cases: Case[] };

/** |got − want| ≤ atol + rtol·|want|, per dtype (PyTorch ran in the same dtype). */
const TOL = { float64: { atol: 1e-9, rtol: 1e-6 }, float32: { atol: 1e-5, rtol: 1e-4 } };

function expectClose(what: string, got: Tensor | null, want: Enc, c: Case): void {
  expect(got, what).not.toBeNull();
  const g = got!;
  expect(g.shape, `${what} shape`).toEqual(want.shape);
  const { atol, rtol } = TOL[c.dtype];
  const data = g.dataSync();
  const bad = want.data.flatMap((w, i) => {
    const v = data[i]!;
    return Math.abs(v - w) <= atol + rtol * Math.abs(w) ? [] : [`[${i}] ${v} vs ${w}`];
  });
  expect(bad, `${what}: elements outside atol ${atol} + rtol ${rtol}·|want|`).toEqual([]);
}

const make = (e: Enc, c: Case): Tensor => tensor(e.data, { dtype: c.dtype }).reshape(e.shape);

/** Runs the pooling op a case describes; returns [values, indices?]. */
function pool(c: Case, x: Tensor): [Tensor, Tensor | null] {
  const o = c.options;
  const k = o.kernelSize as IntPair;
  switch (c.op) {
    case "maxPool2d": {
      const { kernelSize: _k, ...rest } = o;
      return maxPool2d(x, k, { ...rest, returnIndices: true });
    }
    case "avgPool2d": {
      const { kernelSize: _k, ...rest } = o;
      return [avgPool2d(x, k, rest), null];
    }
    case "lpPool2d": {
      const { kernelSize: _k, normType, ...rest } = o;
      return [lpPool2d(x, normType as number, k, rest), null];
    }
    default: {
      const size = o.outputSize as number | [number | null, number | null];
      return [adaptiveAvgPool2d(x, size), null];
    }
  }
}

const title = (c: Case): string => `${c.op} ${c.dtype} ${JSON.stringify(c.options)}`;
const pools = fixture.cases.filter((c) => c.op !== "batchNorm");
const norms = fixture.cases.filter((c) => c.op === "batchNorm");

describe("pooling matches PyTorch", () => {
  test("the fixture covers every pooling op in both dtypes", () => {
    const seen = new Set(pools.map((c) => `${c.op}/${c.dtype}`));
    expect(seen.size).toBe(8);
  });
  test.each(pools.map((c) => [title(c), c] as const))("%s", (_, c) => {
    const x = make(c.inputs.x!, c).requiresGrad_();
    const [out, indices] = pool(c, x);
    expectClose("output", out, c.expected.out!, c);
    if (c.expected.indices) {
      expect(indices!.dtype).toBe("int32");
      expect(Array.from(indices!.dataSync())).toEqual(c.expected.indices.data);
    }
    const [gx] = grad(out, x, { gradOutputs: [make(c.gradOutput, c)] });
    expectClose("gradInput", gx!, c.expected.gradX!, c);
  });
});

describe("batchNorm matches PyTorch", () => {
  test.each(norms.map((c) => [title(c), c] as const))("%s", (_, c) => {
    const x = make(c.inputs.x!, c).requiresGrad_();
    const w = c.inputs.weight ? make(c.inputs.weight, c).requiresGrad_() : null;
    const b = c.inputs.bias ? make(c.inputs.bias, c).requiresGrad_() : null;
    const rm = c.inputs.runningMean ? make(c.inputs.runningMean, c) : null;
    const rv = c.inputs.runningVar ? make(c.inputs.runningVar, c) : null;
    const y = batchNorm(x, rm, rv, w, b, c.options);
    expectClose("output", y, c.expected.out!, c);
    if (rm) expectClose("runningMean", rm, c.expected.runningMean!, c);
    if (rv) expectClose("runningVar", rv, c.expected.runningVar!, c);

    const params = [x, w, b].filter((t): t is Tensor => t !== null);
    const g = make(c.gradOutput, c);
    // first order twice: the fused kernel (no graph) and the differentiable form (createGraph)
    for (const createGraph of [false, true]) {
      const grads = grad(y, params, { gradOutputs: [g], retainGraph: true, createGraph });
      expectClose(`gradInput (createGraph ${createGraph})`, grads[0]!, c.expected.gradX!, c);
      if (w) expectClose("gradWeight", grads[1]!, c.expected.gradWeight!, c);
      if (b) expectClose("gradBias", grads[params.length - 1]!, c.expected.gradBias!, c);
    }
    const [gx] = grad(y, params, { gradOutputs: [g], retainGraph: true, createGraph: true });
    const wrt = [x, w].filter((t): t is Tensor => t !== null);
    const second = grad(sum(mul(gx!, make(c.secondOrderV!, c))), wrt, { allowUnused: true });
    const zerosIfUnused = (t: Tensor | null, like: Tensor): Tensor => t ?? mul(like.detach(), 0);
    expectClose("gradGradX", zerosIfUnused(second[0] ?? null, x), c.expected.gradGradX!, c);
    if (w)
      expectClose(
        "gradGradWeight",
        zerosIfUnused(second[1] ?? null, w),
        c.expected.gradGradWeight!,
        c,
      );
  });
});
