/**
 * The wasm backend's packed SIMD GEMM behind matmul, against the float64 JS reference: shapes that
 * cross its 4 × 8 register tile and its cache blocks (KC = 256, MC = 128, NC = 1024), transposed,
 * strided, offset and broadcast operands, and bitwise-equal results on one and two threads.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { View } from "../src/backend/backend.js";
import { jsBackend } from "../src/backend/js/index.js";
import { configureFastCheck } from "./spec-harness.js";
import {
  expectClose,
  expectSameBits,
  oneThread,
  poolJobs,
  twoThreads,
  values,
  view,
  widen,
} from "./wasm-kernel-kit.js";

type Layout = "row" | "transposed" | "strided" | "reversed";

/**
 * A [B, R, C] operand of seeded values laid out as asked: a stride-2 slice for "strided",
 * negative strides (rows and columns read backwards) for "reversed".
 */
function operand(B: number, R: number, C: number, layout: Layout, seed: number): View {
  if (layout === "row") return view(values(B * R * C, seed), [B, R, C]);
  if (layout === "transposed") return view(values(B * R * C, seed), [B, R, C], [R * C, 1, R]);
  if (layout === "reversed") {
    return view(values(B * R * C, seed), [B, R, C], [R * C, -C, -1], R * C - 1);
  }
  // every other column of a [B, R, 2C + 1] buffer, starting one element in
  const w = 2 * C + 1;
  return view(values(B * R * w, seed), [B, R, C], [R * w, w, 2], 1);
}

/** Runs wasm matmul on one thread and checks it against the float64 reference. */
function check(a: View, b: View, label: string): Float32Array {
  const fast = oneThread.counts.get("matmul")!.fast;
  const got = oneThread.matmul(a, b) as Float32Array;
  expect(oneThread.counts.get("matmul")!.fast, `${label} ran in wasm`).toBe(fast + 1);
  const ref = jsBackend.matmul(widen(a), widen(b));
  const scale = jsBackend.matmul(widen(a, true), widen(b, true));
  expectClose(got, ref, scale, label);
  return got;
}

configureFastCheck(40);

const LAYOUTS: Layout[] = ["row", "transposed", "strided", "reversed"];

describe(`wasm matmul (${oneThread.simd} SIMD)`, () => {
  test("random shapes and layouts match the reference", () => {
    const dim = (max: number) => fc.integer({ min: 1, max });
    const layout = fc.constantFrom(...LAYOUTS);
    fc.assert(
      fc.property(dim(3), dim(40), dim(40), dim(300), layout, layout, (B, M, N, K, la, lb) => {
        check(
          operand(B, M, K, la, 13),
          operand(B, K, N, lb, 14),
          `${B}×${M}×${N}×${K} ${la}/${lb}`,
        );
      }),
    );
  });

  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [1, 4, 8, 16], // exactly one tile
    [1, 3, 5, 7], // smaller than a tile
    [2, 9, 17, 33], // edge tiles both ways
    [1, 33, 37, 301], // K > KC
    [1, 133, 19, 40], // M > MC
    [1, 6, 1030, 9], // N > NC
    [3, 17, 19, 23],
    [1, 64, 64, 64],
  ];
  test.each(shapes)("[%i, %i, K] × [K, %i] with K = %i, row-major", (B, M, N, K) => {
    check(operand(B, M, K, "row", 1), operand(B, K, N, "row", 2), `${B}×${M}×${N}×${K}`);
  });

  const layouts: [Layout, Layout][] = [
    ["transposed", "row"],
    ["row", "transposed"],
    ["transposed", "transposed"],
    ["strided", "row"],
    ["row", "strided"],
    ["strided", "transposed"],
    ["reversed", "row"],
    ["row", "reversed"],
  ];
  test.each(layouts)("A %s, B %s, across tile and K-block edges", (la, lb) => {
    for (const [B, M, N, K] of [
      [1, 37, 29, 263],
      [2, 8, 16, 12],
    ] as const) {
      check(operand(B, M, K, la, 3), operand(B, K, N, lb, 4), `${la}/${lb} ${B}×${M}×${N}×${K}`);
    }
  });

  test("a batch-broadcast operand (stride 0) and a transposed linear weight", () => {
    const shared = view(values(20 * 30, 5), [4, 20, 30], [0, 30, 1]);
    check(operand(4, 11, 20, "row", 6), shared, "broadcast B");
    check(
      view(values(11 * 20, 7), [3, 11, 20], [0, 20, 1]),
      operand(3, 20, 13, "row", 8),
      "broadcast A",
    );
    // x · Wᵀ of a Linear(1568 → 10) at batch 100
    const w = values(10 * 1568, 9);
    check(operand(1, 100, 1568, "row", 10), view(w, [1, 1568, 10], [0, 1, 1568]), "linear");
  });

  test("K = 0 gives zeros; empty outputs are empty", () => {
    const out = oneThread.matmul(
      view(new Float32Array(0), [2, 3, 0]),
      view(new Float32Array(0), [2, 0, 4]),
    );
    expect(Array.from(out)).toEqual(new Array(24).fill(0));
    expect(
      oneThread.matmul(view(new Float32Array(0), [1, 0, 5]), operand(1, 5, 3, "row", 1)).length,
    ).toBe(0);
  });

  test("two threads split large products and give the same bits as one", () => {
    for (const [B, M, N, K, la, lb] of [
      [1, 200, 150, 300, "row", "row"], // rows dealt to threads
      [1, 24, 800, 280, "row", "transposed"], // columns dealt to threads
      [5, 30, 64, 500, "transposed", "row"], // batch entries dealt to threads
    ] as const) {
      const a = operand(B, M, K, la, 11);
      const b = operand(B, K, N, lb, 12);
      const before = poolJobs.count;
      const two = twoThreads.matmul(a, b) as Float32Array;
      expect(poolJobs.count, `${B}×${M}×${N}×${K} was split`).toBe(before + 1);
      expectSameBits(oneThread.matmul(a, b) as Float32Array, two, `${B}×${M}×${N}×${K}`);
    }
  });
});
