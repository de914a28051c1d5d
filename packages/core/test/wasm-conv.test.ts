/**
 * The wasm backend's conv kernels (pixel-panel GEMM with fused im2col, GEMM + col2im, Winograd
 * F(2×2, 5×5) for 5×5 unit-stride convs with enough channels) against the float64 JS reference
 * over stride, padding, dilation and groups, and bitwise-equal results on one and two threads for
 * the reference convnet's layers.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Backend, Conv2dParams, View } from "../src/backend/backend.js";
import type { TypedArray } from "../src/dtype.js";
import { jsBackend } from "../src/backend/js/index.js";
import type { ComposedBackend } from "../src/backend/compose.js";
import { configureFastCheck } from "./spec-harness.js";
import {
  expectClose,
  expectSameBits,
  oneThread,
  poolJobs,
  tensor,
  twoThreads,
  widen,
} from "./wasm-kernel-kit.js";

interface Case {
  name: string;
  x: [number, number, number, number];
  /** Output channels and kernel size. */
  w: [number, number, number];
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
  groups?: number;
  /** Extra rows/columns of input the input gradient is asked for (PyTorch's output_padding). */
  extra?: [number, number];
}

const CASES: Case[] = [
  { name: "3×3, padding 1", x: [2, 3, 9, 8], w: [4, 3, 3], padding: [1, 1] },
  { name: "stride 2, no padding", x: [2, 3, 11, 10], w: [5, 3, 3], stride: [2, 2] },
  {
    name: "dilation 2, padding 2",
    x: [1, 2, 12, 9],
    w: [3, 3, 3],
    padding: [2, 2],
    dilation: [2, 2],
  },
  { name: "groups 2", x: [2, 4, 7, 7], w: [6, 3, 3], padding: [1, 1], groups: 2 },
  { name: "depthwise", x: [2, 5, 8, 6], w: [5, 3, 3], padding: [1, 1], groups: 5 },
  {
    name: "1×5, stride (2, 1), padding (0, 2)",
    x: [2, 3, 9, 11],
    w: [4, 1, 5],
    stride: [2, 1],
    padding: [0, 2],
  },
  { name: "1×1", x: [3, 7, 5, 6], w: [9, 1, 1] },
  {
    name: "few taps, many channels: weight gradient split by output channels",
    x: [2, 1, 9, 8],
    w: [20, 3, 3],
    padding: [1, 1],
  },
  {
    name: "stride 3, padding 2, dilation (1, 2)",
    x: [2, 2, 13, 14],
    w: [3, 4, 3],
    stride: [3, 3],
    padding: [2, 2],
    dilation: [1, 2],
  },
  {
    name: "output_padding-like input size",
    x: [2, 3, 9, 9],
    w: [4, 3, 3],
    stride: [2, 2],
    padding: [1, 1],
    extra: [1, 1],
  },
  { name: "one image, many pixel chunks", x: [1, 2, 40, 37], w: [3, 3, 3], padding: [1, 1] },
  {
    name: "one wide image: pixel runs split output rows",
    x: [1, 2, 3, 300],
    w: [3, 3, 3],
    padding: [1, 1],
  },
  { name: "Kc > KC, pixels > one block", x: [1, 32, 20, 20], w: [4, 5, 5], padding: [2, 2] },
  {
    name: "input gradient as a conv of flipped weights: groups 2, dilation (2, 1), padding (1, 2)",
    x: [2, 16, 11, 10],
    w: [12, 3, 3],
    padding: [1, 2],
    dilation: [2, 1],
    groups: 2,
  },
  {
    name: "padding past the kernel's reach (input gradient through col2im)",
    x: [2, 8, 6, 6],
    w: [8, 3, 3],
    padding: [3, 3],
  },
  { name: "convnet conv1 (5×5, padding 2)", x: [3, 1, 28, 28], w: [16, 5, 5], padding: [2, 2] },
  { name: "convnet conv2 (5×5, padding 2)", x: [3, 16, 14, 14], w: [32, 5, 5], padding: [2, 2] },
];

