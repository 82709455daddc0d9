/**
 * How an op joins the graph. An op computes its forward result on tensors, then calls `record`, which
 * returns the result as a {@link Variable}: a constant when nothing needs a gradient (or inside
 * `noGrad`), otherwise one whose {@link Node} holds the op's backward function. That function is built
 * by `makeBackward`, called only when recording, so the tensors it saves cost nothing otherwise.
 */
import { share, type Tensor } from '@setr-ts/tensor';
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, Node } from './node.js';
import { notifyObserver, type OpAttrs } from './op-observer.js';
import { Variable } from './variable.js';

/** An op operand: a variable, or a tensor or number taken as a constant (no gradient). */
export type VariableLike = Variable | Tensor | number;

/** Keeps a reference to each tensor for the backward pass; the node disposes them when released. */
export type Save = (...tensors: Tensor[]) => Tensor[];

/**
 * Wraps `out`, the forward result of `op` on `inputs`, as a variable; when recording, attaches a node
 * with the backward function `makeBackward(save)` returns. `attrs` are the op's other arguments, for
 * an observer of the ops (see op-observer.ts).
 * @example
 * export function exp(x: Variable): Variable {
 *   const y = T.exp(x.data);
 *   return record('exp', y, [x], (save) => {
 *     const [ys] = save(y);
 *     return (g) => [T.mul(g, ys)];   // d exp(x)/dx = exp(x)
 *   });
 * }
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly VariableLike[],
  makeBackward: (save: Save) => BackwardFn,
  attrs: OpAttrs = {},
): Variable {
  const result = recorded(op, out, inputs, makeBackward);
  notifyObserver(op, inputs, result, attrs);
  return result;
}

function recorded(op: string, out: Tensor, inputs: readonly VariableLike[], makeBackward: (save: Save) => BackwardFn): Variable {
  const needing = inputs.map((x) => (x instanceof Variable && x.requiresGrad ? x : null));
  if (!isGradEnabled() || needing.every((v) => v === null)) return constant(out);
  const saved: Tensor[] = [];
  const save: Save = (...tensors) =>
    tensors.map((t) => {
      const s = share(t);
      saved.push(s);
      return s;
    });
  return new Variable(out, true, new Node(op, needing, makeBackward(save), saved));
}

/** A variable that needs no gradient and has none: the result of a non-differentiable step. */
export function constant(t: Tensor): Variable {
  return new Variable(t, false, null);
}

/** The tensor (or number) behind an operand. */
export function dataOf(x: VariableLike): Tensor | number {
  return x instanceof Variable ? x.data : x;
}

/** An operand's shape; a number is a 0-d scalar. */
export function shapeOf(x: VariableLike): readonly number[] {
  return typeof x === 'number' ? [] : x.shape;
}
