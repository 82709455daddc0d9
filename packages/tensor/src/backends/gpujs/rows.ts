/**
 * Kernels over the rows of a contiguous [rows, cols] buffer: reductions, softmax and layerNorm.
 *
 * A row reduction runs in stages (chunks.ts): each thread reduces one chunk of a row to a partial,
 * and the partials, a [rows, chunks] buffer, are reduced again until one value per row is left.
 * The first stage may reduce a computed term (exp(x − max) for softmax, (x − mean)² for layerNorm)
 * and the last may finish the value (divide by n for a mean, 1/√(var + eps) for layerNorm).
 */
import type { DataId, ReduceOp } from '../../backend.js';
import { chunkCode, chunking, type Runner, SUM_CHUNK } from './chunks.js';
import { kernelSource, type Launch, meta } from './launch.js';

/** What the first stage sums: x itself, exp(x − shift[row]), or (x − shift[row])². */
type Term = 'x' | 'expShift' | 'sqDev';
/** What the last stage returns: the sum, the mean, or 1/√(mean + eps). */
type Finish = 'sum' | 'mean' | 'rstd';

const TERM: Record<Term, string> = {
  x: 'x[base + j]',
  expShift: 'Math.exp(x[base + j] - shift[o])',
  sqDev: '(x[base + j] - shift[o]) * (x[base + j] - shift[o])',
};
// meta: row length, chunk, chunks per row, then the finish's n and eps
const FINISH: Record<Finish, string> = {
  sum: 'sum',
  mean: 'sum / meta[3]',
  rstd: '1 / Math.sqrt(sum / meta[3] + meta[4])',
};
const STAGE_HEAD = ['const flat = this.thread.x;', chunkCode('meta[2]', 'meta[1]', 'meta[0]'), 'const base = o * meta[0];'].join('\n');

function sumStage(x: DataId, shift: DataId | null, term: Term, finish: Finish, rows: number, n: number, extra: readonly number[]): Launch {
  const { chunk, count } = chunking(n, 1, SUM_CHUNK);
  const body = [
    STAGE_HEAD,
    'let sum = 0;',
    'for (let j = lo; j < hi; j += 1) {',
    `sum += ${TERM[term]};`,
    '}',
    `return ${FINISH[count === 1 ? finish : 'sum']};`,
  ];
  return {
    op: 'sum',
    key: `sum:${term}:${count === 1 ? finish : 'sum'}`,
    source: () => kernelSource(['x', ...(shift ? ['shift'] : []), 'meta'], body.join('\n')),
    inputs: [x, ...(shift ? [shift] : [])],
    tables: [meta([n, chunk, count, ...extra])],
    outSize: rows * count,
  };
}

/**
 * Σ over each row of x [rows, n] of `term`, finished by `finish` (whose n and eps are `extra`).
 * Stages of SUM_CHUNK: blocked summation, whose error grows with the block, not the row.
 */
export function sumRows(
  r: Runner,
  x: DataId,
  rows: number,
  n: number,
  opts: { term?: Term; shift?: DataId; finish?: Finish; extra?: number[] } = {},
): DataId {
  const { term = 'x', finish = 'sum', extra = [] } = opts;
  let cur = x;
  let len = n;
  let first = true;
  for (;;) {
    const l = sumStage(cur, first ? (opts.shift ?? null) : null, first ? term : 'x', finish, rows, len, extra);
    const out = r.run(l);
    if (cur !== x) r.dispose(cur);
    const { count } = chunking(len, 1, SUM_CHUNK);
    if (count === 1) return out;
    [cur, len, first] = [out, count, false];
  }
}

/**
 * The scan for max/min and their positions: the first best value wins ties, and a NaN wins and
 * stays, as the reference and PyTorch propagate NaN (`best === best` is false only for NaN).
 * `positions`, when given, holds the row positions of the previous stage's partials.
 */
function extremumStage(op: ReduceOp, x: DataId, positions: DataId | null, want: 'value' | 'position', rows: number, n: number): Launch {
  const { chunk, count } = chunking(n, 1, SUM_CHUNK);
  const better = op === 'max' || op === 'argmax' ? '>' : '<';
  const result = want === 'value' ? 'best' : positions ? 'positions[base + pos]' : 'pos';
  const body = [
    STAGE_HEAD,
    'let best = x[base + lo];',
    'let pos = lo;',
    'for (let j = lo + 1; j < hi; j += 1) {',
    'const v = x[base + j];',
    `if (best === best && (v !== v || v ${better} best)) {`,
    'best = v;',
    'pos = j;',
    '}',
    '}',
    `return ${result};`,
  ];
  return {
    op: `reduce ${op}`,
    key: `extremum:${better}:${want}:${positions !== null}`,
    source: () => kernelSource(['x', ...(positions ? ['positions'] : []), 'meta'], body.join('\n')),
    inputs: [x, ...(positions ? [positions] : [])],
    tables: [meta([n, chunk, count])],
    outSize: rows * count,
  };
}

