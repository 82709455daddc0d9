/**
 * Batched matrix product over strided views: out[p,i,j] = Σ_q a[p,i,q] · b[p,q,j]. Strides are
 * arguments, so a transposed operand (`x.T`, `k.transpose(-2,-1)`) or a broadcast batch (stride 0)
 * is read in place. gpu.js exposes no workgroup memory, so there is no tiling: a thread walks its
 * row of a and column of b. A long inner dim is split into chunks summed by a second kernel
 * (chunks.ts).
 */
import type { DataId, View } from '../../backend.js';
import { chunkCode, chunking, type Runner } from './chunks.js';
import { kernelSource, meta } from './launch.js';
import { sumRows } from './rows.js';

// meta: m, n, k, a's offset and 3 strides, b's offset and 3 strides, chunk, chunks per element
const BODY = [
  'const flat = this.thread.x;',
  chunkCode('meta[12]', 'meta[11]', 'meta[2]'),
  'const mn = meta[0] * meta[1];',
  'const p = divFloor(o, mn);',
  'const rest = o - p * mn;',
  'const i = divFloor(rest, meta[1]);',
  'const j = rest - i * meta[1];',
  'let pa = meta[3] + p * meta[4] + i * meta[5] + lo * meta[6];',
  'let pb = meta[7] + p * meta[8] + lo * meta[9] + j * meta[10];',
  'let sum = 0;',
  'for (let q = lo; q < hi; q += 1) {',
  'sum += a[pa] * b[pb];',
  'pa += meta[6];',
  'pb += meta[9];',
  '}',
  'return sum;',
].join('\n');

/** `[B,M,K] @ [B,K,N] → [B,M,N]`. */
export function matmul(r: Runner, a: View, b: View): DataId {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const { chunk, count } = chunking(k);
  const partial = r.run({
    op: 'matmul',
    key: 'matmul',
    source: () => kernelSource(['a', 'b', 'meta'], BODY),
    inputs: [a.dataId, b.dataId],
    tables: [meta([m, n, k, a.offset, ...a.strides, b.offset, ...b.strides, chunk, count])],
    outSize: batch * m * n * count,
  });
  if (count === 1) return partial;
  const out = sumRows(r, partial, batch * m * n, count);
  r.dispose(partial);
  return out;
}