/** Operands and geometry of a case: x, weight, output gradient, params, sizes. */
function setup(c: Case, seed = 1) {
  const [N, C, H, W] = c.x;
  const [O, kh, kw] = c.w;
  const groups = c.groups ?? 1;
  const p: Conv2dParams = {
    stride: c.stride ?? [1, 1],
    padding: c.padding ?? [0, 0],
    dilation: c.dilation ?? [1, 1],
    groups,
  };
  const extra = c.extra ?? [0, 0];
  const out = (i: 0 | 1, size: number, k: number) =>
    Math.floor((size - extra[i] + 2 * p.padding[i] - p.dilation[i] * (k - 1) - 1) / p.stride[i]) +
    1;
  const outSize: [number, number] = [out(0, H, kh), out(1, W, kw)];
  return {
    p,
    outSize,
    inSize: [H, W] as [number, number],
    kernel: [kh, kw] as [number, number],
    x: tensor([N, C, H, W], seed),
    w: tensor([O, C / groups, kh, kw], seed + 1),
    dy: tensor([N, O, ...outSize], seed + 2),
  };
}

type Run = (be: Backend, a: View, b: View) => Float32Array | Float64Array;

/** The three kernels as functions of their two tensor operands. */
function kernels(s: ReturnType<typeof setup>): [string, Run, View, View][] {
  return [
    ["conv2d", (be, x, w) => be.conv2d(x, w, null, s.outSize, s.p) as Float32Array, s.x, s.w],
    [
      "conv2dBackwardInput",
      (be, dy, w) => be.conv2dBackwardInput(dy, w, s.inSize, s.p) as Float32Array,
      s.dy,
      s.w,
    ],
    [
      "conv2dBackwardWeight",
      (be, x, dy) => be.conv2dBackwardWeight(x, dy, s.kernel, s.p) as Float32Array,
      s.x,
      s.dy,
    ],
  ];
}

/** Runs `run` on `be` and asserts the wasm kernel handled it (no fallback). */
function inWasm(be: ComposedBackend, name: string, run: () => Float32Array | Float64Array) {
  const counts = be.counts.get(name as "conv2d")!;
  const fast = counts.fast;
  const out = run();
  expect(counts.fast, `${name} ran in wasm`).toBe(fast + 1);
  return out as Float32Array;
}

configureFastCheck(40);

/** Random small geometries: any kernel, stride, padding, dilation and groups with output ≥ 1. */
const geometries: fc.Arbitrary<Case> = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    G: fc.integer({ min: 1, max: 3 }),
    // a few channels, or enough to fill (or overflow) the GEMM's 8-channel panels
    Cg: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(8, 9)),
    Og: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(8, 9)),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    p: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    d: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    extra: fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })),
  })
  .map(({ N, G, Cg, Og, k, s, p, d, extra }) => {
    // the smallest input a window fits into, plus `extra`
    const size = (i: 0 | 1) => Math.max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i] + extra[i]);
    return {
      name: "random",
      x: [N, G * Cg, size(0), size(1)],
      w: [G * Og, k[0], k[1]],
      stride: s,
      padding: p,
      dilation: d,
      groups: G,
    };
  });

