import { allocate, type TypedArray } from "../../dtype.js";
import type { View } from "../backend.js";
import { contiguousData, vectorView } from "../strided.js";

/** [N, C, L] of an [N, C, ...] shape. */
function ncl(shape: readonly number[]): [number, number, number] {
  let l = 1;
  for (let i = 2; i < shape.length; i++) l *= shape[i]!;
  return [shape[0]!, shape[1]!, l];
}

/** A per-channel vector as a contiguous array, or a constant fill when absent. */
function perChannel(v: View | null, c: number, fill: number): Float64Array {
  const out = new Float64Array(c).fill(fill);
  if (v) {
    const d = contiguousData(v);
    for (let i = 0; i < c; i++) out[i] = d[i]!;
  }
  return out;
}

/** Per-channel mean and biased variance, two passes in float64. */
function batchNormStats(x: View): { mean: Float64Array; variance: Float64Array } {
  const [N, C, L] = ncl(x.shape);
  const d = contiguousData(x);
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const count = N * L;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * L;
      let s = 0;
      for (let l = 0; l < L; l++) s += d[base + l]!;
      mean[c]! += s;
    }
  }
  for (let c = 0; c < C; c++) mean[c]! /= count;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * L;
      const m = mean[c]!;
      let s = 0;
      for (let l = 0; l < L; l++) {
        const t = d[base + l]! - m;
        s += t * t;
      }
      variance[c]! += s;
    }
  }
  for (let c = 0; c < C; c++) variance[c]! /= count;
  return { mean, variance };
}

/** `(x − mean)·invstd·weight + bias` per channel. */
export function batchNormForward(
  x: View,
  mean: View,
  invstd: View,
  weight: View | null,
  bias: View | null,
): TypedArray {
  const [N, C, L] = ncl(x.shape);
  const d = contiguousData(x);
  const m = perChannel(mean, C, 0);
  const scale = perChannel(invstd, C, 1);
  const w = perChannel(weight, C, 1);
  const b = perChannel(bias, C, 0);
  for (let c = 0; c < C; c++) scale[c]! *= w[c]!;
  const out = allocate(x.dtype, N * C * L);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * L;
      const mc = m[c]!;
      const sc = scale[c]!;
      const bc = b[c]!;
      for (let l = 0; l < L; l++) out[base + l] = (d[base + l]! - mc) * sc + bc;
    }
  }
  return out;
}

/**
 * Fused batch-norm backward. With x̂ = (x − μ)·σ⁻¹, M = N·L:
 * gradWeight = Σ g·x̂, gradBias = Σ g, and gradInput = w·σ⁻¹·(g − Σg/M − x̂·Σ(g·x̂)/M) in
 * training (batch statistics depend on x), w·σ⁻¹·g in eval.
 */
export function batchNormBackward(
  grad: View,
  x: View,
  mean: View,
  invstd: View,
  weight: View | null,
  training: boolean,
  into?: TypedArray,
): { gradInput: TypedArray; gradWeight: TypedArray; gradBias: TypedArray } {
  const [N, C, L] = ncl(x.shape);
  const g = contiguousData(grad);
  const d = contiguousData(x);
  const m = perChannel(mean, C, 0);
  const is = perChannel(invstd, C, 1);
  const w = perChannel(weight, C, 1);
  const sumG = new Float64Array(C);
  const sumGX = new Float64Array(C); // Σ g·(x − μ)
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * L;
      const mc = m[c]!;
      let sg = 0;
      let sgx = 0;
      for (let l = 0; l < L; l++) {
        const gv = g[base + l]!;
        sg += gv;
        sgx += gv * (d[base + l]! - mc);
      }
      sumG[c]! += sg;
      sumGX[c]! += sgx;
    }
  }
  const gradWeight = allocate(x.dtype, C);
  const gradBias = allocate(x.dtype, C);
  const scale = new Float64Array(C); // w·σ⁻¹
  const meanG = new Float64Array(C); // Σg / M
  const proj = new Float64Array(C); // σ⁻²·Σ g·(x − μ) / M
  const count = N * L;
  for (let c = 0; c < C; c++) {
    gradWeight[c] = sumGX[c]! * is[c]!;
    gradBias[c] = sumG[c]!;
    scale[c] = w[c]! * is[c]!;
    if (training) {
      meanG[c] = sumG[c]! / count;
      proj[c] = (sumGX[c]! * is[c]! * is[c]!) / count;
    }
  }
  // the sums are done: each element of g is read just before its place in `into` is written
  const gradInput = into ?? allocate(x.dtype, N * C * L);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * L;
      const mc = m[c]!;
      const sc = scale[c]!;
      const mg = meanG[c]!;
      const pj = proj[c]!;
      for (let l = 0; l < L; l++) {
        gradInput[base + l] = sc * (g[base + l]! - mg - (d[base + l]! - mc) * pj);
      }
    }
  }
  return { gradInput, gradWeight, gradBias };
}

/** Statistics and output of training-mode batch norm (see the Backend interface). */
export function batchNormTraining(
  x: View,
  weight: View | null,
  bias: View | null,
  eps: number,
): { output: TypedArray; mean: Float64Array; variance: Float64Array; invstd: Float64Array } {
  const { mean, variance } = batchNormStats(x);
  const invstd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const output = batchNormForward(x, vectorView(mean), vectorView(invstd), weight, bias);
  return { output, mean, variance, invstd };
}
