/** Reduced dims, as the reductions and their backward passes need them. */
import { normalizeDims } from '@setr-ts/tensor';

/** The dims the reduction `op` over `dim` covers, by the tensor package's rule (all when undefined or empty); a bad dim is an error naming `op`. */
export function reducedDims(op: string, dim: number | readonly number[] | undefined, rank: number): number[] {
  return normalizeDims(op, dim, rank);
}

/** `shape` with the reduced dims set to 1: the keepdim shape through which a gradient is broadcast back. */
export function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((n, i) => (dims.includes(i) ? 1 : n));
}

/** Number of elements a reduction over `dims` combines into each output. */
export function reducedCount(shape: readonly number[], dims: readonly number[]): number {
  return dims.reduce((n, d) => n * shape[d], 1);
}