describe(`wasm conv kernels (${oneThread.simd} SIMD)`, () => {
  test("random geometries: forward and both gradients match the reference", () => {
    fc.assert(
      fc.property(geometries, (c) => {
        for (const [name, run, a, b] of kernels(setup(c))) {
          const got = inWasm(oneThread, name, () => run(oneThread, a, b));
          const ref = run(jsBackend, widen(a), widen(b));
          const scale = run(jsBackend, widen(a, true), widen(b, true));
          expectClose(got, ref, scale, `${JSON.stringify(c)}: ${name}`);
        }
      }),
    );
  });

  test.each(CASES)("$name: forward and both gradients match the reference", (c) => {
    for (const [name, run, a, b] of kernels(setup(c))) {
      const got = inWasm(oneThread, name, () => run(oneThread, a, b));
      const ref = run(jsBackend, widen(a), widen(b));
      const scale = run(jsBackend, widen(a, true), widen(b, true));
      expectClose(got, ref, scale, `${c.name}: ${name}`);
    }
  });

  test.each([
    ...CASES.filter(
      (c) => c.name.startsWith("convnet") || c.name === "1×1" || c.name.startsWith("groups"),
    ),
    { name: "no input channels", x: [2, 0, 5, 5], w: [3, 3, 3], padding: [1, 1] } as Case,
  ])("$name: the bias is added to the finished sums", (c) => {
    const s = setup(c);
    const O = c.w[0];
    const bias = tensor([O], 7);
    for (const be of [oneThread, twoThreads]) {
      const plain = be.conv2d(s.x, s.w, null, s.outSize, s.p) as Float32Array;
      const got = inWasm(
        be,
        "conv2d",
        () => be.conv2d(s.x, s.w, bias, s.outSize, s.p) as Float32Array,
      );
      const P = s.outSize[0] * s.outSize[1];
      const b = bias.data as Float32Array;
      const want = plain.map((v, i) => v + b[Math.floor(i / P) % O]!);
      const bad = got.findIndex((v, i) => !Object.is(v, want[i]));
      expect(bad, `${c.name} on ${be.threads} thread(s): first element not sum + bias`).toBe(-1);
    }
  });

  test.each(CASES)("$name: the gradients in one call are the kernels' apart, bit for bit", (c) => {
    const s = setup(c);
    const all = { input: true, weight: true, bias: true };
    for (const be of [oneThread, twoThreads, jsBackend]) {
      const want = {
        gradInput: be.conv2dBackwardInput(s.dy, s.w, s.inSize, s.p),
        gradWeight: be.conv2dBackwardWeight(s.x, s.dy, s.kernel, s.p),
        gradBias: be.reduce("sum", s.dy, [0, 2, 3], "float32"),
      };
      for (const needs of [all, { ...all, input: false }, { ...all, weight: false, bias: false }]) {
        const got = be.conv2dBackward(s.x, s.w, s.dy, s.p, needs);
        for (const k of ["gradInput", "gradWeight", "gradBias"] as const) {
          const asked = needs[k === "gradInput" ? "input" : k === "gradWeight" ? "weight" : "bias"];
          const tag = `${c.name}, ${be.name} ${be.threads}t, ${k} (${JSON.stringify(needs)})`;
          if (!asked) {
            expect(got[k], tag).toBeNull();
            continue;
          }
          const bad = got[k]!.findIndex((v, i) => !Object.is(v, want[k][i]));
          expect([got[k]!.length, bad], tag).toEqual([want[k].length, -1]);
        }
      }
    }
    const before = oneThread.counts.get("conv2dBackward")!.fast;
    oneThread.conv2dBackward(s.x, s.w, s.dy, s.p, all);
    expect(oneThread.counts.get("conv2dBackward")!.fast, "ran in wasm").toBe(before + 1);
  });

  const SPLIT_CASES: Case[] = [
    { ...CASES.at(-2)!, x: [16, 1, 28, 28] },
    { ...CASES.at(-1)!, x: [8, 16, 14, 14] },
    {
      name: "one image: pixel and channel chunks",
      x: [1, 16, 48, 48],
      w: [16, 3, 3],
      padding: [1, 1],
    },
    { name: "groups 4", x: [16, 16, 24, 24], w: [16, 3, 3], padding: [1, 1], groups: 4 },
  ];
  test.each(SPLIT_CASES)("$name: two threads split the work and give the same bits as one", (c) => {
    for (const [name, run, a, b] of kernels(setup(c, 7))) {
      const before = poolJobs.count;
      const two = inWasm(twoThreads, name, () => run(twoThreads, a, b));
      expect(poolJobs.count, `${c.name}: ${name} was split`).toBe(before + 1);
      expectSameBits(run(oneThread, a, b) as Float32Array, two, `${c.name}: ${name}`);
    }
  });

  /**
   * 5×5, unit stride, one group, ≥ 8 input channels: the shapes the Winograd kernels take, with
   * `out` output rows and columns (odd and even; rows of tiles with idle lanes) and padding up to
   * `maxPad` (the weight gradient takes Winograd only where every tap sees most of the input).
   */
  const winogradCases = (N: [number, number], out: [number, number], maxPad: number) =>
    fc
      .record({
        N: fc.integer({ min: N[0], max: N[1] }),
        C: fc.integer({ min: 8, max: 12 }),
        O: fc.integer({ min: 8, max: 19 }),
        p: fc.tuple(fc.integer({ min: 0, max: maxPad }), fc.integer({ min: 0, max: maxPad })),
        out: fc.tuple(
          fc.integer({ min: out[0], max: out[1] }),
          fc.integer({ min: out[0], max: out[1] }),
        ),
        bias: fc.boolean(),
      })
      .map(({ N, C, O, p, out, bias }) => ({
        name: "winograd",
        x: [
          N,
          C,
          Math.max(1, out[0] + 4 - 2 * p[0]),
          Math.max(1, out[1] + 4 - 2 * p[1]),
        ] as Case["x"],
        w: [O, 5, 5] as Case["w"],
        padding: p,
        bias,
      }));

  /** Forward (with the case's bias) and both gradients of a Winograd case, on any backend. */
  function winogradRuns(c: Case & { bias: boolean }) {
    const s = setup(c, 11);
    const bias = c.bias ? tensor([c.w[0]], 12) : null;
    const runs: [string, (be: Backend, abs?: boolean) => TypedArray][] = [
      [
        "conv2d",
        (be, abs) =>
          be.conv2d(
            pick(be, s.x, abs),
            pick(be, s.w, abs),
            bias && pick(be, bias, abs),
            s.outSize,
            s.p,
          ),
      ],
      [
        "conv2dBackwardInput",
        (be, abs) => be.conv2dBackwardInput(pick(be, s.dy, abs), pick(be, s.w, abs), s.inSize, s.p),
      ],
      [
        "conv2dBackwardWeight",
        (be, abs) =>
          be.conv2dBackwardWeight(pick(be, s.x, abs), pick(be, s.dy, abs), s.kernel, s.p),
      ],
    ];
    return runs;
  }

  /** Winograd's transforms scale rounding errors up (≈ 20× a direct sum's, measured). */
  const WINOGRAD_RTOL = 1e-4;

  test("Winograd F(2×2, 5×5) and F(5×5, 2×2): forward (with bias) and both gradients match the reference, two threads as one", () => {
    fc.assert(
      fc.property(winogradCases([12, 14], [9, 20], 2), (c) => {
        for (const [name, run] of winogradRuns(c)) {
          const before = poolJobs.count;
          const two = inWasm(twoThreads, name, () => run(twoThreads) as Float32Array);
          // split across the pool, by a Winograd export (the input gradient: when its transposed
          // conv has ≥ 8 input channels, the forward's outputs — always, here)
          expect(poolJobs.count, `${name} split`).toBe(before + 1);
          const kernel = name === "conv2dBackwardWeight" ? "WinogradWeight" : "Winograd";
          expect(poolJobs.last, name).toBe(`conv2d${kernel}F32`);
          const label = `${JSON.stringify(c)}: ${name}`;
          expectSameBits(run(oneThread) as Float32Array, two, label);
          expectClose(two, run(jsBackend), run(jsBackend, true), label, WINOGRAD_RTOL);
        }
      }),
      { numRuns: 20 },
    );
  });

  test("Winograd: outputs from 1×1 up, any padding to 4, all three kernels match the reference", () => {
    fc.assert(
      fc.property(winogradCases([1, 2], [1, 9], 4), (c) => {
        for (const [name, run] of winogradRuns(c)) {
          const got = inWasm(oneThread, name, () => run(oneThread) as Float32Array);
          const label = `${JSON.stringify(c)}: ${name}`;
          expectClose(got, run(jsBackend), run(jsBackend, true), label, WINOGRAD_RTOL);
        }
      }),
    );
  });
});

/** A float64 copy (of absolute values with `abs`) for the JS reference, else the view itself. */
function pick(be: Backend, v: View, abs = false): View {
  return be === jsBackend ? widen(v, abs) : v;
}
