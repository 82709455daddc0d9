/**
 * acc + a·b on four lanes. Where the runtime validates relaxed SIMD, the relaxed build uses
 * `f32x4.relaxed_madd` (one fused multiply-add on hardware with FMA: one rounding instead of two);
 * the portable build multiplies then adds. `ASC_FEATURE_RELAXED_SIMD` is a compile-time constant, so
 * each build contains only its own branch.
 */
// @inline
export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}
