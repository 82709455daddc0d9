/**
 * pad, cat, stack, split, chunk: ops that move blocks of elements. Each block's gradient is the
 * matching block of g — a narrow view — and a narrowed block's gradient is g padded with zeros.
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { record } from '../record.js';
import type { Variable } from '../variable.js';
import { narrow } from './view.js';

/** Constant padding (`pads` as F.pad: (before, after) pairs from the last dim). The gradient drops the padding. */
export function pad(x: Variable, pads: readonly number[], value = 0): Variable {
  const shape = x.shape;
  return record(
    'pad',
    T.pad(x.data, pads, value),
    [x],
    () => (g) => {
      let inner = g;
      for (let i = 0; i < pads.length / 2; i++) inner = T.narrow(inner, shape.length - 1 - i, pads[2 * i], shape[shape.length - 1 - i]);
      return [inner];
    },
    { pads, value },
  );
}

/** Concatenation along `dim`: input i's gradient is its slab of g. */
export function cat(xs: readonly Variable[], dim = 0): Variable {
  const out = T.cat(
    xs.map((x) => x.data),
    dim,
  );
  const d = dim < 0 ? dim + out.rank : dim;
  const sizes = xs.map((x) => x.shape[d]);
  return record(
    'cat',
    out,
    xs,
    () => (g, needs) => {
      let start = 0;
      return sizes.map((n, i) => {
        const slab = needs[i] ? T.narrow(g, d, start, n) : null;
        start += n;
        return slab;
      });
    },
    { dim: d },
  );
}

/** Stacking along a new `dim`: input i's gradient is entry i of g along that dim. */
export function stack(xs: readonly Variable[], dim = 0): Variable {
  const out = T.stack(
    xs.map((x) => x.data),
    dim,
  );
  const d = dim < 0 ? dim + out.rank : dim;
  return record('stack', out, xs, () => (g, needs) => needs.map((need, i) => (need ? T.squeeze(T.narrow(g, d, i, 1), d) : null)), {
    dim: d,
  });
}

/** Splits into pieces of `size` or of the listed sizes (views); each piece is a `narrow`, with its gradient. */
export const split = T.op('split', (x: Variable, sizeOrSections: number | readonly number[], dim = 0): Variable[] =>
  asNarrows(x, T.split(x.data, sizeOrSections, dim), dim),
);

/** Splits into `chunks` nearly equal pieces (PyTorch's sizes); each piece is a `narrow`. */
export const chunk = T.op('chunk', (x: Variable, chunks: number, dim = 0): Variable[] => asNarrows(x, T.chunk(x.data, chunks, dim), dim));

/** The tensor package decides the pieces (and checks the arguments); autograd re-makes each as a narrow of x (the op's scope frees the tensor pieces). */
function asNarrows(x: Variable, pieces: readonly Tensor[], dim: number): Variable[] {
  const d = dim < 0 ? dim + x.rank : dim;
  let start = 0;
  return pieces.map((p) => {
    const length = p.shape[d];
    const v = narrow(x, d, start, length);
    start += length;
    return v;
  });
}
