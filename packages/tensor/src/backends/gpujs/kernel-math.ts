/**
 * Scalar functions the kernels call, written in the small JavaScript subset gpu.js translates to WGSL,
 * GLSL and WebAssembly: numbers only, `Math.*`, `if` and `?:`, no closures, no `NaN` or `Infinity`
 * literals. Each is also a plain TypeScript function, so it is tested on the CPU against the reference.
 *
 * Every value in a kernel is a float32, including indices: integers are exact up to 2^24, which is why
 * the backend caps a buffer at 2^24 elements. A GPU's float division may be off by a few units in the
 * last place (WGSL allows 2.5 ULP), so an integer quotient is rounded and then corrected.
 */

/** floor(a / b) for integer-valued a and b > 0, exact even when the division itself is not. */
export function divFloor(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) {
    q = q - 1;
  } else if (r >= b) {
    q = q + 1;
  }
  return q;
}

/**
 * erfc(z) for z ≥ 0, fractional error below 1.2e-7 everywhere: the Chebyshev fit of Press, Teukolsky,
 * Vetterling & Flannery, Numerical Recipes in C, 2nd ed. (1992), §6.2, function `erfcc`.
 */
function erfcPositive(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-z * z + p);
}

/**
 * The error function to float32 accuracy. |x| < 0.5: the Maclaurin series
 * erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) to n = 6 (the next term is below 1e-9 relative);
 * beyond, 1 − erfc(|x|), which has no cancellation there because erfc(0.5) ≈ 0.48.
 */
export function erf32(x: number): number {
  const a = Math.abs(x);
  if (a < 0.5) {
    const x2 = x * x;
    return (
      x *
      (1.1283791670955126 +
        x2 *
          (-0.37612638903183754 +
            x2 *
              (0.11283791670955126 +
                x2 * (-0.02686617064513125 + x2 * (0.005223977625442188 + x2 * (-0.0008548327023450852 + x2 * 0.00012055332981789664))))))
    );
  }
  const e = 1 - erfcPositive(a);
  return x < 0 ? -e : e;
}

/**
 * GELU, exact form x·Φ(x) = x/2·(1 + erf(x/√2)). For x/√2 < −0.5, 1 + erf would cancel (it is tiny),
 * so use the identity 1 + erf(−z) = erfc(z) and keep full relative accuracy in the left tail.
 */
export function gelu32(x: number): number {
  const z = x * Math.SQRT1_2;
  if (z < -0.5) {
    return 0.5 * x * erfcPositive(-z);
  }
  return 0.5 * x * (1 + erf32(z));
}

/** GELU's derivative Φ(x) + x·φ(x) given its output y = x·Φ(x): Φ = y/x (½ where |x| < 2⁻⁶⁰), as `geluGradFromOutput`. */
export function geluGrad32(x: number, y: number): number {
  let cdf = 0.5;
  if (Math.abs(x) >= 8.673617379884035e-19) {
    cdf = y / x;
  }
  return cdf + x * Math.exp(-0.5 * x * x) * 0.3989422804014327;
}

/** The logistic function, arranged so exp never overflows (as the reference's `sigmoid`). */
export function sigmoid32(x: number): number {
  if (x >= 0) {
    return 1 / (1 + Math.exp(-x));
  }
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * tanh without overflow or cancellation. |x| < 0.25: its Taylor series to x⁹ (the next term,
 * 1382x¹¹/155925, is below 1e-8 relative); beyond, (1 − e)/(1 + e) with e = exp(−2|x|) ≤ 0.61, which
 * never overflows (built-in tanh is sinh/cosh on some drivers, NaN for |x| > 44).
 */
export function tanh32(x: number): number {
  const a = Math.abs(x);
  if (a < 0.25) {
    const x2 = x * x;
    return x * (1 + x2 * (-0.3333333333333333 + x2 * (0.13333333333333333 + x2 * (-0.05396825396825397 + x2 * 0.021869488536155203))));
  }
  const e = Math.exp(-2 * a);
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
}

/**
 * a^b with JavaScript's rules for a negative base: GPU `pow` is exp2(b·log2 a), undefined for a < 0,
 * so take |a|^b and restore the sign for odd integer b; a non-integer b gives NaN (from sqrt of a
 * negative number: kernels cannot write a NaN literal).
 */
export function pow32(a: number, b: number): number {
  if (b === 0) {
    return 1;
  }
  if (a < 0) {
    const bi = Math.floor(b);
    if (bi !== b) {
      return Math.sqrt(a);
    }
    const m = (-a) ** b;
    const half = Math.floor(bi * 0.5);
    return bi - 2 * half === 1 ? -m : m;
  }
  return a ** b;
}

/** maximum with NaN propagating, as PyTorch's (GPU max/min may drop a NaN operand). */
export function maxNaN(a: number, b: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test kernels can write (no Number.isNaN there)
  if (a !== a) {
    return a;
  }
  // biome-ignore lint/suspicious/noSelfCompare: as above
  if (b !== b) {
    return b;
  }
  return Math.max(a, b);
}

/** minimum with NaN propagating: min(a, b) = −max(−a, −b), and −NaN is NaN. */
export function minNaN(a: number, b: number): number {
  return -maxNaN(-a, -b);
}

/** The helpers as gpu.js needs them: added to every kernel, compiled only where called. */
export const KERNEL_FUNCTIONS = [divFloor, erfcPositive, erf32, gelu32, geluGrad32, sigmoid32, tanh32, pow32, maxNaN, minNaN];
