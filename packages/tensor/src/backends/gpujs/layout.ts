/**
 * Layout kernels that move elements rather than compute them: constant padding and concatenation
 * (copies and casts are elementwise maps, see elementwise.ts).
 */
import type { DataId, View } from '../../backend.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import type { Runner } from './chunks.js';
import { COPY, mapLaunch } from './elementwise.js';
import { kernelSource, type Launch, meta } from './launch.js';
import { coalesce, coordsCode } from './view-code.js';

/**
 * Constant padding: output coordinate c reads input c − before in every dim, or `value` where that
 * falls outside. Meta: output shape, input offset and strides, input shape, pads before, value.
 */
export function padLaunch(x: View, pads: readonly (readonly [number, number])[], value: number): Launch {
  const r = x.shape.length;
  const outShape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const [stride, shape, before, valueAt] = [r + 1, 2 * r + 1, 3 * r + 1, 4 * r + 1];
  const body = [
    'const flat = this.thread.x;',
    coordsCode(r, (d) => `meta[${d}]`),
    `let p = meta[${r}];`,
    'let inside = 1;',
    ...x.shape.map((_, d) =>
      [
        `const s${d} = c${d} - meta[${before + d}];`,
        `if (s${d} < 0 || s${d} >= meta[${shape + d}]) {\ninside = 0;\n}`,
        `p += s${d} * meta[${stride + d}];`,
      ].join('\n'),
    ),
    `if (inside === 0) {\nreturn meta[${valueAt}];\n}`,
    'return x[p];',
  ];
  return {
    op: 'pad',
    key: `pad:${r}`,
    source: () => kernelSource(['x', 'meta'], body.filter(Boolean).join('\n')),
    inputs: [x.dataId],
    tables: [meta([...outShape, x.offset, ...x.strides, ...x.shape, ...pads.map((p) => p[0]), value])],
    outSize: sizeOf(outShape),
  };
}

/** The most inputs one cat kernel takes (WebGPU allows 8 storage buffers: inputs, meta and output). */
const CAT_FAN_IN = 6;

/** A tensor seen as a matrix [rows, width]: where it starts, and its row and column strides. */
interface Matrix {
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly width: number;
}

interface Piece {
  readonly id: DataId;
  readonly m: Matrix;
}

/**
 * A view split at `dim` as a matrix: the dims before `dim` merged into rows, the rest into columns.
 * Null when the strides do not allow it (the caller copies the view out first).
 */
function asMatrix(x: View, dim: number): Matrix | null {
  const rows = coalesce(x.shape.slice(0, dim), [{ strides: x.strides.slice(0, dim), offset: 0 }]);
  const cols = coalesce(x.shape.slice(dim), [{ strides: x.strides.slice(dim), offset: 0 }]);
  if (rows.shape.length > 1 || cols.shape.length > 1) return null;
  return { offset: x.offset, rowStride: rows.strides[0][0] ?? 0, colStride: cols.strides[0][0] ?? 0, width: sizeOf(x.shape.slice(dim)) };
}

/**
 * Up to {@link CAT_FAN_IN} matrices side by side: output column `col` of row `row` comes from the
 * piece whose column range holds it. Meta: total width, then per piece its end column, offset, row
 * stride and column stride.
 */
function catLaunch(pieces: readonly Piece[], rows: number): Launch {
  const k = pieces.length;
  const width = pieces.reduce((a, p) => a + p.m.width, 0);
  const values = [width];
  let end = 0;
  for (const p of pieces) {
    end += p.m.width;
    values.push(end, p.m.offset, p.m.rowStride, p.m.colStride);
  }
  const read = (j: number) => {
    const start = j === 0 ? '0' : `meta[${1 + 4 * (j - 1)}]`;
    const [off, rs, cs] = [2 + 4 * j, 3 + 4 * j, 4 + 4 * j];
    return `const at${j} = meta[${off}] + row * meta[${rs}] + (col - ${start}) * meta[${cs}];\nreturn x${j}[at${j}];`;
  };
  const branches = pieces.map((_, j) => (j === k - 1 ? read(j) : `if (col < meta[${1 + 4 * j}]) {\n${read(j)}\n}`));
  const body = ['const flat = this.thread.x;', 'const row = divFloor(flat, meta[0]);', 'const col = flat - row * meta[0];', ...branches];
  return {
    op: 'cat',
    key: `cat:${k}`,
    source: () => kernelSource([...pieces.map((_, j) => `x${j}`), 'meta'], body.join('\n')),
    inputs: pieces.map((p) => p.id),
    tables: [meta(values)],
    outSize: rows * width,
  };
}

/** Joins matrices side by side, at most CAT_FAN_IN per kernel (a tree of kernels beyond that). */
function catPieces(r: Runner, pieces: readonly Piece[], rows: number): DataId {
  if (pieces.length <= CAT_FAN_IN) return r.run(catLaunch(pieces, rows));
  const groups: Piece[] = [];
  for (let i = 0; i < pieces.length; i += CAT_FAN_IN) {
    const group = pieces.slice(i, i + CAT_FAN_IN);
    const width = group.reduce((a, p) => a + p.m.width, 0);
    groups.push({ id: catPieces(r, group, rows), m: { offset: 0, rowStride: width, colStride: 1, width } });
  }
  const out = catPieces(r, groups, rows);
  for (const g of groups) r.dispose(g.id);
  return out;
}

/**
 * Concatenation along `dim`: every input seen as a matrix split at `dim` (copied out first when its
 * strides do not allow that), and the matrices joined side by side. Empty inputs are skipped.
 */
export function cat(r: Runner, xs: readonly View[], dim: number): DataId {
  const rows = sizeOf(xs[0].shape.slice(0, dim));
  const temps: DataId[] = [];
  const pieces = xs
    .filter((x) => sizeOf(x.shape) > 0)
    .map((x): Piece => {
      const m = asMatrix(x, dim);
      if (m) return { id: x.dataId, m };
      const id = r.run(mapLaunch('copy', COPY, [x]));
      temps.push(id);
      return { id, m: asMatrix({ ...x, dataId: id, strides: contiguousStrides(x.shape), offset: 0 }, dim) as Matrix };
    });
  const out = pieces.length === 0 ? r.upload(new Float32Array(0)) : catPieces(r, pieces, rows);
  for (const id of temps) r.dispose(id);
  return out;
}
