/**
 * Indexing by int32 tensors. `gather` reads x at the indexed positions, so its gradient adds g back at
 * those positions (`scatterAdd`: repeated indices accumulate); `scatterAdd`'s gradient in turn
 * gathers g. The index tensors are constants.
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { record } from '../record.js';
import type { Variable } from '../variable.js';

/** PyTorch's `gather` (see the tensor package). */
export function gather(x: Variable, dim: number, index: Tensor): Variable {
  const shape = x.shape;
  return record(
    'gather',
    T.gather(x.data, dim, index),
    [x],
    (save) => {
      const [idx] = save(index);
      return (g) => [T.scatterAdd(shape, dim, idx, g)];
    },
    { dim, index },
  );
}

/** The entries `index` (1-D int32) of `dim`; gradient rows of repeated indices add up. */
export function indexSelect(x: Variable, dim: number, index: Tensor): Variable {
  const out = T.indexSelect(x.data, dim, index);
  const d = dim < 0 ? dim + x.rank : dim;
  const shape = x.shape;
  return record(
    'indexSelect',
    out,
    [x],
    (save) => {
      const [idx] = save(index);
      return (g) => {
        // the 1-D index broadcast to g's shape along the other dims, as indexSelect's gather uses it
        const spread = T.expand(
          T.reshape(
            idx,
            shape.map((_, i) => (i === d ? idx.shape[0] : 1)),
          ),
          g.shape,
        );
        return [T.scatterAdd(shape, d, spread, g)];
      };
    },
    { dim: d, index },
  );
}

/** Zeros of `shape` with `src` added at the indexed positions (the adjoint of gather); src's gradient gathers g. */
export function scatterAdd(shape: readonly number[], dim: number, index: Tensor, src: Variable): Variable {
  return record(
    'scatterAdd',
    T.scatterAdd(shape, dim, index, src.data),
    [src],
    (save) => {
      const [idx] = save(index);
      return (g) => [T.gather(g, dim, idx)];
    },
    { shape, dim, index },
  );
}
