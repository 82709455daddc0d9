/**
 * Binary elementwise ops with broadcasting. Each backward computes both gradients at the broadcast
 * (output) shape; `broadcasting` then hands them to `unbroadcast`, which sums each back to its
 * operand's own shape. Each op saves only what its gradients read.
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import type { BackwardFn } from '../node.js';
import { dataOf, record, type Save, shapeOf, type VariableLike } from '../record.js';
import { unbroadcast } from '../unbroadcast.js';
import { Variable } from '../variable.js';

type Grads = (g: Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null];

/** The backward function of a binary op whose `grads` are given at the broadcast shape. */
function broadcasting(a: VariableLike, b: VariableLike, grads: Grads): BackwardFn {
  const [sa, sb] = [shapeOf(a), shapeOf(b)];
  return (g, needs) => {
    const [ga, gb] = grads(g, needs);
    return [ga && unbroadcast(ga, sa), gb && unbroadcast(gb, sb)];
  };
}

/** Saves the operands' tensors for the backward pass (numbers need no saving). */
function saveOperands(save: Save, ...xs: VariableLike[]): (Tensor | number)[] {
  return xs.map((x) => {
    const d = dataOf(x);
    return typeof d === 'number' ? d : save(d)[0];
  });
}

/** `a + b`: both gradients are g. */
export function add(a: VariableLike, b: VariableLike): Variable {
  return record('add', T.add(dataOf(a), dataOf(b)), [a, b], () => broadcasting(a, b, (g) => [g, g]));
}

/** `a − b`: g and −g. */
export function sub(a: VariableLike, b: VariableLike): Variable {
  return record('sub', T.sub(dataOf(a), dataOf(b)), [a, b], () => broadcasting(a, b, (g, n) => [g, n[1] ? T.neg(g) : null]));
}

/** `a · b`: g·b and g·a. */
export function mul(a: VariableLike, b: VariableLike): Variable {
  return record('mul', T.mul(dataOf(a), dataOf(b)), [a, b], (save) => {
    const [x, z] = saveOperands(save, a, b);
    return broadcasting(a, b, (g, n) => [n[0] ? T.mul(g, z) : null, n[1] ? T.mul(g, x) : null]);
  });
}

/** `a / b`: g/b and −g·a/b² = −g·y/b. */
export function div(a: VariableLike, b: VariableLike): Variable {
  const out = T.div(dataOf(a), dataOf(b));
  return record('div', out, [a, b], (save) => {
    const [z, y] = [...saveOperands(save, b), save(out)[0]];
    return broadcasting(a, b, (g, n) => [n[0] ? T.div(g, z) : null, n[1] ? T.neg(T.div(T.mul(g, y), z)) : null]);
  });
}

/** `a ^ b`: g·b·a^(b−1) and g·y·ln a (see `exponentGrad`). */
export function pow(a: VariableLike, b: VariableLike): Variable {
  const out = T.pow(dataOf(a), dataOf(b));
  return record('pow', out, [a, b], (save) => {
    const [x, z] = saveOperands(save, a, b);
    const [y] = save(out);
    return broadcasting(a, b, (g, n) => [
      n[0] ? T.mul(g, T.mul(z, T.pow(x, typeof z === 'number' ? z - 1 : T.sub(z, 1)))) : null,
      n[1] ? exponentGrad(g, x, y) : null,
    ]);
  });
}

/** g·y·ln a, the exponent's gradient; taken as 0 where a = 0 (PyTorch's choice) rather than the formula's 0·(−∞) = NaN. */
function exponentGrad(g: Tensor, base: Tensor | number, y: Tensor): Tensor {
  if (typeof base === 'number') return base === 0 ? T.mul(g, 0) : T.mul(T.mul(g, y), Math.log(base));
  return T.where(T.eq(base, 0), 0, T.mul(T.mul(g, y), T.log(base)));
}

/**
 * The gradient of max(a, b) goes to the larger operand; on a tie each gets half (PyTorch's rule for
 * `maximum`/`minimum`, which keeps the gradient of max(a, a) = a right: ½ + ½ = 1).
 */
function tieSplit(g: Tensor, wins: Tensor, ties: Tensor): Tensor {
  return T.where(wins, g, T.where(ties, T.mul(g, 0.5), 0));
}

/** Elementwise larger of a and b (see `tieSplit` for the gradient). */
export function maximum(a: VariableLike, b: VariableLike): Variable {
  return record('maximum', T.maximum(dataOf(a), dataOf(b)), [a, b], (save) => {
    const [x, z] = saveOperands(save, a, b);
    return broadcasting(a, b, (g) => [tieSplit(g, T.gt(x, z), T.eq(x, z)), tieSplit(g, T.lt(x, z), T.eq(x, z))]);
  });
}

/** Elementwise smaller of a and b (see `tieSplit` for the gradient). */
export function minimum(a: VariableLike, b: VariableLike): Variable {
  return record('minimum', T.minimum(dataOf(a), dataOf(b)), [a, b], (save) => {
    const [x, z] = saveOperands(save, a, b);
    return broadcasting(a, b, (g) => [tieSplit(g, T.lt(x, z), T.eq(x, z)), tieSplit(g, T.gt(x, z), T.eq(x, z))]);
  });
}

/** `cond ? a : b` elementwise (`cond` an int32 mask): g goes to `a` where cond holds and to `b` elsewhere. */
export function where(cond: Tensor | Variable, a: VariableLike, b: VariableLike): Variable {
  const c = cond instanceof Variable ? cond.data : cond;
  return record(
    'where',
    T.where(c, dataOf(a), dataOf(b)),
    [a, b],
    (save) => {
      const [mask] = save(c);
      return broadcasting(a, b, (g, n) => [n[0] ? T.where(mask, g, 0) : null, n[1] ? T.where(mask, 0, g) : null]);
    },
    { cond: c },
  );
}

/**
 * Limits x to [min, max]. The gradient passes where min ≤ x ≤ max, bounds included (PyTorch's clamp),
 * and is 0 outside — unlike maximum(minimum(x, max), min), which would halve it at the bounds.
 */
export function clamp(x: Variable, min?: number, max?: number): Variable {
  return record(
    'clamp',
    T.clamp(x.data, min, max),
    [x],
    (save) => {
      const [xs] = save(x.data);
      return (g) => {
        const inside = min === undefined ? g : T.where(T.lt(xs, min), 0, g);
        return [max === undefined ? inside : T.where(T.gt(xs, max), 0, inside)];
      };
    },
    { min, max },
  );
}
