/**
 * The wasm backend's float32 elementwise kernels (unary, binary, comparisons, where, copy, assign)
 * against the JS reference: bitwise equal, except exp/log/tanh (≤ 1 ulp) and sigmoid (≤ 2 ulps),
 * on 0-d and size-1 dims, broadcast pairs, transposed, strided and reversed layouts and sizes that
 * are not multiples of 4; large calls split across two threads give the same bits as one thread.
 */
import { describe, expect, test } from "vitest";
import type { BinaryOp, UnaryOp, View } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { contiguousStrides, numelOf } from "../src/shape.js";
import {
  LAYOUTS,
  broadcast,
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

/** Float32 values that exercise the edges: signed zeros, infinities, NaN, subnormals, huge. */
const SPECIAL = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  1e-45,
  -1e-40,
  3e38,
  -3e38,
  1,
  -1,
  0.5,
  88.7,
  -103,
];

const UNARY_ULPS: { readonly [op in UnaryOp]?: number } = { exp: 1, log: 1, tanh: 1, sigmoid: 2 };
const UNARY: readonly UnaryOp[] = [
  "neg",
  "exp",
  "log",
  "sqrt",
  "rsqrt",
  "abs",
  "sign",
  "sigmoid",
  "tanh",
  "relu",
];
const ARITH: readonly BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum", "pow"];
const COMPARE: readonly BinaryOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];

const SHAPES = [[], [1], [7], [3, 1, 5], [2, 3, 4, 5], [5, 33]];

/** `data` widened to the range an op wants (log and sqrt see mostly positive values). */
function unaryInput(op: UnaryOp, shape: readonly number[], seed: number): Float32Array {
  const scale = op === "exp" ? 30 : op === "tanh" || op === "sigmoid" ? 8 : 4;
  const x = values(numelOf(shape), seed, scale);
  if (op === "log" || op === "sqrt" || op === "rsqrt") x.forEach((v, i) => (x[i] = v + 3));
  return x;
}

describe("unary", () => {
  for (const op of UNARY) {
    test(`${op}: every shape and layout`, () => {
      for (const shape of SHAPES) {
        for (const how of LAYOUTS) {
          const x = layout(unaryInput(op, shape, shape.length + 3), shape, how);
          const got = inWasm(one, "unary", () => one.unary(op, x));
          expectUlps(got, jsBackend.unary(op, x), UNARY_ULPS[op] ?? 0, `${op} [${shape}] ${how}`);
        }
      }
    });
  }

  test("special values", () => {
    const x = layout(Float32Array.from(SPECIAL), [SPECIAL.length], "contiguous");
    for (const op of UNARY) {
      const got = inWasm(one, "unary", () => one.unary(op, x));
      expectUlps(got, jsBackend.unary(op, x), UNARY_ULPS[op] ?? 0, op);
    }
  });

  test("sin, cos and erf decline to the reference", () => {
    const x = seeded([9], 1);
    for (const op of ["sin", "cos", "erf"] as const) {
      expect(declined(one, "unary", () => one.unary(op, x))).toEqual(jsBackend.unary(op, x));
    }
  });
});

/** Pairs of operand shapes that broadcast to the first, as the ops layer passes them. */
const PAIRS: readonly [number[], number[], number[]][] = [
  [
    [6, 5],
    [6, 5],
    [6, 5],
  ], // same shape
  [[3, 7], [3, 7], []], // a scalar on the right
  [[3, 7], [], [3, 7]], // ... and on the left
  [[], [], []], // 0-d
  [
    [2, 3, 4, 5],
    [2, 3, 4, 5],
    [1, 3, 1, 1],
  ], // per channel
  [[4, 9], [4, 9], [9]], // a row
  [
    [4, 9],
    [4, 9],
    [4, 1],
  ], // a column
  [
    [4, 9],
    [4, 1],
    [1, 9],
  ], // an outer sum
  [
    [5, 1, 3],
    [5, 1, 3],
    [1, 1, 3],
  ], // size-1 dims
];

