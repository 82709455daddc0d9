/**
 * conv2d and its two gradients, each written gather-style: a thread owns one element of its output
 * and sums every product that lands there. The forward pass owns an output pixel and visits its
 * taps; the input gradient owns an input pixel and finds the output pixels whose taps covered it
 * (oy·stride = iy + pad − ky·dilation, so oy must divide out exactly); the weight gradient owns a
 * weight and visits every output pixel. No thread writes another's element, so there are no races
 * and no atomics — which gpu.js does not have. Each kernel's outermost loop is split into chunks
 * when it is long (chunks.ts), the partials summed by a second kernel.
 */
import type { Conv2dInputGradParams, Conv2dParams, Conv2dWeightGradParams, DataId, View } from '../../backend.js';
import { convGeometry } from '../../conv-geometry.js';
import { type Shape, sizeOf } from '../../shape.js';
import { chunkCode, chunking, type Runner } from './chunks.js';
import { kernelSource, meta } from './launch.js';
import { sumRows } from './rows.js';
import { coordsCode } from './view-code.js';

// the meta array, named once at the top of each kernel (locals, not a memory read per use);
// CHUNK and COUNT split the outermost loop
const NAMES = ['N', 'C', 'H', 'W', 'CO', 'CIG', 'KH', 'KW', 'HO', 'WO', 'SH', 'SW', 'PH', 'PW', 'DH', 'DW', 'COG', 'CHUNK', 'COUNT'];
const HEAD = ['const flat = this.thread.x;', ...NAMES.map((name, i) => `const ${name} = meta[${i}];`)].join('\n');

interface Geometry {
  readonly values: number[];
  readonly ho: number;
  readonly wo: number;
}

function geometry(xShape: Shape, wShape: Shape, p: Conv2dParams): Geometry {
  const { n, c, h, w, co, cig, cog, kh, kw, ho, wo } = convGeometry(xShape, wShape, p);
  return { values: [n, c, h, w, co, cig, kh, kw, ho, wo, ...p.stride, ...p.padding, ...p.dilation, cog], ho, wo };
}

/**
 * Thread (b, oc, oy, ox, chunk of input channels): Σ over those channels and the taps inside the
 * image. Positions are built up a dim at a time (plane, row, column) rather than from scratch per tap.
 */
const FORWARD = (bias: boolean) =>
  [
    HEAD,
    chunkCode('COUNT', 'CHUNK', 'CIG'),
    coordsCode(4, (d) => ['N', 'CO', 'HO', 'WO'][d], 'o'),
    'const g = divFloor(c1, COG);',
    'const iy0 = c2 * SH - PH;',
    'const ix0 = c3 * SW - PW;',
    'let sum = 0;',
    'for (let ci = lo; ci < hi; ci += 1) {',
    'const xPlane = (c0 * C + g * CIG + ci) * H;',
    'const wPlane = (c1 * CIG + ci) * KH;',
    'for (let ky = 0; ky < KH; ky++) {',
    'const iy = iy0 + ky * DH;',
    'if (iy >= 0 && iy < H) {',
    'const xRow = (xPlane + iy) * W;',
    'const wRow = (wPlane + ky) * KW;',
    'for (let kx = 0; kx < KW; kx++) {',
    'const ix = ix0 + kx * DW;',
    'if (ix >= 0 && ix < W) {',
    'sum += x[xRow + ix] * w[wRow + kx];',
    '}',
    '}',
    '}',
    '}',
    '}',
    // the bias joins one partial only
    bias ? 'return s === 0 ? sum + bias[c1] : sum;' : 'return sum;',
  ].join('\n');

/**
 * Thread (b, c, iy, ix, chunk of the group's output channels): Σ dy·w over the output pixels whose
 * taps read it. With unit strides every tap lands on an output pixel, so the divisibility test (two
 * float divisions per tap) is left out of that variant.
 */
const BACKWARD_INPUT = (unitStride: boolean) =>
  [
    HEAD,
    chunkCode('COUNT', 'CHUNK', 'COG'),
    coordsCode(4, (d) => ['N', 'C', 'H', 'W'][d], 'o'),
    'const g = divFloor(c1, CIG);',
    'const ci = c1 - g * CIG;',
    'let sum = 0;',
    'for (let oo = lo; oo < hi; oo += 1) {',
    'const oc = g * COG + oo;',
    'const yPlane = (c0 * CO + oc) * HO;',
    'const wPlane = (oc * CIG + ci) * KH;',
    'for (let ky = 0; ky < KH; ky++) {',
    'const ty = c2 + PH - ky * DH;',
    unitStride ? 'const oy = ty;' : 'const oy = divFloor(ty, SH);',
    unitStride ? 'if (ty >= 0 && oy < HO) {' : 'if (ty >= 0 && oy * SH === ty && oy < HO) {',
    'const yRow = (yPlane + oy) * WO;',
    'const wRow = (wPlane + ky) * KW;',
    'for (let kx = 0; kx < KW; kx++) {',
    'const tx = c3 + PW - kx * DW;',
    unitStride ? 'const ox = tx;' : 'const ox = divFloor(tx, SW);',
    unitStride ? 'if (tx >= 0 && ox < WO) {' : 'if (tx >= 0 && ox * SW === tx && ox < WO) {',
    'sum += dy[yRow + ox] * w[wRow + kx];',
    '}',
    '}',
    '}',
    '}',
    '}',
    'return sum;',
  ].join('\n');

