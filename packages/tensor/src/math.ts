/**
 * Scalar math the kernels share and JavaScript lacks: erf, the exact GELU and its derivative. Accurate to about
 * 1e-15 in float64, because gradient checks difference these functions in float64.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function. |x| < 3: its Maclaurin series Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), summed until the
 * terms vanish. |x| ≥ 3: 1 − erfc(x), with erfc from its continued fraction
 * erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) evaluated bottom-up, which
 * converges fast for large x (Abramowitz & Stegun 7.1.14).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  let frac = ax;
  for (let k = 60; k >= 1; k--) frac = ax + k / 2 / frac;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / frac;
  return Math.sign(x) * (1 - erfc);
}

/** GELU, exact form: x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016; PyTorch's default). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/**
 * GELU's derivative d[x·Φ(x)]/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π) the normal density, with Φ(x)
 * read back from the output y = x·Φ(x) as y/x (½ where |x| < 2⁻⁶⁰: there Φ is ½ to any float's
 * precision, and y/x could have lost bits to underflow).
 */
export function geluGradFromOutput(x: number, y: number): number {
  const cdf = Math.abs(x) < 2 ** -60 ? 0.5 : y / x;
  return cdf + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
}

export function sigmoid(x: number): number {
  // written so that exp never overflows: for x < 0 use e^x / (1 + e^x)
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
