import { contiguousStrides, isContiguous, numelOf } from "../../shape.js";
import type { BinaryOp, PartialBackend, UnaryOp, View } from "../backend.js";
import {
  CHEAP,
  collapse,
  place,
  placesInPlace,
  putGeometry,
  sameElements,
  takeU8,
  writeBack,
  type Placed,
} from "./operands.js";
import type { WasmRuntime } from "./runtime.js";

// Op codes of assembly/elementwise.ts.
const UNARY: { readonly [op in UnaryOp]?: number } = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  rsqrt: 4,
  abs: 5,
  sign: 6,
  sigmoid: 7,
  tanh: 8,
  relu: 9,
};
const ARITH: { readonly [op in BinaryOp]?: number } = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  pow: 6,
};
/** The arithmetic code of `reluBackward` (assembly/elementwise.ts, RELU_GRAD). */
const RELU_GRAD = 7;
const COMPARE: { readonly [op in BinaryOp]?: number } = {
  eq: 0,
  ne: 1,
  lt: 2,
  le: 3,
  gt: 4,
  ge: 5,
};

/** Work per element of the transcendental ops, in units of `CHEAP` (see operands.ts). */
const COST: { readonly [op in UnaryOp | BinaryOp]?: number } = {
  exp: 1.25,
  log: 2.5,
  rsqrt: 1.5,
  sigmoid: 2,
  tanh: 2.25,
  pow: 15,
};
/** Chunk edges of split calls fall on 16 elements (whole vectors, 64-byte lines of float32). */
const GRAIN = 16;

/**
 * The float32 elementwise kernels: unary ops (sin, cos and erf decline), arithmetic and
 * comparisons over broadcast or strided operands, `where`, strided copies and assignment. Results
 * are bitwise equal to the JS reference except exp, log, tanh and sigmoid (SIMD polynomials, a few
 * ulps) and pow (float64 pow, rounded as the reference rounds).
 */
export function elementwiseKernels(rt: WasmRuntime): PartialBackend["kernels"] {
  /**
   * Runs arithmetic code `code` over placed operands into a float32 output (written over an
   * operand's copy when that operand is laid out as the output is) and copies the result out.
   */
  function arithmetic(
    code: number,
    a: View,
    pa: Placed,
    b: View,
    pb: Placed,
    g: number,
    n: number,
    work: number,
    into?: Float32Array,
  ): Float32Array {
    const out = isContiguous(a.shape, a.strides)
      ? pa.address
      : isContiguous(b.shape, b.strides)
        ? pb.address
        : rt.arena.alloc(n * 4);
    rt.split("binaryF32", [code, pa.address, pb.address, out, g], n, work, GRAIN);
    return rt.resultF32(out, n, into);
  }

  /** The elements of a non-empty float32 view, contiguous in the arena. */
  function contiguousIn(x: View, n: number): number {
    if (isContiguous(x.shape, x.strides)) return rt.put(x);
    const src = place(rt, x);
    const out = rt.arena.alloc(n * 4);
    const c = collapse(x.shape, [src.strides]);
    const [nd, st] = [c.shape.length, c.strides[0]!];
    if ((nd === 2 || nd === 3) && st[nd - 2] === 1 && Math.abs(st[nd - 1]!) > 1) {
      // a transpose of the last two dims (batched): 4×4 tiles
      const [rows, cols, sj] = [c.shape[nd - 2]!, c.shape[nd - 1]!, st[nd - 1]!];
      const sb = nd === 3 ? st[0]! : 0;
      const total = n / cols;
      rt.split("transposeF32", [src.address, out, rows, cols, sb, sj], total, n * CHEAP, 4);
    } else {
      const g = putGeometry(rt, x.shape, [src.strides, contiguousStrides(x.shape)]);
      rt.split("copyF32", [src.address, out, g], n, n * CHEAP, GRAIN);
    }
    return out;
  }

  return {
    unary(op, x) {
      const code = UNARY[op];
      if (code === undefined) return null;
      const n = numelOf(x.shape);
      if (n === 0) return new Float32Array(0);
      return rt.arena.scope(() => {
        const at = contiguousIn(x, n);
        rt.split("unaryF32", [code, at, at], n, n * (COST[op] ?? CHEAP), GRAIN);
        return rt.takeF32(at, n);
      });
    },

    binary(op, a, b) {
      const arith = ARITH[op];
      const cmp = COMPARE[op];
      if (b.dtype !== "float32" || (arith === undefined && cmp === undefined)) return null;
      const n = numelOf(a.shape);
      if (n === 0) return arith === undefined ? new Uint8Array(0) : new Float32Array(0);
      return rt.arena.scope(() => {
        const pa = place(rt, a);
        const pb = sameElements(a, b) ? pa : place(rt, b);
        const g = putGeometry(rt, a.shape, [pa.strides, pb.strides]);
        const work = n * (COST[op] ?? CHEAP);
        if (arith === undefined) {
          const out = rt.arena.alloc(n);
          rt.split("compareF32", [cmp!, pa.address, pb.address, out, g], n, work, GRAIN);
          return takeU8(rt, out, n);
        }
        return arithmetic(arith, a, pa, b, pb, g, n, work);
      });
    },

    reluBackward(grad, out, into) {
      if (out.dtype !== "float32" || (into && !(into instanceof Float32Array))) return null;
      const n = numelOf(grad.shape);
      if (n === 0) return new Float32Array(0);
      return rt.arena.scope(() => {
        const pa = place(rt, grad);
        const pb = place(rt, out);
        const g = putGeometry(rt, grad.shape, [pa.strides, pb.strides]);
        return arithmetic(RELU_GRAD, grad, pa, out, pb, g, n, n * CHEAP, into);
      });
    },

    where(cond, a, b) {
      if (cond.dtype !== "bool" || b.dtype !== "float32") return null;
      const n = numelOf(a.shape);
      if (n === 0) return new Float32Array(0);
      return rt.arena.scope(() => {
        const pc = place(rt, cond);
        const pa = place(rt, a);
        const pb = place(rt, b);
        const g = putGeometry(rt, a.shape, [pc.strides, pa.strides, pb.strides]);
        const out = isContiguous(a.shape, a.strides)
          ? pa.address
          : isContiguous(b.shape, b.strides)
            ? pb.address
            : rt.arena.alloc(n * 4);
        rt.split("whereF32", [pc.address, pa.address, pb.address, out, g], n, n * CHEAP, GRAIN);
        return rt.takeF32(out, n);
      });
    },

    copy(x, dtype) {
      if (dtype !== "float32") return null; // casts stay on the reference
      const n = numelOf(x.shape);
      if (isContiguous(x.shape, x.strides))
        return (x.data as Float32Array).slice(x.offset, x.offset + n);
      return rt.arena.scope(() => rt.takeF32(contiguousIn(x, n), n));
    },

    assign(dst, src) {
      if (src.dtype !== "float32") return null;
      const n = numelOf(dst.shape);
      if (n === 0) return;
      if (isContiguous(dst.shape, dst.strides) && isContiguous(src.shape, src.strides)) {
        // a block copy: nothing for the kernels to add
        dst.data.set(src.data.subarray(src.offset, src.offset + n), dst.offset);
        return;
      }
      if (!placesInPlace(dst)) return null;
      rt.arena.scope(() => {
        const ps = place(rt, src);
        const pd = place(rt, dst);
        const g = putGeometry(rt, dst.shape, [ps.strides, pd.strides]);
        rt.split("copyF32", [ps.address, pd.address, g], n, n * CHEAP, GRAIN);
        writeBack(rt, dst, pd);
      });
    },
  };
}
