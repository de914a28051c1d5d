/**
 * The wasm backend's float32 reductions (sum, prod, max, min over any axes) and argReduce against
 * the JS reference, over every subset of axes in several layouts. Sums run in float64 as the
 * reference does: bitwise equal where each output is summed sequentially (a strided last reduced
 * dim), within one float32 ulp where eight float64 partial sums run down a contiguous one.
 * Products, max, min and argReduce are bitwise equal (first index on ties, first NaN wins), except
 * that max/min may return +0 for −0 when both occur. Large calls on two threads give the bits of
 * one thread.
 */
import { describe, expect, test } from "vitest";
import type { ReduceOp, View } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { numelOf } from "../src/shape.js";
import {
  LAYOUTS,
  declined,
  expectUlps,
  inWasm,
  layout,
  one,
  seeded,
  splits,
  two,
  values,
} from "./wasm-strided-kit.js";

const OPS: readonly ReduceOp[] = ["sum", "prod", "max", "min"];
/** Allowed ulps against the reference: sums may round their float64 total differently. */
const ULPS: { readonly [op in ReduceOp]: number } = { sum: 1, prod: 0, max: 0, min: 0 };

/** Every subset of `0..nd-1`, as sorted axes. */
function subsets(nd: number): number[][] {
  return Array.from({ length: 1 << nd }, (_, m) =>
    [...Array(nd).keys()].filter((d) => m & (1 << d)),
  );
}

/** Values in [0.5, 1.5) for products (no overflow), in [−4, 4) otherwise. */
function input(op: ReduceOp, shape: readonly number[], seed: number): Float32Array {
  const x = values(numelOf(shape), seed, op === "prod" ? 0.5 : 4);
  if (op === "prod") x.forEach((v, i) => (x[i] = v + 1));
  return x;
}

describe("reduce", () => {
  for (const op of OPS) {
    test(`${op}: every subset of axes of [3, 4, 5, 6] in every layout`, () => {
      const shape = [3, 4, 5, 6];
      for (const how of LAYOUTS) {
        const x = layout(input(op, shape, 7), shape, how);
        for (const axes of subsets(4)) {
          const got = inWasm(one, "reduce", () => one.reduce(op, x, axes, "float32"));
          expectUlps(
            got,
            jsBackend.reduce(op, x, axes, "float32"),
            ULPS[op],
            `${op} ${how} [${axes}]`,
          );
        }
      }
    });

    test(`${op}: 0-d, size-1 dims, short and odd lengths`, () => {
      const cases: [number[], number[]][] = [
        [[], []],
        [[1], [0]],
        [[7], [0]],
        [[5, 1, 3], [1]],
        [
          [5, 1, 3],
          [0, 1],
        ],
        [[5, 1, 3], []],
        [[2, 13], [1]],
        [[13, 2], [0]],
        [
          [9, 3, 2],
          [0, 2],
        ],
      ];
      for (const [shape, axes] of cases) {
        for (const how of LAYOUTS) {
          const x = layout(input(op, shape, shape.length + 1), shape, how);
          const got = inWasm(one, "reduce", () => one.reduce(op, x, axes, "float32"));
          expectUlps(
            got,
            jsBackend.reduce(op, x, axes, "float32"),
            ULPS[op],
            `${op} [${shape}] [${axes}] ${how}`,
          );
        }
      }
    });
  }

  test("the convnet's reductions: bias gradients, the loss, logsumexp's max", () => {
    const cases: [number[], number[], ReduceOp][] = [
      [[8, 16, 7, 7], [0, 2, 3], "sum"], // conv bias gradient
      [[32, 10], [0], "sum"], // linear bias gradient
      [[32, 10], [1], "max"], // logsumexp shift
      [[32, 10], [1], "sum"],
      [[32], [0], "sum"], // the mean loss
    ];
    for (const [shape, axes, op] of cases) {
      const x = seeded(shape, 3, 4);
      const got = inWasm(one, "reduce", () => one.reduce(op, x, axes, "float32"));
      expectUlps(
        got,
        jsBackend.reduce(op, x, axes, "float32"),
        ULPS[op],
        `${op} [${shape}] [${axes}]`,
      );
    }
    // a strided last reduced dim sums each output sequentially, exactly as the reference
    const cols = seeded([300, 10], 5, 4);
    expectUlps(
      one.reduce("sum", cols, [0], "float32"),
      jsBackend.reduce("sum", cols, [0], "float32"),
      0,
      "columns",
    );
  });

  test("NaN and infinities as the reference; signed zeros compare equal", () => {
    const rows = [
      [1, NaN, 3, 4, 5, 6, 7, 8, 9, -1],
      [Infinity, 1, 2, 3, 4, 5, 6, 7, 8, -Infinity],
      [
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
      ],
      [-0, 0, -0, 0, -0, 0, -0, 0, -0, -0],
      [3e38, 3e38, 3e38, -1, 0, 0, 0, 0, 0, 0],
    ];
    for (const how of LAYOUTS) {
      const x = layout(Float32Array.from(rows.flat()), [5, 10], how);
      for (const op of OPS) {
        for (const axes of [[0], [1]]) {
          const got = one.reduce(op, x, axes, "float32");
          const want = jsBackend.reduce(op, x, axes, "float32");
          const label = `${op} [${axes}] ${how}`;
          // −0 and +0 may trade places in max/min (lanes keep +0 for max, −0 for min)
          expectUlps(
            Array.from(got, (v) => v + 0),
            Array.from(want, (v) => v + 0),
            0,
            label,
          );
        }
      }
    }
  });

  test("empty tensors and other dtypes go to the reference", () => {
    const empty: View = { ...seeded([0], 1), shape: [2, 0], strides: [0, 1] };
    expect(declined(one, "reduce", () => one.reduce("sum", empty, [1], "float32"))).toEqual(
      new Float32Array(2),
    );
    const ints: View = {
      data: Int32Array.of(1, 2, 3),
      dtype: "int32",
      shape: [3],
      strides: [1],
      offset: 0,
    };
    expect(declined(one, "reduce", () => one.reduce("sum", ints, [0], "int32"))).toEqual(
      Int32Array.of(6),
    );
  });
});

