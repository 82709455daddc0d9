/**
 * Transcendental functions on four float32 lanes, accurate to a few units in the last place over the
 * whole float32 range (the wasm tests check them against float64 on dense grids). WebAssembly SIMD has
 * only +, −, ×, ÷ and √, so each function is a range reduction plus a series:
 *
 * - exp: x = n·ln2 + r with |r| ≤ ln2/2 (Cody & Waite's split of ln2 into a short high part and a
 *   correction keeps r exact), e^r by its Taylor series to r⁷ (truncation below 6e-9), times 2ⁿ built
 *   from exponent bits.
 * - log: x = 2ᵉ·m with m in [√½, √2), log m = 2·atanh(s) with s = (m−1)/(m+1), |s| < 0.172, by the odd
 *   series 2(s + s³/3 + s⁵/5 + …).
 * - erf: its Maclaurin series below 1.5; above, 1 − erfc(z) with erfc(z) = t·e^(−z²)·e^(P(t)),
 *   t = 1/(1 + z/2), P a degree-9 Chebyshev fit (Numerical Recipes' `erfcc`).
 * - tanh, sigmoid and GELU are written in terms of those.
 *
 * Every function takes and returns v128 and is inlined into the loops that call it.
 */

// @inline
function splat(x: f32): v128 {
  return f32x4.splat(x);
}

// @inline
function mulAdd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * a/b rounded once to float32. (A literal quotient written inside `<f32>(…)` would be typed float32
 * operand by operand, rounding each literal first; this keeps the arithmetic in float64.)
 */
// @inline
function ratio(a: f64, b: f64): f32 {
  return <f32>(a / b);
}

const SIGN_MASK = i32x4.splat(0x80000000);
const LOG2E: f32 = <f32>Math.LOG2E;
const LN2: f64 = Math.LN2;
/** 355/512: nine significant bits, so n·LN2_HI is exact for every n that reaches here. */
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = <f32>(LN2 - <f64>LN2_HI);

/** The sign of `sign` on the magnitude of `mag`. */
// @inline
export function copySign(mag: v128, sign: v128): v128 {
  return v128.or(v128.andnot(mag, SIGN_MASK), v128.and(sign, SIGN_MASK));
}

/** 2ⁿ for integer lanes n in [−126, 127], from the exponent bits. */
// @inline
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/** 1.5·2²³: adding it to a float below 2²² in magnitude rounds that float to an integer in the low mantissa bits. */
const ROUNDER: f32 = 12582912;

// @inline
export function expV(x: v128): v128 {
  // e^89 overflows and e^−104 underflows to 0; clamping keeps n in range. (pmax/pmin are one
  // instruction each; with x first they return x when it is NaN, so NaN propagates.)
  const xc = f32x4.pmin(f32x4.pmax(x, splat(-104)), splat(89));
  // n = round(x·log2 e), as a float and, from the bits of the rounded sum, as an integer
  const t = mulAdd(xc, splat(LOG2E), splat(ROUNDER));
  const n = f32x4.sub(t, splat(ROUNDER));
  return expReduced(f32x4.sub(f32x4.sub(xc, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO))), i32x4.sub(t, splat(ROUNDER)));
}

/**
 * e^(hi + lo) without rounding hi + lo first: hi carries the size (it may be large, and must be exact),
 * lo a small correction. Only n = round((hi + lo)·log2 e) is taken from the rounded sum; the reduced
 * argument r = hi − n·ln2 + lo is formed from hi itself, where hi − n·LN2_HI is exact. (`expV` is this
 * with lo = 0, written apart so that every exp does not pay for adding a zero.)
 */
// @inline
function expSum(hi: v128, lo: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(hi, splat(-104)), splat(89));
  const t = mulAdd(f32x4.add(xc, lo), splat(LOG2E), splat(ROUNDER));
  const n = f32x4.sub(t, splat(ROUNDER));
  const r = f32x4.add(f32x4.sub(f32x4.sub(xc, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO))), lo);
  return expReduced(r, i32x4.sub(t, splat(ROUNDER)));
}

/** 2ⁿ·e^r for the reduced argument |r| ≤ ln2/2: e^r by its Taylor series to r⁷ (truncation below 6e-9). */
// @inline
function expReduced(r: v128, n: v128): v128 {
  let p = mulAdd(splat(ratio(1.0, 5040)), r, splat(ratio(1.0, 720)));
  p = mulAdd(p, r, splat(ratio(1.0, 120)));
  p = mulAdd(p, r, splat(ratio(1.0, 24)));
  p = mulAdd(p, r, splat(ratio(1.0, 6)));
  p = mulAdd(p, r, splat(0.5));
  p = mulAdd(p, r, splat(1));
  p = mulAdd(p, r, splat(1));
  // 2ⁿ as two factors, so that n in [−150, 128] gives subnormals and infinity with one final rounding
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(p, pow2(n1)), pow2(i32x4.sub(n, n1)));
}

