/**
 * The im2col + GEMM conv kernels at sizes the generated specs do not reach: a reduction length
 * K = C/groups·kH·kW above the GEMM's k-block (256) and an output plane above its column block
 * (2048), forward and both gradients, float64 and float32, against the naive loops.
 */
import { describe, expect, it } from "vitest";
import { Generator, Tensor, conv2d, convTranspose2d, grad, randn } from "../src/index.js";
import { type RefTensor } from "./reference.js";
import {
  conv2dRef,
  convInputGradRef,
  convWeightGradRef,
  symmetric,
  type RefConv,
} from "./specs/conv-reference.js";

const ref = (t: Tensor): RefTensor => ({ shape: [...t.shape], data: Array.from(t.dataSync()) });

/** Largest |got − want| / (1 + |want|). */
function relError(got: Tensor, want: RefTensor): number {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  return want.data.reduce((m, w, i) => Math.max(m, Math.abs(g[i]! - w) / (1 + Math.abs(w))), 0);
}

const CASES: { name: string; x: number[]; w: number[]; geo: RefConv; bias: boolean }[] = [
  {
    name: "K = 12·5·5 = 300 > 256, padding 2, bias",
    x: [2, 12, 7, 6],
    w: [6, 12, 5, 5],
    geo: { stride: [1, 1], pad: symmetric([2, 2]), dilation: [1, 1], groups: 1 },
    bias: true,
  },
  {
    name: "output plane 47·45 = 2115 > 2048, groups 2",
    x: [2, 4, 47, 45],
    w: [4, 2, 3, 3],
    geo: { stride: [1, 1], pad: symmetric([1, 1]), dilation: [1, 1], groups: 2 },
    bias: false,
  },
  {
    name: "stride 2, dilation 2, K = 3·3·3 with 6 output channels",
    x: [3, 3, 20, 17],
    w: [6, 3, 3, 3],
    geo: { stride: [2, 2], pad: symmetric([2, 1]), dilation: [2, 2], groups: 1 },
    bias: true,
  },
];

describe("conv2d kernels on larger problems", () => {
  for (const c of CASES) {
    for (const dtype of ["float64", "float32"] as const) {
      it(`${c.name} (${dtype})`, () => {
        const gen = new Generator(11);
        const x = randn(c.x, { dtype, generator: gen }).requiresGrad_();
        const w = randn(c.w, { dtype, generator: gen }).requiresGrad_();
        const b = c.bias ? randn([c.w[0]!], { dtype, generator: gen }).requiresGrad_() : null;
        const options = {
          stride: c.geo.stride,
          padding: [c.geo.pad[0][0], c.geo.pad[1][0]] as [number, number],
          dilation: c.geo.dilation,
          groups: c.geo.groups,
        };
        const y = conv2d(x, w, b, options);
        const want = conv2dRef(ref(x), ref(w), b && ref(b), c.geo);
        // float32 runs on the default backend, which may accumulate in float32 (wasm)
        const tol = dtype === "float64" ? 1e-12 : 1e-4;
        expect(relError(y, want), "output").toBeLessThan(tol);

        const g = randn([...y.shape], { dtype, generator: gen });
        const [gx, gw] = grad(y, [x, w], { gradOutputs: [g] });
        expect(relError(gx!, convInputGradRef(ref(g), ref(w), c.x, c.geo)), "grad x").toBeLessThan(
          tol,
        );
        expect(relError(gw!, convWeightGradRef(ref(x), ref(g), c.w, c.geo)), "grad w").toBeLessThan(
          tol,
        );
      });
    }
  }
});

describe("unbatched inputs", () => {
  it("convTranspose2d on [C, H, W] equals the batched result without its batch dim", () => {
    const gen = new Generator(5);
    const x = randn([3, 4, 5], { dtype: "float64", generator: gen });
    const w = randn([3, 2, 3, 2], { dtype: "float64", generator: gen });
    const b = randn([2], { dtype: "float64", generator: gen });
    const options = { stride: 2, padding: [1, 0] as [number, number], outputPadding: 1 };
    const y = convTranspose2d(x, w, b, options);
    const batched = convTranspose2d(x.reshape([1, 3, 4, 5]), w, b, options);
    expect(y.shape).toEqual([2, 8, 11]); // (4 − 1)·2 − 2 + 2 + 1 + 1, (5 − 1)·2 + 1 + 1 + 1
    expect(Array.from(y.dataSync())).toEqual(Array.from(batched.dataSync()));
  });
});