describe("argReduce", () => {
  /** Small integers (many ties), with NaNs planted where `nanEvery` says. */
  function tied(n: number, seed: number, nanEvery = 0): Float32Array {
    const x = Float32Array.from(values(n, seed), (v) => Math.round(v * 3));
    if (nanEvery > 0) x.forEach((_, i) => i % nanEvery === nanEvery - 1 && (x[i] = NaN));
    return x;
  }

  function expectSame(x: View, op: "max" | "min", axis: number, label: string): void {
    const got = inWasm(one, "argReduce", () => one.argReduce(op, x, axis));
    const want = jsBackend.argReduce(op, x, axis);
    expectUlps(got.values, want.values, 0, `${label} values`);
    expect(Array.from(got.indices), `${label} indices`).toEqual(Array.from(want.indices));
  }

  for (const op of ["max", "min"] as const) {
    test(`${op}: every axis and layout, ties keep the first index`, () => {
      const shape = [3, 4, 5, 6];
      for (const how of LAYOUTS) {
        const x = layout(tied(360, 11), shape, how);
        for (let axis = 0; axis < 4; axis++) expectSame(x, op, axis, `${op} ${how} axis ${axis}`);
      }
    });

    test(`${op}: long rows and columns (SIMD lanes), NaNs and signed zeros`, () => {
      for (const nanEvery of [0, 29, 3]) {
        for (const how of LAYOUTS) {
          expectSame(
            layout(tied(5 * 37, 3, nanEvery), [5, 37], how),
            op,
            1,
            `rows ${how} ${nanEvery}`,
          );
          expectSame(
            layout(tied(37 * 9, 4, nanEvery), [37, 9], how),
            op,
            0,
            `columns ${how} ${nanEvery}`,
          );
        }
      }
      const zeros = Float32Array.from({ length: 40 }, (_, i) => (i % 3 === 1 ? -0 : 0));
      expectSame(layout(zeros, [2, 20], "contiguous"), op, 1, "signed zeros");
      expectSame(
        layout(
          Float32Array.of(
            -Infinity,
            -Infinity,
            -Infinity,
            -Infinity,
            -Infinity,
            -Infinity,
            -Infinity,
            -Infinity,
            -Infinity,
          ),
          [9],
          "contiguous",
        ),
        op,
        0,
        "all −∞",
      );
      expectSame(
        layout(Float32Array.of(NaN, 1, 2, 3, NaN, 5, 6, 7, NaN), [9], "contiguous"),
        op,
        0,
        "leading NaN",
      );
    });
  }

  test("0-d inputs reduce as one-element vectors", () => {
    expectSame(layout(Float32Array.of(2.5), [1], "contiguous"), "max", 0, "one element");
  });
});

describe("two threads", () => {
  test("large reductions split over outputs and give the bits of one thread", () => {
    // 1.2–1.6 M elements each, enough to split
    const nchw = seeded([64, 16, 32, 49], 31, 4);
    const rows = seeded([4096, 301], 32, 4);
    const cols = seeded([301, 4096], 33, 4);
    const tiedRows = {
      ...rows,
      data: Float32Array.from(rows.data as Float32Array, (v) => Math.round(v)),
    };
    const calls: [string, (b: typeof one) => ArrayLike<number>][] = [
      ["sum over N, H, W", (b) => b.reduce("sum", nchw, [0, 2, 3], "float32")],
      ["sum over rows", (b) => b.reduce("sum", rows, [1], "float32")],
      ["sum over columns", (b) => b.reduce("sum", cols, [0], "float32")],
      ["max over rows", (b) => b.reduce("max", rows, [1], "float32")],
      ["min over columns", (b) => b.reduce("min", cols, [0], "float32")],
      ["prod over rows", (b) => b.reduce("prod", rows, [1], "float32")],
      ["argmax over rows", (b) => b.argReduce("max", tiedRows, 1).indices],
      ["argmin over columns", (b) => b.argReduce("min", cols, 0).indices],
    ];
    for (const [label, call] of calls) {
      const before = splits.count;
      const got = call(two);
      expect(splits.count, `${label} did not split`).toBeGreaterThan(before);
      expectUlps(got, call(one), 0, label);
    }
  });
});
