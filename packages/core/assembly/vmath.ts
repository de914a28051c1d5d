// float32 transcendental functions on four lanes for the elementwise kernels: Cephes'
// single-precision algorithms (exact range reduction, then a minimax polynomial). Plain multiply
// and add only, never the fused multiply-add, so both SIMD builds return the same bits. Errors
// against the correctly rounded result are a few ulps (measured in wasm-elementwise.test.ts).

// @ts-ignore: decorator
@inline const SIGN: i32 = 0x80000000;

// @ts-ignore: decorator
@inline
function mul(a: v128, b: v128): v128 {
  return f32x4.mul(a, b);
}

// @ts-ignore: decorator
@inline
function add(a: v128, b: v128): v128 {
  return f32x4.add(a, b);
}

// @ts-ignore: decorator
@inline
function k(x: f32): v128 {
  return f32x4.splat(x);
}

/** 2ⁿ for integer lanes n in [−126, 127], as float bits. */
// @ts-ignore: decorator
@inline
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/**
 * eˣ: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·C1 is exact), e^r by a degree-7
 * polynomial, then scaled by 2ⁿ in two steps so results near overflow and in the subnormal range
 * round once. x is clamped to [−104, 89] first (beyond, the result is 0 or ∞); NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  // pmin/pmax return their first operand when it is NaN, so NaN passes through the clamp
  const c = f32x4.pmin(f32x4.pmax(x, k(-104)), k(89));
  // adding 1.5·2²³ rounds x·log2(e) to an integer n (ties to even), kept in the low mantissa bits
  const t = add(mul(c, k(1.44269504088896341)), k(12582912));
  const n = f32x4.sub(t, k(12582912));
  const r = f32x4.sub(f32x4.sub(c, mul(n, k(0.693359375))), mul(n, k(-2.1219444e-4)));
  let p = k(1.98756915e-4);
  p = add(mul(p, r), k(1.3981999507e-3));
  p = add(mul(p, r), k(8.3334519073e-3));
  p = add(mul(p, r), k(4.1665795894e-2));
  p = add(mul(p, r), k(1.6666665459e-1));
  p = add(mul(p, r), k(5.0000001201e-1));
  const y = add(add(mul(p, mul(r, r)), r), k(1));
  const ni = i32x4.sub(t, i32x4.splat(0x4b400000));
  const n1 = i32x4.shr_s(ni, 1);
  return mul(mul(y, pow2(n1)), pow2(i32x4.sub(ni, n1)));
}

/**
 * ln x: x = m·2ᵉ with m in [√½, √2), ln(m) by a degree-9 polynomial in m − 1, plus e·ln2 (split in
 * two). Subnormals are scaled by 2²³ first. ln 0 = −∞, ln x<0 = NaN, ln ∞ = ∞.
 */
// @ts-ignore: decorator
@inline
export function log4(x: v128): v128 {
  const tiny = f32x4.lt(x, k(1.17549435e-38));
  const xs = v128.bitselect(mul(x, k(8388608)), x, tiny);
  const adj = v128.and(tiny, i32x4.splat(-23));
  let e = i32x4.sub(i32x4.shr_s(xs, 23), i32x4.splat(126));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, k(0.707106781186547524));
  e = i32x4.add(i32x4.add(e, adj), low); // low lanes are −1: e − 1
  const f = f32x4.sub(add(m, v128.and(m, low)), k(1)); // 2m − 1 or m − 1, both exact
  const fe = f32x4.convert_i32x4_s(e);
  const z = mul(f, f);
  let y = k(7.0376836292e-2);
  y = add(mul(y, f), k(-1.151461031e-1));
  y = add(mul(y, f), k(1.167699874e-1));
  y = add(mul(y, f), k(-1.2420140846e-1));
  y = add(mul(y, f), k(1.4249322787e-1));
  y = add(mul(y, f), k(-1.6668057665e-1));
  y = add(mul(y, f), k(2.0000714765e-1));
  y = add(mul(y, f), k(-2.4999993993e-1));
  y = add(mul(y, f), k(3.3333331174e-1));
  y = mul(mul(y, f), z);
  y = add(y, mul(fe, k(-2.1219444e-4)));
  y = f32x4.sub(y, mul(z, k(0.5)));
  let r = add(add(f, y), mul(fe, k(0.693359375)));
  r = v128.bitselect(k(-Infinity), r, f32x4.eq(x, k(0)));
  r = v128.bitselect(k(NaN), r, v128.or(f32x4.lt(x, k(0)), f32x4.ne(x, x)));
  return v128.bitselect(k(Infinity), r, f32x4.eq(x, k(Infinity)));
}

/**
 * tanh x: an odd polynomial for |x| < 0.625, else 1 − 2/(e^{2|x|} + 1); the sign of x is copied
 * onto the result (so tanh −0 = −0).
 */
// @ts-ignore: decorator
@inline
export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = mul(ax, ax);
  let p = k(-5.70498872745e-3);
  p = add(mul(p, z), k(2.06390887954e-2));
  p = add(mul(p, z), k(-5.37397155531e-2));
  p = add(mul(p, z), k(1.33314422036e-1));
  p = add(mul(p, z), k(-3.33332819422e-1));
  const small = add(mul(mul(p, z), ax), ax);
  const large = f32x4.sub(k(1), f32x4.div(k(2), add(exp4(add(ax, ax)), k(1))));
  const r = v128.bitselect(small, large, f32x4.lt(ax, k(0.625)));
  return v128.or(r, v128.and(x, i32x4.splat(SIGN)));
}

/**
 * The logistic 1/(1 + e⁻ˣ), computed as the reference does: 1/(1 + e^−|x|) for x ≥ 0 and
 * e/(1 + e) with e = e^−|x| below, so no large number is ever exponentiated.
 */
// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const d = add(k(1), e);
  return v128.bitselect(f32x4.div(k(1), d), f32x4.div(e, d), f32x4.ge(x, k(0)));
}
