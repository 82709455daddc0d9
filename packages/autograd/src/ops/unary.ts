/**
 * Unary elementwise ops, as one table: each row is the forward (a tensor op) and the backward, the
 * output gradient g times the local derivative, written from the saved input x or output y —
 * whichever the formula reads (saving only that one keeps the other's memory free), or both.
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { record } from '../record.js';
import type { Variable } from '../variable.js';

interface Rule {
  readonly forward: (x: Tensor) => Tensor;
  /** What the backward reads: the input x, the output y, both, or neither. */
  readonly saves: 'input' | 'output' | 'both' | 'none';
  /** g · d(out)/dx, given the saved tensors (x then y for 'both'). */
  readonly backward: (g: Tensor, ...saved: Tensor[]) => Tensor;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const RULES = {
  neg: { forward: T.neg, saves: 'none', backward: (g) => T.neg(g) },
  exp: { forward: T.exp, saves: 'output', backward: (g, y) => T.mul(g, y) },
  log: { forward: T.log, saves: 'input', backward: (g, x) => T.div(g, x) },
  // d√x = 1 / (2√x)
  sqrt: { forward: T.sqrt, saves: 'output', backward: (g, y) => T.div(g, T.mul(y, 2)) },
  // d x^(−1/2) = −½ x^(−3/2) = −½ y³
  rsqrt: { forward: T.rsqrt, saves: 'output', backward: (g, y) => T.mul(g, T.mul(T.mul(y, T.mul(y, y)), -0.5)) },
  // sign(0) = 0: the subgradient PyTorch picks at the kink
  abs: { forward: T.abs, saves: 'input', backward: (g, x) => T.mul(g, T.sign(x)) },
  tanh: { forward: T.tanh, saves: 'output', backward: (g, y) => T.mul(g, T.sub(1, T.mul(y, y))) },
  sigmoid: { forward: T.sigmoid, saves: 'output', backward: (g, y) => T.mul(g, T.mul(y, T.sub(1, y))) },
  // d erf(x) = 2/√π · e^(−x²)
  erf: { forward: T.erf, saves: 'input', backward: (g, x) => T.mul(g, T.mul(T.exp(T.neg(T.mul(x, x))), TWO_OVER_SQRT_PI)) },
  // 0 at x = 0, as PyTorch
  relu: { forward: T.relu, saves: 'input', backward: (g, x) => T.where(T.gt(x, 0), g, 0) },
  // d[x·Φ(x)] = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π), with Φ(x) = y/x read back from the output (one
  // kernel, one exp) instead of computing erf again; y stays alive anyway as the next layer's input
  gelu: { forward: T.gelu, saves: 'both', backward: (g, x, y) => T.mul(g, T.geluGrad(x, y)) },
  square: { forward: T.square, saves: 'input', backward: (g, x) => T.mul(g, T.mul(x, 2)) },
} satisfies Record<string, Rule>;

function unary(op: keyof typeof RULES, x: Variable): Variable {
  const rule: Rule = RULES[op];
  const out = rule.forward(x.data);
  return record(op, out, [x], (save) => {
    // called only when recording: an op under noGrad builds none of this
    const saved = save(...{ none: [], input: [x.data], output: [out], both: [x.data, out] }[rule.saves]);
    return (g) => [rule.backward(g, ...saved)];
  });
}

/** `−x`; gradient −g. */
export const neg = (x: Variable) => unary('neg', x);
/** `e^x`; gradient g·e^x. */
export const exp = (x: Variable) => unary('exp', x);
/** Natural log; gradient g/x. */
export const log = (x: Variable) => unary('log', x);
/** `√x`; gradient g/(2√x). */
export const sqrt = (x: Variable) => unary('sqrt', x);
/** `1/√x`; gradient −½·g·x^(−3/2). */
export const rsqrt = (x: Variable) => unary('rsqrt', x);
/** `|x|`; gradient g·sign(x) (0 at 0). */
export const abs = (x: Variable) => unary('abs', x);
/** tanh; gradient g·(1 − y²). */
export const tanh = (x: Variable) => unary('tanh', x);
/** Logistic sigmoid; gradient g·y·(1 − y). */
export const sigmoid = (x: Variable) => unary('sigmoid', x);
/** The error function; gradient g·2/√π·e^(−x²). */
export const erf = (x: Variable) => unary('erf', x);
/** `max(x, 0)`; gradient g where x > 0. */
export const relu = (x: Variable) => unary('relu', x);
/** GELU, exact erf form (PyTorch's default). */
export const gelu = (x: Variable) => unary('gelu', x);
/** `x²`; gradient 2·g·x. */
export const square = (x: Variable) => unary('square', x);
