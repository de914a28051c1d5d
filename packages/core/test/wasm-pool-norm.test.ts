/**
 * The wasm pooling and batch-norm kernels against the JS reference on float32: max pooling (any
 * geometry, the convnet's 2×2 fast path, ties, NaN) and average pooling agree bitwise; batch norm
 * agrees within float32 tolerance. One and two threads agree bitwise on cases large enough to
 * split, and every call is checked to have run in wasm, not through the fallback.
 */
import { describe, expect, test } from "vitest";
import type { AvgPool2dParams, MaxPool2dParams, View } from "../src/backend/backend.js";
import type { ComposedBackend } from "../src/backend/compose.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import { Generator, jsBackend, randn, type KernelName, type TypedArray } from "../src/index.js";
import { vectorView } from "../src/backend/strided.js";
import { poolGeometry } from "../src/pool-shape.js";

const compiled = compileKernelsSync();
const wasm = createWasmBackend(compiled, null);
const memory = createMemory();
const wasm2 = createWasmBackend(compiled, createNodePool(compiled, memory, 2), memory, {
  splitMinWork: 1 << 18, // split test-sized calls (production: 2²²)
});
const gen = new Generator(7);

const normal = (shape: number[], mean = 0): View => {
  const t = randn(shape, { generator: gen });
  if (mean !== 0) (t.data as Float32Array).forEach((v, i, d) => (d[i] = v + mean));
  return t;
};

/** Runs `fn` on `backend` and checks that `kernel` ran there once (not through the fallback). */
function onWasm<T>(backend: ComposedBackend, kernel: KernelName, fn: (b: ComposedBackend) => T): T {
  const before = backend.counts.get(kernel)!.fast;
  const out = fn(backend);
  expect(backend.counts.get(kernel)!.fast, `${kernel} ran in wasm`).toBe(before + 1);
  return out;
}

/** Bitwise equality (NaN equals NaN), reporting the first difference. */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      expect.fail(`${what}: element ${i} is ${got[i]}, reference ${want[i]}`);
    }
  }
}

/** |got − want| ≤ atol + rtol·|want| everywhere. */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  what: string,
  rtol = 1e-5,
  atol = 1e-5,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      expect.fail(`${what}: element ${i} is ${g}, reference ${w}`);
    }
  }
}

interface PoolCase {
  shape: [number, number, number, number];
  kernel: [number, number];
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
  ceilMode?: boolean;
}

const maxParams = (c: PoolCase): MaxPool2dParams =>
  poolGeometry("maxPool2d", c.shape, { kernelSize: c.kernel, ...c });

const POOL_CASES: PoolCase[] = [
  { shape: [2, 3, 8, 8], kernel: [2, 2] },
  { shape: [2, 3, 7, 9], kernel: [2, 2] }, // odd sizes: the last row/column is dropped
  { shape: [2, 2, 6, 6], kernel: [2, 2] }, // 2×2 path, rows of 3 outputs (one at a time)
  { shape: [1, 2, 10, 22], kernel: [2, 2] }, // 2×2 path, rows of 11 (last group overlaps)
  { shape: [2, 3, 7, 9], kernel: [2, 2], ceilMode: true }, // partial windows: general kernel
  { shape: [1, 2, 9, 11], kernel: [3, 3], stride: [1, 1] },
  { shape: [1, 2, 9, 11], kernel: [3, 2], stride: [2, 3], padding: [1, 1] },
  { shape: [2, 2, 10, 10], kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [2, 2] },
  { shape: [1, 3, 6, 13], kernel: [2, 4], stride: [1, 3], dilation: [1, 2], ceilMode: true },
  { shape: [3, 1, 5, 5], kernel: [5, 5] },
  { shape: [1, 1, 4, 30], kernel: [2, 2], stride: [2, 2], padding: [1, 1] },
];

