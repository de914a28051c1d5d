// Shared SIMD helpers. `ASC_FEATURE_RELAXED_SIMD` is a compile-time constant, so each build keeps
// exactly one branch: the relaxed build fuses multiply-add, the plain one rounds twice.

/** a·b + c on four lanes (fused in the relaxed-SIMD build). */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Which SIMD variant this module was built as: 1 = relaxed (FMA), 0 = plain. */
export function simdVariant(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
