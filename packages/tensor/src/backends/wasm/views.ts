/**
 * Preparing strided views for the kernels: merge dims so that walks have few, long rows. Several
 * views of one shape are merged together (an elementwise op's inputs and output): dims d and d+1 merge
 * when, in every view, stepping d is the same as stepping d+1 all the way — stride[d] equals
 * stride[d+1]·shape[d+1]. Size-1 dims are dropped first. A contiguous view of any shape becomes one
 * dim of stride 1; a broadcast scalar one dim of stride 0.
 */
import type { Shape } from '../../shape.js';
import { MAX_RANK } from './generated/contract.js';

export interface MergedViews {
  readonly shape: number[];
  /** One stride array per input view, in the same order. */
  readonly strides: number[][];
}

export function mergeDims(shape: Shape, strideSets: readonly (readonly number[])[]): MergedViews {
  const keep = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  for (const d of keep) {
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strideSets.every((s, k) => outStrides[k][last] === s[d] * shape[d]);
    if (mergeable) outShape[last] *= shape[d];
    else outShape.push(shape[d]);
    const at = outShape.length - 1;
    for (const [k, s] of strideSets.entries()) outStrides[k][at] = s[d];
  }
  if (outShape.length === 0) return { shape: [1], strides: strideSets.map(() => [0]) };
  if (outShape.length > MAX_RANK) {
    throw new Error(
      `wasm backend: views of shape [${shape.join(',')}] keep ${outShape.length} dims after merging; at most ${MAX_RANK} are supported`,
    );
  }
  return { shape: outShape, strides: outStrides };
}