describe("wasm max pooling", () => {
  test.each(POOL_CASES.map((c) => [JSON.stringify(c), c] as const))("%s", (_, c) => {
    const x = normal(c.shape);
    const p = maxParams(c);
    const want = jsBackend.maxPool2d(x, p);
    const got = onWasm(wasm, "maxPool2d", (b) => b.maxPool2d(x, p));
    expectSame(got.values, want.values, "values");
    expectSame(got.indices, want.indices, "indices");
    const g = normal([c.shape[0], c.shape[1], ...p.outSize]);
    const idx = {
      data: want.indices,
      dtype: "int32",
      shape: g.shape,
      strides: g.strides,
      offset: 0,
    };
    expectSame(
      onWasm(wasm, "maxPool2dBackward", (b) => b.maxPool2dBackward(g, idx as View, c.shape)),
      jsBackend.maxPool2dBackward(g, idx as View, c.shape),
      "gradient",
    );
  });

  test("ties keep the first maximum in window order; the last NaN of a window wins", () => {
    for (const c of POOL_CASES.slice(0, 6)) {
      const x = normal(c.shape);
      const d = x.data as Float32Array;
      // few distinct values (many ties), some NaNs, some windows with two NaNs
      d.forEach((v, i) => (d[i] = Math.round(v)));
      for (let i = 0; i < d.length; i += 7) d[i] = NaN;
      for (let i = 1; i < d.length; i += 11) d[i] = NaN;
      for (let i = 2; i < d.length; i += 5) d[i] = -Infinity;
      const p = maxParams(c);
      const want = jsBackend.maxPool2d(x, p);
      const got = onWasm(wasm, "maxPool2d", (b) => b.maxPool2d(x, p));
      expect(Array.from(want.values).some(Number.isNaN)).toBe(true);
      expectSame(got.values, want.values, "values");
      expectSame(got.indices, want.indices, "indices");
    }
  });

  test("a strided (transposed) input is read in logical order", () => {
    const t = randn([2, 3, 10, 8], { generator: gen });
    const x: View = { ...t, shape: [2, 3, 8, 10], strides: [240, 80, 1, 8], data: t.data };
    const p = maxParams({ shape: [2, 3, 8, 10], kernel: [2, 2] });
    const want = jsBackend.maxPool2d(x, p);
    const got = onWasm(wasm, "maxPool2d", (b) => b.maxPool2d(x, p));
    expectSame(got.values, want.values, "values");
    expectSame(got.indices, want.indices, "indices");
  });
});

describe("wasm average pooling", () => {
  const variants: [boolean, number | null][] = [
    [true, null],
    [false, null],
    [true, 3],
    [false, -2],
  ];
  test.each(POOL_CASES.filter((c) => !c.dilation).map((c) => [JSON.stringify(c), c] as const))(
    "%s",
    (_, c) => {
      const x = normal(c.shape);
      for (const [countIncludePad, divisorOverride] of variants) {
        const geo = poolGeometry("avgPool2d", c.shape, { kernelSize: c.kernel, ...c });
        const p: AvgPool2dParams = { ...geo, countIncludePad, divisorOverride };
        const what = `countIncludePad ${countIncludePad}, divisorOverride ${divisorOverride}`;
        expectSame(
          onWasm(wasm, "avgPool2d", (b) => b.avgPool2d(x, p)),
          jsBackend.avgPool2d(x, p),
          what,
        );
        const g = normal([c.shape[0], c.shape[1], ...p.outSize]);
        expectSame(
          onWasm(wasm, "avgPool2dBackward", (b) => b.avgPool2dBackward(g, c.shape, p)),
          jsBackend.avgPool2dBackward(g, c.shape, p),
          `gradient, ${what}`,
        );
      }
    },
  );
});

const NORM_SHAPES: number[][] = [
  [8, 5],
  [4, 3, 7],
  [2, 4, 5, 6],
  [3, 2, 30, 31], // rows longer than one summation block
  [1, 3, 1, 1000],
];

/** Per-channel vectors as the ops layer passes them (float64 statistics, float32 affine). */
function channelArgs(c: number, mean = 0) {
  const m = Float64Array.from({ length: c }, () => mean + gen.normal() * 0.1);
  const is = Float64Array.from({ length: c }, () => 0.5 + gen.random());
  return {
    mean: vectorView(m),
    invstd: vectorView(is),
    weight: vectorView(Float32Array.from({ length: c }, () => gen.normal())),
    bias: vectorView(Float32Array.from({ length: c }, () => gen.normal())),
  };
}

/** The first index where `a` and `b` differ in bits (or in length, their shorter length), else −1. */
function firstDifference(a: TypedArray, b: TypedArray): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return Math.min(a.length, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return Math.floor(i / a.BYTES_PER_ELEMENT);
  return -1;
}

