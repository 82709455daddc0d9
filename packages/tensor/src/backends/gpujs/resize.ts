/**
 * Bilinear and nearest resizing and their adjoints. The coordinate rule (PyTorch's, with its
 * align_corners and scale-factor subtleties) is computed on the host in float64 by the functions
 * every backend shares (resize-geometry.ts), once per output row and column, and handed to the kernel
 * as a table of taps: which input row (column) each output row (column) reads, with what weight. So the GPU never
 * re-derives a coordinate in float32 and cannot round one differently from the reference.
 *
 * The adjoint needs the transposed table: for each input row, the output rows that read it. It is
 * built on the host as a compressed list (start offsets, then (output, weight) pairs), so each
 * gradient thread owns one input pixel and visits only the outputs that touched it.
 */
import type { ResizeKernelParams, View } from '../../backend.js';
import { linearTaps, nearestIndex } from '../../resize-geometry.js';
import { kernelSource, type Launch, meta } from './launch.js';
import { coordsCode } from './view-code.js';

type Mode = 'bilinear' | 'nearest';

/** Taps of one axis: for output o, `src[o*T + t]` with weight `weight[o*T + t]`, T = 2 (bilinear) or 1. */
interface AxisTaps {
  readonly perOutput: number;
  readonly src: number[];
  readonly weight: number[];
}

function axisTaps(mode: Mode, outSize: number, inSize: number, scale: number, alignCorners: boolean): AxisTaps {
  const src: number[] = [];
  const weight: number[] = [];
  for (let o = 0; o < outSize; o++) {
    if (mode === 'bilinear') {
      const [i0, i1, w0, w1] = linearTaps(o, inSize, scale, alignCorners);
      src.push(i0, i1);
      weight.push(w0, w1);
    } else {
      src.push(nearestIndex(o, inSize, scale));
      weight.push(1);
    }
  }
  return { perOutput: mode === 'bilinear' ? 2 : 1, src, weight };
}

/** Forward table: (src, weight) pairs per output coordinate. */
function forwardTable(t: AxisTaps): number[] {
  return t.src.flatMap((s, i) => [s, t.weight[i]]);
}

/** Transposed table: `inSize + 1` start offsets, then (output, weight) pairs grouped by input. */
function adjointTable(t: AxisTaps, inSize: number): number[] {
  const byInput: number[][] = Array.from({ length: inSize }, () => []);
  for (const [i, s] of t.src.entries()) byInput[s].push(Math.floor(i / t.perOutput), t.weight[i]);
  const starts = [0];
  for (const pairs of byInput) starts.push(starts[starts.length - 1] + pairs.length / 2);
  return [...starts, ...byInput.flat()];
}

// forward meta: planes, h, w, outH, outW, taps per output, start of the column taps in the table
const FORWARD = [
  'const flat = this.thread.x;',
  coordsCode(3, (d) => ['meta[0]', 'meta[3]', 'meta[4]'][d]),
  'let sum = 0;',
  'for (let a = 0; a < meta[5]; a++) {',
  'const ty = (c1 * meta[5] + a) * 2;',
  'const row = (c0 * meta[1] + taps[ty]) * meta[2];',
  'for (let b = 0; b < meta[5]; b++) {',
  'const tx = meta[6] + (c2 * meta[5] + b) * 2;',
  'const at = row + taps[tx];',
  'sum += taps[ty + 1] * taps[tx + 1] * x[at];',
  '}',
  '}',
  'return sum;',
].join('\n');

// adjoint meta: planes, h, w, outH, outW, then where the row pairs, column starts and column pairs
// begin. The loop counters start at table values, so they are floats: `+= 1`, as WGSL has no ++ on f32.
// Table positions are named before they index (`col`, `at`): see the README's "What gpu.js's WebGL
// translator rejects"
const ADJOINT = [
  'const flat = this.thread.x;',
  coordsCode(3, (d) => ['meta[0]', 'meta[1]', 'meta[2]'][d]),
  'const col = meta[6] + c2;',
  'const colFirst = taps[col];',
  'const colEnd = taps[col + 1];',
  'let sum = 0;',
  'for (let a = taps[c1]; a < taps[c1 + 1]; a += 1) {',
  'const ty = meta[5] + 2 * a;',
  'const row = (c0 * meta[3] + taps[ty]) * meta[4];',
  'for (let b = colFirst; b < colEnd; b += 1) {',
  'const tx = meta[7] + 2 * b;',
  'const at = row + taps[tx];',
  'sum += taps[ty + 1] * taps[tx + 1] * dy[at];',
  '}',
  '}',
  'return sum;',
].join('\n');

/** x `[N,C,h,w]` resized to `[N,C,p.outH,p.outW]`. */
export function resizeLaunch(mode: Mode, x: View, p: ResizeKernelParams): Launch {
  const [n, c, h, w] = x.shape;
  const rows = axisTaps(mode, p.outH, h, p.scaleH, p.alignCorners);
  const cols = axisTaps(mode, p.outW, w, p.scaleW, p.alignCorners);
  const rowTable = forwardTable(rows);
  return {
    op: `interpolate ${mode}`,
    key: 'resize',
    source: () => kernelSource(['x', 'taps', 'meta'], FORWARD),
    inputs: [x.dataId],
    tables: [meta([...rowTable, ...forwardTable(cols)]), meta([n * c, h, w, p.outH, p.outW, rows.perOutput, rowTable.length])],
    outSize: n * c * p.outH * p.outW,
  };
}

/** The adjoint: dy `[N,C,outH,outW]` (the forward's output) spread back onto `[N,C,p.outH,p.outW]` (its input). */
export function resizeBackwardLaunch(mode: Mode, dy: View, p: ResizeKernelParams): Launch {
  const [n, c, outH, outW] = dy.shape;
  const [inH, inW] = [p.outH, p.outW];
  const rowTable = adjointTable(axisTaps(mode, outH, inH, p.scaleH, p.alignCorners), inH);
  const colTable = adjointTable(axisTaps(mode, outW, inW, p.scaleW, p.alignCorners), inW);
  const colStart = rowTable.length;
  return {
    op: `interpolateBackward ${mode}`,
    key: 'resize:adjoint',
    source: () => kernelSource(['dy', 'taps', 'meta'], ADJOINT),
    inputs: [dy.dataId],
    tables: [meta([...rowTable, ...colTable]), meta([n * c, inH, inW, outH, outW, inH + 1, colStart, colStart + inW + 1])],
    outSize: n * c * inH * inW,
  };
}
