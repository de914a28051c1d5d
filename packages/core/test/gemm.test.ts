/**
 * The blocked GEMM behind matmul and conv, at sizes that cross its register tile (4 × 4) and cache
 * blocks (KC = 256, MC = 128, NC = 2048), with strided operands and accumulation, against plain
 * triple loops.
 */
import { describe, expect, it } from "vitest";
import { gemm, type MatrixRef } from "../src/backend/js/gemm.js";
import { Generator, matmul, randn } from "../src/index.js";

/** Deterministic values in [−1, 1) (xorshift32). */
function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2147483648 - 1;
  }
  return out;
}

const at = (m: MatrixRef, i: number, j: number): number =>
  m.data[m.offset + i * m.rowStride + j * m.colStride]!;

/** Largest |C − (C₀ + A·B)| over the M × N result, by triple loops. */
function maxError(
  [M, N, K]: [number, number, number],
  a: MatrixRef,
  b: MatrixRef,
  c: Float64Array,
  c0: Float64Array | null,
  ldc: number,
): number {
  let err = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = c0 ? c0[i * ldc + j]! : 0;
      for (let k = 0; k < K; k++) s += at(a, i, k) * at(b, k, j);
      err = Math.max(err, Math.abs(c[i * ldc + j]! - s));
    }
  }
  return err;
}

describe("gemm", () => {
  it("multiplies across every block boundary (M > 128, N > 2048, K > 256)", () => {
    for (const [M, N, K] of [
      [133, 37, 301],
      [6, 2055, 9],
      [4, 4, 4],
    ] as [number, number, number][]) {
      const a = { data: values(M * K, 1), offset: 0, rowStride: K, colStride: 1 };
      const b = { data: values(K * N, 2), offset: 0, rowStride: N, colStride: 1 };
      const c = new Float64Array(M * N).fill(Number.NaN); // overwritten, not accumulated
      gemm(M, N, K, a, b, c, 0, N);
      expect(maxError([M, N, K], a, b, c, null, N), `${M} × ${N} × ${K}`).toBeLessThan(1e-12);
    }
  });

  it("reads transposed and offset operands and accumulates into a strided C", () => {
    const [M, N, K] = [9, 7, 263];
    // Aᵀ stored K × M, B stored with an offset and a row stride wider than N
    const a = { data: values(K * M, 3), offset: 0, rowStride: 1, colStride: M };
    const b = { data: values(5 + K * 11, 4), offset: 5, rowStride: 11, colStride: 1 };
    const ldc = 10;
    const c0 = values(M * ldc, 5);
    const c = Float64Array.from(c0);
    gemm(M, N, K, a, b, c, 0, ldc, true);
    expect(maxError([M, N, K], a, b, c, c0, ldc)).toBeLessThan(1e-12);
    // the columns past N are untouched
    for (let i = 0; i < M; i++)
      for (let j = N; j < ldc; j++) expect(c[i * ldc + j]).toBe(c0[i * ldc + j]);
  });

  it("reads float32 operands and handles K = 0", () => {
    const [M, N, K] = [6, 5, 3];
    const a = { data: Float32Array.from(values(M * K, 6)), offset: 0, rowStride: K, colStride: 1 };
    const b = { data: Float32Array.from(values(K * N, 7)), offset: 0, rowStride: N, colStride: 1 };
    const c = new Float64Array(M * N);
    gemm(M, N, K, a, b, c, 0, N);
    expect(maxError([M, N, K], a, b, c, null, N)).toBeLessThan(1e-12);
    const z = new Float64Array(4).fill(7);
    gemm(2, 2, 0, a, b, z, 0, 2);
    expect(Array.from(z)).toEqual([0, 0, 0, 0]);
  });
});

describe("matmul on the blocked GEMM", () => {
  it("matches loops for batched float32 and float64 operands with transposed views", () => {
    const gen = new Generator(3);
    for (const dtype of ["float32", "float64"] as const) {
      const x = randn([2, 37, 300], { dtype, generator: gen });
      const y = randn([2, 9, 300], { dtype, generator: gen }).transpose(1, 2); // [2, 300, 9]
      const out = matmul(x, y);
      expect(out.shape).toEqual([2, 37, 9]);
      expect(out.dtype).toBe(dtype);
      const xd = x.dataSync();
      const yd = y.contiguous().dataSync();
      const od = out.dataSync();
      let err = 0;
      for (let bt = 0; bt < 2; bt++)
        for (let i = 0; i < 37; i++)
          for (let j = 0; j < 9; j++) {
            let s = 0;
            for (let k = 0; k < 300; k++)
              s += xd[(bt * 37 + i) * 300 + k]! * yd[(bt * 300 + k) * 9 + j]!;
            err = Math.max(err, Math.abs(od[(bt * 37 + i) * 9 + j]! - s) / (1 + Math.abs(s)));
          }
      // float32 runs on the default backend, which may accumulate in float32 (wasm)
      expect(err).toBeLessThan(dtype === "float32" ? 2e-5 : 1e-12);
    }
  });
});
