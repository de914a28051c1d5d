/**
 * Shared by the wasm GEMM and conv tests: backends built explicitly at one and two threads (the
 * two-thread one counts the jobs its pool ran), float32 views of seeded values, and a float32
 * tolerance check against the float64 JS reference.
 */
import { expect } from "vitest";
import type { View } from "../src/backend/backend.js";
import { createNodePool } from "../src/backend/wasm/pool-node.js";
import { createWasmBackend } from "../src/backend/wasm/index.js";
import { compileKernelsSync, createMemory } from "../src/backend/wasm/module.js";
import type { ThreadPool } from "../src/backend/wasm/runtime.js";
import { contiguousStrides, numelOf } from "../src/shape.js";

const compiled = compileKernelsSync();

/** The wasm backend on the calling thread only. */
export const oneThread = createWasmBackend(compiled, null);

const memory = createMemory();
const inner = createNodePool(compiled, memory, 2);
/** Jobs the two-thread pool has run (kernels split across both threads), and the last one's export. */
export const poolJobs = { count: 0, last: "" };
const counting: ThreadPool = {
  size: inner.size,
  run(fn, args, total, grain) {
    poolJobs.count++;
    poolJobs.last = fn;
    inner.run(fn, args, total, grain);
  },
};
/** Split from 2¹⁸ units of work (production: 2²²), so test-sized calls exercise the pool. */
const TEST_SPLIT = { splitMinWork: 1 << 18 };
/** The wasm backend on two threads. */
export const twoThreads = createWasmBackend(compiled, counting, memory, TEST_SPLIT);

/** Seeded values in [−scale, scale) (xorshift32), rounded to float32. */
export function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2147483648 - 1) * scale;
  }
  return out;
}

/** A view over `data` with the given shape and strides (contiguous by default). */
export function view(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  strides: readonly number[] = contiguousStrides(shape),
  offset = 0,
): View {
  return {
    data,
    dtype: data instanceof Float32Array ? "float32" : "float64",
    shape,
    strides,
    offset,
  };
}

/** The same view over float64 copies of its data (or of their absolute values). */
export function widen(v: View, abs = false): View {
  const data = Float64Array.from(v.data as Float32Array, (x) => (abs ? Math.abs(x) : x));
  return { ...v, data, dtype: "float64" };
}

/** A contiguous float32 array of `shape` filled with seeded values. */
export function tensor(shape: readonly number[], seed: number): View {
  return view(values(numelOf(shape), seed), shape);
}

/**
 * Checks a float32 result against the float64 reference element by element, within `rtol` of
 * the sum of absolute products behind each element (`scale`, the reference run on |operands|),
 * which bounds what float32 rounding can do to a sum of products of any sign.
 */
export function expectClose(
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  scale: ArrayLike<number>,
  label: string,
  rtol = 1e-5,
): void {
  expect(got.length, label).toBe(ref.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i]! - ref[i]!) / (scale[i]! + 1e-30);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label}: worst at ${at}: ${got[at]} vs ${ref[at]}`).toBeLessThanOrEqual(rtol);
}

/** Asserts two float32 results are bitwise identical. */
export function expectSameBits(a: Float32Array, b: Float32Array, label: string): void {
  expect(a.length, label).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let diff = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) diff++;
  expect(diff, `${label}: elements differing between 1 and 2 threads`).toBe(0);
}
