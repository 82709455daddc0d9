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

// meta, named once (locals, not a memory read per use): sizes, a's offset and 3 strides, b's, and
// the chunking of the inner dim
const NAMES = ['M', 'N', 'K', 'A0', 'SA0', 'SA1', 'SA2', 'B0', 'SB0', 'SB1', 'SB2', 'CHUNK', 'COUNT'];
const BODY = [
  'const flat = this.thread.x;',
  ...NAMES.map((name, i) => `const ${name} = meta[${i}];`),
  chunkCode('COUNT', 'CHUNK', 'K'),
  'const p = divFloor(o, M * N);',
  'const rest = o - p * M * N;',
  'const i = divFloor(rest, N);',
  'const j = rest - i * N;',
  'let pa = A0 + p * SA0 + i * SA1 + lo * SA2;',
  'let pb = B0 + p * SB0 + lo * SB1 + j * SB2;',
  'let sum = 0;',
  'for (let q = lo; q < hi; q += 1) {',
  'sum += a[pa] * b[pb];',
  'pa += SA2;',
  'pb += SB1;',
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
