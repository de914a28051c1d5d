/**
 * conv2d, conv1d and convTranspose2d against PyTorch 1.13: outputs, first and second derivatives
 * from `scripts/fixtures/conv.py` (committed in fixtures/conv.json), compared with
 * |got − want| ≤ atol + rtol·|want| (float64: rtol 1e-6; float32: rtol 1e-4).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  Tensor,
  conv1d,
  conv2d,
  convTranspose2d,
  grad,
  mul,
  sum,
  add,
  tensor,
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
} from "../src/index.js";

interface Encoded {
  shape: number[];
  data: number[];
}

type Options = Conv2dOptions & Conv1dOptions & ConvTranspose2dOptions;

interface Case {
  op: "conv2d" | "conv1d" | "convTranspose2d";
  dtype: "float32" | "float64";
  options: Options;
  inputs: { x: Encoded; weight: Encoded; bias?: Encoded };
  gradOutput: Encoded;
  expected: Record<"out" | "gradX" | "gradWeight", Encoded> & { gradBias?: Encoded };
  second: Record<"vX" | "vWeight" | "gradX" | "gradWeight" | "gradGradOutput", Encoded>;
}

const OPS = {
  conv2d: (x: Tensor, w: Tensor, b: Tensor | null, o: Options) => conv2d(x, w, b, o),
  conv1d: (x: Tensor, w: Tensor, b: Tensor | null, o: Options) => conv1d(x, w, b, o),
  convTranspose2d: (x: Tensor, w: Tensor, b: Tensor | null, o: Options) =>
    convTranspose2d(x, w, b, o),
};

const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/conv.json", import.meta.url), "utf8"),
) as { cases: Case[] };

const decode = (e: Encoded, dtype: Case["dtype"], requiresGrad = false): Tensor => {
  const t = tensor(e.data, { dtype }).reshape(e.shape);
  return requiresGrad ? t.requiresGrad_() : t;
};

/** Asserts shape and |got − want| ≤ atol + rtol·|want| elementwise, listing the misses. */
function expectClose(what: string, got: Tensor | null, want: Encoded, dtype: Case["dtype"]): void {
  expect(got, what).not.toBeNull();
  expect(got!.shape, `${what} shape`).toEqual(want.shape);
  expect(got!.dtype, `${what} dtype`).toBe(dtype);
  const [atol, rtol] = dtype === "float64" ? [1e-10, 1e-6] : [1e-5, 1e-4];
  const g = got!.dataSync();
  const misses = want.data.flatMap((w, i) => {
    const v = g[i]!;
    return Math.abs(v - w) <= atol + rtol * Math.abs(w) ? [] : [[i, v, w]];
  });
  expect(misses, `${what}: [flat index, got, want] beyond atol ${atol}, rtol ${rtol}`).toEqual([]);
}

const title = (c: Case): string =>
  `${c.op} ${c.dtype} x ${JSON.stringify(c.inputs.x.shape)} w ${JSON.stringify(c.inputs.weight.shape)}` +
  `${c.inputs.bias ? " +bias" : ""} ${JSON.stringify(c.options)}`;

describe("conv ops match PyTorch 1.13 (values, gradients, second derivatives)", () => {
  it("covers conv2d, conv1d and convTranspose2d in float32 and float64", () => {
    expect(new Set(fixtures.cases.map((c) => `${c.op} ${c.dtype}`))).toEqual(
      new Set(Object.keys(OPS).flatMap((op) => [`${op} float32`, `${op} float64`])),
    );
  });

  for (const c of fixtures.cases) {
    it(title(c), () => {
      const x = decode(c.inputs.x, c.dtype, true);
      const w = decode(c.inputs.weight, c.dtype, true);
      const b = c.inputs.bias ? decode(c.inputs.bias, c.dtype, true) : null;
      const g = decode(c.gradOutput, c.dtype, true);
      const out = OPS[c.op](x, w, b, c.options);
      expectClose("output", out, c.expected.out, c.dtype);

      const wrt = b ? [x, w, b] : [x, w];
      const grads = grad(out, wrt, { gradOutputs: [g], createGraph: true });
      expectClose("grad of x", grads[0]!, c.expected.gradX, c.dtype);
      expectClose("grad of weight", grads[1]!, c.expected.gradWeight, c.dtype);
      if (b) expectClose("grad of bias", grads[2]!, c.expected.gradBias!, c.dtype);

      // second order: ∂/∂(x, weight, gradOutput) of ⟨gradX, vX⟩ + ⟨gradWeight, vWeight⟩
      const s = add(
        sum(mul(grads[0]!, decode(c.second.vX, c.dtype))),
        sum(mul(grads[1]!, decode(c.second.vWeight, c.dtype))),
      );
      const [sx, sw, sg] = grad(s, [x, w, g], { allowUnused: true });
      expectClose("second-order grad of x", sx!, c.second.gradX, c.dtype);
      expectClose("second-order grad of weight", sw!, c.second.gradWeight, c.dtype);
      expectClose("second-order grad of gradOutput", sg!, c.second.gradGradOutput, c.dtype);
    });
  }
});