/** max/min of each row, or the first position of it (argmax/argmin), in stages. */
function extremumRows(r: Runner, op: ReduceOp, x: DataId, rows: number, n: number): DataId {
  const wantPosition = op === 'argmax' || op === 'argmin';
  let values = x;
  let positions: DataId | null = null;
  let len = n;
  for (;;) {
    const last = chunking(len, 1, SUM_CHUNK).count === 1;
    const nextPositions: DataId | null = wantPosition ? r.run(extremumStage(op, values, positions, 'position', rows, len)) : null;
    const nextValues: DataId | null = last && wantPosition ? null : r.run(extremumStage(op, values, null, 'value', rows, len));
    if (values !== x) r.dispose(values);
    if (positions) r.dispose(positions);
    if (last) return (nextPositions ?? nextValues) as DataId;
    values = nextValues as DataId;
    positions = nextPositions;
    len = chunking(len, 1, SUM_CHUNK).count;
  }
}

/** One value per row of x [rows, n]: sum, max, min, or the first position of the max or min. */
export function reduceRows(r: Runner, op: ReduceOp, x: DataId, rows: number, n: number): DataId {
  return op === 'sum' ? sumRows(r, x, rows, n) : extremumRows(r, op, x, rows, n);
}

/** softmax = exp(x − m) / s and log-softmax = x − m − log s, with m the row max and s = Σ exp(x − m). */
export function softmaxRows(r: Runner, x: DataId, rows: number, cols: number, log: boolean): DataId {
  const m = extremumRows(r, 'max', x, rows, cols);
  const s = sumRows(r, x, rows, cols, { term: 'expShift', shift: m });
  const out = log ? '(x[flat] - rowMax[row]) - Math.log(sumExp[row])' : 'Math.exp(x[flat] - rowMax[row]) / sumExp[row]';
  const body = ['const flat = this.thread.x;', 'const row = divFloor(flat, meta[0]);', `return ${out};`];
  const y = r.run({
    op: log ? 'logSoftmax' : 'softmax',
    key: `softmax:${log}`,
    source: () => kernelSource(['x', 'rowMax', 'sumExp', 'meta'], body.join('\n')),
    inputs: [x, m, s],
    tables: [meta([cols])],
    outSize: rows * cols,
  });
  r.dispose(m);
  r.dispose(s);
  return y;
}

/**
 * LayerNorm of each row: the mean, then 1/√(var + eps) with the biased variance taken about the
 * mean (two passes, stable), then y = (x − mean)·rstd·weight + bias (weight and bias optional).
 */
export function layerNormRows(
  r: Runner,
  x: DataId,
  rows: number,
  cols: number,
  weight: DataId | null,
  bias: DataId | null,
  eps: number,
): { y: DataId; mean: DataId; rstd: DataId } {
  const mean = sumRows(r, x, rows, cols, { finish: 'mean', extra: [cols] });
  const rstd = sumRows(r, x, rows, cols, { term: 'sqDev', shift: mean, finish: 'rstd', extra: [cols, eps] });
  const body = [
    'const flat = this.thread.x;',
    'const row = divFloor(flat, meta[0]);',
    'const col = flat - row * meta[0];',
    'const n = (x[flat] - mean[row]) * rstd[row];',
    `return n${weight ? ' * weight[col]' : ''}${bias ? ' + bias[col]' : ''};`,
  ];
  const y = r.run({
    op: 'layerNorm',
    key: `layerNorm:${weight !== null}:${bias !== null}`,
    source: () => kernelSource(['x', 'mean', 'rstd', ...(weight ? ['weight'] : []), ...(bias ? ['bias'] : []), 'meta'], body.join('\n')),
    inputs: [x, mean, rstd, ...(weight ? [weight] : []), ...(bias ? [bias] : [])],
    tables: [meta([cols])],
    outSize: rows * cols,
  });
  return { y, mean, rstd };
}
