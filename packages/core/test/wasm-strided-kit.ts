/**
 * Shared by the wasm elementwise and reduction tests: the wasm backend built explicitly at one and
 * two threads (the two-thread one counts the jobs its pool split), float32 and bool views in
 * several memory layouts over seeded values, and comparisons against the JS reference.
 */
import { expect } from "vitest";
import type { KernelName } from "../src/index.js";
import type { View } from "../src/backend/backend.js";
import { contiguousStrides, numelOf } from "../src/shape.js";
import { oneThread, poolJobs, twoThreads, values } from "./wasm-kernel-kit.js";

export { values };

/** The wasm backend on the calling thread only. */
export const one = oneThread;
/** The wasm backend on two threads, splitting test-sized calls (see wasm-kernel-kit.ts). */
export const two = twoThreads;
/** Calls the two-thread pool has split across its threads. */
export const splits = poolJobs;

/** How a test view lays its elements out in storage. */
export type Layout = "contiguous" | "transposed" | "strided" | "reversed";
export const LAYOUTS: readonly Layout[] = ["contiguous", "transposed", "strided", "reversed"];

/**
 * A view of `shape` whose elements (row-major) are `data`, stored as `layout` says: contiguous;
 * transposed (storage in reversed dim order, the view permuted back); strided (every other slot
 * of a larger storage, from offset 1, gaps filled with 777); reversed (negative strides).
 */
export function layout(
  data: Float32Array | Uint8Array,
  shape: readonly number[],
  how: Layout,
): View {
  const n = numelOf(shape);
  const nd = shape.length;
  const dtype = data instanceof Float32Array ? "float32" : "bool";
  const make = (len: number) => (dtype === "float32" ? new Float32Array(len) : new Uint8Array(len));
  const idx = (p: number) => {
    const out: number[] = [];
    for (let d = nd - 1; d >= 0; d--) {
      out.unshift(p % shape[d]!);
      p = Math.floor(p / shape[d]!);
    }
    return out;
  };
  const logical = contiguousStrides(shape);
  let strides: number[];
  let offset = 0;
  let size = n;
  if (how === "transposed") {
    const rev = [...shape].reverse();
    strides = contiguousStrides(rev).reverse();
  } else if (how === "strided") {
    strides = logical.map((s) => 2 * s);
    offset = 1;
    size = 2 * n + 1;
  } else if (how === "reversed") {
    strides = logical.map((s) => -s);
    offset = n - 1;
  } else {
    strides = logical;
  }
  const store = make(size);
  if (how === "strided") store.fill(777);
  for (let p = 0; p < n; p++) {
    const at = idx(p).reduce((o, i, d) => o + i * strides[d]!, offset);
    store[at] = data[p]!;
  }
  return { data: store, dtype, shape, strides, offset };
}

/** A contiguous float32 view of seeded values. */
export function seeded(shape: readonly number[], seed: number, scale = 1): View {
  return layout(values(numelOf(shape), seed, scale), shape, "contiguous");
}

/** A stride-0 broadcast of `v` to `shape` (NumPy rules). */
export function broadcast(v: View, shape: readonly number[]): View {
  const lead = shape.length - v.shape.length;
  const strides = shape.map((s, i) =>
    i < lead || (v.shape[i - lead] === 1 && s !== 1) ? 0 : v.strides[i - lead]!,
  );
  return { ...v, shape, strides };
}

/** Distance in units in the last place between two float32 values (0 for two NaNs). */
export function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const f = new Float32Array([a, b]);
  const [x, y] = Array.from(new Int32Array(f.buffer), (u) => (u < 0 ? -(u & 0x7fffffff) : u));
  return Math.abs(x! - y!);
}

/** Asserts every element is within `maxUlps` (0: identical bits, with NaN equal to NaN). */
export function expectUlps(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  maxUlps: number,
  label: string,
): void {
  expect(got.length, label).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const same = Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]));
    const d = same ? 0 : maxUlps === 0 ? Infinity : ulps(got[i]!, want[i]!);
    if (d > worst) [worst, at] = [d, i];
  }
  const fmt = (v: number | undefined) => (Object.is(v, -0) ? "-0" : String(v));
  expect(
    worst,
    `${label}: worst at ${at}: ${fmt(got[at])} vs ${fmt(want[at])}`,
  ).toBeLessThanOrEqual(maxUlps);
}

/** Runs `fn` on `backend` and asserts that its `kernel` ran in wasm, never in the fallback. */
export function inWasm<T>(backend: typeof one, kernel: KernelName, fn: () => T): T {
  backend.resetCounts();
  const out = fn();
  const c = backend.counts.get(kernel)!;
  expect(c.fallback, `${kernel} fell back to the reference`).toBe(0);
  expect(c.fast, `${kernel} did not run`).toBeGreaterThan(0);
  return out;
}

/** Runs `fn` on `backend` and asserts that its `kernel` declined the call. */
export function declined<T>(backend: typeof one, kernel: KernelName, fn: () => T): T {
  backend.resetCounts();
  const out = fn();
  expect(backend.counts.get(kernel)!.fallback, `${kernel} should decline`).toBeGreaterThan(0);
  return out;
}