/** Thread (oc, ci, ky, kx, chunk of (batch, output row) pairs): Σ x·dy over those rows' pixels whose tap lies inside the image. */
const BACKWARD_WEIGHT = [
  HEAD,
  chunkCode('COUNT', 'CHUNK', 'N * HO'),
  coordsCode(4, (d) => ['CO', 'CIG', 'KH', 'KW'][d], 'o'),
  'const xc = divFloor(c0, COG) * CIG + c1;',
  'const dyOff = c3 * DW - PW;',
  'let sum = 0;',
  'for (let r = lo; r < hi; r += 1) {',
  'const b = divFloor(r, HO);',
  'const oy = r - b * HO;',
  'const iy = oy * SH - PH + c2 * DH;',
  'if (iy >= 0 && iy < H) {',
  'const xRow = ((b * C + xc) * H + iy) * W;',
  'const yRow = ((b * CO + c0) * HO + oy) * WO;',
  'for (let ox = 0; ox < WO; ox++) {',
  'const ix = ox * SW + dyOff;',
  'if (ix >= 0 && ix < W) {',
  'sum += x[xRow + ix] * dy[yRow + ox];',
  '}',
  '}',
  '}',
  '}',
  'return sum;',
].join('\n');

/** One of the three kernels for one call: what to run, and over which outputs and outer loop. */
interface ConvCall {
  readonly op: string;
  readonly key: string;
  readonly args: readonly string[];
  readonly body: string;
  readonly inputs: readonly DataId[];
  readonly elements: number;
  /** Steps of the kernel's outermost loop, and the loop iterations one step costs (its inner loops + 1). */
  readonly length: number;
  readonly stepCost: number;
}

/** Runs `c` with its outer loop chunked across threads, and sums the partials. */
function chunked(r: Runner, g: Geometry, c: ConvCall): DataId {
  const { chunk, count } = chunking(c.length, c.stepCost);
  const partial = r.run({
    op: c.op,
    key: c.key,
    source: () => kernelSource(c.args, c.body),
    inputs: c.inputs,
    tables: [meta([...g.values, chunk, count])],
    outSize: c.elements * count,
  });
  if (count === 1) return partial;
  const out = sumRows(r, partial, c.elements, count);
  r.dispose(partial);
  return out;
}

/** x `[N,C,H,W]`, w `[Co,C/groups,kh,kw]`, optional bias `[Co]`, all contiguous: output `[N,Co,Ho,Wo]`. */
export function conv2d(r: Runner, x: View, w: View, bias: View | null, p: Conv2dParams): DataId {
  const g = geometry(x.shape, w.shape, p);
  const [co, cig, kh, kw] = w.shape;
  return chunked(r, g, {
    op: 'conv2d',
    key: `conv2d:${bias !== null}`,
    args: ['x', 'w', ...(bias ? ['bias'] : []), 'meta'],
    body: FORWARD(bias !== null),
    inputs: [x.dataId, w.dataId, ...(bias ? [bias.dataId] : [])],
    elements: x.shape[0] * co * g.ho * g.wo,
    length: cig,
    stepCost: kh * (kw + 1) + 1,
  });
}

/** dx from dy `[N,Co,Ho,Wo]` and w: output `p.xShape`. */
export function conv2dBackwardInput(r: Runner, dy: View, w: View, p: Conv2dInputGradParams): DataId {
  const g = geometry(p.xShape, w.shape, p);
  const [co, , kh, kw] = w.shape;
  const unit = p.stride[0] === 1 && p.stride[1] === 1;
  return chunked(r, g, {
    op: 'conv2dBackwardInput',
    key: `conv2d:dx:${unit}`,
    args: ['dy', 'w', 'meta'],
    body: BACKWARD_INPUT(unit),
    inputs: [dy.dataId, w.dataId],
    elements: sizeOf(p.xShape),
    length: co / p.groups,
    stepCost: kh * (kw + 1) + 1,
  });
}

/** dw from x and dy: output `p.wShape`. */
export function conv2dBackwardWeight(r: Runner, x: View, dy: View, p: Conv2dWeightGradParams): DataId {
  const g = geometry(x.shape, p.wShape, p);
  return chunked(r, g, {
    op: 'conv2dBackwardWeight',
    key: 'conv2d:dw',
    args: ['x', 'dy', 'meta'],
    body: BACKWARD_WEIGHT,
    inputs: [x.dataId, dy.dataId],
    elements: sizeOf(p.wShape),
    length: x.shape[0] * g.ho,
    stepCost: g.wo + 1,
  });
}