/** Operands with edge values sprinkled in (every 7th element of a, every 5th of b). */
function operands(pair: readonly number[][], seed: number): [Float32Array, Float32Array] {
  const a = values(numelOf(pair[1]!), seed, 3);
  const b = values(numelOf(pair[2]!), seed + 1, 3);
  a.forEach((_, i) => i % 7 === 3 && (a[i] = SPECIAL[i % SPECIAL.length]!));
  b.forEach((_, i) => i % 5 === 2 && (b[i] = SPECIAL[(3 * i) % SPECIAL.length]!));
  return [a, b];
}

describe("binary", () => {
  for (const op of [...ARITH, ...COMPARE]) {
    test(`${op}: broadcast pairs in every layout`, () => {
      PAIRS.forEach((pair, k) => {
        const [da, db] = operands(pair, 10 + k);
        for (const how of LAYOUTS) {
          const a = broadcast(layout(da, pair[1]!, how), pair[0]!);
          const b = broadcast(layout(db, pair[2]!, LAYOUTS[(k + 1) % 4]!), pair[0]!);
          const got = inWasm(one, "binary", () => one.binary(op, a, b));
          expectUlps(got, jsBackend.binary(op, a, b), 0, `${op} ${JSON.stringify(pair)} ${how}`);
        }
      });
    });
  }

  test("every pair of edge values (signed zeros, infinities, NaN, subnormals)", () => {
    const m = SPECIAL.length;
    const a = broadcast(layout(Float32Array.from(SPECIAL), [m, 1], "contiguous"), [m, m]);
    const b = broadcast(layout(Float32Array.from(SPECIAL), [1, m], "contiguous"), [m, m]);
    for (const op of [...ARITH, ...COMPARE]) {
      const got = inWasm(one, "binary", () => one.binary(op, a, b));
      expectUlps(got, jsBackend.binary(op, a, b), 0, op);
    }
  });

  test("an operand used twice (x·x) and integer powers of negative bases", () => {
    const x = layout(Float32Array.from([-2, -1.5, 0, 3, NaN, -0, 7, 1]), [8], "contiguous");
    expectUlps(one.binary("mul", x, x), jsBackend.binary("mul", x, x), 0, "x·x");
    const y = layout(
      Float32Array.from([2, 3, -1, 0.5, 0, NaN, Infinity, -Infinity]),
      [8],
      "strided",
    );
    expectUlps(one.binary("pow", x, y), jsBackend.binary("pow", x, y), 0, "pow");
    const ones = layout(Float32Array.from([1, -1, 1, -1]), [4], "contiguous");
    const inf = layout(Float32Array.from([NaN, Infinity, -Infinity, NaN]), [4], "contiguous");
    expectUlps(one.binary("pow", ones, inf), jsBackend.binary("pow", ones, inf), 0, "pow edges");
  });

  test("other dtypes go to the reference", () => {
    const i = {
      data: Int32Array.from([1, 2, 3]),
      dtype: "int32",
      shape: [3],
      strides: [1],
      offset: 0,
    } as const;
    expect(declined(one, "binary", () => one.binary("add", i, i))).toEqual(
      Int32Array.from([2, 4, 6]),
    );
  });
});

describe("where", () => {
  test("mask, values and broadcast scalars in every layout", () => {
    const shape = [3, 5, 6];
    const mask = Uint8Array.from(values(90, 4), (v) => (v > 0 ? 1 : 0));
    for (const how of LAYOUTS) {
      const c = layout(mask, shape, how);
      const cases: [View, View][] = [
        [layout(values(90, 5), shape, how), layout(values(90, 6), shape, "contiguous")],
        [seeded(shape, 7), broadcast(layout(Float32Array.of(0), [], how), shape)],
        [broadcast(seeded([6], 8), shape), seeded(shape, 9)],
        [broadcast(seeded([5, 1], 8), shape), broadcast(seeded([1], 2), shape)],
      ];
      for (const [a, b] of cases) {
        const got = inWasm(one, "where", () => one.where(c, a, b));
        expectUlps(got, jsBackend.where(c, a, b), 0, `where ${how}`);
      }
      const scalarMask = broadcast(layout(Uint8Array.of(1), [1], how), shape);
      const [a, b] = [seeded(shape, 1), seeded(shape, 2)];
      expectUlps(one.where(scalarMask, a, b), jsBackend.where(scalarMask, a, b), 0, "mask scalar");
    }
  });
});