// @inline
export function logV(x: v128): v128 {
  // subnormals are scaled by 2^23 into the normal range first
  const tiny = f32x4.lt(x, splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608)), x, tiny);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, splat(<f32>Math.SQRT2));
  m = v128.bitselect(f32x4.mul(m, splat(0.5)), m, big);
  e = i32x4.sub(e, big); // big is −1 where true
  const f = f32x4.sub(m, splat(1));
  const s = f32x4.div(f, f32x4.add(f, splat(2)));
  const z = f32x4.mul(s, s);
  let p = mulAdd(splat(ratio(2.0, 9)), z, splat(ratio(2.0, 7)));
  p = mulAdd(p, z, splat(ratio(2.0, 5)));
  p = mulAdd(p, z, splat(ratio(2.0, 3)));
  const logm = f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, z), p));
  const ef = f32x4.convert_i32x4_s(e);
  let y = mulAdd(ef, splat(LN2_HI), f32x4.add(logm, f32x4.mul(ef, splat(LN2_LO))));
  y = v128.bitselect(splat(-Infinity), y, f32x4.eq(x, splat(0)));
  y = v128.bitselect(splat(NaN), y, f32x4.lt(x, splat(0)));
  // +∞ and NaN map to themselves
  return v128.bitselect(x, y, v128.or(f32x4.ne(x, x), f32x4.eq(x, splat(Infinity))));
}

// @inline
export function tanhV(x: v128): v128 {
  const a = f32x4.abs(x);
  const small = f32x4.lt(a, splat(0.5));
  let y = splat(0);
  if (v128.any_true(small)) {
    // odd Taylor series x − x³/3 + 2x⁵/15 − …, whose terms shrink 10× per step for |x| < 0.5
    const z = f32x4.mul(x, x);
    let p = mulAdd(splat(ratio(-929569.0, 638512875)), z, splat(ratio(21844.0, 6081075)));
    p = mulAdd(p, z, splat(ratio(-1382.0, 155925)));
    p = mulAdd(p, z, splat(ratio(62.0, 2835)));
    p = mulAdd(p, z, splat(ratio(-17.0, 315)));
    p = mulAdd(p, z, splat(ratio(2.0, 15)));
    p = mulAdd(p, z, splat(ratio(-1.0, 3)));
    y = copySign(mulAdd(f32x4.mul(x, z), p, x), x); // copySign keeps tanh(−0) = −0
  }
  if (!v128.all_true<i32>(small)) {
    // 1 − 2/(e^2|x| + 1): no cancellation, since tanh ≥ 0.46 here
    const e = expV(f32x4.add(a, a));
    const big = copySign(f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1)))), x);
    y = v128.bitselect(y, big, small);
  }
  return y;
}

// @inline
export function sigmoidV(x: v128): v128 {
  // e^−|x| never overflows: 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) for x < 0
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.div(splat(1), f32x4.add(splat(1), e));
  return v128.bitselect(d, f32x4.mul(e, d), f32x4.ge(x, splat(0)));
}

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
/** erf below this is the Maclaurin series; above, 1 − erfc by the continued fraction. */
const SERIES_LIMIT: f32 = 1.5;

/**
 * erf(z) for |z| < 1.5: (2/√π) Σ (−1)ⁿ z^(2n+1) / (n!·(2n+1)), n = 0…16 (the last term is below 1e-9).
 */
// @inline
function erfSeries(z: v128): v128 {
  const z2 = f32x4.mul(z, z);
  let p = splat(ratio(TWO_OVER_SQRT_PI, 20922789888000.0 * 33));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 1307674368000.0 * 31)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 87178291200.0 * 29)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 6227020800.0 * 27)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 479001600.0 * 25)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 39916800.0 * 23)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 3628800.0 * 21)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 362880.0 * 19)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 40320.0 * 17)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 5040.0 * 15)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 720.0 * 13)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 120.0 * 11)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 24.0 * 9)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 6.0 * 7)));
  p = mulAdd(p, z2, splat(ratio(TWO_OVER_SQRT_PI, 2.0 * 5)));
  p = mulAdd(p, z2, splat(ratio(-TWO_OVER_SQRT_PI, 3)));
  p = mulAdd(p, z2, splat(<f32>TWO_OVER_SQRT_PI));
  return f32x4.mul(p, z);
}

/**
 * e^(−s·w² + c) for s = 1 or ½ and a small c, without the error of rounding w²: an error δ in the
 * exponent becomes a relative error δ in the result, ~1e-5 at w² = 70. So w is split into wh (its top
 * 12 bits, so s·wh² is exact) and the rest: s·w² = s·wh² + d with d = s·(w − wh)(w + wh) < 0.05, and
 * `expSum` takes −s·wh² and c − d apart.
 */
