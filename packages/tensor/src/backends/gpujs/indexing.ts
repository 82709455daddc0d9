/**
 * gather and its adjoint scatterAdd over strided views.
 *
 * A GPU kernel cannot throw, so an index outside its dim cannot stop the kernel: gather writes NaN
 * there (which an int32 result reads back as 0) and scatterAdd drops the contribution. The error
 * still reaches the user: where the indices sit on the host (webasm, cpu) the backend checks them
 * first and throws as the reference does; on the GPU modes `indexCheck` scans them on the device,
 * and reading the result (or anything computed from it) throws the reference's message.
 */
import type { DataId, ScatterParams, View } from '../../backend.js';
import { sizeOf } from '../../shape.js';
import { chunkCode, chunking, type Runner } from './chunks.js';
import type { CheckSpec } from './device-memory.js';
import { kernelSource, type Launch, meta } from './launch.js';
import { sumRows } from './rows.js';
import { coalesce, coordsCode, isFlat, metaEnd, positionCode, stridedMeta, viewsPreamble } from './view-code.js';

/** x's layout over the index's shape, with the gathered dim's stride zeroed (the index supplies it). */
function withoutDim(v: View, dim: number): { strides: number[]; offset: number } {
  return { strides: v.strides.map((s, d) => (d === dim ? 0 : s)), offset: v.offset };
}

/** out[c] = x[c with c[dim] = index[c]]; index out of range → NaN. */
export function gatherLaunch(x: View, index: View, dim: number): Launch {
  const c = coalesce(index.shape, [index, withoutDim(x, dim)]);
  const rank = isFlat(c) ? 'flat' : c.shape.length;
  // flat needs a meta array anyway, for the gathered dim's size and stride
  const r = rank === 'flat' ? 0 : rank;
  const e = rank === 'flat' ? 0 : metaEnd(r, 2);
  const body = [
    viewsPreamble(rank, 2),
    'const i = index[p0];',
    `if (i < 0 || i >= meta[${e}]) {\nreturn meta[${e + 2}];\n}`,
    `const at = p1 + i * meta[${e + 1}];`,
    'return x[at];',
  ];
  return {
    op: 'gather',
    key: `gather:${rank}`,
    source: () => kernelSource(['index', 'x', 'meta'], body.join('\n')),
    inputs: [index.dataId, x.dataId],
    tables: [meta([...(rank === 'flat' ? [] : stridedMeta(c)), x.shape[dim], x.strides[dim], Number.NaN])],
    outSize: sizeOf(index.shape),
  };
}

/**
 * out[c] = Σ_k src[c with c[dim] = k] over the k where index[c with c[dim] = k] = c[dim], and 0 for
 * c outside the index's extent. Each thread scans one chunk of k (chunks.ts). Meta: output shape,
 * index and src layouts (dim stride zeroed), index extents, a one-hot of `dim` (so c[dim] is a sum,
 * not baked source), the index's length along dim, the index's and src's strides along it, the
 * chunk, and chunks per element.
 */
export function scatterAdd(r: Runner, index: View, src: View, { shape, dim }: ScatterParams, checks: readonly CheckSpec[]): DataId {
  const rank = shape.length;
  const [iBase, sBase, ext, hot, tail] = [rank, 2 * rank + 1, 3 * rank + 2, 4 * rank + 2, 5 * rank + 2];
  const extents = index.shape.map((n, d) => (d === dim ? shape[d] : n));
  const target = shape.map((_, d) => `c${d} * meta[${hot + d}]`).join(' + ') || '0';
  const { chunk, count } = chunking(index.shape[dim]);
  const body = [
    'const flat = this.thread.x;',
    chunkCode(`meta[${tail + 4}]`, `meta[${tail + 3}]`, `meta[${tail}]`),
    coordsCode(rank, (d) => `meta[${d}]`, 'o'),
    'let inside = 1;',
    ...shape.map((_, d) => `if (c${d} >= meta[${ext + d}]) {\ninside = 0;\n}`),
    'if (inside === 0) {\nreturn 0;\n}',
    positionCode('pi', rank, iBase),
    positionCode('ps', rank, sBase),
    `const target = ${target};`,
    `const iStep = meta[${tail + 1}];`,
    `const sStep = meta[${tail + 2}];`,
    'let sum = 0;',
    'for (let k = lo; k < hi; k += 1) {',
    // the index read gets a line of its own: see the README's "What gpu.js's WebGL translator rejects"
    'const at = index[pi + k * iStep];',
    'if (at === target) {',
    'sum += src[ps + k * sStep];',
    '}',
    '}',
    'return sum;',
  ];
  const values = [
    ...shape,
    index.offset,
    ...withoutDim(index, dim).strides,
    src.offset,
    ...withoutDim(src, dim).strides,
    ...extents,
    ...shape.map((_, d) => (d === dim ? 1 : 0)),
    index.shape[dim],
    index.strides[dim],
    src.strides[dim],
    chunk,
    count,
  ];
  const elements = sizeOf(shape);
  const launch: Launch = {
    op: 'scatterAdd',
    key: `scatterAdd:${rank}`,
    source: () => kernelSource(['index', 'src', 'meta'], body.filter(Boolean).join('\n')),
    inputs: [index.dataId, src.dataId],
    tables: [meta(values)],
    outSize: elements * count,
  };
  const partial = r.run(launch, checks);
  if (count === 1) return partial;
  const out = sumRows(r, partial, elements, count);
  r.dispose(partial);
  return out;
}

/** What a chunk of the scan returns when its indices are all in range: indices are integers, so none equals it. */
const ALL_IN_RANGE = 0.5;

/**
 * The first index (in row-major order) outside [0, size), found on the device: each thread scans a
 * chunk and returns its first bad index, and the host takes the first of those when the check is
 * read. Broadcast dims (stride 0) repeat the same indices and are scanned once.
 */
export function indexCheck(op: string, index: View, dim: number, size: number): CheckSpec {
  const kept = index.shape.map((_, d) => d).filter((d) => index.strides[d] !== 0);
  const c = coalesce(
    kept.map((d) => index.shape[d]),
    [{ strides: kept.map((d) => index.strides[d]), offset: index.offset }],
  );
  const rank = c.shape.length;
  const e = metaEnd(rank, 1);
  const total = sizeOf(c.shape);
  const { chunk, count } = chunking(total);
  const body = [
    'const flat = this.thread.x;',
    chunkCode(`meta[${e + 3}]`, `meta[${e + 2}]`, `meta[${e}]`),
    `let bad = ${ALL_IN_RANGE};`,
    'for (let f = lo; f < hi; f += 1) {',
    coordsCode(rank, (d) => `meta[${d}]`, 'f'),
    positionCode('p', rank, rank),
    'const i = index[p];',
    `if (bad === ${ALL_IN_RANGE} && (i < 0 || i >= meta[${e + 1}])) {\nbad = i;\n}`,
    '}',
    'return bad;',
  ];
  return {
    launch: {
      op: `${op} index check`,
      key: `indexCheck:${rank}`,
      source: () => kernelSource(['index', 'meta'], body.filter(Boolean).join('\n')),
      inputs: [index.dataId],
      tables: [meta([...stridedMeta(c), total, size, chunk, count])],
      outSize: count,
    },
    failure: (found) => {
      const bad = found.find((v) => v !== ALL_IN_RANGE);
      return bad === undefined ? null : `${op}: index ${bad} is out of range for dim ${dim} of size ${size}`;
    },
  };
}