function checkNorm(backend: ComposedBackend, shape: number[], offset = 0): void {
  const x = normal(shape, offset);
  const what = `[${shape.join(", ")}] + ${offset}`;
  const spread = 1 + Math.abs(offset);
  const a = channelArgs(shape[1]!, offset);
  const eps = 1e-5;
  const invstdOf = (v: Float64Array) => vectorView(v.map((s) => 1 / Math.sqrt(s + eps)));
  for (const affine of [true, false]) {
    const [w, bias] = affine ? [a.weight, a.bias] : [null, null];
    expectClose(
      onWasm(backend, "batchNormForward", (b) => b.batchNormForward(x, a.mean, a.invstd, w, bias)),
      jsBackend.batchNormForward(x, a.mean, a.invstd, w, bias),
      `${what}: forward (affine ${affine})`,
      1e-5,
      1e-5 * spread,
    );
    // training mode: the batch statistics, and the output normalised with them in the same call
    const got = onWasm(backend, "batchNormTraining", (b) => b.batchNormTraining(x, w, bias, eps));
    const ref = jsBackend.batchNormTraining(x, w, bias, eps);
    expect(got.mean).toBeInstanceOf(Float64Array);
    expectClose(got.mean, ref.mean, `${what}: mean`, 1e-6, 1e-6 * spread);
    expectClose(got.variance, ref.variance, `${what}: variance`, 1e-5, 1e-6);
    const tag = `${what}: training output (affine ${affine})`;
    expectClose(got.output, ref.output, tag, 1e-4, 1e-5 * spread);
    // the same bits as the forward kernel given those statistics, on either backend
    const apart = backend.batchNormForward(
      x,
      vectorView(got.mean),
      invstdOf(got.variance),
      w,
      bias,
    );
    expect(firstDifference(got.output, apart), `${tag}, wasm`).toBe(-1);
    const jsApart = jsBackend.batchNormForward(
      x,
      vectorView(ref.mean),
      invstdOf(ref.variance),
      w,
      bias,
    );
    expect(firstDifference(ref.output, jsApart), `${tag}, js`).toBe(-1);
    const g = normal(shape);
    for (const training of [true, false]) {
      const got = onWasm(backend, "batchNormBackward", (b) =>
        b.batchNormBackward(g, x, a.mean, a.invstd, w, training),
      );
      const want = jsBackend.batchNormBackward(g, x, a.mean, a.invstd, w, training);
      const tag = `${what}: backward (training ${training}, affine ${affine})`;
      expectClose(got.gradInput, want.gradInput, `${tag} gradInput`, 1e-4, 1e-5);
      const n = shape.reduce((p, s) => p * s, 1) / shape[1]!;
      const sumTol = 1e-5 * Math.sqrt(n) * spread;
      expectClose(got.gradWeight, want.gradWeight, `${tag} gradWeight`, 1e-5, sumTol);
      expectClose(got.gradBias, want.gradBias, `${tag} gradBias`, 1e-5, sumTol);
    }
  }
}

describe("wasm batch norm", () => {
  test.each(NORM_SHAPES.map((s) => [JSON.stringify(s), s] as const))("%s", (_, shape) =>
    checkNorm(wasm, shape),
  );

  test("statistics stay accurate for data far from zero", () => {
    checkNorm(wasm, [4, 3, 20, 20], 1000);
  });
});

/** The reference convnet's pooling / batch-norm inputs at batch 100. */
const CONVNET: [number, number, number, number][] = [
  [100, 16, 28, 28],
  [100, 32, 14, 14],
];

describe("the convnet's shapes (batch 100), one and two threads", () => {
  const backends = [wasm, wasm2] as const;

  test.each(CONVNET.map((s) => [JSON.stringify(s), s] as const))("max pooling %s", (_, shape) => {
    const x = normal(shape);
    const p = maxParams({ shape, kernel: [2, 2] });
    const want = jsBackend.maxPool2d(x, p);
    const [one, two] = backends.map((be) => onWasm(be, "maxPool2d", (b) => b.maxPool2d(x, p)));
    for (const got of [one!, two!]) {
      expectSame(got.values, want.values, "values");
      expectSame(got.indices, want.indices, "indices");
    }
    const g = normal([shape[0], shape[1], ...p.outSize]);
    const idx: View = { ...g, data: want.indices, dtype: "int32" };
    const gradWant = jsBackend.maxPool2dBackward(g, idx, shape);
    for (const be of backends) {
      const got = onWasm(be, "maxPool2dBackward", (b) => b.maxPool2dBackward(g, idx, shape));
      expectSame(got, gradWant, `gradient on ${be.threads} thread(s)`);
    }
  });

  test.each(CONVNET.map((s) => [JSON.stringify(s), s] as const))("batch norm %s", (_, shape) => {
    checkNorm(wasm, shape);
    const x = normal(shape);
    const g = normal(shape);
    const a = channelArgs(shape[1]);
    const run = (be: ComposedBackend): TypedArray[] => {
      const t = be.batchNormTraining(x, a.weight, a.bias, 1e-5);
      const y = be.batchNormForward(x, a.mean, a.invstd, a.weight, a.bias);
      const r = be.batchNormBackward(g, x, a.mean, a.invstd, a.weight, true);
      return [t.mean, t.variance, t.output, y, r.gradInput, r.gradWeight, r.gradBias];
    };
    const [one, two] = backends.map(run);
    one!.forEach((v, i) => expectSame(two![i]!, v, `output ${i}, 1 vs 2 threads`));
  });

  test("average pooling, 1 vs 2 threads", () => {
    const shape = CONVNET[0]!;
    const x = normal(shape);
    const geo = poolGeometry("avgPool2d", shape, { kernelSize: 3, stride: 2, padding: 1 });
    const p: AvgPool2dParams = { ...geo, countIncludePad: false, divisorOverride: null };
    const g = normal([shape[0], shape[1], ...p.outSize]);
    const [one, two] = backends.map((be) => [
      be.avgPool2d(x, p),
      be.avgPool2dBackward(g, shape, p),
    ]);
    expectSame(two![0]!, one![0]!, "forward");
    expectSame(two![1]!, one![1]!, "backward");
    expectSame(one![0]!, jsBackend.avgPool2d(x, p), "forward vs reference");
  });
});
