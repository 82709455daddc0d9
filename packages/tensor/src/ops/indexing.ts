/** Indexing by integer tensors: `gather`, `indexSelect`, their adjoint `scatterAdd`, and `oneHot`. */

import { full } from '../creation.js';
import { op } from '../engine.js';
import { fmt, normalizeDim, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDtype, wrap } from './util.js';
import { expand, reshape, unsqueeze } from './view.js';

/**
 * PyTorch's `gather`: `out[i][j][k] = x[index[i][j][k]][j][k]` for dim 0 (and likewise for other
 * dims). `index` is int32 with x's rank and, outside `dim`, dims no larger than x's.
 */
export const gather = op('gather', (x: Tensor, dim: number, index: Tensor): Tensor => {
  const b = backendOf('gather', x, index);
  checkDtype('gather', index, ['int32']);
  const d = normalizeDim('gather', dim, x.rank);
  if (index.rank !== x.rank || index.shape.some((n, i) => i !== d && n > x.shape[i])) {
    throw new Error(`gather: index ${fmt(index.shape)} must have the rank of input ${fmt(x.shape)} and no larger dims outside dim ${dim}`);
  }
  return wrap(b, b.gather(x, index, { dim: d }), index.shape, x.dtype);
});

/**
 * The adjoint of gather: a zero tensor of `shape` into which `src[i][j][k]` is added at
 * `[index[i][j][k]][j][k]` (dim 0). Repeated indices accumulate.
 */
export const scatterAdd = op('scatterAdd', (shape: readonly number[], dim: number, index: Tensor, src: Tensor): Tensor => {
  const b = backendOf('scatterAdd', index, src);
  checkDtype('scatterAdd', index, ['int32']);
  const d = normalizeDim('scatterAdd', dim, shape.length);
  if (!shapesEqual(index.shape, src.shape) || index.rank !== shape.length || index.shape.some((n, i) => i !== d && n > shape[i])) {
    throw new Error(
      `scatterAdd: index ${fmt(index.shape)} and src ${fmt(src.shape)} must match and fit output ${fmt(shape)} outside dim ${dim}`,
    );
  }
  return wrap(b, b.scatterAdd(index, src, { shape, dim: d }), shape, src.dtype);
});

/** Picks the entries `index` (1-D int32) along `dim`: a gather with the index broadcast over the other dims. */
export const indexSelect = op('indexSelect', (x: Tensor, dim: number, index: Tensor): Tensor => {
  const d = normalizeDim('indexSelect', dim, x.rank);
  if (index.rank !== 1) throw new Error(`indexSelect: index must be 1-D, got ${fmt(index.shape)}`);
  const shape = x.shape.map((n, i) => (i === d ? index.shape[0] : n));
  const viewShape = x.shape.map((_, i) => (i === d ? index.shape[0] : 1));
  try {
    return gather(x, d, expand(reshape(index, viewShape), shape));
  } catch (e) {
    throw new Error(`indexSelect: ${(e as Error).message.replace(/^gather: /, '')}`);
  }
});

/** `[..., numClasses]` int32 one-hot encoding of an int32 label tensor. */
export const oneHot = op('oneHot', (labels: Tensor, numClasses: number): Tensor => {
  checkDtype('oneHot', labels, ['int32']);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  // a 1 scattered at each label's position: the scatter checks every label against numClasses, so a
  // label out of range is an error (as in PyTorch), never a silent row of zeros
  const index = unsqueeze(labels, -1);
  const ones = full(index.shape, 1, { dtype: 'int32', backend: labels.backend });
  try {
    return scatterAdd([...labels.shape, numClasses], -1, index, ones);
  } catch (e) {
    throw new Error(`oneHot: labels must lie in [0, ${numClasses}): ${(e as Error).message}`);
  }
});
