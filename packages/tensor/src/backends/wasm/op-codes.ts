/**
 * Op codes of the elementwise kernel, per (op, dtype): the same numbers as assembly/ops.ts. An op with
 * no int32 code is computed on float32 (the frontend casts first) or not defined for int32.
 */
import type { BinaryOp, UnaryOp } from '../../backend.js';

export const UNARY_F32: Record<UnaryOp, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  rsqrt: 4,
  abs: 5,
  sign: 6,
  tanh: 7,
  sigmoid: 8,
  erf: 9,
  relu: 10,
  gelu: 11,
  floor: 12,
};

export const UNARY_I32: Partial<Record<UnaryOp, number>> = { neg: 16, abs: 17, sign: 18, relu: 19 };

export const BINARY_F32: Record<BinaryOp, number> = {
  add: 32,
  sub: 33,
  mul: 34,
  div: 35,
  pow: 36,
  maximum: 37,
  minimum: 38,
  eq: 39,
  ne: 40,
  lt: 41,
  le: 42,
  gt: 43,
  ge: 44,
};

export const BINARY_I32: Partial<Record<BinaryOp, number>> = {
  add: 48,
  sub: 49,
  mul: 50,
  maximum: 53,
  minimum: 54,
  eq: 55,
  ne: 56,
  lt: 57,
  le: 58,
  gt: 59,
  ge: 60,
};

export const WHERE = 64;

const TRANSCENDENTAL = new Set([UNARY_F32.exp, UNARY_F32.log, UNARY_F32.tanh, UNARY_F32.sigmoid, UNARY_F32.erf, UNARY_F32.gelu]);

/** Rough cost in nanoseconds per element, for deciding whether a job is worth splitting among threads. */
export function elementCost(code: number): number {
  if (code === BINARY_F32.pow) return 30;
  return TRANSCENDENTAL.has(code) ? 3 : 0.5;
}