describe("copy and assign", () => {
  test("copy: permuted, strided, reversed and expanded views", () => {
    for (const shape of SHAPES) {
      for (const how of LAYOUTS) {
        const x = layout(values(numelOf(shape), 3), shape, how);
        const got = inWasm(one, "copy", () => one.copy(x, "float32"));
        expectUlps(got, jsBackend.copy(x, "float32"), 0, `copy [${shape}] ${how}`);
      }
    }
    const nchw = seeded([2, 3, 4, 5], 5);
    const nhwc: View = { ...nchw, shape: [2, 4, 5, 3], strides: [60, 5, 1, 20] };
    expectUlps(one.copy(nhwc, "float32"), jsBackend.copy(nhwc, "float32"), 0, "NCHW → NHWC");
    const wide = broadcast(seeded([3, 1], 6), [3, 11]);
    expectUlps(one.copy(wide, "float32"), jsBackend.copy(wide, "float32"), 0, "expanded");
  });

  test("copy: casts decline to the reference", () => {
    const x = seeded([5], 1);
    expect(declined(one, "copy", () => one.copy(x, "int32"))).toEqual(jsBackend.copy(x, "int32"));
  });

  test("assign: into contiguous, transposed and strided destinations", () => {
    const shape = [4, 6, 5];
    for (const how of LAYOUTS) {
      for (const src of [
        seeded(shape, 2),
        layout(values(120, 3), shape, "transposed"),
        broadcast(seeded([5], 4), shape),
      ]) {
        const want = layout(values(120, 9), shape, how);
        const got = { ...want, data: want.data.slice() };
        jsBackend.assign(want, src);
        inWasm(one, "assign", () => one.assign(got, src));
        expectUlps(got.data, want.data, 0, `assign ${how}`);
      }
    }
  });
});

describe("two threads", () => {
  // 1.6 M elements, enough to split; rows of 49 keep the vector loops' tails busy
  const shape = [64, 16, 32, 49];
  const n = numelOf(shape);

  test("large calls split across both threads and give the bits of one thread", () => {
    const x = layout(values(n, 21, 4), shape, "contiguous");
    const y = layout(values(n, 22, 4), shape, "contiguous");
    const bias = broadcast(seeded([1, 16, 1, 1], 23), shape);
    const xt: View = { ...x, shape: [64, 32, 49, 16], strides: [16 * 32 * 49, 49, 1, 32 * 49] };
    const odd: View = { ...seeded([1203, 1201], 24), shape: [1201, 1203], strides: [1, 1201] };
    const mask = Uint8Array.from(x.data as Float32Array, (v) => (v > 0 ? 1 : 0));
    const cond = layout(mask, shape, "contiguous");
    const zero = broadcast(layout(Float32Array.of(0), [], "contiguous"), shape);
    const calls: [string, (b: typeof one) => ArrayLike<number>][] = [
      ["relu", (b) => b.unary("relu", x)],
      ["exp", (b) => b.unary("exp", x)],
      ["tanh (transposed)", (b) => b.unary("tanh", xt)],
      ["add (per channel)", (b) => b.binary("add", x, bias)],
      ["mul", (b) => b.binary("mul", x, y)],
      ["gt", (b) => b.binary("gt", x, zero)],
      ["where", (b) => b.where(cond, y, zero)],
      ["copy (NCHW → NHWC)", (b) => b.copy(xt, "float32")],
      ["copy (odd matrix transpose)", (b) => b.copy(odd, "float32")],
    ];
    for (const [label, call] of calls) {
      const before = splits.count;
      const got = call(two);
      expect(splits.count, `${label} did not split`).toBeGreaterThan(before);
      expectUlps(got, call(one), 0, label);
    }
    const dst: View = {
      ...seeded([...shape].reverse(), 3),
      shape,
      strides: contiguousStrides([...shape].reverse()).reverse(),
    };
    const dst1 = { ...dst, data: dst.data.slice() };
    const before = splits.count;
    two.assign(dst, y);
    expect(splits.count).toBeGreaterThan(before);
    one.assign(dst1, y);
    expectUlps(dst.data, dst1.data, 0, "assign (transposed)");
  });
});
