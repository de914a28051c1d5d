// Unary float32 kernels over a contiguous run [start, end) of elements (a pool may split any
// call; each element is computed the same way whatever the split). Op codes are shared with
// src/backend/wasm/elementwise.ts.
import { exp4, log4, sigmoid4, tanh4 } from "./vmath";

const NEG = 0;
const EXP = 1;
const LOG = 2;
const SQRT = 3;
const RSQRT = 4;
const ABS = 5;
const SIGN = 6;
const SIGMOID = 7;
const TANH = 8;
const RELU = 9;

// ---------------------------------------------------------------------------------------------
// Unary

// @ts-ignore: decorator
@inline
function unaryOp(op: i32, x: v128): v128 {
  switch (op) {
    case NEG:
      return f32x4.neg(x);
    case EXP:
      return exp4(x);
    case LOG:
      return log4(x);
    case SQRT:
      return f32x4.sqrt(x);
    case RSQRT: {
      // in float64, as the reference: 1/√x rounded twice there, then once to float32
      const lo = f64x2.promote_low_f32x4(x);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3));
      const one = f64x2.splat(1);
      const rlo = f32x4.demote_f64x2_zero(f64x2.div(one, f64x2.sqrt(lo)));
      const rhi = f32x4.demote_f64x2_zero(f64x2.div(one, f64x2.sqrt(hi)));
      return v128.shuffle<f32>(rlo, rhi, 0, 1, 4, 5);
    }
    case ABS:
      return f32x4.abs(x);
    case SIGN: {
      // ±1 with the sign of x where x is nonzero and not NaN; x itself (±0, NaN) elsewhere
      const one = v128.or(v128.and(x, i32x4.splat(0x80000000)), f32x4.splat(1));
      return v128.bitselect(
        one,
        x,
        v128.or(f32x4.lt(x, f32x4.splat(0)), f32x4.gt(x, f32x4.splat(0))),
      );
    }
    case SIGMOID:
      return sigmoid4(x);
    case TANH:
      return tanh4(x);
    case RELU:
      // NaN stays NaN and −0 becomes +0, as the reference's `x <= 0 ? 0 : x`
      return f32x4.max(x, f32x4.splat(0));
  }
  return x;
}

// @ts-ignore: decorator
@inline
function unaryRun(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, unaryOp(op, v128.load(x + o)));
  }
  for (; i < end; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, f32x4.extract_lane(unaryOp(op, f32x4.splat(load<f32>(x + o))), 0));
  }
}

/** out[i] = op(x[i]) for i in [start, end); `out` may equal `x`. */
export function unaryF32(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  switch (op) {
    case NEG:
      unaryRun(NEG, x, out, start, end);
      break;
    case EXP:
      unaryRun(EXP, x, out, start, end);
      break;
    case LOG:
      unaryRun(LOG, x, out, start, end);
      break;
    case SQRT:
      unaryRun(SQRT, x, out, start, end);
      break;
    case RSQRT:
      unaryRun(RSQRT, x, out, start, end);
      break;
    case ABS:
      unaryRun(ABS, x, out, start, end);
      break;
    case SIGN:
      unaryRun(SIGN, x, out, start, end);
      break;
    case SIGMOID:
      unaryRun(SIGMOID, x, out, start, end);
      break;
    case TANH:
      unaryRun(TANH, x, out, start, end);
      break;
    case RELU:
      unaryRun(RELU, x, out, start, end);
      break;
  }
}
