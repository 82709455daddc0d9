/**
 * Scalar oracles for the elementwise ops: what each op must compute, written here from the math
 * (erf and the exact GELU come from the package's math.ts, which the golden tests check against
 * PyTorch). Each entry also says which inputs make sense (log wants positives, etc.).
 */
import type { BinaryOp, UnaryOp } from '../../src/index.js';
import { erfScalar, geluScalar } from '../../src/index.js';
import type { Tolerance } from './expect-close.js';

export interface Domain {
  readonly min: number;
  readonly max: number;
}

export const UNARY_ORACLE: Record<UnaryOp, { f: (x: number) => number; domain?: Domain }> = {
  neg: { f: (x) => -x },
  exp: { f: Math.exp },
  log: { f: Math.log, domain: { min: 0.05, max: 5 } },
  sqrt: { f: Math.sqrt, domain: { min: 0, max: 5 } },
  rsqrt: { f: (x) => 1 / Math.sqrt(x), domain: { min: 0.05, max: 5 } },
  abs: { f: Math.abs },
  sign: { f: Math.sign },
  tanh: { f: Math.tanh },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)) },
  erf: { f: erfScalar },
  relu: { f: (x) => Math.max(x, 0) },
  gelu: { f: geluScalar },
  floor: { f: Math.floor },
};

/** Ops whose int32 inputs stay int32 (the others compute in float32). */
export const INT_UNARY: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'relu'];

export const BINARY_ORACLE: Record<BinaryOp, { f: (a: number, b: number) => number; a?: Domain; b?: Domain }> = {
  add: { f: (a, b) => a + b },
  sub: { f: (a, b) => a - b },
  mul: { f: (a, b) => a * b },
  div: { f: (a, b) => a / b, b: { min: 0.5, max: 3 } },
  pow: { f: Math.pow, a: { min: 0.1, max: 3 } },
  maximum: { f: Math.max },
  minimum: { f: Math.min },
  eq: { f: (a, b) => +(a === b) },
  ne: { f: (a, b) => +(a !== b) },
  lt: { f: (a, b) => +(a < b) },
  le: { f: (a, b) => +(a <= b) },
  gt: { f: (a, b) => +(a > b) },
  ge: { f: (a, b) => +(a >= b) },
  // written out from the definition: Φ + x·φ(x) with Φ = y/x (½ for |x| < 2⁻⁶⁰), φ(x) = e^(−x²/2)/√(2π)
  geluGrad: { f: (x, y) => (Math.abs(x) < 2 ** -60 ? 0.5 : y / x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI) },
};

export const COMPARISON_OPS: readonly BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

/** How far an oracle computed in float64 may sit from a float32 kernel's result (a few float32 ulps). */
export const ORACLE_TOL: Tolerance = { rtol: 1e-6, atol: 1e-7 };

/** The looser of two tolerances, per field. */
export function looser(a: Tolerance, b: Tolerance): Tolerance {
  return { rtol: Math.max(a.rtol, b.rtol), atol: Math.max(a.atol, b.atol) };
}
