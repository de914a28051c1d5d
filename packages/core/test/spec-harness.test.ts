/** Tests of the op-test harness: layouts really are non-contiguous, and mismatches are caught. */
import { describe, expect, test } from "vitest";
import { tensor } from "../src/index.js";
import type { Arg } from "./op-specs.js";
import { assertMatches, buildArgs, refArgs } from "./spec-harness.js";

const data = [1, 2, 3, 4, 5, 6];
const arg = (layout: Arg["layout"]): Arg => ({ shape: [2, 3], data, layout });
const tol = { atol: 1e-12, rtol: 1e-10 };

describe("spec harness", () => {
  test.each(["contiguous", "transposed", "strided"] as const)(
    "%s layout holds the case's values in row-major order",
    (layout) => {
      const [x] = buildArgs([arg(layout)], "float64");
      expect(x!.isContiguous()).toBe(layout === "contiguous");
      expect(x!.shape).toEqual([2, 3]);
      expect(x!.toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(x!.requiresGrad).toBe(true);
      if (layout === "strided") expect(x!.offset).toBe(1);
    },
  );

  test("a 0-d strided arg is a view with an offset", () => {
    const [x] = buildArgs([{ shape: [], data: [2.5], layout: "strided" }], "float32");
    expect([x!.dim(), x!.offset, x!.item(), x!.dtype]).toEqual([0, 1, 2.5, "float32"]);
  });

  test("int and bool args keep their kinds and never require grad", () => {
    const [i, b] = buildArgs(
      [
        { shape: [2], data: [1, 0], kind: "int" },
        { shape: [2], data: [1, 0], kind: "bool" },
      ],
      "float64",
    );
    expect([i!.dtype, i!.requiresGrad, b!.dtype, b!.requiresGrad]).toEqual([
      "int32",
      false,
      "bool",
      false,
    ]);
  });

  test("float32 reference inputs are rounded like the tensors", () => {
    expect(refArgs([{ shape: [1], data: [0.1] }], true)[0]!.data).toEqual([Math.fround(0.1)]);
  });

  test("catches wrong values, shapes and dtypes", () => {
    const ref = { shape: [3], data: [1, 2, 3] };
    const good = tensor([1, 2, 3], { dtype: "float64" });
    expect(() => assertMatches("op", good, ref, "float64", tol)).not.toThrow();
    const off = tensor([1, 2, 3 + 1e-6], { dtype: "float64" });
    expect(() => assertMatches("op", off, ref, "float64", tol)).toThrow(/1 of 3 values differ/);
    expect(() => assertMatches("op", good.reshape([3, 1]), ref, "float64", tol)).toThrow(/shape/);
    expect(() => assertMatches("op", good.float(), ref, "float64", tol)).toThrow(/dtype float32/);
    const mask = { shape: [3], data: [1, 0, 1], dtype: "bool" as const };
    expect(() => assertMatches("op", good, mask, "float64", tol)).toThrow(/expected bool/);
  });

  test("an op that ignores strides fails against the reference", () => {
    const [x] = buildArgs([arg("transposed")], "float64");
    const naive = tensor(Array.from(x!.data), { dtype: "float64" }).reshape([2, 3]);
    const ref = refArgs([arg("transposed")])[0]!;
    expect(() => assertMatches("naive", naive, ref, "float64", tol)).toThrow(/values differ/);
  });
});