// @inline
function expMinusSquarePlus(w: v128, s: f32, c: v128): v128 {
  const wh = v128.and(w, i32x4.splat(0xfffff000));
  const d = f32x4.mul(f32x4.mul(f32x4.sub(w, wh), f32x4.add(w, wh)), splat(s));
  return expSum(f32x4.neg(f32x4.mul(f32x4.mul(wh, wh), splat(s))), f32x4.sub(c, d));
}

/**
 * erfc(z) for z ≥ 0, where z² = s·w² (erf: w = z, s = 1; GELU: w = |x|, s = ½, z = w/√2 rounded, so
 * the exponent is taken from the exact w). Numerical Recipes' Chebyshev fit (Press et al., Numerical
 * Recipes in C, 2nd ed., §6.2, `erfcc`): erfc(z) = t·e^(−z² + P(t)) with t = 1/(1 + z/2) and P a
 * polynomial of degree 9, fractional error below 1.2e-7 for every z ≥ 0 (1.04e-7 measured in float64
 * on [0, 20]), so the left tail of GELU keeps its relative accuracy. One division and one exp: a
 * quarter of the continued fraction it replaces. w is capped where erfc has underflowed.
 */
// @inline
function erfcFit(z: v128, w: v128, s: f32): v128 {
  const t = f32x4.div(splat(1), mulAdd(f32x4.pmin(z, splat(10)), splat(0.5), splat(1)));
  let p = mulAdd(splat(0.17087277), t, splat(-0.82215223));
  p = mulAdd(p, t, splat(1.48851587));
  p = mulAdd(p, t, splat(-1.13520398));
  p = mulAdd(p, t, splat(0.27886807));
  p = mulAdd(p, t, splat(-0.18628806));
  p = mulAdd(p, t, splat(0.09678418));
  p = mulAdd(p, t, splat(0.37409196));
  p = mulAdd(p, t, splat(1.00002368));
  p = mulAdd(p, t, splat(-1.26551223));
  return f32x4.mul(t, expMinusSquarePlus(f32x4.pmin(w, splat(s === 1 ? 10 : 14.1421356)), s, p));
}

// @inline
export function erfV(x: v128): v128 {
  const z = f32x4.abs(x);
  const inSeries = f32x4.lt(z, splat(SERIES_LIMIT));
  let y = splat(0);
  if (v128.any_true(inSeries)) y = erfSeries(z);
  if (!v128.all_true<i32>(inSeries)) y = v128.bitselect(y, f32x4.sub(splat(1), erfcFit(z, z, 1)), inSeries);
  return copySign(y, x);
}

/**
 * The standard normal CDF Φ(x) = (1 + erf(x/√2))/2 for x ≥ 0 and erfc(|x|/√2)/2 for x < 0 — using erfc
 * on the negative side keeps the small values of the left tail accurate. The series and the fit are
 * each computed at most once per vector, and only if some lane needs them (with activations of the
 * size of a standard normal, most vectors need only the series: one lane of four has |x| > 2.12 in one vector in eight).
 */
// @inline
function normalCdfV(x: v128): v128 {
  const w = f32x4.abs(x);
  const z = f32x4.mul(w, splat(<f32>Math.SQRT1_2));
  const inSeries = f32x4.lt(z, splat(SERIES_LIMIT));
  let erf = splat(0);
  let erfc = splat(0);
  if (v128.any_true(inSeries)) {
    erf = erfSeries(z);
    erfc = f32x4.sub(splat(1), erf);
  }
  if (!v128.all_true<i32>(inSeries)) {
    const c = erfcFit(z, w, 0.5);
    erf = v128.bitselect(erf, f32x4.sub(splat(1), c), inSeries);
    erfc = v128.bitselect(erfc, c, inSeries);
  }
  const twice = v128.bitselect(f32x4.add(splat(1), erf), erfc, f32x4.ge(x, splat(0)));
  return f32x4.mul(twice, splat(0.5));
}

/** GELU, exact form: x·Φ(x). */
// @inline
export function geluV(x: v128): v128 {
  return f32x4.mul(x, normalCdfV(x));
}

/**
 * GELU's derivative Φ(x) + x·φ(x) given its output y = x·Φ(x): Φ is read back as y/x (½ where
 * |x| < 2⁻⁶⁰, there exact to float32 while y/x may have lost bits to underflow), so the erf is not
 * computed again; φ(x) = e^(−x²/2)/√(2π) the normal density.
 */
// @inline
export function geluGradV(x: v128, y: v128): v128 {
  const cdf = v128.bitselect(splat(0.5), f32x4.div(y, x), f32x4.lt(f32x4.abs(x), splat(8.673617379884035e-19)));
  const density = f32x4.mul(expV(f32x4.mul(f32x4.mul(x, x), splat(-0.5))), splat(<f32>0.3989422804014327));
  return f32x4.add(cdf, f32x4.mul(x, density));
}
