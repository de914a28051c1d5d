import { allocate, type TypedArray } from "../../dtype.js";
import { numelOf } from "../../shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import { contiguousData, forEachRow } from "../strided.js";

/**
 * The error function to double precision: its Maclaurin series for |x| < 2.5, and the continued
 * fraction for erfc beyond (both converge to ~1e-15 there). Polynomial fits (~1e-7) are too
 * coarse for float64 gradient checks of `gelu`.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), evaluated bottom-up
  let f = ax;
  for (let k = 80; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** Elementwise unary kernel over any view. */
export function unary(op: UnaryOp, x: View): TypedArray {
  const a = contiguousData(x);
  const n = a.length;
  const o = allocate(x.dtype, n);
  switch (op) {
    case "neg":
      for (let i = 0; i < n; i++) o[i] = -a[i]!;
      break;
    case "exp":
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]!);
      break;
    case "log":
      for (let i = 0; i < n; i++) o[i] = Math.log(a[i]!);
      break;
    case "sqrt":
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]!);
      break;
    case "rsqrt":
      for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(a[i]!);
      break;
    case "abs":
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]!);
      break;
    case "sign":
      for (let i = 0; i < n; i++) o[i] = Math.sign(a[i]!);
      break;
    case "sin":
      for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]!);
      break;
    case "cos":
      for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]!);
      break;
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        // stable for large |v|: never exponentiate a large positive number
        if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          o[i] = e / (1 + e);
        }
      }
      break;
    case "tanh":
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]!);
      break;
    case "relu":
      for (let i = 0; i < n; i++) o[i] = a[i]! <= 0 ? 0 : a[i]!; // NaN stays NaN, as in PyTorch
      break;
    case "erf":
      for (let i = 0; i < n; i++) o[i] = erf(a[i]!);
      break;
  }
  return o;
}

/** One output row of `op(a, b)`: `n` elements, operands read with strides `sa`, `sb`. */
function binaryRow(
  op: BinaryOp,
  int: boolean,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ao: number,
  sa: number,
  b: TypedArray,
  bo: number,
  sb: number,
  n: number,
): void {
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! + b[bo]!;
      break;
    case "sub":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! - b[bo]!;
      break;
    case "mul":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! * b[bo]!;
      break;
    case "div":
      // integer division only arises for int32 inputs that the ops layer did not promote
      if (int)
        for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = Math.floor(a[ao]! / b[bo]!);
      else for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! / b[bo]!;
      break;
    case "pow":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = Math.pow(a[ao]!, b[bo]!);
      break;
    case "maximum":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) {
        const x = a[ao]!;
        const y = b[bo]!;
        o[oo + i] = x >= y || Number.isNaN(x) ? x : y;
      }
      break;
    case "minimum":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) {
        const x = a[ao]!;
        const y = b[bo]!;
        o[oo + i] = x <= y || Number.isNaN(x) ? x : y;
      }
      break;
    case "eq":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao] === b[bo] ? 1 : 0;
      break;
    case "ne":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao] !== b[bo] ? 1 : 0;
      break;
    case "lt":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! < b[bo]! ? 1 : 0;
      break;
    case "le":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! <= b[bo]! ? 1 : 0;
      break;
    case "gt":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! > b[bo]! ? 1 : 0;
      break;
    case "ge":
      for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! >= b[bo]! ? 1 : 0;
      break;
  }
}

/** Elementwise binary kernel; `a` and `b` have the same shape and dtype (any strides). */
export function binary(op: BinaryOp, a: View, b: View): TypedArray {
  const n = numelOf(a.shape);
  const isCmp =
    op === "eq" || op === "ne" || op === "lt" || op === "le" || op === "gt" || op === "ge";
  const o = allocate(isCmp ? "bool" : a.dtype, n);
  const int = a.dtype === "int32";
  let at = 0;
  forEachRow(a.shape, [a.strides, b.strides], [a.offset, b.offset], (offs, len, inner) => {
    binaryRow(op, int, o, at, a.data, offs[0]!, inner[0]!, b.data, offs[1]!, inner[1]!, len);
    at += len;
  });
  return o;
}

/** `grad` where `out > 0`, else 0: relu's gradient through its output. */
export function reluBackward(grad: View, out: View, into?: TypedArray): TypedArray {
  // each element is read before it is written, so `into` may be grad's own memory
  const o = into ?? allocate(grad.dtype, numelOf(grad.shape));
  const [gd, yd] = [grad.data, out.data];
  let at = 0;
  forEachRow(
    grad.shape,
    [grad.strides, out.strides],
    [grad.offset, out.offset],
    (offs, len, inner) => {
      let [pg, py] = offs as [number, number];
      const [sg, sy] = inner as [number, number];
      for (let i = 0; i < len; i++, pg += sg, py += sy) o[at + i] = yd[py]! > 0 ? gd[pg]! : 0;
      at += len;
    },
  );
  return o;
}

/** `cond ? a : b` elementwise (any strides). */
export function where(cond: View, a: View, b: View): TypedArray {
  const o = allocate(a.dtype, numelOf(a.shape));
  const [c, ad, bd] = [cond.data, a.data, b.data];
  let at = 0;
  forEachRow(
    a.shape,
    [cond.strides, a.strides, b.strides],
    [cond.offset, a.offset, b.offset],
    (offs, len, inner) => {
      let [pc, pa, pb] = offs as [number, number, number];
      const [sc, sa, sb] = inner as [number, number, number];
      for (let i = 0; i < len; i++, pc += sc, pa += sa, pb += sb)
        o[at + i] = c[pc] ? ad[pa]! : bd[pb]!;
      at += len;
    },
  );
  return o;
}
