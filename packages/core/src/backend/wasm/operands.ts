import type { TypedArray } from "../../dtype.js";
import { contiguousStrides, isContiguous, numelOf } from "../../shape.js";
import type { View } from "../backend.js";
import { contiguousCopy } from "../strided.js";
import { takeOut, type WasmRuntime } from "./runtime.js";

/**
 * How operands of the strided kernels (elementwise.ts, reduce.ts) get into the arena: a view is
 * copied as the one block of its storage it spans, and the kernel reads it through its own
 * strides, so broadcast operands (stride 0) stay small and transposed ones cost one block copy,
 * not a JavaScript gather. The kernels' shapes travel as a geometry block of int32 (dims merged
 * where every operand allows it), described at the top of assembly/elementwise.ts and reduce.ts.
 */

/**
 * Work of one copy-speed element (≈ 0.35 ns here) in the runtime's units for `split`: a quarter
 * of an element visit, so cheap calls split across threads from about a million elements (≈ 0.3
 * ms of kernel on one thread, where the 45–100 µs of waking a worker pays).
 */
export const CHEAP = 0.25;

/** An operand in the arena: the byte address of its element at index 0, and its strides. */
export interface Placed {
  readonly address: number;
  readonly strides: readonly number[];
}

/** The storage range a non-empty view touches: first element and element count. */
function spanOf(v: View): { first: number; count: number } {
  let lo = v.offset;
  let hi = v.offset;
  v.shape.forEach((size, d) => {
    const reach = v.strides[d]! * (size - 1);
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  return { first: lo, count: hi - lo + 1 };
}

/** Views spanning more than this many times their size are compacted in JavaScript first. */
const MAX_SPREAD = 2;

/** Copies `count` elements of `data` from `first` into fresh arena space; returns its address. */
function putRange(rt: WasmRuntime, data: TypedArray, first: number, count: number): number {
  const bytes = count * data.BYTES_PER_ELEMENT;
  const at = rt.arena.alloc(bytes);
  const src = new Uint8Array(data.buffer, data.byteOffset + first * data.BYTES_PER_ELEMENT, bytes);
  new Uint8Array(rt.arena.memory.buffer, at, bytes).set(src);
  return at;
}

/** Copies a float32 or bool view into the arena (see the top of this file). */
export function place(rt: WasmRuntime, v: View): Placed {
  const n = numelOf(v.shape);
  if (n === 0) return { address: rt.arena.alloc(0), strides: contiguousStrides(v.shape) };
  const { first, count } = spanOf(v);
  if (count > MAX_SPREAD * n + 64 && !isContiguous(v.shape, v.strides)) {
    // a sparse view (a strided slice of a large tensor): gather it rather than copy the gaps
    return {
      address: putRange(rt, contiguousCopy(v, v.dtype), 0, n),
      strides: contiguousStrides(v.shape),
    };
  }
  const address =
    putRange(rt, v.data, first, count) + (v.offset - first) * v.data.BYTES_PER_ELEMENT;
  return { address, strides: v.strides };
}

/** Both views address the same elements, so one arena copy serves both. */
export function sameElements(a: View, b: View): boolean {
  return (
    a.data === b.data &&
    a.offset === b.offset &&
    a.strides.every((s, d) => s === b.strides[d] || a.shape[d] === 1)
  );
}

/**
 * Writes a view back from the arena copy `place` made of it (a view that `place` did not compact:
 * check with `placesInPlace`).
 */
export function writeBack(rt: WasmRuntime, v: View, placed: Placed): void {
  const { first, count } = spanOf(v);
  const size = v.data.BYTES_PER_ELEMENT;
  const at = placed.address - (v.offset - first) * size;
  new Uint8Array(v.data.buffer, v.data.byteOffset + first * size, count * size).set(
    new Uint8Array(rt.arena.memory.buffer, at, count * size),
  );
}

/** Whether `place` copies the view's span as is (so `writeBack` can return it). */
export function placesInPlace(v: View): boolean {
  return isContiguous(v.shape, v.strides) || spanOf(v).count <= MAX_SPREAD * numelOf(v.shape) + 64;
}

/**
 * Merges adjacent dims that every operand walks as one (`strides[k][d] = strides[k][d+1]·size`)
 * and drops size-1 dims; the result has at least one dim.
 */
export function collapse(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  shape.forEach((size, d) => {
    if (size === 1) return;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, k) => outStrides[k]![last] === st[d]! * size)) {
      outShape[last]! *= size;
      strides.forEach((st, k) => (outStrides[k]![last] = st[d]!));
    } else {
      outShape.push(size);
      strides.forEach((st, k) => outStrides[k]!.push(st[d]!));
    }
  });
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((st) => st.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/** Writes int32 `values` into the arena and returns the address. */
export function putInts(rt: WasmRuntime, values: readonly number[]): number {
  const at = rt.arena.alloc(values.length * 4);
  rt.arena.i32(at, values.length).set(values);
  return at;
}

/**
 * The geometry of an elementwise walk over `shape` (row-major output positions) with one stride
 * list per operand: `[nd, shape, strides of operand 0, strides of operand 1, ...]`.
 */
export function putGeometry(
  rt: WasmRuntime,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): number {
  const c = collapse(shape, strides);
  return putInts(rt, [c.shape.length, ...c.shape, ...c.strides.flat()]);
}

/** A fresh byte array holding `n` bytes at `address`. */
export function takeU8(rt: WasmRuntime, address: number, n: number): Uint8Array {
  return takeOut(rt.arena.memory, address, n, Uint8Array);
}
